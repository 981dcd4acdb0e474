"""Reputation: an integer score in ``[0, 1000]`` from a player's social record.

The score is a documented sum of capped terms, clamped to the bounds::

    500                                     neutral start
    + min(100, account_age_days // 3)       seniority: up to +100 after 300 days
    + min(200, 10 * challenges_completed)   honoured challenges: up to +200
    + min(100, 2 * battles_fought)          clan battles fought: up to +100
    + min(100, 5 * achievements)            achievements: up to +100
    - 50  * challenges_defaulted            stakes not honoured / abandoned challenges
    - 100 * reports_upheld                  moderation reports found valid
    clamped to [0, 1000]

The positive terms sum to at most 500, so a spotless veteran reaches exactly 1000; the
penalties are uncapped (clamped at 0).  The score is monotone: more of a positive input never
lowers it, more of a penalty never raises it.  :func:`reputation_tier` names bands for display
and for gates such as "only *trusted* players may stake more than X".

>>> reputation(ReputationRecord(account_age_days=90, challenges_completed=4,
...                             battles_fought=10, achievements=3))   # 500+30+40+20+15
605
>>> reputation_tier(605)
'trusted'
"""

from __future__ import annotations

from typing import Final

import attrs
from returns.result import Result

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.social.checks import require

__all__ = [
    "MAX_REPUTATION",
    "MIN_REPUTATION",
    "ReputationRecord",
    "reputation",
    "reputation_tier",
]

MIN_REPUTATION: Final = 0
MAX_REPUTATION: Final = 1000
_TIERS: Final = ((800, "exemplary"), (600, "trusted"), (400, "neutral"), (200, "doubtful"),
                 (0, "untrusted"))


@attrs.frozen(kw_only=True)
class ReputationRecord:
    """The counts reputation is computed from (all non-negative; use :meth:`of`)."""

    account_age_days: int = 0
    challenges_completed: int = 0
    battles_fought: int = 0
    achievements: int = 0
    challenges_defaulted: int = 0
    reports_upheld: int = 0

    @classmethod
    def of(cls, **counts: int) -> Result[ReputationRecord, DomainError]:
        """Validate that every count is a known field holding a non-negative integer; every
        problem is reported.

        >>> ReputationRecord.of(reports_upheld=-1).failure().codes()
        ('reputation.count',)
        >>> ReputationRecord.of(karma=3, achievements=True).failure().codes()
        ('reputation.unknown_count', 'reputation.count')
        """
        known = {field.name for field in attrs.fields(cls)}
        checks = [
            require(name in known, DomainError.invalid(
                "reputation.unknown_count", f"{name}: not a reputation count", field=name))
            if name not in known else
            require(not isinstance(value, bool) and isinstance(value, int) and value >= 0,
                    DomainError.invalid("reputation.count",
                                        f"{name}: must be a non-negative integer",
                                        field=name))
            for name, value in counts.items()]
        return collect_all("reputation.invalid", checks).map(lambda _: cls(**counts))


def reputation(record: ReputationRecord) -> int:
    """The reputation score in ``[0, 1000]`` (see the module formula).

    >>> reputation(ReputationRecord(account_age_days=10**6, challenges_completed=99,
    ...                             battles_fought=99, achievements=99))
    1000
    >>> reputation(ReputationRecord(reports_upheld=6))
    0
    """
    score = (500
             + min(100, record.account_age_days // 3)
             + min(200, 10 * record.challenges_completed)
             + min(100, 2 * record.battles_fought)
             + min(100, 5 * record.achievements)
             - 50 * record.challenges_defaulted
             - 100 * record.reports_upheld)
    return max(MIN_REPUTATION, min(MAX_REPUTATION, score))


def reputation_tier(score: int) -> str:
    """``exemplary`` (>= 800), ``trusted`` (>= 600), ``neutral`` (>= 400), ``doubtful``
    (>= 200) or ``untrusted``.

    >>> [reputation_tier(s) for s in (1000, 600, 599, 200, 0)]
    ['exemplary', 'trusted', 'neutral', 'doubtful', 'untrusted']
    """
    return next(name for floor, name in _TIERS if score >= floor)

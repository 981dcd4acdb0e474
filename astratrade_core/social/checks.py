"""Input checks shared by the social aggregates' ``decide`` functions.

Each check answers a ``Result`` so a command's problems are gathered with
:func:`~astratrade_core.errors.collect_all` and reported together.  ``prefix`` is the
aggregate's error namespace (``"clan"``, ``"battle"``, ``"challenge"``).

>>> from datetime import UTC, datetime
>>> aware("clan", datetime(2026, 1, 1), "issued_at").failure().code
'clan.naive_time'
>>> named("clan", " ", "user_id").failure().message
'user_id: must not be empty'
>>> require(1 < 2, DomainError.rejected("x.no", "no"))
<Success: None>
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = ["aware", "distinct", "named", "require"]


def require(condition: bool, error: DomainError) -> Result[None, DomainError]:
    """``Success(None)`` when ``condition`` holds, else ``Failure(error)``."""
    return Success(None) if condition else Failure(error)


def aware(prefix: str, moment: datetime, field: str) -> Result[datetime, DomainError]:
    """``moment`` when it is timezone-aware (so it compares with other instants) and has a
    UTC equivalent (so an event carrying it can be encoded).

    >>> from datetime import UTC, timedelta, timezone
    >>> east = timezone(timedelta(hours=5))
    >>> aware("clan", datetime.min.replace(tzinfo=east), "issued_at").failure().code
    'clan.time_range'
    >>> aware("clan", datetime.min.replace(tzinfo=UTC), "issued_at")
    <Success: 0001-01-01 00:00:00+00:00>
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        return Failure(DomainError.invalid(f"{prefix}.naive_time",
                                           f"{field}: must be timezone-aware", field=field))
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return Failure(DomainError.invalid(f"{prefix}.time_range",
                                           f"{field}: has no UTC equivalent", field=field))
    return Success(moment)


def named(prefix: str, value: str, field: str) -> Result[str, DomainError]:
    """``value`` when it is a non-blank identifier or name."""
    if value.strip():
        return Success(value)
    return Failure(DomainError.invalid(f"{prefix}.empty_id", f"{field}: must not be empty",
                                       field=field))


def distinct(prefix: str, values: Iterable[str], field: str) -> Result[None, DomainError]:
    """Success when no value of ``values`` appears twice; the failure names the repeats.

    >>> distinct("battle", ["a", "b", "a"], "roster_a").failure().fields["repeated"]
    'a'
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for value in values:
        (repeated if value in seen else seen).add(value)
    return require(not repeated, DomainError.invalid(
        f"{prefix}.duplicate", f"{field}: listed more than once: {', '.join(sorted(repeated))}",
        field=field, repeated=",".join(sorted(repeated))))

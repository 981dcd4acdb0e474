"""Friend challenges: two or more users compete on a metric over a window for a pot.

A :class:`FriendChallenge` names its participants (2..50, distinct), the metric (XP,
realized P&L, ROI % or volume -- the leaderboard metrics), the window (a half-open UTC
:class:`~astratrade_core.gamification.periods.Period`), the stake each participant puts in
and an optional platform reward, both in one currency and in whole minor units.

**Settlement** (:func:`settle_challenge`): every participant's score is computed from their
contributions inside the window (:func:`challenge_scores`; ROI % is floored to 1e-4 %, a
participant with nothing invested scores ROI 0).  The highest score wins; *all* participants
sharing it are winners.  The pot ``stake * participants + reward`` is split between the
winners in whole minor units by :func:`~astratrade_core.revenue.allocation.split_evenly`
(shares differ by at most one minor unit; the extra units go to winners in participant order),
so the payouts add up to the pot exactly: no unit is created or lost.  The
``ChallengeCompleted`` event lists the winners and every participant's score, stake and
payout.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.money import USD, Money
>>> from astratrade_core.gamification.periods import Period, PeriodKind
>>> window = Period(PeriodKind.WEEKLY, "w", datetime(2026, 3, 2, tzinfo=UTC),
...                 datetime(2026, 3, 9, tzinfo=UTC))
>>> c = FriendChallenge.of(challenge_id="ch-1", participants=("ann", "bob", "cat"),
...                        metric=Metric.XP, window=window, stake=Money.of("1.00", USD).unwrap(),
...                        reward=Money.of("0.01", USD).unwrap()).unwrap()
>>> done = settle_challenge(c, {"ann": Decimal(50), "bob": Decimal(50), "cat": Decimal(10)},
...                         datetime(2026, 3, 9, tzinfo=UTC)).unwrap()
>>> done.winners, [str(s.payout) for s in done.standings]   # 3.01 split two ways
(('ann', 'bob'), ['1.51', '1.50', '0.00'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.social import ChallengeCompleted, ChallengeStanding
from astratrade_core.gamification.periods import Period
from astratrade_core.gamification.standings import Contribution, Metric, roi_percent
from astratrade_core.money import Money
from astratrade_core.numeric import CONTEXT, ZERO, Rounding
from astratrade_core.revenue.allocation import split_evenly

__all__ = [
    "MAX_PARTICIPANTS",
    "FriendChallenge",
    "challenge_scores",
    "settle_challenge",
]

#: At most this many users in one challenge.
MAX_PARTICIPANTS: Final = 50


@attrs.frozen(kw_only=True)
class FriendChallenge:
    """A challenge between friends (build it with :meth:`of`)."""

    challenge_id: str
    participants: tuple[str, ...]
    metric: Metric
    window: Period
    stake: Money
    reward: Money

    @classmethod
    def of(cls, *, challenge_id: str, participants: tuple[str, ...], metric: Metric,
           window: Period, stake: Money, reward: Money) -> Result[FriendChallenge, DomainError]:
        """Validate: 2..50 distinct participants, a non-empty window, stake and reward >= 0
        in one currency and in whole minor units.

        >>> from datetime import UTC, datetime
        >>> from astratrade_core.money import USD, EUR, Money
        >>> from astratrade_core.gamification.periods import PeriodKind
        >>> w = Period(PeriodKind.DAILY, "d", datetime(2026, 1, 1, tzinfo=UTC),
        ...            datetime(2026, 1, 2, tzinfo=UTC))
        >>> FriendChallenge.of(challenge_id="c", participants=("a", "a"), metric=Metric.XP,
        ...     window=w, stake=Money.of("0.001", USD).unwrap(),
        ...     reward=Money.zero(EUR)).failure().codes()
        ('challenge.participants', 'challenge.currency', 'challenge.minor_unit')
        """
        problems: list[DomainError] = []
        if not 2 <= len(participants) <= MAX_PARTICIPANTS or len(set(participants)) != len(
                participants):
            problems.append(DomainError.invalid(
                "challenge.participants",
                f"need 2..{MAX_PARTICIPANTS} distinct participants", count=len(participants)))
        if window.end <= window.start:
            problems.append(DomainError.invalid("challenge.window", "the window is empty"))
        if stake.currency != reward.currency:
            problems.append(DomainError.invalid("challenge.currency",
                                           "stake and reward must share a currency",
                                           stake=stake.currency.code,
                                           reward=reward.currency.code))
        for name, amount in (("stake", stake), ("reward", reward)):
            if amount.amount < 0:
                problems.append(DomainError.invalid("challenge.negative", f"{name} must be >= 0"))
        if any(m.rounded(Rounding.DOWN).amount != m.amount for m in (stake, reward)):
            problems.append(DomainError.invalid("challenge.minor_unit",
                                           "amounts must be whole minor units"))
        if problems:
            return Failure(DomainError.all_of("challenge.invalid", problems))
        return Success(cls(challenge_id=challenge_id, participants=participants, metric=metric,
                           window=window, stake=stake, reward=reward))

    @property
    def pot(self) -> Money:
        """``stake * participants + reward``."""
        return Money(CONTEXT.add(CONTEXT.multiply(self.stake.amount,
                                                  Decimal(len(self.participants))),
                                 self.reward.amount), self.stake.currency)


def challenge_scores(challenge: FriendChallenge, contributions: Iterable[Contribution],
                     ) -> dict[str, Decimal]:
    """Each participant's score on the challenge metric from contributions inside the window
    (others are ignored).  ROI % is floored to 1e-4 %; no capital invested scores 0.

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.money import USD, Money
    >>> from astratrade_core.gamification.periods import PeriodKind
    >>> w = Period(PeriodKind.DAILY, "d", datetime(2026, 1, 1, tzinfo=UTC),
    ...            datetime(2026, 1, 2, tzinfo=UTC))
    >>> c = FriendChallenge.of(challenge_id="c", participants=("a", "b"),
    ...     metric=Metric.ROI_PERCENT, window=w, stake=Money.zero(USD),
    ...     reward=Money.zero(USD)).unwrap()
    >>> challenge_scores(c, [Contribution(user_id="a", source_id="t", occurred_at=w.start,
    ...                      pnl=Decimal("1"), invested=Decimal("3"))])
    {'a': Decimal('33.3333'), 'b': Decimal('0')}
    """
    pnl = dict.fromkeys(challenge.participants, ZERO)
    invested = dict.fromkeys(challenge.participants, ZERO)
    xp = dict.fromkeys(challenge.participants, ZERO)
    volume = dict.fromkeys(challenge.participants, ZERO)
    for c in contributions:
        if c.user_id not in pnl or not challenge.window.contains(c.occurred_at):
            continue
        pnl[c.user_id] = CONTEXT.add(pnl[c.user_id], c.pnl)
        invested[c.user_id] = CONTEXT.add(invested[c.user_id], c.invested)
        xp[c.user_id] = CONTEXT.add(xp[c.user_id], Decimal(c.xp))
        volume[c.user_id] = CONTEXT.add(volume[c.user_id], CONTEXT.abs(c.volume))
    if challenge.metric is Metric.XP:
        return xp
    if challenge.metric is Metric.REALIZED_PNL:
        return pnl
    if challenge.metric is Metric.VOLUME:
        return volume
    return {user: roi_percent(pnl[user], invested[user]).value_or(ZERO)
            for user in challenge.participants}


def settle_challenge(challenge: FriendChallenge, scores: Mapping[str, Decimal],
                     occurred_at: datetime) -> Result[ChallengeCompleted, DomainError]:
    """Pick the winners (all who share the top score) and split the pot between them.

    ``scores`` must hold exactly the participants; settling before the window has closed is a
    Failure (``challenge.not_over``).  The event id is ``"<challenge_id>/completed"``.
    """
    if occurred_at < challenge.window.end:
        return Failure(DomainError.rejected("challenge.not_over", "the window has not closed",
                                      challenge=challenge.challenge_id))
    missing = [u for u in challenge.participants if u not in scores]
    extra = sorted(set(scores) - set(challenge.participants))
    if missing or extra:
        return Failure(DomainError.invalid("challenge.scores", "scores must cover the participants",
                                      missing=",".join(missing), extra=",".join(extra)))
    best = max(scores[u] for u in challenge.participants)
    winners = tuple(u for u in challenge.participants if scores[u] == best)

    def complete(shares: tuple[Money, ...]) -> ChallengeCompleted:
        payout = dict(zip(winners, (s.amount for s in shares), strict=True))
        zero = Money.from_minor_units(0, challenge.stake.currency).amount
        standings = tuple(
            ChallengeStanding(user_id=u, score=scores[u], stake=challenge.stake.amount,
                              payout=payout.get(u, zero))
            for u in challenge.participants)
        return ChallengeCompleted(
            event_id=f"{challenge.challenge_id}/completed", stream_id=challenge.challenge_id,
            occurred_at=occurred_at, challenge_id=challenge.challenge_id,
            metric=challenge.metric.value, currency=challenge.stake.currency.code,
            reward=challenge.reward.amount, winners=winners, standings=standings)

    return split_evenly(challenge.pot, len(winners)).map(complete)

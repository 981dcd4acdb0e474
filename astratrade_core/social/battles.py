"""Clan battles: the historic per-member scoring rule, clan scores over a period, and a real
resolution with an Elo rating update.

**Member score** (the platform's historic rule, kept so old battles re-score identically)::

    score = max(0, 10 * successful_trades + 0.1 * pnl + 5 * streak_days)

computed exactly (no rounding: scores are exact decimals and compare exactly); a successful
trade is one closed with ``pnl > 0`` inside the battle period; ``pnl`` is the member's realized
P&L in the period; ``streak_days`` the member's streak at the end of the period.  The **clan
score** is the sum of its members' scores.

**Resolution**: the higher clan score wins; equal scores are a draw.  Ratings move by Elo::

    E_a = 1 / (1 + 10 ** ((R_b - R_a) / 400))       (120 significant digits)
    d   = round_half_even(K * (S_a - E_a))           S_a = 1, 1/2 or 0
    R_a' = R_a + d,   R_b' = R_b - d

so the update is exactly zero-sum (rating points are neither created nor lost) and
symmetric: swapping the clans negates ``d``.  Ratings have no floor.

>>> from decimal import Decimal
>>> elo_update(1600, 1400, Decimal(1), 32)   # E_a = 0.7597...; 32 * 0.2403 = 7.69 -> 8
(1608, 1392)
>>> member_score(MemberPerformance("u", successful_trades=3, pnl=Decimal("-125.5"),
...                                streak_days=2))   # 30 - 12.55 + 10
Decimal('27.45')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.gamification.periods import Period
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, quantize

__all__ = [
    "MAX_RATING",
    "ClanBattle",
    "MemberPerformance",
    "TradeOutcome",
    "clan_score",
    "elo_expected",
    "elo_update",
    "member_score",
    "performances",
    "resolve_battle",
]

#: Ratings are integers with ``|rating| <= MAX_RATING``.
MAX_RATING: Final = 100_000
_TEN: Final = Decimal(10)
_HALF: Final = Decimal("0.5")
_TENTH: Final = Decimal("0.1")


@attrs.frozen
class MemberPerformance:
    """One member's results over a battle period."""

    user_id: str
    successful_trades: int
    pnl: Decimal
    streak_days: int


@attrs.frozen
class TradeOutcome:
    """A closed trade as the battle sees it: who, when, realized P&L."""

    user_id: str
    closed_at: datetime
    pnl: Decimal


def member_score(performance: MemberPerformance) -> Decimal:
    """``max(0, 10 * successful_trades + 0.1 * pnl + 5 * streak_days)``, exactly."""
    raw = CONTEXT.add(
        CONTEXT.add(Decimal(10 * performance.successful_trades),
                    CONTEXT.multiply(_TENTH, performance.pnl)),
        Decimal(5 * performance.streak_days))
    return max(ZERO, raw)


def performances(trades: Iterable[TradeOutcome], streaks: Mapping[str, int],
                 members: Iterable[str], period: Period) -> tuple[MemberPerformance, ...]:
    """Each member's results in ``period`` (trades outside it and non-members' trades are
    ignored; a member without trades still scores their streak), ordered by user id.

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.gamification.periods import PeriodKind
    >>> p = Period(PeriodKind.WEEKLY, "w", datetime(2026, 3, 2, tzinfo=UTC),
    ...            datetime(2026, 3, 9, tzinfo=UTC))
    >>> t = [TradeOutcome("a", datetime(2026, 3, 3, tzinfo=UTC), Decimal("5")),
    ...      TradeOutcome("a", datetime(2026, 3, 9, tzinfo=UTC), Decimal("7"))]
    >>> performances(t, {"b": 4}, ["a", "b"], p)[1]
    MemberPerformance(user_id='b', successful_trades=0, pnl=Decimal('0'), streak_days=4)
    """
    roster = sorted(set(members))
    wins = dict.fromkeys(roster, 0)
    pnl = dict.fromkeys(roster, ZERO)
    for trade in trades:
        if trade.user_id in wins and period.contains(trade.closed_at):
            pnl[trade.user_id] = CONTEXT.add(pnl[trade.user_id], trade.pnl)
            if trade.pnl > 0:
                wins[trade.user_id] += 1
    return tuple(MemberPerformance(user, wins[user], pnl[user], streaks.get(user, 0))
                 for user in roster)


def clan_score(members: Iterable[MemberPerformance]) -> Result[Decimal, DomainError]:
    """The sum of member scores; a member listed twice or with negative counts is a Failure.

    >>> clan_score([MemberPerformance("a", 1, Decimal("-1000"), 0),
    ...             MemberPerformance("b", 2, Decimal("10"), 1)]).unwrap()   # 0 + 26
    Decimal('26.0')
    """
    total = ZERO
    seen: set[str] = set()
    for performance in members:
        if performance.user_id in seen:
            return Failure(DomainError.invalid("battle.duplicate_member", "member listed twice",
                                          user=performance.user_id))
        if performance.successful_trades < 0 or performance.streak_days < 0:
            return Failure(DomainError.invalid("battle.negative_count",
                                          "counts must not be negative",
                                          user=performance.user_id))
        seen.add(performance.user_id)
        total = CONTEXT.add(total, member_score(performance))
    return Success(total)


def elo_expected(rating_a: int, rating_b: int) -> Decimal:
    """A's expected score ``1 / (1 + 10 ** ((R_b - R_a) / 400))`` at 120 digits.

    >>> elo_expected(1500, 1500)
    Decimal('0.5')
    """
    exponent = CONTEXT.divide(Decimal(rating_b - rating_a), Decimal(400))  # exact: 400 | 10**k
    return CONTEXT.divide(ONE, CONTEXT.add(ONE, CONTEXT.power(_TEN, exponent)))


def elo_update(rating_a: int, rating_b: int, outcome_a: Decimal, k_factor: int,
               ) -> tuple[int, int]:
    """New ratings after a game A scored ``outcome_a`` (1, 0.5 or 0) in; zero-sum.

    >>> elo_update(1500, 1500, Decimal("0.5"), 32), elo_update(1600, 1400, Decimal(0), 32)
    ((1500, 1500), (1576, 1424))
    """
    change = CONTEXT.multiply(Decimal(k_factor),
                              CONTEXT.subtract(outcome_a, elo_expected(rating_a, rating_b)))
    delta = int(quantize(change, 0, Rounding.HALF_EVEN))
    return rating_a + delta, rating_b - delta


@attrs.frozen(kw_only=True)
class ClanBattle:
    """A scheduled battle between two clans over ``period``, with their ratings before it."""

    battle_id: str
    clan_a: str
    clan_b: str
    period: Period
    rating_a: int
    rating_b: int
    k_factor: int = 32

    @classmethod
    def of(cls, *, battle_id: str, clan_a: str, clan_b: str, period: Period, rating_a: int,
           rating_b: int, k_factor: int = 32) -> Result[ClanBattle, DomainError]:
        """Validate: two different clans, ratings within :data:`MAX_RATING`, ``1 <= K <= 100``.

        >>> from datetime import UTC, datetime
        >>> from astratrade_core.gamification.periods import PeriodKind
        >>> p = Period(PeriodKind.DAILY, "d", datetime(2026, 1, 1, tzinfo=UTC),
        ...            datetime(2026, 1, 2, tzinfo=UTC))
        >>> ClanBattle.of(battle_id="b", clan_a="x", clan_b="x", period=p, rating_a=1500,
        ...               rating_b=10**6, k_factor=0).failure().codes()
        ('battle.same_clan', 'battle.rating', 'battle.k_factor')
        """
        problems: list[DomainError] = []
        if clan_a == clan_b:
            problems.append(DomainError.invalid("battle.same_clan", "a clan cannot fight itself",
                                           clan=clan_a))
        if not (abs(rating_a) <= MAX_RATING and abs(rating_b) <= MAX_RATING):
            problems.append(DomainError.invalid("battle.rating", "rating out of range",
                                           rating_a=rating_a, rating_b=rating_b))
        if not 1 <= k_factor <= 100:
            problems.append(DomainError.invalid("battle.k_factor", "K must be in 1..100",
                                           k_factor=k_factor))
        if problems:
            return Failure(DomainError.all_of("battle.invalid", problems))
        return Success(cls(battle_id=battle_id, clan_a=clan_a, clan_b=clan_b, period=period,
                           rating_a=rating_a, rating_b=rating_b, k_factor=k_factor))


def resolve_battle(battle: ClanBattle, members_a: Iterable[MemberPerformance],
                   members_b: Iterable[MemberPerformance], occurred_at: datetime,
                   ) -> Result[ClanBattleResolved, DomainError]:
    """Score both clans, pick the winner (None on a draw) and update the ratings.

    Resolving before the period has ended is a Failure (``battle.not_over``); a user may not
    score for both clans.  The event id is ``"<battle_id>/resolved"``.
    """
    if occurred_at < battle.period.end:
        return Failure(DomainError.rejected("battle.not_over", "the battle period has not ended",
                                      battle=battle.battle_id))
    roster_a, roster_b = tuple(members_a), tuple(members_b)
    both = {p.user_id for p in roster_a} & {p.user_id for p in roster_b}
    if both:
        return Failure(DomainError.invalid("battle.member_in_both", "a user scored for both clans",
                                      users=",".join(sorted(both))))

    def resolve(scores: tuple[Decimal, Decimal]) -> ClanBattleResolved:
        score_a, score_b = scores
        outcome = ONE if score_a > score_b else ZERO if score_a < score_b else _HALF
        winner = (battle.clan_a if outcome == ONE else battle.clan_b if outcome == ZERO
                  else None)
        new_a, new_b = elo_update(battle.rating_a, battle.rating_b, outcome, battle.k_factor)
        return ClanBattleResolved(
            event_id=f"{battle.battle_id}/resolved", stream_id=battle.battle_id,
            occurred_at=occurred_at, battle_id=battle.battle_id, clan_a=battle.clan_a,
            clan_b=battle.clan_b, score_a=score_a, score_b=score_b, winner=winner,
            rating_a_before=battle.rating_a, rating_a_after=new_a,
            rating_b_before=battle.rating_b, rating_b_after=new_b)

    return clan_score(roster_a).bind(
        lambda a: clan_score(roster_b).map(lambda b: resolve((a, b))))

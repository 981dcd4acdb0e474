"""Clan battles: the historic scoring rule, Elo, and the battle aggregate (one stream per
battle, ``battle-<id>``).

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

**The aggregate** (:data:`BATTLE`): ``ScheduleBattle`` fixes the two clans, the period, K and
each side's roster (``ClanBattleScheduled``); ``ResolveBattle``, once the period is over,
carries the facts the shell gathered from read models -- both clans' current ratings, the
members' closed trades (:class:`TradeOutcome`) and streaks (:class:`MemberStreak`) -- and the
core checks them (every trade and streak belongs to a roster member, no trade or member
twice, every trade inside the period, amounts within bounds), scores both sides and moves the
ratings (``ClanBattleResolved``, naming the winning roster).  The clans' own ratings move when
the :func:`clan_ratings` policy sends each a ``RecordBattleResult``.

>>> from decimal import Decimal
>>> elo_update(1600, 1400, Decimal(1), 32)   # E_a = 0.7597...; 32 * 0.2403 = 7.69 -> 8
(1608, 1392)
>>> member_score(MemberPerformance("u", successful_trades=3, pnl=Decimal("-125.5"),
...                                streak_days=2))   # 30 - 12.55 + 10
Decimal('27.45')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Final, assert_never

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.social import ClanBattleResolved, ClanBattleScheduled
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, parse_decimal, quantize
from astratrade_core.policies import Dispatch
from astratrade_core.social.checks import aware, distinct, named, require
from astratrade_core.social.clans import (
    CLAN,
    MAX_MEMBERS,
    MAX_RATING,
    MAX_RATING_CHANGE,
    RecordBattleResult,
)

__all__ = [
    "BATTLE",
    "BATTLE_EVENTS",
    "MAX_RATING",
    "MAX_STREAK_DAYS",
    "BattleCommand",
    "BattleStatus",
    "ClanBattle",
    "MemberPerformance",
    "MemberStreak",
    "ResolveBattle",
    "ScheduleBattle",
    "TradeOutcome",
    "clan_ratings",
    "clan_score",
    "decide",
    "elo_expected",
    "elo_update",
    "evolve",
    "member_score",
    "performances",
]

#: A member's streak counts at most this many days.
MAX_STREAK_DAYS: Final = 100_000
_TEN: Final = Decimal(10)
_HALF: Final = Decimal("0.5")
_TENTH: Final = Decimal("0.1")
_add = CONTEXT.add
_mul = CONTEXT.multiply


@attrs.frozen
class MemberPerformance:
    """One member's results over a battle period."""

    user_id: str
    successful_trades: int
    pnl: Decimal
    streak_days: int


@attrs.frozen(kw_only=True)
class TradeOutcome:
    """A closed trade as the battle sees it: its id (the closing event's), who, when, the
    realized P&L."""

    trade_id: str
    user_id: str
    closed_at: datetime
    pnl: Decimal


@attrs.frozen(kw_only=True)
class MemberStreak:
    """A member's streak, in days, at the end of the battle period."""

    user_id: str
    days: int


def member_score(performance: MemberPerformance) -> Decimal:
    """``max(0, 10 * successful_trades + 0.1 * pnl + 5 * streak_days)``, exactly."""
    raw = _add(_add(Decimal(10 * performance.successful_trades),
                    _mul(_TENTH, performance.pnl)),
               Decimal(5 * performance.streak_days))
    return max(ZERO, raw)


def performances(trades: Iterable[TradeOutcome], streaks: Mapping[str, int],
                 members: Iterable[str], period: Period) -> tuple[MemberPerformance, ...]:
    """Each member's results in ``period`` (trades outside it and non-members' trades are
    ignored; a member without trades still scores their streak), ordered by user id.

    >>> from datetime import UTC, datetime
    >>> p = Period(PeriodKind.WEEKLY, "w", datetime(2026, 3, 2, tzinfo=UTC),
    ...            datetime(2026, 3, 9, tzinfo=UTC))
    >>> t = [TradeOutcome(trade_id="t1", user_id="a", closed_at=datetime(2026, 3, 3, tzinfo=UTC),
    ...                   pnl=Decimal("5")),
    ...      TradeOutcome(trade_id="t2", user_id="a", closed_at=datetime(2026, 3, 9, tzinfo=UTC),
    ...                   pnl=Decimal("7"))]
    >>> [(m.user_id, m.successful_trades, m.pnl, m.streak_days)
    ...  for m in performances(t, {"b": 4}, ["a", "b"], p)]
    [('a', 1, Decimal('5'), 0), ('b', 0, Decimal('0'), 4)]
    """
    roster = sorted(set(members))
    wins = dict.fromkeys(roster, 0)
    pnl = dict.fromkeys(roster, ZERO)
    for trade in trades:
        if trade.user_id in wins and period.contains(trade.closed_at):
            pnl[trade.user_id] = _add(pnl[trade.user_id], trade.pnl)
            if trade.pnl > 0:
                wins[trade.user_id] += 1
    return tuple(MemberPerformance(user, wins[user], pnl[user], streaks.get(user, 0))
                 for user in roster)


def clan_score(members: Iterable[MemberPerformance]) -> Result[Decimal, DomainError]:
    """The sum of member scores; every member listed twice, with a negative count or with a
    P&L outside the parse bounds is reported.

    >>> clan_score([MemberPerformance("a", 1, Decimal("-1000"), 0),
    ...             MemberPerformance("b", 2, Decimal("10"), 1)])   # 0 + 26
    <Success: 26.0>
    >>> clan_score([MemberPerformance("a", -1, ZERO, 0),
    ...             MemberPerformance("a", 0, Decimal("NaN"), 0)]).failure().codes()
    ('battle.negative_count', 'numeric.not_finite', 'battle.duplicate')
    """
    roster = tuple(members)
    checks: list[Result[Any, DomainError]] = []
    for p in roster:
        checks.append(require(p.successful_trades >= 0 and p.streak_days >= 0,
                              DomainError.invalid("battle.negative_count",
                                                  "counts must not be negative",
                                                  user=p.user_id)))
        checks.append(parse_decimal(p.pnl, f"pnl of {p.user_id}"))
    checks.append(distinct("battle", (p.user_id for p in roster), "members"))

    def total(_: object) -> Decimal:
        score = ZERO
        for performance in roster:
            score = _add(score, member_score(performance))
        return score

    return collect_all("battle.invalid_members", checks).map(total)


def elo_expected(rating_a: int, rating_b: int) -> Decimal:
    """A's expected score ``1 / (1 + 10 ** ((R_b - R_a) / 400))`` at 120 digits (ratings
    within ``±MAX_RATING``).

    >>> elo_expected(1500, 1500)
    Decimal('0.5')
    """
    exponent = CONTEXT.divide(Decimal(rating_b - rating_a), Decimal(400))  # exact: 400 | 10**k
    return CONTEXT.divide(ONE, _add(ONE, CONTEXT.power(_TEN, exponent)))


def elo_update(rating_a: int, rating_b: int, outcome_a: Decimal, k_factor: int,
               ) -> tuple[int, int]:
    """New ratings after a game A scored ``outcome_a`` (1, 0.5 or 0) in; zero-sum.

    >>> elo_update(1500, 1500, Decimal("0.5"), 32), elo_update(1600, 1400, Decimal(0), 32)
    ((1500, 1500), (1576, 1424))
    """
    change = _mul(Decimal(k_factor),
                  CONTEXT.subtract(outcome_a, elo_expected(rating_a, rating_b)))
    delta = int(quantize(change, 0, Rounding.HALF_EVEN))
    return rating_a + delta, rating_b - delta


# ------------------------------------------------------------------------------ aggregate

class BattleStatus(enum.Enum):
    """Where a battle's stream is in its life."""

    UNSCHEDULED = "unscheduled"
    SCHEDULED = "scheduled"
    RESOLVED = "resolved"


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_UNSCHEDULED: Final = Period(PeriodKind.SEASON, "", _EPOCH, _EPOCH)


@attrs.frozen
class ClanBattle:
    """A battle's state: the clans, the period, K, the rosters, and once resolved the
    result.  :attr:`EMPTY` (nothing scheduled) holds placeholder values."""

    battle_id: str = ""
    clan_a: str = ""
    clan_b: str = ""
    period: Period = _UNSCHEDULED
    k_factor: int = 32
    roster_a: PSet[str] = attrs.field(factory=pset)
    roster_b: PSet[str] = attrs.field(factory=pset)
    status: BattleStatus = BattleStatus.UNSCHEDULED
    result: ClanBattleResolved | None = None

    EMPTY: ClassVar[ClanBattle]


ClanBattle.EMPTY = ClanBattle()


@attrs.frozen(kw_only=True)
class ScheduleBattle:
    """Schedule battle ``battle_id`` between two clans over ``period`` (half-open, aware
    bounds); the rosters are each clan's members who will score, read by the shell from the
    clans' streams; ``1 <= k_factor <= 100``."""

    command_id: str
    battle_id: str
    issued_at: datetime
    clan_a: str
    clan_b: str
    period: Period
    roster_a: tuple[str, ...]
    roster_b: tuple[str, ...]
    k_factor: int = 32


@attrs.frozen(kw_only=True)
class ResolveBattle:
    """Resolve the battle from facts the shell gathered: both clans' ratings now, every
    roster member's trades closed in the period and their streaks at its end (a member
    without a streak entry scores 0 streak days)."""

    command_id: str
    battle_id: str
    issued_at: datetime
    rating_a: int
    rating_b: int
    trades: tuple[TradeOutcome, ...] = ()
    streaks: tuple[MemberStreak, ...] = ()


#: Every command the battle aggregate decides.
BattleCommand = ScheduleBattle | ResolveBattle

#: The events a battle's stream holds.
BATTLE_EVENTS: Final[tuple[type[Event], ...]] = (ClanBattleScheduled, ClanBattleResolved)


def _envelope(c: BattleCommand) -> dict[str, Any]:
    return {"event_id": f"{c.command_id}:0", "stream_id": c.battle_id,
            "occurred_at": c.issued_at, "battle_id": c.battle_id}


def _roster(roster: tuple[str, ...], field: str) -> list[Result[Any, DomainError]]:
    return [
        require(1 <= len(roster) <= MAX_MEMBERS, DomainError.invalid(
            "battle.roster_size", f"{field}: needs 1..{MAX_MEMBERS} members", field=field,
            size=len(roster))),
        distinct("battle", roster, field),
        *(named("battle", user, f"{field}[{n}]") for n, user in enumerate(roster)),
    ]


def _ordered(period: Period) -> list[Result[Any, DomainError]]:
    start = aware("battle", period.start, "period.start")
    end = aware("battle", period.end, "period.end")
    match start, end:
        case Success(first), Success(last):
            return [require(first < last, DomainError.invalid(
                "battle.period", "the period is empty", start=first, end=last))]
        case _:
            return [start, end]


def _schedule(battle: ClanBattle, c: ScheduleBattle) -> Decision:
    period = c.period
    both = sorted(set(c.roster_a) & set(c.roster_b))
    checks: list[Result[Any, DomainError]] = [
        aware("battle", c.issued_at, "issued_at"),
        named("battle", c.battle_id, "battle_id"),
        named("battle", c.clan_a, "clan_a"),
        named("battle", c.clan_b, "clan_b"),
        require(c.clan_a != c.clan_b, DomainError.invalid(
            "battle.same_clan", "a clan cannot fight itself", clan=c.clan_a)),
        *_ordered(period),
        require(1 <= c.k_factor <= MAX_RATING_CHANGE, DomainError.invalid(
            "battle.k_factor", f"K must be in 1..{MAX_RATING_CHANGE}", k_factor=c.k_factor)),
        *_roster(c.roster_a, "roster_a"),
        *_roster(c.roster_b, "roster_b"),
        require(not both, DomainError.invalid(
            "battle.member_in_both", "a user cannot fight for both clans",
            users=",".join(both))),
        require(battle.status is BattleStatus.UNSCHEDULED, DomainError.conflict(
            "battle.exists", "this battle is already scheduled", battle=battle.battle_id)),
    ]
    return collect_all("battle.schedule_refused", checks).map(lambda _: (ClanBattleScheduled(
        **_envelope(c), clan_a=c.clan_a, clan_b=c.clan_b, period_kind=period.kind.value,
        period_label=period.label, period_start=period.start, period_end=period.end,
        k_factor=c.k_factor, roster_a=tuple(sorted(c.roster_a)),
        roster_b=tuple(sorted(c.roster_b))),))


def _trade(battle: ClanBattle, roster: PSet[str], n: int, trade: TradeOutcome,
           ) -> list[Result[Any, DomainError]]:
    field = f"trades[{n}]"
    when = aware("battle", trade.closed_at, f"{field}.closed_at").bind(
        lambda at: require(battle.period.contains(at), DomainError.invalid(
            "battle.outside_period", f"{field}: closed outside the battle period",
            field=field, closed_at=at)))
    return [
        named("battle", trade.trade_id, f"{field}.trade_id"),
        require(trade.user_id in roster, DomainError.invalid(
            "battle.not_in_roster", f"{field}: {trade.user_id} is on neither roster",
            field=field, user=trade.user_id)),
        when,
        parse_decimal(trade.pnl, f"{field}.pnl"),
    ]


def _streak(roster: PSet[str], n: int, streak: MemberStreak,
            ) -> list[Result[Any, DomainError]]:
    field = f"streaks[{n}]"
    return [
        require(streak.user_id in roster, DomainError.invalid(
            "battle.not_in_roster", f"{field}: {streak.user_id} is on neither roster",
            field=field, user=streak.user_id)),
        require(0 <= streak.days <= MAX_STREAK_DAYS, DomainError.invalid(
            "battle.streak_days", f"{field}: days must be in 0..{MAX_STREAK_DAYS}",
            field=field, days=streak.days)),
    ]


def _scheduled(battle: ClanBattle, c: ResolveBattle) -> Result[Any, DomainError]:
    if battle.status is BattleStatus.UNSCHEDULED:
        return Failure(DomainError.not_found("battle.not_scheduled", "no such battle",
                                             battle=c.battle_id))
    if c.battle_id != battle.battle_id:
        return Failure(DomainError.invalid("battle.wrong_stream",
                                           "the command names another battle",
                                           battle=battle.battle_id, given=c.battle_id))
    return require(battle.status is BattleStatus.SCHEDULED, DomainError.conflict(
        "battle.already_resolved", "the battle is already resolved", battle=c.battle_id))


def _outcome(battle: ClanBattle, c: ResolveBattle) -> Decision:
    streaks = {s.user_id: s.days for s in c.streaks}
    sides = [performances(c.trades, streaks, roster, battle.period)
             for roster in (battle.roster_a, battle.roster_b)]

    def resolved(scores: tuple[Decimal, ...]) -> tuple[Event, ...]:
        score_a, score_b = scores
        outcome = ONE if score_a > score_b else ZERO if score_a < score_b else _HALF
        rating_a, rating_b = elo_update(c.rating_a, c.rating_b, outcome, battle.k_factor)
        winner, members = ((battle.clan_a, battle.roster_a) if outcome == ONE else
                           (battle.clan_b, battle.roster_b) if outcome == ZERO else
                           (None, pset()))
        return (ClanBattleResolved(
            **_envelope(c), clan_a=battle.clan_a, clan_b=battle.clan_b, score_a=score_a,
            score_b=score_b, winner=winner, rating_a_before=c.rating_a,
            rating_a_after=rating_a, rating_b_before=c.rating_b, rating_b_after=rating_b,
            winning_members=tuple(sorted(members))),)

    return collect_all("battle.resolve_refused", [clan_score(side) for side in sides]).map(
        resolved)


def _resolve(battle: ClanBattle, c: ResolveBattle) -> Decision:
    def facts(_: object) -> Decision:
        roster = battle.roster_a.union(battle.roster_b)
        checks = [
            *(check for n, trade in enumerate(c.trades)
              for check in _trade(battle, roster, n, trade)),
            distinct("battle", (t.trade_id for t in c.trades), "trades.trade_id"),
            *(check for n, streak in enumerate(c.streaks)
              for check in _streak(roster, n, streak)),
            distinct("battle", (s.user_id for s in c.streaks), "streaks.user_id"),
            require(c.issued_at >= battle.period.end, DomainError.rejected(
                "battle.not_over", "the battle period has not ended", battle=c.battle_id,
                ends=battle.period.end)),
        ]
        return collect_all("battle.resolve_refused", checks).bind(
            lambda _: _outcome(battle, c))

    ratings = require(abs(c.rating_a) <= MAX_RATING and abs(c.rating_b) <= MAX_RATING,
                      DomainError.invalid("battle.rating", f"ratings must be within ±{MAX_RATING}",
                                          rating_a=c.rating_a, rating_b=c.rating_b))
    return collect_all("battle.resolve_refused", [
        aware("battle", c.issued_at, "issued_at"), ratings, _scheduled(battle, c),
    ]).bind(facts)


def decide(battle: ClanBattle, command: BattleCommand) -> Decision:
    """The events ``command`` produces against ``battle``, or every reason it is refused.

    >>> from datetime import UTC, datetime
    >>> decide(ClanBattle.EMPTY, ResolveBattle(command_id="c", battle_id="b", rating_a=1500,
    ...        rating_b=1500, issued_at=datetime(2026, 1, 1, tzinfo=UTC))).failure().codes()
    ('battle.not_scheduled',)
    """
    match command:
        case ScheduleBattle():
            return _schedule(battle, command)
        case ResolveBattle():
            return _resolve(battle, command)
        case _:
            assert_never(command)


def evolve(battle: ClanBattle, events: Iterable[Event]) -> ClanBattle:
    """Fold a batch of events into ``battle`` (events of other streams are ignored); a
    battle stream holds at most two events, so the fold needs no thawing.  Streams written
    before battles were scheduled hold only their (upcast) ``ClanBattleResolved``."""
    for event in events:
        if isinstance(event, ClanBattleScheduled):
            battle = ClanBattle(
                event.battle_id, event.clan_a, event.clan_b,
                Period(PeriodKind(event.period_kind), event.period_label, event.period_start,
                       event.period_end),
                event.k_factor, pset(event.roster_a), pset(event.roster_b),
                BattleStatus.SCHEDULED)
        elif isinstance(event, ClanBattleResolved):  # alone in streams from before scheduling
            battle = attrs.evolve(battle, battle_id=event.battle_id, clan_a=event.clan_a,
                                  clan_b=event.clan_b, status=BattleStatus.RESOLVED,
                                  result=event)
    return battle


#: The battle aggregate: one stream per battle, ``stream_id == battle_id``.
BATTLE: Final[Aggregate[ClanBattle, BattleCommand]] = Aggregate(
    "battle", ClanBattle.EMPTY, decide, evolve, BATTLE_EVENTS)


def clan_ratings(event: Event) -> tuple[Dispatch, ...]:
    """The policy that moves both clans' ratings after a battle: a ``ClanBattleResolved``
    becomes one ``RecordBattleResult`` per clan (command id ``rating:<event id>:<clan>``);
    any other event causes nothing.

    >>> from datetime import UTC, datetime
    >>> done = ClanBattleResolved(event_id="r:0", stream_id="b", battle_id="b",
    ...     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), clan_a="orion", clan_b="lyra",
    ...     score_a=Decimal(2), score_b=Decimal(1), winner="orion", rating_a_before=1500,
    ...     rating_a_after=1516, rating_b_before=1500, rating_b_after=1484,
    ...     winning_members=("ann",))
    >>> [(d.stream_id, d.command.rating_change) for d in clan_ratings(done)]
    [('orion', 16), ('lyra', -16)]
    """
    if not isinstance(event, ClanBattleResolved):
        return ()
    return tuple(
        Dispatch(CLAN.name, clan, RecordBattleResult(
            command_id=f"rating:{event.event_id}:{clan}", clan_id=clan,
            issued_at=event.occurred_at, battle_id=event.battle_id,
            rating_change=after - before))
        for clan, before, after in ((event.clan_a, event.rating_a_before, event.rating_a_after),
                                    (event.clan_b, event.rating_b_before, event.rating_b_after)))

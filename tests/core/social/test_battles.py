"""Clan battles: the historic member score, Elo worked by hand, and the battle aggregate --
scheduling, the facts a resolution is checked against, ties, the winning roster and the
policy that moves both clans' ratings."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import ErrorKind
from astratrade_core.events import ClanBattleResolved, ClanRatingChanged, Event
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.social import (
    BATTLE,
    CLAN,
    BattleStatus,
    ClanBattle,
    ClanRules,
    FoundClan,
    MemberPerformance,
    MemberStreak,
    RecordBattleResult,
    ResolveBattle,
    ScheduleBattle,
    TradeOutcome,
    clan_ratings,
    clan_score,
    elo_expected,
    elo_update,
    member_score,
    performances,
)
from astratrade_core.testing import (
    hostile_contexts,
    hostile_decimals,
    hostile_ints,
    member_performances,
)

D = Decimal
START = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = Period(PeriodKind.WEEKLY, "w", START, START + timedelta(days=7))
END = WEEK.end


def perf(user: str, wins: int, pnl: str, streak: int) -> MemberPerformance:
    return MemberPerformance(user, wins, D(pnl), streak)


def trade(trade_id: str, user: str, pnl: str, at: datetime = START) -> TradeOutcome:
    return TradeOutcome(trade_id=trade_id, user_id=user, closed_at=at, pnl=D(pnl))


def streaks(**days: int) -> tuple[MemberStreak, ...]:
    return tuple(MemberStreak(user_id=user, days=n) for user, n in days.items())


# ------------------------------------------------------------------------ scoring rules

def test_member_score_worked_examples() -> None:
    # 10 * 3 + 0.1 * 250.40 + 5 * 4 = 30 + 25.04 + 20 = 75.04
    assert member_score(perf("a", 3, "250.40", 4)) == D("75.04")
    # 10 * 1 + 0.1 * -500 + 5 * 2 = 10 - 50 + 10 = -30 -> clamped to 0
    assert member_score(perf("b", 1, "-500", 2)) == 0
    # exactly zero before the clamp: 10 * 1 + 0.1 * -150 + 5 * 1 = 0
    assert member_score(perf("c", 1, "-150", 1)) == 0
    assert clan_score([perf("a", 3, "250.40", 4), perf("b", 1, "-500", 2)]).unwrap() == (
        D("75.04"))
    assert clan_score([perf("a", 1, "0", 0), perf("a", 1, "0", 0)]).failure().codes() == (
        "battle.duplicate",)
    assert clan_score([perf("a", -1, "0", 0)]).failure().codes() == ("battle.negative_count",)


def test_performances_over_the_half_open_period() -> None:
    trades = [trade("1", "a", "12.5"), trade("2", "a", "-2.5"),
              trade("3", "a", "100", END),                     # at the end: outside
              trade("4", "z", "999")]                          # not a member
    found = performances(trades, {"a": 3, "b": 1}, ["b", "a", "a"], WEEK)
    assert found == (perf("a", 1, "10.0", 3), perf("b", 0, "0", 1))


def test_elo_worked_by_hand() -> None:
    # Equal ratings: E = 1 / (1 + 10**0) = 0.5 exactly; a win moves K * 0.5 = 16.
    assert elo_expected(1500, 1500) == D("0.5")
    assert elo_update(1500, 1500, D(1), 32) == (1516, 1484)
    assert elo_update(1500, 1500, D(0), 32) == (1484, 1516)
    assert elo_update(1500, 1500, D("0.5"), 32) == (1500, 1500)
    # Exact rounding ties with equal ratings round half to even: 31 * 0.5 = 15.5 -> 16,
    # 33 * 0.5 = 16.5 -> 16, 1 * 0.5 = 0.5 -> 0.
    assert elo_update(1500, 1500, D(1), 31) == (1516, 1484)
    assert elo_update(1500, 1500, D(1), 33) == (1516, 1484)
    assert elo_update(1500, 1500, D(1), 1) == (1500, 1500)
    # 1600 vs 1400: E_a = 1 / (1 + 10**-0.5) = 1 / 1.31622776601... = 0.75974692664...
    expected = elo_expected(1600, 1400)
    assert D("0.7597469266") < expected < D("0.7597469267")
    assert elo_update(1600, 1400, D(1), 32) == (1608, 1392)      # 7.688 -> 8
    assert elo_update(1600, 1400, D("0.5"), 32) == (1592, 1408)  # -8.312 -> -8
    assert elo_update(1600, 1400, D(0), 32) == (1576, 1424)      # -24.31 -> -24


RATINGS = st.integers(-3000, 5000)


@given(ra=RATINGS, rb=RATINGS, outcome=st.sampled_from([D(0), D("0.5"), D(1)]),
       k=st.integers(1, 100))
def test_elo_laws(ra: int, rb: int, outcome: Decimal, k: int) -> None:
    new_a, new_b = elo_update(ra, rb, outcome, k)
    assert new_a + new_b == ra + rb                       # zero-sum
    assert abs(new_a - ra) <= k
    assert elo_update(rb, ra, D(1) - outcome, k) == (new_b, new_a)   # symmetric
    if outcome == 1:
        assert new_a >= ra
    if outcome == 0:
        assert new_a <= ra
    # Against an independent 50-digit computation of K * (S - E).
    with decimal.localcontext(decimal.Context(prec=50)):
        reference = D(k) * (outcome - 1 / (1 + D(10) ** (D(rb - ra) / 400)))
    assert new_a - ra == int(reference.quantize(D(1), rounding=decimal.ROUND_HALF_EVEN))


# ----------------------------------------------------------------------------- aggregate

ROSTER_A, ROSTER_B = ("bob", "ann"), ("dan", "cat")


def schedule(**changes: object) -> ScheduleBattle:
    fields: dict[str, object] = {
        "command_id": "s", "battle_id": "b-1", "issued_at": START, "clan_a": "orion",
        "clan_b": "lyra", "period": WEEK, "roster_a": ROSTER_A, "roster_b": ROSTER_B}
    return ScheduleBattle(**{**fields, **changes})  # type: ignore[arg-type]


def scheduled() -> Stream[ClanBattle]:
    return handle(BATTLE, Stream.empty(BATTLE), schedule()).unwrap()[0]


# Worked by hand (orion: ann, bob; lyra: cat, dan):
#   ann: t1 +250.40 (a win), t2 -0.40 -> 1 win, P&L 250.00, streak 4: 10 + 25.000 + 20 = 55.000
#   bob: no trade, streak 2                                          :               10
#   cat: t3 +100 (a win), streak 5                  : 10 + 10.0 + 25 = 45.0
#   dan: no trade, streak 4                         :                  20
# orion 65.000, lyra 65.0: a tie.
TIE_TRADES = (trade("t1", "ann", "250.40"), trade("t2", "ann", "-0.40"),
              trade("t3", "cat", "100"))
TIE_STREAKS = streaks(ann=4, bob=2, cat=5, dan=4)


def resolve(trades: tuple[TradeOutcome, ...] = TIE_TRADES,
            streak_facts: tuple[MemberStreak, ...] = TIE_STREAKS, rating_a: int = 1500,
            rating_b: int = 1500, at: datetime = END) -> ResolveBattle:
    return ResolveBattle(command_id="r", battle_id="b-1", issued_at=at, rating_a=rating_a,
                         rating_b=rating_b, trades=trades, streaks=streak_facts)


def resolved(command: ResolveBattle) -> ClanBattleResolved:
    event = BATTLE.decide(scheduled().state, command).unwrap()[0]
    assert isinstance(event, ClanBattleResolved)
    return event


def test_scheduling_fixes_the_rosters_in_order() -> None:
    battle = scheduled().state
    assert battle.status is BattleStatus.SCHEDULED and battle.period == WEEK
    event = BATTLE.decide(ClanBattle.EMPTY, schedule()).unwrap()[0]
    assert event.event_id == "s:0" and event.stream_id == "b-1"
    assert (event.roster_a, event.roster_b) == (("ann", "bob"), ("cat", "dan"))  # type: ignore[attr-defined]
    again = BATTLE.decide(battle, schedule(command_id="s2")).failure()
    assert again.codes() == ("battle.exists",) and again.kind is ErrorKind.CONFLICT


def test_scheduling_reports_every_problem() -> None:
    bad = schedule(clan_b="orion", period=Period(PeriodKind.WEEKLY, "w", END, END),
                   k_factor=0, roster_a=("ann", "ann", "cat"), roster_b=("cat", " "))
    assert BATTLE.decide(ClanBattle.EMPTY, bad).failure().codes() == (
        "battle.same_clan", "battle.period", "battle.k_factor", "battle.duplicate",
        "battle.empty_id", "battle.member_in_both")
    sizes = schedule(roster_a=(), roster_b=tuple(f"u{n}" for n in range(501)))
    assert BATTLE.decide(ClanBattle.EMPTY, sizes).failure().codes() == (
        "battle.roster_size", "battle.roster_size")
    assert BATTLE.decide(ClanBattle.EMPTY, schedule(roster_b=tuple(
        f"u{n}" for n in range(500)))).map(len).unwrap() == 1
    naive = schedule(period=Period(PeriodKind.WEEKLY, "w", START.replace(tzinfo=None), END),
                     k_factor=101)
    assert BATTLE.decide(ClanBattle.EMPTY, naive).failure().codes() == (
        "battle.naive_time", "battle.k_factor")
    # K at its bounds, 1 and 100, is accepted.
    for k in (1, 100):
        assert BATTLE.decide(ClanBattle.EMPTY, schedule(k_factor=k)).map(len).unwrap() == 1


def test_a_tie_is_a_draw_with_no_winning_roster() -> None:
    event = resolved(resolve())
    assert (event.score_a, event.score_b) == (D("65.000"), D("65.0"))
    assert event.winner is None and event.winning_members == ()
    assert (event.rating_a_after, event.rating_b_after) == (1500, 1500)  # equal ratings
    # The same draw between unequal ratings: d = round(32 * (0.5 - 0.7597...)) = -8.
    uneven = resolved(resolve(rating_a=1600, rating_b=1400))
    assert (uneven.rating_a_after, uneven.rating_b_after) == (1592, 1408)


def test_a_win_names_the_winning_roster_and_moves_the_ratings() -> None:
    # dan's streak 5 instead of 4: lyra 70.0 beats orion 65.000; equal ratings: 16 points.
    event = resolved(resolve(streak_facts=streaks(ann=4, bob=2, cat=5, dan=5)))
    assert event.winner == "lyra" and event.winning_members == ("cat", "dan")
    assert (event.rating_a_after, event.rating_b_after) == (1484, 1516)
    stream = handle(BATTLE, scheduled(), resolve()).unwrap()[0]
    assert stream.state.status is BattleStatus.RESOLVED and stream.state.result is not None
    again = BATTLE.decide(stream.state, resolve()).failure()
    assert again.codes() == ("battle.already_resolved",) and again.kind is ErrorKind.CONFLICT


def test_the_period_bounds() -> None:
    # A trade at the first instant counts; at the end (exclusive) it is refused.
    first = resolved(resolve(trades=(trade("t9", "bob", "10", START),)))
    # bob: a win, 0.1 * 10, streak 2 -> 10 + 1.0 + 10; ann: streak 4 -> 20.
    assert first.score_a == D("41.0")
    late = BATTLE.decide(scheduled().state,
                         resolve(trades=(trade("t9", "bob", "10", END),))).failure()
    assert late.codes() == ("battle.outside_period",)
    early = BATTLE.decide(scheduled().state, resolve(at=END - timedelta(microseconds=1)))
    assert early.failure().codes() == ("battle.not_over",)
    assert early.failure().kind is ErrorKind.REJECTED


def test_the_facts_are_checked_against_the_rosters() -> None:
    facts = resolve(trades=(trade("t1", "ann", "1"), trade("t1", "cat", "1"),
                            trade("t2", "zed", "1"), trade("", "bob", "NaN")),
                    streak_facts=(*streaks(ann=1, zed=2, bob=-1), MemberStreak(user_id="ann",
                                                                              days=3)))
    error = BATTLE.decide(scheduled().state, facts).failure()
    assert error.codes() == (
        "battle.not_in_roster",                        # trades[2]: zed
        "battle.empty_id", "numeric.not_finite",       # trades[3]
        "battle.duplicate",                            # t1 twice
        "battle.not_in_roster",                        # streaks[1]: zed
        "battle.streak_days",                          # streaks[2]: -1
        "battle.duplicate")                            # ann's streak twice
    assert error.kind is ErrorKind.INVALID
    bad_ratings = BATTLE.decide(scheduled().state, resolve(rating_a=100_001)).failure()
    assert bad_ratings.codes() == ("battle.rating",)
    assert BATTLE.decide(ClanBattle.EMPTY, resolve()).failure().kind is ErrorKind.NOT_FOUND


def test_the_policy_moves_both_clan_ratings_zero_sum() -> None:
    event = resolved(resolve(rating_a=1600, rating_b=1400,
                             streak_facts=streaks(ann=4, bob=2, cat=5, dan=5)))
    # lyra (1400) beats orion (1600): d = round(32 * (0 - 0.7597...)) = -24.
    assert (event.rating_a_after, event.rating_b_after) == (1576, 1424)
    dispatches = clan_ratings(event)
    assert [(d.aggregate, d.stream_id) for d in dispatches] == [("clan", "orion"),
                                                                 ("clan", "lyra")]
    total = 0
    for dispatch, founder in zip(dispatches, ("ann", "cat"), strict=True):
        command = dispatch.command
        assert isinstance(command, RecordBattleResult)
        assert command.command_id == f"rating:{event.event_id}:{dispatch.stream_id}"
        stream = handle(CLAN, Stream.empty(CLAN), FoundClan(
            command_id="f", clan_id=dispatch.stream_id, issued_at=START, name="C",
            leader_id=founder, rules=ClanRules())).unwrap()[0]
        stream, moved = handle(CLAN, stream, command).unwrap()
        assert isinstance(moved[0], ClanRatingChanged)
        total += moved[0].change
        # Running the policy again (a worker restart) makes the same command, a no-op.
        assert handle(CLAN, stream, command).unwrap() == (stream, ())
    assert clan_ratings(event) == dispatches
    assert total == 0
    not_a_battle: Event = ClanRatingChanged(event_id="x", stream_id="orion", occurred_at=END,
                                            clan_id="orion", battle_id="b", change=1,
                                            rating=1501)
    assert clan_ratings(not_a_battle) == ()


@given(a=member_performances("ann"), b=member_performances("cat"), ra=RATINGS, rb=RATINGS,
       ctx=hostile_contexts())
def test_resolution_ignores_the_callers_context(a: MemberPerformance, b: MemberPerformance,
                                                ra: int, rb: int,
                                                ctx: decimal.Context) -> None:
    command = resolve(trades=(trade("x", "ann", str(a.pnl)), trade("y", "cat", str(b.pnl))),
                      streak_facts=streaks(ann=a.streak_days, cat=b.streak_days),
                      rating_a=ra, rating_b=rb)
    expected = BATTLE.decide(scheduled().state, command)
    with decimal.localcontext(ctx):
        assert BATTLE.decide(scheduled().state, command) == expected
    event = expected.unwrap()[0]
    assert isinstance(event, ClanBattleResolved)
    assert event.rating_a_after + event.rating_b_after == ra + rb
    assert event.winner == (None if event.score_a == event.score_b else
                            "orion" if event.score_a > event.score_b else "lyra")


@given(st.lists(st.builds(MemberPerformance, st.sampled_from(["ann", "bob"]), hostile_ints(),
                          hostile_decimals(), hostile_ints()), max_size=3))
def test_clan_score_answers_any_performances(members: list[MemberPerformance]) -> None:
    assert isinstance(clan_score(members), Success | Failure)

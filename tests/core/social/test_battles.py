"""Clan battles: the historic member score, clan scores over a period, Elo resolution."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.social.battles import (
    MAX_RATING,
    ClanBattle,
    MemberPerformance,
    TradeOutcome,
    clan_score,
    elo_expected,
    elo_update,
    member_score,
    performances,
    resolve_battle,
)
from astratrade_core.testing import hostile_contexts, member_performances

D = Decimal
START = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = Period(PeriodKind.WEEKLY, "w", START, START + timedelta(days=7))
END = WEEK.end


def battle(rating_a: int = 1500, rating_b: int = 1500, k: int = 32) -> ClanBattle:
    return ClanBattle.of(battle_id="b-1", clan_a="orion", clan_b="lyra", period=WEEK,
                         rating_a=rating_a, rating_b=rating_b, k_factor=k).unwrap()


def perf(user: str, wins: int, pnl: str, streak: int) -> MemberPerformance:
    return MemberPerformance(user, wins, D(pnl), streak)


def test_member_score_worked_examples() -> None:
    # 10 * 3 + 0.1 * 250.40 + 5 * 4 = 30 + 25.04 + 20 = 75.04
    assert member_score(perf("a", 3, "250.40", 4)) == D("75.04")
    # 10 * 1 + 0.1 * -500 + 5 * 2 = 10 - 50 + 10 = -30 -> clamped to 0
    assert member_score(perf("b", 1, "-500", 2)) == 0
    assert clan_score([perf("a", 3, "250.40", 4), perf("b", 1, "-500", 2)]).unwrap() == (
        D("75.04"))
    assert clan_score([perf("a", 1, "0", 0), perf("a", 1, "0", 0)]).failure().code == (
        "battle.duplicate_member")
    assert clan_score([perf("a", -1, "0", 0)]).failure().code == "battle.negative_count"


def test_performances_over_the_period() -> None:
    trades = [TradeOutcome("a", START, D("12.5")), TradeOutcome("a", START, D("-2.5")),
              TradeOutcome("a", END, D("100")),                    # after the period
              TradeOutcome("z", START, D("999"))]                  # not a member
    found = performances(trades, {"a": 3, "b": 1}, ["b", "a", "a"], WEEK)
    assert found == (perf("a", 1, "10.0", 3), perf("b", 0, "0", 1))


def test_elo_worked_examples() -> None:
    # Equal ratings: E = 0.5, a win moves 32 * 0.5 = 16 points.
    assert elo_update(1500, 1500, D(1), 32) == (1516, 1484)
    # 1600 vs 1400: E_a = 1 / (1 + 10**-0.5) = 1 / 1.3162277660... = 0.75974692664...
    expected = elo_expected(1600, 1400)
    assert D("0.7597469266") < expected < D("0.7597469267")
    assert elo_update(1600, 1400, D(1), 32) == (1608, 1392)      # 7.688 -> 8
    assert elo_update(1600, 1400, D("0.5"), 32) == (1592, 1408)  # -8.312 -> -8
    assert elo_update(1600, 1400, D(0), 32) == (1576, 1424)      # -24.31 -> -24
    # K = 1, equal ratings, a draw: 1 * (0.5 - 0.5) = 0.
    assert elo_update(1200, 1200, D("0.5"), 1) == (1200, 1200)


def test_resolution() -> None:
    a = [perf("a1", 3, "250.40", 4)]              # 75.04
    b = [perf("b1", 5, "10", 4), perf("b2", 0, "0", 0)]  # 50 + 1 + 20 = 71
    event = resolve_battle(battle(1600, 1400), a, b, END).unwrap()
    assert (event.score_a, event.score_b, event.winner) == (D("75.04"), D("71.0"), "orion")
    assert (event.rating_a_after, event.rating_b_after) == (1608, 1392)
    assert event.event_id == "b-1/resolved" and event.stream_id == "b-1"
    tie = resolve_battle(battle(1500, 1500), [perf("a1", 1, "0", 0)], [perf("b1", 1, "0", 0)],
                         END).unwrap()
    assert tie.winner is None and (tie.rating_a_after, tie.rating_b_after) == (1500, 1500)
    loss = resolve_battle(battle(), [], [perf("b1", 1, "0", 0)], END).unwrap()
    assert loss.winner == "lyra" and loss.rating_a_after == 1484
    early = resolve_battle(battle(), a, b, END - timedelta(seconds=1))
    assert early.failure().code == "battle.not_over"
    both = resolve_battle(battle(), a, [perf("a1", 0, "0", 0)], END)
    assert both.failure().code == "battle.member_in_both"


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


@given(a=st.lists(member_performances("a"), max_size=1), b=st.lists(member_performances("b"),
                                                                    max_size=1))
def test_resolution_is_consistent(a: list[MemberPerformance],
                                  b: list[MemberPerformance]) -> None:
    event = resolve_battle(battle(), a, b, END).unwrap()
    assert event.score_a >= 0 and event.score_b >= 0
    if event.score_a == event.score_b:
        assert event.winner is None
    else:
        assert event.winner == ("orion" if event.score_a > event.score_b else "lyra")
    assert event.rating_a_after + event.rating_b_after == 3000


def test_battle_validation() -> None:
    bad = ClanBattle.of(battle_id="b", clan_a="x", clan_b="y", period=WEEK,
                        rating_a=MAX_RATING + 1, rating_b=0)
    assert bad.failure().codes() == ("battle.rating",)


@given(ctx=hostile_contexts(), a=member_performances("a"), b=member_performances("b"),
       ra=RATINGS, rb=RATINGS)
def test_battles_ignore_the_callers_context(ctx: decimal.Context, a: MemberPerformance,
                                            b: MemberPerformance, ra: int, rb: int) -> None:
    def run() -> object:
        trades = [TradeOutcome("a", START, a.pnl), TradeOutcome("b", START, b.pnl)]
        return (resolve_battle(battle(ra, rb), [a], [b], END),
                performances(trades, {}, ["a", "b"], WEEK), elo_expected(ra, rb),
                member_score(a))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected

"""Period standings: each metric accumulated exactly from contributions, ROI rounded down,
contributions outside the period rejected."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import (
    Contribution,
    Metric,
    Standings,
    record,
    roi_percent,
)
from astratrade_core.testing import decimals, hostile_contexts

D = Decimal
START = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = Period(PeriodKind.WEEKLY, "week-of-2026-03-02", START, START + timedelta(days=7))


def contribution(n: int, user: str, **amounts: object) -> Contribution:
    return Contribution(user_id=user, source_id=f"s-{n}",
                        occurred_at=START + timedelta(hours=n), **amounts)  # type: ignore[arg-type]


def test_xp_pnl_volume_boards() -> None:
    xp = Standings.open("xp", Metric.XP, WEEK)
    pnl = Standings.open("pnl", Metric.REALIZED_PNL, WEEK)
    volume = Standings.open("vol", Metric.VOLUME, WEEK)
    rows = [("a", 30, D("12.50"), D("1000")), ("b", 50, D("-3.25"), D("250.50")),
            ("a", 25, D("-2.50"), D("-100"))]
    for n, (user, gained, profit, notional) in enumerate(rows):
        c = contribution(n, user, xp=gained, pnl=profit, volume=notional)
        xp = record(xp, c).unwrap()[0]
        pnl = record(pnl, c).unwrap()[0]
        volume = record(volume, c).unwrap()[0]
    # a: 30 + 25 = 55 XP, 12.50 - 2.50 = 10.00, |1000| + |-100| = 1100 volume.
    assert [(e.user_id, e.score) for e in xp.board.top(2)] == [("a", D(55)), ("b", D(50))]
    assert [(e.user_id, e.score) for e in pnl.board.top(2)] == [("a", D("10.00")),
                                                                  ("b", D("-3.25"))]
    assert [(e.user_id, e.score) for e in volume.board.top(2)] == [("a", D("1100.00")),
                                                                     ("b", D("250.50"))]
    too_fine = record(pnl, contribution(9, "c", pnl=D("0.001")))
    assert too_fine.failure().code == "leaderboard.precision"
    late = Contribution(user_id="a", source_id="x", occurred_at=WEEK.end, xp=1)
    assert record(xp, late).failure().code == "leaderboard.outside_period"


def test_roi_board() -> None:
    board = Standings.open("roi", Metric.ROI_PERCENT, WEEK)
    board, events = record(board, contribution(0, "a", pnl=D("10"), invested=D("30"))).unwrap()
    assert board.board.score_of("a").unwrap() == D("33.3333")   # 33.333... floored
    board, events = record(board, contribution(1, "b", pnl=D("-1"), invested=D("3"))).unwrap()
    assert board.board.score_of("b").unwrap() == D("-33.3334")  # -33.333... floored
    assert events[0].rank == 2
    # a adds 5 on 20 more: 15 / 50 = 30 %.
    board, _ = record(board, contribution(2, "a", pnl=D("5"), invested=D("20"))).unwrap()
    assert board.board.score_of("a").unwrap() == D("30.0000")
    # Nothing invested: no ROI, not ranked, but the P&L is remembered.
    board, events = record(board, contribution(3, "c", pnl=D("4"))).unwrap()
    assert events == () and board.board.rank_of("c").value_or(None) is None
    board, _ = record(board, contribution(4, "c", invested=D("8"))).unwrap()
    assert board.board.score_of("c").unwrap() == D("50.0000")
    assert roi_percent(D("1"), D("-1")).value_or(None) is None


Plan = list[tuple[str, int, Decimal, Decimal]]


def _plans() -> st.SearchStrategy[Plan]:
    return st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 50),
                              decimals(-100, 100, 2), decimals(0, 100, 2)), max_size=40)


@given(plan=_plans())
def test_standings_equal_recomputed_totals(plan: Plan) -> None:
    boards = {m: Standings.open(m.value, m, WEEK) for m in Metric}
    for n, (user, gained, profit, invested) in enumerate(plan):
        c = contribution(n, user, xp=gained, pnl=profit, volume=invested, invested=invested)
        for metric, standings in boards.items():
            boards[metric] = record(standings, c).unwrap()[0]
    users = {user for user, *_ in plan}
    for user in users:
        mine = [row for row in plan if row[0] == user]
        total_pnl = sum((Fraction(r[2]) for r in mine), Fraction(0))
        total_in = sum((Fraction(r[3]) for r in mine), Fraction(0))
        assert boards[Metric.XP].board.score_of(user).unwrap() == sum(r[1] for r in mine)
        assert Fraction(boards[Metric.REALIZED_PNL].board.score_of(user).unwrap()) == total_pnl
        assert Fraction(boards[Metric.VOLUME].board.score_of(user).unwrap()) == total_in
        roi = boards[Metric.ROI_PERCENT].board.score_of(user).value_or(None)
        if total_in == 0:
            assert roi is None
        else:
            exact = 100 * total_pnl / total_in
            assert roi is not None
            assert Fraction(roi) <= exact < Fraction(roi) + Fraction(1, 10_000)
    for standings in boards.values():
        scores = [e.score for e in standings.board.top(10)]
        assert scores == sorted(scores, reverse=True)


@given(ctx=hostile_contexts(), plan=_plans())
def test_standings_ignore_the_callers_context(ctx: decimal.Context, plan: Plan) -> None:
    def run() -> object:
        out: list[object] = []
        for metric in Metric:
            standings = Standings.open(metric.value, metric, WEEK)
            for n, (user, gained, profit, invested) in enumerate(plan):
                c = contribution(n, user, xp=gained, pnl=profit, volume=invested,
                                 invested=invested)
                standings, events = record(standings, c).unwrap()
                out.append(events)
            out.append(standings.board.top(10))
        out.append(roi_percent(D("2"), D("3")))
        return out

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected

"""Average-cost fills: worked examples, the cash-flow identity, order independence where it
holds, reversal without stale entries, fees and funding kept apart, and context immunity."""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.testing import (
    decimals,
    fills,
    hostile_contexts,
    positive_decimals,
    signed_quantities,
    trading_fee_schedules,
)
from astratrade_core.trading.fills import (
    COST_PLACES,
    FeeSchedule,
    Fill,
    Liquidity,
    PositionState,
    apply_fill,
    apply_funding,
    funding_payment,
    position_from_fills,
)

D = Decimal
TINY = Fraction(1, 10**80)  # averages and break-evens divide at 120 significant digits


def _fill(q: str, p: str, fee: str = "0") -> Fill:
    return Fill(D(q), D(p), D(fee))


def test_open_add_partial_close_full_close() -> None:
    s, r = apply_fill(PositionState.FLAT, _fill("1", "100", "0.04"))
    assert (s.quantity, s.average_entry_price, r) == (D(1), D(100), D(0))
    # add 3 @ 120: cost 100 + 360 = 460 over 4 -> average 115
    s, r = apply_fill(s, _fill("3", "120", "0.144"))
    assert (s.quantity, s.cost_basis, s.average_entry_price, r) == (D(4), D(460), D(115), D(0))
    # sell 1 @ 130: realizes 1 * (130 - 115) = 15; the rest keeps its 115 average
    s, r = apply_fill(s, _fill("-1", "130", "0.052"))
    assert (r, s.quantity, s.average_entry_price, s.realized_pnl) == (D(15), D(3), D(115), D(15))
    # sell 3 @ 110: realizes 3 * (110 - 115) = -15; flat, nothing stale left
    s, r = apply_fill(s, _fill("-3", "110", "0.132"))
    assert (r, s.quantity, s.cost_basis, s.average_entry_price) == (D(-15), D(0), D(0), D(0))
    assert s.realized_pnl == 0
    assert s.fees_paid == D("0.368")  # 0.04 + 0.144 + 0.052 + 0.132
    assert s.net_realized_pnl == D("-0.368")
    assert s.is_flat


def test_short_side_and_reversal() -> None:
    # short 2 @ 50, then buy 5 @ 40: close 2 (2 * (50 - 40) = +20), open long 3 @ 40
    s = position_from_fills([_fill("-2", "50")])
    s, r = apply_fill(s, _fill("5", "40"))
    assert r == 20
    assert (s.quantity, s.average_entry_price, s.realized_pnl) == (D(3), D(40), D(20))
    # long 3 @ 40 reversed by selling 4 @ 45: close 3 (+15), open short 1 @ 45
    s, r = apply_fill(s, _fill("-4", "45"))
    assert (r, s.quantity, s.average_entry_price, s.realized_pnl) == (D(15), D(-1), D(45), D(35))


def test_unrealized_total_roi_and_break_even() -> None:
    s = position_from_fills([_fill("2", "100", "0.1"), _fill("-1", "110", "0.05")])
    # left: 1 @ 100, realized 10, fees 0.15
    assert s.unrealized_pnl(D("95")) == -5
    assert s.total_pnl(D("95")) == D("4.85")  # 10 - 0.15 - 5
    # ROI at 5x on the open 1 @ 100: margin 20; -5 / 20 = -25 %
    assert s.roi_percent(D("95"), D("5")).unwrap() == -25
    # break-even without exit fee: P - 100 + 10 - 0.15 = 0 -> 90.15
    assert s.break_even_price().unwrap() == D("90.15")
    # with a 0.1 exit fee rate: 0.9 P = 100 - 9.85 -> P = 90.15 / 0.9 = 100.1666..
    be = s.break_even_price(D("0.1")).unwrap()
    assert abs(Fraction(be) - Fraction(9015, 90)) < TINY
    # large past profits: no positive price loses money
    rich = PositionState(D("1"), D("100"), realized_pnl=D("500"))
    assert not rich.break_even_price().value_or(False)
    assert PositionState.FLAT.break_even_price() == PositionState.FLAT.roi_percent(D("1"))
    # a short's break-even: -P + (-100 cost is -(-100)) ... -1 * P + 100 - 0.2 = 0 -> 99.8
    short = PositionState(D("-1"), D("-100"), fees_paid=D("0.2"))
    assert short.break_even_price().unwrap() == D("99.8")


def test_funding_is_recorded_apart_from_price_pnl() -> None:
    s = position_from_fills([_fill("2", "100")])
    # long 2 @ mark 105 with +0.01 % funding pays 2 * 105 * 0.0001 = 0.021
    payment = funding_payment(s.quantity, D("105"), D("0.0001"))
    assert payment == D("0.021")
    s = apply_funding(s, payment)
    assert (s.funding_paid, s.realized_pnl, s.net_realized_pnl) == (D("0.021"), D(0), D("-0.021"))
    # shorts receive when the rate is positive and pay when negative
    assert funding_payment(D("-2"), D("105"), D("0.0001")) == D("-0.021")
    assert funding_payment(D("-2"), D("105"), D("-0.0001")) == D("0.021")


def test_fee_schedule_and_fill_validation() -> None:
    sched = FeeSchedule.of("-0.0001", "0.0005").unwrap()
    # taker: 0.3 * 20000.5 * 0.0005 = 3.000075 -> 3.01 (rounded up, exchange's favour)
    assert sched.fee(D("-0.3"), D("20000.5"), Liquidity.TAKER, D("0.01")) == D("3.01")
    # maker rebate: -0.6000150 -> -0.60 (toward zero: smaller rebate)
    assert sched.fee(D("0.3"), D("20000.5"), Liquidity.MAKER, D("0.01")) == D("-0.60")
    assert sched.fee(D("0.3"), D("20000.5"), Liquidity.MAKER) == D("-0.600015")
    f = sched.fill(D("0.3"), D("20000.5"), Liquidity.TAKER, D("0.01"))
    assert (f.fee, f.liquidity, f.notional) == (D("3.01"), Liquidity.TAKER, D("6000.15"))
    assert FeeSchedule.of("1", "-0.1").failure().codes() == ("fill.fee_rate", "fill.fee_rate")
    floated = FeeSchedule.of(0.1, "0")  # type: ignore[arg-type]  # a float, to be refused
    assert floated.failure().codes() == ("numeric.float_rejected",)
    assert Fill.of("1", "100", "0.1", Liquidity.MAKER).unwrap() == Fill(
        D("1"), D("100"), D("0.1"), Liquidity.MAKER)
    assert Fill.of("0", "0", "x").failure().codes() == (
        "fill.zero_quantity", "numeric.not_positive", "numeric.syntax")


def _cash_identity(sequence: list[Fill], mark: Decimal) -> None:
    s = position_from_fills(sequence)
    cash = -sum((Fraction(f.quantity) * Fraction(f.price) for f in sequence), Fraction(0))
    held = sum((Fraction(f.quantity) for f in sequence), Fraction(0))
    expected = cash + held * Fraction(mark)
    got = Fraction(s.realized_pnl) + Fraction(s.unrealized_pnl(mark))
    assert got == expected  # exact: partial-close rounding only moves value, never loses it
    assert Fraction(s.quantity) == held
    assert Fraction(s.fees_paid) == sum((Fraction(f.fee) for f in sequence), Fraction(0))


@given(st.lists(fills(), max_size=12), positive_decimals(10**6, 6))
def test_realized_plus_unrealized_equals_cash_flows(sequence: list[Fill],
                                                    mark: Decimal) -> None:
    # whatever the accounting method, total price P&L is what was paid and received plus
    # what is held at the mark
    _cash_identity(sequence, mark)


@given(st.lists(fills(), max_size=12))
def test_each_step_reports_its_realized_pnl(sequence: list[Fill]) -> None:
    s = PositionState.FLAT
    for fill in sequence:
        after, realized = apply_fill(s, fill)
        step = Fraction(after.realized_pnl) - Fraction(s.realized_pnl)
        assert step == Fraction(realized)
        assert Fraction(after.fees_paid) - Fraction(s.fees_paid) == Fraction(fill.fee)
        # the average entry is positive whenever a position is open, zero when flat
        assert (after.average_entry_price > 0) == (after.quantity != 0)
        s = after


@st.composite
def _one_direction(draw: st.DrawFn) -> list[Fill]:
    sign = draw(st.sampled_from([D(1), D(-1)]))
    sizes = draw(st.lists(positive_decimals(10**4, 6), min_size=1, max_size=8))
    return [Fill(q.copy_sign(sign), draw(positive_decimals(10**6, 6)),
                 draw(decimals(0, 10, 4))) for q in sizes]


@given(_one_direction().flatmap(lambda fs: st.tuples(st.just(fs), st.permutations(fs))))
def test_same_direction_fills_commute_exactly(pair: tuple[list[Fill], list[Fill]]) -> None:
    # order-independence holds while nothing is closed (closing realizes at a path-dependent
    # average); it is exact because the cost basis, not the average, is stored
    sequence, shuffled = pair
    assert position_from_fills(sequence) == position_from_fills(shuffled)


@given(st.lists(fills(), max_size=10))
def test_mirrored_fills_mirror_the_position(sequence: list[Fill]) -> None:
    mirrored = [Fill(f.quantity.copy_negate(), f.price, f.fee, f.liquidity) for f in sequence]
    a, b = position_from_fills(sequence), position_from_fills(mirrored)
    assert b.quantity == a.quantity.copy_negate()
    assert b.cost_basis == a.cost_basis.copy_negate()
    assert b.realized_pnl == a.realized_pnl.copy_negate()  # long/short antisymmetry
    assert b.fees_paid == a.fees_paid


@given(st.lists(fills(), max_size=10), decimals(0, 100, 6))
def test_fees_never_touch_price_pnl(sequence: list[Fill], fee: Decimal) -> None:
    repriced = [Fill(f.quantity, f.price, fee, f.liquidity) for f in sequence]
    a, b = position_from_fills(sequence), position_from_fills(repriced)
    assert (a.quantity, a.cost_basis, a.realized_pnl) == (b.quantity, b.cost_basis,
                                                          b.realized_pnl)


@given(fills(), signed_quantities(10**4, 6), positive_decimals(10**6, 6))
def test_crossing_zero_reopens_at_the_fill_price(opening: Fill, size: Decimal,
                                                 price: Decimal) -> None:
    start = apply_fill(PositionState.FLAT, opening)[0]
    # a fill larger than the position, in the opposite direction
    crossing = Fill(-(start.quantity + size.copy_sign(start.quantity)), price)
    after, realized = apply_fill(start, crossing)
    assert after.quantity == -size.copy_sign(start.quantity)
    assert after.average_entry_price == price
    assert Fraction(realized) == Fraction(start.quantity) * (
        Fraction(price) - Fraction(opening.price))


@given(fills(), st.fractions(Fraction(1, 100), Fraction(99, 100)), positive_decimals(10**6, 6))
def test_partial_close_keeps_the_average_and_realizes_only_the_closed_part(
        opening: Fill, share: Fraction, price: Decimal) -> None:
    start = apply_fill(PositionState.FLAT, opening)[0]
    closed = D(share.numerator) / D(share.denominator)  # ok at default precision: a test input
    closing_q = -(start.quantity * closed).quantize(D("1e-12"), rounding=decimal.ROUND_DOWN)
    if closing_q == 0 or -closing_q == start.quantity:
        return
    after, realized = apply_fill(start, Fill(closing_q, price))
    # the removed cost share is rounded to COST_PLACES: at most half a unit moves
    half_unit = Fraction(1, 2 * 10**COST_PLACES)
    drift = abs(Fraction(after.average_entry_price) - Fraction(opening.price))
    assert drift <= half_unit / abs(Fraction(after.quantity)) + TINY
    expected = -Fraction(closing_q) * (Fraction(price) - Fraction(opening.price))
    assert abs(Fraction(realized) - expected) <= half_unit


@given(st.lists(fills(), min_size=1, max_size=8), trading_fee_schedules())
def test_break_even_price_zeroes_the_total(sequence: list[Fill], sched: FeeSchedule) -> None:
    s = position_from_fills(sequence)
    rate = sched.taker_rate
    be = s.break_even_price(rate)
    if s.is_flat or not be.value_or(False):
        return
    price = Fraction(be.unwrap())
    exit_fee = abs(Fraction(s.quantity)) * price * Fraction(rate)
    total = (Fraction(s.net_realized_pnl) + Fraction(s.quantity) * price
             - Fraction(s.cost_basis) - exit_fee)
    assert abs(total) < TINY * (1 + abs(Fraction(s.cost_basis)))


@given(hostile_contexts(), st.lists(fills(), max_size=6), positive_decimals(10**6, 6),
       trading_fee_schedules(), decimals(-1, 1, 6))
def test_results_ignore_the_callers_context(ctx: decimal.Context, sequence: list[Fill],
                                            mark: Decimal, sched: FeeSchedule,
                                            rate: Decimal) -> None:
    texts = [(str(f.quantity), str(f.price), str(f.fee)) for f in sequence]

    def run() -> tuple[object, ...]:
        steps = []
        s = PositionState.FLAT
        for f in sequence:
            s, r = apply_fill(s, f)
            steps.append((s, r))
        s = apply_funding(s, funding_payment(s.quantity, mark, rate))
        return (
            steps, s, position_from_fills(sequence), s.average_entry_price,
            s.net_realized_pnl, s.unrealized_pnl(mark), s.total_pnl(mark),
            s.roi_percent(mark, D("3")), s.break_even_price(sched.taker_rate),
            [Fill.of(*t) for t in texts],
            FeeSchedule.of(str(sched.maker_rate), str(sched.taker_rate)),
            [sched.fee(f.quantity, f.price, f.liquidity, D("0.01")) for f in sequence],
            [sched.fill(f.quantity, f.price, f.liquidity) for f in sequence],
            [f.notional for f in sequence],
        )

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)

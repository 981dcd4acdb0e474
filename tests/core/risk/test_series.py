"""Returns, equity curves and drawdowns: worked examples computed by hand, empyrical's
drawdown definition as a cross-check, the laws, error values, and immunity to the caller's
decimal context."""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core.numeric import CONTEXT, Rounding
from astratrade_core.risk import (
    LossSign,
    MaxDrawdown,
    drawdown_series,
    equity_curve,
    log_returns,
    max_drawdown,
    simple_returns,
)
from astratrade_core.testing import equity_series, hostile_contexts, return_series

D = Decimal


def test_simple_and_log_returns_by_hand() -> None:
    # 110/100 - 1 = 0.1; 99/110 - 1 = -0.1; 121/99 - 1 = 22/99 = 0.2222...
    assert simple_returns(["100", "110", "99", "121"], places=4).unwrap() == (
        D("0.1000"), D("-0.1000"), D("0.2222"))
    # ln(2) = 0.693147180559945309417232121458176568... and ln(1/2) = -ln(2)
    assert log_returns(["5", "10", "5"], places=28).unwrap() == (
        D("0.6931471805599453094172321215"), D("-0.6931471805599453094172321215"))
    # rounding is explicit: 1/3 = 0.333... DOWN and UP
    assert simple_returns(["3", "4"], places=2, rounding=Rounding.DOWN).unwrap() == (D("0.33"),)
    assert simple_returns(["3", "4"], places=2, rounding=Rounding.UP).unwrap() == (D("0.34"),)


def test_equity_curve_by_hand() -> None:
    # 100 -> 100 * 1.1 = 110 -> 110 * 0.5 = 55 -> 55 * 1.2 = 66
    assert equity_curve(["0.1", "-0.5", "0.2"], start="100", places=2).unwrap() == (
        D("100.00"), D("110.00"), D("55.00"), D("66.00"))


def test_max_drawdown_worked_example() -> None:
    equity = ["100", "120", "90", "100", "130", "104", "117"]
    # running peaks 100, 120, 120, 120, 130, 130, 130
    # drawdowns 0, 0, 30/120 = 0.25, 20/120 = 0.1666.., 0, 26/130 = 0.2, 13/130 = 0.1
    dd = max_drawdown(equity, places=4).unwrap()
    assert dd == MaxDrawdown(fraction=D("0.2500"), amount=D("30.0000"), peak_index=1,
                             trough_index=2, recovery_index=Some(4), duration=3)
    assert drawdown_series(equity, places=4).unwrap() == (
        D("0.0000"), D("0.0000"), D("0.2500"), D("0.1667"), D("0.0000"), D("0.2000"),
        D("0.1000"))
    # empyrical's sign: max_drawdown returns -0.25
    negative = max_drawdown(equity, loss_sign=LossSign.NEGATIVE, places=4).unwrap()
    assert (negative.fraction, negative.amount) == (D("-0.2500"), D("-30.0000"))


def test_drawdown_edge_cases() -> None:
    # never recovered: peak 100 at 0, trough 80 at 2; under water to the last index, 3 - 0
    dd = max_drawdown(["100", "90", "80", "85"]).unwrap()
    assert (dd.fraction, dd.peak_index, dd.trough_index, dd.recovery_index, dd.duration) == (
        D("0.2"), 0, 2, Nothing, 3)
    # equal highs: the peak is the last index at the high (empyrical's get_top_drawdowns)
    assert max_drawdown(["100", "100", "80"]).unwrap().peak_index == 1
    # equally deep falls (0.2 each): the first trough wins
    dd = max_drawdown(["100", "80", "200", "160"]).unwrap()
    assert (dd.peak_index, dd.trough_index, dd.amount) == (0, 1, D("20"))
    # a deeper relative fall wins even when the amount is smaller: 30/200 < 20/100
    assert max_drawdown(["200", "170", "170", "100", "80"]).unwrap().trough_index == 4
    # no drawdown at all
    flat = MaxDrawdown(D(0), D(0), 0, 0, Nothing, 0)
    assert max_drawdown(["1", "2", "3"], places=0).unwrap() == flat
    assert max_drawdown(["5"], places=0).unwrap() == flat


def test_errors_are_values() -> None:
    assert max_drawdown([]).failure().code == "risk.metrics.empty"
    assert simple_returns(["1"]).failure().code == "risk.metrics.too_short"
    err = max_drawdown(["100", "0", 1.5, "x"]).failure()  # type: ignore[list-item]  # a float
    assert err.code == "risk.metrics.series"
    assert err.fields["invalid"] == "3"
    assert [c.code for c in err.causes] == [
        "numeric.not_positive", "numeric.float_rejected", "numeric.syntax"]
    assert err.causes[0].fields["field"] == "equity[1]"
    many = drawdown_series(["-1"] * 50).failure()
    assert many.fields["invalid"] == "50" and len(many.causes) == 10
    both = max_drawdown([], places=99).failure()
    assert both.codes() == ("risk.metrics.empty", "risk.metrics.places")
    assert equity_curve(["0.1", "-1.5"]).failure().fields["index"] == "1"
    assert equity_curve(["0.1"], start="0").failure().code == "risk.metrics.start"
    assert max_drawdown("100").failure().code == "risk.metrics.series"  # not a sequence
    assert log_returns(["1", "2"], places=True).failure().code == (
        "risk.metrics.places")


def _empyrical_max_drawdown(returns: list[Decimal]) -> float:
    # empyrical.max_drawdown: cumulative = cum_returns(returns, starting_value=100) with the
    # start prepended; max_return = fmax.accumulate; min((cumulative - max) / max)
    cumulative = np.concatenate([[100.0], 100.0 * np.cumprod(1 + np.array(
        [float(r) for r in returns]))])
    running = np.fmax.accumulate(cumulative)
    return float(np.min((cumulative - running) / running))


@given(return_series())
def test_drawdown_matches_empyrical_definition(returns: list[Decimal]) -> None:
    curve = equity_curve(returns, places=28).unwrap()
    ours = max_drawdown(curve, loss_sign=LossSign.NEGATIVE, places=15).unwrap().fraction
    assert abs(float(ours) - _empyrical_max_drawdown(returns)) < 1e-9


@given(equity_series())
def test_drawdown_laws(equity: list[Decimal]) -> None:
    dd = max_drawdown(equity, places=28).unwrap()
    series = drawdown_series(equity, places=28).unwrap()
    assert 0 <= dd.fraction <= 1
    assert all(0 <= d <= 1 for d in series)
    assert dd.fraction == max(series)
    assert series[dd.trough_index] == dd.fraction
    assert dd.peak_index <= dd.trough_index
    assert dd.amount == CONTEXT.subtract(equity[dd.peak_index], equity[dd.trough_index])
    assert equity[dd.peak_index] == max(equity[: dd.trough_index + 1])
    match dd.recovery_index:
        case Some(index):
            assert equity[index] >= equity[dd.peak_index]
            assert all(e < equity[dd.peak_index] for e in equity[dd.trough_index:index])
            assert dd.duration == index - dd.peak_index
        case _:
            assert dd.fraction == 0 or all(
                e < equity[dd.peak_index] for e in equity[dd.trough_index:])


@given(equity_series(), st.integers(1, 10**6))
def test_drawdown_is_scale_invariant(equity: list[Decimal], factor: int) -> None:
    scaled = [CONTEXT.multiply(e, D(factor)) for e in equity]
    assert max_drawdown(scaled).unwrap().fraction == max_drawdown(equity).unwrap().fraction


@given(equity_series(min_size=2))
def test_returns_rebuild_the_equity(equity: list[Decimal]) -> None:
    returns = simple_returns(equity, places=28).unwrap()
    rebuilt = equity_curve(returns, start=equity[0], places=8).unwrap()
    assert all(abs(CONTEXT.subtract(a, b)) <= D("1e-8") for a, b in zip(
        rebuilt, equity, strict=True))
    # log returns add up to ln(last / first), within half a unit in the 28th place each
    logs = log_returns(equity, places=28).unwrap()
    total = D(0)
    for log in logs:
        total = CONTEXT.add(total, log)
    gap = CONTEXT.subtract(total, CONTEXT.ln(CONTEXT.divide(equity[-1], equity[0])))
    assert CONTEXT.abs(gap) <= CONTEXT.multiply(D(len(logs)), D("0.5e-28"))


@given(equity_series(min_size=2), return_series(), hostile_contexts())
def test_series_functions_ignore_callers_context(equity: list[Decimal], returns: list[Decimal],
                                                 ctx: decimal.Context) -> None:
    def run() -> tuple[object, ...]:
        return (simple_returns(equity), log_returns(equity), equity_curve(returns),
                drawdown_series(equity), max_drawdown(equity),
                max_drawdown(equity, loss_sign=LossSign.NEGATIVE))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected

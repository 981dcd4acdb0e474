"""Risk metrics at their edges: the downside divisor counting every return below the
target, growth of exactly 1e24 (allowed) and just past it, the defaults (252 periods), the
refusals in full, a compounding metric refusing a total loss, and a policy keeping every
limit it was given.  Found by `make mutate` (risk)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.risk.metrics import (
    DownsideDivisor,
    cagr,
    calmar_ratio,
    downside_deviation,
    sortino_ratio,
)

D = Decimal
RETURNS = ["-0.01", "-0.02", "0.03", "0.04"]


def test_below_target_divides_by_every_return_below() -> None:
    # two shortfalls: (0.01**2 + 0.02**2) / 2 = 0.00025 per period, one period a year
    got = downside_deviation(RETURNS, divisor=DownsideDivisor.BELOW_TARGET,
                             periods_per_year=1, places=12)
    assert got == Success(quantize(CONTEXT.sqrt(D("0.00025")), 12, Rounding.HALF_EVEN))
    # all observations: / 4
    got = downside_deviation(RETURNS, periods_per_year=1, places=12)
    assert got == Success(quantize(CONTEXT.sqrt(D("0.000125")), 12, Rounding.HALF_EVEN))


def test_metrics_annualize_over_252_periods_by_default() -> None:
    for metric in (downside_deviation, cagr, calmar_ratio):
        assert metric(RETURNS) == metric(RETURNS, periods_per_year=252)
        assert metric(RETURNS) != metric(RETURNS, periods_per_year=253)


@given(st.sampled_from(["999999999999999999999999", "999999999999999999999999.5"]))
def test_growth_of_exactly_1e24_is_annualized_and_past_it_refused(r: str) -> None:
    """One period a year of growth 1 + r: exactly 1e24 is the largest allowed."""
    got = cagr([r], periods_per_year=1, places=6)
    if D(r) + 1 <= D("1e24"):
        assert got == Success(D("999999999999999999999999.000000"))
    else:
        assert got == Failure(DomainError.invalid(
            "risk.metrics.out_of_range", "annualized growth exceeds 1e24", periods=1))


def test_ratio_refusals_in_full() -> None:
    assert sortino_ratio(["0.01", "0.02"], target="0.005") == Failure(DomainError.rejected(
        "risk.metrics.no_downside", "Sortino ratio is undefined with no return below target",
        target=D("0.005")))
    assert calmar_ratio(["0.01", "0.02"]) == Failure(DomainError.rejected(
        "risk.metrics.no_drawdown", "Calmar ratio is undefined without a drawdown"))
    for metric in (downside_deviation, sortino_ratio):
        assert metric(["0.01"], target="x") == Failure(DomainError.invalid(
            "numeric.syntax", "target: not a decimal number", field="target", value="'x'"))


def test_calmar_compounds_so_a_total_loss_is_refused() -> None:
    assert calmar_ratio(["-1", "0.1"]) == cagr(["-1", "0.1"])
    assert calmar_ratio(["-1", "0.1"]).failure().code == "risk.metrics.total_loss"


def test_a_policy_keeps_every_limit_it_was_given() -> None:
    got = RiskPolicy.of(max_leverage="3", max_position_notional="1000", max_concentration="0.4",
                        daily_loss_limit="50", max_open_positions=7, max_trades_per_window=9,
                        trade_window=timedelta(hours=2))
    assert got == Success(RiskPolicy(
        max_leverage=D(3), max_position_notional=D(1000), max_concentration=D("0.4"),
        daily_loss_limit=D(50), max_open_positions=7, max_trades_per_window=9,
        trade_window=timedelta(hours=2)))

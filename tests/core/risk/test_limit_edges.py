"""Every pre-trade limit at its edge: the exposure exactly at the limit, one unit inside and
one unit past, with every other limit loose.  The rules: cash below 0, equity at or below 0,
gross notional above leverage x equity, symbol notional above the cap or above the
concentration share of equity, the day's loss at or above the limit, counts above theirs.
Found by `make mutate` (risk)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.trading import LimitBreach
from astratrade_core.risk.limits import (
    MAX_TRADE_WINDOW,
    Exposure,
    RiskPolicy,
    adds_exposure,
    check,
    evaluate,
)
from astratrade_core.testing import around, around_ints

D = Decimal
LOOSE = Exposure(cash=D("1000"), equity=D("1000"), gross_notional=D("1000"),
                 symbol_notional=D("500"), open_positions=2, day_loss=D("0"),
                 trades_in_window=3)
POLICY = RiskPolicy(max_leverage=D("2"), max_position_notional=D("800"),
                    max_concentration=D("0.6"), daily_loss_limit=D("100"),
                    max_open_positions=2, max_trades_per_window=3)


def _exposure(**changes: Any) -> Exposure:
    return attrs.evolve(LOOSE, **changes)


def test_the_loose_exposure_breaches_nothing() -> None:
    assert evaluate(POLICY, LOOSE) == ()


@given(around(0, places=2))
def test_cash_may_reach_zero(cash: Decimal) -> None:
    got = evaluate(POLICY, _exposure(cash=cash))
    assert got == ((LimitBreach("risk.insufficient_cash", D(0), cash),) if cash < 0 else ())


@given(around(0, places=2))
def test_equity_must_stay_above_zero(equity: Decimal) -> None:
    got = evaluate(RiskPolicy(max_leverage=D("2")), _exposure(equity=equity))
    if equity <= 0:
        assert got == (LimitBreach("risk.non_positive_equity", D(0), equity),)
    else:
        # any positive equity this small breaches leverage: 1000 > 2 x 0.01
        assert [b.code for b in got] == ["risk.max_leverage"]


@given(around(2000, places=2))
def test_gross_notional_may_reach_leverage_times_equity(gross: Decimal) -> None:
    got = evaluate(POLICY, _exposure(gross_notional=gross))
    if gross > 2000:
        assert got == (LimitBreach("risk.max_leverage", D("2"), gross / D("1000")),)
    else:
        assert got == ()


@given(around(600, places=2))
def test_symbol_notional_may_reach_the_concentration_share(notional: Decimal) -> None:
    policy = RiskPolicy(max_leverage=D("2"), max_concentration=D("0.6"))
    got = evaluate(policy, _exposure(symbol_notional=notional))
    if notional > 600:
        assert got == (LimitBreach("risk.max_concentration", D("0.6"), notional / 1000),)
    else:
        assert got == ()


@given(around(800, places=2))
def test_symbol_notional_may_reach_the_cap(notional: Decimal) -> None:
    policy = RiskPolicy(max_leverage=D("2"), max_position_notional=D("800"))
    got = evaluate(policy, _exposure(symbol_notional=notional))
    expected = (LimitBreach("risk.max_position_notional", D("800"), notional),)
    assert got == (expected if notional > 800 else ())


@given(around(100, places=2))
def test_the_days_loss_stops_trading_at_the_limit(loss: Decimal) -> None:
    got = evaluate(POLICY, _exposure(day_loss=loss))
    expected = (LimitBreach("risk.daily_loss_limit", D("100"), loss),)
    assert got == (expected if loss >= 100 else ())


@given(around_ints(2))
def test_open_positions_may_reach_the_maximum(count: int) -> None:
    got = evaluate(POLICY, _exposure(open_positions=count))
    expected = (LimitBreach("risk.max_open_positions", D(2), D(count)),)
    assert got == (expected if count > 2 else ())


@given(around_ints(3))
def test_trades_may_reach_the_window_maximum(count: int) -> None:
    got = evaluate(POLICY, _exposure(trades_in_window=count))
    expected = (LimitBreach("risk.max_trades_per_window", D(3), D(count)),)
    assert got == (expected if count > 3 else ())


def test_concentration_is_not_checked_without_positive_equity() -> None:
    policy = RiskPolicy(max_leverage=D("2"), max_concentration=D("0.6"))
    got = evaluate(policy, _exposure(equity=D("0")))
    assert [b.code for b in got] == ["risk.non_positive_equity"]


@given(st.sampled_from([timedelta(0), timedelta(seconds=1), MAX_TRADE_WINDOW,
                        MAX_TRADE_WINDOW + timedelta(seconds=1)]))
def test_the_trade_window_is_above_zero_and_at_most_a_day(window: timedelta) -> None:
    got = RiskPolicy.of(max_leverage="2", trade_window=window)
    if timedelta(0) < window <= MAX_TRADE_WINDOW:
        assert got.unwrap().trade_window == window
    else:
        (cause,) = got.failure().causes
        assert (cause.code, cause.fields["field"], cause.fields["value"]) == (
            "risk.invalid_window", "trade_window", str(window))


@given(around_ints(0))
def test_counts_may_be_zero(count: int) -> None:
    got = RiskPolicy.of(max_leverage="2", max_open_positions=count)
    if count >= 0:
        assert got.unwrap().max_open_positions == count
    else:
        (cause,) = got.failure().causes
        assert (cause.code, cause.message, cause.fields["field"], cause.fields["value"]) == (
            "risk.invalid_count", "max_open_positions: must be a whole number >= 0",
            "max_open_positions", str(count))


def test_every_bad_limit_is_reported_by_field() -> None:
    error = RiskPolicy.of(max_leverage="0", max_position_notional="x", max_concentration="-1",
                          daily_loss_limit="NaN", max_trades_per_window=-1).failure()
    assert error.code == "risk.invalid_policy"
    assert [c.fields["field"] for c in error.causes] == [
        "max_leverage", "max_position_notional", "max_concentration", "daily_loss_limit",
        "max_trades_per_window"]


@pytest.mark.parametrize(("before", "after", "adds"), [
    ("0", "0", False), ("5", "0", False), ("-5", "0", False),     # flat stays flat / a close
    ("0", "1", True), ("0", "-1", True),                            # an open
    ("2", "3", True), ("-2", "-3", True),                           # growth
    ("2", "2", False), ("-2", "-2", False),                         # unchanged size
    ("2", "1", False), ("-2", "-1", False),                         # a reduction
    ("2", "-1", True), ("-2", "1", True), ("1", "-1", True),        # a reversal, even smaller
    ("1", "1.00000001", True), ("1", "0.99999999", False),          # one unit past either way
])
def test_exposure_grows_on_an_open_a_reversal_or_a_larger_size(before: str, after: str,
                                                               adds: bool) -> None:
    assert adds_exposure(D(before), D(after)) is adds


@given(around(1, places=4), st.sampled_from([1, -1]))
def test_same_side_exposure_grows_only_past_the_size_held(size: Decimal, side: int) -> None:
    assert adds_exposure(D(side), size * side) is (size > 1)


def test_check_returns_the_exposure_or_every_breach_in_full() -> None:
    policy = RiskPolicy(max_leverage=D("2"), daily_loss_limit=D("50"))
    light = Exposure(cash=D("10"), equity=D("10"), gross_notional=D("20"),
                     symbol_notional=D("20"), open_positions=1, day_loss=D("49.99"),
                     trades_in_window=1)
    assert check(policy, light) == Success(light)
    heavy = attrs.evolve(light, gross_notional=D("30"), day_loss=D("50"))
    assert check(policy, heavy) == Failure(DomainError.all_of("risk.limits", [
        DomainError.rejected("risk.max_leverage", "max_leverage: 3 exceeds 2",
                             limit=D("2"), actual=D("3")),
        DomainError.rejected("risk.daily_loss_limit", "daily_loss_limit: 50 exceeds 50",
                             limit=D("50"), actual=D("50"))]))

"""margin_ratio: Binance's maintenance margin over margin balance, worked and as laws."""

from __future__ import annotations

import decimal
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT
from astratrade_core.testing import decimals, hostile_contexts, instruments, positive_decimals
from astratrade_core.trading.margin import equity_at, maintenance_margin, margin_ratio

D = Decimal

# Binance's BTCUSDT brackets of 2024-05-23, the first three (cum 0, 50, 2550).
BTCUSDT = Instrument.of(
    "BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001", max_leverage="125",
    tiers=margin_tiers([("0", "50000", "125", "0.004"), ("50000", "500000", "100", "0.005"),
                        ("500000", None, "50", "0.01")]).unwrap(),
).unwrap()


def test_worked_example_in_the_third_bracket() -> None:
    # 20 BTC long from 50,000 on 50,000 of margin, marked at 49,000: notional 980,000 is in
    # the 1 % bracket: MM = 9,800 - 2,550 = 7,250; balance 50,000 - 20,000 = 30,000
    assert margin_ratio(BTCUSDT, D(20), D(50000), D(50000), D(49000)) == Some(
        CONTEXT.divide(D(7250), D(30000)))


def test_a_short_loses_margin_balance_as_the_price_rises() -> None:
    # short 1 from 30,000 on 3,000, marked at 32,000: balance 1,000; MM 32000 * 0.004 = 128
    assert margin_ratio(BTCUSDT, D(-1), D(30000), D(3000), D(32000)) == Some(D("0.128"))
    # at 33,000 the balance is exactly zero: past bankruptcy, no ratio
    assert margin_ratio(BTCUSDT, D(-1), D(30000), D(3000), D(33000)) == Nothing


_SIZES = decimals(D("-1000"), D("1000"), 3).filter(bool)


@given(instruments(), _SIZES, positive_decimals(10**5, 2), decimals(D(0), D(10**6), 2),
       positive_decimals(10**5, 2))
def test_the_ratio_reaches_one_exactly_where_equity_meets_maintenance(
        instrument: Instrument, quantity: Decimal, entry: Decimal, collateral: Decimal,
        mark: Decimal) -> None:
    equity = equity_at(quantity, entry, collateral, mark)
    maintenance = maintenance_margin(instrument, quantity, mark)
    ratio = margin_ratio(instrument, quantity, entry, collateral, mark)
    if equity <= 0:
        assert ratio == Nothing
        return
    value = ratio.unwrap()
    assert (value >= 1) == (equity <= maintenance)
    assert (value == 1) == (equity == maintenance)


_POSITIONS = st.tuples(instruments(), _SIZES, positive_decimals(10**5, 2),
                       decimals(D(0), D(10**6), 2), positive_decimals(10**5, 2))


@given(hostile_contexts(), _POSITIONS)
def test_the_ratio_ignores_the_callers_context(
        context: decimal.Context,
        position: tuple[Instrument, Decimal, Decimal, Decimal, Decimal]) -> None:
    instrument, quantity, entry, collateral, mark = position
    expected = margin_ratio(instrument, quantity, entry, collateral, mark)
    with decimal.localcontext(context):
        assert margin_ratio(instrument, quantity, entry, collateral, mark) == expected


@given(st.just(BTCUSDT), decimals(D("0.001"), D(20), 3), positive_decimals(10**5, 1))
def test_a_fresh_position_at_its_entry_has_the_maintenance_over_margin(
        instrument: Instrument, quantity: Decimal, entry: Decimal) -> None:
    # at the entry the balance is the collateral itself: ratio = MM(entry) / C
    collateral = D(1000)
    assert margin_ratio(instrument, quantity, entry, collateral, entry) == Some(
        CONTEXT.divide(maintenance_margin(instrument, quantity, entry), collateral))

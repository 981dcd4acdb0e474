"""Value types: currency checks, minor units, rates; instruments and margin tiers."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given
from returns.result import Failure, Success

from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, EUR, USD, USDC, Currency, Money, Rate
from astratrade_core.numeric import Rounding
from astratrade_core.testing import money

D = Decimal


def test_currency_validation() -> None:
    assert Currency.of("USDT", 6) == Success(Currency("USDT", 6))
    assert Currency.of("usd", 2).failure().code == "money.currency_code"
    assert Currency.of("USD", 19).failure().code == "money.minor_unit"
    assert Currency.of("USD", True).failure().code == "money.minor_unit"
    assert USDC.increment == D("0.000001")


def test_money_arithmetic_is_currency_checked() -> None:
    ten = Money(D("10.00"), USD)
    assert ten.plus(Money(D("0.05"), USD)) == Success(Money(D("10.05"), USD))
    assert ten.minus(Money(D("10.05"), USD)) == Success(Money(D("-0.05"), USD))
    assert ten.plus(Money(D("1"), EUR)).failure().code == "money.currency_mismatch"
    assert ten.minus(Money(D("1"), EUR)).failure().fields["right"] == "EUR"
    assert Money.total([ten, Money(D(1), BTC)], USD).failure().code == "money.currency_mismatch"
    assert (-ten).amount == D("-10.00")
    assert ten.times(D("0.029")).amount == D("0.29000")


def test_money_rounding_and_minor_units() -> None:
    assert Money(D("0.125"), USD).rounded(Rounding.HALF_EVEN).amount == D("0.12")
    assert Money(D("0.125"), USD).rounded(Rounding.HALF_UP).amount == D("0.13")
    assert Money(D("-0.125"), USD).rounded(Rounding.FLOOR).amount == D("-0.13")
    assert Money(D("12.34"), USD).minor_units == 1234
    assert Money.from_minor_units(-5, USD).amount == D("-0.05")
    assert Money.of("1e999999999", USD).failure().code == "numeric.out_of_bounds"


@given(money(USD), money(USD))
def test_addition_commutes_and_subtraction_inverts(a: Money, b: Money) -> None:
    assert a.plus(b) == b.plus(a)
    assert a.plus(b).bind(lambda s: s.minus(b)) == Success(a)


@given(money())
def test_minor_units_round_trip(m: Money) -> None:
    assert Money.from_minor_units(m.minor_units, m.currency) == m


def test_rates() -> None:
    assert Rate.from_bps(25).value == D("0.0025")
    assert Rate.from_percent(D("2.9")).value == D("0.029")
    assert Rate.of("0.0001").unwrap().as_bps() == D("1")
    assert Rate(D("0.05")).as_percent() == D("5")


# Binance-style BTCUSDT brackets. Maintenance amounts by hand:
# 0; 50000 * (0.005 - 0.004) = 50; 50 + 250000 * (0.01 - 0.005) = 1300;
# 1300 + 3000000 * (0.025 - 0.01) = 46300.
BINANCE_BTC = [
    ("0", "50000", "125", "0.004"),
    ("50000", "250000", "100", "0.005"),
    ("250000", "3000000", "50", "0.01"),
    ("3000000", None, "20", "0.025"),
]


def test_tier_maintenance_amounts_match_binance() -> None:
    tiers = margin_tiers(BINANCE_BTC).unwrap()
    assert [t.maintenance_amount for t in tiers] == [D(0), D(50), D(1300), D(46300)]


def test_tier_requirement_is_continuous_at_boundaries() -> None:
    tiers = margin_tiers(BINANCE_BTC).unwrap()
    for lower, upper in itertools.pairwise(tiers):
        boundary = upper.notional_floor
        below = boundary * lower.maintenance_margin_rate - lower.maintenance_amount
        above = boundary * upper.maintenance_margin_rate - upper.maintenance_amount
        assert below == above


def test_tier_validation_reports_every_problem() -> None:
    result = margin_tiers([("5", "100", "10", "0.01"), ("200", "300", "20", "1.5")])
    assert isinstance(result, Failure)
    assert set(result.failure().codes()) == {
        "instrument.tiers_start",
        "instrument.tiers_gap",
        "instrument.tiers_order",
        "instrument.tiers_mmr",
        "instrument.tiers_open",
    }
    assert margin_tiers([]).failure().codes() == ("instrument.tiers_empty",)


def test_instrument_smart_constructor() -> None:
    tiers = margin_tiers(BINANCE_BTC).unwrap()
    btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.10", lot_size="0.001",
                        min_quantity="0.001", min_notional="100", max_leverage="125",
                        tiers=tiers).unwrap()
    assert btc.tier_for(D("49999.99")).max_leverage == D(125)
    assert btc.tier_for(D("-50000")).max_leverage == D(100)
    assert btc.tier_for(D("1e9")).maintenance_margin_rate == D("0.025")
    bad = Instrument.of("", BTC, USD, tick_size="NaN", lot_size="0", max_leverage="0.5")
    assert bad.failure().codes() == (
        "instrument.symbol", "numeric.not_finite", "numeric.not_positive", "instrument.max_leverage"
    )
    default = Instrument.of("ETHUSD", BTC, USD, tick_size="0.01", lot_size="0.01",
                            max_leverage="20").unwrap()
    assert default.tiers[0].maintenance_margin_rate == D("0.025")

"""Margin and liquidation: Binance's documented example, tiered brackets crossed at the
liquidation price, the liquidation identity, monotonicity in leverage, conservative tick
rounding, cross margin, the wad algorithm, and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some
from returns.result import Failure, Success

from astratrade_core.errors import ErrorKind
from astratrade_core.instrument import Instrument, margin_tiers
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.numeric import CONTEXT, WAD
from astratrade_core.testing import (
    decimals,
    hostile_contexts,
    instruments,
    positions,
    positive_decimals,
)
from astratrade_core.trading.margin import (
    cross_liquidation_price,
    equity_at,
    initial_margin,
    isolated_liquidation_price,
    isolated_liquidation_price_wad,
    maintenance_margin,
    round_liquidation_price,
    round_margin_up,
)
from astratrade_core.trading.pnl import Position

D = Decimal
TINY = Fraction(1, 10**90)

BTCUSD = Instrument.of(
    "BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001", max_leverage="125",
    tiers=margin_tiers([("0", "50000", "125", "0.004"), ("50000", "250000", "100", "0.005"),
                        ("250000", None, "50", "0.01")]).unwrap(),
).unwrap()
# maintenance amounts: 0; 50000 * (0.005 - 0.004) = 50; 50 + 250000 * (0.01 - 0.005) = 1300


def test_binance_faq_example() -> None:
    # binance.com/en/support/faq/25edcd7fe0e544839d0847b8cbb2e400: wallet 500 USDT, a
    # 1,000 USDT BTCUSDT long at 50,000 (0.02 BTC), liquidation price 25,100.40.
    # 500 / (0.02 * (1 - 0.004)) = 25100.4016.. ; Binance displays it truncated to cents,
    # we round up to the 0.1 tick (conservative): 25100.5.
    lp = isolated_liquidation_price(BTCUSD, D("0.02"), D("50000"), D("500"), to_tick=False)
    exact = lp.unwrap().unwrap()
    assert abs(Fraction(exact) - Fraction(500) / (Fraction("0.02") * Fraction("0.996"))) < TINY
    assert str(exact)[:8] == "25100.40"
    assert isolated_liquidation_price(BTCUSD, D("0.02"), D("50000"), D("500")) == Success(Some(
        D("25100.5")))
    # the same single position in cross mode with no other positions
    assert cross_liquidation_price(BTCUSD, D("0.02"), D("50000"), D("500")) == Success(Some(
        D("25100.5")))


def test_bracket_is_taken_at_the_liquidation_price() -> None:
    # long 10 BTC @ 30000 (notional 300,000, top bracket) with 60,000 margin (5x).
    # top bracket: (300000 - 60000 - 1300) / (10 * 0.99) = 24111.1 -> notional 241,111 is
    # NOT in [250000, inf); middle bracket: (300000 - 60000 - 50) / (10 * 0.995)
    # = 24115.5778.. -> notional 241,155.78 is in [50000, 250000): that is the root.
    exact = isolated_liquidation_price(BTCUSD, D("10"), D("30000"), D("60000"), to_tick=False)
    assert abs(Fraction(exact.unwrap().unwrap()) - Fraction(239950) / Fraction("9.95")) < TINY
    assert isolated_liquidation_price(BTCUSD, D("10"), D("30000"), D("60000")) == Success(Some(
        D("24115.6")))
    # short 10 @ 30000 with 30,000 margin: (300000 + 30000 + 1300) / (10 * 1.01)
    # = 32801.98.. (notional 328,019 stays in the top bracket), rounded down to 32801.9
    assert isolated_liquidation_price(BTCUSD, D("-10"), D("30000"), D("30000")) == Success(Some(
        D("32801.9")))


def test_fully_collateralised_long_has_none() -> None:
    assert isolated_liquidation_price(BTCUSD, D("1"), D("30000"), D("30000")) == Success(Nothing)
    assert isolated_liquidation_price(BTCUSD, D("1"), D("30000"), D("40000")) == Success(Nothing)
    # a short always has one. Bracket 1 would give 60000 / 1.004 = 59760.9 (notional 59,760:
    # not below 50,000), so bracket 2: (30000 + 30000 + 50) / 1.005 = 59751.24.. -> 59751.2
    assert isolated_liquidation_price(BTCUSD, D("-1"), D("30000"), D("30000")) == Success(Some(
        D("59751.2")))


def test_initial_and_maintenance_margin() -> None:
    # 2 BTC @ 30000 = 60,000 notional (middle bracket, max 100x): at 20x, 3000
    assert initial_margin(BTCUSD, D("2"), D("30000"), D("20")).unwrap() == 3000
    assert initial_margin(BTCUSD, D("2"), D("30000"), D("101")).failure().code == (
        "margin.tier_leverage")
    assert initial_margin(BTCUSD, D("0.1"), D("30000"), D("126")).failure().code == (
        "margin.max_leverage")
    below_one = initial_margin(BTCUSD, D("0.1"), D("30000"), D("0.5")).failure()
    assert (below_one.kind, below_one.codes()) == (ErrorKind.INVALID, ("margin.leverage",))
    # maintenance: 60000 * 0.005 - 50 = 250; 300000 * 0.01 - 1300 = 1700; 3000 * 0.004 = 12
    assert maintenance_margin(BTCUSD, D("-2"), D("30000")) == 250
    assert maintenance_margin(BTCUSD, D("10"), D("30000")) == 1700
    assert maintenance_margin(BTCUSD, D("0.1"), D("30000")) == 12
    # continuity at a boundary: 50000 * 0.004 - 0 = 50000 * 0.005 - 50 = 200
    assert maintenance_margin(BTCUSD, D("1"), D("50000")) == 200
    assert equity_at(D("2"), D("100"), D("30"), D("90")) == 10  # 30 + 2 * (90 - 100)


def test_cross_margin_uses_other_positions() -> None:
    eth = Instrument.of("ETHUSDT", ETH, USD, tick_size="0.01", lot_size="0.01",
                        max_leverage="50").unwrap()  # one bracket, mmr 0.5 / 50 = 0.01
    # ETH short 5 @ 2000 marked at 2100: upnl -500, maintenance 10500 * 0.01 = 105
    other = (eth, Position("ETH", D("-5"), D("2000"), D("2100")))
    # C = 2000 - 105 - 500 = 1395; BTC long 0.1 @ 30000 (bracket 1, mmr 0.004):
    # (3000 - 1395) / (0.1 * 0.996) = 1605 / 0.0996 = 16114.45.. -> 16114.5
    assert cross_liquidation_price(BTCUSD, D("0.1"), D("30000"), D("2000"), [other]) == Success(
        Some(D("16114.5")))
    # an account already under water has no positive price for a short
    sunk = (eth, Position("ETH", D("-5"), D("2000"), D("9000")))  # upnl -35000
    assert cross_liquidation_price(BTCUSD, D("-0.1"), D("30000"), D("2000"), [sunk]) == Success(
        Nothing)


def test_wad_worked_examples() -> None:
    w = WAD
    # short 1 @ 50000 with 5000 margin, mmr 0.5 %: 55000 / 1.005 = 54726.3681.. floored
    got = isolated_liquidation_price_wad(w, 50_000 * w, 5_000 * w, w // 200, 0, is_long=False)
    assert got.unwrap() == math.floor(Fraction(55000) / Fraction("1.005") * w)
    # Binance FAQ numbers in wad: ceil(500 / 0.01992 * 1e18)
    got = isolated_liquidation_price_wad(2 * w // 100, 50_000 * w, 500 * w, 4 * w // 1000, 0,
                                         is_long=True)
    assert got.unwrap() == math.ceil(Fraction(500) / Fraction("0.01992") * w)
    assert isolated_liquidation_price_wad(0, w, w, 0, 0, is_long=True).failure().code == (
        "margin.wad_input")
    assert isolated_liquidation_price_wad(2**200, 2**200, 0, 0, 0,
                                          is_long=False).failure().code == "numeric.overflow"


@st.composite
def _isolated(draw: st.DrawFn) -> tuple[Instrument, Decimal, Decimal, Decimal, Decimal]:
    """An instrument, a signed size, an entry, and two leverages allowed at that notional."""
    instrument = draw(instruments())
    size = draw(positive_decimals(1000, 3))
    entry = draw(positive_decimals(10**5, 2))
    quantity = size if draw(st.booleans()) else -size
    notional = Fraction(size) * Fraction(entry)
    cap = min(instrument.max_leverage, instrument.tier_for(_decimal(notional)).max_leverage)
    low, high = sorted(draw(st.lists(st.integers(1, int(cap)), min_size=2, max_size=2)))
    return instrument, quantity, entry, D(low), D(high)


def _decimal(value: Fraction) -> Decimal:
    """A test-side conversion: exact for the terminating fractions these tests build."""
    with decimal.localcontext(decimal.Context(prec=200)):
        return D(value.numerator) / D(value.denominator)


def _margin(quantity: Decimal, entry: Decimal, leverage: Decimal) -> Decimal:
    # the initial margin (60 significant digits are plenty for an input)
    value = Fraction(abs(quantity)) * Fraction(entry) / Fraction(leverage)
    with decimal.localcontext(decimal.Context(prec=60, rounding=decimal.ROUND_UP)):
        return D(value.numerator) / D(value.denominator)


@given(_isolated())
def test_equity_equals_maintenance_at_the_liquidation_price(
        case: tuple[Instrument, Decimal, Decimal, Decimal, Decimal]) -> None:
    instrument, quantity, entry, leverage, _ = case
    margin = _margin(quantity, entry, leverage)
    exact = isolated_liquidation_price(instrument, quantity, entry, margin, to_tick=False)
    assume(exact != Success(Nothing))
    price = exact.unwrap().unwrap()
    equity = Fraction(equity_at(quantity, entry, margin, price))
    required = Fraction(maintenance_margin(instrument, quantity, price))
    assert abs(equity - required) < TINY * (1 + abs(Fraction(margin)))
    # and the rounded price is on the safe side: still solvent, less than a tick away,
    # strictly beyond the entry (a price that rounds onto the entry is refused)
    assume(instrument.tick_size <= entry)
    tick = Fraction(instrument.tick_size)
    found = isolated_liquidation_price(instrument, quantity, entry, margin)
    if isinstance(found, Failure):
        assert found.failure().code == "margin.liquidated_on_open"
        assert abs(Fraction(entry) - Fraction(price)) < tick
        return
    rounded = found.unwrap().unwrap()
    assert rounded < entry if quantity > 0 else rounded > entry
    assert Fraction(equity_at(quantity, entry, margin, rounded)) >= Fraction(
        maintenance_margin(instrument, quantity, rounded)) - TINY
    assert abs(Fraction(rounded) - Fraction(price)) < tick
    assert (rounded >= price) if quantity > 0 else (rounded <= price)


@given(_isolated())
def test_liquidation_moves_toward_entry_as_leverage_rises(
        case: tuple[Instrument, Decimal, Decimal, Decimal, Decimal]) -> None:
    instrument, quantity, entry, low, high = case
    def lp(leverage: Decimal) -> Decimal:
        found = isolated_liquidation_price(instrument, quantity, entry,
                                           _margin(quantity, entry, leverage), to_tick=False)
        return found.unwrap().value_or(D(0))
    at_low, at_high = lp(low), lp(high)
    if quantity > 0:
        assert at_low <= at_high < entry  # a long's liquidation price is below entry
        if low == 1:
            assert at_low == 0  # a 1x long is never liquidated
    else:
        assert entry < at_high <= at_low  # a short's mirrors it


@given(_isolated(), st.lists(st.tuples(instruments(), positions(1000, 10**5, 2)),
                             max_size=3), positive_decimals(10**7, 2))
def test_cross_equals_isolated_with_the_accounts_free_collateral(
        case: tuple[Instrument, Decimal, Decimal, Decimal, Decimal],
        others: list[tuple[Instrument, Position]], wallet: Decimal) -> None:
    instrument, quantity, entry, _, _ = case
    free = Fraction(wallet) + sum(
        (Fraction(p.quantity) * (Fraction(p.current_price) - Fraction(p.entry_price))
         - Fraction(maintenance_margin(i, p.quantity, p.current_price)) for i, p in others),
        Fraction(0))
    collateral = _decimal(free)
    assert Fraction(collateral) == free
    assume(instrument.tick_size <= entry)
    assume(collateral > maintenance_margin(instrument, quantity, entry))  # isolated can open
    cross = cross_liquidation_price(instrument, quantity, entry, wallet, others)
    isolated = isolated_liquidation_price(instrument, quantity, entry, collateral)
    if isinstance(isolated, Failure):  # rounded onto the entry: refused when opening only
        assert isolated.failure().code == "margin.liquidated_on_open"
        price = cross.unwrap().unwrap()
        assert price >= entry if quantity > 0 else price <= entry
    else:
        assert cross == isolated


def _wad(d: Decimal) -> int:
    return int(Fraction(d) * WAD)


@given(positive_decimals(1000, 3), positive_decimals(10**5, 2), decimals(0, 10**6, 2),
       st.integers(1, 125), st.booleans())
def test_wad_algorithm_agrees_with_the_decimal_version(size: Decimal, entry: Decimal,
                                                       margin: Decimal, leverage: int,
                                                       is_long: bool) -> None:
    mmr = _decimal(Fraction(1, 2 * leverage)).quantize(D("1e-18"), decimal.ROUND_DOWN)
    single = Instrument.of("X", BTC, USD, tick_size="0.01", lot_size="0.001",
                           max_leverage=leverage,
                           tiers=margin_tiers([("0", None, leverage, mmr)]).unwrap()).unwrap()
    quantity = size if is_long else -size
    found = isolated_liquidation_price(single, quantity, entry, margin, to_tick=False)
    got = isolated_liquidation_price_wad(_wad(size), _wad(entry), _wad(margin), _wad(mmr), 0,
                                         is_long=is_long).unwrap()
    if isinstance(found, Failure):
        # liquidated on opening: the on-chain formula (no opening check) answers a price at
        # or beyond the entry
        assert found.failure().code == "margin.liquidated_on_open"
        assert got >= _wad(entry) if is_long else got <= _wad(entry)
        return
    exact = found.unwrap()
    if exact == Nothing:
        assert got == 0
        return
    scaled = Fraction(exact.unwrap()) * WAD
    # within one wad unit, rounded toward the entry like the Decimal version
    if is_long:
        assert scaled <= got < scaled + 1
    else:
        assert scaled - 1 < got <= scaled


@given(hostile_contexts(), _isolated(), st.lists(
    st.tuples(instruments(), positions(1000, 10**5, 2)), max_size=2))
def test_results_ignore_the_callers_context(
        ctx: decimal.Context, case: tuple[Instrument, Decimal, Decimal, Decimal, Decimal],
        others: list[tuple[Instrument, Position]]) -> None:
    instrument, quantity, entry, leverage, _ = case
    margin = _margin(quantity, entry, leverage)
    wad_inputs = (_wad(abs(quantity)), _wad(entry), _wad(margin))

    def run() -> tuple[object, ...]:
        return (
            initial_margin(instrument, quantity, entry, leverage),
            maintenance_margin(instrument, quantity, entry),
            equity_at(quantity, entry, margin, entry),
            isolated_liquidation_price(instrument, quantity, entry, margin),
            isolated_liquidation_price(instrument, quantity, entry, margin, to_tick=False),
            cross_liquidation_price(instrument, quantity, entry, margin, others),
            isolated_liquidation_price_wad(*wad_inputs, WAD // 200, 0, is_long=quantity > 0),
        )

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)


# --- impossible positions, bad input, display rounding (issue 13) ----------------------------

def _steep(mmr: str, max_leverage: str, tick: str = "0.01") -> Instrument:
    """One bracket with a given maintenance rate (the CLI builds its instrument this way)."""
    return Instrument.of("X", BTC, USD, tick_size=tick, lot_size="0.001",
                         max_leverage=max_leverage,
                         tiers=margin_tiers([("0", None, max_leverage, mmr)]).unwrap()).unwrap()


def test_a_position_liquidated_on_opening_is_refused() -> None:
    # the example: long 1 @ 50000 at 10x posts 5000; maintenance at 0.2 is 10000.
    # Binance's formula would answer (50000 - 5000) / 0.8 = 56250, above the entry.
    steep = _steep("0.2", "10")
    refused = initial_margin(steep, D("1"), D("50000"), D("10")).failure()
    assert (refused.code, refused.kind) == ("margin.liquidated_on_open", ErrorKind.REJECTED)
    assert (refused.fields["margin"], refused.fields["maintenance"]) == ("5000", "10000.0")
    for quantity in (D("1"), D("-1")):
        lp = isolated_liquidation_price(steep, quantity, D("50000"), D("5000")).failure()
        assert (lp.code, lp.kind) == ("margin.liquidated_on_open", ErrorKind.REJECTED)
    # cross margin answers for held positions: the price lies beyond the entry
    assert cross_liquidation_price(steep, D("1"), D("50000"), D("5000")) == Success(Some(
        D("56250.00")))


def test_the_opening_check_at_its_edge() -> None:
    # mmr 0.1, long 1 @ 1000: maintenance at the entry is exactly 100
    steep = _steep("0.1", "20")
    assert initial_margin(steep, D("1"), D("1000"), D("10")).failure().code == (
        "margin.liquidated_on_open")  # 1000 / 10 = 100: equal is liquidated
    assert initial_margin(steep, D("1"), D("1000"), D("9.99")).unwrap() == CONTEXT.divide(
        D(1000), D("9.99"))  # 100.1.. > 100
    assert isolated_liquidation_price(steep, D("1"), D("1000"), D("100")).failure().code == (
        "margin.liquidated_on_open")
    # 100.01: (1000 - 100.01) / 0.9 = 999.988.. rounds up to 999.99, below the entry
    assert isolated_liquidation_price(steep, D("1"), D("1000"), D("100.01")) == Success(Some(
        D("999.99")))
    # 100.001: (1000 - 100.001) / 0.9 = 999.9988.. would round up onto the entry: refused;
    # the exact price is still answered
    near = isolated_liquidation_price(steep, D("1"), D("1000"), D("100.001")).failure()
    assert near.code == "margin.liquidated_on_open" and near.fields["liquidation_price"] == (
        "1000.00")
    exact = isolated_liquidation_price(steep, D("1"), D("1000"), D("100.001"), to_tick=False)
    assert abs(Fraction(exact.unwrap().unwrap()) - Fraction("899.999") / Fraction("0.9")) < TINY
    # a short mirrors it: (1000 + 100.001) / 1.1 = 1000.0009.. rounds down onto the entry
    assert isolated_liquidation_price(steep, D("-1"), D("1000"), D("100.001")).failure(
        ).code == "margin.liquidated_on_open"
    assert isolated_liquidation_price(steep, D("-1"), D("1000"), D("100.02")) == Success(Some(
        D("1000.01")))


def test_a_tick_coarser_than_the_price_is_refused() -> None:
    # the example: entry 0.0001234 on a 0.01 tick answered 0.01, above the entry
    coarse = _steep("0.004", "125", tick="0.01")
    entry, margin = D("0.0001234"), D("0.0001234") / D(10)
    refused = isolated_liquidation_price(coarse, D("1"), entry, margin).failure()
    assert (refused.kind, refused.codes()) == (ErrorKind.INVALID, ("margin.tick_too_coarse",))
    assert isolated_liquidation_price(coarse, D("1"), entry, margin, to_tick=False).map(
        lambda found: found.unwrap() < entry) == Success(True)
    assert cross_liquidation_price(coarse, D("-1"), entry, margin).failure().codes() == (
        "margin.tick_too_coarse",)
    # a tick equal to the price is not coarser than it: a short with room gets its price,
    # (0.01 + 0.02) / 1.004 = 0.0298.. rounded down to 0.02; a long's any price below 0.01
    # would round up onto the entry, so it is refused as within one tick of liquidation
    assert isolated_liquidation_price(coarse, D("-1"), D("0.01"), D("0.02")) == Success(Some(
        D("0.02")))
    assert isolated_liquidation_price(coarse, D("1"), D("0.01"), D("0.001")).failure().code == (
        "margin.liquidated_on_open")


@pytest.mark.parametrize(
    ("quantity", "entry", "margin", "codes"),
    [
        (D(0), D("50000"), D("500"), ("margin.zero_quantity",)),  # was DivisionByZero
        (D("-0"), D("50000"), D("500"), ("margin.zero_quantity",)),
        (D("NaN"), D("50000"), D("500"), ("numeric.not_finite",)),
        (D("1"), D("sNaN"), D("500"), ("numeric.not_finite",)),
        (D("1"), D("-Infinity"), D("Infinity"), ("numeric.not_finite", "numeric.not_finite")),
        (D("1"), D("0"), D("-1"), ("numeric.not_positive", "numeric.negative")),
        (D("1E+999999"), D("1E-999999"), D("500"),
         ("numeric.out_of_bounds", "numeric.out_of_bounds")),
        ("1", 50000.0, D("500"), ("numeric.type", "numeric.type")),
    ],
)
def test_bad_values_of_the_declared_types_are_invalid(quantity: Decimal, entry: Decimal,
                                                      margin: Decimal,
                                                      codes: tuple[str, ...]) -> None:
    error = isolated_liquidation_price(BTCUSD, quantity, entry, margin).failure()
    assert (error.kind, error.code, error.codes()) == (ErrorKind.INVALID, "margin.invalid",
                                                       codes)
    # the same in cross mode, where a negative wallet balance is a balance like any other
    crossed = cross_liquidation_price(BTCUSD, quantity, entry, margin).failure()
    assert crossed.codes() == tuple(c for c in codes if c != "numeric.negative")


def test_initial_margin_refuses_bad_values() -> None:
    error = initial_margin(BTCUSD, D("NaN"), D("-1"), D("Infinity")).failure()
    assert error.codes() == ("numeric.not_finite", "numeric.not_positive",
                             "numeric.not_finite")
    assert initial_margin(BTCUSD, D(0), D("100"), D("2")) == Success(D(0))


def test_display_rounding_is_in_the_safe_direction() -> None:
    # 16666.666.. of margin displays as 16666.67: posting it covers the requirement
    assert round_margin_up(D(50000) / D(3), 2) == D("16666.67")
    assert round_margin_up(D("12.00"), 2) == D("12.00")
    # a long is liquidated as the price falls: showing a higher price warns earlier
    assert round_liquidation_price(D("45226.1306"), D("1"), 2) == D("45226.14")
    assert round_liquidation_price(D("54726.3681"), D("-1"), 2) == D("54726.36")
    assert round_liquidation_price(D("54726.36"), D("-1"), 2) == D("54726.36")  # on the grid


@given(_isolated())
def test_display_rounding_brackets_the_exact_values(
        case: tuple[Instrument, Decimal, Decimal, Decimal, Decimal]) -> None:
    instrument, quantity, entry, leverage, _ = case
    margin = initial_margin(instrument, quantity, entry, leverage).unwrap()
    assert margin <= round_margin_up(margin, 2) < margin + D("0.01")
    found = isolated_liquidation_price(instrument, quantity, entry, margin, to_tick=False)
    match found.unwrap():
        case Some(price):
            shown = round_liquidation_price(price, quantity, 2)
            assert (price <= shown < price + D("0.01")) if quantity > 0 else (
                price - D("0.01") < shown <= price)

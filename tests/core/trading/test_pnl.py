"""P&L and the seed position-size formula: worked examples, sign laws, exactness, the wad
forms the contracts use, and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core import Position as ExportedPosition
from astratrade_core import calculate_pnl as exported_pnl
from astratrade_core.numeric import WAD, from_fixed
from astratrade_core.testing import decimals, hostile_contexts, positions, positive_decimals
from astratrade_core.trading.fills import Fill, position_from_fills
from astratrade_core.trading.pnl import (
    Position,
    calculate_pnl,
    calculate_position_size,
    pnl_wad,
    position_size_wad,
)

D = Decimal


def test_pnl_worked_examples() -> None:
    # Long 0.5 BTC from 30000 to 31250.50: 0.5 * 1250.50 = 625.250
    assert calculate_pnl(Position("BTC", D("0.5"), D("30000"), D("31250.50"))) == D("625.25")
    # Short 2 ETH from 1800 to 1850: -2 * 50 = -100 (a loss)
    assert calculate_pnl(Position("ETH", D("-2"), D("1800"), D("1850"))) == D("-100")
    # Short 3 from 1.10 to 0.95: -3 * -0.15 = 0.45 (a gain)
    assert calculate_pnl(Position("X", D("-3"), D("1.10"), D("0.95"))) == D("0.45")
    # Flat position: nothing.
    assert calculate_pnl(Position("X", D("0"), D("5"), D("9"))) == 0
    # Exact where float is not: 0.1 * (0.3 - 0.2) = 0.01 exactly.
    assert calculate_pnl(Position("X", D("0.1"), D("0.2"), D("0.3"))) == D("0.01")
    assert 0.1 * (0.3 - 0.2) != 0.01


def test_exported_from_the_package_root() -> None:
    assert ExportedPosition is Position
    assert exported_pnl is calculate_pnl


def test_position_of_parses_and_reports_every_problem() -> None:
    p = Position.of("BTC", "-0.25", 30000, D("29999.5")).unwrap()
    assert p == Position("BTC", D("-0.25"), D("30000"), D("29999.5"))
    assert not p.is_long
    assert p.notional == D("7499.875")  # 0.25 * 29999.5
    err = Position.of("BTC", "NaN", "0", 1.5).failure()  # type: ignore[arg-type]  # a float, to be refused
    assert err.code == "position.invalid"
    assert err.codes() == ("numeric.not_finite", "numeric.not_positive",
                           "numeric.float_rejected")


def test_position_size_worked_examples() -> None:
    # 10,000 * 1 % = 100 at risk; a 50-dollar stop distance buys 2 units.
    assert calculate_position_size("10000", "0.01", "50").unwrap() == 2
    # 5,000 * 2 % = 100; distance 0.75 -> 133.333... (exact quotient at 120 digits)
    size = calculate_position_size(5000, D("0.02"), "0.75").unwrap()
    assert abs(Fraction(size) - Fraction(400, 3)) < Fraction(1, 10**100)
    # risk of exactly 100 % is allowed: 1000 * 1 / 4 = 250
    assert calculate_position_size("1000", "1", "4").unwrap() == 250


def test_position_size_failures() -> None:
    def codes(*args: object) -> tuple[str, ...]:
        # hostile values of any type, on purpose: the function must refuse, never raise
        return calculate_position_size(*args).failure().codes()  # type: ignore[arg-type]

    assert codes("1000", "0.01", "0") == ("numeric.not_positive",)
    assert codes("-1", "0.01", "1") == ("numeric.not_positive",)
    assert codes("1000", "0", "1") == ("sizing.risk_range",)
    assert codes("1000", "1.0001", "1") == ("sizing.risk_range",)
    assert codes(1000.0, "0.01", "1") == ("numeric.float_rejected",)
    assert codes("1e999999999", "0.01", "1") == ("numeric.out_of_bounds",)
    assert codes("1" * 10_000, None, True) == ("numeric.too_long", "numeric.type",
                                               "numeric.type")
    assert calculate_position_size("1", "2", "3").failure().code == "sizing.invalid"


@given(positions())
def test_long_short_antisymmetry(p: Position) -> None:
    mirrored = Position(p.asset, p.quantity.copy_negate(), p.entry_price, p.current_price)
    assert calculate_pnl(mirrored) == calculate_pnl(p).copy_negate()


@given(positions())
def test_zero_at_entry_and_swapping_prices_negates(p: Position) -> None:
    at_entry = Position(p.asset, p.quantity, p.entry_price, p.entry_price)
    assert calculate_pnl(at_entry) == 0
    swapped = Position(p.asset, p.quantity, p.current_price, p.entry_price)
    assert calculate_pnl(swapped) == calculate_pnl(p).copy_negate()


@given(positions())
def test_pnl_is_exact(p: Position) -> None:
    exact = Fraction(p.quantity) * (Fraction(p.current_price) - Fraction(p.entry_price))
    assert Fraction(calculate_pnl(p)) == exact
    # a gain exactly when the price moved in the position's direction
    assert (calculate_pnl(p) > 0) == (exact > 0)


@given(positive_decimals(10**9, 2), decimals(Decimal("0.0001"), 1, 4),
       positive_decimals(10**5, 4))
def test_position_size_risks_exactly_the_budget(balance: Decimal, risk: Decimal,
                                                distance: Decimal) -> None:
    size = calculate_position_size(balance, risk, distance).unwrap()
    budget = Fraction(balance) * Fraction(risk)
    assert abs(Fraction(size) * Fraction(distance) - budget) <= budget / 10**110


def _wad(d: Decimal) -> int:
    return int(Fraction(d) * WAD)


@given(decimals(0, 10**6, 8), positive_decimals(10**7, 8), positive_decimals(10**7, 8),
       st.booleans())
def test_pnl_wad_is_the_floor_of_the_decimal_pnl(size: Decimal, entry: Decimal,
                                                 current: Decimal, is_long: bool) -> None:
    signed = size if is_long else -size
    exact = Fraction(calculate_pnl(Position("X", signed, entry, current))) * WAD
    got = pnl_wad(_wad(size), _wad(entry), _wad(current), is_long).unwrap()
    # documented direction: toward -infinity (protocol's favour), less than one wad unit off
    assert got == math.floor(exact)
    assert exact - 1 < got <= exact


@given(decimals(0, 10**6, 18), decimals(0, 10**6, 18), st.booleans())
def test_pnl_wad_tiny_moves_round_against_the_trader(size: Decimal, move: Decimal,
                                                     is_long: bool) -> None:
    entry = _wad(D(1000))
    current = entry + _wad(move)
    got = pnl_wad(_wad(size), entry, current, is_long).unwrap()
    mirror = pnl_wad(_wad(size), entry, current, not is_long).unwrap()
    # a gain rounds down and the mirrored loss rounds up: they differ by the remainder only
    assert -1 <= got + mirror <= 0


@given(positive_decimals(10**9, 2), decimals(Decimal("0.0001"), 1, 4),
       positive_decimals(10**5, 4))
def test_position_size_wad_agrees_with_decimal(balance: Decimal, risk: Decimal,
                                               distance: Decimal) -> None:
    decimal_size = Fraction(calculate_position_size(balance, risk, distance).unwrap())
    got = position_size_wad(_wad(balance), _wad(risk), _wad(distance)).unwrap()
    assert from_fixed(got) <= decimal_size < from_fixed(got + 1)  # rounded down, < 1 unit


def test_wad_forms_fail_where_cairo_panics() -> None:
    assert position_size_wad(1, 1, 0).failure().code == "numeric.division_by_zero"
    assert pnl_wad(2**256, 1, 2, True).failure().code == "numeric.fixed_range"


@given(hostile_contexts(), positions(), st.tuples(
    positive_decimals(10**9, 2), decimals(Decimal("0.0001"), 1, 4),
    positive_decimals(10**5, 4)), st.booleans())
def test_results_ignore_the_callers_context(ctx: decimal.Context, p: Position,
                                            sizing: tuple[Decimal, Decimal, Decimal],
                                            is_long: bool) -> None:
    balance, risk, distance = sizing
    # the test's own conversions happen outside the hostile context
    size_w, entry_w, current_w = (_wad(p.quantity.copy_abs()), _wad(p.entry_price),
                                  _wad(p.current_price))
    sizes_w = (_wad(balance), _wad(risk), _wad(distance))

    def run() -> tuple[object, ...]:
        return (
            calculate_pnl(p),
            calculate_position_size(balance, risk, distance),
            calculate_position_size(str(balance), str(risk), str(distance)),
            Position.of(p.asset, str(p.quantity), str(p.entry_price), str(p.current_price)),
            p.notional,
            pnl_wad(size_w, entry_w, current_w, is_long),
            position_size_wad(*sizes_w),
        )

    expected = run()
    with decimal.localcontext(ctx):
        got = run()
    assert got == expected
    assert repr(got) == repr(expected)


def test_roi_of_a_stated_position() -> None:
    # long 2 @ 100 marked at 105 with 10x: P&L 10 on a margin of 200 / 10 = 20 -> 50 %
    assert Position("X", D("2"), D("100"), D("105")).roi_percent(D("10")) == Some(D("50.0"))
    # short 0.5 @ 30000 marked at 31500 at 1x: -750 on 15000 -> -5 %
    assert Position("X", D("-0.5"), D("30000"), D("31500")).roi_percent() == Some(D("-5.0"))
    assert Position("X", D("0"), D("30000"), D("31500")).roi_percent() == Nothing


@given(positions(), positive_decimals(125, 2).filter(lambda lev: lev >= 1))
def test_a_stated_position_is_the_fold_of_one_fill(p: Position, leverage: Decimal) -> None:
    # what the CLI used to glue by hand: a position is one fill at its entry price
    fills = [Fill(p.quantity, p.entry_price)] if p.quantity else []
    folded = position_from_fills(fills)
    assert p.state == folded
    assert p.roi_percent(leverage) == folded.roi_percent(p.current_price, leverage)
    assert p.state.unrealized_pnl(p.current_price) == calculate_pnl(p)

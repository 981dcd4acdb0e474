"""Numeric policy: parsing bounds, rounding helpers, fixed point, context independence."""

from __future__ import annotations

import decimal
import time
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.numeric import (
    RAY,
    U256_MAX,
    WAD,
    FixedRounding,
    Rounding,
    canonical,
    from_fixed,
    mul_div,
    parse_decimal,
    quantize,
    round_owed_by_protocol,
    round_owed_to_protocol,
    round_to_increment,
    to_fixed,
)
from astratrade_core.testing import decimals, hostile_contexts, positive_decimals, u256

D = Decimal


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (0.1, "numeric.float_rejected"),
        (True, "numeric.type"),
        (None, "numeric.type"),
        ([1], "numeric.type"),
        ("NaN", "numeric.not_finite"),
        ("sNaN", "numeric.not_finite"),
        ("-Infinity", "numeric.not_finite"),
        ("inf", "numeric.not_finite"),
        ("1e999999999", "numeric.out_of_bounds"),
        ("1e-999999999", "numeric.out_of_bounds"),
        ("1e24", "numeric.out_of_bounds"),
        (10**24, "numeric.out_of_bounds"),
        (D("1E+30"), "numeric.out_of_bounds"),
        ("0." + "0" * 28 + "1", "numeric.out_of_bounds"),
        ("9" * 10_000, "numeric.too_long"),
        ("", "numeric.syntax"),
        ("1_000", "numeric.syntax"),
        ("12abc", "numeric.syntax"),
        ("0x10", "numeric.syntax"),
    ],
)
def test_rejects_bad_input_with_a_code(raw: object, code: str) -> None:
    result = parse_decimal(raw, "price")
    assert isinstance(result, Failure)
    assert result.failure().code == code
    assert result.failure().fields["field"] == "price"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.50", D("12.50")),
        ("  -0.000001 ", D("-0.000001")),
        (42, D(42)),
        (D("3.14"), D("3.14")),
        ("-0", D(0)),
        ("1.5E3", D("1500")),
        ("9" * 24, D("9" * 24)),
        ("0." + "0" * 27 + "1", D("1E-28")),
    ],
)
def test_accepts_bounded_numbers(raw: object, expected: Decimal) -> None:
    assert parse_decimal(raw) == Success(expected)


def test_pathological_inputs_fail_fast() -> None:
    started = time.perf_counter()
    for _ in range(100):
        parse_decimal("1" * 10_000)
        parse_decimal("1e999999999")
        parse_decimal(D("1" * 10_000))
        parse_decimal(10**10_000)
    per_call = (time.perf_counter() - started) / 400
    assert per_call < 1e-3  # the bound; typical is a few microseconds


def test_rounding_worked_examples() -> None:
    assert quantize(D("2.675"), 2, Rounding.HALF_UP) == D("2.68")
    assert quantize(D("2.665"), 2, Rounding.HALF_EVEN) == D("2.66")
    assert quantize(D("-1.005"), 2, Rounding.DOWN) == D("-1.00")
    assert quantize(D("-1.001"), 2, Rounding.UP) == D("-1.01")
    assert round_to_increment(D("101.37"), D("0.25"), Rounding.DOWN) == D("101.25")
    assert round_to_increment(D("101.37"), D("0.25"), Rounding.HALF_UP) == D("101.25")
    assert round_to_increment(D("101.38"), D("0.25"), Rounding.HALF_UP) == D("101.50")
    assert round_to_increment(D("0.0149"), D("0.001"), Rounding.DOWN) == D("0.014")
    assert round_owed_to_protocol(D("3.2000001"), D("0.01")) == D("3.21")
    assert round_owed_by_protocol(D("3.2099999"), D("0.01")) == D("3.20")
    with pytest.raises(ValueError, match="increment"):
        round_to_increment(D(1), D(0), Rounding.DOWN)


@given(decimals(places=10), positive_decimals(1000, 4))
def test_round_down_never_exceeds_input_magnitude(value: Decimal, increment: Decimal) -> None:
    down = round_to_increment(value, increment, Rounding.DOWN)
    assert abs(down) <= abs(value)
    assert abs(value) - abs(down) < increment
    assert (down / increment) == (down / increment).to_integral_value()


@given(decimals(places=10), positive_decimals(1000, 4))
def test_protocol_favour_brackets_the_exact_amount(value: Decimal, increment: Decimal) -> None:
    assert round_owed_by_protocol(value, increment) <= value <= round_owed_to_protocol(
        value, increment
    )


def test_fixed_point_worked_examples() -> None:
    assert to_fixed(D("1.5")) == Success(1_500_000_000_000_000_000)
    assert to_fixed(D("0.000000000000000001")) == Success(1)
    assert to_fixed(D("0.0000000000000000019"), WAD, Rounding.DOWN) == Success(1)
    assert to_fixed(D("0.0000000000000000011"), WAD, Rounding.CEILING) == Success(2)
    assert to_fixed(D("2.5"), RAY) == Success(25 * 10**26)
    assert isinstance(to_fixed(D(-1)), Failure)
    assert from_fixed(1_500_000_000_000_000_000) == D("1.5")
    assert from_fixed(0) == D(0)
    assert from_fixed(10**20) == D(100)
    assert str(from_fixed(10**20)) == "100"
    assert canonical(D("0.10")) == D("0.1")


@given(decimals(0, 10**9, places=18))
def test_wad_round_trip_is_exact(value: Decimal) -> None:
    assert from_fixed(to_fixed(value).unwrap()) == value


def test_mul_div_worked_examples() -> None:
    assert mul_div(7, 3, 2, FixedRounding.FLOOR) == Success(10)
    assert mul_div(7, 3, 2, FixedRounding.CEIL) == Success(11)
    assert mul_div(7, 3, 2, FixedRounding.HALF_UP) == Success(11)  # 10.5 rounds up
    assert mul_div(5, 1, 3, FixedRounding.HALF_UP) == Success(2)  # 1.67
    assert mul_div(4, 1, 3, FixedRounding.HALF_UP) == Success(1)  # 1.33
    assert mul_div(6, 1, 3, FixedRounding.CEIL) == Success(2)  # exact: no bump
    assert mul_div(U256_MAX, U256_MAX, U256_MAX, FixedRounding.FLOOR) == Success(U256_MAX)
    assert mul_div(U256_MAX, 2, 1, FixedRounding.FLOOR).failure().code == "numeric.overflow"
    assert mul_div(1, 1, 0, FixedRounding.FLOOR).failure().code == "numeric.division_by_zero"
    assert mul_div(-1, 1, 1, FixedRounding.FLOOR).failure().code == "numeric.fixed_range"
    assert mul_div(U256_MAX + 1, 1, 1, FixedRounding.FLOOR).failure().code == "numeric.fixed_range"


@given(u256(2**128), u256(2**128), st.integers(1, 2**128))
def test_mul_div_brackets_the_exact_quotient(a: int, b: int, d: int) -> None:
    exact = Fraction(a * b, d)
    floor = mul_div(a, b, d, FixedRounding.FLOOR).unwrap()
    ceil = mul_div(a, b, d, FixedRounding.CEIL).unwrap()
    half = mul_div(a, b, d, FixedRounding.HALF_UP).unwrap()
    assert floor <= exact < floor + 1
    assert ceil - 1 < exact <= ceil
    assert abs(Fraction(half) - exact) <= Fraction(1, 2)
    assert floor <= half <= ceil


@given(hostile_contexts(), decimals(places=12), positive_decimals(100, 3))
def test_results_ignore_the_callers_context(
    ctx: decimal.Context, value: Decimal, increment: Decimal
) -> None:
    magnitude = abs(value)
    expected = (
        parse_decimal(str(value)),
        quantize(value, 5, Rounding.HALF_EVEN),
        round_to_increment(value, increment, Rounding.FLOOR),
        to_fixed(magnitude, WAD, Rounding.HALF_UP),
        from_fixed(123_456_789_123_456_789_123),
    )
    with decimal.localcontext(ctx):
        actual = (
            parse_decimal(str(value)),
            quantize(value, 5, Rounding.HALF_EVEN),
            round_to_increment(value, increment, Rounding.FLOOR),
            to_fixed(magnitude, WAD, Rounding.HALF_UP),
            from_fixed(123_456_789_123_456_789_123),
        )
    assert actual == expected



def test_syntax_errors_do_not_depend_on_the_callers_traps() -> None:
    quiet = decimal.Context(traps=[])
    with decimal.localcontext(quiet):
        result = parse_decimal("12abc")
    assert result.failure().code == "numeric.syntax"

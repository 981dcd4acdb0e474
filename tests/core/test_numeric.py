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
    check_computed,
    check_decimal,
    from_fixed,
    is_u256,
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


# --- bounds at both ends, ASCII only, total fixed point (issue 13) ---------------------------

@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # an exponent Decimal cannot even hold is out of bounds, like one it can
        ("1e-10000000000000000000000", "numeric.out_of_bounds"),
        ("1e10000000000000000000000", "numeric.out_of_bounds"),
        ("-1E-999999999999999999", "numeric.out_of_bounds"),
        ("0e-10000000000000000000000", "numeric.out_of_bounds"),
        # a zero obeys the digit bounds too: 29 fractional digits, or 10**24
        ("0E-29", "numeric.out_of_bounds"),
        ("0E+24", "numeric.out_of_bounds"),
        # Unicode digits and spaces: Decimal() would accept them, we do not
        ("\u0661\u0660\u0660", "numeric.not_ascii"),  # Arabic-Indic 100
        ("\U0001d7d9\U0001d7da\U0001d7db", "numeric.not_ascii"),  # mathematical 123
        ("\uff11\uff12", "numeric.not_ascii"),  # full-width 12
        ("1\u0663", "numeric.not_ascii"),  # mixed
        ("\u2003 5", "numeric.not_ascii"),  # an em space
        (" " * 81, "numeric.too_long"),  # surrounding spaces count
    ],
)
def test_rejects_both_exponent_ends_and_non_ascii(raw: str, code: str) -> None:
    assert parse_decimal(raw, "quantity").failure().code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0E-28", D(0)), ("0E+23", D(0)), ("-0.0", D(0)), ("9.9E+23", D("9.9E+23")),
     (" " * 39 + "1" + " " * 40, D(1))],
)
def test_accepts_the_edges_inside_the_bounds(raw: str, expected: Decimal) -> None:
    result = parse_decimal(raw)
    assert result == Success(expected)
    assert not result.unwrap().is_signed()  # -0 parses as 0


def test_subclasses_parse_like_their_base() -> None:
    class Text(str):
        pass

    class Number(Decimal):
        pass

    assert parse_decimal(Text("1.5")) == Success(D("1.5"))
    assert parse_decimal(Number("2.5")) == Success(D("2.5"))
    assert type(parse_decimal(Number("2.5")).unwrap()) is Decimal


def test_exponent_errors_do_not_depend_on_the_callers_traps() -> None:
    with decimal.localcontext(decimal.Context(traps=[])):
        assert parse_decimal("1e-10000000000000000000000").failure().code == (
            "numeric.out_of_bounds")
        assert parse_decimal("12e5x").failure().code == "numeric.syntax"


def test_check_decimal_refuses_what_is_not_a_bounded_decimal() -> None:
    assert check_decimal(D("12.5"), "amount") == Success(D("12.5"))
    assert check_decimal("100", "amount").failure().code == "numeric.type"  # type: ignore[arg-type]
    assert check_decimal(D("sNaN"), "amount").failure().code == "numeric.not_finite"
    assert check_decimal(D("1E-29"), "amount").failure().code == "numeric.out_of_bounds"


def test_check_computed_allows_a_quotient_but_not_the_extremes() -> None:
    third = D(1) / D(3)
    assert check_computed(third) == Success(third)
    assert check_computed(D("9.99E+47")).unwrap() == D("9.99E+47")
    assert check_computed(D("1E-56")).unwrap() == D("1E-56")
    assert check_computed(D("-0")) == Success(D(0))
    assert check_computed(D("1E+48")).failure().code == "numeric.out_of_bounds"
    assert check_computed(D("9.9E-57")).failure().code == "numeric.out_of_bounds"
    assert check_computed(D("-Infinity")).failure().code == "numeric.not_finite"
    assert check_computed(1.5).failure().code == "numeric.type"  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [D("NaN"), D("-NaN"), D("sNaN"), D("Infinity"),
                                   D("-Infinity")])
def test_to_fixed_refuses_non_finite_values(value: Decimal) -> None:
    for rounding in Rounding:
        assert to_fixed(value, WAD, rounding).failure().code == "numeric.not_finite"


def test_to_fixed_refuses_what_is_not_its_declared_types() -> None:
    assert to_fixed("1.5").failure().code == "numeric.type"  # type: ignore[arg-type]
    assert to_fixed(D("1.5"), 0).failure().code == "numeric.type"
    assert to_fixed(D("1.5"), 1.5).failure().code == "numeric.type"  # type: ignore[arg-type]
    assert to_fixed(D("1.5"), True).failure().code == "numeric.type"
    assert to_fixed(D("1.5"), U256_MAX + 1).failure().code == "numeric.type"
    assert to_fixed(D("1.5"), WAD, "down").failure().code == "numeric.type"  # type: ignore[arg-type]


def test_to_fixed_at_the_exponent_extremes() -> None:
    # far below one unit: 0 or 1 as the mode says, computed without leaving CONTEXT's range
    tiny, negative = D("1E-999999999"), D("-1E-999999999")  # (-tiny would round to -0)
    assert to_fixed(tiny, WAD, Rounding.DOWN) == Success(0)
    assert to_fixed(tiny, WAD, Rounding.CEILING) == Success(1)
    assert to_fixed(tiny, RAY, Rounding.HALF_UP) == Success(0)
    assert to_fixed(negative, WAD, Rounding.CEILING) == Success(0)
    assert to_fixed(negative, WAD, Rounding.FLOOR).failure().code == "numeric.fixed_range"
    # just above the stand-in's threshold the real product is used: 1E-21 * 1E+18 = 0.001
    assert to_fixed(D("1E-21"), WAD, Rounding.UP) == Success(1)
    assert to_fixed(D("1E+999999999"), WAD).failure().code == "numeric.fixed_range"
    # the largest u256 converts exactly; one more unit does not
    assert to_fixed(D(U256_MAX), 1) == Success(U256_MAX)
    assert to_fixed(D(U256_MAX + 1), 1).failure().code == "numeric.fixed_range"
    assert to_fixed(D("0.1"), U256_MAX, Rounding.FLOOR) == Success(U256_MAX // 10)


def test_mul_div_refuses_non_integers() -> None:
    # the example: a float operand used to answer Success(0.0)
    assert mul_div(0.1, 3, 2, FixedRounding.FLOOR).failure().code == "numeric.type"  # type: ignore[arg-type]
    assert mul_div(1, 3.0, 2, FixedRounding.CEIL).failure().code == "numeric.type"  # type: ignore[arg-type]
    assert mul_div(1, 3, D(2), FixedRounding.CEIL).failure().code == "numeric.type"  # type: ignore[arg-type]
    assert mul_div(True, 3, 2, FixedRounding.CEIL).failure().code == "numeric.type"
    assert mul_div(1, 3, 2, "ceil").failure().code == "numeric.type"  # type: ignore[arg-type]
    assert is_u256(0) and is_u256(U256_MAX)
    assert not (is_u256(-1) or is_u256(U256_MAX + 1) or is_u256(1.0) or is_u256(True))


@given(st.decimals(), st.sampled_from(list(Rounding)), st.sampled_from([1, WAD, RAY, U256_MAX]))
def test_to_fixed_is_total_and_exact(value: Decimal, rounding: Rounding, scale: int) -> None:
    result = to_fixed(value, scale, rounding)
    if not isinstance(result, Success):
        return
    raw = result.unwrap()
    assert type(raw) is int
    assert 0 <= raw <= U256_MAX
    exact = Fraction(value) * scale  # a Success means a finite value
    assert abs(Fraction(raw) - exact) < 1

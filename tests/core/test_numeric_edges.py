"""The numeric boundary's rules at their edges: each limit exactly, one unit inside and one
outside; every refusal's full error (code, field, message, rendered value); the subclass and
batch paths; fixed-point order limits.  Found by `make mutate` (numeric): the worked examples
in test_numeric.py sit in the middle of the ranges."""

from __future__ import annotations

import decimal
from decimal import Decimal
from enum import IntEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import (
    CONTEXT,
    MAX_COMPUTED_FRACTION_DIGITS,
    MAX_COMPUTED_INTEGER_DIGITS,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    U256_MAX,
    WAD,
    FixedRounding,
    Rounding,
    canonical,
    check_computed,
    check_decimal,
    mul_div,
    parse_decimal,
    parse_non_negative,
    parse_plain_decimals,
    parse_positive,
    to_fixed,
)
from astratrade_core.testing import around, around_ints, hostile_contexts

LIMIT = 10**MAX_INTEGER_DIGITS


def _error(result: Result[object, DomainError]) -> DomainError:
    assert isinstance(result, Failure), result
    error: DomainError = result.failure()
    return error


def _expect(result: Result[object, DomainError], code: str, message: str,
            value: str, field: str | None = "qty") -> None:
    error = _error(result)
    assert (error.code, error.message, error.fields.get("value")) == (code, message, value)
    assert error.fields.get("field") == field


class _Str(str):
    pass


class _Dec(Decimal):
    pass


class _Int(IntEnum):
    FIVE = 5
    HUGE = 10**24


@pytest.mark.parametrize(("value", "code", "message", "shown"), [
    (10**24, "numeric.out_of_bounds", "qty: magnitude must be below 1e24", str(10**24)),
    (True, "numeric.type", "qty: booleans are not numbers", "True"),
    (0.5, "numeric.float_rejected", "qty: floats are inexact; pass a str or Decimal", "0.5"),
    (_Str("abc"), "numeric.syntax", "qty: not a decimal number", "'abc'"),
    (_Dec("NaN"), "numeric.not_finite", "qty: NaN and infinity are not allowed",
     "Decimal('NaN')"),
    (_Int.HUGE, "numeric.out_of_bounds", "qty: magnitude must be below 1e24", str(10**24)),
    ([], "numeric.type", "qty: expected str, int or Decimal, got list", "[]"),
    ("1" * 81, "numeric.too_long", "qty: more than 80 characters", repr("1" * 37) + "..."),
    ("\u0661", "numeric.not_ascii",
     "qty: only ASCII digits, sign, point and exponent are accepted", "'\u0661'"),
    ("  ", "numeric.syntax", "qty: not a decimal number", "'  '"),
    ("1e-10000000000000000000000", "numeric.out_of_bounds", "qty: exponent out of range",
     "'1e-10000000000000000000000'"),
    ("1e999999999", "numeric.out_of_bounds", "qty: magnitude must be below 1e24",
     "<Decimal of 1 digits, order 999999999>"),
    ("1x", "numeric.syntax", "qty: not a decimal number", "'1x'"),
    ("1E+24", "numeric.out_of_bounds", "qty: magnitude must be below 1e24", "Decimal('1E+24')"),
    ("1E-29", "numeric.out_of_bounds", "qty: more than 28 fractional digits",
     "Decimal('1E-29')"),
])
def test_every_refusal_names_its_field_message_and_value(
        value: object, code: str, message: str, shown: str) -> None:
    _expect(parse_decimal(value, "qty"), code, message, shown)


def test_subclasses_parse_like_their_base_type() -> None:
    assert parse_decimal(_Str(" 1.50 "), "qty") == Success(Decimal("1.50"))
    assert parse_decimal(_Dec("2.5"), "qty") == Success(Decimal("2.5"))
    assert parse_decimal(_Int.FIVE, "qty") == Success(Decimal(5))


@given(around_ints(LIMIT) | around_ints(-LIMIT))
def test_integer_magnitude_limit_is_exclusive(value: int) -> None:
    result = parse_decimal(value, "qty")
    assert isinstance(result, Success) == (abs(value) < LIMIT)


@given(around(0, places=MAX_FRACTION_DIGITS))
def test_positive_and_non_negative_at_zero(value: Decimal) -> None:
    assert isinstance(parse_positive(value, "price"), Success) == (value > 0)
    assert isinstance(parse_non_negative(value, "fee"), Success) == (value >= 0)
    shown = repr(value if value else Decimal(0))  # a parsed zero has no exponent
    if value <= 0:
        _expect(parse_positive(value, "price"), "numeric.not_positive",
                "price: must be greater than zero", shown, "price")
    if value < 0:
        _expect(parse_non_negative(value, "fee"), "numeric.negative",
                "fee: must not be negative", shown, "fee")


def test_positive_and_non_negative_pass_parse_errors_through_with_the_field() -> None:
    _expect(parse_positive("x", "price"), "numeric.syntax", "price: not a decimal number",
            "'x'", "price")
    _expect(parse_non_negative("x", "fee"), "numeric.syntax", "fee: not a decimal number",
            "'x'", "fee")
    assert parse_positive("2", "price") == Success(Decimal(2))
    assert parse_non_negative("0", "fee") == Success(Decimal(0))


@given(st.lists(st.sampled_from(["0", "-0.000", "1.50", "+.5", "42", "1e3", "1_0", " 1"]),
                min_size=1, max_size=5))
def test_plain_batch_parses_exactly_like_parse_decimal(texts: list[str]) -> None:
    batch = parse_plain_decimals(texts)
    one_by_one = [parse_decimal(t) for t in texts]
    plain = all(t not in ("1e3", "1_0", " 1") for t in texts)
    if not plain:
        assert batch is None
        return
    assert batch is not None
    assert [str(d) for d in batch] == [str(r.unwrap()) for r in one_by_one]


def test_plain_batch_refuses_what_is_not_text() -> None:
    assert parse_plain_decimals([1, "2"]) is None
    assert parse_plain_decimals(["1", "2"]) == (Decimal(1), Decimal(2))


def test_check_decimal_and_check_computed_errors() -> None:
    _expect(check_decimal("1", "qty"), "numeric.type",  # type: ignore[arg-type]
            "qty: expected a Decimal, got str", "'1'")
    _expect(check_decimal(Decimal("NaN"), "qty"), "numeric.not_finite",
            "qty: NaN and infinity are not allowed", "Decimal('NaN')")
    _expect(check_computed("1", "qty"), "numeric.type",  # type: ignore[arg-type]
            "qty: expected a Decimal, got str", "'1'")
    _expect(check_computed(Decimal("Infinity"), "qty"), "numeric.not_finite",
            "qty: NaN and infinity are not allowed", "Decimal('Infinity')")
    _expect(check_computed(Decimal("1E+48"), "qty"), "numeric.out_of_bounds",
            "qty: magnitude must lie in [1E-56, 1E+48)", "<Decimal of 1 digits, order 48>")


@given(st.sampled_from([-MAX_COMPUTED_FRACTION_DIGITS - 1, -MAX_COMPUTED_FRACTION_DIGITS,
                        MAX_COMPUTED_INTEGER_DIGITS - 1, MAX_COMPUTED_INTEGER_DIGITS]),
       st.sampled_from(["1", "9.99", "-5"]))
def test_computed_magnitude_bounds_are_half_open(order: int, digits: str) -> None:
    value = Decimal(digits).scaleb(order - Decimal(digits).adjusted(), CONTEXT)
    ok = -MAX_COMPUTED_FRACTION_DIGITS <= order < MAX_COMPUTED_INTEGER_DIGITS
    assert isinstance(check_computed(value), Success) == ok


def test_fixed_point_errors_render_the_offending_value() -> None:
    _expect(to_fixed("1"), "numeric.type",  # type: ignore[arg-type]
            "to_fixed takes a Decimal, a scale in [1, 2**256) and a Rounding",
            "('1', 1000000000000000000, <Rounding.DOWN: 'ROUND_DOWN'>)", None)
    _expect(to_fixed(Decimal("NaN")), "numeric.not_finite",
            "NaN and infinity have no fixed-point form", "Decimal('NaN')", None)
    _expect(to_fixed(Decimal("1E+60")), "numeric.fixed_range",
            "fixed-point value must fit in u256", "<Decimal of 1 digits, order 60>", None)
    _expect(to_fixed(Decimal("2E+59")), "numeric.fixed_range",
            "fixed-point value must fit in u256", "<Decimal of 1 digits, order 59>", None)
    _expect(to_fixed(Decimal("-1")), "numeric.fixed_range",
            "fixed-point value must fit in u256", "Decimal('-1')", None)


@pytest.mark.parametrize("order", [-6, -5, -4, -3, -2, -1])
@pytest.mark.parametrize("scale", [1, 10, WAD])
def test_a_tiny_negative_refusal_names_the_callers_value(order: int, scale: int) -> None:
    """Around the stand-in's limit (|value * scale| near 1/1000) a negative value that FLOOR
    takes to -1 is refused with the value the caller gave, never the stand-in 1E-100."""
    value = Decimal(-3).scaleb(order - len(str(scale)) + 1, CONTEXT)
    _expect(to_fixed(value, scale, Rounding.FLOOR), "numeric.fixed_range",
            "fixed-point value must fit in u256", repr(value), None)


@given(st.integers(-8, 80), st.sampled_from([1, 9]), st.sampled_from([1, 10, WAD, 3 * WAD]),
       st.sampled_from(list(Rounding)))
def test_to_fixed_is_exact_at_every_order(order: int, lead: int, scale: int,
                                          rounding: Rounding) -> None:
    """Around the order limits (|value * scale| near 10**78 and near 1/100) the result equals
    the exact product rounded, or is refused exactly when that exceeds u256."""
    value = Decimal(lead).scaleb(order - len(str(scale)) + 1, CONTEXT)
    exact = CONTEXT.multiply(value, Decimal(scale)).quantize(Decimal(1),
                                                             rounding=rounding.value,
                                                             context=CONTEXT)
    result = to_fixed(value, scale, rounding)
    if exact <= U256_MAX:
        assert result == Success(int(exact))
    else:
        assert _error(result).code == "numeric.fixed_range"


@given(st.sampled_from(["1E+1", "1E+2", "5E+0", "1.500", "1E+30"]), hostile_contexts())
def test_canonical_drops_exponents_whatever_the_callers_context(
        text: str, context: decimal.Context) -> None:
    expected = {"1E+1": "10", "1E+2": "100", "5E+0": "5", "1.500": "1.5",
                "1E+30": "1" + "0" * 30}[text]
    with decimal.localcontext(context):
        assert str(canonical(Decimal(text))) == expected


def test_mul_div_errors_render_the_operands() -> None:
    _expect(mul_div(1.5, 2, 3, FixedRounding.FLOOR), "numeric.type",  # type: ignore[arg-type]
            "mul_div takes three integers and a FixedRounding", "(1.5, 2, 3)", None)
    _expect(mul_div(1, 2, 0, FixedRounding.FLOOR), "numeric.division_by_zero",
            "mul_div denominator is zero", "0", None)
    _expect(mul_div(-1, 2, 3, FixedRounding.FLOOR), "numeric.fixed_range",
            "mul_div operands must be u256", "(-1, 2, 3)", None)
    _expect(mul_div(2**128, 2**128, 1, FixedRounding.FLOOR), "numeric.overflow",
            "mul_div result exceeds u256", "(<int of 129 bits>, <int of 129 bits>, 1)", None)


def _shown(value: object) -> str:
    """How an error renders ``value`` (a non-integer operand of mul_div is refused and the
    operands are rendered as a tuple)."""
    rendered = _error(mul_div(value, 2, 3, FixedRounding.FLOOR)).fields["value"]  # type: ignore[arg-type]
    assert rendered.startswith("(") and rendered.endswith(", 2, 3)")
    return rendered[1:-len(", 2, 3)")]


@pytest.mark.parametrize(("value", "shown"), [
    ("x" * 40, repr("x" * 40)[:37] + "..."),
    ("x" * 41, repr("x" * 37) + "..."),
    (Decimal("1" * 40), repr(Decimal("1" * 40))[:37] + "..."),
    (Decimal("1" * 41), "<Decimal of 41 digits, order 40>"),
    (Decimal("1E+40"), "Decimal('1E+40')"),
    (Decimal("1E+41"), "<Decimal of 1 digits, order 41>"),
    (Decimal("-1E-41"), "<Decimal of 1 digits, order -41>"),
    (Decimal("1"), "Decimal('1')"),
    (Decimal("NaN"), "Decimal('NaN')"),
    ([10**5000], "<list>"),
    ([int("1" * 38)], "[" + "1" * 38 + "]"),
    ([int("1" * 39)], ("[" + "1" * 39 + "]")[:37] + "..."),
    (None, "None"),
])
def test_errors_render_values_short_and_safe_at_each_length_limit(
        value: object, shown: str) -> None:
    assert _shown(value) == shown


@pytest.mark.parametrize(("bits", "shown"), [
    (128, str(2**127)), (129, "<int of 129 bits>")])
def test_errors_render_huge_integers_by_their_size(bits: int, shown: str) -> None:
    value = 2 ** (bits - 1)
    error = _error(mul_div(value, 2**200, 1, FixedRounding.FLOOR))
    assert error.fields["value"] == f"({shown}, <int of 201 bits>, 1)"

"""Wad/ray/percent helpers: Aave's worked examples, the exact-rational law for every rounding,
and the two overflow behaviours at the exact u256 boundary."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.fixedpoint import (
    HALF_PERCENT,
    PERCENTAGE_FACTOR,
    WAD_RAY_RATIO,
    Overflow,
    percent_div,
    percent_mul,
    ray_div,
    ray_mul,
    ray_to_wad,
    wad_div,
    wad_mul,
    wad_to_ray,
)
from astratrade_core.numeric import RAY, U256_MAX, WAD, FixedRounding
from astratrade_core.testing import u256

Helper = Callable[[int, int, FixedRounding, Overflow], Result[int, DomainError]]
# (helper, numerator factor, denominator) as functions of (a, b): the exact value is
# a * b / d for the multiplications and a * scale / b for the divisions
MULS: list[tuple[Helper, int]] = [(wad_mul, WAD), (ray_mul, RAY), (percent_mul, PERCENTAGE_FACTOR)]
DIVS: list[tuple[Helper, int]] = [(wad_div, WAD), (ray_div, RAY), (percent_div, PERCENTAGE_FACTOR)]


def _expected(exact: Fraction, rounding: FixedRounding) -> int:
    floor = exact.numerator // exact.denominator
    if exact == floor:
        return floor
    if rounding is FixedRounding.FLOOR:
        return floor
    if rounding is FixedRounding.CEIL:
        return floor + 1
    return floor + 1 if exact - floor >= Fraction(1, 2) else floor


small = st.integers(0, 2**128)


@pytest.mark.parametrize(("helper", "scale"), MULS)
@given(a=small, b=small, rounding=st.sampled_from(FixedRounding))
def test_multiplication_rounds_the_exact_product(helper: Helper, scale: int, a: int, b: int,
                                                 rounding: FixedRounding) -> None:
    assert helper(a, b, rounding, Overflow.WIDE) == Success(
        _expected(Fraction(a * b, scale), rounding))


@pytest.mark.parametrize(("helper", "scale"), DIVS)
@given(a=small, b=st.integers(1, 2**128), rounding=st.sampled_from(FixedRounding))
def test_division_rounds_the_exact_quotient(helper: Helper, scale: int, a: int, b: int,
                                            rounding: FixedRounding) -> None:
    assert helper(a, b, rounding, Overflow.WIDE) == Success(
        _expected(Fraction(a * scale, b), rounding))


@given(a=u256(), b=u256(), rounding=st.sampled_from(FixedRounding))
def test_aave_mode_agrees_whenever_it_does_not_revert(a: int, b: int,
                                                      rounding: FixedRounding) -> None:
    for helper, _ in MULS + DIVS:
        if helper in (wad_div, ray_div, percent_div) and b == 0:
            continue
        aave = helper(a, b, rounding, Overflow.AAVE)
        if isinstance(aave, Success):
            assert aave == helper(a, b, rounding, Overflow.WIDE)
        else:
            assert aave.failure().code == "numeric.overflow"


def test_aave_worked_examples() -> None:
    # WadRayMath's rule "if a value is >= .5 it is rounded up": 0.5 wad * 3 (units) = 1.5 -> 2
    assert wad_mul(WAD // 2, 3) == Success(2)
    # 2.5 wad * 0.5 wad = 1.25 wad exactly
    assert wad_mul(5 * WAD // 2, WAD // 2) == Success(5 * WAD // 4)
    # rayDiv(1, 3) in ray = 0.333...3 (the 4th and later thirds round down)
    assert ray_div(RAY, 3 * RAY) == Success(RAY // 3)
    # percentMul(10005, 50.00 %) = 5002.5 -> 5003; percentDiv(5003, 50.00 %) = 10006
    assert percent_mul(10_005, HALF_PERCENT) == Success(5003)
    assert percent_div(5003, HALF_PERCENT) == Success(10_006)
    # wadToRay multiplies by 1e9; rayToWad rounds a remainder of >= 5e8 up
    assert wad_to_ray(3) == Success(3 * WAD_RAY_RATIO)
    assert ray_to_wad(WAD_RAY_RATIO // 2) == Success(1)
    assert ray_to_wad(WAD_RAY_RATIO // 2 - 1) == Success(0)
    assert ray_to_wad(WAD_RAY_RATIO + 1, FixedRounding.FLOOR) == Success(1)


def test_aave_overflow_boundary_is_exact() -> None:
    # Aave's rayMul reverts iff a > (MAX - HALF_RAY) / b: a * b + HALF_RAY must fit in u256
    b = 3
    a = (U256_MAX - RAY // 2) // b
    assert isinstance(ray_mul(a, b, overflow=Overflow.AAVE), Success)
    assert ray_mul(a + 1, b, overflow=Overflow.AAVE).failure().code == "numeric.overflow"
    assert isinstance(ray_mul(a + 1, b), Success)  # double width: the result is tiny
    # floor and ceil (Aave's rayMulFloor/Ceil) only need a * b to fit
    limit = U256_MAX // b
    assert isinstance(ray_mul(limit, b, FixedRounding.FLOOR, Overflow.AAVE), Success)
    assert isinstance(ray_mul(limit + 1, b, FixedRounding.FLOOR, Overflow.AAVE), Failure)
    # rayDiv reverts iff a > (MAX - b/2) / RAY
    divisor = 10
    top = (U256_MAX - divisor // 2) // RAY
    assert isinstance(ray_div(top, divisor, overflow=Overflow.AAVE), Success)
    assert isinstance(ray_div(top + 1, divisor, overflow=Overflow.AAVE), Failure)
    # percentMul reverts iff value > (MAX - 5000) / percentage
    value = (U256_MAX - HALF_PERCENT) // 7
    assert isinstance(percent_mul(value, 7, overflow=Overflow.AAVE), Success)
    assert isinstance(percent_mul(value + 1, 7, overflow=Overflow.AAVE), Failure)
    # wadToRay reverts when the ray does not fit
    assert wad_to_ray(U256_MAX // WAD_RAY_RATIO) == Success(U256_MAX // WAD_RAY_RATIO
                                                            * WAD_RAY_RATIO)
    assert isinstance(wad_to_ray(U256_MAX // WAD_RAY_RATIO + 1), Failure)


@pytest.mark.parametrize(("call", "code"), [
    (lambda: wad_div(1, 0), "numeric.division_by_zero"),
    (lambda: ray_mul(-1, 1), "numeric.fixed_range"),
    (lambda: percent_mul(U256_MAX + 1, 1, overflow=Overflow.AAVE), "numeric.fixed_range"),
    (lambda: ray_to_wad(-5), "numeric.fixed_range"),
    (lambda: wad_mul(U256_MAX, U256_MAX), "numeric.overflow"),
])
def test_bad_operands_are_failures(call: Callable[[], Result[int, DomainError]],
                                   code: str) -> None:
    assert call().failure().code == code


@given(st.integers(0, U256_MAX // WAD_RAY_RATIO))
def test_wad_ray_round_trip(wad: int) -> None:
    assert wad_to_ray(wad).bind(ray_to_wad) == Success(wad)


def test_a_float_operand_is_a_type_failure_under_either_overflow_mode() -> None:
    # Totality (tests/test_totality.py): with Overflow.AAVE the pre-check formatted a float's
    # bit_length (AttributeError); every mode now answers numeric.type
    for overflow in Overflow:
        assert wad_mul(1.3e74, 1.3e74, FixedRounding.FLOOR, overflow).failure().code == (  # type: ignore[arg-type]
            "numeric.type")
        assert wad_div(5988568098322286.0, 1.8e308, FixedRounding.HALF_UP,  # type: ignore[arg-type]
                       overflow).failure().code == "numeric.type"

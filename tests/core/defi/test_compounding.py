"""Aave v3.3's compounding formula (aave-v3-origin, MathUtils.calculateCompoundedInterest)
next to v3.0's: the worked example in v3.3's own source comment, the algorithm re-stated
from the Solidity line by line, and its bounds against exact compounding."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.defi import SECONDS_PER_YEAR, CompoundingFormula, accrue, compound_interest
from astratrade_core.numeric import RAY, U256_MAX

V30, V33 = CompoundingFormula.AAVE_V3_0, CompoundingFormula.AAVE_V3_3


def _solidity_v3_3(rate: int, exp: int) -> int:
    """MathUtils.calculateCompoundedInterest (v3.3), with WadRayMath.rayMul's half-up."""
    if exp == 0:
        return RAY
    x = rate * exp // SECONDS_PER_YEAR

    def ray_mul(a: int, b: int) -> int:
        return (a * b + RAY // 2) // RAY

    return RAY + x + ray_mul(x, x // 2 + ray_mul(x, x // 6))


def test_the_example_in_the_v3_3_source() -> None:
    # "100_000% per year = 1_000 * 100, passed 10_000 years ... returns
    #  1.66666716666676666667 x 10^20"
    factor = compound_interest(1000 * RAY, 10_000 * SECONDS_PER_YEAR, V33).unwrap()
    assert factor // RAY == 166666716666676666667


def test_one_year_at_ten_percent() -> None:
    # x = 0.1: 1 + 0.1 + 0.1 * (0.05 + 0.1 * 0.1/6) = 1.105166666... (e^0.1 = 1.10517091...)
    factor = compound_interest(RAY // 10, SECONDS_PER_YEAR, V33).unwrap()
    assert factor == 1_105166666666666666666666667
    # v3.0 on the same inputs: 1 + 0.1 + (dt(dt-1)/2)(0.1/Y)^2 + ... just below
    assert compound_interest(RAY // 10, SECONDS_PER_YEAR, V30).unwrap() < factor


rates = st.integers(0, 10 * RAY)       # up to 1000 % a year
seconds = st.integers(0, 5 * SECONDS_PER_YEAR)


@given(rates, seconds)
def test_matches_the_solidity_algorithm(rate: int, dt: int) -> None:
    assert compound_interest(rate, dt, V33) == Success(_solidity_v3_3(rate, dt))


@given(rates, seconds)
def test_never_over_accrues_against_exact_continuous_compounding(rate: int, dt: int) -> None:
    # the dropped terms x^4/4! + ... are positive: the factor is at most e^x (x = rate dt / Y);
    # x^3/6 and below are kept, so it is at least 1 + x + x^2/2 + x^3/6 minus rounding: five
    # floors or half-up roundings (x, x/2, x/6 and two rayMuls), each under one unit (1e-27),
    # magnified by at most 1 + x + x^2 on its way to the result
    factor = compound_interest(rate, dt, V33).unwrap()
    x = Fraction(rate * dt, SECONDS_PER_YEAR * RAY)
    assert Fraction(factor, RAY) <= Fraction(math.exp(float(x))) * (1 + Fraction(1, 10**12))
    slack = 5 * (1 + x + x**2) / RAY
    assert Fraction(factor, RAY) >= 1 + x + x**2 / 2 + x**3 / 6 - slack


@given(st.integers(0, RAY), st.integers(1, SECONDS_PER_YEAR))
def test_v3_0_and_v3_3_differ_only_by_the_binomial_correction(rate: int, dt: int) -> None:
    # v3.0 keeps C(dt, k) (rate/Y)^k, v3.3 keeps x^k / k! (k <= 3): the k = 2 terms differ by
    # x^2 / (2 dt), the k = 3 terms by less than x^3 / (2 dt).  Rounding: v3.0 floors the
    # per-second powers, losing under one unit per dt(dt-1)/2 and dt(dt-1)(dt-2)/6 factor
    difference = abs(compound_interest(rate, dt, V33).unwrap()
                     - compound_interest(rate, dt, V30).unwrap())
    x = Fraction(rate * dt, SECONDS_PER_YEAR * RAY)
    flooring = dt * (dt - 1) // 2 + dt * (dt - 1) * max(dt - 2, 0) // 6
    assert difference <= RAY * (x**2 + x**3) / (2 * dt) + flooring + 10


def test_accrue_selects_the_formula_and_edges() -> None:
    value = 1_000_000 * RAY
    v33 = accrue(value, RAY // 10, SECONDS_PER_YEAR, formula=V33).unwrap()
    v30 = accrue(value, RAY // 10, SECONDS_PER_YEAR).unwrap()
    assert v33 == 1_000_000 * 1_105166666666666666666666667 and v30 < v33
    assert compound_interest(RAY, 0, V33) == Success(RAY)
    assert compound_interest(1, 1, V33) == Success(RAY)   # x = 1 // Y = 0
    # rate * dt beyond u256 (Aave leaves it unchecked and would wrap): a failure here
    assert compound_interest(U256_MAX, 2, V33).failure().code == "numeric.overflow"
    # the intermediate rayMul reverts like Aave's once x * (x/2 + ...) + RAY/2 exceeds u256
    assert compound_interest(2**128, 2**40, V33).failure().code == "numeric.overflow"
    assert compound_interest(-1, 1, V33).failure().code == "defi.accrual"

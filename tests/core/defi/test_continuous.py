"""Continuous compounding: textbook values (Hull, "Options, Futures, and Other Derivatives",
s. 4.2: 10 % compounded annually is 9.5310 % continuous; 8 % continuous is 8.0805 %
compounded quarterly), round trips, the limit of finer compounding, and every bad input."""

from __future__ import annotations

import decimal
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.defi import (
    apr_from_apy,
    apr_from_continuous,
    apy_from_apr,
    apy_from_continuous,
    continuous_from_apr,
    continuous_from_apy,
)
from astratrade_core.testing import decimals, hostile_contexts

D = Decimal


def test_hull_examples() -> None:
    # Hull 4.2, example: 10 % a year compounded annually = ln(1.1) = 9.5310 % continuous
    assert continuous_from_apr("0.10", 1, places=6).unwrap() == D("0.095310")
    # Hull 4.2, example: 8 % continuous = 4 (e^0.02 - 1) = 8.0805 % compounded quarterly
    assert apr_from_continuous("0.08", 4, places=6).unwrap() == D("0.080805")


def test_values_against_independent_series() -> None:
    # e^x - 1 from its Taylor series in exact fractions, and ln 2 (OEIS A002162)
    x = Fraction(1, 20)
    series = sum((x**k / math.factorial(k) for k in range(1, 40)), Fraction(0))
    expected = D(series.numerator) / D(series.denominator)
    assert apy_from_continuous("0.05", places=28).unwrap() == expected.quantize(
        D("1e-28"), context=decimal.Context(prec=60))
    assert continuous_from_apy("1", places=28).unwrap() == D(
        "0.6931471805599453094172321215")


@given(decimals(D("-0.5"), D("2"), 8), st.sampled_from([1, 2, 4, 12, 52, 365, 8760]))
def test_round_trips(rate: Decimal, periods: int) -> None:
    places = 24
    tolerance = D("1e-23")
    back = continuous_from_apr(rate, periods, places).bind(
        lambda c: apr_from_continuous(c, periods, places)).unwrap()
    assert abs(back - rate) <= tolerance
    again = apy_from_continuous(rate, places).bind(
        lambda y: continuous_from_apy(y, places)).unwrap()
    assert abs(again - rate) <= tolerance


@given(decimals(D("0.0001"), D("3"), 4))
def test_continuous_is_the_limit_of_finer_compounding(apr: Decimal) -> None:
    # for a positive APR: ln(1 + APY(n)) grows towards APR as n grows, and e^APR - 1 bounds APY
    apys = [apy_from_apr(apr, n, 20).unwrap() for n in (1, 12, 365)]
    assert apys == sorted(apys)
    continuous_apy = apy_from_continuous(apr, 20).unwrap()
    assert apys[-1] <= continuous_apy
    # and the continuous rate equivalent to n compoundings is below the APR, rising with n
    rates = [continuous_from_apr(apr, n, 20).unwrap() for n in (1, 12, 365)]
    assert rates == sorted(rates) and rates[-1] <= apr


@given(decimals(D("-0.9"), D("5"), 6), st.sampled_from([1, 12, 365]))
def test_agrees_with_the_finite_conversions(apy: Decimal, periods: int) -> None:
    # APR(n) from APY directly == APR(n) from the continuous rate of that APY
    via_continuous = continuous_from_apy(apy, 28).bind(
        lambda c: apr_from_continuous(c, periods, 18)).unwrap()
    assert abs(via_continuous - apr_from_apy(apy, periods, 18).unwrap()) <= D("2e-18")


@pytest.mark.parametrize(("call", "codes"), [
    (lambda: apy_from_continuous("50.0001"), ("defi.rate_range",)),
    (lambda: apy_from_continuous("-51", places=29), ("defi.rate_range", "defi.places")),
    (lambda: continuous_from_apy("-1"), ("defi.rate_range",)),
    (lambda: continuous_from_apy(0.5), ("numeric.float_rejected",)),  # type: ignore[arg-type]
    (lambda: continuous_from_apr("-12", 12), ("defi.rate_range",)),
    (lambda: continuous_from_apr("0.1", 0), ("defi.periods",)),
    (lambda: apr_from_continuous("0.1", True), ("defi.periods",)),
    (lambda: apr_from_continuous("NaN", 12, places=-1), ("numeric.not_finite", "defi.places")),
])
def test_bad_inputs_report_every_problem(call: object, codes: tuple[str, ...]) -> None:
    assert callable(call)
    assert call().failure().codes() == codes


def test_edges() -> None:
    # exactly at the bounds: e^50 - 1 = 5184705528587072464086.45... at 28 places stays a valid
    # input; e^-50 - 1 = -1 + 1.9e-22; APY just above -1 still has a logarithm
    assert apy_from_continuous("50", places=2).unwrap() == D("5184705528587072464086.45")
    assert apy_from_continuous("-50", places=24).unwrap() == D("-0.999999999999999999999807")
    assert continuous_from_apy("-0.9999999999999999999999999999", places=4).unwrap() == D(
        "-64.4724")
    assert continuous_from_apr("-11.999", 12, places=4).unwrap() < 0


@given(hostile_contexts())
def test_independent_of_the_callers_context(context: decimal.Context) -> None:
    def run() -> tuple[object, ...]:
        return (apy_from_continuous("0.05"), continuous_from_apy("0.3"),
                continuous_from_apr("0.12", 12), apr_from_continuous("0.08", 4))

    expected = run()
    with decimal.localcontext(context):
        assert run() == expected

"""The statistics kernels and the normal distribution computed without float: known quantiles
and CDF values, pi re-derived independently, the laws (symmetry, monotonicity, round trip),
numpy's quantile methods, and immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
import statistics
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.numeric import CONTEXT
from astratrade_core.risk import normal_cdf, normal_quantile
from astratrade_core.risk.stats import (
    NORMAL_PLACES,
    PI,
    QuantileMethod,
    empirical_quantile,
    mean,
    standard_normal_cdf,
    standard_normal_pdf,
    standard_normal_quantile,
    variance,
)
from astratrade_core.testing import decimals, hostile_contexts

D = Decimal

# Reference quantiles to 28 places. The leading digits are the textbook values
# (z(0.95) = 1.6448536269514722, z(0.99) = 2.3263478740408408, z(0.975) = 1.9599639845400542);
# the full 28 places were computed with mpmath 1.3.0 at 250 digits as
# -sqrt(2) * erfinv(1 - 2p) and rounded half-even.
KNOWN_QUANTILES = {
    "0.95": "1.6448536269514727148638489080",
    "0.99": "2.3263478740408411008856061633",
    "0.975": "1.9599639845400542355245944305",
    "0.9": "1.2815515655446004669651033294",
    "0.999": "3.0902323061678135415403998301",
    "0.001": "-3.0902323061678135415403998301",
    "1e-10": "-6.3613409024040562046953758283",
    "1e-28": "-11.0582324140587368212984640793",
    "0.5": "0E-28",
}
# Phi(x) to 28 places (same source; Phi(1.96) = 0.9750021048517795... is the textbook value).
KNOWN_CDF = {
    "1.96": "0.9750021048517795658634157310",
    "-1": "0.1586552539314570514147674544",
    "3": "0.9986501019683699054733481852",
    "0.5": "0.6914624612740131036377046106",
    "-10": "0.0000000000000000000000076199",
    "0": "0.5000000000000000000000000000",
    "25": "1.0000000000000000000000000000",
    "-25": "0E-28",
}


def _machin_pi(digits: int) -> Fraction:
    """pi = 16 atan(1/5) - 4 atan(1/239), in integers scaled by 10**(digits + 10)."""
    scale = 10 ** (digits + 10)

    def atan_inverse(n: int) -> int:
        total, term, k, sign = 0, scale // n, 1, 1
        while term:
            total += sign * (term // k)
            term //= n * n
            k += 2
            sign = -sign
        return total

    return Fraction(16 * atan_inverse(5) - 4 * atan_inverse(239), scale)


def test_pi_matches_machin() -> None:
    assert abs(Fraction(PI) - _machin_pi(130)) < Fraction(1, 10**123)


@pytest.mark.parametrize(("p", "expected"), sorted(KNOWN_QUANTILES.items()))
def test_known_quantiles(p: str, expected: str) -> None:
    assert normal_quantile(p).unwrap() == D(expected)
    assert normal_quantile(p).unwrap().as_tuple().exponent == -NORMAL_PLACES


@pytest.mark.parametrize(("x", "expected"), sorted(KNOWN_CDF.items()))
def test_known_cdf_values(x: str, expected: str) -> None:
    assert normal_cdf(x).unwrap() == D(expected)


def test_density_at_zero_is_one_over_sqrt_two_pi() -> None:
    # 1/sqrt(2 pi) = 0.398942280401432677939946059934... ; squared times 2 pi is 1.
    phi0 = standard_normal_pdf(D(0))
    assert abs(CONTEXT.multiply(CONTEXT.multiply(phi0, phi0), CONTEXT.multiply(D(2), PI))
               - 1) < D("1e-115")


def test_normal_failures() -> None:
    assert normal_quantile("0").failure().code == "risk.metrics.probability"
    assert normal_quantile("1").failure().code == "risk.metrics.probability"
    assert normal_quantile("-0.5").failure().code == "risk.metrics.probability"
    assert normal_quantile(0.5).failure().code == (  # type: ignore[arg-type]  # a float
        "numeric.float_rejected")
    assert normal_quantile("1e-29").failure().code == "numeric.out_of_bounds"
    assert normal_cdf("NaN").failure().code == "numeric.not_finite"
    with pytest.raises(ValueError):
        standard_normal_quantile(D("1e-41"))


def test_sample_statistics_by_hand() -> None:
    # mean of 0.02, -0.01, 0.03, 0.00 = 0.04 / 4 = 0.01
    sample = [D("0.02"), D("-0.01"), D("0.03"), D("0.00")]
    assert mean(sample) == D("0.01")
    # squared deviations 1e-4, 4e-4, 4e-4, 1e-4 = 1e-3: / 4 (ddof 0), / 3 (ddof 1)
    assert variance(sample, 0) == D("0.00025")
    assert variance(sample, 1) == CONTEXT.divide(D("0.001"), D(3))
    with pytest.raises(ValueError):
        mean([])
    with pytest.raises(ValueError):
        variance([D(1)], 1)


def test_empirical_quantile_by_hand() -> None:
    xs = [D("-0.05"), D("-0.03"), D("-0.01"), D("0.00"), D("0.01")]
    # h = 4 * 0.3 = 1.2: -0.03 + 0.2 * 0.02 = -0.026 (linear); x[1] = -0.03 (lower)
    assert empirical_quantile(xs, D("0.3"), QuantileMethod.LINEAR) == D("-0.026")
    assert empirical_quantile(xs, D("0.3"), QuantileMethod.LOWER) == D("-0.03")
    # h = 4 * 0.5 = 2 exactly: both methods give x[2]; alpha 0 and 1 are the extremes
    assert empirical_quantile(xs, D("0.5"), QuantileMethod.LINEAR) == D("-0.01")
    assert empirical_quantile(xs, D(0), QuantileMethod.LINEAR) == D("-0.05")
    assert empirical_quantile(xs, D(1), QuantileMethod.LINEAR) == D("0.01")


@given(st.lists(decimals(-1, 1, 4), min_size=1, max_size=30), decimals(0, 1, 3))
def test_quantiles_agree_with_numpy(values: list[Decimal], alpha: Decimal) -> None:
    ordered = sorted(values)
    floats = np.array([float(v) for v in ordered])
    linear = empirical_quantile(ordered, alpha, QuantileMethod.LINEAR)
    assert abs(float(linear) - float(np.quantile(floats, float(alpha)))) < 1e-12
    # "lower" picks an observation; compare the index exactly (numpy's float h could round).
    index = int(Fraction(len(ordered) - 1) * Fraction(alpha))
    assert empirical_quantile(ordered, alpha, QuantileMethod.LOWER) == ordered[index]


probabilities = decimals(D("0.0001"), D("0.9999"), 4)


@given(probabilities)
def test_quantile_is_antisymmetric_and_inverts_the_cdf(p: Decimal) -> None:
    z = standard_normal_quantile(p)
    assert standard_normal_quantile(CONTEXT.subtract(1, p)) == CONTEXT.minus(z)
    assert abs(standard_normal_cdf(z) - p) < D("1e-100")
    assert normal_quantile(CONTEXT.subtract(1, p)).unwrap() == CONTEXT.minus(
        normal_quantile(p).unwrap())
    # the float reference agrees to float precision
    assert abs(float(z) - statistics.NormalDist().inv_cdf(float(p))) < 1e-12


@given(probabilities, probabilities)
def test_quantile_and_cdf_are_monotone(p: Decimal, q: Decimal) -> None:
    if p < q:
        assert normal_quantile(p).unwrap() < normal_quantile(q).unwrap()
    x, y = CONTEXT.multiply(p, 8) - 4, CONTEXT.multiply(q, 8) - 4
    if x <= y:
        assert standard_normal_cdf(x) <= standard_normal_cdf(y)


@settings(max_examples=50)
@given(probabilities, decimals(-30, 30, 3), hostile_contexts())
def test_normal_api_ignores_callers_context(p: Decimal, x: Decimal,
                                            ctx: decimal.Context) -> None:
    def run() -> tuple[object, ...]:
        return (normal_quantile(p), normal_cdf(x), standard_normal_pdf(x),
                standard_normal_cdf(x), standard_normal_quantile(p), mean([p, x]),
                variance([p, x, p], 1), variance([p, x], 0, mean([p, x])),
                empirical_quantile(sorted([p, x]), p, QuantileMethod.LINEAR),
                empirical_quantile(sorted([p, x]), p, QuantileMethod.LOWER))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected

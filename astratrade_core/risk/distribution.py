"""The shape of a return distribution: skewness, kurtosis, Omega ratio and tail ratio.

All four take per-period returns, compute under :data:`~astratrade_core.numeric.CONTEXT`
(120 digits; the only roots are ``CONTEXT.sqrt``, correctly rounded) and round once at the end.
With ``n`` returns, mean ``m`` and central sums ``S_k = sum((r - m)**k)``:

* **skewness** ``g1 = (S3 / n) / (S2 / n)**1.5`` (``MomentEstimator.POPULATION``, scipy's
  ``skew(bias=True)``) or the adjusted Fisher-Pearson ``G1 = g1 * sqrt(n (n - 1)) / (n - 2)``
  (``SAMPLE``, the default: pandas' ``Series.skew()``, hence quantstats' ``skew``; needs
  ``n >= 3``);
* **kurtosis** is *excess* kurtosis (a normal distribution has 0):
  ``g2 = (S4 / n) / (S2 / n)**2 - 3`` (``POPULATION``, scipy's ``kurtosis(bias=True)``) or
  ``G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3))`` (``SAMPLE``: pandas' ``kurt()``, hence
  quantstats' ``kurtosis``; needs ``n >= 4``).  Both are undefined (``zero_volatility``)
  when every return is equal;
* **Omega ratio** (empyrical's ``omega_ratio``, quantstats' ``omega``): with the per-period
  threshold ``tau = rf + ((1 + R)**(1 / P) - 1)`` for an *annual* required return ``R``,
  ``sum(max(r - tau, 0)) / sum(max(tau - r, 0))``; undefined (``no_downside``) when no return
  is below ``tau``;
* **tail ratio** (quantstats' ``tail_ratio``; empyrical's at ``cutoff = 0.95``):
  ``|q(cutoff) / q(1 - cutoff)|`` with ``q`` numpy's linear quantile; undefined
  (``zero_tail``) when ``q(1 - cutoff) = 0``.

>>> rs = ["-0.03", "0.01", "0.02", "0.04", "-0.01"]
>>> # deviations -0.036 0.004 0.014 0.034 -0.016: m2 = 0.000584, m3 = -0.000001728,
>>> # g1 = m3 / m2**1.5 = -0.122440..., G1 = g1 * sqrt(5 * 4) / 3
>>> skewness(rs, places=6).unwrap()
Decimal('-0.182523')
>>> omega_ratio(rs, places=6).unwrap()        # (0.01 + 0.02 + 0.04) / (0.03 + 0.01)
Decimal('1.750000')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding
from astratrade_core.risk.metrics import check_periods, growth_rate
from astratrade_core.risk.series import DEFAULT_PLACES, Inputs, rounded
from astratrade_core.risk.stats import QuantileMethod, empirical_quantile, mean

__all__ = ["MomentEstimator", "kurtosis", "omega_ratio", "skewness", "tail_ratio"]

_HALF_EVEN: Final = Rounding.HALF_EVEN
_THREE: Final = Decimal(3)


class MomentEstimator(enum.Enum):
    """Which skewness and kurtosis estimator (see the module docstring).

    ``SAMPLE``: bias-adjusted, as pandas' ``skew()``/``kurt()`` and quantstats.
    ``POPULATION``: the plain moment ratios, as scipy's ``skew``/``kurtosis`` with
    ``bias=True``.
    """

    SAMPLE = "sample"
    POPULATION = "population"


@attrs.frozen
class CentralSums:
    """The mean ``m`` of ``n`` returns and ``S_k = sum((r - m)**k)`` for ``k = 2, 3, 4``:
    one pass serves the variance (``S_2``), the skewness and the kurtosis."""

    n: int
    mean: Decimal
    s2: Decimal
    s3: Decimal
    s4: Decimal


def central_sums(values: tuple[Decimal, ...]) -> CentralSums:
    """The central sums of validated returns (each operation rounded at 120 digits, in this
    order: the variance's ``sum((x - mean)**2)`` is exactly ``s2``)."""
    centre = mean(values)
    sub, mul, add = CONTEXT.subtract, CONTEXT.multiply, CONTEXT.add
    s2 = s3 = s4 = ZERO
    for value in values:
        d = sub(value, centre)
        d2 = mul(d, d)
        s2, s3, s4 = add(s2, d2), add(s3, mul(d2, d)), add(s4, mul(d2, d2))
    return CentralSums(len(values), centre, s2, s3, s4)


def _flat() -> Failure[DomainError]:
    return Failure(DomainError.rejected(
        "risk.metrics.zero_volatility", "skewness and kurtosis are undefined when every "
        "return is equal"))


def _too_short(count: int, minimum: int) -> Failure[DomainError]:
    return Failure(DomainError.invalid(
        "risk.metrics.too_short", f"returns: needs at least {minimum} values",
        field="returns", length=count, minimum=minimum))


def skewness_of(values: tuple[Decimal, ...], estimator: MomentEstimator,
                *, sums: CentralSums | None = None) -> Result[Decimal, DomainError]:
    """Unrounded skewness of validated returns (``n >= 3`` for ``SAMPLE``); pass their
    :func:`central_sums` when they are already known."""
    if estimator is MomentEstimator.SAMPLE and len(values) < 3:
        return _too_short(len(values), 3)
    sums = central_sums(values) if sums is None else sums
    if sums.s2.is_zero():
        return _flat()
    n = Decimal(len(values))
    div, mul = CONTEXT.divide, CONTEXT.multiply
    m2 = div(sums.s2, n)
    g1 = div(div(sums.s3, n), mul(m2, CONTEXT.sqrt(m2)))
    if estimator is MomentEstimator.POPULATION:
        return Success(g1)
    factor = div(CONTEXT.sqrt(mul(n, CONTEXT.subtract(n, ONE))), CONTEXT.subtract(n, 2))
    return Success(mul(g1, factor))


def kurtosis_of(values: tuple[Decimal, ...], estimator: MomentEstimator,
                *, sums: CentralSums | None = None) -> Result[Decimal, DomainError]:
    """Unrounded excess kurtosis of validated returns (``n >= 4`` for ``SAMPLE``); pass their
    :func:`central_sums` when they are already known."""
    if estimator is MomentEstimator.SAMPLE and len(values) < 4:
        return _too_short(len(values), 4)
    sums = central_sums(values) if sums is None else sums
    if sums.s2.is_zero():
        return _flat()
    n = Decimal(len(values))
    div, mul, sub = CONTEXT.divide, CONTEXT.multiply, CONTEXT.subtract
    # g2 = (S4 / n) / (S2 / n)**2 - 3 = n * S4 / S2**2 - 3
    g2 = sub(div(mul(n, sums.s4), mul(sums.s2, sums.s2)), _THREE)
    if estimator is MomentEstimator.POPULATION:
        return Success(g2)
    top = mul(CONTEXT.add(mul(CONTEXT.add(n, ONE), g2), Decimal(6)), sub(n, ONE))
    return Success(div(top, mul(sub(n, 2), sub(n, _THREE))))


def omega_of(values: tuple[Decimal, ...], threshold: Decimal) -> Result[Decimal, DomainError]:
    """Unrounded Omega ratio of validated returns against a per-period ``threshold``."""
    sub, add = CONTEXT.subtract, CONTEXT.add
    gains = losses = ZERO
    for value in values:
        excess = sub(value, threshold)
        if excess > 0:
            gains = add(gains, excess)
        elif excess < 0:
            losses = sub(losses, excess)
    if losses.is_zero():
        return Failure(DomainError.rejected(
            "risk.metrics.no_downside", "the Omega ratio is undefined with no return below "
            "the threshold", threshold=threshold))
    return Success(CONTEXT.divide(gains, losses))


def tail_ratio_of(ordered: tuple[Decimal, ...], cutoff: Decimal) -> Result[Decimal, DomainError]:
    """Unrounded tail ratio of ascending validated returns."""
    low = empirical_quantile(ordered, CONTEXT.subtract(ONE, cutoff), QuantileMethod.LINEAR)
    if low.is_zero():
        return Failure(DomainError.rejected(
            "risk.metrics.zero_tail", "the tail ratio is undefined when the lower quantile "
            "is zero", cutoff=cutoff))
    high = empirical_quantile(ordered, cutoff, QuantileMethod.LINEAR)
    return Success(CONTEXT.abs(CONTEXT.divide(high, low)))


def required_per_period(check: Inputs, required_return: DecimalInput, periods: int) -> Decimal:
    """Validate an annual required return ``R``; its per-period form ``(1+R)**(1/P) - 1``."""
    annual = check.decimal(required_return, "required_return", above=CONTEXT.minus(ONE),
                           message="the required return must be above -100%")
    return growth_rate(CONTEXT.add(ONE, annual), ONE, Decimal(periods))


def check_cutoff(check: Inputs, cutoff: DecimalInput) -> Decimal:
    """A tail cutoff in ``[0, 1]``."""
    return check.decimal(cutoff, "tail_cutoff", above=ZERO, below=ONE, inclusive=True,
                         fallback=Decimal("0.95"), message="the cutoff must be in [0, 1]")


def skewness(returns: Iterable[DecimalInput], *,
             estimator: MomentEstimator = MomentEstimator.SAMPLE, places: int = DEFAULT_PLACES,
             rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Skewness of per-period returns (``SAMPLE``: pandas' ``skew()``).

    >>> # deviations -0.04, 0, 0.04 around 0.02: symmetric, so 0
    >>> skewness(["-0.02", "0.02", "0.06"], places=4).unwrap()
    Decimal('0.0000')
    >>> skewness(["0.01", "0.02"]).failure().code
    'risk.metrics.too_short'
    """
    check = Inputs()
    values = check.series(returns, "returns")
    digits = check.places(places)
    return check.then(lambda: skewness_of(values, estimator).map(
        lambda v: rounded(v, digits, rounding)))


def kurtosis(returns: Iterable[DecimalInput], *,
             estimator: MomentEstimator = MomentEstimator.SAMPLE, places: int = DEFAULT_PLACES,
             rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Excess kurtosis of per-period returns (``SAMPLE``: pandas' ``kurt()``).

    >>> # population: deviations -1, -1, 1, 1 -> m4 / m2**2 = 1 -> 1 - 3 = -2
    >>> kurtosis(["0", "0", "2", "2"], estimator=MomentEstimator.POPULATION).unwrap()
    Decimal('-2.000000000000')
    >>> # sample: ((5 * -2 + 6) * 3) / (2 * 1) = -6
    >>> kurtosis(["0", "0", "2", "2"], places=2).unwrap()
    Decimal('-6.00')
    """
    check = Inputs()
    values = check.series(returns, "returns")
    digits = check.places(places)
    return check.then(lambda: kurtosis_of(values, estimator).map(
        lambda v: rounded(v, digits, rounding)))


def omega_ratio(returns: Iterable[DecimalInput], *, risk_free: DecimalInput = 0,
                required_return: DecimalInput = 0, periods_per_year: int = 252,
                places: int = DEFAULT_PLACES,
                rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Omega ratio against ``rf`` (per period) plus an *annual* ``required_return``.

    >>> # required 21 % a year at 2 periods = 10 % a period: gains 0.1, losses 0.05 + 0.15
    >>> omega_ratio(["0.2", "0.05", "-0.05"], required_return="0.21", periods_per_year=2,
    ...             places=4).unwrap()
    Decimal('0.5000')
    >>> omega_ratio(["0.01", "0.02"]).failure().code
    'risk.metrics.no_downside'
    """
    check = Inputs()
    values = check.returns(returns)
    periods = check_periods(check, periods_per_year)
    rate = check.decimal(risk_free, "risk_free")
    threshold = CONTEXT.add(rate, required_per_period(check, required_return, periods))
    digits = check.places(places)
    return check.then(lambda: omega_of(values, threshold).map(
        lambda v: rounded(v, digits, rounding)))


def tail_ratio(returns: Iterable[DecimalInput], *, cutoff: DecimalInput = "0.95",
               places: int = DEFAULT_PLACES,
               rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """``|q(cutoff) / q(1 - cutoff)|``: the right tail over the left (linear quantiles).

    >>> # sorted -0.04 -0.02 0.01 0.03 0.05; cutoff 0.75: q = 0.03 and -0.02 -> 1.5
    >>> tail_ratio(["0.01", "-0.04", "0.05", "-0.02", "0.03"], cutoff="0.75", places=2).unwrap()
    Decimal('1.50')
    """
    check = Inputs()
    values = check.returns(returns)
    level = check_cutoff(check, cutoff)
    digits = check.places(places)
    return check.then(lambda: tail_ratio_of(tuple(sorted(values)), level).map(
        lambda v: rounded(v, digits, rounding)))


"""Statistics kernels for the risk metrics, in Decimal, and the normal distribution's API.

These are the trusted building blocks that :mod:`astratrade_core.risk.metrics` validates and
rounds around: every function takes already-parsed, finite ``Decimal`` values, computes at the
context's 120 significant digits and returns an *unrounded* result.  Calling one outside its
documented domain (an empty sample, a probability of 0) is a programming error and raises
``ValueError``.  User input goes through the ``Result`` API: :func:`normal_cdf` and
:func:`normal_quantile` here, the metrics in :mod:`astratrade_core.risk.metrics`.

**The standard normal distribution, without float.**

* Density: ``phi(x) = exp(-x**2 / 2) / sqrt(2 * pi)`` with :data:`PI` to 125 digits and
  ``CONTEXT.exp`` / ``CONTEXT.sqrt`` (both correctly rounded at 120 digits).
* CDF: Marsaglia's everywhere-convergent series
  ``Phi(x) = 1/2 + phi(x) * (x + x**3/3 + x**5/(3*5) + x**7/(3*5*7) + ...)``, summed until a
  term is below ``1e-125`` of the partial sum.  All terms share the sign of ``x``, so the sum
  has no cancellation; the final ``1/2 + ...`` costs at most as many digits as ``Phi`` is small
  (fewer than 70 of 120 for ``|x| < 24``).  For ``|x| >= 24`` the result is ``0`` or ``1``
  (``Phi(-24) < 1e-126``).  Absolute error: below ``1e-110``.
* Quantile (inverse CDF): Acklam's rational approximation (relative error < 1.2e-9),
  evaluated in Decimal, then refined by Newton steps ``x -= (Phi(x) - p) / phi(x)`` on the
  lower half (``p <= 1/2``; the upper half is ``-z(1 - p)``, so ``z(1 - p) == -z(p)`` holds
  exactly).  ``Phi`` is convex below zero, so from the first step on the iterates decrease
  monotonically to the root; iteration stops once a step is below ``1e-60`` (convergence is
  quadratic, so the remaining error is far smaller).  Absolute error: below ``1e-50`` for
  ``p`` in ``[1e-40, 1 - 1e-40]``, the domain.

**Sample statistics.**  :func:`mean` is the sum over ``N``; :func:`variance` is the two-pass
``sum((x - mean)**2) / (N - ddof)``; :func:`empirical_quantile` implements numpy's ``linear``
(its default) and ``lower`` methods exactly (see :class:`QuantileMethod`).

>>> from decimal import Decimal as D
>>> mean([D(1), D(2), D(4)]) == CONTEXT.divide(D(7), D(3))
True
>>> variance([D(1), D(2), D(3), D(4)], ddof=1) == CONTEXT.divide(D(5), D(3))
True
>>> round(standard_normal_quantile(D("0.975")), 12)
Decimal('1.959963984540')
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal
from typing import Final

from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding
from astratrade_core.risk.series import Inputs, rounded

__all__ = [
    "NORMAL_PLACES",
    "PI",
    "QuantileMethod",
    "empirical_quantile",
    "mean",
    "normal_cdf",
    "normal_quantile",
    "standard_normal_cdf",
    "standard_normal_pdf",
    "standard_normal_quantile",
    "variance",
]

#: pi to 125 significant digits (OEIS A000796); the tests re-derive it with Machin's formula.
PI: Final = Decimal(
    "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803"
    "48253421170679821480865132823066470938"
)

#: :func:`normal_cdf` and :func:`normal_quantile` round to this many places (``HALF_EVEN``).
NORMAL_PLACES: Final = 28

_HALF: Final = Decimal("0.5")
_TWO: Final = Decimal(2)
_INV_SQRT_2PI: Final = CONTEXT.divide(ONE, CONTEXT.sqrt(CONTEXT.multiply(_TWO, PI)))
#: Beyond this |x| the CDF is 0 or 1 to within 1e-126.
_CDF_SATURATION: Final = Decimal(24)
_SERIES_EPSILON: Final = Decimal("1e-125")
_NEWTON_TOLERANCE: Final = Decimal("1e-60")
_NEWTON_MAX_STEPS: Final = 60
_QUANTILE_MIN_P: Final = Decimal("1e-40")

# Acklam's coefficients (P. J. Acklam, "An algorithm for computing the inverse normal
# cumulative distribution function", 2003); only the starting point of the Newton iteration.
_A: Final = tuple(Decimal(c) for c in (
    "-3.969683028665376e+01", "2.209460984245205e+02", "-2.759285104469687e+02",
    "1.383577518672690e+02", "-3.066479806614716e+01", "2.506628277459239e+00"))
_B: Final = tuple(Decimal(c) for c in (
    "-5.447609879822406e+01", "1.615858368580409e+02", "-1.556989798598866e+02",
    "6.680131188771972e+01", "-1.328068155288572e+01", "1"))
_C: Final = tuple(Decimal(c) for c in (
    "-7.784894002430293e-03", "-3.223964580411365e-01", "-2.400758277161838e+00",
    "-2.549732539343734e+00", "4.374664141464968e+00", "2.938163982698783e+00"))
_D: Final = tuple(Decimal(c) for c in (
    "7.784695709041462e-03", "3.224671290700398e-01", "2.445134137142996e+00",
    "3.754408661907416e+00", "1"))
_ACKLAM_LOW: Final = Decimal("0.02425")


class QuantileMethod(enum.Enum):
    """How an empirical quantile at level ``alpha`` is read off ``N`` sorted values.

    Both use the position ``h = (N - 1) * alpha`` (0-based) in the sorted sample
    ``x[0] <= ... <= x[N-1]``, exactly as numpy's methods of the same name.

    * ``LINEAR`` (numpy's default, Hyndman-Fan type 7):
      ``x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])``.
    * ``LOWER``: ``x[floor(h)]``, always an observed value.
    """

    LINEAR = "linear"
    LOWER = "lower"


def mean(values: Sequence[Decimal]) -> Decimal:
    """The arithmetic mean ``sum(values) / N`` (the division rounded at 120 digits).

    >>> from decimal import Decimal as D
    >>> mean([D("0.01"), D("-0.02"), D("0.04")])
    Decimal('0.01')
    """
    if not values:
        raise ValueError("mean of an empty sample")
    add = CONTEXT.add
    total = ZERO
    for value in values:
        total = add(total, value)
    return CONTEXT.divide(total, Decimal(len(values)))


def variance(values: Sequence[Decimal], ddof: int, centre: Decimal | None = None) -> Decimal:
    """``sum((x - mean)**2) / (N - ddof)``: ``ddof=1`` sample, ``ddof=0`` population.

    Pass ``centre`` (the :func:`mean` of ``values``) when it is already known.

    >>> from decimal import Decimal as D
    >>> variance([D(2), D(4), D(4), D(4), D(5), D(5), D(7), D(9)], ddof=0)
    Decimal('4')
    """
    if ddof < 0 or len(values) <= ddof:
        raise ValueError("variance needs more observations than ddof")
    if centre is None:
        centre = mean(values)
    sub, mul, add = CONTEXT.subtract, CONTEXT.multiply, CONTEXT.add
    total = ZERO
    for value in values:
        deviation = sub(value, centre)
        total = add(total, mul(deviation, deviation))
    return CONTEXT.divide(total, Decimal(len(values) - ddof))


def empirical_quantile(sorted_values: Sequence[Decimal], alpha: Decimal,
                       method: QuantileMethod) -> Decimal:
    """The ``alpha`` quantile of an ascending sample (see :class:`QuantileMethod`).

    >>> from decimal import Decimal as D
    >>> xs = [D(-4), D(-2), D(1), D(3)]
    >>> empirical_quantile(xs, D("0.25"), QuantileMethod.LINEAR)  # h = 0.75
    Decimal('-2.50')
    >>> empirical_quantile(xs, D("0.25"), QuantileMethod.LOWER)
    Decimal('-4')
    """
    if not sorted_values or not ZERO <= alpha <= ONE:
        raise ValueError("quantile of an empty sample or alpha outside [0, 1]")
    position = CONTEXT.multiply(Decimal(len(sorted_values) - 1), alpha)
    index = int(position.to_integral_value(rounding=ROUND_FLOOR, context=CONTEXT))
    below = sorted_values[index]
    fraction = CONTEXT.subtract(position, Decimal(index))
    if method is QuantileMethod.LOWER or fraction.is_zero():
        return below
    step = CONTEXT.subtract(sorted_values[index + 1], below)
    return CONTEXT.add(below, CONTEXT.multiply(fraction, step))


def standard_normal_pdf(x: Decimal) -> Decimal:
    """The standard normal density ``exp(-x**2/2) / sqrt(2*pi)`` at 120 digits.

    >>> round(standard_normal_pdf(Decimal(0)), 20)
    Decimal('0.39894228040143267794')
    """
    exponent = CONTEXT.minus(CONTEXT.multiply(_HALF, CONTEXT.multiply(x, x)))
    return CONTEXT.multiply(CONTEXT.exp(exponent), _INV_SQRT_2PI)


def standard_normal_cdf(x: Decimal) -> Decimal:
    """``Phi(x) = P(Z <= x)`` for a standard normal ``Z``; absolute error below ``1e-110``.

    >>> round(standard_normal_cdf(Decimal("1.96")), 20)
    Decimal('0.97500210485177956586')
    >>> standard_normal_cdf(Decimal(-30))
    Decimal('0')
    """
    if x >= _CDF_SATURATION:
        return ONE
    if x <= CONTEXT.minus(_CDF_SATURATION):
        return ZERO
    mul, div, add = CONTEXT.multiply, CONTEXT.divide, CONTEXT.add
    square = mul(x, x)
    term = x
    total = x
    odd = ONE
    while True:
        odd = add(odd, _TWO)
        term = div(mul(term, square), odd)
        total = add(total, term)
        if CONTEXT.abs(term) <= mul(CONTEXT.abs(total), _SERIES_EPSILON):
            break
    return add(_HALF, mul(standard_normal_pdf(x), total))


def standard_normal_quantile(p: Decimal) -> Decimal:
    """``z`` with ``Phi(z) = p`` (the probit), for ``p`` in ``[1e-40, 1 - 1e-40]``.

    Absolute error below ``1e-50``; ``z(1 - p) == -z(p)`` exactly and ``z(1/2) == 0``.

    >>> round(standard_normal_quantile(Decimal("0.95")), 20)
    Decimal('1.64485362695147271486')
    >>> round(standard_normal_quantile(Decimal("0.01")), 20)
    Decimal('-2.32634787404084110089')
    """
    upper = CONTEXT.subtract(ONE, p)
    if p < _QUANTILE_MIN_P or upper < _QUANTILE_MIN_P:
        raise ValueError("probability outside [1e-40, 1 - 1e-40]")
    if p == _HALF:
        return ZERO
    if p > _HALF:
        return CONTEXT.minus(_lower_quantile(upper))
    return _lower_quantile(p)


def normal_cdf(x: DecimalInput) -> Result[Decimal, DomainError]:
    """The standard normal CDF, rounded to :data:`NORMAL_PLACES` places ``HALF_EVEN``.

    >>> normal_cdf("1.96").unwrap()
    Decimal('0.9750021048517795658634157310')
    """
    check = Inputs()
    value = check.decimal(x, "x")
    return check.then(lambda: Success(rounded(standard_normal_cdf(value), NORMAL_PLACES,
                                              Rounding.HALF_EVEN)))


def normal_quantile(p: DecimalInput) -> Result[Decimal, DomainError]:
    """``z`` with ``Phi(z) = p``, ``0 < p < 1``, rounded to :data:`NORMAL_PLACES` places.

    Error before rounding is below ``1e-50``, so the result is within ``0.5e-28 + 1e-50``.

    >>> normal_quantile("0.975").unwrap()
    Decimal('1.9599639845400542355245944305')
    >>> normal_quantile("0").failure().code
    'risk.metrics.probability'
    """
    check = Inputs()
    value = check.decimal(p, "p", above=ZERO, below=ONE, fallback=_HALF,
                          code="risk.metrics.probability",
                          message="p must be strictly between 0 and 1")
    return check.then(lambda: Success(rounded(standard_normal_quantile(value), NORMAL_PLACES,
                                              Rounding.HALF_EVEN)))


def _lower_quantile(p: Decimal) -> Decimal:
    """Newton refinement of Acklam's start on the convex lower half, ``p < 1/2``."""
    x = min(_acklam(p), ZERO)
    for _ in range(_NEWTON_MAX_STEPS):
        step = CONTEXT.divide(CONTEXT.subtract(standard_normal_cdf(x), p),
                              standard_normal_pdf(x))
        x = min(CONTEXT.subtract(x, step), ZERO)
        if CONTEXT.abs(step) < _NEWTON_TOLERANCE:
            return x
    raise ArithmeticError("normal quantile did not converge")  # unreachable on the domain


def _horner(coefficients: tuple[Decimal, ...], x: Decimal) -> Decimal:
    result = ZERO
    for coefficient in coefficients:
        result = CONTEXT.add(CONTEXT.multiply(result, x), coefficient)
    return result


def _acklam(p: Decimal) -> Decimal:
    """Acklam's approximation for ``p < 1/2`` (central or lower region), in Decimal."""
    if p < _ACKLAM_LOW:
        q = CONTEXT.sqrt(CONTEXT.multiply(Decimal(-2), CONTEXT.ln(p)))
        return CONTEXT.divide(_horner(_C, q), _horner(_D, q))
    q = CONTEXT.subtract(p, _HALF)
    r = CONTEXT.multiply(q, q)
    return CONTEXT.divide(CONTEXT.multiply(_horner(_A, r), q), _horner(_B, r))

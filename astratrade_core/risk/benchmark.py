"""A strategy against a benchmark: beta, alpha and correlation (empyrical's definitions).

With per-period returns ``r`` and benchmark returns ``b`` over the same ``n`` periods, and the
per-period risk-free rate ``rf``:

* **beta** ``cov(r, b) / var(b)`` (empyrical's ``beta``: the divisors cancel, so sample or
  population does not matter; a constant ``rf`` does not change it);
* **alpha**, annualized by compounding as empyrical's ``alpha``:
  ``(1 + mean(r - rf - beta (b - rf)))**P - 1``.  (quantstats' ``greeks`` annualizes by
  multiplying, ``mean(r - beta b) * P``: a different number, not followed here.)
* **correlation** (Pearson's, numpy's ``corrcoef``): ``cov(r, b) / sqrt(var(r) var(b))``.

Beta and alpha are ``Nothing`` when the benchmark never moves, correlation when either series
never moves, and alpha when its annualized value would exceed ``1e24``.

>>> c = compare_to_benchmark(["0.02", "-0.01", "0.03"], ["0.01", "-0.01", "0.02"],
...                          periods_per_year=1, places=6).unwrap()
>>> # deviations of r: 0.00667 -0.02333 0.01667; of b: 0.00333 -0.01667 0.01333
>>> # sum dr db = 0.00063333, sum db^2 = 0.00046667, sum dr^2 = 0.00086667
>>> c.beta.unwrap(), c.correlation.unwrap()
(Decimal('1.357143'), Decimal('0.995871'))
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding
from astratrade_core.risk.metrics import check_periods
from astratrade_core.risk.series import DEFAULT_PLACES, Inputs, rounded
from astratrade_core.risk.stats import mean

__all__ = ["BenchmarkComparison", "compare_to_benchmark"]

_MAX_LOG_GROWTH: Final = CONTEXT.ln(Decimal("1e24"))


@attrs.frozen(kw_only=True)
class BenchmarkComparison:
    """Beta, annualized alpha and correlation against a benchmark (see the module)."""

    periods: int
    beta: Maybe[Decimal]
    alpha: Maybe[Decimal]
    correlation: Maybe[Decimal]


@attrs.frozen
class Comparison:
    """Unrounded beta, alpha and correlation (``None`` where undefined)."""

    beta: Decimal | None
    alpha: Decimal | None
    correlation: Decimal | None


def comparison_of(returns: tuple[Decimal, ...], benchmark: tuple[Decimal, ...],
                  risk_free: Decimal, periods: int) -> Comparison:
    """The unrounded comparison of two validated series of one length (``n >= 1``)."""
    sub, mul, add, div = CONTEXT.subtract, CONTEXT.multiply, CONTEXT.add, CONTEXT.divide
    mean_r, mean_b = mean(returns), mean(benchmark)
    cov = var_r = var_b = ZERO
    for r, b in zip(returns, benchmark, strict=True):
        dr, db = sub(r, mean_r), sub(b, mean_b)
        cov, var_r, var_b = add(cov, mul(dr, db)), add(var_r, mul(dr, dr)), add(var_b, mul(db, db))
    if var_b.is_zero():
        return Comparison(None, None, None)
    beta = div(cov, var_b)
    correlation = None if var_r.is_zero() else div(cov, CONTEXT.sqrt(mul(var_r, var_b)))
    # mean(r - rf - beta (b - rf)) = mean(r) - rf - beta (mean(b) - rf)
    excess = sub(sub(mean_r, risk_free), mul(beta, sub(mean_b, risk_free)))
    base = add(ONE, excess)
    if base > ONE and mul(CONTEXT.ln(base), Decimal(periods)) > _MAX_LOG_GROWTH:
        return Comparison(beta, None, correlation)
    if base < CONTEXT.minus(ONE) and mul(CONTEXT.ln(CONTEXT.minus(base)),
                                        Decimal(periods)) > _MAX_LOG_GROWTH:
        return Comparison(beta, None, correlation)
    return Comparison(beta, sub(CONTEXT.power(base, periods), ONE), correlation)


def compare_to_benchmark(returns: Iterable[DecimalInput], benchmark: Iterable[DecimalInput], *,
                         risk_free: DecimalInput = 0, periods_per_year: int = 252,
                         places: int = DEFAULT_PLACES,
                         rounding: Rounding = Rounding.HALF_EVEN,
                         ) -> Result[BenchmarkComparison, DomainError]:
    """Beta, alpha (annualized) and correlation of per-period ``returns`` against a
    ``benchmark`` of the same length (at least 2); ``risk_free`` is per period.

    >>> # r = 2 b exactly: beta 2, correlation 1; alpha: mean(r - 2 b) = 0 -> 0
    >>> c = compare_to_benchmark(["0.02", "-0.04", "0.06"], ["0.01", "-0.02", "0.03"],
    ...                          places=4).unwrap()
    >>> c.beta.unwrap(), c.alpha.unwrap(), c.correlation.unwrap()
    (Decimal('2.0000'), Decimal('0.0000'), Decimal('1.0000'))
    >>> compare_to_benchmark(["0.01", "0.02", "0.03"], ["0.01", "0.02"]).failure().code
    'risk.metrics.benchmark_length'
    """
    check = Inputs()
    values = check.series(returns, "returns", minimum=2)
    against = check.series(benchmark, "benchmark", minimum=2)
    if values and against and len(values) != len(against):
        check.fail("risk.metrics.benchmark_length", "the benchmark must have one return per "
                   "period of the series", length=len(values), benchmark=len(against))
    periods = check_periods(check, periods_per_year)
    rate = check.decimal(risk_free, "risk_free")
    digits = check.places(places)
    return check.then(lambda: Success(benchmark_comparison(
        comparison_of(values, against, rate, periods), len(values), digits, rounding)))


def benchmark_comparison(comparison: Comparison, periods: int, places: int,
                         rounding: Rounding) -> BenchmarkComparison:
    """Round an unrounded :class:`Comparison` into the public value."""
    def out(value: Decimal | None) -> Maybe[Decimal]:
        return Nothing if value is None else Some(rounded(value, places, rounding))

    return BenchmarkComparison(periods=periods, beta=out(comparison.beta),
                               alpha=out(comparison.alpha),
                               correlation=out(comparison.correlation))

"""Risk metrics over a return series: volatility, Sharpe, Sortino, CAGR, Calmar, VaR, CVaR.

Every function validates its inputs (errors are values), computes under
:data:`~astratrade_core.numeric.CONTEXT` at 120 significant digits, and rounds once, at the
end, to ``places`` decimal places with ``rounding`` (default 12, ``HALF_EVEN``).  Square roots
are ``CONTEXT.sqrt`` (correctly rounded), logarithms ``CONTEXT.ln``, powers ``exp(y*ln(x))``;
the normal quantile comes from :mod:`astratrade_core.risk.stats`, never from ``float``.

Returns are per-period simple returns.  ``N`` is their number, ``P`` the periods per year.

* volatility ``sqrt(var(r, ddof) * P)``;
* Sharpe ``mean(r - rf) / std(r - rf, ddof) * sqrt(P)`` (empyrical's ``sharpe_ratio``);
* downside deviation ``sqrt(sum(min(r - T, 0)**2) / n * P)`` with ``n = N``
  (``DownsideDivisor.ALL_OBSERVATIONS``, empyrical and quantstats) or ``n`` = the number of
  returns below ``T`` (``BELOW_TARGET``); Sortino ``mean(r - T) * P / downside deviation``;
* CAGR ``prod(1 + r) ** (P / N) - 1`` (empyrical's ``annual_return``), Calmar
  ``CAGR / max drawdown`` of the equity curve that starts at 1 before the first return;
* historical VaR at confidence ``c``: the ``alpha = 1 - c`` empirical quantile of the returns
  (:class:`~astratrade_core.risk.stats.QuantileMethod`, numpy's ``linear`` by default, as
  empyrical's ``value_at_risk``), reported as a loss; historical CVaR: the mean of the
  ``floor((N - 1) * alpha) + 1`` smallest returns (empyrical's ``conditional_value_at_risk``);
* parametric VaR ``-(mean + std * z(alpha))`` (quantstats' ``value_at_risk``, negated) and
  parametric CVaR ``-(mean - std * phi(z(alpha)) / alpha)``, per period.

Undefined ratios (zero volatility, no returns below the target, no drawdown) are failures
here and ``Nothing`` in :class:`~astratrade_core.risk.summary.RiskSummary`.  Historical VaR
and CVaR accept a confidence of exactly 0 or 1 with empyrical's meaning (the best and the
worst return); the parametric ones need it strictly between 0 and 1.  The formulas,
conventions and deliberate differences from empyrical and quantstats are in
``docs/risk-metrics.md``.

>>> sharpe_ratio(["0.01", "0.02", "0.03"], periods_per_year=1).unwrap()
Decimal('2.000000000000')
>>> historical_var(["-0.04", "-0.02", "0.01", "0.03", "0.05"], "0.75").unwrap()
Decimal('0.020000000000')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding
from astratrade_core.risk.series import (
    DEFAULT_PLACES,
    Inputs,
    LossSign,
    equity_of,
    max_drawdown_of,
    rounded,
    signed_loss,
)
from astratrade_core.risk.stats import (
    QuantileMethod,
    empirical_quantile,
    mean,
    standard_normal_pdf,
    standard_normal_quantile,
    variance,
)

__all__ = [
    "DownsideDivisor",
    "RateBasis",
    "cagr",
    "calmar_ratio",
    "downside_deviation",
    "historical_cvar",
    "historical_var",
    "parametric_cvar",
    "parametric_var",
    "sharpe_ratio",
    "sortino_ratio",
    "volatility",
]

_MAX_PERIODS: Final = 1_000_000
#: ln(1e24): a CAGR above 1e24 is reported as out of range rather than computed.
_MAX_LOG_GROWTH: Final = CONTEXT.ln(Decimal("1e24"))
_HALF_EVEN: Final = Rounding.HALF_EVEN


class RateBasis(enum.Enum):
    """How a risk-free rate is quoted.

    ``PER_PERIOD``: already per period (empyrical's ``risk_free``).  ``ANNUAL``: an annual
    rate ``R`` compounded to ``(1 + R) ** (1 / P) - 1`` per period (quantstats' ``rf`` with
    ``periods``).
    """

    PER_PERIOD = "per_period"
    ANNUAL = "annual"


class DownsideDivisor(enum.Enum):
    """What the downside sum of squares is divided by (see the module docstring)."""

    ALL_OBSERVATIONS = "all_observations"
    BELOW_TARGET = "below_target"


# --- validation helpers (shared with the rest of the package) ---------------------------------


def check_periods(check: Inputs, value: int) -> int:
    return check.integer(value, "periods_per_year", 1, _MAX_PERIODS)


def check_ddof(check: Inputs, value: int, observations: int) -> int:
    ddof = check.integer(value, "ddof", 0, 1_000_000)
    if observations and observations <= ddof:
        check.fail("risk.metrics.too_short", "needs more returns than ddof",
                   length=observations, ddof=ddof)
    return ddof


def check_confidence(check: Inputs, value: DecimalInput, *, inclusive: bool = False) -> Decimal:
    if inclusive:
        return check.decimal(value, "confidence", above=ZERO, below=ONE, inclusive=True,
                             fallback=Decimal("0.5"),
                             message="confidence must be between 0 and 1")
    return check.decimal(value, "confidence", above=ZERO, below=ONE, fallback=Decimal("0.5"),
                         message="confidence must be strictly between 0 and 1")


def check_risk_free(check: Inputs, value: DecimalInput, basis: RateBasis, periods: int) -> Decimal:
    if basis is RateBasis.PER_PERIOD:
        return check.decimal(value, "risk_free")
    rate = check.decimal(value, "risk_free", above=CONTEXT.minus(ONE),
                         message="an annual rate must be above -100%")
    return growth_rate(CONTEXT.add(ONE, rate), ONE, Decimal(periods))


def growth_rate(growth: Decimal, numerator: Decimal, denominator: Decimal) -> Decimal:
    """``growth ** (numerator / denominator) - 1`` as ``exp(ln(growth) * n / d) - 1``."""
    exponent = CONTEXT.divide(CONTEXT.multiply(CONTEXT.ln(growth), numerator), denominator)
    return CONTEXT.subtract(CONTEXT.exp(exponent), ONE)


# --- kernels on validated values, unrounded (shared with the rest of the package) -------------


@attrs.frozen
class Moments:
    """Mean and variance of the returns, computed once per call."""

    mean: Decimal
    variance: Decimal


def moments_of(returns: tuple[Decimal, ...], ddof: int) -> Moments:
    centre = mean(returns)
    return Moments(centre, variance(returns, ddof, centre))


def moments_from(centre: Decimal, squares: Decimal, count: int, ddof: int) -> Moments:
    """:func:`moments_of` from the mean and ``sum((r - mean)**2)`` already summed (the same
    operations, so the same values)."""
    return Moments(centre, CONTEXT.divide(squares, Decimal(count - ddof)))


def volatility_of(moments: Moments, periods: int) -> Decimal:
    return CONTEXT.sqrt(CONTEXT.multiply(moments.variance, Decimal(periods)))


def sharpe_of(moments: Moments, rate: Decimal, periods: int) -> Result[Decimal, DomainError]:
    # mean(r - rf) = mean(r) - rf and var(r - rf) = var(r): one pass serves every metric
    if moments.variance.is_zero():
        return Failure(DomainError.rejected("risk.metrics.zero_volatility",
                                      "Sharpe ratio is undefined when volatility is zero"))
    return Success(CONTEXT.multiply(
        CONTEXT.subtract(moments.mean, rate),
        CONTEXT.sqrt(CONTEXT.divide(Decimal(periods), moments.variance))))


def downside_sums(returns: tuple[Decimal, ...], target: Decimal,
              divisor: DownsideDivisor) -> tuple[Decimal, int]:
    """``(sum of squared shortfalls below target, divisor n)``; n is 0 when nothing is below."""
    sub, mul, add = CONTEXT.subtract, CONTEXT.multiply, CONTEXT.add
    total, below = ZERO, 0
    for r in returns:
        if r < target:
            gap = sub(r, target)
            total = add(total, mul(gap, gap))
            below += 1
    if divisor is DownsideDivisor.ALL_OBSERVATIONS and below:
        return total, len(returns)
    return total, below


def downside_deviation_of(returns: tuple[Decimal, ...], target: Decimal,
                          divisor: DownsideDivisor, periods: int,
                          *, sums: tuple[Decimal, int] | None = None) -> Decimal:
    """Pass the :func:`downside_sums` when they are already known."""
    total, n = downside_sums(returns, target, divisor) if sums is None else sums
    if n == 0:
        return ZERO
    return CONTEXT.sqrt(CONTEXT.divide(CONTEXT.multiply(total, Decimal(periods)), Decimal(n)))


def sortino_of(returns: tuple[Decimal, ...], centre: Decimal, target: Decimal,
               divisor: DownsideDivisor, periods: int,
               *, sums: tuple[Decimal, int] | None = None) -> Result[Decimal, DomainError]:
    """Pass the :func:`downside_sums` when they are already known."""
    total, n = downside_sums(returns, target, divisor) if sums is None else sums
    if n == 0:
        return Failure(DomainError.rejected("risk.metrics.no_downside",
                                      "Sortino ratio is undefined with no return below target",
                                      target=target))
    centre = CONTEXT.subtract(centre, target)
    # mean * P / sqrt(total / n * P) == mean * sqrt(P * n / total)
    return Success(CONTEXT.multiply(centre, CONTEXT.sqrt(CONTEXT.divide(
        CONTEXT.multiply(Decimal(periods), Decimal(n)), total))))


def cagr_of(growth: Decimal, count: int, periods: int) -> Result[Decimal, DomainError]:
    exponent = CONTEXT.divide(CONTEXT.multiply(CONTEXT.ln(growth), Decimal(periods)),
                              Decimal(count))
    if exponent > _MAX_LOG_GROWTH:
        return Failure(DomainError.invalid("risk.metrics.out_of_range",
                                      "annualized growth exceeds 1e24", periods=count))
    return Success(CONTEXT.subtract(CONTEXT.exp(exponent), ONE))


def calmar_of(annual: Decimal, fall: Decimal) -> Result[Decimal, DomainError]:
    if fall.is_zero():
        return Failure(DomainError.rejected("risk.metrics.no_drawdown",
                                      "Calmar ratio is undefined without a drawdown"))
    return Success(CONTEXT.divide(annual, fall))


def historical_var_of(ordered: tuple[Decimal, ...], alpha: Decimal,
                    method: QuantileMethod) -> Decimal:
    return CONTEXT.minus(empirical_quantile(ordered, alpha, method))


def historical_cvar_of(ordered: tuple[Decimal, ...], alpha: Decimal) -> Decimal:
    position = CONTEXT.multiply(Decimal(len(ordered) - 1), alpha)
    count = int(position.to_integral_value(rounding=ROUND_FLOOR, context=CONTEXT)) + 1
    return CONTEXT.minus(mean(ordered[:count]))


def parametric_of(moments: Moments, alpha: Decimal, shortfall: bool) -> Decimal:
    centre = moments.mean
    spread = CONTEXT.sqrt(moments.variance)
    z = standard_normal_quantile(alpha)
    if shortfall:
        tail = CONTEXT.divide(standard_normal_pdf(z), alpha)
        return CONTEXT.subtract(CONTEXT.multiply(spread, tail), centre)
    return CONTEXT.minus(CONTEXT.add(centre, CONTEXT.multiply(spread, z)))


def tail_probability(confidence: Decimal) -> Decimal:
    return CONTEXT.subtract(ONE, confidence)


# --- public API -------------------------------------------------------------------------------


def volatility(returns: Iterable[DecimalInput], *, ddof: int = 1, periods_per_year: int = 252,
               places: int = DEFAULT_PLACES,
               rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Annualized volatility ``sqrt(var(r, ddof) * P)``; ``periods_per_year=1`` for per period.

    >>> # mean 0.02; squared deviations 1e-4, 0, 1e-4; /(3-1) = 1e-4; sqrt = 0.01
    >>> volatility(["0.01", "0.02", "0.03"], periods_per_year=1, places=4).unwrap()
    Decimal('0.0100')
    >>> volatility(["0.01", "0.02", "0.03"], ddof=0, periods_per_year=3, places=4).unwrap()
    Decimal('0.0141')
    """
    check = Inputs()
    values = check.returns(returns)
    degrees = check_ddof(check, ddof, len(values))
    periods = check_periods(check, periods_per_year)
    digits = check.places(places)
    return check.then(lambda: Success(
        rounded(volatility_of(moments_of(values, degrees), periods), digits, rounding)))


def sharpe_ratio(returns: Iterable[DecimalInput], *, risk_free: DecimalInput = 0,
                 risk_free_basis: RateBasis = RateBasis.PER_PERIOD,
                 periods_per_year: int = 252, ddof: int = 1, places: int = DEFAULT_PLACES,
                 rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Annualized Sharpe ratio ``mean(r - rf) / std(r - rf, ddof) * sqrt(P)``.

    >>> # excess returns 0.00, 0.01, 0.02: mean 0.01, sample std 0.01 -> 1 * sqrt(4) = 2
    >>> sharpe_ratio(["0.01", "0.02", "0.03"], risk_free="0.01", periods_per_year=4,
    ...              places=6).unwrap()
    Decimal('2.000000')
    >>> sharpe_ratio(["0.01", "0.01"]).failure().code
    'risk.metrics.zero_volatility'
    """
    check = Inputs()
    values = check.returns(returns)
    degrees = check_ddof(check, ddof, len(values))
    periods = check_periods(check, periods_per_year)
    rate = check_risk_free(check, risk_free, risk_free_basis, periods)
    digits = check.places(places)
    return check.then(lambda: sharpe_of(moments_of(values, degrees), rate, periods).map(
        lambda s: rounded(s, digits, rounding)))


def downside_deviation(returns: Iterable[DecimalInput], *, target: DecimalInput = 0,
                       divisor: DownsideDivisor = DownsideDivisor.ALL_OBSERVATIONS,
                       periods_per_year: int = 252, places: int = DEFAULT_PLACES,
                       rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Annualized downside deviation ``sqrt(sum(min(r - T, 0)**2) / n * P)`` (0 if none below).

    >>> # shortfalls -0.03 and -0.01: (9e-4 + 1e-4) / 4 = 2.5e-4; sqrt = 0.0158113883...
    >>> downside_deviation(["-0.03", "0.02", "-0.01", "0.04"], periods_per_year=1,
    ...                    places=8).unwrap()
    Decimal('0.01581139')
    """
    check = Inputs()
    values = check.returns(returns)
    goal = check.decimal(target, "target")
    periods = check_periods(check, periods_per_year)
    digits = check.places(places)
    return check.then(lambda: Success(rounded(
        downside_deviation_of(values, goal, divisor, periods), digits, rounding)))


def sortino_ratio(returns: Iterable[DecimalInput], *, target: DecimalInput = 0,
                  divisor: DownsideDivisor = DownsideDivisor.ALL_OBSERVATIONS,
                  periods_per_year: int = 252, places: int = DEFAULT_PLACES,
                  rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Annualized Sortino ratio ``mean(r - T) * P / downside_deviation``.

    >>> # mean 0.005; downside deviation sqrt(2.5e-4) = 0.0158113883 -> 0.316227766...
    >>> sortino_ratio(["-0.03", "0.02", "-0.01", "0.04"], periods_per_year=1,
    ...               places=8).unwrap()
    Decimal('0.31622777')
    >>> sortino_ratio(["0.01"]).failure().code
    'risk.metrics.no_downside'
    """
    check = Inputs()
    values = check.returns(returns)
    goal = check.decimal(target, "target")
    periods = check_periods(check, periods_per_year)
    digits = check.places(places)
    return check.then(lambda: sortino_of(values, mean(values), goal, divisor, periods).map(
        lambda s: rounded(s, digits, rounding)))


def cagr(returns: Iterable[DecimalInput], *, periods_per_year: int = 252,
         places: int = DEFAULT_PLACES,
         rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Compound annual growth rate ``prod(1 + r) ** (P / N) - 1``.

    >>> # growth 1.1 * 1.1 = 1.21 over N = 2 periods of P = 1 per year: 1.21 ** 0.5 - 1
    >>> cagr(["0.1", "0.1"], periods_per_year=1, places=6).unwrap()
    Decimal('0.100000')
    """
    check = Inputs()
    values = check.returns(returns, compounding=True)
    periods = check_periods(check, periods_per_year)
    digits = check.places(places)
    return check.then(lambda: cagr_of(equity_of(values)[-1], len(values), periods).map(
        lambda g: rounded(g, digits, rounding)))


def calmar_ratio(returns: Iterable[DecimalInput], *, periods_per_year: int = 252,
                 places: int = DEFAULT_PLACES,
                 rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """``CAGR / max drawdown`` (both as positive fractions; a falling series gives < 0).

    >>> # equity 1, 0.5, 1.5: drawdown 0.5; growth 1.5 over 2 periods, P = 2 -> CAGR 0.5
    >>> calmar_ratio(["-0.5", "2"], periods_per_year=2, places=6).unwrap()
    Decimal('1.000000')
    >>> calmar_ratio(["0.1"]).failure().code
    'risk.metrics.no_drawdown'
    """
    check = Inputs()
    values = check.returns(returns, compounding=True)
    periods = check_periods(check, periods_per_year)
    digits = check.places(places)
    def compute() -> Result[Decimal, DomainError]:
        curve = equity_of(values)
        fall = max_drawdown_of(curve).fraction
        return cagr_of(curve[-1], len(values), periods).bind(
            lambda annual: calmar_of(annual, fall)).map(
            lambda c: rounded(c, digits, rounding))

    return check.then(compute)


def historical_var(returns: Iterable[DecimalInput], confidence: DecimalInput = "0.95", *,
                   method: QuantileMethod = QuantileMethod.LINEAR,
                   loss_sign: LossSign = LossSign.POSITIVE, places: int = DEFAULT_PLACES,
                   rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Historical value at risk: the ``1 - confidence`` quantile of the returns, as a loss.

    >>> rs = ["-0.04", "-0.02", "0.01", "0.03", "0.05"]
    >>> # alpha 0.1: h = 4 * 0.1 = 0.4 -> -0.04 + 0.4 * 0.02 = -0.032
    >>> historical_var(rs, "0.9", places=4).unwrap()
    Decimal('0.0320')
    >>> historical_var(rs, "0.9", method=QuantileMethod.LOWER, places=4).unwrap()
    Decimal('0.0400')
    >>> # empyrical's meaning at the ends: confidence 1 is the worst return, 0 the best
    >>> historical_var(rs, "1", places=2).unwrap(), historical_var(rs, "0", places=2).unwrap()
    (Decimal('0.04'), Decimal('-0.05'))
    >>> historical_var(rs, "1.01").failure().code
    'risk.metrics.confidence'
    """
    check = Inputs()
    values = check.returns(returns)
    level = check_confidence(check, confidence, inclusive=True)
    digits = check.places(places)
    return check.then(lambda: Success(rounded(signed_loss(
        historical_var_of(tuple(sorted(values)), tail_probability(level), method), loss_sign),
        digits, rounding)))


def historical_cvar(returns: Iterable[DecimalInput], confidence: DecimalInput = "0.95", *,
                    loss_sign: LossSign = LossSign.POSITIVE, places: int = DEFAULT_PLACES,
                    rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Historical CVaR (expected shortfall): mean of the ``floor((N-1)(1-c)) + 1`` worst returns.

    >>> rs = ["-0.04", "-0.02", "0.01", "0.03", "0.05"]
    >>> # alpha 0.25: floor(4 * 0.25) + 1 = 2 worst: (-0.04 - 0.02) / 2 = -0.03
    >>> historical_cvar(rs, "0.75", places=4).unwrap()
    Decimal('0.0300')
    >>> # confidence 1: the worst return alone; 0: the mean of all of them, as a loss
    >>> historical_cvar(rs, "1", places=3).unwrap(), historical_cvar(rs, "0", places=3).unwrap()
    (Decimal('0.040'), Decimal('-0.006'))
    """
    check = Inputs()
    values = check.returns(returns)
    level = check_confidence(check, confidence, inclusive=True)
    digits = check.places(places)
    return check.then(lambda: Success(rounded(signed_loss(
        historical_cvar_of(tuple(sorted(values)), tail_probability(level)), loss_sign),
        digits, rounding)))


def parametric_var(returns: Iterable[DecimalInput], confidence: DecimalInput = "0.95", *,
                   ddof: int = 1, loss_sign: LossSign = LossSign.POSITIVE,
                   places: int = DEFAULT_PLACES,
                   rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Normal (Gaussian) VaR per period: ``-(mean + std * z(1 - confidence))``.

    >>> # mean 0, sample std 0.02; z(0.05) = -1.6448536269... -> 0.0328970725...
    >>> parametric_var(["-0.02", "0.02", "-0.02", "0.02", "0"], places=10).unwrap()
    Decimal('0.0328970725')
    """
    check = Inputs()
    values = check.returns(returns)
    level = check_confidence(check, confidence)
    degrees = check_ddof(check, ddof, len(values))
    digits = check.places(places)
    return check.then(lambda: Success(rounded(signed_loss(
        parametric_of(moments_of(values, degrees), tail_probability(level), shortfall=False),
        loss_sign),
        digits, rounding)))


def parametric_cvar(returns: Iterable[DecimalInput], confidence: DecimalInput = "0.95", *,
                    ddof: int = 1, loss_sign: LossSign = LossSign.POSITIVE,
                    places: int = DEFAULT_PLACES,
                   rounding: Rounding = _HALF_EVEN) -> Result[Decimal, DomainError]:
    """Normal expected shortfall per period: ``std * phi(z(1 - c)) / (1 - c) - mean``.

    >>> # std 0.02; phi(1.6448536269...) / 0.05 = 2.0627128075... -> 0.0412542561...
    >>> parametric_cvar(["-0.02", "0.02", "-0.02", "0.02", "0"], places=10).unwrap()
    Decimal('0.0412542562')
    """
    check = Inputs()
    values = check.returns(returns)
    level = check_confidence(check, confidence)
    degrees = check_ddof(check, ddof, len(values))
    digits = check.places(places)
    return check.then(lambda: Success(rounded(signed_loss(
        parametric_of(moments_of(values, degrees), tail_probability(level), shortfall=True),
        loss_sign),
        digits, rounding)))

"""The summary: every metric of one series under one declared set of conventions.

:func:`summarize` validates a return or equity series and every field of
:class:`MetricConventions` (reporting all problems together), then computes each metric of
:mod:`~astratrade_core.risk.metrics`, :mod:`~astratrade_core.risk.distribution` and
:mod:`~astratrade_core.risk.series` once, sharing the moments and the sorted returns.  A ratio
that does not exist for this series is ``Nothing``.  The formulas and the reference each one
follows are in ``docs/risk-metrics.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Final

import attrs
from returns.converters import result_to_maybe
from returns.maybe import Maybe, Nothing, Some
from returns.result import Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, DecimalInput, Rounding
from astratrade_core.risk.distribution import (
    MomentEstimator,
    central_sums,
    check_cutoff,
    kurtosis_of,
    omega_of,
    required_per_period,
    skewness_of,
    tail_ratio_of,
)
from astratrade_core.risk.metrics import (
    DownsideDivisor,
    RateBasis,
    cagr_of,
    calmar_of,
    check_confidence,
    check_ddof,
    check_periods,
    check_risk_free,
    downside_deviation_of,
    downside_sums,
    historical_cvar_of,
    historical_var_of,
    moments_from,
    parametric_of,
    sharpe_of,
    sortino_of,
    tail_probability,
    volatility_of,
)
from astratrade_core.risk.series import (
    DEFAULT_PLACES,
    Inputs,
    LossSign,
    MaxDrawdown,
    max_drawdown_of,
    rounded,
    signed_loss,
    simple_returns_of,
    ulcer_of,
)
from astratrade_core.risk.stats import QuantileMethod

__all__ = ["DEFAULT_CONVENTIONS", "MetricConventions", "RiskSummary", "SeriesKind", "summarize"]


class SeriesKind(enum.Enum):
    """What :func:`summarize` receives: per-period returns or equity values."""

    RETURNS = "returns"
    EQUITY = "equity"


@attrs.frozen(kw_only=True)
class MetricConventions:
    """Every convention :func:`summarize` uses, with empyrical-compatible defaults.

    Fields are checked by :func:`summarize` (bad values are reported, never raised).
    """

    periods_per_year: int = 252
    ddof: int = 1
    risk_free: Decimal = ZERO
    risk_free_basis: RateBasis = RateBasis.PER_PERIOD
    target_return: Decimal = ZERO
    downside_divisor: DownsideDivisor = DownsideDivisor.ALL_OBSERVATIONS
    confidence: Decimal = Decimal("0.95")
    quantile_method: QuantileMethod = QuantileMethod.LINEAR
    loss_sign: LossSign = LossSign.POSITIVE
    moment_estimator: MomentEstimator = MomentEstimator.SAMPLE
    omega_required_return: Decimal = ZERO
    tail_cutoff: Decimal = Decimal("0.95")
    places: int = DEFAULT_PLACES
    rounding: Rounding = Rounding.HALF_EVEN


@attrs.frozen(kw_only=True)
class RiskSummary:
    """All metrics of one series, under one set of conventions (see :func:`summarize`)."""

    kind: SeriesKind
    observations: int
    periods: int
    total_return: Decimal
    cagr: Maybe[Decimal]
    mean_return: Decimal
    volatility: Decimal
    downside_deviation: Decimal
    sharpe: Maybe[Decimal]
    sortino: Maybe[Decimal]
    max_drawdown: MaxDrawdown
    calmar: Maybe[Decimal]
    historical_var: Decimal
    historical_cvar: Decimal
    parametric_var: Maybe[Decimal]
    parametric_cvar: Maybe[Decimal]
    skewness: Maybe[Decimal]
    kurtosis: Maybe[Decimal]
    omega: Maybe[Decimal]
    tail_ratio: Maybe[Decimal]
    ulcer_index: Decimal
    conventions: MetricConventions


#: The empyrical-compatible defaults (252 periods, ddof 1, 95 %, linear quantile, 12 places).
DEFAULT_CONVENTIONS: Final = MetricConventions()



def summarize(series: Iterable[DecimalInput], kind: SeriesKind = SeriesKind.RETURNS,
              conventions: MetricConventions = DEFAULT_CONVENTIONS,
              ) -> Result[RiskSummary, DomainError]:
    """Every metric of one series under one set of conventions; reports every bad input.

    ``EQUITY`` series are turned into simple returns (``periods = observations - 1``) and
    their drawdown is measured on the values given (``amount`` in their units); ``RETURNS``
    are compounded from 1, so the drawdown ``amount`` is a fraction of the starting equity.
    Ratios whose denominator is zero, and a CAGR beyond ``1e24``, are ``Nothing``; so are the
    parametric VaR and CVaR at a confidence of exactly 0 or 1 (the historical ones are then
    empyrical's best and worst return), the sample skewness below 3 returns and the sample
    kurtosis below 4.  The Omega ratio's threshold is the per-period risk-free rate plus the
    annual ``omega_required_return`` made per period (empyrical's ``omega_ratio``).

    >>> s = summarize(["100", "110", "99", "121"], SeriesKind.EQUITY,
    ...               MetricConventions(periods_per_year=3, places=4)).unwrap()
    >>> s.periods, s.total_return, s.cagr.unwrap(), s.max_drawdown.fraction
    (3, Decimal('0.2100'), Decimal('0.2100'), Decimal('0.1000'))
    >>> s.calmar.unwrap(), s.ulcer_index, s.skewness.unwrap()
    (Decimal('2.1000'), Decimal('0.0500'), Decimal('-0.6990'))
    """
    c = conventions
    check = Inputs()
    if kind is SeriesKind.EQUITY:
        equity = check.series(series, "equity", positive=True, minimum=2)
        returns = simple_returns_of(equity) if not check.problems else ()
    else:
        returns, equity = check.compounded(series)
    degrees = check_ddof(check, c.ddof, len(returns))
    periods = check_periods(check, c.periods_per_year)
    rate = check_risk_free(check, c.risk_free, c.risk_free_basis, periods)
    goal = check.decimal(c.target_return, "target_return")
    level = check_confidence(check, c.confidence, inclusive=True)
    alpha = tail_probability(level)
    threshold = CONTEXT.add(rate, required_per_period(check, c.omega_required_return, periods))
    cutoff = check_cutoff(check, c.tail_cutoff)
    digits = check.places(c.places)

    def compute() -> Result[RiskSummary, DomainError]:
        def out(value: Decimal) -> Decimal:
            return rounded(value, digits, c.rounding)

        def loss(value: Decimal) -> Decimal:
            return out(signed_loss(value, c.loss_sign))

        def ratio(value: Result[Decimal, DomainError]) -> Maybe[Decimal]:
            return result_to_maybe(value.map(out))

        def parametric(shortfall: bool) -> Maybe[Decimal]:
            if level in (ZERO, ONE):
                return Nothing
            return Some(loss(parametric_of(moments, alpha, shortfall)))

        growth = CONTEXT.divide(equity[-1], equity[0])
        # One pass for the mean, variance, skewness and kurtosis, one for the downside.
        sums = central_sums(returns)
        moments = moments_from(sums.mean, sums.s2, len(returns), degrees)
        shortfall = downside_sums(returns, goal, c.downside_divisor)
        ordered = tuple(sorted(returns))
        fall = max_drawdown_of(equity)
        annual = cagr_of(growth, len(returns), periods)
        return Success(RiskSummary(
            kind=kind,
            observations=len(equity) if kind is SeriesKind.EQUITY else len(returns),
            periods=len(returns),
            total_return=out(CONTEXT.subtract(growth, ONE)),
            cagr=ratio(annual),
            mean_return=out(moments.mean),
            volatility=out(volatility_of(moments, periods)),
            downside_deviation=out(downside_deviation_of(returns, goal, c.downside_divisor,
                                                         periods, sums=shortfall)),
            sharpe=ratio(sharpe_of(moments, rate, periods)),
            sortino=ratio(sortino_of(returns, moments.mean, goal, c.downside_divisor, periods,
                                     sums=shortfall)),
            max_drawdown=fall.rounded(digits, c.rounding, c.loss_sign),
            calmar=ratio(annual.bind(lambda a: calmar_of(a, fall.fraction))),
            historical_var=loss(historical_var_of(ordered, alpha, c.quantile_method)),
            historical_cvar=loss(historical_cvar_of(ordered, alpha)),
            parametric_var=parametric(shortfall=False),
            parametric_cvar=parametric(shortfall=True),
            skewness=ratio(skewness_of(returns, c.moment_estimator, sums=sums)),
            kurtosis=ratio(kurtosis_of(returns, c.moment_estimator, sums=sums)),
            omega=ratio(omega_of(returns, threshold)),
            tail_ratio=ratio(tail_ratio_of(ordered, cutoff)),
            ulcer_index=out(ulcer_of(equity)),
            conventions=c,
        ))

    return check.then(compute)

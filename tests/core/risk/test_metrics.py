"""Risk metrics: worked examples computed by hand, cross-checks against empyrical's and
quantstats' definitions (re-stated in numpy below, with the library lines they mirror), the
laws (scale invariance, monotone VaR, CVaR >= VaR, signs), error values, the summary, and
immunity to the caller's decimal context."""

from __future__ import annotations

import decimal
import statistics
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from returns.maybe import Maybe, Nothing, Some
from returns.result import Result

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, Rounding
from astratrade_core.risk import (
    DEFAULT_CONVENTIONS,
    DownsideDivisor,
    LossSign,
    MetricConventions,
    QuantileMethod,
    RateBasis,
    SeriesKind,
    cagr,
    calmar_ratio,
    downside_deviation,
    equity_curve,
    historical_cvar,
    historical_var,
    kurtosis,
    omega_ratio,
    parametric_cvar,
    parametric_var,
    rolling_metrics,
    sharpe_ratio,
    simple_returns,
    skewness,
    sortino_ratio,
    summarize,
    tail_ratio,
    trade_statistics,
    volatility,
)
from astratrade_core.risk.series import equity_of, max_drawdown_of
from astratrade_core.testing import (
    confidence_levels,
    equity_series,
    hostile_contexts,
    metric_conventions,
    return_series,
)

D = Decimal
R4 = ["0.02", "-0.01", "0.03", "0.00"]
# mean = 0.04 / 4 = 0.01; deviations 0.01, -0.02, 0.02, -0.01; squares sum to 0.001
# sample variance 0.001 / 3, population variance 0.001 / 4 = 0.00025
TEN = ["0.07", "-0.03", "0.01", "0.09", "-0.05", "0.00", "0.04", "-0.01", "0.06", "0.02"]
# sorted: -0.05, -0.03, -0.01, 0.00, 0.01, 0.02, 0.04, 0.06, 0.07, 0.09


def test_volatility_by_hand() -> None:
    # per period, sample: sqrt(0.001 / 3) = 0.018257418583505...
    assert volatility(R4, periods_per_year=1).unwrap() == D("0.018257418584")
    # annualized: sqrt(0.001 / 3 * 252) = sqrt(0.084) = 0.289827534924...
    assert volatility(R4).unwrap() == D("0.289827534924")
    # population: sqrt(0.00025 * 252) = sqrt(0.063) = 0.250998007960...
    assert volatility(R4, ddof=0).unwrap() == D("0.250998007960")
    # population per period: sqrt(0.00025) = 0.0158113883008...
    assert volatility(R4, ddof=0, periods_per_year=1, places=6).unwrap() == D("0.015811")


def test_sharpe_by_hand() -> None:
    # 0.01 / sqrt(0.001 / 3) * sqrt(252) = sqrt(0.0001 * 3000 * 252) = sqrt(75.6)
    assert sharpe_ratio(R4).unwrap() == D("8.694826047714")
    # risk-free 0.005 per period: excess mean 0.005, same spread -> sqrt(75.6 / 4) = sqrt(18.9)
    assert sharpe_ratio(R4, risk_free="0.005").unwrap() == D("4.347413023857")
    # annual 21 % at 2 periods a year is (1.21) ** (1/2) - 1 = 10 % per period
    annual = sharpe_ratio(R4, risk_free="0.21", risk_free_basis=RateBasis.ANNUAL,
                          periods_per_year=2)
    assert annual == sharpe_ratio(R4, risk_free="0.1", periods_per_year=2)
    # excess mean 0.01 - 0.1 = -0.09; sqrt(0.001/3) -> -0.09 / 0.0182574... * sqrt(2)
    # = -sqrt(0.0081 * 3000 * 2) = -sqrt(48.6) = -6.971370023173...
    assert annual.unwrap() == D("-6.971370023173")


def test_sortino_and_downside_by_hand() -> None:
    # target 0: one shortfall, -0.01 -> sum of squares 0.0001
    # all observations: sqrt(0.0001 / 4) = 0.005; Sortino = 0.01 / 0.005 = 2 per period
    assert downside_deviation(R4, periods_per_year=1, places=4).unwrap() == D("0.0050")
    assert sortino_ratio(R4, periods_per_year=1, places=4).unwrap() == D("2.0000")
    # annualized: 0.01 * 252 / (0.005 * sqrt(252)) = 2 * sqrt(252) = 31.749015732775...
    assert sortino_ratio(R4).unwrap() == D("31.749015732775")
    # below-target divisor: sqrt(0.0001 / 1) = 0.01 -> Sortino 1
    below = DownsideDivisor.BELOW_TARGET
    assert sortino_ratio(R4, divisor=below, periods_per_year=1, places=4).unwrap() == D(
        "1.0000")
    # target 0.01: excess 0.01, -0.02, 0.02, -0.01; shortfalls 4e-4 + 1e-4 = 5e-4;
    # sqrt(5e-4 / 4) = sqrt(1.25e-4) = 0.011180339887...; mean excess 0 -> Sortino 0
    assert downside_deviation(R4, target="0.01", periods_per_year=1).unwrap() == D(
        "0.011180339887")
    assert sortino_ratio(R4, target="0.01").unwrap() == 0
    # nothing below target: downside deviation 0, Sortino undefined
    assert downside_deviation(["0.01", "0.02"]).unwrap() == 0
    assert sortino_ratio(["0.01", "0.02"]).failure().code == "risk.metrics.no_downside"


def test_cagr_and_calmar_by_hand() -> None:
    # growth 1.5 * 0.8 = 1.2 over N = 2 periods, P = 4 a year: 1.2 ** (4/2) - 1 = 0.44
    assert cagr(["0.5", "-0.2"], periods_per_year=4).unwrap() == D("0.440000000000")
    # equity 1, 1.5, 1.2: drawdown 0.3 / 1.5 = 0.2 -> Calmar 0.44 / 0.2 = 2.2
    assert calmar_ratio(["0.5", "-0.2"], periods_per_year=4).unwrap() == D("2.200000000000")
    # a first-period loss is a drawdown (the curve starts at 1 before the first return):
    # growth 0.9 * 1.0 = 0.9, P = N = 2: CAGR -0.1; drawdown 0.1 -> Calmar -1
    assert calmar_ratio(["-0.1", "0"], periods_per_year=2).unwrap() == D("-1.000000000000")
    assert cagr(["0"]).unwrap() == 0
    assert calmar_ratio(["0.1", "0.2"]).failure().code == "risk.metrics.no_drawdown"


def test_historical_var_and_cvar_by_hand() -> None:
    # 95 %: alpha 0.05, h = 9 * 0.05 = 0.45 -> -0.05 + 0.45 * (-0.03 + 0.05) = -0.041
    assert historical_var(TEN, "0.95", places=4).unwrap() == D("0.0410")
    assert historical_var(TEN, "0.95", method=QuantileMethod.LOWER, places=4).unwrap() == D(
        "0.0500")
    # 80 %: h = 9 * 0.2 = 1.8 -> -0.03 + 0.8 * 0.02 = -0.014; lower -> -0.03
    assert historical_var(TEN, "0.8", places=4).unwrap() == D("0.0140")
    assert historical_var(TEN, "0.8", method=QuantileMethod.LOWER, places=4).unwrap() == D(
        "0.0300")
    # CVaR 80 %: floor(1.8) + 1 = 2 worst: (-0.05 - 0.03) / 2 = -0.04; 95 %: 1 worst: -0.05
    assert historical_cvar(TEN, "0.8", places=4).unwrap() == D("0.0400")
    assert historical_cvar(TEN, "0.95", places=4).unwrap() == D("0.0500")
    # empyrical's sign convention: the return quantile itself
    assert historical_var(TEN, "0.8", loss_sign=LossSign.NEGATIVE, places=4).unwrap() == D(
        "-0.0140")
    # a low confidence can be a gain: 30 %, h = 6.3 -> 0.04 + 0.3 * 0.02 = 0.046 -> -0.046
    assert historical_var(TEN, "0.3", places=4).unwrap() == D("-0.0460")


def test_parametric_var_and_cvar_by_hand() -> None:
    # mean 0; sample variance 4 * 0.0004 / 4 = 0.0004; std 0.02
    # VaR 95 % = 0.02 * 1.6448536269514722 = 0.032897072539...
    flat = ["-0.02", "0.02", "-0.02", "0.02", "0"]
    assert parametric_var(flat).unwrap() == D("0.032897072539")
    # ES 95 % = 0.02 * phi(1.6448536...) / 0.05 = 0.02 * 0.10313564037537 / 0.05 = 0.0412542561..
    assert parametric_cvar(flat).unwrap() == D("0.041254256150")
    # the mean shifts both: mean 0.01 -> 0.032897... - 0.01
    shifted = ["-0.01", "0.03", "-0.01", "0.03", "0.01"]
    assert parametric_var(shifted).unwrap() == D("0.022897072539")
    # population std (ddof 0): sqrt(0.0016 / 5) = sqrt(0.00032) = 0.01788854381999...
    # * 1.64485362695147 = 0.029424041...
    assert parametric_var(flat, ddof=0, places=8).unwrap() == D("0.02942404")


def test_failures_are_values() -> None:
    assert volatility([]).failure().code == "risk.metrics.empty"
    assert volatility(["0.01"]).failure().code == "risk.metrics.too_short"
    assert volatility(["0.01"], ddof=0).unwrap() == 0
    assert sharpe_ratio(["0.01", "0.01"]).failure().code == "risk.metrics.zero_volatility"
    assert historical_var(TEN, "-0.01").failure().code == "risk.metrics.confidence"
    assert historical_var(TEN, "95").failure().code == "risk.metrics.confidence"
    assert historical_cvar(TEN, "1.0001").failure().code == "risk.metrics.confidence"
    # the parametric ones have no quantile at 0 or 1 (the normal's is infinite)
    assert parametric_var(TEN, "1").failure().code == "risk.metrics.confidence"
    assert parametric_cvar(TEN, "0").failure().code == "risk.metrics.confidence"
    assert historical_cvar(TEN, 0.95).failure().code == (  # type: ignore[arg-type]  # a float
        "numeric.float_rejected")
    assert parametric_var(TEN, "1e-29").failure().code == "numeric.out_of_bounds"
    assert volatility(R4, periods_per_year=0).failure().code == "risk.metrics.periods_per_year"
    assert volatility(R4, ddof=-1).failure().code == "risk.metrics.ddof"
    assert sharpe_ratio(R4, risk_free="-1", risk_free_basis=RateBasis.ANNUAL).failure().code == (
        "risk.metrics.risk_free")
    assert cagr(["0.1", "-1"]).failure().code == "risk.metrics.total_loss"
    # every problem at once, not the first
    err = sharpe_ratio(["0.01", "oops"], risk_free=0.1,  # type: ignore[arg-type]  # a float
                       periods_per_year=True, places=-1,
                       ).failure()
    assert err.code == "risk.metrics.invalid"
    assert err.codes() == ("risk.metrics.series", "risk.metrics.periods_per_year",
                           "numeric.float_rejected", "risk.metrics.places")


# --- the libraries' definitions, re-stated (float; test-only references) ---------------------


def _f(values: list[Decimal]) -> np.ndarray:
    return np.array([float(v) for v in values])


def _empyrical_sharpe(r: np.ndarray, rf: float, ann: int) -> float:
    # empyrical.stats.sharpe_ratio:
    #   mean(returns - risk_free) / nanstd(returns - risk_free, ddof=1) * sqrt(ann_factor)
    adj = r - rf
    return float(np.mean(adj) / np.std(adj, ddof=1) * np.sqrt(ann))


def _empyrical_sortino(r: np.ndarray, required: float, ann: int) -> float:
    # empyrical.stats.sortino_ratio: mean(adj) * ann / downside_risk, where downside_risk =
    #   sqrt(nanmean(square(clip(returns - required_return, -inf, 0)))) * sqrt(ann)
    adj = r - required
    downside = np.sqrt(np.mean(np.square(np.clip(adj, -np.inf, 0)))) * np.sqrt(ann)
    return float(np.mean(adj) * ann / downside)


def _quantstats_sortino(r: np.ndarray, periods: int) -> float:
    # quantstats.stats.sortino (rf=0): sqrt((returns[returns < 0] ** 2).sum() / len(returns));
    #   returns.mean() / downside * sqrt(periods)
    downside = np.sqrt(np.sum(r[r < 0] ** 2) / len(r))
    return float(np.mean(r) / downside * np.sqrt(periods))


def _empyrical_annual_return(r: np.ndarray, ann: int) -> float:
    # empyrical.stats.annual_return: cum_returns_final(returns, 1) ** (1 / (len / ann)) - 1
    return float(np.prod(1 + r) ** (ann / len(r)) - 1)


def _empyrical_cvar(r: np.ndarray, cutoff: Fraction) -> float:
    # empyrical.stats.conditional_value_at_risk:
    #   cutoff_index = int((len(returns) - 1) * cutoff)
    #   mean(partition(returns, cutoff_index)[:cutoff_index + 1])
    # (the index is computed exactly here; float(0.05) * 19 could land just below 1)
    index = int((len(r) - 1) * cutoff)
    return float(np.mean(np.partition(r, index)[: index + 1]))


def _quantstats_var(r: np.ndarray, confidence: float) -> float:
    # quantstats.stats.value_at_risk: norm.ppf(1 - confidence, returns.mean(), returns.std())
    dist = statistics.NormalDist(float(np.mean(r)), float(np.std(r, ddof=1)))
    return dist.inv_cdf(1 - confidence)


def _close(ours: Decimal, theirs: float) -> bool:
    return abs(float(ours) - theirs) <= 1e-9 * max(1.0, abs(theirs))


varied = return_series(min_size=3).filter(lambda rs: len(set(rs)) > 1)


@given(varied, st.sampled_from([1, 12, 252]), st.sampled_from(["0", "0.001", "-0.002"]))
def test_sharpe_matches_empyrical(returns: list[Decimal], periods: int, rf: str) -> None:
    ours = sharpe_ratio(returns, risk_free=rf, periods_per_year=periods, places=20).unwrap()
    assert _close(ours, _empyrical_sharpe(_f(returns), float(rf), periods))
    vol = volatility(returns, periods_per_year=periods, places=20).unwrap()
    assert _close(vol, float(np.std(_f(returns), ddof=1) * np.sqrt(periods)))


@given(varied.filter(lambda rs: any(r < 0 for r in rs)), st.sampled_from([1, 252]))
def test_sortino_matches_empyrical_and_quantstats(returns: list[Decimal], periods: int) -> None:
    ours = sortino_ratio(returns, periods_per_year=periods, places=20).unwrap()
    assert _close(ours, _empyrical_sortino(_f(returns), 0.0, periods))
    assert _close(ours, _quantstats_sortino(_f(returns), periods))


@given(return_series(), st.sampled_from([1, 12, 252]))
def test_cagr_matches_empyrical(returns: list[Decimal], periods: int) -> None:
    expected = _empyrical_annual_return(_f(returns), periods)
    assume(abs(expected) < 1e6)  # float overflows long before Decimal does
    ours = cagr(returns, periods_per_year=periods, places=20).unwrap()
    assert _close(ours, expected)


@given(return_series(), confidence_levels(2))
def test_tail_metrics_match_empyrical_and_quantstats(returns: list[Decimal],
                                                     confidence: Decimal) -> None:
    negative = LossSign.NEGATIVE
    alpha = 1 - Fraction(confidence)
    var = historical_var(returns, confidence, loss_sign=negative, places=20).unwrap()
    # empyrical.stats.value_at_risk: np.percentile(returns, 100 * cutoff)
    assert _close(var, float(np.percentile(_f(returns), 100 * float(alpha))))
    cvar = historical_cvar(returns, confidence, loss_sign=negative, places=20).unwrap()
    assert _close(cvar, _empyrical_cvar(_f(returns), alpha))
    if len(set(returns)) > 1:
        normal = parametric_var(returns, confidence, loss_sign=negative, places=20).unwrap()
        assert _close(normal, _quantstats_var(_f(returns), float(confidence)))


# --- laws ------------------------------------------------------------------------------------


@given(varied, st.integers(1, 1000), st.sampled_from([0, 1]))
def test_sharpe_and_sortino_are_scale_invariant(returns: list[Decimal], factor: int,
                                                ddof: int) -> None:
    scaled = [CONTEXT.multiply(r, D(factor)) for r in returns]
    ulp = D("1e-28")
    a = sharpe_ratio(returns, ddof=ddof, places=28).unwrap()
    b = sharpe_ratio(scaled, ddof=ddof, places=28).unwrap()
    assert CONTEXT.abs(CONTEXT.subtract(a, b)) <= ulp
    if any(r < 0 for r in returns):
        a = sortino_ratio(returns, places=28).unwrap()
        b = sortino_ratio(scaled, places=28).unwrap()
        assert CONTEXT.abs(CONTEXT.subtract(a, b)) <= ulp


@given(return_series(min_size=2), confidence_levels(3), confidence_levels(3),
       st.sampled_from(QuantileMethod))
def test_var_is_monotone_and_cvar_dominates(returns: list[Decimal], c1: Decimal, c2: Decimal,
                                            method: QuantileMethod) -> None:
    low, high = min(c1, c2), max(c1, c2)
    assert (historical_var(returns, low, method=method, places=28).unwrap()
            <= historical_var(returns, high, method=method, places=28).unwrap())
    assert (historical_cvar(returns, low, places=28).unwrap()
            <= historical_cvar(returns, high, places=28).unwrap())
    assert (parametric_var(returns, low, places=28).unwrap()
            <= parametric_var(returns, high, places=28).unwrap())
    for level in (low, high):
        assert (historical_cvar(returns, level, places=28).unwrap()
                >= historical_var(returns, level, method=method, places=28).unwrap())
        assert (parametric_cvar(returns, level, places=28).unwrap()
                >= parametric_var(returns, level, places=28).unwrap())


@given(return_series(min_size=2), confidence_levels(2))
def test_negative_sign_is_the_mirror_image(returns: list[Decimal], level: Decimal) -> None:
    for metric in (historical_var, historical_cvar, parametric_var, parametric_cvar):
        positive = metric(returns, level).unwrap()
        assert metric(returns, level, loss_sign=LossSign.NEGATIVE).unwrap() == CONTEXT.minus(
            positive)


# --- the summary -----------------------------------------------------------------------------


def test_summary_of_an_equity_series_by_hand() -> None:
    # equity 100, 110, 99, 121: returns 0.1, -0.1, 0.2222...; total 121/100 - 1 = 0.21
    # P = 3 periods a year, N = 3 -> CAGR = 1.21 ** 1 - 1 = 0.21; drawdown 11 / 110 = 0.1
    conventions = MetricConventions(periods_per_year=3, places=4)
    s = summarize(["100", "110", "99", "121"], SeriesKind.EQUITY, conventions).unwrap()
    assert (s.observations, s.periods, s.total_return, s.cagr) == (4, 3, D("0.2100"),
                                                                    Some(D("0.2100")))
    assert (s.max_drawdown.fraction, s.max_drawdown.amount) == (D("0.1000"), D("11.0000"))
    assert s.max_drawdown.recovery_index == Some(3)
    assert s.calmar == Some(D("2.1000"))
    # mean (0.1 - 0.1 + 2/9) / 3 = 2/27 = 0.074074...
    assert s.mean_return == D("0.0741")
    assert s.conventions == conventions


def test_summary_of_a_return_series_by_hand() -> None:
    # returns 0.5, -0.2 compound from 1: curve 1, 1.5, 1.2 (index 0 is the start)
    # total 0.2; P = 4, N = 2: CAGR 1.2 ** 2 - 1 = 0.44; drawdown 0.3 / 1.5 = 0.2 -> Calmar 2.2
    conventions = MetricConventions(periods_per_year=4, places=4)
    s = summarize(["0.5", "-0.2"], SeriesKind.RETURNS, conventions).unwrap()
    assert (s.observations, s.periods, s.total_return) == (2, 2, D("0.2000"))
    assert (s.cagr, s.calmar) == (Some(D("0.4400")), Some(D("2.2000")))
    dd = s.max_drawdown
    assert (dd.fraction, dd.amount, dd.peak_index, dd.trough_index, dd.duration) == (
        D("0.2000"), D("0.3000"), 1, 2, 1)
    assert dd.recovery_index == Nothing
    # mean 0.15; sample variance ((0.35)^2 + (0.35)^2) / 1 = 0.245; vol sqrt(0.245 * 4) = 0.98..
    assert s.mean_return == D("0.1500")
    assert s.volatility == D("0.9899")  # sqrt(0.98) = 0.989949...
    # Sharpe 0.15 * sqrt(4 / 0.245) = 0.606092...; Sortino: downside sqrt(0.04 / 2) = 0.141421
    # -> 0.15 * 4 / (0.141421... * 2) = 2.121320...
    assert s.sharpe == Some(D("0.6061"))
    assert s.sortino == Some(D("2.1213"))
    # 95 %: h = 1 * 0.05 -> -0.2 + 0.05 * 0.7 = -0.165; CVaR: floor(0.05) + 1 = 1 -> 0.2
    assert (s.historical_var, s.historical_cvar) == (D("0.1650"), D("0.2000"))


def test_summary_marks_undefined_ratios_as_nothing() -> None:
    s = summarize(["0.01", "0.01", "0.01"]).unwrap()
    assert (s.sharpe, s.sortino, s.calmar) == (Nothing, Nothing, Nothing)
    assert s.volatility == 0 and s.max_drawdown.fraction == 0


def rolling_rate(annual: Decimal, periods: int) -> Decimal:
    """An annual rate compounded to one period: (1 + R) ** (1 / P) - 1, as the summary does;
    the per-period value is rounded to 28 places, as an input must be (the Omega threshold
    then agrees to far below the results' 20 places)."""
    exact = CONTEXT.subtract(CONTEXT.exp(CONTEXT.divide(CONTEXT.ln(CONTEXT.add(1, annual)),
                                                        periods)), 1)
    return exact.quantize(D("1e-28"), context=CONTEXT)


def test_summary_failures() -> None:
    assert summarize([]).failure().code == "risk.metrics.empty"
    assert summarize(["100"], SeriesKind.EQUITY).failure().code == "risk.metrics.too_short"
    assert summarize(["0.1"]).failure().code == "risk.metrics.too_short"  # ddof 1 needs 2
    bad = MetricConventions(confidence=D("1.5"), periods_per_year=0, places=29)
    assert summarize(["0.1", "0.2"], conventions=bad).failure().codes() == (
        "risk.metrics.periods_per_year", "risk.metrics.confidence", "risk.metrics.places")


@given(return_series(min_size=2), metric_conventions())
def test_summary_agrees_with_each_metric(returns: list[Decimal],
                                         conventions: MetricConventions) -> None:
    c = conventions
    s = summarize(returns, SeriesKind.RETURNS, c).unwrap()
    n, mode, sign, per = c.places, c.rounding, c.loss_sign, c.periods_per_year
    goal, divisor = c.target_return, c.downside_divisor

    def maybe(result: Result[Decimal, DomainError]) -> Maybe[Decimal]:
        return result.map(Some).value_or(Nothing)

    assert s.volatility == volatility(returns, ddof=c.ddof, periods_per_year=per, places=n,
                                      rounding=mode).unwrap()
    assert s.cagr == maybe(cagr(returns, periods_per_year=per, places=n, rounding=mode))
    assert s.downside_deviation == downside_deviation(
        returns, target=goal, divisor=divisor, periods_per_year=per, places=n,
        rounding=mode).unwrap()
    assert s.sharpe == maybe(sharpe_ratio(
        returns, risk_free=c.risk_free, risk_free_basis=c.risk_free_basis, ddof=c.ddof,
        periods_per_year=per, places=n, rounding=mode))
    assert s.sortino == maybe(sortino_ratio(returns, target=goal, divisor=divisor,
                                            periods_per_year=per, places=n, rounding=mode))
    assert s.calmar == maybe(calmar_ratio(returns, periods_per_year=per, places=n,
                                          rounding=mode))
    curve = equity_of(tuple(returns))  # the unrounded curve the summary measures
    assert s.max_drawdown == max_drawdown_of(curve).rounded(n, mode, sign)
    level = c.confidence
    assert s.historical_var == historical_var(returns, level, method=c.quantile_method,
                                              loss_sign=sign, places=n, rounding=mode).unwrap()
    assert s.historical_cvar == historical_cvar(returns, level, loss_sign=sign, places=n,
                                                rounding=mode).unwrap()
    # Nothing exactly at confidence 0 and 1, where the standalone functions fail
    assert s.parametric_var == maybe(parametric_var(returns, level, ddof=c.ddof, loss_sign=sign,
                                                    places=n, rounding=mode))
    assert s.parametric_cvar == maybe(parametric_cvar(
        returns, level, ddof=c.ddof, loss_sign=sign, places=n, rounding=mode))
    estimator = c.moment_estimator
    assert s.skewness == maybe(skewness(returns, estimator=estimator, places=n, rounding=mode))
    assert s.kurtosis == maybe(kurtosis(returns, estimator=estimator, places=n, rounding=mode))
    rate = (c.risk_free if c.risk_free_basis is RateBasis.PER_PERIOD
            else rolling_rate(c.risk_free, per))
    assert s.omega == maybe(omega_ratio(returns, risk_free=rate,
                                        required_return=c.omega_required_return,
                                        periods_per_year=per, places=n, rounding=mode))
    assert s.tail_ratio == maybe(tail_ratio(returns, cutoff=c.tail_cutoff, places=n,
                                            rounding=mode))
    # Martin's Ulcer index of the curve, recomputed here at 150 digits
    with decimal.localcontext(decimal.Context(prec=150)):
        peaks = [max(curve[: i + 1]) for i in range(len(curve))]
        squares = sum(((1 - e / p) ** 2 for e, p in zip(curve, peaks, strict=True)), D(0))
        ulcer = (squares / len(curve)).sqrt()
    assert abs(s.ulcer_index - ulcer) <= D(10) ** -n


@given(equity_series(min_size=3))
def test_equity_and_returns_summaries_agree(equity: list[Decimal]) -> None:
    conventions = MetricConventions(places=20)
    by_equity = summarize(equity, SeriesKind.EQUITY, conventions).unwrap()
    returns = simple_returns(equity, places=28).unwrap()
    by_returns = summarize(returns, SeriesKind.RETURNS, conventions).unwrap()
    tolerance = D("1e-18")
    for field in ("volatility", "historical_var", "mean_return", "ulcer_index"):
        gap = CONTEXT.subtract(getattr(by_equity, field), getattr(by_returns, field))
        assert CONTEXT.abs(gap) <= tolerance, field
    gap = CONTEXT.subtract(by_equity.parametric_var.unwrap(), by_returns.parametric_var.unwrap())
    assert CONTEXT.abs(gap) <= tolerance
    gap = CONTEXT.subtract(by_equity.max_drawdown.fraction, by_returns.max_drawdown.fraction)
    assert CONTEXT.abs(gap) <= tolerance


@settings(max_examples=60)
@given(return_series(min_size=2), metric_conventions(), hostile_contexts())
def test_metrics_ignore_callers_context(returns: list[Decimal], conventions: MetricConventions,
                                        ctx: decimal.Context) -> None:
    def run() -> tuple[object, ...]:
        return (
            volatility(returns), sharpe_ratio(returns, risk_free="0.03",
                                              risk_free_basis=RateBasis.ANNUAL),
            downside_deviation(returns), sortino_ratio(returns), cagr(returns),
            calmar_ratio(returns), historical_var(returns),
            historical_var(returns, method=QuantileMethod.LOWER), historical_cvar(returns),
            parametric_var(returns), parametric_cvar(returns),
            summarize(returns, SeriesKind.RETURNS, conventions),
            summarize(equity_curve(returns, places=28).unwrap(), SeriesKind.EQUITY),
        )

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_default_conventions_are_empyricals() -> None:
    assert MetricConventions() == DEFAULT_CONVENTIONS
    assert (DEFAULT_CONVENTIONS.periods_per_year, DEFAULT_CONVENTIONS.ddof) == (252, 1)
    assert DEFAULT_CONVENTIONS.quantile_method is QuantileMethod.LINEAR
    assert DEFAULT_CONVENTIONS.rounding is Rounding.HALF_EVEN


@pytest.mark.parametrize("method", list(QuantileMethod))
def test_lower_var_is_an_observed_loss(method: QuantileMethod) -> None:
    var = historical_var(TEN, "0.9", method=method, places=2).unwrap()
    # h = 9 * 0.1 = 0.9: linear -0.05 + 0.9 * 0.02 = -0.032 -> 0.03 (2 places); lower -0.05
    assert var == (D("0.05") if method is QuantileMethod.LOWER else D("0.03"))


def test_extreme_inputs_are_values_not_exceptions() -> None:
    # growth 7 in one period at 252 a year: 7 ** 252 - 1 > 1e24 -> out of range
    assert cagr(["6"]).failure().code == "risk.metrics.out_of_range"
    s = summarize(["100", "700", "600"], SeriesKind.EQUITY).unwrap()
    assert (s.cagr, s.calmar) == (Nothing, Nothing)
    assert s.total_return == D("5.000000000000")
    # compounding 1e23 three times leaves [1e-60, 1e60]
    assert equity_curve(["1e23"] * 3).failure().code == "risk.metrics.out_of_range"
    assert equity_curve(["-0.9999999999999999999999999999"] * 3).failure().code == (
        "risk.metrics.out_of_range")
    # returns 1e52 then -1e-52 from extreme equity values: Sortino ~ 1e105 cannot carry 28
    # places in 120 digits, so it keeps 110 significant digits instead of raising
    tiny, huge = "0.0000000000000000000000000001", "999999999999999999999999"
    extreme = summarize([tiny, huge, huge[:-1] + "8.9999999999999999999999999999"],
                        SeriesKind.EQUITY, MetricConventions(places=28)).unwrap()
    sortino = extreme.sortino.unwrap()
    assert sortino > D("1e100") and len(sortino.as_tuple().digits) <= 110


def test_a_huge_integer_option_is_a_failure_not_a_formatting_error() -> None:
    # Totality (tests/test_totality.py): places, periods_per_year, ddof or window of 10**5000
    # raised ValueError (int -> str limit) while the error's field was formatted
    huge = 10**5000
    returns = ["0.01", "0.02", "-0.01"]
    assert volatility(returns, places=huge).failure().codes() == ("risk.metrics.places",)
    assert sharpe_ratio(returns, ddof=-huge).failure().codes() == ("risk.metrics.ddof",)
    assert cagr(returns, periods_per_year=huge).failure().codes() == (
        "risk.metrics.periods_per_year",)
    assert omega_ratio([], periods_per_year=-huge).failure().kind.value == "invalid"
    assert rolling_metrics(returns, window=huge).failure().kind.value == "invalid"
    assert trade_statistics([], places=huge).failure().kind.value == "invalid"


# Edges found by `make mutate` (risk): the refusals with their fields.


@given(st.integers(1, 3))
def test_sharpe_needs_more_returns_than_ddof(count: int) -> None:
    """Three returns allow ddof 2; as many returns as ddof, or fewer, are refused."""
    got = sharpe_ratio(["0.01", "0.02", "0.03"][:count], ddof=2)
    if count > 2:
        assert got.unwrap() > 0
    else:
        error = got.failure()
        causes = error.causes or (error,)
        assert [(c.code, dict(c.fields)) for c in causes] == [
            ("risk.metrics.too_short", {"length": str(count), "ddof": "2"})]


def test_growth_too_large_to_annualize_names_the_periods() -> None:
    # one period doubling at 252 periods a year: 2 ** 252 is past 1e24
    assert cagr(["1"], periods_per_year=252).failure() == DomainError.invalid(
        "risk.metrics.out_of_range", "annualized growth exceeds 1e24", periods=1)

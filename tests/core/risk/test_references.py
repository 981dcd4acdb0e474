"""The new metrics against their references, each re-stated in numpy from the library source
it names (neither library is a dependency), plus worked examples and edges.

* skewness, kurtosis: pandas ``nanops.nanskew`` / ``nankurt`` (used by quantstats ``skew`` and
  ``kurtosis``), and scipy's biased ``skew``/``kurtosis`` formulas;
* Omega: empyrical ``omega_ratio``; tail ratio: empyrical ``tail_ratio``
  (``np.percentile(r, 95) / np.percentile(r, 5)``) and quantstats ``tail_ratio``;
* Ulcer index: quantstats ``ulcer_index`` (``sqrt(sum(dd**2) / (n - 1))`` over the drawdowns
  of the returns without a starting value) relates to ours exactly;
* beta, alpha: empyrical ``beta_aligned`` / ``alpha_aligned``; correlation: ``np.corrcoef``;
* rolling: quantstats ``rolling_sharpe`` / ``rolling_volatility`` (pandas ``rolling().std()``);
* VaR/CVaR at confidence 0 and 1: empyrical ``value_at_risk`` /
  ``conditional_value_at_risk`` at ``cutoff`` 1 and 0;
* trade statistics: freqtrade ``calculate_expectancy``, ``calculate_sqn``, ``calc_streak``.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from returns.maybe import Nothing, Some

from astratrade_core.risk import (
    ClosedTrade,
    DatedFill,
    MetricConventions,
    MomentEstimator,
    compare_to_benchmark,
    historical_cvar,
    historical_var,
    infer_periods_per_year,
    kurtosis,
    monthly_returns,
    omega_ratio,
    rolling_metrics,
    round_trips,
    sharpe_ratio,
    skewness,
    summarize,
    tail_ratio,
    trade_statistics,
    ulcer_index,
    volatility,
)
from astratrade_core.testing import return_series
from astratrade_core.trading.fills import Fill

D = Decimal
SAMPLE, POPULATION = MomentEstimator.SAMPLE, MomentEstimator.POPULATION


def _f(values: list[Decimal]) -> np.ndarray:
    return np.array([float(v) for v in values])


def _close(ours: Decimal, reference: float, rel: float = 1e-9, absolute: float = 1e-12) -> bool:
    return math.isclose(float(ours), reference, rel_tol=rel, abs_tol=absolute)


def _pandas_skew(x: np.ndarray) -> float:
    # pandas.core.nanops.nanskew: adjusted Fisher-Pearson, (n (n-1))**0.5 / (n-2) * m3/m2**1.5
    n = len(x)
    d = x - x.mean()
    m2, m3 = (d**2).mean(), (d**3).mean()
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def _pandas_kurt(x: np.ndarray) -> float:
    # pandas.core.nanops.nankurt: ((n+1) n (n-1) S4 / S2**2 - 3 (n-1)**2) / ((n-2)(n-3))
    n = len(x)
    d = x - x.mean()
    s2, s4 = (d**2).sum(), (d**4).sum()
    return float(((n + 1) * n * (n - 1) * s4 / s2**2 - 3 * (n - 1) ** 2) / ((n - 2) * (n - 3)))


@given(return_series(min_size=4, max_size=60))
def test_skewness_and_kurtosis_match_pandas_and_scipy(returns: list[Decimal]) -> None:
    x = _f(returns)
    d = x - x.mean()
    assume(float((d**2).mean()) > 1e-10)  # float moments lose meaning on a near-flat sample
    assert _close(skewness(returns, places=20).unwrap(), _pandas_skew(x), rel=1e-6, absolute=1e-8)
    assert _close(kurtosis(returns, places=20).unwrap(), _pandas_kurt(x), rel=1e-6, absolute=1e-8)
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    assert _close(skewness(returns, estimator=POPULATION, places=20).unwrap(),
                  float(m3 / m2**1.5), rel=1e-6, absolute=1e-8)
    assert _close(kurtosis(returns, estimator=POPULATION, places=20).unwrap(),
                  float(m4 / m2**2 - 3), rel=1e-6, absolute=1e-8)


def test_moment_edges() -> None:
    flat = ["0.01", "0.01", "0.01", "0.01"]
    assert skewness(flat).failure().code == "risk.metrics.zero_volatility"
    assert kurtosis(flat, estimator=POPULATION).failure().code == "risk.metrics.zero_volatility"
    assert skewness(["0.01", "0.02"]).failure().code == "risk.metrics.too_short"
    assert kurtosis(["0.01", "0.02", "0.04"]).failure().code == "risk.metrics.too_short"
    assert skewness(["0.01", "0.02"], estimator=POPULATION).unwrap() == 0
    # a normal-like symmetric sample: skew exactly 0
    assert skewness(["-0.02", "-0.01", "0", "0.01", "0.02"]).unwrap() == 0


def _empyrical_omega(x: np.ndarray, rf: float, required: float, periods: int) -> float:
    threshold = (1 + required) ** (1.0 / periods) - 1
    less = x - rf - threshold
    return float(less[less > 0].sum() / -less[less < 0].sum())


@given(return_series(min_size=2), st.sampled_from([1, 12, 252]),
       st.sampled_from(["0", "0.05", "-0.2"]), st.sampled_from(["0", "0.0001"]))
def test_omega_matches_empyrical(returns: list[Decimal], periods: int, required: str,
                                 rf: str) -> None:
    result = omega_ratio(returns, risk_free=rf, required_return=required,
                         periods_per_year=periods, places=20)
    x = _f(returns)
    less = x - float(rf) - ((1 + float(required)) ** (1 / periods) - 1)
    if not (less < 0).any():
        assert result.failure().code == "risk.metrics.no_downside"
        return
    assume(-less[less < 0].sum() > 1e-9)
    assert _close(result.unwrap(), _empyrical_omega(x, float(rf), float(required), periods),
                  rel=1e-7)


@given(return_series(min_size=1), st.sampled_from(["0.95", "0.9", "0.75", "1", "0.5"]))
def test_tail_ratio_matches_empyrical_and_quantstats(returns: list[Decimal],
                                                     cutoff: str) -> None:
    x = _f(returns)
    low = np.percentile(x, 100 * (1 - float(cutoff)))
    result = tail_ratio(returns, cutoff=cutoff, places=20)
    if D(str(np.percentile(x, 100 * (1 - float(cutoff))))) == 0 and low == 0:
        assert result.failure().code == "risk.metrics.zero_tail"
        return
    assume(abs(low) > 1e-9)
    assert _close(result.unwrap(), abs(np.percentile(x, 100 * float(cutoff)) / low), rel=1e-7)


@given(return_series(min_size=3))
def test_ulcer_index_relates_to_quantstats(returns: list[Decimal]) -> None:
    assume(returns[0] >= 0)  # quantstats ignores a first-period loss (no starting value)
    x = _f(returns)
    prices = np.cumprod(1 + x)
    dd = prices / np.maximum.accumulate(prices) - 1
    quantstats = math.sqrt((dd**2).sum() / (len(x) - 1))
    # same squared drawdowns; we divide by the N + 1 points of the curve that starts at 1
    ours = summarize(returns, conventions=MetricConventions(places=20)).unwrap().ulcer_index
    assert _close(ours, quantstats * math.sqrt((len(x) - 1) / (len(x) + 1)), rel=1e-7,
                  absolute=1e-10)


def test_ulcer_index_by_hand() -> None:
    # Martin's example shape: 100, 90, 80, 100 -> drawdowns 0, 0.1, 0.2, 0 -> sqrt(0.05 / 4)
    assert ulcer_index(["100", "90", "80", "100"], places=10).unwrap() == D("0.1118033989")
    assert ulcer_index(["5"]).unwrap() == 0
    assert ulcer_index(["1", "0"]).failure().code == "risk.metrics.series"


pairs = st.integers(3, 40).flatmap(lambda n: st.tuples(return_series(n, n), return_series(n, n)))


@given(pairs, st.sampled_from([1, 12, 252]), st.sampled_from(["0", "0.0002"]))
def test_beta_alpha_correlation_match_empyrical(pair: tuple[list[Decimal], list[Decimal]],
                                                periods: int, rf: str) -> None:
    returns, bench = pair
    r, b = _f(returns), _f(bench)
    result = compare_to_benchmark(returns, bench, risk_free=rf, periods_per_year=periods,
                                  places=20).unwrap()
    if len(set(bench)) == 1:
        assert (result.beta, result.alpha, result.correlation) == (Nothing, Nothing, Nothing)
        return
    assume(((b - b.mean()) ** 2).mean() > 1e-8 and ((r - r.mean()) ** 2).mean() > 1e-8)
    residual = b - b.mean()
    beta = float((residual * r).mean() / (residual**2).mean())   # empyrical beta_aligned
    assert _close(result.beta.unwrap(), beta, rel=1e-7)
    alpha_series = (r - float(rf)) - beta * (b - float(rf))      # empyrical alpha_aligned
    alpha = (alpha_series.mean() + 1) ** periods - 1
    if abs(alpha) < 1e6:
        assert _close(result.alpha.unwrap(), float(alpha), rel=1e-6, absolute=1e-9)
    assert _close(result.correlation.unwrap(), float(np.corrcoef(r, b)[0, 1]), rel=1e-7)


@given(return_series(min_size=2, max_size=30), st.integers(2, 8), st.sampled_from([0, 1]),
       st.sampled_from([1, 252]))
def test_rolling_matches_each_windows_metrics(returns: list[Decimal], window: int, ddof: int,
                                              periods: int) -> None:
    points = rolling_metrics(returns, window=window, ddof=ddof, periods_per_year=periods,
                             places=12).unwrap()
    assert len(points) == max(0, len(returns) - window + 1)
    for point in points:
        chunk = returns[point.end_index - window + 1: point.end_index + 1]
        assert point.volatility == volatility(chunk, ddof=ddof, periods_per_year=periods,
                                              places=12).unwrap()
        sharpe = sharpe_ratio(chunk, ddof=ddof, periods_per_year=periods, places=12)
        assert point.sharpe == sharpe.map(Some).value_or(Nothing)


@given(return_series(min_size=10, max_size=40))
def test_rolling_matches_quantstats(returns: list[Decimal]) -> None:
    x, window = _f(returns), 5
    points = rolling_metrics(returns, window=window, places=20).unwrap()
    for point in points:
        chunk = x[point.end_index - window + 1: point.end_index + 1]
        std = chunk.std(ddof=1)          # pandas rolling(window).std()
        assert _close(point.volatility, float(std * np.sqrt(252)), rel=1e-7, absolute=1e-10)
        if std > 1e-9:
            assert _close(point.sharpe.unwrap(), float(chunk.mean() / std * np.sqrt(252)),
                          rel=1e-6, absolute=1e-8)


TEN = ["0.07", "-0.03", "0.01", "0.09", "-0.05", "0.00", "0.04", "-0.01", "0.06", "0.02"]


def test_var_and_cvar_at_confidence_zero_and_one_are_empyricals() -> None:
    x = _f([D(v) for v in TEN])
    # empyrical value_at_risk(cutoff) = np.percentile(r, 100 cutoff); cutoff = 1 - confidence
    assert float(historical_var(TEN, "1").unwrap()) == -np.percentile(x, 0) == 0.05
    assert float(historical_var(TEN, "0").unwrap()) == -np.percentile(x, 100) == -0.09
    # conditional_value_at_risk: mean of the int((n - 1) cutoff) + 1 smallest
    assert historical_cvar(TEN, "1").unwrap() == D("0.05")           # the worst alone
    assert historical_cvar(TEN, "0").unwrap() == D("-0.02")          # the mean of all ten


def test_monthly_returns_compound_within_months_and_years() -> None:
    days = [date(2025, 12, 31), date(2026, 1, 2), date(2026, 1, 30), date(2026, 3, 2)]
    table = monthly_returns(days, ["0.1", "0.1", "0.1", "-0.5"], places=6).unwrap()
    assert [row.year for row in table] == [2025, 2026]
    assert table[0].months[11] == Some(D("0.100000")) and table[0].total == D("0.100000")
    # January 2026: 1.1 * 1.1 - 1 = 0.21; February empty; March -0.5; year 1.21 * 0.5 - 1
    assert table[1].months[:3] == (Some(D("0.210000")), Nothing, Some(D("-0.500000")))
    assert table[1].total == D("-0.395000")


@pytest.mark.parametrize(("step", "count", "expected"), [
    (timedelta(days=1), 30, 365),                 # calendar days: weekends present
    (timedelta(days=7), 20, 52),
    (timedelta(days=14), 20, 26),
    (timedelta(days=91), 8, 4),
    (timedelta(days=182), 6, 2),
    (timedelta(days=365), 4, 1),
    (timedelta(hours=1), 48, 8760),                # a crypto market never closes
    (timedelta(minutes=5), 100, 105120),
])
def test_periods_per_year_from_regular_steps(step: timedelta, count: int,
                                             expected: int) -> None:
    start = datetime(2026, 1, 5)
    stamps = [start + step * i for i in range(count)]
    assert infer_periods_per_year(stamps).unwrap().periods_per_year == expected


def test_periods_per_year_edges() -> None:
    business = [date(2026, 1, 5) + timedelta(days=d) for d in range(40)]
    weekdays = [d for d in business if d.weekday() < 5]
    assert infer_periods_per_year(weekdays).unwrap().periods_per_year == 252
    months = [date(2026, m, 28) for m in range(1, 13)]
    assert infer_periods_per_year(months).unwrap().frequency == "monthly"
    assert infer_periods_per_year([date(2026, 1, 2), date(2026, 1, 1)]).failure().code == (
        "risk.metrics.dates")
    mixed = [date(2026, 1, 1), datetime(2026, 1, 2)]
    assert infer_periods_per_year(mixed).failure().code == "risk.metrics.dates"


def _freqtrade(pnls: list[float]) -> dict[str, float]:
    p = np.array(pnls)
    wins, losses = p[p > 0], p[p < 0]
    average_win = wins.sum() / len(wins) if len(wins) else 0.0
    average_loss = abs(losses.sum()) / len(losses) if len(losses) else 0.0
    win_rate, loss_rate = len(wins) / len(p), len(losses) / len(p)
    out = {"expectancy": win_rate * average_win - loss_rate * average_loss,
           "win_rate": win_rate}
    if average_loss > 0:
        out["expectancy_ratio"] = (1 + average_win / average_loss) * win_rate - 1
        out["payoff_ratio"] = average_win / average_loss
        out["profit_factor"] = wins.sum() / abs(losses.sum())
    # freqtrade divides by the float std; five equal P&Ls give a roundoff std of ~2e-16 there,
    # where the exact std is 0 and SQN does not exist: compare on the spread, which is exact.
    if len(p) > 1 and np.ptp(p) > 0:
        out["sqn"] = math.sqrt(len(p)) * p.mean() / p.std(ddof=1)
    return out


@given(st.lists(st.decimals(D("-500"), D("500"), places=2), min_size=1, max_size=40))
def test_trade_statistics_match_freqtrade(pnls: list[Decimal]) -> None:
    stats = trade_statistics([ClosedTrade(p) for p in pnls], places=20).unwrap()
    reference = _freqtrade([float(p) for p in pnls])
    assert _close(stats.expectancy, reference["expectancy"], rel=1e-9, absolute=1e-9)
    assert _close(stats.win_rate, reference["win_rate"])
    for name in ("expectancy_ratio", "payoff_ratio", "profit_factor", "sqn"):
        ours = getattr(stats, name)
        if name in reference:
            assert _close(ours.unwrap(), reference[name], rel=1e-7, absolute=1e-9), name
        else:
            assert ours == Nothing, name
    # calc_streak: the longest runs of losses and wins; a draw ends both
    signs = ["w" if p > 0 else "l" if p < 0 else "d" for p in pnls]
    runs = "".join(signs)
    assert stats.max_consecutive_losses == max((len(s) for s in runs.split("w")
                                                for s in s.split("d")), default=0)
    assert stats.wins + stats.losses + stats.draws == stats.trades == len(pnls)


def test_trade_statistics_worked_example_and_edges() -> None:
    trades = [ClosedTrade(D(p), Some(timedelta(hours=h))) for p, h in
              (("100", 1), ("-50", 2), ("0", 3), ("-25", 4), ("-25", 6), ("75", 8))]
    s = trade_statistics(trades, places=4).unwrap()
    # wins 100 + 75 = 175, losses 100: factor 1.75; payoff 87.5 / 33.33 = 2.625
    assert (s.profit_factor, s.payoff_ratio) == (Some(D("1.7500")), Some(D("2.6250")))
    assert (s.max_consecutive_losses, s.max_consecutive_wins, s.draws) == (2, 1, 1)
    assert s.average_holding == Some(timedelta(hours=4))
    assert s.largest_loss == Some(D("50.0000"))
    only_wins = trade_statistics([ClosedTrade(D("1")), ClosedTrade(D("2"))]).unwrap()
    assert (only_wins.profit_factor, only_wins.payoff_ratio, only_wins.average_holding) == (
        Nothing, Nothing, Nothing)
    bad = trade_statistics([ClosedTrade(D("NaN")),
                            ClosedTrade(D("1"), Some(timedelta(seconds=-1)))]).failure()
    assert bad.codes() == ("numeric.not_finite", "risk.trades.holding")


def test_round_trips_from_fills() -> None:
    t0 = datetime(2026, 1, 1)

    def fill(hours: int, symbol: str, qty: str, price: str, fee: str) -> DatedFill:
        return DatedFill(symbol, t0 + timedelta(hours=hours), Fill(D(qty), D(price), D(fee)))

    trades = round_trips([
        fill(0, "BTC", "1", "100", "1"),
        fill(1, "ETH", "-2", "50", "0.5"),
        fill(2, "BTC", "1", "110", "1"),      # average entry 105
        fill(5, "BTC", "-3", "120", "3"),     # closes 2 (+30), opens 1 short at 120
        fill(6, "ETH", "2", "40", "0.5"),     # closes the short: +20
        fill(9, "BTC", "1", "100", "1"),      # closes the short: +20
    ]).unwrap()
    # BTC #1: 30 - 1 - 1 - 3 * 2/3 = 26, held 5 h; ETH: 20 - 1 = 19, held 5 h;
    # BTC #2: 20 - 1 (its share of the reversing fee) - 1 = 18, held 4 h
    assert [(t.pnl, t.holding) for t in trades] == [
        (D("26"), Some(timedelta(hours=5))), (D("19"), Some(timedelta(hours=5))),
        (D("18"), Some(timedelta(hours=4)))]
    # the fees and the price P&L are conserved exactly: 30 + 20 + 20 - 7 = 63
    assert sum(t.pnl for t in trades) == 63
    assert round_trips([DatedFill("X", date(2026, 1, 1), Fill(D(1), D(1), D(0))),
                        DatedFill("X", datetime(2026, 1, 1), Fill(D(-1), D(1), D(0)))]
                       ).failure().code == "risk.metrics.dates"

"""Risk: pre-trade limits and metrics over return or equity series.

Metrics live in :mod:`~astratrade_core.risk.series` (returns, drawdowns, Ulcer index),
:mod:`~astratrade_core.risk.metrics` (volatility, Sharpe, Sortino, CAGR, Calmar, VaR/CVaR),
:mod:`~astratrade_core.risk.distribution` (skewness, kurtosis, Omega, tail ratio),
:mod:`~astratrade_core.risk.benchmark` (alpha, beta, correlation),
:mod:`~astratrade_core.risk.rolling`, :mod:`~astratrade_core.risk.calendar` (dates, periods
per year, monthly returns), :mod:`~astratrade_core.risk.trades` (trade statistics),
:mod:`~astratrade_core.risk.summary` and :mod:`~astratrade_core.risk.tearsheet`; the normal
distribution in :mod:`~astratrade_core.risk.stats`.  Formulas, conventions and the reference
each one is checked against are in ``docs/risk-metrics.md``.
"""

from astratrade_core.risk.benchmark import BenchmarkComparison, compare_to_benchmark
from astratrade_core.risk.calendar import (
    MonthlyRow,
    PeriodInference,
    infer_periods_per_year,
    monthly_returns,
)
from astratrade_core.risk.distribution import (
    MomentEstimator,
    kurtosis,
    omega_ratio,
    skewness,
    tail_ratio,
)
from astratrade_core.risk.limits import (
    MAX_TRADE_WINDOW,
    Exposure,
    RiskPolicy,
    check,
    evaluate,
)
from astratrade_core.risk.metrics import (
    DownsideDivisor,
    RateBasis,
    cagr,
    calmar_ratio,
    downside_deviation,
    historical_cvar,
    historical_var,
    parametric_cvar,
    parametric_var,
    sharpe_ratio,
    sortino_ratio,
    volatility,
)
from astratrade_core.risk.rolling import RollingPoint, default_window, rolling_metrics
from astratrade_core.risk.series import (
    LossSign,
    MaxDrawdown,
    drawdown_series,
    equity_curve,
    log_returns,
    max_drawdown,
    simple_returns,
    ulcer_index,
)
from astratrade_core.risk.stats import QuantileMethod, normal_cdf, normal_quantile
from astratrade_core.risk.summary import (
    DEFAULT_CONVENTIONS,
    MetricConventions,
    RiskSummary,
    SeriesKind,
    summarize,
)
from astratrade_core.risk.tearsheet import DrawdownDates, Tearsheet, tearsheet
from astratrade_core.risk.trades import (
    ClosedTrade,
    DatedFill,
    TradeStatistics,
    round_trips,
    trade_statistics,
)

__all__ = [
    "MAX_TRADE_WINDOW",
    "Exposure",
    "RiskPolicy",
    "check",
    "evaluate",
    "DEFAULT_CONVENTIONS",
    "BenchmarkComparison",
    "ClosedTrade",
    "DatedFill",
    "DownsideDivisor",
    "DrawdownDates",
    "LossSign",
    "MaxDrawdown",
    "MetricConventions",
    "MomentEstimator",
    "MonthlyRow",
    "PeriodInference",
    "QuantileMethod",
    "RateBasis",
    "RiskSummary",
    "RollingPoint",
    "SeriesKind",
    "Tearsheet",
    "TradeStatistics",
    "cagr",
    "calmar_ratio",
    "compare_to_benchmark",
    "default_window",
    "downside_deviation",
    "drawdown_series",
    "equity_curve",
    "historical_cvar",
    "historical_var",
    "infer_periods_per_year",
    "kurtosis",
    "log_returns",
    "max_drawdown",
    "monthly_returns",
    "normal_cdf",
    "normal_quantile",
    "omega_ratio",
    "parametric_cvar",
    "parametric_var",
    "rolling_metrics",
    "round_trips",
    "sharpe_ratio",
    "simple_returns",
    "skewness",
    "sortino_ratio",
    "summarize",
    "tail_ratio",
    "tearsheet",
    "trade_statistics",
    "ulcer_index",
    "volatility",
]

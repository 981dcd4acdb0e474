"""Risk: pre-trade limits and metrics over return or equity series.

Metrics (drawdown, VaR/CVaR, Sharpe, Sortino, Calmar, volatility) live in
:mod:`~astratrade_core.risk.series`, :mod:`~astratrade_core.risk.metrics` and
:mod:`~astratrade_core.risk.stats`; their conventions are in ``docs/risk-metrics.md``.
"""

from astratrade_core.risk.limits import (
    MAX_TRADE_WINDOW,
    Exposure,
    RiskPolicy,
    check,
    evaluate,
)
from astratrade_core.risk.metrics import (
    DEFAULT_CONVENTIONS,
    DownsideDivisor,
    MetricConventions,
    RateBasis,
    RiskSummary,
    SeriesKind,
    cagr,
    calmar_ratio,
    downside_deviation,
    historical_cvar,
    historical_var,
    parametric_cvar,
    parametric_var,
    sharpe_ratio,
    sortino_ratio,
    summarize,
    volatility,
)
from astratrade_core.risk.series import (
    LossSign,
    MaxDrawdown,
    drawdown_series,
    equity_curve,
    log_returns,
    max_drawdown,
    simple_returns,
)
from astratrade_core.risk.stats import QuantileMethod, normal_cdf, normal_quantile

__all__ = [
    "MAX_TRADE_WINDOW",
    "Exposure",
    "RiskPolicy",
    "check",
    "evaluate",
    "DEFAULT_CONVENTIONS",
    "DownsideDivisor",
    "LossSign",
    "MaxDrawdown",
    "MetricConventions",
    "QuantileMethod",
    "RateBasis",
    "RiskSummary",
    "SeriesKind",
    "cagr",
    "calmar_ratio",
    "downside_deviation",
    "drawdown_series",
    "equity_curve",
    "historical_cvar",
    "historical_var",
    "log_returns",
    "max_drawdown",
    "normal_cdf",
    "normal_quantile",
    "parametric_cvar",
    "parametric_var",
    "sharpe_ratio",
    "simple_returns",
    "sortino_ratio",
    "summarize",
    "volatility",
]

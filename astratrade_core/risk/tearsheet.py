"""The tearsheet: one value holding everything ``astratrade risk`` and ``report`` show.

:func:`tearsheet` validates a return or equity series with its optional dates, benchmark
series (of the same kind: returns against returns, prices against equity) and closed trades,
reporting every problem together, then gathers:

* the :class:`~astratrade_core.risk.summary.RiskSummary` of the series;
* the maximum drawdown's peak, trough and recovery **dates** (for returns, the equity point
  before the first return has no date: ``Nothing``);
* the monthly returns table (with dates), the rolling volatility and Sharpe ratio (window:
  ``rolling_window``, by default half a year of periods), the benchmark comparison and the
  trade statistics;
* the series to draw: the equity curve (for returns, compounded from 1), its drawdowns and the
  returns, rounded like every metric.

Positions: for an ``EQUITY`` series, equity point ``i`` is dated ``dates[i]`` and return ``i``
``dates[i + 1]``; for ``RETURNS``, return ``i`` is dated ``dates[i]`` and equity point ``i``
``dates[i - 1]`` (point 0 is the start).

>>> from datetime import date
>>> days = [date(2026, 1, d) for d in (5, 6, 7, 8)]
>>> t = tearsheet(["100", "120", "90", "130"], SeriesKind.EQUITY,
...               MetricConventions(periods_per_year=252, places=4), dates=days).unwrap()
>>> where = t.drawdown_dates.unwrap()
>>> [d.value_or(None) for d in (where.peak, where.trough, where.recovery)]
[datetime.date(2026, 1, 6), datetime.date(2026, 1, 7), datetime.date(2026, 1, 8)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import DecimalInput
from astratrade_core.risk.benchmark import (
    BenchmarkComparison,
    benchmark_comparison,
    comparison_of,
)
from astratrade_core.risk.calendar import MonthlyRow, check_dates, monthly_rows
from astratrade_core.risk.metrics import check_periods, check_risk_free
from astratrade_core.risk.rolling import (
    MAX_WINDOW,
    RollingPoint,
    default_window,
    rolling_of,
    rolling_points,
)
from astratrade_core.risk.series import (
    Inputs,
    drawdowns_of,
    equity_of,
    rounded,
    signed_loss,
    simple_returns_of,
)
from astratrade_core.risk.summary import (
    DEFAULT_CONVENTIONS,
    MetricConventions,
    RiskSummary,
    SeriesKind,
    summarize,
)
from astratrade_core.risk.trades import ClosedTrade, TradeStatistics, trade_statistics

__all__ = ["DrawdownDates", "Tearsheet", "tearsheet"]


@attrs.frozen(kw_only=True)
class DrawdownDates:
    """Where the maximum drawdown started, bottomed and ended, as dates."""

    peak: Maybe[date]
    trough: Maybe[date]
    recovery: Maybe[date]


@attrs.frozen(kw_only=True)
class Tearsheet:
    """Everything measured about one series (see the module docstring)."""

    summary: RiskSummary
    dates: tuple[date, ...]
    drawdown_dates: Maybe[DrawdownDates]
    monthly: tuple[MonthlyRow, ...]
    rolling_window: int
    rolling: tuple[RollingPoint, ...]
    benchmark: Maybe[BenchmarkComparison]
    trades: Maybe[TradeStatistics]
    equity: tuple[Decimal, ...]
    drawdowns: tuple[Decimal, ...]
    returns: tuple[Decimal, ...]

    def equity_date(self, index: int) -> Maybe[date]:
        """The date of equity point ``index`` (``Nothing`` undated, or for the start).

        >>> t = tearsheet(["0.1", "-0.1"], dates=[date(2026, 1, 1), date(2026, 1, 2)]).unwrap()
        >>> t.equity_date(0), t.equity_date(2).value_or(None)
        (<Nothing>, datetime.date(2026, 1, 2))
        """
        shift = 0 if self.summary.kind is SeriesKind.EQUITY else 1
        return _at(self.dates, index - shift)

    def return_date(self, index: int) -> Maybe[date]:
        """The date of return ``index`` (``Nothing`` when undated)."""
        shift = 1 if self.summary.kind is SeriesKind.EQUITY else 0
        return _at(self.dates, index + shift)


def _at(dates: tuple[date, ...], index: int) -> Maybe[date]:
    return Some(dates[index]) if 0 <= index < len(dates) else Nothing


def tearsheet(series: Iterable[DecimalInput], kind: SeriesKind = SeriesKind.RETURNS,
              conventions: MetricConventions = DEFAULT_CONVENTIONS, *,
              dates: Sequence[date] = (), benchmark: Iterable[DecimalInput] | None = None,
              trades: Iterable[ClosedTrade] | None = None,
              rolling_window: int | None = None) -> Result[Tearsheet, DomainError]:
    """Measure one series with its optional dates, benchmark and trades (see the module).

    >>> tearsheet(["0.1", "0.2"], benchmark=["0.1"]).failure().code
    'risk.metrics.benchmark_length'
    """
    values = tuple(series)
    c = conventions
    summary = summarize(values, kind, c)
    stats: Result[Maybe[TradeStatistics], DomainError] = (
        Success(Nothing) if trades is None
        else trade_statistics(trades, places=c.places, rounding=c.rounding).map(Some))
    # the summary reports every problem of the series and the conventions; parse them again
    # (quietly) for the parts the summary does not keep
    quiet = Inputs()
    parsed = (quiet.series(values, "equity", positive=True, minimum=2)
              if kind is SeriesKind.EQUITY else quiet.returns(values, compounding=True))
    periods = check_periods(quiet, c.periods_per_year)
    rate = check_risk_free(quiet, c.risk_free, c.risk_free_basis, periods)
    check = Inputs()
    against = () if benchmark is None else (
        check.series(benchmark, "benchmark", positive=True, minimum=2)
        if kind is SeriesKind.EQUITY else check.returns(benchmark))
    if benchmark is not None and parsed and against and len(against) != len(parsed):
        check.fail("risk.metrics.benchmark_length", "the benchmark must have one value per "
                   "value of the series", length=len(parsed), benchmark=len(against))
    if dates and parsed:
        match check_dates(dates, len(parsed)):
            case Failure(problem):
                check.problems.append(problem)
            case Success(_):
                pass
    window = check.integer(default_window(periods) if rolling_window is None else rolling_window,
                           "window", 2, MAX_WINDOW)
    for result in (summary, stats):
        match result:
            case Failure(problem):
                check.problems.append(problem)
            case Success(_):
                pass

    def compute() -> Result[Tearsheet, DomainError]:
        returns = simple_returns_of(parsed) if kind is SeriesKind.EQUITY else parsed
        curve = parsed if kind is SeriesKind.EQUITY else equity_of(parsed)
        bench = simple_returns_of(against) if kind is SeriesKind.EQUITY else against
        parts = _Parts(tuple(dates), returns, curve, bench, window, rate)
        return summary.bind(lambda done: stats.map(lambda traded: _sheet(done, traded, parts)))

    return check.then(compute)


@attrs.frozen
class _Parts:
    dates: tuple[date, ...]
    returns: tuple[Decimal, ...]
    curve: tuple[Decimal, ...]
    bench: tuple[Decimal, ...]
    window: int
    rate: Decimal


def _sheet(summary: RiskSummary, traded: Maybe[TradeStatistics], parts: _Parts) -> Tearsheet:
    dates, returns, curve, bench = parts.dates, parts.returns, parts.curve, parts.bench
    window, rate = parts.window, parts.rate
    c = summary.conventions
    digits, rounding = c.places, c.rounding
    drawdown = summary.max_drawdown
    dated = Tearsheet(
        summary=summary, dates=dates, drawdown_dates=Nothing, monthly=(),
        rolling_window=window,
        rolling=rolling_points(rolling_of(returns, window, c.ddof, rate, c.periods_per_year)
                               if window > c.ddof else [], digits, rounding),
        benchmark=(Some(benchmark_comparison(comparison_of(returns, bench, rate,
                                                           c.periods_per_year),
                                             len(returns), digits, rounding))
                   if bench else Nothing),
        trades=traded,
        equity=tuple(rounded(e, digits, rounding) for e in curve),
        drawdowns=tuple(rounded(signed_loss(d, c.loss_sign), digits, rounding)
                        for d in drawdowns_of(curve)),
        returns=tuple(rounded(r, digits, rounding) for r in returns),
    )
    if not dates:
        return dated
    return_dates = [dated.return_date(i).value_or(dates[0]) for i in range(len(returns))]
    return attrs.evolve(
        dated,
        drawdown_dates=Some(DrawdownDates(
            peak=dated.equity_date(drawdown.peak_index),
            trough=dated.equity_date(drawdown.trough_index),
            recovery=drawdown.recovery_index.bind(dated.equity_date))),
        monthly=monthly_rows(return_dates, returns, digits, rounding),
    )

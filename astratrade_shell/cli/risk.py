"""``astratrade risk FILE``: every risk metric of a dated or undated series, from a CSV file.

The numbers come from :func:`astratrade_core.risk.tearsheet.tearsheet`; this module reads the
file (the value column, the date column, a benchmark column, a trades or fills file), maps the
options to :class:`~astratrade_core.risk.summary.MetricConventions` and prints the result with
the conventions it used.  ``astratrade report`` reads its input through the same functions
(:func:`risk_options`, :func:`load_tearsheet`) and shows the same :func:`metric_rows`, so the
page and ``risk --json`` cannot disagree.

**Columns.**  The date column is ``--date-column``, else the first column named like a date
(``date``, ``time``, ``timestamp``, ``datetime``, ``day``) or whose first value is an ISO date.
The value column is ``--column``, else the first other column that is not ``--benchmark``.
``--kind`` defaults from the value column's name: ``equity``, ``balance``, ``nav``, ``value``,
``price``, ``close`` mean account values; anything else means per-period returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
import click
from returns.maybe import Maybe, Some
from returns.result import Failure, Success

from astratrade_core.numeric import parse_decimal
from astratrade_core.risk.calendar import infer_periods_per_year
from astratrade_core.risk.distribution import MomentEstimator
from astratrade_core.risk.summary import MetricConventions, SeriesKind
from astratrade_core.risk.tearsheet import Tearsheet, tearsheet
from astratrade_core.risk.trades import ClosedTrade, DatedFill, round_trips
from astratrade_core.trading.fills import Fill
from astratrade_shell.cli.batchfile import open_path, open_table
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.rows import Value, json_value, print_table, render_value

__all__ = ["RiskInput", "load_tearsheet", "metric_rows", "monthly_rows", "risk",
           "risk_options", "rolling_rows"]

F = TypeVar("F", bound=Callable[..., Any])

_DATE_NAMES: Final = ("date", "time", "timestamp", "datetime", "day")
_EQUITY_NAMES: Final = ("equity", "balance", "nav", "value", "price", "close", "portfolio")
_PNL_NAMES: Final = ("pnl", "profit_abs", "profit", "realized_pnl", "net_pnl")
_OPEN_NAMES: Final = ("open_date", "open_time", "opened_at", "entry_time", "entry_date")
_CLOSE_NAMES: Final = ("close_date", "close_time", "closed_at", "exit_time", "exit_date")
_MICROSECOND: Final = timedelta(microseconds=1)
_MONTHS: Final = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                  "dec")


@attrs.frozen(kw_only=True)
class RiskInput:
    """What ``risk`` and ``report`` were asked to measure, as the options gave it."""

    file: str
    column: str | None
    date_column: str | None
    benchmark: str | None
    kind: str | None
    trades: str | None
    periods_per_year: str | None
    risk_free: str
    confidence: str
    ddof: str
    places: str
    rolling_window: str | None
    moments: str
    required_return: str
    tail_cutoff: str


#: The core's name of each convention -> the option that sets it (so errors name the option).
_CONVENTION_OPTIONS: Final = {
    "periods_per_year": "--periods-per-year", "ddof": "--ddof", "places": "--places",
    "risk_free": "--risk-free", "confidence": "--confidence", "moment_estimator": "--moments",
    "omega_required_return": "--required-return", "tail_cutoff": "--tail-cutoff",
    "rolling_window": "--rolling-window",
}


def risk_options(command: F) -> F:
    """The input options shared by ``risk`` and ``report`` (applied to ``command``)."""
    options = [
        click.argument("file", metavar="FILE"),
        click.option("--column", default=None,
                     help="Column holding the series [default: the first that is neither the "
                          "date nor the benchmark column]."),
        click.option("--date-column", default=None,
                     help="Column of ISO dates or datetimes [default: detected]."),
        click.option("--benchmark", default=None, metavar="COLUMN",
                     help="Column of a benchmark of the same kind (alpha, beta, correlation)."),
        click.option("--kind", type=click.Choice([k.value for k in SeriesKind]), default=None,
                     help="What the column holds [default: equity if its name says so "
                          "(equity, balance, nav, value, price, close), else returns]."),
        click.option("--trades", default=None, metavar="FILE",
                     help="Trade statistics from a CSV of closed trades (a pnl or profit_abs "
                          "column, optional open/close dates) or of fills (time, symbol, "
                          "side, quantity, price, fee)."),
        click.option("--periods-per-year", default=None,
                     help="Periods per year [default: inferred from the dates, else 252]."),
        click.option("--risk-free", default="0", show_default=True,
                     help="Risk-free rate PER PERIOD as a fraction."),
        click.option("--confidence", default="0.95", show_default=True,
                     help="VaR/CVaR confidence in [0, 1]; 1 gives the worst return, 0 the "
                          "best (parametric VaR/CVaR are empty there)."),
        click.option("--ddof", default="1", show_default=True,
                     help="Delta degrees of freedom of the standard deviation (1 = sample)."),
        click.option("--places", default="12", show_default=True,
                     help="Decimal places of every result (rounded half-even)."),
        click.option("--rolling-window", default=None,
                     help="Periods in the rolling Sharpe/volatility window [default: half a "
                          "year of periods, 126 at 252]."),
        click.option("--moments", type=click.Choice([m.value for m in MomentEstimator]),
                     default="sample", show_default=True,
                     help="Skewness/kurtosis estimator: sample (pandas) or population."),
        click.option("--required-return", default="0", show_default=True,
                     help="Omega ratio's ANNUAL required return as a fraction."),
        click.option("--tail-cutoff", default="0.95", show_default=True,
                     help="Tail ratio quantile: q(cutoff) / q(1 - cutoff)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]   # (line number, cells)

    def index(self, name: str, option: str) -> int:
        if name in self.header:
            return self.header.index(name)
        raise CliFailure.bad_input(f"{option}: no column {name!r} (columns: "
                                   f"{', '.join(self.header)})")

    def column(self, index: int) -> list[tuple[int, str]]:
        out = []
        for line, cells in self.rows:
            if len(cells) <= index or not cells[index].strip():
                raise CliFailure.bad_input(f"line {line}: missing {self.header[index]}")
            out.append((line, cells[index].strip()))
        return out


def _read(path: str) -> _Table:
    """The whole table, read with the batch reader's bounds (line, field and header limits,
    duplicate columns refused, UTF-8 only): a series is held in memory, its lines are not
    allowed to grow without bound."""
    with open_path(path) as binary, open_table(binary, ",") as table:
        return _Table(table.header, tuple((line, tuple(cells)) for line, cells in table.rows()))


def parse_instant(text: str) -> date | None:
    """An ISO date (``2026-01-31``) or datetime (``2026-01-31T12:00:00Z``), else ``None``.

    >>> parse_instant("2026-01-31"), parse_instant("2026-01-31 12:30")
    (datetime.date(2026, 1, 31), datetime.datetime(2026, 1, 31, 12, 30))
    >>> parse_instant("0.01") is None
    True
    """
    text = text.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if len(text) < 10 or not text[:4].isdigit():
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _date_index(table: _Table, option: str | None, taken: set[int]) -> int | None:
    if option is not None:
        return table.index(option, "--date-column")
    for index, name in enumerate(table.header):
        if index not in taken and name.lower() in _DATE_NAMES:
            return index
    first = table.rows[0][1] if table.rows else ()
    for index, cell in enumerate(first):
        if index not in taken and index < len(table.header) and parse_instant(cell) is not None:
            return index
    return None


def _dates(table: _Table, index: int) -> list[date]:
    out = []
    for line, text in table.column(index):
        parsed = parse_instant(text)
        if parsed is None:
            raise CliFailure.bad_input(f"line {line}: {table.header[index]}: not an ISO date "
                                       f"or datetime: {text[:40]!r}")
        out.append(parsed)
    return out


def _numbers(table: _Table, index: int) -> list[str]:
    values = []
    for line, text in table.column(index):
        match parse_decimal(text, table.header[index]):
            case Failure(problem):
                raise CliFailure.bad_input(f"line {line}: {problem}")
            case _:
                values.append(text)
    return values


def _integer(name: str, text: str) -> int:
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9):
        raise CliFailure.bad_input(f"--{name.replace('_', '-')}: expected a small "
                                   f"non-negative integer, got {text[:20]!r}")
    return int(cleaned)


def _decimal(name: str, text: str) -> Decimal:
    parsed = parse_decimal(text, f"--{name.replace('_', '-')}")
    match parsed:
        case Failure(problem):
            raise CliFailure.of(problem)
        case _:
            return parsed.value_or(Decimal(0))


@attrs.frozen(kw_only=True)
class Loaded:
    """A measured series and where its periods per year came from."""

    sheet: Tearsheet
    periods_source: str


def load_tearsheet(given: RiskInput) -> Loaded:
    """Read the input files, build the conventions, measure (or raise a ``CliFailure``)."""
    table = _read(given.file)
    taken: set[int] = set()
    bench_index = None if given.benchmark is None else table.index(given.benchmark,
                                                                   "--benchmark")
    if bench_index is not None:
        taken.add(bench_index)
    date_index = _date_index(table, given.date_column, taken)
    if date_index is not None:
        taken.add(date_index)
    if given.column is not None:
        value_index = table.index(given.column, "--column")
    else:
        free = [i for i in range(len(table.header)) if i not in taken]
        if not free:
            raise CliFailure.bad_input("line 1: no column left for the series (columns: "
                                       f"{', '.join(table.header)})")
        value_index = free[0]
    name = table.header[value_index].lower()
    kind = SeriesKind(given.kind) if given.kind else (
        SeriesKind.EQUITY if name in _EQUITY_NAMES else SeriesKind.RETURNS)
    values = _numbers(table, value_index)
    dates = _dates(table, date_index) if date_index is not None else []
    periods, source = _periods(given.periods_per_year, dates)
    conventions = MetricConventions(
        periods_per_year=periods, ddof=_integer("ddof", given.ddof),
        places=_integer("places", given.places),
        risk_free=_decimal("risk_free", given.risk_free),
        confidence=_decimal("confidence", given.confidence),
        moment_estimator=MomentEstimator(given.moments),
        omega_required_return=_decimal("required_return", given.required_return),
        tail_cutoff=_decimal("tail_cutoff", given.tail_cutoff))
    window = (None if given.rolling_window is None
              else _integer("rolling_window", given.rolling_window))
    trades = None if given.trades is None else _trades(given.trades)
    bench = None if bench_index is None else _numbers(table, bench_index)
    match tearsheet(values, kind, conventions, dates=dates, benchmark=bench, trades=trades,
                    rolling_window=window):
        case Success(sheet):
            return Loaded(sheet=sheet, periods_source=source)
        case Failure(problem):
            raise CliFailure.of(problem, _CONVENTION_OPTIONS)
    raise AssertionError("unreachable")  # pragma: no cover


def _periods(option: str | None, dates: Sequence[date]) -> tuple[int, str]:
    if option is not None:
        return _integer("periods_per_year", option), "option"
    if len(dates) >= 2:
        match infer_periods_per_year(dates):
            case Success(inferred):
                return inferred.periods_per_year, f"inferred ({inferred.frequency})"
            case Failure(problem):
                raise CliFailure.of(problem)
    return 252, "default"


def _trades(path: str) -> tuple[ClosedTrade, ...]:
    table = _read(path)
    lower = tuple(h.lower().replace(" ", "_") for h in table.header)
    pnl = next((lower.index(n) for n in _PNL_NAMES if n in lower), None)
    if pnl is not None:
        return _closed_trades(table, lower, pnl)
    needed = ("time", "symbol", "side", "quantity", "price")
    missing = [n for n in needed if n not in lower]
    if missing:
        raise CliFailure.bad_input(
            f"--trades {path}: line 1: expected a pnl (or profit_abs) column for closed "
            f"trades, or fill columns time, symbol, side, quantity, price[, fee]; missing "
            f"{', '.join(missing)}")
    return _fills(table, lower)


def _closed_trades(table: _Table, lower: tuple[str, ...], pnl: int) -> tuple[ClosedTrade, ...]:
    opened = next((lower.index(n) for n in _OPEN_NAMES if n in lower), None)
    closed = next((lower.index(n) for n in _CLOSE_NAMES if n in lower), None)
    pnls = _numbers(table, pnl)
    if opened is None or closed is None:
        return tuple(ClosedTrade(Decimal(p)) for p in pnls)
    starts, ends = _dates(table, opened), _dates(table, closed)
    trades = []
    for line_cells, p, start, end in zip(table.rows, pnls, starts, ends, strict=True):
        try:
            held: Maybe[timedelta] = Some(end - start)
        except TypeError:  # a date and a datetime, or naive and aware datetimes
            raise CliFailure.bad_input(f"line {line_cells[0]}: open and close times must be "
                                       "both dates or both datetimes of one kind") from None
        trades.append((end, ClosedTrade(Decimal(p), held)))
    try:
        trades.sort(key=lambda item: item[0])
    except TypeError:
        raise CliFailure.bad_input("close times must all be of one kind") from None
    return tuple(trade for _, trade in trades)


def _fills(table: _Table, lower: tuple[str, ...]) -> tuple[ClosedTrade, ...]:
    at = _dates(table, lower.index("time"))
    symbols = [s for _, s in table.column(lower.index("symbol"))]
    sides = [s.lower() for _, s in table.column(lower.index("side"))]
    quantities = _numbers(table, lower.index("quantity"))
    prices = _numbers(table, lower.index("price"))
    fees = _numbers(table, lower.index("fee")) if "fee" in lower else ["0"] * len(at)
    fills = []
    for (line, _), when, symbol, side, qty, price, fee in zip(
            table.rows, at, symbols, sides, quantities, prices, fees, strict=True):
        if side not in ("buy", "sell"):
            raise CliFailure.bad_input(f"line {line}: side must be buy or sell, got {side!r}")
        signed = qty if side == "buy" else f"-{qty.lstrip('+-')}"
        match Fill.of(signed, price, fee):
            case Success(fill):
                fills.append(DatedFill(symbol, when, fill))
            case Failure(problem):
                raise CliFailure.bad_input(f"line {line}: {problem}")
    trades = round_trips(fills)
    match trades:
        case Failure(problem):
            raise CliFailure.of(problem)
        case _:
            return trades.value_or(())


def _maybe(value: Maybe[Any]) -> Any:
    return value.value_or(None)


def _date_text(value: Maybe[date]) -> str | None:
    return value.map(lambda d: d.isoformat()).value_or(None)


def metric_rows(loaded: Loaded) -> dict[str, Value]:
    """Every metric as a named value (the JSON keys and the report's table), conventions last."""
    sheet = loaded.sheet
    summary = sheet.summary
    c = summary.conventions
    drawdown = summary.max_drawdown
    where = sheet.drawdown_dates
    rows: dict[str, Value] = {
        "observations": summary.observations,
        "periods": summary.periods,
        "start_date": sheet.dates[0].isoformat() if sheet.dates else None,
        "end_date": sheet.dates[-1].isoformat() if sheet.dates else None,
        "total_return": summary.total_return,
        "cagr": _maybe(summary.cagr),
        "mean_return": summary.mean_return,
        "volatility": summary.volatility,
        "downside_deviation": summary.downside_deviation,
        "sharpe": _maybe(summary.sharpe),
        "sortino": _maybe(summary.sortino),
        "max_drawdown": drawdown.fraction,
        "max_drawdown_amount": drawdown.amount,
        "drawdown_peak_index": drawdown.peak_index,
        "drawdown_trough_index": drawdown.trough_index,
        "drawdown_recovery_index": _maybe(drawdown.recovery_index),
        "drawdown_duration": drawdown.duration,
        "drawdown_peak_date": _date_text(where.bind(lambda w: w.peak)),
        "drawdown_trough_date": _date_text(where.bind(lambda w: w.trough)),
        "drawdown_recovery_date": _date_text(where.bind(lambda w: w.recovery)),
        "calmar": _maybe(summary.calmar),
        "ulcer_index": summary.ulcer_index,
        "historical_var": summary.historical_var,
        "historical_cvar": summary.historical_cvar,
        "parametric_var": _maybe(summary.parametric_var),
        "parametric_cvar": _maybe(summary.parametric_cvar),
        "skewness": _maybe(summary.skewness),
        "kurtosis": _maybe(summary.kurtosis),
        "omega": _maybe(summary.omega),
        "tail_ratio": _maybe(summary.tail_ratio),
        "rolling_window": sheet.rolling_window,
        "rolling_sharpe_last": (_maybe(sheet.rolling[-1].sharpe) if sheet.rolling else None),
        "rolling_volatility_last": sheet.rolling[-1].volatility if sheet.rolling else None,
    }
    match sheet.benchmark:
        case Some(bench):
            rows.update(benchmark_beta=_maybe(bench.beta), benchmark_alpha=_maybe(bench.alpha),
                        benchmark_correlation=_maybe(bench.correlation))
        case _:
            pass
    match sheet.trades:
        case Some(t):
            held = t.average_holding.map(lambda h: Decimal(h // _MICROSECOND) / 1_000_000)
            rows.update(
                trades=t.trades, trade_wins=t.wins, trade_losses=t.losses,
                trade_draws=t.draws, win_rate=t.win_rate, gross_profit=t.gross_profit,
                gross_loss=t.gross_loss, net_profit=t.net_profit,
                profit_factor=_maybe(t.profit_factor), average_win=_maybe(t.average_win),
                average_loss=_maybe(t.average_loss), payoff_ratio=_maybe(t.payoff_ratio),
                expectancy=t.expectancy, expectancy_ratio=_maybe(t.expectancy_ratio),
                sqn=_maybe(t.sqn), max_consecutive_wins=t.max_consecutive_wins,
                max_consecutive_losses=t.max_consecutive_losses,
                largest_win=_maybe(t.largest_win), largest_loss=_maybe(t.largest_loss),
                average_holding_seconds=_maybe(held))
        case _:
            pass
    rows.update({
        "kind": summary.kind.value,
        "periods_per_year": c.periods_per_year,
        "periods_per_year_source": loaded.periods_source,
        "ddof": c.ddof,
        "risk_free_per_period": c.risk_free,
        "target_return": c.target_return,
        "confidence": c.confidence,
        "loss_sign": c.loss_sign.value,
        "downside_divisor": c.downside_divisor.value,
        "quantile_method": c.quantile_method.value,
        "moments": c.moment_estimator.value,
        "omega_required_return": c.omega_required_return,
        "tail_cutoff": c.tail_cutoff,
    })
    return rows


def monthly_rows(sheet: Tearsheet) -> list[dict[str, Value]]:
    """The monthly returns table: one row per year, ``jan`` .. ``dec`` and ``year``."""
    return [{"year": row.year,
             **{m: _maybe(v) for m, v in zip(_MONTHS, row.months, strict=True)},
             "total": row.total} for row in sheet.monthly]


def rolling_rows(sheet: Tearsheet) -> list[dict[str, Value]]:
    """The rolling window's points, labelled by the date of their last return if dated."""
    return [{"index": p.end_index, "date": _date_text(sheet.return_date(p.end_index)),
             "sharpe": _maybe(p.sharpe), "volatility": p.volatility} for p in sheet.rolling]


def _json(rows: Mapping[str, Value]) -> dict[str, object]:
    return {k: json_value(v) for k, v in rows.items()}


@click.command(help="""Risk metrics of a series read from a CSV file, dated or not.

\b
FILE is a CSV with a header ('-' reads stdin). A date,equity file works as it is: the date
column is detected (or --date-column), the value column is the first other one (or
--column), and a column named equity/balance/nav/value/price/close is read as account
values (--kind equity), anything else as per-period SIMPLE returns (0.01 = +1 %).
With dates, periods per year are inferred (daily with weekends 365, business days 252,
weekly 52, monthly 12...) and drawdowns are labelled with dates.
\b
Conventions (empyrical-compatible defaults, all shown in the output):
  * volatility = std(r, ddof) * sqrt(P); sharpe = mean(r - rf) / std(r - rf, ddof) * sqrt(P)
  * sortino = mean(r - target) * P / downside deviation over ALL observations
  * max_drawdown is a positive fraction of the peak; indexes are 0-based positions in the
    equity curve (for returns, the curve starts at 1 before the first return)
  * historical VaR/CVaR at --confidence (linear quantile; 1 = worst return, 0 = best),
    parametric (normal) VaR/CVaR per period; losses are POSITIVE numbers
  * skewness/kurtosis: pandas' bias-corrected sample estimators, EXCESS kurtosis
  * omega: empyrical's, threshold rf + the annual --required-return made per period;
    tail_ratio: |q(0.95) / q(0.05)|; ulcer_index: root mean square drawdown (fraction)
  * alpha/beta (empyrical): beta = cov / var(benchmark); alpha compounded over P
  * trade statistics (freqtrade's formulas) from --trades
  * every value is exact Decimal arithmetic rounded once, half-even, to --places
Undefined ratios (zero volatility, no drawdown) are empty (JSON null). --json adds the
monthly returns table and the rolling series.

\b
Example: astratrade risk equity.csv --json
""")
@risk_options
@click.option("--json", "as_json", is_flag=True, help="Exact JSON (decimals as strings).")
def risk(*, as_json: bool, **options: Any) -> None:
    """The ``risk`` command."""
    loaded = load_tearsheet(RiskInput(**options))
    rows = metric_rows(loaded)
    if as_json:
        payload: dict[str, object] = _json(rows)
        payload["monthly_returns"] = [_json(r) for r in monthly_rows(loaded.sheet)]
        payload["rolling"] = [_json(r) for r in rolling_rows(loaded.sheet)]
        click.echo(json.dumps(payload, separators=(",", ":")))
        return
    print_table(rows)
    months = monthly_rows(loaded.sheet)
    if months:
        click.echo("\nmonthly returns")
        header = ["year", *_MONTHS, "total"]
        click.echo("  ".join(h.rjust(8) for h in header))
        for row in months:
            click.echo("  ".join(render_value(row[h]).rjust(8) for h in header))

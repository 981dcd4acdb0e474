"""``astratrade risk FILE``: every risk metric of a return or equity series from a CSV column.

The numbers come from :func:`astratrade_core.risk.metrics.summarize`; this module reads the
column (streaming the file; the metrics need the whole series, which is kept as text), maps
the options to :class:`~astratrade_core.risk.metrics.MetricConventions` and prints the result
with the conventions it used.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping
from decimal import Decimal
from typing import TextIO

import click
from returns.maybe import Maybe
from returns.result import Failure

from astratrade_core.numeric import parse_decimal
from astratrade_core.risk.metrics import MetricConventions, RiskSummary, SeriesKind, summarize
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.rows import Value, json_value, print_table

__all__ = ["risk", "summary_rows"]


def _read_column(source: TextIO, column: str | None) -> list[str]:
    reader = csv.reader(source)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise CliFailure.bad_input("line 1: the CSV file is empty (a header is required)"
                                   ) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CliFailure.bad_input(f"line 1: unreadable CSV ({exc})") from None
    if column is None:
        index = 0
    elif column in header:
        index = header.index(column)
    else:
        raise CliFailure.bad_input(f"line 1: no column {column!r} (columns: "
                                   f"{', '.join(header)})")
    values: list[str] = []
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) <= index or not row[index].strip():
                raise CliFailure.bad_input(f"line {reader.line_num}: missing value")
            text = row[index].strip()
            if isinstance(parse_decimal(text), Failure):
                raise CliFailure.bad_input(f"line {reader.line_num}: "
                                           f"{parse_decimal(text, header[index]).failure()}")
            values.append(text)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CliFailure.bad_input(f"line {reader.line_num}: unreadable CSV ({exc})") from None
    return values


def _maybe(value: Maybe[Decimal]) -> Decimal | None:
    return value.value_or(None)


def summary_rows(summary: RiskSummary) -> dict[str, Value]:
    """The metrics as named values (also the JSON keys), conventions last."""
    c = summary.conventions
    drawdown = summary.max_drawdown
    return {
        "observations": summary.observations,
        "periods": summary.periods,
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
        "drawdown_duration": drawdown.duration,
        "calmar": _maybe(summary.calmar),
        "historical_var": summary.historical_var,
        "historical_cvar": summary.historical_cvar,
        "parametric_var": summary.parametric_var,
        "parametric_cvar": summary.parametric_cvar,
        "periods_per_year": c.periods_per_year,
        "ddof": c.ddof,
        "risk_free_per_period": c.risk_free,
        "target_return": c.target_return,
        "confidence": c.confidence,
        "loss_sign": c.loss_sign.value,
        "downside_divisor": c.downside_divisor.value,
        "quantile_method": c.quantile_method.value,
    }


@click.command(help="""Risk metrics of a series read from one CSV column.

\b
FILE is a CSV with a header ('-' reads stdin); --column picks the column (default: the
first). --kind returns: per-period SIMPLE returns as fractions (0.01 = +1 %);
--kind equity: account values, turned into returns.
\b
Conventions (empyrical-compatible defaults, all shown in the output):
  * volatility = std(r, ddof) * sqrt(periods_per_year)
  * sharpe = mean(r - rf) / std(r - rf, ddof) * sqrt(periods_per_year)
  * sortino = mean(r - target) * P / downside deviation, the downside deviation dividing
    the sum of squared shortfalls by ALL observations
  * max_drawdown is a positive fraction of the peak; indexes are 0-based positions in
    the equity curve (for returns, the curve starts at 1 before the first return)
  * historical VaR/CVaR at --confidence (linear quantile), parametric (normal) VaR/CVaR
    per period; losses are reported as POSITIVE numbers
  * every value is exact Decimal arithmetic rounded once, half-even, to --places
Undefined ratios (zero volatility, no drawdown) are empty (JSON null).

\b
Example: astratrade risk returns.csv --periods-per-year 365 --json
""")
@click.argument("file", metavar="FILE")
@click.option("--column", default=None, help="Column holding the series [default: first].")
@click.option("--kind", type=click.Choice([k.value for k in SeriesKind]), default="returns",
              show_default=True, help="What the column holds.")
@click.option("--periods-per-year", default="252", show_default=True,
              help="Periods per year for annualising (252 trading days, 365, 12...).")
@click.option("--risk-free", default="0", show_default=True,
              help="Risk-free rate PER PERIOD as a fraction.")
@click.option("--confidence", default="0.95", show_default=True,
              help="VaR/CVaR confidence as a fraction.")
@click.option("--ddof", default="1", show_default=True,
              help="Delta degrees of freedom of the standard deviation (1 = sample).")
@click.option("--places", default="12", show_default=True,
              help="Decimal places of every result (rounded half-even).")
@click.option("--json", "as_json", is_flag=True, help="Exact JSON (decimals as strings).")
def risk(*, file: str, column: str | None, kind: str, periods_per_year: str, risk_free: str,
         confidence: str, ddof: str, places: str, as_json: bool) -> None:
    """The ``risk`` command."""
    integers = _integers({"periods_per_year": periods_per_year, "ddof": ddof, "places": places})
    decimals = {}
    for name, text in (("risk_free", risk_free), ("confidence", confidence)):
        parsed = parse_decimal(text, name)
        if isinstance(parsed, Failure):
            raise CliFailure.of(parsed.failure())
        decimals[name] = parsed.unwrap()
    conventions = MetricConventions(
        periods_per_year=integers["periods_per_year"], ddof=integers["ddof"],
        places=integers["places"], risk_free=decimals["risk_free"],
        confidence=decimals["confidence"])
    if file == "-":
        values = _read_column(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig",
                                               newline=""), column)
    else:
        try:
            with open(file, encoding="utf-8-sig", newline="") as source:
                values = _read_column(source, column)
        except OSError as exc:
            raise CliFailure.bad_input(f"cannot read {file}: {exc.strerror}") from None
    result = summarize(values, SeriesKind(kind), conventions)
    if isinstance(result, Failure):
        raise CliFailure.of(result.failure())
    rows = summary_rows(result.unwrap())
    if as_json:
        click.echo(json.dumps({k: json_value(v) for k, v in rows.items()},
                              separators=(",", ":")))
    else:
        print_table(rows)


def _integers(texts: Mapping[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for name, text in texts.items():
        cleaned = text.strip()
        if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= 9):
            raise CliFailure.bad_input(f"{name}: expected a small non-negative integer, got "
                                       f"{text[:20]!r}")
        found[name] = int(cleaned)
    return found

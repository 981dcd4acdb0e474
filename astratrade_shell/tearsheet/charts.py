"""The report's charts, drawn with matplotlib (imported lazily, off-screen "Agg"/SVG backends).

Each function takes a :class:`~astratrade_core.risk.tearsheet.Tearsheet` and returns a
:class:`Chart`: a matplotlib figure rendered as inline SVG text (for the self-contained HTML
page) and, on request, as PNG or SVG bytes (``astratrade report --export-dir``).  The figures
only *draw* the core's exact numbers; converting a Decimal to float here is for plotting
coordinates and never flows back into a result.

Charts: the equity curve, the underwater (drawdown) curve, the monthly returns heatmap, the
rolling Sharpe ratio and the distribution of returns.  A chart without data (an undated
series has no months; fewer returns than the window have no rolling points) is left out.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from astratrade_core.risk.tearsheet import Tearsheet

if TYPE_CHECKING:  # matplotlib is imported lazily: it costs ~0.3 s and only the report needs it
    from matplotlib.figure import Figure

__all__ = ["Chart", "charts"]

_BLUE = "#1f5aa6"
_RED = "#c0392b"
_SIZE = (8.0, 2.8)


@attrs.frozen
class Chart:
    """One rendered chart: a file-name stem, a title and the figure in each format."""

    name: str
    title: str
    svg: str
    png: bytes


def _points(values: Sequence[Decimal]) -> list[float]:
    return [float(v) for v in values]  # plotting coordinates only


def _x(sheet: Tearsheet, count: int, label: Callable[[int], Any]) -> list[Any]:
    if not sheet.dates:
        return list(range(count))
    labels = [label(i).value_or(None) for i in range(count)]
    if labels and labels[0] is None:  # the start of a returns series, one step before
        first, second = sheet.dates[0], sheet.dates[min(1, len(sheet.dates) - 1)]
        labels[0] = first - (second - first) if second != first else first
    return labels


def _figure() -> Figure:
    from matplotlib.figure import Figure  # noqa: PLC0415 - lazy: only the report draws

    figure = Figure(figsize=_SIZE, dpi=100, layout="constrained")
    return figure


def _render(name: str, title: str, figure: Figure) -> Chart:
    svg, png = io.StringIO(), io.BytesIO()
    figure.savefig(svg, format="svg", metadata={"Date": None})
    figure.savefig(png, format="png")
    text = svg.getvalue()
    return Chart(name, title, text[text.index("<svg"):], png.getvalue())


def _equity(sheet: Tearsheet) -> Chart:
    figure = _figure()
    axes = figure.add_subplot()
    xs = _x(sheet, len(sheet.equity), sheet.equity_date)
    axes.plot(xs, _points(sheet.equity), color=_BLUE, linewidth=1.4)
    axes.set_ylabel("equity")
    axes.grid(alpha=0.3)
    return _render("equity", "Equity", figure)


def _underwater(sheet: Tearsheet) -> Chart:
    figure = _figure()
    axes = figure.add_subplot()
    xs = _x(sheet, len(sheet.drawdowns), sheet.equity_date)
    depth = [-abs(v) for v in _points(sheet.drawdowns)]
    axes.fill_between(xs, depth, 0, color=_RED, alpha=0.45, linewidth=0)
    axes.plot(xs, depth, color=_RED, linewidth=0.8)
    axes.set_ylabel("drawdown")
    axes.grid(alpha=0.3)
    return _render("drawdown", "Drawdown (underwater)", figure)


def _heatmap(sheet: Tearsheet) -> Chart:
    figure = _figure()
    axes = figure.add_subplot()
    grid = [[(float(m.value_or(Decimal(0))) if m.value_or(None) is not None else float("nan"))
             for m in row.months] for row in sheet.monthly]
    finite = [abs(v) for row in grid for v in row if not math.isnan(v)]
    limit = max(finite, default=0.0) or 1.0
    image = axes.imshow(grid, cmap="RdYlGn", vmin=-limit, vmax=limit, aspect="auto")
    axes.set_xticks(range(12), ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"])
    axes.set_yticks(range(len(sheet.monthly)), [str(row.year) for row in sheet.monthly])
    for y, row in enumerate(sheet.monthly):
        for x, month in enumerate(row.months):
            value = month.value_or(None)
            if value is not None:
                axes.text(x, y, f"{float(value) * 100:.1f}", ha="center", va="center",
                          fontsize=7)
    figure.colorbar(image, ax=axes, shrink=0.8)
    return _render("monthly", "Monthly returns (%)", figure)


def _rolling(sheet: Tearsheet) -> Chart:
    figure = _figure()
    axes = figure.add_subplot()
    xs: list[Any] = ([sheet.return_date(p.end_index).value_or(date.min) for p in sheet.rolling]
                     if sheet.dates else [p.end_index for p in sheet.rolling])
    ys = [float(p.sharpe.value_or(Decimal(0))) if p.sharpe.value_or(None) is not None
          else float("nan") for p in sheet.rolling]
    axes.plot(xs, ys, color=_BLUE, linewidth=1.2)
    axes.axhline(0, color="#555555", linewidth=0.8)
    axes.set_ylabel(f"Sharpe ({sheet.rolling_window} periods)")
    axes.grid(alpha=0.3)
    return _render("rolling_sharpe", "Rolling Sharpe ratio", figure)


def _distribution(sheet: Tearsheet) -> Chart:
    figure = _figure()
    axes = figure.add_subplot()
    values = _points(sheet.returns)
    axes.hist(values, bins=min(50, max(5, len(values) // 4)), color=_BLUE, alpha=0.8)
    axes.axvline(0, color="#555555", linewidth=0.8)
    axes.set_xlabel("return per period")
    axes.set_ylabel("count")
    return _render("distribution", "Distribution of returns", figure)


def charts(sheet: Tearsheet) -> tuple[Chart, ...]:
    """Every chart the tearsheet has data for, in reading order."""
    drawn = [_equity(sheet), _underwater(sheet)]
    if sheet.monthly:
        drawn.append(_heatmap(sheet))
    if sheet.rolling:
        drawn.append(_rolling(sheet))
    drawn.append(_distribution(sheet))
    return tuple(drawn)

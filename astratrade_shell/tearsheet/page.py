"""One self-contained HTML page: the metrics table, the monthly table and the charts.

Nothing is fetched when the page is viewed: the styles are inline and each chart is an inline
``<svg>`` element, so the file can be mailed or opened offline.  Every metric cell carries
``data-metric="<name>"`` and shows exactly the text ``astratrade risk`` prints for it (the
same :func:`~astratrade_shell.cli.risk.metric_rows`, rendered by the same function), which is
how the browser test checks the page against ``risk --json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from astratrade_shell.cli.rows import Value, render_value
from astratrade_shell.tearsheet.charts import Chart

__all__ = ["render_page"]

_STYLE = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222;
       background: #fff; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; }
p.note { color: #555; font-size: 12px; margin-top: 0; }
table { border-collapse: collapse; font-size: 12px; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td.name, th.name { text-align: left; }
.columns { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
figure { margin: 12px 0; } figcaption { font-weight: bold; font-size: 13px; }
svg { max-width: 100%; height: auto; }
"""


def _metrics_table(rows: Mapping[str, Value]) -> str:
    body = "".join(
        f'<tr><td class="name">{escape(name)}</td>'
        f'<td data-metric="{escape(name)}">{escape(render_value(value))}</td></tr>'
        for name, value in rows.items())
    return f'<table id="metrics"><tr><th class="name">metric</th><th>value</th></tr>{body}</table>'


def _monthly_table(months: Sequence[Mapping[str, Value]]) -> str:
    if not months:
        return ""
    header = list(months[0])
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td data-month="{escape(render_value(row["year"]))}-{escape(h)}">'
                         f"{escape(render_value(row[h]))}</td>" for h in header) + "</tr>"
        for row in months)
    return (f'<h2>Monthly returns</h2><table id="monthly"><tr>{head}</tr>{body}</table>')


def render_page(title: str, rows: Mapping[str, Value],
                months: Sequence[Mapping[str, Value]], drawn: Sequence[Chart]) -> str:
    """The complete HTML document."""
    figures = "".join(
        f'<figure id="chart-{escape(chart.name)}"><figcaption>{escape(chart.title)}'
        f"</figcaption>{chart.svg}</figure>" for chart in drawn)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<p class="note">Exact Decimal metrics from astratrade_core; conventions are listed '
        "at the end of the table. Charts plot the same numbers.</p>"
        f'<div class="columns"><div>{_metrics_table(rows)}</div><div>{figures}</div></div>'
        f"{_monthly_table(months)}"
        "</body></html>\n")

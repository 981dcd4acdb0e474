"""``astratrade report FILE``: the risk metrics and their charts as one self-contained HTML page.

It reads its input exactly as ``astratrade risk`` does (the same options, the same
:func:`~astratrade_shell.cli.risk.load_tearsheet`) and shows the same metric rows, so every
number on the page equals ``risk --json`` on the same file.  The charts come from
:mod:`astratrade_shell.tearsheet` (matplotlib, in the ``dev`` and ``report`` extras, imported
by this command).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.risk import (
    RiskInput,
    load_tearsheet,
    metric_rows,
    monthly_rows,
    risk_options,
)

__all__ = ["report"]


@click.command(help="""Write an HTML tearsheet: metrics table and charts of a CSV series.

\b
Takes the same FILE and options as `astratrade risk` (see its --help): a date,equity file
works as it is. The page shows every metric of `risk` (same text, same rounding) and
charts of the equity curve, the drawdown (underwater) curve, the monthly returns heatmap,
the rolling Sharpe ratio and the distribution of returns. It is one file with inline SVG
charts: viewing it needs no network.
\b
Needs matplotlib (pip install 'astratrade[report]').
\b
Example: astratrade report equity.csv -o tearsheet.html --export-dir charts --format png
""")
@risk_options
@click.option("-o", "--output", default="report.html", show_default=True, metavar="PATH",
              help="Where to write the HTML page.")
@click.option("--title", default=None, help="Page title [default: the file name].")
@click.option("--export-dir", default=None, metavar="DIR",
              help="Also write each chart as a file into DIR.")
@click.option("--format", "image_format", type=click.Choice(["svg", "png"]), default="svg",
              show_default=True, help="Format of the exported charts.")
def report(*, output: str, title: str | None, export_dir: str | None, image_format: str,
           **options: Any) -> None:
    """The ``report`` command."""
    given = RiskInput(**options)
    loaded = load_tearsheet(given)
    try:
        from astratrade_shell.tearsheet import charts, render_page  # noqa: PLC0415 - matplotlib
    except ImportError as exc:
        raise CliFailure.bad_input(f"the report needs matplotlib ({exc}); install it with "
                                   "pip install 'astratrade[report]'") from None
    drawn = charts(loaded.sheet)
    page = render_page(title or f"Tearsheet: {os.path.basename(given.file)}",
                       metric_rows(loaded), monthly_rows(loaded.sheet), drawn)
    try:
        Path(output).write_text(page, encoding="utf-8")
        if export_dir is not None:
            folder = Path(export_dir)
            folder.mkdir(parents=True, exist_ok=True)
            for chart in drawn:
                target = folder / f"{chart.name}.{image_format}"
                if image_format == "svg":
                    target.write_text(chart.svg, encoding="utf-8")
                else:
                    target.write_bytes(chart.png)
    except OSError as exc:
        raise CliFailure.bad_input(f"cannot write {exc.filename}: {exc.strerror}") from None
    click.echo(output)

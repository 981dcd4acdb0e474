"""The HTML tearsheet: charts (matplotlib, imported lazily) and one self-contained page."""

from astratrade_shell.report.charts import Chart, charts
from astratrade_shell.report.page import render_page

__all__ = ["Chart", "charts", "render_page"]

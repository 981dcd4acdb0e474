"""The HTML tearsheet of ``astratrade report``: charts (matplotlib) and one offline page."""

from astratrade_shell.tearsheet.charts import Chart, charts
from astratrade_shell.tearsheet.page import render_page

__all__ = ["Chart", "charts", "render_page"]

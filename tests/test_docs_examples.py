"""The Python examples of the README and the guides run, so what a reader copies stays true.

Each page's ```` ```python ```` blocks are doctests.  A page either runs every block on its
own (``shared=False``: each block imports what it uses) or runs them in order in one
namespace (``shared=True``: a block sees the names the earlier ones made, as a reader
following the page does).  Each page also has a least number of blocks and of examples, so
a page losing its examples fails here instead of passing vacuously.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Page(NamedTuple):
    """A page whose examples run: its path, how, and the least it must hold."""

    path: str
    shared: bool
    min_examples: int
    min_blocks: int = 1


PAGES = (
    Page("README.md", shared=False, min_examples=8),
    Page("docs/risk-metrics.md", shared=False, min_examples=3),
    Page("docs/testing.md", shared=False, min_examples=3),
    Page("docs/gamification.md", shared=False, min_examples=10),
    Page("docs/revenue-and-defi.md", shared=False, min_examples=10, min_blocks=2),
    Page("docs/social.md", shared=True, min_examples=20, min_blocks=3),
    Page("docs/trading.md", shared=False, min_examples=3),
    Page("docs/portfolio.md", shared=False, min_examples=3),
    Page("docs/exchanges.md", shared=False, min_examples=3),
    Page("docs/performance.md", shared=False, min_examples=3),
    Page("docs/events.md", shared=True, min_examples=9, min_blocks=3),
    # Runs against the suite's PostgreSQL server ($ASTRATRADE_PG_URL, set by `make pytest`).
    Page("docs/deployment.md", shared=True, min_examples=8),
)


@pytest.mark.parametrize("page", PAGES, ids=[p.path for p in PAGES])
def test_python_examples_run(page: Page) -> None:
    path = ROOT / page.path
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= page.min_blocks, f"{page.path} has {len(blocks)} python blocks"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict[str, object] = {}
    for index, block in enumerate(blocks):
        test = doctest.DocTestParser().get_doctest(
            block, namespace if page.shared else {}, f"{page.path}[{index}]", str(path), 0)
        runner.run(test, clear_globs=not page.shared)
        if page.shared:
            namespace = test.globs
    result = runner.summarize(verbose=False)
    assert result.attempted >= page.min_examples
    assert result.failed == 0

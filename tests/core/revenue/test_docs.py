"""The examples in docs/revenue-and-defi.md run, so the page stays true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[3] / "docs" / "revenue-and-defi.md"


def test_the_revenue_and_defi_page_examples_run() -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for index, block in enumerate(blocks):  # each block stands alone
        runner.run(doctest.DocTestParser().get_doctest(block, {}, f"page[{index}]",
                                                       str(PAGE), 0))
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10
    assert result.failed == 0

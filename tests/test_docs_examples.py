"""The Python examples of the risk, testing and performance guides run, so the docs stay
true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("name", ["risk-metrics.md", "testing.md", "performance.md"])
def test_python_examples_run(name: str) -> None:
    path = DOCS / name
    blocks = re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    assert blocks, f"{name} has no python example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for index, block in enumerate(blocks):
        runner.run(doctest.DocTestParser().get_doctest(block, {}, f"{name}[{index}]", str(path),
                                                        0))
    result = runner.summarize(verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0

"""The README's library tour is executed, so the first thing a newcomer reads stays true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "the README has no python example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for index, block in enumerate(blocks):
        test = doctest.DocTestParser().get_doctest(block, {}, f"README[{index}]", str(README), 0)
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 8
    assert result.failed == 0

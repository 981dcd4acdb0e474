"""The examples in ``docs/gamification.md`` run, so the guide stays true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "gamification.md"


def test_the_gamification_guide_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for index, block in enumerate(blocks):
        runner.run(doctest.DocTestParser().get_doctest(block, {}, f"guide[{index}]",
                                                       str(GUIDE), 0))
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10 and result.failed == 0

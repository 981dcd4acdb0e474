"""``docs/social.md``'s examples run, in order, in one namespace, so the guide stays true."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "social.md"


def test_the_social_guide_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict[str, object] = {}
    for index, block in enumerate(blocks):   # each block sees the names the earlier ones made
        test = doctest.DocTestParser().get_doctest(block, namespace, f"social.md[{index}]",
                                                   str(GUIDE), 0)
        runner.run(test, clear_globs=False)
        namespace = test.globs
    result = runner.summarize(verbose=False)
    assert result.attempted >= 20
    assert result.failed == 0

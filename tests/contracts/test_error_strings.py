"""Every error string the contracts can panic with is asserted by some test.

The strings are enumerated from the Cairo sources (every short-string ``felt252`` constant of
``contracts/src``: the ``Errors`` modules and the math modules' error constants; the test-only
``testing/`` contracts excluded); each must occur,
quoted, in a test module of ``tests/contracts`` (the tests assert messages with
``match=`` or ``==`` on the decoded panic, so an occurrence is an assertion that reaches it).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "contracts" / "src"
CONSTANT = re.compile(r"const \w+: felt252 = '(?P<text>[^']+)';")


def error_strings() -> set[str]:
    found: set[str] = set()
    for path in SOURCES.rglob("*.cairo"):
        if "testing" in path.parts:
            continue
        found.update(m["text"] for m in CONSTANT.finditer(path.read_text()))
    return found


def asserted_text() -> str:
    here = Path(__file__)
    return "\n".join(p.read_text() for p in here.parent.glob("*.py") if p != here)


def test_the_enumeration_finds_every_contract_family() -> None:
    prefixes = {text.split(":")[0] for text in error_strings()}
    assert prefixes >= {"access", "alloc", "erc20", "exchange", "inverse", "math", "oracle",
                        "paymaster", "pausable", "reentrancy", "rewards", "staking", "trading",
                        "upgrade", "vault", "votes", "govtoken", "governor"}


def test_every_error_string_is_reached_by_a_test() -> None:
    text = asserted_text()
    unreached = sorted(s for s in error_strings()
                       if f'"{s}"' not in text and f"'{s}'" not in text and s not in text)
    assert unreached == []

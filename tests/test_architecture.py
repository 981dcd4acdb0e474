"""The core is pure: it imports only the standard library's pure modules, attrs, returns and
pyrsistent; it never reads a clock, touches a global decimal context or imports the shell."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parent.parent / "astratrade_core"

ALLOWED_ROOTS = {
    "__future__", "abc", "array", "bisect", "collections", "dataclasses", "datetime", "decimal",
    "enum", "fractions", "functools", "hashlib", "heapq", "itertools", "json", "math",
    "operator", "re", "string", "types", "typing", "zoneinfo", "attr", "attrs", "returns",
    "pyrsistent", "typing_extensions", "astratrade_core",
}
# Strategies for users' tests may import hypothesis; nothing else in the core may.
TESTING_EXTRA = {"hypothesis"}
# The columnar kernels (and only they) run on numpy; importing the core never imports them.
BATCH_MODULE = "batch.py"
BATCH_EXTRA = {"numpy"}
# The lazy re-exports of the packages' __init__ modules import their modules by name.
EXPORTS_MODULE = "exports.py"
EXPORTS_EXTRA = {"importlib"}
FORBIDDEN_ATTRIBUTES = {
    "now", "utcnow", "today", "getcontext", "setcontext", "localcontext", "time_ns",
    "perf_counter", "monotonic",
}
FORBIDDEN_NAMES = {"open", "print", "input", "eval", "exec", "float"}


def _modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def _violations(path: Path, root: Path = CORE) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = ALLOWED_ROOTS | (TESTING_EXTRA if "testing" in path.parts else set()) | (
        BATCH_EXTRA if path.name == BATCH_MODULE and path.parent.name == "astratrade_core"
        else set()) | (
        EXPORTS_EXTRA if path.name == EXPORTS_MODULE and path.parent.name == "astratrade_core"
        else set())
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        else:
            names = []
        found += [f"imports {n}" for n in names if n.split(".")[0] not in allowed]
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"uses .{node.attr}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in FORBIDDEN_NAMES):
            found.append(f"calls {node.func.id}()")
    return [f"{path.relative_to(root.parent)}:{v}" for v in found]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_is_pure(path: Path) -> None:
    assert _violations(path) == []


def test_the_checker_catches_impurity(tmp_path: Path) -> None:
    bad = tmp_path / "astratrade_core" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "import os\nimport astratrade_shell\nfrom datetime import datetime\n"
        "x = datetime.now()\nimport decimal\ndecimal.getcontext()\nprint(float('1'))\n"
    )
    problems = _violations(bad, root=bad.parent)
    assert sorted(problems) == sorted([
        "astratrade_core/bad.py:imports os",
        "astratrade_core/bad.py:imports astratrade_shell",
        "astratrade_core/bad.py:uses .now",
        "astratrade_core/bad.py:uses .getcontext",
        "astratrade_core/bad.py:calls print()",
        "astratrade_core/bad.py:calls float()",
    ])


def test_numpy_only_in_the_batch_kernels(tmp_path: Path) -> None:
    core = tmp_path / "astratrade_core"
    (core / "trading").mkdir(parents=True)
    (core / "batch.py").write_text("import numpy as np\n")
    (core / "trading" / "batch.py").write_text("import numpy\n")
    (core / "fast.py").write_text("from numpy import int64\n")
    assert _violations(core / "batch.py", root=core) == []
    assert _violations(core / "trading" / "batch.py", root=core) == [
        "astratrade_core/trading/batch.py:imports numpy"]
    assert _violations(core / "fast.py", root=core) == ["astratrade_core/fast.py:imports numpy"]


def test_importing_the_core_does_not_import_numpy() -> None:
    probe = ("import sys, astratrade_core, astratrade_core.trading, astratrade_core.risk; "
             "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"

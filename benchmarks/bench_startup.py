"""Start-up cost: ``import astratrade_core`` and one-row command-line calls, each in a fresh
interpreter, against a bare ``python -c pass`` started the same way in the same run.

The core's package ``__init__`` modules re-export lazily (``astratrade_core/exports.py``), so
``import astratrade_core`` imports no subpackage; the command line imports a command's module
only when it runs.  Each figure is the child's CPU time (user + system, from
``getrusage(RUSAGE_CHILDREN)``): on a loaded machine the elapsed time of a 50 ms process
mostly measures the scheduler.  Best of several runs, candidates and the baseline
alternating.  The children may write bytecode (into
a temporary ``PYTHONPYCACHEPREFIX``, after one warm-up run), as an installed package has it:
with ``PYTHONDONTWRITEBYTECODE`` every start would compile every module it imports.

* ``import astratrade_core``: the import's own time, timed inside the child (what it adds to
  the bare interpreter's start).  Target: < 80 ms.
* ``astratrade --help`` and ``astratrade pnl --quantity ... --entry ... --price ...`` (one row):
  the whole call.  Target: < 150 ms.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchmarks.harness import Comparison

__all__ = ["run"]

_BARE = [sys.executable, "-c", "pass"]
_IMPORT = [sys.executable, "-c", "import time; t = time.process_time(); import astratrade_core; "
           "print(time.process_time() - t)"]
_CLI = [sys.executable, "-m", "astratrade_shell.cli"]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("astratrade")
    return [str(script)] if script.exists() else _CLI


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(argv: Sequence[str], env: Mapping[str, str]) -> float:
    """CPU seconds of the child, or the time it prints itself (the import row)."""
    started = _children_cpu()
    out = subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         env=env, text=True)
    spent = _children_cpu() - started
    return float(out.stdout) if argv is _IMPORT else spent


def _best(commands: dict[str, list[str]], repeats: int) -> dict[str, float]:
    best = dict.fromkeys(commands, float("inf"))
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for argv in commands.values():
            _once(argv, env)  # writes the bytecode
        for _ in range(repeats):
            for name, argv in commands.items():  # alternating, so load hits every one alike
                best[name] = min(best[name], _once(argv, env))
    return best


def run(quick: bool) -> list[Comparison]:
    cli = _cli()
    best = _best({"bare": _BARE, "import": _IMPORT, "help": [*cli, "--help"],
                  "pnl": [*cli, "pnl", "--quantity", "-0.5", "--entry", "30000",
                          "--price", "29000"]}, 3 if quick else 15)
    bare = best["bare"]
    return [
        Comparison("import astratrade_core (inside the child)", best["import"],
                   "python -c pass", bare, "import", "< 80 ms", "cpu"),
        Comparison("astratrade --help", best["help"], "python -c pass", bare, "call",
                   "< 150 ms", "cpu"),
        Comparison("astratrade pnl, one row", best["pnl"], "python -c pass", bare, "call",
                   "< 150 ms", "cpu"),
    ]

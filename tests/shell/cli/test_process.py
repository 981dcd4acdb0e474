"""The real ``astratrade`` process: exit codes, one-line errors, no tracebacks, streaming."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def astratrade(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "astratrade_shell.cli", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)


def test_help_and_a_calculation_succeed() -> None:
    top = astratrade("--help")
    assert top.returncode == 0
    assert "Commands:" in top.stdout
    done = astratrade("pnl", "--quantity", "-0.5", "--entry", "30000", "--price", "29000",
                      "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["pnl"] == "500.0"  # -0.5 * (29000 - 30000)


def test_bad_input_never_shows_a_traceback() -> None:
    for args in (("pnl", "--quantity", "1e999999999", "--entry", "1", "--price", "1"),
                 ("size",), ("pnl", "--csv", "/nonexistent/file.csv")):
        done = astratrade(*args)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")


def test_a_large_batch_streams_through_stdin() -> None:
    rows = "quantity,entry,price\n" + "".join(f"{i},100,101\n" for i in range(1, 20_001))
    done = astratrade("pnl", "--csv", "-", "--json", stdin=rows)
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) == 20_000
    assert json.loads(lines[-1])["pnl"] == "20000"  # 20000 * (101 - 100)


def test_a_closed_pipe_ends_quietly() -> None:
    rows = "quantity,entry,price\n" + "1,100,101\n" * 50_000
    command = (f"{sys.executable} -m astratrade_shell.cli pnl --csv - | head -n 2; "
               "exit ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", command], input=rows, capture_output=True, text=True,
                          cwd=ROOT, timeout=60, check=False)
    assert done.stdout.splitlines() == ["quantity,entry,price,pnl,roi_percent,error",
                                        "1,100,101,1,1.00,"]
    assert (done.returncode, done.stderr) == (0, "")

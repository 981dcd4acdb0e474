"""The benchmark harness: every benchmark runs at its ``--quick`` sizes and reports rows whose
targets parse; the command line prints usage, refuses unknown names and writes its JSON.

Nothing here asserts a timing: targets are measured by ``make bench``, never by tests."""

from __future__ import annotations

import importlib
import json
import math
from pathlib import Path

import pytest

from benchmarks.__main__ import available, main
from benchmarks.harness import Comparison, Target, format_table

# bus needs a Redis server (ASTRATRADE_REDIS_URL, set by `make test`); without one it says
# so and reports no rows, which is what this test then sees.
NAMES = available()


def test_every_module_is_listed() -> None:
    assert {"bus", "codec", "leaderboard", "replay", "revenue", "risk", "service", "store",
            "trading"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_benchmark_runs_and_reports(name: str) -> None:
    rows = importlib.import_module(f"benchmarks.bench_{name}").run(True)
    assert isinstance(rows, list)
    for row in rows:
        assert isinstance(row, Comparison)
        assert math.isfinite(row.candidate_s) and row.candidate_s > 0, row
        assert math.isfinite(row.baseline_s) and row.baseline_s > 0, row
        assert row.met in (True, False, None)  # the target parses
    assert format_table(rows).count("\n") == len(rows) + 1


def _row(candidate: float, baseline: float, target: str) -> Comparison:
    return Comparison("x", candidate, "y", baseline, "event", target)


@pytest.mark.parametrize(("target", "candidate", "baseline", "met"), [
    ("<= 10x", 10.0, 1.0, True),            # exactly at the bound
    ("<= 10x", 10.01, 1.0, False),
    ("<= 4x parsing; < 1 s per 100k", 4e-6, 1e-6, True),
    ("< 1x (replay faster)", 1.0, 1.0, False),  # strict: equal is not faster
    ("< 1x", 0.99, 1.0, True),
    ("<= 2.0 (>= 0.5x speed)", 2.0, 1.0, True),
    ("< 0.5 s", 0.5, 9.0, False),
    ("< 0.5 s", 0.499, 9.0, True),
    ("< 100 us", 99e-6, 1.0, True),
    ("< 5 ms per quantile", 4e-3, 1.0, True),
    ("< 1 s per 100k", 1e-5, 1.0, False),   # 100,000 * 1e-5 s = 1 s, not below
    ("< 1 s per 100k", 0.9e-5, 1.0, True),
    (">= 1M events/s", 1e-6, 1.0, True),    # exactly 1,000,000 per second
    (">= 1M events/s", 1.01e-6, 1.0, False),
    ("~500k events/s", 2e-6, 1.0, True),
    ("<= 4x, >= 1M events/s", 1e-6, 0.3e-6, True),
    ("<= 4x; >= 1M events/s", 1e-6, 0.2e-6, False),
    ("(for the record)", 5.0, 1.0, None),
    ("the accounting floor", 5.0, 1.0, None),
    ("", 5.0, 1.0, None),
])
def test_targets(target: str, candidate: float, baseline: float, met: bool | None) -> None:
    assert _row(candidate, baseline, target).met is met


@pytest.mark.parametrize("bad", ["<= ten", "< 3 parsecs", ">= 1M", "~fast"])
def test_a_malformed_target_is_an_error(bad: str) -> None:
    with pytest.raises(ValueError, match="cannot read the target"):
        Target.parse(bad)


def test_help_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "usage: python -m benchmarks" in out
    assert "--quick" in out and ", ".join(NAMES) in out.replace("\n", " ")


def test_an_unknown_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["codec", "nope"])
    assert exit_.value.code == 2
    assert "unknown benchmark(s) nope" in capsys.readouterr().err


def test_a_subset_prints_one_table_and_writes_json(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "results.json"
    assert main(["--quick", "--output", str(output), "codec"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == ["figure", "time/unit", "baseline",
                                             "baseline", "time", "ratio", "target", "met"]
    results = json.loads(output.read_text())
    assert results["quick"] is True and results["benchmarks"] == ["codec"]
    assert [r["figure"] for r in results["rows"]] == [
        line.split("  ")[0] for line in table.splitlines()[2:]]
    assert all(r["met"] in (True, False, None) for r in results["rows"])
    assert {r["clock"] for r in results["rows"]} == {"cpu"}  # codec is CPU-bound

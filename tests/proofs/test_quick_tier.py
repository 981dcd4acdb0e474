"""``make test`` exercises the verification pipeline: the quick tier runs green, in budget, and
its mutants are killed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_tier_is_green_and_kills_its_mutants(tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    completed = subprocess.run(
        [sys.executable, "-m", "proofs", "run", "--tier", "quick", "--report", str(report_path)],
        cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=600, check=False)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    not_green = [(p["key"], p["status"], p["detail"]) for p in report["properties"]
                 if p["status"] not in ("proven", "checked")]
    assert not_green == [], completed.stdout[-3000:]
    assert report["mutants"]["total"] >= 2
    assert report["mutants"]["killed"] == report["mutants"]["total"], report["mutants"]
    assert report["seconds"] <= report["budget_seconds"]
    assert report["ok"] is True and completed.returncode == 0, completed.stderr[-3000:]
    methods = {p["method"] for p in report["properties"]}
    assert {"Z3", "CrossHair", "Hypothesis"} <= methods
    assert "property" in completed.stdout and "kill rate" in completed.stdout

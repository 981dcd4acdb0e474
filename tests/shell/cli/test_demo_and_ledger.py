"""``astratrade demo``, ``replay`` and ``audit verify`` end to end on real SQLite files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from astratrade_shell.cli import cli

ROOT = Path(__file__).resolve().parents[3]


def demo(path: Path, seed: int = 7) -> list[str]:
    result = CliRunner().invoke(cli, ["demo", "--users", "8", "--days", "6", "--seed",
                                      str(seed), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def report_lines(lines: list[str], folder: Path) -> list[str]:
    """Everything but the lines naming the store path and the run time."""
    return [line for line in lines if str(folder) not in line and not line.startswith("Ran")]


def test_the_demo_is_deterministic_for_a_seed_and_verifies_itself(tmp_path: Path) -> None:
    first = demo(tmp_path / "a.db")
    second = demo(tmp_path / "b.db")
    assert report_lines(first, tmp_path) == report_lines(second, tmp_path)
    assert report_lines(demo(tmp_path / "c.db", seed=8), tmp_path) != report_lines(first,
                                                                                   tmp_path)
    text = "\n".join(first)
    for section in ("XP leaderboard", "Equity and P&L per account", "Risk events",
                    "Revenue by stream", "records verified",
                    "projections rebuilt from the store equal the live ones"):
        assert section in text
    assert f"Replay: astratrade replay --store {tmp_path / 'a.db'}" in first


def test_replay_prints_the_same_read_models_as_the_demo(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    shown = demo(path)
    replayed = CliRunner().invoke(cli, ["replay", "--store", str(path)])
    assert replayed.exit_code == 0
    body = replayed.stdout.splitlines()[:-2]  # the last lines count the events
    start = shown.index(body[0])
    assert shown[start:start + len(body)] == body


def test_audit_verify_passes_then_names_a_tampered_record(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    demo(path)
    ok = CliRunner().invoke(cli, ["audit", "verify", "--store", str(path)])
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: ")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE events SET data = replace(data, 'trader', 'TRADER') WHERE position = 5")
    conn.commit()
    conn.close()
    broken = CliRunner().invoke(cli, ["audit", "verify", "--store", str(path)])
    assert broken.exit_code == 1
    assert broken.stderr.strip() == ("error: store.audit_broken: record at position 5: its "
                                     "hash does not match its content and its predecessor")


def test_missing_and_corrupt_stores_are_bad_input(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    for command in (["replay"], ["audit", "verify"]):
        for path, code in ((tmp_path / "none.db", "store.missing"), (garbage, "store.corrupt")):
            result = CliRunner().invoke(cli, [*command, "--store", str(path)])
            assert result.exit_code == 2
            assert result.stderr.startswith(f"error: {code}")
    existing = tmp_path / "taken.db"
    existing.write_bytes(b"")
    refused = CliRunner().invoke(cli, ["demo", "--store", str(existing)])
    assert refused.exit_code == 2 and "already exists" in refused.stderr


def test_the_demo_runs_as_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "astratrade_shell.cli", "demo", "--users",
                           "10", "--days", "4", "--store", str(tmp_path / "p.db")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "records verified" in done.stdout


def test_the_demo_can_replay_prices_from_a_csv(tmp_path: Path) -> None:
    prices = tmp_path / "prices.csv"
    rows = ["step,symbol,price"]
    for step in range(40):  # a steady climb, then a crash: stops, targets, liquidations
        btc = 60000 + 300 * step if step < 25 else 67500 - 2500 * (step - 25)
        eth = 3000 + 10 * step if step < 25 else 3250 - 120 * (step - 25)
        rows += [f"{step},BTCUSD,{btc}", f"{step},ETHUSD,{eth}"]
    prices.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(cli, ["demo", "--users", "10", "--days", "7", "--prices",
                                      str(prices), "--store", str(tmp_path / "p.db")])
    assert result.exit_code == 0, result.output
    assert "projections rebuilt from the store equal the live ones" in result.stdout
    lacking = tmp_path / "btc-only.csv"
    lacking.write_text("step,symbol,price\n1,BTCUSD,60000\n")
    refused = CliRunner().invoke(cli, ["demo", "--prices", str(lacking), "--store",
                                       str(tmp_path / "q.db")])
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"error: {lacking} has no prices for ETHUSD"

"""The exit-code contract: bad input 2, rule refusals 1, environment failures 5, a closed pipe
0 -- each as one ``error:`` line naming what the user typed, never a traceback.

The bad inputs are the ones reviewers found exiting 1 (issue 12) and the attacks on the
boundaries (issue 13), run through the real ``astratrade`` process where the environment
matters (a full disk, a closed stdout, an endless stdin).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from astratrade_shell.cli import cli
from astratrade_shell.cli.main import EXIT_CODES

ROOT = Path(__file__).resolve().parents[3]
COMMAND = [sys.executable, "-m", "astratrade_shell.cli"]

#: (arguments, stdin, the text the single error line must contain)
BAD_INPUT = [
    (("allocate", "--total", "1", "--currency", "USD", "--weights", "abc"), None,
     "--weights item 1: not a decimal number ('abc')"),
    (("allocate", "--total", "1", "--currency", "USD", "--weights", "1,,2"), None,
     "--weights item 2: empty value"),
    (("allocate", "--total", "1", "--currency", "USD", "--weights", "50%,50%"), None,
     "--weights item 1: a percentage is not accepted here"),
    (("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10", "--mmr",
      "1.5"), None, "--mmr must be below 1"),
    (("level", "--xp", "1000000000000000001"), None, "--xp must be in [0, "),
    (("allocate", "--total", "1", "--currency", "XYZ", "--minor-unit", "-5", "--weights", "1"),
     None, "--minor-unit must be 0..18"),
    (("risk", "-", "--confidence", "95"), "r\n0.01\n0.02\n0.03\n", "--confidence"),
    (("risk", "-", "--places", "100"), "r\n0.01\n0.02\n0.03\n", "--places"),
    (("risk", "-", "--periods-per-year", "0"), "r\n0.01\n0.02\n0.03\n", "--periods-per-year"),
    (("pnl", "--quantity", "1", "--entry", "", "--price", "2"), None, "--entry: empty value"),
    (("kelly", "--win-rate", "1.2", "--payoff-ratio", "2"), None,
     "--win-rate: must be in [0, 1]"),
    (("funding", "--quantity", "1", "--mark", "-5", "--rate", "0.01"), None,
     "--mark: must be greater than zero"),
    (("stops", "--side", "long", "--entry", "100", "--risk", "2", "--reward-ratio", "2"),
     None, "--risk: must be in (0, leverage)"),
    (("nft-sale", "--price", "10", "--platform-fee-bps", "10001", "--royalty-bps", "0"), None,
     "--platform-fee-bps: expected whole basis points 0..10000"),
    (("year-fraction", "--start", "2026-02-30", "--end", "2026-03-01"), None,
     "--start: no such date '2026-02-30'"),
    (("lending-rate", "--utilization", "0.5", "--slope1", "0.04", "--slope2", "0.75",
      "--optimal", "1"), None, "--optimal"),
    (("interest", "--principal", "1.0000001", "--rate", "0.05", "--days", "1", "--decimals",
      "6"), None, "--principal: 1.0000001 has more decimal places than the scale 10^6 holds"),
]

#: (arguments, the error code of the rule that refuses)
REFUSED = [
    (("size", "--balance", "100", "--risk", "0.01", "--entry", "2000", "--stop", "1950",
      "--lot-size", "0.01", "--min-notional", "50"), "sizing.min_notional"),
    (("liquidation", "--side", "long", "--entry", "50000", "--quantity", "20", "--leverage",
      "75", "--symbol", "BTCUSDT"), "margin.tier_leverage"),
    (("stops", "--side", "long", "--entry", "100", "--risk", "0.0001", "--reward-ratio", "2",
      "--tick-size", "0.05"), "stops.too_tight"),
    (("nft-sale", "--price", "0.10", "--platform-fee-bps", "250", "--royalty-bps", "500",
      "--fixed-fee", "0.10"), "marketplace.price_below_costs"),
]


@pytest.mark.parametrize(("args", "stdin", "fragment"), BAD_INPUT)
def test_bad_input_exits_2_naming_the_option(args: tuple[str, ...], stdin: str | None,
                                             fragment: str) -> None:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert fragment in lines[0]


@pytest.mark.parametrize(("args", "code"), REFUSED)
def test_rule_refusals_exit_1(args: tuple[str, ...], code: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {code}")


def test_a_position_liquidated_on_opening_is_refused() -> None:
    # 10x long at 50,000 with a maintenance rate of 20 %: 5,000 of margin against 10,000 of
    # maintenance -- its "liquidation price" (50000 - 5000) / 0.8 = 56,250 lies above the
    # entry. The core refuses it (margin.liquidated_on_open); the CLI reports the refusal.
    result = CliRunner().invoke(cli, ["liquidation", "--side", "long", "--entry", "50000",
                                      "--leverage", "10", "--mmr", "0.2"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: margin.liquidated_on_open")


def test_the_exit_code_table_is_documented() -> None:
    assert sorted(EXIT_CODES) == [0, 1, 2, 3, 4, 5]
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES.items():
        assert f"| {code} | {meaning} |" in docs


def astratrade(shell: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``astratrade`` through bash (for redirections); ``$A`` is the command."""
    command = " ".join(COMMAND)
    return subprocess.run(["bash", "-c", shell.replace("$A", command)], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, check=False)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_a_full_disk_is_an_environment_failure() -> None:
    done = astratrade("$A pnl --quantity 1 --entry 1 --price 2 > /dev/full")
    assert done.returncode == 5
    assert one_error_line(done) == "error: input/output failed: No space left on device"


def test_a_closed_stdout_is_an_environment_failure() -> None:
    done = astratrade("$A pnl --quantity 1 --entry 1 --price 2 >&-")
    assert done.returncode == 5
    assert one_error_line(done) == "error: standard output is closed"


def test_a_non_utf8_file_is_an_environment_failure(tmp_path: Path) -> None:
    source = tmp_path / "prices.csv"
    source.write_bytes(b"quantity,entry,price\n1,2,\xff\n")
    done = astratrade(f"$A pnl --csv {source}")
    assert done.returncode == 5
    assert one_error_line(done) == "error: line 2: not UTF-8 text (byte 0xff at column 5)"


def test_a_path_longer_than_the_system_allows_is_an_environment_failure() -> None:
    done = astratrade("$A pnl --csv /tmp/" + "x" * 5000)
    assert done.returncode == 5
    line = one_error_line(done)
    assert line.endswith(": File name too long")
    assert len(line) < 120  # the path is quoted by a short prefix only


def test_an_endless_stdin_stops_with_an_error_instead_of_growing() -> None:
    started = time.monotonic()
    done = astratrade("$A pnl --csv - < /dev/zero", timeout=30)
    assert time.monotonic() - started < 30
    assert done.returncode == 2
    assert one_error_line(done) == "error: line 1: longer than 65536 bytes (the limit for " \
                                   "one line)"


def test_a_closed_pipe_ends_quietly() -> None:
    rows = "quantity,entry,price\n" + "1,100,101\n" * 50_000
    command = " ".join(COMMAND)
    done = subprocess.run(["bash", "-c", f"{command} pnl --csv - | head -n 2; "
                                         "exit ${PIPESTATUS[0]}"], input=rows,
                          capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.stdout.splitlines() == ["quantity,entry,price,pnl,roi_percent,error",
                                        "1,100,101,1,1.00,"]  # 1 * (101 - 100), 1 / 100
    assert (done.returncode, done.stderr) == (0, "")


def test_a_big_file_shows_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("quantity,entry,price\n" + "1,100,101\n" * 40_000)  # ~400 KB
    out = tmp_path / "out.csv"
    command = [*COMMAND, "pnl", "--csv", str(source)]
    leader, follower = os.openpty()
    try:
        with out.open("w") as sink:
            subprocess.run(command, stdout=sink, stderr=follower, cwd=ROOT, timeout=120,
                           check=True)
        os.set_blocking(leader, False)
        shown = os.read(leader, 65536).decode()
    finally:
        os.close(leader)
        os.close(follower)
    assert "100%" in shown
    assert out.read_text().count("\n") == 40_001  # the rows are untouched by the bar
    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                           check=True)
    assert piped.stderr == ""

"""``astratrade risk``: worked examples and input errors (``level`` is in test_calculators)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from astratrade_shell.cli import cli


def test_risk_of_an_equity_curve(tmp_path: Path) -> None:
    path = tmp_path / "equity.csv"
    path.write_text("date,equity\n2026-01-01,100\n2026-01-02,110\n2026-01-03,99\n"
                    "2026-01-04,121\n")
    result = CliRunner().invoke(cli, ["risk", str(path), "--column", "equity", "--kind",
                                      "equity", "--periods-per-year", "3", "--places", "4",
                                      "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    # 121 / 100 - 1 = 0.21 over 3 periods at 3 per year: CAGR 0.21; worst fall 110 -> 99 is
    # 11 / 110 = 0.1 from index 1 to 2; Calmar 0.21 / 0.1 = 2.1
    assert (payload["total_return"], payload["cagr"], payload["max_drawdown"],
            payload["drawdown_peak_index"], payload["drawdown_trough_index"],
            payload["calmar"]) == ("0.2100", "0.2100", "0.1000", 1, 2, "2.1000")
    assert payload["periods_per_year"] == 3 and payload["loss_sign"] == "positive"


def test_risk_of_returns_from_stdin() -> None:
    result = CliRunner().invoke(cli, ["risk", "-", "--periods-per-year", "1", "--json"],
                                input="r\n0.01\n0.02\n0.03\n")
    # mean 0.02, sample std 0.01 -> Sharpe 2 at one period a year; no loss: Sortino undefined
    payload = json.loads(result.stdout)
    assert payload["sharpe"] == "2.000000000000"
    assert payload["sortino"] is None


@pytest.mark.parametrize(("stdin", "args", "message"), [
    ("r\n0.01\nabc\n", (), "error: line 3: numeric.syntax: r: not a decimal number"),
    ("r\n0.01\n\n0.02\n", ("--column", "x"), "error: --column: no column 'x' (columns: r)"),
    ("r\n0.01\n", ("--periods-per-year", "-3"), "error: --periods-per-year: expected a small "
                                                 "non-negative integer, got '-3'"),
])
def test_risk_bad_input(stdin: str, args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(cli, ["risk", "-", *args], input=stdin)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


@pytest.mark.parametrize(("content", "message"), [
    (b"equity,Equity\n1,1\n", "error: line 1: column 'Equity' appears twice"),
    (b"equity\n" + b"1" * 70_000 + b"\n", "error: line 2: longer than 65536 bytes"),
])
def test_risk_reads_its_file_with_the_batch_bounds(tmp_path: Path, content: bytes,
                                                    message: str) -> None:
    path = tmp_path / "series.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["risk", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(message), result.output
    assert len(result.output) < 200


def test_risk_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_bytes(b"equity\n1\n\xff\n")
    result = CliRunner().invoke(cli, ["risk", str(path)])
    assert result.exit_code == 5
    assert result.output.startswith("error: line 3: not UTF-8 text"), result.output

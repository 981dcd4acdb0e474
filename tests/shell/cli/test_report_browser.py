"""``astratrade report`` in a real browser: Debian's Chromium (installed by
scripts/chromium.sh when absent) renders the page headless and offline; the screenshot is not
blank, and every number in the page's DOM equals ``astratrade risk --json`` on the same file."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import tempfile
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from matplotlib.image import imread

from astratrade_shell.cli import cli

ROOT = Path(__file__).resolve().parents[3]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium() -> str:
    installed = subprocess.run([str(ROOT / "scripts" / "chromium.sh")], capture_output=True,
                               text=True, check=True, timeout=900)
    return installed.stdout.strip().splitlines()[-1]


def _browser(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="astratrade-chromium-")
    try:
        return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _series(path: Path) -> None:
    # two years of daily equity with a benchmark, from a fixed seed (floats only make the text)
    rng = random.Random(7)
    equity, bench = 10_000.0, 100.0
    lines = ["date,equity,btc"]
    for day in range(730):
        move = rng.gauss(0.0006, 0.018)
        equity *= 1 + move
        bench *= 1 + 0.6 * move + rng.gauss(0, 0.01)
        lines.append(f"{date(2024, 1, 1) + timedelta(days=day)},{equity:.2f},{bench:.2f}")
    path.write_text("\n".join(lines) + "\n")


def test_report_renders_in_chromium_and_matches_risk_json(chromium: str,
                                                          tmp_path: Path) -> None:
    source = tmp_path / "equity.csv"
    _series(source)
    trades = tmp_path / "trades.csv"
    trades.write_text("open_date,close_date,profit_abs\n"
                      "2024-01-02T10:00:00,2024-01-03T10:00:00,120.5\n"
                      "2024-01-04T10:00:00,2024-01-04T18:00:00,-40\n"
                      "2024-01-05T09:00:00,2024-01-07T09:00:00,-12.25\n")
    page = tmp_path / "tearsheet.html"
    args = [str(source), "--benchmark", "btc", "--trades", str(trades), "--places", "8"]
    made = CliRunner().invoke(cli, ["report", *args, "-o", str(page), "--export-dir",
                                    str(tmp_path / "charts"), "--format", "png"])
    assert made.exit_code == 0, made.output
    risk = CliRunner().invoke(cli, ["risk", *args, "--json"])
    assert risk.exit_code == 0, risk.output
    expected = json.loads(risk.stdout)

    html = page.read_text(encoding="utf-8")
    # self-contained: no src or href that would fetch anything
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#|data:)', html)
    assert html.count("<svg") == 5

    dom = _browser(chromium, "--dump-dom", page.as_uri()).stdout
    cells = {name: unescape(text) for name, text in
             re.findall(r'<td data-metric="([^"]+)">([^<]*)</td>', dom)}
    flat = {k: v for k, v in expected.items() if not isinstance(v, list)}
    assert set(cells) == set(flat)
    for name, value in flat.items():
        assert cells[name] == ("" if value is None else str(value)), name
    assert cells["periods_per_year"] == "365" and cells["benchmark_beta"] != ""
    assert cells["trades"] == "3" and cells["max_consecutive_losses"] == "2"
    months = dict(re.findall(r'<td data-month="([^"]+)">([^<]*)</td>', dom))
    for row in expected["monthly_returns"]:
        for month in ("jan", "jun", "dec", "total"):
            assert months[f"{row['year']}-{month}"] == (row[month] or "")

    shot = tmp_path / "shot.png"
    _browser(chromium, "--window-size=1280,1600", f"--screenshot={shot}", page.as_uri())
    pixels = imread(str(shot))
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    # not blank: many distinct colours, and a fair share of the page is not background white
    rgb = (pixels[..., :3] * 255).astype(int).reshape(-1, 3)
    assert len({tuple(p) for p in rgb[::7]}) > 200
    assert (rgb.sum(axis=1) < 3 * 250).mean() > 0.05
    for name in ("equity", "drawdown", "monthly", "rolling_sharpe", "distribution"):
        exported = imread(str(tmp_path / "charts" / f"{name}.png"))
        assert exported.shape[0] > 100 and exported.std() > 0.01


def test_report_without_dates_leaves_out_the_monthly_chart(tmp_path: Path) -> None:
    source = tmp_path / "returns.csv"
    source.write_text("r\n" + "\n".join(str(x / 1000) for x in (5, -3, 8, -12, 4, 6)) + "\n")
    page = tmp_path / "page.html"
    made = CliRunner().invoke(cli, ["report", str(source), "-o", str(page),
                                    "--rolling-window", "3", "--export-dir",
                                    str(tmp_path / "svg")])
    assert made.exit_code == 0, made.output
    html = page.read_text(encoding="utf-8")
    assert 'id="chart-monthly"' not in html and 'id="chart-rolling_sharpe"' in html
    assert sorted(p.name for p in (tmp_path / "svg").iterdir()) == [
        "distribution.svg", "drawdown.svg", "equity.svg", "rolling_sharpe.svg"]


def test_report_reports_bad_input_like_risk(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("date,equity\n2026-01-01,100\n2026-01-01,101\n")
    made = CliRunner().invoke(cli, ["report", str(source), "-o", str(tmp_path / "x.html")])
    assert made.exit_code == 2
    assert "dates must strictly increase" in made.stderr
    assert not (tmp_path / "x.html").exists()


def test_chromium_script_is_idempotent(chromium: str) -> None:
    again = subprocess.run([str(ROOT / "scripts" / "chromium.sh")], capture_output=True,
                           text=True, check=True, timeout=60)
    assert again.stdout.strip() == chromium

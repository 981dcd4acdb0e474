"""``--inverse --contract-size`` on ``pnl``, ``size``, ``liquidation`` and ``funding``:
coin-margined amounts in the base coin, worked examples from Binance COIN-M's documentation and
NautilusTrader's tests (the numbers of tests/core/trading/test_inverse.py, through the CLI),
batch columns, exit codes, and the long/short antisymmetry through the command line."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_shell.cli import cli

D = Decimal


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def ok_json(*args: str) -> dict[str, object]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


# Binance COIN-M BTCUSD brackets as GET /dapi/v1/leverageBracket answers them (qtyFloor/qtyCap
# in BTC): the table of tests/core/trading/test_inverse.py (BTCUSD_TIERS), whose 200-400 BTC
# level has the FAQ's "Maintenance Margin Rate 12.5 %" and "Maintenance Amount 11.605 BTC".
_LEVELS = [("0", "5", "125", "0.004", "0"), ("5", "10", "100", "0.005", "0.005"),
           ("10", "20", "50", "0.01", "0.055"), ("20", "50", "20", "0.025", "0.355"),
           ("50", "100", "10", "0.05", "1.605"), ("100", "200", "5", "0.1", "6.605"),
           ("200", "400", "4", "0.125", "11.605"), ("400", "1000", "3", "0.15", "21.605"),
           ("1000", "1500", "2", "0.25", "121.605"), ("1500", "1000000", "1", "0.5", "496.605")]


@pytest.fixture
def coin_m(tmp_path: Path) -> str:
    path = tmp_path / "dapi_brackets.json"
    brackets = ",".join(
        f'{{"bracket":{n},"initialLeverage":{lev},"qtyFloor":{floor},"qtyCap":{cap},'
        f'"maintMarginRatio":{mmr},"cum":{cum}}}'
        for n, (floor, cap, lev, mmr, cum) in enumerate(_LEVELS, start=1))
    path.write_text(f'[{{"pair":"BTCUSD","brackets":[{brackets}]}}]', encoding="utf-8")
    return str(path)


# --- worked examples -------------------------------------------------------------------------

def test_nautilus_trader_inverse_pnl() -> None:
    # NautilusTrader test_calculate_pnl_for_inverse1 (XBTUSD, 1 USD per contract): short
    # 100,000 at 10,000, mark 11,000: -0.90909091 BTC.  Margin at 1x: 100000 / 10000 = 10 BTC.
    assert ok_json("pnl", "--inverse", "--contract-size", "1", "--quantity", "-100000",
                   "--entry", "10000", "--price", "11000") == {
        "pnl": "-0.90909091", "roi_percent": "-9.090909"}
    # test_calculate_pnl_for_inverse_instrument: short 100,000 at 10,500, exit 10,670.50:
    # -0.15217745 BTC half-even (Nautilus' Money); the CLI rounds a coin P&L down (against
    # the trader) at 8 places, and --exact gives the full value.
    shown = ok_json("pnl", "--inverse", "--contract-size", "1", "--quantity", "-100000",
                    "--entry", "10500", "--price", "10670.50")
    assert shown["pnl"] == "-0.15217746"
    exact = ok_json("pnl", "--inverse", "--contract-size", "1", "--quantity", "-100000",
                    "--entry", "10500", "--price", "10670.50", "--exact")
    assert D(str(exact["pnl"])).quantize(D("1e-8")) == D("-0.15217745")


def test_binance_coin_m_pnl_and_roi() -> None:
    # Binance ("How to calculate unrealized PNL and ROI%", COIN-M): position_size *
    # contract_multiplier * direction * (1/entry - 1/mark): 10 * 100 * (1/40000 - 1/50000)
    # = 0.005 BTC; on the margin 1000 / 40000 / 10 = 0.0025 BTC: 200 %.
    assert ok_json("pnl", "--inverse", "--contract-size", "100", "--quantity", "10",
                   "--entry", "40000", "--price", "50000", "--leverage", "10") == {
        "pnl": "0.005", "roi_percent": "200"}


def test_binance_coin_m_liquidation_worked_example(coin_m: str) -> None:
    # dev.binance.vision/t/coin-margined-futures-liquidation-price-calculation-help-cm-variable/
    # 6292: cross, wallet 101 BTC, long 100,000 BTCUSD (100 USD) contracts at 45,000; "the
    # Binance Calculator is calculating the Liquidation Price as $33,599.40".  By hand:
    # 10,000,000 * 1.125 / (101 + 11.605 + 10,000,000 / 45,000) = 33,599.41860...
    # (the 200-400 BTC level at that price).  Up to 4x in that level: margin 222.22 / 4.
    args = ("liquidation", "--inverse", "--contract-size", "100", "--side", "long",
            "--entry", "45000", "--quantity", "100000", "--leverage", "4", "--mode", "cross",
            "--wallet-balance", "101", "--brackets", coin_m)
    exact = ok_json(*args, "--exact")
    root = Fraction(10_000_000) * Fraction("1.125") / (
        Fraction("112.605") + Fraction(10_000_000, 45_000))
    assert abs(Fraction(str(exact["liquidation_price"])) - root) < Fraction(1, 10**100)
    assert ok_json(*args) == {"liquidation_price": "33599.41860562", "margin": "55.55555556",
                              "maintenance_rate": "0.125", "maintenance_amount": "11.605"}
    # on the 0.1 tick, toward the entry (up for a long): the calculator's 33,599.40 is the
    # same root truncated
    assert ok_json(*args, "--tick-size", "0.1")["liquidation_price"] == "33599.5"


def test_binance_module_example_and_a_covered_short() -> None:
    # 1,000 contracts (100,000 USD) long at 50,000 = 2 BTC with 0.2 BTC (10x), mmr 0.4 %:
    # 100000 * 1.004 / (0.2 + 2) = 45636.36.. -> 45636.4 on the tick (up)
    long = ok_json("liquidation", "--inverse", "--contract-size", "100", "--side", "long",
                   "--entry", "50000", "--quantity", "1000", "--leverage", "10", "--mmr",
                   "0.004", "--tick-size", "0.1")
    assert long == {"liquidation_price": "45636.4", "margin": "0.2",
                    "maintenance_rate": "0.004", "maintenance_amount": "0"}
    # a 1x short holds its value in coin: never liquidated
    assert ok_json("liquidation", "--inverse", "--contract-size", "100", "--side", "short",
                   "--entry", "50000", "--quantity", "1000", "--leverage", "1", "--mmr",
                   "0.004")["liquidation_price"] is None


def test_inverse_sizing_in_coin() -> None:
    # budget 1 BTC * 1 % = 0.01; per contract 100 * (1/49000 - 1/50000) = 1/24500 BTC:
    # 245 contracts, losing exactly 0.01; value 245 * 100 / 50000 = 0.49 BTC, margin 0.049
    assert ok_json("size", "--inverse", "--contract-size", "100", "--balance", "1", "--risk",
                   "1%", "--entry", "50000", "--stop", "49000", "--leverage", "10") == {
        "quantity": "245", "notional": "0.49", "risk_amount": "0.01", "margin": "0.049"}


def test_inverse_funding_in_coin() -> None:
    # Binance COIN-M: funding = nominal value of the position (in coin) * rate:
    # 10 * 100 / 50000 * 0.0001 = 0.000002 BTC paid by the long
    assert ok_json("funding", "--inverse", "--contract-size", "100", "--quantity", "10",
                   "--mark", "50000", "--rate", "0.0001") == {"payment": "0.000002"}
    # a short receives; -7 * 100 / 30000 * 0.0001 = -0.0000023333.. rounded up (receives less)
    assert ok_json("funding", "--inverse", "--contract-size", "100", "--quantity", "-7",
                   "--mark", "30000", "--rate", "0.01%") == {"payment": "-0.00000233"}


# --- batch mode and exit codes ---------------------------------------------------------------

def test_a_batch_mixes_linear_and_inverse_rows() -> None:
    rows = ("quantity,entry,price,inverse,contract_size\n"
            "-100000,10000,11000,true,1\n-0.5,30000,29000,,\n10,40000,50000,yes,100\n")
    result = run("pnl", "--csv", "-", stdin=rows)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "-100000,10000,11000,true,1,-0.90909091,-9.090909,",
        "-0.5,30000,29000,,,500.0,3.333333,",
        "10,40000,50000,yes,100,0.005,20.0,"]
    # --inverse and --contract-size as defaults for every row
    both = run("funding", "--csv", "-", "--inverse", "--contract-size", "100", "--json",
               stdin="quantity,mark,rate\n10,50000,0.0001\n-10,50000,0.0001\n")
    assert [json.loads(line)["payment"] for line in both.stdout.splitlines()] == [
        "0.000002", "-0.000002"]


def test_bad_inverse_input_exits_2_and_refusals_exit_1(coin_m: str) -> None:
    missing = run("pnl", "--inverse", "--quantity", "1", "--entry", "1", "--price", "1")
    assert missing.exit_code == 2 and "--contract-size" in missing.output
    stray = run("pnl", "--contract-size", "100", "--quantity", "1", "--entry", "1",
                "--price", "1")
    assert stray.exit_code == 2 and "only with --inverse" in stray.output
    word = run("pnl", "--csv", "-", stdin="quantity,entry,price,inverse\n1,1,1,maybe\n")
    assert word.exit_code == 2 and "inverse: expected true or false" in word.output
    preset = run("liquidation", "--inverse", "--contract-size", "100", "--side", "long",
                 "--entry", "50000", "--quantity", "10", "--leverage", "10", "--symbol",
                 "BTCUSDT")
    assert preset.exit_code == 2 and "USDⓈ-M" in preset.output
    seed = run("size", "--inverse", "--contract-size", "100", "--balance", "1", "--risk",
               "0.01", "--stop-distance", "50")
    assert seed.exit_code == 2
    # rules: 222 BTC allows at most 4x; 200x is above the instrument's 125
    tier = run("liquidation", "--inverse", "--contract-size", "100", "--side", "long",
               "--entry", "45000", "--quantity", "100000", "--leverage", "5", "--brackets",
               coin_m)
    assert tier.exit_code == 1 and "margin.tier_leverage" in tier.output
    sized = run("size", "--inverse", "--contract-size", "100", "--balance", "1", "--risk",
                "1%", "--entry", "50000", "--stop", "49000", "--leverage", "200",
                "--max-leverage", "125")
    assert sized.exit_code == 1 and "sizing" in sized.output


def test_help_states_the_units() -> None:
    for name in ("pnl", "size", "liquidation", "funding"):
        page = run(name, "--help").stdout
        assert "--inverse" in page and "--contract-size" in page
        assert "BASE" in page and "contracts" in page
        assert "--inverse --contract-size" in page.split("Examples:", 1)[1]


# --- the law through the command line ---------------------------------------------------------

prices = st.integers(1, 10**7).map(lambda n: str(D(n).scaleb(-2)))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 10**6), st.sampled_from(["1", "10", "100"]), prices, prices)
def test_long_and_short_pnl_are_exact_negatives_in_coin(contracts: int, size: str,
                                                         entry: str, price: str) -> None:
    def pnl(quantity: int) -> Decimal:
        payload = ok_json("pnl", "--inverse", "--contract-size", size, "--quantity",
                          str(quantity), "--entry", entry, "--price", price, "--exact")
        return D(str(payload["pnl"]))

    long, short = pnl(contracts), pnl(-contracts)
    assert long == short.copy_negate()  # (unary minus would round at 28 digits)
    exact = contracts * Fraction(size) * (1 / Fraction(entry) - 1 / Fraction(price))
    assert abs(Fraction(long) - exact) <= abs(exact) / 10**100 + Fraction(1, 10**110)

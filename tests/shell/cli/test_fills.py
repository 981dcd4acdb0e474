"""``astratrade fills``: average cost per symbol from trade histories, worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from astratrade_shell.cli import cli

GENERIC = """time,symbol,quantity,price,fee,funding
2026-03-01T10:00:00,BTCUSDT,0.1,60000,2.4,
2026-03-01T11:00:00,BTCUSDT,0.1,62000,2.48,
2026-03-01T12:00:00,btcusdt,,,,1.5
2026-03-02T10:00:00,BTCUSDT,-0.15,63000,3.78,
2026-03-02T11:00:00,ETHUSDT,-2,3000,2.4,
2026-03-02T12:00:00,ETHUSDT,3,2900,3.48,
"""

# Binance exports newest first; one fee paid in BNB.
BINANCE = """Date(UTC),Symbol,Side,Price,Quantity,Amount,Fee,Fee Coin,Realized Profit,Quote Asset
2026-03-02 10:00:00,BTCUSDT,SELL,63000,0.15,9450,3.78,USDT,300,USDT
2026-03-01 11:00:00,BTCUSDT,BUY,62000,0.1,6200,0.001,BNB,0,USDT
2026-03-01 10:00:00,BTCUSDT,BUY,60000,0.1,6000,2.4,USDT,0,USDT
"""


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["fills", *args], input=stdin)


def by_symbol(result: Result) -> dict[str, dict[str, object]]:
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {str(r["symbol"]): r for r in rows}


def test_generic_history_with_funding_partial_close_and_reversal() -> None:
    rows = by_symbol(run("-", "--json", "--mark", "BTCUSDT=64000", "--leverage", "10",
                         stdin=GENERIC))
    btc = rows["BTCUSDT"]
    # buys 0.1 @ 60000 and 0.1 @ 62000: 0.2 at an average 61000; selling 0.15 @ 63000
    # realizes 0.15 * (63000 - 61000) = 300 and leaves 0.05 at 61000.
    # fees 2.4 + 2.48 + 3.78 = 8.66; funding 1.5; net 300 - 8.66 - 1.5 = 289.84.
    # marked at 64000: 0.05 * 3000 = 150; total 439.84; ROI 150 / (3050 / 10) = 49.1803..%
    assert btc == {"symbol": "BTCUSDT", "fills": 3, "quantity": "0.05",
                   "average_entry": "61000", "realized_pnl": "300", "fees": "8.66",
                   "funding": "1.5", "net_realized": "289.84", "mark": "64000",
                   "unrealized_pnl": "150", "total_pnl": "439.84", "roi_percent": "49.180328",
                   "other_fees": None, "venue_realized": None}
    eth = rows["ETHUSDT"]
    # short 2 @ 3000, then buy 3 @ 2900: closes the short (+200) and opens 1 long at 2900
    assert (eth["quantity"], eth["average_entry"], eth["realized_pnl"], eth["fees"],
            eth["net_realized"], eth["unrealized_pnl"]) == ("1", "2900", "200", "5.88",
                                                            "194.12", None)


def test_binance_export_newest_first_with_a_bnb_fee(tmp_path: Path) -> None:
    source = tmp_path / "Export Trade History.csv"
    source.write_text(BINANCE)
    btc = by_symbol(run(str(source), "--json"))["BTCUSDT"]
    # the same fills as the generic file, read oldest first: realized 300 like Binance's
    # own Realized Profit column; the BNB fee stays out of the USDT fees (2.4 + 3.78)
    assert (btc["realized_pnl"], btc["venue_realized"], btc["fees"], btc["other_fees"],
            btc["quantity"]) == ("300", "300", "6.18", "0.001 BNB", "0.05")


def test_fills_in_the_same_second_keep_their_execution_order() -> None:
    newest_first = ("Date(UTC),Symbol,Side,Price,Quantity,Fee\n"
                    "2026-03-01 10:00:00,ETHUSDT,SELL,3100,1,0\n"
                    "2026-03-01 10:00:00,ETHUSDT,BUY,3000,1,0\n"
                    "2026-02-28 09:00:00,ETHUSDT,BUY,2900,1,0\n")
    eth = by_symbol(run("-", "--json", stdin=newest_first))["ETHUSDT"]
    # executed: buy 2900, buy 3000 (average 2950), sell 3100: realizes 150, 1 left at 2950
    assert (eth["realized_pnl"], eth["quantity"], eth["average_entry"]) == ("150", "1", "2950")


def test_a_table_by_default_and_csv_on_request() -> None:
    table = run("-", stdin=GENERIC)
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:4] == ["symbol", "fills", "quantity", "average_entry"]
    assert lines[1].split()[:4] == ["BTCUSDT", "3", "0.05", "61000"]
    csv_out = run("-", "--output", "csv", stdin=GENERIC).stdout.splitlines()
    assert csv_out[0].startswith("symbol,fills,quantity,average_entry,realized_pnl,fees,")
    assert csv_out[2].startswith("ETHUSDT,2,1,2900,200,5.88,0,194.12,")


def test_a_flat_symbols_total_is_its_net_realized() -> None:
    flat = "symbol,quantity,price,fee\nSOLUSDT,2,100,0.1\nSOLUSDT,-2,110,0.11\n"
    sol = by_symbol(run("-", "--json", stdin=flat))["SOLUSDT"]
    # 2 * (110 - 100) = 20; fees 0.21; flat, so the total is 19.79 without any mark
    assert (sol["quantity"], sol["average_entry"], sol["net_realized"], sol["total_pnl"]) == (
        "0", None, "19.79", "19.79")


def test_bad_rows_name_their_line_and_keep_going_counts_them() -> None:
    text = "symbol,quantity,price\nBTCUSDT,1,100\nBTCUSDT,x,100\nBTCUSDT,1,0\n"
    stopped = run("-", stdin=text)
    assert stopped.exit_code == 2
    assert stopped.stderr.strip() == ("error: line 3: numeric.syntax: quantity: not a "
                                      "decimal number ('x')")
    skipped = run("-", "--json", "--keep-going", stdin=text)
    assert skipped.exit_code == 1
    assert json.loads(skipped.stdout)["fills"] == 1
    assert skipped.stderr.strip().startswith("error: 2 row(s) skipped; first at line 3")


def test_marks_and_formats_are_checked() -> None:
    unknown = run("-", "--mark", "DOGEUSDT=0.1", stdin=GENERIC)
    assert unknown.exit_code == 2
    assert "--mark: no fills for DOGEUSDT" in unknown.stderr
    malformed = run("-", "--mark", "BTCUSDT", stdin=GENERIC)
    assert malformed.exit_code == 2
    assert "--mark: expected SYMBOL=PRICE" in malformed.stderr
    no_quantity = run("-", stdin="symbol,price\nBTCUSDT,1\n")
    assert no_quantity.exit_code == 2
    assert "needs column(s) quantity or funding" in no_quantity.stderr
    wrong_side = run("-", "--format", "binance",
                     stdin="Symbol,Side,Price,Quantity\nBTCUSDT,HOLD,1,1\n")
    assert wrong_side.exit_code == 2
    assert "Side: expected BUY or SELL, got 'hold'" in wrong_side.stderr


def test_exact_amounts_on_request() -> None:
    thirds = "symbol,quantity,price\nXUSDT,3,1\nXUSDT,-1,2\n"
    shown = by_symbol(run("-", "--json", "--mark", "XUSDT=1", stdin=thirds))["XUSDT"]
    exact = by_symbol(run("-", "--json", "--exact", "--mark", "XUSDT=1", stdin=thirds))["XUSDT"]
    # closing 1 of 3 at 2 from 1: +1 exactly; the partial close carries 28 places
    assert shown["realized_pnl"] == "1"
    assert exact["realized_pnl"] == "1.0000000000000000000000000000"


def test_epoch_milliseconds_order_the_fills_and_an_empty_history_prints_the_header() -> None:
    # the sell at ...001 ms comes after the buy at ...000 ms even though it is listed first
    text = ("time,symbol,quantity,price\n1767225600001,XUSDT,-1,12\n"
            "1767225600000,XUSDT,1,10\n")
    assert by_symbol(run("-", "--json", stdin=text))["XUSDT"]["realized_pnl"] == "2"
    empty = run("-", stdin="symbol,quantity,price\n")
    assert empty.exit_code == 0
    assert empty.stdout.split()[:3] == ["symbol", "fills", "quantity"]

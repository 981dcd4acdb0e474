"""The position calculators through click's CliRunner: exact JSON keys, tables, brackets.

Expected values are computed by hand in the comments.
"""

from __future__ import annotations

import decimal
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings

from astratrade_core.testing import hostile_contexts
from astratrade_shell.cli import cli


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def ok_json(*args: str) -> dict[str, object]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, object] = json.loads(result.stdout)
    return payload


def test_pnl_of_a_short_and_its_roi_on_margin() -> None:
    # -0.5 * (29000 - 30000) = 500; margin 0.5 * 30000 / 10 = 1500; 500 / 1500 = 33.3333..%
    assert ok_json("pnl", "--quantity", "-0.5", "--entry", "30000", "--price", "29000",
                   "--leverage", "10") == {"pnl": "500.0", "roi_percent": "33.333333"}


def test_pnl_prints_a_table_by_default() -> None:
    result = run("pnl", "--quantity", "2", "--entry", "100", "--price", "90")
    # 2 * (90 - 100) = -20; margin 200 at 1x: -20 / 200 = -10 % (exact: within 6 places)
    assert result.exit_code == 0
    assert result.stdout.split() == ["pnl", "-20", "roi_percent", "-10.0"]


def test_seed_size_is_shown_rounded_down_and_exact_on_request() -> None:
    # 10000 * 0.01 / 50 = 2 exactly; 10000 * 0.01 / 3 = 33.333.. shown down at 8 places
    assert ok_json("size", "--balance", "10000", "--risk", "0.01",
                   "--stop-distance", "50") == {"quantity": "2.00"}
    assert ok_json("size", "--balance", "10000", "--risk", "0.01",
                   "--stop-distance", "3") == {"quantity": "33.33333333"}
    exact = ok_json("size", "--balance", "10000", "--risk", "0.01", "--stop-distance", "3",
                    "--exact")["quantity"]
    assert isinstance(exact, str) and exact.startswith("33.3333333333333333333")
    assert len(exact) > 100  # the core's 120 significant digits


def test_full_sizer_keys_and_a_percentage_risk() -> None:
    # budget 10000 * 1 % = 100, 50 per unit -> 2.00 (lot 0.01); notional 2 * 2000 = 4000
    payload = ok_json("size", "--balance", "10000", "--risk", "1%", "--entry", "2000",
                      "--stop", "1950", "--lot-size", "0.01", "--min-notional", "10")
    assert payload == {"quantity": "2.00", "notional": "4000.00", "risk_amount": "100.00",
                       "margin": "4000.00"}


def test_a_margin_is_shown_rounded_up() -> None:
    # 2.00 * 2000 / 3 = 1333.333.. -> up at 8 places: the trader posts at least that
    payload = ok_json("size", "--balance", "10000", "--risk", "0.01", "--entry", "2000",
                      "--stop", "1950", "--lot-size", "0.01", "--leverage", "3")
    assert payload["margin"] == "1333.33333334"


def test_a_size_below_the_minimum_notional_is_a_domain_failure() -> None:
    # budget 1 -> 0.02 units -> notional 40 < 50
    result = run("size", "--balance", "100", "--risk", "0.01", "--entry", "2000", "--stop",
                 "1950", "--lot-size", "0.01", "--min-notional", "50")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: sizing.min_notional")


def test_a_risk_above_the_bound_needs_allow() -> None:
    refused = run("size", "--balance", "1000", "--risk", "0.2", "--stop-distance", "10")
    assert refused.exit_code == 2
    assert "--risk: 0.2 is above 0.1; pass --allow" in refused.stderr
    # exactly at the bound is fine: 1000 * 0.1 / 10 = 10
    assert ok_json("size", "--balance", "1000", "--risk", "10%",
                   "--stop-distance", "10") == {"quantity": "10.00"}  # 0.10: two places
    # 1000 * 0.2 / 10 = 20
    assert ok_json("size", "--balance", "1000", "--risk", "0.2", "--stop-distance", "10",
                   "--allow") == {"quantity": "20.0"}


def test_liquidation_prices_for_long_short_and_none() -> None:
    # long: (50000 - 5000) / (1 - 0.004) = 45180.7228.. -> up to the 0.01 tick: 45180.73
    assert ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10",
                   "--mmr", "0.004", "--tick-size", "0.01") == {
        "liquidation_price": "45180.73", "margin": "5000", "maintenance_rate": "0.004",
        "maintenance_amount": "0"}
    # short: (50000 + 5000) / (1 + 0.004) = 54780.8764.. -> down to the tick: 54780.87
    assert ok_json("liquidation", "--side", "short", "--entry", "50000", "--leverage", "10",
                   "--mmr", "0.004", "--tick-size", "0.01")["liquidation_price"] == "54780.87"
    # without a tick: exact, shown with 8 places toward the entry (up for the long)
    assert ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10",
                   "--mmr", "0.004")["liquidation_price"] == "45180.72289157"
    # a 1x long is fully collateralised: no liquidation price
    assert ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "1",
                   "--mmr", "0.004")["liquidation_price"] is None


def test_binance_brackets_give_the_librarys_47851_1() -> None:
    # 20 BTC long at 50,000, 20x: margin 1,000,000 / 20 = 50,000. Binance's BTCUSDT bracket
    # for 500k-10M notional: mmr 1 %, cum 2550. (20 * 50000 - 50000 - 2550) / (20 * 0.99)
    # = 947450 / 19.8 = 47851.0101..; notional there 957,020 is inside the bracket; up to
    # the 0.1 tick: 47851.1.  With only --mmr 0.01 (no cum) it would be 47979.8.
    payload = ok_json("liquidation", "--side", "long", "--entry", "50000", "--quantity", "20",
                      "--leverage", "20", "--symbol", "BTCUSDT", "--tick-size", "0.1")
    assert payload == {"liquidation_price": "47851.1", "margin": "50000",
                       "maintenance_rate": "0.01", "maintenance_amount": "2550.000"}
    single = ok_json("liquidation", "--side", "long", "--entry", "50000", "--quantity", "20",
                     "--leverage", "20", "--mmr", "0.01", "--tick-size", "0.1")
    assert single["liquidation_price"] == "47979.8"  # 47500 / 0.99 = 47979.79..


def test_cross_margin_uses_the_wallet_balance() -> None:
    # 100 ETH short at 3000 with 20,000 in the wallet, ETHUSDT bracket 50k-500k (0.5 %, cum
    # 50): (300000 + 20000 + 50) / (100 * 1.005) = 3184.5771144.. -> down for a short
    payload = ok_json("liquidation", "--side", "short", "--entry", "3000", "--quantity", "100",
                      "--leverage", "10", "--mode", "cross", "--wallet-balance", "20000",
                      "--symbol", "ETHUSDT")
    assert payload["liquidation_price"] == "3184.57711442"
    assert payload["margin"] == "30000"  # the initial margin at 10x, shown for reference


def test_a_leverage_above_the_brackets_maximum_is_refused() -> None:
    # 1,000,000 of BTC notional sits in the 50x bracket: 75x is a rule's refusal
    result = run("liquidation", "--side", "long", "--entry", "50000", "--quantity", "20",
                 "--leverage", "75", "--symbol", "BTCUSDT")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: margin.tier_leverage")


def test_margin_ratio_single_bracket_and_preset() -> None:
    # 1 BTC long at 50,000 on 5,000 (10x) marked at 48,000: MM 48000 * 0.004 = 192,
    # balance 5000 - 2000 = 3000, ratio 0.064
    assert ok_json("margin-ratio", "--side", "long", "--entry", "50000", "--mark", "48000",
                   "--leverage", "10", "--mmr", "0.004") == {
        "maintenance_margin": "192.000", "margin_balance": "3000", "margin_ratio": "0.064"}
    # 20 BTC at 20x marked at 49,000: notional 980,000 -> bracket 1 %, cum 2550:
    # MM 9800 - 2550 = 7250; balance 50000 - 20000 = 30000; 7250 / 30000 = 0.2416.. up
    payload = ok_json("margin-ratio", "--side", "long", "--entry", "50000", "--mark", "49000",
                      "--leverage", "20", "--quantity", "20", "--symbol", "BTCUSDT")
    assert payload["margin_ratio"] == "0.241667"
    assert payload["margin_balance"] == "30000"


def test_margin_ratio_past_bankruptcy_is_null() -> None:
    # 10x long from 50,000 marked at 44,000: balance 5000 - 6000 < 0
    assert ok_json("margin-ratio", "--side", "long", "--entry", "50000", "--mark", "44000",
                   "--leverage", "10", "--mmr", "0.004")["margin_ratio"] is None


def test_a_tick_coarser_than_the_price_is_refused_and_no_tick_means_exact() -> None:
    refused = run("liquidation", "--side", "long", "--entry", "0.0001234", "--leverage", "10",
                  "--mmr", "0.004", "--tick-size", "0.01")
    assert refused.exit_code == 2
    assert "--tick-size" in refused.stderr and "coarser than the entry" in refused.stderr
    # 0.0001234 * 0.9 / 0.996 = 0.000111506024.. -> up at 8 places, below the entry
    assert ok_json("liquidation", "--side", "long", "--entry", "0.0001234", "--leverage", "10",
                   "--mmr", "0.004")["liquidation_price"] == "0.00011151"


BINANCE_JSON = ('[{"symbol":"BTCUSDT","notionalCoef":1.50,"brackets":['
                '{"bracket":1,"initialLeverage":125,"notionalCap":50000,"notionalFloor":0,'
                '"maintMarginRatio":0.004,"cum":0.0},'
                '{"bracket":2,"initialLeverage":100,"notionalCap":500000,"notionalFloor":50000,'
                '"maintMarginRatio":0.005,"cum":50.0},'
                '{"bracket":3,"initialLeverage":50,"notionalCap":10000000,'
                '"notionalFloor":500000,"maintMarginRatio":0.01,"cum":2550.0}]},'
                '{"symbol":"ETHUSDT","brackets":[{"bracket":1,"initialLeverage":100,'
                '"notionalCap":1000,"notionalFloor":0,"maintMarginRatio":0.005,"cum":0}]}]')


def test_a_bracket_file_in_binances_json_and_csv_shapes(tmp_path: Path) -> None:
    answer = tmp_path / "brackets.json"
    answer.write_text(BINANCE_JSON)
    args = ("liquidation", "--side", "long", "--entry", "50000", "--quantity", "20",
            "--leverage", "20", "--tick-size", "0.1", "--brackets", str(answer))
    # the same three brackets as the preset: the same 47851.1
    assert ok_json(*args, "--symbol", "btcusdt")["liquidation_price"] == "47851.1"
    several = run(*args)
    assert several.exit_code == 2
    assert "has 2 symbols; choose one with --symbol" in several.stderr
    table = tmp_path / "brackets.csv"
    table.write_text("bracket,initialLeverage,notionalCap,notionalFloor,maintMarginRatio,cum\n"
                     "1,125,50000,0,0.004,0\n2,100,500000,50000,0.005,50\n"
                     "3,50,10000000,500000,0.01,2550\n")
    assert ok_json(*args[:-1], str(table))["liquidation_price"] == "47851.1"


def test_a_bracket_file_whose_cum_disagrees_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "brackets.csv"
    # bracket 2's cum must be 50000 * (0.005 - 0.004) = 50
    table.write_text("notionalFloor,notionalCap,initialLeverage,maintMarginRatio,cum\n"
                     "0,50000,125,0.004,0\n50000,500000,100,0.005,49\n")
    result = run("liquidation", "--side", "long", "--entry", "100", "--quantity", "1",
                 "--leverage", "10", "--brackets", str(table))
    assert result.exit_code == 2
    assert "bracket 2 has cum '49', but its floors and rates give 50.000" in result.stderr


@pytest.mark.parametrize(("args", "fragment"), [
    (("--mmr", "0.01", "--symbol", "BTCUSDT"), "--mmr: give --mmr, or brackets"),
    (("--quantity", "1"), "--mmr: give --mmr (one bracket), --symbol"),
    (("--symbol", "BTCUSDT"), "--quantity: with brackets the size decides the bracket"),
    (("--symbol", "NOPE", "--quantity", "1"), "no preset brackets for 'NOPE'"),
    (("--mmr", "0.01", "--mode", "cross"), "--wallet-balance: needed in cross mode"),
])
def test_bracket_choices_that_make_no_sense(args: tuple[str, ...], fragment: str) -> None:
    result = run("liquidation", "--side", "long", "--entry", "100", "--leverage", "5", *args)
    assert result.exit_code == 2
    assert fragment in result.stderr


def test_allocate_parts_sum_to_the_total() -> None:
    # 10000 cents / 3 = 3333 r 1 -> the first part gets the extra cent
    assert ok_json("allocate", "--total", "100.00", "--currency", "USD",
                   "--weights", "1,1,1") == {"parts": ["33.34", "33.33", "33.33"],
                                             "currency": "USD"}
    # an unknown currency with its minor unit: 1 unit of 0.001 split 1:1 -> 0.001 + 0.000
    assert ok_json("allocate", "--total", "0.001", "--currency", "XYZ", "--minor-unit", "3",
                   "--weights", "1,1")["parts"] == ["0.001", "0.000"]


def test_level_on_each_kind_of_curve() -> None:
    # linear: floor(1500 / 1000) + 1 = 2; level 3 starts at 2000 -> 500 to go
    assert ok_json("level", "--xp", "1500") == {"level": 2, "xp_to_next_level": 500,
                                                "curve": "linear"}
    # RuneScape: level 2 at 83 XP, level 3 at 174 (the published table) -> 74 to go
    assert ok_json("level", "--xp", "100", "--curve", "runescape")["xp_to_next_level"] == 74
    # Moodle's default curve tops out at level 10 (3842 XP): nothing to go
    assert ok_json("level", "--xp", "5000", "--curve", "MOODLE") == {
        "level": 10, "xp_to_next_level": None, "curve": "moodle"}
    # the top of the domain, 10**18, is accepted
    assert ok_json("level", "--xp", str(10**18))["level"] == 10**15 + 1


@pytest.mark.parametrize(("args", "fragment"), [
    (("pnl", "--quantity", "NaN", "--entry", "1", "--price", "2"), "not a decimal number"),
    (("pnl", "--quantity", "1e999999999", "--entry", "1", "--price", "2"), "magnitude"),
    (("pnl", "--quantity", "1e-10000000000000000000000", "--entry", "1", "--price", "2"),
     "--quantity: more than 28 fractional digits"),
    (("pnl", "--quantity", "1" * 10_000, "--entry", "1", "--price", "2"), "characters"),
    (("pnl", "--quantity", "\U0001d7d9", "--entry", "1", "--price", "2"),
     "--quantity: not a decimal number"),
    (("pnl", "--quantity", "\u0661\u0660\u0660", "--entry", "1", "--price", "2"),
     "--quantity: not a decimal number"),
    (("pnl", "--quantity", "abc", "--entry", "1", "--price", "2"), "--quantity: not a decimal"),
    (("pnl", "--quantity", "1", "--entry", "0", "--price", "2"),
     "--entry: must be greater than zero"),
    (("pnl", "--entry", "1"), "missing option --quantity, --price"),
    (("pnl", "--quantity", "", "--entry", "1", "--price", "2"), "--quantity: empty value"),
    (("size", "--balance", "1", "--risk", "2", "--stop-distance", "1", "--allow"),
     "--risk: must be a fraction in (0, 1]"),
    (("size", "--balance", "1", "--risk", "0.1"), "--stop-distance: give it"),
    (("liquidation", "--side", "up", "--entry", "1", "--leverage", "2", "--mmr", "0.1"),
     "--side: 'up' is not one of long, short"),
    (("allocate", "--total", "1", "--currency", "QQQ", "--weights", "1"), "unknown currency"),
    (("level", "--xp", "1.5"), "--xp: expected an integer"),
    (("pnl", "--quantity", "1", "--entry", "1", "--price", "1", "--bogus"), "No such option"),
    (("pnl", "--quantity", "1", "--entry", "1", "--price", "1", "--keep-going"),
     "--keep-going applies to --csv batches only"),
    (("nosuchcommand",), "No such command"),
])
def test_bad_input_is_one_error_line_and_exit_2(args: tuple[str, ...], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert len(lines[0]) <= 310  # a 10,000-character value is never echoed in full


def test_help_explains_units_conventions_and_precision() -> None:
    top = run("--help")
    assert top.exit_code == 0
    assert "FRACTIONS: 0.01 means 1 %" in top.stdout
    assert "5 environment failure" in " ".join(top.stdout.split())
    for command, phrases in [
        ("pnl", ("negative means short", "roi_percent (<= 6 places, half-even)")),
        ("size", ("FRACTION in (0, 1]", "margin (<= 8 places, up)", "--allow")),
        ("liquidation", ("toward the entry", "leverageBracket", "2024-05-23")),
        ("allocate", ("minor units",)),
        ("margin-ratio", ("maintenance margin / margin balance",))]:
        page = run(command, "--help")
        assert page.exit_code == 0
        text = " ".join(page.stdout.split())
        for phrase in phrases:
            assert phrase in text, (command, phrase)


@settings(max_examples=20)
@given(hostile_contexts())
def test_answers_ignore_the_callers_decimal_context(context: decimal.Context) -> None:
    commands = [
        ("pnl", "--quantity", "-0.37", "--entry", "30123.4", "--price", "29876.55",
         "--leverage", "7"),
        ("size", "--balance", "12345.67", "--risk", "0.013", "--stop-distance", "3.3"),
        ("size", "--balance", "12345.67", "--risk", "0.013", "--entry", "2011.5", "--stop",
         "1987.25", "--lot-size", "0.01", "--fee-rate", "0.0005", "--leverage", "3"),
        ("liquidation", "--side", "short", "--entry", "61234.5", "--leverage", "13",
         "--mmr", "0.0065"),
        ("liquidation", "--side", "long", "--entry", "61234.5", "--leverage", "13",
         "--quantity", "7", "--symbol", "BTCUSDT", "--exact"),
        ("margin-ratio", "--side", "short", "--entry", "3000", "--mark", "3100",
         "--leverage", "7", "--quantity", "33", "--symbol", "ETHUSDT"),
        ("allocate", "--total", "1000.01", "--currency", "USD", "--weights", "1,2.5,3"),
        ("level", "--xp", "123456", "--curve", "runescape"),
    ]
    expected = [run(*c, "--json").stdout for c in commands]
    with decimal.localcontext(context):
        assert [run(*c, "--json").stdout for c in commands] == expected


def test_an_isolated_margin_above_the_initial_one_moves_the_price_away() -> None:
    # 1 BTC long at 50,000 (10x, initial margin 5,000) holding 10,000 instead:
    # (50000 - 10000) / 0.996 = 40160.6425702811.. -> up at 8 places
    payload = ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10",
                      "--mmr", "0.004", "--isolated-margin", "10000")
    assert (payload["liquidation_price"], payload["margin"]) == ("40160.64257029", "5000")
    cross = run("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10",
                "--mmr", "0.004", "--isolated-margin", "1", "--mode", "cross",
                "--wallet-balance", "1")
    assert cross.exit_code == 2
    assert "--isolated-margin: isolated mode only" in cross.stderr

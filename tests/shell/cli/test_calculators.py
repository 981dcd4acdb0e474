"""The calculators through click's CliRunner: exact JSON keys, tables, batches, exit codes.

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
    # 2 * (90 - 100) = -20; margin 200 at 1x: -20 / 200 = -10 %
    assert result.exit_code == 0
    assert result.stdout.split() == ["pnl", "-20", "roi_percent", "-10.000000"]


def test_seed_size_formula() -> None:
    # 10000 * 0.01 / 50 = 2; 10000 * 0.01 / 3 = 33.333.. rounded down to 8 places
    assert ok_json("size", "--balance", "10000", "--risk", "0.01",
                   "--stop-distance", "50") == {"quantity": "2.00000000"}
    assert ok_json("size", "--balance", "10000", "--risk", "0.01",
                   "--stop-distance", "3") == {"quantity": "33.33333333"}


def test_full_sizer_keys() -> None:
    # budget 10000 * 0.01 = 100, 50 per unit -> 2.00 (lot 0.01); notional 2 * 2000 = 4000
    payload = ok_json("size", "--balance", "10000", "--risk", "0.01", "--entry", "2000",
                      "--stop", "1950", "--lot-size", "0.01", "--min-notional", "10")
    assert payload == {"quantity": "2.00", "notional": "4000.00", "risk_amount": "100.00",
                       "margin": "4000.00"}


def test_a_size_below_the_minimum_notional_is_a_domain_failure() -> None:
    # budget 1 -> 0.02 units -> notional 40 < 50
    result = run("size", "--balance", "100", "--risk", "0.01", "--entry", "2000", "--stop",
                 "1950", "--lot-size", "0.01", "--min-notional", "50")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: sizing.min_notional")


def test_liquidation_prices_for_long_short_and_none() -> None:
    # long: (50000 - 5000) / (1 - 0.004) = 45180.7228.. -> up to the tick: 45180.73
    assert ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "10",
                   "--mmr", "0.004") == {"liquidation_price": "45180.73", "margin": "5000"}
    # short: (50000 + 5000) / (1 + 0.004) = 54780.8764.. -> down to the tick: 54780.87
    assert ok_json("liquidation", "--side", "short", "--entry", "50000", "--leverage", "10",
                   "--mmr", "0.004")["liquidation_price"] == "54780.87"
    # a 1x long is fully collateralised: no liquidation price
    assert ok_json("liquidation", "--side", "long", "--entry", "50000", "--leverage", "1",
                   "--mmr", "0.004")["liquidation_price"] is None


def test_allocate_parts_sum_to_the_total() -> None:
    # 10000 cents / 3 = 3333 r 1 -> the first part gets the extra cent
    assert ok_json("allocate", "--total", "100.00", "--currency", "USD",
                   "--weights", "1,1,1") == {"parts": ["33.34", "33.33", "33.33"],
                                             "currency": "USD"}
    # an unknown currency with its minor unit: 1 unit of 0.001 split 1:1 -> 0.001 + 0.000
    assert ok_json("allocate", "--total", "0.001", "--currency", "XYZ", "--minor-unit", "3",
                   "--weights", "1,1")["parts"] == ["0.001", "0.000"]


@pytest.mark.parametrize(("args", "fragment"), [
    (("pnl", "--quantity", "NaN", "--entry", "1", "--price", "2"), "NaN"),
    (("pnl", "--quantity", "1e999999999", "--entry", "1", "--price", "2"), "magnitude"),
    (("pnl", "--quantity", "1" * 10_000, "--entry", "1", "--price", "2"), "characters"),
    (("pnl", "--quantity", "abc", "--entry", "1", "--price", "2"), "not a decimal"),
    (("pnl", "--entry", "1"), "missing option --quantity, --price"),
    (("size", "--balance", "1", "--risk", "2", "--stop-distance", "1"), "(0, 1]"),
    (("size", "--balance", "1", "--risk", "0.1"), "--stop-distance"),
    (("liquidation", "--side", "up", "--entry", "1", "--leverage", "2", "--mmr", "0.1"),
     "'up' is not one of"),
    (("liquidation", "--side", "long", "--entry", "1", "--leverage", "0.5", "--mmr", "0.1"),
     "at least 1"),
    (("allocate", "--total", "1", "--currency", "QQQ", "--weights", "1"), "unknown currency"),
    (("pnl", "--quantity", "1", "--entry", "1", "--price", "1", "--bogus"), "No such option"),
    (("nosuchcommand",), "No such command"),
])
def test_bad_input_is_one_error_line_and_exit_2(args: tuple[str, ...], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]


def test_batch_csv_streams_rows_with_inputs_outputs_and_errors() -> None:
    rows = "quantity,entry,price\n1,100,110\n\n-2,50,40\n0,1,1\n"
    result = run("pnl", "--csv", "-", stdin=rows)
    assert result.exit_code == 0
    # 1 * (110 - 100) = 10 (10 %); -2 * (40 - 50) = 20 (20 / 100 = 20 %); flat: no ROI
    assert result.stdout.splitlines() == [
        "quantity,entry,price,pnl,roi_percent,error",
        "1,100,110,10,10.000000,",
        "-2,50,40,20,20.000000,",
        "0,1,1,0,,",
    ]


def test_batch_json_lines_carry_the_line_number(tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("total,currency,weights\n1.00,USD,\"1,1,1\"\n0.05,USD,\"3,7\"\n")
    result = run("allocate", "--csv", str(source), "--json")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    # 100 cents / 3 -> 34, 33, 33; 5 cents 3:7 -> 1.5, 3.5 -> floors 1, 3, one left: tie on
    # remainder .5 goes to the first -> 2, 3
    assert [line["parts"] for line in lines] == [["0.34", "0.33", "0.33"], ["0.02", "0.03"]]
    assert [line["line"] for line in lines] == [2, 3]


def test_a_broken_row_stops_the_batch_naming_its_line() -> None:
    result = run("pnl", "--csv", "-", stdin="quantity,entry,price\n1,2,3\n1,x,3\n4,5,6\n")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == "1,2,3,1,50.000000,"  # 1 * (3 - 2), 1 / 2
    assert result.stderr.startswith("error: line 3: position.invalid")
    short = run("pnl", "--csv", "-", stdin="quantity,entry,price\n1,2\n")
    assert short.stderr.strip() == "error: line 2: expected 3 fields, got 2"


def test_domain_failures_in_a_batch_are_reported_per_row_then_exit_1() -> None:
    rows = ("balance,risk,entry,stop,min_notional,lot_size\n"
            "10000,0.01,2000,1950,10,0.01\n100,0.01,2000,1950,50,0.01\n")
    result = run("size", "--csv", "-", stdin=rows)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2].endswith("sizing.min_notional: notional 40.00 is "
                                                   "below the minimum 50")
    assert result.stderr.startswith("error: 1 row(s) rejected; first at line 3")


@pytest.mark.parametrize(("stdin", "message"), [
    ("", "error: line 1: the CSV file is empty (a header is required)"),
    ("quantity,entry\n1,2\n", "error: line 1: missing column(s) price"),
    ("quantity,entry,price,colour\n", "error: line 1: unknown column(s) colour; expected "
                                      "entry, leverage, price, quantity"),
    ("quantity,entry,price\n1,,3\n", "error: line 2: entry is empty"),
])
def test_csv_structure_problems(stdin: str, message: str) -> None:
    result = run("pnl", "--csv", "-", stdin=stdin)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_a_missing_batch_file_and_mixing_options_are_bad_input(tmp_path: Path) -> None:
    missing = run("pnl", "--csv", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: cannot read")
    mixed = run("pnl", "--csv", "-", "--quantity", "1", stdin="quantity,entry,price\n")
    assert mixed.exit_code == 2
    assert "cannot be combined with --quantity" in mixed.stderr


def test_help_explains_units_and_conventions() -> None:
    top = run("--help")
    assert top.exit_code == 0
    assert "FRACTIONS: 0.01 means 1 %" in top.stdout
    assert "Exit codes: 0 success, 1 domain failure" in top.stdout
    for command, phrase in [("pnl", "negative means short"), ("size", "FRACTION in (0, 1]"),
                            ("liquidation", "TOWARD the"), ("allocate", "minor units")]:
        page = run(command, "--help")
        assert page.exit_code == 0
        assert phrase in " ".join(page.stdout.split())


@settings(max_examples=20)
@given(hostile_contexts())
def test_answers_ignore_the_callers_decimal_context(context: decimal.Context) -> None:
    commands = [
        ("pnl", "--quantity", "-0.37", "--entry", "30123.4", "--price", "29876.55",
         "--leverage", "7"),
        ("size", "--balance", "12345.67", "--risk", "0.013", "--stop-distance", "3.3"),
        ("size", "--balance", "12345.67", "--risk", "0.013", "--entry", "2011.5", "--stop",
         "1987.25", "--lot-size", "0.01", "--fee-rate", "0.0005"),
        ("liquidation", "--side", "short", "--entry", "61234.5", "--leverage", "13",
         "--mmr", "0.0065"),
        ("allocate", "--total", "1000.01", "--currency", "USD", "--weights", "1,2.5,3"),
        ("level", "--xp", "123456", "--curve", "runescape"),
    ]
    expected = [run(*c, "--json").stdout for c in commands]
    with decimal.localcontext(context):
        assert [run(*c, "--json").stdout for c in commands] == expected


def test_a_csv_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("\ufeffquantity,entry,price\r\n2,10,11\r\n".encode())
    result = run("pnl", "--csv", str(source), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pnl"] == "2"  # 2 * (11 - 10)

"""Batch mode of every row-wise command: files as they come, limits, names, precision."""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from astratrade_shell.cli import cli
from astratrade_shell.cli.batchfile import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_LINE_BYTES
from astratrade_shell.cli.main import COMMANDS

ROW_COMMANDS = ("pnl", "size", "liquidation", "margin-ratio", "level", "allocate", "funding",
                "break-even", "kelly", "stops", "trading-fee", "processing-fee", "prorate",
                "year-fraction", "nft-sale", "apy", "apr", "lending-rate", "interest")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_every_row_command_is_registered_with_batch_options() -> None:
    assert set(ROW_COMMANDS) <= set(COMMANDS)
    for name in ROW_COMMANDS:
        page = run(name, "--help").stdout
        for option in ("--csv", "--json", "--exact", "--delimiter", "--keep-going"):
            assert option in page, (name, option)


def test_rows_stream_with_inputs_outputs_and_errors() -> None:
    rows = "quantity,entry,price\n1,100,110\n\n-2,50,40\n0,1,1\n"
    result = run("pnl", "--csv", "-", stdin=rows)
    assert result.exit_code == 0
    # 1 * (110 - 100) = 10 (10 %); -2 * (40 - 50) = 20 (20 / 100 = 20 %); flat: no ROI
    assert result.stdout.splitlines() == [
        "quantity,entry,price,pnl,roi_percent,error",
        "1,100,110,10,10.0,",
        "-2,50,40,20,20.0,",
        "0,1,1,0,,",
    ]


def test_unused_columns_pass_through_unchanged() -> None:
    rows = "id,Symbol,quantity,note,entry,price\n7, BTCUSDT ,1,\"a, b\",100,110\n"
    result = run("pnl", "--csv", "-", stdin=rows)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id,Symbol,quantity,note,entry,price,pnl,roi_percent,error",
        '7, BTCUSDT ,1,"a, b",100,110,10,10.0,',
    ]
    lines = run("pnl", "--csv", "-", "--json", stdin=rows).stdout.splitlines()
    assert json.loads(lines[0]) == {"line": 2, "id": "7", "Symbol": " BTCUSDT ", "quantity": "1",
                                    "note": "a, b", "entry": "100", "price": "110",
                                    "pnl": "10", "roi_percent": "10.0"}


def test_options_are_defaults_for_missing_columns_and_empty_cells() -> None:
    rows = "quantity,price,leverage\n1,110,\n2,90,5\n"
    result = run("pnl", "--csv", "-", "--entry", "100", "--leverage", "2", stdin=rows)
    assert result.exit_code == 0, result.output
    # entry 100 from the option; row 2's empty leverage -> 2: 10 / (100 / 2) = 20 %;
    # row 3 keeps its own 5: -20 / (200 / 5) = -50 %
    assert result.stdout.splitlines()[1:] == ["1,110,,10,20.0,", "2,90,5,-20,-50.0,"]


def test_a_missing_column_without_an_option_names_both() -> None:
    result = run("pnl", "--csv", "-", stdin="quantity,entry\n1,2\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: line 1: missing column(s) price (or give --price "
                                     "as a default)")


def test_the_delimiter_is_read_and_written() -> None:
    semicolon = run("funding", "--csv", "-", "--delimiter", ";",
                    stdin="quantity;mark;rate\n2;100;0,0001\n".replace("0,0001", "0.0001"))
    assert semicolon.exit_code == 0
    assert semicolon.stdout.splitlines() == ["quantity;mark;rate;payment;error",
                                             "2;100;0.0001;0.0200;"]  # 2 * 100 * 0.0001
    tab = run("funding", "--csv", "-", "--delimiter", "tab", stdin="quantity\tmark\trate\n"
              "-1\t50\t1%\n")
    assert tab.stdout.splitlines()[1] == "-1\t50\t1%\t-0.50\t"  # -1 * 50 * 0.01
    bad = run("funding", "--csv", "-", "--delimiter", "ab", stdin="x\n")
    assert bad.exit_code == 2
    assert "--delimiter: expected one character" in bad.stderr


def test_output_names_never_repeat_an_input_column() -> None:
    # level's curve is an input and an output: with a curve column the output is prefixed
    with_curve = run("level", "--csv", "-", stdin="xp,curve\n1500,linear\n100,RuneScape\n")
    assert with_curve.stdout.splitlines() == [
        "xp,curve,level,xp_to_next_level,level_curve,error",
        "1500,linear,2,500,linear,", "100,RuneScape,2,74,runescape,"]
    without = run("level", "--csv", "-", "--curve", "moodle", stdin="xp\n5000\n")
    assert without.stdout.splitlines() == ["xp,level,xp_to_next_level,curve,error",
                                           "5000,10,,moodle,"]
    # a file that already holds outputs (a previous run's) keeps them; new ones are prefixed
    again = run("pnl", "--csv", "-", stdin="quantity,entry,price,pnl,error\n1,2,3,old,x\n")
    assert again.stdout.splitlines() == [
        "quantity,entry,price,pnl,error,pnl_pnl,roi_percent,pnl_error",
        "1,2,3,old,x,1,50.0,"]
    header = again.stdout.splitlines()[0].split(",")
    assert len(header) == len(set(header))


def test_a_refused_row_is_written_and_the_batch_exits_1_at_the_end() -> None:
    rows = ("balance,risk,entry,stop,min_notional,lot_size\n"
            "10000,0.01,2000,1950,10,0.01\n100,0.01,2000,1950,50,0.01\n")
    result = run("size", "--csv", "-", stdin=rows)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[2].endswith("sizing.min_notional: notional 40.00 is "
                                                   "below the minimum 50")
    assert result.stderr.startswith("error: 1 row(s) rejected; first at line 3")


def test_a_bad_row_stops_the_batch_naming_its_line_and_column() -> None:
    result = run("pnl", "--csv", "-", stdin="quantity,Entry,price\n1,2,3\n1,x,3\n4,5,6\n")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1] == "1,2,3,1,50.0,"  # 1 * (3 - 2), 1 / 2
    # the column as the file spells it, never the core's "entry_price"
    assert result.stderr.strip() == ("error: line 3: cli.invalid_input: Entry: not a decimal "
                                     "number ('x')")
    short = run("pnl", "--csv", "-", stdin="quantity,entry,price\n1,2\n")
    assert short.stderr.strip() == "error: line 2: cli.row_shape: expected 3 fields, got 2"


def test_keep_going_writes_every_row_and_counts_the_failures() -> None:
    rows = "id,quantity,entry,price\na,1,2,3\nb,1,x,3\nc,1,2\nd,4,5,6\n"
    result = run("pnl", "--csv", "-", "--keep-going", stdin=rows)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "id,quantity,entry,price,pnl,roi_percent,error",
        "a,1,2,3,1,50.0,",
        "b,1,x,3,,,cli.invalid_input: entry: not a decimal number ('x')",
        ',,,,,,"cli.row_shape: expected 4 fields, got 3"',  # quoted: it holds a comma
        "d,4,5,6,4,20.0,",  # 4 * (6 - 5) = 4; 4 / 20 = 20 %
    ]
    assert result.stderr.strip() == ("error: 2 of 4 row(s) failed (2 bad input, 0 refused); "
                                     "first at line 3: cli.invalid_input: entry: not a decimal "
                                     "number ('x')")


def test_every_problem_of_a_row_is_reported() -> None:
    result = run("pnl", "--csv", "-", stdin="quantity,entry,price\nx,0,\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: line 2: cli.invalid_input: quantity: not a decimal number ('x'); entry: must "
        "be greater than zero; price: missing")


def test_percentages_and_exact_values_in_a_batch() -> None:
    rows = "balance,risk,stop_distance\n10000,1%,3\n"
    shown = run("size", "--csv", "-", stdin=rows).stdout.splitlines()[1]
    assert shown == "10000,1%,3,33.33333333,,,,"  # 100 / 3 rounded down at 8 places
    exact = run("size", "--csv", "-", "--exact", stdin=rows).stdout.splitlines()[1]
    assert exact.startswith("10000,1%,3,33.33333333333333333333")


def test_allow_applies_to_batches() -> None:
    rows = "balance,risk,stop_distance\n1000,0.5,10\n"
    assert run("size", "--csv", "-", stdin=rows).exit_code == 2
    allowed = run("size", "--csv", "-", "--allow", stdin=rows)
    assert allowed.stdout.splitlines()[1] == "1000,0.5,10,50.0,,,,"  # 1000 * 0.5 / 10


@pytest.mark.parametrize(("stdin", "message"), [
    ("", "error: line 1: the CSV file is empty (a header is required)"),
    ("quantity,entry,price,Quantity\n", "error: line 1: column 'Quantity' appears twice"),
    ("quantity,entry,price,stop-distance,stop_distance\n",
     "error: line 1: column 'stop_distance' appears twice"),
    ("quantity,entry,price\n1,,3\n", "error: line 2: cli.invalid_input: entry: missing"),
    ("quantity,entry,price\n1,\"2\n", "error: line 2: unreadable CSV (unexpected end of data)"),
    ("quantity,entry,price\n1,2\x00,3\n",
     "error: line 2: cli.invalid_input: entry: not a decimal number ('2\\x00')"),
])
def test_csv_structure_problems(stdin: str, message: str) -> None:
    result = run("pnl", "--csv", "-", stdin=stdin)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_input_is_bounded() -> None:
    long_line = "quantity,entry,price\n1,2," + "3" * MAX_LINE_BYTES + "\n"
    result = run("pnl", "--csv", "-", stdin=long_line)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: line 2: longer than {MAX_LINE_BYTES} bytes (the " \
                                    "limit for one line)"
    # a quoted field spread over short lines is bounded too
    field = "\n".join(["x" * 100] * (MAX_FIELD_CHARS // 100 + 1))
    spread = run("pnl", "--csv", "-", stdin=f'quantity,entry,price,note\n1,2,3,"{field}"\n')
    assert spread.exit_code == 2
    assert "field larger than field limit" in spread.stderr
    wide = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n"
    assert run("pnl", "--csv", "-", stdin=wide).stderr.strip() == (
        f"error: line 1: {MAX_COLUMNS + 1} columns (at most {MAX_COLUMNS})")


def test_a_huge_header_is_refused_after_64_kib_with_a_short_error() -> None:
    header = "a" * 10_000_000 + "\n"
    result = run("pnl", "--csv", "-", stdin=header)
    assert result.exit_code == 2
    assert len(result.stderr) < 120


def test_a_non_utf8_batch_is_an_environment_failure(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes("quantity,entry,price\n1,2,3\n1,2,3 \u00e9\n".encode("latin-1"))
    result = run("pnl", "--csv", str(source))
    assert result.exit_code == 5
    assert result.stderr.strip() == "error: line 3: not UTF-8 text (byte 0xe9 at column 7)"


def test_a_csv_with_a_byte_order_mark_and_crlf_is_read(tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("\ufeffquantity,entry,price\r\n2,10,11\r\n".encode())
    result = run("pnl", "--csv", str(source), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pnl"] == "2"  # 2 * (11 - 10)


def test_a_missing_batch_file_is_bad_input_and_an_empty_option_value_too(
        tmp_path: Path) -> None:
    missing = run("pnl", "--csv", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("error: cannot read")
    assert "No such file" in missing.stderr
    empty = run("pnl", "--csv", "-", "--entry", " ", stdin="quantity,price\n1,2\n")
    assert empty.exit_code == 2
    assert empty.stderr.strip() == "error: --entry: empty value"


def test_batch_errors_from_bracket_files_are_per_row(tmp_path: Path) -> None:
    rows = ("side,entry,quantity,leverage,symbol\nlong,50000,20,20,BTCUSDT\n"
            "long,50000,20,75,BTCUSDT\nshort,3000,100,10,ETHUSDT\n")
    result = run("liquidation", "--csv", "-", "--tick-size", "0.01", stdin=rows)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1].startswith("long,50000,20,20,BTCUSDT,47851.02,50000,0.01,2550.000,")
    assert "margin.tier_leverage" in lines[2]
    # 300,000 short at 10x: (300000 + 30000 + 50) / (100 * 1.005) = 3284.0796.. -> down
    assert lines[3].startswith("short,3000,100,10,ETHUSDT,3284.07,30000,0.005,50.000,")


#: Options without a value.
FLAGS = ("--inverse",)


def _help_examples(name: str) -> list[list[str]]:
    page = run(name, "--help").stdout
    section = page.split("Examples:", 1)[1].split("\n\n", 1)[0]
    return [shlex.split(line.strip())[2:] for line in section.splitlines() if line.strip()]


@pytest.mark.parametrize("name", ROW_COMMANDS)
def test_a_batch_row_answers_as_the_same_options_do(name: str) -> None:
    for args in _help_examples(name):
        options = [a for a in args if a not in ("--json", "--exact")]
        # a switch (--inverse) is a true/false column in a batch
        cells = [c for a in options for c in ((a, "true") if a in FLAGS else (a,))]
        pairs = dict(zip(cells[::2], cells[1::2], strict=True))
        single = run(name, *options, "--json")
        assert single.exit_code == 0, single.output
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([key.removeprefix("--") for key in pairs])
        writer.writerow(list(pairs.values()))
        batch = run(name, "--csv", "-", "--json", stdin=buffer.getvalue())
        assert batch.exit_code == 0, batch.output
        row = json.loads(batch.stdout)
        expected = json.loads(single.stdout)
        # an output named like an input column is written with the command's prefix
        written = {k: f"{name.replace('-', '_')}_{k}" if f"--{k.replace('_', '-')}" in pairs
                   else k for k in expected}
        assert {k: row[written[k]] for k in expected} == expected, (name, args)

"""The batch fast path writes what the reference row path writes, byte for byte.

Each generated file is run twice through the real command: once as shipped (fast path on) and
once with the fast path switched off (every row through :func:`~astratrade_shell.cli.rows.
evaluate`); stdout, the exit code and the error text must be identical.  The files mix plain
rows with the cells the fast path must hand over: bad text, blank cells, exponents at and past
the bounds, zeros written every way, 24-digit and 28-place values, spaces, percentages, rows of
the wrong width, extra pass-through columns, coin-margined rows.
"""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from astratrade_shell.cli import batch, cli
from astratrade_shell.cli.fastpath import PLAIN

_ODD_CELLS = ("", " ", "abc", "1e2", "1E-28", "1e-29", "1e24", "1e23", "-0", "0.000", "+0",
              "-0.0", "+7", " 5 ", "5%", ".5", "5.", "1_000", "NaN", "inf", "0x10",
              "9" * 24, "9" * 25, "0." + "0" * 27 + "1", "0." + "0" * 28 + "1",
              "-" + "9" * 24 + "." + "9" * 28, "0" * 30 + "1", "\u0661", "1e9999999")


def _number(make: random.Random) -> str:
    pick = make.random()
    if pick < 0.04:
        return make.choice(_ODD_CELLS)
    if pick < 0.08:  # huge or tiny but plain
        return f"{make.choice('-+') if make.random() < 0.3 else ''}{make.randint(1, 10**24 - 1)}" \
               f".{make.randint(0, 10**28 - 1):028d}"
    whole = make.randint(-50_000, 50_000)
    places = make.randint(0, 6)
    return f"{whole / 10**places:.{places}f}" if places else str(whole)


def _price(make: random.Random) -> str:
    text = _number(make)
    return text.lstrip("-") if make.random() < 0.9 else text


def _file(seed: int, rows: int, *, extra: bool, leverage: bool, coin: bool = False) -> str:
    make = random.Random(seed)
    header = ["quantity", "entry", "price"]
    if extra:
        header = ["id", *header, "note"]
    if leverage:
        header.append("Leverage")
    if coin:
        header += ["inverse", "contract_size"]
    lines = [",".join(header)]
    for n in range(rows):
        cells = {"id": f"r{n}", "quantity": _number(make), "entry": _price(make),
                 "price": _price(make), "note": make.choice(("", "x", '"a, b"', "é")),
                 "leverage": make.choice(("", "1", "2.5", "3", "7", "125", "0", "-1", "1e1")),
                 "inverse": make.choice(("true", "false", "")),
                 "contract_size": make.choice(("100", "10", ""))}
        row = [cells[name.lower()] for name in header]
        if make.random() < 0.01:
            row = row[:-1]  # the wrong width
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _both(monkeypatch: pytest.MonkeyPatch, text: str, *args: str) -> None:
    fast = CliRunner().invoke(cli, ["pnl", "--csv", "-", *args], input=text)
    with monkeypatch.context() as patched:
        patched.setattr(batch, "fast_path", lambda *a, **k: None)
        slow = CliRunner().invoke(cli, ["pnl", "--csv", "-", *args], input=text)
    assert fast.exit_code == slow.exit_code
    assert fast.stderr == slow.stderr
    assert fast.stdout_bytes == slow.stdout_bytes


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("args", [(), ("--keep-going",), ("--json", "--keep-going"),
                                  ("--exact", "--keep-going"), ("--leverage", "4", "--keep-going"),
                                  ("--quantity", "1.5", "--entry", "2", "--keep-going")])
def test_the_fast_path_writes_what_the_reference_writes(
        monkeypatch: pytest.MonkeyPatch, seed: int, args: tuple[str, ...]) -> None:
    text = _file(seed, 400, extra=seed % 2 == 0, leverage=seed % 3 != 0)
    _both(monkeypatch, text, *args)


def test_a_batch_that_stops_at_a_bad_row_wrote_the_same_rows_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ["quantity,entry,price"] + [f"{n},100,10{n % 10}" for n in range(1, 1500)]
    rows[1200] = "1,abc,100"
    _both(monkeypatch, "\n".join(rows) + "\n")
    _both(monkeypatch, "\n".join(rows) + "\n", "--json")


def test_coin_margined_batches_take_the_reference_path(monkeypatch: pytest.MonkeyPatch) -> None:
    _both(monkeypatch, _file(9, 300, extra=True, leverage=True, coin=True), "--keep-going")
    plain = _file(10, 300, extra=False, leverage=False)
    _both(monkeypatch, plain, "--inverse", "--contract-size", "100", "--keep-going")


def test_a_missing_column_takes_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _file(11, 300, extra=True, leverage=True).splitlines()
    without_entry = [",".join(c for i, c in enumerate(line.split(",")) if i != 2)
                     for line in lines]
    _both(monkeypatch, "\n".join(without_entry) + "\n", "--entry", "250.5", "--keep-going")
    _both(monkeypatch, "\n".join(without_entry) + "\n", "--keep-going")


def test_every_odd_cell_in_every_column(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["quantity,entry,price,leverage"]
    for cell in _ODD_CELLS:
        lines += [f"{cell},100,110,2", f"2,{cell},110,2", f"2,100,{cell},2", f"2,100,110,{cell}"]
    # ROIs with exactly 6, 5 and 7 places as computed (shown as they are, or rounded)
    lines += ["1,1,1.000001,1", "1,1,1.00001,1", "1,1,1.0000001,1", "1,1,1.0000015,1",
              "-1,1,1.0000025,1", "1,2,1.999999995,1", "1,3,3.01,1"]
    _both(monkeypatch, "\n".join(lines) + "\n", "--keep-going")
    _both(monkeypatch, "\n".join(lines) + "\n", "--keep-going", "--json", "--exact")


def test_only_plain_bounded_text_is_read_here() -> None:
    assert PLAIN.fullmatch("9" * 24 + "." + "9" * 28)
    for text in ("9" * 25, "1." + "1" * 29, "1e2", " 1", "1%", ".5", "5."):
        assert PLAIN.fullmatch(text) is None

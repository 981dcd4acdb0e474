"""Every row-wise calculator's batch fast path writes what the reference row path writes.

The dedicated kernel of ``size``'s seed formula and the generic path (any pure calculator:
plain cells read without ``Result`` objects, the reference's compute and display) are run on
seeded files mixing plain rows with every cell they must hand over -- bad text, blanks,
exponents, percentages, zeros, values past the bounds, refused rows, rows of the wrong width
-- once as shipped and once with fast paths off; stdout, stderr and the exit code must be
identical (the approach of ``test_fastpath.py`` for ``pnl``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

import attrs
import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from astratrade_shell.cli import batch, cli
from astratrade_shell.cli.calculators import liquidation, size
from astratrade_shell.cli.fastpath import fast_path, size_fast_path
from astratrade_shell.cli.rows import RowSpec, evaluate, read_field, render_value
from tests.shell.cli.test_fastpath import _ODD_CELLS

Cell = Callable[[random.Random], str]


def _number(low: int, high: int, places: int, odd: float = 0.05) -> Cell:
    def make(rng: random.Random) -> str:
        if rng.random() < odd:
            return rng.choice(_ODD_CELLS)
        digits = rng.randint(0, places)
        value = rng.randint(low * 10**digits, high * 10**digits)
        return f"{value / 10**digits:.{digits}f}" if digits else str(value)
    return make


def _pick(*choices: str, odd: float = 0.03) -> Cell:
    def make(rng: random.Random) -> str:
        return rng.choice(_ODD_CELLS) if rng.random() < odd else rng.choice(choices)
    return make


def _file(seed: int, rows: int, columns: dict[str, Cell]) -> str:
    rng = random.Random(seed)
    lines = [",".join(["id", *columns, "note"])]
    for n in range(rows):
        row = [f"r{n}", *(make(rng) for make in columns.values()), rng.choice(("", "x", "é"))]
        if rng.random() < 0.01:
            row = row[:-1]  # the wrong width
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _both(monkeypatch: pytest.MonkeyPatch, command: str, text: str, *args: str) -> str:
    fast = CliRunner().invoke(cli, [command, "--csv", "-", *args], input=text)
    with monkeypatch.context() as patched:
        patched.setattr(batch, "fast_path", lambda *a, **k: None)
        slow = CliRunner().invoke(cli, [command, "--csv", "-", *args], input=text)
    assert fast.exit_code == slow.exit_code
    assert fast.stderr == slow.stderr
    assert fast.stdout_bytes == slow.stdout_bytes
    return fast.stdout


_RISK = _pick("0.01", "0.02", "0.005", "0.1", "0.15", "1", "1%", "2.5%", "0", "-0.01",
              "0.0333333", "1.5", odd=0.05)

CASES: dict[str, tuple[str, dict[str, Cell], tuple[tuple[str, ...], ...]]] = {
    "size seed": ("size", {"balance": _number(-10, 100_000, 4), "risk": _RISK,
                           "stop_distance": _number(-1, 5_000, 6)},
                  ((), ("--allow",), ("--exact",), ("--json",), ("--risk", "0.02"))),
    "size full": ("size", {"balance": _number(1, 100_000, 2), "risk": _RISK,
                           "entry": _number(1, 60_000, 2), "stop": _number(1, 60_000, 2),
                           "lot_size": _pick("0.001", "0.01", "1", ""),
                           "fee_rate": _pick("", "0.0004", "0.1%", "0.5"),
                           "leverage": _pick("", "1", "5", "20", "200")},
                  ((), ("--min-notional", "5", "--max-leverage", "125"), ("--json",))),
    "liquidation": ("liquidation",
                    {"side": _pick("long", "short", " Short ", "flat"),
                     "entry": _number(1, 60_000, 2), "leverage": _pick("1", "5", "10", "125",
                                                                       "0.5", "150"),
                     "quantity": _number(0, 50, 3), "mmr": _pick("0.004", "0.5%", "0.01", "1",
                                                                 ""),
                     "isolated_margin": _pick("", "", "100", "5000", "-1")},
                    ((), ("--exact",), ("--json", "--mmr", "0.005"), ("--tick-size", "0.1"),
                     ("--mode", "cross", "--wallet-balance", "20000"))),
    "margin-ratio": ("margin-ratio",
                     {"side": _pick("long", "short"), "entry": _number(1, 60_000, 2),
                      "mark": _number(1, 60_000, 2), "leverage": _pick("1", "5", "20"),
                      "quantity": _number(0, 50, 3)},
                     (("--mmr", "0.004"), ("--symbol", "BTCUSDT", "--json"))),
    "funding": ("funding", {"quantity": _number(-50, 50, 4), "mark": _number(-1, 90_000, 2),
                            "rate": _pick("0.0001", "-0.0003", "0.01%", "0.000125")},
                ((), ("--json",), ("--inverse", "--contract-size", "100"))),
    "apy": ("apy", {"apr": _pick("0.12", "10%", "0.05", "-0.5", "2", "0"),
                    "periods": _pick("12", "365", "continuous", "0", "1.5", "x"),
                    "places": _pick("", "6", "10", "29", "-1")},
            ((), ("--json",), ("--places", "4"))),
    "pnl inverse": ("pnl", {"quantity": _number(-50, 50, 0), "entry": _number(1, 90_000, 1),
                            "price": _number(1, 90_000, 1),
                            "inverse": _pick("true", "false", "")},
                    (("--contract-size", "100"), ("--contract-size", "10", "--json"))),
}


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_fast_paths_write_what_the_reference_writes(
        monkeypatch: pytest.MonkeyPatch, case: str, seed: int) -> None:
    command, columns, variants = CASES[case]
    text = _file(seed, 150, columns)
    for args in variants:
        _both(monkeypatch, command, text, *args, "--keep-going")
    _both(monkeypatch, command, text, *variants[0])  # stops at the first unreadable row


def test_the_seed_sizer_kernel_shows_the_reference_rounding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ["balance,risk,stop_distance", "10000,0.01,50", "10000,0.01,3", "25000,0.02,125",
            "1,0.1,0.00000003", "0.00000001,0.01,99999", "1,0.1,7", "7,0.03,0.21"]
    out = _both(monkeypatch, "size", "\n".join(rows) + "\n")
    # 100.00 / 50 = 2.00; 100.00 / 3 rounded down; 500.00 / 125 = 4.00 (shown as computed)
    assert out.splitlines()[1:4] == ["10000,0.01,50,2.00,,,,", "10000,0.01,3,33.33333333,,,,",
                                     "25000,0.02,125,4.00,,,,"]
    _both(monkeypatch, "size", "\n".join(rows) + "\n", "--exact")


def _spec(command: click.Command) -> RowSpec:
    cells = command.callback.__closure__ if command.callback else None
    return next(c.cell_contents for c in cells or () if isinstance(c.cell_contents, RowSpec))


def test_only_pure_calculators_get_the_generic_path() -> None:
    spec = _spec(liquidation)
    labels = {f.name: f.name for f in spec.fields}
    columns = {"side": 0, "entry": 1, "leverage": 2, "mmr": 3}
    ready = {"mode": read_field(spec.field("mode"), "isolated", "--mode", False)}
    fast = fast_path(spec, columns, ready, exact=False, labels=labels)
    assert fast is not None
    # 10x long at 50000, mmr 0.4 %: (50000 - 5000) / (1 - 0.004) = 45180.72289..., up
    assert fast(["long", "50000", "10", "0.004"]) == ("45180.72289157", "5000", "0.004", "0")
    assert fast(["long", "50000", "10", "x"]) is None  # the reference path reports it
    impure = attrs.evolve(spec, pure=False)
    assert fast_path(impure, {"side": 0}, {}, exact=False, labels=labels) is None


# ------------------------------------------------------------- the seed sizer on integers

_DIVISORS = ("1", "2", "4", "5", "8", "0.5", "0.25", "0.125", "50", "125", "3", "7", "0.001",
             "1000", "100000000", "0.00000001", "400.00", "1.6", "3125")


def _plain(max_whole: int, max_places: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda sign, whole, part, places: f"{sign}{whole}" + (
            f".{part % 10**places:0{places}d}" if places else ""),
        st.sampled_from(["", "", "+"]), st.integers(0, 10**max_whole - 1),
        st.integers(0, 10**28), st.integers(0, max_places))


@given(_plain(24, 28) | st.sampled_from(["100", "10000", "0.00000001", "1" + "0" * 23]),
       _plain(1, 28) | st.sampled_from(["0.01", "0.1", "1", "0.10", "0.016", "1.00"]),
       _plain(24, 28) | st.sampled_from(_DIVISORS), st.booleans(), st.booleans())
def test_the_seed_sizer_on_integers_shows_what_the_reference_shows(
        balance: str, risk: str, distance: str, exact: bool, allow: bool) -> None:
    spec = _spec(size)
    labels = {f.name: f.option for f in spec.fields}
    limit = Decimal(1) if allow else Decimal("0.1")
    fast = size_fast_path({"balance": 0, "risk": 1, "stop_distance": 2}, {}, exact=exact,
                          risk_limit=limit)
    assert fast is not None
    answer = fast([balance, risk, distance])
    # a NUL in a cell never splits the joined match differently: the row is declined
    assert fast([f"{balance}\x00{risk}", risk, distance]) is None
    assert fast([balance, f"{risk}\x00", distance]) is None
    outcome = evaluate(spec, {"balance": balance, "risk": risk, "stop_distance": distance},
                       labels, allow=allow, exact=exact)
    if answer is None:  # declined: a refused row, or a quotient next to a boundary
        return
    assert not outcome.error
    assert answer == tuple(None if (v := outcome.outputs.get(o.name)) is None
                           else render_value(v) for o in spec.outputs)


@pytest.mark.parametrize(("balance", "risk", "distance", "shown"), [
    ("10000", "0.01", "50", "2.00"),        # exact, the ideal exponent -2
    ("10000", "0.1", "0.00001", "100000000"),  # 1000.0 / 0.00001: the ideal exponent +4
    ("100", "0.1", "0.000000001", "10000000000"),
    ("1.23456789", "0.01", "0.001", "12.3456789"),  # 8 places exact, ideal -8
    ("1.234567891", "0.01", "0.001", "12.34567891"),  # 9-digit ideal, exact at 8: canonical
    ("1.2345678912", "0.01", "0.001", "12.34567891"),  # rounded down
    ("7", "0.03", "0.21", "1"),              # 0.21 / 0.21 at the ideal exponent 0
    ("7", "0.030", "0.21", "1.0"),           # 0.210 / 0.21: ideal -1
    ("1", "0.1", "3", "0.03333333"),         # 120 digits, rounded down
    ("2", "0.1", "0.0000000000000000000000000003",
     "666666666666666666666666666.66666666"),
])
def test_seed_sizer_edges(monkeypatch: pytest.MonkeyPatch, balance: str, risk: str,
                          distance: str, shown: str) -> None:
    text = f"balance,risk,stop_distance\n{balance},{risk},{distance}\n"
    out = _both(monkeypatch, "size", text, "--allow")
    assert out.splitlines()[1].split(",")[3] == shown

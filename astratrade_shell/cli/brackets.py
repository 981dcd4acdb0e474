"""Maintenance-margin brackets for the margin calculators: Binance's file shapes and presets.

**Files** (``--brackets FILE``) come in the shapes Binance publishes:

* JSON: the answer of ``GET /fapi/v1/leverageBracket`` -- a list of
  ``{"symbol": ..., "brackets": [{"bracket", "initialLeverage", "notionalCap",
  "notionalFloor", "maintMarginRatio", "cum"}, ...]}`` (one object, or the bare list of
  brackets, is accepted too).  JSON numbers are read as exact decimal text, never floats.
* CSV: one row per bracket with those column names (any case, ``_`` ignored), plus an
  optional ``symbol`` column.
* COIN-M (``GET /dapi/v1/leverageBracket``, for ``--inverse``): the same with ``qtyFloor`` and
  ``qtyCap`` (coin values) in place of the notional bounds, and ``pair`` (or ``symbol``)
  naming the contract.

With several symbols in a file, ``--symbol`` chooses one.  The brackets go through the core's
:func:`~astratrade_core.instrument.margin_tiers` (the last bracket is taken as unbounded, as
:mod:`astratrade_shell.exchanges.ccxt_venue` does), and each bracket's ``cum`` must equal the
maintenance amount the core derives from the floors and rates (else the file is refused).

**Presets** (``--symbol BTCUSDT`` without a file): :data:`PRESETS`, Binance's USDⓈ-M brackets
of :data:`PRESET_DATE`.  Binance changes them from time to time; for today's, save the
endpoint's answer and pass it with ``--brackets``.

>>> tiers = preset_tiers("BTCUSDT")
>>> [(str(t.notional_floor), str(t.maintenance_margin_rate), str(t.maintenance_amount))
...  for t in tiers[:3]]
[('0', '0.004', '0'), ('50000', '0.005', '50.000'), ('500000', '0.01', '2550.000')]
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from returns.result import Failure, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import MarginTier, margin_tiers
from astratrade_core.numeric import parse_decimal
from astratrade_shell.cli.batchfile import column_name, file_stamp, read_small_file
from astratrade_shell.cli.rows import Refused
from astratrade_shell.cli.values import quote

__all__ = ["MAX_BRACKET_FILE_BYTES", "PRESETS", "PRESET_DATE", "PRESET_SOURCE", "file_tiers",
           "preset_tiers"]

#: A bracket file larger than this is refused (Binance's answer for every symbol is < 1 MB).
MAX_BRACKET_FILE_BYTES: Final = 8 * 1024 * 1024

#: The date of the preset brackets.
PRESET_DATE: Final = "2024-05-23"
#: Where the presets come from.
PRESET_SOURCE: Final = (
    "Binance USDⓈ-M GET /fapi/v1/leverageBracket as published on 2024-05-23 (the snapshot in "
    "freqtrade's freqtrade/exchange/binance_leverage_tiers.json, commit d59422159)")

# (notionalFloor, notionalCap, initialLeverage, maintMarginRatio, cum) per bracket.
_Row = tuple[str, str, str, str, str]
#: Symbol -> Binance's brackets on :data:`PRESET_DATE`.
PRESETS: Final[Mapping[str, tuple[_Row, ...]]] = {
    "BTCUSDT": (
        ("0", "50000", "125", "0.004", "0"),
        ("50000", "500000", "100", "0.005", "50"),
        ("500000", "10000000", "50", "0.01", "2550"),
        ("10000000", "80000000", "20", "0.025", "152550"),
        ("80000000", "150000000", "10", "0.05", "2152550"),
        ("150000000", "300000000", "5", "0.1", "9652550"),
        ("300000000", "450000000", "4", "0.125", "17152550"),
        ("450000000", "600000000", "3", "0.15", "28402550"),
        ("600000000", "800000000", "2", "0.25", "88402550"),
        ("800000000", "1000000000", "1", "0.5", "288402550"),
    ),
    "ETHUSDT": (
        ("0", "50000", "125", "0.004", "0"),
        ("50000", "500000", "100", "0.005", "50"),
        ("500000", "1000000", "75", "0.0065", "800"),
        ("1000000", "5000000", "50", "0.01", "4300"),
        ("5000000", "50000000", "20", "0.02", "54300"),
        ("50000000", "100000000", "10", "0.05", "1554300"),
        ("100000000", "150000000", "5", "0.1", "6554300"),
        ("150000000", "300000000", "4", "0.125", "10304300"),
        ("300000000", "400000000", "3", "0.15", "17804300"),
        ("400000000", "500000000", "2", "0.25", "57804300"),
        ("500000000", "800000000", "1", "0.5", "182804300"),
    ),
    "BNBUSDT": (
        ("0", "10000", "75", "0.005", "0"),
        ("10000", "50000", "50", "0.006", "10"),
        ("50000", "100000", "40", "0.01", "210"),
        ("100000", "500000", "25", "0.02", "1210"),
        ("500000", "2000000", "10", "0.05", "16210"),
        ("2000000", "6000000", "5", "0.1", "116210"),
        ("6000000", "10000000", "4", "0.125", "266210"),
        ("10000000", "20000000", "3", "0.15", "516210"),
        ("20000000", "30000000", "2", "0.25", "2516210"),
        ("30000000", "50000000", "1", "0.5", "10016210"),
    ),
    "SOLUSDT": (
        ("0", "10000", "100", "0.005", "0"),
        ("10000", "50000", "75", "0.0065", "15"),
        ("50000", "200000", "50", "0.01", "190"),
        ("200000", "500000", "40", "0.012", "590"),
        ("500000", "1000000", "25", "0.02", "4590"),
        ("1000000", "2000000", "20", "0.025", "9590"),
        ("2000000", "5000000", "10", "0.05", "59590"),
        ("5000000", "15000000", "5", "0.1", "309590"),
        ("15000000", "20000000", "4", "0.125", "684590"),
        ("20000000", "50000000", "2", "0.25", "3184590"),
        ("50000000", "100000000", "1", "0.5", "15684590"),
    ),
    "XRPUSDT": (
        ("0", "5000", "75", "0.005", "0"),
        ("5000", "10000", "50", "0.006", "5"),
        ("10000", "50000", "40", "0.01", "45"),
        ("50000", "750000", "25", "0.02", "545"),
        ("750000", "3000000", "10", "0.05", "23045"),
        ("3000000", "10000000", "5", "0.1", "173045"),
        ("10000000", "12000000", "4", "0.125", "423045"),
        ("12000000", "20000000", "3", "0.15", "723045"),
        ("20000000", "30000000", "2", "0.25", "2723045"),
        ("30000000", "50000000", "1", "0.5", "10223045"),
    ),
    "DOGEUSDT": (
        ("0", "5000", "75", "0.005", "0"),
        ("5000", "10000", "50", "0.006", "5"),
        ("10000", "50000", "40", "0.007", "15"),
        ("50000", "750000", "25", "0.01", "165"),
        ("750000", "1100000", "20", "0.025", "11415"),
        ("1100000", "2200000", "10", "0.05", "38915"),
        ("2200000", "5600000", "5", "0.1", "148915"),
        ("5600000", "7000000", "4", "0.125", "288915"),
        ("7000000", "18000000", "2", "0.25", "1163915"),
        ("18000000", "30000000", "1", "0.5", "5663915"),
    ),
}

_KEYS: Final = ("notionalfloor", "notionalcap", "initialleverage", "maintmarginratio", "cum")
#: COIN-M's names for the bounds (coin values).
_COIN_KEYS: Final = {"qtyfloor": "notionalfloor", "qtycap": "notionalcap"}


def _invalid(message: str) -> Refused:
    return Refused(DomainError.invalid("cli.brackets", message))


def _tiers(rows: Sequence[_Row], where: str) -> tuple[MarginTier, ...]:
    built = margin_tiers([(floor, None if i == len(rows) - 1 else cap, leverage, mmr)
                          for i, (floor, cap, leverage, mmr, _) in enumerate(rows)])
    if isinstance(built, Failure):
        raise _invalid(f"brackets: {where}: {built.failure().message}")
    tiers = built.unwrap()
    for index, (tier, row) in enumerate(zip(tiers, rows, strict=True), start=1):
        cum = parse_decimal(row[4], "cum")
        if not isinstance(cum, Success) or cum.unwrap() != tier.maintenance_amount:
            raise _invalid(f"brackets: {where}: bracket {index} has cum {quote(row[4])}, but "
                           f"its floors and rates give {tier.maintenance_amount}")
    return tiers


def preset_tiers(symbol: str) -> tuple[MarginTier, ...]:
    """The preset brackets of ``symbol`` (see :data:`PRESETS`)."""
    rows = PRESETS.get(symbol.upper())
    if rows is None:
        raise _invalid(f"symbol: no preset brackets for {quote(symbol)} (presets: "
                       f"{', '.join(PRESETS)}); pass the exchange's answer with --brackets")
    return _tiers(rows, f"{symbol.upper()} preset")


def file_tiers(path: str, symbol: str | None) -> tuple[MarginTier, ...]:
    """The brackets of ``symbol`` (or the only symbol) in the file at ``path``."""
    return _file_tiers(path, symbol, file_stamp(path))


@functools.lru_cache(maxsize=16)
def _file_tiers(path: str, symbol: str | None,
                stamp: tuple[int, int]) -> tuple[MarginTier, ...]:
    del stamp  # part of the cache key only: a changed file is read again
    text = read_small_file(path, MAX_BRACKET_FILE_BYTES, "brackets")
    by_symbol = _json_rows(text) if text.lstrip()[:1] in ("[", "{") else _csv_rows(text)
    if symbol is not None:
        rows = by_symbol.get(symbol.upper())
        if rows is None:
            raise _invalid(f"brackets: no {quote(symbol)} in {quote(path)} (it has "
                           f"{', '.join(sorted(by_symbol))[:80]})")
        return _tiers(rows, symbol.upper())
    if len(by_symbol) != 1:
        raise _invalid(f"brackets: {quote(path)} has {len(by_symbol)} symbols; choose one "
                       f"with --symbol")
    name, rows = next(iter(by_symbol.items()))
    return _tiers(rows, name or quote(path))


def _json_rows(text: str) -> dict[str, tuple[_Row, ...]]:
    try:
        data: Any = json.loads(text, parse_float=str, parse_int=str)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise _invalid(f"brackets: not JSON ({str(exc)[:60]})") from None
    if isinstance(data, dict):
        data = [data]
    if isinstance(data, list) and data and all(isinstance(d, dict) and "brackets" not in d
                                               for d in data):
        data = [{"symbol": "", "brackets": data}]
    if not isinstance(data, list) or not data:
        raise _invalid("brackets: expected the leverageBracket answer (a list of symbols)")
    found: dict[str, tuple[_Row, ...]] = {}
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("brackets"), list):
            raise _invalid("brackets: each symbol needs a list of brackets")
        found[str(entry.get("symbol", entry.get("pair", ""))).upper()] = tuple(
            _row({column_name(k).replace("_", ""): v for k, v in b.items()}
                 if isinstance(b, dict) else {}) for b in entry["brackets"])
    return found


def _csv_rows(text: str) -> dict[str, tuple[_Row, ...]]:
    reader = csv.DictReader(io.StringIO(text))
    found: dict[str, list[_Row]] = {}
    try:
        for record in reader:
            cells = {column_name(k or "").replace("_", ""): v for k, v in record.items()}
            found.setdefault(str(cells.get("symbol") or "").upper(), []).append(_row(cells))
    except csv.Error as exc:
        raise _invalid(f"brackets: unreadable CSV ({exc})") from None
    if not found:
        raise _invalid("brackets: the file has no brackets")
    return {k: tuple(v) for k, v in found.items()}


def _row(given: Mapping[str, object]) -> _Row:
    cells = {_COIN_KEYS.get(k, k): v for k, v in given.items()}
    missing = [k for k in _KEYS if not isinstance(cells.get(k), str) or not cells.get(k)]
    if missing:
        raise _invalid(f"brackets: a bracket lacks {', '.join(missing)}")
    floor, cap, leverage, mmr, cum = (str(cells[k]).strip() for k in _KEYS)
    return floor, cap, leverage, mmr, cum


"""Batch throughput of the command line, timed in the same run.

* ``astratrade funding --csv`` (a calculator added with the row pipeline), fast paths off, against
  ``astratrade pnl --csv`` through the row path (its fast path off) on files of the same
  number of rows (1,000,000; 50,000 with
  ``--quick``): the whole program in one process -- bounded reading, parsing with the strict
  number reader and the core's bounds, the core's maths, display rounding and CSV writing --
  with its output discarded.  Reported per row; rows/s = 1 / that.  Target: within 1.5x of
  ``pnl`` (the same pipeline with a lighter formula).
* the batch fast paths (``pnl``; ``size``'s seed formula; ``liquidation`` with one
  ``--mmr`` bracket) against pandas + numpy float64 reading the same CSV, computing the same
  columns (rounded as the CLI shows them) and writing CSV (target: faster, ``< 1x``;
  ``size`` and ``liquidation`` on 10,000 rows with ``--quick``);
* ``liquidation --csv`` through the generic fast path (every pure calculator: the
  reference's compute without its parse) against the row path, on a tenth of the rows
  (1,000 with ``--quick``; for the record).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import random
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from unittest import mock

import numpy as np

from astratrade_shell.cli import batch, cli, fastpath
from astratrade_shell.cli.rows import Read, RowSpec
from benchmarks.harness import Comparison, compare

__all__ = ["run"]


def _write(path: Path, header: str, rows: int, third: Callable[[], str]) -> None:
    make = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for _ in range(rows):
            quantity = make.randint(-50_000, 50_000) or 1
            out.write(f"{quantity / 10_000},{make.randint(1_000, 900_000) / 10},{third()}\n")


def _batch(command: str, path: Path, *options: str, rows_only: bool = False,
           generic: bool = False) -> None:
    """``astratrade COMMAND --csv PATH OPTIONS``, output discarded; ``rows_only`` switches
    fast paths off (every row through the row path), ``generic`` keeps only the generic
    one."""
    saved = sys.stdout
    sys.stdout = io.StringIO()
    real = fastpath.fast_path

    def generic_only(spec: RowSpec, fields: Mapping[str, int], ready: Mapping[str, Read], *,
                     exact: bool, allow: bool = False, labels: Mapping[str, str] | None = None,
                     ) -> fastpath.FastPath | None:
        return None if labels is None else fastpath.generic_fast_path(
            spec, fields, ready, labels, exact=exact, allow=allow)

    try:
        with mock.patch.object(batch, "fast_path", return_value=None) if rows_only \
                else mock.patch.object(batch, "fast_path", generic_only) if generic \
                else contextlib.nullcontext(real):
            code = cli.main([command, "--csv", str(path), *options], standalone_mode=False)
    finally:
        sys.stdout = saved
    if code not in (0, None):
        raise RuntimeError(f"{command} exited {code}")


def _pandas_pnl(path: Path) -> None:
    """What the fast path does, in pandas and float64: read, P&L and ROI, write as CSV."""
    pd = importlib.import_module("pandas")
    frame = pd.read_csv(path)
    quantity, entry, price = (frame[name].to_numpy(dtype=np.float64)
                              for name in ("quantity", "entry", "price"))
    frame["pnl"] = quantity * (price - entry)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["roi_percent"] = np.round(np.where(
            quantity != 0, frame["pnl"] / np.abs(quantity * entry) * 100, np.nan), 6)
    frame["error"] = ""
    frame.to_csv(io.StringIO(), index=False)


def _pandas_size(path: Path) -> None:
    """``size``'s seed formula in pandas: balance * risk / stop_distance, floored to 8
    places, the full sizer's columns empty."""
    pd = importlib.import_module("pandas")
    frame = pd.read_csv(path)
    quantity = (frame["balance"].to_numpy(dtype=np.float64)
                * frame["risk"].to_numpy(dtype=np.float64)
                / frame["stop_distance"].to_numpy(dtype=np.float64))
    frame["quantity"] = np.floor(quantity * 1e8) / 1e8
    for name in ("notional", "risk_amount", "margin", "error"):
        frame[name] = ""
    frame.to_csv(io.StringIO(), index=False)


def _pandas_liquidation(path: Path, leverage: float, mmr: float) -> None:
    """Isolated one-bracket liquidation in pandas: margin |q| e / L, price
    (s q e - margin) / (s q - q mmr) rounded toward the entry at 8 places."""
    pd = importlib.import_module("pandas")
    frame = pd.read_csv(path)
    entry = frame["entry"].to_numpy(dtype=np.float64)
    quantity = frame["quantity"].to_numpy(dtype=np.float64)
    long = (frame["side"] == "long").to_numpy()
    sign = np.where(long, 1.0, -1.0)
    margin = quantity * entry / leverage
    price = (sign * quantity * entry - margin) / (sign * quantity - quantity * mmr)
    frame["liquidation_price"] = np.where(long, np.ceil(price * 1e8), np.floor(price * 1e8)) / 1e8
    frame["margin"] = np.ceil(margin * 1e8) / 1e8
    frame["maintenance_rate"] = mmr
    frame["maintenance_amount"] = 0
    frame["error"] = ""
    frame.to_csv(io.StringIO(), index=False)


def run(quick: bool) -> list[Comparison]:
    rows = 50_000 if quick else 1_000_000
    make = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        pnl = Path(folder) / "pnl.csv"
        funding = Path(folder) / "funding.csv"
        _write(pnl, "quantity,entry,price", rows, lambda: str(make.randint(1_000, 900_000) / 10))
        _write(funding, "quantity,mark,rate", rows,
               lambda: f"{make.randint(-300, 300) / 1_000_000:.6f}")
        results = [compare(f"funding --csv, row path, {rows:,} rows",
                           lambda: _batch("funding", funding, rows_only=True),
                           f"pnl --csv, row path, {rows:,} rows",
                           lambda: _batch("pnl", pnl, rows_only=True),
                           repeats=1 if not quick else 2, per=rows, unit="row",
                           target="< 1.5x")]
        kernel_rows = rows if not quick else 10_000  # --quick: a smoke test, kept short
        size = Path(folder) / "size.csv"
        liquidation = Path(folder) / "liquidation.csv"
        with size.open("w", encoding="utf-8") as out:
            out.write("balance,risk,stop_distance\n")
            for _ in range(kernel_rows):
                out.write(f"{make.randint(100, 10**7) / 100},{make.randint(1, 100) / 1000},"
                          f"{make.randint(1, 10**6) / 100}\n")
        with liquidation.open("w", encoding="utf-8") as out:
            out.write("side,entry,quantity\n")
            for _ in range(kernel_rows):
                out.write(f"{make.choice(('long', 'short'))},{make.randint(1_000, 900_000) / 10},"
                          f"{make.randint(1, 50_000) / 1_000}\n")
        one_bracket = ("--leverage", "10", "--mmr", "0.004")
        repeats = 1 if not quick else 2
        if importlib.util.find_spec("pandas") is not None:  # the bench extra
            results += [
                compare(f"pnl --csv (fast path), {rows:,} rows", lambda: _batch("pnl", pnl),
                        f"pandas + numpy float64, {rows:,} rows", lambda: _pandas_pnl(pnl),
                        repeats=repeats, per=rows, unit="row", target="< 1x"),
                compare(f"size --csv (fast path), {kernel_rows:,} rows",
                        lambda: _batch("size", size),
                        f"pandas + numpy float64, {kernel_rows:,} rows",
                        lambda: _pandas_size(size),
                        repeats=repeats, per=kernel_rows, unit="row", target="< 1x"),
                compare(f"liquidation --csv --mmr (fast path), {kernel_rows:,} rows",
                        lambda: _batch("liquidation", liquidation, *one_bracket),
                        f"pandas + numpy float64, {kernel_rows:,} rows",
                        lambda: _pandas_liquidation(liquidation, 10.0, 0.004),
                        repeats=repeats, per=kernel_rows, unit="row", target="< 1x")]
        small = rows // 10 if not quick else 1_000  # the row path is slow: a tenth of the rows
        few = Path(folder) / "liquidation-few.csv"  # the first rows
        with liquidation.open(encoding="utf-8") as source, few.open("w", encoding="utf-8") as out:
            out.writelines(line for _, line in zip(range(small + 1), source, strict=False))
        results.append(compare(
            f"liquidation --csv --mmr (generic fast path), {small:,} rows",
            lambda: _batch("liquidation", few, *one_bracket, generic=True),
            f"row path, {small:,} rows",
            lambda: _batch("liquidation", few, *one_bracket, rows_only=True),
            repeats=repeats, per=small, unit="row", target="(for the record)"))
        return results

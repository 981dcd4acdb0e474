"""Batch throughput of the command line, timed in the same run.

* ``astratrade funding --csv`` (a calculator added with the row pipeline) against
  ``astratrade pnl --csv`` through the row path (its fast path off) on files of the same
  number of rows (1,000,000; 50,000 with
  ``--quick``): the whole program in one process -- bounded reading, parsing with the strict
  number reader and the core's bounds, the core's maths, display rounding and CSV writing --
  with its output discarded.  Reported per row; rows/s = 1 / that.  Target: within 1.5x of
  ``pnl`` (the same pipeline with a lighter formula).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import numpy as np

from astratrade_shell.cli import batch, cli
from benchmarks.harness import Comparison, compare

__all__ = ["run"]


def _write(path: Path, header: str, rows: int, third: Callable[[], str]) -> None:
    make = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write(header + "\n")
        for _ in range(rows):
            quantity = make.randint(-50_000, 50_000) or 1
            out.write(f"{quantity / 10_000},{make.randint(1_000, 900_000) / 10},{third()}\n")


def _batch(command: str, path: Path, *, rows_only: bool = False) -> None:
    """``astratrade COMMAND --csv PATH``, output discarded; ``rows_only`` switches fast paths
    off (every row through the row path)."""
    saved = sys.stdout
    sys.stdout = io.StringIO()
    try:
        with mock.patch.object(batch, "fast_path", return_value=None) if rows_only \
                else contextlib.nullcontext():
            code = cli.main([command, "--csv", str(path)], standalone_mode=False)
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


def run(quick: bool) -> list[Comparison]:
    rows = 50_000 if quick else 1_000_000
    make = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        pnl = Path(folder) / "pnl.csv"
        funding = Path(folder) / "funding.csv"
        _write(pnl, "quantity,entry,price", rows, lambda: str(make.randint(1_000, 900_000) / 10))
        _write(funding, "quantity,mark,rate", rows,
               lambda: f"{make.randint(-300, 300) / 1_000_000:.6f}")
        results = [compare(f"funding --csv, {rows:,} rows", lambda: _batch("funding", funding),
                           f"pnl --csv, row path, {rows:,} rows",
                           lambda: _batch("pnl", pnl, rows_only=True),
                           repeats=1 if not quick else 2, per=rows, unit="row",
                           target="< 1.5x")]
        if importlib.util.find_spec("pandas") is not None:  # the bench extra
            results.append(compare(
                f"pnl --csv (fast path), {rows:,} rows", lambda: _batch("pnl", pnl),
                f"pandas + numpy float64, {rows:,} rows", lambda: _pandas_pnl(pnl),
                repeats=1 if not quick else 2, per=rows, unit="row", target="< 1x"))
        return results

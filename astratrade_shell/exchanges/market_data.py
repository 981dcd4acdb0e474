"""Deterministic market data: a seeded random walk, or prices replayed from a CSV file; and
funding-rate histories read from a CSV file (:func:`load_funding_rates`).

The random walk is integer-driven so that a seed gives the same prices on every platform:
each step draws twelve uniform integers (Irwin-Hall), whose centred sum approximates a
standard normal ``z`` exactly as a decimal, and moves the price by
``price * (drift + volatility * z)``, rounded half-even to the symbol's tick and never below
one tick.  ``drift`` and ``volatility`` are per-step fractions.

>>> from decimal import Decimal
>>> walk = RandomWalk(seed=7, start={"BTC": Decimal("30000")}, tick={"BTC": Decimal("0.1")},
...                   volatility=Decimal("0.01"))
>>> first = walk.advance()["BTC"]
>>> again = RandomWalk(seed=7, start={"BTC": Decimal("30000")}, tick={"BTC": Decimal("0.1")},
...                    volatility=Decimal("0.01")).advance()["BTC"]
>>> first == again, first != Decimal("30000")
(True, True)
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, parse_positive, round_to_increment
from astratrade_core.trading import FundingHistory

__all__ = ["CsvPrices", "RandomWalk", "load_csv_prices", "load_funding_rates"]

_UNIFORM = 10_000
_DRAWS = 12  # Irwin-Hall: the sum of 12 U(0,1) has mean 6 and variance 1


class RandomWalk:
    """A multiplicative random walk per symbol, reproducible from ``seed``."""

    def __init__(self, *, seed: int, start: Mapping[str, Decimal], tick: Mapping[str, Decimal],
                 drift: Decimal = ZERO, volatility: Decimal = Decimal("0.01")) -> None:
        self._rng = random.Random(seed)
        self._prices = dict(start)
        self._tick = dict(tick)
        self._drift = drift
        self._volatility = volatility

    def symbols(self) -> tuple[str, ...]:
        """Symbols in the order they were given."""
        return tuple(self._prices)

    def _standard_normal(self) -> Decimal:
        total = sum(self._rng.randrange(_UNIFORM) for _ in range(_DRAWS))
        centred = total - _DRAWS * _UNIFORM // 2
        return CONTEXT.divide(Decimal(centred), Decimal(_UNIFORM))

    def advance(self) -> Mapping[str, Decimal]:
        """One step for every symbol."""
        for symbol, price in self._prices.items():
            move = CONTEXT.add(self._drift, CONTEXT.multiply(self._volatility,
                                                             self._standard_normal()))
            raw = CONTEXT.multiply(price, CONTEXT.add(ONE, move))
            tick = self._tick[symbol]
            self._prices[symbol] = max(tick, round_to_increment(raw, tick, Rounding.HALF_EVEN))
        return dict(self._prices)


class CsvPrices:
    """Prices replayed step by step from rows already loaded by :func:`load_csv_prices`."""

    def __init__(self, steps: list[dict[str, Decimal]]) -> None:
        self._steps = steps
        self._iter: Iterator[dict[str, Decimal]] = iter(steps)
        self._last: dict[str, Decimal] = {}

    def symbols(self) -> tuple[str, ...]:
        """Every symbol that appears in the file."""
        return tuple(dict.fromkeys(s for step in self._steps for s in step))

    def advance(self) -> Mapping[str, Decimal]:
        """The next step's prices (the last known price for a symbol missing in a step); the
        final step repeats once the file is exhausted."""
        self._last.update(next(self._iter, {}))
        return dict(self._last)


def load_csv_prices(path: Path) -> Result[CsvPrices, DomainError]:
    """Read ``step,symbol,price`` rows (header required; rows grouped by ``step`` in file
    order).  A malformed row is a Failure naming its line."""
    steps: dict[str, dict[str, Decimal]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"step", "symbol", "price"} <= set(
                    reader.fieldnames):
                return Failure(DomainError.invalid("prices.header",
                                              "prices CSV needs columns step, symbol, price"))
            for row in reader:
                price = parse_positive(row.get("price"), "price")
                if isinstance(price, Failure) or not row.get("symbol"):
                    return Failure(DomainError.invalid(
                        "prices.row", f"line {reader.line_num}: bad symbol or price",
                        line=reader.line_num))
                steps.setdefault(row["step"], {})[row["symbol"]] = price.unwrap()
    except OSError as exc:
        return Failure(DomainError.invalid("prices.unreadable", f"cannot read {path}: {exc}"))
    return Success(CsvPrices(list(steps.values())))


def _funding_time(text: str) -> datetime | None:
    """An aware ISO 8601 time, or Binance's epoch milliseconds; ``None`` if neither."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC) if len(text) <= 15 else None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.utcoffset() is not None else None


def load_funding_rates(path: Path) -> Result[Mapping[str, FundingHistory], DomainError]:
    """Read ``symbol,time,rate`` rows (header required; ``time`` an ISO 8601 time with its
    offset, or epoch milliseconds as Binance's ``fundingTime``; ``rate`` a fraction, kept
    exactly as written) into one :class:`~astratrade_core.trading.FundingHistory` per symbol.
    A malformed row is a Failure naming its line.
    """
    rows: dict[str, list[tuple[datetime, str]]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"symbol", "time", "rate"} <= set(
                    reader.fieldnames):
                return Failure(DomainError.invalid("funding.header",
                                                   "funding CSV needs columns symbol, time, rate"))
            for row in reader:
                moment = _funding_time(row.get("time") or "")
                if moment is None or not row.get("symbol") or not row.get("rate"):
                    return Failure(DomainError.invalid(
                        "funding.row", f"line {reader.line_num}: bad symbol, time or rate",
                        line=reader.line_num))
                rows.setdefault(row["symbol"], []).append((moment, row["rate"]))
    except OSError as exc:
        return Failure(DomainError.invalid("funding.unreadable", f"cannot read {path}: {exc}"))
    histories: dict[str, FundingHistory] = {}
    for symbol, entries in rows.items():
        history = FundingHistory.of(entries)
        if isinstance(history, Failure):
            return history
        histories[symbol] = history.unwrap()
    return Success(histories)

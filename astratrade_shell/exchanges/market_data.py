"""Deterministic market data: a seeded random walk, or prices replayed from a CSV file.

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
from decimal import Decimal
from pathlib import Path

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, parse_positive, round_to_increment

__all__ = ["CsvPrices", "RandomWalk", "load_csv_prices"]

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

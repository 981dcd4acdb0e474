"""Trading maths against bare float, timed in the same run.

* ``calculate_pnl`` on one :class:`Position` vs the float expression ``q * (c - e)`` on three
  local floats (target: within 10x);
* a 1,000,000-position batch, exactly: numpy ``int64`` at the instrument's own scales
  (quantity 1e-8, price 1e-2, so P&L at 1e-10) with an overflow bound check before the
  multiply, vs the same expression on ``float64`` arrays (target: within 3x).  The core never
  imports numpy; this is the ingest-time representation the architecture recommends, and the
  run checks it against ``calculate_pnl`` on a sample before timing it;
* the same batch as a Python loop of ``calculate_pnl`` vs a Python loop of float maths;
* ``apply_fill`` folded over 200,000 fills with maker/taker fees (what the portfolio replays)
  vs the same average-cost algorithm on floats and tuples.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from astratrade_core.numeric import CONTEXT
from astratrade_core.trading.fills import FeeSchedule, Fill, Liquidity, PositionState, apply_fill
from astratrade_core.trading.pnl import Position, calculate_pnl
from benchmarks.harness import Comparison, compare

__all__ = ["run"]

QUANTITY_SCALE = 8  # 1e-8 base units
PRICE_SCALE = 2  # 1e-2 quote units (the tick)
_INT64_MAX = 2**63 - 1

IntArray = npt.NDArray[np.int64]


def exact_batch_pnl(quantity: IntArray, entry: IntArray, current: IntArray) -> IntArray:
    """``q * (c - e)`` at scale ``1e-(QUANTITY_SCALE + PRICE_SCALE)``, exactly, or raise.

    Prices are below 2**62 in magnitude, so the difference cannot overflow; the product is
    checked with the bound ``max|q| * max|c - e| <= 2**63 - 1`` before it is formed.
    """
    move = current - entry
    bound = int(np.abs(quantity).max()) * int(np.abs(move).max())
    if bound > _INT64_MAX:
        raise OverflowError("batch exceeds int64; split it or use the Decimal path")
    return quantity * move


def _rows(n: int, rng: random.Random) -> tuple[IntArray, IntArray, IntArray]:
    quantity = np.array([rng.randrange(-10**11, 10**11) for _ in range(n)], dtype=np.int64)
    entry = np.array([rng.randrange(1, 10**7) for _ in range(n)], dtype=np.int64)
    current = np.array([rng.randrange(1, 10**7) for _ in range(n)], dtype=np.int64)
    return quantity, entry, current


def _positions(quantity: IntArray, entry: IntArray, current: IntArray) -> list[Position]:
    return [
        Position("BTC", Decimal(int(q)).scaleb(-QUANTITY_SCALE, CONTEXT),
                 Decimal(int(e)).scaleb(-PRICE_SCALE, CONTEXT),
                 Decimal(int(c)).scaleb(-PRICE_SCALE, CONTEXT))
        for q, e, c in zip(quantity.tolist(), entry.tolist(), current.tolist(), strict=True)
    ]


def _check_batch(exact: IntArray, sample: list[Position]) -> None:
    for i, position in enumerate(sample):
        expected = calculate_pnl(position).scaleb(QUANTITY_SCALE + PRICE_SCALE, CONTEXT)
        if int(exact[i]) != int(expected):
            raise AssertionError(f"row {i}: {exact[i]} != {expected}")


def _float_fold(fills: list[tuple[float, float, float]]) -> tuple[float, float, float, float]:
    quantity = cost = realized = paid = 0.0
    for q, p, fee in fills:
        paid += fee
        if quantity == 0 or (quantity > 0) == (q > 0):
            quantity, cost = quantity + q, cost + q * p
            continue
        remaining = quantity + q
        if remaining == 0 or (remaining > 0) != (quantity > 0):
            realized += quantity * p - cost
            cost = remaining * p
        else:
            removed = cost * -q / quantity
            realized += -q * p - removed
            cost -= removed
        quantity = remaining
    return quantity, cost, realized, paid


def _fold(fills: list[Fill]) -> PositionState:
    state = PositionState.FLAT
    step = apply_fill
    for fill in fills:
        state = step(state, fill)[0]
    return state


def run(quick: bool) -> list[Comparison]:
    """Time the trading hot paths against float baselines."""
    rng = random.Random(20260101)
    rows: list[Comparison] = []

    position = Position("BTC", Decimal("0.12345678"), Decimal("30123.45"), Decimal("31000.10"))
    fq, fe, fc = 0.12345678, 30123.45, 31000.10
    rows.append(compare(
        "calculate_pnl (one position)", lambda: calculate_pnl(position),
        "float q * (c - e)", lambda: fq * (fc - fe),
        number=20_000 if quick else 200_000, target="<= 10x"))

    n = 100_000 if quick else 1_000_000
    quantity, entry, current = _rows(n, rng)
    sample = _positions(quantity[:2000], entry[:2000], current[:2000])
    _check_batch(exact_batch_pnl(quantity, entry, current), sample)
    q_f = quantity.astype(np.float64) / 10**QUANTITY_SCALE
    e_f = entry.astype(np.float64) / 10**PRICE_SCALE
    c_f = current.astype(np.float64) / 10**PRICE_SCALE

    def float_batch() -> object:
        return q_f * (c_f - e_f)

    rows.append(compare(
        f"exact int64 batch P&L ({n:,} positions)",
        lambda: exact_batch_pnl(quantity, entry, current),
        "float64 numpy batch", float_batch, repeats=5, per=n, unit="position",
        target="<= 3x"))

    loop_n = 50_000 if quick else 1_000_000
    positions = sample if quick else _positions(quantity, entry, current)
    positions = (positions * (loop_n // len(positions) + 1))[:loop_n]
    triples = [(float(p.quantity), float(p.entry_price), float(p.current_price))
               for p in positions]
    pnl = calculate_pnl
    rows.append(compare(
        f"calculate_pnl loop ({loop_n:,} positions)", lambda: [pnl(p) for p in positions],
        "float loop", lambda: [q * (c - e) for q, e, c in triples], repeats=3, per=loop_n,
        unit="position", target="<= 10x"))

    fill_n = 20_000 if quick else 200_000
    fees = FeeSchedule(Decimal("0.0002"), Decimal("0.0004"))
    cent = Decimal("0.01")
    fills = [fees.fill(Decimal(rng.randrange(-500, 501) or 1).scaleb(-3, CONTEXT),
                       Decimal(rng.randrange(2_000_000, 4_000_000)).scaleb(-2, CONTEXT),
                       rng.choice(list(Liquidity)), cent)
             for _ in range(fill_n)]
    float_fills = [(float(f.quantity), float(f.price), float(f.fee)) for f in fills]
    rows.append(compare(
        f"apply_fill fold ({fill_n:,} fills)", lambda: _fold(fills),
        "float average-cost fold", lambda: _float_fold(float_fills), repeats=3, per=fill_n,
        unit="fill", target="<= 15x"))
    return rows

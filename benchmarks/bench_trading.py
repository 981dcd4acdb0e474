"""Trading maths against bare float, timed in the same run.

* ``calculate_pnl`` on one :class:`Position` vs the float expression ``q * (c - e)`` on three
  local floats (target: within 10x);
* the public batch API (:mod:`astratrade_core.batch`) on 1,000,000 positions, exactly: int64
  units at the instrument's own scales (quantity 1e-8, price 1e-2, so P&L at 1e-10) with its
  overflow check, vs the same expression on ``float64`` arrays: on columns built at ingest
  (each knows a bound on its magnitude, so the check costs no pass; target: within 2x) and
  from bare int64 arrays (the bounds measured in the call; target: within 2.5x, the
  architecture's figure).  The run checks the batch against ``calculate_pnl`` on a sample
  before timing it;
* the batch ROI, isolated liquidation price and fixed-fractional size on 100,000 rows vs the
  same formulas on ``float64`` arrays (exact rounding costs integer divisions: for the record);
* the same P&L batch as a Python loop of ``calculate_pnl`` vs a Python loop of float maths;
* ``apply_fill`` folded over 200,000 fills with maker/taker fees (what the portfolio replays)
  vs the same average-cost algorithm on floats and tuples.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from astratrade_core import batch
from astratrade_core.batch import Column
from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT
from astratrade_core.trading.fills import FeeSchedule, Fill, Liquidity, PositionState, apply_fill
from astratrade_core.trading.pnl import Position, calculate_pnl
from benchmarks.harness import Comparison, compare

__all__ = ["run"]

QUANTITY_SCALE = 8  # 1e-8 base units
PRICE_SCALE = 2  # 1e-2 quote units (the tick)

FloatArray = npt.NDArray[np.float64]


def _rows(n: int, rng: random.Random) -> tuple[Column, Column, Column]:
    quantity = [rng.randrange(-10**11, 10**11) for _ in range(n)]
    entry = [rng.randrange(1, 10**7) for _ in range(n)]
    current = [rng.randrange(1, 10**7) for _ in range(n)]
    return (Column.of_units(quantity, QUANTITY_SCALE), Column.of_units(entry, PRICE_SCALE),
            Column.of_units(current, PRICE_SCALE))


def _positions(quantity: Column, entry: Column, current: Column) -> list[Position]:
    return [Position("BTC", q, e, c) for q, e, c in zip(
        quantity.decimals(), entry.decimals(), current.decimals(), strict=True)]


def _check_batch(exact: Column, sample: list[Position]) -> None:
    for i, (got, position) in enumerate(zip(exact.decimals(), sample, strict=False)):
        if got != calculate_pnl(position):
            raise AssertionError(f"row {i}: {got} != {calculate_pnl(position)}")


def _floats(column: Column) -> FloatArray:
    values: FloatArray = column.units.astype(np.float64) / 10**column.scale
    return values


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
        number=2_000 if quick else 200_000, target="<= 10x"))

    n = 20_000 if quick else 1_000_000
    quantity, entry, current = _rows(n, rng)
    sample = _positions(*(Column(c.units[:2000], c.scale) for c in (quantity, entry, current)))
    _check_batch(batch.pnl(quantity, entry, current), sample)
    q_f, e_f, c_f = _floats(quantity), _floats(entry), _floats(current)

    def float_batch() -> object:
        return q_f * (c_f - e_f)

    rows.append(compare(
        f"batch.pnl, exact int64 ({n:,} positions)", lambda: batch.pnl(quantity, entry, current),
        "float64 numpy batch", float_batch, repeats=5, per=n, unit="position",
        target="<= 2x"))
    arrays = [(c.units, c.scale) for c in (quantity, entry, current)]

    def from_arrays() -> object:  # building the columns measures their bounds: one pass each
        return batch.pnl(*(Column(units, scale) for units, scale in arrays))

    rows.append(compare(
        f"batch.pnl from bare int64 arrays ({n:,} positions)", from_arrays,
        "float64 numpy batch", float_batch, repeats=5, per=n, unit="position",
        target="<= 2.5x"))
    rows.extend(_rounded_batches(rng, 2_000 if quick else 100_000, 2 if quick else 3))

    loop_n = 2_000 if quick else 1_000_000
    positions = sample if quick else _positions(quantity, entry, current)
    positions = (positions * (loop_n // len(positions) + 1))[:loop_n]
    triples = [(float(p.quantity), float(p.entry_price), float(p.current_price))
               for p in positions]
    pnl = calculate_pnl
    rows.append(compare(
        f"calculate_pnl loop ({loop_n:,} positions)", lambda: [pnl(p) for p in positions],
        "float loop", lambda: [q * (c - e) for q, e, c in triples], repeats=3, per=loop_n,
        unit="position", target="<= 10x"))

    fill_n = 2_000 if quick else 200_000
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


def _rounded_batches(rng: random.Random, n: int, repeats: int) -> list[Comparison]:
    """ROI, liquidation price and sizing columns vs their float64 formulas."""
    btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
                        max_leverage="125").unwrap()
    quantity = Column.of_units([rng.randrange(1, 10**8) * rng.choice((1, -1))
                                for _ in range(n)], 3)
    entry = Column.of_units([rng.randrange(10**6, 10**7) for _ in range(n)], 2)
    current = Column.of_units([rng.randrange(10**6, 10**7) for _ in range(n)], 2)
    leverage = Column.of_units([rng.randrange(1, 126) for _ in range(n)], 0)
    collateral = Column.of_units([rng.randrange(10**4, 10**9) for _ in range(n)], 2)
    balance = Column.of_units([rng.randrange(10**5, 10**9) for _ in range(n)], 2)
    risk = Column.of_units([rng.randrange(1, 500) for _ in range(n)], 4)
    stop = Column.of_units([rng.randrange(10**6, 10**7) for _ in range(n)], 2)
    q_f, e_f, c_f, l_f, m_f, b_f, r_f, s_f = (_floats(c) for c in (
        quantity, entry, current, leverage, collateral, balance, risk, stop))
    mmr = float(btc.tiers[0].maintenance_margin_rate)

    def float_roi() -> object:
        return np.round(np.sign(q_f) * (c_f - e_f) / e_f * l_f * 100, 6)

    def float_liquidation() -> object:
        size = np.abs(q_f)
        price = (q_f * e_f - m_f) / (q_f - size * mmr)
        return np.where(q_f > 0, np.ceil(price * 10), np.floor(price * 10)) / 10

    def float_size() -> object:
        return np.floor(b_f * r_f / np.abs(e_f - s_f) * 1000) / 1000

    label = f"{n:,} rows"
    return [
        compare(f"batch.roi_percent ({label})",
                lambda: batch.roi_percent(quantity, entry, current, leverage),
                "float64 numpy, np.round", float_roi, repeats=repeats, per=n, unit="row",
                target="(for the record)"),
        compare(f"batch.isolated_liquidation_prices ({label})",
                lambda: batch.isolated_liquidation_prices(btc, quantity, entry, collateral),
                "float64 numpy, ceil/floor to tick", float_liquidation, repeats=repeats,
                per=n, unit="row", target="(for the record)"),
        compare(f"batch.fixed_fractional_quantities ({label})",
                lambda: batch.fixed_fractional_quantities(btc, balance, risk, entry, stop),
                "float64 numpy, floor to lot", float_size, repeats=repeats, per=n, unit="row",
                target="(for the record)"),
    ]

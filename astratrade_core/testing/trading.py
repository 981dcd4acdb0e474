"""Hypothesis strategies for the trading types: positions, fills, fee schedules, instruments.

Values are bounded so that every product the trading functions form stays exact under
``CONTEXT`` (quantities below 10**6, prices below 10**7, 8 fractional digits by default).

>>> from hypothesis import given
>>> @given(instruments())
... def check(inst): assert inst.tiers[0].notional_floor == 0
>>> check()
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from astratrade_core.instrument import Instrument, MarginTier, margin_tiers
from astratrade_core.money import Currency
from astratrade_core.numeric import CONTEXT
from astratrade_core.testing.strategies import decimals, positive_decimals
from astratrade_core.trading.fills import FeeSchedule, Fill, Liquidity
from astratrade_core.trading.pnl import Position

__all__ = [
    "trading_fee_schedules",
    "fills",
    "increments",
    "instruments",
    "margin_tier_sets",
    "positions",
    "signed_quantities",
]

_BASE = Currency("BASE", 8)
_QUOTE = Currency("QUOTE", 6)


def signed_quantities(max_value: int = 10**6, places: int = 8) -> st.SearchStrategy[Decimal]:
    """Non-zero signed quantities (negative = short/sell)."""
    return st.tuples(positive_decimals(max_value, places), st.booleans()).map(
        lambda t: t[0] if t[1] else CONTEXT.minus(t[0]))


def positions(max_quantity: int = 10**6, max_price: int = 10**7,
              places: int = 8) -> st.SearchStrategy[Position]:
    """Positions with a signed, possibly zero quantity and positive prices."""
    return st.builds(
        Position,
        st.sampled_from(["BTC", "ETH", "STRK"]),
        decimals(-max_quantity, max_quantity, places),
        positive_decimals(max_price, places),
        positive_decimals(max_price, places),
    )


def fills(max_quantity: int = 10**4, max_price: int = 10**6, places: int = 6,
          max_fee: int = 100) -> st.SearchStrategy[Fill]:
    """Fills with a non-zero signed quantity, a positive price and a fee in ``[0, max_fee]``."""
    return st.builds(
        Fill,
        signed_quantities(max_quantity, places),
        positive_decimals(max_price, places),
        decimals(0, max_fee, places),
        st.sampled_from(list(Liquidity)),
    )


def trading_fee_schedules() -> st.SearchStrategy[FeeSchedule]:
    """Maker rates in ``[-0.0005, 0.002]`` (rebates allowed), taker rates in ``[0, 0.002]``."""
    return st.builds(FeeSchedule, decimals(Decimal("-0.0005"), Decimal("0.002"), 6),
                     decimals(0, Decimal("0.002"), 6))


def increments() -> st.SearchStrategy[Decimal]:
    """Tick or lot sizes: ``m * 10**-k`` with ``m`` in {1, 2, 5, 25} and ``k`` in 0..6."""
    return st.tuples(st.sampled_from([1, 2, 5, 25]), st.integers(0, 6)).map(
        lambda t: Decimal(t[0]).scaleb(-t[1], CONTEXT))


@st.composite
def margin_tier_sets(draw: st.DrawFn, max_tiers: int = 4) -> tuple[MarginTier, ...]:
    """Valid Binance-style brackets: floors rising from 0, mmr rising, leverage falling, with
    ``max_leverage * mmr <= 1/2`` (maintenance never exceeds half the initial margin)."""
    count = draw(st.integers(1, max_tiers))
    floors = sorted(draw(st.sets(st.integers(1, 10**7), min_size=count - 1,
                                 max_size=count - 1)))
    leverages = sorted(draw(st.lists(st.integers(1, 125), min_size=count, max_size=count)),
                       reverse=True)
    rows: list[tuple[object, object | None, object, object]] = []
    previous_mmr = Decimal(0)
    edges = [0, *floors]
    for index, leverage in enumerate(leverages):
        ceiling = CONTEXT.divide(Decimal("0.5"), Decimal(leverage))
        low = max(previous_mmr, Decimal("0.0001"))
        mmr = draw(decimals(low, max(low, ceiling), 4))
        previous_mmr = mmr
        cap = edges[index + 1] if index + 1 < count else None
        rows.append((edges[index], cap, leverage, mmr))
    return margin_tiers(rows).unwrap()


@st.composite
def instruments(draw: st.DrawFn, tiered: bool = True) -> Instrument:
    """Instruments with random tick and lot sizes, minimums and (optionally) several brackets."""
    tiers = draw(margin_tier_sets()) if tiered else None
    max_leverage = tiers[0].max_leverage if tiers else Decimal(draw(st.integers(1, 125)))
    lot = draw(increments())
    return Instrument.of(
        "TESTPERP", _BASE, _QUOTE,
        tick_size=draw(increments()), lot_size=lot,
        min_quantity=CONTEXT.multiply(lot, Decimal(draw(st.integers(0, 3)))),
        min_notional=draw(st.integers(0, 10)), max_leverage=max_leverage, tiers=tiers,
    ).unwrap()

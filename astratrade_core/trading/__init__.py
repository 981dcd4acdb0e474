"""Trading maths: P&L, fills and average cost, sizing, margin and liquidation, stops."""

from astratrade_core.trading.fills import (
    FeeSchedule,
    Fill,
    Liquidity,
    PositionState,
    apply_fill,
    apply_funding,
    funding_payment,
    position_from_fills,
)

__all__ = [
    "FeeSchedule",
    "Fill",
    "Liquidity",
    "PositionState",
    "apply_fill",
    "apply_funding",
    "funding_payment",
    "position_from_fills",
]

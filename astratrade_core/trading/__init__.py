"""Trading maths: P&L, fills and average cost, sizing, margin and liquidation, stops.

Linear (quote-margined) contracts in ``pnl``, ``fills``, ``sizing``, ``margin``, ``stops``;
inverse (coin-margined) contracts in ``inverse`` (P&L, fees, harmonic average entry) and
``inverse_margin`` (margin, liquidation, sizing in coin).
"""

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
from astratrade_core.trading.inverse import (
    InversePosition,
    InverseState,
    apply_inverse_fill,
    inverse_average_entry_wad,
    inverse_fee,
    inverse_fee_wad,
    inverse_notional_wad,
    inverse_pnl,
    inverse_pnl_wad,
    inverse_state_from_fills,
    require_inverse,
)
from astratrade_core.trading.inverse_margin import (
    inverse_cross_liquidation_price,
    inverse_fixed_fractional_size,
    inverse_initial_margin,
    inverse_isolated_liquidation_price,
    inverse_isolated_liquidation_price_wad,
    inverse_maintenance_margin,
)
from astratrade_core.trading.margin import (
    cross_liquidation_price,
    equity_at,
    initial_margin,
    isolated_liquidation_price,
    isolated_liquidation_price_wad,
    maintenance_margin,
    margin_ratio,
    round_liquidation_price,
    round_margin_up,
)
from astratrade_core.trading.pnl import (
    Position,
    calculate_pnl,
    calculate_position_size,
    pnl_wad,
    position_size_wad,
)
from astratrade_core.trading.sizing import (
    PositionSize,
    fixed_fractional_size,
    kelly_fraction,
    round_size_down,
)
from astratrade_core.trading.stops import StopLevels, stop_levels

__all__ = [
    "FeeSchedule",
    "Fill",
    "InversePosition",
    "InverseState",
    "Liquidity",
    "Position",
    "PositionSize",
    "PositionState",
    "StopLevels",
    "apply_fill",
    "apply_inverse_fill",
    "apply_funding",
    "calculate_pnl",
    "calculate_position_size",
    "cross_liquidation_price",
    "equity_at",
    "fixed_fractional_size",
    "funding_payment",
    "initial_margin",
    "inverse_average_entry_wad",
    "inverse_cross_liquidation_price",
    "inverse_fee",
    "inverse_fee_wad",
    "inverse_fixed_fractional_size",
    "inverse_initial_margin",
    "inverse_isolated_liquidation_price",
    "inverse_isolated_liquidation_price_wad",
    "inverse_maintenance_margin",
    "inverse_notional_wad",
    "inverse_pnl",
    "inverse_pnl_wad",
    "inverse_state_from_fills",
    "isolated_liquidation_price",
    "isolated_liquidation_price_wad",
    "kelly_fraction",
    "maintenance_margin",
    "margin_ratio",
    "pnl_wad",
    "position_from_fills",
    "position_size_wad",
    "require_inverse",
    "round_liquidation_price",
    "round_margin_up",
    "round_size_down",
    "stop_levels",
]

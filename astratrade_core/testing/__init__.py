"""Hypothesis strategies for the core's value types, for this project's tests and for users.

Requires ``hypothesis`` (the ``dev`` extra); nothing else in the core imports it.
"""

from astratrade_core.testing.events import codec_decimals, event_of, events, utc_datetimes
from astratrade_core.testing.gamification import (
    TRICKY_ZONES,
    activities,
    instants,
    leaderboard_rows,
    member_performances,
    player_stats,
    reputation_records,
    user_ids,
    zones,
)
from astratrade_core.testing.inverse import (
    awkward_inputs,
    contract_counts,
    contract_sizes,
    inverse_fills,
    inverse_instruments,
    inverse_positions,
)
from astratrade_core.testing.revenue import (
    allocation_weights,
    fee_schedules,
    interest_rate_models,
    revenue_events,
    royalty_bps,
    staking_operations,
)
from astratrade_core.testing.risk_metrics import (
    confidence_levels,
    equity_series,
    metric_conventions,
    return_series,
)
from astratrade_core.testing.strategies import (
    currencies,
    decimals,
    hostile_contexts,
    money,
    positive_decimals,
    prices,
    quantities,
    rates,
    u256,
)
from astratrade_core.testing.trading import (
    fills,
    increments,
    instruments,
    margin_tier_sets,
    positions,
    signed_quantities,
    trading_fee_schedules,
)

__all__ = [
    "TRICKY_ZONES",
    "activities",
    "instants",
    "leaderboard_rows",
    "member_performances",
    "player_stats",
    "reputation_records",
    "user_ids",
    "zones",
    "confidence_levels",
    "equity_series",
    "metric_conventions",
    "return_series",
    "allocation_weights",
    "fee_schedules",
    "interest_rate_models",
    "revenue_events",
    "royalty_bps",
    "staking_operations",
    "codec_decimals",
    "event_of",
    "events",
    "utc_datetimes",
    "currencies",
    "decimals",
    "hostile_contexts",
    "money",
    "positive_decimals",
    "prices",
    "quantities",
    "rates",
    "u256",
    "fills",
    "increments",
    "instruments",
    "margin_tier_sets",
    "positions",
    "signed_quantities",
    "trading_fee_schedules",
    "awkward_inputs",
    "contract_counts",
    "contract_sizes",
    "inverse_fills",
    "inverse_instruments",
    "inverse_positions",
]

"""Hypothesis strategies for the core's value types, for this project's tests and for users.

Requires ``hypothesis`` (the ``dev`` extra); nothing else in the core imports it.
"""

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
]

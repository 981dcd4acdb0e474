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
]

"""Revenue maths: lossless allocation, fee schedules, subscriptions, the revenue ledger and
NFT marketplace settlement."""

from astratrade_core.revenue.allocation import (
    WeightInput,
    allocate,
    allocate_units,
    integer_weights,
    split_evenly,
)

__all__ = [
    "WeightInput",
    "allocate",
    "allocate_units",
    "integer_weights",
    "split_evenly",
]

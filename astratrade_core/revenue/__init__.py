"""Revenue maths: lossless allocation, fee schedules, subscriptions, the revenue ledger and
NFT marketplace settlement."""

from astratrade_core.revenue.allocation import (
    WeightInput,
    allocate,
    allocate_units,
    integer_weights,
    split_evenly,
)
from astratrade_core.revenue.fees import (
    CARD_PROCESSING,
    STANDARD_TRADING_FEES,
    Favour,
    FeeRule,
    FeeSchedule,
    FeeTier,
    Liquidity,
)
from astratrade_core.revenue.marketplace import (
    BPS,
    MarketplaceTerms,
    MintPricing,
    MintSettlement,
    SaleSettlement,
    minimum_listing_price,
    settle_mint,
    settle_sale,
    settle_units,
)

__all__ = [
    "BPS",
    "CARD_PROCESSING",
    "STANDARD_TRADING_FEES",
    "Favour",
    "FeeRule",
    "FeeSchedule",
    "FeeTier",
    "Liquidity",
    "MarketplaceTerms",
    "MintPricing",
    "MintSettlement",
    "SaleSettlement",
    "WeightInput",
    "allocate",
    "allocate_units",
    "integer_weights",
    "minimum_listing_price",
    "settle_mint",
    "settle_sale",
    "settle_units",
    "split_evenly",
]

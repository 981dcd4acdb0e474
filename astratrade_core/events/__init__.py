"""Domain events: the envelope and registry, the canonical codec, the audit hash chain.

Event payloads live in one module per domain (``events.trading``, ``events.gamification``,
``events.social``, ``events.revenue``); importing this package registers all of them.
"""

from astratrade_core.events.envelope import Event, event_type, registered_types
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    RewardClaimed,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    SubscriptionStarted,
    TradingFeeCollected,
)

__all__ = [
    "Event",
    "MarketplaceSale",
    "NFTMinted",
    "PremiumPurchased",
    "RewardClaimed",
    "SubscriptionCancelled",
    "SubscriptionChanged",
    "SubscriptionCharged",
    "SubscriptionStarted",
    "TradingFeeCollected",
    "event_type",
    "registered_types",
]

"""Domain events: the envelope, the codec registry, the canonical codec, the audit hash chain.

Event payloads live in one module per domain (``events.trading``, ``events.gamification``,
``events.social``, ``events.revenue``), each listing its types in one tuple
(``TRADING_EVENTS``, ...) and its upcasters in another (``TRADING_UPCASTS``).  Importing them
registers nothing: :data:`PLATFORM_EVENTS` is the registry value built from those tuples, and
``decode(data, registry)`` is always told which registry to use.
"""

from astratrade_core.events.audit import (
    GENESIS_HASH,
    ChainBreak,
    ChainHead,
    chain_hashes,
    link_hash,
    verify_chain,
)
from astratrade_core.events.codec import decode, encode, encode_all, payload_fields
from astratrade_core.events.envelope import Event, event_type
from astratrade_core.events.gamification import (
    AchievementUnlocked,
    LeaderboardUpdated,
    LevelUp,
    StreakExtended,
    StreakReset,
    XPGained,
)
from astratrade_core.events.platform import PLATFORM_EVENTS
from astratrade_core.events.registry import EventRegistry, Upcast, Upcaster
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
from astratrade_core.events.social import (
    ChallengeAccepted,
    ChallengeCompleted,
    ChallengeCreated,
    ChallengeDeclined,
    ChallengeExpired,
    ChallengeStanding,
    ClanBattleResolved,
    ClanBattleScheduled,
    ClanDisbanded,
    ClanFounded,
    ClanJoined,
    ClanLeft,
    ClanMemberInvited,
    ClanRatingChanged,
    ClanRoleChanged,
)
from astratrade_core.events.trading import (
    FeeCharged,
    FundingApplied,
    FundsDeposited,
    FundsWithdrawn,
    LimitBreach,
    PositionClosed,
    PositionLiquidated,
    PriceMarked,
    RiskLimitHit,
    TradeExecuted,
)

__all__ = [
    "FeeCharged",
    "FundingApplied",
    "FundsDeposited",
    "FundsWithdrawn",
    "LimitBreach",
    "PositionClosed",
    "PositionLiquidated",
    "PriceMarked",
    "RiskLimitHit",
    "TradeExecuted",
    "GENESIS_HASH",
    "ChainBreak",
    "ChainHead",
    "PLATFORM_EVENTS",
    "EventRegistry",
    "Upcast",
    "Upcaster",
    "chain_hashes",
    "decode",
    "encode",
    "encode_all",
    "link_hash",
    "payload_fields",
    "verify_chain",
    "Event",
    "AchievementUnlocked",
    "ChallengeAccepted",
    "ChallengeCompleted",
    "ChallengeCreated",
    "ChallengeDeclined",
    "ChallengeExpired",
    "ChallengeStanding",
    "ClanBattleResolved",
    "ClanBattleScheduled",
    "ClanDisbanded",
    "ClanFounded",
    "ClanJoined",
    "ClanLeft",
    "ClanMemberInvited",
    "ClanRatingChanged",
    "ClanRoleChanged",
    "LeaderboardUpdated",
    "LevelUp",
    "StreakExtended",
    "StreakReset",
    "XPGained",
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
]

"""Domain events: the envelope and registry, the canonical codec, the audit hash chain.

Event payloads live in one module per domain (``events.trading``, ``events.gamification``,
``events.social``, ``events.revenue``); importing this package registers all of them.
"""

from astratrade_core.events.audit import (
    GENESIS_HASH,
    ChainBreak,
    ChainHead,
    chain_hashes,
    link_hash,
    verify_chain,
)
from astratrade_core.events.codec import (
    Upcaster,
    decode,
    encode,
    payload_fields,
    registered_upcasters,
    upcaster,
)
from astratrade_core.events.envelope import Event, event_type, registered_types
from astratrade_core.events.gamification import (
    AchievementUnlocked,
    LeaderboardUpdated,
    LevelUp,
    StreakExtended,
    StreakReset,
    XPGained,
)
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
    ChallengeCompleted,
    ChallengeStanding,
    ClanBattleResolved,
    ClanFounded,
    ClanJoined,
    ClanLeft,
    ClanMemberInvited,
)

__all__ = [
    "GENESIS_HASH",
    "ChainBreak",
    "ChainHead",
    "Upcaster",
    "chain_hashes",
    "decode",
    "encode",
    "link_hash",
    "payload_fields",
    "registered_upcasters",
    "upcaster",
    "verify_chain",
    "Event",
    "AchievementUnlocked",
    "ChallengeCompleted",
    "ChallengeStanding",
    "ClanBattleResolved",
    "ClanFounded",
    "ClanJoined",
    "ClanLeft",
    "ClanMemberInvited",
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
    "registered_types",
]

"""Social play: clans ("constellations") and their battles, friend challenges, reputation.

Pure decisions over events: membership rules emit ``ClanJoined`` and friends; battles and
challenges resolve to ``ClanBattleResolved`` / ``ChallengeCompleted`` with exact scores,
zero-sum Elo ratings and pots split without losing a minor unit.  See ``docs/social.md``.
"""

from astratrade_core.social.battles import (
    ClanBattle,
    MemberPerformance,
    TradeOutcome,
    clan_score,
    elo_expected,
    elo_update,
    member_score,
    performances,
    resolve_battle,
)
from astratrade_core.social.challenges import (
    FriendChallenge,
    challenge_scores,
    settle_challenge,
)
from astratrade_core.social.clans import (
    Clan,
    ClanChange,
    ClanEvent,
    ClanRules,
    Role,
    evolve_clan,
    found_clan,
    invite,
    join,
    leave,
    remove_member,
    replay_clan,
    set_role,
)
from astratrade_core.social.reputation import (
    MAX_REPUTATION,
    MIN_REPUTATION,
    ReputationRecord,
    reputation,
    reputation_tier,
)

__all__ = [
    "MAX_REPUTATION",
    "MIN_REPUTATION",
    "Clan",
    "ClanBattle",
    "ClanChange",
    "ClanEvent",
    "ClanRules",
    "FriendChallenge",
    "MemberPerformance",
    "ReputationRecord",
    "Role",
    "TradeOutcome",
    "challenge_scores",
    "clan_score",
    "elo_expected",
    "elo_update",
    "evolve_clan",
    "found_clan",
    "invite",
    "join",
    "leave",
    "member_score",
    "performances",
    "remove_member",
    "replay_clan",
    "reputation",
    "reputation_tier",
    "resolve_battle",
    "set_role",
    "settle_challenge",
]

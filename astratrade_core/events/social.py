"""Social events: clans ("constellations"), clan battles and friend challenges.

Clan events go to the clan's stream (``stream_id`` is the clan id), battle results to the
battle's and challenge results to the challenge's stream.  Decimal scores are exact; ratings
are integers; payouts are exact amounts in the minor unit of ``currency``.

>>> from datetime import UTC, datetime
>>> e = ClanJoined(event_id="c-1/joined/u-2", stream_id="c-1",
...                occurred_at=datetime(2026, 1, 1, tzinfo=UTC), clan_id="c-1", user_id="u-2",
...                role="member")
>>> e.event_type, e.role
('ClanJoined', 'member')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

import attrs

from astratrade_core.events.envelope import Event, event_type

__all__ = [
    "SOCIAL_EVENTS",
    "ChallengeCompleted",
    "ChallengeStanding",
    "ClanBattleResolved",
    "ClanFounded",
    "ClanJoined",
    "ClanLeft",
    "ClanMemberInvited",
    "ClanRoleChanged",
]


@event_type("ClanFounded", version=1)
@attrs.frozen(kw_only=True)
class ClanFounded(Event):
    """A clan was founded by ``leader_id`` with its membership rules: room for
    ``max_members`` members and ``max_officers`` officers; whether officers may invite and
    whether anyone may join without an invitation."""

    clan_id: str
    name: str
    leader_id: str
    max_members: int
    max_officers: int
    officers_can_invite: bool
    open_membership: bool


@event_type("ClanMemberInvited", version=1)
@attrs.frozen(kw_only=True)
class ClanMemberInvited(Event):
    """An officer or the leader invited ``invitee_id``."""

    clan_id: str
    inviter_id: str
    invitee_id: str


@event_type("ClanJoined", version=1)
@attrs.frozen(kw_only=True)
class ClanJoined(Event):
    """``user_id`` became a member of ``clan_id`` with ``role`` (``leader``, ``officer``,
    ``member``)."""

    clan_id: str
    user_id: str
    role: str


@event_type("ClanRoleChanged", version=1)
@attrs.frozen(kw_only=True)
class ClanRoleChanged(Event):
    """The leader gave ``user_id`` the role ``role``; handing over leadership makes the
    previous leader an officer (a second event)."""

    clan_id: str
    user_id: str
    role: str
    changed_by: str


@event_type("ClanLeft", version=1)
@attrs.frozen(kw_only=True)
class ClanLeft(Event):
    """``user_id`` left ``clan_id`` (or was removed by ``removed_by``)."""

    clan_id: str
    user_id: str
    removed_by: str | None


@event_type("ClanBattleResolved", version=1)
@attrs.frozen(kw_only=True)
class ClanBattleResolved(Event):
    """A clan battle ended: exact scores, the winner (None on a tie) and both Elo ratings
    before and after (the rating change is zero-sum)."""

    battle_id: str
    clan_a: str
    clan_b: str
    score_a: Decimal
    score_b: Decimal
    winner: str | None
    rating_a_before: int
    rating_a_after: int
    rating_b_before: int
    rating_b_after: int


@attrs.frozen(kw_only=True)
class ChallengeStanding:
    """One participant's result in a friend challenge: metric score, stake paid and payout."""

    user_id: str
    score: Decimal
    stake: Decimal
    payout: Decimal


@event_type("ChallengeCompleted", version=1)
@attrs.frozen(kw_only=True)
class ChallengeCompleted(Event):
    """A friend challenge was settled: ``winners`` (several on a tie) share the pot; the
    payouts sum exactly to the stakes plus ``reward``."""

    challenge_id: str
    metric: str
    currency: str
    reward: Decimal
    winners: tuple[str, ...]
    standings: tuple[ChallengeStanding, ...]


#: Every event type this module defines (the codec registry is built from such tuples).
SOCIAL_EVENTS: Final[tuple[type[Event], ...]] = (
    ClanFounded,
    ClanMemberInvited,
    ClanJoined,
    ClanRoleChanged,
    ClanLeft,
    ClanBattleResolved,
    ChallengeCompleted,
)

"""Social events: clans ("constellations"), clan battles and friend challenges.

Clan events go to the clan's stream (``stream_id`` is the clan id), battle events to the
battle's and challenge events to the challenge's stream.  Decimal scores are exact; ratings
are integers; stakes and payouts are exact amounts in the minor unit of ``currency``.

``ClanBattleResolved`` is at version 2: it names the winning clan's members, so a policy can
reward each of them from the event alone; version-1 records upcast with
``winning_members=None`` (not recorded), which is distinct from ``()`` (a draw).

>>> from datetime import UTC, datetime
>>> e = ClanJoined(event_id="c-1/joined/u-2", stream_id="c-1",
...                occurred_at=datetime(2026, 1, 1, tzinfo=UTC), clan_id="c-1", user_id="u-2",
...                role="member")
>>> e.event_type, e.role
('ClanJoined', 'member')
>>> ClanBattleResolved.schema_version
2
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from astratrade_core.events.envelope import Event, event_type
from astratrade_core.events.registry import Upcast

__all__ = [
    "SOCIAL_EVENTS",
    "SOCIAL_UPCASTS",
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
    previous leader an officer, or a plain member when no officer seat is free (a second
    event)."""

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


@event_type("ClanDisbanded", version=1)
@attrs.frozen(kw_only=True)
class ClanDisbanded(Event):
    """The clan ended: its last member left, or the leader disbanded it (every member's
    ``ClanLeft`` comes first).  Nobody can join it again."""

    clan_id: str
    disbanded_by: str


@event_type("ClanRatingChanged", version=1)
@attrs.frozen(kw_only=True)
class ClanRatingChanged(Event):
    """The result of battle ``battle_id`` moved the clan's Elo rating by ``change`` to
    ``rating``."""

    clan_id: str
    battle_id: str
    change: int
    rating: int


@event_type("ClanBattleScheduled", version=1)
@attrs.frozen(kw_only=True)
class ClanBattleScheduled(Event):
    """Clans ``clan_a`` and ``clan_b`` will battle over the half-open period
    ``[period_start, period_end)`` with Elo factor ``k_factor``; the rosters are the members
    who score for each side (fixed when the battle is scheduled)."""

    battle_id: str
    clan_a: str
    clan_b: str
    period_kind: str
    period_label: str
    period_start: datetime
    period_end: datetime
    k_factor: int
    roster_a: tuple[str, ...]
    roster_b: tuple[str, ...]


@event_type("ClanBattleResolved", version=2)
@attrs.frozen(kw_only=True)
class ClanBattleResolved(Event):
    """A clan battle ended: exact scores, the winner (None on a tie), both Elo ratings
    before and after (the rating change is zero-sum) and the winning clan's roster.

    Version 2 added ``winning_members``: the winner's roster in order, ``()`` on a draw;
    ``None`` only for version-1 records, which did not say.
    """

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
    winning_members: tuple[str, ...] | None


def _clan_battle_resolved_v1_to_v2(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """Version 1 did not record who fought for the winner."""
    return {**payload, "winning_members": None}


@event_type("ChallengeCreated", version=1)
@attrs.frozen(kw_only=True)
class ChallengeCreated(Event):
    """``creator_id`` (one of ``participants``, accepted from the start) challenged the
    others on ``metric`` over ``[window_start, window_end)``; each participant stakes
    ``stake`` and the platform adds ``reward``, in ``currency`` with ``minor_unit`` places."""

    challenge_id: str
    creator_id: str
    participants: tuple[str, ...]
    metric: str
    window_kind: str
    window_label: str
    window_start: datetime
    window_end: datetime
    currency: str
    minor_unit: int
    stake: Decimal
    reward: Decimal


@event_type("ChallengeAccepted", version=1)
@attrs.frozen(kw_only=True)
class ChallengeAccepted(Event):
    """``user_id`` accepted the challenge (it is on once every participant has)."""

    challenge_id: str
    user_id: str


@event_type("ChallengeDeclined", version=1)
@attrs.frozen(kw_only=True)
class ChallengeDeclined(Event):
    """``user_id`` declined: the challenge is called off and nothing is paid."""

    challenge_id: str
    user_id: str


@event_type("ChallengeExpired", version=1)
@attrs.frozen(kw_only=True)
class ChallengeExpired(Event):
    """The window started before every participant accepted: ``pending`` never answered;
    the challenge is called off and nothing is paid."""

    challenge_id: str
    pending: tuple[str, ...]


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
    ClanDisbanded,
    ClanRatingChanged,
    ClanBattleScheduled,
    ClanBattleResolved,
    ChallengeCreated,
    ChallengeAccepted,
    ChallengeDeclined,
    ChallengeExpired,
    ChallengeCompleted,
)

#: The lifts of this module's older payload versions (the codec registry is built from them).
SOCIAL_UPCASTS: Final[tuple[Upcast, ...]] = (
    Upcast("ClanBattleResolved", 1, _clan_battle_resolved_v1_to_v2),
)

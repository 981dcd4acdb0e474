"""Clans ("constellations"): membership rules as pure decisions over events.

A clan has one leader, up to ``max_officers`` officers and at most ``max_members`` members in
total (leader included).  The rules every command enforces (all violations are reported at
once, in ``DomainError.causes``):

* **invite** -- the inviter is the leader, or an officer when ``officers_can_invite``; the
  invitee is neither a member nor already invited; the clan is not full.
* **join** -- the user is in no clan (the caller passes the user's current clan, the one fact
  that lives outside this clan's stream); the user was invited, or membership is open; the
  clan is not full.  Joining consumes the invitation.
* **set_role** -- only the leader assigns roles; officers are limited to ``max_officers``;
  making someone leader hands leadership over and the old leader becomes an officer.
* **leave / remove** -- the leader cannot leave while others remain (hand leadership over
  first); the leader may remove anyone else, an officer only plain members.  When the last
  member (the leader) leaves, the clan is disbanded: nobody can join it any more.

Event ids are derived from the clan id, the user and the instant
(``"c-1/joined/bob/2026-01-01T00:00:00+00:00"``), so a retried command yields the same ids.
Each command returns a :class:`ClanChange`: the events and the clan after them, computed by
:func:`evolve_clan` -- the same fold that rebuilds the clan from its stream, so a clan is
always exactly the replay of its events.

>>> from datetime import UTC, datetime
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> clan = found_clan("c-1", "Orion", "ann", ClanRules(max_members=3), at,
...                   current_clan=None).unwrap().clan
>>> clan = invite(clan, "ann", "bob", at).unwrap().clan
>>> change = join(clan, "bob", at, current_clan=None).unwrap()
>>> [e.event_type for e in change.events], sorted(change.clan.members)
(['ClanJoined'], ['ann', 'bob'])
>>> join(change.clan, "cat", at, current_clan="c-9").failure().codes()
('clan.already_in_a_clan', 'clan.not_invited')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs
from pyrsistent import pmap, pset
from pyrsistent.typing import PMap, PSet
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.social import (
    ClanFounded,
    ClanJoined,
    ClanLeft,
    ClanMemberInvited,
    ClanRoleChanged,
)

__all__ = [
    "Clan",
    "ClanChange",
    "ClanEvent",
    "ClanRules",
    "Role",
    "evolve_clan",
    "found_clan",
    "invite",
    "join",
    "leave",
    "remove_member",
    "replay_clan",
    "set_role",
]

ClanEvent = ClanFounded | ClanMemberInvited | ClanJoined | ClanRoleChanged | ClanLeft


class Role(enum.Enum):
    """A member's authority in the clan."""

    LEADER = "leader"
    OFFICER = "officer"
    MEMBER = "member"


@attrs.frozen
class ClanRules:
    """Membership rules (validated by :func:`found_clan`): 2..500 members, 0..50 officers."""

    max_members: int = 50
    max_officers: int = 5
    officers_can_invite: bool = True
    open_membership: bool = False


@attrs.frozen
class Clan:
    """A clan's state: rules, members with roles, pending invitations."""

    clan_id: str
    name: str
    rules: ClanRules
    members: PMap[str, Role]
    invited: PSet[str]

    @property
    def leader(self) -> str:
        """The leader's user id."""
        return next(user for user, role in self.members.items() if role is Role.LEADER)

    def role_of(self, user_id: str) -> Role | None:
        """The user's role, or None for a non-member."""
        return self.members.get(user_id)


@attrs.frozen
class ClanChange:
    """The events a command produced and the clan after them."""

    clan: Clan
    events: tuple[ClanEvent, ...]


def evolve_clan(clan: Clan | None, event: ClanEvent) -> Clan:
    """Apply one event (``clan`` is None before ``ClanFounded``).  Events are facts: they
    were validated when decided, so evolving never fails."""
    if isinstance(event, ClanFounded):
        rules = ClanRules(event.max_members, event.max_officers, event.officers_can_invite,
                          event.open_membership)
        return Clan(event.clan_id, event.name, rules, pmap(), pset())
    if clan is None:
        raise ValueError("a clan stream must start with ClanFounded")  # a corrupted stream
    if isinstance(event, ClanMemberInvited):
        return attrs.evolve(clan, invited=clan.invited.add(event.invitee_id))
    if isinstance(event, ClanJoined):
        return attrs.evolve(clan, members=clan.members.set(event.user_id, Role(event.role)),
                            invited=clan.invited.discard(event.user_id))
    if isinstance(event, ClanRoleChanged):
        return attrs.evolve(clan, members=clan.members.set(event.user_id, Role(event.role)))
    return attrs.evolve(clan, members=clan.members.discard(event.user_id))


def replay_clan(events: Iterable[ClanEvent]) -> Clan | None:
    """Fold a clan's stream from the beginning (None for an empty stream)."""
    clan: Clan | None = None
    for event in events:
        clan = evolve_clan(clan, event)
    return clan


def _changed(clan: Clan | None, events: tuple[ClanEvent, ...]) -> ClanChange:
    state = clan
    for event in events:
        state = evolve_clan(state, event)
    if state is None:
        raise ValueError("a command on no clan emitted no ClanFounded")  # a programming error
    return ClanChange(state, events)


def _refused(code: str, problems: list[DomainError]) -> Failure[DomainError]:
    return Failure(problems[0] if len(problems) == 1 else DomainError.all_of(code, problems))


def found_clan(clan_id: str, name: str, leader_id: str, rules: ClanRules, occurred_at: datetime,
               *, current_clan: str | None) -> Result[ClanChange, DomainError]:
    """Found a clan; the founder (who must be in no clan) becomes its leader.

    >>> from datetime import UTC, datetime
    >>> found_clan("c", "", "u", ClanRules(max_members=1), datetime(2026, 1, 1, tzinfo=UTC),
    ...            current_clan=None).failure().codes()
    ('clan.name', 'clan.rules')
    """
    problems: list[DomainError] = []
    if not name.strip() or len(name) > 40:
        problems.append(DomainError.invalid("clan.name", "a clan name has 1..40 characters"))
    if not (2 <= rules.max_members <= 500 and 0 <= rules.max_officers <= 50):
        problems.append(DomainError.invalid("clan.rules", "need 2..500 members and 0..50 officers",
                                       max_members=rules.max_members,
                                       max_officers=rules.max_officers))
    if current_clan is not None:
        problems.append(DomainError.conflict("clan.already_in_a_clan", "leave your clan first",
                                       user=leader_id, clan=current_clan))
    if problems:
        return _refused("clan.found_refused", problems)
    return Success(_changed(None, (
        ClanFounded(event_id=f"{clan_id}/founded", stream_id=clan_id, occurred_at=occurred_at,
                    clan_id=clan_id, name=name, leader_id=leader_id,
                    max_members=rules.max_members, max_officers=rules.max_officers,
                    officers_can_invite=rules.officers_can_invite,
                    open_membership=rules.open_membership),
        ClanJoined(event_id=f"{clan_id}/joined/{leader_id}/{occurred_at.isoformat()}",
                   stream_id=clan_id, occurred_at=occurred_at, clan_id=clan_id, user_id=leader_id,
                   role=Role.LEADER.value),
    )))


def _full(clan: Clan) -> DomainError | None:
    if len(clan.members) >= clan.rules.max_members:
        return DomainError.rejected("clan.full", "the clan is full", clan=clan.clan_id,
                              max_members=clan.rules.max_members)
    return None


def invite(clan: Clan, inviter_id: str, invitee_id: str, occurred_at: datetime,
           ) -> Result[ClanChange, DomainError]:
    """Invite a user (see the module rules)."""
    problems: list[DomainError] = []
    role = clan.role_of(inviter_id)
    if role is not Role.LEADER and not (role is Role.OFFICER and clan.rules.officers_can_invite):
        problems.append(DomainError.rejected("clan.not_allowed", "you may not invite",
                                       user=inviter_id, role=role.value if role else "none"))
    if invitee_id in clan.members:
        problems.append(DomainError.conflict("clan.already_member", "already a member",
                                       user=invitee_id))
    elif invitee_id in clan.invited:
        problems.append(DomainError.conflict("clan.already_invited", "already invited",
                                       user=invitee_id))
    full = _full(clan)
    if full:
        problems.append(full)
    if problems:
        return _refused("clan.invite_refused", problems)
    return Success(_changed(clan, (ClanMemberInvited(
        event_id=f"{clan.clan_id}/invited/{invitee_id}/{occurred_at.isoformat()}",
        stream_id=clan.clan_id,
        occurred_at=occurred_at, clan_id=clan.clan_id, inviter_id=inviter_id,
        invitee_id=invitee_id),)))


def join(clan: Clan, user_id: str, occurred_at: datetime, *, current_clan: str | None,
         ) -> Result[ClanChange, DomainError]:
    """Join as a plain member (see the module rules)."""
    if not clan.members:
        return Failure(DomainError.rejected("clan.disbanded", "the clan has no members left",
                                      clan=clan.clan_id))
    problems: list[DomainError] = []
    if user_id in clan.members:
        problems.append(DomainError.conflict(
            "clan.already_member", "already a member", user=user_id))
    elif current_clan is not None:
        problems.append(DomainError.conflict("clan.already_in_a_clan", "leave your clan first",
                                       user=user_id, clan=current_clan))
    if user_id not in clan.invited and not clan.rules.open_membership:
        problems.append(DomainError.rejected("clan.not_invited", "an invitation is required",
                                       user=user_id))
    full = _full(clan)
    if full:
        problems.append(full)
    if problems:
        return _refused("clan.join_refused", problems)
    return Success(_changed(clan, (ClanJoined(
        event_id=f"{clan.clan_id}/joined/{user_id}/{occurred_at.isoformat()}",
        stream_id=clan.clan_id,
        occurred_at=occurred_at, clan_id=clan.clan_id, user_id=user_id,
        role=Role.MEMBER.value),)))


def set_role(clan: Clan, by: str, user_id: str, role: Role, occurred_at: datetime,
             ) -> Result[ClanChange, DomainError]:
    """The leader assigns ``role`` to a member; ``Role.LEADER`` hands leadership over.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> clan = found_clan("c", "Lyra", "ann", ClanRules(open_membership=True), at,
    ...                   current_clan=None).unwrap().clan
    >>> clan = join(clan, "bob", at, current_clan=None).unwrap().clan
    >>> new = set_role(clan, "ann", "bob", Role.LEADER, at).unwrap().clan
    >>> new.leader, new.role_of("ann")
    ('bob', <Role.OFFICER: 'officer'>)
    """
    problems: list[DomainError] = []
    if clan.role_of(by) is not Role.LEADER:
        problems.append(DomainError.rejected("clan.not_allowed", "only the leader assigns roles",
                                       user=by))
    current = clan.role_of(user_id)
    if current is None:
        problems.append(DomainError.rejected("clan.not_member", "not a member", user=user_id))
    elif user_id == by:
        problems.append(DomainError.rejected("clan.own_role", "hand leadership to someone else",
                                       user=user_id))
    officers = sum(1 for r in clan.members.values() if r is Role.OFFICER)
    if role is Role.OFFICER and current is not Role.OFFICER and (
            officers >= clan.rules.max_officers):
        problems.append(DomainError.rejected("clan.too_many_officers", "no officer seat left",
                                       max_officers=clan.rules.max_officers))
    if problems:
        return _refused("clan.role_refused", problems)
    if current is role:
        return Success(ClanChange(clan, ()))

    def changed(user: str, new_role: Role) -> ClanRoleChanged:
        return ClanRoleChanged(
            event_id=f"{clan.clan_id}/role/{user}/{new_role.value}/{occurred_at.isoformat()}",
            stream_id=clan.clan_id, occurred_at=occurred_at, clan_id=clan.clan_id,
            user_id=user, role=new_role.value, changed_by=by)

    if role is Role.LEADER:
        return Success(_changed(clan, (changed(user_id, Role.LEADER),
                                       changed(by, Role.OFFICER))))
    return Success(_changed(clan, (changed(user_id, role),)))


def _left(clan: Clan, user_id: str, by: str | None, occurred_at: datetime) -> ClanChange:
    return _changed(clan, (ClanLeft(
        event_id=f"{clan.clan_id}/left/{user_id}/{occurred_at.isoformat()}",
        stream_id=clan.clan_id, occurred_at=occurred_at, clan_id=clan.clan_id,
        user_id=user_id, removed_by=by),))


def leave(clan: Clan, user_id: str, occurred_at: datetime) -> Result[ClanChange, DomainError]:
    """A member leaves; the leader only as the last member."""
    role = clan.role_of(user_id)
    if role is None:
        return Failure(DomainError.rejected("clan.not_member", "not a member", user=user_id))
    if role is Role.LEADER and len(clan.members) > 1:
        return Failure(DomainError.rejected("clan.leader_must_hand_over",
                                      "hand leadership over before leaving", user=user_id))
    return Success(_left(clan, user_id, None, occurred_at))


def remove_member(clan: Clan, by: str, user_id: str, occurred_at: datetime,
                  ) -> Result[ClanChange, DomainError]:
    """The leader removes anyone else; an officer removes plain members only."""
    actor, target = clan.role_of(by), clan.role_of(user_id)
    if target is None:
        return Failure(DomainError.rejected("clan.not_member", "not a member", user=user_id))
    allowed = (actor is Role.LEADER and user_id != by) or (
        actor is Role.OFFICER and target is Role.MEMBER)
    if not allowed:
        return Failure(DomainError.rejected("clan.not_allowed", "you may not remove this member",
                                      user=by, target=user_id))
    return Success(_left(clan, user_id, by, occurred_at))

"""Clans ("constellations"): the clan aggregate, one stream per clan.

A clan has one leader, up to ``max_officers`` officers and at most ``max_members`` members in
total (leader included), an Elo ``rating`` (:data:`INITIAL_RATING` when founded) moved by
battle results.  :data:`CLAN` is its :class:`~astratrade_core.aggregate.Aggregate`:
``decide(clan, command)`` answers the events or every reason for refusing, ``evolve(clan,
events)`` folds a batch.

====================== ==================================================================
command                events; rules (a refusal lists every broken rule)
====================== ==================================================================
``FoundClan``          ``ClanFounded`` + ``ClanJoined(role="leader")``; a name of 1..40
                       characters, 2..500 members and 0..50 officers, the founder in no clan
                       (``current_clan``, a fact from outside this stream), a new stream
``InviteMember``       ``ClanMemberInvited``; the inviter is the leader, or an officer when
                       ``officers_can_invite``; the invitee neither a member nor invited; the
                       clan not full
``JoinClan``           ``ClanJoined(role="member")``; the user in no clan, invited (or the
                       membership open), the clan not full; joining uses up the invitation
``SetRole``            ``ClanRoleChanged``; only the leader; officer seats limited; making
                       someone leader hands leadership over: the old leader becomes an officer
                       when a seat is free, otherwise a plain member (two events).  Giving a
                       member the role they have is accepted and changes nothing
``LeaveClan``          ``ClanLeft``; the leader only as the last member, which also disbands
                       the clan (``ClanDisbanded``)
``RemoveMember``       ``ClanLeft(removed_by=...)``; the leader removes anyone else, an
                       officer plain members only
``DisbandClan``        the leader only: ``ClanLeft`` for every other member (by user id), the
                       leader's ``ClanLeft``, ``ClanDisbanded``
``RecordBattleResult`` ``ClanRatingChanged``; once per battle; ``|change| <= 100`` and the
                       rating stays within ``±MAX_RATING``.  Allowed after disbanding (the
                       battle was fought)
====================== ==================================================================

A disbanded clan takes no membership command.  Event ids are ``f"{command_id}:{n}"`` and
``occurred_at`` is the command's ``issued_at``: the core invents neither.

>>> from datetime import UTC, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> def run(stream, command):
...     return handle(CLAN, stream, command).unwrap()[0]
>>> s = run(Stream.empty(CLAN), FoundClan(command_id="c1", clan_id="orion", issued_at=at,
...         name="Orion", leader_id="ann", rules=ClanRules(max_members=2)))
>>> s = run(s, InviteMember(command_id="c2", clan_id="orion", issued_at=at,
...                         inviter_id="ann", invitee_id="bob"))
>>> s = run(s, JoinClan(command_id="c3", clan_id="orion", issued_at=at, user_id="bob"))
>>> sorted(s.state.members), s.version
(['ann', 'bob'], 4)
>>> CLAN.decide(s.state, JoinClan(command_id="c4", clan_id="orion", issued_at=at,
...             user_id="cat", current_clan="lyra")).failure().codes()
('clan.already_in_a_clan', 'clan.not_invited', 'clan.full')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Final, assert_never

import attrs
from pyrsistent import pmap, pset
from pyrsistent.typing import PMap, PSet
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.social import (
    ClanDisbanded,
    ClanFounded,
    ClanJoined,
    ClanLeft,
    ClanMemberInvited,
    ClanRatingChanged,
    ClanRoleChanged,
)
from astratrade_core.social.checks import aware, named, require

__all__ = [
    "CLAN",
    "CLAN_EVENTS",
    "INITIAL_RATING",
    "MAX_MEMBERS",
    "MAX_NAME_LENGTH",
    "MAX_OFFICERS",
    "MAX_RATING",
    "MAX_RATING_CHANGE",
    "Clan",
    "ClanCommand",
    "ClanRules",
    "ClanStatus",
    "DisbandClan",
    "FoundClan",
    "InviteMember",
    "JoinClan",
    "LeaveClan",
    "RecordBattleResult",
    "RemoveMember",
    "Role",
    "SetRole",
    "decide",
    "evolve",
]

#: A clan's Elo rating when it is founded.
INITIAL_RATING: Final = 1500
#: Ratings are integers with ``|rating| <= MAX_RATING``.
MAX_RATING: Final = 100_000
#: A battle moves a rating by at most this much (the largest Elo factor K).
MAX_RATING_CHANGE: Final = 100
#: A clan has room for 2..MAX_MEMBERS members ...
MAX_MEMBERS: Final = 500
#: ... and 0..MAX_OFFICERS officer seats.
MAX_OFFICERS: Final = 50
#: A clan's name has 1..MAX_NAME_LENGTH characters and is not blank.
MAX_NAME_LENGTH: Final = 40


class Role(enum.Enum):
    """A member's authority in the clan."""

    LEADER = "leader"
    OFFICER = "officer"
    MEMBER = "member"


class ClanStatus(enum.Enum):
    """Where a clan's stream is in its life."""

    UNFOUNDED = "unfounded"
    ACTIVE = "active"
    DISBANDED = "disbanded"


@attrs.frozen
class ClanRules:
    """Membership rules, fixed at founding (``FoundClan`` checks the bounds)."""

    max_members: int = 50
    max_officers: int = 5
    officers_can_invite: bool = True
    open_membership: bool = False


@attrs.frozen
class Clan:
    """A clan's state: rules, members with roles, pending invitations, Elo rating and the
    battles already reflected in it.  :attr:`EMPTY` is the state of a stream with no events.
    """

    clan_id: str = ""
    name: str = ""
    rules: ClanRules = ClanRules()
    status: ClanStatus = ClanStatus.UNFOUNDED
    members: PMap[str, Role] = attrs.field(factory=pmap)
    invited: PSet[str] = attrs.field(factory=pset)
    rating: int = INITIAL_RATING
    battles: PSet[str] = attrs.field(factory=pset)

    EMPTY: ClassVar[Clan]

    @property
    def leader(self) -> Maybe[str]:
        """The leader's user id; Nothing before founding and after disbanding.

        >>> Clan.EMPTY.leader
        <Nothing>
        """
        return next((Some(user) for user, role in self.members.items()
                     if role is Role.LEADER), Nothing)

    def role_of(self, user_id: str) -> Role | None:
        """The user's role, or None for a non-member."""
        return self.members.get(user_id)

    @property
    def officers(self) -> int:
        """How many officer seats are taken."""
        return sum(1 for role in self.members.values() if role is Role.OFFICER)


Clan.EMPTY = Clan()


@attrs.frozen(kw_only=True)
class _ClanCommand:
    command_id: str
    clan_id: str
    issued_at: datetime


@attrs.frozen(kw_only=True)
class FoundClan(_ClanCommand):
    """Found ``clan_id`` with ``leader_id`` as its leader; ``current_clan`` is the clan the
    founder belongs to now (None for none), read by the shell from outside this stream."""

    name: str
    leader_id: str
    rules: ClanRules = ClanRules()
    current_clan: str | None = None


@attrs.frozen(kw_only=True)
class InviteMember(_ClanCommand):
    """``inviter_id`` invites ``invitee_id``."""

    inviter_id: str
    invitee_id: str


@attrs.frozen(kw_only=True)
class JoinClan(_ClanCommand):
    """``user_id`` joins as a plain member; ``current_clan`` as for :class:`FoundClan`."""

    user_id: str
    current_clan: str | None = None


@attrs.frozen(kw_only=True)
class SetRole(_ClanCommand):
    """``by`` (the leader) gives ``user_id`` the role ``role``."""

    by: str
    user_id: str
    role: Role


@attrs.frozen(kw_only=True)
class LeaveClan(_ClanCommand):
    """``user_id`` leaves."""

    user_id: str


@attrs.frozen(kw_only=True)
class RemoveMember(_ClanCommand):
    """``by`` removes ``user_id``."""

    by: str
    user_id: str


@attrs.frozen(kw_only=True)
class DisbandClan(_ClanCommand):
    """``by`` (the leader) disbands the clan."""

    by: str


@attrs.frozen(kw_only=True)
class RecordBattleResult(_ClanCommand):
    """Battle ``battle_id`` moved this clan's rating by ``rating_change`` (sent by the
    :func:`~astratrade_core.social.battles.clan_ratings` policy)."""

    battle_id: str
    rating_change: int


#: Every command the clan aggregate decides.
ClanCommand = (FoundClan | InviteMember | JoinClan | SetRole | LeaveClan | RemoveMember
               | DisbandClan | RecordBattleResult)

#: The events a clan's stream holds.
CLAN_EVENTS: Final[tuple[type[Event], ...]] = (
    ClanFounded, ClanMemberInvited, ClanJoined, ClanRoleChanged, ClanLeft, ClanDisbanded,
    ClanRatingChanged)


# --------------------------------------------------------------------------------- decide

def _envelope(c: _ClanCommand, n: int) -> dict[str, Any]:
    return {"event_id": f"{c.command_id}:{n}", "stream_id": c.clan_id,
            "occurred_at": c.issued_at, "clan_id": c.clan_id}


def _addressed(code: str, clan: Clan, c: _ClanCommand, *inputs: Result[Any, DomainError],
               disbanded_ok: bool = False) -> Result[Any, DomainError]:
    """Stage one of every command on an existing clan: well-formed input, sent to this
    clan, which still takes the command."""
    exists: Result[None, DomainError]
    if clan.status is ClanStatus.UNFOUNDED:
        exists = Failure(DomainError.not_found("clan.not_found", "no such clan",
                                               clan=c.clan_id))
    elif c.clan_id != clan.clan_id:
        exists = Failure(DomainError.invalid("clan.wrong_stream",
                                             "the command names another clan",
                                             clan=clan.clan_id, given=c.clan_id))
    else:
        exists = require(disbanded_ok or clan.status is ClanStatus.ACTIVE,
                         DomainError.rejected("clan.disbanded", "the clan was disbanded",
                                              clan=c.clan_id))
    return collect_all(code, [aware("clan", c.issued_at, "issued_at"), *inputs, exists])


def _no_clan_yet(user_id: str, current_clan: str | None) -> Result[None, DomainError]:
    return require(current_clan is None, DomainError.conflict(
        "clan.already_in_a_clan", "leave your clan first", user=user_id,
        clan=current_clan or ""))


def _not_full(clan: Clan) -> Result[None, DomainError]:
    return require(len(clan.members) < clan.rules.max_members, DomainError.rejected(
        "clan.full", "the clan is full", clan=clan.clan_id,
        max_members=clan.rules.max_members))


def _is_member(clan: Clan, user_id: str) -> Result[None, DomainError]:
    return require(user_id in clan.members, DomainError.not_found(
        "clan.not_member", f"{user_id} is not a member", user=user_id))


def _not_allowed(message: str, **fields: str) -> DomainError:
    return DomainError.rejected("clan.not_allowed", message, **fields)


def _found(clan: Clan, c: FoundClan) -> Decision:
    rules = c.rules
    checks = [
        aware("clan", c.issued_at, "issued_at"),
        named("clan", c.clan_id, "clan_id"),
        named("clan", c.leader_id, "leader_id"),
        require(bool(c.name.strip()) and len(c.name) <= MAX_NAME_LENGTH, DomainError.invalid(
            "clan.name", f"a clan name has 1..{MAX_NAME_LENGTH} characters, not all blank",
            length=len(c.name))),
        require(2 <= rules.max_members <= MAX_MEMBERS
                and 0 <= rules.max_officers <= MAX_OFFICERS, DomainError.invalid(
            "clan.rules", f"need 2..{MAX_MEMBERS} members and 0..{MAX_OFFICERS} officers",
            max_members=rules.max_members, max_officers=rules.max_officers)),
        require(clan.status is ClanStatus.UNFOUNDED, DomainError.conflict(
            "clan.exists", "this clan stream is already founded", clan=clan.clan_id)),
        _no_clan_yet(c.leader_id, c.current_clan),
    ]
    return collect_all("clan.found_refused", checks).map(lambda _: (
        ClanFounded(**_envelope(c, 0), name=c.name, leader_id=c.leader_id,
                    max_members=rules.max_members, max_officers=rules.max_officers,
                    officers_can_invite=rules.officers_can_invite,
                    open_membership=rules.open_membership),
        ClanJoined(**_envelope(c, 1), user_id=c.leader_id, role=Role.LEADER.value)))


def _invite(clan: Clan, c: InviteMember) -> Decision:
    def rules(_: object) -> Decision:
        role = clan.role_of(c.inviter_id)
        may = role is Role.LEADER or (role is Role.OFFICER and clan.rules.officers_can_invite)
        return collect_all("clan.invite_refused", [
            require(may, _not_allowed("you may not invite", user=c.inviter_id,
                                      role=role.value if role else "none")),
            require(c.invitee_id not in clan.members, DomainError.conflict(
                "clan.already_member", "already a member", user=c.invitee_id)),
            require(c.invitee_id in clan.members or c.invitee_id not in clan.invited,
                    DomainError.conflict("clan.already_invited", "already invited",
                                         user=c.invitee_id)),
            _not_full(clan),
        ]).map(lambda _: (ClanMemberInvited(**_envelope(c, 0), inviter_id=c.inviter_id,
                                            invitee_id=c.invitee_id),))

    return _addressed("clan.invite_refused", clan, c,
                      named("clan", c.inviter_id, "inviter_id"),
                      named("clan", c.invitee_id, "invitee_id")).bind(rules)


def _join(clan: Clan, c: JoinClan) -> Decision:
    def rules(_: object) -> Decision:
        member = c.user_id in clan.members
        return collect_all("clan.join_refused", [
            require(not member, DomainError.conflict("clan.already_member", "already a member",
                                                     user=c.user_id)),
            _no_clan_yet(c.user_id, None if member else c.current_clan),
            require(c.user_id in clan.invited or clan.rules.open_membership,
                    DomainError.rejected("clan.not_invited", "an invitation is required",
                                         user=c.user_id)),
            _not_full(clan),
        ]).map(lambda _: (ClanJoined(**_envelope(c, 0), user_id=c.user_id,
                                     role=Role.MEMBER.value),))

    return _addressed("clan.join_refused", clan, c,
                      named("clan", c.user_id, "user_id")).bind(rules)


def _set_role(clan: Clan, c: SetRole) -> Decision:
    def changed(n: int, user: str, role: Role) -> ClanRoleChanged:
        return ClanRoleChanged(**_envelope(c, n), user_id=user, role=role.value,
                               changed_by=c.by)

    def rules(_: object) -> Decision:
        current = clan.role_of(c.user_id)
        takes_seat = c.role is Role.OFFICER and current is not Role.OFFICER
        checked = collect_all("clan.role_refused", [
            require(clan.role_of(c.by) is Role.LEADER,
                    _not_allowed("only the leader assigns roles", user=c.by)),
            _is_member(clan, c.user_id),
            require(c.user_id != c.by, DomainError.rejected(
                "clan.own_role", "hand leadership to someone else", user=c.by)),
            require(not takes_seat or clan.officers < clan.rules.max_officers,
                    DomainError.rejected("clan.too_many_officers", "no officer seat left",
                                         max_officers=clan.rules.max_officers)),
        ])
        if current is c.role:
            return checked.map(lambda _: ())
        if c.role is Role.LEADER:
            seats = clan.officers - (1 if current is Role.OFFICER else 0)
            old = Role.OFFICER if seats < clan.rules.max_officers else Role.MEMBER
            return checked.map(lambda _: (changed(0, c.user_id, Role.LEADER),
                                          changed(1, c.by, old)))
        return checked.map(lambda _: (changed(0, c.user_id, c.role),))

    return _addressed("clan.role_refused", clan, c, named("clan", c.by, "by"),
                      named("clan", c.user_id, "user_id")).bind(rules)


def _left(c: _ClanCommand, n: int, user: str, by: str | None) -> ClanLeft:
    return ClanLeft(**_envelope(c, n), user_id=user, removed_by=by)


def _leave(clan: Clan, c: LeaveClan) -> Decision:
    def rules(_: object) -> Decision:
        last = len(clan.members) == 1
        return collect_all("clan.leave_refused", [
            _is_member(clan, c.user_id),
            require(clan.role_of(c.user_id) is not Role.LEADER or last, DomainError.rejected(
                "clan.leader_must_hand_over", "hand leadership over before leaving",
                user=c.user_id)),
        ]).map(lambda _: (_left(c, 0, c.user_id, None),) + (
            (ClanDisbanded(**_envelope(c, 1), disbanded_by=c.user_id),) if last else ()))

    return _addressed("clan.leave_refused", clan, c,
                      named("clan", c.user_id, "user_id")).bind(rules)


def _remove(clan: Clan, c: RemoveMember) -> Decision:
    def rules(_: object) -> Decision:
        actor, target = clan.role_of(c.by), clan.role_of(c.user_id)
        allowed = (actor is Role.LEADER and c.user_id != c.by) or (
            actor is Role.OFFICER and target is Role.MEMBER)
        return collect_all("clan.remove_refused", [
            _is_member(clan, c.user_id),
            require(allowed or target is None, _not_allowed(
                "you may not remove this member", user=c.by, target=c.user_id)),
        ]).map(lambda _: (_left(c, 0, c.user_id, c.by),))

    return _addressed("clan.remove_refused", clan, c, named("clan", c.by, "by"),
                      named("clan", c.user_id, "user_id")).bind(rules)


def _disband(clan: Clan, c: DisbandClan) -> Decision:
    def rules(_: object) -> Decision:
        others = sorted(user for user in clan.members if user != c.by)
        return require(clan.role_of(c.by) is Role.LEADER, _not_allowed(
            "only the leader disbands the clan", user=c.by)).map(lambda _: (
                *(_left(c, n, user, c.by) for n, user in enumerate(others)),
                _left(c, len(others), c.by, None),
                ClanDisbanded(**_envelope(c, len(others) + 1), disbanded_by=c.by)))

    return _addressed("clan.disband_refused", clan, c, named("clan", c.by, "by")).bind(rules)


def _record_result(clan: Clan, c: RecordBattleResult) -> Decision:
    def rules(_: object) -> Decision:
        rating = clan.rating + c.rating_change
        return collect_all("clan.rating_refused", [
            require(c.battle_id not in clan.battles, DomainError.conflict(
                "clan.battle_already_recorded", "this battle already moved the rating",
                battle=c.battle_id)),
            require(abs(rating) <= MAX_RATING, DomainError.rejected(
                "clan.rating_bounds", f"the rating would leave ±{MAX_RATING}",
                rating=rating)),
        ]).map(lambda _: (ClanRatingChanged(**_envelope(c, 0), battle_id=c.battle_id,
                                            change=c.rating_change, rating=rating),))

    change = require(abs(c.rating_change) <= MAX_RATING_CHANGE, DomainError.invalid(
        "clan.rating_change", f"a battle moves a rating by at most {MAX_RATING_CHANGE}",
        change=c.rating_change))
    return _addressed("clan.rating_refused", clan, c, named("clan", c.battle_id, "battle_id"),
                      change, disbanded_ok=True).bind(rules)


def decide(clan: Clan, command: ClanCommand) -> Decision:
    """The events ``command`` produces against ``clan``, or every reason it is refused.

    >>> from datetime import UTC, datetime
    >>> decide(Clan.EMPTY, LeaveClan(command_id="c", clan_id="orion", user_id="ann",
    ...        issued_at=datetime(2026, 1, 1, tzinfo=UTC))).failure().codes()
    ('clan.not_found',)
    """
    match command:
        case FoundClan():
            return _found(clan, command)
        case InviteMember():
            return _invite(clan, command)
        case JoinClan():
            return _join(clan, command)
        case SetRole():
            return _set_role(clan, command)
        case LeaveClan():
            return _leave(clan, command)
        case RemoveMember():
            return _remove(clan, command)
        case DisbandClan():
            return _disband(clan, command)
        case RecordBattleResult():
            return _record_result(clan, command)
        case _:
            assert_never(command)


# --------------------------------------------------------------------------------- evolve

def evolve(clan: Clan, events: Iterable[Event]) -> Clan:
    """Fold a batch of events into ``clan`` (events of other streams are ignored).

    The state is thawed into local dicts and sets once, every event applied in place, and
    frozen once, so ``evolve(evolve(c, xs), ys) == evolve(c, [*xs, *ys])``.

    >>> from datetime import UTC, datetime
    >>> at = datetime(2026, 1, 1, tzinfo=UTC)
    >>> founded = ClanFounded(event_id="c:0", stream_id="o", occurred_at=at, clan_id="o",
    ...     name="Orion", leader_id="ann", max_members=5, max_officers=1,
    ...     officers_can_invite=True, open_membership=False)
    >>> joined = ClanJoined(event_id="c:1", stream_id="o", occurred_at=at, clan_id="o",
    ...                     user_id="ann", role="leader")
    >>> evolve(Clan.EMPTY, [founded, joined]).leader
    <Some: ann>
    """
    clan_id, name, rules, status, rating = (clan.clan_id, clan.name, clan.rules, clan.status,
                                            clan.rating)
    members = dict(clan.members)
    invited = set(clan.invited)
    battles = set(clan.battles)
    for event in events:
        if isinstance(event, ClanJoined):
            members[event.user_id] = Role(event.role)
            invited.discard(event.user_id)
        elif isinstance(event, ClanMemberInvited):
            invited.add(event.invitee_id)
        elif isinstance(event, ClanRoleChanged):
            members[event.user_id] = Role(event.role)
        elif isinstance(event, ClanLeft):
            members.pop(event.user_id, None)
        elif isinstance(event, ClanRatingChanged):
            rating = event.rating
            battles.add(event.battle_id)
        elif isinstance(event, ClanDisbanded):
            status = ClanStatus.DISBANDED
            members.clear()
            invited.clear()
        elif isinstance(event, ClanFounded):
            clan_id, name, status, rating = (event.clan_id, event.name, ClanStatus.ACTIVE,
                                             INITIAL_RATING)
            rules = ClanRules(event.max_members, event.max_officers, event.officers_can_invite,
                              event.open_membership)
            members.clear()
            invited.clear()
            battles.clear()
    return Clan(clan_id, name, rules, status, pmap(members), pset(invited), rating,
                pset(battles))


#: The clan aggregate: one stream per clan, ``stream_id == clan_id``.
CLAN: Final[Aggregate[Clan, ClanCommand]] = Aggregate(
    "clan", Clan.EMPTY, decide, evolve, CLAN_EVENTS)

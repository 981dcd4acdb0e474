"""The clan aggregate's rules, worked at their edges: capacity, officer seats, hand-over,
the leader leaving, disbanding, removal authority, battle results on the rating."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypedDict

from returns.maybe import Nothing, Some
from returns.result import Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.events import (
    ClanDisbanded,
    ClanLeft,
    ClanRatingChanged,
    ClanRoleChanged,
    Event,
)
from astratrade_core.social.clans import (
    CLAN,
    INITIAL_RATING,
    MAX_RATING,
    Clan,
    ClanCommand,
    ClanRules,
    ClanStatus,
    DisbandClan,
    FoundClan,
    InviteMember,
    JoinClan,
    LeaveClan,
    RecordBattleResult,
    RemoveMember,
    Role,
    SetRole,
)

AT = datetime(2026, 1, 1, tzinfo=UTC)
_n = iter(range(10**6))


class Meta(TypedDict):
    command_id: str
    clan_id: str
    issued_at: datetime


def meta() -> Meta:
    return {"command_id": f"c{next(_n)}", "clan_id": "orion", "issued_at": AT}


def found(rules: ClanRules = ClanRules(max_members=4, max_officers=1),  # noqa: B008
          leader: str = "ann") -> Stream[Clan]:
    return ok(Stream.empty(CLAN), FoundClan(**meta(), name="Orion", leader_id=leader,
                                            rules=rules))


def ok(stream: Stream[Clan], command: ClanCommand) -> Stream[Clan]:
    return handle(CLAN, stream, command).unwrap()[0]


def refused(stream: Stream[Clan], command: ClanCommand) -> DomainError:
    return CLAN.decide(stream.state, command).failure()


def events(stream: Stream[Clan], command: ClanCommand) -> tuple[Event, ...]:
    return CLAN.decide(stream.state, command).unwrap()


def with_members(stream: Stream[Clan], *users: str) -> Stream[Clan]:
    for user in users:
        stream = ok(stream, InviteMember(**meta(), inviter_id=stream.state.leader.unwrap(),
                                         invitee_id=user))
        stream = ok(stream, JoinClan(**meta(), user_id=user))
    return stream


def test_founding_makes_the_founder_leader_at_the_initial_rating() -> None:
    clan = found().state
    assert clan.status is ClanStatus.ACTIVE and clan.leader == Some("ann")
    assert clan.rating == INITIAL_RATING == 1500 and clan.officers == 0
    assert Clan.EMPTY.leader == Nothing


def test_founding_reports_every_problem_with_its_kind() -> None:
    error = refused(found(), FoundClan(**meta(), name=" " * 3, leader_id="",
                                       rules=ClanRules(max_members=1, max_officers=51),
                                       current_clan="lyra"))
    assert error.codes() == ("clan.empty_id", "clan.name", "clan.rules", "clan.exists",
                             "clan.already_in_a_clan")
    assert error.kind is ErrorKind.INVALID   # bad input is reported before the conflicts
    kinds = {cause.code: cause.kind for cause in error.causes}
    assert kinds["clan.exists"] is kinds["clan.already_in_a_clan"] is ErrorKind.CONFLICT
    # Exactly at the bounds: 40 characters, 2 members, 0 officers; 500 and 50.
    for rules in (ClanRules(max_members=2, max_officers=0),
                  ClanRules(max_members=500, max_officers=50)):
        assert CLAN.decide(Clan.EMPTY, FoundClan(**meta(), name="x" * 40, leader_id="ann",
                                                 rules=rules)).map(len) == Success(2)
    assert refused(Stream.empty(CLAN), FoundClan(**meta(), name="x" * 41, leader_id="ann")
                   ).codes() == ("clan.name",)
    naive = FoundClan(command_id="n", clan_id="orion", issued_at=AT.replace(tzinfo=None),
                      name="Orion", leader_id="ann")
    assert refused(Stream.empty(CLAN), naive).codes() == ("clan.naive_time",)


def test_capacity_exactly_at_the_limit() -> None:
    # max_members=3: the leader and two members fill it; the third invitation and join fail.
    stream = with_members(found(ClanRules(max_members=3, open_membership=True)), "bob", "cat")
    assert len(stream.state.members) == 3
    full = refused(stream, JoinClan(**meta(), user_id="dan"))
    assert full.codes() == ("clan.full",) and full.kind is ErrorKind.REJECTED
    assert refused(stream, InviteMember(**meta(), inviter_id="ann", invitee_id="dan")
                   ).codes() == ("clan.full",)
    # One leaves: exactly one seat again.
    stream = ok(stream, LeaveClan(**meta(), user_id="cat"))
    stream = ok(stream, JoinClan(**meta(), user_id="dan"))
    assert sorted(stream.state.members) == ["ann", "bob", "dan"]


def test_joining_needs_an_invitation_and_no_other_clan() -> None:
    stream = found()
    error = refused(stream, JoinClan(**meta(), user_id="bob", current_clan="lyra"))
    assert error.codes() == ("clan.already_in_a_clan", "clan.not_invited")
    stream = ok(stream, InviteMember(**meta(), inviter_id="ann", invitee_id="bob"))
    assert refused(stream, InviteMember(**meta(), inviter_id="ann", invitee_id="bob")
                   ).codes() == ("clan.already_invited",)
    stream = ok(stream, JoinClan(**meta(), user_id="bob"))
    assert "bob" not in stream.state.invited   # the invitation is used up
    member = refused(stream, JoinClan(**meta(), user_id="bob", current_clan="orion"))
    assert member.codes() == ("clan.already_member", "clan.not_invited")
    assert member.causes[0].kind is ErrorKind.CONFLICT


def test_invitations_need_authority() -> None:
    stream = with_members(found(), "bob")
    assert refused(stream, InviteMember(**meta(), inviter_id="bob", invitee_id="cat")
                   ).codes() == ("clan.not_allowed",)
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    stream = ok(stream, InviteMember(**meta(), inviter_id="bob", invitee_id="cat"))
    strict = with_members(found(ClanRules(officers_can_invite=False)), "bob")
    strict = ok(strict, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    assert refused(strict, InviteMember(**meta(), inviter_id="bob", invitee_id="cat")
                   ).codes() == ("clan.not_allowed",)


def test_the_last_officer_seat() -> None:
    stream = with_members(found(ClanRules(max_members=5, max_officers=2)), "bob", "cat", "dan")
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="cat", role=Role.OFFICER))  # last seat
    assert stream.state.officers == 2
    assert refused(stream, SetRole(**meta(), by="ann", user_id="dan", role=Role.OFFICER)
                   ).codes() == ("clan.too_many_officers",)
    # Re-appointing a sitting officer takes no new seat and changes nothing.
    assert events(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER)) == ()
    # Demoting one frees the seat.
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="cat", role=Role.MEMBER))
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="dan", role=Role.OFFICER))
    assert stream.state.role_of("dan") is Role.OFFICER


def test_only_the_leader_assigns_roles_and_not_their_own() -> None:
    stream = with_members(found(), "bob")
    assert refused(stream, SetRole(**meta(), by="bob", user_id="bob", role=Role.LEADER)
                   ).codes() == ("clan.not_allowed", "clan.own_role")
    assert refused(stream, SetRole(**meta(), by="ann", user_id="zed", role=Role.MEMBER)
                   ).causes[0].kind is ErrorKind.NOT_FOUND


def test_handing_over_leadership() -> None:
    # A free officer seat: the old leader becomes an officer.
    stream = with_members(found(ClanRules(max_officers=1)), "bob")
    decided = events(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.LEADER))
    assert [(e.user_id, e.role) for e in decided if isinstance(e, ClanRoleChanged)] == [
        ("bob", "leader"), ("ann", "officer")]
    # No seat (max_officers=0): the old leader becomes a plain member, never a 1st officer.
    stream = with_members(found(ClanRules(max_officers=0)), "bob")
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.LEADER))
    assert stream.state.role_of("ann") is Role.MEMBER and stream.state.officers == 0
    # Promoting the only officer frees that seat for the old leader.
    stream = with_members(found(ClanRules(max_officers=1)), "bob")
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.LEADER))
    assert stream.state.leader == Some("bob") and stream.state.role_of("ann") is Role.OFFICER


def test_the_leader_leaves_last_and_that_disbands_the_clan() -> None:
    stream = with_members(found(), "bob")
    assert refused(stream, LeaveClan(**meta(), user_id="ann")).codes() == (
        "clan.leader_must_hand_over",)
    stream = ok(stream, LeaveClan(**meta(), user_id="bob"))
    decided = events(stream, LeaveClan(**meta(), user_id="ann"))
    assert [type(e) for e in decided] == [ClanLeft, ClanDisbanded]
    stream = ok(stream, LeaveClan(**meta(), user_id="ann"))
    assert stream.state.status is ClanStatus.DISBANDED and stream.state.leader == Nothing
    gone = refused(stream, JoinClan(**meta(), user_id="bob"))
    assert gone.codes() == ("clan.disbanded",) and gone.kind is ErrorKind.REJECTED
    assert refused(stream, FoundClan(**meta(), name="Orion", leader_id="bob")
                   ).codes() == ("clan.exists",)


def test_disbanding_removes_everyone_first() -> None:
    stream = with_members(found(), "cat", "bob")
    assert refused(stream, DisbandClan(**meta(), by="bob")).codes() == ("clan.not_allowed",)
    decided = events(stream, DisbandClan(command_id="d", clan_id="orion", issued_at=AT, by="ann"))
    assert [(e.event_id, e.user_id, e.removed_by) for e in decided if isinstance(e, ClanLeft)
            ] == [("d:0", "bob", "ann"), ("d:1", "cat", "ann"), ("d:2", "ann", None)]
    assert isinstance(decided[-1], ClanDisbanded) and decided[-1].event_id == "d:3"


def test_removal_authority() -> None:
    stream = with_members(found(ClanRules(max_members=5, max_officers=2)), "bob", "cat", "dan")
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="cat", role=Role.OFFICER))
    for by, target in (("bob", "ann"), ("bob", "cat"), ("dan", "bob"), ("ann", "ann")):
        assert refused(stream, RemoveMember(**meta(), by=by, user_id=target)
                       ).codes() == ("clan.not_allowed",), (by, target)
    stream = ok(stream, RemoveMember(**meta(), by="bob", user_id="dan"))
    stream = ok(stream, RemoveMember(**meta(), by="ann", user_id="cat"))
    assert sorted(stream.state.members) == ["ann", "bob"]
    assert refused(stream, RemoveMember(**meta(), by="ann", user_id="dan")
                   ).codes() == ("clan.not_member",)


def test_battle_results_move_the_rating_once() -> None:
    stream = found()
    stream = ok(stream, RecordBattleResult(**meta(), battle_id="b-1", rating_change=16))
    stream = ok(stream, RecordBattleResult(**meta(), battle_id="b-2", rating_change=-8))
    assert stream.state.rating == 1500 + 16 - 8
    again = refused(stream, RecordBattleResult(**meta(), battle_id="b-1", rating_change=16))
    assert again.codes() == ("clan.battle_already_recorded",)
    assert again.kind is ErrorKind.CONFLICT
    # |change| <= 100 exactly; beyond is invalid input.
    assert events(stream, RecordBattleResult(**meta(), battle_id="b-3", rating_change=-100))
    assert refused(stream, RecordBattleResult(**meta(), battle_id="b-3", rating_change=101)
                   ).codes() == ("clan.rating_change",)
    # A disbanded clan still takes the result of a battle it fought.
    alone = ok(found(), LeaveClan(**meta(), user_id="ann"))
    moved = events(alone, RecordBattleResult(**meta(), battle_id="b-1", rating_change=5))
    assert isinstance(moved[0], ClanRatingChanged) and moved[0].rating == 1505


def test_the_rating_stays_within_its_bounds() -> None:
    at_edge = Clan(clan_id="orion", status=ClanStatus.ACTIVE, rating=MAX_RATING - 10)
    command = RecordBattleResult(**meta(), battle_id="b-9", rating_change=10)
    moved = CLAN.decide(at_edge, command).unwrap()[0]
    assert isinstance(moved, ClanRatingChanged) and moved.rating == MAX_RATING
    assert CLAN.decide(at_edge, RecordBattleResult(**meta(), battle_id="b-9",
                                                   rating_change=11)).failure().codes() == (
        "clan.rating_bounds",)


def test_commands_find_their_clan() -> None:
    assert refused(Stream.empty(CLAN), JoinClan(**meta(), user_id="bob")).codes() == (
        "clan.not_found",)
    elsewhere = JoinClan(command_id="x", clan_id="lyra", issued_at=AT, user_id="bob")
    assert refused(found(ClanRules(open_membership=True)), elsewhere).codes() == (
        "clan.wrong_stream",)


def test_event_ids_and_times_come_from_the_command() -> None:
    later = AT + timedelta(hours=3)
    decided = CLAN.decide(Clan.EMPTY, FoundClan(command_id="k", clan_id="orion",
                                                issued_at=later, name="Orion",
                                                leader_id="ann")).unwrap()
    assert [(e.event_id, e.stream_id, e.occurred_at) for e in decided] == [
        ("k:0", "orion", later), ("k:1", "orion", later)]


# Edges found by `make mutate` (social): every refusal with its kind, code and fields.


def _causes(error: DomainError) -> list[tuple[str, str, dict[str, str]]]:
    return [(c.code, c.kind.value, dict(c.fields)) for c in error.causes]


def test_refusals_name_the_clan_the_command_and_the_ids() -> None:
    stream = with_members(found(), "bob", "cat")
    error = refused(Stream.empty(CLAN), JoinClan(**meta(), user_id="dan"))
    assert (error.code, _causes(error)) == (
        "clan.join_refused", [("clan.not_found", "not_found", {"clan": "orion"})])
    elsewhere = {**meta(), "clan_id": "vega"}
    assert _causes(refused(stream, JoinClan(**elsewhere, user_id="dan"))) == [  # type: ignore[arg-type]
        ("clan.wrong_stream", "invalid", {"clan": "orion", "given": "vega"})]
    error = refused(stream, InviteMember(**meta(), inviter_id=" ", invitee_id=" "))
    assert (error.code, _causes(error)) == ("clan.invite_refused", [
        ("clan.empty_id", "invalid", {"field": "inviter_id"}),
        ("clan.empty_id", "invalid", {"field": "invitee_id"})])
    error = refused(stream, JoinClan(**meta(), user_id=" "))
    assert (error.code, _causes(error)) == (
        "clan.join_refused", [("clan.empty_id", "invalid", {"field": "user_id"})])
    error = refused(stream, LeaveClan(**meta(), user_id=" "))
    assert (error.code, _causes(error)) == (
        "clan.leave_refused", [("clan.empty_id", "invalid", {"field": "user_id"})])
    error = refused(stream, RemoveMember(**meta(), by=" ", user_id=" "))
    assert (error.code, _causes(error)) == ("clan.remove_refused", [
        ("clan.empty_id", "invalid", {"field": "by"}),
        ("clan.empty_id", "invalid", {"field": "user_id"})])


def test_authority_and_membership_refusals_name_the_users() -> None:
    stream = with_members(found(), "bob", "cat")
    assert _causes(refused(stream, InviteMember(**meta(), inviter_id="bob",
                                                invitee_id="dan"))) == [
        ("clan.not_allowed", "rejected", {"user": "bob", "role": "member"})]
    assert _causes(refused(stream, JoinClan(**meta(), user_id="bob"))) == [
        ("clan.already_member", "conflict", {"user": "bob"}),
        ("clan.not_invited", "rejected", {"user": "bob"})]
    assert _causes(refused(stream, RemoveMember(**meta(), by="bob", user_id="cat"))) == [
        ("clan.not_allowed", "rejected", {"user": "bob", "target": "cat"})]


def test_a_hand_over_numbers_its_two_events() -> None:
    stream = with_members(found(), "bob")
    command = SetRole(**meta(), by="ann", user_id="bob", role=Role.LEADER)
    assert [(e.event_id, e.user_id) for e in events(stream, command)] == [  # type: ignore[attr-defined]
        (f"{command.command_id}:0", "bob"), (f"{command.command_id}:1", "ann")]


def test_a_battle_recorded_twice_is_named() -> None:
    stream = ok(found(), RecordBattleResult(**meta(), battle_id="b-1", rating_change=16))
    again = refused(stream, RecordBattleResult(**meta(), battle_id="b-1", rating_change=16))
    assert _causes(again) == [("clan.battle_already_recorded", "conflict", {"battle": "b-1"})]

"""Every clan command's refusal compared whole (code, kind, message, fields, causes) and its
events compared whole (ids numbered from 0, who acted): the rules' codes and the ids they
name are the contract a client reads.  Found by `make mutate` (social): the other tests
compared codes and a few fields."""

from __future__ import annotations

from typing import Any

import attrs
from returns.result import Failure

from astratrade_core.errors import DomainError
from astratrade_core.events import ClanDisbanded, ClanLeft, ClanRatingChanged, ClanRoleChanged
from astratrade_core.social.clans import (
    CLAN,
    INITIAL_RATING,
    MAX_RATING,
    MAX_RATING_CHANGE,
    ClanRules,
    DisbandClan,
    InviteMember,
    LeaveClan,
    RecordBattleResult,
    RemoveMember,
    Role,
    SetRole,
)
from tests.core.social.test_clans import AT, events, found, meta, ok, with_members

E = DomainError


def _decide(stream: Any, command: Any) -> Any:
    return CLAN.decide(stream.state, command)


def _empty(field: str) -> DomainError:
    return E.invalid("clan.empty_id", f"{field}: must not be empty", field=field)


def _not_member(user: str) -> DomainError:
    return E.not_found("clan.not_member", f"{user} is not a member", user=user)


def _envelope(command: Any, n: int) -> dict[str, Any]:
    return {"event_id": f"{command.command_id}:{n}",
            "stream_id": "orion", "occurred_at": AT, "clan_id": "orion"}


def test_blank_ids_are_refused_by_field_for_every_command() -> None:
    stream = with_members(found(), "bob")
    cases = [
        (SetRole(**meta(), by=" ", user_id="", role=Role.OFFICER), "clan.role_refused",
         [_empty("by"), _empty("user_id")]),
        (RemoveMember(**meta(), by="", user_id=" "), "clan.remove_refused",
         [_empty("by"), _empty("user_id")]),
        (LeaveClan(**meta(), user_id=" "), "clan.leave_refused", [_empty("user_id")]),
        (DisbandClan(**meta(), by=" "), "clan.disband_refused", [_empty("by")]),
        (RecordBattleResult(**meta(), battle_id=" ", rating_change=MAX_RATING_CHANGE + 1),
         "clan.rating_refused",
         [_empty("battle_id"), E.invalid(
             "clan.rating_change", f"a battle moves a rating by at most {MAX_RATING_CHANGE}",
             change=MAX_RATING_CHANGE + 1)]),
    ]
    for command, code, causes in cases:
        assert _decide(stream, command) == Failure(E.all_of(code, causes))


def test_role_refusals_name_the_users_and_the_seats() -> None:
    stream = with_members(found(ClanRules(max_members=4, max_officers=1)), "bob", "cat")
    assert _decide(stream, SetRole(**meta(), by="bob", user_id="zed", role=Role.OFFICER)) == (
        Failure(E.all_of("clan.role_refused", [
            E.rejected("clan.not_allowed", "only the leader assigns roles", user="bob"),
            _not_member("zed")])))
    assert _decide(stream, SetRole(**meta(), by="ann", user_id="ann", role=Role.OFFICER)) == (
        Failure(E.all_of("clan.role_refused", [
            E.rejected("clan.own_role", "hand leadership to someone else", user="ann")])))
    stream = ok(stream, SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER))
    assert _decide(stream, SetRole(**meta(), by="ann", user_id="cat", role=Role.OFFICER)) == (
        Failure(E.all_of("clan.role_refused", [
            E.rejected("clan.too_many_officers", "no officer seat left", max_officers=1)])))


def test_a_role_change_names_who_changed_it() -> None:
    stream = with_members(found(), "bob")
    command = SetRole(**meta(), by="ann", user_id="bob", role=Role.OFFICER)
    assert events(stream, command) == (ClanRoleChanged(
        **_envelope(command, 0), user_id="bob", role="officer", changed_by="ann"),)


def test_leaving_refusals_and_the_last_member_leaving() -> None:
    stream = with_members(found(), "bob")
    assert _decide(stream, LeaveClan(**meta(), user_id="zed")) == Failure(E.all_of(
        "clan.leave_refused", [_not_member("zed")]))
    assert _decide(stream, LeaveClan(**meta(), user_id="ann")) == Failure(E.all_of(
        "clan.leave_refused", [E.rejected("clan.leader_must_hand_over",
                                          "hand leadership over before leaving", user="ann")]))
    alone = found()
    command = LeaveClan(**meta(), user_id="ann")
    assert events(alone, command) == (
        ClanLeft(**_envelope(command, 0), user_id="ann", removed_by=None),
        ClanDisbanded(**_envelope(command, 1), disbanded_by="ann"))


def test_removal_refusals_and_events_name_both_users() -> None:
    stream = with_members(found(), "bob", "cat")
    assert _decide(stream, RemoveMember(**meta(), by="bob", user_id="cat")) == Failure(
        E.all_of("clan.remove_refused", [E.rejected(
            "clan.not_allowed", "you may not remove this member", user="bob", target="cat")]))
    assert _decide(stream, RemoveMember(**meta(), by="ann", user_id="zed")) == Failure(
        E.all_of("clan.remove_refused", [_not_member("zed")]))
    command = RemoveMember(**meta(), by="ann", user_id="cat")
    assert events(stream, command) == (
        ClanLeft(**_envelope(command, 0), user_id="cat", removed_by="ann"),)


def test_disbanding_refusal_and_events_in_full() -> None:
    stream = with_members(found(), "cat", "bob")
    assert _decide(stream, DisbandClan(**meta(), by="bob")) == Failure(E.rejected(
        "clan.not_allowed", "only the leader disbands the clan", user="bob"))
    command = DisbandClan(**meta(), by="ann")
    assert events(stream, command) == (
        ClanLeft(**_envelope(command, 0), user_id="bob", removed_by="ann"),
        ClanLeft(**_envelope(command, 1), user_id="cat", removed_by="ann"),
        ClanLeft(**_envelope(command, 2), user_id="ann", removed_by=None),
        ClanDisbanded(**_envelope(command, 3), disbanded_by="ann"))


def test_battle_refusals_and_the_rating_event_in_full() -> None:
    stream = found()
    command = RecordBattleResult(**meta(), battle_id="b-1", rating_change=16)
    assert events(stream, command) == (ClanRatingChanged(
        **_envelope(command, 0), battle_id="b-1", change=16, rating=INITIAL_RATING + 16),)
    stream = ok(stream, command)
    # the rating one battle short of its bound (set directly: ~1,000 battles away)
    near = attrs.evolve(stream.state, rating=MAX_RATING - 16)
    again = RecordBattleResult(**meta(), battle_id="b-1", rating_change=17)
    assert CLAN.decide(near, again) == Failure(E.all_of("clan.rating_refused", [
        E.conflict("clan.battle_already_recorded", "this battle already moved the rating",
                   battle="b-1"),
        E.rejected("clan.rating_bounds", f"the rating would leave ±{MAX_RATING}",
                   rating=MAX_RATING + 1)]))


def test_invitation_refusals_name_the_users_and_the_capacity() -> None:
    stream = with_members(found(ClanRules(max_members=2, max_officers=0)), "bob")
    assert _decide(stream, InviteMember(**meta(), inviter_id="zed", invitee_id="bob")) == (
        Failure(E.all_of("clan.invite_refused", [
            E.rejected("clan.not_allowed", "you may not invite", user="zed", role="none"),
            E.conflict("clan.already_member", "already a member", user="bob"),
            E.rejected("clan.full", "the clan is full", clan="orion", max_members=2)])))

"""Clan membership rules, and the law that a clan is always the replay of its events."""

from __future__ import annotations

import decimal
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.errors import DomainError
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
from astratrade_core.testing import hostile_contexts

AT = datetime(2026, 1, 1, tzinfo=UTC)


def founded(rules: ClanRules = ClanRules(max_members=4, max_officers=1)) -> Clan:  # noqa: B008
    return found_clan("c-1", "Orion", "ann", rules, AT, current_clan=None).unwrap().clan


def ok(result: Result[ClanChange, DomainError]) -> Clan:
    return result.unwrap().clan


def test_founding() -> None:
    change = found_clan("c-1", "Orion", "ann", ClanRules(), AT, current_clan=None).unwrap()
    assert [e.event_type for e in change.events] == ["ClanFounded", "ClanJoined"]
    assert change.clan.leader == "ann" and change.clan.role_of("ann") is Role.LEADER
    refused = found_clan("c-2", "x" * 41, "bob", ClanRules(max_officers=51), AT,
                         current_clan="c-1")
    assert refused.failure().codes() == ("clan.name", "clan.rules", "clan.already_in_a_clan")


def test_invitations_need_authority() -> None:
    clan = founded()
    clan = ok(join(ok(invite(clan, "ann", "bob", AT)), "bob", AT, current_clan=None))
    # A plain member may not invite; after promotion to officer bob may.
    assert invite(clan, "bob", "cat", AT).failure().code == "clan.not_allowed"
    clan = ok(set_role(clan, "ann", "bob", Role.OFFICER, AT))
    clan = ok(invite(clan, "bob", "cat", AT))
    assert "cat" in clan.invited
    assert invite(clan, "ann", "cat", AT).failure().code == "clan.already_invited"
    assert invite(clan, "ann", "bob", AT).failure().code == "clan.already_member"
    # Officers lose the right when the clan says so.
    strict = founded(ClanRules(max_members=4, officers_can_invite=False))
    strict = ok(join(ok(invite(strict, "ann", "bob", AT)), "bob", AT, current_clan=None))
    strict = ok(set_role(strict, "ann", "bob", Role.OFFICER, AT))
    assert invite(strict, "bob", "dan", AT).failure().code == "clan.not_allowed"


def test_size_limit_and_invitation_rules() -> None:
    clan = founded(ClanRules(max_members=2))
    assert join(clan, "bob", AT, current_clan=None).failure().code == "clan.not_invited"
    clan = ok(join(ok(invite(clan, "ann", "bob", AT)), "bob", AT, current_clan=None))
    refused = invite(clan, "ann", "cat", AT)
    assert refused.failure().code == "clan.full"
    opened = founded(ClanRules(max_members=2, open_membership=True))
    opened = ok(join(opened, "bob", AT, current_clan=None))
    assert join(opened, "cat", AT, current_clan=None).failure().code == "clan.full"
    assert join(opened, "bob", AT, current_clan=None).failure().codes() == (
        "clan.already_member", "clan.full")


def test_roles_leadership_and_leaving() -> None:
    clan = founded(ClanRules(max_members=5, max_officers=1, open_membership=True))
    for user in ("bob", "cat", "dan"):
        clan = ok(join(clan, user, AT, current_clan=None))
    clan = ok(set_role(clan, "ann", "bob", Role.OFFICER, AT))
    assert set_role(clan, "ann", "cat", Role.OFFICER, AT).failure().code == (
        "clan.too_many_officers")
    assert set_role(clan, "bob", "cat", Role.MEMBER, AT).failure().code == "clan.not_allowed"
    assert set_role(clan, "ann", "ann", Role.MEMBER, AT).failure().code == "clan.own_role"
    assert set_role(clan, "ann", "bob", Role.OFFICER, AT).unwrap().events == ()
    # Officers remove plain members, not officers or the leader.
    assert remove_member(clan, "bob", "ann", AT).failure().code == "clan.not_allowed"
    clan = ok(remove_member(clan, "bob", "dan", AT))
    assert leave(clan, "ann", AT).failure().code == "clan.leader_must_hand_over"
    change = set_role(clan, "ann", "cat", Role.LEADER, AT).unwrap()
    assert [(e.user_id, e.role) for e in change.events] == [  # type: ignore[union-attr]
        ("cat", "leader"), ("ann", "officer")]
    clan = ok(leave(change.clan, "ann", AT))
    assert sorted(clan.members) == ["bob", "cat"] and clan.leader == "cat"
    assert leave(clan, "zed", AT).failure().code == "clan.not_member"
    # The last member leaving disbands the clan.
    alone = ok(leave(founded(ClanRules(open_membership=True)), "ann", AT))
    assert join(alone, "bob", AT, current_clan=None).failure().code == "clan.disbanded"


USERS = ["ann", "bob", "cat", "dan", "eve", "fay"]
Command = tuple[str, str, str, Role]


def _commands() -> st.SearchStrategy[list[Command]]:
    return st.lists(st.tuples(st.sampled_from(["invite", "join", "role", "leave", "remove"]),
                              st.sampled_from(USERS), st.sampled_from(USERS),
                              st.sampled_from(Role)), max_size=40)


@given(commands=_commands(), max_members=st.integers(2, 5), max_officers=st.integers(0, 2),
       officers_invite=st.booleans(), open_membership=st.booleans())
def test_clan_is_the_replay_of_its_events(commands: list[Command], max_members: int,
                                          max_officers: int, officers_invite: bool,
                                          open_membership: bool) -> None:
    rules = ClanRules(max_members, max_officers, officers_invite, open_membership)
    change = found_clan("c", "Lyra", "ann", rules, AT, current_clan=None).unwrap()
    clan, stream = change.clan, list(change.events)
    ids: set[str] = {e.event_id for e in stream}
    for n, (kind, actor, target, role) in enumerate(commands):
        at = AT + timedelta(minutes=n)
        result: Result[ClanChange, DomainError]
        if kind == "invite":
            result = invite(clan, actor, target, at)
        elif kind == "join":
            result = join(clan, target, at, current_clan=None)
        elif kind == "role":
            result = set_role(clan, actor, target, role, at)
        elif kind == "leave":
            result = leave(clan, target, at)
        else:
            result = remove_member(clan, actor, target, at)
        if isinstance(result, Success):
            events: tuple[ClanEvent, ...] = result.unwrap().events
            stream.extend(events)
            clan = result.unwrap().clan
            assert not ids & {e.event_id for e in events}
            ids |= {e.event_id for e in events}
        assert replay_clan(stream) == clan
        if clan.members:
            roles = list(clan.members.values())
            assert roles.count(Role.LEADER) == 1
            assert roles.count(Role.OFFICER) <= max_officers
        assert len(clan.members) <= max_members
        assert not set(clan.invited) & set(clan.members)


@given(ctx=hostile_contexts())
def test_clans_ignore_the_callers_context(ctx: decimal.Context) -> None:
    def run() -> object:
        clan = founded(ClanRules(max_members=5, max_officers=2))
        clan = ok(join(ok(invite(clan, "ann", "bob", AT)), "bob", AT, current_clan=None))
        clan = ok(join(ok(invite(clan, "ann", "cat", AT)), "cat", AT, current_clan=None))
        clan = ok(set_role(clan, "ann", "bob", Role.OFFICER, AT))
        removed = remove_member(clan, "bob", "cat", AT).unwrap()
        gone = leave(removed.clan, "bob", AT).unwrap()
        start = found_clan("c-2", "Vega", "eve", ClanRules(), AT, current_clan=None).unwrap()
        return (clan, removed, gone, replay_clan(start.events),
                evolve_clan(clan, gone.events[0]))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected

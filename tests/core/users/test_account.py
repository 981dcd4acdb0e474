"""Worked examples of the user aggregate's rules at their edges (each computed by hand from
the rule in the module docstring)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
from returns.result import Failure, Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.errors import ErrorKind
from astratrade_core.users import (
    MAX_ACCOUNTS,
    MAX_ACTIVE_KEYS,
    ROLE_SCOPES,
    USER,
    ChangeRole,
    IssueApiKey,
    OpenTradingAccount,
    Principal,
    RegisterUser,
    RevokeApiKey,
    Role,
    Scope,
    SetPreferences,
    UserState,
    account_owner,
    authorize,
)

T = datetime(2026, 1, 1, tzinfo=UTC)
ROOT = Principal("root", Role.ADMIN, "rootkey1", ROLE_SCOPES[Role.ADMIN])


def _ann(role: Role = Role.TRADER) -> Stream[UserState]:
    return handle(USER, Stream.empty(USER), RegisterUser(
        command_id="reg", user_id="ann", issued_at=T, display_name="Ann", role=role)
    ).unwrap()[0]


def _key(n: int, **changes: Any) -> IssueApiKey:
    command = IssueApiKey(command_id=f"k{n}", user_id="ann", issued_at=T, key_id=f"key{n:05d}",
                          label="", scopes=frozenset({Scope.READ}), verifier="scrypt$x")
    return attrs.evolve(command, **changes)


def _code(stream: Stream[UserState], command: Any) -> str:
    result = handle(USER, stream, command)
    assert isinstance(result, Failure), result
    code: str = result.failure().code
    return code


def test_registering_needs_an_admin_or_the_platform_and_happens_once() -> None:
    ann = Principal("ann", Role.TRADER, "annkey01", ROLE_SCOPES[Role.TRADER])
    register = RegisterUser(command_id="r", user_id="bob", issued_at=T, display_name="Bob")
    assert _code(Stream.empty(USER), attrs.evolve(register, actor=ann)) == "access.admin_only"
    stream = handle(USER, Stream.empty(USER), attrs.evolve(register, actor=ROOT)).unwrap()[0]
    assert stream.state.accounts == frozenset({"bob"})
    assert _code(stream, attrs.evolve(register, command_id="r2")) == "users.exists"


def test_keys_up_to_the_limit_exactly_then_refused_then_room_after_a_revocation() -> None:
    stream = _ann()
    for n in range(MAX_ACTIVE_KEYS):
        stream = handle(USER, stream, _key(n)).unwrap()[0]
    assert len(stream.state.active_keys()) == MAX_ACTIVE_KEYS   # exactly at the limit
    assert _code(stream, _key(99)) == "users.too_many_keys"     # one above
    stream = handle(USER, stream, RevokeApiKey(command_id="rv", user_id="ann", issued_at=T,
                                               key_id="key00000")).unwrap()[0]
    assert stream.state.principal("key00000") is None
    assert isinstance(handle(USER, stream, _key(99)), Success)
    assert _code(stream, RevokeApiKey(command_id="rv2", user_id="ann", issued_at=T,
                                      key_id="key00000")) == "users.key_revoked"


def test_a_key_never_widens_its_issuer_and_never_exceeds_the_role() -> None:
    stream = _ann()
    reader = Principal("ann", Role.TRADER, "key00000", frozenset({Scope.READ}))
    escalate = _key(1, scopes=frozenset({Scope.READ, Scope.TRADE}), actor=reader)
    error = handle(USER, stream, escalate).failure()
    assert (error.code, error.kind) == ("access.escalation", ErrorKind.FORBIDDEN)
    assert isinstance(handle(USER, stream, _key(1, actor=reader)), Success)   # equal: allowed
    assert _code(stream, _key(2, scopes=frozenset({Scope.OPERATE}))) == "users.scope_beyond_role"


def test_demotion_narrows_every_key_at_once() -> None:
    stream = _ann(Role.OPERATOR)
    stream = handle(USER, stream, _key(1, scopes=frozenset({Scope.READ, Scope.OPERATE}))
                    ).unwrap()[0]
    assert stream.state.effective_scopes("key00001") == {Scope.READ, Scope.OPERATE}
    stream = handle(USER, stream, ChangeRole(command_id="d", user_id="ann", issued_at=T,
                                             role=Role.TRADER, actor=ROOT)).unwrap()[0]
    assert stream.state.effective_scopes("key00001") == {Scope.READ}


def test_nobody_changes_their_own_role() -> None:
    root = handle(USER, Stream.empty(USER), RegisterUser(
        command_id="r", user_id="root", issued_at=T, display_name="Root", role=Role.ADMIN)
    ).unwrap()[0]
    demote = ChangeRole(command_id="c", user_id="root", issued_at=T, role=Role.TRADER,
                        actor=ROOT)
    assert _code(root, demote) == "users.own_role"


def test_accounts_up_to_the_limit_and_their_owner_by_construction() -> None:
    stream = _ann()   # the primary account counts
    for n in range(MAX_ACCOUNTS - 1):
        stream = handle(USER, stream, OpenTradingAccount(
            command_id=f"o{n}", user_id="ann", issued_at=T, label=f"a{n}")).unwrap()[0]
    assert len(stream.state.accounts) == MAX_ACCOUNTS
    assert {account_owner(a) for a in stream.state.accounts} == {"ann"}
    assert _code(stream, OpenTradingAccount(command_id="o-x", user_id="ann", issued_at=T,
                                            label="more")) == "users.too_many_accounts"
    assert _code(stream, OpenTradingAccount(command_id="o-y", user_id="ann", issued_at=T,
                                            label="a0")) == "users.account_exists"


def test_preferences_check_zone_and_currency_and_skip_no_change() -> None:
    stream = _ann()
    both = SetPreferences(command_id="p", user_id="ann", issued_at=T, time_zone="Mars/Olympus",
                          display_currency="usd")
    assert handle(USER, stream, both).failure().codes() == ("users.unknown_zone",
                                                              "money.currency_code")
    same = attrs.evolve(both, time_zone="UTC", display_currency="USD")
    assert handle(USER, stream, same).unwrap()[1] == ()


def test_another_users_things_are_read_only_for_operators_and_closed_to_traders() -> None:
    bob = Principal("bob", Role.TRADER, "bobkey01", ROLE_SCOPES[Role.TRADER])
    ops = Principal("olga", Role.OPERATOR, "olgakey1", ROLE_SCOPES[Role.OPERATOR])
    assert authorize(bob, Scope.READ, "ann").failure().code == "access.not_owner"
    assert isinstance(authorize(ops, Scope.READ, "ann"), Success)
    for scope in (Scope.TRADE, Scope.SOCIAL, Scope.COMMERCE):
        assert authorize(ops, scope, "ann").failure().code == "access.not_owner"
        assert authorize(ROOT, scope, "ann").failure().kind is ErrorKind.FORBIDDEN

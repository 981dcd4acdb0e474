"""The user aggregate: one stream per user (``user-<user id>``) -- the account, the public
profile, preferences, the trading accounts the user owns, the role and the API keys.

==========================  ================================================================
command                     events (or failure)
==========================  ================================================================
``RegisterUser``            ``UserRegistered`` + ``TradingAccountOpened`` (the primary
                            account, whose id is the user id); ``users.exists`` (conflict)
``UpdateProfile``           ``ProfileUpdated``
``SetPreferences``          ``PreferencesSet`` (nothing when unchanged); an unknown IANA zone
                            is ``users.unknown_zone``, a malformed currency
                            ``money.currency_code`` (invalid)
``OpenTradingAccount``      ``TradingAccountOpened`` for ``<user id>.<label>``;
                            ``users.account_exists`` (conflict), ``users.too_many_accounts``
                            (rejected) beyond :data:`MAX_ACCOUNTS`
``ChangeRole``              ``RoleChanged`` (nothing when unchanged); an admin may not change
                            their own role (``users.own_role``, forbidden), so the platform
                            never loses its last admin by a slip
``IssueApiKey``             ``ApiKeyIssued``; ``users.key_exists`` (conflict), scopes beyond
                            the role ``users.scope_beyond_role`` (rejected), more than
                            :data:`MAX_ACTIVE_KEYS` active keys ``users.too_many_keys``
                            (rejected); a key issued by its own user never holds a scope the
                            key it was issued with lacks (``access.escalation``, forbidden)
``RevokeApiKey``            ``ApiKeyRevoked``; ``users.no_key`` (not found),
                            ``users.key_revoked`` (conflict) the second time
==========================  ================================================================

Every command but ``RegisterUser`` is ``users.unknown`` (not found) before registration.
Every command names its ``actor``: the :class:`~astratrade_core.users.access.Principal`
making the request, or ``None`` for the platform itself (the bootstrap command, a policy).
Registering users and changing roles needs an actor holding ``Scope.ADMIN``; the other
commands are for the user themself or an admin (``access.admin_only`` /
``access.not_owner``, forbidden).  A key's *effective* scopes are its scopes within what the
user's current role allows, so demoting a user narrows every key at once.

The core never hashes: ``IssueApiKey.verifier`` is the shell's slow hash of the secret,
stored as given and compared by the shell.

>>> from datetime import UTC, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> stream, events = handle(USER, Stream.empty(USER), RegisterUser(
...     command_id="r", user_id="ann", issued_at=t, display_name="Ann")).unwrap()
>>> [e.event_type for e in events], sorted(stream.state.accounts)
(['UserRegistered', 'TradingAccountOpened'], ['ann'])
>>> issue = IssueApiKey(command_id="k", user_id="ann", issued_at=t, key_id="a1b2c3d4",
...                     label="bot", scopes=frozenset({Scope.READ}), verifier="scrypt$...")
>>> stream, _ = handle(USER, stream, issue).unwrap()
>>> sorted(s.value for s in stream.state.effective_scopes("a1b2c3d4"))
['read']
>>> handle(USER, stream, IssueApiKey(command_id="k2", user_id="ann", issued_at=t,
...     key_id="e5f6a7b8", label="x", scopes=frozenset({Scope.ADMIN}), verifier="v")
...     ).failure().code
'users.scope_beyond_role'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar, Final, assert_never
from zoneinfo import ZoneInfo

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.users import (
    USERS_EVENTS,
    ApiKeyIssued,
    ApiKeyRevoked,
    PreferencesSet,
    ProfileUpdated,
    RoleChanged,
    TradingAccountOpened,
    UserRegistered,
)
from astratrade_core.money import Currency
from astratrade_core.social.checks import aware
from astratrade_core.users.access import (
    ACCOUNT_SEPARATOR,
    ROLE_SCOPES,
    Principal,
    Role,
    Scope,
    user_id_of,
)

__all__ = [
    "MAX_ACCOUNTS",
    "MAX_ACTIVE_KEYS",
    "MAX_BIO",
    "MAX_DISPLAY_NAME",
    "USER",
    "ApiKey",
    "ChangeRole",
    "IssueApiKey",
    "OpenTradingAccount",
    "RegisterUser",
    "RevokeApiKey",
    "SetPreferences",
    "UpdateProfile",
    "UserCommand",
    "UserState",
    "decide_user",
    "evolve_user",
    "user_stream",
]

#: Trading accounts a user may own (the primary one included).
MAX_ACCOUNTS: Final = 10
#: API keys a user may hold unrevoked at once.
MAX_ACTIVE_KEYS: Final = 10
#: Longest display name and bio, in characters.
MAX_DISPLAY_NAME: Final = 64
MAX_BIO: Final = 280

_LABEL: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_KEY_ID: Final = re.compile(r"[a-z0-9]{8,32}")
_VERIFIER: Final = re.compile(r"[!-~]{1,512}")  # printable ASCII, no spaces
_ZONE_KEY: Final = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


def user_stream(user_id: str) -> str:
    """The stream of a user.

    >>> user_stream("ann")
    'user-ann'
    """
    return f"user-{user_id}"


@attrs.frozen
class ApiKey:
    """One key as the stream knows it: id, label, scopes, the shell's verifier, who issued
    it, when, and whether it is revoked."""

    key_id: str
    label: str
    scopes: frozenset[Scope]
    verifier: str
    issued_at: datetime
    issued_by: str | None
    revoked: bool = False


@attrs.frozen(kw_only=True)
class UserState:
    """A user's stream folded.  ``role`` is None before registration."""

    EMPTY: ClassVar[UserState]

    user_id: str = ""
    role: Role | None = None
    display_name: str = ""
    bio: str = ""
    time_zone: str = "UTC"
    display_currency: str = "USD"
    accounts: frozenset[str] = frozenset()
    keys: PMap[str, ApiKey] = attrs.field(factory=pmap)

    @property
    def registered(self) -> bool:
        """Whether the user exists."""
        return self.role is not None

    def active_keys(self) -> tuple[ApiKey, ...]:
        """The unrevoked keys, by id."""
        return tuple(k for _, k in sorted(self.keys.items()) if not k.revoked)

    def effective_scopes(self, key_id: str) -> frozenset[Scope]:
        """What ``key_id`` may be used for now: its scopes within the role's; empty for an
        unknown or revoked key."""
        key = self.keys.get(key_id)
        if key is None or key.revoked or self.role is None:
            return frozenset()
        return key.scopes & ROLE_SCOPES[self.role]

    def principal(self, key_id: str) -> Principal | None:
        """The principal a request made with the active key ``key_id`` acts as."""
        scopes = self.effective_scopes(key_id)
        if self.role is None or not scopes:
            return None
        return Principal(self.user_id, self.role, key_id, scopes)


UserState.EMPTY = UserState()


@attrs.frozen(kw_only=True)
class _UserCommand:
    command_id: str
    user_id: str
    issued_at: datetime
    actor: Principal | None = None


@attrs.frozen(kw_only=True)
class RegisterUser(_UserCommand):
    """Register ``user_id`` with ``role``; it opens the primary trading account."""

    display_name: str
    role: Role = Role.TRADER


@attrs.frozen(kw_only=True)
class UpdateProfile(_UserCommand):
    """Set the public profile."""

    display_name: str
    bio: str = ""


@attrs.frozen(kw_only=True)
class SetPreferences(_UserCommand):
    """Set the IANA time zone (streak days) and the display currency."""

    time_zone: str
    display_currency: str


@attrs.frozen(kw_only=True)
class OpenTradingAccount(_UserCommand):
    """Open the trading account ``<user id>.<label>``."""

    label: str


@attrs.frozen(kw_only=True)
class ChangeRole(_UserCommand):
    """Give the user ``role``."""

    role: Role


@attrs.frozen(kw_only=True)
class IssueApiKey(_UserCommand):
    """Record the key ``key_id`` with ``scopes``; ``verifier`` is the shell's slow hash of
    its secret."""

    key_id: str
    label: str
    scopes: frozenset[Scope]
    verifier: str


@attrs.frozen(kw_only=True)
class RevokeApiKey(_UserCommand):
    """Revoke the key ``key_id``."""

    key_id: str


#: Every command the user aggregate decides.
UserCommand = (RegisterUser | UpdateProfile | SetPreferences | OpenTradingAccount | ChangeRole
               | IssueApiKey | RevokeApiKey)


# --- checks ------------------------------------------------------------------------------

def _text(value: str, field: str, longest: int, *, empty: bool = False,
          ) -> Result[str, DomainError]:
    if (value.strip() or empty) and len(value) <= longest and value.isprintable():
        return Success(value)
    return Failure(DomainError.invalid(
        "users.bad_text", f"{field}: {'0' if empty else '1'}..{longest} printable characters",
        field=field))


def _pattern(pattern: re.Pattern[str], value: str, field: str, what: str,
             ) -> Result[str, DomainError]:
    if pattern.fullmatch(value):
        return Success(value)
    return Failure(DomainError.invalid(f"users.bad_{field}", f"{field}: {what}", field=field))


def _zone(name: str) -> Result[str, DomainError]:
    problem = DomainError.invalid("users.unknown_zone", "time_zone: not an IANA time zone name",
                                  zone=name[:64])
    if len(name) > 64 or not _ZONE_KEY.fullmatch(name):
        return Failure(problem)
    try:
        ZoneInfo(name)
    except (ValueError, LookupError, OSError):  # not a TZif file, no such key, unreadable
        return Failure(problem)
    return Success(name)


def _actor_is_admin(c: _UserCommand) -> Result[None, DomainError]:
    if c.actor is None or c.actor.holds(Scope.ADMIN):
        return Success(None)
    return Failure(DomainError.forbidden("access.admin_only", "only an admin may do this",
                                         user_id=c.actor.user_id))


def _actor_is_self_or_admin(c: _UserCommand) -> Result[None, DomainError]:
    if c.actor is None or c.actor.user_id == c.user_id or c.actor.holds(Scope.ADMIN):
        return Success(None)
    return Failure(DomainError.forbidden("access.not_owner", "only the user or an admin may "
                                         "do this", owner=c.user_id, user_id=c.actor.user_id))


def _common(state: UserState, c: _UserCommand) -> list[Result[Any, DomainError]]:
    """The checks every command shares: its time, its user id, and that it is addressed to
    this stream's user."""
    checks: list[Result[Any, DomainError]] = [aware("users", c.issued_at, "issued_at"),
                                              user_id_of(c.user_id)]
    if state.registered and state.user_id != c.user_id:
        checks.append(Failure(DomainError.invalid(
            "users.wrong_user", "the command names another user than this stream's",
            stream_user=state.user_id, user_id=c.user_id[:40])))
    return checks


def _registered(state: UserState) -> Result[None, DomainError]:
    if state.registered:
        return Success(None)
    return Failure(DomainError.not_found("users.unknown", "no such user"))


def _envelope(c: _UserCommand, n: int) -> dict[str, Any]:
    return {"event_id": f"{c.command_id}:{n}", "stream_id": user_stream(c.user_id),
            "occurred_at": c.issued_at, "user_id": c.user_id}


def _by(c: _UserCommand) -> str | None:
    return None if c.actor is None else c.actor.user_id


def _then(checks: Iterable[Result[Any, DomainError]], events: Any) -> Decision:
    """The events (a thunk) once every check passed, else the one problem, or every problem
    at once under ``users.invalid_command``."""
    return collect_all("users.invalid_command", checks).map(lambda _: tuple(events())).alt(
        lambda e: e.causes[0] if len(e.causes) == 1 else e)


# --- decide ------------------------------------------------------------------------------

def _register(state: UserState, c: RegisterUser) -> Decision:
    exists = (Failure(DomainError.conflict("users.exists", "the user is already registered",
                                           user_id=c.user_id[:40]))
              if state.registered else Success(None))
    return _then([*_common(state, c), _actor_is_admin(c),
                  _text(c.display_name, "display_name", MAX_DISPLAY_NAME), exists],
                 lambda: (UserRegistered(**_envelope(c, 0), display_name=c.display_name,
                                         role=c.role.value, registered_by=_by(c)),
                          TradingAccountOpened(**_envelope(c, 1), account_id=c.user_id)))


def _profile(state: UserState, c: UpdateProfile) -> Decision:
    return _then([*_common(state, c), _registered(state), _actor_is_self_or_admin(c),
                  _text(c.display_name, "display_name", MAX_DISPLAY_NAME),
                  _text(c.bio, "bio", MAX_BIO, empty=True)],
                 lambda: (ProfileUpdated(**_envelope(c, 0), display_name=c.display_name,
                                         bio=c.bio),))


def _preferences(state: UserState, c: SetPreferences) -> Decision:
    unchanged = (state.time_zone, state.display_currency) == (c.time_zone, c.display_currency)
    return _then([*_common(state, c), _registered(state), _actor_is_self_or_admin(c),
                  _zone(c.time_zone), Currency.of(c.display_currency[:16], 2)],
                 lambda: () if unchanged else (PreferencesSet(
                     **_envelope(c, 0), time_zone=c.time_zone,
                     display_currency=c.display_currency),))


def _open_account(state: UserState, c: OpenTradingAccount) -> Decision:
    account = f"{c.user_id}{ACCOUNT_SEPARATOR}{c.label}"
    rules = []
    if account in state.accounts:
        rules.append(Failure(DomainError.conflict("users.account_exists",
                                                  "the account is already open",
                                                  account_id=account[:80])))
    elif len(state.accounts) >= MAX_ACCOUNTS:
        rules.append(Failure(DomainError.rejected(
            "users.too_many_accounts", f"at most {MAX_ACCOUNTS} trading accounts",
            limit=MAX_ACCOUNTS)))
    return _then([*_common(state, c), _registered(state), _actor_is_self_or_admin(c),
                  _pattern(_LABEL, c.label, "label", "1..32 of a-z 0-9 _ -"), *rules],
                 lambda: (TradingAccountOpened(**_envelope(c, 0), account_id=account),))


def _change_role(state: UserState, c: ChangeRole) -> Decision:
    own = (Failure(DomainError.forbidden("users.own_role", "nobody changes their own role"))
           if c.actor is not None and c.actor.user_id == c.user_id else Success(None))
    return _then([*_common(state, c), _registered(state), _actor_is_admin(c), own],
                 lambda: () if state.role is c.role else (RoleChanged(
                     **_envelope(c, 0), role=c.role.value, changed_by=_by(c)),))


def _issue(state: UserState, c: IssueApiKey) -> Decision:
    rules: list[Result[Any, DomainError]] = []
    if not c.scopes:
        rules.append(Failure(DomainError.invalid("users.no_scopes", "scopes: at least one")))
    if c.key_id in state.keys:
        rules.append(Failure(DomainError.conflict("users.key_exists", "the key id is taken",
                                                  key_id=c.key_id[:40])))
    if state.role is not None and not c.scopes <= ROLE_SCOPES[state.role]:
        beyond = sorted(s.value for s in c.scopes - ROLE_SCOPES[state.role])
        rules.append(Failure(DomainError.rejected(
            "users.scope_beyond_role", f"a {state.role.value} key cannot hold "
            f"{', '.join(beyond)}", role=state.role.value, scopes=",".join(beyond))))
    if len(state.active_keys()) >= MAX_ACTIVE_KEYS:
        rules.append(Failure(DomainError.rejected(
            "users.too_many_keys", f"at most {MAX_ACTIVE_KEYS} active keys; revoke one",
            limit=MAX_ACTIVE_KEYS)))
    actor = c.actor
    if actor is not None and actor.user_id == c.user_id and not c.scopes <= actor.scopes:
        wider = sorted(s.value for s in c.scopes - actor.scopes)
        rules.append(Failure(DomainError.forbidden(
            "access.escalation", f"a key cannot issue a key with more scopes than its own "
            f"({', '.join(wider)})", scopes=",".join(wider))))
    return _then([*_common(state, c), _registered(state), _actor_is_self_or_admin(c),
                  _pattern(_KEY_ID, c.key_id, "key_id", "8..32 of a-z 0-9"),
                  _text(c.label, "label", MAX_DISPLAY_NAME, empty=True),
                  _pattern(_VERIFIER, c.verifier, "verifier", "1..512 printable ASCII"),
                  *rules],
                 lambda: (ApiKeyIssued(**_envelope(c, 0), key_id=c.key_id, label=c.label,
                                       scopes=tuple(sorted(s.value for s in c.scopes)),
                                       verifier=c.verifier, issued_by=_by(c)),))


def _revoke(state: UserState, c: RevokeApiKey) -> Decision:
    key = state.keys.get(c.key_id)
    found: Result[None, DomainError]
    if key is None:
        found = Failure(DomainError.not_found("users.no_key", "no such key",
                                              key_id=c.key_id[:40]))
    elif key.revoked:
        found = Failure(DomainError.conflict("users.key_revoked", "the key is already revoked",
                                             key_id=c.key_id))
    else:
        found = Success(None)
    return _then([*_common(state, c), _registered(state), _actor_is_self_or_admin(c), found],
                 lambda: (ApiKeyRevoked(**_envelope(c, 0), key_id=c.key_id,
                                        revoked_by=_by(c)),))


def decide_user(state: UserState, command: UserCommand) -> Decision:
    """The events ``command`` produces on this user's stream, or every reason to refuse it
    (see the module docstring)."""
    match command:
        case RegisterUser():
            return _register(state, command)
        case UpdateProfile():
            return _profile(state, command)
        case SetPreferences():
            return _preferences(state, command)
        case OpenTradingAccount():
            return _open_account(state, command)
        case ChangeRole():
            return _change_role(state, command)
        case IssueApiKey():
            return _issue(state, command)
        case RevokeApiKey():
            return _revoke(state, command)
        case _:
            assert_never(command)


# --- evolve ------------------------------------------------------------------------------

def _scopes(names: tuple[str, ...]) -> frozenset[Scope]:
    by_name = {s.value: s for s in Scope}
    return frozenset(by_name[n] for n in names if n in by_name)


def _role(name: str) -> Role:
    return next((r for r in Role if r.value == name), Role.TRADER)


def evolve_user(state: UserState, events: Iterable[Event]) -> UserState:
    """Fold a batch of user events (others are ignored) into ``state``, building it once."""
    fields = attrs.asdict(state, recurse=False)
    keys = dict(fields["keys"])
    accounts = set(fields["accounts"])
    for event in events:
        match event:
            case UserRegistered():
                fields.update(user_id=event.user_id, role=_role(event.role),
                              display_name=event.display_name)
            case ProfileUpdated():
                fields.update(display_name=event.display_name, bio=event.bio)
            case PreferencesSet():
                fields.update(time_zone=event.time_zone,
                              display_currency=event.display_currency)
            case TradingAccountOpened():
                accounts.add(event.account_id)
            case RoleChanged():
                fields["role"] = _role(event.role)
            case ApiKeyIssued():
                keys[event.key_id] = ApiKey(event.key_id, event.label, _scopes(event.scopes),
                                            event.verifier, event.occurred_at, event.issued_by)
            case ApiKeyRevoked():
                known = keys.get(event.key_id)
                if known is not None:
                    keys[event.key_id] = attrs.evolve(known, revoked=True)
    fields.update(keys=pmap(keys), accounts=frozenset(accounts))
    return UserState(**fields)


#: The user aggregate: one stream per user, ``user_stream(user_id)``.
USER: Final[Aggregate[UserState, UserCommand]] = Aggregate(
    name="user", initial=UserState.EMPTY, decide=decide_user, evolve=evolve_user,
    event_types=USERS_EVENTS)


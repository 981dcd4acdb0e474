"""Users, profiles, preferences, trading accounts, roles and API keys.

Settings of oneself (profile, preferences, opening a trading account, one's own keys) need
the ``trade`` scope; acting on another user needs ``admin`` (and the core's user aggregate
checks the same from the actor it is given).  A key's secret appears once, in the response
that issues it; a retry with the same ``Idempotency-Key`` answers ``duplicate: true`` and no
secret.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from astratrade_core.errors import DomainError
from astratrade_core.users import (
    MAX_BIO,
    MAX_DISPLAY_NAME,
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
    UpdateProfile,
    parse_scopes,
    user_stream,
)
from astratrade_shell.service.http import (
    Caller,
    CommandResult,
    IdempotencyKey,
    allowed,
    command_id,
    execute,
    ok,
    platform_of,
)
from astratrade_shell.service.keys import new_key
from astratrade_shell.service.problems import ProblemError

__all__ = ["router"]

router = APIRouter(prefix="/v1/users", tags=["users"])

UserId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")]
KeyId = Annotated[str, Path(pattern=r"^[a-z0-9]{8,32}$")]


def _settings(principal: Principal, user_id: str) -> None:
    """Oneself with ``trade``, anyone with ``admin``."""
    if principal.user_id == user_id:
        allowed(principal, Scope.TRADE, user_id)
    else:
        allowed(principal, Scope.ADMIN)


class NewUser(BaseModel):
    """A user to register."""

    user_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,31}$")
    display_name: str = Field(min_length=1, max_length=MAX_DISPLAY_NAME)
    role: Role = Role.TRADER


class KeyView(BaseModel):
    """A key as its owner sees it (never the secret or its verifier)."""

    key_id: str
    label: str
    scopes: list[str]
    revoked: bool
    issued_at: str


class UserView(BaseModel):
    """A user: profile, preferences, role, trading accounts and keys."""

    user_id: str
    display_name: str
    bio: str
    role: str
    time_zone: str
    display_currency: str
    accounts: list[str]
    keys: list[KeyView]


@router.post("", status_code=201, response_model=CommandResult,
             summary="Register a user (admin)")
def register(body: NewUser, request: Request, who: Caller,
             idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.ADMIN)
    command = RegisterUser(command_id=command_id(who.principal, "register", idempotency_key,
                                                 platform),
                           user_id=body.user_id, issued_at=platform.app.now(),
                           display_name=body.display_name, role=body.role,
                           actor=who.principal)
    return execute(platform, USER, user_stream(body.user_id), command)


@router.get("/{user_id}", response_model=UserView, summary="A user, their accounts and keys")
def user(user_id: UserId, request: Request, who: Caller) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.READ, user_id)
    with platform.writing:
        state = platform.app.load(USER, user_stream(user_id)).state
    if state.role is None:
        raise ProblemError(DomainError.not_found("users.unknown", "no such user",
                                                 user_id=user_id))
    return UserView(
        user_id=state.user_id, display_name=state.display_name, bio=state.bio,
        role=state.role.value if state.role else "", time_zone=state.time_zone,
        display_currency=state.display_currency, accounts=sorted(state.accounts),
        keys=[KeyView(key_id=k.key_id, label=k.label, scopes=sorted(s.value for s in k.scopes),
                      revoked=k.revoked, issued_at=k.issued_at.isoformat())
              for _, k in sorted(state.keys.items())])


class Profile(BaseModel):
    """A public profile."""

    display_name: str = Field(min_length=1, max_length=MAX_DISPLAY_NAME)
    bio: str = Field(default="", max_length=MAX_BIO)


@router.put("/{user_id}/profile", response_model=CommandResult, summary="Set the profile")
def profile(user_id: UserId, body: Profile, request: Request, who: Caller,
            idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _settings(who.principal, user_id)
    return execute(platform, USER, user_stream(user_id), UpdateProfile(
        command_id=command_id(who.principal, f"profile:{user_id}", idempotency_key, platform),
        user_id=user_id, issued_at=platform.app.now(), display_name=body.display_name,
        bio=body.bio, actor=who.principal))


class Preferences(BaseModel):
    """The IANA time zone (streak days) and the display currency."""

    time_zone: str = Field(min_length=1, max_length=64, examples=["Europe/Berlin"])
    display_currency: str = Field(min_length=2, max_length=10, examples=["EUR"])


@router.put("/{user_id}/preferences", response_model=CommandResult,
            summary="Set the preferences")
def preferences(user_id: UserId, body: Preferences, request: Request, who: Caller,
                idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _settings(who.principal, user_id)
    return execute(platform, USER, user_stream(user_id), SetPreferences(
        command_id=command_id(who.principal, f"preferences:{user_id}", idempotency_key,
                              platform),
        user_id=user_id, issued_at=platform.app.now(), time_zone=body.time_zone,
        display_currency=body.display_currency, actor=who.principal))


class NewAccount(BaseModel):
    """A trading account to open: ``<user id>.<label>``."""

    label: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")


@router.post("/{user_id}/accounts", status_code=201, response_model=CommandResult,
             summary="Open a trading account")
def open_account(user_id: UserId, body: NewAccount, request: Request, who: Caller,
                 idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _settings(who.principal, user_id)
    return execute(platform, USER, user_stream(user_id), OpenTradingAccount(
        command_id=command_id(who.principal, f"account:{user_id}", idempotency_key, platform),
        user_id=user_id, issued_at=platform.app.now(), label=body.label, actor=who.principal))


class NewRole(BaseModel):
    """The role to give."""

    role: Role


@router.put("/{user_id}/role", response_model=CommandResult, summary="Change a role (admin)")
def role(user_id: UserId, body: NewRole, request: Request, who: Caller,
         idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    allowed(who.principal, Scope.ADMIN)
    return execute(platform, USER, user_stream(user_id), ChangeRole(
        command_id=command_id(who.principal, f"role:{user_id}", idempotency_key, platform),
        user_id=user_id, issued_at=platform.app.now(), role=body.role, actor=who.principal))


class NewKey(BaseModel):
    """A key to issue: a label and its scopes (at most the role's)."""

    label: str = Field(default="", max_length=MAX_DISPLAY_NAME)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))


class IssuedKeyView(BaseModel):
    """The issued key: ``key`` is the secret, shown this once (null on a retry)."""

    key_id: str
    key: str | None
    scopes: list[str]
    duplicate: bool


@router.post("/{user_id}/keys", status_code=201, response_model=IssuedKeyView,
             summary="Issue an API key (the secret is shown once)")
def issue_key(user_id: UserId, body: NewKey, request: Request, who: Caller,
              idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _settings(who.principal, user_id)
    scopes = ok(parse_scopes(s.value for s in body.scopes))
    issued = new_key(user_id)
    verifier = platform.hasher.verifier(issued.text)
    done = execute(platform, USER, user_stream(user_id), IssueApiKey(
        command_id=command_id(who.principal, f"key:{user_id}", idempotency_key, platform),
        user_id=user_id, issued_at=platform.app.now(), key_id=issued.key_id,
        label=body.label, scopes=scopes, verifier=verifier, actor=who.principal))
    event = done.events[0]
    return IssuedKeyView(key_id=event["key_id"], key=None if done.duplicate else issued.text,
                         scopes=list(event["scopes"]), duplicate=done.duplicate)


@router.delete("/{user_id}/keys/{key_id}", response_model=CommandResult,
               summary="Revoke an API key")
def revoke_key(user_id: UserId, key_id: KeyId, request: Request, who: Caller,
               idempotency_key: IdempotencyKey = None) -> Any:
    platform = platform_of(request)
    _settings(who.principal, user_id)
    return execute(platform, USER, user_stream(user_id), RevokeApiKey(
        command_id=command_id(who.principal, f"revoke:{user_id}:{key_id}", idempotency_key,
                              platform),
        user_id=user_id, issued_at=platform.app.now(), key_id=key_id, actor=who.principal))

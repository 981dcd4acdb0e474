"""User events: accounts, profiles, preferences, trading accounts, roles and API keys.

Every event goes to the user's stream (``user-<user id>``).  An API key is recorded by its
public id, its scopes and its *verifier*: an opaque text the shell derived from the secret
with a slow hash (the core neither hashes nor sees the secret), so the store never holds a
usable key.

>>> from datetime import UTC, datetime
>>> e = ApiKeyRevoked(event_id="c-1:0", stream_id="user-ann",
...                   occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id="ann",
...                   key_id="k1", revoked_by="ann")
>>> e.event_type, e.schema_version
('ApiKeyRevoked', 1)
"""

from __future__ import annotations

from typing import Final

import attrs

from astratrade_core.events.envelope import Event, event_type

__all__ = [
    "USERS_EVENTS",
    "ApiKeyIssued",
    "ApiKeyRevoked",
    "PreferencesSet",
    "ProfileUpdated",
    "RoleChanged",
    "TradingAccountOpened",
    "UserRegistered",
]


@event_type("UserRegistered", version=1)
@attrs.frozen(kw_only=True)
class UserRegistered(Event):
    """``user_id`` became a user with ``role`` (``trader``, ``operator`` or ``admin``),
    registered by ``registered_by`` (None: the platform itself, e.g. the bootstrap)."""

    user_id: str
    display_name: str
    role: str
    registered_by: str | None


@event_type("ProfileUpdated", version=1)
@attrs.frozen(kw_only=True)
class ProfileUpdated(Event):
    """The user's public profile now reads ``display_name`` and ``bio``."""

    user_id: str
    display_name: str
    bio: str


@event_type("PreferencesSet", version=1)
@attrs.frozen(kw_only=True)
class PreferencesSet(Event):
    """The user's IANA ``time_zone`` (their streak days) and ``display_currency``."""

    user_id: str
    time_zone: str
    display_currency: str


@event_type("TradingAccountOpened", version=1)
@attrs.frozen(kw_only=True)
class TradingAccountOpened(Event):
    """The user owns the trading account (portfolio stream) ``account_id``."""

    user_id: str
    account_id: str


@event_type("RoleChanged", version=1)
@attrs.frozen(kw_only=True)
class RoleChanged(Event):
    """An admin (``changed_by``) gave the user ``role``."""

    user_id: str
    role: str
    changed_by: str | None


@event_type("ApiKeyIssued", version=1)
@attrs.frozen(kw_only=True)
class ApiKeyIssued(Event):
    """An API key ``key_id`` with ``scopes`` was issued to the user by ``issued_by``;
    ``verifier`` is the shell's slow hash of its secret (never the secret)."""

    user_id: str
    key_id: str
    label: str
    scopes: tuple[str, ...]
    verifier: str
    issued_by: str | None


@event_type("ApiKeyRevoked", version=1)
@attrs.frozen(kw_only=True)
class ApiKeyRevoked(Event):
    """The key ``key_id`` no longer authenticates anyone (revoked by ``revoked_by``)."""

    user_id: str
    key_id: str
    revoked_by: str | None


#: Every user event type, for the platform's codec registry.
USERS_EVENTS: Final[tuple[type[Event], ...]] = (
    UserRegistered, ProfileUpdated, PreferencesSet, TradingAccountOpened, RoleChanged,
    ApiKeyIssued, ApiKeyRevoked)

"""Users: accounts, profiles, preferences, trading-account ownership, roles and API-key rules
(:data:`USER`, one stream per user), and the authorization rule every front door applies
(:func:`authorize`).  No hashing and no I/O: a key's verifier is made and checked by the
shell."""

from __future__ import annotations

from astratrade_core.exports import lazy

TYPE_CHECKING = False  # not typing's: importing typing costs time (see exports.py)
if TYPE_CHECKING:
    from astratrade_core.users.access import (
        ACCOUNT_SEPARATOR,
        ROLE_SCOPES,
        Principal,
        Role,
        Scope,
        account_owner,
        authorize,
        parse_role,
        parse_scopes,
        user_id_of,
    )
    from astratrade_core.users.account import (
        MAX_ACCOUNTS,
        MAX_ACTIVE_KEYS,
        MAX_BIO,
        MAX_DISPLAY_NAME,
        USER,
        ApiKey,
        ChangeRole,
        IssueApiKey,
        OpenTradingAccount,
        RegisterUser,
        RevokeApiKey,
        SetPreferences,
        UpdateProfile,
        UserCommand,
        UserState,
        decide_user,
        evolve_user,
        user_stream,
    )

__all__ = [
    "ACCOUNT_SEPARATOR",
    "MAX_ACCOUNTS",
    "MAX_ACTIVE_KEYS",
    "MAX_BIO",
    "MAX_DISPLAY_NAME",
    "ROLE_SCOPES",
    "USER",
    "ApiKey",
    "ChangeRole",
    "IssueApiKey",
    "OpenTradingAccount",
    "Principal",
    "RegisterUser",
    "RevokeApiKey",
    "Role",
    "Scope",
    "SetPreferences",
    "UpdateProfile",
    "UserCommand",
    "UserState",
    "account_owner",
    "authorize",
    "decide_user",
    "evolve_user",
    "parse_role",
    "parse_scopes",
    "user_id_of",
    "user_stream",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy(__name__, {
        "ACCOUNT_SEPARATOR": "astratrade_core.users.access",
        "ROLE_SCOPES": "astratrade_core.users.access",
        "Principal": "astratrade_core.users.access",
        "Role": "astratrade_core.users.access",
        "Scope": "astratrade_core.users.access",
        "account_owner": "astratrade_core.users.access",
        "authorize": "astratrade_core.users.access",
        "parse_role": "astratrade_core.users.access",
        "parse_scopes": "astratrade_core.users.access",
        "user_id_of": "astratrade_core.users.access",
        "MAX_ACCOUNTS": "astratrade_core.users.account",
        "MAX_ACTIVE_KEYS": "astratrade_core.users.account",
        "MAX_BIO": "astratrade_core.users.account",
        "MAX_DISPLAY_NAME": "astratrade_core.users.account",
        "USER": "astratrade_core.users.account",
        "ApiKey": "astratrade_core.users.account",
        "ChangeRole": "astratrade_core.users.account",
        "IssueApiKey": "astratrade_core.users.account",
        "OpenTradingAccount": "astratrade_core.users.account",
        "RegisterUser": "astratrade_core.users.account",
        "RevokeApiKey": "astratrade_core.users.account",
        "SetPreferences": "astratrade_core.users.account",
        "UpdateProfile": "astratrade_core.users.account",
        "UserCommand": "astratrade_core.users.account",
        "UserState": "astratrade_core.users.account",
        "decide_user": "astratrade_core.users.account",
        "evolve_user": "astratrade_core.users.account",
        "user_stream": "astratrade_core.users.account",
    }, (
        "access", "account",
    ))

"""Who may do what: roles, scopes, principals and the one authorization rule.

A user has one :class:`Role`; each API key carries :class:`Scope` s, never more than its
user's role allows (:data:`ROLE_SCOPES`).  A request is made by a :class:`Principal` (the
user behind the key, the role, the key's effective scopes).  :func:`authorize` is the rule
every front door applies before it sends a command or answers a query:

* the principal's key must hold the scope the action needs (``access.scope_missing``);
* an action on something a user owns (a trading account, a subscription, a stake, a player)
  is allowed to its owner; of anyone else's, only reading is allowed, and only to a principal
  holding :attr:`Scope.OPERATE` (operators and admins) -- nobody trades, pays or plays with
  another user's things (``access.not_owner``).

Both refusals are :meth:`~astratrade_core.errors.DomainError.forbidden` (HTTP 403).

>>> ann = Principal(user_id="ann", role=Role.TRADER, key_id="k1",
...                 scopes=frozenset({Scope.READ, Scope.TRADE}))
>>> authorize(ann, Scope.TRADE, owner="ann")
<Success: None>
>>> authorize(ann, Scope.READ, owner="bob").failure().code
'access.not_owner'
>>> ops = Principal(user_id="olga", role=Role.OPERATOR, key_id="k2",
...                 scopes=ROLE_SCOPES[Role.OPERATOR])
>>> authorize(ops, Scope.READ, owner="bob"), authorize(ops, Scope.TRADE, owner="bob").failure().code
(<Success: None>, 'access.not_owner')
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Final

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all

__all__ = [
    "ACCOUNT_SEPARATOR",
    "ROLE_SCOPES",
    "Principal",
    "Role",
    "Scope",
    "account_owner",
    "authorize",
    "parse_role",
    "parse_scopes",
    "user_id_of",
]


class Role(enum.Enum):
    """What a user is on the platform."""

    TRADER = "trader"
    OPERATOR = "operator"
    ADMIN = "admin"


class Scope(enum.Enum):
    """What a key may be used for."""

    READ = "read"            # read one's own accounts, progress, subscriptions...
    TRADE = "trade"          # deposit, withdraw, orders, close
    SOCIAL = "social"        # clans, challenges
    COMMERCE = "commerce"    # subscriptions, NFTs, staking
    OPERATE = "operate"      # read anyone's data and the platform's books
    ADMIN = "admin"          # users, roles and keys of anyone


_TRADER: Final = frozenset({Scope.READ, Scope.TRADE, Scope.SOCIAL, Scope.COMMERCE})

#: The scopes a key of each role may hold (a key may hold fewer).
ROLE_SCOPES: Final[PMap[Role, frozenset[Scope]]] = pmap({
    Role.TRADER: _TRADER,
    Role.OPERATOR: _TRADER | {Scope.OPERATE},
    Role.ADMIN: _TRADER | {Scope.OPERATE, Scope.ADMIN},
})

#: Separates a user id from an account label in a trading account id (``ann.savings``).
ACCOUNT_SEPARATOR: Final = "."

_USER_ID: Final = re.compile(r"[a-z0-9][a-z0-9_]{0,31}")


def user_id_of(text: str) -> Result[str, DomainError]:
    """``text`` if it is a user id: 1..32 lower-case ASCII letters, digits or ``_``, starting
    with a letter or digit.  It never contains :data:`ACCOUNT_SEPARATOR`, and never ``-``
    or ``:``, which the other streams' ids hold (``user-ann``, ``subscription-ann``,
    ``clan:orion``), so a trading account's stream can never be another aggregate's.

    >>> user_id_of("ann_1")
    <Success: ann_1>
    >>> user_id_of("user-ann").failure().code
    'users.bad_id'
    """
    if _USER_ID.fullmatch(text):
        return Success(text)
    return Failure(DomainError.invalid(
        "users.bad_id", "user_id: 1..32 of a-z 0-9 _, starting with a letter or digit",
        user_id=text[:40]))


def account_owner(account_id: str) -> str:
    """The user a trading account id belongs to by construction: the account ids of a user
    are their user id (the primary account) or ``<user id>.<label>``.

    >>> account_owner("ann"), account_owner("ann.savings")
    ('ann', 'ann')
    """
    return account_id.split(ACCOUNT_SEPARATOR, 1)[0]


def parse_role(text: str) -> Result[Role, DomainError]:
    """The role named ``text``.

    >>> parse_role("operator")
    <Success: Role.OPERATOR>
    >>> parse_role("root").failure().code
    'users.unknown_role'
    """
    for role in Role:
        if role.value == text:
            return Success(role)
    return Failure(DomainError.invalid("users.unknown_role",
                                       f"role: one of {', '.join(r.value for r in Role)}",
                                       role=text[:40]))


def parse_scopes(texts: Iterable[str]) -> Result[frozenset[Scope], DomainError]:
    """The scopes named by ``texts`` (every unknown name reported).

    >>> sorted(s.value for s in parse_scopes(["read", "trade"]).unwrap())
    ['read', 'trade']
    >>> parse_scopes(["read", "root", "sudo"]).failure().codes()
    ('users.unknown_scope', 'users.unknown_scope')
    """
    by_name = {scope.value: scope for scope in Scope}

    def one(text: str) -> Result[Scope, DomainError]:
        found = by_name.get(text)
        if found is not None:
            return Success(found)
        return Failure(DomainError.invalid(
            "users.unknown_scope", f"scope {text[:40]!r}: one of {', '.join(by_name)}",
            scope=text[:40]))

    return collect_all("users.scopes", [one(t) for t in texts]).map(frozenset)


@attrs.frozen
class Principal:
    """Who makes a request: the user, their role, the key used and its effective scopes."""

    user_id: str
    role: Role
    key_id: str
    scopes: frozenset[Scope]

    def holds(self, scope: Scope) -> bool:
        """Whether the key may be used for ``scope``."""
        return scope in self.scopes


def authorize(principal: Principal, scope: Scope, owner: str | None = None,
              ) -> Result[None, DomainError]:
    """Whether ``principal`` may perform an action needing ``scope`` on something owned by
    ``owner`` (None: nobody's, e.g. a calculator or the platform's books).  See the module
    docstring for the rule.

    >>> admin = Principal("root", Role.ADMIN, "k", ROLE_SCOPES[Role.ADMIN])
    >>> authorize(admin, Scope.COMMERCE, owner="bob").failure().kind.value
    'forbidden'
    >>> viewer = Principal("vic", Role.TRADER, "k", frozenset({Scope.READ}))
    >>> authorize(viewer, Scope.TRADE, owner="vic").failure().code
    'access.scope_missing'
    """
    if scope not in principal.scopes:
        return Failure(DomainError.forbidden(
            "access.scope_missing", f"this key lacks the {scope.value!r} scope",
            scope=scope.value, key_id=principal.key_id))
    if owner is None or owner == principal.user_id:
        return Success(None)
    if scope is Scope.READ and Scope.OPERATE in principal.scopes:
        return Success(None)
    return Failure(DomainError.forbidden(
        "access.not_owner", "only its owner may act on it", owner=owner,
        user_id=principal.user_id))

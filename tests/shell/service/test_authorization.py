"""The authorization matrix: every endpoint x every kind of caller, acting on ann's things.

Callers: ``owner`` (ann, a trader, all her role's scopes), ``readonly`` (ann with a key that
only reads), ``other`` (bob, another trader), ``operator`` (olga), ``admin`` (root, the
bootstrapped admin).  For each endpoint the table lists who is allowed; everyone else must get
``403`` with an ``access.*`` code, and nobody may get a 401 or a 5xx.  An allowed call may
still be refused by the domain (404, 409, 422): authorization is what the matrix checks.

The table must name every route of the app (a new endpoint fails this test until its row is
written), so no endpoint ships without an authorization decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.shell.service.support import Service, running

OWNER, READONLY, OTHER, OPERATOR, ADMIN = "owner", "readonly", "other", "operator", "admin"
EVERYONE = frozenset({OWNER, READONLY, OTHER, OPERATOR, ADMIN})
WRITERS = EVERYONE - {READONLY}          # any key with the action's scope, acting as itself
READERS_OF_ANN = frozenset({OWNER, READONLY, OPERATOR, ADMIN})
ANN_SETTINGS = frozenset({OWNER, ADMIN})
ANN_ONLY = frozenset({OWNER})
ADMINS = frozenset({ADMIN})
PLATFORM_READERS = frozenset({OPERATOR, ADMIN})

_MONEY = {"currency": "USD", "amount": "10"}
_DAY = "2026-01-01"

#: (method, route template) -> (concrete path, JSON body, who is allowed).
MATRIX: dict[tuple[str, str], tuple[str, Any, frozenset[str]]] = {
    ("POST", "/v1/users"): ("/v1/users", {"user_id": "zed", "display_name": "Zed"}, ADMINS),
    ("GET", "/v1/users/{user_id}"): ("/v1/users/ann", None, READERS_OF_ANN),
    ("PUT", "/v1/users/{user_id}/profile"): ("/v1/users/ann/profile",
                                             {"display_name": "Ann"}, ANN_SETTINGS),
    ("PUT", "/v1/users/{user_id}/preferences"): (
        "/v1/users/ann/preferences", {"time_zone": "UTC", "display_currency": "USD"},
        ANN_SETTINGS),
    ("POST", "/v1/users/{user_id}/accounts"): ("/v1/users/ann/accounts", {"label": "bot"},
                                               ANN_SETTINGS),
    ("PUT", "/v1/users/{user_id}/role"): ("/v1/users/ann/role", {"role": "trader"}, ADMINS),
    ("POST", "/v1/users/{user_id}/keys"): ("/v1/users/ann/keys", {"scopes": ["read"]},
                                           ANN_SETTINGS),
    ("DELETE", "/v1/users/{user_id}/keys/{key_id}"): ("/v1/users/ann/keys/deadbeefdeadbeef",
                                                      None, ANN_SETTINGS),
    ("POST", "/v1/accounts/{account_id}/deposits"): ("/v1/accounts/ann/deposits", _MONEY,
                                                     ANN_ONLY),
    ("POST", "/v1/accounts/{account_id}/withdrawals"): ("/v1/accounts/ann/withdrawals",
                                                        _MONEY, ANN_ONLY),
    ("POST", "/v1/accounts/{account_id}/orders"): (
        "/v1/accounts/ann/orders", {"symbol": "BTCUSD", "side": "buy", "quantity": "0.001"},
        ANN_ONLY),
    ("POST", "/v1/accounts/{account_id}/positions/{symbol}/close"): (
        "/v1/accounts/ann/positions/BTCUSD/close", None, ANN_ONLY),
    ("GET", "/v1/accounts/{account_id}"): ("/v1/accounts/ann", None, READERS_OF_ANN),
    ("GET", "/v1/accounts/{account_id}/equity"): ("/v1/accounts/ann/equity", None,
                                                  READERS_OF_ANN),
    ("GET", "/v1/accounts/{account_id}/trades"): ("/v1/accounts/ann/trades", None,
                                                  READERS_OF_ANN),
    ("GET", "/v1/accounts/{account_id}/risk-events"): ("/v1/accounts/ann/risk-events", None,
                                                       READERS_OF_ANN),
    ("POST", "/v1/clans"): ("/v1/clans", {"clan": "lyra", "name": "Lyra"}, WRITERS),
    ("POST", "/v1/clans/{clan}/members"): ("/v1/clans/orion/members", None, WRITERS),
    ("DELETE", "/v1/clans/{clan}/members/{user_id}"): ("/v1/clans/orion/members/ann", None,
                                                       ANN_ONLY),
    ("GET", "/v1/clans/{clan}"): ("/v1/clans/orion", None, EVERYONE),
    ("GET", "/v1/clans/{clan}/battles"): ("/v1/clans/orion/battles", None, EVERYONE),
    ("GET", "/v1/battles"): ("/v1/battles", None, EVERYONE),
    ("POST", "/v1/challenges"): ("/v1/challenges", {
        "challenge": "duel", "participants": ["ann", "bob"], "metric": "xp",
        "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-08T00:00:00Z",
        "currency": "USD", "stake": "1.00"}, WRITERS),
    ("POST", "/v1/challenges/{challenge}/acceptances"): ("/v1/challenges/duel/acceptances",
                                                         None, WRITERS),
    ("POST", "/v1/users/{user_id}/subscription"): (
        "/v1/users/ann/subscription", {"plan": "navigator", "starts_on": _DAY}, ANN_ONLY),
    ("PUT", "/v1/users/{user_id}/subscription/plan"): (
        "/v1/users/ann/subscription/plan", {"plan": "captain", "on": _DAY}, ANN_ONLY),
    ("POST", "/v1/users/{user_id}/subscription/cancellation"): (
        "/v1/users/ann/subscription/cancellation", {"on": _DAY}, ANN_ONLY),
    ("POST", "/v1/collections"): ("/v1/collections", {
        "collection": "ships", "creator_id": "ann", "base_price": "10.00",
        "max_supply": 10}, ADMINS),
    ("POST", "/v1/collections/{collection}/mints"): ("/v1/collections/ships/mints",
                                                     {"token_id": "t1"}, WRITERS),
    ("POST", "/v1/collections/{collection}/tokens/{token_id}/listing"): (
        "/v1/collections/ships/tokens/t1/listing", {"price": "20.00"}, WRITERS),
    ("POST", "/v1/collections/{collection}/tokens/{token_id}/purchase"): (
        "/v1/collections/ships/tokens/t1/purchase", {"price": "20.00"}, WRITERS),
    ("POST", "/v1/pools"): ("/v1/pools", {"pool": "strk"}, ADMINS),
    ("POST", "/v1/pools/{pool}/stakes"): ("/v1/pools/strk/stakes", {"amount": "100"}, WRITERS),
    ("POST", "/v1/pools/{pool}/unstakes"): ("/v1/pools/strk/unstakes", {"amount": "1"},
                                            WRITERS),
    ("GET", "/v1/players/{user_id}"): ("/v1/players/ann", None, EVERYONE),
    ("GET", "/v1/leaderboards/{board}"): ("/v1/leaderboards/xp-all-time", None, EVERYONE),
    ("GET", "/v1/leaderboards/{board}/users/{user_id}"): (
        "/v1/leaderboards/xp-all-time/users/ann", None, EVERYONE),
    ("GET", "/v1/revenue"): ("/v1/revenue?on=2026-01-01", None, PLATFORM_READERS),
    ("GET", "/v1/dashboard/accounts/{account_id}"): ("/v1/dashboard/accounts/ann", None,
                                                     READERS_OF_ANN),
    **{("POST", f"/v1/calculators/{name}"): (f"/v1/calculators/{name}", {}, EVERYONE)
       for name in ("pnl", "size", "liquidation", "level", "allocate")},
}
#: Routes anyone may call without a key.
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, str]]]:
    store: Path = tmp_path_factory.mktemp("matrix") / "events.db"
    with running(store, burst=1_000_000, rate_per_second=1_000_000.0) as service:
        keys = {OWNER: service.user("ann"), OTHER: service.user("bob"),
                OPERATOR: service.user("olga", "operator"), ADMIN: service.admin_key}
        keys[READONLY] = service.call("POST", "/v1/users/ann/keys", keys[OWNER],
                                      json={"scopes": ["read"]}).json()["key"]
        founded = service.call("POST", "/v1/clans", keys[OWNER],
                               json={"clan": "orion", "name": "Orion",
                                     "open_membership": True})
        assert founded.status_code == 201, founded.text
        yield service, keys


def test_the_matrix_names_every_route(world: tuple[Service, dict[str, str]]) -> None:
    service, _ = world
    paths = service.client.get("/openapi.json").json()["paths"]
    routes = {(method.upper(), path) for path, item in paths.items() for method in item}
    assert routes - PUBLIC - set(MATRIX) == set(), "add the new routes to MATRIX"
    assert set(MATRIX) - routes == set(), "MATRIX names routes the app does not have"


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
@pytest.mark.parametrize("who", sorted(EVERYONE))
def test_only_the_allowed_callers_get_past_authorization(
        world: tuple[Service, dict[str, str]], route: tuple[str, str], who: str) -> None:
    service, keys = world
    path, body, allowed = MATRIX[route]
    response = service.call(route[0], path, keys[who], json=body)
    assert response.status_code not in (401, 500, 502, 503), response.text
    if who in allowed:
        assert response.status_code != 403, response.text
    else:
        assert response.status_code == 403, response.text
        problem = response.json()
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["kind"] == "forbidden"
        assert problem["code"].startswith(("access.", "users.own_role")), problem


@pytest.mark.parametrize("route", sorted(PUBLIC))
def test_operations_need_no_key(world: tuple[Service, dict[str, str]],
                                route: tuple[str, str]) -> None:
    service, _ = world
    assert service.call(*route, None).status_code == 200


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_api_route_refuses_a_request_without_a_key(
        world: tuple[Service, dict[str, str]], route: tuple[str, str]) -> None:
    service, _ = world
    path, body, _ = MATRIX[route]
    response = service.call(route[0], path, None, json=body)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")

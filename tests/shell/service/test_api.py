"""The API end to end on an embedded store: commands through execute, idempotency, problem
details, queries on the persisted read models, and the transport's guards (keys, rate
limits, body limit, request ids, CORS).  Amounts are worked by hand from the paper exchange's
rules (slippage 0.05 %, taker fee 0.05 %, rounded to the cent in the venue's favour)."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from astratrade_core.money import USD, Money
from astratrade_core.revenue.marketplace import MarketplaceTerms, settle_sale
from astratrade_shell.service.logs import JsonFormatter
from tests.shell.service.support import Service, running


def _idem(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def test_a_retried_deposit_is_stored_once(service: Service) -> None:
    ann = service.user("ann")
    first = service.call("POST", "/v1/accounts/ann/deposits", ann, headers=_idem("d-1"),
                         json={"currency": "USD", "amount": "1000.50"})
    again = service.call("POST", "/v1/accounts/ann/deposits", ann, headers=_idem("d-1"),
                         json={"currency": "USD", "amount": "1000.50"})
    assert first.status_code == again.status_code == 200
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert first.json()["events"] == again.json()["events"]
    assert service.call("GET", "/v1/accounts/ann", ann).json()["cash"] == {"USD": "1000.50"}


def test_an_order_is_filled_booked_once_and_closed(service: Service) -> None:
    ann = service.user("ann")
    service.call("POST", "/v1/accounts/ann/deposits", ann,
                 json={"currency": "USD", "amount": "10000"})
    order = {"symbol": "BTCUSD", "side": "buy", "quantity": "0.01"}
    first = service.call("POST", "/v1/accounts/ann/orders", ann, headers=_idem("o-1"),
                         json=order)
    retry = service.call("POST", "/v1/accounts/ann/orders", ann, headers=_idem("o-1"),
                         json=order)
    assert first.status_code == retry.status_code == 200, first.text
    (fill,) = first.json()["events"]
    # 60000 + 0.05 % slippage = 60030.0 (a buy rounds up to the 0.1 tick); fee 0.05 % of
    # 600.30 = 0.30015 -> 0.31 (up, the venue's favour).
    assert (fill["type"], fill["price"], fill["fee"]) == ("TradeExecuted", "60030.0", "0.31")
    assert retry.json()["duplicate"] is True
    trades = service.call("GET", "/v1/accounts/ann/trades", ann).json()["entries"]
    assert len(trades) == 1   # the retry booked nothing
    closed = service.call("POST", "/v1/accounts/ann/positions/BTCUSD/close", ann)
    types = [e["type"] for e in closed.json()["events"]]
    assert types == ["TradeExecuted", "PositionClosed"]
    # sold at 60000 - 0.05 % = 59970.0: realized (59970 - 60030) * 0.01 = -0.6; fee 0.29985
    # -> 0.30; cash 10000 - 0.31 - 0.6 - 0.30 = 9998.79
    summary = service.call("GET", "/v1/accounts/ann", ann).json()
    assert Decimal(summary["cash"]["USD"]) == Decimal("9998.79")
    assert summary["positions"] == []
    equity = service.call("GET", "/v1/accounts/ann/equity", ann).json()["entries"]
    assert Decimal(equity[-1]["cash"]["USD"]) == Decimal("9998.79")


def test_a_risk_breach_is_recorded_and_answered_with_every_limit(service: Service) -> None:
    ann = service.user("ann")
    service.call("POST", "/v1/accounts/ann/deposits", ann,
                 json={"currency": "USD", "amount": "10000"})
    big = {"symbol": "BTCUSD", "side": "buy", "quantity": "5"}
    refused = service.call("POST", "/v1/accounts/ann/orders", ann, headers=_idem("big"),
                           json=big)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["code"] == "risk.limit_hit" and problem["kind"] == "rejected"
    # 5 * 60030 = 300150 notional on 10000 equity: leverage 30x > 10, one symbol at 30x > the
    # 8x concentration limit, and notional > 150000.
    assert {c["code"] for c in problem["causes"]} == {"risk.max_leverage",
                                                      "risk.max_concentration",
                                                      "risk.max_position_notional"}
    again = service.call("POST", "/v1/accounts/ann/orders", ann, headers=_idem("big"),
                         json=big)
    assert again.json()["code"] == "risk.limit_hit"
    risk = service.call("GET", "/v1/accounts/ann/risk-events", ann).json()["entries"]
    assert [e["type"] for e in risk] == ["RiskLimitHit"]   # recorded once
    assert service.call("GET", "/v1/accounts/ann/trades", ann).json()["entries"] == []


def test_domain_refusals_take_their_status_from_the_kind(service: Service) -> None:
    ann = service.user("ann")
    poor = service.call("POST", "/v1/accounts/ann/withdrawals", ann,
                        json={"currency": "USD", "amount": "1"})
    assert (poor.status_code, poor.json()["kind"]) == (422, "rejected")
    nothing = service.call("POST", "/v1/accounts/ann/positions/BTCUSD/close", ann)
    assert (nothing.status_code, nothing.json()["code"]) == (404, "portfolio.no_position")
    again = service.call("POST", "/v1/users", service.admin_key,
                         json={"user_id": "ann", "display_name": "Ann"})
    assert (again.status_code, again.json()["code"]) == (409, "users.exists")
    bad = service.call("POST", "/v1/accounts/ann/deposits", ann,
                       json={"currency": "USD", "amount": "1e5"})
    assert (bad.status_code, bad.json()["code"]) == (422, "request.invalid")
    unknown = service.call("POST", "/v1/accounts/ann.nope/deposits", ann,
                           json={"currency": "USD", "amount": "1"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "users.no_account")


def test_keys_are_shown_once_revocable_and_never_stored(service: Service, tmp_path: Path) -> None:
    ann = service.user("ann")
    issued = service.call("POST", "/v1/users/ann/keys", ann, headers=_idem("k"),
                          json={"scopes": ["read"], "label": "bot"})
    retry = service.call("POST", "/v1/users/ann/keys", ann, headers=_idem("k"),
                         json={"scopes": ["read"], "label": "bot"})
    key = issued.json()["key"]
    assert retry.json() == {**issued.json(), "key": None, "duplicate": True}
    assert service.call("GET", "/v1/accounts/ann", key).status_code == 200
    key_id = issued.json()["key_id"]
    assert service.call("DELETE", f"/v1/users/ann/keys/{key_id}", ann).status_code == 200
    gone = service.call("GET", "/v1/accounts/ann", key)
    assert (gone.status_code, gone.json()["code"]) == (401, "auth.invalid")
    listed = service.call("GET", "/v1/users/ann", ann).json()["keys"]
    assert {k["key_id"]: k["revoked"] for k in listed}[key_id] is True
    assert "verifier" not in str(listed)


def test_a_key_cannot_issue_a_wider_key(service: Service) -> None:
    ann = service.user("ann", scopes=("read", "trade"))
    wider = service.call("POST", "/v1/users/ann/keys", ann, json={"scopes": ["social"]})
    assert (wider.status_code, wider.json()["code"]) == (403, "access.escalation")


def test_failed_authentications_are_counted_and_answer_401(service: Service) -> None:
    service.user("ann")
    forged = "atk_ann_0123456789abcdef_" + "A" * 43
    for header in (None, "Bearer nonsense", f"Bearer {forged}", f"Basic {forged}"):
        headers = {} if header is None else {"Authorization": header}
        response = service.client.get("/v1/accounts/ann", headers=headers)
        assert response.status_code == 401
        assert response.json()["title"] == "Unauthorized"
    metrics = service.client.get("/metrics").text
    assert 'astratrade_auth_failures_total{reason="missing"} 1.0' in metrics
    assert 'astratrade_auth_failures_total{reason="malformed"} 2.0' in metrics
    assert 'astratrade_auth_failures_total{reason="invalid"} 1.0' in metrics


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    with running(tmp_path / "e.db", burst=3, rate_per_second=0.5) as service:
        ann = service.user("ann")
        statuses = [service.call("GET", "/v1/accounts/ann", ann).status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = service.call("GET", "/v1/accounts/ann", ann)
        # an empty bucket refills one token in 1 / 0.5 = 2 s
        assert limited.headers["retry-after"] == "2"
        assert limited.json()["code"] == "rate.limited"


def test_bodies_over_the_limit_are_refused_with_413(tmp_path: Path) -> None:
    with running(tmp_path / "e.db", max_body_bytes=256) as service:
        big = service.call("POST", "/v1/users", service.admin_key,
                           json={"user_id": "x", "display_name": "y" * 400})
        assert big.status_code == 413
        assert big.json()["code"] == "request.too_large"


def test_request_ids_are_echoed_and_cors_is_closed(service: Service) -> None:
    echoed = service.client.get("/healthz", headers={"X-Request-Id": "abc-123",
                                                     "Origin": "https://evil.example"})
    assert echoed.headers["x-request-id"] == "abc-123"
    assert "access-control-allow-origin" not in echoed.headers
    made = service.client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert made.headers["x-request-id"] != "bad id with spaces"


def test_social_and_commerce_flows_reach_their_read_models(service: Service) -> None:
    ann, bob = service.user("ann"), service.user("bob")
    assert service.call("POST", "/v1/clans", ann, json={
        "clan": "orion", "name": "Orion", "open_membership": True}).status_code == 201
    assert service.call("POST", "/v1/clans/orion/members", bob).status_code == 200
    clan = service.call("GET", "/v1/clans/orion", bob).json()
    assert clan["members"] == {"ann": "leader", "bob": "member"}
    twice = service.call("POST", "/v1/clans", bob, json={"clan": "lyra", "name": "Lyra"})
    assert "clan.already_in_a_clan" in [c["code"] for c in twice.json()["causes"]]
    assert service.call("DELETE", "/v1/clans/orion/members/bob", bob).status_code == 200
    assert service.call("GET", "/v1/clans/orion", ann).json()["members"] == {"ann": "leader"}
    opened = service.call("POST", "/v1/collections", service.admin_key, json={
        "collection": "ships", "creator_id": "ann", "base_price": "10.00", "max_supply": 5,
        "sale_fee_bps": 250, "fixed_fee": "0.50", "royalty_bps": 500})
    assert opened.status_code == 201, opened.text
    assert service.call("POST", "/v1/collections/ships/mints", ann,
                        json={"token_id": "t1"}).status_code == 201
    assert service.call("POST", "/v1/collections/ships/tokens/t1/listing", ann,
                        json={"price": "100.00"}).status_code == 200
    sale = service.call("POST", "/v1/collections/ships/tokens/t1/purchase", bob,
                        json={"price": "100.00"}).json()["events"][0]
    expected = settle_sale(Money(Decimal("100.00"), USD),
                           MarketplaceTerms(250, Money(Decimal("0.50"), USD)), 500).unwrap()
    assert Decimal(sale["seller_proceeds"]) == expected.seller_proceeds.amount
    assert service.call("POST", "/v1/users/ann/subscription", ann, json={
        "plan": "navigator", "starts_on": "2026-01-01"}).status_code == 201
    books = service.call("GET", "/v1/revenue", service.admin_key,
                         params={"on": "2026-01-15"}).json()
    assert books["mrr"] == "9.95" and books["paying_subscribers"] == 1
    streams = {c["stream"] for c in books["books"]}
    assert {"subscriptions", "marketplace"} <= streams


def test_staking_and_challenges_go_through_their_aggregates(service: Service) -> None:
    ann, bob = service.user("ann"), service.user("bob")
    assert service.call("POST", "/v1/pools", service.admin_key,
                        json={"pool": "strk"}).status_code == 201
    assert service.call("POST", "/v1/pools/strk/stakes", ann,
                        json={"amount": "100"}).status_code == 200
    too_much = service.call("POST", "/v1/pools/strk/unstakes", ann, json={"amount": "101"})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "defi.insufficient_stake")
    created = service.call("POST", "/v1/challenges", ann, json={
        "challenge": "duel", "participants": ["ann", "bob"], "metric": "xp",
        "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-08T00:00:00Z",
        "currency": "USD", "stake": "1.00"})
    assert created.status_code == 201, created.text
    accepted = service.call("POST", "/v1/challenges/duel/acceptances", bob)
    assert [e["type"] for e in accepted.json()["events"]] == ["ChallengeAccepted"]


def test_calculators_answer_what_the_cli_answers(service: Service) -> None:
    ann = service.user("ann")
    pnl = service.call("POST", "/v1/calculators/pnl", ann,
                       json={"quantity": "-0.5", "entry": "30000", "price": "29000"})
    assert pnl.status_code == 200
    assert pnl.json()["pnl"] == "500.0"   # -0.5 * (29000 - 30000)
    bad = service.call("POST", "/v1/calculators/pnl", ann,
                       json={"quantity": "abc", "entry": "30000", "price": "29000"})
    assert (bad.status_code, bad.json()["code"]) == (422, "calculator.invalid")
    unknown = service.call("POST", "/v1/calculators/pnl", ann, json={"nope": "1"})
    assert unknown.status_code == 422


def test_readiness_fails_when_the_read_models_cannot_answer(tmp_path: Path) -> None:
    with running(tmp_path / "e.db") as service:
        service.client.app.state.platform.views.close()  # type: ignore[attr-defined]
        down = service.client.get("/readyz")
        assert down.status_code == 503
        assert down.json()["checks"] == {"views": False, "store": True, "bus": True}
        assert service.client.get("/healthz").status_code == 200   # alive, not ready


def test_an_undeclared_query_parameter_is_refused(service: Service) -> None:
    ann = service.user("ann")
    typo = service.call("GET", "/v1/accounts/ann/trades", ann, params={"limt": "5"})
    assert (typo.status_code, typo.json()["code"]) == (422, "request.unknown_parameter")


def test_readiness_and_metrics(service: Service) -> None:
    ready = service.client.get("/readyz").json()
    assert ready["ready"] is True and set(ready["lag"].values()) == {0}
    ann = service.user("ann")
    service.call("POST", "/v1/accounts/ann/deposits", ann,
                 json={"currency": "USD", "amount": "1"})
    text = service.client.get("/metrics").text
    assert 'route="/v1/accounts/{account_id}/deposits"' in text
    assert "astratrade_events_published_total" in text
    assert 'astratrade_readmodel_lag_events{model="accounts"} 0.0' in text


def test_a_streamed_body_over_the_limit_is_cut_off(tmp_path: Path) -> None:
    with running(tmp_path / "e.db", max_body_bytes=256) as service:
        chunks = (b'{"user_id": "x", "display_name": "' + b"y" * 100 for _ in range(5))
        response = service.client.post(
            "/v1/users", content=chunks,
            headers={"Authorization": f"Bearer {service.admin_key}",
                     "Content-Type": "application/json"})
        assert response.status_code == 413   # no Content-Length: counted as it streams


def test_log_lines_are_json_with_the_request_id_and_never_a_key(
        service: Service, caplog: pytest.LogCaptureFixture) -> None:
    ann = service.user("ann")
    forged = "atk_ann_0123456789abcdef_" + "B" * 43
    with caplog.at_level(logging.INFO, logger="astratrade"):
        service.call("GET", "/v1/accounts/ann", ann, headers={"X-Request-Id": "req-1"})
        service.call("GET", "/v1/accounts/ann", forged, headers={"X-Request-Id": "req-2"})
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    assert {"req-1", "req-2"} <= {line["request_id"] for line in lines}
    failure = next(line for line in lines if line["message"] == "authentication failed")
    assert failure["reason"] == "invalid" and failure["key_id"] == "0123456789abcdef"
    text = json.dumps(lines)
    assert ann.split("_")[-1] not in text and "B" * 43 not in text

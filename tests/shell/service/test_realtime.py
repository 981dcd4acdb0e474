"""The WebSocket channels (``/v1/stream``) with a real client: Starlette's TestClient for
authentication, authorization, live pushes and resume; a real uvicorn on loopback and a raw
socket that never reads for back-pressure (the slow client is dropped with 4008 and the
server's queue never holds more than its capacity)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.service.app import create_app
from astratrade_shell.service.platform import open_platform
from astratrade_shell.service.realtime import SLOW_CONSUMER, Channel, Hub, parse_channel
from astratrade_shell.store.records import StoredEvent
from tests.shell.service.support import (
    Service,
    bootstrap,
    config_for,
    running,
    uvicorn_serving,
)


def _xp(position: int, user: str = "ann", amount: int = 5) -> StoredEvent:
    event = XPGained(event_id=f"e{position}", stream_id=f"player:{user}",
                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id=user, amount=amount,
                     reason="test", source_id=f"s{position}", total_xp=amount * position)
    return StoredEvent(position=position, stream_id=event.stream_id, version=position,
                       event_id=event.event_id, event_type="XPGained", schema_version=1,
                       data=encode(event), hash=bytes(32), command_id=None)


def _trader(service: Service, user: str) -> str:
    return service.user(user)   # the primary trading account is the user id


def _deposit(service: Service, key: str, account: str, amount: str = "100") -> None:
    done = service.call("POST", f"/v1/accounts/{account}/deposits", key,
                        json={"currency": "USD", "amount": amount})
    assert done.status_code == 200, done.text


def _until(ws: Any, kind: str) -> list[dict[str, Any]]:
    """Messages up to and including the first of ``kind``."""
    seen = []
    while True:
        message = json.loads(ws.receive_text())
        seen.append(message)
        if message["type"] == kind:
            return seen


def test_a_deposit_reaches_its_owner_live(service: Service) -> None:
    key = _trader(service, "ann")
    with service.client.websocket_connect(
            "/v1/stream?channels=account:ann,leaderboard",
            headers={"Authorization": f"Bearer {key}"}) as ws:
        assert _until(ws, "live")[-1]["channels"] == ["account:ann", "leaderboard"]
        _deposit(service, key, "ann", "12.50")
        pushed = json.loads(ws.receive_text())
    assert pushed["channel"] == "account:ann"
    assert pushed["event"]["type"] == "FundsDeposited"
    assert pushed["event"]["amount"] == "12.50"   # decimals stay exact strings


def test_the_key_may_come_as_the_first_message(service: Service) -> None:
    key = _trader(service, "ann")
    with service.client.websocket_connect("/v1/stream?channels=leaderboard") as ws:
        ws.send_text(json.dumps({"key": key}))
        assert _until(ws, "live")[-1]["type"] == "live"


@pytest.mark.parametrize(("query", "who", "code", "reason"), [
    ("channels=account:bob", "ann", 4403, "access.not_owner"),
    ("channels=revenue", "ann", 4403, "access."),
    ("channels=weather", "ann", 4400, "stream.channel"),
    ("channels=leaderboard&from=-1", "ann", 4400, "stream.from"),
    ("channels=leaderboard&since=3", "ann", 4400, "request.unknown_parameter"),
    ("channels=leaderboard", None, 4401, "auth.malformed"),
])
def test_refusals_close_with_a_code(service: Service, query: str, who: str | None, code: int,
                                    reason: str) -> None:
    keys = {"ann": _trader(service, "ann")}
    _trader(service, "bob")
    header = {"Authorization": f"Bearer {keys[who]}" if who else "Bearer nonsense"}
    with (service.client.websocket_connect(f"/v1/stream?{query}", headers=header) as ws,
          pytest.raises(WebSocketDisconnect) as closed):
        ws.receive_text()
    assert closed.value.code == code
    assert closed.value.reason.startswith(reason)


def test_an_operator_may_watch_any_account(service: Service) -> None:
    _trader(service, "ann")
    operator = service.user("olga", "operator")
    with service.client.websocket_connect(
            "/v1/stream?channels=account:ann,revenue",
            headers={"Authorization": f"Bearer {operator}"}) as ws:
        assert _until(ws, "live")[-1]["type"] == "live"


def test_resume_replays_then_goes_live_without_gap_or_repeat(service: Service) -> None:
    key = _trader(service, "ann")
    for amount in ("1", "2", "3"):
        _deposit(service, key, "ann", amount)
    auth = {"Authorization": f"Bearer {key}"}
    with service.client.websocket_connect("/v1/stream?channels=account:ann&from=0",
                                          headers=auth) as ws:
        replayed = _until(ws, "live")
        _deposit(service, key, "ann", "4")
        live = json.loads(ws.receive_text())
    amounts = [m["event"]["amount"] for m in replayed if m["type"] == "event"]
    assert amounts == ["1", "2", "3"]
    assert live["event"]["amount"] == "4"
    second = [m for m in replayed if m["type"] == "event"][1]["position"]
    with service.client.websocket_connect(
            f"/v1/stream?channels=account:ann&from={second}", headers=auth) as ws:
        again = _until(ws, "live")
    assert [m["event"]["amount"] for m in again if m["type"] == "event"] == ["3", "4"]
    assert again[-1]["position"] == live["position"]


def test_the_metrics_count_clients_and_messages(service: Service) -> None:
    key = _trader(service, "ann")
    with service.client.websocket_connect("/v1/stream?channels=account:ann",
                                          headers={"Authorization": f"Bearer {key}"}) as ws:
        _until(ws, "live")
        text = service.client.get("/metrics").text
        assert "astratrade_websocket_clients 1.0" in text
        _deposit(service, key, "ann")
        ws.receive_text()
    assert "astratrade_websocket_messages_total 1.0" in service.client.get("/metrics").text


def test_the_channel_catalogue_is_in_the_openapi_document(service: Service) -> None:
    described = service.client.get("/openapi.json").json()["x-websocket"]
    assert set(described["channels"]) == {"leaderboard", "account:<id>", "battles", "revenue"}
    assert described["close_codes"][str(SLOW_CONSUMER)].startswith("too slow")


# --- back-pressure ---------------------------------------------------------------------

def test_a_full_queue_is_emptied_and_marked_never_grown() -> None:
    async def scenario() -> tuple[int, bool, int]:
        hub = Hub(capacity=3)
        drops: list[int] = []
        hub.on_drop = lambda: drops.append(1)
        subscriber = hub.subscribe([parse_channel("leaderboard").unwrap()])
        longest = 0
        for position in range(1, 11):
            hub.publish(_xp(position))
            await asyncio.sleep(0)
            longest = max(longest, len(subscriber.queue))
        return longest, subscriber.overflowed, len(drops)

    longest, overflowed, drops = asyncio.run(scenario())
    assert longest <= 3
    assert overflowed and drops == 1


def test_channels_match_only_their_records() -> None:
    record = _xp(1)
    assert Channel("leaderboard").matches(record)
    assert not Channel("battles").matches(record)
    assert not Channel("account:ann", "ann").matches(record)


def _raw_client(port: int, path: str, key: str) -> socket.socket:
    """A WebSocket handshake on a socket with a tiny receive buffer that is never read."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    nonce = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {nonce}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {key}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _close_code(sock: socket.socket) -> int | None:
    """Read frames until a close frame; its code (None: the connection just ended)."""
    sock.settimeout(10)
    buffer = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
        while len(buffer) >= 2:
            opcode, length = buffer[0] & 0x0F, buffer[1] & 0x7F
            start = 2
            if length == 126:
                length, start = struct.unpack(">H", buffer[2:4])[0], 4
            elif length == 127:
                length, start = struct.unpack(">Q", buffer[2:10])[0], 10
            if len(buffer) < start + length:
                break
            body, buffer = buffer[start:start + length], buffer[start + length:]
            if opcode == 0x8:
                return int(struct.unpack(">H", body[:2])[0])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, Any, str]]:
    """A real uvicorn on loopback (queue of 8 per client): port, app, a trader's key."""
    store = tmp_path / "events.db"
    admin = bootstrap(store)
    app = create_app(open_platform(config_for(store, ws_queue=8)).unwrap())
    with uvicorn_serving(app) as port:
        yield port, app, admin


def test_a_client_that_does_not_read_is_dropped(served: tuple[int, Any, str]) -> None:
    port, app, admin = served
    sock = _raw_client(port, "/v1/stream?channels=leaderboard", admin)
    hub: Hub = app.state.hub
    deadline = time.monotonic() + 10
    while hub.clients == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    (subscriber,) = hub._subscribers   # watching the queue from outside
    position, longest = 10**6, 0
    while not subscriber.overflowed and position < 10**6 + 50_000:
        for _ in range(200):
            position += 1
            hub.publish(_xp(position))
        time.sleep(0.005)
        longest = max(longest, len(subscriber.queue))
    assert subscriber.overflowed, "50 000 messages never filled the socket"
    assert longest <= 8
    assert _close_code(sock) == SLOW_CONSUMER
    sock.close()
    deadline = time.monotonic() + 5
    while hub.clients:
        assert time.monotonic() < deadline, "the dropped client was never forgotten"
        time.sleep(0.01)


def test_config_bounds_the_queue(tmp_path: Path) -> None:
    with running(tmp_path / "e.db", ws_queue=2) as service:
        assert service.client.app.state.hub.capacity == 2  # type: ignore[attr-defined]


# --- the channels' authorization matrix --------------------------------------------------

_EVERYONE = frozenset({"owner", "readonly", "other", "operator", "admin"})
#: channel -> who may subscribe (everyone else is closed with 4403).
CHANNELS = {"leaderboard": _EVERYONE, "battles": _EVERYONE,
            "account:ann": frozenset({"owner", "readonly", "operator", "admin"}),
            "account:ann.savings": frozenset({"owner", "readonly", "operator", "admin"}),
            "revenue": frozenset({"operator", "admin"})}


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, dict[str, str]]]:
    store = tmp_path_factory.mktemp("channels") / "events.db"
    with running(store, burst=1_000_000, rate_per_second=1_000_000.0) as service:
        keys = {"owner": service.user("ann"), "other": service.user("bob"),
                "operator": service.user("olga", "operator"), "admin": service.admin_key}
        keys["readonly"] = service.call("POST", "/v1/users/ann/keys", keys["owner"],
                                        json={"scopes": ["read"]}).json()["key"]
        yield service, keys


@pytest.mark.parametrize("channel", sorted(CHANNELS))
@pytest.mark.parametrize("who", sorted(_EVERYONE))
def test_only_the_allowed_callers_subscribe(callers: tuple[Service, dict[str, str]],
                                            channel: str, who: str) -> None:
    service, keys = callers
    with service.client.websocket_connect(
            f"/v1/stream?channels={channel}",
            headers={"Authorization": f"Bearer {keys[who]}"}) as ws:
        if who in CHANNELS[channel]:
            assert json.loads(ws.receive_text())["type"] == "live"
            return
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4403
    assert closed.value.reason.startswith("access.")

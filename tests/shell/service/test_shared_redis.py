"""Scale-out features against the real Redis (scripts/services.sh): two service apps on one
store with the Redis Streams bus -- a command through one app is pushed to a WebSocket
subscriber of the other, in order and resumable; the per-key rate limit is shared, so two
apps together allow one burst, not two, and answer 429 with Retry-After."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from redis.backoff import NoBackoff
from redis.retry import Retry

from astratrade_shell.service.app import create_app
from astratrade_shell.service.platform import open_platform
from astratrade_shell.service.ratelimit import SharedRateLimiter
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix
from tests.shell.service.support import Service, bootstrap, config_for

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest


@pytest.fixture
def pair(tmp_path: Path, unique_prefix: str) -> Iterator[tuple[Service, Service]]:
    """Two apps on one SQLite store sharing the Redis bus (the first feeds the read models)."""
    store = tmp_path / "events.db"
    admin = bootstrap(store)
    apps = [create_app(open_platform(config_for(
        store, redis=redis_url(), redis_prefix=unique_prefix, feed=feed, burst=5,
        rate_per_second=0.5)).unwrap()) for feed in (True, False)]
    with TestClient(apps[0], raise_server_exceptions=False) as first, \
            TestClient(apps[1], raise_server_exceptions=False) as second:
        yield Service(first, admin), Service(second, admin)


def _events(ws: Any, count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while len(found) < count:
        message = json.loads(ws.receive_text())
        if message["type"] == "event":
            found.append(message)
    return found


def test_a_command_on_one_process_is_pushed_by_the_other(pair: tuple[Service, Service],
                                                         ) -> None:
    writer, reader = pair
    ann = writer.user("ann")
    auth = {"Authorization": f"Bearer {ann}"}
    with reader.client.websocket_connect("/v1/stream?channels=account:ann",
                                         headers=auth) as ws:
        assert json.loads(ws.receive_text())["type"] == "live"
        started = time.monotonic()
        for amount in ("1", "2"):
            done = writer.call("POST", "/v1/accounts/ann/deposits", ann,
                               json={"currency": "USD", "amount": amount})
            assert done.status_code == 200, done.text
        pushed = _events(ws, 2)
        assert time.monotonic() - started < 5
    assert [m["event"]["amount"] for m in pushed] == ["1", "2"]
    assert pushed[0]["position"] < pushed[1]["position"]
    with reader.client.websocket_connect(
            f"/v1/stream?channels=account:ann&from={pushed[0]['position']}",
            headers=auth) as ws:
        assert [m["event"]["amount"] for m in _events(ws, 1)] == ["2"]


def test_the_rate_limit_is_shared_by_both_processes(pair: tuple[Service, Service]) -> None:
    first, second = pair
    ann = first.user("ann")
    answers = [(first if n % 2 else second).call("GET", "/v1/accounts/ann", ann).status_code
               for n in range(8)]
    assert answers[:5] == [200] * 5    # one burst of 5 across both processes
    assert answers[5:] == [429] * 3
    refused = second.call("GET", "/v1/accounts/ann", ann)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["code"] == "rate.limited"


def test_the_shared_bucket_refills_at_the_rate(client: redis.Redis, unique_prefix: str) -> None:
    limiter = SharedRateLimiter(client, unique_prefix, 20.0, 2)
    assert limiter.take("k") is None and limiter.take("k") is None
    wait = limiter.take("k")
    assert wait is not None and 0 < wait <= 0.05 + 1e-6
    time.sleep(0.06)
    assert limiter.take("k") is None
    assert limiter.take("other") is None   # buckets are per key
    assert client.pttl(f"{unique_prefix}:rate:k") > 0   # idle buckets expire


def test_without_redis_the_limit_falls_back_to_the_process(unique_prefix: str) -> None:
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,
                       retry=Retry(NoBackoff(), 0))
    limiter = SharedRateLimiter(down, unique_prefix, 0.001, 1)
    assert limiter.take("k") is None
    assert limiter.take("k") is not None

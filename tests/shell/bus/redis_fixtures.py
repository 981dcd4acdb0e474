"""Shared helpers for the Redis Streams tests: the real server, key prefixes, events."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import redis

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.store import PendingEvent

__all__ = ["redis_url", "unique_prefix", "xp_event"]


def redis_url() -> str:
    """The test server's URL; fails (never skips) when it is not configured."""
    url = os.environ.get("ASTRATRADE_REDIS_URL")
    if not url:
        pytest.fail("ASTRATRADE_REDIS_URL is not set: start the test servers with "
                    "`scripts/services.sh start` and `eval \"$(scripts/services.sh env)\"` "
                    "(make test does both)", pytrace=False)
    return url


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    """A client of the real test server."""
    connection = redis.Redis.from_url(redis_url())
    try:
        connection.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {redis_url()} is unreachable: {exc}", pytrace=False)
    yield connection
    connection.close()


@pytest.fixture
def unique_prefix(client: redis.Redis) -> Iterator[str]:
    """A key prefix no other test uses; every key under it is deleted afterwards."""
    prefix = f"astratrade-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1_000))
    if keys:
        client.delete(*keys)


def xp_event(user: str, n: int, amount: int) -> PendingEvent:
    """An encoded ``XPGained`` of ``amount`` XP for ``user`` (the ``n``-th of its kind)."""
    event = XPGained(event_id=f"{user}-{n}", stream_id=user,
                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id=user, amount=amount,
                     reason="trade", source_id=f"t-{n}", total_xp=amount)
    return PendingEvent(event.event_id, event.event_type, event.schema_version, encode(event))

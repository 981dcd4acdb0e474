"""The Redis Streams bus against the real server (``ASTRATRADE_REDIS_URL``; no mocks): the
event bus conformance suite, then what only this adapter does (consumer groups, claims, dead
letters, outages, gap filling)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from astratrade_core.events import Event
from astratrade_core.events.gamification import XPGained
from astratrade_shell.bus import EventBus
from astratrade_shell.bus.redis_streams import (
    RedisStreamsBus,
    StreamWorker,
    dead_letter_key,
    stream_key,
)
from astratrade_shell.projections import Projection
from astratrade_shell.store import ANY_VERSION, EventStore, InMemoryEventStore, PendingEvent
from astratrade_shell.store.records import StoredEvent
from tests.shell.bus.conformance import EventBusConformance
from tests.shell.bus.redis_fixtures import client, unique_prefix, xp_event

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest


class TestRedisStreamsBus(EventBusConformance):
    """Every conformance test under its own key prefix; followers are consumer-group workers
    that read Redis (and fill gaps from the store)."""

    @pytest.fixture(autouse=True)
    def _redis(self, client: redis.Redis) -> Iterator[None]:
        self.client = client
        self.prefixes: list[str] = []
        yield
        for prefix in self.prefixes:
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1_000))
            if keys:
                client.delete(*keys)

    def open_bus(self, store: EventStore) -> EventBus:
        prefix = f"astratrade-test-{len(self.prefixes)}-{time.time_ns()}"
        self.prefixes.append(prefix)
        return RedisStreamsBus(self.client, prefix=prefix, store=store)

    def follow(self, bus: EventBus, store: EventStore,
               projection: Projection[Any]) -> Callable[[], None]:
        assert isinstance(bus, RedisStreamsBus)
        worker = StreamWorker(self.client, projection, store, prefix=bus.prefix,
                              consumer="conformance", block_ms=20)

        def drain() -> None:
            worker.run(idle_timeout=0.15)
            assert not bus.behind

        return drain


def _xp_total(total: int, event: Event) -> int:
    assert isinstance(event, XPGained)
    return total + event.amount


def _projection() -> Projection[int]:
    return Projection("xp", 0, _xp_total, accepts={"XPGained"})


def _append(store: InMemoryEventStore, events: list[PendingEvent]) -> tuple[StoredEvent, ...]:
    return store.append("u-1", events, ANY_VERSION).unwrap().records


def test_published_records_reach_the_projection_through_a_consumer_group(
        client: redis.Redis, unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    # amounts 1..10: total 1 + 2 + ... + 10 = 10 * 11 / 2 = 55
    bus.publish(_append(store, [xp_event("u-1", n, n) for n in range(1, 11)]))
    assert client.xlen(stream_key(unique_prefix, "gamification")) == 10
    assert bus.published_position() == 10
    projection = _projection()
    worker = StreamWorker(client, projection, store, prefix=unique_prefix, consumer="c-1")
    stats = worker.run(idle_timeout=0.3)
    assert (projection.state, projection.position) == (55, 10)
    assert (stats.applied, stats.filled, stats.duplicates) == (10, 0, 0)
    pending = client.xpending(stream_key(unique_prefix, "gamification"), "xp")
    assert pending["pending"] == 0


def test_a_record_delivered_twice_is_applied_once(client: redis.Redis,
                                                  unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    records = _append(store, [xp_event("u-1", n, 3) for n in range(4)])
    bus.publish(records)
    bus.publish(records[1:3])  # a retried publish: positions 2 and 3 again
    projection = _projection()
    stats = StreamWorker(client, projection, store, prefix=unique_prefix).run(idle_timeout=0.3)
    assert projection.state == 12  # 4 events x 3 XP, not 6 x 3
    assert (stats.applied, stats.duplicates) == (4, 2)


def test_entries_a_dead_consumer_left_pending_are_claimed_by_another(
        client: redis.Redis, unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    bus.publish(_append(store, [xp_event("u-1", n, 2) for n in range(6)]))
    key = stream_key(unique_prefix, "gamification")
    StreamWorker(client, _projection(), store, prefix=unique_prefix)  # creates the groups
    # A consumer reads everything and dies before acknowledging anything.
    taken: Any = client.xreadgroup("xp", "dead", {key: ">"}, count=100)
    assert len(taken[0][1]) == 6
    projection = _projection()
    survivor = StreamWorker(client, projection, store, prefix=unique_prefix,
                            consumer="alive", min_idle_ms=50)
    time.sleep(0.1)
    stats = survivor.run(idle_timeout=0.3)
    assert stats.claimed == 6
    assert (projection.state, stats.applied) == (12, 6)
    assert client.xpending(key, "xp")["pending"] == 0


def test_a_poison_record_goes_to_the_dead_letter_stream_after_max_deliveries(
        client: redis.Redis, unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    good = _append(store, [xp_event("u-1", n, 5) for n in range(3)])
    poison = _append(store, [PendingEvent("bad", "XPGained", 1, b"not canonical json")])
    after = _append(store, [xp_event("u-1", n, 7) for n in range(3, 5)])
    bus.publish((*good, *poison, *after))
    projection = _projection()
    stats = StreamWorker(client, projection, store, prefix=unique_prefix,
                         max_deliveries=3).run(idle_timeout=0.3)
    # 3 x 5 + 2 x 7 = 29: every record but the poison one, in order.
    assert (projection.state, projection.position) == (29, 6)
    assert (stats.applied, stats.dead_lettered) == (5, 1)
    dead: Any = client.xrange(dead_letter_key(unique_prefix))
    assert len(dead) == 1
    fields = dead[0][1]
    assert (fields[b"position"], fields[b"deliveries"], fields[b"projection"]) == (
        b"4", b"3", b"xp")
    assert client.xpending(stream_key(unique_prefix, "gamification"), "xp")["pending"] == 0


def test_appends_succeed_while_redis_is_down_and_publishing_catches_up(
        client: redis.Redis, unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    bus.publish(_append(store, [xp_event("u-1", n, 1) for n in range(5)]))
    bus.client = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2,  # outage
                             retry=Retry(NoBackoff(), 0))
    bus.publish(_append(store, [xp_event("u-1", n, 10) for n in range(5, 8)]))
    assert (bus.behind, bus.failed_publishes) == (True, 3)
    assert store.last_position() == 8  # the appends were not affected
    bus.client = client  # Redis is back: the next publish republishes positions 6..9
    bus.publish(_append(store, [xp_event("u-1", 8, 100)]))
    assert (bus.behind, bus.published_position()) == (False, 9)
    projection = _projection()
    stats = StreamWorker(client, projection, store, prefix=unique_prefix).run(idle_timeout=0.3)
    assert projection.state == 135  # 5 x 1 + 3 x 10 + 100
    assert (stats.applied, stats.filled) == (9, 0)


def test_a_worker_fills_gaps_from_the_store(client: redis.Redis, unique_prefix: str) -> None:
    store = InMemoryEventStore()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    records = _append(store, [xp_event("u-1", n, n) for n in range(1, 6)])
    bus.publish(records[3:])  # positions 1..3 were never published (e.g. a lost publish)
    projection = _projection()
    stats = StreamWorker(client, projection, store, prefix=unique_prefix).run(idle_timeout=0.3)
    assert (projection.state, projection.position) == (15, 5)  # 1 + 2 + 3 + 4 + 5
    assert (stats.applied, stats.filled) == (2, 3)

"""Attacks on the Redis Streams bus, against the real server (issue 13): a forged but
well-formed entry is never applied, whatever field it changes; a malformed entry is
dead-lettered with a log line and never stops a worker (in-process and as a real
``astratrade worker`` process)."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
import redis

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.bus.redis_streams import (
    RedisStreamsBus,
    StreamWorker,
    dead_letter_key,
    encode_entry,
    stream_key,
)
from astratrade_shell.projections import replay
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.store import ANY_VERSION, EventStore, InMemoryEventStore, open_sqlite_store
from astratrade_shell.store.records import StoredEvent
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix, xp_event

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest

ROOT = Path(__file__).resolve().parents[3]


def _store_with_five_xp(store: EventStore) -> tuple[StoredEvent, ...]:
    """u-1 earns 2 + 3 = 5 XP; u-2 earns 4 (positions 1..3)."""
    return (*store.append("u-1", [xp_event("u-1", 1, 2), xp_event("u-1", 2, 3)],
                          ANY_VERSION).unwrap().records,
            *store.append("u-2", [xp_event("u-2", 1, 4)], ANY_VERSION).unwrap().records)


def _forged_xp(record: StoredEvent, amount: int) -> StoredEvent:
    """``record`` with its payload replaced by an XP award of ``amount`` (a valid event)."""
    event = XPGained(event_id=record.event_id, stream_id=record.stream_id,
                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id=record.stream_id,
                     amount=amount, reason="trade", source_id="forged", total_xp=amount)
    return attrs.evolve(record, data=encode(event))


def _xadd(client: redis.Redis, prefix: str, fields: dict[Any, Any]) -> None:
    client.xadd(stream_key(prefix, "gamification"), fields)


def _players(client: redis.Redis, store: EventStore, prefix: str,
             max_deliveries: int = 2) -> tuple[Any, StreamWorker]:
    models = ReadModels()
    worker = StreamWorker(client, models.players, store, prefix=prefix,
                          max_deliveries=max_deliveries, block_ms=20)
    worker.run(idle_timeout=0.3)
    return models.players.state, worker


def _replayed(store: EventStore) -> Any:
    models = ReadModels()
    replay(store, [models])
    return models.players.state


# Every way to change one field of a genuine entry (position 2: u-1's 3 XP), and the
# entries that claim positions the store does not hold.
FORGERIES: dict[str, Callable[[StoredEvent], StoredEvent]] = {
    "data: 999999 XP": lambda r: _forged_xp(r, 999_999),
    "data and a recomputed-looking hash": lambda r: attrs.evolve(_forged_xp(r, 999_999),
                                                                 hash=b"\x01" * 32),
    "hash": lambda r: attrs.evolve(r, hash=bytes(32)),
    "stream": lambda r: attrs.evolve(r, stream_id="u-2"),
    "version": lambda r: attrs.evolve(r, version=9),
    "event id": lambda r: attrs.evolve(r, event_id="forged"),
    "type": lambda r: attrs.evolve(r, event_type="LevelUp"),
    "schema version": lambda r: attrs.evolve(r, schema_version=2),
    "command id": lambda r: attrs.evolve(r, command_id="forged"),
    "beyond the store's end": lambda r: attrs.evolve(_forged_xp(r, 999_999), position=4),
    "far beyond the store's end": lambda r: attrs.evolve(r, position=10**18),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_well_formed_entry_is_never_applied(
        client: redis.Redis, unique_prefix: str, forge: Callable[[StoredEvent], StoredEvent],
        caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryEventStore()
    records = _store_with_five_xp(store)
    # The forged entry is delivered BEFORE the genuine ones: the worker must still apply
    # the store's record at that position, not the entry's.
    _xadd(client, unique_prefix, encode_entry(forge(records[1]), 0))
    RedisStreamsBus(client, prefix=unique_prefix, store=store).publish(records)
    with caplog.at_level(logging.WARNING, logger="astratrade_shell.bus"):
        state, worker = _players(client, store, unique_prefix)
    assert state == _replayed(store)
    assert state["u-1"].xp == 5  # 2 + 3, as stored; never 999999
    assert (worker.stats.rejected, worker.stats.dead_lettered) == (1, 1)
    assert worker.stats.applied == 3
    dead: Any = client.xrange(dead_letter_key(unique_prefix))
    assert len(dead) == 1 and dead[0][1][b"reason"].startswith(b"entry ")
    assert dead[0][1][b"deliveries"] == b"2"
    assert [r.message for r in caplog.records if "dead-lettered entry" in r.message]
    assert client.xpending(stream_key(unique_prefix, "gamification"), "players")[
        "pending"] == 0


Fields = dict[bytes, bytes]
# Entries that do not parse, made from a genuine one (position 2).
MALFORMED: dict[str, Callable[[Fields], Fields]] = {
    "position abc": lambda f: {**f, b"position": b"abc"},
    "only a position": lambda f: {b"position": f[b"position"]},
    "unicode digits": lambda f: {**f, b"position": "\u0662".encode()},
    "sign and spaces": lambda f: {**f, b"position": b" +2 "},
    "text not UTF-8": lambda f: {**f, b"stream": b"\xff\xfe"},
    "has_command 7": lambda f: {**f, b"has_command": b"7"},
    "a 400-digit version": lambda f: {**f, b"version": b"9" * 400},
}


@pytest.mark.parametrize("malform", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_entry_is_dead_lettered_and_the_worker_goes_on(
        client: redis.Redis, unique_prefix: str, malform: Callable[[Fields], Fields]) -> None:
    store = InMemoryEventStore()
    records = _store_with_five_xp(store)
    genuine = {k.encode(): v if isinstance(v, bytes) else str(v).encode()
               for k, v in encode_entry(records[1], 0).items()}
    _xadd(client, unique_prefix, malform(genuine))
    RedisStreamsBus(client, prefix=unique_prefix, store=store).publish(records)
    state, worker = _players(client, store, unique_prefix, max_deliveries=3)
    assert state == _replayed(store)
    assert (worker.stats.rejected, worker.stats.applied) == (1, 3)
    dead: Any = client.xrange(dead_letter_key(unique_prefix))
    assert len(dead) == 1 and dead[0][1][b"reason"].startswith(b"entry ")
    assert dead[0][1][b"deliveries"] == b"3"


def test_a_stray_xadd_does_not_crash_loop_the_worker_process(
        tmp_path: Path, client: redis.Redis, unique_prefix: str) -> None:
    # The attack of issue 13: `XADD <prefix>:events:gamification * position abc` made every
    # worker exit 3 on every restart.  Now: dead-lettered after --max-deliveries, one
    # warning line, the records applied, the summary printed, exit 1 (something was
    # dead-lettered), and a second run finds nothing left.
    path = tmp_path / "events.db"
    store = open_sqlite_store(path).unwrap()
    bus = RedisStreamsBus(client, prefix=unique_prefix, store=store)
    bus.publish(_store_with_five_xp(store))
    store.close()
    _xadd(client, unique_prefix, {b"position": b"abc"})
    _xadd(client, unique_prefix, encode_entry(
        _forged_xp(StoredEvent(position=4, stream_id="u-1", version=3, event_id="x",
                               event_type="XPGained", schema_version=1,
                               data=xp_event("u-1", 9, 1).data, hash=bytes(32),
                               command_id=None), 999_999), 0))
    command = [sys.executable, "-m", "astratrade_shell.cli", "worker", "--projection",
               "players", "--store", str(path), "--redis", redis_url(), "--prefix",
               unique_prefix, "--idle-timeout", "0.5", "--max-deliveries", "2"]
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60,
                           check=False)
    assert first.returncode == 1, first.stderr
    assert "applied=3" in first.stdout and "rejected=2" in first.stdout
    warnings = [line for line in first.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2 and all("dead-lettered entry" in w for w in warnings)
    assert first.stderr.splitlines()[-1] == "error: 2 record(s) dead-lettered for players"
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60,
                            check=False)
    assert second.returncode == 0, second.stderr
    assert "rejected=0" in second.stdout

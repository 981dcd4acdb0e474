"""Redis Streams bus: throughput and latency against the in-process bus, same run, same store.

One writer appends ``N`` ``XPGained`` events (batches of 10) to an SQLite store
(``synchronous=NORMAL``) and publishes each batch; the ``players`` projection consumes them.

* **Candidate** -- :class:`RedisStreamsBus` to the real server at ``ASTRATRADE_REDIS_URL``;
  the projection runs in a separate worker process (:class:`StreamWorker`, its own consumer
  group).  Latency = publish (right after the append commits) -> projection updated, per
  event, measured in the worker with the wall clock both processes share.
* **Baseline** -- :class:`InProcessBus` with the projection subscribed in the writer's process:
  latency = append start -> ``publish`` returned, per batch.

Rows: append+publish time per event (writer side), end-to-end time per projected event
(first append -> last event projected), and the latency percentiles p50/p95/p99; the
architecture's target for real-time features is < 100 ms.  Without ``ASTRATRADE_REDIS_URL``
the module reports nothing and says why on stderr.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import uuid
from multiprocessing.queues import Queue
from pathlib import Path

import redis

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.bus import InProcessBus
from astratrade_shell.bus.redis_streams import RedisStreamsBus, StreamWorker
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.store import (
    ANY_VERSION,
    PendingEvent,
    SQLiteEventStore,
    Synchronous,
    open_sqlite_store,
)
from benchmarks.harness import Comparison

__all__ = ["run"]

_BATCH = 10


def _events(count: int) -> list[list[PendingEvent]]:
    from datetime import UTC, datetime  # noqa: PLC0415 - keeps the module header short

    at = datetime(2026, 1, 1, tzinfo=UTC)
    batches = []
    for b in range(count // _BATCH):
        batch = []
        for i in range(_BATCH):
            n = b * _BATCH + i
            e = XPGained(event_id=f"x-{n}", stream_id=f"u-{n % 50}", occurred_at=at,
                         user_id=f"u-{n % 50}", amount=1 + n % 9, reason="trade",
                         source_id=f"t-{n}", total_xp=1)
            batch.append(PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e)))
        batches.append(batch)
    return batches


def _store(directory: str, name: str) -> SQLiteEventStore:
    return open_sqlite_store(Path(directory) / name, synchronous=Synchronous.NORMAL).unwrap()


def _work(path: str, url: str, prefix: str, total: int,
          results: Queue[tuple[float, list[float]]]) -> None:
    store = open_sqlite_store(path, create=False).unwrap()
    projection = ReadModels().by_name()["players"]
    worker = StreamWorker(redis.Redis.from_url(url), projection, store, prefix=prefix,
                          block_ms=20)
    results.put((0.0, []))  # ready: the groups exist
    stats = worker.run(idle_timeout=30, should_stop=lambda: projection.position >= total)
    results.put((time.time(), stats.latencies_ms))
    store.close()


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _in_process(directory: str, batches: list[list[PendingEvent]]) -> tuple[float, list[float]]:
    store = _store(directory, "inprocess.sqlite")
    bus = InProcessBus()
    bus.subscribe(ReadModels().by_name()["players"])
    latencies = []
    started = time.perf_counter()
    for n, batch in enumerate(batches):
        t0 = time.perf_counter()
        bus.publish(store.append(f"u-{n % 50}", batch, ANY_VERSION).unwrap().records)
        latencies.append((time.perf_counter() - t0) * 1e3)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, latencies


def _redis(directory: str, url: str,
           batches: list[list[PendingEvent]]) -> tuple[float, float, list[float]]:
    path = str(Path(directory) / "redis.sqlite")
    store = _store(directory, "redis.sqlite")
    client = redis.Redis.from_url(url)
    prefix = f"astratrade-bench-{uuid.uuid4().hex[:8]}"
    total = len(batches) * _BATCH
    spawn = multiprocessing.get_context("spawn")
    results: Queue[tuple[float, list[float]]] = spawn.Queue()
    process = spawn.Process(target=_work, args=(path, url, prefix, total, results))
    process.start()
    try:
        results.get(timeout=60)
        bus = RedisStreamsBus(client, prefix=prefix, store=store)
        wall_start, started = time.time(), time.perf_counter()
        for n, batch in enumerate(batches):
            bus.publish(store.append(f"u-{n % 50}", batch, ANY_VERSION).unwrap().records)
        appended = time.perf_counter() - started
        finished, latencies = results.get(timeout=120)
        process.join(30)
    finally:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        store.close()
    return appended, finished - wall_start, latencies


def run(quick: bool) -> list[Comparison]:
    """Append/publish and end-to-end time per event, latency percentiles (see module doc)."""
    url = os.environ.get("ASTRATRADE_REDIS_URL")
    if not url:
        print("bench_bus: ASTRATRADE_REDIS_URL is not set (scripts/services.sh start); "
              "skipping the Redis bus rows", file=sys.stderr)
        return []
    count = 200 if quick else 20_000
    batches = _events(count)
    with tempfile.TemporaryDirectory() as directory:
        base_total, base_latencies = _in_process(directory, batches)
        appended, end_to_end, latencies = _redis(directory, url, batches)
    rows = [
        Comparison(f"bus: append+publish, Redis ({count:,} events)", appended / count,
                   "in-process bus", base_total / count, "event", clock="wall"),
        Comparison(f"bus: appended -> projected, Redis worker ({count:,})", end_to_end / count,
                   "in-process bus", base_total / count, "event", clock="wall"),
    ]
    for q in (50, 95, 99):
        rows.append(Comparison(
            f"bus: latency p{q}, publish -> projection updated",
            _percentile(latencies, q) / 1e3, "in-process: append -> applied",
            _percentile(base_latencies, q) / 1e3, "event", target="< 100 ms", clock="wall"))
    return rows

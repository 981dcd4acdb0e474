"""One Redis Streams worker on a PostgreSQL store: throughput and latency, batched vs one entry
per step, same run, same servers (loopback only).

* **Throughput** -- ``N`` ``XPGained`` events are appended to a fresh PostgreSQL schema and
  published; then one :class:`StreamWorker` (``players`` projection, in this process) drains
  them.  Candidate: the default batch (500 entries per ``XREADGROUP``); baseline: ``batch=1``
  (one entry per read, one store read and one commit per entry) on a tenth of the events.
  Target: >= 20k events/s, on the wall clock; a second row gives the worker process's CPU
  time alone (Redis and PostgreSQL run in their own processes on the same cores).
* **Latency** -- 4 writer processes append batches of 5 events, paced to 2,000 events/s in
  all, for a few seconds; the worker runs in this process.  Latency = publish (right after the
  append commits) -> projection updated, per event, on the wall clock both processes share.
  Target: p99 < 100 ms.  The baseline is the same run with ``batch=1``; a worker that falls
  behind is stopped 5 s after the writers' last append is due, so its percentiles cover only
  what it applied by then (they understate its latency).

Needs ``ASTRATRADE_REDIS_URL`` and ``ASTRATRADE_PG_URL`` (``scripts/services.sh start``);
without them the module reports nothing and says why on stderr.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from multiprocessing.synchronize import Event as EventFlag

import redis
from psycopg import connect, sql

from astratrade_core.events import encode
from astratrade_core.events.gamification import XPGained
from astratrade_shell.bus.redis_streams import RedisStreamsBus, StreamWorker, WorkerStats
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.store import ANY_VERSION, PendingEvent
from astratrade_shell.store.postgres import open_postgres_store
from benchmarks.harness import Comparison

__all__ = ["run"]

WRITERS = 4
RATE = 2_000  # events/s from all writers together
APPEND = 5  # events per append


def _event(user: str, n: int) -> PendingEvent:
    event = XPGained(event_id=f"{user}-{n}", stream_id=user,
                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id=user,
                     amount=1 + n % 7, reason="trade", source_id=f"t-{n}", total_xp=1)
    return PendingEvent(event.event_id, event.event_type, event.schema_version, encode(event))


def _write(*, pg_url: str, schema: str, url: str, prefix: str, writer: int, appends: int,
           interval: float, start: EventFlag | None) -> None:
    """Append ``appends`` batches of :data:`APPEND` events, one every ``interval`` seconds
    (``0``: as fast as possible), publishing each."""
    store = open_postgres_store(pg_url, schema=schema, synchronous_commit=False).unwrap()
    bus = RedisStreamsBus(redis.Redis.from_url(url), prefix=prefix, store=store)
    if start is not None:
        start.wait()
    began = time.perf_counter()
    for n in range(appends):
        if interval:
            delay = began + n * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        user = f"u-{(writer * 7 + n) % 25}"
        events = [_event(user, writer * 10_000_000 + n * APPEND + i) for i in range(APPEND)]
        bus.publish(store.append(f"{user}/w{writer}", events, ANY_VERSION).unwrap().records)
    store.close()


class _Servers:
    """A fresh PostgreSQL schema and Redis key prefix per measurement, dropped afterwards."""

    def __init__(self, pg_url: str, url: str) -> None:
        self.pg_url = pg_url
        self.url = url
        self.client = redis.Redis.from_url(url)
        tag = uuid.uuid4().hex[:10]
        self.schema = f"bench_worker_{tag}"
        self.prefix = f"astratrade-bench-{tag}"
        open_postgres_store(pg_url, schema=self.schema).unwrap().close()

    def worker(self, batch: int) -> tuple[StreamWorker, object]:
        store = open_postgres_store(self.pg_url, schema=self.schema).unwrap()
        projection = ReadModels().by_name()["players"]
        return StreamWorker(self.client, projection, store, prefix=self.prefix,
                            block_ms=20, batch=batch), store

    def drop(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}:*", count=1_000))
        if keys:
            self.client.delete(*keys)
        with connect(self.pg_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(self.schema)))


def _drain(pg_url: str, url: str, count: int, batch: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds (this process: the worker) per event for one worker to
    apply ``count`` events already published."""
    servers = _Servers(pg_url, url)
    try:
        _write(pg_url=pg_url, schema=servers.schema, url=url, prefix=servers.prefix, writer=0,
               appends=count // APPEND, interval=0, start=None)
        worker, store = servers.worker(batch)
        started, cpu = time.perf_counter(), time.process_time()
        worker.run(idle_timeout=10, should_stop=lambda: worker.projection.position >= count)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        store.close()  # type: ignore[attr-defined]
        if worker.projection.position != count:
            raise RuntimeError(f"the worker applied {worker.projection.position} of {count}")
        return elapsed / count, cpu / count
    finally:
        servers.drop()


def _paced(pg_url: str, url: str, seconds: float, batch: int) -> WorkerStats:
    """The worker's stats while 4 writers append :data:`RATE` events/s for ``seconds``."""
    servers = _Servers(pg_url, url)
    appends = int(RATE * seconds / WRITERS / APPEND)
    total = appends * WRITERS * APPEND
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    writers = [spawn.Process(target=_write, kwargs={
        "pg_url": pg_url, "schema": servers.schema, "url": url, "prefix": servers.prefix,
        "writer": w, "appends": appends, "interval": WRITERS * APPEND / RATE, "start": start})
        for w in range(WRITERS)]
    try:
        for writer in writers:
            writer.start()
        worker, store = servers.worker(batch)
        time.sleep(1.5)  # the writers import and connect
        start.set()
        deadline = time.monotonic() + seconds + 5  # a worker that falls behind stops here
        stats = worker.run(idle_timeout=10 + seconds, should_stop=lambda: (
            worker.projection.position >= total or time.monotonic() > deadline))
        store.close()  # type: ignore[attr-defined]
        for writer in writers:
            writer.join(60)
        return stats
    finally:
        for writer in writers:
            if writer.is_alive():
                writer.kill()
        servers.drop()


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(quick: bool) -> list[Comparison]:
    """Drain throughput and paced latency percentiles (see the module docstring)."""
    url = os.environ.get("ASTRATRADE_REDIS_URL")
    pg_url = os.environ.get("ASTRATRADE_PG_URL")
    if not url or not pg_url:
        print("bench_worker: ASTRATRADE_REDIS_URL or ASTRATRADE_PG_URL is not set "
              "(scripts/services.sh start); skipping the worker rows", file=sys.stderr)
        return []
    count = 1_000 if quick else 20_000
    seconds = 1.0 if quick else 5.0
    batched, batched_cpu = _drain(pg_url, url, count, 500)
    single, single_cpu = _drain(pg_url, url, count // 10, 1)
    rows = [Comparison(f"worker: drain {count:,} published events (PostgreSQL store)", batched,
                       "batch=1 (one entry per step)", single, "event",
                       target=">= 20k events/s", clock="wall"),
            Comparison(f"worker: drain {count:,}, the worker's own CPU time", batched_cpu,
                       "batch=1", single_cpu, "event",
                       target="(without Redis and PostgreSQL's own CPU)")]
    fast = _paced(pg_url, url, seconds, 500)
    slow = _paced(pg_url, url, seconds, 1)
    for q in (50, 95, 99):
        rows.append(Comparison(
            f"worker: latency p{q}, 4 writers at {RATE:,} events/s",
            _percentile(fast.latencies_ms, q) / 1e3, "batch=1",
            _percentile(slow.latencies_ms, q) / 1e3, "event",
            target="< 100 ms" if q == 99 else "", clock="wall"))
    return rows

"""Load and fault test: 4 writer processes, 3 worker processes (``astratrade worker``), one
worker killed with SIGKILL mid-stream and restarted; real Redis and PostgreSQL (the store, in a
fresh schema), loopback only.

At the end every worker's projection equals the one rebuilt from the store by a pure replay,
every position was applied exactly once (``applied + filled == last position``), and no
entry is left pending in any consumer group (the killed worker's were claimed).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from psycopg import connect, sql

from astratrade_shell.projections import replay
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.store.postgres import open_postgres_store
from tests.shell.bus.load_writers import xp_writer
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest

WRITERS = 4
APPENDS = 1_000  # per writer
BATCH = 5  # events per append: 4 x 1,000 x 5 = 20,000 events
PROJECTIONS = ("players", "leaderboard", "portfolios")
SUMMARY = re.compile(r"position=(\d+) applied=(\d+) filled=(\d+) duplicates=(\d+) "
                     r"claimed=(\d+) dead_lettered=(\d+)")


def _pg_url() -> str:
    url = os.environ.get("ASTRATRADE_PG_URL")
    if not url:
        pytest.fail("ASTRATRADE_PG_URL is not set: start the test servers with "
                    "`scripts/services.sh start` (make test does it)", pytrace=False)
    return url


@pytest.fixture
def schema(unique_prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL schema for the store, dropped afterwards."""
    name = unique_prefix.replace("-", "_")
    yield name
    with connect(_pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def _worker(schema: str, prefix: str, name: str, consumer: str,
            out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "astratrade_shell.cli", "worker", "--projection", name,
         "--store", _pg_url(), "--schema", schema, "--redis", redis_url(), "--prefix", prefix,
         "--consumer", consumer, "--idle-timeout", "3", "--min-idle-ms", "300",
         "--state-out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_holding_entries(client: redis.Redis, worker: subprocess.Popen[str], key: str) -> int:
    """SIGKILL ``worker`` at a moment it holds delivered, unacknowledged entries (found by
    freezing it with SIGSTOP and asking ``XPENDING``); the number it held."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        time.sleep(0.05)
        worker.send_signal(signal.SIGSTOP)
        try:
            held: Any = client.xpending_range(key, "leaderboard", min="-", max="+",
                                              count=10_000, consumername="leaderboard-1")
        except redis.ResponseError:  # the worker has not created its group yet
            held = []
        if len(held) > 0:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            return len(held)
        worker.send_signal(signal.SIGCONT)
    return 0


def _comparable(name: str, state: Any) -> Any:
    return state.top(1_000) if name == "leaderboard" else state


def test_workers_converge_on_the_replayed_projections_after_a_kill(
        tmp_path: Path, client: redis.Redis, unique_prefix: str, schema: str) -> None:
    open_postgres_store(_pg_url(), schema=schema).unwrap().close()
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    writers = [spawn.Process(target=xp_writer, kwargs={
        "pg_url": _pg_url(), "schema": schema, "url": redis_url(), "prefix": unique_prefix,
        "writer": w, "appends": APPENDS, "batch": BATCH, "start": start}) for w in range(WRITERS)]
    for writer in writers:
        writer.start()
    outs = {name: tmp_path / f"{name}.pickle" for name in PROJECTIONS}
    workers = {name: _worker(schema, unique_prefix, name, f"{name}-1", outs[name])
               for name in PROJECTIONS}
    start.set()
    unacked = _kill_holding_entries(client, workers["leaderboard"],
                                    f"{unique_prefix}:events:gamification")
    assert unacked > 0
    workers["leaderboard"] = _worker(schema, unique_prefix, "leaderboard", "leaderboard-2",
                                     outs["leaderboard"])
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    summaries = {}
    for name, process in workers.items():
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        found = SUMMARY.search(stdout)
        assert found is not None, stdout
        summaries[name] = [int(g) for g in found.groups()]
    store = open_postgres_store(_pg_url(), schema=schema).unwrap()
    total = store.last_position()
    assert total == WRITERS * APPENDS * BATCH
    rebuilt = ReadModels()
    replay(store, [rebuilt])
    store.close()
    replayed = rebuilt.by_name()
    for name in PROJECTIONS:
        position, applied, filled, _dups, _claimed, dead = summaries[name]
        assert (position, applied + filled, dead) == (total, total, 0), (name, summaries)
        with outs[name].open("rb") as handle:
            final_position, state = pickle.load(handle)
        assert final_position == total
        assert _comparable(name, state) == _comparable(name, replayed[name].state), name
    assert summaries["leaderboard"][4] >= unacked  # the restarted worker claimed them
    for key in client.scan_iter(match=f"{unique_prefix}:events:*"):
        for group in client.xinfo_groups(key):
            assert group["pending"] == 0, (key, group)

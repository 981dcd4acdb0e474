"""A real ``astratrade worker`` feeding persisted read models from Redis Streams is killed
with SIGKILL in the middle of a batch, restarted under another consumer name, and its rows
then equal a pure replay of the store: nothing applied twice, nothing lost (real Redis; the
SQLite store; loopback only)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import redis

from astratrade_shell.bus.redis_streams import RedisStreamsBus
from astratrade_shell.readmodels.database import open_view_database
from astratrade_shell.store.sqlite import Synchronous, open_sqlite_store
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix
from tests.shell.readmodels.support import dump, fill_store, pure_replay

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest

MODELS = "accounts,standings"


def _worker(store: Path, prefix: str, consumer: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "astratrade_shell.cli", "worker", "--projection", MODELS,
         "--store", str(store), "--redis", redis_url(), "--prefix", prefix,
         "--consumer", consumer, "--idle-timeout", "2", "--min-idle-ms", "200"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"})


def _kill_inside_a_transaction(path: Path, worker: subprocess.Popen[str]) -> bool:
    """SIGKILL ``worker`` while it holds the database's write lock -- inside a batch's
    transaction, rows applied and the checkpoint not yet committed."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:   # locked: the worker is mid-batch
                worker.send_signal(signal.SIGKILL)
                return True
            probe.execute("ROLLBACK")
            time.sleep(0.002)
        return False
    finally:
        probe.close()


def test_a_worker_killed_mid_batch_resumes_from_its_checkpoint(
        client: redis.Redis, unique_prefix: str, tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store = open_sqlite_store(path, synchronous=Synchronous.NORMAL).unwrap()
    last = fill_store(store, RedisStreamsBus(client, prefix=unique_prefix, store=store),
                      accounts=8, rounds=60)
    views = open_view_database(path).unwrap()
    first = _worker(path, unique_prefix, "w1")
    assert _kill_inside_a_transaction(path, first), "the worker finished before the kill"
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert views.checkpoints().get("accounts", 0) < last   # the kill left work undone
    second = _worker(path, unique_prefix, "w2")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert f"position={last}" in out
    for model in MODELS.split(","):
        assert dump(views, model) == pure_replay(store, tmp_path, model), model
    views.close()
    store.close()

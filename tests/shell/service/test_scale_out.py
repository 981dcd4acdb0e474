"""The scale-out set-up against real servers: a PostgreSQL store (a fresh schema), the Redis
Streams bus, two API processes (``astratrade serve --no-feed``) and one ``astratrade worker``
feeding every persisted read model.  A command retried on the other process is stored once;
a query on either process sees the worker's rows; at the end the rows equal a pure replay of
the store.  Loopback only; about 20 s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from psycopg import connect, sql

from astratrade_shell.readmodels.database import open_view_database
from astratrade_shell.readmodels.views import READ_MODELS
from astratrade_shell.store.postgres import open_postgres_store
from tests.shell.bus.redis_fixtures import client, redis_url, unique_prefix
from tests.shell.readmodels.support import dump, pure_replay
from tests.shell.service.support import TEST_SCRYPT_N
from tests.shell.service.test_docs import _free_port

__all__ = ["client", "unique_prefix"]  # the fixtures, re-exported for pytest

MODELS = ",".join(READ_MODELS)


def _pg_url() -> str:
    url = os.environ.get("ASTRATRADE_PG_URL")
    if not url:
        pytest.fail("ASTRATRADE_PG_URL is not set: start the test servers with "
                    "`scripts/services.sh start` (make test does it)", pytrace=False)
    return url


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "astratrade_shell.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _request(method: str, url: str, key: str | None = None, body: Any = None,
             headers: dict[str, str] | None = None) -> tuple[int, Any]:
    sent = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=sent, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_ready(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if _request("GET", f"{url}/readyz")[0] == 200:
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{url} did not start: {process.communicate()[1][-2000:]}")
        time.sleep(0.1)


@pytest.fixture
def deployment(client: redis.Redis, unique_prefix: str,
               ) -> Iterator[tuple[list[str], str, str, list[subprocess.Popen[str]]]]:
    schema = unique_prefix.replace("-", "_")
    env = {**os.environ, "ASTRATRADE_SCRYPT_N": str(TEST_SCRYPT_N),
           "ASTRATRADE_REDIS_PREFIX": unique_prefix, "ASTRATRADE_STORE": _pg_url(),
           "ASTRATRADE_SCHEMA": schema, "ASTRATRADE_REDIS_URL": redis_url()}
    made = subprocess.run([sys.executable, "-m", "astratrade_shell.cli", "users", "bootstrap",
                           "--store", _pg_url(), "--schema", schema, "--user", "root",
                           "--scrypt-n", str(TEST_SCRYPT_N)],
                          check=False, env=env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    admin = made.stdout.strip()
    processes: list[subprocess.Popen[str]] = []
    urls = []
    try:
        for _ in range(2):
            port = _free_port()
            processes.append(_cli("serve", "--no-feed", "--port", str(port), env=env))
            urls.append(f"http://127.0.0.1:{port}")
        processes.append(_cli("worker", "--projection", MODELS, "--store", _pg_url(),
                              "--schema", schema, "--redis", redis_url(), "--prefix",
                              unique_prefix, "--consumer", "w1", "--idle-timeout", "60",
                              env=env))
        for url, process in zip(urls, processes, strict=False):
            _wait_ready(url, process)
        yield urls, admin, schema, processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        with connect(_pg_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def _eventually(check: Any, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_two_api_processes_and_a_worker_share_one_store_and_bus(
        deployment: tuple[list[str], str, str, list[subprocess.Popen[str]]],
        tmp_path: Path) -> None:
    (one, two), admin, schema, processes = deployment
    assert _request("POST", f"{one}/v1/users", admin,
                    {"user_id": "ann", "display_name": "Ann"})[0] == 201
    status, issued = _request("POST", f"{two}/v1/users/ann/keys", admin,
                              {"scopes": ["read", "trade"]})
    assert status == 201
    ann = issued["key"]
    deposit = {"currency": "USD", "amount": "10000"}
    first = _request("POST", f"{one}/v1/accounts/ann/deposits", ann, deposit,
                     {"Idempotency-Key": "d-1"})
    retried = _request("POST", f"{two}/v1/accounts/ann/deposits", ann, deposit,
                       {"Idempotency-Key": "d-1"})   # the retry lands on the other process
    assert (first[0], retried[0]) == (200, 200)
    assert (first[1]["duplicate"], retried[1]["duplicate"]) == (False, True)
    order = {"symbol": "BTCUSD", "side": "buy", "quantity": "0.01"}
    assert _request("POST", f"{two}/v1/accounts/ann/orders", ann, order,
                    {"Idempotency-Key": "o-1"})[0] == 200
    again = _request("POST", f"{one}/v1/accounts/ann/orders", ann, order,
                     {"Idempotency-Key": "o-1"})
    assert again[1]["duplicate"] is True

    def settled(url: str) -> bool:
        summary = _request("GET", f"{url}/v1/accounts/ann", ann)[1]
        return bool(summary.get("positions")) and summary["cash"] == {"USD": "9999.69"}

    assert _eventually(lambda: settled(one) and settled(two)), \
        _request("GET", f"{one}/v1/accounts/ann", ann)
    ready = _request("GET", f"{two}/readyz")[1]
    assert ready["checks"]["bus"] is True
    assert _eventually(lambda: set(_request("GET", f"{one}/readyz")[1]["lag"].values())
                       == {0})
    store = open_postgres_store(_pg_url(), schema=schema).unwrap()
    views = open_view_database(_pg_url(), schema=schema).unwrap()
    try:
        for model in READ_MODELS:
            assert dump(views, model) == pure_replay(store, tmp_path, model), model
    finally:
        views.close()
        store.close()
    assert all(p.poll() is None for p in processes)   # nobody crashed

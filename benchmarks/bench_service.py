"""The service under load: 100 concurrent clients, mixed reads and writes, and WebSocket push
latency -- embedded, and scaled out on PostgreSQL + Redis with 2 API processes + 2 workers.

Loopback only, bounded in time and count, and it stops by itself: each set-up runs
``SECONDS`` (60; ``$ASTRATRADE_BENCH_SERVICE_SECONDS`` shortens it; ``--quick``: 5 clients for
0.5 s, embedded only); each client stops after ``MAX_REQUESTS`` / ``CLIENTS`` requests even if
time remains, and the whole load is cancelled ``_GRACE`` seconds after its end if a server
stops answering (what was cut short counts as errors).  Every server and worker it starts is
terminated (then killed) on the way out, and its PostgreSQL schema and Redis keys dropped.

* **Servers** are real ``astratrade serve`` processes (uvicorn) on a fresh store: embedded,
  one process on SQLite with the in-process bus; scaled out, two ``serve --no-feed``
  processes on one PostgreSQL schema with the Redis Streams bus and two ``astratrade
  worker``\\ s sharing the read models between them.  Key hashing is cheap (scrypt n=16) and
  the rate limit out of reach: the figures are the platform's, not the limiter's.
* **Clients**: ``CLIENTS`` asyncio tasks, one keep-alive HTTP/1.1 connection each (a minimal
  client: the load generator's own cost stays small), each a trader acting on its own
  account; a request is a write (a 1 USD deposit) half of the time, otherwise a read (the
  account's portfolio or the top 10 of the leaderboard).  Scaled out, clients alternate
  between the two API processes.
* **Push latency**: an admin's WebSocket subscribes to the accounts of the first 16 traders
  (on the *other* API process when scaled out); a deposit's latency is from just before its
  request is written to the receipt of its ``FundsDeposited`` push -- an upper bound of
  append -> receipt, as it includes the HTTP request itself.

* **Group commit** (``write_batch``, 64 by default) against storing each command in its own
  transaction (``write_batch = 1``: the service before group commit), both measured in the
  same run (not with ``--quick``); and the write path alone, in-process without HTTP (40
  threads depositing through ``Platform.writes`` on SQLite for 3 s each way).

The machine is shared, so each set-up's rows carry the load average (1 min) before and after
it, and the **CPU per request** of the processes under test (from ``/proc``: user + system
time of the API processes, and the workers when scaled out; PostgreSQL and Redis not
counted) against the load generator's own CPU per request -- a figure the machine's load
changes far less than the latencies, which on a loaded 2-core machine are mostly queueing
for a core.

Rows: latency percentiles of every request (target p99 < 200 ms; baseline: the same
percentile of ``GET /healthz`` from one idle client, the HTTP stack's floor), requests/s and
writes/s (the push target holds only at >= 500 writes/s), push latency percentiles (target
p99 < 100 ms; baseline: the same percentile of the deposits' HTTP responses).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import websockets

from benchmarks.harness import Comparison

__all__ = ["run"]

SECONDS = 60.0
CLIENTS = 100
#: At most this many requests in one set-up (each client gets its share).
MAX_REQUESTS = 200_000
#: Seconds past the end of the run after which the load is cancelled.
_GRACE = 30.0
_WATCHED = 16
_SCRYPT_N = "16"


def _cpu(pids: list[int]) -> float | None:
    """User + system CPU seconds of ``pids`` so far (None where /proc is not there)."""
    total = 0.0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "astratrade_shell.cli", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(
                f"{url}/readyz", timeout=2) as answer:
            if answer.status == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start")
        time.sleep(0.1)


def _call(method: str, url: str, key: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        url, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def _traders(url: str, admin: str, count: int) -> list[str]:
    keys = []
    for n in range(count):
        user = f"t{n:03d}"
        _call("POST", f"{url}/v1/users", admin, {"user_id": user, "display_name": user})
        keys.append(_call("POST", f"{url}/v1/users/{user}/keys", admin,
                          {"scopes": ["read", "trade"]})["key"])
    return keys


class _Connection:
    """One keep-alive HTTP/1.1 connection (requests in turn)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, port: int) -> _Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer, f"127.0.0.1:{port}")

    async def request(self, method: str, path: str, key: str, body: bytes = b"") -> int:
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {key}"
            f"\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            .encode() + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(head.split(b" ", 2)[1])

    def close(self) -> None:
        self.writer.close()


def _percentile(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


async def _load(ports: list[int], keys: list[str], admin: str, seconds: float,
                pids: list[int]) -> dict[str, Any]:
    users = [f"t{n:03d}" for n in range(len(keys))]
    sent: dict[str, float] = {}
    pushes: list[float] = []
    latencies: list[float] = []
    deposits: list[float] = []
    errors = 0
    channels = ",".join(f"account:{u}" for u in users[:_WATCHED])
    socket_port = ports[-1]
    async with websockets.connect(
            f"ws://127.0.0.1:{socket_port}/v1/stream?channels={channels}",
            additional_headers={"Authorization": f"Bearer {admin}"}, max_queue=None) as ws:
        assert json.loads(await ws.recv())["type"] == "live"

        async def listen() -> None:
            async for text in ws:
                message = json.loads(text)
                if message.get("event", {}).get("type") != "FundsDeposited":
                    continue
                started = sent.pop(message["channel"].removeprefix("account:"), None)
                if started is not None:
                    pushes.append(time.perf_counter() - started)

        share = max(1, MAX_REQUESTS // len(keys))

        async def client(n: int, stop_at: float) -> None:
            nonlocal errors
            rng = random.Random(n)
            connection = await _Connection.open(ports[n % len(ports)])
            user, key = users[n], keys[n]
            body = json.dumps({"currency": "USD", "amount": "1"}).encode()
            try:
                for _ in range(share):
                    if time.perf_counter() >= stop_at:
                        break
                    write = rng.random() < 0.5
                    started = time.perf_counter()
                    if write:
                        sent[user] = started
                        status = await connection.request(
                            "POST", f"/v1/accounts/{user}/deposits", key, body)
                    elif rng.random() < 0.5:
                        status = await connection.request("GET", f"/v1/accounts/{user}", key)
                    else:
                        status = await connection.request(
                            "GET", "/v1/leaderboards/xp-all-time?limit=10", key)
                    elapsed = time.perf_counter() - started
                    latencies.append(elapsed)
                    if write:
                        deposits.append(elapsed)
                    if status >= 400:
                        errors += 1
            finally:
                connection.close()

        listener = asyncio.create_task(listen())
        ran = await _bounded([client for _ in keys], seconds, pids)
        await asyncio.sleep(0.5)   # the last pushes
        listener.cancel()
    return {"latencies": latencies, "deposits": deposits, "pushes": pushes,
            **ran, "errors": errors + ran["errors"]}


async def _bounded(clients: list[Callable[[int, float], Coroutine[Any, Any, None]]], seconds: float,
                   pids: list[int]) -> dict[str, Any]:
    """Run ``clients[n](n, stop_at)`` together for ``seconds``; cancel what is still running
    ``_GRACE`` seconds later (counted as errors).  The elapsed time, the load average before
    and after, the CPU seconds of ``pids`` and of this process meanwhile."""
    load_before = os.getloadavg()[0]
    server_before, client_before = _cpu(pids), time.process_time()
    started = time.perf_counter()
    tasks = [asyncio.create_task(run(n, started + seconds)) for n, run in enumerate(clients)]
    _, late = await asyncio.wait(tasks, timeout=seconds + _GRACE)
    for task in late:   # a server that stopped answering: cut short
        task.cancel()
    elapsed = time.perf_counter() - started
    server_after, client_after = _cpu(pids), time.process_time()
    return {"seconds": elapsed, "errors": len(late), "load": (load_before, os.getloadavg()[0]),
            "server_cpu": None if server_before is None or server_after is None
            else server_after - server_before, "client_cpu": client_after - client_before}


async def _idle_floor(port: int, key: str, count: int) -> list[float]:
    connection = await _Connection.open(port)
    found = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            await connection.request("GET", "/healthz", key)
            found.append(time.perf_counter() - started)
    finally:
        connection.close()
    return found


def _rows(label: str, figures: dict[str, Any], floor: list[float]) -> list[Comparison]:
    latencies, pushes, deposits = figures["latencies"], figures["pushes"], figures["deposits"]
    seconds = figures["seconds"]
    before, after = figures["load"]
    label = f"{label} (load {before:.1f}->{after:.1f})"
    rows = []
    if figures["server_cpu"] is not None and latencies:
        rows.append(Comparison(
            f"service {label}: CPU per request of the processes under test",
            figures["server_cpu"] / len(latencies), "the load generator's CPU per request",
            figures["client_cpu"] / len(latencies), "request", clock="cpu"))
    for q in (50, 95, 99):
        rows.append(Comparison(
            f"service {label}: request latency p{q} ({len(latencies):,} requests)",
            _percentile(latencies, q), "GET /healthz, idle", _percentile(floor, q), "request",
            target="< 200 ms" if q == 99 else "", clock="wall"))
    rows.append(Comparison(
        f"service {label}: throughput, {figures['errors']} errors", seconds / len(latencies),
        "GET /healthz, idle", _percentile(floor, 50), "request", clock="wall"))
    if not deposits:   # a --quick run too short for one write: nothing more to report
        return rows
    rows.append(Comparison(
        f"service {label}: writes ({len(deposits):,} deposits)", seconds / len(deposits),
        "GET /healthz, idle", _percentile(floor, 50), "write", target=">= 500 writes/s",
        clock="wall"))
    for q in (50, 95, 99) if pushes else ():
        rows.append(Comparison(
            f"service {label}: push latency p{q}, sent -> received ({len(pushes):,})",
            _percentile(pushes, q), "the deposit's HTTP response", _percentile(deposits, q),
            "push", target="< 100 ms" if q == 99 else "", clock="wall"))
    return rows


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "ASTRATRADE_SCRYPT_N": _SCRYPT_N,
            "ASTRATRADE_RATE_PER_SECOND": "1000000", "ASTRATRADE_BURST": "1000000",
            "ASTRATRADE_LOG_LEVEL": "warning", **extra}


def _bootstrap(store: str, env: dict[str, str], schema: str | None = None) -> str:
    extra = [] if schema is None else ["--schema", schema]
    made = subprocess.run([sys.executable, "-m", "astratrade_shell.cli", "users", "bootstrap",
                           "--store", store, *extra, "--user", "root", "--scrypt-n", _SCRYPT_N],
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return made.stdout.strip()


@contextlib.contextmanager
def _stopping(processes: list[subprocess.Popen[bytes]]) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _measure(urls: list[str], admin: str, clients: int, seconds: float,
             pids: list[int]) -> tuple[dict[str, Any], list[float]]:
    keys = _traders(urls[0], admin, clients)
    ports = [int(u.rsplit(":", 1)[1]) for u in urls]
    floor = asyncio.run(_idle_floor(ports[0], keys[0], 200))
    return asyncio.run(_load(ports, keys, admin, seconds, pids)), floor


def _embedded(clients: int, seconds: float, batch: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        store = str(Path(directory) / "events.db")
        env = _env(ASTRATRADE_WRITE_BATCH=str(batch))
        admin = _bootstrap(store, env)
        port = _port()
        server = _cli("serve", "--store", store, "--port", str(port), env=env)
        with _stopping([server]):
            url = f"http://127.0.0.1:{port}"
            _ready(url, server)
            figures, floor = _measure([url], admin, clients, seconds, [server.pid])
    return {**figures, "floor": floor}


def _scaled_out(pg: str, redis_url: str, clients: int, seconds: float,
                batch: int) -> dict[str, Any]:
    import psycopg  # noqa: PLC0415 - only with PostgreSQL
    from psycopg import sql  # noqa: PLC0415

    prefix = f"astratrade-bench-{uuid.uuid4().hex[:8]}"
    schema = prefix.replace("-", "_")
    env = _env(ASTRATRADE_STORE=pg, ASTRATRADE_SCHEMA=schema, ASTRATRADE_REDIS_URL=redis_url,
               ASTRATRADE_REDIS_PREFIX=prefix, ASTRATRADE_WRITE_BATCH=str(batch))
    try:
        admin = _bootstrap(pg, env, schema)
        ports = [_port(), _port()]
        processes = [_cli("serve", "--no-feed", "--port", str(p), env=env) for p in ports]
        for n, models in enumerate(("accounts,progress", "standings,clans,books")):
            processes.append(_cli("worker", "--projection", models, "--store", pg, "--schema",
                                  schema, "--redis", redis_url, "--prefix", prefix,
                                  "--consumer", f"w{n}", "--idle-timeout", "600", env=env))
        with _stopping(processes):
            urls = [f"http://127.0.0.1:{p}" for p in ports]
            for url, process in zip(urls, processes, strict=False):
                _ready(url, process)
            figures, floor = _measure(urls, admin, clients, seconds,
                                      [p.pid for p in processes])
    finally:
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))
        import redis  # noqa: PLC0415

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    return {**figures, "floor": floor}


def _against_one_by_one(label: str, grouped: dict[str, Any],
                        alone: dict[str, Any]) -> list[Comparison]:
    """Group commit against the same set-up storing each command in its own transaction
    (``write_batch = 1``, the service before group commit), measured in the same run."""
    rows = [Comparison(f"service {label}: request latency p{q}, group commit",
                       _percentile(grouped["latencies"], q), "one commit per command",
                       _percentile(alone["latencies"], q), "request", clock="wall")
            for q in (50, 99)]
    if grouped["deposits"] and alone["deposits"]:
        rows.append(Comparison(
            f"service {label}: writes, group commit ({len(grouped['deposits']):,})",
            grouped["seconds"] / len(grouped["deposits"]),
            f"one commit per command ({len(alone['deposits']):,})",
            alone["seconds"] / len(alone["deposits"]), "write", clock="wall"))
    return rows


def _write_path(batch: int, threads: int = 40, seconds: float = 3.0) -> float:
    """Seconds per deposit through one process's ``Platform.writes`` on a fresh SQLite store,
    ``threads`` writers at once, no HTTP: the write path alone."""
    from astratrade_core.portfolio import PORTFOLIO, Deposit  # noqa: PLC0415
    from astratrade_shell.service.config import ServiceConfig  # noqa: PLC0415
    from astratrade_shell.service.platform import open_platform  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as directory:
        platform = open_platform(ServiceConfig(store=str(Path(directory) / "events.db"),
                                               write_batch=batch)).unwrap()
        done = [0] * threads

        def writer(n: int, stop_at: float) -> None:
            while time.perf_counter() < stop_at:
                done[n] += 1
                platform.writes.execute(PORTFOLIO, f"acct-{n}", Deposit(
                    command_id=f"{n}-{done[n]}", account_id=f"acct-{n}",
                    issued_at=platform.app.now(), currency="USD", amount=Decimal(1)))

        started = time.perf_counter()
        running = [threading.Thread(target=writer, args=(n, started + seconds))
                   for n in range(threads)]
        for thread in running:
            thread.start()
        for thread in running:
            thread.join()
        elapsed = time.perf_counter() - started
        platform.close()
    return elapsed / sum(done)


def _both(label: str, measure: Callable[[int], dict[str, Any]], quick: bool,
          ) -> list[Comparison]:
    grouped = measure(64)
    rows = _rows(label, grouped, grouped["floor"])
    if quick:
        return rows
    return rows + _against_one_by_one(label, grouped, measure(1))


def run(quick: bool) -> list[Comparison]:
    """Embedded (and, with ``ASTRATRADE_PG_URL`` and ``ASTRATRADE_REDIS_URL``, scaled-out)
    load figures (see the module docstring)."""
    seconds = 0.5 if quick else float(os.environ.get("ASTRATRADE_BENCH_SERVICE_SECONDS",
                                                     SECONDS))
    clients = 5 if quick else CLIENTS
    rows = _both("embedded", lambda batch: _embedded(clients, seconds, batch), quick)
    if not quick:
        rows.append(Comparison("service write path alone (40 threads, SQLite): group commit",
                               _write_path(64), "one commit per command", _write_path(1),
                               "write", clock="wall"))
    pg, redis_url = os.environ.get("ASTRATRADE_PG_URL"), os.environ.get("ASTRATRADE_REDIS_URL")
    if quick:
        return rows
    if not (pg and redis_url):
        print("bench_service: ASTRATRADE_PG_URL / ASTRATRADE_REDIS_URL are not set "
              "(scripts/services.sh start); skipping the scaled-out rows", file=sys.stderr)
        return rows
    return rows + _both("PostgreSQL+Redis, 2 API + 2 workers",
                        lambda batch: _scaled_out(pg, redis_url, clients, seconds, batch),
                        quick)

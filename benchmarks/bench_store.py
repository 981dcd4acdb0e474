"""Event store throughput against raw SQLite and the ``eventsourcing`` library; CLI start-up.

Every comparison runs in the same process on the same disk, WAL mode and ``synchronous=FULL``
on both sides:

* batched append (1,000 events per call): :class:`SQLiteEventStore.append` (version check,
  audit-chain hashing, command id, one transaction) vs a raw ``executemany`` of pre-built rows
  into the same schema, and vs ``eventsourcing``'s ``SQLiteApplicationRecorder.insert_events``
  (targets: >= 0.5x raw speed, i.e. ratio <= 2.0; >= 3x eventsourcing, i.e. ratio <= 0.33);
* single-event appends (one transaction each, fsync-bound) vs raw single inserts;
* full read of 20,000 events: ``read_all`` (paged, decoded into frozen records) vs a raw
  ``SELECT`` and vs ``select_notifications``;
* ``astratrade --help`` start-up in a fresh interpreter vs ``python -c pass`` (target < 150 ms).
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from astratrade_shell.store import PendingEvent, open_sqlite_store
from astratrade_shell.store.sqlite import SCHEMA
from benchmarks.harness import WALL, Comparison, best_of, compare

__all__ = ["run"]

_PAYLOAD = (b'{"event_id":"%d","occurred_at":"2026-01-01T00:00:00.000000Z","payload":'
            b'{"amount":"1234.56","currency":"USD"},"stream_id":"acct","type":"FundsDeposited",'
            b'"version":1}')


def _events(count: int, offset: int = 0) -> list[PendingEvent]:
    return [PendingEvent(f"e-{offset + i}", "FundsDeposited", 1, _PAYLOAD % (offset + i))
            for i in range(count)]


def _raw(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(SCHEMA)
    return conn


class _EventsourcingRecorder:
    """``eventsourcing``'s SQLite application recorder (WAL; text originator ids)."""

    def __init__(self, path: Path) -> None:
        from eventsourcing.persistence import StoredEvent  # noqa: PLC0415 - bench extra only
        from eventsourcing.sqlite import (  # noqa: PLC0415
            SQLiteApplicationRecorder,
            SQLiteDatastore,
        )

        self._stored_event = StoredEvent
        self._recorder = SQLiteApplicationRecorder(
            SQLiteDatastore(str(path), originator_id_type="text"))
        self._recorder.create_table()

    def insert(self, events: list[PendingEvent]) -> None:
        stream = str(uuid.uuid4())
        self._recorder.insert_events([self._stored_event(stream, v, e.event_type, e.data)
                                      for v, e in enumerate(events, start=1)])

    def count(self, limit: int) -> int:
        return len(self._recorder.select_notifications(start=1, limit=limit))


def run(quick: bool) -> list[Comparison]:
    """The store comparisons (``quick`` shrinks the sizes, not the shape)."""
    batch = 50 if quick else 1_000
    singles = 5 if quick else 300
    reads = 200 if quick else 20_000
    repeats = 1 if quick else 5
    workdir = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        return _run(workdir, batch, singles, reads, repeats)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(workdir: Path, batch: int, singles: int, reads: int,
         repeats: int) -> list[Comparison]:
    store = open_sqlite_store(workdir / "store.db").unwrap()
    raw = _raw(workdir / "raw.db")
    # eventsourcing comes with the bench extra (`make bench`); without it (the smoke test in
    # `make test`) its rows are left out.
    with_es = importlib.util.find_spec("eventsourcing") is not None
    if not with_es:
        print("bench_store: eventsourcing is not installed (pip install -e '.[bench]'); "
              "skipping its rows", file=sys.stderr)
    recorder = _EventsourcingRecorder(workdir / "es.db") if with_es else None
    counter = itertools.count()
    raw_position = itertools.count(1)
    events = _events(batch)

    def ours_batch() -> None:
        store.append(f"s-{next(counter)}", events, 0).unwrap()

    def raw_batch() -> None:
        stream = f"s-{next(counter)}"
        rows = [(next(raw_position), stream, v, e.event_id, e.event_type, e.schema_version,
                 e.data, b"\0" * 32, None) for v, e in enumerate(events, start=1)]
        raw.execute("BEGIN IMMEDIATE")
        raw.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        raw.execute("COMMIT")

    rows = [
        compare("store append, batch", ours_batch, "raw executemany", raw_batch,
                repeats=repeats, per=batch, unit="event", target="<= 2.0 (>= 0.5x speed)",
                clock=WALL),
    ]
    if recorder is not None:
        es_recorder = recorder
        rows.append(compare("store append, batch", ours_batch, "eventsourcing recorder",
                            lambda: es_recorder.insert(events), repeats=repeats, per=batch,
                            unit="event", target="<= 0.33 (>= 3x speed)", clock=WALL))

    single = _events(1)

    def ours_single() -> None:
        for _ in range(singles):
            store.append(f"one-{next(counter)}", single, 0).unwrap()

    def raw_single() -> None:
        for _ in range(singles):
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (next(raw_position), f"one-{next(counter)}", 1, "e", "T", 1,
                         single[0].data, b"\0" * 32, None))
            raw.execute("COMMIT")

    rows.append(compare("store append, single", ours_single, "raw insert+commit", raw_single,
                        repeats=repeats, per=singles, unit="event", target="<= 2.0",
                        clock=WALL))

    read_store = open_sqlite_store(workdir / "read.db").unwrap()
    read_raw = _raw(workdir / "read-raw.db")
    read_es = _EventsourcingRecorder(workdir / "read-es.db") if with_es else None
    for n in range(0, reads, batch):
        chunk = _events(batch, n)
        read_store.append(f"r-{n}", chunk, 0).unwrap()
        read_raw.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [(n + v, f"r-{n}", v, e.event_id, e.event_type, 1, e.data,
                               b"\0" * 32, None) for v, e in enumerate(chunk, start=1)])
        if read_es is not None:
            read_es.insert(chunk)

    def ours_read() -> None:
        assert sum(1 for _ in read_store.read_all()) == reads

    def raw_read() -> None:
        assert len(read_raw.execute("SELECT * FROM events ORDER BY position").fetchall()) \
            == reads

    rows.append(compare("store read_all", ours_read, "raw SELECT fetchall", raw_read,
                        repeats=repeats, per=reads, unit="event", clock=WALL))
    if read_es is not None:
        es_reader = read_es

        def es_read() -> None:
            assert es_reader.count(reads) == reads

        rows.append(compare("store read_all", ours_read, "eventsourcing select_notifications",
                            es_read, repeats=repeats, per=reads, unit="event", clock=WALL))
    store.close()
    read_store.close()
    rows.append(_startup(repeats))
    return rows


def _startup(repeats: int) -> Comparison:
    def cli_help() -> None:
        subprocess.run([sys.executable, "-m", "astratrade_shell.cli", "--help"], check=True,
                       stdout=subprocess.DEVNULL)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    cli = best_of(cli_help, repeats, clock=WALL)
    base = best_of(bare, repeats, clock=WALL)
    return Comparison("astratrade --help start-up", cli, "python -c pass", base, unit="run",
                      target="< 150 ms absolute", clock="wall")

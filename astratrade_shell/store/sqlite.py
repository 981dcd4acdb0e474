"""The SQLite event store: the embedded default, one file, safe for several processes.

**Durability, chosen on purpose.**

* ``journal_mode=WAL``: readers never block the writer and the writer never blocks readers;
  a crash (even ``SIGKILL`` mid-write) leaves the last committed state intact.
* ``synchronous=FULL`` by default: every commit fsyncs the WAL, so an append that returned
  ``Success`` survives power loss too (about 0.25 ms per commit on the reference machine).
  :attr:`Synchronous.NORMAL` skips that fsync: still crash-safe for the application and never
  corrupt, but the last commits may be lost on power failure — fine for simulations.
* One ``BEGIN IMMEDIATE`` transaction per append: it reads the head (stream version, the
  command id's earlier append, the newest position and hash), runs the shared append plan
  (:func:`~astratrade_shell.store.plan.plan_append`: the command-id and version checks, the
  numbering, the audit links) and writes its rows, which commit together or not at all.
  ``IMMEDIATE`` takes the write lock up front, so concurrent writers (threads or processes)
  queue on ``busy_timeout`` instead of failing with a stale snapshot.
* Global positions are assigned inside that transaction as ``last + 1 ...``, so they are
  gap-free and in commit order; ``UNIQUE (stream_id, version)`` backs the version check.

>>> import tempfile, pathlib
>>> from astratrade_shell.store.records import PendingEvent
>>> path = pathlib.Path(tempfile.mkdtemp()) / "events.db"
>>> store = open_sqlite_store(path).unwrap()
>>> appended = store.append("u-1", [PendingEvent("e-1", "Deposited", 1, b"{}")], 0).unwrap()
>>> appended.records[0].position, appended.records[0].version
(1, 1)
>>> store.close()
>>> open_sqlite_store(path.parent / "missing.db", create=False).failure().code
'store.missing'
"""

from __future__ import annotations

import enum
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_shell.store.chain import GENESIS_HASH
from astratrade_shell.store.plan import (
    ROW_COLUMNS,
    CommandRecord,
    Duplicate,
    StoreHead,
    plan_append,
)
from astratrade_shell.store.records import (
    Appended,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
    paged,
)

__all__ = ["SCHEMA", "SQLiteEventStore", "Synchronous", "open_sqlite_store"]

#: ``PRAGMA user_version`` of the schema below; bump it with a migration.
SCHEMA_VERSION = 1

#: The tables (also used verbatim by the benchmark's raw ``executemany`` baseline).
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    stream_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    data BLOB NOT NULL,
    hash BLOB NOT NULL,
    command_id TEXT,
    UNIQUE (stream_id, version)
);
CREATE TABLE IF NOT EXISTS commands (
    command_id TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots (
    stream_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    state_type TEXT NOT NULL,
    data BLOB NOT NULL
) WITHOUT ROWID;
"""

_COLUMNS = ("position, stream_id, version, event_id, event_type, schema_version, data, hash, "
            "command_id")
_INSERT = f"INSERT INTO events ({', '.join(ROW_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_PAGE = 2_000


class Synchronous(enum.Enum):
    """SQLite's ``synchronous`` level in WAL mode (see the module docstring)."""

    FULL = "FULL"
    NORMAL = "NORMAL"


def open_sqlite_store(
    path: str | Path,
    *,
    create: bool = True,
    synchronous: Synchronous = Synchronous.FULL,
    busy_timeout_s: float = 30.0,
) -> Result[SQLiteEventStore, DomainError]:
    """Open (and with ``create``, initialise) the store at ``path``.

    Failures are values: ``store.missing`` (no file and ``create=False``), ``store.corrupt``
    (not an SQLite database, or unreadable), ``store.not_an_event_store`` (another schema).
    """
    target = Path(path)
    if not create and not target.is_file():
        return Failure(DomainError.not_found("store.missing", f"no event store at {target}",
                                      path=target))
    try:
        conn = sqlite3.connect(target, timeout=busy_timeout_s, isolation_level=None,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        return Failure(DomainError.invalid("store.corrupt", f"cannot open {target}: {exc}",
                                      path=target))
    try:
        conn.execute(f"PRAGMA synchronous={synchronous.value}")
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and create:
            conn.execute("BEGIN IMMEDIATE")
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                conn.executescript(f"{SCHEMA}; PRAGMA user_version={SCHEMA_VERSION};")
                # executescript commits the open transaction itself.
            else:
                conn.execute("COMMIT")
            version = SCHEMA_VERSION
    except sqlite3.Error as exc:
        conn.close()
        return Failure(DomainError.invalid(
            "store.corrupt", f"{target} is not a usable event store: "
                                      f"{exc}", path=target))
    if version != SCHEMA_VERSION or str(mode).lower() != "wal":
        conn.close()
        return Failure(DomainError.invalid(
            "store.not_an_event_store",
            f"{target} has schema version {version}, expected {SCHEMA_VERSION}", path=target))
    return Success(SQLiteEventStore(conn, target))


class SQLiteEventStore:
    """An :class:`~astratrade_shell.store.port.EventStore` over one SQLite connection.

    Build it with :func:`open_sqlite_store`.  One instance may be shared by threads (calls
    are serialised by a lock); processes each open their own.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self._lock = threading.Lock()
        self.path = path

    def append(
        self,
        stream_id: str,
        events: Sequence[PendingEvent],
        expected_version: int | ExpectedVersion,
        *,
        command_id: str | None = None,
    ) -> Result[Appended, VersionConflict]:
        """Append the batch in one ``BEGIN IMMEDIATE`` transaction (all or nothing)."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                plan = plan_append(self._head(conn, stream_id, command_id), stream_id, events,
                                   expected_version, command_id)
                if isinstance(plan, VersionConflict):
                    conn.execute("ROLLBACK")
                    return Failure(plan)
                if isinstance(plan, Duplicate):
                    appended = self._appended(conn, plan.command)
                    conn.execute("ROLLBACK")
                    return Success(appended)
                conn.executemany(_INSERT, plan.rows)
                if plan.command is not None:
                    command = plan.command
                    conn.execute("INSERT INTO commands VALUES (?, ?, ?, ?)",
                                 (command.command_id, command.stream_id,
                                  command.first_position, command.last_position))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return Success(Appended(stream_id, plan.records))

    @staticmethod
    def _head(conn: sqlite3.Connection, stream_id: str, command_id: str | None) -> StoreHead:
        current = conn.execute("SELECT max(version) FROM events WHERE stream_id = ?",
                               (stream_id,)).fetchone()[0] or 0
        tail = conn.execute("SELECT position, hash FROM events ORDER BY position DESC "
                            "LIMIT 1").fetchone()
        position, previous = (tail[0], _as_bytes(tail[1])) if tail is not None else (
            0, GENESIS_HASH)
        return StoreHead(current, position, previous,
                         None if command_id is None else _command(conn, command_id))

    @staticmethod
    def _appended(conn: sqlite3.Connection, command: CommandRecord) -> Appended:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM events WHERE position BETWEEN ? AND ? "
                            "ORDER BY position",
                            (command.first_position, command.last_position)).fetchall()
        return Appended(command.stream_id, tuple(map(_record, rows)), True)

    def find_command(self, command_id: str) -> Maybe[Appended]:
        """The append an earlier command with this id made, if any."""
        with self._lock:
            found = _command(self._conn, command_id)
            return Nothing if found is None else Some(self._appended(self._conn, found))

    def stream_version(self, stream_id: str) -> int:
        """The number of events in the stream."""
        with self._lock:
            found: int | None = self._conn.execute(
                "SELECT max(version) FROM events WHERE stream_id = ?", (stream_id,)).fetchone()[0]
        return found or 0

    def read_stream(self, stream_id: str, from_version: int = 1) -> Iterator[StoredEvent]:
        """The stream's records from ``from_version`` on, fetched a page at a time."""
        def fetch(version: int) -> list[Any]:
            with self._lock:
                return self._conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE stream_id = ? AND version >= ? "
                    "ORDER BY version LIMIT ?", (stream_id, version, _PAGE)).fetchall()
        return map(_record, paged(fetch, from_version, 2, _PAGE))

    def read_all(self, from_position: int = 1) -> Iterator[StoredEvent]:
        """Every record from ``from_position`` on, a page at a time (memory stays bounded)."""
        def fetch(position: int) -> list[Any]:
            with self._lock:
                return self._conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE position >= ? ORDER BY position "
                    "LIMIT ?", (position, _PAGE)).fetchall()
        return map(_record, paged(fetch, from_position, 0, _PAGE))

    def last_position(self) -> int:
        """The newest global position (0 when empty)."""
        with self._lock:
            found: int | None = self._conn.execute(
                "SELECT max(position) FROM events").fetchone()[0]
        return found or 0

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Replace the stream's snapshot."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO snapshots (stream_id, version, state_type, data) "
                "VALUES (?, ?, ?, ?)",
                (snapshot.stream_id, snapshot.version, snapshot.state_type, snapshot.data))

    def load_snapshot(self, stream_id: str) -> Maybe[Snapshot]:
        """The stream's latest snapshot, if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT stream_id, version, state_type, data FROM snapshots WHERE stream_id = ?",
                (stream_id,)).fetchone()
        return Nothing if row is None else Some(Snapshot(row[0], row[1], row[2], bytes(row[3])))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _command(conn: sqlite3.Connection, command_id: str) -> CommandRecord | None:
    seen = conn.execute("SELECT stream_id, first_position, last_position FROM commands "
                        "WHERE command_id = ?", (command_id,)).fetchone()
    return None if seen is None else CommandRecord(command_id, seen[0], seen[1], seen[2])



def _record(row: Sequence[Any]) -> StoredEvent:
    data, digest = row[6], row[7]
    return StoredEvent(position=row[0], stream_id=row[1], version=row[2], event_id=row[3],
                       event_type=row[4], schema_version=row[5],
                       data=data if type(data) is bytes else _as_bytes(data),
                       hash=digest if type(digest) is bytes else _as_bytes(digest),
                       command_id=row[8])


def _as_bytes(value: object) -> bytes:
    """BLOB columns hold bytes; a tampered file may hold text or numbers there instead, which
    must still reach the verifier (as their text) rather than crash the reader."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogateescape")

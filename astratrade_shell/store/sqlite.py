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
import functools
import sqlite3
import threading
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_shell.store.chain import (
    CHAIN_FORMAT,
    GENESIS_HASH,
    CorruptRecord,
    Migration,
    StoreChainBreak,
    audit_records,
    hashed_content,
    legacy_content,
    link_hash,
)
from astratrade_shell.store.plan import (
    ROW_COLUMNS,
    CommandRecord,
    Duplicate,
    StoreHead,
    plan_append,
)
from astratrade_shell.store.records import (
    Appended,
    AppendRequest,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
    paged,
)

__all__ = ["SCHEMA", "SCHEMA_VERSION", "SQLiteEventStore", "Synchronous", "migrate_sqlite_chain",
           "open_sqlite_store"]

#: ``PRAGMA user_version`` of the schema below: the audit chain's format (1: each hash covered
#: the event bytes; 2: the whole record).  Bump it with a migration.
SCHEMA_VERSION: Final = CHAIN_FORMAT
#: The ``user_version`` of stores written before the chain covered the whole record.
_FORMAT_1: Final = 1

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

# The record's columns, then whether each holds the kind of value the schema declares
# (SQLite's columns are dynamically typed: a tampered file can hold anything), checked by
# SQLite in C rather than per value in Python.
_COLUMNS = ("position, stream_id, version, event_id, event_type, schema_version, data, hash, "
            "command_id, (typeof(stream_id) = 'text' AND typeof(version) = 'integer' "
            "AND typeof(event_id) = 'text' AND typeof(event_type) = 'text' "
            "AND typeof(schema_version) = 'integer' AND typeof(command_id) IN ('text', 'null'))")
_INSERT = f"INSERT INTO events ({', '.join(ROW_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_PAGE = 2_000
_NO_END = 2**63 - 1  # the largest integer SQLite stores: read_all without an upper bound


class Synchronous(enum.Enum):
    """SQLite's ``synchronous`` level in WAL mode (see the module docstring)."""

    FULL = "FULL"
    NORMAL = "NORMAL"


#: Each table's columns, in order: what makes a file an AstraTrade store.
_TABLES: Final = {
    "events": ("position", "stream_id", "version", "event_id", "event_type", "schema_version",
               "data", "hash", "command_id"),
    "commands": ("command_id", "stream_id", "first_position", "last_position"),
    "snapshots": ("stream_id", "version", "state_type", "data"),
}
# Text a tampered file holds that is not UTF-8 still reads (as str with escapes), so the
# verifier can name the record instead of the reader crashing (used only for such a page).
_TEXT = functools.partial(str, encoding="utf-8", errors="surrogateescape")


def open_sqlite_store(
    path: str | Path,
    *,
    create: bool = True,
    read_only: bool = False,
    synchronous: Synchronous = Synchronous.FULL,
    busy_timeout_s: float = 30.0,
) -> Result[SQLiteEventStore, DomainError]:
    """Open (and with ``create``, initialise) the store at ``path``.

    ``read_only`` opens the file with SQLite's ``mode=ro`` (for verifying and replaying): the
    file is never written, which also works on a read-only file or directory (a store whose
    write-ahead log was checkpointed is then read as ``immutable``); appends fail.
    A file that is not an AstraTrade store is refused **before anything is written to it**
    (it is not switched to WAL; an empty file is not turned into a database unless
    ``create``).  Failures are values: ``store.missing`` (no file and not ``create``),
    ``store.unreadable`` (the system refuses to open it: permissions, a path too long, I/O),
    ``store.corrupt`` (not an SQLite database, or damaged), ``store.not_an_event_store``
    (another schema, or an empty file), ``store.needs_migration`` (a store of audit chain
    format 1: see :func:`migrate_sqlite_chain`).
    """
    target = Path(path)
    found = _inspect(target, create=create and not read_only)
    if isinstance(found, Failure):
        return Failure(found.failure())
    try:
        conn = _connect(target, read_only=read_only, timeout=busy_timeout_s)
    except sqlite3.Error as exc:
        return Failure(_open_failure(target, exc))
    try:
        checked = _check_schema(conn, target, create=create and not read_only)
        if isinstance(checked, Success) and not read_only:
            conn.execute(f"PRAGMA synchronous={synchronous.value}")
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                checked = Failure(DomainError.invalid(
                    "store.corrupt", f"{_shown(target)}: cannot use write-ahead logging",
                    path=target))
    except sqlite3.Error as exc:
        checked = Failure(_open_failure(target, exc))
    if isinstance(checked, Failure):
        conn.close()
        return Failure(checked.failure())
    return Success(SQLiteEventStore(conn, target))


def _shown(target: Path) -> str:
    """A path as error messages show it: at most 120 characters (a path the system refuses
    for its length must not flood the error line)."""
    text = str(target)
    return text if len(text) <= 120 else f"{text[:57]}...{text[-60:]}"


def _inspect(target: Path, *, create: bool) -> Result[None, DomainError]:
    """Refuse, before SQLite sees it, a path the system cannot use, a missing file (unless
    ``create``), a directory, and an empty file (unless ``create``)."""
    try:
        size = target.stat().st_size if target.exists() else None
        is_file = target.is_file()
    except OSError as exc:  # a path too long, a directory that cannot be searched
        return Failure(DomainError.unavailable(
            "store.unreadable", f"cannot open {_shown(target)}: {exc.strerror or exc}",
            path=target))
    if size is None:
        return Success(None) if create else Failure(DomainError.not_found(
            "store.missing", f"no event store at {_shown(target)}", path=target))
    if not is_file:
        return Failure(DomainError.invalid("store.corrupt", f"{_shown(target)} is not a file",
                                           path=target))
    if size == 0 and not create:
        return Failure(DomainError.invalid(
            "store.not_an_event_store", f"{_shown(target)} is an empty file, not an event store",
            path=target))
    return Success(None)


def _connect(target: Path, *, read_only: bool, timeout: float) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(target, timeout=timeout, isolation_level=None,
                               check_same_thread=False)
    uri = f"file:{urllib.parse.quote(str(target.absolute()))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError as exc:
        wal = target.with_name(target.name + "-wal")
        if not getattr(exc, "sqlite_errorname", "").startswith("SQLITE_READONLY") or (
                wal.exists() and wal.stat().st_size > 0):
            raise
        # A WAL-mode file in a directory this process cannot write (no -shm can be made),
        # with no write-ahead log left: every commit is in the file itself and nobody can
        # be writing it, so it is read as immutable.
        conn.close()
        conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, timeout=timeout,
                               isolation_level=None, check_same_thread=False)
    return conn


def _check_schema(conn: sqlite3.Connection, target: Path, *,
                  create: bool) -> Result[None, DomainError]:
    """Is this an AstraTrade store of the current format?  With ``create``, initialise a file
    that holds no table at all (a new or empty file); never touch one that holds others."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if version == 0 and not tables and create:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            conn.executescript(f"{SCHEMA}; PRAGMA user_version={SCHEMA_VERSION};")
            # executescript commits the open transaction itself.
        else:
            conn.execute("COMMIT")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = set(_TABLES)
    if version not in (SCHEMA_VERSION, _FORMAT_1) or not _has_tables(conn, tables):
        return Failure(DomainError.invalid(
            "store.not_an_event_store",
            f"{_shown(target)} is not an AstraTrade event store (schema version {version}, "
            f"expected {SCHEMA_VERSION})", path=target))
    if version == _FORMAT_1:
        return Failure(DomainError.invalid(
            "store.needs_migration",
            f"{_shown(target)} uses audit chain format 1 (only event bytes hashed): run "
            f"`astratrade audit migrate --store {_shown(target)}` to verify it and re-hash "
            "whole records",
            path=target))
    return Success(None)


def _has_tables(conn: sqlite3.Connection, tables: set[str]) -> bool:
    if not set(_TABLES) <= tables:
        return False
    return all(tuple(row[1] for row in conn.execute(f"PRAGMA table_info({name})")) == columns
               for name, columns in _TABLES.items())


def _open_failure(target: Path, exc: sqlite3.Error) -> DomainError:
    reason = str(exc) or type(exc).__name__
    if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CANTOPEN", "SQLITE_PERM",
                                                        "SQLITE_IOERR", "SQLITE_READONLY")):
        return DomainError.unavailable("store.unreadable", f"cannot open {_shown(target)}: "
                                                           f"{reason}", path=target)
    return DomainError.invalid("store.corrupt", f"{_shown(target)} is not a usable event "
                                                f"store: {reason}", path=target)


def migrate_sqlite_chain(path: str | Path) -> Result[Migration, DomainError]:
    """Move a store of audit chain format 1 (each hash covered the event bytes alone) to the
    current format (each hash covers the whole record), in one ``BEGIN IMMEDIATE``
    transaction: the old chain is verified first and a broken one is **refused**
    (``store.audit_broken``, nothing changed); then every hash is recomputed, the new chain
    is verified, and the format is raised.  A store already at the current format is only
    verified.  Anchors taken before no longer apply: the new head is the first new anchor.
    """
    target = Path(path)
    found = _inspect(target, create=False)
    if isinstance(found, Failure):
        return Failure(found.failure())
    try:
        conn = _connect(target, read_only=False, timeout=30.0)
    except sqlite3.Error as exc:
        return Failure(_open_failure(target, exc))
    try:
        return _migrate_chain(conn, target)
    except sqlite3.Error as exc:
        return Failure(_open_failure(target, exc))
    finally:
        conn.close()


def _migrate_chain(conn: sqlite3.Connection, target: Path) -> Result[Migration, DomainError]:
    checked = _check_schema(conn, target, create=False)
    if isinstance(checked, Success):  # already the current format
        verified = audit_records(_read_all(conn, 1))
        return verified.map(lambda head: Migration(head, 0)).alt(StoreChainBreak.error)
    if checked.failure().code != "store.needs_migration":
        return Failure(checked.failure())
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = audit_records(_read_all(conn, 1), content=legacy_content)
        if isinstance(old, Failure):
            conn.execute("ROLLBACK")
            return Failure(old.failure().error("refusing to migrate: "))
        previous = GENESIS_HASH
        for page in _pages(conn, 1):
            updates = []
            for record in page:
                previous = link_hash(previous, hashed_content(record))
                updates.append((previous, record.position))
            conn.executemany("UPDATE events SET hash = ? WHERE position = ?", updates)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    verified = audit_records(_read_all(conn, 1))
    return verified.map(lambda head: Migration(head, head.length)).alt(StoreChainBreak.error)



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
        return self.append_batch([AppendRequest(stream_id, tuple(events), expected_version,
                                                command_id)]).map(lambda done: done[0])

    def append_batch(self, requests: Sequence[AppendRequest],
                     ) -> Result[tuple[Appended, ...], VersionConflict]:
        """Every request in order in one ``BEGIN IMMEDIATE`` transaction: one commit (one
        fsync) for the batch, or nothing written."""
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            outcomes: list[Appended] = []
            wrote = False
            try:
                for request in requests:
                    plan = plan_append(self._head(conn, request.stream_id, request.command_id),
                                       request.stream_id, request.events,
                                       request.expected_version, request.command_id)
                    if isinstance(plan, VersionConflict):
                        conn.execute("ROLLBACK")
                        return Failure(plan)
                    if isinstance(plan, Duplicate):
                        outcomes.append(self._appended(conn, plan.command))
                        continue
                    conn.executemany(_INSERT, plan.rows)
                    if plan.command is not None:
                        command = plan.command
                        conn.execute("INSERT INTO commands VALUES (?, ?, ?, ?)",
                                     (command.command_id, command.stream_id,
                                      command.first_position, command.last_position))
                    wrote = True
                    outcomes.append(Appended(request.stream_id, plan.records))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT" if wrote else "ROLLBACK")
            return Success(tuple(outcomes))

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

    def read_all(self, from_position: int = 1,
                 to_position: int | None = None) -> Iterator[StoredEvent]:
        """Every record from ``from_position`` on (up to ``to_position``), a page at a time
        (memory stays bounded).  A row that cannot be a record raises
        :class:`~astratrade_shell.store.chain.CorruptRecord` when it is reached."""
        return _read_all(self._conn, from_position, self._lock,
                         _NO_END if to_position is None else to_position)

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



def _fetch_page(conn: sqlite3.Connection, position: int, last: int = _NO_END) -> list[Any]:
    query = (f"SELECT {_COLUMNS} FROM events WHERE position >= ? AND position <= ? "
             "ORDER BY position LIMIT ?")
    try:
        return conn.execute(query, (position, last, _PAGE)).fetchall()
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    # Text that is not UTF-8 (a tampered file): read this page again with escapes, so the
    # verifier names the record instead of the reader failing (the fast decoder otherwise).
    conn.text_factory = _TEXT
    try:
        return conn.execute(query, (position, last, _PAGE)).fetchall()
    finally:
        conn.text_factory = str


def _read_all(conn: sqlite3.Connection, from_position: int,
              lock: threading.Lock | None = None, last: int = _NO_END) -> Iterator[StoredEvent]:
    def fetch(position: int) -> list[Any]:
        if lock is None:
            return _fetch_page(conn, position, last)
        with lock:
            return _fetch_page(conn, position, last)
    return map(_record, paged(fetch, from_position, 0, _PAGE))


def _pages(conn: sqlite3.Connection, from_position: int) -> Iterator[list[StoredEvent]]:
    """The records a page at a time, each page read completely before it is handed out (so
    the caller may update the rows it holds)."""
    position = from_position
    while rows := _fetch_page(conn, position):
        yield [_record(row) for row in rows]
        position = rows[-1][0] + 1


# The Python type each stored column must read back as, to name the column a row's check
# column (the last of _COLUMNS) found wrong (position is the rowid: always an int; data and
# hash are read as bytes whatever they hold; command_id may also be NULL).
_KINDS: Final = ((1, str), (2, int), (3, str), (4, str), (5, int), (8, str))


def _record(row: Sequence[Any]) -> StoredEvent:
    if not row[9]:
        _refuse(row)
    data, digest = row[6], row[7]
    return StoredEvent(position=row[0], stream_id=row[1], version=row[2], event_id=row[3],
                       event_type=row[4], schema_version=row[5],
                       data=data if type(data) is bytes else _as_bytes(data),
                       hash=digest if type(digest) is bytes else _as_bytes(digest),
                       command_id=row[8])


def _refuse(row: Sequence[Any]) -> None:
    """Raise :class:`CorruptRecord` naming the first column that holds the wrong kind of
    value (SQLite's columns are dynamically typed: a tampered file can hold anything)."""
    index, kind = next((index, kind) for index, kind in _KINDS
                       if type(row[index]) is not kind and not (index == 8 and row[8] is None))
    raise CorruptRecord(row[0], f"column {_TABLES['events'][index]} holds a "
                                f"{type(row[index]).__name__}, not a {kind.__name__}")


def _as_bytes(value: object) -> bytes:
    """BLOB columns hold bytes; a tampered file may hold text or numbers there instead, which
    must still reach the verifier (as their text) rather than crash the reader."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogateescape")

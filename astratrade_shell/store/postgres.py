"""The PostgreSQL event store: several service instances sharing one database (psycopg 3).

**Ordering under concurrent writers.** Every append is one transaction that starts with
``LOCK TABLE events IN EXCLUSIVE MODE``.  That mode conflicts with itself and with the row
locks of ``INSERT``, so appends to one store (one schema) run one at a time, while plain
``SELECT`` readers (``ACCESS SHARE``) are never blocked.  Inside the lock the transaction
reads the newest position and hash (READ COMMITTED takes a fresh snapshot per statement, so
it sees the previous writer's commit) and numbers its rows ``last + 1, ...``.  The lock is
held until ``COMMIT``, hence positions are **gap-free and in commit order**: a reader that
has seen position ``p`` will never later discover a smaller position committed behind it —
unlike a ``SEQUENCE``, whose values are handed out at insert time and committed in any
order (and burnt by rollbacks).  The cost is one writer at a time per store; the
throughput is measured in ``docs/deployment.md``.

**Optimistic concurrency**: the stream's version is read inside the lock and compared with
``expected_version`` (a mismatch is a :class:`VersionConflict` value and nothing is
written); ``UNIQUE (stream_id, version)`` backs it.  Under the lock the new versions and
positions are always free, so a unique violation would mean another program wrote to the
table without the lock: a bug, which surfaces as an exception rather than a conflict.
**Idempotent commands**: the ``commands`` table, checked inside the same lock.
**One plan**: the head query reads the stream version, the command id's earlier append and
the newest position and hash; the shared pure plan
(:func:`~astratrade_shell.store.plan.plan_append`) turns them into the rows (numbered and
hash-chained), a conflict, or a duplicate answer.  The lock, the head query, one ``INSERT``
of every row and the command record, and the ``COMMIT``: five round trips per append.

**Schema** is created and migrated by :func:`open_postgres_store` under a transaction-level
advisory lock (instances starting together do not race); the version is kept in
``astratrade_schema``.  A ``schema`` argument puts the tables in their own PostgreSQL schema
(tests use one per test; deployments may use one per environment).

The connection comes from a URL: the ``url`` argument or ``$ASTRATRADE_PG_URL``
(``postgresql://user@host:port/db``; ``scripts/services.sh env`` prints a local one).

>>> open_postgres_store(None, environ={}).failure().code
'store.unconfigured'
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

import psycopg
from psycopg import sql
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_shell.redaction import redact_text, redact_url, url_secrets
from astratrade_shell.store.chain import (
    GENESIS_HASH,
    Migration,
    StoreChainBreak,
    audit_records,
    hashed_content,
    legacy_content,
    link_hash,
)
from astratrade_shell.store.plan import (
    ROW_COLUMNS,
    AppendPlan,
    CommandRecord,
    Duplicate,
    StoreHead,
    Write,
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

__all__ = ["MIGRATIONS", "PG_URL_VARIABLE", "PostgresEventStore", "check_schema_name",
           "migrate_postgres_chain", "open_postgres_store"]

#: The environment variable holding the connection URL.
PG_URL_VARIABLE = "ASTRATRADE_PG_URL"

#: Schema migrations, applied in order; ``astratrade_schema.version`` counts the applied ones.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE events (
        position BIGINT PRIMARY KEY,
        stream_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        data BYTEA NOT NULL,
        hash BYTEA NOT NULL,
        command_id TEXT,
        UNIQUE (stream_id, version)
    );
    CREATE TABLE commands (
        command_id TEXT PRIMARY KEY,
        stream_id TEXT NOT NULL,
        first_position BIGINT NOT NULL,
        last_position BIGINT NOT NULL
    );
    CREATE TABLE snapshots (
        stream_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        state_type TEXT NOT NULL,
        data BYTEA NOT NULL
    );
    """,
    # Version 2: audit chain format 2 (each hash covers the whole record).  The tables do not
    # change; a store at version 1 that holds events is re-hashed by migrate_postgres_chain.
    "COMMENT ON TABLE events IS 'audit chain format 2: each hash covers the whole record'",
)
#: The schema version whose step re-hashes stored events (format 1 -> 2): applied silently
#: only to an empty store, otherwise by :func:`migrate_postgres_chain`.
_REHASH_FROM: Final = 1

#: What a schema name may be: lower-case ASCII, digits and ``_``, at most 63 bytes (longer
#: names are truncated by the server, so two would share one store).
_SCHEMA_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")

#: Advisory lock key serialising schema migrations (any 64-bit constant of our own).
_MIGRATION_LOCK = 0x41_53_54_52_41_4D_49_47  # "ASTRAMIG"

_COLUMNS = ("position, stream_id, version, event_id, event_type, schema_version, data, hash, "
            "command_id")
# Everything an append must know, read in one round trip under the lock: the stream's
# version, the command's earlier append (if any), the newest position and its hash.
_HEAD = """
SELECT (SELECT max(version) FROM events WHERE stream_id = %s),
       c.stream_id, c.first_position, c.last_position, t.position, t.hash
FROM (SELECT 1) AS one
LEFT JOIN commands AS c ON c.command_id = %s
LEFT JOIN LATERAL (SELECT position, hash FROM events ORDER BY position DESC LIMIT 1) AS t ON TRUE
"""
# The rows (one array per column) and the command record, in one statement.
_INSERT = f"""
WITH command AS (
    INSERT INTO commands (command_id, stream_id, first_position, last_position)
    SELECT c, %s, %s, %s FROM (SELECT %s::text AS c) AS given WHERE c IS NOT NULL
)
INSERT INTO events ({", ".join(ROW_COLUMNS)}) SELECT * FROM unnest(
    %s::bigint[], %s::text[], %s::integer[], %s::text[], %s::text[], %s::integer[],
    %s::bytea[], %s::text[], %s::bytea[])
"""
_PAGE = 2_000
_NO_END = 2**63 - 1  # the largest bigint: read_all without an upper bound


def check_schema_name(name: str) -> Result[str, DomainError]:
    """A PostgreSQL schema name this store may use: ``[a-z_][a-z0-9_]{0,62}`` (so the server
    never truncates or folds it: two names are two stores) and not a system schema
    (``information_schema``, ``pg_*``); ``store.bad_schema`` otherwise.

    >>> check_schema_name("prod_eu").unwrap()
    'prod_eu'
    >>> [check_schema_name(n).failure().code for n in ("x" * 64, "x\\0y", "pg_catalog")]
    ['store.bad_schema', 'store.bad_schema', 'store.bad_schema']
    """
    shown = name[:70].encode("ascii", "backslashreplace").decode()
    if _SCHEMA_NAME.fullmatch(name) is None:
        return Failure(DomainError.invalid(
            "store.bad_schema", f"schema name {shown!r} is not 1-63 characters of a-z, 0-9 and "
                                "_ starting with a letter or _", schema=shown))
    if name == "information_schema" or name.startswith("pg_"):
        return Failure(DomainError.invalid(
            "store.bad_schema", f"schema name {shown!r} is a PostgreSQL system schema",
            schema=shown))
    return Success(name)


def _connect(url: str | None, environ: Mapping[str, str] | None, connect_timeout_s: int,
             ) -> Result[psycopg.Connection[Any], DomainError]:
    env = os.environ if environ is None else environ
    target = url if url is not None else env.get(PG_URL_VARIABLE)
    if not target:
        return Failure(DomainError.invalid("store.unconfigured", f"no PostgreSQL URL: pass one or "
                                      f"set ${PG_URL_VARIABLE}"))
    try:
        return Success(psycopg.connect(target, autocommit=True,
                                       connect_timeout=connect_timeout_s))
    except psycopg.Error as exc:
        # libpq's message may quote the URL's parts, password included: redact it.
        reason = redact_text(_first_line(exc), url_secrets(target))
        if isinstance(exc, psycopg.ProgrammingError):  # libpq cannot parse the URL
            return Failure(DomainError.invalid(
                "store.bad_url", f"{redact_url(target)} is not a usable PostgreSQL URL: "
                                 f"{reason}"))
        return Failure(DomainError.unavailable(
            "store.unreachable", f"cannot connect to PostgreSQL at {redact_url(target)}: "
                                 f"{reason}"))


def open_postgres_store(
    url: str | None = None,
    *,
    schema: str | None = None,
    environ: Mapping[str, str] | None = None,
    connect_timeout_s: int = 10,
    synchronous_commit: bool = True,
) -> Result[PostgresEventStore, DomainError]:
    """Connect to ``url`` (default ``$ASTRATRADE_PG_URL``), create or migrate the schema.

    Failures are values: ``store.unconfigured`` (no URL), ``store.bad_schema`` (a schema name
    :func:`check_schema_name` refuses, checked before connecting), ``store.bad_url`` (libpq
    cannot parse the URL), ``store.unreachable`` (cannot connect; no message ever shows the
    URL's password), ``store.not_an_event_store``
    (tables of another application, or a schema newer than this code),
    ``store.needs_migration`` (a store of audit chain format 1 holding events: see
    :func:`migrate_postgres_chain`).

    ``synchronous_commit=False`` sets PostgreSQL's ``synchronous_commit = off`` for this
    connection: an append returns before its WAL record is flushed, so a server or machine
    crash may lose the last few hundred milliseconds of appends (never corrupt, never out of
    order, no gap).  About 3-4x more appends per second; for simulations and load tests only.
    """
    if schema is not None and isinstance(named := check_schema_name(schema), Failure):
        return Failure(named.failure())
    connected = _connect(url, environ, connect_timeout_s)
    if isinstance(connected, Failure):
        return Failure(connected.failure())
    conn = connected.unwrap()
    try:
        if not synchronous_commit:
            conn.execute("SET synchronous_commit = off")
        _use_schema(conn, schema)
        migrated = _migrate(conn)
    except psycopg.Error as exc:
        conn.close()
        return Failure(DomainError.unavailable(
            "store.unreachable", f"cannot prepare the event store: "
                                      f"{_first_line(exc)}"))
    if isinstance(migrated, Failure):
        conn.close()
        return Failure(migrated.failure())
    return Success(PostgresEventStore(conn, schema))


def _use_schema(conn: psycopg.Connection[Any], schema: str | None) -> None:
    if schema is not None:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))


def _migrate(conn: psycopg.Connection[Any]) -> Result[int, DomainError]:
    """Bring the current schema up to ``len(MIGRATIONS)``; the resulting version.  The
    re-hashing step runs here only on a store without events."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        current = _schema_version(conn)
        if isinstance(current, Failure):
            return current
        version = current.unwrap()
        if version > len(MIGRATIONS):
            return Failure(DomainError.invalid(
                "store.not_an_event_store",
                f"schema version {version} is newer than this code ({len(MIGRATIONS)})"))
        if version == _REHASH_FROM and conn.execute(
                "SELECT EXISTS (SELECT 1 FROM events)").fetchone() == (True,):
            return Failure(DomainError.invalid(
                "store.needs_migration",
                "the store uses audit chain format 1 (only event bytes hashed): run `astratrade "
                "audit migrate` on it to verify it and re-hash whole records"))
        for step in MIGRATIONS[version:]:
            conn.execute(step.encode())
        conn.execute("UPDATE astratrade_schema SET version = %s", (len(MIGRATIONS),))
    return Success(len(MIGRATIONS))


def _schema_version(conn: psycopg.Connection[Any]) -> Result[int, DomainError]:
    """The current schema's version, creating the version table in an empty schema."""
    tables = {row[0] for row in conn.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema()")}
    if "astratrade_schema" not in tables:
        if tables & {"events", "commands", "snapshots"}:
            return Failure(DomainError.invalid(
                "store.not_an_event_store",
                "the schema holds event-store-like tables without a schema version"))
        conn.execute("CREATE TABLE astratrade_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO astratrade_schema VALUES (0)")
    row = conn.execute("SELECT version FROM astratrade_schema").fetchone()
    return Success(row[0] if row is not None else 0)


def migrate_postgres_chain(url: str | None = None, *, schema: str | None = None,
                           environ: Mapping[str, str] | None = None,
                           ) -> Result[Migration, DomainError]:
    """Move a store of audit chain format 1 to the current format in one transaction holding
    the migration lock and the events table's write lock: the old chain is verified first and
    a broken one is **refused** (``store.audit_broken``, nothing changed); then every hash is
    recomputed over the whole record and the schema version raised.  A store already at the
    current format is only verified.  Anchors taken before no longer apply: the new head is
    the first new anchor."""
    if schema is not None and isinstance(named := check_schema_name(schema), Failure):
        return Failure(named.failure())
    connected = _connect(url, environ, 10)
    if isinstance(connected, Failure):
        return Failure(connected.failure())
    conn = connected.unwrap()
    try:
        _use_schema(conn, schema)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            return _rehash(conn)
    except psycopg.Error as exc:
        return Failure(DomainError.unavailable("store.unreachable",
                                               f"cannot migrate the store: {_first_line(exc)}"))
    finally:
        conn.close()


def _rehash(conn: psycopg.Connection[Any]) -> Result[Migration, DomainError]:
    version = _schema_version(conn)
    if isinstance(version, Failure):
        return version
    if version.unwrap() != _REHASH_FROM:
        migrated = _migrate(conn)
        if isinstance(migrated, Failure):
            return Failure(migrated.failure())
        verified = audit_records(map(_record, _rows(conn)))
        return verified.map(lambda head: Migration(head, 0)).alt(StoreChainBreak.error)
    conn.execute("LOCK TABLE events IN EXCLUSIVE MODE")
    old = audit_records(map(_record, _rows(conn)), content=legacy_content)
    if isinstance(old, Failure):
        return Failure(old.failure().error("refusing to migrate: "))
    previous = GENESIS_HASH
    page: list[tuple[int, bytes]] = []
    for record in map(_record, _rows(conn)):
        previous = link_hash(previous, hashed_content(record))
        page.append((record.position, previous))
        if len(page) == _PAGE:
            _update_hashes(conn, page)
            page = []
    _update_hashes(conn, page)
    for step in MIGRATIONS[_REHASH_FROM:]:
        conn.execute(step.encode())
    conn.execute("UPDATE astratrade_schema SET version = %s", (len(MIGRATIONS),))
    verified = audit_records(map(_record, _rows(conn)))
    return verified.map(lambda head: Migration(head, head.length)).alt(StoreChainBreak.error)


def _rows(conn: psycopg.Connection[Any]) -> Iterator[Sequence[Any]]:
    def fetch(position: int) -> list[Any]:
        return conn.execute(f"SELECT {_COLUMNS} FROM events WHERE position >= %s ORDER BY "
                            "position LIMIT %s", (position, _PAGE)).fetchall()
    return paged(fetch, 1, 0, _PAGE)


def _update_hashes(conn: psycopg.Connection[Any], page: list[tuple[int, bytes]]) -> None:
    if page:
        positions, hashes = zip(*page, strict=True)
        conn.execute("UPDATE events SET hash = h.hash FROM unnest(%s::bigint[], %s::bytea[]) "
                     "AS h(position, hash) WHERE events.position = h.position",
                     (list(positions), list(hashes)))



class PostgresEventStore:
    """An :class:`~astratrade_shell.store.port.EventStore` over one PostgreSQL connection.

    Build it with :func:`open_postgres_store`.  One instance may be shared by threads (calls
    are serialised by a lock); processes and service instances each open their own.
    """

    def __init__(self, connection: psycopg.Connection[Any], schema: str | None) -> None:
        self._conn = connection
        self._lock = threading.Lock()
        self.schema = schema

    def __repr__(self) -> str:
        info = self._conn.info  # never includes the password
        return (f"PostgresEventStore(host={info.host!r}, port={info.port}, "
                f"dbname={info.dbname!r}, user={info.user!r}, schema={self.schema!r})")

    def append(
        self,
        stream_id: str,
        events: Sequence[PendingEvent],
        expected_version: int | ExpectedVersion,
        *,
        command_id: str | None = None,
    ) -> Result[Appended, VersionConflict]:
        """Append the batch in one transaction holding the table's write lock."""
        return self.append_batch([AppendRequest(stream_id, tuple(events), expected_version,
                                                command_id)]).map(lambda done: done[0])

    def append_batch(self, requests: Sequence[AppendRequest],
                     ) -> Result[tuple[Appended, ...], VersionConflict]:
        """Every request in order in one transaction holding the table's write lock: one
        commit for the batch, or nothing written."""
        outcomes: list[Appended] = []
        conflict: VersionConflict | None = None
        with self._lock, self._conn.transaction():
            self._conn.execute("LOCK TABLE events IN EXCLUSIVE MODE")
            wrote = False
            for request in requests:
                plan = self._plan(request)
                if isinstance(plan, VersionConflict):
                    conflict = plan
                    break
                if isinstance(plan, Duplicate):
                    outcomes.append(self._appended(plan.command))
                    continue
                self._write(plan)
                wrote = True
                outcomes.append(Appended(request.stream_id, plan.records))
            if conflict is not None or not wrote:
                raise psycopg.Rollback  # swallowed by transaction(): nothing is written
        return Success(tuple(outcomes)) if conflict is None else Failure(conflict)

    def _plan(self, request: AppendRequest) -> AppendPlan:
        head = self._conn.execute(_HEAD, (request.stream_id, request.command_id)).fetchone()
        assert head is not None  # the query always returns its one row
        current, seen_stream, seen_first, seen_last, position, previous = head
        command_id = request.command_id
        return plan_append(
            StoreHead(current or 0, position or 0,
                      GENESIS_HASH if previous is None else bytes(previous),
                      None if seen_stream is None or command_id is None else
                      CommandRecord(command_id, seen_stream, seen_first, seen_last)),
            request.stream_id, request.events, request.expected_version, command_id)

    def _write(self, plan: Write) -> None:
        command = plan.command
        if command is None and not plan.records:
            return
        columns = ([list(column) for column in zip(*plan.rows, strict=True)]
                   or [[] for _ in ROW_COLUMNS])
        self._conn.execute(_INSERT, (
            plan.stream_id, 0 if command is None else command.first_position,
            0 if command is None else command.last_position,
            None if command is None else command.command_id, *columns))

    def _appended(self, command: CommandRecord) -> Appended:
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM events WHERE position BETWEEN %s AND %s ORDER BY position",
            (command.first_position, command.last_position)).fetchall()
        return Appended(command.stream_id, tuple(map(_record, rows)), True)

    def find_command(self, command_id: str) -> Maybe[Appended]:
        """The append an earlier command with this id made, if any."""
        with self._lock:
            seen = self._conn.execute(
                "SELECT stream_id, first_position, last_position FROM commands "
                "WHERE command_id = %s", (command_id,)).fetchone()
            if seen is None:
                return Nothing
            return Some(self._appended(CommandRecord(command_id, seen[0], seen[1], seen[2])))

    def _version(self, stream_id: str) -> int:
        row = self._conn.execute("SELECT max(version) FROM events WHERE stream_id = %s",
                                 (stream_id,)).fetchone()
        found: int | None = row[0] if row is not None else None
        return found or 0

    def stream_version(self, stream_id: str) -> int:
        """The number of events in the stream."""
        with self._lock:
            return self._version(stream_id)

    def read_stream(self, stream_id: str, from_version: int = 1) -> Iterator[StoredEvent]:
        """The stream's records from ``from_version`` on, fetched a page at a time."""
        def fetch(version: int) -> list[Any]:
            with self._lock:
                return self._conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE stream_id = %s AND version >= %s "
                    "ORDER BY version LIMIT %s", (stream_id, version, _PAGE)).fetchall()
        return map(_record, paged(fetch, from_version, 2, _PAGE))

    def read_all(self, from_position: int = 1,
                 to_position: int | None = None) -> Iterator[StoredEvent]:
        """Every record from ``from_position`` on (up to ``to_position``), a page at a time
        (memory stays bounded)."""
        last = _NO_END if to_position is None else to_position

        def fetch(position: int) -> list[Any]:
            with self._lock:
                return self._conn.execute(
                    f"SELECT {_COLUMNS} FROM events WHERE position >= %s AND position <= %s "
                    "ORDER BY position LIMIT %s", (position, last, _PAGE)).fetchall()
        return map(_record, paged(fetch, from_position, 0, _PAGE))

    def last_position(self) -> int:
        """The newest global position (0 when empty)."""
        with self._lock:
            row = self._conn.execute("SELECT max(position) FROM events").fetchone()
        found: int | None = row[0] if row is not None else None
        return found or 0

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Replace the stream's snapshot (an upsert)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO snapshots (stream_id, version, state_type, data) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (stream_id) DO UPDATE SET "
                "version = EXCLUDED.version, state_type = EXCLUDED.state_type, "
                "data = EXCLUDED.data",
                (snapshot.stream_id, snapshot.version, snapshot.state_type, snapshot.data))

    def load_snapshot(self, stream_id: str) -> Maybe[Snapshot]:
        """The stream's latest snapshot, if any."""
        with self._lock:
            row = self._conn.execute(
                "SELECT stream_id, version, state_type, data FROM snapshots "
                "WHERE stream_id = %s", (stream_id,)).fetchone()
        return Nothing if row is None else Some(Snapshot(row[0], row[1], row[2], bytes(row[3])))

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _record(row: Sequence[Any]) -> StoredEvent:
    return StoredEvent(position=row[0], stream_id=row[1], version=row[2], event_id=row[3],
                       event_type=row[4], schema_version=row[5], data=bytes(row[6]),
                       hash=bytes(row[7]), command_id=row[8])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

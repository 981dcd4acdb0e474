"""Read-model tables in the event store's own database, and their transactions.

Persisted read models live beside the events -- the same SQLite file or the same PostgreSQL
schema -- in four tables shared by every model (each row is keyed by its model's name):

* ``rm_checkpoints(model, position, version)``: the last global position a model applied, and
  the version of the model's code that wrote its rows;
* ``rm_documents(model, key, body)``: one JSON document per key (an account, a player...);
* ``rm_entries(model, key, position, body)``: append-only lists (trades, equity points...),
  ordered by the global position of the event that made them;
* ``rm_scores(model, board, user_id, score, reached)``: leaderboard rows.

A :class:`ViewTransaction` is the only way to write them: rows and checkpoints change in ONE
database transaction, so a crash (even ``SIGKILL``) either keeps a batch and its checkpoint
or neither -- a restarted feeder resumes from the checkpoint and applies each position
exactly once.  On PostgreSQL the checkpoint rows are read ``FOR UPDATE``, so two feeders of
one model (or a feeder and ``astratrade projections rebuild``) take turns instead of
applying a position twice; on SQLite ``BEGIN IMMEDIATE`` does the same for the whole file.

JSON bodies hold decimals as strings.  The tables carry no rule: the read models
(:mod:`astratrade_shell.readmodels.views`) fold events with the core's functions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = ["Body", "ViewDatabase", "ViewTransaction", "dumps", "open_view_database"]

#: A JSON document as Python values (decimals already turned into strings).
Body = Mapping[str, Any]

_TABLES = (
    "CREATE TABLE IF NOT EXISTS rm_checkpoints (model TEXT PRIMARY KEY, "
    "position BIGINT NOT NULL, version TEXT NOT NULL DEFAULT '')",
    "CREATE TABLE IF NOT EXISTS rm_documents (model TEXT NOT NULL, key TEXT NOT NULL, "
    "body TEXT NOT NULL, PRIMARY KEY (model, key))",
    "CREATE TABLE IF NOT EXISTS rm_entries (model TEXT NOT NULL, key TEXT NOT NULL, "
    "position BIGINT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, "
    "PRIMARY KEY (model, key, position, seq))",
    "CREATE TABLE IF NOT EXISTS rm_scores (model TEXT NOT NULL, board TEXT NOT NULL, "
    "user_id TEXT NOT NULL, score TEXT NOT NULL, reached BIGINT NOT NULL, "
    "PRIMARY KEY (model, board, user_id))",
)


def dumps(body: Body) -> str:
    """Canonical JSON (sorted keys, no spaces; a Decimal as its exact string)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=_plain)


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"not JSON: {type(value).__name__}")


class ViewTransaction:
    """Reads and writes of one transaction (see the module docstring)."""

    def __init__(self, database: ViewDatabase) -> None:
        self._db = database
        self._savepoints = 0

    def _run(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql, args)

    def checkpoint(self, model: str) -> int:
        """The model's checkpoint, locked until the transaction ends (0 if none)."""
        self._run("INSERT INTO rm_checkpoints (model, position) VALUES (?, 0) "
                  "ON CONFLICT (model) DO NOTHING", (model,))
        lock = " FOR UPDATE" if self._db.dialect == "postgres" else ""
        row = self._run(f"SELECT position FROM rm_checkpoints WHERE model = ?{lock}",
                        (model,)).fetchone()
        return int(row[0])

    def set_checkpoint(self, model: str, position: int, version: str | None = None) -> None:
        """Record that ``model`` has applied everything up to ``position`` (and, when given,
        the ``version`` of the code that wrote its rows)."""
        if version is None:
            self._run("UPDATE rm_checkpoints SET position = ? WHERE model = ?",
                      (position, model))
        else:
            self._run("UPDATE rm_checkpoints SET position = ?, version = ? WHERE model = ?",
                      (position, version, model))

    def get(self, model: str, key: str) -> dict[str, Any] | None:
        """The document ``key`` of ``model``, if any."""
        row = self._run("SELECT body FROM rm_documents WHERE model = ? AND key = ?",
                        (model, key)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def put(self, model: str, key: str, body: Body) -> None:
        """Replace (or create) the document ``key``."""
        self._run("INSERT INTO rm_documents (model, key, body) VALUES (?, ?, ?) "
                  "ON CONFLICT (model, key) DO UPDATE SET body = excluded.body",
                  (model, key, dumps(body)))

    def delete(self, model: str, key: str) -> None:
        """Remove the document ``key`` (nothing if absent)."""
        self._run("DELETE FROM rm_documents WHERE model = ? AND key = ?", (model, key))

    def add_entry(self, model: str, key: str, position: int, body: Body, seq: int = 0) -> None:
        """Append an entry to the list ``key`` (``seq`` orders entries of one event)."""
        self._run("INSERT INTO rm_entries (model, key, position, seq, body) "
                  "VALUES (?, ?, ?, ?, ?)", (model, key, position, seq, dumps(body)))

    def set_score(self, model: str, board: str, user_id: str, score: Decimal,
                  reached: int) -> None:
        """``user_id``'s score on ``board``, reached at global position ``reached``."""
        self._run("INSERT INTO rm_scores (model, board, user_id, score, reached) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (model, board, user_id) DO UPDATE SET "
                  "score = excluded.score, reached = excluded.reached",
                  (model, board, user_id, format(score, "f"), reached))

    def score(self, model: str, board: str, user_id: str) -> Decimal | None:
        """``user_id``'s score on ``board``, if listed."""
        row = self._run("SELECT score FROM rm_scores WHERE model = ? AND board = ? "
                        "AND user_id = ?", (model, board, user_id)).fetchone()
        return None if row is None else Decimal(row[0])

    def drop_score(self, model: str, board: str, user_id: str) -> None:
        """Take ``user_id`` off ``board``."""
        self._run("DELETE FROM rm_scores WHERE model = ? AND board = ? AND user_id = ?",
                  (model, board, user_id))

    def clear(self, model: str) -> None:
        """Delete every row of ``model`` and reset its checkpoint to 0 (a rebuild)."""
        for table in ("rm_documents", "rm_entries", "rm_scores"):
            self._run(f"DELETE FROM {table} WHERE model = ?", (model,))
        self.checkpoint(model)
        self.set_checkpoint(model, 0)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo what the block wrote if it raises (the transaction goes on)."""
        self._savepoints += 1
        name = f"rm_{self._savepoints}"
        self._run(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._run(f"ROLLBACK TO SAVEPOINT {name}")
            self._run(f"RELEASE SAVEPOINT {name}")
            raise
        self._run(f"RELEASE SAVEPOINT {name}")


class ViewDatabase:
    """One connection to the read-model tables (SQLite or PostgreSQL); threads share it
    through a lock.  Build it with :func:`open_view_database`."""

    def __init__(self, connection: Any, dialect: str, location: str) -> None:
        self._conn = connection
        self.dialect = dialect
        self.location = location
        self._lock = threading.RLock()

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders, whatever the dialect)."""
        if self.dialect == "postgres":
            sql = sql.replace("?", "%s")
        return self._conn.execute(sql, tuple(args))

    def begin(self) -> ViewTransaction:
        """Open a transaction (the calling thread holds the connection until :meth:`end`);
        on SQLite ``BEGIN IMMEDIATE`` takes the write lock at once."""
        self._lock.acquire()
        try:
            self._conn.execute("BEGIN" if self.dialect == "postgres" else "BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return ViewTransaction(self)

    def end(self, *, commit: bool) -> None:
        """Commit (or roll back) the transaction :meth:`begin` opened."""
        try:
            self._conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            self._lock.release()

    @contextmanager
    def transaction(self) -> Iterator[ViewTransaction]:
        """One transaction: everything written in the block commits together or not at
        all."""
        tx = self.begin()
        try:
            yield tx
        except BaseException:
            self.end(commit=False)
            raise
        self.end(commit=True)

    @contextmanager
    def reading(self) -> Iterator[ViewTransaction]:
        """A consistent read (one snapshot) of the tables."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                if self.dialect == "postgres":
                    self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield ViewTransaction(self)
            finally:
                self._conn.execute("COMMIT")

    def documents(self, model: str, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        """Every document of ``model`` whose key starts with ``prefix``, by key."""
        with self._lock:
            rows = self.execute("SELECT key, body FROM rm_documents WHERE model = ? "
                                "AND key >= ? AND key < ? ORDER BY key",
                                (model, prefix, prefix + "\U0010ffff")).fetchall()
        return [(k, dict(json.loads(b))) for k, b in rows]

    def document(self, model: str, key: str) -> dict[str, Any] | None:
        """One document."""
        with self.reading() as tx:
            return tx.get(model, key)

    def entries(self, model: str, key: str, *, after: int = 0, limit: int = 100,
                ) -> list[tuple[int, dict[str, Any]]]:
        """Up to ``limit`` entries of the list ``key`` after global position ``after``."""
        with self._lock:
            rows = self.execute("SELECT position, body FROM rm_entries WHERE model = ? AND "
                                "key = ? AND position > ? ORDER BY position, seq LIMIT ?",
                                (model, key, after, limit)).fetchall()
        return [(int(p), dict(json.loads(b))) for p, b in rows]

    def scores(self, model: str, board: str) -> list[tuple[str, Decimal, int]]:
        """Every ``(user, score, reached)`` row of ``board``."""
        with self._lock:
            rows = self.execute("SELECT user_id, score, reached FROM rm_scores WHERE "
                                "model = ? AND board = ?", (model, board)).fetchall()
        return [(u, Decimal(s), int(r)) for u, s, r in rows]

    def checkpoints(self) -> dict[str, int]:
        """Every model's checkpoint."""
        with self._lock:
            rows = self.execute("SELECT model, position FROM rm_checkpoints").fetchall()
        return {m: int(p) for m, p in rows}

    def versions(self) -> dict[str, str]:
        """The version of the code that wrote each model's rows (``""``: not yet recorded)."""
        with self._lock:
            rows = self.execute("SELECT model, version FROM rm_checkpoints").fetchall()
        return {m: str(v) for m, v in rows}

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self._lock:
                self.execute("SELECT 1").fetchone()
        except Exception:  # any failure means "not ready"
            return False
        return True

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def _is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def open_view_database(location: str | Path, *, schema: str | None = None,
                       busy_timeout_s: float = 30.0) -> Result[ViewDatabase, DomainError]:
    """Open the read-model tables in the event store at ``location`` (an SQLite file or a
    ``postgresql://`` URL with ``schema``), creating them if needed.

    SQLite connections run ``synchronous=NORMAL``: a power cut may lose the newest read-model
    commits, never tear one, and a feeder then re-applies from the older checkpoint (the
    store, at ``FULL``, still holds every event).  Failures: ``readmodels.unreachable``.
    """
    text = str(location)
    if _is_postgres(text):
        return _open_postgres(text, schema)
    try:
        conn = sqlite3.connect(text, timeout=busy_timeout_s, isolation_level=None,
                               check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        for statement in _TABLES:
            conn.execute(statement)
    except sqlite3.Error as exc:
        return Failure(DomainError.unavailable("readmodels.unreachable",
                                               f"cannot open the read models in {text}: {exc}"))
    return Success(ViewDatabase(conn, "sqlite", text))


def _open_postgres(url: str, schema: str | None) -> Result[ViewDatabase, DomainError]:
    import psycopg  # noqa: PLC0415 - the postgres extra, only when asked for
    from psycopg import sql  # noqa: PLC0415

    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error:
        return Failure(DomainError.unavailable("readmodels.unreachable",
                                               "cannot connect to PostgreSQL for the read "
                                               "models"))
    try:
        if schema is not None:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (0x41_53_54_52_41_52_4D,))
            for statement in _TABLES:
                conn.execute(statement.encode())
    except psycopg.Error as exc:
        conn.close()
        return Failure(DomainError.unavailable("readmodels.unreachable",
                                               f"cannot prepare the read models: "
                                               f"{type(exc).__name__}"))
    return Success(ViewDatabase(conn, "postgres", url))

"""The SQLite store passes the conformance suite; its file-level failures are values."""

from __future__ import annotations

import os
import pwd
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from returns.result import Result, Success

from astratrade_shell.store import (
    ChainHead,
    EventStore,
    Migration,
    SQLiteEventStore,
    StoreChainBreak,
    StoredEvent,
    Synchronous,
    migrate_sqlite_chain,
    open_sqlite_store,
    verify_store,
)
from astratrade_shell.store.chain import GENESIS_HASH, link_hash
from tests.shell.store.conformance import EventStoreConformance, pending
from tests.shell.store.tampering import COLUMN_EDITS, TARGET, fill, rehashed


class TestSQLiteEventStore(EventStoreConformance):
    def open_store(self, location: Path) -> EventStore:
        return open_sqlite_store(location / "events.db").unwrap()

    def reopen(self, store: EventStore, location: Path) -> EventStore:
        store.close()
        return open_sqlite_store(location / "events.db", create=False).unwrap()


def test_durability_pragmas_are_wal_and_the_chosen_synchronous_level(tmp_path: Path) -> None:
    for level, number in ((Synchronous.FULL, 2), (Synchronous.NORMAL, 1)):
        store = open_sqlite_store(tmp_path / f"{level.value}.db", synchronous=level).unwrap()
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == number
        store.close()


def test_a_missing_file_is_reported_without_creating_it(tmp_path: Path) -> None:
    result = open_sqlite_store(tmp_path / "nope.db", create=False)
    assert result.failure().code == "store.missing"
    assert not (tmp_path / "nope.db").exists()


def test_a_file_that_is_not_a_database_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not an sqlite file" * 100)
    assert open_sqlite_store(path).failure().code == "store.corrupt"


def test_a_foreign_sqlite_database_is_not_taken_for_an_event_store(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA user_version = 42")
    conn.commit()
    conn.close()
    assert open_sqlite_store(path, create=False).failure().code == "store.not_an_event_store"


def test_two_handles_on_one_file_see_each_others_appends(tmp_path: Path) -> None:
    first = open_sqlite_store(tmp_path / "e.db").unwrap()
    second = open_sqlite_store(tmp_path / "e.db").unwrap()
    first.append("s", [pending("a")], 0).unwrap()
    assert second.append("s", [pending("b")], 0).failure().actual == 1
    assert second.append("s", [pending("b")], 1).unwrap().records[0].position == 2
    assert [r.event_id for r in first.read_all()] == ["evt-a", "evt-b"]
    assert isinstance(first, SQLiteEventStore) and first.path == tmp_path / "e.db"
    first.close()
    second.close()


# --- issue 13: the chain covers every column; files are opened without being changed ------


def _filled(path: Path) -> tuple[StoredEvent, ...]:
    store = open_sqlite_store(path).unwrap()
    records = fill(store)
    store.close()
    return records


def _execute(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


def _verdict(path: Path, anchors: tuple[ChainHead, ...] = ()) -> Result[int, StoreChainBreak]:
    store = open_sqlite_store(path, create=False, read_only=True).unwrap()
    try:
        return verify_store(store, anchors)
    finally:
        store.close()


@pytest.mark.parametrize("column", COLUMN_EDITS)
def test_changing_any_column_of_a_row_is_named_at_that_row(tmp_path: Path, column: str) -> None:
    path = tmp_path / "events.db"
    _filled(path)
    assert _verdict(path) == Success(5)
    clause, params = COLUMN_EDITS[column]
    _execute(path, f"UPDATE events SET {clause.format(p='?')} WHERE position = {TARGET}",
             *params)
    assert _verdict(path).failure().position == TARGET


@pytest.mark.parametrize(("clause", "found"), [
    ("version = 'abc'", "column version holds a str, not a int"),
    ("schema_version = 1.5", "column schema_version holds a float, not a int"),
    ("stream_id = X'00ff'", "column stream_id holds a bytes, not a str"),
    ("command_id = X'63'", "column command_id holds a bytes, not a str"),
    ("event_type = CAST(X'ff' AS TEXT)", "its hash does not match"),  # not UTF-8
    ("data = 'text'", "its hash does not match"),
])
def test_a_value_of_the_wrong_kind_is_named_at_its_row(tmp_path: Path, clause: str,
                                                        found: str) -> None:
    path = tmp_path / "events.db"
    _filled(path)
    _execute(path, f"UPDATE events SET {clause} WHERE position = {TARGET}")
    broken = _verdict(path).failure()
    assert broken.position == TARGET and found in broken.reason


def test_a_rewritten_and_rehashed_chain_is_caught_by_an_anchor(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    records = _filled(path)
    anchor = ChainHead(5, records[-1].hash)
    forged = [attrs.evolve(r, event_type="Forged") if r.position == 2 else r for r in records]
    _execute(path, "UPDATE events SET event_type = 'Forged' WHERE position = 2")
    conn = sqlite3.connect(path)
    conn.executemany("UPDATE events SET hash = ? WHERE position = ?", rehashed(forged))
    conn.commit()
    conn.close()
    assert _verdict(path) == Success(5)  # internally consistent: a chain alone cannot tell
    broken = _verdict(path, (anchor,)).failure()
    assert broken.position == 5 and "does not pass through the anchor" in broken.reason


def test_deleting_the_last_rows_is_caught_by_an_anchor(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    records = _filled(path)
    anchors = (ChainHead(3, records[2].hash), ChainHead(5, records[4].hash))
    _execute(path, "DELETE FROM events WHERE position > 3")
    assert _verdict(path) == Success(3)
    broken = _verdict(path, anchors).failure()
    assert broken.position == 4 and "the store ends at position 3" in broken.reason
    assert _verdict(path, anchors[:1]) == Success(3)  # the older anchor still holds


def test_a_format_1_store_is_verified_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _filled(path)
    _make_format_1(path)
    assert open_sqlite_store(path, create=False).failure().code == "store.needs_migration"
    migrated = migrate_sqlite_chain(path).unwrap()
    assert (migrated.head.length, migrated.rehashed) == (5, 5)
    assert _verdict(path) == Success(5)
    assert migrate_sqlite_chain(path).unwrap() == Migration(migrated.head, 0)  # idempotent


def test_a_broken_format_1_store_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _filled(path)
    _make_format_1(path)
    _execute(path, "UPDATE events SET data = X'00' WHERE position = 2")
    before = path.read_bytes()
    refused = migrate_sqlite_chain(path).failure()
    assert refused.code == "store.audit_broken" and refused.fields["position"] == "2"
    assert path.read_bytes() == before


def _make_format_1(path: Path) -> None:
    """Turn a store into one written before issue 13: hashes over the event bytes alone."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT position, data FROM events ORDER BY position").fetchall()
    previous = GENESIS_HASH
    for position, data in rows:
        previous = link_hash(previous, data)
        conn.execute("UPDATE events SET hash = ? WHERE position = ?", (previous, position))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()


def test_a_foreign_sqlite_file_is_refused_without_being_changed(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    for create in (True, False):
        assert open_sqlite_store(path, create=create).failure().code == (
            "store.not_an_event_store")
    assert open_sqlite_store(path, read_only=True).failure().code == "store.not_an_event_store"
    assert path.read_bytes() == before  # in particular not switched to WAL
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_empty_file_is_not_turned_into_a_database(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    for opened in (open_sqlite_store(path, create=False),
                   open_sqlite_store(path, read_only=True)):
        assert opened.failure().code == "store.not_an_event_store"
    assert path.read_bytes() == b""
    assert open_sqlite_store(path).unwrap().last_position() == 0  # create=True may use it


def test_corrupt_schema_text_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    _filled(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = CAST(X'ff00fe' AS TEXT) "
                 "WHERE name = 'snapshots'")
    conn.commit()
    conn.close()
    for read_only in (True, False):
        failure = open_sqlite_store(path, create=False, read_only=read_only).failure()
        assert failure.code == "store.corrupt"


def test_a_path_the_system_refuses_is_unreadable(tmp_path: Path) -> None:
    failure = open_sqlite_store(tmp_path / ("x" * 5000), create=False).failure()
    assert (failure.code, failure.kind.value) == ("store.unreadable", "unavailable")
    assert open_sqlite_store(tmp_path, create=False).failure().code == "store.corrupt"


def test_a_read_only_store_verifies_on_a_read_only_directory() -> None:
    # The store and its directory are read-only for the reader (no -wal/-shm can be
    # created). Root ignores file modes, so as root the reader is a forked child that
    # became `nobody` (it keeps the interpreter and modules already loaded); the directory
    # is made outside pytest's private (0700) temporary tree so that `nobody` can reach it.
    with tempfile.TemporaryDirectory() as base:
        Path(base).chmod(0o755)
        folder = Path(base) / "ro"
        folder.mkdir()
        path = folder / "events.db"
        _filled(path)
        _execute(path, "PRAGMA wal_checkpoint(TRUNCATE)")
        for leftover in folder.glob("events.db-*"):
            leftover.unlink()
        path.chmod(0o444)
        folder.chmod(0o555)
        try:
            assert _as_unprivileged(lambda: _verdict(path) == Success(5))
            assert sorted(p.name for p in folder.iterdir()) == ["events.db"]
        finally:
            folder.chmod(0o755)


def _as_unprivileged(check: Callable[[], bool]) -> bool:
    if os.getuid() != 0:
        return check()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, reports by exit status
        try:
            nobody = pwd.getpwnam("nobody")
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            os._exit(0 if check() else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status) == 0

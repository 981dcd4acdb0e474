"""The SQLite store passes the conformance suite; its file-level failures are values."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from astratrade_shell.store import (
    EventStore,
    SQLiteEventStore,
    Synchronous,
    open_sqlite_store,
)
from tests.shell.store.conformance import EventStoreConformance, pending


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

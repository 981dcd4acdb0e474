"""The PostgreSQL store against a REAL server: the conformance suite, schema handling, and
writer processes racing while a reader tails the log.

Run through ``make pytest`` (it starts the servers with ``scripts/services.sh`` and exports
``ASTRATRADE_PG_URL``).  Without the variable every test here fails, on purpose: a store test
that silently skips is a store that is silently untested.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import attrs
import psycopg
import pytest
from psycopg import sql
from returns.result import Success

from astratrade_shell.store import ChainHead, EventStore, verify_store
from astratrade_shell.store.chain import GENESIS_HASH, link_hash
from astratrade_shell.store.postgres import (
    MIGRATIONS,
    PostgresEventStore,
    migrate_postgres_chain,
    open_postgres_store,
)
from tests.shell.store.conformance import EventStoreConformance, pending
from tests.shell.store.pg_writers import SHARED, pg_mixed_writer, pg_tailing_reader
from tests.shell.store.tampering import COLUMN_EDITS, TARGET, fill, rehashed

WRITERS = 4
APPENDS = 400


def pg_url() -> str:
    """The server's URL, or a test failure that says how to get one."""
    url = os.environ.get("ASTRATRADE_PG_URL")
    if not url:
        pytest.fail("ASTRATRADE_PG_URL is not set: run these tests via `make pytest` (which "
                    "starts PostgreSQL), or `scripts/services.sh start` and "
                    "`export $(scripts/services.sh env)` first.")
    return url


def fresh_schema() -> str:
    return f"test_{uuid.uuid4().hex[:16]}"


def drop_schemas(names: list[str]) -> None:
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        for name in names:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    names.clear()


@pytest.fixture
def schema() -> Iterator[str]:
    name = fresh_schema()
    yield name
    drop_schemas([name])


class TestPostgresEventStore(EventStoreConformance):
    """Every conformance test, each in its own fresh PostgreSQL schema."""

    created: ClassVar[list[str]] = []
    schemas: ClassVar[dict[Path, str]] = {}

    @pytest.fixture(autouse=True, scope="class")
    @classmethod
    def _drop_created_schemas(cls) -> Iterator[None]:
        yield
        drop_schemas(cls.created)

    def open_store(self, location: Path) -> EventStore:
        name = fresh_schema()
        self.created.append(name)
        self.schemas[location] = name
        return open_postgres_store(pg_url(), schema=name).unwrap()

    def reopen(self, store: EventStore, location: Path) -> EventStore:
        store.close()
        return open_postgres_store(pg_url(), schema=self.schemas[location]).unwrap()


def test_the_url_comes_from_the_environment(schema: str) -> None:
    store = open_postgres_store(schema=schema, environ={"ASTRATRADE_PG_URL": pg_url()}).unwrap()
    assert store.schema == schema and store.last_position() == 0
    store.close()


def test_an_unreachable_server_is_a_value() -> None:
    # Port 1 on loopback: nothing listens there; the refusal is immediate.
    result = open_postgres_store("postgresql://nobody@127.0.0.1:1/none", connect_timeout_s=2)
    assert result.failure().code == "store.unreachable"


def test_opening_twice_migrates_once_and_records_the_schema_version(schema: str) -> None:
    first = open_postgres_store(pg_url(), schema=schema).unwrap()
    first.append("s", [pending("a")], 0).unwrap()
    second = open_postgres_store(pg_url(), schema=schema).unwrap()
    assert [r.event_id for r in second.read_all()] == ["evt-a"]
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        assert conn.execute("SELECT version FROM astratrade_schema").fetchall() == [
            (len(MIGRATIONS),)]
    first.close()
    second.close()


def test_foreign_tables_or_a_newer_schema_are_not_taken_for_our_store(schema: str) -> None:
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE TABLE {}.events (x int)").format(sql.Identifier(schema)))
    assert open_postgres_store(pg_url(), schema=schema).failure().code == (
        "store.not_an_event_store")
    newer = fresh_schema()
    try:
        open_postgres_store(pg_url(), schema=newer).unwrap().close()
        with psycopg.connect(pg_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("UPDATE {}.astratrade_schema SET version = 99").format(
                sql.Identifier(newer)))
        assert open_postgres_store(pg_url(), schema=newer).failure().code == (
            "store.not_an_event_store")
    finally:
        drop_schemas([newer])


def test_two_instances_on_one_schema_see_each_others_appends(schema: str) -> None:
    first = open_postgres_store(pg_url(), schema=schema).unwrap()
    second = open_postgres_store(pg_url(), schema=schema).unwrap()
    first.append("s", [pending("a")], 0).unwrap()
    assert second.append("s", [pending("b")], 0).failure().actual == 1
    assert second.append("s", [pending("b")], 1).unwrap().records[0].position == 2
    assert [r.event_id for r in first.read_all()] == ["evt-a", "evt-b"]
    assert isinstance(first, PostgresEventStore)
    first.close()
    second.close()


def test_writer_processes_and_a_tailing_reader_see_gap_free_commit_order(
    schema: str, tmp_path: Path
) -> None:
    """4 writer processes race (shared stream with optimistic retries, own streams, command
    ids retried) while a reader tails ``read_all(last + 1)``: the reader must never see a
    position appear behind one it already saw, which is what commit-order numbering buys."""
    url = pg_url()
    open_postgres_store(url, schema=schema).unwrap().close()
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    done = spawn.Event()
    reports = [tmp_path / f"writer-{w}.json" for w in range(WRITERS)]
    seen_report = tmp_path / "reader.json"
    writers = [spawn.Process(target=pg_mixed_writer, args=((url, schema), w, APPENDS, start,
                                                          str(r)))
               for w, r in enumerate(reports)]
    reader = spawn.Process(target=pg_tailing_reader, args=(url, schema, start, done,
                                                           str(seen_report)))
    for process in [*writers, reader]:
        process.start()
    start.set()
    for process in writers:
        process.join(timeout=120)
        assert process.exitcode == 0  # conflicts came back as values, nothing raised
    done.set()
    reader.join(timeout=60)
    assert reader.exitcode == 0
    outcomes: list[dict[str, Any]] = [json.loads(r.read_text()) for r in reports]

    store = open_postgres_store(url, schema=schema).unwrap()
    records = list(store.read_all())
    stored_ids = [r.event_id for r in records]
    expected_count = WRITERS * sum(1 + n % 3 for n in range(APPENDS))  # batches of 1, 2, 3
    assert len(set(stored_ids)) == len(stored_ids) == expected_count
    assert sorted(stored_ids) == sorted(i for o in outcomes for i in o["stored"])
    assert [r.position for r in records] == list(range(1, expected_count + 1))
    versions: dict[str, list[int]] = collections.defaultdict(list)
    for record in records:
        versions[record.stream_id].append(record.version)
    assert sorted(versions) == sorted([SHARED, *(f"writer-{w}" for w in range(WRITERS))])
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    position = {r.event_id: r.position for r in records}
    for outcome in outcomes:
        mine = [position[i] for i in outcome["stored"]]
        assert mine == sorted(mine)
    # The tailing reader saw exactly 1..N, in order, with no position skipped and found later.
    seen = json.loads(seen_report.read_text())
    assert seen == list(range(1, expected_count + 1))
    assert verify_store(store) == Success(expected_count)
    store.close()


def test_synchronous_commit_is_on_unless_traded_for_speed(schema: str) -> None:
    for wanted, shown in ((True, "on"), (False, "off")):
        store = open_postgres_store(pg_url(), schema=schema,
                                    synchronous_commit=wanted).unwrap()
        assert store._conn.execute("SHOW synchronous_commit").fetchone() == (shown,)
        store.close()


# --- issue 13: the chain covers every column; names are checked; format-1 stores migrate --


def _in_schema(schema: str, statement: str, params: tuple[object, ...] = ()) -> None:
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        conn.execute(statement.encode(), params)


@pytest.mark.parametrize("column", COLUMN_EDITS)
def test_changing_any_column_of_a_row_is_named_at_that_row(schema: str, column: str) -> None:
    store = open_postgres_store(pg_url(), schema=schema).unwrap()
    fill(store)
    assert verify_store(store) == Success(5)
    clause, params = COLUMN_EDITS[column]
    _in_schema(schema, f"UPDATE events SET {clause.format(p='%s')} WHERE position = {TARGET}",
               params)
    assert verify_store(store).failure().position == TARGET
    store.close()


def test_rewriting_and_truncating_are_caught_by_anchors(schema: str) -> None:
    store = open_postgres_store(pg_url(), schema=schema).unwrap()
    records = fill(store)
    anchor = ChainHead(5, records[-1].hash)
    forged = [attrs.evolve(r, data=b'{"tag":"forged"}') if r.position == 2 else r
              for r in records]
    _in_schema(schema, "UPDATE events SET data = %s WHERE position = 2", (forged[1].data,))
    for digest, position in rehashed(forged):
        _in_schema(schema, "UPDATE events SET hash = %s WHERE position = %s",
                   (digest, position))
    assert verify_store(store) == Success(5)
    assert verify_store(store, [anchor]).failure().position == 5
    _in_schema(schema, "DELETE FROM events WHERE position > 3")
    assert verify_store(store) == Success(3)
    assert verify_store(store, [anchor]).failure().position == 4
    store.close()


@pytest.mark.parametrize("name", ["x" * 64, "x\0y", "information_schema", "pg_toast",
                                  "Upper", "1abc", "", "sp ace", "\u00e9t\u00e9"])
def test_bad_schema_names_are_refused_before_use(name: str) -> None:
    assert open_postgres_store(pg_url(), schema=name).failure().code == "store.bad_schema"


def test_the_longest_names_are_two_stores(schema: str) -> None:
    # 63 bytes is the most PostgreSQL keeps; two names differing in the 63rd byte stay apart
    first, second = "a" * 62 + "1", "a" * 62 + "2"
    try:
        one = open_postgres_store(pg_url(), schema=first).unwrap()
        one.append("s", [pending("a")], 0).unwrap()
        other = open_postgres_store(pg_url(), schema=second).unwrap()
        assert other.last_position() == 0
        one.close()
        other.close()
    finally:
        drop_schemas([first, second])


def test_a_format_1_store_is_refused_until_migrated(schema: str) -> None:
    store = open_postgres_store(pg_url(), schema=schema).unwrap()
    fill(store)
    store.close()
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        rows = conn.execute("SELECT position, data FROM events ORDER BY position").fetchall()
        previous = GENESIS_HASH
        for position, data in rows:  # the hashes of before issue 13: event bytes alone
            previous = link_hash(previous, bytes(data))
            conn.execute("UPDATE events SET hash = %s WHERE position = %s", (previous, position))
        conn.execute("UPDATE astratrade_schema SET version = 1")
    assert open_postgres_store(pg_url(), schema=schema).failure().code == (
        "store.needs_migration")
    _in_schema(schema, "UPDATE events SET data = %s WHERE position = 4", (b"{}",))
    refused = migrate_postgres_chain(pg_url(), schema=schema).failure()
    assert (refused.code, refused.fields["position"]) == ("store.audit_broken", "4")
    _in_schema(schema, "UPDATE events SET data = %s WHERE position = 4", (pending("4").data,))
    migrated = migrate_postgres_chain(pg_url(), schema=schema).unwrap()
    assert migrated.rehashed == 5
    reopened = open_postgres_store(pg_url(), schema=schema).unwrap()
    assert verify_store(reopened) == Success(5)
    assert migrate_postgres_chain(pg_url(), schema=schema).unwrap().rehashed == 0
    reopened.close()


def test_an_empty_format_1_store_is_upgraded_on_open(schema: str) -> None:
    open_postgres_store(pg_url(), schema=schema).unwrap().close()
    _in_schema(schema, "UPDATE astratrade_schema SET version = 1")
    open_postgres_store(pg_url(), schema=schema).unwrap().close()
    with psycopg.connect(pg_url(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        assert conn.execute("SELECT version FROM astratrade_schema").fetchall() == [
            (len(MIGRATIONS),)]


def test_a_malformed_url_never_shows_its_password() -> None:
    # libpq refuses the first URL itself (psycopg: ProgrammingError) and quotes the token,
    # password included; it reports the other two as failed connections.
    for url, code in (("postgresql://app:S3cr%zzet@127.0.0.1:1/x", "store.bad_url"),
                      ("postgresql://app:S3cret@127.0.0.1:notaport/x", "store.unreachable"),
                      ("postgresql://app:S3cret@127.0.0.1:1/x?sslmode=bogus",
                       "store.unreachable"),
                      ("postgresql://app:S3cret@127.0.0.1:1/x", "store.unreachable")):
        failure = open_postgres_store(url, connect_timeout_s=2).failure()
        assert failure.code == code, str(failure)
        assert "S3cr" not in str(failure) and "***" in str(failure), str(failure)

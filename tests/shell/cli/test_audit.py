"""``astratrade audit verify|head|migrate`` and ``replay`` on real store files (issue 13): the
chain covers every column, anchors catch truncation and re-hashed rewrites, stores are opened
read-only, and every failure is one ``error:`` line with its documented exit code."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from astratrade_shell.cli import cli
from astratrade_shell.store import open_sqlite_store
from astratrade_shell.store.chain import GENESIS_HASH, link_hash
from astratrade_shell.store.records import StoredEvent
from tests.shell.bus.redis_fixtures import xp_event
from tests.shell.store.tampering import COLUMN_EDITS, TARGET, rehashed

HEAD = re.compile(r"^(\d+):([0-9a-f]{64})$")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _store(path: Path, count: int = 6) -> None:
    """``count`` XP awards of 5 for u-1, each with a command id."""
    store = open_sqlite_store(path).unwrap()
    for n in range(count):
        store.append("u-1", [xp_event("u-1", n, 5)], n, command_id=f"c-{n}").unwrap()
    store.close()


def _sql(path: Path, statement: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement, params)
    conn.commit()
    conn.close()


def _error(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


@pytest.mark.parametrize("column", COLUMN_EDITS)
def test_verify_names_the_row_whatever_column_changed(tmp_path: Path, column: str) -> None:
    path = tmp_path / "events.db"
    _store(path)
    clause, params = COLUMN_EDITS[column]
    if column == "data":
        params = (xp_event("u-1", 9, 999_999).data,)  # a valid event, just not this one
    _sql(path, f"UPDATE events SET {clause.format(p='?')} WHERE position = {TARGET}", *params)
    result = run("audit", "verify", "--store", str(path))
    assert result.exit_code == 1
    assert _error(result).startswith(f"error: store.audit_broken: record at position {TARGET}:")


def test_the_issue_attack_an_edited_event_type_no_longer_passes(tmp_path: Path) -> None:
    # `update events set event_type='X' where position=...` used to verify while `replay`
    # changed its output; now verify names the row and replay refuses the store.
    path = tmp_path / "events.db"
    _store(path)
    before = run("replay", "--store", str(path))
    assert before.exit_code == 0
    _sql(path, "UPDATE events SET event_type = 'LevelUp' WHERE position = 4")
    for command in (["audit", "verify"], ["replay"]):
        result = run(*command, "--store", str(path))
        assert result.exit_code == 1 and result.stdout == ""
        assert "record at position 4" in _error(result)


def test_head_anchors_and_append_catch_truncation_and_rehashed_rewrites(
        tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    anchors = tmp_path / "anchors.txt"
    _store(path, 4)
    first = run("audit", "head", "--store", str(path), "--anchors", str(anchors), "--append")
    assert first.exit_code == 0 and HEAD.match(first.stdout.strip())
    assert first.stdout.startswith("4:")
    store = open_sqlite_store(path).unwrap()
    store.append("u-1", [xp_event("u-1", 4, 5), xp_event("u-1", 5, 5)], 4).unwrap()
    store.close()
    second = run("audit", "head", "--store", str(path), "--anchors", str(anchors), "--append")
    assert second.exit_code == 0 and second.stdout.startswith("6:")
    lines = anchors.read_text().splitlines()
    assert [line.split("  # ")[0] for line in lines] == [first.stdout.strip(),
                                                        second.stdout.strip()]
    ok = run("audit", "verify", "--store", str(path), "--anchors", str(anchors))
    assert ok.exit_code == 0
    assert ok.stdout.strip() == (f"ok: 6 records, chain intact, 2 anchor(s) hold, head "
                                 f"{second.stdout.strip()}")
    original = path.read_bytes()
    # A forger rewrites record 2 and re-hashes every record: consistent...
    _sql(path, "UPDATE events SET data = ? WHERE position = 2", xp_event("u-1", 1, 999).data)
    _rehash_everything(path)
    assert run("audit", "verify", "--store", str(path)).exit_code == 0
    # ...but not through the anchors: the first one (position 4) names the rewrite.
    caught = run("audit", "verify", "--store", str(path), "--anchors", str(anchors))
    assert caught.exit_code == 1
    assert _error(caught).startswith("error: store.audit_broken: record at position 4: the "
                                     "chain does not pass through the anchor 4:")
    # head refuses to add an anchor to a store that no longer matches the file
    refused = run("audit", "head", "--store", str(path), "--anchors", str(anchors), "--append")
    assert refused.exit_code == 1 and len(anchors.read_text().splitlines()) == 2
    # The last rows deleted from the original: the anchor at 6 names the first missing one.
    path.write_bytes(original)
    _sql(path, "DELETE FROM events WHERE position > 4")
    assert run("audit", "verify", "--store", str(path)).exit_code == 0
    truncated = run("audit", "verify", "--store", str(path), "--anchor",
                    second.stdout.strip())
    assert truncated.exit_code == 1
    assert "record at position 5: position 5 is missing: the store ends at position 4" in (
        _error(truncated))


def _rehash_everything(path: Path) -> None:
    """Every hash recomputed from the rows as they now are (the forger's best move)."""
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT position, stream_id, version, event_id, event_type, "
                        "schema_version, data, hash, command_id FROM events ORDER BY "
                        "position").fetchall()
    conn.executemany("UPDATE events SET hash = ? WHERE position = ?", rehashed(
        StoredEvent(position=r[0], stream_id=r[1], version=r[2], event_id=r[3],
                    event_type=r[4], schema_version=r[5], data=r[6], hash=r[7],
                    command_id=r[8]) for r in rows))
    conn.commit()
    conn.close()


def test_migrate_moves_a_format_1_store_and_refuses_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store(path)
    conn = sqlite3.connect(path)
    previous = GENESIS_HASH
    for position, data in conn.execute("SELECT position, data FROM events ORDER BY position"
                                       ).fetchall():
        previous = link_hash(previous, data)  # before issue 13: the event bytes alone
        conn.execute("UPDATE events SET hash = ? WHERE position = ?", (previous, position))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    needs = run("audit", "verify", "--store", str(path))
    assert needs.exit_code == 2
    assert _error(needs).startswith("error: store.needs_migration:")
    assert f"astratrade audit migrate --store {path}" in needs.stderr
    _sql(path, "UPDATE events SET data = X'00' WHERE position = 3")
    broken = path.read_bytes()
    refused = run("audit", "migrate", "--store", str(path))
    assert refused.exit_code == 1
    assert _error(refused).startswith("error: store.audit_broken: refusing to migrate: record "
                                      "at position 3")
    assert path.read_bytes() == broken
    _sql(path, "UPDATE events SET data = ? WHERE position = 3", xp_event("u-1", 2, 5).data)
    migrated = run("audit", "migrate", "--store", str(path))
    assert migrated.exit_code == 0, migrated.output
    assert migrated.stdout.startswith("ok: 6 records in audit chain format 2 (6 re-hashed), "
                                      "head 6:")
    assert run("audit", "verify", "--store", str(path)).exit_code == 0
    again = run("audit", "migrate", "--store", str(path))
    assert "(0 re-hashed)" in again.stdout


BAD_INPUT = [
    (["--anchor", "12"], "error: store.bad_anchor: an anchor is POSITION:HASH"),
    (["--anchor", "\u0661:" + "0" * 64], "error: store.bad_anchor"),
    (["--anchor", "-1:" + "0" * 64], "error: store.bad_anchor"),
    (["--anchors", "missing.txt"], "error: store.bad_anchor: no anchor file missing.txt"),
    (["--schema", "x"], "error: --schema applies to a postgresql:// store only"),
]


@pytest.mark.parametrize(("extra", "start"), BAD_INPUT)
def test_bad_anchors_and_options_are_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               extra: list[str], start: str) -> None:
    monkeypatch.chdir(tmp_path)
    _store(tmp_path / "events.db")
    result = run("audit", "verify", "--store", "events.db", *extra)
    assert result.exit_code == 2
    assert _error(result).startswith(start)


def test_a_malformed_anchor_file_names_its_line(tmp_path: Path) -> None:
    _store(tmp_path / "events.db")
    cases = {
        "# heads\n\n1:" + "0" * 63 + "\n": "line 3: an anchor is POSITION:HASH",
        "1:" + "a" * 64 + "\n1:" + "b" * 64 + "\n": "line 2: a different hash for position 1",
        "x" * 10_000_000: "line 1: longer than 200 characters",
    }
    for text, found in cases.items():
        (tmp_path / "anchors.txt").write_text(text)
        result = run("audit", "verify", "--store", str(tmp_path / "events.db"), "--anchors",
                     str(tmp_path / "anchors.txt"))
        assert result.exit_code == 2 and found in _error(result)
        assert len(result.stderr) < 400
    (tmp_path / "anchors.txt").write_bytes(b"\xff\xfe")
    result = run("audit", "verify", "--store", str(tmp_path / "events.db"), "--anchors",
                 str(tmp_path / "anchors.txt"))
    assert result.exit_code == 2 and "is not UTF-8 text" in _error(result)


def test_every_unusable_file_is_one_error_line_with_its_exit_code(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 20)
    schema = tmp_path / "schema.db"
    _store(schema)
    _sql(schema, "PRAGMA writable_schema = ON")
    conn = sqlite3.connect(schema)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = CAST(X'ff00fe' AS TEXT) WHERE name = 'events'")
    conn.commit()
    conn.close()
    damaged = tmp_path / "damaged.db"
    _store(damaged, 300)
    _sql(damaged, "PRAGMA wal_checkpoint(TRUNCATE)")
    content = bytearray(damaged.read_bytes())
    content[4096 + 100:4096 + 4000] = b"\xa5" * 3900  # a page of the events table
    damaged.write_bytes(bytes(content))
    cases = [
        (tmp_path / "none.db", 2, "store.missing"),
        (foreign, 2, "store.not_an_event_store"),
        (empty, 2, "store.not_an_event_store"),
        (garbage, 2, "store.corrupt"),
        (schema, 2, "store.corrupt"),
        (damaged, 2, "store.corrupt"),
        (tmp_path, 2, "store.corrupt"),
        (tmp_path / ("x" * 5000), 4, "store.unreadable"),
    ]
    untouched = {path: path.read_bytes() for path, _, _ in cases[1:-2]}
    for command in (["audit", "verify"], ["audit", "head"], ["replay"]):
        for path, code, error in cases:
            result = run(*command, "--store", str(path))
            assert (result.exit_code, result.stdout) == (code, ""), (command, path, result.output)
            assert _error(result).startswith(f"error: {error}"), (command, path)
            assert len(result.stderr) < 400
    assert {path: path.read_bytes() for path in untouched} == untouched
    assert empty.read_bytes() == b""
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("foreign", "empty",
                                                                    "garbage", "none"))
                and p.name.endswith(("-wal", "-shm", "-journal"))]

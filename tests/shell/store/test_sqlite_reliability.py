"""The SQLite store under real processes: concurrent writers, SIGKILL mid-batch, tampering."""

from __future__ import annotations

import collections
import json
import multiprocessing
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from returns.result import Success

from astratrade_shell.store import open_sqlite_store, verify_store
from tests.shell.store.conformance import pending
from tests.shell.store.writers import SHARED, batch_size_of, mixed_writer

ROOT = Path(__file__).resolve().parents[3]
WRITERS = 4
APPENDS = 2_500


def test_four_writer_processes_lose_duplicate_and_reorder_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "events.db")
    open_sqlite_store(path).unwrap().close()
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    reports = [tmp_path / f"writer-{w}.json" for w in range(WRITERS)]
    processes = [spawn.Process(target=mixed_writer, args=(path, w, APPENDS, start, str(r)))
                 for w, r in enumerate(reports)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0  # no exception escaped: conflicts came back as values
    outcomes = [json.loads(r.read_text()) for r in reports]

    store = open_sqlite_store(path, create=False).unwrap()
    records = list(store.read_all())
    stored_ids = [r.event_id for r in records]
    # Nothing lost, nothing duplicated: exactly what the writers were told they stored.
    assert sorted(stored_ids) == sorted(i for o in outcomes for i in o["stored"])
    expected_count = WRITERS * sum(1 + n % 3 for n in range(APPENDS))  # batches of 1, 2, 3
    assert len(set(stored_ids)) == len(stored_ids) == expected_count
    # Gap-free global positions and contiguous per-stream versions.
    assert [r.position for r in records] == list(range(1, len(records) + 1))
    versions = collections.defaultdict(list)
    for record in records:
        versions[record.stream_id].append(record.version)
    assert sorted(versions) == sorted([SHARED, *(f"writer-{w}" for w in range(WRITERS))])
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    # Nothing reordered: each writer's events appear in the order it appended them.
    position = {r.event_id: r.position for r in records}
    for outcome in outcomes:
        mine = [position[i] for i in outcome["stored"]]
        assert mine == sorted(mine)
    # Contention on the shared stream really happened and was reported as values.
    assert sum(o["conflicts"] for o in outcomes) > 0
    assert verify_store(store) == Success(len(records))
    store.close()


def test_a_writer_killed_mid_batch_leaves_whole_batches_and_a_valid_chain(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.db"
    open_sqlite_store(path).unwrap().close()
    interrupted: list[int] = []
    for round_ in range(3):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.shell.store.writers", str(path)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        for _ in range(3 + round_):  # let a few batches start, then kill inside the next one
            announced = int(child.stdout.readline())
        time.sleep(0.003 * (round_ + 1))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        interrupted.append(announced)

        store = open_sqlite_store(path, create=False).unwrap()
        records = list(store.read_all())
        per_batch = collections.Counter(r.command_id for r in records)
        for command, count in per_batch.items():
            assert command is not None
            assert count == batch_size_of(int(command.removeprefix("batch-")))
        assert [r.position for r in records] == list(range(1, len(records) + 1))
        assert verify_store(store) == Success(len(records))
        store.close()
    assert len(interrupted) == 3


def _tamper_file(path: Path, marker: bytes, replacement: bytes) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    content = path.read_bytes()
    assert content.count(marker) == 1
    path.write_bytes(content.replace(marker, replacement))


def test_a_byte_changed_in_the_database_file_is_named_by_verify(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store = open_sqlite_store(path).unwrap()
    for n in range(10):
        stream = f"s-{n % 3}"
        store.append(stream, [pending(f"{n:03d}", f"amount=100.{n:03d}".encode())],
                     store.stream_version(stream)).unwrap()
    store.close()
    _tamper_file(path, b"amount=100.006", b"amount=900.006")  # record at position 7

    reopened = open_sqlite_store(path, create=False).unwrap()
    broken = verify_store(reopened).failure()
    assert broken.position == 7
    assert "position 7" in str(broken)
    reopened.close()


def test_deleting_or_reordering_records_is_named_by_verify(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    store = open_sqlite_store(path).unwrap()
    store.append("s", [pending(str(n)) for n in range(6)], 0).unwrap()
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM events WHERE position = 4")
    conn.commit()
    reopened = open_sqlite_store(path, create=False).unwrap()
    assert verify_store(reopened).failure().position == 4
    conn.execute("UPDATE events SET position = 4 WHERE position = 5")
    conn.commit()
    assert verify_store(reopened).failure().position == 4  # record 5 moved up: link broken
    conn.execute("UPDATE events SET data = (SELECT data FROM events WHERE position = 3) "
                 "WHERE position = 2")
    conn.commit()
    assert verify_store(reopened).failure().position == 2
    conn.close()
    reopened.close()

"""Writer processes for the SQLite reliability tests (run in children started with ``spawn``)."""

from __future__ import annotations

import json
import sys
from multiprocessing.synchronize import Event as EventFlag
from pathlib import Path

from returns.result import Success

from astratrade_shell.store import (
    ANY_VERSION,
    EventStore,
    PendingEvent,
    Synchronous,
    open_sqlite_store,
)

__all__ = ["SHARED", "batch_size_of", "killable_writer", "mixed_writer", "write_mixed"]

SHARED = "shared"


def mixed_writer(path: str, writer: int, appends: int, start: EventFlag, report: str) -> None:
    """Make ``appends`` successful appends: even ones to the shared stream (retrying on
    conflicts, which must come back as values), odd ones to this writer's own stream; batches
    of 1-3 events, every third one with a command id that is then retried once.

    Writes a JSON report: the event ids in the order this writer stored them, and the number
    of conflicts it saw.

    The writers use ``synchronous=NORMAL``: this test is about concurrency (atomicity, order,
    conflicts), which WAL commits provide at either level; ``FULL`` would only add one fsync
    per commit and tie the test's run time to the disk's latency (10,000 commits).
    """
    write_mixed(open_sqlite_store(path, synchronous=Synchronous.NORMAL).unwrap(), writer,
                appends, start, report)


def write_mixed(store: EventStore, writer: int, appends: int, start: EventFlag,
                report: str) -> None:
    """The body of :func:`mixed_writer`, for any adapter; closes ``store`` when done."""
    own = f"writer-{writer}"
    own_version = 0
    stored: list[str] = []
    conflicts = 0
    start.wait()
    for n in range(appends):
        size = 1 + n % 3
        events = [PendingEvent(f"w{writer}-{n}-{i}", "Tested", 1, f"{writer}:{n}:{i}".encode())
                  for i in range(size)]
        command = f"w{writer}-cmd-{n}" if n % 3 == 0 else None
        if n % 2:
            result = store.append(own, events, own_version, command_id=command)
            own_version += size
        else:
            while True:
                result = store.append(SHARED, events, store.stream_version(SHARED),
                                      command_id=command)
                if isinstance(result, Success):
                    break
                conflicts += 1
        appended = result.unwrap()
        assert not appended.duplicate
        stored += [r.event_id for r in appended.records]
        if command is not None:  # a retry of the same command must store nothing new
            assert store.append(own, events, ANY_VERSION, command_id=command).unwrap().duplicate
    store.close()
    Path(report).write_text(json.dumps({"stored": stored, "conflicts": conflicts}))


def batch_size_of(batch: int) -> int:
    """How many events the killable writer puts in batch number ``batch``."""
    return 3_000 + 7 * (batch % 11)


def killable_writer(path: str) -> None:
    """Append big batches forever, announcing each batch on stdout before appending it."""
    store = open_sqlite_store(path).unwrap()
    batch = store.last_position()  # unique enough: positions only grow
    while True:
        batch += 1
        size = batch_size_of(batch)
        events = [PendingEvent(f"b{batch}-{i}", "Tested", 1, f"{batch}:{i}".encode() * 8)
                  for i in range(size)]
        sys.stdout.write(f"{batch}\n")
        sys.stdout.flush()
        store.append(f"stream-{batch % 3}", events, ANY_VERSION, command_id=f"batch-{batch}")


if __name__ == "__main__":
    killable_writer(sys.argv[1])

"""Processes for the PostgreSQL concurrency test (run in children started with ``spawn``)."""

from __future__ import annotations

import json
from multiprocessing.synchronize import Event as EventFlag
from pathlib import Path

from returns.result import Success

from astratrade_shell.store import ANY_VERSION, PendingEvent
from astratrade_shell.store.postgres import open_postgres_store

__all__ = ["SHARED", "pg_mixed_writer", "pg_tailing_reader"]

SHARED = "shared"


def pg_mixed_writer(where: tuple[str, str], writer: int, appends: int, start: EventFlag,
                    report: str) -> None:
    """Make ``appends`` successful appends: even ones to the shared stream (re-reading the
    version and retrying on conflicts, which must come back as values), odd ones to this
    writer's own stream; batches of 1-3 events, every third one with a command id that is
    then retried once (the retry must store nothing).

    ``where`` is the server's URL and the schema.  Writes a JSON report: the event ids in the
    order this writer stored them, and the number of conflicts it saw.
    """
    url, schema = where
    store = open_postgres_store(url, schema=schema).unwrap()
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
        if command is not None:
            assert store.append(own, events, ANY_VERSION, command_id=command).unwrap().duplicate
    store.close()
    Path(report).write_text(json.dumps({"stored": stored, "conflicts": conflicts}))


def pg_tailing_reader(url: str, schema: str, start: EventFlag, done: EventFlag,
                      report: str) -> None:
    """Poll ``read_all(last + 1)`` until ``done`` (then drain once more) and write every
    position seen, in the order seen.  A position committed behind one already seen would
    be skipped for good, and the report would show the hole."""
    store = open_postgres_store(url, schema=schema).unwrap()
    seen: list[int] = []
    start.wait()
    while True:
        finished = done.is_set()
        seen += [r.position for r in store.read_all(seen[-1] + 1 if seen else 1)]
        if finished:
            break
    store.close()
    Path(report).write_text(json.dumps(seen))

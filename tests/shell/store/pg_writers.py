"""Processes for the PostgreSQL concurrency test (run in children started with ``spawn``)."""

from __future__ import annotations

import json
from multiprocessing.synchronize import Event as EventFlag
from pathlib import Path

from astratrade_shell.store.postgres import open_postgres_store
from tests.shell.store.writers import SHARED, write_mixed

__all__ = ["SHARED", "pg_mixed_writer", "pg_tailing_reader"]


def pg_mixed_writer(where: tuple[str, str], writer: int, appends: int, start: EventFlag,
                    report: str) -> None:
    """:func:`tests.shell.store.writers.mixed_writer`'s workload against PostgreSQL;
    ``where`` is the server's URL and the schema."""
    url, schema = where
    write_mixed(open_postgres_store(url, schema=schema).unwrap(), writer, appends, start, report)


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

"""``astratrade replay`` and ``astratrade audit verify``: read an existing event store.

Both open the store read-only in spirit (``create=False``): a missing, non-SQLite or foreign
file is bad input (exit 2); a broken audit chain is a domain failure (exit 1) naming the first
broken record by its global position.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from returns.result import Failure

from astratrade_shell.cli.main import CliFailure
from astratrade_shell.projections import ProjectionError
from astratrade_shell.projections import replay as replay_records
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.report import render
from astratrade_shell.store import SQLiteEventStore, open_sqlite_store, verify_store

__all__ = ["audit", "replay"]

_STORE = click.option("--store", "store_path", required=True, metavar="PATH",
                      help="Path of the SQLite event store file.")


@contextmanager
def _opened(path: str) -> Iterator[SQLiteEventStore]:
    opened = open_sqlite_store(path, create=False)
    if isinstance(opened, Failure):
        raise CliFailure.bad_input(str(opened.failure()))
    store = opened.unwrap()
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        raise CliFailure.bad_input(f"store.corrupt: {path}: {exc}") from None
    except ProjectionError as exc:
        raise CliFailure.bad_input(f"store.corrupt: {exc}") from None
    finally:
        store.close()


@click.command(help="""Rebuild the read models (portfolios, players, revenue, risk) from a store.

Reads every event in global order through the same projections the demo uses and prints
their report; a progress bar is shown on a terminal. Projections skip records they have
already applied, so a replay is idempotent.
""")
@_STORE
def replay(store_path: str) -> None:
    """The ``replay`` command."""
    with _opened(store_path) as store:
        models = ReadModels()
        total = store.last_position()
        if sys.stderr.isatty():
            with click.progressbar(length=total, label="replaying", file=sys.stderr) as bar:
                count = replay_records(store, [models], on_record=lambda _: bar.update(1))
        else:
            count = replay_records(store, [models])
        click.echo(render(models))
        click.echo(f"\nReplayed {count} events from {store_path}")


@click.group(help="Audit-chain commands.")
def audit() -> None:
    """The ``audit`` group."""


@audit.command(help="""Verify the audit hash chain of a store.

Each record's hash is SHA-256(previous hash || canonical bytes); positions must run 1..N.
Exit 0 when intact; exit 1 naming the first broken record (global position) otherwise.
""")
@_STORE
def verify(store_path: str) -> None:
    """The ``audit verify`` command."""
    with _opened(store_path) as store:
        result = verify_store(store)
        if isinstance(result, Failure):
            raise CliFailure.domain(str(result.failure()))
        count = result.unwrap()
        head = (next(iter(store.read_all(count))).hash.hex() if count else "-")
        click.echo(f"ok: {count} records, chain intact, head {head}")

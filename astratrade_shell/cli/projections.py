"""``astratrade projections``: the persisted read models in a store's database.

``status`` prints each model's checkpoint against the store's last position (its lag);
``rebuild NAME`` recomputes one model from every stored event in one transaction -- readers
keep the old rows until it commits, and a worker feeding the same model waits, then goes on
from the new checkpoint, so it is safe while the service runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from returns.result import Failure

from astratrade_shell.cli.ledger import opened_store
from astratrade_shell.cli.main import CliFailure
from astratrade_shell.readmodels.database import ViewDatabase, open_view_database
from astratrade_shell.readmodels.feed import rebuild as rebuild_models
from astratrade_shell.readmodels.views import READ_MODELS

__all__ = ["projections"]

_LOCATION = click.option("--store", "location", required=True, metavar="PATH|URL",
                         help="SQLite event store file, or a postgresql:// URL.")
_SCHEMA = click.option("--schema", default=None, help="PostgreSQL schema of the store.")


@contextmanager
def _views(location: str, schema: str | None) -> Iterator[ViewDatabase]:
    opened = open_view_database(location, schema=schema)
    if isinstance(opened, Failure):
        raise CliFailure.of(opened.failure())
    database = opened.unwrap()
    try:
        yield database
    finally:
        database.close()


@click.group(help="Persisted read models: status and rebuild.")
def projections() -> None:
    """The ``projections`` group."""


@projections.command(help="Each read model's checkpoint and lag behind the store.")
@_LOCATION
@_SCHEMA
def status(location: str, schema: str | None) -> None:
    """``projections status``."""
    with opened_store(location, schema) as store, _views(location, schema) as views:
        last = store.last_position()
        checkpoints = views.checkpoints()
        for name in READ_MODELS:
            position = checkpoints.get(name, 0)
            click.echo(f"{name:<10} position={position} lag={last - position}")


@projections.command(help="""Recompute one read model from every stored event.

One transaction: readers see the old rows until it commits; a worker feeding the model waits
and then goes on from the new checkpoint. Prints the number of events read.
""")
@click.argument("name", type=click.Choice(sorted(READ_MODELS)))
@_LOCATION
@_SCHEMA
def rebuild(name: str, location: str, schema: str | None) -> None:
    """``projections rebuild NAME``."""
    with opened_store(location, schema) as store, _views(location, schema) as views:
        count = rebuild_models(views, store, [READ_MODELS[name]])
        click.echo(f"rebuilt {name} from {count} events; position={store.last_position()}")

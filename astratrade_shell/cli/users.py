"""``astratrade users bootstrap``: create the first admin and its key.

The service refuses every request without a key, and only an admin may register users, so the
first admin is made by this command, run by whoever may write the store (which already is
total power over the platform): it executes ``RegisterUser(role=admin)`` and ``IssueApiKey``
through the application (no actor: the platform itself), and prints the key ONCE on stdout.
It refuses (exit 1, ``users.exists``) when that user is already registered.
"""

from __future__ import annotations

import click
from returns.result import Failure

from astratrade_core.users import (
    ROLE_SCOPES,
    USER,
    IssueApiKey,
    RegisterUser,
    Role,
    user_stream,
)
from astratrade_shell.app import Application
from astratrade_shell.bus import InProcessBus
from astratrade_shell.cli.ledger import opened_store
from astratrade_shell.cli.main import CliFailure

__all__ = ["users"]


@click.group(help="Users and API keys.")
def users() -> None:
    """The ``users`` group."""


@users.command(help="""Register the first admin and print its API key (shown once).

The key is printed alone on stdout; store it in a secret manager. Run against the store the
service uses (an SQLite file or a postgresql:// URL).
""")
@click.option("--store", "location", required=True, metavar="PATH|URL",
              help="The event store (created if it is a new SQLite file).")
@click.option("--schema", default=None, help="PostgreSQL schema of the store.")
@click.option("--user", "user_id", default="admin", show_default=True, help="The admin's id.")
@click.option("--name", "display_name", default="Administrator", show_default=True,
              help="Display name.")
@click.option("--scrypt-n", type=click.IntRange(2, 2**20), default=2**15, show_default=True,
              help="scrypt cost of the key's verifier (a power of 2).")
def bootstrap(location: str, schema: str | None, user_id: str, display_name: str,
              scrypt_n: int) -> None:
    """``users bootstrap``."""
    from astratrade_shell.service.keys import KeyHasher, new_key  # noqa: PLC0415

    if scrypt_n & (scrypt_n - 1):
        raise CliFailure.bad_input("--scrypt-n must be a power of 2")
    if not location.startswith(("postgresql://", "postgres://")):
        from astratrade_shell.store.sqlite import open_sqlite_store  # noqa: PLC0415

        created = open_sqlite_store(location)
        if isinstance(created, Failure):
            raise CliFailure.of(created.failure())
        created.unwrap().close()
    with opened_store(location, schema, read_only=False) as store:
        app = Application(store, InProcessBus(), aggregates=[USER])
        issued = new_key(user_id)
        stream = user_stream(user_id)
        registered = app.execute(USER, stream, RegisterUser(
            command_id=f"bootstrap:{user_id}:{issued.key_id}", user_id=user_id,
            issued_at=app.now(), display_name=display_name, role=Role.ADMIN))
        if isinstance(registered, Failure):
            raise CliFailure.of(registered.failure())
        keyed = app.execute(USER, stream, IssueApiKey(
            command_id=f"bootstrap-key:{user_id}:{issued.key_id}", user_id=user_id,
            issued_at=app.now(), key_id=issued.key_id, label="bootstrap",
            scopes=ROLE_SCOPES[Role.ADMIN],
            verifier=KeyHasher(n=scrypt_n).verifier(issued.text)))
        if isinstance(keyed, Failure):
            raise CliFailure.of(keyed.failure())
    click.echo(issued.text)

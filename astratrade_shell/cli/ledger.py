"""``astratrade replay`` and ``astratrade audit verify|head|anchor|migrate``: existing event
stores.

A store is an SQLite file (opened **read-only**, SQLite's ``mode=ro``, by ``replay`` and
``audit verify|head``: nothing is ever written to it, a read-only file works, a file that is
not an AstraTrade store is refused untouched) or a ``postgresql://`` URL with ``--schema``.

Exit codes: ``0`` the chain (and every anchor) holds; ``1`` it does not -- the first broken
record is named by its global position; ``2`` bad input (no such store, not an SQLite file,
damaged, another application's database, an empty file, a store that needs ``audit
migrate``, a malformed anchor or anchor file, a bad schema name); ``4`` the store cannot be
reached or opened (PostgreSQL down, permission denied, a path the system refuses).  Every
message is redacted (:mod:`astratrade_shell.redaction`): a URL's password never shows.

``--onchain`` (``audit anchor``, ``audit verify``) reads or writes the heads kept by the
``AuditAnchor`` contract (:mod:`astratrade_shell.starknet.anchor`): on the local chain saved in
``--chain-state FILE``, or at a node without it.  Its failures use the same codes: ``1`` the
contract refused the anchor (an older or equal position); ``2`` no such chain state, a file
that is not one, a missing node configuration; ``4`` the chain cannot be reached (the node, or
the local VM before ``make contracts``) or the chain state cannot be read or written.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from returns.result import Failure, Result

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_shell.cli.main import EXIT_BAD_INPUT, EXIT_UNAVAILABLE, CliFailure
from astratrade_shell.projections import ProjectionError
from astratrade_shell.projections import replay as replay_records
from astratrade_shell.readmodels import ReadModels
from astratrade_shell.redaction import redact_text, redact_url, url_secrets
from astratrade_shell.report import render
from astratrade_shell.store import (
    ChainHead,
    EventStore,
    audit_store,
    format_anchor,
    migrate_sqlite_chain,
    open_sqlite_store,
    parse_anchor,
    read_anchors,
)
from astratrade_shell.store.chain import MAX_ANCHOR_LINE, CorruptRecord

if TYPE_CHECKING:
    from astratrade_shell.starknet.anchor import AnchorSite

__all__ = ["audit", "opened_store", "replay"]

_URL_SCHEMES = ("postgresql://", "postgres://")


def _store_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option("--schema", default=None, metavar="NAME",
                            help="PostgreSQL schema of the store (a-z, 0-9, _).")(function)
    return click.option("--store", "location", required=True, metavar="PATH|URL",
                        help="SQLite event store file, or a postgresql:// URL.")(function)


def _anchor_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--anchors", "anchor_file", default=None, metavar="FILE",
        help="File of anchors, one POSITION:HASH a line (# comments allowed).")(function)
    return click.option(
        "--anchor", "anchor_texts", multiple=True, metavar="POSITION:HASH",
        help="A head printed earlier by `audit head`; may repeat.")(function)


def _chain_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--chain-state", "chain_state", default=None, metavar="FILE",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The local chain's state file (the default backend). Without it: the "
             "AuditAnchor at $ASTRATRADE_AUDIT_ANCHOR on the ASTRATRADE_STARKNET_* node."
    )(function)
    return click.option("--onchain", is_flag=True,
                        help="Use the heads kept by the AuditAnchor contract.")(function)


@contextmanager
def _anchor_site(chain_state: Path | None, *, create: bool) -> Iterator[AnchorSite]:
    """The on-chain anchors' contract; its failures as the module docstring's exit codes."""
    from astratrade_shell.starknet.anchor import open_anchor  # noqa: PLC0415 - starknet-py
    from astratrade_shell.starknet.backend import ContractReverted  # noqa: PLC0415
    from astratrade_shell.starknet.local import ChainStateError, ExecutorError  # noqa: PLC0415
    from astratrade_shell.starknet.rpc import (  # noqa: PLC0415
        RpcConfigError,
        RpcUnavailableError,
    )

    if chain_state is not None and not create and not chain_state.exists():
        raise CliFailure.bad_input(f"chain.missing_state: no chain state {chain_state} "
                                   "(nothing was anchored there)")
    try:
        with open_anchor(chain_state, create=create) as site:
            yield site
    except ContractReverted as refused:
        raise CliFailure.domain(f"chain.refused: {refused.message}") from None
    except (ChainStateError, RpcConfigError) as exc:
        raise CliFailure.bad_input(f"chain.bad_state: {exc}") from None
    except (ExecutorError, RpcUnavailableError, FileNotFoundError) as exc:
        raise CliFailure(f"chain.unavailable: {exc}", EXIT_UNAVAILABLE) from None
    except OSError as exc:
        raise CliFailure(f"chain.unavailable: {chain_state}: {exc.strerror}",
                         EXIT_UNAVAILABLE) from None


def _failure(error: DomainError, location: str = "") -> CliFailure:
    """Store failures: unreachable or unreadable 4, a broken chain 1, anything else 2; the
    message redacted (``location`` may be a URL with a password)."""
    code = (CliFailure.of(error).code if error.kind in (ErrorKind.UNAVAILABLE,
                                                        ErrorKind.REJECTED) else EXIT_BAD_INPUT)
    return CliFailure(redact_text(str(error), url_secrets(location)), code)


@contextmanager
def opened_store(location: str, schema: str | None, *,
                 read_only: bool = True) -> Iterator[EventStore]:
    """The store at ``location`` (SQLite path, read-only by default, or PostgreSQL URL),
    closed afterwards; failures while opening or reading it become :class:`CliFailure`\\ s
    with the exit codes of the module docstring."""
    lost: tuple[type[Exception], ...] = ()  # what a server that went away mid-read raises
    if location.startswith(_URL_SCHEMES):
        import psycopg  # noqa: PLC0415 - the postgres extra, only for a URL

        from astratrade_shell.store.postgres import open_postgres_store  # noqa: PLC0415

        opened: Result[Any, DomainError] = open_postgres_store(location, schema=schema)
        lost = (psycopg.Error,)
    elif schema is not None:
        raise CliFailure.bad_input("--schema applies to a postgresql:// store only")
    else:
        opened = open_sqlite_store(location, create=False, read_only=read_only)
    if isinstance(opened, Failure):
        raise _failure(opened.failure(), location)
    store: EventStore = opened.unwrap()
    try:
        yield store
    except sqlite3.DatabaseError as exc:
        raise CliFailure.bad_input(f"store.corrupt: {location}: {exc}") from None
    except (ProjectionError, CorruptRecord) as exc:
        raise CliFailure.bad_input(f"store.corrupt: {exc}") from None
    except lost as exc:
        raise _failure(DomainError.unavailable("store.unreachable", f"{redact_url(location)}: "
                                                                    f"{exc}"), location) from None
    finally:
        store.close()


def _anchors(texts: tuple[str, ...], path: str | None) -> tuple[ChainHead, ...]:
    found: list[ChainHead] = []
    for text in texts:
        parsed = parse_anchor(text)
        if isinstance(parsed, Failure):
            raise _failure(parsed.failure())
        found.append(parsed.unwrap())
    if path is not None:
        from_file = read_anchors(_anchor_lines(Path(path)), path)
        if isinstance(from_file, Failure):
            raise _failure(from_file.failure())
        found += from_file.unwrap()
    return tuple(found)


def _anchor_lines(path: Path) -> Iterator[str]:
    """The file's lines, each read with a bound (a huge line is refused, not loaded)."""
    try:
        with path.open(encoding="utf-8", newline="") as lines:
            while line := lines.readline(MAX_ANCHOR_LINE + 2):
                yield line.rstrip("\r\n")
    except FileNotFoundError:
        raise CliFailure.bad_input(f"store.bad_anchor: no anchor file {path}") from None
    except UnicodeDecodeError:
        raise CliFailure.bad_input(f"store.bad_anchor: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise CliFailure(f"store.bad_anchor: cannot read {path}: {exc.strerror}", 4) from None


def _audited(store: EventStore, anchors: tuple[ChainHead, ...]) -> ChainHead:
    result = audit_store(store, anchors)
    if isinstance(result, Failure):
        raise CliFailure.domain(str(result.failure()))
    return result.unwrap()


@click.command(help="""Rebuild the read models (portfolios, players, revenue, risk) from a store.

The audit chain (and any anchor given) is verified first: a tampered store is refused
(exit 1) rather than replayed. Then every event is read in global order through the same
projections the demo uses and their report printed; a progress bar is shown on a terminal.
The store is opened read-only.
""")
@_store_options
@_anchor_options
def replay(location: str, schema: str | None, anchor_texts: tuple[str, ...],
           anchor_file: str | None) -> None:
    """The ``replay`` command."""
    anchors = _anchors(anchor_texts, anchor_file)
    with opened_store(location, schema) as store:
        head = _audited(store, anchors)
        models = ReadModels()
        if sys.stderr.isatty():
            with click.progressbar(length=head.length, label="replaying",
                                   file=sys.stderr) as bar:
                count = replay_records(store, [models], on_record=lambda _: bar.update(1))
        else:
            count = replay_records(store, [models])
        click.echo(render(models))
        click.echo(f"\nReplayed {count} events from {redact_url(location)}")


@click.group(help="Audit-chain commands: verify, head, anchor, migrate.")
def audit() -> None:
    """The ``audit`` group."""


@audit.command(help="""Verify the audit hash chain of a store, and its anchors.

Each record's hash is SHA-256(previous hash || the whole record: position, stream,
version, event id, type, schema version, command id, event bytes); positions must run
1..N. A chain alone cannot show that its last records were deleted, or that it was
rewritten and re-hashed from some record on: an anchor can. An anchor POSITION:HASH is
the head printed earlier by `audit head`, kept where the store's writers cannot change
it; the chain must still reach POSITION and pass through HASH there. With --onchain every
anchor the AuditAnchor contract holds (see `audit anchor`) is checked too.

Exit 0 when intact; exit 1 naming the first broken record (global position) otherwise;
2 for a store, anchor or chain state that cannot be read; 4 when the store or the chain
cannot be reached.
""")
@_store_options
@_anchor_options
@_chain_options
def verify(*, location: str, schema: str | None, anchor_texts: tuple[str, ...],
           anchor_file: str | None, onchain: bool, chain_state: Path | None) -> None:
    """The ``audit verify`` command."""
    anchors = _anchors(anchor_texts, anchor_file)
    onchain_count = 0
    if onchain:
        with _anchor_site(chain_state, create=False) as site:
            recorded = site.client.anchors()
        onchain_count = len(recorded)
        anchors += recorded
    elif chain_state is not None:
        raise CliFailure.bad_input("--chain-state applies with --onchain only")
    with opened_store(location, schema) as store:
        head = _audited(store, anchors)
    held = f", {len(anchors)} anchor(s) hold" if anchors or onchain else ""
    if onchain:
        held += f" ({onchain_count} on-chain)"
    click.echo(f"ok: {head.length} records, chain intact{held}, head {format_anchor(head)}")


@audit.command(help="""Verify the chain and print its head as an anchor, POSITION:HASH.

Keep the line where the store's writers cannot rewrite it (another machine, a ticket, a
notary); `audit verify --anchor POSITION:HASH` then detects the deletion of records up to
POSITION and any rewrite of them, even re-hashed. With --anchors FILE the chain is first
checked against the anchors in FILE; --append then adds the new head to FILE (created if
missing) with the time, so FILE grows into the store's history of heads.
""")
@_store_options
@click.option("--anchors", "anchor_file", default=None, metavar="FILE",
              help="Anchor file to check against (and to --append to).")
@click.option("--append", is_flag=True, help="Append the head to the --anchors file.")
def head(location: str, schema: str | None, anchor_file: str | None, append: bool) -> None:
    """The ``audit head`` command."""
    if append and anchor_file is None:
        raise CliFailure.bad_input("--append needs --anchors FILE")
    existing = anchor_file is not None and Path(anchor_file).exists()
    anchors = _anchors((), anchor_file if existing else None)
    with opened_store(location, schema) as store:
        found = _audited(store, anchors)
    line = format_anchor(found)
    if append and anchor_file is not None:
        _append_anchor(Path(anchor_file), line)
    click.echo(line)


def _append_anchor(path: Path, line: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        with path.open("a+b") as out:
            out.seek(0, 2)
            if out.tell() > 0:
                out.seek(-1, 2)
                if out.read(1) != b"\n":
                    out.write(b"\n")
            out.write(f"{line}  # {stamp}\n".encode("ascii"))
            out.flush()
    except OSError as exc:
        raise CliFailure(f"cannot append to {path}: {exc.strerror}", 4) from None


@audit.command(help="""Write the store's head to the AuditAnchor contract (--onchain).

The head is the one `audit head` prints, POSITION:HASH, from the same verification: the
chain is first checked against every anchor the contract already holds, so a store that no
longer matches them is refused (exit 1) instead of anchored. The contract accepts only a
position after its latest (an older or equal head is refused, exit 1); a head already
anchored is reported, not written twice. With --chain-state FILE the contract runs on a
local chain (cairo-lang's VM) saved in FILE, created with the contract on first use; keep
FILE where the store's writers cannot change it. Without it, the AuditAnchor at
$ASTRATRADE_AUDIT_ANCHOR is invoked over RPC by the ASTRATRADE_STARKNET_ACCOUNT, which must
be its owner or an operator.
""")
@_store_options
@_chain_options
def anchor(location: str, schema: str | None, onchain: bool, chain_state: Path | None) -> None:
    """The ``audit anchor`` command."""
    if not onchain:
        raise CliFailure.bad_input("audit anchor writes on-chain only: pass --onchain "
                                   "(an anchor file: `audit head --anchors FILE --append`)")
    with _anchor_site(chain_state, create=True) as site:
        recorded = site.client.anchors()
        with opened_store(location, schema) as store:
            found = _audited(store, recorded)
        if recorded and recorded[-1] == found:
            click.echo(f"already anchored: {format_anchor(found)} in {site.description}")
            return
        if found.length == 0:
            raise CliFailure.domain("chain.nothing_to_anchor: the store holds no records")
        site.client.anchor(site.caller, found)
    click.echo(f"anchored {format_anchor(found)} in {site.description} "
               f"(anchor {len(recorded) + 1})")


@audit.command(help="""Move a store written before the chain covered whole records.

Stores of audit chain format 1 hashed only each event's bytes. This verifies that older
chain first and refuses a broken one (exit 1, nothing changed); then it re-hashes every
record over the whole record in one transaction and prints the new head. Anchors taken
before the migration no longer apply: take a new one (it is printed). A store already in the
current format is only verified.
""")
@_store_options
def migrate(location: str, schema: str | None) -> None:
    """The ``audit migrate`` command."""
    if location.startswith(_URL_SCHEMES):
        from astratrade_shell.store.postgres import migrate_postgres_chain  # noqa: PLC0415

        result = migrate_postgres_chain(location, schema=schema)
    elif schema is not None:
        raise CliFailure.bad_input("--schema applies to a postgresql:// store only")
    else:
        result = migrate_sqlite_chain(location)
    if isinstance(result, Failure):
        raise _failure(result.failure(), location)
    migrated = result.unwrap()
    click.echo(f"ok: {migrated.head.length} records in audit chain format 2 "
               f"({migrated.rehashed} re-hashed), head {format_anchor(migrated.head)}")

"""What an attacker with write access to the database does to a stored row, column by column
(shared by the SQLite and PostgreSQL tests): each edit leaves a well-formed row whose meaning
changed, and verify must name that row.  Also: the whole chain rewritten and re-hashed (only
an anchor can tell), and the last rows deleted (likewise)."""

from __future__ import annotations

from collections.abc import Iterable

from astratrade_shell.store import ANY_VERSION, EventStore, StoredEvent
from astratrade_shell.store.chain import GENESIS_HASH, hashed_content, link_hash
from tests.shell.store.conformance import pending

__all__ = ["COLUMN_EDITS", "TARGET", "fill", "rehashed"]

#: The row every edit changes; it carries a command id.
TARGET = 3

#: One UPDATE ... SET clause per stored column (``{p}`` is the driver's placeholder), with its
#: parameters: each changes what the row says without breaking the table's constraints.
COLUMN_EDITS: dict[str, tuple[str, tuple[object, ...]]] = {
    "position": ("position = position + 1000", ()),
    "stream_id": ("stream_id = {p}", ("forged",)),
    "version": ("version = version + 100", ()),
    "event_id": ("event_id = {p}", ("forged",)),
    "event_type": ("event_type = {p}", ("Forged",)),
    "schema_version": ("schema_version = schema_version + 1", ()),
    "data": ("data = {p}", (b'{"tag":"forged"}',)),
    "hash": ("hash = {p}", (bytes(range(32)),)),
    "command_id": ("command_id = {p}", ("forged",)),
    "command_id NULL": ("command_id = NULL", ()),
}


def fill(store: EventStore) -> tuple[StoredEvent, ...]:
    """Five records on two streams; the one at :data:`TARGET` has a command id."""
    first = store.append("a", [pending("1"), pending("2")], 0).unwrap().records
    second = store.append("b", [pending("3")], 0, command_id="c-3").unwrap().records
    third = store.append("a", [pending("4"), pending("5")], ANY_VERSION).unwrap().records
    return (*first, *second, *third)


def rehashed(rows: Iterable[StoredEvent]) -> list[tuple[bytes, int]]:
    """The forger's best move: every hash recomputed over the (changed) rows, as
    ``(hash, position)`` pairs for an ``UPDATE events SET hash = ? WHERE position = ?``."""
    previous = GENESIS_HASH
    found = []
    for row in rows:
        previous = link_hash(previous, hashed_content(row))
        found.append((previous, row.position))
    return found

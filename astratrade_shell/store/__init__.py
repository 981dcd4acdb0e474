"""Event stores: the port, the in-memory reference adapter and the SQLite default.

>>> from astratrade_shell.store import InMemoryEventStore, PendingEvent, verify_store
>>> store = InMemoryEventStore()
>>> _ = store.append("s", [PendingEvent("e-1", "Deposited", 1, b"{}")], 0)
>>> verify_store(store).unwrap()
1
"""

from astratrade_shell.store.chain import (
    GENESIS_HASH,
    ChainHead,
    Migration,
    StoreChainBreak,
    format_anchor,
    parse_anchor,
    read_anchors,
    verify_chain,
)
from astratrade_shell.store.memory import InMemoryEventStore
from astratrade_shell.store.port import EventStore, audit_store, verify_store
from astratrade_shell.store.records import (
    ANY_VERSION,
    Appended,
    AppendRequest,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
)
from astratrade_shell.store.sqlite import (
    SQLiteEventStore,
    Synchronous,
    migrate_sqlite_chain,
    open_sqlite_store,
)

__all__ = [
    "ANY_VERSION",
    "GENESIS_HASH",
    "AppendRequest",
    "Appended",
    "ChainHead",
    "EventStore",
    "ExpectedVersion",
    "InMemoryEventStore",
    "Migration",
    "PendingEvent",
    "SQLiteEventStore",
    "Snapshot",
    "StoreChainBreak",
    "StoredEvent",
    "Synchronous",
    "VersionConflict",
    "audit_store",
    "format_anchor",
    "migrate_sqlite_chain",
    "open_sqlite_store",
    "parse_anchor",
    "read_anchors",
    "verify_chain",
    "verify_store",
]

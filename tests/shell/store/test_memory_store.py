"""The in-memory store passes the event store conformance suite."""

from __future__ import annotations

from pathlib import Path

from astratrade_shell.store import EventStore, InMemoryEventStore
from tests.shell.store.conformance import EventStoreConformance


class TestInMemoryEventStore(EventStoreConformance):
    def open_store(self, location: Path) -> EventStore:
        return InMemoryEventStore()

    def reopen(self, store: EventStore, location: Path) -> EventStore:
        return store  # the same process sees the same memory

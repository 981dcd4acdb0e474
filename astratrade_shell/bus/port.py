"""The event bus port: how appended records reach projections and other subscribers.

Delivery is **at least once, in global-position order per publisher**: a subscriber may see a
record again (a retry, a worker restart, a replay), so every subscriber must be idempotent.
Projections (:mod:`astratrade_shell.projections`) are, by tracking the last global position
they applied.  The in-process bus delivers synchronously inside ``publish``; a broker-backed
adapter (Redis Streams) publishes to per-domain streams and delivers from consumer groups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from astratrade_shell.store.records import StoredEvent

__all__ = ["EventBus", "Handler"]

#: A subscriber: called once per delivered record.
Handler = Callable[[StoredEvent], None]


class EventBus(Protocol):
    """Fan-out of stored records to subscribers."""

    def subscribe(self, handler: Handler) -> None:
        """Deliver every record published from now on to ``handler``."""
        ...

    def publish(self, records: Sequence[StoredEvent]) -> None:
        """Hand ``records`` (already durably stored, in position order) to the subscribers."""
        ...

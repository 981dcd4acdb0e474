"""The in-process bus: synchronous, ordered delivery to every subscriber (the default).

>>> from astratrade_shell.store.records import StoredEvent
>>> seen: list[int] = []
>>> bus = InProcessBus()
>>> bus.subscribe(lambda record: seen.append(record.position))
>>> record = StoredEvent(position=1, stream_id="s", version=1, event_id="e", event_type="T",
...                      schema_version=1, data=b"{}", hash=bytes(32), command_id=None)
>>> bus.publish([record, record])
>>> seen
[1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence

from astratrade_shell.bus.port import Handler
from astratrade_shell.store.records import StoredEvent

__all__ = ["InProcessBus"]


class InProcessBus:
    """Calls each subscriber for each record, in subscription order, inside ``publish``.

    A subscriber that raises stops the delivery and the exception reaches the publisher: the
    records are already stored, so a replay from the store (``astratrade replay``) repairs the
    read models once the bug is fixed.
    """

    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> None:
        """Add a subscriber."""
        self._handlers.append(handler)

    def publish(self, records: Sequence[StoredEvent]) -> None:
        """Deliver ``records`` to every subscriber, in order."""
        for record in records:
            for handler in self._handlers:
                handler(record)

"""Projections: read models folded from stored events, idempotent by global position.

A :class:`Projection` decodes each delivered record with the canonical codec and a codec
registry (by default :data:`~astratrade_core.events.PLATFORM_EVENTS`) and folds it into its
state with a pure function from the core.  It remembers the last global position it
applied, so a record delivered twice (a bus retry, a replay over a live model) is ignored:
applying a delivery sequence with duplicates gives the same state as applying it once.

:func:`replay` rebuilds projections from a store, reading in pages; it is what
``astratrade replay`` runs and what a worker does to catch up after a restart.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.events import encode
>>> from astratrade_core.events.revenue import RewardClaimed
>>> from astratrade_shell.store import InMemoryEventStore, PendingEvent
>>> count = Projection("count", 0, lambda n, event: n + 1)
>>> store = InMemoryEventStore()
>>> events = [RewardClaimed(event_id=f"e-{i}", stream_id="u", pool_id="p", account_id="u",
...                         occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
...                         amount=Decimal("1"), currency="STRK") for i in range(3)]
>>> pending = [PendingEvent(e.event_id, e.event_type, e.schema_version, encode(e))
...            for e in events]
>>> records = store.append("u", pending, 0).unwrap().records
>>> for record in (*records, records[1]):  # a duplicate delivery
...     count(record)
>>> count.state, count.position, count.duplicates
(3, 3, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from returns.result import Failure

from astratrade_core.events import PLATFORM_EVENTS, Event, EventRegistry, decode
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

__all__ = ["Fed", "Projection", "ProjectionError", "decode_record", "replay"]

S = TypeVar("S")


class ProjectionError(Exception):
    """A stored record could not be decoded: the store or the code is broken, not the user."""


def decode_record(record: StoredEvent, registry: EventRegistry) -> Event:
    """The domain event a stored record holds, as ``registry`` decodes it (raises
    :class:`ProjectionError` if the record is corrupt or of a type ``registry`` lacks)."""
    decoded = decode(record.data, registry)
    if isinstance(decoded, Failure):
        raise ProjectionError(f"record at position {record.position}: {decoded.failure()}")
    return decoded.unwrap()


class Fed(Protocol):
    """What a bus worker feeds: a named handler that remembers the last global position it
    applied and makes what it applied durable on :meth:`commit` (a :class:`Projection` in
    memory; a persisted read model's :class:`~astratrade_shell.readmodels.feed.ViewFeed`)."""

    name: str
    position: int

    def __call__(self, record: StoredEvent) -> None:
        """Apply one record (a position at or below :attr:`position` changes nothing)."""

    def commit(self) -> None:
        """Make what was applied durable, before the worker acknowledges it."""


class Projection(Generic[S]):
    """A named read model: ``state`` folded by ``fold`` over the events it ``accepts``.

    Call it with a record (it is a bus handler).  Records at or below ``position`` are
    duplicates and change nothing; others are decoded with ``registry`` (only when accepted)
    and folded.
    """

    def __init__(self, name: str, initial: S, fold: Callable[[S, Event], S], *,
                 accepts: Iterable[str] | None = None,
                 registry: EventRegistry = PLATFORM_EVENTS) -> None:
        self.name = name
        self.state = initial
        self.position = 0
        self.duplicates = 0
        self._fold = fold
        self._accepts = None if accepts is None else frozenset(accepts)
        self._registry = registry

    def __call__(self, record: StoredEvent) -> None:
        if record.position <= self.position:
            self.duplicates += 1
            return
        if self._accepts is None or record.event_type in self._accepts:
            self.state = self._fold(self.state, decode_record(record, self._registry))
        self.position = record.position

    def commit(self) -> None:
        """Nothing to do: an in-memory projection's state is all it has."""


def replay(store: EventStore, projections: Iterable[Callable[[StoredEvent], None]], *,
           from_position: int = 1,
           on_record: Callable[[StoredEvent], None] | None = None) -> int:
    """Feed every record from ``from_position`` on to each projection; the count replayed."""
    handlers = list(projections)
    count = 0
    for record in store.read_all(from_position):
        for handler in handlers:
            handler(record)
        if on_record is not None:
            on_record(record)
        count += 1
    return count

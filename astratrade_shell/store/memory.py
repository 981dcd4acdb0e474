"""An in-memory event store: the reference adapter for tests and short-lived simulations.

It keeps the same promises as the SQLite store (same conformance suite) within one process;
a lock makes each append atomic with respect to other threads.

>>> from astratrade_shell.store.records import PendingEvent
>>> store = InMemoryEventStore()
>>> result = store.append("s-1", [PendingEvent("e-1", "Deposited", 1, b"{}")], 0)
>>> [(r.version, r.position) for r in result.unwrap().records]
[(1, 1)]
>>> store.append("s-1", [PendingEvent("e-2", "Deposited", 1, b"{}")], 0).failure().actual
1
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.events.audit import chain_hashes
from astratrade_shell.store.chain import GENESIS_HASH
from astratrade_shell.store.records import (
    Appended,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
    check_expected_version,
)

__all__ = ["InMemoryEventStore"]


class InMemoryEventStore:
    """A list of records plus per-stream indexes, guarded by a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[StoredEvent] = []
        self._streams: dict[str, list[int]] = {}
        self._commands: dict[str, tuple[str, int, int]] = {}
        self._snapshots: dict[str, Snapshot] = {}

    def append(
        self,
        stream_id: str,
        events: Sequence[PendingEvent],
        expected_version: int | ExpectedVersion,
        *,
        command_id: str | None = None,
    ) -> Result[Appended, VersionConflict]:
        """Append atomically; see :class:`astratrade_shell.store.port.EventStore`."""
        check_expected_version(expected_version)
        with self._lock:
            if command_id is not None and command_id in self._commands:
                stream, first, last = self._commands[command_id]
                return Success(Appended(stream, tuple(self._records[first - 1:last]), True))
            indexes = self._streams.get(stream_id, [])
            current = len(indexes)
            if isinstance(expected_version, int) and expected_version != current:
                return Failure(VersionConflict(stream_id, expected_version, current))
            if not events:
                return Success(Appended(stream_id, ()))
            previous = self._records[-1].hash if self._records else GENESIS_HASH
            position = len(self._records)
            hashes = chain_hashes([event.data for event in events], previous)
            new = [StoredEvent(
                position=position + offset, stream_id=stream_id, version=current + offset,
                event_id=event.event_id, event_type=event.event_type,
                schema_version=event.schema_version, data=event.data, hash=digest,
                command_id=command_id)
                for offset, (event, digest) in enumerate(zip(events, hashes, strict=True),
                                                         start=1)]
            self._records.extend(new)
            self._streams.setdefault(stream_id, []).extend(r.position for r in new)
            if command_id is not None:
                self._commands[command_id] = (stream_id, new[0].position, new[-1].position)
            return Success(Appended(stream_id, tuple(new)))

    def stream_version(self, stream_id: str) -> int:
        """The number of events in the stream."""
        with self._lock:
            return len(self._streams.get(stream_id, ()))

    def read_stream(self, stream_id: str, from_version: int = 1) -> Iterator[StoredEvent]:
        """The stream's records from ``from_version`` on."""
        with self._lock:
            positions = tuple(self._streams.get(stream_id, ())[max(from_version, 1) - 1:])
            records = [self._records[p - 1] for p in positions]
        return iter(records)

    def read_all(self, from_position: int = 1) -> Iterator[StoredEvent]:
        """Every record from ``from_position`` on, in global order."""
        with self._lock:
            records = self._records[max(from_position, 1) - 1:]
        return iter(records)

    def last_position(self) -> int:
        """The newest global position (0 when empty)."""
        with self._lock:
            return len(self._records)

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` as the stream's latest."""
        with self._lock:
            self._snapshots[snapshot.stream_id] = snapshot

    def load_snapshot(self, stream_id: str) -> Maybe[Snapshot]:
        """The stream's latest snapshot, if any."""
        with self._lock:
            found = self._snapshots.get(stream_id)
        return Nothing if found is None else Some(found)

    def close(self) -> None:
        """Nothing to release."""


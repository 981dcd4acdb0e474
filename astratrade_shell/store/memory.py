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

from astratrade_shell.store.chain import GENESIS_HASH
from astratrade_shell.store.plan import CommandRecord, Duplicate, StoreHead, Write, plan_append
from astratrade_shell.store.records import (
    Appended,
    AppendRequest,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
)

__all__ = ["InMemoryEventStore"]


class InMemoryEventStore:
    """A list of records plus per-stream indexes, guarded by a lock; appends follow the shared
    plan (:func:`~astratrade_shell.store.plan.plan_append`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[StoredEvent] = []
        self._streams: dict[str, list[int]] = {}
        self._commands: dict[str, CommandRecord] = {}
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
        with self._lock:
            return self._append(AppendRequest(stream_id, tuple(events), expected_version,
                                              command_id))

    def append_batch(self, requests: Sequence[AppendRequest],
                     ) -> Result[tuple[Appended, ...], VersionConflict]:
        """Every request in order, all or nothing (the writes are undone on a conflict)."""
        with self._lock:
            mark = len(self._records)
            written: list[Write] = []
            outcomes: list[Appended] = []
            try:
                for request in requests:
                    outcome = self._append(request, written)
                    if isinstance(outcome, Failure):
                        self._undo(mark, written)
                        return Failure(outcome.failure())
                    outcomes.append(outcome.unwrap())
            except BaseException:
                self._undo(mark, written)
                raise
            return Success(tuple(outcomes))

    def _append(self, request: AppendRequest, written: list[Write] | None = None,
                ) -> Result[Appended, VersionConflict]:
        last = self._records[-1] if self._records else None
        command_id = request.command_id
        head = StoreHead(
            len(self._streams.get(request.stream_id, ())),
            0 if last is None else last.position, GENESIS_HASH if last is None else last.hash,
            None if command_id is None else self._commands.get(command_id))
        plan = plan_append(head, request.stream_id, request.events, request.expected_version,
                           command_id)
        if isinstance(plan, VersionConflict):
            return Failure(plan)
        if isinstance(plan, Duplicate):
            return Success(self._appended(plan.command))
        self._write(plan)
        if written is not None:
            written.append(plan)
        return Success(Appended(request.stream_id, plan.records))

    def _undo(self, mark: int, written: list[Write]) -> None:
        del self._records[mark:]
        for plan in written:
            stream = self._streams[plan.stream_id]
            del stream[len(stream) - len(plan.records):]
            if not stream:
                del self._streams[plan.stream_id]
            if plan.command is not None:
                del self._commands[plan.command.command_id]

    def _write(self, plan: Write) -> None:
        self._records.extend(plan.records)
        self._streams.setdefault(plan.stream_id, []).extend(r.position for r in plan.records)
        if plan.command is not None:
            self._commands[plan.command.command_id] = plan.command

    def _appended(self, command: CommandRecord) -> Appended:
        return Appended(command.stream_id,
                        tuple(self._records[command.first_position - 1:command.last_position]),
                        True)

    def find_command(self, command_id: str) -> Maybe[Appended]:
        """The append an earlier command with this id made, if any."""
        with self._lock:
            found = self._commands.get(command_id)
            return Nothing if found is None else Some(self._appended(found))

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

    def read_all(self, from_position: int = 1,
                 to_position: int | None = None) -> Iterator[StoredEvent]:
        """Every record from ``from_position`` on (up to ``to_position``), in global order."""
        with self._lock:
            records = self._records[max(from_position, 1) - 1:to_position]
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


"""The event store port: what every adapter (in-memory, SQLite, PostgreSQL) promises.

The contract, checked by one abstract conformance suite (``tests/shell/store/conformance.py``)
that every adapter's tests subclass:

* ``append(stream_id, events, expected_version, command_id=...)`` writes the whole batch in
  one transaction or nothing.  ``expected_version`` is the stream version the caller decided
  against (``0``: the stream must not exist yet) or :data:`ANY_VERSION`; a mismatch is a
  ``Failure(VersionConflict)``, never an exception.  A ``command_id`` that was already
  stored makes the append a no-op that returns the first append's records
  (``duplicate=True``), whatever the expected version: retries are safe.  A command id is
  stored with every successful append that names it, even one of no events.
  ``find_command(command_id)`` answers that earlier append without writing.
* ``append_batch(requests)`` runs several appends (to any streams) in ONE transaction, in
  order, each planned against the head the earlier ones left (so a later request on the same
  stream expects the version the earlier ones made, and a command id repeated in the batch is
  a duplicate of its first request): every request is written, or -- when any of them is a
  ``VersionConflict`` or an exception is raised -- none is.  One durable commit for the whole
  batch is what lets a service group concurrently arriving commands (group commit).
* Every adapter decides an append with the same pure plan
  (:func:`astratrade_shell.store.plan.plan_append`): it reads the head inside its
  transaction, and writes what the plan says.
* Versions within a stream are ``1..n`` and unique; global positions are ``1..N`` with no
  gaps, in commit order; reading returns records in that order.
* Every record carries the audit-chain hash linking it to its predecessor and covering the
  whole record; :func:`audit_store` re-derives the chain (and checks anchors) and names the
  first broken record.
* Snapshots: the latest snapshot per stream, replaced on save.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from returns.maybe import Maybe
from returns.result import Result

from astratrade_shell.store.chain import ChainHead, StoreChainBreak, audit_records
from astratrade_shell.store.records import (
    Appended,
    AppendRequest,
    ExpectedVersion,
    PendingEvent,
    Snapshot,
    StoredEvent,
    VersionConflict,
)

__all__ = ["EventStore", "audit_store", "verify_store"]


class EventStore(Protocol):
    """An append-only, hash-chained log of events grouped into streams."""

    def append(
        self,
        stream_id: str,
        events: Sequence[PendingEvent],
        expected_version: int | ExpectedVersion,
        *,
        command_id: str | None = None,
    ) -> Result[Appended, VersionConflict]:
        """Append ``events`` to ``stream_id`` atomically (see the module docstring)."""
        ...

    def append_batch(self, requests: Sequence[AppendRequest],
                     ) -> Result[tuple[Appended, ...], VersionConflict]:
        """Every request's outcome, in order, from one transaction; the first conflict (and
        nothing written) otherwise (see the module docstring)."""
        ...

    def find_command(self, command_id: str) -> Maybe[Appended]:
        """The append an earlier command with this id made (``duplicate=True``), if any."""
        ...

    def stream_version(self, stream_id: str) -> int:
        """The number of events in the stream (0 when it does not exist)."""
        ...

    def read_stream(self, stream_id: str, from_version: int = 1) -> Iterator[StoredEvent]:
        """The stream's records with ``version >= from_version``, in version order."""
        ...

    def read_all(self, from_position: int = 1,
                 to_position: int | None = None) -> Iterator[StoredEvent]:
        """Every record with ``from_position <= position <= to_position`` (no upper bound by
        default), in global order (streamed)."""
        ...

    def last_position(self) -> int:
        """The global position of the newest record (0 for an empty store)."""
        ...

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store ``snapshot`` as the stream's latest (replacing an older one)."""
        ...

    def load_snapshot(self, stream_id: str) -> Maybe[Snapshot]:
        """The stream's latest snapshot, if any."""
        ...

    def close(self) -> None:
        """Release the store's resources; the object must not be used afterwards."""
        ...


def audit_store(store: EventStore, anchors: Iterable[ChainHead] = (),
                ) -> Result[ChainHead, StoreChainBreak]:
    """Verify the whole audit chain of ``store`` and every anchor (``ChainHead(position,
    hash)``, see :mod:`astratrade_shell.store.chain`): its head, or the first break."""
    return audit_records(store.read_all(), anchors=anchors)


def verify_store(store: EventStore, anchors: Iterable[ChainHead] = (),
                 ) -> Result[int, StoreChainBreak]:
    """Verify the whole audit chain of ``store`` (and ``anchors``): the count of records, or
    the first break."""
    return audit_store(store, anchors).map(lambda head: head.length)

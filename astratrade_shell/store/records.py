"""The values an event store speaks: pending and stored records, append outcomes, conflicts.

A store never sees domain objects.  The use cases encode each event with the canonical codec
(:mod:`astratrade_core.events.codec`) into a :class:`PendingEvent` and the store keeps those
bytes verbatim in a :class:`StoredEvent`, together with where it landed (stream version and
global position), the command that produced it, and its audit-chain hash.

Versions count events in one stream from 1; a stream that does not exist has version 0.
Global positions count every event in the store from 1, without gaps.

>>> pending = PendingEvent("e-1", "Deposited", 1, b'{"amount":"10"}')
>>> stored = StoredEvent(position=1, stream_id="user-1", version=1, event_id="e-1",
...                      event_type="Deposited", schema_version=1, data=pending.data,
...                      hash=b"\\x00" * 32, command_id="c-1")
>>> stored.stream_id, stored.version, stored.position
('user-1', 1, 1)
>>> str(VersionConflict("user-1", expected=0, actual=3))
'store.version_conflict: stream user-1 is at version 3, expected 0'
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs

__all__ = [
    "ANY_VERSION",
    "AppendRequest",
    "Appended",
    "ExpectedVersion",
    "PendingEvent",
    "Snapshot",
    "StoredEvent",
    "VersionConflict",
    "check_expected_version",
    "paged",
]


class ExpectedVersion(enum.Enum):
    """Sentinels for ``expected_version`` besides an exact integer (``0`` = no stream yet)."""

    ANY = "any"


#: Append whatever the stream's current version is (no optimistic concurrency check).
ANY_VERSION = ExpectedVersion.ANY


@attrs.frozen
class PendingEvent:
    """An encoded event waiting to be appended: its id, wire type, schema version, bytes."""

    event_id: str
    event_type: str
    schema_version: int
    data: bytes


@attrs.frozen(kw_only=True)
class StoredEvent:
    """An event as recorded: canonical bytes plus where and how it was stored.

    ``hash`` is the audit-chain hash of this record (it covers the predecessor's hash), so
    the record at global position ``p`` can be verified against the one at ``p - 1``.
    """

    position: int
    stream_id: str
    version: int
    event_id: str
    event_type: str
    schema_version: int
    data: bytes
    hash: bytes
    command_id: str | None


@attrs.frozen
class AppendRequest:
    """One append of a multi-stream batch (:meth:`EventStore.append_batch
    <astratrade_shell.store.port.EventStore.append_batch>`): the same arguments as one
    ``append``."""

    stream_id: str
    events: tuple[PendingEvent, ...]
    expected_version: int | ExpectedVersion
    command_id: str | None = None


@attrs.frozen
class Appended:
    """The outcome of a successful append.

    ``duplicate`` is true when the command id had already been stored: nothing new was
    written and ``records`` are the ones the first append stored.
    """

    stream_id: str
    records: tuple[StoredEvent, ...]
    duplicate: bool = False

    @property
    def last_position(self) -> int:
        """The global position of the last record (0 for an empty append)."""
        return self.records[-1].position if self.records else 0


@attrs.frozen
class VersionConflict:
    """Optimistic concurrency failure: the stream moved on since the caller read it.

    ``expected`` is what the caller passed; ``actual`` is the stream's version at append time.
    """

    stream_id: str
    expected: int
    actual: int

    code = "store.version_conflict"

    def __str__(self) -> str:
        return (f"{self.code}: stream {self.stream_id} is at version {self.actual}, "
                f"expected {self.expected}")


@attrs.frozen
class Snapshot:
    """Serialized state of one stream as of ``version`` (replay continues after it).

    ``state_type`` names the serializer (e.g. ``"portfolio/1"``) so that a reader can refuse a
    snapshot it does not understand and fall back to a full replay.
    """

    stream_id: str
    version: int
    state_type: str
    data: bytes


def check_expected_version(expected_version: int | ExpectedVersion) -> None:
    """Reject an impossible ``expected_version`` (a programming error, hence an exception).

    >>> check_expected_version(-1)
    Traceback (most recent call last):
    ...
    ValueError: expected_version must be >= 0 or ANY_VERSION, got -1
    """
    if isinstance(expected_version, ExpectedVersion):
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) or (
        expected_version < 0
    ):
        raise ValueError(f"expected_version must be >= 0 or ANY_VERSION, got {expected_version!r}")


def paged(fetch: Callable[[int], Sequence[Sequence[Any]]], start: int, key: int,
          page: int) -> Iterator[Sequence[Any]]:
    """Keyset pagination shared by the SQL adapters: ``fetch(cursor)`` returns at most ``page``
    rows whose column ``key`` is ``>= cursor`` in ascending order; the next page starts after
    the last key seen, so memory stays bounded and no row is read twice.

    >>> rows = [(n,) for n in range(1, 6)]
    >>> [r[0] for r in paged(lambda c: [r for r in rows if r[0] >= c][:2], 0, 0, 2)]
    [1, 2, 3, 4, 5]
    """
    cursor = max(start, 1)
    while True:
        rows = fetch(cursor)
        yield from rows
        if len(rows) < page:
            return
        cursor = rows[-1][key] + 1

"""Glue between the stores and the audit hash chain of :mod:`astratrade_core.events.audit`.

The chain's definition (``h[i] = SHA-256(h[i-1] || content[i])``, genesis 32 zero bytes)
belongs to the core; what ``content[i]`` is for a stored record is decided here, once, by
:func:`hashed_content` -- used both by the append plan (:mod:`astratrade_shell.store.plan`)
when it hashes new rows and by :func:`verify_chain` when it re-derives them, so changing what
the chain covers is a one-function edit.  Today it is the record's canonical event bytes.

:func:`verify_chain` feeds the core's verifier the stored records in global order and turns
its verdict into a :class:`StoreChainBreak` that names the first bad record by its global
position.  The store adds one check of its own: positions must run ``1, 2, 3, ...`` without
gaps, so a deleted record is named even when it was the last one before an intact record.

>>> from astratrade_shell.store.records import StoredEvent
>>> def rec(position: int, data: bytes, previous: bytes) -> StoredEvent:
...     return StoredEvent(position=position, stream_id="s", version=position, event_id="e",
...                        event_type="T", schema_version=1, data=data,
...                        hash=link_hash(previous, data), command_id=None)
>>> one = rec(1, b"a", GENESIS_HASH)
>>> two = rec(2, b"b", one.hash)
>>> verify_chain([one, two]).unwrap()
2
>>> verify_chain([one, attrs.evolve(two, data=b"B")]).failure().position
2
>>> verify_chain([two]).failure().reason
'position 1 is missing (the next stored is 2)'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.events import audit
from astratrade_shell.store.records import StoredEvent

__all__ = [
    "GENESIS_HASH",
    "RecordContent",
    "StoreChainBreak",
    "hashed_content",
    "link_hash",
    "verify_chain",
]

#: The predecessor hash of the first record (the core's definition).
GENESIS_HASH = audit.GENESIS_HASH
#: One link of the chain (the core's definition).
link_hash = audit.link_hash


class RecordContent(Protocol):
    """The fields of a stored record a link hash may cover (a
    :class:`~astratrade_shell.store.records.StoredEvent`, or the plan's row before hashing)."""

    @property
    def position(self) -> int: ...
    @property
    def stream_id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def event_id(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def data(self) -> bytes: ...
    @property
    def command_id(self) -> str | None: ...


def hashed_content(record: RecordContent) -> bytes:
    """The bytes a record's link hash covers after its predecessor's hash: the one place that
    defines them (the plan hashes with it, the verifier re-derives with it).

    Today: the canonical event bytes (which carry the event's id, stream, time, type, schema
    version and payload); not yet the store's own placement (position, version, command id).

    >>> from astratrade_shell.store.records import StoredEvent
    >>> hashed_content(StoredEvent(position=1, stream_id="s", version=1, event_id="e",
    ...                            event_type="T", schema_version=1, data=b"{}",
    ...                            hash=bytes(32), command_id=None))
    b'{}'
    """
    return record.data


@attrs.frozen
class StoreChainBreak:
    """The first stored record whose position or hash does not check out."""

    position: int
    reason: str

    code = "store.audit_broken"

    def __str__(self) -> str:
        return f"{self.code}: record at position {self.position}: {self.reason}"


def verify_chain(records: Iterable[StoredEvent]) -> Result[int, StoreChainBreak]:
    """Verify ``records`` (global order from position 1): the count, or the first break."""
    gaps: list[StoreChainBreak] = []

    def pairs() -> Iterator[tuple[bytes, bytes]]:
        expected = 1
        for record in records:
            if record.position != expected:
                gaps.append(StoreChainBreak(expected, f"position {expected} is missing (the "
                                                      f"next stored is {record.position})"))
                return
            expected += 1
            yield hashed_content(record), record.hash

    verdict = audit.verify_chain(pairs())
    if isinstance(verdict, Failure):
        found = verdict.failure()
        return Failure(StoreChainBreak(found.index + 1, "its hash does not match its content "
                                                        "and its predecessor"))
    if gaps:
        return Failure(gaps[0])
    return Success(verdict.unwrap().length)

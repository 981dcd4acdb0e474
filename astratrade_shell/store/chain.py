"""Glue between the stores and the audit hash chain of :mod:`astratrade_core.events.audit`.

The chain's definition (what a link hashes) belongs to the core; this module only feeds it
the stored records in global order and turns its verdict into a :class:`ChainBreak` that
names the first bad record by global position.

>>> first = link_hash(GENESIS_HASH, b"a")
>>> second = link_hash(first, b"b")
>>> len(first), first != second
(32, True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import attrs
from returns.result import Failure, Result, Success

from astratrade_shell.store.records import StoredEvent

__all__ = ["GENESIS_HASH", "ChainBreak", "link_hash", "verify_chain"]

#: The predecessor hash of the first record.
GENESIS_HASH = bytes(32)


def link_hash(previous: bytes, data: bytes) -> bytes:
    """The hash of a record with canonical bytes ``data`` following a record hashed ``previous``."""
    return hashlib.sha256(previous + data).digest()


@attrs.frozen
class ChainBreak:
    """The first record whose stored hash, position or link does not check out."""

    position: int
    reason: str

    code = "store.audit_broken"

    def __str__(self) -> str:
        return f"{self.code}: record at position {self.position}: {self.reason}"


def verify_chain(records: Iterable[StoredEvent]) -> Result[int, ChainBreak]:
    """Re-derive the chain over ``records`` (global order from position 1).

    Returns the number of records verified, or the first break: a missing or repeated
    position, or a stored hash that differs from the recomputed one.
    """
    previous = GENESIS_HASH
    expected_position = 1
    for record in records:
        if record.position != expected_position:
            return Failure(ChainBreak(expected_position,
                                      f"position {expected_position} is missing "
                                      f"(next stored is {record.position})"))
        if link_hash(previous, record.data) != record.hash:
            return Failure(ChainBreak(record.position, "hash does not match its content "
                                                       "and predecessor"))
        previous = record.hash
        expected_position += 1
    return Success(expected_position - 1)

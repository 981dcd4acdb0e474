"""The audit hash chain over canonical event bytes.

Definition (see ``docs/events.md``): records are numbered ``0, 1, 2, ...`` in append order; the
hash of record ``i`` is ::

    h[i] = SHA-256( h[i-1] || bytes[i] )        with   h[-1] = GENESIS_HASH = 32 zero bytes

where ``||`` is byte concatenation, ``h[i-1]`` the 32 raw digest bytes of the predecessor and
``bytes[i]`` the record's canonical bytes (:func:`astratrade_core.events.codec.encode`).  The
predecessor is fixed-length, so the concatenation is unambiguous.

API (all pure):

* ``GENESIS_HASH: bytes`` — the predecessor of the first record (``bytes(32)``).
* ``link_hash(previous, data) -> bytes`` — one link: ``sha256(previous + data).digest()``.
* ``chain_hashes(records, start=GENESIS_HASH) -> tuple[bytes, ...]`` — the hashes of a batch
  appended after a record hashed ``start``.
* ``verify_chain(records, *, start=GENESIS_HASH, anchor=None) -> Result[ChainHead, ChainBreak]``
  — walk ``(canonical bytes, stored hash)`` pairs; ``Success(ChainHead(length, head))`` or
  ``Failure(ChainBreak(index, ...))`` naming the **first** record (0-based position in the
  sequence given) whose stored hash differs from the recomputed one.  A chain cannot see its
  own truncation (or a correctly hashed record appended at its end): pass ``anchor``, a
  ``ChainHead`` recorded elsewhere, to detect those as a break at the anchored length.

>>> a = link_hash(GENESIS_HASH, b"first")
>>> b = link_hash(a, b"second")
>>> chain_hashes([b"first", b"second"]) == (a, b)
True
>>> verify_chain([(b"first", a), (b"second", b)]).unwrap().length
2
>>> verify_chain([(b"first", a), (b"sec0nd", b)]).failure().index
1
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = [
    "GENESIS_HASH",
    "HASH_SIZE",
    "ChainBreak",
    "ChainHead",
    "chain_hashes",
    "link_hash",
    "verify_chain",
]

#: Bytes in a link hash (SHA-256).
HASH_SIZE: Final = 32
#: The predecessor hash of the first record: 32 zero bytes.
GENESIS_HASH: Final = bytes(HASH_SIZE)

_sha256 = hashlib.sha256


def link_hash(previous: bytes, data: bytes) -> bytes:
    """The hash of a record with canonical bytes ``data`` whose predecessor hashed ``previous``.

    >>> link_hash(GENESIS_HASH, b"").hex()[:16]  # sha256 of 32 zero bytes
    '66687aadf862bd77'
    """
    return _sha256(previous + data).digest()


def chain_hashes(records: Iterable[bytes], start: bytes = GENESIS_HASH) -> tuple[bytes, ...]:
    """The link hashes of ``records`` appended after a record hashed ``start``.

    >>> [h.hex()[:8] for h in chain_hashes([b"x", b"y"])] == [
    ...     link_hash(GENESIS_HASH, b"x").hex()[:8],
    ...     link_hash(link_hash(GENESIS_HASH, b"x"), b"y").hex()[:8]]
    True
    """
    hashes: list[bytes] = []
    previous = start
    for data in records:
        previous = _sha256(previous + data).digest()
        hashes.append(previous)
    return tuple(hashes)


@attrs.frozen
class ChainHead:
    """A verified chain: how many records it holds and the hash of the last one
    (``start`` when empty).  Store it elsewhere to anchor later verifications."""

    length: int
    head: bytes


@attrs.frozen
class ChainBreak:
    """The first record that does not check out: its 0-based ``index`` in the verified
    sequence, the hash the chain ``expected`` there and the hash ``found``.  Against an anchor,
    a missing record has both empty, and a record beyond the anchored end has ``expected``
    empty."""

    index: int
    expected: bytes
    found: bytes

    @property
    def error(self) -> DomainError:
        """The break as a ``DomainError`` (code ``audit.broken_link``).

        >>> ChainBreak(3, b"\\x01", b"\\x02").error.fields["index"]
        '3'
        """
        return DomainError.rejected("audit.broken_link",
                              f"record {self.index} does not match the audit chain",
                              index=self.index, expected=self.expected.hex(),
                              found=self.found.hex())


def verify_chain(records: Iterable[tuple[bytes, bytes]], *, start: bytes = GENESIS_HASH,
                 anchor: ChainHead | None = None) -> Result[ChainHead, ChainBreak]:
    """Check ``(canonical bytes, stored hash)`` pairs, in order, against the chain definition.

    ``start`` is the hash preceding the first pair (to verify a tail from a trusted
    checkpoint).  With ``anchor``, the sequence must also end at exactly the anchored length
    and head; otherwise the break is reported at the first index where they disagree.

    >>> h = chain_hashes([b"a", b"b", b"c"])
    >>> pairs = list(zip([b"a", b"b", b"c"], h, strict=True))
    >>> verify_chain(pairs).unwrap() == ChainHead(3, h[2])
    True
    >>> verify_chain([pairs[0], pairs[2]]).failure().index      # deletion
    1
    >>> verify_chain(pairs[:2], anchor=ChainHead(3, h[2])).failure().index  # truncation
    2
    """
    previous = start
    index = 0
    limit, anchored = (-1, b"") if anchor is None else (anchor.length, anchor.head)
    for data, stored in records:
        expected = _sha256(previous + data).digest()
        if expected != stored:
            return Failure(ChainBreak(index, expected, stored))
        if index == limit:  # a record beyond the anchored end
            return Failure(ChainBreak(index, b"", stored))
        previous = stored
        index += 1
        if index == limit and previous != anchored:  # rewritten consistently up to the end
            return Failure(ChainBreak(index - 1, anchored, previous))
    if index < limit:  # records missing at the end
        return Failure(ChainBreak(index, b"", b""))
    if limit == 0 and previous != anchored:
        return Failure(ChainBreak(0, anchored, previous))
    return Success(ChainHead(index, previous))

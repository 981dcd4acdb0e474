"""The audit hash chain over whole stored records.

Definition (see ``docs/events.md``): records are numbered ``0, 1, 2, ...`` in append order; the
hash of record ``i`` is ::

    h[i] = SHA-256( h[i-1] || content[i] )        with   h[-1] = GENESIS_HASH = 32 zero bytes

where ``||`` is byte concatenation and ``h[i-1]`` the 32 raw digest bytes of the predecessor
(fixed-length, so the concatenation is unambiguous).  ``content[i]`` is the canonical encoding
of the **whole stored record** (chain format :data:`CHAIN_FORMAT`), :func:`record_content`:
its global position, stream, version, event id, event type, schema version, command id and
canonical event bytes (:func:`astratrade_core.events.codec.encode`, which carry the event's own
time).  Changing any of them breaks the link of that record.  (Chain format 1 hashed the event
bytes alone; stores written then are migrated by the shell, see ``docs/shell.md``.)

API (all pure):

* ``GENESIS_HASH: bytes`` — the predecessor of the first record (``bytes(32)``).
* ``record_content(*, position, stream_id, version, event_id, event_type, schema_version,
  command_id, data) -> bytes`` — what a stored record's link covers.
* ``link_hash(previous, content) -> bytes`` — one link: ``sha256(previous + content)``.
* ``chain_hashes(contents, start=GENESIS_HASH) -> tuple[bytes, ...]`` — the hashes of a batch
  appended after a record hashed ``start``.
* ``verify_chain(records, *, start=GENESIS_HASH, anchor=None, checkpoints=()) ->
  Result[ChainHead, ChainBreak]`` — walk ``(content, stored hash)`` pairs;
  ``Success(ChainHead(length, head))`` or ``Failure(ChainBreak(index, ...))`` naming the
  **first** record (0-based position in the sequence given) that does not check out.  A chain
  cannot see its own truncation, nor a rewrite that recomputes every later hash: pass
  ``checkpoints``, heads recorded elsewhere earlier (the chain must still pass through each),
  or ``anchor``, the head the sequence must end at exactly.

>>> a = link_hash(GENESIS_HASH, b"first")
>>> b = link_hash(a, b"second")
>>> chain_hashes([b"first", b"second"]) == (a, b)
True
>>> verify_chain([(b"first", a), (b"second", b)]).unwrap().length
2
>>> verify_chain([(b"first", a), (b"sec0nd", b)]).failure().index
1
>>> verify_chain([(b"first", a)], checkpoints=[ChainHead(2, b)]).failure().cause
<BreakCause.MISSING: 'missing'>
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = [
    "CHAIN_FORMAT",
    "GENESIS_HASH",
    "HASH_SIZE",
    "BreakCause",
    "ChainBreak",
    "ChainHead",
    "chain_hashes",
    "link_hash",
    "record_content",
    "verify_chain",
]

#: Bytes in a link hash (SHA-256).
HASH_SIZE: Final = 32
#: The predecessor hash of the first record: 32 zero bytes.
GENESIS_HASH: Final = bytes(HASH_SIZE)
#: What a link covers: ``2`` = the whole stored record (:func:`record_content`); ``1`` (older
#: stores) = the event bytes alone.
CHAIN_FORMAT: Final = 2

_sha256 = hashlib.sha256
# Domain separation: record contents of this format can never equal another format's bytes.
_CONTENT_TAG: Final = b"astratrade.record.2\n"


_ABSENT: Final = b"n" + bytes(8)


def _utf8(value: str) -> bytes:
    # "surrogatepass" encodes every str, lone surrogates included, injectively (a store that
    # hands back undecodable text must still hash, and hash differently from honest text).
    return value.encode("utf-8", "surrogatepass")


def record_content(*, position: int, stream_id: str, version: int, event_id: str,
                   event_type: str, schema_version: int, command_id: str | None,
                   data: bytes) -> bytes:
    """The bytes a stored record's link hash covers after its predecessor's hash.

    A domain tag, then each field in this order, tagged by kind and length-prefixed (so that
    no two different records share an encoding): ``i`` + 8-byte big-endian length + decimal
    ASCII for integers, ``s`` + length + UTF-8 for text, ``n`` + zero length for an absent
    command id, ``b`` + length + the raw canonical event bytes for ``data``.

    >>> fields = dict(position=7, stream_id="acct-1", version=3, event_id="cmd:1",
    ...               event_type="Deposited", schema_version=1, command_id="cmd", data=b"{}")
    >>> content = record_content(**fields)
    >>> content[:20], content[20:30]
    (b'astratrade.record.2\\n', b'i\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x017')
    >>> record_content(**(fields | {"command_id": None})) == content
    False
    """
    pos, ver, sch = b"%d" % position, b"%d" % version, b"%d" % schema_version
    stream, event, kind = _utf8(stream_id), _utf8(event_id), _utf8(event_type)
    if command_id is None:
        command = _ABSENT
    else:
        raw = _utf8(command_id)
        command = b"s" + len(raw).to_bytes(8, "big") + raw
    # each length: 8 bytes, big-endian
    return b"".join((
        _CONTENT_TAG, b"i", len(pos).to_bytes(8, "big"), pos,
        b"s", len(stream).to_bytes(8, "big"), stream, b"i", len(ver).to_bytes(8, "big"), ver,
        b"s", len(event).to_bytes(8, "big"), event, b"s", len(kind).to_bytes(8, "big"), kind,
        b"i", len(sch).to_bytes(8, "big"), sch, command,
        b"b", len(data).to_bytes(8, "big"), data))


def link_hash(previous: bytes, content: bytes) -> bytes:
    """The hash of a record with content ``content`` whose predecessor hashed ``previous``.

    >>> link_hash(GENESIS_HASH, b"").hex()[:16]  # sha256 of 32 zero bytes
    '66687aadf862bd77'
    """
    return _sha256(previous + content).digest()


def chain_hashes(records: Iterable[bytes], start: bytes = GENESIS_HASH) -> tuple[bytes, ...]:
    """The link hashes of record contents ``records`` appended after a record hashed ``start``.

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


class BreakCause(enum.Enum):
    """Why a record does not check out."""

    #: its stored hash is not the link of its content and its predecessor's hash
    LINK = "link"
    #: it lies beyond the end an ``anchor`` fixed
    BEYOND_ANCHOR = "beyond_anchor"
    #: the chain links correctly but does not pass through the anchored head there
    ANCHOR_MISMATCH = "anchor_mismatch"
    #: it is missing: the sequence ends before an anchor's or checkpoint's length
    MISSING = "missing"


@attrs.frozen
class ChainBreak:
    """The first record that does not check out: its 0-based ``index`` in the verified
    sequence, the hash the chain ``expected`` there and the hash ``found``, and the ``cause``.
    A missing record has both hashes empty; a record beyond the anchored end has ``expected``
    empty; against an anchor or checkpoint, ``expected`` is the anchored head."""

    index: int
    expected: bytes
    found: bytes
    cause: BreakCause = BreakCause.LINK

    @property
    def error(self) -> DomainError:
        """The break as a ``DomainError`` (code ``audit.broken_link``).

        >>> ChainBreak(3, b"\\x01", b"\\x02").error.fields["index"]
        '3'
        """
        return DomainError.rejected("audit.broken_link",
                              f"record {self.index} does not match the audit chain",
                              index=self.index, expected=self.expected.hex(),
                              found=self.found.hex(), cause=self.cause.value)


def verify_chain(records: Iterable[tuple[bytes, bytes]], *, start: bytes = GENESIS_HASH,
                 anchor: ChainHead | None = None,
                 checkpoints: Iterable[ChainHead] = ()) -> Result[ChainHead, ChainBreak]:
    """Check ``(content, stored hash)`` pairs, in order, against the chain definition.

    ``start`` is the hash preceding the first pair (to verify a tail from a trusted
    checkpoint).  With ``anchor``, the sequence must also end at exactly the anchored length
    and head.  Each of ``checkpoints`` (``ChainHead(n, h)``: the ``n``-th record hashed ``h``
    when it was taken) must lie on the chain: the sequence reaches ``n`` records and the
    ``n``-th hashes ``h`` (``n = 0``: ``h`` is ``start``).  The first disagreement, in
    sequence order, is reported.

    >>> h = chain_hashes([b"a", b"b", b"c"])
    >>> pairs = list(zip([b"a", b"b", b"c"], h, strict=True))
    >>> verify_chain(pairs).unwrap() == ChainHead(3, h[2])
    True
    >>> verify_chain([pairs[0], pairs[2]]).failure().index      # deletion
    1
    >>> verify_chain(pairs[:2], anchor=ChainHead(3, h[2])).failure().index  # truncation
    2
    >>> verify_chain(pairs, checkpoints=[ChainHead(2, h[0])]).failure().cause.value
    'anchor_mismatch'
    """
    limit = -1 if anchor is None else anchor.length
    pinned: dict[int, bytes] = {}
    for point in (*checkpoints, *([] if anchor is None else [anchor])):
        # Two different heads for one length cannot both hold: b"" matches no hash.
        pinned[point.length] = (point.head if pinned.get(point.length, point.head) == point.head
                                else b"")
    if pinned.get(0, start) != start:
        return Failure(ChainBreak(0, pinned[0], start, BreakCause.ANCHOR_MISMATCH))
    previous = start
    index = 0
    for data, stored in records:
        expected = _sha256(previous + data).digest()
        if expected != stored:
            return Failure(ChainBreak(index, expected, stored))
        if index == limit:  # a record beyond the anchored end
            return Failure(ChainBreak(index, b"", stored, BreakCause.BEYOND_ANCHOR))
        previous = stored
        index += 1
        if pinned and pinned.get(index, previous) != previous:  # rewritten consistently
            return Failure(ChainBreak(index - 1, pinned[index], previous,
                                      BreakCause.ANCHOR_MISMATCH))
    if pinned and max(pinned) > index:  # records missing at the end
        return Failure(ChainBreak(index, b"", b"", BreakCause.MISSING))
    return Success(ChainHead(index, previous))

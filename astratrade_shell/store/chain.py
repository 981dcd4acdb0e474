"""Glue between the stores and the audit hash chain of :mod:`astratrade_core.events.audit`.

The chain's definition (``h[p] = SHA-256(h[p-1] || content[p])``, genesis 32 zero bytes) and
what ``content[p]`` is -- the canonical encoding of the **whole stored record**: position,
stream, version, event id, event type, schema version, command id and the event's canonical
bytes (which carry its time) -- belong to the core (:func:`~astratrade_core.events.audit.
record_content`).  :func:`hashed_content` applies it to a stored record: the append plan
(:mod:`astratrade_shell.store.plan`) hashes new rows with it and :func:`audit_records`
re-derives them with it, so every adapter (memory, SQLite, PostgreSQL) chains the same bytes.

:func:`audit_records` feeds the core's verifier the stored records in global order and turns
its verdict into a :class:`StoreChainBreak` that names the first bad record by its global
position.  The store adds checks of its own: positions must run ``1, 2, 3, ...`` without
gaps (a deleted record is named even when it was the last one before an intact record), and
a row a reader cannot even turn into a record (:class:`CorruptRecord`) is named too.

**Anchors.** A chain cannot see its own truncation, nor a rewrite that recomputes every later
hash.  An anchor -- ``POSITION:HASH``, the head printed by ``astratrade audit head`` and kept
somewhere the store's writers cannot rewrite -- can: the chain must still reach that position
and pass through that hash.  :func:`parse_anchor` / :func:`format_anchor` read and write them,
:func:`read_anchors` an anchor file.

>>> from astratrade_shell.store.records import StoredEvent
>>> def rec(position: int, data: bytes, previous: bytes) -> StoredEvent:
...     unhashed = StoredEvent(position=position, stream_id="s", version=position,
...                            event_id="e", event_type="T", schema_version=1, data=data,
...                            hash=b"", command_id=None)
...     return attrs.evolve(unhashed, hash=link_hash(previous, hashed_content(unhashed)))
>>> one = rec(1, b"a", GENESIS_HASH)
>>> two = rec(2, b"b", one.hash)
>>> verify_chain([one, two]).unwrap()
2
>>> verify_chain([one, attrs.evolve(two, event_type="X")]).failure().position
2
>>> verify_chain([two]).failure().reason
'position 1 is missing (the next stored is 2)'
>>> anchor = ChainHead(2, two.hash)
>>> verify_chain([one], anchors=[anchor]).failure().reason
'position 2 is missing: the store ends at position 1, an anchor says 2 (truncated)'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Final, Protocol

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events import audit
from astratrade_core.events.audit import BreakCause, ChainHead
from astratrade_shell.store.records import StoredEvent

__all__ = [
    "CHAIN_FORMAT",
    "GENESIS_HASH",
    "MAX_ANCHOR_LINE",
    "ChainHead",
    "CorruptRecord",
    "Migration",
    "RecordContent",
    "StoreChainBreak",
    "audit_records",
    "format_anchor",
    "hashed_content",
    "legacy_content",
    "link_hash",
    "parse_anchor",
    "read_anchors",
    "verify_chain",
]

#: The predecessor hash of the first record (the core's definition).
GENESIS_HASH = audit.GENESIS_HASH
#: One link of the chain (the core's definition).
link_hash = audit.link_hash
#: The chain format stores write today (the core's): 2 = the whole record is hashed.
CHAIN_FORMAT = audit.CHAIN_FORMAT
#: The longest line an anchor file may hold (a position, a colon, 64 hex digits, a comment).
MAX_ANCHOR_LINE: Final = 200

_ANCHOR = re.compile(r"(0|[1-9][0-9]{0,18}):([0-9a-fA-F]{64})")


class RecordContent(Protocol):
    """The fields of a stored record a link hash covers (a
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
    """The bytes a record's link hash covers after its predecessor's hash: the one place the
    shell says what is hashed (the plan hashes with it, the verifier re-derives with it).

    Every stored column but the hash itself: position, stream, version, event id, type,
    schema version, command id and data, as :func:`astratrade_core.events.audit.
    record_content` encodes them.  (The stores keep no time of their own; the event's time is
    inside its canonical bytes.)

    >>> from astratrade_shell.store.records import StoredEvent
    >>> record = StoredEvent(position=1, stream_id="s", version=1, event_id="e",
    ...                      event_type="T", schema_version=1, data=b"{}", hash=bytes(32),
    ...                      command_id=None)
    >>> hashed_content(record) == hashed_content(attrs.evolve(record, version=2))
    False
    """
    return audit.record_content(
        position=record.position, stream_id=record.stream_id, version=record.version,
        event_id=record.event_id, event_type=record.event_type,
        schema_version=record.schema_version, command_id=record.command_id, data=record.data)


def legacy_content(record: RecordContent) -> bytes:
    """What chain format 1 hashed: the event's canonical bytes alone (used only to verify a
    store before migrating it to the current format)."""
    return record.data


class CorruptRecord(Exception):  # noqa: N818 - named after what it reports, like StopIteration
    """A stored row that cannot be a record at all (text where a version belongs, say): raised
    by a reader, reported by :func:`audit_records` as a break at ``position``."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"record at position {position}: {reason}")
        self.position = position
        self.reason = reason


@attrs.frozen
class StoreChainBreak:
    """The first stored record whose position, content or hash does not check out."""

    position: int
    reason: str

    code = "store.audit_broken"

    def __str__(self) -> str:
        return f"{self.code}: record at position {self.position}: {self.reason}"

    def error(self, context: str = "") -> DomainError:
        """The break as a ``DomainError`` (kind rejected), its message led by ``context``.

        >>> StoreChainBreak(3, "its hash does not match").error("refusing to migrate: ").message
        'refusing to migrate: record at position 3: its hash does not match'
        """
        return DomainError.rejected(self.code, f"{context}record at position {self.position}: "
                                               f"{self.reason}", position=self.position)


@attrs.frozen
class Migration:
    """What moving a store to the current chain format did: the new ``head`` and how many
    records were ``rehashed`` (``0``: the store was already current, only verified)."""

    head: ChainHead
    rehashed: int


def audit_records(records: Iterable[StoredEvent], *, anchors: Iterable[ChainHead] = (),
                  content: Callable[[StoredEvent], bytes] = hashed_content,
                  ) -> Result[ChainHead, StoreChainBreak]:
    """Verify ``records`` (global order from position 1) and every anchor (``ChainHead(p,
    h)``: the record at position ``p`` hashed ``h``): the chain's head, or the first break.

    ``content`` is what each link covers (:func:`legacy_content` verifies a format-1 store).
    """
    anchors = tuple(anchors)
    problems: list[StoreChainBreak] = []

    def pairs() -> Iterator[tuple[bytes, bytes]]:
        expected = 1
        iterator = iter(records)
        while True:
            try:
                record = next(iterator)
            except StopIteration:
                return
            except CorruptRecord as exc:
                problems.append(StoreChainBreak(exc.position, exc.reason))
                return
            if record.position != expected:
                problems.append(StoreChainBreak(expected, f"position {expected} is missing "
                                                f"(the next stored is {record.position})"))
                return
            expected += 1
            yield content(record), record.hash

    verdict = audit.verify_chain(pairs(), checkpoints=anchors)
    if isinstance(verdict, Success):
        return Success(verdict.unwrap()) if not problems else Failure(problems[0])
    found = verdict.failure()
    if found.cause is BreakCause.MISSING and problems:
        return Failure(problems[0])  # the reader stopped early: the gap is what is wrong
    return Failure(_store_break(found, anchors))


def _store_break(found: audit.ChainBreak, anchors: tuple[ChainHead, ...]) -> StoreChainBreak:
    position = found.index + 1
    if found.cause is BreakCause.MISSING:
        length = max(anchor.length for anchor in anchors)
        return StoreChainBreak(position, f"position {position} is missing: the store ends at "
                                         f"position {found.index}, an anchor says {length} "
                                         "(truncated)")
    if found.cause is BreakCause.ANCHOR_MISMATCH:
        return StoreChainBreak(position, f"the chain does not pass through the anchor "
                                         f"{position}:{found.expected.hex()} (the records up "
                                         "to it were rewritten and re-hashed)")
    return StoreChainBreak(position, "its hash does not match its content and its predecessor")


def verify_chain(records: Iterable[StoredEvent], *, anchors: Iterable[ChainHead] = (),
                 ) -> Result[int, StoreChainBreak]:
    """Verify ``records`` (global order from position 1) and ``anchors``: the count, or the
    first break (see :func:`audit_records`)."""
    return audit_records(records, anchors=anchors).map(lambda head: head.length)


def format_anchor(head: ChainHead) -> str:
    """An anchor as text, ``POSITION:HASH`` (the hash in lower-case hex).

    >>> format_anchor(ChainHead(0, GENESIS_HASH)) == "0:" + "0" * 64
    True
    """
    return f"{head.length}:{head.head.hex()}"


def parse_anchor(text: str) -> Result[ChainHead, DomainError]:
    """Read ``POSITION:HASH`` (ASCII digits, 64 hex digits); ``store.bad_anchor`` otherwise.

    >>> parse_anchor("3:" + "ab" * 32).unwrap().length
    3
    >>> parse_anchor("3:abc").failure().code
    'store.bad_anchor'
    """
    found = _ANCHOR.fullmatch(text.strip())
    if found is None:
        shown = text.strip()[:40]
        return Failure(DomainError.invalid(
            "store.bad_anchor", f"an anchor is POSITION:HASH (64 hex digits), not {shown!r}",
            anchor=shown))
    return Success(ChainHead(int(found[1]), bytes.fromhex(found[2])))


def read_anchors(lines: Iterable[str], source: str) -> Result[tuple[ChainHead, ...],
                                                              DomainError]:
    """The anchors of an anchor file: one ``POSITION:HASH`` a line, optionally followed by
    ``# a comment``; blank lines and lines starting with ``#`` are skipped.  A malformed or
    over-long line, or two different hashes for one position, is ``store.bad_anchor``
    naming the line.

    >>> text = ["# anchors", "2:" + "00" * 32 + "  # 2026-01-01", ""]
    >>> [a.length for a in read_anchors(text, "anchors.txt").unwrap()]
    [2]
    >>> read_anchors(["1:" + "00" * 32, "1:" + "11" * 32], "f").failure().message
    'f line 2: a different hash for position 1 than an earlier anchor'
    """
    found: dict[int, ChainHead] = {}
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_ANCHOR_LINE:
            return Failure(DomainError.invalid(
                "store.bad_anchor", f"{source} line {number}: longer than {MAX_ANCHOR_LINE} "
                                    "characters", line=number))
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parsed = parse_anchor(text)
        if isinstance(parsed, Failure):
            return Failure(DomainError.invalid(
                "store.bad_anchor", f"{source} line {number}: {parsed.failure().message}",
                line=number))
        anchor = parsed.unwrap()
        if found.get(anchor.length, anchor) != anchor:
            return Failure(DomainError.invalid(
                "store.bad_anchor", f"{source} line {number}: a different hash for position "
                                    f"{anchor.length} than an earlier anchor", line=number))
        found[anchor.length] = anchor
    return Success(tuple(found.values()))

"""The persistent sorted index behind :class:`~.leaderboards.Leaderboard`.

Every score change gives a user a fresh *sequence number* (``seq``); the index keeps the seqs
in rank order -- by score, highest first, then by seq (who reached the score first) -- in a
sorted list of blocks of about :data:`BLOCK_SIZE` seqs.  Scores are kept apart, negated, in a
persistent :class:`Column` indexed by seq (``negs[seq] == -units``), so the blocks hold small
integers only:

* **build** sorts ``range(n)`` by ``negs.__getitem__`` -- a stable sort on score alone whose
  keys are machine-size integers (CPython's fast path for small ints), instead of sorting
  composite ``score * 2**k + seq`` integers that overflow one digit;
* **rank queries** are a bisection over the blocks' first keys and one ``bisect(...,
  key=...)`` inside a block;
* **an update** copies one block and the tuple of blocks, and the other per-block tuples
  (first keys, prefix counts) only where they changed -- O(sqrt n) C-level work, no
  re-sort -- and earlier versions stay valid (they share the untouched blocks and the
  column's full chunks).

The dense rank needs, per block, where a new score starts (one byte per seq: its *starts*):
derived data, computed by the first dense query (one pass over the board) and from then on
carried along incrementally by every version derived from that one, so a dense rank is then
two binary searches and a byte count.  Nothing observable depends on when they are computed.

Everything is made of tuples of integers or strings, bytes and int64 arrays (the blocks).
CPython's garbage collector never tracks an array and stops tracking such a tuple after one
look, so a million-user board costs the collector nothing per update (a persistent vector or
map of pyrsistent is re-traversed whole every time a new version of it is young, which made an
update several times slower).  The blocks are arrays rather than tuples because that one look
is not free: a new tuple's seqs are visited once each, in rank order -- scattered over memory
-- which cost a million-user build about 55 ms; an array is built with one copy and never
visited (blocks are never mutated once built: an update copies the block it changes).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from itertools import accumulate, chain, repeat
from operator import add, ne, neg
from typing import Final, Generic, TypeAlias, TypeVar

import attrs

__all__ = ["BLOCK_SIZE", "Column", "RankIndex"]

T = TypeVar("T")

#: Seqs per block of the sorted index (a tuning knob; results never depend on it).  A block
#: splits in two when it grows past twice this size; an emptied block disappears.
BLOCK_SIZE: Final = 1024

#: A block of seqs: an immutable-by-convention array of int64 (never mutated once built).
_Block: TypeAlias = "MutableSequence[int]"   # an array("q"); runtime-resolvable in 3.11
_SHIFT: Final = 10
_CHUNK: Final = 1 << _SHIFT
_MASK: Final = _CHUNK - 1


@attrs.frozen(eq=False)
class Column(Generic[T]):
    """An append-only persistent vector: full tuples of 1,024 values (``chunks``) and the
    last, partial one (``tail``).  ``column[i]`` is two tuple lookups; an append copies the
    tail only (and, once every 1,024 appends, the short tuple of chunks).

    >>> c = Column.of(list(range(2000))).append(7)
    >>> len(c), c[1023], c[1024], c[2000], c.getter()(5), c.pick([2000, 0])
    (2001, 1023, 1024, 7, 5, [7, 0])
    """

    chunks: tuple[tuple[T, ...], ...] = ()
    tail: tuple[T, ...] = ()

    @classmethod
    def of(cls, values: Sequence[T]) -> Column[T]:
        """The values, in order."""
        cut = len(values) - len(values) % _CHUNK
        return cls(tuple(tuple(values[i:i + _CHUNK]) for i in range(0, cut, _CHUNK)),
                   tuple(values[cut:]))

    def __len__(self) -> int:
        return (len(self.chunks) << _SHIFT) + len(self.tail)

    def __getitem__(self, index: int) -> T:
        cut = len(self.chunks) << _SHIFT
        if index < cut:
            return self.chunks[index >> _SHIFT][index & _MASK]
        return self.tail[index - cut]

    def values(self) -> Iterator[T]:
        """Every value, in order."""
        return chain(chain.from_iterable(self.chunks), self.tail)

    def getter(self) -> Callable[[int], T]:
        """A fast ``column[i]`` (a closure, for ``map`` and ``bisect``'s ``key``)."""
        chunks, tail = self.chunks, self.tail
        cut = len(chunks) << _SHIFT

        def get(index: int) -> T:
            return chunks[index >> _SHIFT][index & _MASK] if index < cut else tail[index - cut]

        return get

    def pick(self, indices: Iterable[int]) -> list[T]:
        """``[column[i] for i in indices]``, without a call per index."""
        chunks, tail = self.chunks, self.tail
        cut = len(chunks) << _SHIFT
        return [chunks[i >> _SHIFT][i & _MASK] if i < cut else tail[i - cut] for i in indices]

    def append(self, value: T) -> Column[T]:
        """The column with ``value`` at index ``len(self)``."""
        tail = self.tail + (value,)  # noqa: RUF005 -- one copy; unpacking builds a list first
        if len(tail) < _CHUNK:
            return Column(self.chunks, tail)
        return Column((*self.chunks, tail), ())


@attrs.frozen(eq=False)
class _Negated(Column[int]):
    """A column of integers holding their negations: ``column[i] == -stored[i]``.  A board
    built from scores keeps the caller's score objects and negates on read (one ``-`` per
    read) instead of making a million negated ints at the build.

    >>> c = _Negated.of([3, -1, 0]).append(-5)
    >>> c[0], c[1], c.getter()(3), c.pick([0, 2, 3]), list(c.values()), c.stored()
    (-3, 1, -5, [-3, 0, -5], [-3, 1, 0, -5], [3, -1, 0, 5])
    """

    def stored(self) -> list[int]:
        """The stored values (the negations), in order."""
        return list(super().values())

    def __getitem__(self, index: int) -> int:
        return -super().__getitem__(index)

    def values(self) -> Iterator[int]:
        return map(neg, super().values())

    def getter(self) -> Callable[[int], int]:
        chunks, tail = self.chunks, self.tail
        cut = len(chunks) << _SHIFT

        def get(index: int) -> int:
            return -(chunks[index >> _SHIFT][index & _MASK] if index < cut
                     else tail[index - cut])

        return get

    def pick(self, indices: Iterable[int]) -> list[int]:
        chunks, tail = self.chunks, self.tail
        cut = len(chunks) << _SHIFT
        return [-(chunks[i >> _SHIFT][i & _MASK] if i < cut else tail[i - cut])
                for i in indices]

    def append(self, value: int) -> _Negated:
        tail = self.tail + (-value,)  # noqa: RUF005 -- one copy; unpacking builds a list first
        if len(tail) < _CHUNK:
            return _Negated(self.chunks, tail)
        return _Negated((*self.chunks, tail), ())


def _starts(block: _Block, get: Callable[[int], int]) -> bytes:
    """One byte per seq of ``block``: 1 where a new score starts (always at index 0)."""
    values = list(map(get, block))
    return bytes(map(ne, values, [None, *values[:-1]]))


def _starts_inserted(starts: bytes, block: _Block, i: int, neg: int,
                     get: Callable[[int], int]) -> bytes:
    """The starts of ``block`` after inserting a seq of negated score ``neg`` at ``i``."""
    mark = bytes((i == 0 or get(block[i - 1]) != neg,))
    if i == len(block):
        return starts + mark
    return starts[:i] + mark + bytes((get(block[i]) != neg,)) + starts[i + 1:]


def _starts_removed(starts: bytes, block: _Block, i: int, get: Callable[[int], int]) -> bytes:
    """The starts of ``block`` after removing its seq at ``i``."""
    if i + 1 == len(block):
        return starts[:i]
    mark = bytes((i == 0 or get(block[i - 1]) != get(block[i + 1]),))
    return starts[:i] + mark + starts[i + 2:]


def _overlaps(blocks: Sequence[_Block], j: int, get: Callable[[int], int]) -> bool:
    """Whether block ``j`` starts with the score block ``j - 1`` ends with."""
    return j > 0 and get(blocks[j][0]) == get(blocks[j - 1][-1])


@attrs.frozen(eq=False)
class _Dense:
    """Per block: its ``starts``, how many of its scores do not already end the block before
    (``fresh``); and the prefix sums of ``fresh`` (``offsets``)."""

    starts: tuple[bytes, ...]
    fresh: tuple[int, ...]
    offsets: tuple[int, ...]


class _Memo:
    """Derived data computed on demand; never part of a value's identity."""

    __slots__ = ("dense",)

    def __init__(self) -> None:
        self.dense: _Dense | None = None


#: A replacement block with its starts (``None`` while they are not being kept).
_Part = tuple[_Block, bytes | None]


@attrs.frozen(eq=False)
class RankIndex:
    """Seqs in rank order (see the module docstring).  ``negs[seq]`` is the negated score of
    ``seq``; ``blocks`` the sorted blocks; ``firsts[j]`` the ``(neg, seq)`` key of block
    ``j``'s first seq; ``offsets[j]`` the number of seqs before block ``j`` (one more entry
    than blocks, the last being the size)."""

    block_size: int
    negs: Column[int]
    blocks: tuple[_Block, ...]
    firsts: tuple[tuple[int, int], ...]
    offsets: tuple[int, ...]
    _memo: _Memo = attrs.field(factory=_Memo)

    @classmethod
    def empty(cls, block_size: int = BLOCK_SIZE) -> RankIndex:
        """An index with no seqs."""
        return cls(max(1, block_size), Column(), (), (), (0,))

    @classmethod
    def of_units(cls, units: Sequence[int], block_size: int = BLOCK_SIZE) -> RankIndex:
        """Index seqs ``0 .. len(units) - 1`` whose scores are ``units`` (ties in seq order):
        ``of_negs`` of their negations, without making them -- the sort is stable under
        ``reverse=True`` too, and the column negates on read.

        >>> list(RankIndex.of_units([1, 3, 1]).blocks[0])
        [1, 0, 2]
        """
        size = max(1, block_size)
        order = array("q", sorted(range(len(units)), key=units.__getitem__, reverse=True))
        blocks = tuple(order[i:i + size] for i in range(0, len(order), size))
        firsts = tuple((-units[block[0]], block[0]) for block in blocks)
        offsets = tuple(accumulate(map(len, blocks), initial=0))
        return cls(size, _Negated.of(units), blocks, firsts, offsets)

    @classmethod
    def of_negs(cls, negs: list[int], block_size: int = BLOCK_SIZE) -> RankIndex:
        """Index seqs ``0 .. len(negs) - 1`` whose negated scores are ``negs`` (ties in seq
        order: the sort is stable)."""
        size = max(1, block_size)
        order = array("q", sorted(range(len(negs)), key=negs.__getitem__))
        blocks = tuple(order[i:i + size] for i in range(0, len(order), size))
        firsts = tuple((negs[block[0]], block[0]) for block in blocks)
        offsets = tuple(accumulate(map(len, blocks), initial=0))
        return cls(size, Column.of(negs), blocks, firsts, offsets)

    # -- queries ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.offsets[-1]

    def seqs(self) -> Iterator[int]:
        """Every seq in rank order."""
        return chain.from_iterable(self.blocks)

    def _find(self, seq: int) -> tuple[int, int]:
        """Block and index of ``seq`` (which must be in the index)."""
        get = self.negs.getter()
        neg = get(seq)
        b = max(0, bisect_right(self.firsts, (neg, seq)) - 1)
        block = self.blocks[b]
        low = bisect_left(block, neg, key=get)
        return b, bisect_left(block, seq, low, bisect_right(block, neg, low, key=get))

    def _first_at_least(self, neg: int) -> tuple[int, int]:
        """Block and index of the first seq whose negated score is ``>= neg``."""
        b = max(0, bisect_left(self.firsts, (neg, -1)) - 1)
        return b, bisect_left(self.blocks[b], neg, key=self.negs.getter())

    def position(self, seq: int) -> int:
        """Seqs ranked before ``seq`` (which must be in the index)."""
        b, i = self._find(seq)
        return self.offsets[b] + i

    def better(self, neg: int) -> int:
        """Seqs with a strictly better score than negated score ``neg``."""
        if not self.blocks:
            return 0
        b, i = self._first_at_least(neg)
        return self.offsets[b] + i

    def distinct_better(self, neg: int) -> int:
        """Distinct scores strictly better than negated score ``neg``."""
        if not self.blocks:
            return 0
        dense = self._dense()
        b, i = self._first_at_least(neg)
        if not i:
            return dense.offsets[b]
        inside = dense.starts[b].count(1, 0, i)
        return dense.offsets[b] + inside - _overlaps(self.blocks, b, self.negs.getter())

    def slice(self, start: int, stop: int) -> list[int]:
        """The seqs at positions ``start .. stop - 1`` (clipped to the index)."""
        start, stop = max(0, start), min(stop, len(self))
        found: list[int] = []
        if start >= stop:
            return found
        b = bisect_right(self.offsets, start) - 1
        i = start - self.offsets[b]
        while len(found) < stop - start:
            found.extend(self.blocks[b][i:i + (stop - start - len(found))])
            b, i = b + 1, 0
        return found

    def _dense(self) -> _Dense:
        dense = self._memo.dense
        if dense is None:
            get = self.negs.getter()
            starts = tuple(_starts(block, get) for block in self.blocks)
            fresh = tuple(marks.count(1) - _overlaps(self.blocks, j, get)
                          for j, marks in enumerate(starts))
            dense = _Dense(starts, fresh, tuple(accumulate(fresh, initial=0)))
            self._memo.dense = dense
        return dense

    # -- updates -------------------------------------------------------------------------------

    def _replace(self, b: int, parts: Sequence[_Part], negs: Column[int]) -> RankIndex:
        """Block ``b`` replaced by ``parts`` (empty blocks vanish); ``negs`` is the new score
        column.  The per-block tuples are copied only where something changed: a move inside
        one block usually copies the tuple of blocks and nothing else."""
        kept = [part for part in parts if part[0]]
        new = tuple(block for block, _ in kept)
        blocks = self.blocks[:b] + new + self.blocks[b + 1:]
        heads = tuple((negs[block[0]], block[0]) for block in new)
        firsts = self.firsts if heads == self.firsts[b:b + 1] else (
            self.firsts[:b] + heads + self.firsts[b + 1:])
        offsets = self.offsets
        if len(new) != 1 or len(new[0]) != len(self.blocks[b]):
            middle = tuple(accumulate(map(len, new), initial=offsets[b]))
            tail = offsets[b + 2:]
            delta = middle[-1] - offsets[b + 1]
            if delta:
                tail = tuple(map(add, tail, repeat(delta)))
            offsets = offsets[:b] + middle + tail
        index = RankIndex(self.block_size, negs, blocks, firsts, offsets)
        dense = self._memo.dense
        if dense is not None:
            index._memo.dense = self._dense_after(dense, b, kept, index)
        return index

    def _dense_after(self, dense: _Dense, b: int, kept: Sequence[_Part],
                     index: RankIndex) -> _Dense:
        """The starts and distinct-score prefix of ``index``, which replaced block ``b`` of
        this index by ``kept``."""
        get = index.negs.getter()
        blocks = index.blocks
        starts = dense.starts[:b] + tuple(
            marks if marks is not None else _starts(block, get) for block, marks in kept) + (
            dense.starts[b + 1:])
        last = min(len(blocks), b + len(kept) + 1)
        fresh_middle = tuple(starts[j].count(1) - _overlaps(blocks, j, get)
                             for j in range(b, last))
        stop = b + 1 + (last - b - len(kept))
        if fresh_middle == dense.fresh[b:stop]:
            return _Dense(starts, dense.fresh, dense.offsets)
        fresh = dense.fresh[:b] + fresh_middle + dense.fresh[stop:]
        return _Dense(starts, fresh, tuple(accumulate(fresh, initial=0)))

    def _starts_of(self, b: int) -> bytes | None:
        dense = self._memo.dense
        return None if dense is None else dense.starts[b]

    def _place(self, negs: Column[int], seq: int, neg: int) -> RankIndex:
        """This index's blocks with ``seq`` -- the newest seq of ``negs``, whose negated
        score is ``neg`` -- inserted after every seq of the same score."""
        if not self.blocks:
            index = RankIndex(self.block_size, negs, (array("q", (seq,)),), ((neg, seq),),
                              (0, 1))
            if self._memo.dense is not None:
                index._memo.dense = _Dense((b"\x01",), (1,), (0, 1))
            return index
        b = max(0, bisect_right(self.firsts, (neg, seq)) - 1)
        block = self.blocks[b]
        i = bisect_right(block, neg, key=negs.getter())
        return self._grown(b, block, self._starts_of(b), i, seq=seq, negs=negs)

    def _grown(self, b: int, block: _Block, starts: bytes | None, i: int, *, seq: int,
               negs: Column[int]) -> RankIndex:
        """Block ``b`` replaced by ``block`` (with ``starts``) and ``seq`` inserted
        at ``i``; split in two when it outgrows twice the block size."""
        grown = block[:]          # a copy (one memcpy); the block itself is never mutated
        grown.insert(i, seq)
        if len(grown) > 2 * self.block_size:
            size = self.block_size
            return self._replace(b, ((grown[:size], None), (grown[size:], None)), negs)
        if starts is not None:
            starts = _starts_inserted(starts, block, i, negs[seq], negs.getter())
        return self._replace(b, ((grown, starts),), negs)

    def _shrunk(self, seq: int) -> tuple[int, _Block, bytes | None, int]:
        """Block, contents and starts without ``seq``, and the index ``seq`` had."""
        b, i = self._find(seq)
        block = self.blocks[b]
        starts = self._starts_of(b)
        if starts is not None:
            starts = _starts_removed(starts, block, i, self.negs.getter())
        shrunk = block[:]
        del shrunk[i]
        return b, shrunk, starts, i

    def insert(self, neg: int) -> tuple[RankIndex, int]:
        """Add a new seq with negated score ``neg``: the new index and the seq (which ranks
        after every earlier seq of the same score)."""
        seq = len(self.negs)
        return self._place(self.negs.append(neg), seq, neg), seq

    def remove(self, seq: int) -> RankIndex:
        """Drop ``seq`` (which must be in the index)."""
        b, shrunk, starts, _ = self._shrunk(seq)
        return self._replace(b, ((shrunk, starts),), self.negs)

    def move(self, seq: int, neg: int) -> tuple[RankIndex, int]:
        """Give ``seq``'s user the negated score ``neg`` under a new seq: one block rebuild
        when both positions fall in the same block (the common case for a small change)."""
        new_seq = len(self.negs)
        negs = self.negs.append(neg)
        b, shrunk, starts, _ = self._shrunk(seq)
        if not shrunk or max(0, bisect_right(self.firsts, (neg, new_seq)) - 1) != b:
            removed = self._replace(b, ((shrunk, starts),), self.negs)
            return removed._place(negs, new_seq, neg), new_seq
        j = bisect_right(shrunk, neg, key=negs.getter())
        return self._grown(b, shrunk, starts, j, seq=new_seq, negs=negs), new_seq

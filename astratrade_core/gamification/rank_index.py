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
  key=negs.__getitem__)`` inside a block;
* **an update** copies one block and the per-block tuples (first keys, prefix counts) --
  O(sqrt n) C-level work, no re-sort -- and earlier versions stay valid (they share the
  untouched blocks and the vector's prefix).

The dense rank needs, per block, the indices where a new score starts (its *runs*): derived
data, computed by the first dense query (one pass over the board) and from then on carried
along incrementally by every version derived from that one, so a dense rank is then three
binary searches.  Nothing observable depends on when they are computed.

Everything is made of tuples of integers or strings, which CPython's garbage collector stops
tracking after one look: a million-user board costs the collector nothing per update (a
persistent vector or map of pyrsistent is re-traversed whole every time a new version of it
is young, which made an update several times slower).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import add, ne, sub
from typing import Final, Generic, TypeVar

import attrs

__all__ = ["BLOCK_SIZE", "Column", "RankIndex"]

T = TypeVar("T")

#: Seqs per block of the sorted index (a tuning knob; results never depend on it).  A block
#: splits in two when it grows past twice this size; an emptied block disappears.
BLOCK_SIZE: Final = 1024

_Block = tuple[int, ...]
_SHIFT: Final = 10
_CHUNK: Final = 1 << _SHIFT
_MASK: Final = _CHUNK - 1


@attrs.frozen(eq=False)
class Column(Generic[T]):
    """An append-only persistent vector in tuples of 1,024 values: ``column[i]`` is two tuple
    lookups, an append copies the last chunk and the (short) tuple of chunks.

    >>> c = Column.of(list(range(2000))).append(7)
    >>> len(c), c[1999], c[2000], c.getter()(5)
    (2001, 1999, 7, 5)
    """

    chunks: tuple[tuple[T, ...], ...] = ()
    size: int = 0

    @classmethod
    def of(cls, values: Sequence[T]) -> Column[T]:
        """The values, in order."""
        return cls(tuple(tuple(values[i:i + _CHUNK]) for i in range(0, len(values), _CHUNK)),
                   len(values))

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> T:
        return self.chunks[index >> _SHIFT][index & _MASK]

    def getter(self) -> Callable[[int], T]:
        """A fast ``column[i]`` (a closure, for ``map`` and ``bisect``'s ``key``)."""
        chunks = self.chunks

        def get(index: int) -> T:
            return chunks[index >> _SHIFT][index & _MASK]

        return get

    def pick(self, indices: Iterable[int]) -> list[T]:
        """``[column[i] for i in indices]``, faster."""
        chunks = self.chunks
        return [chunks[i >> _SHIFT][i & _MASK] for i in indices]

    def append(self, value: T) -> Column[T]:
        """The column with ``value`` at index ``len(self)``."""
        if self.size & _MASK:
            return Column((*self.chunks[:-1], (*self.chunks[-1], value)), self.size + 1)
        return Column((*self.chunks, (value,)), self.size + 1)



def _runs(block: _Block, get: Callable[[int], int]) -> _Block:
    """Indices of ``block`` where a new score starts (0 included when not empty)."""
    values = list(map(get, block))
    return tuple(compress(range(len(values)), map(ne, values, [None, *values[:-1]])))


def _runs_inserted(runs: _Block, block: _Block, i: int, neg: int,
                   get: Callable[[int], int]) -> _Block:
    """The runs of ``block`` after inserting a seq of negated score ``neg`` at ``i``."""
    low = bisect_left(runs, i)
    high = low + (low < len(runs) and runs[low] == i)
    middle = ((i,) if i == 0 or get(block[i - 1]) != neg else ()) + (
        (i + 1,) if i < len(block) and get(block[i]) != neg else ())
    return runs[:low] + middle + tuple(map(add, runs[high:], repeat(1)))


def _runs_removed(runs: _Block, block: _Block, i: int, get: Callable[[int], int]) -> _Block:
    """The runs of ``block`` after removing its seq at ``i``."""
    low = bisect_left(runs, i)
    high = bisect_right(runs, i + 1, low)
    starts = i + 1 < len(block) and (i == 0 or get(block[i - 1]) != get(block[i + 1]))
    return runs[:low] + ((i,) if starts else ()) + tuple(map(sub, runs[high:], repeat(1)))


def _overlaps(blocks: Sequence[_Block], j: int, get: Callable[[int], int]) -> bool:
    """Whether block ``j`` starts with the score block ``j - 1`` ends with."""
    return j > 0 and get(blocks[j][0]) == get(blocks[j - 1][-1])


@attrs.frozen(eq=False)
class _Dense:
    """Per block: its ``runs``, how many of its scores do not already end the block before
    (``fresh``); and the prefix sums of ``fresh`` (``offsets``)."""

    runs: tuple[_Block, ...]
    fresh: tuple[int, ...]
    offsets: tuple[int, ...]


class _Memo:
    """Derived data computed on demand; never part of a value's identity."""

    __slots__ = ("dense",)

    def __init__(self) -> None:
        self.dense: _Dense | None = None


#: A replacement block with its runs (``None`` while the runs are not being kept).
_Part = tuple[_Block, _Block | None]


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
    def of_negs(cls, negs: list[int], block_size: int = BLOCK_SIZE) -> RankIndex:
        """Index seqs ``0 .. len(negs) - 1`` whose negated scores are ``negs`` (ties in seq
        order: the sort is stable)."""
        size = max(1, block_size)
        order = sorted(range(len(negs)), key=negs.__getitem__)
        blocks = tuple(tuple(order[i:i + size]) for i in range(0, len(order), size))
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
        inside = bisect_left(dense.runs[b], i)
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
            runs = tuple(_runs(block, get) for block in self.blocks)
            fresh = tuple(len(r) - _overlaps(self.blocks, j, get) for j, r in enumerate(runs))
            dense = _Dense(runs, fresh, tuple(accumulate(fresh, initial=0)))
            self._memo.dense = dense
        return dense

    # -- updates -------------------------------------------------------------------------------

    def _replace(self, b: int, parts: Sequence[_Part], negs: Column[int]) -> RankIndex:
        """Block ``b`` replaced by ``parts`` (empty blocks vanish); ``negs`` is the new score
        column."""
        kept = [part for part in parts if part[0]]
        new = tuple(block for block, _ in kept)
        blocks = self.blocks[:b] + new + self.blocks[b + 1:]
        firsts = (self.firsts[:b] + tuple((negs[block[0]], block[0]) for block in new)
                  + self.firsts[b + 1:])
        middle = tuple(accumulate(map(len, new), initial=self.offsets[b]))
        tail = self.offsets[b + 2:]
        delta = middle[-1] - self.offsets[b + 1]
        if delta:
            tail = tuple(map(add, tail, repeat(delta)))
        index = RankIndex(self.block_size, negs, blocks, firsts,
                          self.offsets[:b] + middle + tail)
        dense = self._memo.dense
        if dense is not None:
            get = negs.getter()
            runs = dense.runs[:b] + tuple(r or _runs(block, get) for block, r in kept) + (
                dense.runs[b + 1:])
            last = min(len(blocks), b + len(new) + 1)
            fresh = (dense.fresh[:b]
                     + tuple(len(runs[j]) - _overlaps(blocks, j, get) for j in range(b, last))
                     + dense.fresh[b + 1 + (last - b - len(new)):])
            index._memo.dense = _Dense(runs, fresh, tuple(accumulate(fresh, initial=0)))
        return index

    def _runs_of(self, b: int) -> _Block | None:
        dense = self._memo.dense
        return None if dense is None else dense.runs[b]

    def _place(self, negs: Column[int], seq: int, neg: int) -> RankIndex:
        """This index's blocks with ``seq`` -- the newest seq of ``negs``, whose negated
        score is ``neg`` -- inserted after every seq of the same score."""
        if not self.blocks:
            index = RankIndex(self.block_size, negs, ((seq,),), ((neg, seq),), (0, 1))
            if self._memo.dense is not None:
                index._memo.dense = _Dense(((0,),), (1,), (0, 1))
            return index
        b = max(0, bisect_right(self.firsts, (neg, seq)) - 1)
        block = self.blocks[b]
        i = bisect_right(block, neg, key=negs.getter())
        return self._grown(b, block, self._runs_of(b), i, seq=seq, negs=negs)

    def _grown(self, b: int, block: _Block, runs: _Block | None, i: int, *, seq: int,
               negs: Column[int]) -> RankIndex:
        """Block ``b`` replaced by ``block`` (whose runs are ``runs``) with ``seq`` inserted
        at ``i``; split in two when it outgrows twice the block size."""
        grown = (*block[:i], seq, *block[i:])
        if len(grown) > 2 * self.block_size:
            size = self.block_size
            return self._replace(b, ((grown[:size], None), (grown[size:], None)), negs)
        if runs is not None:
            runs = _runs_inserted(runs, block, i, negs[seq], negs.getter())
        return self._replace(b, ((grown, runs),), negs)

    def _shrunk(self, seq: int) -> tuple[int, _Block, _Block | None, int]:
        """Block, contents and runs without ``seq``, and the index ``seq`` had."""
        b, i = self._find(seq)
        block = self.blocks[b]
        runs = self._runs_of(b)
        if runs is not None:
            runs = _runs_removed(runs, block, i, self.negs.getter())
        return b, block[:i] + block[i + 1:], runs, i

    def insert(self, neg: int) -> tuple[RankIndex, int]:
        """Add a new seq with negated score ``neg``: the new index and the seq (which ranks
        after every earlier seq of the same score)."""
        seq = len(self.negs)
        return self._place(self.negs.append(neg), seq, neg), seq

    def remove(self, seq: int) -> RankIndex:
        """Drop ``seq`` (which must be in the index)."""
        b, shrunk, runs, _ = self._shrunk(seq)
        return self._replace(b, ((shrunk, runs),), self.negs)

    def move(self, seq: int, neg: int) -> tuple[RankIndex, int]:
        """Give ``seq``'s user the negated score ``neg`` under a new seq: one block rebuild
        when both positions fall in the same block (the common case for a small change)."""
        new_seq = len(self.negs)
        negs = self.negs.append(neg)
        b, shrunk, runs, _ = self._shrunk(seq)
        if not shrunk or max(0, bisect_right(self.firsts, (neg, new_seq)) - 1) != b:
            removed = self._replace(b, ((shrunk, runs),), self.negs)
            return removed._place(negs, new_seq, neg), new_seq
        j = bisect_right(shrunk, neg, key=negs.getter())
        return self._grown(b, shrunk, runs, j, seq=new_seq, negs=negs), new_seq

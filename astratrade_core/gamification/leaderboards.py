"""Leaderboards: exact, deterministic rankings with incremental updates.

**Order.**  Entries are ordered by score, highest first.  Ties are broken by *who reached the
score first*: every score change gives the user the board's next sequence number, and among
equal scores the lower sequence number ranks higher (``build`` numbers rows in the order
given, so pass them in the order their scores were reached -- e.g. a snapshot in rank order).
The order is therefore a pure function of the update history and never of memory layout.

**Rank styles** (:class:`RankStyle`): ``COMPETITION`` ("1224": one plus the number of
strictly better scores), ``DENSE`` ("1223": one plus the number of distinct better scores)
and ``ORDINAL`` ("1234": the position in the order above).

**Scores** are exact: a board has a resolution of ``places`` decimal places and stores each
score as an integer number of ``10**-places`` units.  A score with more places is rejected,
never silently rounded; derived metrics (ROI %) are rounded explicitly before they get here
(see :mod:`.standings`).

**Structure.**  The ordering keys ``-units * 2**40 + seq`` (one integer per user) live in a
persistent sorted list of blocks of about 1,024 keys, with prefix counts of keys and of
distinct scores.  An update copies one block and the short per-block index -- O(sqrt n), no
re-sort -- and earlier versions of the board stay valid (they share the untouched blocks).
Rank queries are two binary searches plus, for the dense rank, one block scan.

>>> from datetime import UTC
>>> board = Leaderboard.build("xp", [("ann", 300), ("bob", 200), ("cat", 200), ("dan", 100)]
...                           ).unwrap()
>>> [(e.user_id, e.rank) for e in board.top(4)]
[('ann', 1), ('bob', 2), ('cat', 2), ('dan', 4)]
>>> [e.rank for e in board.top(4, RankStyle.DENSE)]
[1, 2, 2, 3]
>>> board2, events = board.add("dan", 150, event_id="t-1/rank/xp",  # 100 + 150 = 250
...                            occurred_at=datetime(2026, 1, 1, tzinfo=UTC)).unwrap()
>>> board2.rank_of("dan").unwrap(), events[0].previous_rank, events[0].rank
(2, 4, 2)
>>> board.rank_of("dan").unwrap()   # the old version is untouched
4
"""

from __future__ import annotations

import enum
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import accumulate, repeat
from operator import add, lshift, neg, rshift
from typing import Final

import attrs
from pyrsistent import pmap, pvector
from pyrsistent.typing import PMap, PVector
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.gamification import LeaderboardUpdated
from astratrade_core.numeric import CONTEXT, parse_decimal

__all__ = ["BLOCK_SIZE", "MAX_UPDATES", "Leaderboard", "RankStyle", "RankedEntry", "to_units"]

_SEQ_BITS: Final = 40
_SEQ_MASK: Final = (1 << _SEQ_BITS) - 1
#: A board accepts at most this many rows plus updates (sequence numbers are 40-bit).
MAX_UPDATES: Final = _SEQ_MASK
#: Keys per block of the sorted index (a tuning knob; results never depend on it).
BLOCK_SIZE: Final = 1024


class RankStyle(enum.Enum):
    """How equal scores are ranked."""

    COMPETITION = "competition"
    DENSE = "dense"
    ORDINAL = "ordinal"


@attrs.frozen
class RankedEntry:
    """One row of a ranking: user, exact score, rank in the requested style."""

    user_id: str
    score: Decimal
    rank: int


def to_units(value: object, places: int) -> Result[int, DomainError]:
    """An exact score as an integer number of ``10**-places`` units; more places is a Failure.

    >>> to_units("12.34", 2).unwrap(), to_units(7, 0).unwrap()
    (1234, 7)
    >>> to_units("0.001", 2).failure().code
    'leaderboard.precision'
    """
    def scale(d: Decimal) -> Result[int, DomainError]:
        scaled = d.scaleb(places, CONTEXT)
        if scaled != scaled.to_integral_value(context=CONTEXT):
            return Failure(DomainError.invalid("leaderboard.precision",
                                          f"score has more than {places} decimal places",
                                          score=str(d)))
        return Success(int(scaled))

    return parse_decimal(value, "score").bind(scale)


def _score(key: int) -> int:
    return -(key >> _SEQ_BITS)


def _distinct(block: tuple[int, ...]) -> int:
    """Distinct scores in one block."""
    return len(set(map(rshift, block, repeat(_SEQ_BITS))))


def _overlaps(blocks: Sequence[tuple[int, ...]], index: int) -> bool:
    """Whether block ``index`` starts with the score the block before ends with."""
    return index > 0 and (blocks[index][0] >> _SEQ_BITS) == (
        blocks[index - 1][-1] >> _SEQ_BITS)


def _has_score(block: tuple[int, ...], index: int, shifted: int) -> bool:
    return 0 <= index < len(block) and (block[index] >> _SEQ_BITS) == shifted


@attrs.frozen
class _Index:
    """The per-block index.  For block ``j``: ``firsts[j]`` its smallest key, ``distinct[j]``
    its distinct scores, ``fresh[j]`` those not already ending block ``j - 1``; prefix sums
    ``offsets`` (keys before block ``j``) and ``dense_offsets`` (distinct scores before it).
    An update rebuilds only the tuples of per-block numbers (a few thousand C-level steps)
    and recounts nothing but a block that splits."""

    block_size: int
    blocks: tuple[tuple[int, ...], ...]
    firsts: tuple[int, ...]
    offsets: tuple[int, ...]
    distinct: tuple[int, ...]
    fresh: tuple[int, ...]
    dense_offsets: tuple[int, ...]

    @classmethod
    def assemble(cls, block_size: int, blocks: tuple[tuple[int, ...], ...],
                 firsts: tuple[int, ...], distinct: tuple[int, ...],
                 fresh: tuple[int, ...]) -> _Index:
        return cls(block_size, blocks, firsts, tuple(accumulate(map(len, blocks), initial=0)),
                   distinct, fresh, tuple(accumulate(fresh, initial=0)))

    @classmethod
    def of_sorted(cls, block_size: int, keys: list[int]) -> _Index:
        blocks = tuple(tuple(keys[i:i + block_size]) for i in range(0, len(keys), block_size))
        distinct = tuple(map(_distinct, blocks))
        fresh = tuple(d - _overlaps(blocks, j) for j, d in enumerate(distinct))
        return cls.assemble(block_size, blocks, tuple(b[0] for b in blocks), distinct, fresh)

    def _locate(self, key: int) -> tuple[int, int]:
        b = max(0, bisect_right(self.firsts, key) - 1)
        return b, bisect_left(self.blocks[b], key)

    def position(self, key: int) -> int:
        """Number of keys smaller than ``key`` (0 on an empty index)."""
        if not self.blocks:
            return 0
        b, i = self._locate(key)
        return self.offsets[b] + i

    def keys_between(self, start: int, stop: int) -> list[int]:
        found: list[int] = []
        if start >= stop:
            return found
        b = bisect_right(self.offsets, start) - 1
        i = start - self.offsets[b]
        while len(found) < stop - start and b < len(self.blocks):
            found.extend(self.blocks[b][i:i + (stop - start - len(found))])
            b, i = b + 1, 0
        return found

    def distinct_before(self, key: int) -> int:
        """Number of distinct scores among the keys smaller than ``key``."""
        if not self.blocks:
            return 0
        b, i = self._locate(key)
        inside = _distinct(self.blocks[b][:i]) if i else 0
        if i and _overlaps(self.blocks, b):
            inside -= 1
        return self.dense_offsets[b] + inside

    def _replace(self, b: int, parts: tuple[tuple[tuple[int, ...], int], ...]) -> _Index:
        """Replace block ``b`` by ``parts`` (``(block, distinct)``; empty blocks vanish) and
        refresh ``fresh`` for the new blocks and the block after them."""
        kept = tuple(part for part in parts if part[0])
        new_blocks = tuple(block for block, _ in kept)
        blocks = self.blocks[:b] + new_blocks + self.blocks[b + 1:]
        firsts = self.firsts[:b] + tuple(block[0] for block in new_blocks) + self.firsts[b + 1:]
        distinct = self.distinct[:b] + tuple(d for _, d in kept) + self.distinct[b + 1:]
        stop = min(len(blocks), b + len(kept) + 1)
        middle = tuple(distinct[j] - _overlaps(blocks, j) for j in range(b, stop))
        fresh = self.fresh[:b] + middle + self.fresh[b + 1 + (stop - b - len(kept)):]
        return _Index.assemble(self.block_size, blocks, firsts, distinct, fresh)

    def insert(self, key: int) -> _Index:
        if not self.blocks:
            return _Index.assemble(self.block_size, ((key,),), (key,), (1,), (1,))
        b, i = self._locate(key)
        block = self.blocks[b]
        shifted = key >> _SEQ_BITS
        repeated = _has_score(block, i - 1, shifted) or _has_score(block, i, shifted)
        grown = (*block[:i], key, *block[i:])
        half = self.block_size
        if len(grown) > 2 * half:
            left, right = grown[:half], grown[half:]
            return self._replace(b, ((left, _distinct(left)), (right, _distinct(right))))
        return self._replace(b, ((grown, self.distinct[b] + (not repeated)),))

    def move(self, old: int, new: int) -> _Index:
        """Replace key ``old`` by ``new``: one block rebuild when both fall in the same block
        (the common case for a small score change), else a removal and an insertion."""
        b, i = self._locate(old)
        block = self.blocks[b]
        if len(block) == 1 or max(0, bisect_right(self.firsts, new) - 1) != b:
            return self.remove(old).insert(new)
        shifted = old >> _SEQ_BITS
        repeated = _has_score(block, i - 1, shifted) or _has_score(block, i + 1, shifted)
        shrunk = block[:i] + block[i + 1:]
        distinct = self.distinct[b] - (not repeated)
        j = bisect_left(shrunk, new)
        shifted = new >> _SEQ_BITS
        repeated = _has_score(shrunk, j - 1, shifted) or _has_score(shrunk, j, shifted)
        moved = (*shrunk[:j], new, *shrunk[j:])
        return self._replace(b, ((moved, distinct + (not repeated)),))

    def remove(self, key: int) -> _Index:
        b, i = self._locate(key)
        block = self.blocks[b]
        shifted = key >> _SEQ_BITS
        repeated = _has_score(block, i - 1, shifted) or _has_score(block, i + 1, shifted)
        shrunk = block[:i] + block[i + 1:]
        return self._replace(b, ((shrunk, self.distinct[b] - (not repeated)),))


def _compact_limit(base_size: int) -> int:
    return max(256, base_size // 16)


@attrs.frozen
class Leaderboard:
    """A ranking of users by an exact score (see the module docstring).

    ``_base`` and ``_overlay`` together map each user to their ordering key: ``_base`` is a
    dict built once and never mutated, ``_overlay`` a persistent map of later changes that is
    folded into a fresh base when it grows past 1/16 of it (amortised O(1) per update).
    """

    board_id: str
    places: int
    _index: _Index
    _base: Mapping[str, int]
    _overlay: PMap[str, int]
    _users: PVector[str]

    @classmethod
    def from_units(cls, board_id: str, users: Sequence[str], units: Sequence[int],
                   places: int = 0, *, block_size: int = BLOCK_SIZE,
                   ) -> Result[Leaderboard, DomainError]:
        """Build from parallel sequences of user ids and integer scores in ``10**-places``
        units, ties ordered by position (the fast path for snapshots and benchmarks).

        >>> Leaderboard.from_units("b", ["a", "a"], [1, 2]).failure().code
        'leaderboard.duplicate_user'
        """
        if len(users) != len(units) or len(users) > MAX_UPDATES:
            return Failure(DomainError.invalid("leaderboard.rows", "users and scores must pair up",
                                          users=len(users), scores=len(units)))
        # -units * 2**40 + seq, built by C-level maps (a third faster than a comprehension).
        keys = list(map(add, map(lshift, map(neg, units), repeat(_SEQ_BITS)), range(len(units))))
        base = dict(zip(users, keys, strict=True))
        if len(base) != len(users):
            return Failure(DomainError.conflict("leaderboard.duplicate_user",
                                          "a user appears twice", board=board_id))
        keys.sort()
        index = _Index.of_sorted(max(1, block_size), keys)
        return Success(cls(board_id, places, index, base, pmap(), pvector(users)))

    @classmethod
    def build(cls, board_id: str, rows: Iterable[tuple[str, object]], places: int = 0, *,
              block_size: int = BLOCK_SIZE) -> Result[Leaderboard, DomainError]:
        """Build from ``(user_id, score)`` rows (scores as str/int/Decimal with at most
        ``places`` decimals), ties ordered by row order.

        >>> Leaderboard.build("pnl", [("a", "1.5"), ("b", "-2.25")], places=2).unwrap(
        ...     ).score_of("b").unwrap()
        Decimal('-2.25')
        """
        users: list[str] = []
        units: list[int] = []
        for user, score in rows:
            converted = to_units(score, places)
            if isinstance(converted, Failure):
                return Failure(converted.failure())
            users.append(user)
            units.append(converted.unwrap())
        return cls.from_units(board_id, users, units, places, block_size=block_size)

    @classmethod
    def empty(cls, board_id: str, places: int = 0, *, block_size: int = BLOCK_SIZE,
              ) -> Leaderboard:
        """A board with nobody on it."""
        index = _Index.assemble(max(1, block_size), (), (), (), ())
        return cls(board_id, places, index, {}, pmap(), pvector())

    # -- queries ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._index.offsets[-1]

    def _key(self, user_id: str) -> int | None:
        found = self._overlay.get(user_id)
        return found if found is not None else self._base.get(user_id)

    def _decimal(self, units: int) -> Decimal:
        return Decimal(units).scaleb(-self.places, CONTEXT)

    def score_of(self, user_id: str) -> Maybe[Decimal]:
        """The user's exact score, or Nothing when the user is not on the board."""
        key = self._key(user_id)
        return Nothing if key is None else Some(self._decimal(_score(key)))

    def _rank_of_key(self, key: int, style: RankStyle) -> int:
        if style is RankStyle.ORDINAL:
            return self._index.position(key) + 1
        first_with_score = (key >> _SEQ_BITS) << _SEQ_BITS
        if style is RankStyle.COMPETITION:
            return self._index.position(first_with_score) + 1
        return self._index.distinct_before(first_with_score) + 1

    def rank_of(self, user_id: str, style: RankStyle = RankStyle.COMPETITION) -> Maybe[int]:
        """The user's rank (1 = best), or Nothing when the user is not on the board."""
        key = self._key(user_id)
        return Nothing if key is None else Some(self._rank_of_key(key, style))

    def _entries(self, start: int, stop: int, style: RankStyle) -> tuple[RankedEntry, ...]:
        keys = self._index.keys_between(max(0, start), min(stop, len(self)))
        if not keys:
            return ()
        out: list[RankedEntry] = []
        rank = self._rank_of_key(keys[0], style)
        position = max(0, start)
        previous = _score(keys[0])
        for key in keys:
            score = _score(key)
            if score != previous:
                rank = position + 1 if style is not RankStyle.DENSE else rank + 1
            elif style is RankStyle.ORDINAL:
                rank = position + 1
            out.append(RankedEntry(self._users[key & _SEQ_MASK], self._decimal(score), rank))
            previous = score
            position += 1
        return tuple(out)

    def top(self, n: int, style: RankStyle = RankStyle.COMPETITION) -> tuple[RankedEntry, ...]:
        """The first ``n`` entries in order, ranked in ``style``."""
        return self._entries(0, n, style)

    def around(self, user_id: str, radius: int,
               style: RankStyle = RankStyle.COMPETITION) -> tuple[RankedEntry, ...]:
        """The user's entry with up to ``radius`` neighbours on each side (empty if absent).

        >>> b = Leaderboard.build("x", [(u, 10 - i) for i, u in enumerate("abcdef")]).unwrap()
        >>> [e.user_id for e in b.around("c", 1)]
        ['b', 'c', 'd']
        """
        key = self._key(user_id)
        if key is None:
            return ()
        position = self._index.position(key)
        return self._entries(position - radius, position + radius + 1, style)

    # -- updates ---------------------------------------------------------------------------

    def _with_key(self, user_id: str, key: int | None, new_key: int) -> Leaderboard:
        index = self._index.insert(new_key) if key is None else self._index.move(key, new_key)
        overlay = self._overlay.set(user_id, new_key)
        base: Mapping[str, int] = self._base
        if len(overlay) > _compact_limit(len(base)):
            merged = dict(base)
            merged.update(overlay)
            base, overlay = merged, pmap()
        return Leaderboard(self.board_id, self.places, index, base, overlay,
                           self._users.append(user_id))

    def set_units(self, user_id: str, units: int, *, event_id: str, occurred_at: datetime,
                  ) -> Result[tuple[Leaderboard, tuple[LeaderboardUpdated, ...]], DomainError]:
        """Set a user's score in integer units; ``LeaderboardUpdated`` when the user's
        competition rank changed (or the user entered the board).

        An unchanged score changes nothing (the user keeps their tie-break position).
        """
        key = self._key(user_id)
        if key is not None and _score(key) == units:
            return Success((self, ()))
        seq = len(self._users)
        if seq > MAX_UPDATES:
            return Failure(DomainError.rejected("leaderboard.full", "sequence numbers exhausted",
                                          board=self.board_id))
        before = None if key is None else self._rank_of_key(key, RankStyle.COMPETITION)
        new_key = (-units << _SEQ_BITS) + seq
        board = self._with_key(user_id, key, new_key)
        after = board._rank_of_key(new_key, RankStyle.COMPETITION)
        if before == after:
            return Success((board, ()))
        return Success((board, (LeaderboardUpdated(
            event_id=event_id, stream_id=self.board_id, occurred_at=occurred_at,
            board_id=self.board_id, user_id=user_id, previous_rank=before, rank=after,
            score=self._decimal(units)),)))

    def set(self, user_id: str, score: object, *, event_id: str, occurred_at: datetime,
            ) -> Result[tuple[Leaderboard, tuple[LeaderboardUpdated, ...]], DomainError]:
        """Set a user's exact score (str/int/Decimal with at most ``places`` decimals)."""
        return to_units(score, self.places).bind(
            lambda units: self.set_units(user_id, units, event_id=event_id,
                                         occurred_at=occurred_at))

    def add(self, user_id: str, delta: object, *, event_id: str, occurred_at: datetime,
            ) -> Result[tuple[Leaderboard, tuple[LeaderboardUpdated, ...]], DomainError]:
        """Add ``delta`` to a user's score (a new user starts from 0)."""
        def apply(units: int) -> Result[tuple[Leaderboard, tuple[LeaderboardUpdated, ...]],
                                        DomainError]:
            key = self._key(user_id)
            current = 0 if key is None else _score(key)
            return self.set_units(user_id, current + units, event_id=event_id,
                                  occurred_at=occurred_at)

        return to_units(delta, self.places).bind(apply)


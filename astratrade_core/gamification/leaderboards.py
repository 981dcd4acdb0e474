"""Leaderboards: exact, deterministic rankings with incremental updates and value semantics.

**Order.**  Entries are ordered by score, highest first.  Ties are broken by *who reached the
score first*: every score change gives the user the board's next sequence number, and among
equal scores the lower sequence number ranks higher (``build`` numbers rows in the order
given, so pass them in the order their scores were reached -- e.g. a snapshot in rank order,
as :meth:`Leaderboard.rows` gives it).  The order is therefore a pure function of the update
history and never of memory layout.  An update that leaves a score unchanged keeps the
user's place; a removed user leaves no trace in the order.

**Rank styles** (:class:`RankStyle`): ``COMPETITION`` ("1224": one plus the number of
strictly better scores), ``DENSE`` ("1223": one plus the number of distinct better scores)
and ``ORDINAL`` ("1234": the position in the order above).

**Scores** are exact: a board has a resolution of ``places`` decimal places and stores each
score as an integer number of ``10**-places`` units.  A score with more places is rejected,
never silently rounded; derived metrics (ROI %) are rounded explicitly before they get here
(see :mod:`.standings`).  ``places`` is an integer in ``0..MAX_PLACES`` (28, the finest
resolution :func:`~astratrade_core.numeric.parse_decimal` accepts), integer scores are ``int``
(never ``bool`` or ``float``), and an update's ``occurred_at`` is timezone-aware; anything else
is an ``invalid`` Failure, and so is an ``occurred_at`` outside the years 2 to 9998
(:func:`~astratrade_core.gamification.periods.check_instant`).

**Value.**  A board *is* its id, its resolution and its entries in rank order: two boards with
the same ones are equal and hash alike, however they were reached (built at once, updated
one user at a time, or replayed in a batch).  Sequence numbers, block sizes and caches are
internal.  Boards are persistent: an update returns a new board and every earlier version
stays valid.  The structure (a sorted list of blocks, see :mod:`.rank_index`) makes an
update O(sqrt n) and a rank query two binary searches.

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
>>> board2.remove("ann").unwrap() == Leaderboard.build(
...     "xp", [("dan", 250), ("bob", 200), ("cat", 200)]).unwrap()
True
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from math import isqrt
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.events.gamification import LeaderboardUpdated
from astratrade_core.gamification.periods import check_instant
from astratrade_core.gamification.rank_index import BLOCK_SIZE, Column, RankIndex
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    DecimalInput,
    parse_decimal,
)

__all__ = ["BLOCK_SIZE", "MAX_PLACES", "Leaderboard", "RankStyle", "RankedEntry", "to_units"]

#: The finest resolution of a board: scores in units of ``10**-28`` at most.
MAX_PLACES: Final = MAX_FRACTION_DIGITS

#: Stands for a removed user in the map of changed users.
_GONE: Final = -1
#: Users whose seq changed since the last merge, copied on every update.
_RECENT: Final = 64


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


def to_units(value: DecimalInput, places: int) -> Result[int, DomainError]:
    """An exact score as an integer number of ``10**-places`` units; more places is a Failure.

    >>> to_units("12.34", 2).unwrap(), to_units(7, 0).unwrap()
    (1234, 7)
    >>> to_units("0.001", 2).failure().code
    'leaderboard.precision'
    >>> to_units("1", 10**6).failure().code
    'leaderboard.places'
    """
    problem = _check_places(places)
    if problem is not None:
        return Failure(problem)

    def scale(d: Decimal) -> Result[int, DomainError]:
        scaled = d.scaleb(places, CONTEXT)
        if scaled != scaled.to_integral_value(context=CONTEXT):
            return Failure(DomainError.invalid("leaderboard.precision",
                                               f"score has more than {places} decimal places",
                                               score=str(d)))
        return Success(int(scaled))

    return parse_decimal(value, "score").bind(scale)


def _check_places(places: int) -> DomainError | None:
    given: object = places  # typed int; checked because a caller may not be
    if type(given) is int and 0 <= places <= MAX_PLACES:
        return None
    return DomainError.invalid("leaderboard.places",
                               f"places must be an integer in 0..{MAX_PLACES}", places=given)


def _check_units(units: Sequence[int]) -> DomainError | None:
    if set(map(type, units)) <= {int}:
        return None
    return DomainError.invalid("leaderboard.units", "integer scores must be int")


class _Base:
    """The oldest layer of :class:`_Seqs`: user -> seq as a dict, or -- for a board just
    built -- the column of its users, each user's seq being their position in it.  The dict
    of a built board is made by the first lookup by user (one ``dict(zip(...))``: about a
    quarter of a second at a million users), so a board that is only ranked, listed or
    compared never pays for it.  Nothing observable depends on when it is made."""

    __slots__ = ("_map", "_users")

    def __init__(self, mapping: dict[str, int] | None, users: Column[str] | None = None,
                 ) -> None:
        self._map = mapping
        self._users = users

    def mapping(self) -> dict[str, int]:
        """User -> seq, made now if not yet made."""
        found = self._map
        if found is None:
            users = self._users   # kept: the board holds the same column anyway
            found = {} if users is None else dict(zip(users.values(), range(len(users)),
                                                          strict=True))
            self._map = found
        return found

    def __len__(self) -> int:
        return len(self._users) if self._users is not None else len(self.mapping())


@attrs.frozen(eq=False)
class _Seqs:
    """User -> seq as three layers (``-1`` marks a removed user): ``base`` (see
    :class:`_Base`), ``middle`` and ``recent``, newest last.  An update copies ``recent`` (at
    most 64 users); a full ``recent`` merges into ``middle`` (at most ``8 * sqrt(n)``
    users), a full ``middle`` into ``base``: amortised, an update copies about
    ``sqrt(n) / 8`` entries (125 at a million users, a few microseconds).  Dicts of strings
    and integers cost the garbage collector nothing."""

    base: _Base
    middle: Mapping[str, int]
    recent: Mapping[str, int]

    @classmethod
    def of_users(cls, users: Column[str]) -> _Seqs:
        """Each of ``users`` (distinct) at its position as its seq."""
        return cls(_Base(None, users), {}, {})

    def get(self, user_id: str) -> int | None:
        seq = self.recent.get(user_id)
        if seq is None:
            seq = self.middle.get(user_id)
            if seq is None:
                return self.base.mapping().get(user_id)
        return None if seq == _GONE else seq

    def with_seq(self, user_id: str, seq: int) -> _Seqs:
        recent = dict(self.recent)
        recent[user_id] = seq
        if len(recent) <= _RECENT:
            return _Seqs(self.base, self.middle, recent)
        middle = {**self.middle, **recent}
        if len(middle) <= 8 * max(64, isqrt(len(self.base))):
            return _Seqs(self.base, middle, {})
        merged = {**self.base.mapping(), **middle}
        if _GONE in middle.values():
            merged = {user: s for user, s in merged.items() if s != _GONE}
        return _Seqs(_Base(merged), {}, {})


class _Memo:
    """The board's hash, computed on first use (never part of its identity)."""

    __slots__ = ("hash",)

    def __init__(self) -> None:
        self.hash: int | None = None


Change = tuple[str, int | None]
Update = Result[tuple["Leaderboard", tuple[LeaderboardUpdated, ...]], DomainError]


@attrs.frozen(eq=False, repr=False)
class Leaderboard:
    """A ranking of users by an exact score (see the module docstring).

    ``_seqs`` maps each user on the board to their sequence number, ``_users`` a sequence
    number back to its user, ``_index`` orders the sequence numbers.
    """

    board_id: str
    places: int
    _index: RankIndex
    _seqs: _Seqs
    _users: Column[str]
    _memo: _Memo = attrs.field(factory=_Memo)

    @classmethod
    def from_units(cls, board_id: str, users: Sequence[str], units: Sequence[int],
                   places: int = 0, *, block_size: int = BLOCK_SIZE,
                   ) -> Result[Leaderboard, DomainError]:
        """Build from parallel sequences of user ids and integer scores in ``10**-places``
        units, ties ordered by position (the fast path for snapshots and benchmarks).

        >>> Leaderboard.from_units("b", ["a", "a"], [1, 2]).failure().code
        'leaderboard.duplicate_user'
        >>> Leaderboard.from_units("b", ["a"], [0.5]).failure().code
        'leaderboard.units'
        """
        problem = _check_places(places) or _check_units(units) or (
            None if type(block_size) is int else DomainError.invalid(
                "leaderboard.block_size", "block_size must be an int", block_size=block_size))
        if problem is not None:
            return Failure(problem)
        if len(users) != len(units):
            return Failure(DomainError.invalid("leaderboard.rows",
                                               "users and scores must pair up",
                                               users=len(users), scores=len(units)))
        if len(set(users)) != len(users):
            return Failure(DomainError.conflict("leaderboard.duplicate_user",
                                                "a user appears twice", board=board_id))
        index = RankIndex.of_units(units, block_size)
        column = Column.of(users)
        return Success(cls(board_id, places, index, _Seqs.of_users(column), column))

    @classmethod
    def build(cls, board_id: str, rows: Iterable[tuple[str, DecimalInput]], places: int = 0,
              *, block_size: int = BLOCK_SIZE) -> Result[Leaderboard, DomainError]:
        """Build from ``(user_id, score)`` rows (scores as str/int/Decimal with at most
        ``places`` decimals), ties ordered by row order; every bad score is reported.

        >>> Leaderboard.build("pnl", [("a", "1.5"), ("b", "-2.25")], places=2).unwrap(
        ...     ).score_of("b").unwrap()
        Decimal('-2.25')
        >>> Leaderboard.build("pnl", [("a", "x"), ("b", "0.001")], places=2).failure().codes()
        ('numeric.syntax', 'leaderboard.precision')
        """
        found = tuple(rows)
        return collect_all("leaderboard.rows", [to_units(score, places) for _, score in found]
                           ).bind(lambda units: cls.from_units(
                               board_id, [user for user, _ in found], units, places,
                               block_size=block_size))

    @classmethod
    def empty(cls, board_id: str, places: int = 0, *, block_size: int = BLOCK_SIZE,
              ) -> Leaderboard:
        """A board with nobody on it."""
        return cls(board_id, places, RankIndex.empty(block_size), _Seqs(_Base({}), {}, {}),
                   Column())

    # -- value semantics ---------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[str, int]]:
        """Every ``(user_id, units)`` in rank order; ``from_units`` of them (with the same id
        and places) rebuilds an equal board -- the snapshot form.

        >>> list(Leaderboard.build("b", [("a", 1), ("b", 2)]).unwrap().rows())
        [('b', 2), ('a', 1)]
        """
        user, neg_of = self._users.getter(), self._index.negs.getter()
        return ((user(seq), -neg_of(seq)) for seq in self._index.seqs())

    def _columns(self) -> tuple[list[str], list[int]]:
        seqs = list(self._index.seqs())
        return self._users.pick(seqs), self._index.negs.pick(seqs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Leaderboard):
            return NotImplemented
        if self is other:
            return True
        return (self.board_id == other.board_id and self.places == other.places
                and len(self) == len(other) and self._columns() == other._columns())

    def __hash__(self) -> int:
        if self._memo.hash is None:
            users, negs = self._columns()
            self._memo.hash = hash((self.board_id, self.places, tuple(users), tuple(negs)))
        return self._memo.hash

    def __repr__(self) -> str:
        return f"Leaderboard({self.board_id!r}, places={self.places}, entries={len(self)})"

    # -- queries -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, user_id: object) -> bool:
        return isinstance(user_id, str) and self._seq(user_id) is not None

    def _seq(self, user_id: str) -> int | None:
        return self._seqs.get(user_id)

    def _decimal(self, units: int) -> Decimal:
        if not self.places:
            return Decimal(units)
        return Decimal(units).scaleb(-self.places, CONTEXT)

    def score_of(self, user_id: str) -> Maybe[Decimal]:
        """The user's exact score, or Nothing when the user is not on the board."""
        return self.units_of(user_id).map(self._decimal)

    def units_of(self, user_id: str) -> Maybe[int]:
        """The user's score in ``10**-places`` units, or Nothing when not on the board.

        >>> Leaderboard.build("b", [("a", "1.25")], places=2).unwrap().units_of("a").unwrap()
        125
        """
        seq = self._seq(user_id)
        return Nothing if seq is None else Some(-self._index.negs[seq])

    def _rank(self, seq: int, style: RankStyle) -> int:
        if style is RankStyle.ORDINAL:
            return self._index.position(seq) + 1
        if style is RankStyle.COMPETITION:
            return self._index.better(self._index.negs[seq]) + 1
        return self._index.distinct_better(self._index.negs[seq]) + 1

    def rank_of(self, user_id: str, style: RankStyle = RankStyle.COMPETITION) -> Maybe[int]:
        """The user's rank (1 = best), or Nothing when the user is not on the board."""
        seq = self._seq(user_id)
        return Nothing if seq is None else Some(self._rank(seq, style))

    def _entries(self, start: int, stop: int, style: RankStyle) -> tuple[RankedEntry, ...]:
        seqs = self._index.slice(start, stop)
        if not seqs:
            return ()
        out: list[RankedEntry] = []
        rank = self._rank(seqs[0], style)
        position = max(0, start)
        negs = self._index.negs.pick(seqs)
        previous = negs[0]
        places = -self.places
        dense = style is RankStyle.DENSE
        ordinal = style is RankStyle.ORDINAL
        for user, current in zip(self._users.pick(seqs), negs, strict=True):
            if current != previous:
                rank = rank + 1 if dense else position + 1
                previous = current
            elif ordinal:
                rank = position + 1
            score = Decimal(-current) if not places else Decimal(-current).scaleb(places,
                                                                                   CONTEXT)
            out.append(RankedEntry(user, score, rank))
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
        seq = self._seq(user_id)
        if seq is None:
            return ()
        position = self._index.position(seq)
        return self._entries(position - radius, position + max(0, radius) + 1, style)

    # -- updates -------------------------------------------------------------------------------

    def _changed(self, index: RankIndex, user_id: str, seq: int) -> Leaderboard:
        users = self._users if seq == _GONE else self._users.append(user_id)
        return Leaderboard(self.board_id, self.places, index,
                           self._seqs.with_seq(user_id, seq), users)

    def assign(self, user_id: str, units: int) -> Leaderboard:
        """The board with ``user_id`` at ``units`` (entering the board if absent); an
        unchanged score returns this board (the user keeps their tie-break position).

        >>> b = Leaderboard.build("x", [("a", 2), ("b", 1)]).unwrap()
        >>> [e.user_id for e in b.assign("b", 2).top(2)]   # b reaches 2 after a
        ['a', 'b']
        """
        seq = self._seq(user_id)
        if seq is None:
            index, new = self._index.insert(-units)
        elif self._index.negs[seq] == -units:
            return self
        else:
            index, new = self._index.move(seq, -units)
        return self._changed(index, user_id, new)

    def without(self, user_id: str) -> Leaderboard:
        """The board without ``user_id`` (this board when the user is not on it)."""
        seq = self._seq(user_id)
        if seq is None:
            return self
        return self._changed(self._index.remove(seq), user_id, _GONE)

    def assign_all(self, changes: Iterable[Change]) -> Leaderboard:
        """Apply ``(user_id, units)`` changes in order -- ``None`` removes the user -- exactly
        as successive :meth:`assign` / :meth:`without` calls would.  A long batch (more than
        1/16 of the board) is applied by one rebuild: the untouched users keep their order,
        the moved ones follow in the order of their last change.

        >>> b = Leaderboard.build("x", [("a", 1), ("b", 1)]).unwrap()
        >>> [e.user_id for e in b.assign_all([("a", 2), ("a", 1), ("c", 5), ("c", None)]
        ...                                  ).top(3)]
        ['b', 'a']
        """
        batch = list(changes)
        if len(batch) <= max(16, len(self) // 16):
            board = self
            for user_id, units in batch:
                board = board.without(user_id) if units is None else board.assign(user_id,
                                                                                  units)
            return board
        return self._rebuilt(batch)

    def _rebuilt(self, batch: list[Change]) -> Leaderboard:
        current = dict(self.rows())
        order = dict.fromkeys(current)          # rank order, then moved users at the end
        for user_id, units in batch:
            if units is None:
                if current.pop(user_id, None) is not None:
                    del order[user_id]
            elif current.get(user_id) != units:
                current[user_id] = units
                order.pop(user_id, None)
                order[user_id] = None
        users = list(order)
        column = Column.of(users)
        return Leaderboard(self.board_id, self.places,
                           RankIndex.of_units([current[user] for user in users],
                                              self._index.block_size),
                           _Seqs.of_users(column), column)

    def set_units(self, user_id: str, units: int, *, event_id: str, occurred_at: datetime,
                  ) -> Update:
        """Set a user's score in integer units; ``LeaderboardUpdated`` when the user's
        competition rank changed (or the user entered the board).

        An unchanged score changes nothing (the user keeps their tie-break position).

        >>> from datetime import datetime
        >>> Leaderboard.empty("b").set_units("a", 5, event_id="e",
        ...     occurred_at=datetime(2026, 1, 1)).failure().code     # a naive time
        'gamification.naive_time'
        """
        problem = _check_units((units,)) or check_instant(occurred_at, "occurred_at")
        if problem is not None:
            return Failure(problem)
        seq = self._seq(user_id)
        before = None if seq is None else self._rank(seq, RankStyle.COMPETITION)
        board = self.assign(user_id, units)
        if board is self:
            return Success((self, ()))
        after = board._index.better(-units) + 1
        if before == after:
            return Success((board, ()))
        return Success((board, (LeaderboardUpdated(
            event_id=event_id, stream_id=self.board_id, occurred_at=occurred_at,
            board_id=self.board_id, user_id=user_id, previous_rank=before, rank=after,
            score=self._decimal(units)),)))

    def set(self, user_id: str, score: DecimalInput, *, event_id: str,
            occurred_at: datetime) -> Update:
        """Set a user's exact score (str/int/Decimal with at most ``places`` decimals)."""
        return to_units(score, self.places).bind(
            lambda units: self.set_units(user_id, units, event_id=event_id,
                                         occurred_at=occurred_at))

    def add(self, user_id: str, delta: DecimalInput, *, event_id: str,
            occurred_at: datetime) -> Update:
        """Add ``delta`` to a user's score (a new user starts from 0)."""
        return to_units(delta, self.places).bind(
            lambda units: self.set_units(user_id, self.units_of(user_id).value_or(0) + units,
                                         event_id=event_id, occurred_at=occurred_at))

    def remove(self, user_id: str) -> Result[Leaderboard, DomainError]:
        """The board without ``user_id``; ``leaderboard.unknown_user`` (not found) when the
        user is not on it.  The users below move up; nobody else's order changes.

        >>> Leaderboard.empty("b").remove("ghost").failure().kind.value
        'not_found'
        """
        if user_id not in self:
            return Failure(DomainError.not_found("leaderboard.unknown_user",
                                                 "the user is not on the board",
                                                 board=self.board_id, user=user_id))
        return Success(self.without(user_id))


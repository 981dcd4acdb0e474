"""The season aggregate: standings for one metric over one period, one stream per board.

A season stream (its id is the board id, e.g. ``leaderboard-xp`` or ``season-2026-q1-xp``)
starts with ``OpenSeason`` (the metric, the period, the resolution), then takes a
``RecordContribution`` per event that adds to someone's score -- in the platform, one per
``XPGained`` / rewarded ``AchievementUnlocked`` of a player (see
:func:`astratrade_core.policies.xp_standings`) -- and ``RemoveFromSeason`` to take a user off
the board for good (a closed account, a disqualified cheater).

=======================  ===================================================================
command                  events (or failure)
=======================  ===================================================================
``OpenSeason``           ``SeasonOpened``; ``season.already_open`` (conflict)
``RecordContribution``   ``ContributionRecorded`` (the user's new score) and
                         ``LeaderboardUpdated`` when the user's competition rank changed;
                         nothing when the metric's amount is zero.  ``season.not_open`` (not
                         found), ``leaderboard.outside_period`` and ``season.user_removed``
                         (rejected), ``leaderboard.precision`` and bad amounts (invalid)
``RemoveFromSeason``     ``LeaderboardEntryRemoved``; ``leaderboard.unknown_user`` (not found)
=======================  ===================================================================

**Ties.**  Equal scores are ordered by who reached the score first -- the order of the
contributions that set them (:mod:`.leaderboards`); the competition rank ("1224") is what
``LeaderboardUpdated`` announces, and the state answers competition, dense and ordinal ranks,
the top N and a user's neighbours through ``state.standings.board``.  A removed user leaves
the order (everyone below moves up) and later contributions for them are refused.

Only the mover's rank change is announced (users it overtook shift by one, which a rank
query reflects).  ``evolve`` applies a batch of contributions with
:meth:`~.leaderboards.Leaderboard.assign_all`: one change at a time for a short batch, one
rebuild for a long one (a replay), with the same result.

>>> from datetime import UTC, datetime
>>> from astratrade_core.aggregate import Stream, handle
>>> from astratrade_core.gamification.periods import Period, PeriodKind
>>> q1 = Period(PeriodKind.SEASON, "2026-q1", datetime(2026, 1, 1, tzinfo=UTC),
...             datetime(2026, 4, 1, tzinfo=UTC))
>>> at = datetime(2026, 2, 1, tzinfo=UTC)
>>> stream = Stream.empty(SEASON)
>>> for command in (OpenSeason(command_id="o", board_id="xp-q1", issued_at=at,
...                            metric=Metric.XP, period=q1),
...                 RecordContribution(command_id="c1", board_id="xp-q1", issued_at=at,
...                                    user_id="ann", xp=40),
...                 RecordContribution(command_id="c2", board_id="xp-q1", issued_at=at,
...                                    user_id="bob", xp=40)):
...     stream, events = handle(SEASON, stream, command).unwrap()
>>> [(e.user_id, e.rank) for e in stream.state.standings.board.top(2)]   # a tie: ann first
[('ann', 1), ('bob', 1)]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import (
    GAMIFICATION_EVENTS,
    ContributionRecorded,
    LeaderboardEntryRemoved,
    SeasonOpened,
)
from astratrade_core.gamification.leaderboards import Change
from astratrade_core.gamification.levels import MAX_XP
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric, Standings, record
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    ZERO,
    parse_decimal,
    parse_non_negative,
)

__all__ = [
    "SEASON",
    "OpenSeason",
    "RecordContribution",
    "RemoveFromSeason",
    "SeasonCommand",
    "SeasonState",
]

_NOBODY: Final[PSet[str]] = pset()


@attrs.frozen(kw_only=True)
class SeasonState:
    """The standings (``None`` until the season is opened) and the users removed from it."""

    standings: Standings | None = None
    removed: PSet[str] = _NOBODY


@attrs.frozen(kw_only=True)
class SeasonCommand:
    """Identity, board (the stream id) and time of a command, supplied by the shell."""

    command_id: str
    board_id: str
    issued_at: datetime


@attrs.frozen(kw_only=True)
class OpenSeason(SeasonCommand):
    """Rank ``metric`` over ``period`` at ``places`` decimals (default: 0 for XP, 4 for ROI %,
    2 otherwise)."""

    metric: Metric
    period: Period
    places: int | None = None


@attrs.frozen(kw_only=True)
class RecordContribution(SeasonCommand):
    """What happened to ``user_id`` at ``issued_at`` adds ``xp``, realized ``pnl``, traded
    ``volume`` and capital ``invested`` (the board ranks one of them, see
    :class:`~.standings.Metric`)."""

    user_id: str
    xp: int = 0
    pnl: Decimal = ZERO
    volume: Decimal = ZERO
    invested: Decimal = ZERO


@attrs.frozen(kw_only=True)
class RemoveFromSeason(SeasonCommand):
    """Take ``user_id`` off the board for the rest of the season, for ``reason``."""

    user_id: str
    reason: str


def _aware(at: datetime, field: str) -> Result[datetime, DomainError]:
    if at.utcoffset() is None:
        return Failure(DomainError.invalid("season.naive_time", f"{field} must be aware",
                                           field=field))
    return Success(at)


def _open(state: SeasonState, c: OpenSeason) -> Decision:
    if state.standings is not None:
        return Failure(DomainError.conflict("season.already_open", "the season is open",
                                            board=c.board_id))
    places = c.places
    if places is None:
        places = {Metric.XP: 0, Metric.ROI_PERCENT: 4}.get(c.metric, 2)
    checked = collect("season.invalid_command", _aware(c.period.start, "period.start"),
                      _aware(c.period.end, "period.end"))
    if isinstance(checked, Success) and c.period.start >= c.period.end:
        return Failure(DomainError.invalid("season.period", "the period must end after it starts",
                                           board=c.board_id))
    if not 0 <= places <= MAX_FRACTION_DIGITS:
        return Failure(DomainError.invalid("season.places",
                                           f"places must be in [0, {MAX_FRACTION_DIGITS}]",
                                           places=places))
    return checked.map(lambda _: (SeasonOpened(
        event_id=f"{c.command_id}/open", stream_id=c.board_id, occurred_at=c.issued_at,
        board_id=c.board_id, metric=c.metric.value, period_kind=c.period.kind.value,
        label=c.period.label, starts_at=c.period.start, ends_at=c.period.end,
        places=places),))


def _moves(metric: Metric, c: RecordContribution) -> bool:
    """Whether the contribution changes anything the board's metric ranks."""
    match metric:
        case Metric.XP:
            return c.xp != 0
        case Metric.REALIZED_PNL:
            return c.pnl != 0
        case Metric.VOLUME:
            return c.volume != 0
    return c.pnl != 0 or c.invested != 0


def _contribute(state: SeasonState, standings: Standings, c: RecordContribution) -> Decision:
    xp: Result[int, DomainError] = Success(c.xp) if 0 <= c.xp <= MAX_XP else Failure(
        DomainError.invalid("season.xp", f"xp must be in [0, {MAX_XP}]", xp=c.xp))
    named: Result[str, DomainError] = Success(c.user_id) if c.user_id else Failure(
        DomainError.invalid("season.no_user", "user_id must not be empty"))
    checked = collect("season.invalid_command", named, xp, parse_decimal(c.pnl, "pnl"),
                      parse_non_negative(c.volume, "volume"),
                      parse_non_negative(c.invested, "invested"))
    if isinstance(checked, Failure):
        return checked.map(lambda _: ())
    if c.user_id in state.removed:
        return Failure(DomainError.rejected("season.user_removed",
                                            "the user was removed from this season",
                                            board=c.board_id, user=c.user_id))
    if not _moves(standings.metric, c):
        return Success(())
    contribution = Contribution(user_id=c.user_id, source_id=c.command_id,
                                occurred_at=c.issued_at, xp=c.xp, pnl=c.pnl,
                                volume=c.volume, invested=c.invested)
    return record(standings, contribution).map(lambda done: (ContributionRecorded(
        event_id=f"{c.command_id}/contribution", stream_id=c.board_id,
        occurred_at=c.issued_at, board_id=c.board_id, user_id=c.user_id,
        source_id=c.command_id, xp=c.xp, pnl=c.pnl, volume=c.volume, invested=c.invested,
        score=done[0].board.score_of(c.user_id).value_or(None)), *done[1]))


def _remove(standings: Standings, c: RemoveFromSeason) -> Decision:
    board = standings.board
    if c.user_id not in board and c.user_id not in standings.totals:
        return Failure(DomainError.not_found("leaderboard.unknown_user",
                                             "the user is not in the standings",
                                             board=c.board_id, user=c.user_id))
    return Success((LeaderboardEntryRemoved(
        event_id=f"{c.command_id}/removed", stream_id=c.board_id, occurred_at=c.issued_at,
        board_id=c.board_id, user_id=c.user_id, reason=c.reason,
        previous_rank=board.rank_of(c.user_id).value_or(None)),))


def decide(state: SeasonState, command: SeasonCommand) -> Decision:
    """The events ``command`` produces against ``state``, or why it is refused (see the
    module's table)."""
    named: Result[str, DomainError] = Success(command.board_id) if command.board_id else (
        Failure(DomainError.invalid("season.no_board", "board_id must not be empty")))
    checked = collect("season.invalid_command", named,
                      _aware(command.issued_at, "issued_at"))
    if isinstance(checked, Failure):
        return checked.map(lambda _: ())
    if isinstance(command, OpenSeason):
        return _open(state, command)
    standings = state.standings
    if standings is None:
        return Failure(DomainError.not_found("season.not_open", "the season is not open",
                                             board=command.board_id))
    if standings.board.board_id != command.board_id:
        return Failure(DomainError.invalid("season.wrong_board",
                                           "the command is for another board's stream",
                                           board=standings.board.board_id,
                                           given=command.board_id))
    match command:
        case RecordContribution():
            return _contribute(state, standings, command)
        case RemoveFromSeason():
            return _remove(standings, command)
    return Failure(DomainError.invalid("season.unknown_command", "not a season command",
                                       command=type(command).__qualname__))


_add = CONTEXT.add


def _units(score: Decimal, places: int) -> int:
    return int(score.scaleb(places, CONTEXT))


_Totals = tuple[Decimal, Decimal]


def evolve(state: SeasonState, events: Iterable[Event]) -> SeasonState:
    """Fold ``events``: the board takes the batch of score changes at once (see
    :meth:`~.leaderboards.Leaderboard.assign_all`); the ROI totals changed in the batch are
    kept in a dict (``None``: removed) and written once."""
    standings = state.standings
    changes: list[Change] = []
    totals: dict[str, _Totals | None] = {}
    gone: list[str] = []
    for event in events:
        match event:
            case SeasonOpened():
                if standings is not None:   # never twice through decide
                    standings = _applied(standings, changes, totals)
                standings = Standings.open(
                    event.board_id, Metric(event.metric),
                    Period(PeriodKind(event.period_kind), event.label, event.starts_at,
                           event.ends_at), event.places)
                changes, totals = [], {}
            case ContributionRecorded() if standings is not None:
                if standings.metric is Metric.ROI_PERCENT:
                    known = totals[event.user_id] if event.user_id in totals else (
                        standings.totals.get(event.user_id))
                    pnl, invested = known or (ZERO, ZERO)
                    totals[event.user_id] = (_add(pnl, event.pnl), _add(invested,
                                                                        event.invested))
                if event.score is not None:
                    changes.append((event.user_id, _units(event.score,
                                                          standings.board.places)))
            case LeaderboardEntryRemoved() if standings is not None:
                changes.append((event.user_id, None))
                totals[event.user_id] = None
                gone.append(event.user_id)
    if standings is None or (standings is state.standings and not changes and not totals
                             and not gone):
        return state
    return SeasonState(standings=_applied(standings, changes, totals),
                       removed=state.removed.update(gone))


def _applied(standings: Standings, changes: list[Change],
             totals: dict[str, _Totals | None]) -> Standings:
    """``standings`` with the batch's board changes and ROI totals."""
    merged = standings.totals
    for user, value in totals.items():
        merged = merged.discard(user) if value is None else merged.set(user, value)
    return attrs.evolve(standings, board=standings.board.assign_all(changes), totals=merged)


#: The season aggregate: one stream per board.
SEASON: Final[Aggregate[SeasonState, SeasonCommand]] = Aggregate(
    "season", SeasonState(), decide, evolve, GAMIFICATION_EVENTS)

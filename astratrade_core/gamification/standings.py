"""Period standings: a leaderboard for one metric over one period, fed one event at a time.

A :class:`Standings` pairs a :class:`~.leaderboards.Leaderboard` with what it ranks
(:class:`Metric`) and when (:class:`~.periods.Period`).  :func:`record` applies one
:class:`Contribution` (what a trade or an XP award adds for a user) incrementally and returns
the ``LeaderboardUpdated`` events of the rank change; a contribution outside the period is a
Failure, so the shell routes each event to the boards of its period.

Metrics and their exact scores:

* ``XP`` -- the XP gained in the period (integer, 0 places);
* ``REALIZED_PNL`` -- realized P&L in the period, at the board's places (the quote currency's
  minor unit; finer amounts are rejected, not rounded);
* ``VOLUME`` -- traded notional in the period, same resolution;
* ``ROI_PERCENT`` -- ``100 * pnl / invested`` over the period's totals, rounded toward
  negative infinity (``FLOOR``) to the board's places (4 by default: 1e-4 %), so a rounded ROI
  never overstates a result.  A user with nothing invested has no ROI and is not ranked.

>>> from datetime import UTC, datetime
>>> from zoneinfo import ZoneInfo
>>> from decimal import Decimal
>>> from astratrade_core.gamification.periods import PeriodKind, period_containing
>>> at = datetime(2026, 3, 5, 12, tzinfo=UTC)
>>> period = period_containing(PeriodKind.WEEKLY, at, ZoneInfo("Europe/Paris")).unwrap()
>>> s = Standings.open("roi-w10", Metric.ROI_PERCENT, period)
>>> s, events = record(s, Contribution(user_id="u-1", source_id="t-1", occurred_at=at,
...                     pnl=Decimal("10"), invested=Decimal("30"))).unwrap()
>>> s.board.score_of("u-1").unwrap(), events[0].rank     # 100 * 10 / 30 = 33.3333... floored
(Decimal('33.3333'), 1)
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.gamification import LeaderboardUpdated
from astratrade_core.gamification.leaderboards import Leaderboard
from astratrade_core.gamification.periods import Period
from astratrade_core.numeric import CONTEXT, ZERO, Rounding, quantize

__all__ = [
    "Contribution",
    "Metric",
    "Standings",
    "record",
    "roi_percent",
]

_HUNDRED = Decimal(100)


class Metric(enum.Enum):
    """What a board ranks."""

    XP = "xp"
    REALIZED_PNL = "realized_pnl"
    ROI_PERCENT = "roi_percent"
    VOLUME = "volume"


@attrs.frozen(kw_only=True)
class Contribution:
    """What one event adds for one user: XP, realized P&L, traded notional, capital invested."""

    user_id: str
    source_id: str
    occurred_at: datetime
    xp: int = 0
    pnl: Decimal = ZERO
    volume: Decimal = ZERO
    invested: Decimal = ZERO


def roi_percent(pnl: Decimal, invested: Decimal, places: int = 4) -> Maybe[Decimal]:
    """``100 * pnl / invested`` floored to ``places``; Nothing when nothing was invested.

    >>> roi_percent(Decimal("-10"), Decimal("30")).unwrap()   # -33.333... floored
    Decimal('-33.3334')
    >>> roi_percent(Decimal("5"), Decimal("0"))
    <Nothing>
    """
    if invested <= 0:
        return Nothing
    ratio = CONTEXT.divide(CONTEXT.multiply(pnl, _HUNDRED), invested)
    return Some(quantize(ratio, places, Rounding.FLOOR))


@attrs.frozen
class Standings:
    """A board for ``metric`` over ``period``, and the per-user totals ROI needs."""

    metric: Metric
    period: Period
    board: Leaderboard
    totals: PMap[str, tuple[Decimal, Decimal]]

    @classmethod
    def open(cls, board_id: str, metric: Metric, period: Period,
             places: int | None = None) -> Standings:
        """An empty board; ``places`` defaults to 0 for XP, 4 for ROI % and 2 otherwise."""
        if places is None:
            places = {Metric.XP: 0, Metric.ROI_PERCENT: 4}.get(metric, 2)
        return cls(metric, period, Leaderboard.empty(board_id, places), pmap())


def record(standings: Standings, contribution: Contribution,
           ) -> Result[tuple[Standings, tuple[LeaderboardUpdated, ...]], DomainError]:
    """Apply one contribution incrementally (event id ``"<source_id>/rank/<board_id>"``).

    >>> from datetime import UTC, datetime
    >>> from astratrade_core.gamification.periods import PeriodKind
    >>> p = Period(PeriodKind.SEASON, "s1", datetime(2026, 1, 1, tzinfo=UTC),
    ...            datetime(2026, 4, 1, tzinfo=UTC))
    >>> s = Standings.open("xp-s1", Metric.XP, p)
    >>> record(s, Contribution(user_id="u", source_id="x", xp=5,
    ...        occurred_at=datetime(2026, 4, 1, tzinfo=UTC))).failure().code
    'leaderboard.outside_period'
    """
    board = standings.board
    if not standings.period.contains(contribution.occurred_at):
        return Failure(DomainError.rejected("leaderboard.outside_period",
                                      "the contribution is outside the board's period",
                                      board=board.board_id, source=contribution.source_id))
    event_id = f"{contribution.source_id}/rank/{board.board_id}"
    user, at = contribution.user_id, contribution.occurred_at
    totals = standings.totals
    if standings.metric is Metric.XP:
        updated = board.add(user, contribution.xp, event_id=event_id, occurred_at=at)
    elif standings.metric is Metric.REALIZED_PNL:
        updated = board.add(user, contribution.pnl, event_id=event_id, occurred_at=at)
    elif standings.metric is Metric.VOLUME:
        updated = board.add(user, CONTEXT.abs(contribution.volume), event_id=event_id,
                            occurred_at=at)
    else:
        pnl, invested = totals.get(user, (ZERO, ZERO))
        pnl = CONTEXT.add(pnl, contribution.pnl)
        invested = CONTEXT.add(invested, contribution.invested)
        totals = totals.set(user, (pnl, invested))
        match roi_percent(pnl, invested, board.places):
            case Some(roi):
                updated = board.set(user, roi, event_id=event_id, occurred_at=at)
            case _:   # nothing invested yet: not ranked
                return Success((attrs.evolve(standings, totals=totals), ()))
    return updated.map(lambda pair: (attrs.evolve(standings, board=pair[0], totals=totals),
                                     pair[1]))

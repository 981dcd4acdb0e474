"""Time bookkeeping shared by the portfolio's folds: the UTC day of today's P&L and the
recent trade times grouped by UTC hour (:class:`~astratrade_core.portfolio.state.TradeTimes`).

Both folds (:func:`~astratrade_core.portfolio.evolve.replay_decimal`, the reference, and the
exact integer fold of :mod:`astratrade_core.portfolio.fold`) keep the latest hour as a mutable
list while they run and freeze it once with :func:`recent_times`: a trade copies only its own
hour, and a trade earlier than the latest waits in a list and is merged into its hour once, so
out-of-order history folds as fast as ordered history.

>>> from datetime import UTC, datetime
>>> t = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
>>> hours, current, end = open_hours(TradeTimes.EMPTY)
>>> current, end = place_time(hours, current, [], t, end)
>>> recent_times(hours, current, []).hours == ((t,),)
True
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta
from typing import Final

from astratrade_core.portfolio.state import TradeTimes, hour_start

__all__ = ["NEVER", "TRADE_MEMORY", "day_bounds", "open_hours", "place_time", "recent_times",
           "utc_day"]

#: How far back ``recent_trades`` reaches from the latest trade.
TRADE_MEMORY: Final = timedelta(hours=24)
#: The end of time: the bound of an empty day and of an hour not yet open.
NEVER: Final = datetime.max.replace(tzinfo=UTC)
_ONE_DAY: Final = timedelta(days=1)
_ONE_HOUR: Final = timedelta(hours=1)


def utc_day(moment: datetime) -> date:
    """The UTC calendar date of an aware datetime.

    >>> from datetime import timezone
    >>> utc_day(datetime(2026, 1, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2))))
    datetime.date(2026, 1, 2)
    """
    if moment.tzinfo is UTC:
        return moment.date()
    return moment.astimezone(UTC).date()


def day_bounds(day: date | None) -> tuple[datetime, datetime]:
    """``[start, end)`` of a UTC day as aware datetimes (an empty range for no day)."""
    if day is None:
        return NEVER, NEVER
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + _ONE_DAY if day < date.max else NEVER


def open_hours(times: TradeTimes) -> tuple[list[tuple[datetime, ...]], list[datetime],
                                           datetime]:
    """Thaw ``times`` for a fold: older hours, the latest hour as a list, its end."""
    hours = list(times.hours)
    current = list(hours.pop()) if hours else []
    return hours, current, hour_start(current[-1]) + _ONE_HOUR if current else NEVER


def place_time(hours: list[tuple[datetime, ...]], current: list[datetime],
               late: list[datetime], moment: datetime,
               hour_end: datetime) -> tuple[list[datetime], datetime]:
    """Start a new current hour at ``moment`` when it is the latest time so far; otherwise
    set it aside in ``late`` (merged once by :func:`recent_times`).  Returns the current hour
    and its end."""
    if current and moment < current[-1]:
        late.append(moment)
        return current, hour_end
    if current:
        hours.append(tuple(current))
    return [moment], hour_start(moment) + _ONE_HOUR


def recent_times(hours: list[tuple[datetime, ...]], current: list[datetime],
                 late: list[datetime]) -> TradeTimes:
    """Freeze the hours, with the ``late`` (out-of-order) times merged in, keeping only times
    within :data:`TRADE_MEMORY` of the latest (``current[-1]``: late times are earlier)."""
    hours.append(tuple(current))
    cutoff = current[-1] - TRADE_MEMORY
    if late:
        hours = _merged(hours, sorted(t for t in late if t > cutoff))
    first = next(i for i, hour in enumerate(hours) if hour[-1] > cutoff)
    kept = hours[first:]
    kept[0] = kept[0][bisect_right(kept[0], cutoff):]
    return TradeTimes(tuple(kept))


def _merged(hours: list[tuple[datetime, ...]], late: list[datetime],
            ) -> list[tuple[datetime, ...]]:
    """``hours`` (sorted, one tuple per UTC hour) with the sorted ``late`` times inserted: each
    hour that receives late times is merged once (existing times first among equals, as a
    stable sort of the arrival order puts them); the others are kept as they are."""
    merged: list[tuple[datetime, ...]] = []
    index, count, position, total = 0, len(hours), 0, len(late)
    while position < total:
        start = hour_start(late[position])
        end = start + _ONE_HOUR
        stop = bisect_left(late, end, position)
        batch = late[position:stop]
        position = stop
        while index < count and hours[index][-1] < start:
            merged.append(hours[index])
            index += 1
        if index < count and hours[index][0] < end:  # the hour already holds times
            merged.append(tuple(sorted((*hours[index], *batch))))
            index += 1
        else:
            merged.append(tuple(batch))
    merged.extend(hours[index:])
    return merged

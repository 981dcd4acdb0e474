"""Leaderboard periods: day, week (from a configurable first weekday), month or season, in a
time zone, as half-open UTC intervals ``[start, end)``.

A period is computed from an instant the caller passes and the zone of the board, never from
a clock.  Boundaries are local midnights converted to UTC, so a day in a DST zone is 23 or 25
hours long and a week containing a DST change is 167 or 169 hours long.  A local midnight
that does not exist (a DST gap at 00:00, as in Chile) starts the day at the first instant of
that local date; a calendar date that does not exist at all (Samoa, 30 December 2011) has no
daily period.

Instants are timezone-aware (``gamification.naive_time``) and lie in
``[EARLIEST_INSTANT, LATEST_INSTANT]``, the years 2 to 9998 (``gamification.time_range``): a
period, a week or a local date near the ends of the calendar would not fit in a ``datetime``.

>>> from zoneinfo import ZoneInfo
>>> p = period_containing(PeriodKind.DAILY, datetime(2026, 3, 8, 12, tzinfo=UTC),
...                       ZoneInfo("America/New_York")).unwrap()
>>> p.label, p.start.isoformat(), p.end - p.start
('2026-03-08', '2026-03-08T05:00:00+00:00', datetime.timedelta(seconds=82800))
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = [
    "EARLIEST_INSTANT",
    "LATEST_INSTANT",
    "Period",
    "PeriodKind",
    "Season",
    "check_instant",
    "local_midnight",
    "period_containing",
]

#: The first instant a period, a streak or a standing accepts.
EARLIEST_INSTANT: Final = datetime(2, 1, 1, tzinfo=UTC)
#: The last instant a period, a streak or a standing accepts.
LATEST_INSTANT: Final = datetime(9998, 12, 31, tzinfo=UTC)


def check_instant(at: datetime, field: str = "instant") -> DomainError | None:
    """The problem with instant ``at``, if any: not a ``datetime``, naive
    (``gamification.naive_time``) or outside ``[EARLIEST_INSTANT, LATEST_INSTANT]``
    (``gamification.time_range``).

    >>> check_instant(datetime(2026, 1, 1)).code
    'gamification.naive_time'
    >>> check_instant(datetime.max.replace(tzinfo=UTC)).code
    'gamification.time_range'
    >>> check_instant(datetime(2026, 1, 1, tzinfo=UTC)) is None
    True
    """
    given: object = at  # typed datetime; checked because a caller may not be
    if not isinstance(given, datetime) or at.utcoffset() is None:
        return DomainError.invalid("gamification.naive_time",
                                   f"{field} must be a timezone-aware datetime", field=field)
    if not EARLIEST_INSTANT <= at <= LATEST_INSTANT:
        return DomainError.invalid("gamification.time_range",
                                   f"{field} must lie in the years 2 to 9998", field=field,
                                   at=at.isoformat())
    return None


class PeriodKind(enum.Enum):
    """How a leaderboard's window is cut."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    SEASON = "season"


@attrs.frozen
class Period:
    """A half-open interval ``[start, end)`` of UTC instants with a human label."""

    kind: PeriodKind
    label: str
    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        """Whether ``start <= at < end``.

        >>> p = Period(PeriodKind.SEASON, "s1", datetime(2026, 1, 1, tzinfo=UTC),
        ...            datetime(2026, 4, 1, tzinfo=UTC))
        >>> p.contains(datetime(2026, 4, 1, tzinfo=UTC))
        False
        """
        return self.start <= at < self.end


@attrs.frozen
class Season:
    """A named competitive season ``[start, end)`` (aware instants)."""

    name: str
    start: datetime
    end: datetime


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The first UTC instant whose local date in ``zone`` is ``day`` (or later, when ``day``
    does not exist there).

    >>> from zoneinfo import ZoneInfo
    >>> local_midnight(date(2026, 9, 6), ZoneInfo("America/Santiago")).isoformat()
    '2026-09-06T04:00:00+00:00'
    """
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def period_containing(kind: PeriodKind, at: datetime, zone: tzinfo, *, week_start: int = 0,
                      seasons: Sequence[Season] = ()) -> Result[Period, DomainError]:
    """The period of ``kind`` that contains instant ``at`` in ``zone``.

    ``week_start`` is the first weekday of a week (0 = Monday ... 6 = Sunday); weekly labels
    name the local start date.  ``SEASON`` picks the season containing ``at`` from ``seasons``
    (the first one when they overlap).

    >>> from zoneinfo import ZoneInfo
    >>> at = datetime(2026, 3, 5, 12, tzinfo=UTC)   # a Thursday
    >>> period_containing(PeriodKind.WEEKLY, at, ZoneInfo("UTC"), week_start=6).unwrap().label
    'week-of-2026-03-01'
    >>> period_containing(PeriodKind.MONTHLY, at, ZoneInfo("Asia/Tokyo")).unwrap().start
    datetime.datetime(2026, 2, 28, 15, 0, tzinfo=datetime.timezone.utc)
    >>> period_containing(PeriodKind.SEASON, at, ZoneInfo("UTC")).failure().code
    'gamification.no_season'
    """
    problem = check_instant(at)
    if problem is not None:
        return Failure(problem)
    if type(week_start) is not int or not 0 <= week_start <= 6:
        return Failure(DomainError.invalid("gamification.week_start",
                                      "week_start must be 0 (Monday) .. 6 (Sunday)",
                                      week_start=week_start))
    day = at.astimezone(zone).date()
    if kind is PeriodKind.DAILY:
        first, after, label = day, day + timedelta(days=1), day.isoformat()
    elif kind is PeriodKind.WEEKLY:
        first = day - timedelta(days=(day.weekday() - week_start) % 7)
        after, label = first + timedelta(days=7), f"week-of-{first.isoformat()}"
    elif kind is PeriodKind.MONTHLY:
        first, after = _month_start(day), _next_month(day)
        label = f"{first.year:04d}-{first.month:02d}"
    else:
        for season in seasons:
            if season.start <= at < season.end:
                return Success(Period(kind, season.name, season.start.astimezone(UTC),
                                      season.end.astimezone(UTC)))
        return Failure(DomainError.rejected("gamification.no_season",
                                      "no season contains the instant", at=at.isoformat()))
    return Success(Period(kind, label, local_midnight(first, zone), local_midnight(after, zone)))

"""Leaderboard periods: day, week (from a configurable first weekday), month or season, in a
time zone, as half-open UTC intervals ``[start, end)``.

A period is computed from an instant the caller passes and the zone of the board, never from
a clock.  Boundaries are local midnights converted to UTC, so a day in a DST zone is 23 or 25
hours long and a week containing a DST change is 167 or 169 hours long.  A local midnight
that does not exist (a DST gap at 00:00, as in Chile) starts the day at the first instant of
that local date; a calendar date that does not exist at all (Samoa, 30 December 2011) has no
daily period.

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

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = ["Period", "PeriodKind", "Season", "local_midnight", "period_containing"]


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
    if at.tzinfo is None or at.utcoffset() is None:
        return Failure(DomainError.invalid("gamification.naive_time", "instant must be aware"))
    if not 0 <= week_start <= 6:
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

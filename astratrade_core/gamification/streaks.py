"""Daily streaks in the player's own time zone, with grace days and streak freezes.

An activity counts for the *local calendar date* of its instant in the zone the caller passes
(``at.astimezone(zone).date()``), so a 23-hour or 25-hour DST day is still one day, two
activities on either side of a repeated DST hour are the same day, and crossing the date line
is decided by the zone, never by 24-hour arithmetic.  The core never reads a clock: the
current instant and the zone are inputs.

When an activity's date is after the streak's last day, the *missed* days are the local dates
strictly between the two that exist in the zone (Samoa and Tokelau skipped 30 December 2011;
a streak across it is not broken):

* 0 missed: the streak grows by one;
* at most ``policy.grace_days`` missed: forgiven for free, the streak grows by one;
* otherwise, if the player holds enough freezes for the days beyond the grace, they are
  spent and the streak grows by one;
* otherwise the streak is reset to 1 (``StreakReset``).

Grace days plus held freezes are at most :data:`MAX_STREAK_BUDGET` (3660, ten years of days;
``gamification.streak_budget``): the missed days are counted date by date up to that budget,
so a larger one would take seconds to answer.

Missed, graced and frozen days never add to the length: it counts active days.  Activities on
the streak's last day change nothing; activities dated *before* it (late reports) are ignored.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> ny = ZoneInfo("America/New_York")
>>> s = Streak(user_id="u-1")  # 18:30 EST on 7 March, 08:00 and 23:59 EDT on 8 March (DST day)
>>> for ts in ("2026-03-07T23:30:00+00:00", "2026-03-08T12:00:00+00:00",
...            "2026-03-09T03:59:00+00:00"):
...     s = record_activity(s, datetime.fromisoformat(ts), ny, source_id=ts).unwrap().streak
>>> s.length, s.last_day.isoformat()
(2, '2026-03-08')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.gamification import StreakExtended, StreakReset
from astratrade_core.gamification.periods import check_instant

__all__ = [
    "Streak",
    "StreakPolicy",
    "StreakUpdate",
    "MAX_STREAK_BUDGET",
    "current_length",
    "grant_freezes",
    "local_date_exists",
    "missed_days",
    "record_activity",
    "replay_streak",
]

#: Grace days plus held freezes a streak may spend on one gap (see the module docstring).
MAX_STREAK_BUDGET: Final = 3660
#: More than this many skipped calendar dates in a row never happened in the tz database.
_MAX_SKIPPED: Final = 2
_PROBES: Final = (time(0), time(12), time(23, 59))


@attrs.frozen
class StreakPolicy:
    """``grace_days``: missed days forgiven per gap for free (0 by default)."""

    grace_days: int = 0


@attrs.frozen(kw_only=True)
class Streak:
    """A player's streak: active-day length, last active local date, best length, freezes."""

    user_id: str
    length: int = 0
    last_day: date | None = None
    longest: int = 0
    freezes: int = 0


@attrs.frozen
class StreakUpdate:
    """The new streak and the events (none when the day was already counted)."""

    streak: Streak
    events: tuple[StreakExtended | StreakReset, ...]


def local_date_exists(day: date, zone: tzinfo) -> bool:
    """Whether some instant has local date ``day`` in ``zone``.

    >>> from zoneinfo import ZoneInfo
    >>> local_date_exists(date(2011, 12, 30), ZoneInfo("Pacific/Apia"))
    False
    >>> local_date_exists(date(2011, 12, 31), ZoneInfo("Pacific/Apia"))
    True
    """
    for probe in _PROBES:
        instant = datetime.combine(day, probe, zone).astimezone(UTC)
        if instant.astimezone(zone).date() == day:
            return True
    return False


def missed_days(last_day: date, day: date, zone: tzinfo, limit: int) -> int:
    """Existing local dates strictly between ``last_day`` and ``day``; counting stops just
    above ``limit`` (callers only need to know whether the gap exceeds it).

    >>> from zoneinfo import ZoneInfo
    >>> missed_days(date(2011, 12, 29), date(2011, 12, 31), ZoneInfo("Pacific/Apia"), 5)
    0
    >>> missed_days(date(2026, 1, 1), date(2026, 3, 1), ZoneInfo("UTC"), 5)
    6
    """
    gap = (day - last_day).days - 1
    if gap <= 0:
        return 0
    if gap > limit + _MAX_SKIPPED:
        return limit + 1
    return sum(1 for n in range(1, gap + 1)
               if local_date_exists(last_day + timedelta(days=n), zone))


def grant_freezes(streak: Streak, count: int) -> Result[Streak, DomainError]:
    """Add ``count`` (> 0) freezes to the player's inventory.

    >>> grant_freezes(Streak(user_id="u"), 2).unwrap().freezes
    2
    """
    if type(count) is not int or count <= 0:
        return Failure(DomainError.invalid("gamification.freezes",
                                           "grant a whole number (at least one) of freezes",
                                           count=count))
    return Success(attrs.evolve(streak, freezes=streak.freezes + count))


def record_activity(streak: Streak, at: datetime, zone: tzinfo,
                    policy: StreakPolicy = StreakPolicy(), *, source_id: str,
                    stream_id: str | None = None) -> Result[StreakUpdate, DomainError]:
    """Count an activity at instant ``at`` for the player's streak (see the module rules).

    Event ids are ``"<source_id>/streak/<local date>"``; events go to ``stream_id`` (the user
    id by default).

    >>> from zoneinfo import ZoneInfo
    >>> s = Streak(user_id="u", length=4, last_day=date(2026, 1, 1), longest=4, freezes=1)
    >>> u = record_activity(s, datetime(2026, 1, 3, 9, tzinfo=UTC), ZoneInfo("UTC"),
    ...                     source_id="a").unwrap()
    >>> u.streak.length, u.streak.freezes, u.events[0].freezes_used
    (5, 0, 1)
    """
    problem = check_instant(at, "activity time")
    if problem is not None:
        return Failure(problem)
    if policy.grace_days < 0:
        return Failure(DomainError.invalid("gamification.grace_days", "grace days must be >= 0",
                                      grace_days=policy.grace_days))
    if policy.grace_days + streak.freezes > MAX_STREAK_BUDGET:
        return Failure(DomainError.invalid(
            "gamification.streak_budget",
            f"grace days plus freezes must be at most {MAX_STREAK_BUDGET}",
            grace_days=policy.grace_days, freezes=streak.freezes))
    day = at.astimezone(zone).date()
    last = streak.last_day
    if last is not None and day <= last:
        return Success(StreakUpdate(streak, ()))
    event_id = f"{source_id}/streak/{day.isoformat()}"
    stream = streak.user_id if stream_id is None else stream_id
    budget = policy.grace_days + streak.freezes
    missed = 0 if last is None else missed_days(last, day, zone, budget)
    frozen = max(0, missed - policy.grace_days)
    if last is None or frozen <= streak.freezes:
        length = streak.length + 1
        new = attrs.evolve(streak, length=length, last_day=day,
                           longest=max(streak.longest, length), freezes=streak.freezes - frozen)
        return Success(StreakUpdate(new, (StreakExtended(
            event_id=event_id, stream_id=stream, occurred_at=at,
            user_id=streak.user_id, day=day, length=length, freezes_used=frozen),)))
    new = attrs.evolve(streak, length=1, last_day=day, longest=max(streak.longest, 1))
    return Success(StreakUpdate(new, (StreakReset(
        event_id=event_id, stream_id=stream, occurred_at=at, user_id=streak.user_id,
        day=day, previous_length=streak.length),)))


def current_length(streak: Streak, at: datetime, zone: tzinfo,
                   policy: StreakPolicy = StreakPolicy()) -> int:
    """The streak as shown at instant ``at``: its length while an activity today would still
    extend it (the gap is covered by grace days and freezes), else 0.

    >>> s = Streak(user_id="u", length=3, last_day=date(2026, 1, 1), longest=3)
    >>> from zoneinfo import ZoneInfo
    >>> current_length(s, datetime(2026, 1, 2, 23, tzinfo=UTC), ZoneInfo("UTC"))
    3
    >>> current_length(s, datetime(2026, 1, 3, 0, tzinfo=UTC), ZoneInfo("UTC"))
    0
    """
    if streak.last_day is None:
        return 0
    today = at.astimezone(zone).date()
    budget = policy.grace_days + streak.freezes
    if today <= streak.last_day or missed_days(streak.last_day, today, zone, budget) <= budget:
        return streak.length
    return 0


def replay_streak(user_id: str, instants: Iterable[datetime], zone: tzinfo,
                  policy: StreakPolicy = StreakPolicy(), freezes: int = 0,
                  ) -> Result[Streak, DomainError]:
    """Fold a history of activity instants (any order) into a streak.

    >>> from zoneinfo import ZoneInfo
    >>> days = [datetime(2026, 1, d, 10, tzinfo=UTC) for d in (1, 2, 2, 3, 5, 6)]
    >>> s = replay_streak("u", days, ZoneInfo("UTC")).unwrap()
    >>> s.length, s.longest
    (2, 3)

    Every instant is checked (:func:`~.periods.check_instant`) before they are sorted.
    """
    found = tuple(instants)
    problem = next((p for p in map(check_instant, found) if p is not None), None) or (
        None if type(freezes) is int and freezes >= 0 else DomainError.invalid(
            "gamification.freezes", "freezes must be a whole number >= 0", count=freezes))
    if problem is not None:
        return Failure(problem)
    streak = Streak(user_id=user_id, freezes=freezes)
    for at in sorted(found):
        match record_activity(streak, at, zone, policy, source_id="replay"):
            case Success(update):
                streak = update.streak
            case Failure(problem):
                return Failure(problem)
    return Success(streak)

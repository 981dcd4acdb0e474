"""Leaderboard periods: local days, weeks and months as UTC intervals in awkward zones."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.gamification.periods import (
    EARLIEST_INSTANT,
    LATEST_INSTANT,
    Period,
    PeriodKind,
    Season,
    local_midnight,
    period_containing,
)
from astratrade_core.gamification.periods import period_containing as containing
from astratrade_core.testing import hostile_contexts, instants, zones

NY = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)


def test_dst_days_are_23_and_25_hours() -> None:
    spring = period_containing(PeriodKind.DAILY, datetime(2026, 3, 8, 15, tzinfo=UTC), NY)
    autumn = period_containing(PeriodKind.DAILY, datetime(2026, 11, 1, 15, tzinfo=UTC), NY)
    assert spring.unwrap().end - spring.unwrap().start == 23 * HOUR
    assert autumn.unwrap().end - autumn.unwrap().start == 25 * HOUR
    # 8 March 2026 starts at 00:00 EST = 05:00Z and ends at 00:00 EDT on 9 March = 04:00Z.
    assert spring.unwrap().start == datetime(2026, 3, 8, 5, tzinfo=UTC)
    assert spring.unwrap().end == datetime(2026, 3, 9, 4, tzinfo=UTC)


def test_weeks_from_a_configurable_first_day() -> None:
    at = datetime(2026, 3, 11, 12, tzinfo=UTC)               # a Wednesday
    monday = period_containing(PeriodKind.WEEKLY, at, NY).unwrap()
    sunday = period_containing(PeriodKind.WEEKLY, at, NY, week_start=6).unwrap()
    assert (monday.label, sunday.label) == ("week-of-2026-03-09", "week-of-2026-03-08")
    # The Sunday week contains the spring-forward day: 7 * 24 - 1 hours.
    assert sunday.end - sunday.start == 167 * HOUR
    assert monday.end - monday.start == 168 * HOUR
    assert period_containing(PeriodKind.WEEKLY, at, NY, week_start=7).failure().code == (
        "gamification.week_start")


def test_months_seasons_and_odd_days() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 31 Dec 2026 20:00Z is already 1 Jan 2027 in Tokyo.
    month = period_containing(PeriodKind.MONTHLY, datetime(2026, 12, 31, 20, tzinfo=UTC),
                              tokyo).unwrap()
    assert month.label == "2027-01"
    assert month.start == datetime(2026, 12, 31, 15, tzinfo=UTC)
    assert month.end == datetime(2027, 1, 31, 15, tzinfo=UTC)
    # Samoa's 29 Dec 2011 (UTC-10) is followed directly by 31 Dec (UTC+14).
    apia = ZoneInfo("Pacific/Apia")
    day = period_containing(PeriodKind.DAILY, datetime(2011, 12, 29, 12, tzinfo=apia),
                            apia).unwrap()
    assert (day.start, day.end) == (datetime(2011, 12, 29, 10, tzinfo=UTC),
                                    datetime(2011, 12, 30, 10, tzinfo=UTC))
    # Chile moves 00:00 to 01:00 on 6 Sep 2026: the day starts at the first real instant.
    assert local_midnight(date(2026, 9, 6), ZoneInfo("America/Santiago")) == datetime(
        2026, 9, 6, 4, tzinfo=UTC)
    seasons = (Season("s1", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
               Season("s2", datetime(2026, 4, 1, tzinfo=UTC), datetime(2026, 7, 1, tzinfo=UTC)))
    found = period_containing(PeriodKind.SEASON, datetime(2026, 4, 1, tzinfo=UTC), NY,
                              seasons=seasons).unwrap()
    assert found == Period(PeriodKind.SEASON, "s2", seasons[1].start, seasons[1].end)
    assert period_containing(PeriodKind.DAILY, datetime(2026, 1, 1), NY).failure().code == (
        "gamification.naive_time")


KINDS = st.sampled_from([PeriodKind.DAILY, PeriodKind.WEEKLY, PeriodKind.MONTHLY])


@given(kind=KINDS, at=instants(), zone=zones(), week_start=st.integers(0, 6))
def test_periods_tile_time(kind: PeriodKind, at: datetime, zone: tzinfo,
                           week_start: int) -> None:
    period = period_containing(kind, at, zone, week_start=week_start).unwrap()
    assert period.contains(at)
    # The next period starts exactly where this one ends, and the previous ends at its start.
    after = period_containing(kind, period.end, zone, week_start=week_start).unwrap()
    before = period_containing(kind, period.start - timedelta(microseconds=1), zone,
                               week_start=week_start).unwrap()
    assert after.start == period.end and before.end == period.start
    first = period.start.astimezone(zone).date()
    if kind is PeriodKind.WEEKLY:
        nominal = date.fromisoformat(period.label.removeprefix("week-of-"))
        assert nominal.weekday() == week_start
        assert local_midnight(nominal, zone) == period.start
    if kind is PeriodKind.MONTHLY:
        assert first.day == 1 and period.label == f"{first.year:04d}-{first.month:02d}"


@given(ctx=hostile_contexts(), kind=KINDS, at=instants(), zone=zones())
def test_periods_ignore_the_callers_context(ctx: decimal.Context, kind: PeriodKind,
                                            at: datetime, zone: tzinfo) -> None:
    expected = period_containing(kind, at, zone)
    with decimal.localcontext(ctx):
        assert period_containing(kind, at, zone) == expected


@given(ctx=hostile_contexts(), at=instants(), zone=zones())
def test_local_midnight_ignores_the_callers_context(ctx: decimal.Context, at: datetime,
                                                    zone: tzinfo) -> None:
    day = at.astimezone(zone).date()
    expected = local_midnight(day, zone)
    with decimal.localcontext(ctx):
        assert local_midnight(day, zone) == expected


def test_instants_at_the_ends_of_the_calendar_are_refused() -> None:
    # Totality (tests/test_totality.py): a week or month at datetime.max raised OverflowError
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-23)))
    early = datetime.min.replace(tzinfo=timezone(timedelta(hours=23)))
    for kind in (PeriodKind.DAILY, PeriodKind.WEEKLY, PeriodKind.MONTHLY):
        for at in (late, early):
            assert containing(kind, at, UTC).failure().code == "gamification.time_range"
        assert containing(kind, LATEST_INSTANT, UTC).unwrap().start <= LATEST_INSTANT
        assert containing(kind, EARLIEST_INSTANT, UTC).unwrap().end > EARLIEST_INSTANT
    assert containing(PeriodKind.WEEKLY, EARLIEST_INSTANT, UTC, week_start=1.5  # type: ignore[arg-type]
                      ).failure().code == "gamification.week_start"




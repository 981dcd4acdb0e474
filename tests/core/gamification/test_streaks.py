"""Daily streaks: local calendar days in the player's zone across DST changes and the date
line, grace days and freezes."""

from __future__ import annotations

import decimal
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.events.gamification import StreakExtended, StreakReset
from astratrade_core.gamification.streaks import (
    MAX_STREAK_BUDGET,
    Streak,
    StreakPolicy,
    current_length,
    grant_freezes,
    local_date_exists,
    missed_days,
    record_activity,
    replay_streak,
)
from astratrade_core.testing import hostile_contexts, instants, zones

NY = ZoneInfo("America/New_York")
UTCZ = ZoneInfo("UTC")


NO_GRACE = StreakPolicy()


def run(instants_: list[datetime], zone: tzinfo, policy: StreakPolicy = NO_GRACE,
        freezes: int = 0) -> tuple[Streak, list[StreakExtended | StreakReset]]:
    streak = Streak(user_id="u", freezes=freezes)
    events: list[StreakExtended | StreakReset] = []
    for n, at in enumerate(instants_):
        update = record_activity(streak, at, zone, policy, source_id=f"a-{n}").unwrap()
        streak = update.streak
        events.extend(update.events)
    return streak, events


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_repeated_dst_hour_is_one_day() -> None:
    # 1 November 2026, New York: 01:30 EDT (05:30Z) and 01:30 EST (06:30Z) are both 1 Nov.
    streak, events = run([utc("2026-10-31T12:00:00-04:00"), utc("2026-11-01T05:30:00+00:00"),
                          utc("2026-11-01T06:30:00+00:00"), utc("2026-11-02T04:59:00+00:00")],
                         NY)
    assert streak.length == 2
    assert [e.day for e in events] == [date(2026, 10, 31), date(2026, 11, 1)]
    # 04:59Z on 2 Nov is 23:59 EST on 1 Nov: still the same day, no third event.


def test_spring_forward_day_counts_once() -> None:
    # 8 March 2026 has 23 hours in New York; one activity each local day keeps the streak.
    days = [utc("2026-03-07T23:00:00-05:00"), utc("2026-03-08T23:30:00-04:00"),
            utc("2026-03-09T00:30:00-04:00")]
    streak, _ = run(days, NY)
    assert streak.length == 3


def test_date_line_days_follow_the_players_zone() -> None:
    kiritimati = ZoneInfo("Pacific/Kiritimati")   # UTC+14
    # 10:00Z on 1 Jan is 00:00 on 2 Jan local; 09:59Z on 2 Jan is 23:59 on 2 Jan local.
    streak, events = run([utc("2026-01-01T10:00:00+00:00"), utc("2026-01-02T09:59:00+00:00"),
                          utc("2026-01-02T10:00:00+00:00")], kiritimati)
    assert [e.day for e in events] == [date(2026, 1, 2), date(2026, 1, 3)]
    assert streak.length == 2
    # The same three instants in UTC are days 1 Jan, 2 Jan, 2 Jan.
    assert run([utc("2026-01-01T10:00:00+00:00"), utc("2026-01-02T09:59:00+00:00"),
                utc("2026-01-02T10:00:00+00:00")], UTCZ)[0].length == 2


def test_samoas_skipped_day_does_not_break_a_streak() -> None:
    # Samoa moved across the date line: 29 Dec 2011 23:59 (UTC-10) was followed by
    # 31 Dec 2011 00:00 (UTC+14); 30 December never happened in Apia.
    apia = ZoneInfo("Pacific/Apia")
    assert not local_date_exists(date(2011, 12, 30), apia)
    noon_29 = datetime(2011, 12, 29, 12, tzinfo=apia).astimezone(UTC)
    noon_31 = datetime(2011, 12, 31, 12, tzinfo=apia).astimezone(UTC)
    assert run([noon_29, noon_31], apia)[0].length == 2
    # In American Samoa (same side as before, no skip) 29 and 31 December have a gap.
    pago = ZoneInfo("Pacific/Pago_Pago")
    local = [datetime(2011, 12, d, 12, tzinfo=pago).astimezone(UTC) for d in (29, 31)]
    streak, events = run(local, pago)
    assert streak.length == 1 and isinstance(events[-1], StreakReset)


def test_grace_days_and_freezes() -> None:
    day = [datetime(2026, 5, d, 9, tzinfo=UTC) for d in range(1, 32)]
    # Grace 1: 1 -> 3 May misses one day, forgiven; 3 -> 6 misses two, reset.
    streak, events = run([day[0], day[2], day[5]], UTCZ, StreakPolicy(grace_days=1))
    assert streak.length == 1 and streak.longest == 2
    assert isinstance(events[-1], StreakReset) and events[-1].previous_length == 2
    # Two freezes bridge 1 -> 4 May (two missed days), then nothing is left for 4 -> 6 May.
    streak, events = run([day[0], day[3], day[5]], UTCZ, freezes=2)
    assert (streak.length, streak.freezes) == (1, 0)
    assert isinstance(events[1], StreakExtended) and events[1].freezes_used == 2
    # Grace covers the first missed day, a freeze the second.
    streak, events = run([day[0], day[3]], UTCZ, StreakPolicy(grace_days=1), freezes=1)
    assert (streak.length, streak.freezes) == (2, 0)
    assert grant_freezes(Streak(user_id="u"), 0).failure().code == "gamification.freezes"


def test_current_length_and_late_activity() -> None:
    streak, _ = run([datetime(2026, 5, d, 9, tzinfo=UTC) for d in (1, 2, 3)], UTCZ)
    assert current_length(streak, datetime(2026, 5, 4, 23, 59, tzinfo=UTC), UTCZ) == 3
    assert current_length(streak, datetime(2026, 5, 5, 0, 0, tzinfo=UTC), UTCZ) == 0
    assert current_length(streak, datetime(2026, 5, 5, 0, 0, tzinfo=UTC), UTCZ,
                          StreakPolicy(grace_days=1)) == 3
    late = record_activity(streak, datetime(2026, 5, 1, tzinfo=UTC), UTCZ, source_id="x")
    assert late.unwrap().streak == streak and late.unwrap().events == ()
    naive = record_activity(streak, datetime(2026, 5, 9), UTCZ, source_id="x")
    assert naive.failure().code == "gamification.naive_time"
    assert missed_days(date(2026, 1, 1), date(2027, 1, 1), UTCZ, 3) == 4


@given(zone=zones(), start=instants(), hours=st.integers(1, 24 * 40))
def test_hourly_activity_counts_every_local_day_once(zone: tzinfo, start: datetime,
                                                     hours: int) -> None:
    stamps = [start + timedelta(hours=h) for h in range(hours)]
    local_days = {s.astimezone(zone).date() for s in stamps}
    streak = replay_streak("u", stamps, zone).unwrap()
    assert streak.length == streak.longest == len(local_days)


@given(zone=zones(), stamps=st.lists(instants(), max_size=30), grace=st.integers(0, 2),
       freezes=st.integers(0, 3))
def test_replay_laws(zone: tzinfo, stamps: list[datetime], grace: int, freezes: int) -> None:
    policy = StreakPolicy(grace_days=grace)
    streak = replay_streak("u", stamps, zone, policy, freezes).unwrap()
    local_days = {s.astimezone(zone).date() for s in stamps}
    assert streak.length <= streak.longest <= len(local_days)
    assert 0 <= streak.freezes <= freezes
    assert replay_streak("u", list(reversed(stamps)), zone, policy, freezes).unwrap() == streak
    if stamps:
        assert streak.last_day == max(local_days)


@given(ctx=hostile_contexts(), zone=zones(), stamps=st.lists(instants(), max_size=10))
def test_streaks_ignore_the_callers_context(ctx: decimal.Context, zone: tzinfo,
                                            stamps: list[datetime]) -> None:
    expected = replay_streak("u", stamps, zone, StreakPolicy(grace_days=1), 1).unwrap()
    with decimal.localcontext(ctx):
        assert replay_streak("u", stamps, zone, StreakPolicy(grace_days=1), 1).unwrap() == (
            expected)


@given(ctx=hostile_contexts(), zone=zones(), at=instants(), days=st.integers(0, 9))
def test_streak_queries_ignore_the_callers_context(ctx: decimal.Context, zone: tzinfo,
                                                   at: datetime, days: int) -> None:
    def run() -> object:
        streak = grant_freezes(replay_streak("u", [at], zone).unwrap(), 2).unwrap()
        later = at + timedelta(days=days)
        last = at.astimezone(zone).date()
        return (current_length(streak, later, zone, StreakPolicy(grace_days=1)),
                missed_days(last, later.astimezone(zone).date(), zone, 5),
                local_date_exists(last, zone))

    expected = run()
    with decimal.localcontext(ctx):
        assert run() == expected


def test_hostile_counts_and_instants_are_refused() -> None:
    # Totality (tests/test_totality.py): grant_freezes(s, 0.1) stored a float, an activity at
    # datetime.max raised OverflowError, and a history mixing naive and aware instants raised
    # TypeError while sorting
    streak = Streak(user_id="u")
    assert grant_freezes(streak, 0.1).failure().code == "gamification.freezes"  # type: ignore[arg-type]
    assert grant_freezes(streak, True).failure().code == "gamification.freezes"
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-23)))
    assert record_activity(streak, late, UTC, source_id="a").failure().code == (
        "gamification.time_range")
    mixed = [datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC)]
    assert replay_streak("u", mixed, UTC).failure().code == "gamification.naive_time"
    assert replay_streak("u", [], UTC, freezes=0.5).failure().code == (  # type: ignore[arg-type]
        "gamification.freezes")


def test_a_freeze_budget_beyond_the_bound_is_refused_not_counted_for_seconds() -> None:
    # Totality (tests/test_totality.py): 510510 held freezes and a gap of five centuries took
    # seconds (the missed days are counted date by date up to the budget)
    at = datetime(2526, 6, 1, tzinfo=UTC)
    rich = Streak(user_id="u", length=3, last_day=date(2026, 1, 1), freezes=510510)
    assert record_activity(rich, at, UTC, source_id="a").failure().code == (
        "gamification.streak_budget")
    assert record_activity(Streak(user_id="u", last_day=date(2026, 1, 1)), at, UTC,
                           StreakPolicy(grace_days=MAX_STREAK_BUDGET + 1),
                           source_id="a").failure().code == "gamification.streak_budget"
    at_bound = Streak(user_id="u", length=3, last_day=date(2026, 1, 1),
                      freezes=MAX_STREAK_BUDGET)
    assert record_activity(at_bound, at, UTC, source_id="a").unwrap().streak.length == 1

"""Streaks at their edges: activities one second either side of a local midnight (also in
zones whose DST change falls at midnight), a gap of exactly the grace days, freezes exactly
enough or one short, the displayed streak expiring at exactly the local midnight.  Found by
`make mutate` (gamification)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from returns.result import Failure

from astratrade_core.errors import DomainError
from astratrade_core.events import StreakExtended, StreakReset
from astratrade_core.gamification.streaks import (
    Streak,
    StreakPolicy,
    current_length,
    grant_freezes,
    record_activity,
    replay_streak,
)
from astratrade_core.testing import around_ints, local_midnights

ZONES = ("America/Santiago", "Europe/London", "Pacific/Apia", "Asia/Kathmandu", "UTC")


@st.composite
def _zone_and_instant(draw: st.DrawFn) -> tuple[ZoneInfo, datetime]:
    name = draw(st.sampled_from(ZONES))
    return ZoneInfo(name), draw(local_midnights(name, start=date(2018, 1, 1), span_days=3000))


@given(_zone_and_instant())
def test_an_activity_counts_for_its_local_date(case: tuple[ZoneInfo, datetime]) -> None:
    zone, at = case
    local_day = at.astimezone(zone).date()
    yesterday = local_day - timedelta(days=1)
    streak = Streak(user_id="u", length=3, last_day=yesterday, longest=3)
    update = record_activity(streak, at, zone, source_id="a").unwrap()
    (event,) = update.events
    assert isinstance(event, StreakExtended)
    assert (update.streak.length, update.streak.last_day, event.day) == (4, local_day, local_day)
    assert event.event_id == f"a/streak/{local_day.isoformat()}"
    again = record_activity(update.streak, at, zone, source_id="b").unwrap()
    assert again.events == () and again.streak == update.streak


@given(around_ints(2), st.integers(0, 2))
def test_a_gap_of_exactly_the_grace_days_is_forgiven(missed: int, freezes: int) -> None:
    utc = ZoneInfo("UTC")
    streak = Streak(user_id="u", length=5, last_day=date(2026, 1, 1), longest=5,
                    freezes=freezes)
    at = datetime(2026, 1, 2 + missed, 12, tzinfo=UTC)
    update = record_activity(streak, at, utc, StreakPolicy(grace_days=2), source_id="a").unwrap()
    beyond = max(0, missed - 2)
    (event,) = update.events
    if beyond <= freezes:
        assert isinstance(event, StreakExtended)
        assert (update.streak.length, update.streak.freezes, event.freezes_used) == (
            6, freezes - beyond, beyond)
    else:
        assert isinstance(event, StreakReset)
        assert (update.streak.length, update.streak.longest, event.previous_length) == (1, 5, 5)
    shown = current_length(streak, at, utc, StreakPolicy(grace_days=2))
    assert shown == (5 if beyond <= freezes else 0)


@given(st.integers(0, 3))
def test_the_shown_streak_expires_at_exactly_a_local_midnight(freezes: int) -> None:
    zone = ZoneInfo("America/New_York")
    streak = Streak(user_id="u", length=4, last_day=date(2026, 3, 6), longest=4,
                    freezes=freezes)
    # covered through local day 7 + freezes; expires at the local midnight after it
    expiry = datetime(2026, 3, 8 + freezes, tzinfo=zone).astimezone(UTC)
    assert current_length(streak, expiry - timedelta(seconds=1), zone) == 4
    assert current_length(streak, expiry, zone) == 0


@given(around_ints(0))
def test_freezes_are_granted_one_or_more(count: int) -> None:
    got = grant_freezes(Streak(user_id="u", freezes=2), count)
    if count > 0:
        assert got.unwrap().freezes == 2 + count
    else:
        assert got == Failure(DomainError.invalid(
            "gamification.freezes", "grant a whole number (at least one) of freezes",
            count=count))


@given(around_ints(0))
def test_grace_days_may_be_zero(grace: int) -> None:
    got = record_activity(Streak(user_id="u"), datetime(2026, 1, 1, tzinfo=UTC),
                          ZoneInfo("UTC"), StreakPolicy(grace_days=grace), source_id="a")
    if grace >= 0:
        assert got.unwrap().streak.length == 1
    else:
        assert got == Failure(DomainError.invalid("gamification.grace_days",
                                                  "grace days must be >= 0", grace_days=grace))


def test_activities_go_to_the_given_stream() -> None:
    at = datetime(2026, 1, 1, 10, tzinfo=UTC)
    update = record_activity(Streak(user_id="u"), at, UTC, source_id="s", stream_id="x")
    assert [e.stream_id for e in update.unwrap().events] == ["x"]


def test_a_replay_stops_at_the_first_refused_activity() -> None:
    at = datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert replay_streak("u", [at], UTC, StreakPolicy(grace_days=-1)) == Failure(
        DomainError.invalid("gamification.grace_days", "grace days must be >= 0",
                            grace_days=-1))


def test_a_streak_never_started_shows_zero() -> None:
    assert current_length(Streak(user_id="u"), datetime(2026, 1, 1, tzinfo=UTC),
                          ZoneInfo("UTC")) == 0


@given(st.sampled_from(ZONES), st.integers(0, 2), st.integers(0, 2))
def test_a_gap_shows_the_streak_exactly_while_grace_and_freezes_cover_it(
        zone: str, grace: int, freezes: int) -> None:
    """Last active 2026-03-01 local; shown at noon local on 2, 3, 4 and 5 March (gaps of 0 to
    3 missed days, no DST or skipped date in these zones then): the streak shows exactly
    while the gap is at most grace + freezes."""
    tz = ZoneInfo(zone)
    streak = Streak(user_id="u", length=4, last_day=date(2026, 3, 1), longest=4,
                    freezes=freezes)
    for gap in range(4):
        at = datetime(2026, 3, 2 + gap, 12, tzinfo=tz)
        shown = current_length(streak, at, tz, StreakPolicy(grace_days=grace))
        assert shown == (4 if gap <= grace + freezes else 0)


@given(st.integers(-3, 2))
def test_the_last_active_day_is_never_a_gap(grace: int) -> None:
    """On its last active day (and at an instant before it) a streak shows its length
    whatever the budget, even under a policy that record_activity would refuse."""
    tz = ZoneInfo("UTC")
    streak = Streak(user_id="u", length=3, last_day=date(2026, 1, 1), longest=3)
    for at in (datetime(2026, 1, 1, 0, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC)):
        assert current_length(streak, at, tz, StreakPolicy(grace_days=grace)) == 3


def test_activity_refusals_in_full() -> None:
    utc = ZoneInfo("UTC")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert record_activity(Streak(user_id="u", freezes=3660), at, utc,
                           StreakPolicy(grace_days=1), source_id="s") == Failure(
        DomainError.invalid("gamification.streak_budget",
                            "grace days plus freezes must be at most 3660", grace_days=1,
                            freezes=3660))
    assert record_activity(Streak(user_id="u"), datetime(2026, 1, 1), utc,
                           source_id="s") == Failure(DomainError.invalid(
        "gamification.naive_time", "activity time must be a timezone-aware datetime",
        field="activity time"))

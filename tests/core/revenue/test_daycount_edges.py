"""Day counts on the dates where the conventions' rules bite: the 28th to the 31st, the last
day of February in leap and common years (1900, 2000 and 2100 included), the first of the
month, and across year ends.  Each convention is restated here from the 2006 ISDA Definitions
(4.16) as a plain rule on (Y, M, D) and compared on every pair of such dates.  Found by
`make mutate` (revenue)."""

from __future__ import annotations

import calendar
from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.revenue.daycount import DayCount, add_months, day_count, year_fraction
from astratrade_core.testing import leap_days

_EDGE_DAYS = (1, 28, 29, 30, 31)


def _edge_dates() -> st.SearchStrategy[date]:
    def build(year: int, month: int, day: int) -> date:
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))

    return st.one_of(
        leap_days(),
        st.builds(build, st.sampled_from((1900, 2000, 2023, 2024, 2100)), st.integers(1, 12),
                  st.sampled_from(_EDGE_DAYS)))


def _last(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _feb_last(day: date) -> bool:
    return day.month == 2 and _last(day)


def _days(a: date, b: date, d1: int, d2: int) -> int:
    return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1)


def _reference(a: date, b: date, convention: DayCount, termination: date | None) -> int:
    d1, d2 = a.day, b.day
    if convention is DayCount.THIRTY_360:
        d1 = 30 if d1 == 31 else d1
        d2 = 30 if d2 == 31 and d1 == 30 else d2
    elif convention is DayCount.THIRTY_E_360:
        d1, d2 = min(d1, 30), min(d2, 30)
    elif convention is DayCount.THIRTY_360_US:
        if _feb_last(a) and _feb_last(b):
            d2 = 30
        if _feb_last(a):
            d1 = 30
        if d2 == 31 and d1 in (30, 31):
            d2 = 30
        d1 = 30 if d1 == 31 else d1
    elif convention is DayCount.THIRTY_E_360_ISDA:
        d1 = 30 if _last(a) else d1
        d2 = 30 if _last(b) and not (b.month == 2 and b == termination) else d2
    else:
        return (b - a).days
    return _days(a, b, d1, d2)


@given(_edge_dates(), _edge_dates(), st.sampled_from(list(DayCount)), st.booleans())
def test_day_counts_follow_the_isda_rules_on_edge_dates(
        a: date, b: date, convention: DayCount, end_is_termination: bool) -> None:
    termination = b if end_is_termination else None
    assert day_count(a, b, convention, termination=termination) == _reference(
        a, b, convention, termination)


def _act_act(a: date, b: date) -> Fraction:
    total = Fraction(0)
    day = a
    while day < b:  # one day at a time, each in its own year
        total += Fraction(1, 366 if calendar.isleap(day.year) else 365)
        day = date.fromordinal(day.toordinal() + 1)
    return total


@given(_edge_dates(), _edge_dates())
def test_act_act_isda_counts_each_day_in_its_own_year(a: date, b: date) -> None:
    start, end = min(a, b), max(a, b)
    if (end - start).days > 3 * 366:  # keep the day-by-day reference cheap
        end = date.fromordinal(start.toordinal() + (end - start).days % (3 * 366))
    got = year_fraction(start, end, DayCount.ACT_ACT_ISDA)
    assert got == _act_act(start, end)
    assert year_fraction(end, start, DayCount.ACT_ACT_ISDA) == -got


@given(_edge_dates(), _edge_dates(), st.sampled_from(list(DayCount)))
def test_year_fractions_divide_the_day_count(a: date, b: date, convention: DayCount) -> None:
    if convention is DayCount.ACT_ACT_ISDA:
        return
    start, end = min(a, b), max(a, b)
    basis = 365 if convention is DayCount.ACT_365_FIXED else 360
    expected = Fraction(day_count(start, end, convention), basis)
    assert year_fraction(start, end, convention) == expected
    assert year_fraction(end, start, convention) == -expected


@given(_edge_dates(), st.integers(-30, 30))
def test_add_months_clamps_to_the_month_end(day: date, months: int) -> None:
    moved = add_months(day, months)
    index = day.year * 12 + day.month - 1 + months
    assert moved.year * 12 + moved.month - 1 == index
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])

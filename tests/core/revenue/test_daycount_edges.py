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
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.revenue.daycount import (
    DayCount,
    add_months,
    day_count,
    icma_year_fraction,
    year_fraction,
)
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


def test_a_reversed_30e_360_isda_accrual_keeps_its_termination_date() -> None:
    # 31 Aug 2011 -> 29 Feb 2012 is 179 days when 29 Feb is the termination date (D2 stays
    # 29), 180 otherwise: reversing the dates negates the fraction and keeps the rule.
    end, start = date(2012, 2, 29), date(2011, 8, 31)
    convention = DayCount.THIRTY_E_360_ISDA
    assert year_fraction(end, start, convention, termination=end) == Fraction(-179, 360)
    assert year_fraction(end, start, convention) == Fraction(-180, 360)


def test_an_icma_accrual_wholly_before_the_regular_period() -> None:
    # Semiannual, regular period 15 Jul 2003 -> 15 Jan 2004; the notional period before it is
    # 15 Jan -> 15 Jul 2003 (181 days).  15 Feb -> 15 May 2003 is 89 of them: 89 / (2 * 181);
    # ending exactly on the period start, 15 Feb -> 15 Jul is 150 days: 150 / 362.
    def icma(start: date, end: date) -> Result[Fraction, DomainError]:
        return icma_year_fraction(start, end, period_start=date(2003, 7, 15),
                                  period_end=date(2004, 1, 15), frequency=2)

    assert icma(date(2003, 2, 15), date(2003, 5, 15)) == Success(Fraction(89, 362))
    assert icma(date(2003, 2, 15), date(2003, 7, 15)) == Success(Fraction(150, 362))


def test_icma_refusals_carry_their_fields() -> None:
    start, end = date(2003, 1, 1), date(2003, 2, 1)
    assert icma_year_fraction(start, end, period_start=start, period_end=date(2003, 7, 1),
                              frequency=5) == Failure(DomainError.invalid(
        "revenue.daycount.frequency", "frequency must be 1, 2, 3, 4, 6 or 12 a year",
        frequency=5))
    # A regular period that ends where it starts is refused (it must end after it starts).
    day = date(2003, 7, 1)
    assert icma_year_fraction(start, end, period_start=day, period_end=day,
                              frequency=2) == Failure(DomainError.invalid(
        "revenue.daycount.period", "the regular period must end after it starts",
        period_start=day, period_end=day))
    late = date(2004, 2, 1)
    assert icma_year_fraction(start, late, period_start=date(2003, 2, 1),
                              period_end=date(2003, 8, 1), frequency=2) == Failure(
        DomainError.invalid("revenue.daycount.period", "an accrual cannot start before and "
                            "end after the regular period", start=start, end=late))


_ICMA_EDGES = [  # (accrual day, period start, period end): one date at or past each limit
    (date(1, 12, 31), date(1, 12, 31), date(2, 1, 1)),
    (date(2, 1, 1), date(2, 1, 1), date(2, 1, 2)),
    (date(9998, 12, 31), date(9998, 12, 30), date(9998, 12, 31)),
    (date(9998, 12, 31), date(9998, 12, 30), date(9999, 1, 1)),
]


@given(st.sampled_from(_ICMA_EDGES))
def test_icma_dates_lie_in_the_years_2_to_9998(edge: tuple[date, date, date]) -> None:
    """An accrual of no days at the first and last allowed dates, and a date one day outside."""
    day, first, last = edge
    got = icma_year_fraction(day, day, period_start=first, period_end=last, frequency=2)
    if date(2, 1, 1) <= min(edge) and max(edge) <= date(9998, 12, 31):
        assert got == Success(Fraction(0))
    else:
        assert got == Failure(DomainError.invalid(
            "revenue.daycount.date_range", "ICMA dates must lie in the years 2 to 9998",
            start=day, end=day, period_start=first, period_end=last))

"""30/360 US, 30E/360 ISDA and Act/Act ICMA: every worked example of ISDA's "30/360 Day Count
Conventions" (2008) and of QuantLib's day-counter test suite (test-suite/daycounters.cpp,
whose Actual/Actual cases follow ISDA's 1998 Actual/Actual paper), plus the rule edges."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.revenue.daycount import (
    DayCount,
    add_months,
    day_count,
    icma_year_fraction,
    year_fraction,
)

D = date

# 30/360 US (Wikipedia's and ISDA's examples, as QuantLib's testThirty360_USA lists them)
US_CASES = [
    # Example 1: no end of February
    (D(2006, 8, 20), D(2007, 2, 20), 180), (D(2007, 2, 20), D(2007, 8, 20), 180),
    (D(2007, 8, 20), D(2008, 2, 20), 180), (D(2008, 2, 20), D(2008, 8, 20), 180),
    (D(2008, 8, 20), D(2009, 2, 20), 180), (D(2009, 2, 20), D(2009, 8, 20), 180),
    # Example 2: some end-of-February dates
    (D(2006, 8, 31), D(2007, 2, 28), 178), (D(2007, 2, 28), D(2007, 8, 31), 180),
    (D(2007, 8, 31), D(2008, 2, 29), 179), (D(2008, 2, 29), D(2008, 8, 31), 180),
    (D(2008, 8, 31), D(2009, 2, 28), 178), (D(2009, 2, 28), D(2009, 8, 31), 180),
    # Example 3: miscellaneous
    (D(2006, 1, 31), D(2006, 2, 28), 28), (D(2006, 1, 30), D(2006, 2, 28), 28),
    (D(2006, 2, 28), D(2006, 3, 3), 3), (D(2006, 2, 14), D(2006, 2, 28), 14),
    (D(2006, 9, 30), D(2006, 10, 31), 30), (D(2006, 10, 31), D(2006, 11, 28), 28),
    (D(2007, 8, 31), D(2008, 2, 28), 178), (D(2008, 2, 28), D(2008, 8, 28), 180),
    (D(2008, 2, 28), D(2008, 8, 30), 182), (D(2008, 2, 28), D(2008, 8, 31), 183),
    (D(2007, 2, 26), D(2008, 2, 28), 362), (D(2007, 2, 26), D(2008, 2, 29), 363),
    (D(2008, 2, 29), D(2009, 2, 28), 360), (D(2008, 2, 28), D(2008, 3, 30), 32),
    (D(2008, 2, 28), D(2008, 3, 31), 33),
]


@pytest.mark.parametrize(("start", "end", "days"), US_CASES)
def test_thirty_360_us(start: date, end: date, days: int) -> None:
    assert day_count(start, end, DayCount.THIRTY_360_US) == days
    assert year_fraction(start, end, DayCount.THIRTY_360_US) == Fraction(days, 360)


# 30E/360 ISDA: ISDA's three examples, each with its own termination date
ISDA_CASES = [
    *((s, e, n, D(2009, 8, 20)) for s, e, n in US_CASES[:6]),
    (D(2006, 2, 28), D(2006, 8, 31), 180, D(2012, 2, 29)),
    (D(2006, 8, 31), D(2007, 2, 28), 180, D(2012, 2, 29)),
    (D(2007, 2, 28), D(2007, 8, 31), 180, D(2012, 2, 29)),
    (D(2007, 8, 31), D(2008, 2, 29), 180, D(2012, 2, 29)),
    (D(2008, 2, 29), D(2008, 8, 31), 180, D(2012, 2, 29)),
    (D(2008, 8, 31), D(2009, 2, 28), 180, D(2012, 2, 29)),
    (D(2009, 2, 28), D(2009, 8, 31), 180, D(2012, 2, 29)),
    (D(2009, 8, 31), D(2010, 2, 28), 180, D(2012, 2, 29)),
    (D(2010, 2, 28), D(2010, 8, 31), 180, D(2012, 2, 29)),
    (D(2010, 8, 31), D(2011, 2, 28), 180, D(2012, 2, 29)),
    (D(2011, 2, 28), D(2011, 8, 31), 180, D(2012, 2, 29)),
    (D(2011, 8, 31), D(2012, 2, 29), 179, D(2012, 2, 29)),
    (D(2006, 1, 31), D(2006, 2, 28), 30, D(2008, 2, 29)),
    (D(2006, 1, 30), D(2006, 2, 28), 30, D(2008, 2, 29)),
    (D(2006, 2, 28), D(2006, 3, 3), 3, D(2008, 2, 29)),
    (D(2006, 2, 14), D(2006, 2, 28), 16, D(2008, 2, 29)),
    (D(2006, 9, 30), D(2006, 10, 31), 30, D(2008, 2, 29)),
    (D(2006, 10, 31), D(2006, 11, 28), 28, D(2008, 2, 29)),
    (D(2007, 8, 31), D(2008, 2, 28), 178, D(2008, 2, 29)),
    (D(2008, 2, 28), D(2008, 8, 28), 180, D(2008, 2, 29)),
    (D(2008, 2, 28), D(2008, 8, 30), 182, D(2008, 2, 29)),
    (D(2008, 2, 28), D(2008, 8, 31), 182, D(2008, 2, 29)),
    (D(2007, 2, 28), D(2008, 2, 28), 358, D(2008, 2, 29)),
    (D(2007, 2, 28), D(2008, 2, 29), 359, D(2008, 2, 29)),
    (D(2008, 2, 29), D(2009, 2, 28), 360, D(2008, 2, 29)),
    (D(2008, 2, 29), D(2008, 3, 30), 30, D(2008, 2, 29)),
    (D(2008, 2, 29), D(2008, 3, 31), 30, D(2008, 2, 29)),
]


@pytest.mark.parametrize(("start", "end", "days", "termination"), ISDA_CASES)
def test_thirty_e_360_isda(start: date, end: date, days: int, termination: date) -> None:
    assert day_count(start, end, DayCount.THIRTY_E_360_ISDA, termination=termination) == days
    assert year_fraction(start, end, DayCount.THIRTY_E_360_ISDA,
                         termination=termination) == Fraction(days, 360)


def test_thirty_e_360_isda_february_edge() -> None:
    # the same period ending on Feb 29 2012 counts 179 days when that is the termination date
    # and 180 (D2 -> 30) when it is not, or when no termination date is given
    start, end = D(2011, 8, 31), D(2012, 2, 29)
    assert day_count(start, end, DayCount.THIRTY_E_360_ISDA, termination=end) == 179
    assert day_count(start, end, DayCount.THIRTY_E_360_ISDA, termination=D(2013, 2, 28)) == 180
    assert day_count(start, end, DayCount.THIRTY_E_360_ISDA) == 180
    # the termination date matters only at the end of February: Aug 31 stays 30
    assert day_count(D(2011, 2, 28), D(2011, 8, 31), DayCount.THIRTY_E_360_ISDA,
                     termination=D(2011, 8, 31)) == 180


def test_the_us_rules_reduce_to_the_bond_basis_away_from_february() -> None:
    # rules 3 and 4 of 30/360 US are the ISDA bond basis: they agree unless February ends
    assert day_count(D(2026, 1, 31), D(2026, 3, 31), DayCount.THIRTY_360_US) == 60
    assert day_count(D(2026, 1, 31), D(2026, 3, 31), DayCount.THIRTY_360) == 60
    assert day_count(D(2026, 3, 15), D(2026, 3, 31), DayCount.THIRTY_360_US) == 16


dates = st.dates(D(2000, 1, 1), D(2060, 12, 31))


@given(dates, dates)
def test_us_equals_bond_basis_unless_a_date_ends_february(a: date, b: date) -> None:
    def ends_february(d: date) -> bool:
        return d.month == 2 and (d.replace(day=1).replace(month=3) - d).days == 1

    if not (ends_february(a) or ends_february(b)):
        assert day_count(a, b, DayCount.THIRTY_360_US) == day_count(a, b, DayCount.THIRTY_360)


# Actual/Actual (ICMA): QuantLib's ISMA cases (ISDA's 1998 paper), each with its reference
# period and the frequency that period implies
ICMA_CASES = [
    (D(2003, 11, 1), D(2004, 5, 1), D(2003, 11, 1), D(2004, 5, 1), 2, "0.500000000000"),
    # short first period: 150 of the 365 days of the notional annual period
    (D(1999, 2, 1), D(1999, 7, 1), D(1998, 7, 1), D(1999, 7, 1), 1, "0.410958904110"),
    (D(1999, 7, 1), D(2000, 7, 1), D(1999, 7, 1), D(2000, 7, 1), 1, "1.000000000000"),
    # long first period
    (D(2002, 8, 15), D(2003, 7, 15), D(2003, 1, 15), D(2003, 7, 15), 2, "0.915760869565"),
    (D(2003, 7, 15), D(2004, 1, 15), D(2003, 7, 15), D(2004, 1, 15), 2, "0.500000000000"),
    # short final period
    (D(1999, 7, 30), D(2000, 1, 30), D(1999, 7, 30), D(2000, 1, 30), 2, "0.500000000000"),
    (D(2000, 1, 30), D(2000, 6, 30), D(2000, 1, 30), D(2000, 7, 30), 2, "0.417582417582"),
]


@pytest.mark.parametrize("case", ICMA_CASES)
def test_act_act_icma(case: tuple[date, date, date, date, int, str]) -> None:
    start, end, ref_start, ref_end, frequency, expected = case
    fraction = icma_year_fraction(start, end, period_start=ref_start, period_end=ref_end,
                                  frequency=frequency).unwrap()
    assert abs(fraction - Fraction(expected)) < Fraction(1, 10**12)


def test_act_act_icma_exact_values() -> None:
    # short final period: 152 days of a 182-day semiannual period -> 152 / (2 * 182)
    assert icma_year_fraction(D(2000, 1, 30), D(2000, 6, 30), period_start=D(2000, 1, 30),
                              period_end=D(2000, 7, 30), frequency=2).unwrap() == Fraction(
                                  152, 364)
    # a long last coupon: one whole quarter after the regular period, then 31 of 92 days
    fraction = icma_year_fraction(D(2026, 1, 1), D(2026, 8, 1), period_start=D(2026, 1, 1),
                                  period_end=D(2026, 4, 1), frequency=4).unwrap()
    assert fraction == Fraction(1, 4) + Fraction(1, 4) + Fraction(31, 4 * 92)
    # reversed dates give the negated fraction
    assert icma_year_fraction(D(2004, 5, 1), D(2003, 11, 1), period_start=D(2003, 11, 1),
                              period_end=D(2004, 5, 1), frequency=2).unwrap() == Fraction(-1, 2)


def test_act_act_icma_reports_every_bad_argument() -> None:
    error = icma_year_fraction(D(2026, 1, 1), D(2026, 2, 1), period_start=D(2026, 3, 1),
                               period_end=D(2026, 3, 1), frequency=0).failure()
    assert error.codes() == ("revenue.daycount.frequency", "revenue.daycount.period")
    straddle = icma_year_fraction(D(2025, 12, 1), D(2026, 9, 1), period_start=D(2026, 1, 1),
                                  period_end=D(2026, 4, 1), frequency=4).failure()
    assert straddle.code == "revenue.daycount.period"
    assert icma_year_fraction(D(2026, 1, 1), D(2026, 2, 1), period_start=D(2026, 1, 1),
                              period_end=D(2026, 7, 1), frequency=True).failure().code == (
        "revenue.daycount.frequency")


@given(st.dates(D(2000, 1, 1), D(2040, 12, 31)), st.integers(0, 400),
       st.sampled_from([1, 2, 4, 12]))
def test_icma_inside_one_regular_period_is_days_over_frequency_times_length(
        start: date, length: int, frequency: int) -> None:
    end_of_period = add_months(start, 12 // frequency)
    days = min(length, (end_of_period - start).days)
    end = date.fromordinal(start.toordinal() + days)
    assert icma_year_fraction(start, end, period_start=start, period_end=end_of_period,
                              frequency=frequency).unwrap() == Fraction(
                                  days, frequency * (end_of_period - start).days)


def test_icma_dates_at_the_ends_of_the_calendar_are_refused() -> None:
    # Totality (tests/test_totality.py): a long last coupon running to 31 December 9999 raised
    # ValueError (a notional period in the year 10000)
    assert icma_year_fraction(date(9999, 12, 31), date(480, 9, 8), period_start=date(32, 5, 24),
                              period_end=date(83, 12, 12), frequency=2).failure().code == (
        "revenue.daycount.date_range")
    assert icma_year_fraction(date(9998, 1, 1), date(9998, 12, 31),
                              period_start=date(9998, 1, 1), period_end=date(9998, 7, 1),
                              frequency=2).unwrap() > 0

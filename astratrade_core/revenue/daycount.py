"""Day-count conventions and calendar-month arithmetic for billing periods and proration.

Year fractions are exact :class:`fractions.Fraction` values (no rounding at all; the caller
rounds the money amount once).  Conventions, as defined in the 2006 ISDA Definitions, s. 4.16:

* ``ACT_365_FIXED`` (4.16(d)): actual days / 365.
* ``ACT_ACT_ISDA`` (4.16(b)): the days falling in a leap year / 366 plus the days falling in
  a non-leap year / 365 (each day counted in the year it lies in; the end date is excluded).
* ``THIRTY_360`` (4.16(f), "30/360", "Bond Basis"): ``D1 = 31 -> 30``; ``D2 = 31 -> 30`` only
  if ``D1`` (after adjustment) is 30; days = ``360*(Y2-Y1) + 30*(M2-M1) + (D2-D1)``.
  (This is the ISDA bond basis, *without* the February end-of-month rules of "30/360 US".)
* ``THIRTY_E_360`` (4.16(g), "30E/360", "Eurobond Basis"): ``D1 = 31 -> 30`` and
  ``D2 = 31 -> 30`` unconditionally.

A reversed interval gives the negated fraction.  :func:`add_months` moves a date by calendar
months, clamping to the month's last day (Jan 31 + 1 month = Feb 28 or 29).

>>> from datetime import date
>>> year_fraction(date(2026, 1, 31), date(2026, 3, 31), DayCount.THIRTY_360)
Fraction(1, 6)
>>> year_fraction(date(2023, 12, 1), date(2024, 3, 1), DayCount.ACT_ACT_ISDA)
Fraction(5541, 22265)
"""

from __future__ import annotations

import enum
from datetime import date
from fractions import Fraction

__all__ = ["DayCount", "add_months", "day_count", "year_fraction"]


class DayCount(enum.Enum):
    """A day-count convention (see the module docstring for the exact rules)."""

    ACT_365_FIXED = "ACT/365F"
    ACT_ACT_ISDA = "ACT/ACT ISDA"
    THIRTY_360 = "30/360"
    THIRTY_E_360 = "30E/360"


def _thirty_360(start: date, end: date, european: bool) -> int:
    d1 = min(start.day, 30)
    d2 = end.day
    if d2 == 31 and (european or d1 == 30):
        d2 = 30
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def day_count(start: date, end: date, convention: DayCount) -> int:
    """Days from ``start`` to ``end`` under ``convention`` (actual days for the ACT ones).

    >>> day_count(date(2026, 2, 28), date(2026, 3, 31), DayCount.THIRTY_360)
    33
    >>> day_count(date(2026, 2, 28), date(2026, 3, 31), DayCount.THIRTY_E_360)
    32
    >>> day_count(date(2026, 3, 30), date(2026, 3, 31), DayCount.THIRTY_360)
    0
    """
    if convention is DayCount.THIRTY_360:
        return _thirty_360(start, end, european=False)
    if convention is DayCount.THIRTY_E_360:
        return _thirty_360(start, end, european=True)
    return (end - start).days


def _days_in_year(year: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 366 if leap else 365


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def year_fraction(start: date, end: date, convention: DayCount) -> Fraction:
    """The exact year fraction from ``start`` to ``end``.

    >>> year_fraction(date(2026, 1, 1), date(2026, 3, 15), DayCount.ACT_365_FIXED)  # 73 days
    Fraction(1, 5)
    """
    if end < start:
        return -year_fraction(end, start, convention)
    if convention is DayCount.ACT_365_FIXED:
        return Fraction((end - start).days, 365)
    if convention is DayCount.ACT_ACT_ISDA:
        total = Fraction(0)
        cursor = start
        while cursor.year < end.year:
            next_year = date(cursor.year + 1, 1, 1)
            total += Fraction((next_year - cursor).days, _days_in_year(cursor.year))
            cursor = next_year
        return total + Fraction((end - cursor).days, _days_in_year(end.year))
    return Fraction(day_count(start, end, convention), 360)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month.

    >>> add_months(date(2024, 1, 31), 1), add_months(date(2024, 2, 29), 12)
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))

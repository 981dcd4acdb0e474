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
* ``THIRTY_360_US`` ("30/360 US", the SIA rule as OpenGamma's "30U/360" with the end-of-month
  rule): in this order, (1) ``D1`` and ``D2`` both the last day of February -> ``D2 = 30``;
  (2) ``D1`` the last day of February -> ``D1 = 30``; (3) ``D2 = 31`` and ``D1`` 30 or 31 ->
  ``D2 = 30``; (4) ``D1 = 31 -> 30``.  (Without rules 1-2 it is the bond basis above.)
* ``THIRTY_E_360_ISDA`` (4.16(h), "30E/360 (ISDA)"): ``D1`` the last day of its month ->
  ``D1 = 30``; ``D2`` the last day of its month -> ``D2 = 30``, *except* the last day of
  February when ``D2`` is the termination date (pass ``termination=``; without it no ``D2``
  is the termination date).
* Actual/Actual (ICMA) (4.16(c), ICMA Rule 251) needs the regular coupon schedule, so it is
  not a :class:`DayCount` member: :func:`icma_year_fraction`.

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
from typing import Final

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = ["DayCount", "add_months", "day_count", "icma_year_fraction", "year_fraction"]


class DayCount(enum.Enum):
    """A day-count convention (see the module docstring for the exact rules)."""

    ACT_365_FIXED = "ACT/365F"
    ACT_ACT_ISDA = "ACT/ACT ISDA"
    THIRTY_360 = "30/360"
    THIRTY_E_360 = "30E/360"
    THIRTY_360_US = "30/360 US"
    THIRTY_E_360_ISDA = "30E/360 ISDA"


def _thirty_360(start: date, end: date, european: bool) -> int:
    d1 = min(start.day, 30)
    d2 = end.day
    if d2 == 31 and (european or d1 == 30):
        d2 = 30
    return _days_360(start, end, d1, d2)


def _days_360(start: date, end: date, d1: int, d2: int) -> int:
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def _last_of_february(day: date) -> bool:
    return day.month == 2 and day.day == _days_in_month(day.year, 2)


def _thirty_360_us(start: date, end: date) -> int:
    d1, d2 = start.day, end.day
    if _last_of_february(start) and _last_of_february(end):
        d2 = 30
    if _last_of_february(start):
        d1 = 30
    if d2 == 31 and d1 >= 30:
        d2 = 30
    d1 = min(d1, 30)
    return _days_360(start, end, d1, d2)


def _thirty_e_360_isda(start: date, end: date, termination: date | None) -> int:
    d1 = 30 if start.day == _days_in_month(start.year, start.month) else start.day
    d2 = end.day
    if d2 == _days_in_month(end.year, end.month) and not (end.month == 2 and end == termination):
        d2 = 30
    return _days_360(start, end, d1, d2)


def day_count(start: date, end: date, convention: DayCount, *,
              termination: date | None = None) -> int:
    """Days from ``start`` to ``end`` under ``convention`` (actual days for the ACT ones).

    ``termination`` is used by ``THIRTY_E_360_ISDA`` only (see the module docstring).

    >>> day_count(date(2026, 2, 28), date(2026, 3, 31), DayCount.THIRTY_360)
    33
    >>> day_count(date(2026, 2, 28), date(2026, 3, 31), DayCount.THIRTY_E_360)
    32
    >>> day_count(date(2026, 3, 30), date(2026, 3, 31), DayCount.THIRTY_360)
    0
    >>> # ISDA's 2008 examples: Feb 28 2007 -> Aug 31 2007 is 180 days under 30/360 US (both
    >>> # ends become 30); Aug 31 2011 -> Feb 29 2012 is 179 under 30E/360 ISDA when Feb 29
    >>> # 2012 is the termination date (D2 stays 29), 180 otherwise
    >>> day_count(date(2007, 2, 28), date(2007, 8, 31), DayCount.THIRTY_360_US)
    180
    >>> end = date(2012, 2, 29)
    >>> (day_count(date(2011, 8, 31), end, DayCount.THIRTY_E_360_ISDA, termination=end),
    ...  day_count(date(2011, 8, 31), end, DayCount.THIRTY_E_360_ISDA))
    (179, 180)
    """
    if convention is DayCount.THIRTY_360:
        return _thirty_360(start, end, european=False)
    if convention is DayCount.THIRTY_E_360:
        return _thirty_360(start, end, european=True)
    if convention is DayCount.THIRTY_360_US:
        return _thirty_360_us(start, end)
    if convention is DayCount.THIRTY_E_360_ISDA:
        return _thirty_e_360_isda(start, end, termination)
    return (end - start).days


def _days_in_year(year: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 366 if leap else 365


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def year_fraction(start: date, end: date, convention: DayCount, *,
                  termination: date | None = None) -> Fraction:
    """The exact year fraction from ``start`` to ``end``.

    ``termination`` is used by ``THIRTY_E_360_ISDA`` only (see the module docstring).

    >>> year_fraction(date(2026, 1, 1), date(2026, 3, 15), DayCount.ACT_365_FIXED)  # 73 days
    Fraction(1, 5)
    >>> year_fraction(date(2008, 2, 29), date(2009, 2, 28), DayCount.THIRTY_360_US)  # 360 days
    Fraction(1, 1)
    """
    if end < start:
        return -year_fraction(end, start, convention, termination=termination)
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
    return Fraction(day_count(start, end, convention, termination=termination), 360)


_FREQUENCIES = (1, 2, 3, 4, 6, 12)


def icma_year_fraction(start: date, end: date, *, period_start: date, period_end: date,
                       frequency: int) -> Result[Fraction, DomainError]:
    """Actual/Actual (ICMA) year fraction of ``start..end`` (ICMA Rule 251, ISDA 4.16(c)).

    ``period_start..period_end`` is the regular coupon period (actual or notional) of a bond
    paying ``frequency`` coupons a year (1, 2, 3, 4, 6 or 12).  Within one regular period the
    fraction is ``days / (frequency * days in the period)``.  Irregular (stub) periods are
    split on notional coupon dates ``frequency`` apart, as QuantLib's ``ActualActual::ISMA``
    does with a reference period:

    * ``start`` before ``period_start`` (a long first coupon): the part before
      ``period_start`` is measured in the notional period that ends there;
    * ``end`` after ``period_end`` (a long last coupon): each whole notional period after
      ``period_end`` counts ``1 / frequency``, and the rest is measured in the notional period
      it falls in.

    Worked examples (QuantLib's test suite, after ISDA's Actual/Actual paper, EMU 1998):

    >>> # regular semiannual: Nov 1 2003 -> May 1 2004 is one whole period
    >>> icma_year_fraction(date(2003, 11, 1), date(2004, 5, 1), period_start=date(2003, 11, 1),
    ...                    period_end=date(2004, 5, 1), frequency=2).unwrap()
    Fraction(1, 2)
    >>> # long first coupon Aug 15 2002 -> Jul 15 2003 with regular period Jan 15 -> Jul 15 2003:
    >>> # 153/184 of the notional period Jul 15 2002 -> Jan 15 2003, plus one period: 0.91576...
    >>> icma_year_fraction(date(2002, 8, 15), date(2003, 7, 15), period_start=date(2003, 1, 15),
    ...                    period_end=date(2003, 7, 15), frequency=2).unwrap()
    Fraction(337, 368)
    >>> icma_year_fraction(date(2003, 1, 1), date(2003, 2, 1), period_start=date(2003, 1, 1),
    ...                    period_end=date(2003, 7, 1), frequency=5).failure().code
    'revenue.daycount.frequency'

    Every date lies in the years 2 to 9998 (``revenue.daycount.date_range``): a notional
    period a year before or after must still be a date.
    """
    problems: list[DomainError] = []
    if not all(_ICMA_FIRST <= day <= _ICMA_LAST for day in (start, end, period_start,
                                                             period_end)):
        return Failure(DomainError.invalid(
            "revenue.daycount.date_range", "ICMA dates must lie in the years 2 to 9998",
            start=start, end=end, period_start=period_start, period_end=period_end))
    if isinstance(frequency, bool) or frequency not in _FREQUENCIES:
        problems.append(DomainError.invalid(
            "revenue.daycount.frequency", "frequency must be 1, 2, 3, 4, 6 or 12 a year",
            frequency=frequency))
    if period_end <= period_start:
        problems.append(DomainError.invalid(
            "revenue.daycount.period", "the regular period must end after it starts",
            period_start=period_start, period_end=period_end))
    elif end > period_end and start < period_start:
        problems.append(DomainError.invalid(
            "revenue.daycount.period", "an accrual cannot start before and end after the "
            "regular period", start=start, end=end))
    if problems:
        return Failure(problems[0] if len(problems) == 1
                       else DomainError.all_of("revenue.daycount.invalid", problems))
    if end < start:
        return icma_year_fraction(end, start, period_start=period_start, period_end=period_end,
                                  frequency=frequency).map(lambda f: -f)
    return Success(_icma(start, end, period_start, period_end, 12 // frequency))


_ICMA_FIRST: Final = date(2, 1, 1)
_ICMA_LAST: Final = date(9998, 12, 31)


def _icma(start: date, end: date, ref_start: date, ref_end: date, months: int) -> Fraction:
    period = Fraction(months, 12)
    if end <= ref_end:
        if start >= ref_start:
            return period * Fraction((end - start).days, (ref_end - ref_start).days)
        previous = add_months(ref_start, -months)
        if end > ref_start:
            return (_icma(start, ref_start, previous, ref_start, months)
                    + _icma(ref_start, end, ref_start, ref_end, months))
        return _icma(start, end, previous, ref_start, months)
    total = _icma(start, ref_end, ref_start, ref_end, months)
    index = 0
    while True:
        notional_start = add_months(ref_end, months * index)
        notional_end = add_months(ref_end, months * (index + 1))
        if end < notional_end:
            return total + _icma(notional_start, end, notional_start, notional_end, months)
        total += period
        index += 1


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month.

    >>> add_months(date(2024, 1, 31), 1), add_months(date(2024, 2, 29), 12)
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))

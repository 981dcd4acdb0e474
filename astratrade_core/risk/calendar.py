"""Dated series: checking the dates, inferring periods per year, the monthly returns table.

Dates are ``datetime.date`` values, or ``datetime.datetime`` values that are either all naive
or all timezone-aware; they must strictly increase.  The core never reads a clock: the dates
come from the caller's file.

**Periods per year** (:func:`infer_periods_per_year`), from the *median* gap between
consecutive dates (the lower median: an observed gap):

=================  =====================  ===================================================
median gap         frequency              periods per year
=================  =====================  ===================================================
>= 300 days        yearly                 1
>= 150 days        semiannual             2
>= 80 days         quarterly              4
>= 25 days         monthly                12
>= 12 days         biweekly               26
>= 5 days          weekly                 52
>= 20 hours        daily                  365 if any date falls on a Saturday or Sunday
                                          (markets that never close), else 252
less               intraday               the observed rate: ``round((n - 1) / years)``
                                          with ``years = span / 365 days``
=================  =====================  ===================================================

These are the annualization factors of empyrical (252, 52, 12, 4, 1) and of 24/7 crypto
markets (365); an explicit ``periods_per_year`` always overrides the inference.

**Monthly returns** (:func:`monthly_returns`, quantstats' ``monthly_returns`` with ``eoy``):
the returns dated within a calendar month are compounded, ``prod(1 + r) - 1``, and so are
those of a year (the ``total`` column, quantstats' "EOY").  A month without returns is
``Nothing`` (quantstats shows 0).

>>> from datetime import date
>>> infer_periods_per_year([date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)]).unwrap()
PeriodInference(periods_per_year=252, frequency='daily')
>>> table = monthly_returns([date(2026, 1, 30), date(2026, 2, 2), date(2026, 2, 27)],
...                         ["0.1", "0.1", "-0.5"], places=4).unwrap()
>>> [(row.year, [m.value_or(None) for m in row.months[:3]], row.total) for row in table]
[(2026, [Decimal('0.1000'), Decimal('-0.4500'), None], Decimal('-0.3950'))]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, ONE, DecimalInput, Rounding
from astratrade_core.risk.series import DEFAULT_PLACES, Inputs, rounded

__all__ = [
    "MonthlyRow",
    "PeriodInference",
    "check_dates",
    "infer_periods_per_year",
    "instants_of",
    "monthly_returns",
]

_DAY: Final = 86_400
_YEAR: Final = 365 * _DAY
# (minimum median gap in seconds, frequency, periods per year); daily and intraday below
_BANDS: Final = (
    (300 * _DAY, "yearly", 1),
    (150 * _DAY, "semiannual", 2),
    (80 * _DAY, "quarterly", 4),
    (25 * _DAY, "monthly", 12),
    (12 * _DAY, "biweekly", 26),
    (5 * _DAY, "weekly", 52),
)
_DAILY: Final = 20 * 3600


@attrs.frozen
class PeriodInference:
    """How often a dated series was observed: its periods per year and their name."""

    periods_per_year: int
    frequency: str


@attrs.frozen
class MonthlyRow:
    """One year of compounded monthly returns (January first) and the year's total."""

    year: int
    months: tuple[Maybe[Decimal], ...]
    total: Decimal


def _instant(day: date) -> datetime:
    """A sortable instant: plain dates at midnight, aware datetimes in UTC."""
    if isinstance(day, datetime):
        if day.utcoffset() is None:
            return day
        return day.astimezone(UTC).replace(tzinfo=None)
    return datetime(day.year, day.month, day.day)


def check_dates(dates: Sequence[date], count: int) -> Result[tuple[datetime, ...], DomainError]:
    """Validate ``count`` strictly increasing dates of one kind; their sortable instants.

    >>> check_dates([date(2026, 1, 2), date(2026, 1, 1)], 2).failure().code
    'risk.metrics.dates'
    """
    if len(dates) != count:
        return Failure(DomainError.invalid(
            "risk.metrics.dates", "there must be one date per value",
            dates=len(dates), values=count))
    return instants_of(dates).bind(lambda instants: _increasing(dates, instants))


def instants_of(dates: Sequence[date]) -> Result[tuple[datetime, ...], DomainError]:
    """Sortable instants of dates of one kind (plain dates at midnight, aware ones in UTC).

    >>> instants_of([date(2026, 1, 1), datetime(2026, 1, 1, 12)]).failure().code
    'risk.metrics.dates'
    """
    kinds = {(isinstance(d, datetime), isinstance(d, datetime) and d.utcoffset() is not None)
             for d in dates}
    if not all(isinstance(d, date) for d in dates) or len(kinds) > 1:
        return Failure(DomainError.invalid(
            "risk.metrics.dates", "dates must be all dates, all naive datetimes or all "
            "timezone-aware datetimes"))
    return Success(tuple(_instant(d) for d in dates))


def _increasing(dates: Sequence[date],
                instants: tuple[datetime, ...]) -> Result[tuple[datetime, ...], DomainError]:
    for index in range(1, len(instants)):
        if instants[index] <= instants[index - 1]:
            return Failure(DomainError.invalid(
                "risk.metrics.dates", "dates must strictly increase", index=index,
                date=dates[index].isoformat()))
    return Success(instants)


def infer_periods_per_year(dates: Sequence[date]) -> Result[PeriodInference, DomainError]:
    """Periods per year from the spacing of at least two dates (see the module table).

    >>> from datetime import date
    >>> days = [date(2026, 1, 1) + timedelta(days=i) for i in range(10)]   # with a weekend
    >>> infer_periods_per_year(days).unwrap().periods_per_year
    365
    >>> infer_periods_per_year([date(2026, m, 1) for m in (1, 2, 3)]).unwrap()
    PeriodInference(periods_per_year=12, frequency='monthly')
    >>> infer_periods_per_year([date(2026, 1, 1)]).failure().code
    'risk.metrics.too_short'
    """
    if len(dates) < 2:
        return Failure(DomainError.invalid(
            "risk.metrics.too_short", "inferring periods per year needs at least two dates",
            length=len(dates)))
    return check_dates(dates, len(dates)).map(lambda instants: _infer(dates, instants))


def _infer(dates: Sequence[date], instants: tuple[datetime, ...]) -> PeriodInference:
    gaps = sorted(_seconds(b - a) for a, b in pairwise(instants))
    median = gaps[(len(gaps) - 1) // 2]
    for floor, name, periods in _BANDS:
        if median >= floor:
            return PeriodInference(periods, name)
    if median >= _DAILY:
        weekend = any(d.weekday() >= 5 for d in dates)
        return PeriodInference(365 if weekend else 252, "daily")
    span = _seconds(instants[-1] - instants[0])
    rate = (len(instants) - 1) * _YEAR
    return PeriodInference(max(1, (2 * rate + span) // (2 * span)), "intraday")


def _seconds(delta: timedelta) -> int:
    return delta.days * _DAY + delta.seconds


def monthly_returns(dates: Sequence[date], returns: Iterable[DecimalInput], *,
                    places: int = DEFAULT_PLACES,
                    rounding: Rounding = Rounding.HALF_EVEN,
                    ) -> Result[tuple[MonthlyRow, ...], DomainError]:
    """The compounded return of every calendar month and year (one date per return).

    >>> monthly_returns([date(2026, 1, 1)], ["0.1", "0.2"]).failure().code
    'risk.metrics.dates'
    """
    check = Inputs()
    values = check.returns(returns, compounding=True)
    digits = check.places(places)
    if not check.problems:
        match check_dates(dates, len(values)):
            case Failure(problem):
                check.problems.append(problem)
            case Success(_):
                pass
    return check.then(lambda: Success(monthly_rows(dates, values, digits, rounding)))


def monthly_rows(dates: Sequence[date], values: Sequence[Decimal], places: int,
                 rounding: Rounding) -> tuple[MonthlyRow, ...]:
    """The table of :func:`monthly_returns` for validated, matching dates and returns."""
    mul, add, sub = CONTEXT.multiply, CONTEXT.add, CONTEXT.subtract
    months: dict[tuple[int, int], Decimal] = {}
    years: dict[int, Decimal] = {}
    for day, value in zip(dates, values, strict=True):
        growth = add(ONE, value)
        key = (day.year, day.month)
        months[key] = mul(months.get(key, ONE), growth)
        years[day.year] = mul(years.get(day.year, ONE), growth)

    def cell(year: int, month: int) -> Maybe[Decimal]:
        grown = months.get((year, month))
        return Nothing if grown is None else Some(rounded(sub(grown, ONE), places, rounding))

    return tuple(MonthlyRow(year, tuple(cell(year, m) for m in range(1, 13)),
                            rounded(sub(years[year], ONE), places, rounding))
                 for year in sorted(years))

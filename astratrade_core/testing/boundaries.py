"""Boundary strategies: values that sit on a rule's edges, drawn on purpose.

A rule with a limit (``quantity >= 1``, ``bps <= 10_000``, "expires at local midnight",
"round half up") is usually tested in the middle of its range, where ``<`` and ``<=`` agree.
These strategies draw the values where they disagree:

* :func:`around` and :func:`around_ints`: a limit itself, one step below and one step above
  (the step is the smallest unit that matters: ``10**-places`` or ``1``);
* :func:`edges`: :func:`around` for several limits at once, mixed with ordinary values;
* :func:`half_ties`: numbers exactly halfway between two representable values at ``places``
  decimal places (where ``HALF_UP``, ``HALF_DOWN`` and ``HALF_EVEN`` differ), and their
  neighbours one digit beyond;
* :func:`utc_midnights`, :func:`local_midnights` and :func:`dst_edges`: instants at UTC
  midnight, at a zone's local midnight, at a zone's daylight-saving changes, each with the
  instants one second before and after;
* :func:`leap_days`: 28 February, 29 February and 1 March of leap and common years (and the
  century rules: 1900 and 2100 are common, 2000 is leap).

>>> from hypothesis import given
>>> @given(around(Decimal("1"), places=2))
... def check(x): assert x in (Decimal("0.99"), Decimal("1.00"), Decimal("1.01"))
>>> check()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from astratrade_core.numeric import CONTEXT

__all__ = [
    "around",
    "around_ints",
    "dst_edges",
    "edges",
    "half_ties",
    "leap_days",
    "local_midnights",
    "utc_midnights",
]

_SECOND = timedelta(seconds=1)


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places, CONTEXT)


def around(limit: Decimal | int, places: int = 8, *,
           below: bool = True, above: bool = True) -> st.SearchStrategy[Decimal]:
    """``limit`` (quantized to ``places``), one unit of the last place below it and one above."""
    step = _step(places)
    at = CONTEXT.quantize(Decimal(limit), step)
    values = [at]
    if below:
        values.insert(0, CONTEXT.subtract(at, step))
    if above:
        values.append(CONTEXT.add(at, step))
    return st.sampled_from(values)


def around_ints(limit: int, *, below: bool = True, above: bool = True) -> st.SearchStrategy[int]:
    """``limit - 1``, ``limit`` and ``limit + 1``."""
    return st.sampled_from([v for v, keep in ((limit - 1, below), (limit, True),
                                              (limit + 1, above)) if keep])


def edges(limits: Sequence[Decimal | int], places: int = 8,
          ordinary: st.SearchStrategy[Decimal] | None = None) -> st.SearchStrategy[Decimal]:
    """Values at and next to each of ``limits``, with ``ordinary`` values mixed in (a quarter
    of the time) so a property still sees the middle of the range."""
    near = st.one_of(*(around(limit, places) for limit in limits))
    if ordinary is None:
        return near
    return st.one_of(near, near, near, ordinary)


def half_ties(places: int = 2, max_units: int = 10**6,
              signed: bool = True) -> st.SearchStrategy[Decimal]:
    """Exact halves at ``places``: ``n + 0.5`` units of ``10**-places`` (for ``places=2``:
    ``0.005``, ``1.235``, ``-2.345``), even and odd ``n`` alike, and half the time the value one
    digit beyond the half on either side (``0.0049``, ``0.0051``).

    >>> from hypothesis import given
    >>> @given(half_ties(places=2, signed=False))
    ... def check(x): assert len(x.as_tuple().digits) >= 1 and x >= 0
    >>> check()
    """
    half = Decimal(5).scaleb(-(places + 1), CONTEXT)
    nudge = Decimal(1).scaleb(-(places + 2), CONTEXT)
    low = -max_units if signed else 0

    def build(units: int, offset: int) -> Decimal:
        base = Decimal(units).scaleb(-places, CONTEXT)
        tie = CONTEXT.add(base, half) if units >= 0 else CONTEXT.subtract(base, half)
        if offset == 0:
            return tie
        return CONTEXT.add(tie, CONTEXT.multiply(nudge, Decimal(offset)))

    return st.builds(build, st.integers(low, max_units),
                     st.sampled_from((0, 0, -1, 1)))


def _days(start: date, span_days: int) -> st.SearchStrategy[date]:
    return st.integers(0, span_days).map(lambda n: start + timedelta(days=n))


def _nudged(instants: st.SearchStrategy[datetime]) -> st.SearchStrategy[datetime]:
    return st.tuples(instants, st.sampled_from((-1, 0, 0, 1))).map(
        lambda pair: pair[0] + pair[1] * _SECOND)


def utc_midnights(start: date = date(2016, 1, 1),
                  span_days: int = 4000) -> st.SearchStrategy[datetime]:
    """Aware UTC instants at a UTC midnight, or one second either side of it."""
    return _nudged(_days(start, span_days).map(
        lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC)))


def local_midnights(zone: str, start: date = date(2016, 1, 1),
                    span_days: int = 4000) -> st.SearchStrategy[datetime]:
    """Aware UTC instants at a local midnight of ``zone`` (the first instant of the local
    day, also on days whose midnight a DST change skips), or one second either side."""
    tz = ZoneInfo(zone)

    def first_instant(day: date) -> datetime:
        # A midnight that a DST change skips (America/Santiago) reads with the offset before
        # the change (fold=0), which converts to the change itself: the day's first instant.
        return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)

    return _nudged(_days(start, span_days).map(first_instant))


def _transitions(zone: str, first_year: int, last_year: int) -> list[datetime]:
    """The UTC instants in ``[first_year, last_year]`` where ``zone``'s offset changes (found
    by bisection between hourly samples)."""
    tz = ZoneInfo(zone)
    found: list[datetime] = []
    instant = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    while instant < end:
        later = instant + step
        if instant.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset():
            low, high = instant, later
            while high - low > _SECOND:
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high)
        instant = later
    return found


def dst_edges(zone: str = "Europe/London", first_year: int = 2020,
              last_year: int = 2026) -> st.SearchStrategy[datetime]:
    """Aware UTC instants at ``zone``'s offset changes between the two years (the first
    instant of the new offset), or one second either side.  A zone without changes (UTC)
    yields its local midnights instead, so the strategy is never empty."""
    changes = _transitions(zone, first_year, last_year)
    if not changes:
        return local_midnights(zone, date(first_year, 1, 1), 365 * (last_year - first_year))
    return _nudged(st.sampled_from(changes))


def leap_days() -> st.SearchStrategy[date]:
    """28 February, 29 February (leap years only) and 1 March of leap and common years,
    including the century years 1900 (common), 2000 (leap) and 2100 (common)."""
    years = st.sampled_from((1900, 1999, 2000, 2023, 2024, 2025, 2028, 2100))

    def days(year: int) -> list[date]:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        out = [date(year, 2, 28), date(year, 3, 1)]
        if leap:
            out.insert(1, date(year, 2, 29))
        return out

    return years.flatmap(lambda y: st.sampled_from(days(y)))

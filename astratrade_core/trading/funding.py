"""Scheduled funding of perpetual contracts: when it is charged, at what rate, and who pays.

Binance USDⓈ-M ("Introduction to Binance Futures Funding Rates"): funding is exchanged between
longs and shorts at fixed times -- every 8 hours at 00:00, 08:00 and 16:00 UTC for most
contracts, every 4 or 1 hours for some -- and only positions open at a funding time pay or
receive it.  ``funding amount = nominal value of the position x funding rate``, the nominal
value being ``mark price x size``; with a positive rate longs pay shorts, with a negative rate
shorts pay longs.  Each symbol's rate is held between a cap and a floor (Binance publishes the
adjusted ones in ``GET /fapi/v1/fundingInfo``).

* :class:`FundingSchedule` -- the interval (funding times are its multiples counted from
  00:00 UTC) and the rate's cap and floor; :meth:`FundingSchedule.times` lists the funding
  times in a period, :meth:`FundingSchedule.clamp` holds a rate between floor and cap.
* :class:`FundingHistory` -- rates over time (from a CSV file or the venue's funding-rate
  history, parsed exactly from strings); :meth:`FundingHistory.rate_at` is the rate in force
  at a time: the latest one published at or before it.
* :func:`funding_payments` -- what each position pays (positive) or receives (negative):
  :func:`~astratrade_core.trading.fills.funding_payment` ``= quantity x mark x rate``, exact.
  On a balanced book (the quantities sum to zero) the payments sum to exactly zero: funding
  only moves money between longs and shorts (a Hypothesis law).

>>> from datetime import UTC, datetime
>>> from decimal import Decimal as D
>>> schedule = FundingSchedule.of(hours=8, cap="0.003", floor="-0.003").unwrap()
>>> [t.hour for t in schedule.times(datetime(2026, 1, 1, 7, tzinfo=UTC),
...                                  datetime(2026, 1, 2, 0, tzinfo=UTC))]
[8, 16, 0]
>>> schedule.clamp(D("0.0075")), funding_payments([D("2"), D("-2")], D("30000"),
...                                               D("0.0001"))
(Decimal('0.003'), (Decimal('6.0000'), Decimal('-6.0000')))
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Final

import attrs
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect, collect_all
from astratrade_core.numeric import DecimalInput, parse_decimal
from astratrade_core.trading.fills import funding_payment

__all__ = ["FundingHistory", "FundingSchedule", "funding_payments"]

_DAY: Final = timedelta(days=1)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen
class FundingSchedule:
    """Funding every ``interval`` (a whole number of seconds dividing a day, counted from
    00:00 UTC), with the rate held in ``[floor, cap]``."""

    interval: timedelta
    cap: Decimal
    floor: Decimal

    @classmethod
    def of(cls, *, hours: int, cap: DecimalInput, floor: DecimalInput,
           ) -> Result[FundingSchedule, DomainError]:
        """Validate a schedule: ``hours`` in 1..24 dividing 24, ``floor <= cap``.

        >>> FundingSchedule.of(hours=5, cap="0.01", floor="0").failure().codes()
        ('funding.interval',)
        >>> FundingSchedule.of(hours=8, cap="0.01", floor="0.02").failure().codes()
        ('funding.cap_below_floor',)
        """
        interval: Result[timedelta, DomainError] = (
            Success(timedelta(hours=hours))
            if isinstance(hours, int) and not isinstance(hours, bool) and 1 <= hours <= 24
            and 24 % hours == 0
            else Failure(DomainError.invalid("funding.interval",
                                             "hours must divide 24 (1, 2, 3, 4, 6, 8, 12, 24)",
                                             hours=hours)))
        return collect("funding.invalid", interval, parse_decimal(cap, "cap"),
                       parse_decimal(floor, "floor")).bind(_ordered)

    def clamp(self, rate: Decimal) -> Decimal:
        """``rate`` held in ``[floor, cap]``.

        >>> s = FundingSchedule(timedelta(hours=8), Decimal("0.01"), Decimal("-0.01"))
        >>> s.clamp(Decimal("-0.02")), s.clamp(Decimal("0.0001"))
        (Decimal('-0.01'), Decimal('0.0001'))
        """
        return min(self.cap, max(self.floor, rate))

    def times(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """The funding times ``t`` with ``after < t <= until`` (aware datetimes), in UTC.

        >>> s = FundingSchedule(timedelta(hours=8), Decimal(0), Decimal(0))
        >>> midnight = datetime(2026, 1, 1, tzinfo=UTC)
        >>> list(s.times(midnight, midnight))            # an empty period
        []
        >>> [t.hour for t in s.times(midnight - timedelta(microseconds=1), midnight)]
        [0]
        """
        step = self.interval
        elapsed = (after.astimezone(UTC) - _EPOCH) // step
        moment = _EPOCH + (elapsed + 1) * step
        while moment <= until:
            yield moment
            moment += step


def _ordered(values: tuple[timedelta, Decimal, Decimal],
             ) -> Result[FundingSchedule, DomainError]:
    interval, cap, floor = values
    if floor > cap:
        return Failure(DomainError.all_of("funding.invalid", [DomainError.invalid(
            "funding.cap_below_floor", f"cap {cap} is below floor {floor}")]))
    return Success(FundingSchedule(interval, cap, floor))


@attrs.frozen
class FundingHistory:
    """Published funding rates: ``times`` (sorted, unique, aware UTC) and their ``rates``."""

    times: tuple[datetime, ...] = ()
    rates: tuple[Decimal, ...] = ()

    @classmethod
    def of(cls, rows: Iterable[tuple[datetime, DecimalInput]],
           ) -> Result[FundingHistory, DomainError]:
        """Parse ``(time, rate)`` rows in any order; every malformed row is reported
        (``funding.history``), and two rates for one time are a conflict.

        >>> t = datetime(2026, 1, 1, tzinfo=UTC)
        >>> h = FundingHistory.of([(t + timedelta(hours=8), "-0.0002"), (t, "0.00010000")])
        >>> h.unwrap().rates
        (Decimal('0.00010000'), Decimal('-0.0002'))
        >>> FundingHistory.of([(t, "x"), (datetime(2026, 1, 1), "0")]).failure().codes()
        ('numeric.syntax', 'funding.naive_time')
        >>> FundingHistory.of([(datetime.max.replace(tzinfo=UTC), "0")]).failure().codes()
        ('funding.time_range',)
        """
        checks: list[Result[datetime | Decimal, DomainError]] = []
        for index, (moment, rate) in enumerate(rows):
            checks += [_moment(index, moment), parse_decimal(rate, f"rows[{index}].rate")]
        return collect_all("funding.history", checks).bind(
            lambda flat: _sorted(list(zip(flat[::2], flat[1::2], strict=True))))

    def rate_at(self, moment: datetime) -> Maybe[Decimal]:
        """The rate in force at ``moment``: the latest published at or before it.

        >>> t = datetime(2026, 1, 1, tzinfo=UTC)
        >>> h = FundingHistory((t,), (Decimal("0.0001"),))
        >>> h.rate_at(t + timedelta(hours=8)), h.rate_at(t - timedelta(seconds=1))
        (<Some: 0.0001>, <Nothing>)
        """
        index = bisect_right(self.times, moment.astimezone(UTC))
        return Some(self.rates[index - 1]) if index else Nothing


#: The first and last publication times a history accepts (years 2 to 9998: a time at the
#: calendar's very ends has no UTC instant).
_EARLIEST: Final = datetime(2, 1, 1, tzinfo=UTC)
_LATEST: Final = datetime(9998, 12, 31, tzinfo=UTC)


def _moment(index: int, moment: datetime) -> Result[datetime | Decimal, DomainError]:
    if isinstance(moment, datetime) and moment.utcoffset() is not None:
        if _EARLIEST <= moment <= _LATEST:
            return Success(moment.astimezone(UTC))
        return Failure(DomainError.invalid("funding.time_range",
                                           f"rows[{index}]: the time must lie in the years "
                                           "2 to 9998", row=index))
    return Failure(DomainError.invalid("funding.naive_time",
                                       f"rows[{index}]: the time must be timezone-aware",
                                       row=index))


def _sorted(rows: list[tuple[datetime | Decimal, datetime | Decimal]],
            ) -> Result[FundingHistory, DomainError]:
    pairs = [(t, r) for t, r in rows if isinstance(t, datetime) and isinstance(r, Decimal)]
    ordered = sorted(pairs, key=lambda r: r[0])
    for before, after in pairwise(ordered):
        if before[0] == after[0] and before[1] != after[1]:
            return Failure(DomainError.conflict(
                "funding.duplicate_time", f"two rates published for {after[0].isoformat()}",
                time=after[0].isoformat()))
    unique = dict(ordered)
    return Success(FundingHistory(tuple(unique), tuple(unique.values())))


def funding_payments(quantities: Iterable[Decimal], mark_price: Decimal,
                     rate: Decimal) -> tuple[Decimal, ...]:
    """What each signed position pays (positive) or receives (negative) at one funding time:
    ``quantity x mark x rate``, exact.  Worked from Binance's formula: a 1 BTC long and a
    1 BTC short at a mark of 10,000 USDT and a rate of 0.01 % pay and receive 1 USDT.

    >>> funding_payments([Decimal("1"), Decimal("-1")], Decimal("10000"), Decimal("0.0001"))
    (Decimal('1.0000'), Decimal('-1.0000'))
    """
    return tuple(funding_payment(q, mark_price, rate) for q in quantities)

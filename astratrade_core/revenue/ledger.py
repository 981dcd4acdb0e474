"""The revenue ledger: a projection of revenue events into totals by stream, period, currency.

Revenue is booked on a cash basis, on the UTC date of the event's ``occurred_at``.  What each
event books (:func:`revenue_entry`; every other event books nothing):

=====================  ===============  =========================================
event                  stream           amount
=====================  ===============  =========================================
TradingFeeCollected    trading_fees     ``fee`` (a maker rebate is negative)
SubscriptionCharged    subscriptions    ``amount``
SubscriptionChanged    subscriptions    ``proration`` (a credit is negative)
SubscriptionCancelled  subscriptions    ``-refund``
MarketplaceSale        marketplace      ``platform_fee + fixed_fee`` (the royalty is the
                                        creator's and the proceeds the seller's)
NFTMinted              marketplace      ``platform_fee``
PremiumPurchased       premium          ``amount``
=====================  ===============  =========================================

``RewardClaimed`` is a payout, not revenue, and books nothing.  ``RevenueBooked`` -- the
platform ledger's record of an amount another stream earned -- books nothing here either: a
projection over every stream books the source event itself.  :func:`platform_entry` is what
the platform ledger's own stream books (its ``TradingFeeCollected`` and ``RevenueBooked``
events); see :mod:`astratrade_core.revenue.platform_ledger`.

**Reconciliation law** (property-tested): for every currency, the ledger's total equals the
sum of the booked amounts of the events it was built from, and equals the sum of its totals by
stream and by period; projecting two halves of an event list and merging the ledgers gives
the ledger of the whole list, in any order.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.events.revenue import TradingFeeCollected
>>> fee = TradingFeeCollected(event_id="f1", stream_id="acct-1",
...     occurred_at=datetime(2026, 11, 24, 9, tzinfo=UTC), account_id="a", liquidity="taker",
...     currency="USD", notional=Decimal("1000"), fee=Decimal("0.20"))
>>> ledger = project_ledger([fee, fee], Period.MONTH)
>>> ledger.total("USD"), dict(ledger.by_period("USD"))
(Decimal('0.40'), {'2026-11': Decimal('0.40')})
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import UTC, date
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    RevenueBooked,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
    TradingFeeCollected,
)
from astratrade_core.numeric import CONTEXT, ZERO

__all__ = [
    "LedgerKey",
    "Period",
    "RevenueEntry",
    "RevenueLedger",
    "RevenueStream",
    "platform_entry",
    "project_ledger",
    "revenue_entry",
]


K = TypeVar("K")


class RevenueStream(enum.Enum):
    """The platform's four revenue streams."""

    TRADING_FEES = "trading_fees"
    SUBSCRIPTIONS = "subscriptions"
    MARKETPLACE = "marketplace"
    PREMIUM = "premium"


class Period(enum.Enum):
    """How finely the ledger buckets dates."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def key(self, day: date) -> str:
        """The bucket a date falls in.

        >>> [p.key(date(2026, 11, 24)) for p in Period]
        ['2026-11-24', '2026-11', '2026-Q4', '2026']
        """
        if self is Period.DAY:
            return day.isoformat()
        if self is Period.MONTH:
            return f"{day.year:04d}-{day.month:02d}"
        if self is Period.QUARTER:
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        return f"{day.year:04d}"


@attrs.frozen
class RevenueEntry:
    """What one event books: stream, currency code, signed amount and UTC date."""

    stream: RevenueStream
    currency: str
    amount: Decimal
    on: date


_Booked = tuple[RevenueStream, str, Decimal]
_BOOKERS: dict[type[Event], Callable[[Any], _Booked]] = {
    TradingFeeCollected: lambda e: (RevenueStream.TRADING_FEES, e.currency, e.fee),
    SubscriptionCharged: lambda e: (RevenueStream.SUBSCRIPTIONS, e.currency, e.amount),
    SubscriptionChanged: lambda e: (RevenueStream.SUBSCRIPTIONS, e.currency, e.proration),
    SubscriptionCancelled: lambda e: (RevenueStream.SUBSCRIPTIONS, e.currency,
                                      CONTEXT.minus(e.refund)),
    MarketplaceSale: lambda e: (RevenueStream.MARKETPLACE, e.currency,
                                CONTEXT.add(e.platform_fee, e.fixed_fee)),
    NFTMinted: lambda e: (RevenueStream.MARKETPLACE, e.currency, e.platform_fee),
    PremiumPurchased: lambda e: (RevenueStream.PREMIUM, e.currency, e.amount),
}


def _utc_date(event: Event) -> date:
    at = event.occurred_at
    return (at if at.tzinfo is UTC else at.astimezone(UTC)).date()


def revenue_entry(event: Event) -> Maybe[RevenueEntry]:
    """The revenue an event books, or ``Nothing`` for events that are not revenue.

    >>> from datetime import datetime
    >>> from astratrade_core.events.revenue import PremiumPurchased, RewardClaimed
    >>> at = datetime(2026, 5, 1, tzinfo=UTC)
    >>> entry = revenue_entry(PremiumPurchased(event_id="p", stream_id="a", occurred_at=at,
    ...     account_id="a", feature="signals", currency="USD", amount=Decimal("4.99"))).unwrap()
    >>> entry.stream.value, entry.amount, entry.on
    ('premium', Decimal('4.99'), datetime.date(2026, 5, 1))
    >>> revenue_entry(RewardClaimed(event_id="r", stream_id="p", occurred_at=at, pool_id="p",
    ...     account_id="a", currency="USD", amount=Decimal("1")))
    <Nothing>
    """
    booker = _BOOKERS.get(type(event))
    if booker is None:
        return Nothing
    stream, currency, amount = booker(event)
    return Some(RevenueEntry(stream, currency, amount, _utc_date(event)))


_STREAMS = {stream.value: stream for stream in RevenueStream}


def platform_entry(event: Event) -> Maybe[RevenueEntry]:
    """What an event of the platform ledger's stream books: a ``TradingFeeCollected`` as
    :func:`revenue_entry` books it, a ``RevenueBooked`` its amount in its stream; ``Nothing``
    for anything else.

    >>> from datetime import datetime
    >>> from astratrade_core.events.revenue import RevenueBooked
    >>> booked = RevenueBooked(event_id="b", stream_id="platform-fees",
    ...     occurred_at=datetime(2026, 5, 1, 23, tzinfo=UTC), source_event_id="s-1:1",
    ...     revenue_stream="subscriptions", account_id="ann", currency="USD",
    ...     amount=Decimal("9.95"))
    >>> platform_entry(booked).map(lambda e: (e.stream.value, e.amount))
    <Some: ('subscriptions', Decimal('9.95'))>
    >>> revenue_entry(booked)
    <Nothing>
    """
    if isinstance(event, TradingFeeCollected):
        return revenue_entry(event)
    if isinstance(event, RevenueBooked):
        stream = _STREAMS.get(event.revenue_stream)
        if stream is not None:
            return Some(RevenueEntry(stream, event.currency, event.amount, _utc_date(event)))
    return Nothing


@attrs.frozen
class LedgerKey:
    """One ledger cell: stream, period bucket and currency code."""

    stream: RevenueStream
    period: str
    currency: str


def _empty_totals() -> PMap[LedgerKey, Decimal]:
    return pmap()


@attrs.frozen
class RevenueLedger:
    """Revenue totals by stream, period and currency at one granularity."""

    granularity: Period
    totals: PMap[LedgerKey, Decimal] = attrs.field(factory=_empty_totals)
    entries: int = 0

    def record(self, event: Event) -> RevenueLedger:
        """The ledger with one more event folded in (non-revenue events change nothing)."""
        return project_ledger([event], self.granularity, self)

    def booked(self, entries: Iterable[RevenueEntry]) -> RevenueLedger:
        """The ledger with ``entries`` added (each counts as one entry).

        >>> entry = RevenueEntry(RevenueStream.PREMIUM, "USD", Decimal("4.99"),
        ...                      date(2026, 5, 1))
        >>> RevenueLedger(Period.MONTH).booked([entry, entry]).by_period("USD")
        pmap({'2026-05': Decimal('9.98')})
        """
        deltas: dict[_Cell, Decimal] = {}
        count = 0
        for entry in entries:
            key = (entry.stream, self.granularity.key(entry.on), entry.currency)
            deltas[key] = CONTEXT.add(deltas.get(key, ZERO), entry.amount)
            count += 1
        return _applied(self.granularity, self, deltas, count)

    def merge(self, other: RevenueLedger) -> Result[RevenueLedger, DomainError]:
        """Add another ledger of the same granularity cell by cell.

        >>> RevenueLedger(Period.DAY).merge(RevenueLedger(Period.YEAR)).failure().code
        'revenue.ledger_granularity'
        """
        if other.granularity is not self.granularity:
            return Failure(DomainError.invalid("revenue.ledger_granularity",
                                          "cannot merge ledgers of different granularity",
                                          left=self.granularity.value,
                                          right=other.granularity.value))
        cells = dict(self.totals)
        for key, amount in other.totals.items():
            cells[key] = CONTEXT.add(cells.get(key, ZERO), amount)
        return Success(RevenueLedger(self.granularity, pmap(cells),
                                     self.entries + other.entries))

    def total(self, currency: str) -> Decimal:
        """Everything booked in ``currency``."""
        amount = ZERO
        for key, value in self.totals.items():
            if key.currency == currency:
                amount = CONTEXT.add(amount, value)
        return amount

    def by_stream(self, currency: str) -> PMap[RevenueStream, Decimal]:
        """Totals per stream in ``currency``."""
        return self._group(currency, lambda k: k.stream)

    def by_period(self, currency: str) -> PMap[str, Decimal]:
        """Totals per period bucket in ``currency``."""
        return self._group(currency, lambda k: k.period)

    def _group(self, currency: str, pick: Callable[[LedgerKey], K]) -> PMap[K, Decimal]:
        groups: dict[K, Decimal] = {}
        for key, value in self.totals.items():
            if key.currency == currency:
                group = pick(key)
                groups[group] = CONTEXT.add(groups.get(group, ZERO), value)
        return pmap(groups)


def project_ledger(events: Iterable[Event], granularity: Period,
                   start: RevenueLedger | None = None) -> RevenueLedger:
    """Fold events into a ledger (from ``start``, or empty).

    The hot loop sums each cell's change in a local dict keyed by plain tuples (no value
    object per event) and applies the changes to the persistent map once.

    >>> project_ledger([], Period.DAY).entries
    0
    """
    deltas: dict[_Cell, Decimal] = {}
    periods: dict[date, str] = {}
    entries = 0
    add, get, book = CONTEXT.add, deltas.get, _BOOKERS.get
    for event in events:
        booker = book(type(event))
        if booker is None:
            continue
        stream, currency, amount = booker(event)
        day = _utc_date(event)
        period = periods.get(day)
        if period is None:
            period = periods[day] = granularity.key(day)
        key = (stream, period, currency)
        deltas[key] = add(get(key, ZERO), amount)
        entries += 1
    return _applied(granularity, start, deltas, entries)


_Cell = tuple[RevenueStream, str, str]


def _applied(granularity: Period, start: RevenueLedger | None, deltas: dict[_Cell, Decimal],
             entries: int) -> RevenueLedger:
    """``start`` (or an empty ledger) with each cell's change added, through one evolver:
    folding a few events into a large ledger touches only their cells."""
    totals = start.totals if start is not None else _empty_totals()
    count = entries + (start.entries if start is not None else 0)
    if not deltas:
        return RevenueLedger(granularity, totals, count)
    cells, add = totals.evolver(), CONTEXT.add
    for parts, amount in deltas.items():
        cell = LedgerKey(*parts)
        cells[cell] = add(totals.get(cell, ZERO), amount)
    return RevenueLedger(granularity, cells.persistent(), count)

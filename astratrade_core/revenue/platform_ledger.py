"""The platform revenue ledger aggregate: the platform's books, one stream
(``platform-fees``).

Trading fees have no other home, so the ledger records them itself (``TradingFeeCollected``,
from the fill the policy :func:`~astratrade_core.policies.trading_fee_revenue` saw).
Subscription charges and marketplace fees are earned by events of their own streams; the
ledger books a ``RevenueBooked`` entry citing each (policy
:func:`~astratrade_core.policies.platform_revenue`).  Its state is a
:class:`~astratrade_core.revenue.ledger.RevenueLedger` by month, so it answers totals by
revenue stream, month and currency.

====================  =====================================================================
command               events (or failure)
====================  =====================================================================
``RecordTradingFee``  ``TradingFeeCollected`` (a negative fee is a maker rebate)
``BookRevenue``       ``RevenueBooked`` (a negative amount is a credit or refund); trading
                      fees are refused (``revenue.book_stream``): they are recorded with
                      ``RecordTradingFee``
====================  =====================================================================

Malformed values (a naive ``issued_at``, a blank account or source id, a currency code that
is not 2-10 upper-case letters or digits, a non-finite or out-of-bounds amount, a negative
notional) fail with ``revenue.invalid_command`` listing every problem.  A retried command
changes nothing (its id is the source event's, see the policies), and nothing else is
refused: revenue that happened is recorded.

**Reconciliation law** (property-tested): for any revenue events, the ledger after the
policies recorded them equals :func:`~astratrade_core.revenue.ledger.project_ledger` of the
events themselves.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.aggregate import Stream, handle
>>> fee = RecordTradingFee(command_id="fee:t-1:0", issued_at=datetime(2026, 3, 2, tzinfo=UTC),
...                        account_id="ann", liquidity=Liquidity.TAKER, currency="USD",
...                        notional=Decimal("15000"), fee=Decimal("7.50"))
>>> stream, (event,) = handle(PLATFORM_LEDGER, Stream.empty(PLATFORM_LEDGER), fee).unwrap()
>>> event.event_type, event.stream_id, stream.state.by_stream("USD")[RevenueStream.TRADING_FEES]
('TradingFeeCollected', 'platform-fees', Decimal('7.50'))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Final

import attrs
from returns.maybe import Some
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect, collect_all
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import RevenueBooked, TradingFeeCollected
from astratrade_core.money import Currency
from astratrade_core.numeric import parse_decimal, parse_non_negative
from astratrade_core.revenue.commands import RevenueCommand, aware, bundled, name
from astratrade_core.revenue.fees import Liquidity
from astratrade_core.revenue.ledger import (
    Period,
    RevenueEntry,
    RevenueLedger,
    RevenueStream,
    platform_entry,
)

__all__ = [
    "PLATFORM_LEDGER",
    "PLATFORM_LEDGER_EVENTS",
    "PLATFORM_LEDGER_STREAM",
    "BookRevenue",
    "LedgerCommand",
    "RecordTradingFee",
    "decide_ledger",
    "evolve_ledger",
]

#: The one stream of the platform ledger.
PLATFORM_LEDGER_STREAM: Final = "platform-fees"


@attrs.frozen(kw_only=True)
class RecordTradingFee(RevenueCommand):
    """Record the trading fee ``fee`` (negative = rebate) charged to ``account_id`` on a fill
    of ``notional`` (``>= 0``) in ``currency``, as maker or taker."""

    account_id: str
    liquidity: Liquidity
    currency: str
    notional: Decimal
    fee: Decimal


@attrs.frozen(kw_only=True)
class BookRevenue(RevenueCommand):
    """Book ``amount`` (negative = a credit or refund) of ``stream`` that the event
    ``source_event_id`` earned from ``account_id``."""

    source_event_id: str
    stream: RevenueStream
    account_id: str
    currency: str
    amount: Decimal


#: Every command the platform ledger decides.
LedgerCommand = RecordTradingFee | BookRevenue


def _currency(code: str) -> Result[str, DomainError]:
    return Currency.of(code, 0).map(lambda _: code)


def _checked(c: LedgerCommand, *checks: Result[object, DomainError]) -> Result[None,
                                                                              DomainError]:
    return collect("revenue.invalid_command", aware(c), name(c.account_id, "account_id"),
                   _currency(c.currency), collect_all("revenue.fields", checks),
                   ).alt(lambda error: bundled("revenue.invalid_command", error)).map(
        lambda _: None)


def decide_ledger(state: RevenueLedger, command: LedgerCommand) -> Decision:
    """The entry ``command`` records (see the module docstring); ``state`` refuses nothing.

    >>> from datetime import UTC, datetime
    >>> late = BookRevenue(command_id="x", issued_at=datetime(2026, 1, 1), source_event_id="",
    ...                    stream=RevenueStream.TRADING_FEES, account_id="a", currency="usd",
    ...                    amount=Decimal("1"))
    >>> decide_ledger(PLATFORM_LEDGER.initial, late).failure().codes()
    ('revenue.naive_time', 'money.currency_code', 'revenue.empty_name', 'revenue.book_stream')
    """
    envelope = command.envelope(PLATFORM_LEDGER_STREAM, 0)
    if isinstance(command, RecordTradingFee):
        return _checked(command, parse_non_negative(command.notional, "notional"),
                        parse_decimal(command.fee, "fee")).map(lambda _: (TradingFeeCollected(
            **envelope, account_id=command.account_id, liquidity=command.liquidity.value,
            currency=command.currency, notional=command.notional, fee=command.fee),))
    stream: Result[RevenueStream, DomainError] = (
        Failure(DomainError.invalid("revenue.book_stream",
                                    "trading fees are recorded with RecordTradingFee"))
        if command.stream is RevenueStream.TRADING_FEES else Success(command.stream))
    return _checked(command, name(command.source_event_id, "source_event_id"), stream,
                    parse_decimal(command.amount, "amount")).map(lambda _: (RevenueBooked(
        **envelope, source_event_id=command.source_event_id,
        revenue_stream=command.stream.value, account_id=command.account_id,
        currency=command.currency, amount=command.amount),))


def _entries(events: Iterable[Event]) -> Iterator[RevenueEntry]:
    for event in events:
        match platform_entry(event):
            case Some(entry):
                yield entry


def evolve_ledger(state: RevenueLedger, events: Iterable[Event]) -> RevenueLedger:
    """Book the ledger stream's events (:func:`~astratrade_core.revenue.ledger.platform_entry`)
    into ``state``, thawed once and frozen once."""
    return state.booked(_entries(events))


#: The events the platform ledger records.
PLATFORM_LEDGER_EVENTS: Final[tuple[type[Event], ...]] = (TradingFeeCollected, RevenueBooked)

#: The platform revenue ledger as an :class:`~astratrade_core.aggregate.Aggregate`: one
#: stream, :data:`PLATFORM_LEDGER_STREAM`; its state is a monthly
#: :class:`~astratrade_core.revenue.ledger.RevenueLedger`.
PLATFORM_LEDGER: Final[Aggregate[RevenueLedger, LedgerCommand]] = Aggregate(
    "platform-ledger", RevenueLedger(Period.MONTH), decide_ledger, evolve_ledger,
    PLATFORM_LEDGER_EVENTS)

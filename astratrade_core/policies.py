"""Pure cross-domain policies: an event in, the commands it causes elsewhere out.

A :data:`Policy` is a function of one stored event alone.  It answers the
:class:`Dispatch` values -- a command addressed to a stream of an aggregate (by the
aggregate's name) -- that the event causes; the shell runs each through
``Application.execute``.  Every command a policy makes takes its id from the event it reacted
to, so running a policy twice (a worker restarting, a retry) stores nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from returns.maybe import Some

from astratrade_core.aggregate import Command
from astratrade_core.events.envelope import Event
from astratrade_core.events.revenue import (
    MarketplaceSale,
    NFTMinted,
    PremiumPurchased,
    SubscriptionCancelled,
    SubscriptionChanged,
    SubscriptionCharged,
)
from astratrade_core.events.trading import PositionLiquidated, TradeExecuted
from astratrade_core.numeric import CONTEXT
from astratrade_core.revenue.fees import Liquidity
from astratrade_core.revenue.ledger import RevenueStream, revenue_entry
from astratrade_core.revenue.platform_ledger import (
    PLATFORM_LEDGER,
    PLATFORM_LEDGER_STREAM,
    BookRevenue,
    RecordTradingFee,
)

__all__ = ["REVENUE_POLICIES", "Dispatch", "Policy", "platform_revenue", "trading_fee_revenue"]


@attrs.frozen
class Dispatch:
    """``command`` for the stream ``stream_id`` of the aggregate named ``aggregate``."""

    aggregate: str
    stream_id: str
    command: Command


#: An event in, the commands it causes out (usually none).
Policy = Callable[[Event], tuple[Dispatch, ...]]


# --- revenue: the platform ledger records what the platform earns --------------------------

def _liquidity(value: str) -> Liquidity:
    return Liquidity.MAKER if value == "maker" else Liquidity.TAKER


def trading_fee_revenue(event: Event) -> tuple[Dispatch, ...]:
    """A fill's trading fee, recorded in the platform ledger.

    ``TradeExecuted`` records its fee with its liquidity (``"maker"`` or ``"taker"``); a
    ``PositionLiquidated`` records its liquidation fee as a taker fee.  The notional is
    ``|quantity| * price``, the currency the quote currency, the account the event's stream.
    A zero fee is no revenue and dispatches nothing; a maker rebate (a negative fee) is
    recorded.  The command id is ``f"fee:{event.event_id}"``.

    >>> from datetime import UTC, datetime
    >>> from decimal import Decimal
    >>> fill = TradeExecuted(event_id="c-7:0", stream_id="ann",
    ...     occurred_at=datetime(2026, 1, 2, tzinfo=UTC), symbol="BTCUSD", quote_currency="USD",
    ...     quantity=Decimal("-0.5"), price=Decimal("30000"), fee=Decimal("7.5"),
    ...     liquidity="taker", realized_pnl=Decimal("0"))
    >>> (dispatch,) = trading_fee_revenue(fill)
    >>> dispatch.aggregate, dispatch.stream_id, dispatch.command.command_id
    ('platform-ledger', 'platform-fees', 'fee:c-7:0')
    >>> dispatch.command.notional, dispatch.command.fee, dispatch.command.liquidity.value
    (Decimal('15000.0'), Decimal('7.5'), 'taker')
    """
    match event:
        case TradeExecuted(liquidity=liquidity) if event.fee != 0:
            kind = _liquidity(liquidity)
        case PositionLiquidated() if event.fee != 0:
            kind = Liquidity.TAKER
        case _:
            return ()
    notional = CONTEXT.multiply(CONTEXT.abs(event.quantity), event.price)
    return (Dispatch(PLATFORM_LEDGER.name, PLATFORM_LEDGER_STREAM, RecordTradingFee(
        command_id=f"fee:{event.event_id}", issued_at=event.occurred_at,
        account_id=event.stream_id, liquidity=kind, currency=event.quote_currency,
        notional=notional, fee=event.fee)),)


def _account(event: Event) -> str:
    """Who paid: the subscriber, the buyer or minter, the premium account."""
    match event:
        case SubscriptionCharged() | SubscriptionChanged() | SubscriptionCancelled():
            return event.subscriber_id
        case MarketplaceSale():
            return event.buyer_id
        case NFTMinted():
            return event.owner_id
        case PremiumPurchased():
            return event.account_id
    return event.stream_id


def platform_revenue(event: Event) -> tuple[Dispatch, ...]:
    """Revenue earned in another stream -- a subscription charge, proration or refund, a
    mint's or a sale's platform fees, a premium purchase -- booked in the platform ledger.

    The amount and stream are what :func:`~astratrade_core.revenue.ledger.revenue_entry`
    books for the event (a zero proration too, so the ledger counts what a projection of
    every stream counts); trading fees, which the ledger records itself, dispatch nothing.
    The command id is ``f"book:{event.event_id}"``.

    >>> from datetime import UTC, date, datetime
    >>> from decimal import Decimal
    >>> charge = SubscriptionCharged(event_id="s-1:1", stream_id="subscription-ann",
    ...     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), subscriber_id="ann",
    ...     plan_id="navigator", currency="USD", amount=Decimal("9.95"),
    ...     period_start=date(2026, 1, 1), period_end=date(2026, 2, 1))
    >>> (dispatch,) = platform_revenue(charge)
    >>> c = dispatch.command
    >>> c.command_id, c.source_event_id, c.stream.value, c.account_id, c.amount
    ('book:s-1:1', 's-1:1', 'subscriptions', 'ann', Decimal('9.95'))
    """
    match revenue_entry(event):
        case Some(entry) if entry.stream is not RevenueStream.TRADING_FEES:
            return (Dispatch(PLATFORM_LEDGER.name, PLATFORM_LEDGER_STREAM, BookRevenue(
                command_id=f"book:{event.event_id}", issued_at=event.occurred_at,
                source_event_id=event.event_id, stream=entry.stream,
                account_id=_account(event), currency=entry.currency, amount=entry.amount)),)
    return ()


#: The revenue policies, for the shell to run on every stored event.
REVENUE_POLICIES: tuple[Policy, ...] = (trading_fee_revenue, platform_revenue)

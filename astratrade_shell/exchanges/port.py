"""The exchange and market-data ports, and the order values they speak.

Quantities on orders are unsigned with a :class:`Side`; the :class:`Execution` a venue reports
carries the core's :class:`~astratrade_core.trading.Fill` with a *signed* quantity (buy > 0),
so the portfolio can fold it directly.

What every :class:`Exchange` adapter promises (one abstract conformance suite,
``tests/shell/exchanges/conformance.py``, which the paper exchange and the ccxt adapter
against the loopback Binance emulator both pass):

* a market order fills at once (``FILLED``); its executions sum to the order's signed
  quantity, each names the order and pays a fee ``>= 0`` as taker;
* ``client_order_id`` makes submission idempotent: the same id again returns the first report
  (or, while the order rests, its state) and trades nothing;
* a limit order away from the market rests (``OPEN``, no executions) until the market reaches
  it; :meth:`Exchange.on_prices` then reports the fill exactly once, as maker at the limit;
* a resting order cancels once (``CANCELLED``); cancelling anything else is refused with
  ``exchange.not_open`` (kind rejected); an unknown symbol is ``exchange.unknown_symbol``
  (kind not found).  Refusals are ``DomainError`` values, never exceptions.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

import attrs
from returns.result import Result

from astratrade_core.errors import DomainError
from astratrade_core.trading import Fill

__all__ = [
    "Exchange",
    "Execution",
    "MarketData",
    "OrderKind",
    "OrderReport",
    "OrderRequest",
    "OrderStatus",
    "Side",
]


class Side(enum.Enum):
    """Order direction."""

    BUY = "buy"
    SELL = "sell"


class OrderKind(enum.Enum):
    """Market orders take liquidity now; limit orders rest until the price reaches them."""

    MARKET = "market"
    LIMIT = "limit"


class OrderStatus(enum.Enum):
    """Where an order stands."""

    FILLED = "filled"
    OPEN = "open"
    CANCELLED = "cancelled"


@attrs.frozen(kw_only=True)
class OrderRequest:
    """An order as the trader sends it; ``limit_price`` is required for a limit order."""

    client_order_id: str
    account_id: str
    symbol: str
    side: Side
    quantity: Decimal
    kind: OrderKind = OrderKind.MARKET
    limit_price: Decimal | None = None


@attrs.frozen
class Execution:
    """One fill of an order, as the core models it (signed quantity, fee, liquidity).
    ``venue_trade_id`` is the venue's id of the trade, when it has one (real venues)."""

    client_order_id: str
    account_id: str
    symbol: str
    fill: Fill
    venue_trade_id: str | None = None


@attrs.frozen
class OrderReport:
    """The state of an order after a venue call, with any executions it produced."""

    request: OrderRequest
    status: OrderStatus
    executions: tuple[Execution, ...] = ()


class MarketData(Protocol):
    """A source of prices, one step at a time."""

    def symbols(self) -> tuple[str, ...]:
        """The symbols this source prices."""
        ...

    def advance(self) -> Mapping[str, Decimal]:
        """Move to the next step and return every symbol's price there."""
        ...


class Exchange(Protocol):
    """A venue: submit and cancel orders; prices move the book."""

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order (idempotent per ``client_order_id``)."""
        ...

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a resting order."""
        ...

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Tell the venue the new prices; returns the resting orders they filled."""
        ...

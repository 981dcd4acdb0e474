"""The exchange and market-data ports, and the order values they speak.

The order values are the core's (:mod:`astratrade_core.trading.orders`: :class:`OrderRequest`,
:class:`Side`, :class:`OrderKind`, :class:`TimeInForce`, :class:`Trailing`,
:class:`PositionSide`, :class:`OrderStatus`; :mod:`astratrade_core.trading.brackets`:
:class:`OrderGroup`), re-exported here.  Quantities on orders are unsigned with a
:class:`Side`; the :class:`Execution` a venue reports carries the core's
:class:`~astratrade_core.trading.Fill` with a *signed* quantity (buy > 0), so the portfolio can
fold it directly.

What every :class:`Exchange` adapter promises (one abstract conformance suite,
``tests/shell/exchanges/conformance.py``, which the paper exchange and the ccxt adapter
against the loopback Binance emulator both pass):

* a market order fills at once (``FILLED``); its executions sum to the order's signed
  quantity, each names the order and pays a fee ``>= 0`` as taker;
* ``client_order_id`` makes submission idempotent: the same id again returns the order's
  current report (every execution so far) and trades nothing;
* a limit order away from the market rests (``OPEN``, no executions) until the market reaches
  it; :meth:`Exchange.on_prices` then reports the fill exactly once, as maker at the limit;
  reports from ``on_prices`` and ``cancel`` carry only executions not reported before;
* stop, take-profit and trailing-stop orders wait (``OPEN``) until the market triggers them,
  then fill; one whose trigger already holds is refused (``order.would_trigger``);
* ``IOC`` and ``FOK`` orders never rest (``EXPIRED`` with what they filled, ``FOK`` all or
  nothing); a crossing post-only order is refused (``order.post_only_would_cross``); a
  reduce-only order with nothing to reduce is refused (``order.reduce_only``);
* an OCO group (:meth:`Exchange.submit_group`) never lets both legs execute; a bracket places
  its exits when its entry completes;
* hedge mode (:meth:`Exchange.set_position_mode`) cannot be switched with a position open
  (``exchange.positions_open``); an order's position side must match the mode
  (``order.position_side``);
* a resting order cancels once (``CANCELLED``); cancelling anything else is refused with
  ``exchange.not_open`` (kind rejected); an unknown symbol is ``exchange.unknown_symbol``
  (kind not found).  Refusals are ``DomainError`` values, never exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import attrs
from returns.result import Result

from astratrade_core.errors import DomainError
from astratrade_core.portfolio import ApplyFunding
from astratrade_core.trading import (
    Fill,
    OrderGroup,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    Trailing,
)

__all__ = [
    "Exchange",
    "Execution",
    "FundingSettlement",
    "MarketData",
    "OrderGroup",
    "OrderKind",
    "OrderReport",
    "OrderRequest",
    "OrderStatus",
    "PositionMode",
    "PositionSide",
    "Side",
    "TimeInForce",
    "Trailing",
    "funding_commands",
]


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
    """The state of an order after a venue call, with the executions it reports."""

    request: OrderRequest
    status: OrderStatus
    executions: tuple[Execution, ...] = ()


@attrs.frozen
class FundingSettlement:
    """Funding one leg paid (``payment`` > 0) or received (< 0) at ``funding_time``:
    ``quantity`` (signed) x ``mark_price`` x ``rate``."""

    account_id: str
    symbol: str
    position_side: PositionSide
    funding_time: datetime
    rate: Decimal
    mark_price: Decimal
    quantity: Decimal
    payment: Decimal


def funding_commands(settlements: Iterable[FundingSettlement]) -> tuple[ApplyFunding, ...]:
    """The portfolio commands that book settlements: one
    :class:`~astratrade_core.portfolio.ApplyFunding` per account, symbol and funding time
    (the portfolio charges every open leg of the symbol itself), with the command id
    ``"funding:<account>:<symbol>:<time>"``, so booking one funding twice is a no-op.

    >>> from datetime import UTC
    >>> at = datetime(2026, 1, 1, 8, tzinfo=UTC)
    >>> legs = [FundingSettlement("a", "BTC", side, at, Decimal("0.0001"), Decimal("100"),
    ...                           q, q * Decimal("0.01"))
    ...         for side, q in ((PositionSide.LONG, Decimal(1)), (PositionSide.SHORT, Decimal(-1)))]
    >>> [c.command_id for c in funding_commands(legs)]
    ['funding:a:BTC:2026-01-01T08:00:00+00:00']
    """
    seen: dict[tuple[str, str, datetime], ApplyFunding] = {}
    for s in settlements:
        key = (s.account_id, s.symbol, s.funding_time)
        if key not in seen:
            seen[key] = ApplyFunding(
                command_id=f"funding:{s.account_id}:{s.symbol}:{s.funding_time.isoformat()}",
                account_id=s.account_id, issued_at=s.funding_time, symbol=s.symbol,
                rate=s.rate, mark_price=s.mark_price)
    return tuple(seen.values())


class MarketData(Protocol):
    """A source of prices, one step at a time."""

    def symbols(self) -> tuple[str, ...]:
        """The symbols this source prices."""
        ...

    def advance(self) -> Mapping[str, Decimal]:
        """Move to the next step and return every symbol's price there."""
        ...


class Exchange(Protocol):
    """A venue: submit and cancel orders and order groups; prices move the book."""

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order (idempotent per ``client_order_id``)."""
        ...

    def submit_group(self, group: OrderGroup,
                     ) -> Result[tuple[OrderReport, ...], DomainError]:
        """Place an OCO pair or a bracket (idempotent per ``group_id``): one report per
        member, in the group's order."""
        ...

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a working order (and, by its group's rules, its siblings)."""
        ...

    def set_position_mode(self, account_id: str, mode: PositionMode,
                          ) -> Result[PositionMode, DomainError]:
        """Switch the account between one-way and hedge mode (never with a position open)."""
        ...

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Tell the venue the new prices; returns the orders that executed or ended since
        the last reports."""
        ...

"""The one abstract conformance suite for :class:`astratrade_shell.exchanges.Exchange`.

Every venue adapter's test module subclasses :class:`ExchangeConformance` and implements
``open_exchange`` (a fresh venue where :data:`SYMBOL` trades near :data:`PRICE` with a 0.001
lot, a 0.1 tick and a minimum notional of at most 100) and ``market_trades`` (make the venue's
market fill a resting limit order in full at its limit; answer the prices to pass to
``on_prices``).  The paper exchange and the ccxt adapter (against the loopback Binance
emulator) pass the same tests.

The port's promises: a market order fills at once with executions that sum to the order's
signed quantity (buy > 0), each naming the order and paying a non-negative fee; a
``client_order_id`` submitted again returns the first report and trades nothing; a limit order
away from the market rests until the market reaches it, is reported filled exactly once
(as maker, at its limit), and can be cancelled while it rests, once; refusals are
``DomainError`` values with stable codes.
"""

from __future__ import annotations

import abc
import uuid
from collections.abc import Mapping
from decimal import Decimal

import pytest
from returns.result import Failure

from astratrade_core.errors import ErrorKind
from astratrade_core.numeric import CONTEXT
from astratrade_core.trading import Liquidity
from astratrade_shell.exchanges import (
    Exchange,
    OrderKind,
    OrderReport,
    OrderRequest,
    OrderStatus,
    Side,
)

__all__ = ["ACCOUNT", "PRICE", "SYMBOL", "ExchangeConformance"]

SYMBOL = "BTCUSDT"
PRICE = Decimal("30000")
ACCOUNT = "alice"
#: The size every market order of the suite uses (the emulator fills it in two trades).
SIZE = Decimal("0.010")
#: A buy limit this far below the market (and a sell limit this far above) rests.
AWAY = Decimal("500")


def order(side: Side, *, limit: Decimal | None = None, symbol: str = SYMBOL,
          quantity: Decimal = SIZE) -> OrderRequest:
    """An order with a fresh client order id."""
    return OrderRequest(client_order_id=f"conf-{uuid.uuid4().hex[:12]}", account_id=ACCOUNT,
                        symbol=symbol, side=side, quantity=quantity,
                        kind=OrderKind.MARKET if limit is None else OrderKind.LIMIT,
                        limit_price=limit)


def signed_total(report: OrderReport) -> Decimal:
    total = Decimal(0)
    for execution in report.executions:
        total = CONTEXT.add(total, execution.fill.quantity)
    return total


class ExchangeConformance(abc.ABC):
    """Behaviour every venue adapter must show."""

    @abc.abstractmethod
    def open_exchange(self) -> Exchange:
        """A fresh venue (see the module docstring)."""

    @abc.abstractmethod
    def market_trades(self, exchange: Exchange, resting: OrderRequest) -> Mapping[str, Decimal]:
        """Make the market fill ``resting`` in full at its limit; the prices to tell the venue
        next (``on_prices``), which then reports the fill."""

    @pytest.fixture
    def venue(self) -> Exchange:
        return self.open_exchange()

    # --- market orders --------------------------------------------------------------------

    @pytest.mark.parametrize(("side", "sign"), [(Side.BUY, 1), (Side.SELL, -1)])
    def test_a_market_order_fills_at_once_with_signed_executions(
            self, venue: Exchange, side: Side, sign: int) -> None:
        request = order(side)
        report = venue.submit(request).unwrap()
        assert report.request == request and report.status is OrderStatus.FILLED
        assert report.executions and signed_total(report) == sign * SIZE
        for execution in report.executions:
            assert (execution.client_order_id, execution.account_id, execution.symbol) == (
                request.client_order_id, ACCOUNT, SYMBOL)
            assert execution.fill.fee >= 0 and execution.fill.price > 0
            assert execution.fill.liquidity is Liquidity.TAKER
            assert (execution.fill.quantity > 0) == (side is Side.BUY)

    def test_a_client_order_id_submitted_again_returns_the_first_report(
            self, venue: Exchange) -> None:
        request = order(Side.BUY)
        first = venue.submit(request).unwrap()
        assert venue.submit(request).unwrap() == first
        assert venue.on_prices({SYMBOL: PRICE}) == ()  # nothing new traded

    # --- resting orders -------------------------------------------------------------------

    @pytest.mark.parametrize(("side", "limit"), [(Side.BUY, PRICE - AWAY),
                                                  (Side.SELL, PRICE + AWAY)])
    def test_a_limit_away_from_the_market_rests_until_the_market_fills_it_once(
            self, venue: Exchange, side: Side, limit: Decimal) -> None:
        request = order(side, limit=limit)
        resting = venue.submit(request).unwrap()
        assert (resting.status, resting.executions) == (OrderStatus.OPEN, ())
        assert venue.on_prices({SYMBOL: PRICE}) == ()
        again = venue.submit(request).unwrap()  # resubmitted while resting: not sent twice
        assert (again.status, again.executions) == (OrderStatus.OPEN, ())
        (filled,) = venue.on_prices(self.market_trades(venue, request))
        assert filled.request == request and filled.status is OrderStatus.FILLED
        assert signed_total(filled) == (SIZE if side is Side.BUY else -SIZE)
        assert all(e.fill.price == limit and e.fill.liquidity is Liquidity.MAKER
                   and e.fill.fee >= 0 for e in filled.executions)
        assert venue.on_prices({SYMBOL: limit}) == ()  # reported exactly once
        assert venue.cancel(request.client_order_id).failure().code == "exchange.not_open"

    def test_a_resting_order_cancels_once(self, venue: Exchange) -> None:
        request = order(Side.BUY, limit=PRICE - AWAY)
        venue.submit(request).unwrap()
        cancelled = venue.cancel(request.client_order_id).unwrap()
        assert (cancelled.request, cancelled.status, cancelled.executions) == (
            request, OrderStatus.CANCELLED, ())
        refused = venue.cancel(request.client_order_id)
        assert isinstance(refused, Failure)
        assert (refused.failure().code, refused.failure().kind) == (
            "exchange.not_open", ErrorKind.REJECTED)
        assert venue.on_prices({SYMBOL: PRICE - AWAY - AWAY}) == ()  # a cancelled order stays

    # --- refusals -------------------------------------------------------------------------

    def test_cancelling_an_unknown_order_is_refused(self, venue: Exchange) -> None:
        assert venue.cancel("never-placed").failure().code == "exchange.not_open"

    def test_an_unknown_symbol_is_not_found(self, venue: Exchange) -> None:
        refused = venue.submit(order(Side.BUY, symbol="NOPEUSDT"))
        assert isinstance(refused, Failure)
        assert (refused.failure().code, refused.failure().kind) == (
            "exchange.unknown_symbol", ErrorKind.NOT_FOUND)

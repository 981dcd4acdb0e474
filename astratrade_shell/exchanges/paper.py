"""The paper exchange: the default venue, filling orders against the current market price.

Rules (all amounts exact):

* **Market orders** fill at once as *taker* at the price moved against the trader by
  ``slippage`` (a fraction): a buy at ``price * (1 + slippage)`` rounded UP to the tick, a sell
  at ``price * (1 - slippage)`` rounded DOWN.
* **Limit orders** that are marketable on arrival (a buy limit at or above the price) fill as
  taker at the slipped price capped by the limit; others rest and fill as *maker* at their
  limit price when a later price reaches it (:meth:`PaperExchange.on_prices`).
* Fees come from the core's :class:`~astratrade_core.trading.FeeSchedule`, rounded to the
  quote currency's minor unit in the venue's favour.
* Orders must respect the instrument: quantity a positive multiple of the lot size and at
  least the minimum quantity, notional at least the minimum notional, limit price on the tick.
* ``client_order_id`` makes submission idempotent: a repeated id returns the first report.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> from astratrade_core.trading import FeeSchedule
>>> btc = Instrument.of("BTC", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
>>> venue = PaperExchange({"BTC": btc}, FeeSchedule(D("0.0002"), D("0.0004")),
...                       slippage=D("0.0005"), prices={"BTC": D("30000")})
>>> order = OrderRequest(client_order_id="o-1", account_id="alice", symbol="BTC",
...                      side=Side.BUY, quantity=D("0.010"))
>>> fill = venue.submit(order).unwrap().executions[0].fill
>>> fill.price, fill.fee   # 30000 * 1.0005 = 30015.0; 0.01 * 30015 * 0.0004 = 0.12006 -> 0.13
(Decimal('30015.0'), Decimal('0.13'))
>>> venue.submit(order).unwrap().executions[0].fill == fill   # same id: same report
True
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, ONE, Rounding, round_to_increment
from astratrade_core.trading import FeeSchedule, Liquidity
from astratrade_shell.exchanges.port import (
    Execution,
    OrderKind,
    OrderReport,
    OrderRequest,
    OrderStatus,
    Side,
)

__all__ = ["PaperExchange"]


class PaperExchange:
    """An in-memory venue over a set of instruments, one fee schedule and a slippage."""

    def __init__(self, instruments: Mapping[str, Instrument], fees: FeeSchedule, *,
                 slippage: Decimal = Decimal(0), prices: Mapping[str, Decimal] | None = None,
                 ) -> None:
        self._instruments = dict(instruments)
        self._fees = fees
        self._slippage = slippage
        self._prices: dict[str, Decimal] = dict(prices or {})
        self._reports: dict[str, OrderReport] = {}
        self._resting: dict[str, OrderRequest] = {}

    def price(self, symbol: str) -> Decimal | None:
        """The last price the venue saw for ``symbol``."""
        return self._prices.get(symbol)

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order; see the module docstring for the fill rules."""
        seen = self._reports.get(order.client_order_id)
        if seen is not None:
            return Success(seen)
        problem = self._check(order)
        if problem is not None:
            return Failure(problem)
        price = self._prices[order.symbol]
        if order.kind is OrderKind.MARKET or _marketable(order, price):
            fill_price = self._slipped(order, price)
            if order.limit_price is not None:
                fill_price = (min(fill_price, order.limit_price) if order.side is Side.BUY
                              else max(fill_price, order.limit_price))
            report = OrderReport(order, OrderStatus.FILLED,
                                 (self._execute(order, fill_price, Liquidity.TAKER),))
        else:
            self._resting[order.client_order_id] = order
            report = OrderReport(order, OrderStatus.OPEN)
        self._reports[order.client_order_id] = report
        return Success(report)

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a resting order (a filled or unknown one cannot be cancelled)."""
        order = self._resting.pop(client_order_id, None)
        if order is None:
            return Failure(DomainError.rejected("exchange.not_open", "no open order with that id",
                                          client_order_id=client_order_id))
        report = OrderReport(order, OrderStatus.CANCELLED)
        self._reports[client_order_id] = report
        return Success(report)

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Record new prices and fill the resting orders they reach, as maker at the limit."""
        self._prices.update(prices)
        filled: list[OrderReport] = []
        for client_order_id, order in list(self._resting.items()):
            price = self._prices.get(order.symbol)
            if price is None or order.limit_price is None or not _marketable(order, price):
                continue
            del self._resting[client_order_id]
            report = OrderReport(order, OrderStatus.FILLED,
                                 (self._execute(order, order.limit_price, Liquidity.MAKER),))
            self._reports[client_order_id] = report
            filled.append(report)
        return tuple(filled)

    def _check(self, order: OrderRequest) -> DomainError | None:
        instrument = self._instruments.get(order.symbol)
        if instrument is None or order.symbol not in self._prices:
            return DomainError.not_found("exchange.unknown_symbol", f"no market for {order.symbol}",
                                  symbol=order.symbol)
        quantity = order.quantity
        if quantity <= 0 or round_to_increment(quantity, instrument.lot_size,
                                               Rounding.DOWN) != quantity:
            return DomainError.rejected(
                "exchange.lot_size", f"quantity {quantity} is not a positive "
                                  f"multiple of {instrument.lot_size}", quantity=quantity)
        if quantity < instrument.min_quantity:
            return DomainError.rejected("exchange.min_quantity", f"quantity {quantity} is below "
                                  f"{instrument.min_quantity}", quantity=quantity)
        reference = order.limit_price or self._prices[order.symbol]
        if CONTEXT.multiply(quantity, reference) < instrument.min_notional:
            return DomainError.rejected("exchange.min_notional", f"notional is below "
                                  f"{instrument.min_notional}", quantity=quantity)
        if order.kind is OrderKind.LIMIT and (
            order.limit_price is None or order.limit_price <= 0
            or round_to_increment(order.limit_price, instrument.tick_size,
                                  Rounding.DOWN) != order.limit_price
        ):
            return DomainError.rejected("exchange.limit_price", "a limit order needs a positive "
                                  f"price on the {instrument.tick_size} tick")
        return None

    def _slipped(self, order: OrderRequest, price: Decimal) -> Decimal:
        tick = self._instruments[order.symbol].tick_size
        if order.side is Side.BUY:
            return round_to_increment(CONTEXT.multiply(price, CONTEXT.add(ONE, self._slippage)),
                                      tick, Rounding.CEILING)
        return max(tick, round_to_increment(
            CONTEXT.multiply(price, CONTEXT.subtract(ONE, self._slippage)), tick,
            Rounding.FLOOR))

    def _execute(self, order: OrderRequest, price: Decimal, liquidity: Liquidity) -> Execution:
        instrument = self._instruments[order.symbol]
        signed = order.quantity if order.side is Side.BUY else CONTEXT.minus(order.quantity)
        fill = self._fees.fill(signed, price, liquidity, instrument.quote.increment)
        return Execution(order.client_order_id, order.account_id, order.symbol, fill)


def _marketable(order: OrderRequest, price: Decimal) -> bool:
    if order.limit_price is None:
        return True
    return price <= order.limit_price if order.side is Side.BUY else price >= order.limit_price

"""Binance USDⓈ-M's order vocabulary for the ccxt adapter: how a core
:class:`~astratrade_core.trading.orders.OrderRequest` becomes ccxt's ``create_order`` arguments
(which ccxt turns into Binance's parameters), what Binance cannot express, how Binance's order
and algo-order statuses and error codes read back, and the adapter's record of each order.

=============================  ==============================================================
core order                     Binance USDⓈ-M (through ccxt 4.5)
=============================  ==============================================================
``MARKET`` / ``LIMIT``         ``POST /fapi/v1/order`` ``type`` MARKET / LIMIT
stop, take-profit, trailing    ``POST /fapi/v1/algoOrder`` (``algoType`` CONDITIONAL), ``type``
                               STOP_MARKET / STOP / TAKE_PROFIT_MARKET / TAKE_PROFIT /
                               TRAILING_STOP_MARKET, ``triggerPrice``, ``price``,
                               ``callbackRate`` (percent), ``activatePrice``
``time_in_force``              ``timeInForce`` GTC / IOC / FOK; post-only is GTX
``reduce_only``                ``reduceOnly``
``position_side`` LONG/SHORT   ``positionSide`` (hedge mode)
=============================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from astratrade_core.errors import DomainError
from astratrade_core.numeric import CONTEXT, canonical
from astratrade_core.trading import (
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionSide,
    TimeInForce,
)
from astratrade_shell.exchanges.port import Execution, OrderReport

__all__ = [
    "ALGO_STATUS",
    "BINANCE_REFUSALS",
    "NO_CHANGE",
    "ORDER_STATUS",
    "TrackedOrder",
    "ccxt_order",
    "lookup_params",
    "unsupported",
]

#: Binance order ``status`` -> ours (a partial fill stays ``OPEN`` with its executions).
ORDER_STATUS: Final[Mapping[str, OrderStatus]] = {
    "NEW": OrderStatus.OPEN,
    "PARTIALLY_FILLED": OrderStatus.OPEN,
    "FILLED": OrderStatus.FILLED,
    "CANCELED": OrderStatus.CANCELLED,
    "EXPIRED": OrderStatus.EXPIRED,
    "EXPIRED_IN_MATCH": OrderStatus.EXPIRED,
    "REJECTED": OrderStatus.EXPIRED,
}
#: An algo (conditional) order's ``algoStatus`` before it has a matching-engine order.
ALGO_STATUS: Final[Mapping[str, OrderStatus]] = {
    "NEW": OrderStatus.OPEN,
    "TRIGGERING": OrderStatus.OPEN,
    "CANCELED": OrderStatus.CANCELLED,
    "EXPIRED": OrderStatus.EXPIRED,
    "REJECTED": OrderStatus.EXPIRED,
}

#: Binance USDⓈ-M error codes with a refusal code of their own (the core's codes where the
#: core has the same rule, so the paper exchange and the venue refuse alike).
BINANCE_REFUSALS: Final[Mapping[int, str]] = {
    -2021: "order.would_trigger",            # Order would immediately trigger.
    -2022: "order.reduce_only",              # ReduceOnly Order is rejected.
    -5022: "order.post_only_would_cross",    # ... the Post Only order will be rejected.
    -4061: "order.position_side",            # Order's position side does not match ...
    -4164: "order.min_notional",             # Order's notional must be no smaller than ...
    -4014: "order.tick_size",                # Price not increased by tick size.
    -4068: "exchange.positions_open",        # Position side cannot be changed if there
    -4067: "exchange.orders_open",           #   exists position / open orders.
    -4116: "exchange.duplicate_order",       # ClientOrderId is duplicated.
}
NO_CHANGE: Final = -4059  # "No need to change position side."


@attrs.define
class TrackedOrder:
    """An order the adapter placed (or holds back, a bracket's pending exit): its status,
    the matching-engine order id (a conditional order's once triggered), its executions
    and which of them were reported."""

    request: OrderRequest
    status: OrderStatus = OrderStatus.OPEN
    group: str | None = None
    actual_id: str | None = None
    executions: list[Execution] = attrs.field(factory=list)
    trade_ids: set[str] = attrs.field(factory=set)
    reported: int = 0

    @property
    def filled(self) -> Decimal:
        total = Decimal(0)
        for execution in self.executions:
            total = CONTEXT.add(total, CONTEXT.abs(execution.fill.quantity))
        return total

    def report(self, *, everything: bool) -> OrderReport:
        """Every execution, or those not reported before; they count as reported."""
        start = 0 if everything else self.reported
        self.reported = len(self.executions)
        return OrderReport(self.request, self.status, tuple(self.executions[start:]))


def unsupported(order: OrderRequest) -> DomainError | None:
    """What Binance USDⓈ-M cannot express: a trailing stop by amount, or a callback rate
    outside [0.1 %, 10 %] (``callbackRate`` is in percent, 0.1 to 10)."""
    trailing = order.trailing
    if trailing is None:
        return None
    if not trailing.by_percent:
        return DomainError.invalid("exchange.unsupported_order", "Binance trails by percent "
                                   "only (callbackRate), not by an amount")
    percent = CONTEXT.multiply(trailing.distance, Decimal(100))
    if not Decimal("0.1") <= percent <= Decimal(10):
        return DomainError.invalid("exchange.unsupported_order", f"callbackRate {percent} is "
                                   "outside Binance's 0.1 to 10 percent")
    return None


def ccxt_order(order: OrderRequest, cid: str) -> tuple[str, str | None, dict[str, Any]]:
    """ccxt's ``create_order`` type, price and params for ``order``.  ccxt turns them into
    Binance's: ``type`` LIMIT/MARKET, or for a conditional order (sent to the Algo Service,
    ``POST /fapi/v1/algoOrder``) STOP / STOP_MARKET (``stopLossPrice`` -> ``triggerPrice``),
    TAKE_PROFIT / TAKE_PROFIT_MARKET (``takeProfitPrice``), TRAILING_STOP_MARKET
    (``trailingPercent`` -> ``callbackRate`` in percent, ``trailingTriggerPrice`` ->
    ``activatePrice``); ``timeInForce`` GTC/IOC/FOK, post-only as GTX; ``reduceOnly``;
    ``positionSide`` LONG/SHORT in hedge mode.

    >>> from astratrade_core.trading import Side, Trailing
    >>> o = OrderRequest(client_order_id="c", account_id="a", symbol="BTCUSDT", side=Side.SELL,
    ...                  quantity=Decimal("1"), kind=OrderKind.TRAILING_STOP_MARKET,
    ...                  trailing=Trailing.percent(Decimal("0.015"), Decimal("31000.0")),
    ...                  reduce_only=True)
    >>> kind, price, params = ccxt_order(o, "at-1")
    >>> kind, price, params["trailingPercent"], params["trailingTriggerPrice"]
    ('market', None, '1.5', '31000.0')
    """
    kind = order.kind
    params: dict[str, Any] = {"newClientOrderId": cid}
    if order.reduce_only:
        params["reduceOnly"] = True
    if order.position_side is not PositionSide.BOTH:
        params["positionSide"] = order.position_side.value.upper()
    if order.time_in_force is TimeInForce.GTX:
        params["postOnly"] = True
    elif order.time_in_force is not TimeInForce.GTC:
        params["timeInForce"] = order.time_in_force.value
    stop = None if order.stop_price is None else str(order.stop_price)
    if kind in (OrderKind.STOP_MARKET, OrderKind.STOP_LIMIT):
        params["stopLossPrice"] = stop
    elif kind in (OrderKind.TAKE_PROFIT_MARKET, OrderKind.TAKE_PROFIT_LIMIT):
        params["takeProfitPrice"] = stop
    elif order.trailing is not None:
        percent = CONTEXT.multiply(order.trailing.distance, Decimal(100))
        params["trailingPercent"] = str(canonical(percent))
        if order.trailing.activation_price is not None:
            params["trailingTriggerPrice"] = str(order.trailing.activation_price)
    price = None if order.limit_price is None else str(order.limit_price)
    return ("limit" if kind.has_limit else "market"), price, params


def lookup_params(order: OrderRequest, cid: str) -> dict[str, Any]:
    """The ``fetch_order`` params that find ``order`` by its client id."""
    if order.kind.is_conditional:
        return {"clientAlgoId": cid, "trigger": True}
    return {"origClientOrderId": cid}

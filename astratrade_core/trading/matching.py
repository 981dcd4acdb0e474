"""How a working order meets the market, one price at a time: triggers, time in force,
reduce-only clipping and partial fills.  Pure: the venue (the paper exchange, a shell loop)
supplies each :class:`Market` observation and applies the :class:`Step` it gets back.

:func:`step` takes a :class:`~astratrade_core.trading.orders.WorkingOrder`, the market and
the signed quantity of the leg the order trades, and answers what fills now and what the
order becomes:

1. **Trigger.** A conditional order that has not triggered updates its trailing best price
   and tests its trigger (:mod:`~astratrade_core.trading.orders` lists the conditions).  Not
   triggered: nothing happens (``OPEN``).  Triggered: it reaches the book now, at this price.
2. **Arrival** (a new order, or one that has just triggered) takes liquidity if it is
   marketable (a market kind always; a limit kind when the price is at or through its
   limit): a *taker* fill at the market's taker price for its side, capped by its limit.
   Not marketable: ``GTC``/``GTX`` rest, ``IOC``/``FOK`` expire.
3. **Resting** (a limit order already in the book) fills as *maker* at its limit price when
   the price reaches it.
4. **How much.** At most ``market.depth`` (the quantity the book offers this order at this
   price; ``None`` is unlimited) and, for a reducing order (reduce-only, or a hedge leg's
   closing side), at most the opposite position, so it never reverses the leg.  ``FOK`` fills
   everything or nothing; ``IOC`` and any order without a limit price expire what they could
   not fill; a reducing order whose position ran out expires; ``GTC``/``GTX`` limit orders
   rest with the remainder (a partial fill).

>>> from decimal import Decimal as D
>>> from astratrade_core.trading.orders import OrderKind, OrderRequest, Side, TimeInForce
>>> fok = OrderRequest(client_order_id="f", account_id="a", symbol="X", side=Side.BUY,
...                    quantity=D("2"), kind=OrderKind.LIMIT, limit_price=D("100"),
...                    time_in_force=TimeInForce.FOK)
>>> market = Market(price=D("99"), buy_price=D("99.5"), sell_price=D("98.5"), depth=D("1"))
>>> s = step(WorkingOrder(fok), market, position=D("0"))
>>> s.quantity, s.status.value          # only 1 available: all or nothing
(Decimal('0'), 'expired')
>>> s = step(WorkingOrder(fok), attrs.evolve(market, depth=None), position=D("0"))
>>> s.quantity, s.price, s.liquidity.value, s.status.value
(Decimal('2'), Decimal('99.5'), 'taker', 'filled')
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.trading.fills import Liquidity
from astratrade_core.trading.orders import (
    OrderKind,
    OrderStatus,
    Side,
    TimeInForce,
    WorkingOrder,
    is_reducing,
    marketable,
)

__all__ = ["Market", "Step", "reducible", "step", "triggered"]

_sub = CONTEXT.subtract
_abs = CONTEXT.abs


@attrs.frozen
class Market:
    """One observation of a symbol's market: the latest ``price`` (triggers and
    marketability), the prices a taker buy and a taker sell would pay (the venue's slippage
    and tick rounding already applied) and the quantity the book offers one order at this
    price (``None``: unlimited)."""

    price: Decimal
    buy_price: Decimal
    sell_price: Decimal
    depth: Decimal | None = None

    def taker_price(self, side: Side) -> Decimal:
        """What a taker on ``side`` pays or receives."""
        return self.buy_price if side is Side.BUY else self.sell_price


@attrs.frozen
class Step:
    """What one observation did to an order: ``quantity`` (unsigned) filled at ``price`` as
    ``liquidity`` (``quantity`` 0 and ``price``/``liquidity`` ``None`` when nothing filled),
    the order afterwards and its status."""

    order: WorkingOrder
    status: OrderStatus
    quantity: Decimal = ZERO
    price: Decimal | None = None
    liquidity: Liquidity | None = None


def reducible(side: Side, position: Decimal) -> Decimal:
    """How much an order on ``side`` can reduce a leg holding ``position`` (signed): the
    position's size when it lies on the other side, else nothing.

    >>> reducible(Side.SELL, Decimal("0.3")), reducible(Side.BUY, Decimal("0.3"))
    (Decimal('0.3'), Decimal('0'))
    """
    if position == 0 or (position > 0) == (side is Side.BUY):
        return ZERO
    return _abs(position)


def triggered(order: WorkingOrder, price: Decimal) -> WorkingOrder:
    """``order`` after seeing ``price``: a trailing stop's best price moves (highest for a
    sell, lowest for a buy) and any conditional order whose trigger holds becomes
    ``triggered``.  An order already triggered is returned unchanged.

    >>> from astratrade_core.trading.orders import OrderRequest, Trailing
    >>> sell = OrderRequest(client_order_id="t", account_id="a", symbol="X", side=Side.SELL,
    ...                     quantity=Decimal(1), kind=OrderKind.TRAILING_STOP_MARKET,
    ...                     trailing=Trailing.percent(Decimal("0.05")))
    >>> w = triggered(WorkingOrder(sell, triggered=False, best=Decimal("8000")), Decimal("9000"))
    >>> w.best, w.triggered        # the stop trails to 9000 * 0.95 = 8550
    (Decimal('9000'), False)
    >>> triggered(w, Decimal("8550")).triggered
    True
    """
    if order.triggered:
        return order
    request = order.request
    side, stop = request.side, request.stop_price
    if request.trailing is not None:
        best = order.best if order.best is not None else price
        best = max(best, price) if side is Side.SELL else min(best, price)
        activation = request.trailing.activation_price
        active = activation is None or (best >= activation if side is Side.SELL
                                        else best <= activation)
        trigger = request.trailing.stop_from(best, side)
        fired = active and (price <= trigger if side is Side.SELL else price >= trigger)
        return attrs.evolve(order, best=best, triggered=fired)
    if stop is None:
        return attrs.evolve(order, triggered=True)
    if request.kind in (OrderKind.STOP_MARKET, OrderKind.STOP_LIMIT):
        fired = price >= stop if side is Side.BUY else price <= stop
    else:  # take-profit
        fired = price <= stop if side is Side.BUY else price >= stop
    return attrs.evolve(order, triggered=fired) if fired else order


def _cap(order: WorkingOrder, depth: Decimal | None, position: Decimal,
         ) -> tuple[Decimal, bool]:
    """The most that can fill now, and whether the reducing cap (the position) binds."""
    most = order.remaining
    if depth is not None:
        most = min(most, depth)
    if is_reducing(order.request):
        room = reducible(order.request.side, position)
        if room < most:
            return room, True
    return most, False


def step(order: WorkingOrder, market: Market, *, position: Decimal) -> Step:
    """Apply one market observation to a working order (see the module docstring).

    ``position`` is the signed quantity of the leg the order trades, before this fill.
    """
    if not order.triggered:
        order = triggered(order, market.price)
        if not order.triggered:
            return Step(order, OrderStatus.OPEN)
    request = order.request
    if order.resting:
        if not marketable(request.side, request.limit_price, market.price):
            return Step(order, OrderStatus.OPEN)
        price = request.limit_price if request.limit_price is not None else market.price
        return _fill(order, market, position, price, Liquidity.MAKER)
    if not marketable(request.side, request.limit_price, market.price):
        if request.time_in_force in (TimeInForce.GTC, TimeInForce.GTX):
            return Step(attrs.evolve(order, resting=True), OrderStatus.OPEN)
        return Step(order, OrderStatus.EXPIRED)
    price = market.taker_price(request.side)
    if request.limit_price is not None:
        price = (min(price, request.limit_price) if request.side is Side.BUY
                 else max(price, request.limit_price))
    return _fill(order, market, position, price, Liquidity.TAKER)


def _fill(order: WorkingOrder, market: Market, position: Decimal, price: Decimal,
          liquidity: Liquidity) -> Step:
    request = order.request
    most, position_bound = _cap(order, market.depth, position)
    if request.time_in_force is TimeInForce.FOK and most < order.remaining:
        return Step(order, OrderStatus.EXPIRED)
    after = attrs.evolve(order, filled=CONTEXT.add(order.filled, most), resting=True)
    if after.remaining == 0:
        status = OrderStatus.FILLED
    elif (position_bound or request.time_in_force is TimeInForce.IOC
          or request.limit_price is None):
        status = OrderStatus.EXPIRED
    else:
        status = OrderStatus.OPEN
    if most == 0:
        return Step(after, status)
    return Step(after, status, most, price, liquidity)

"""Orders as values, and the rules that admit them: kinds, time in force, triggers,
reduce-only, post-only and position sides (Binance USDⓈ-M's vocabulary).

An :class:`OrderRequest` is what a trader sends a venue.  Quantities are unsigned with a
:class:`Side`; prices are quote per base.  :func:`validate_order` checks an order against its
:class:`~astratrade_core.instrument.Instrument` and reports **every** problem at once
(``order.invalid`` with one cause per problem); :func:`admit` then applies the rules that need
the market and the account, one refusal at a time, each with its own code:

=================================  ========================================================
code (kind)                        meaning
=================================  ========================================================
``order.empty_name`` (invalid)     an empty client order id, account or symbol
``order.type`` (invalid)           a field holds the wrong type
``order.quantity`` (invalid)       quantity not a positive number
``order.limit_price`` (invalid)    a limit kind without a positive limit price, or a price
                                   on a kind that takes none
``order.stop_price`` (invalid)     a stop or take-profit kind without a positive stop price,
                                   or a stop price on a kind that takes none
``order.trailing`` (invalid)       a trailing stop without its distance (or a distance on
                                   another kind); a percent outside ``(0, 1)``
``order.time_in_force`` (invalid)  ``GTX`` (post-only) on anything but a ``LIMIT`` order
``order.reduce_only_hedge``        ``reduce_only`` on a hedge-mode leg (Binance: "cannot be
(invalid)                          sent in Hedge Mode"; a leg's closing side reduces anyway)
``order.lot_size`` (rejected)      quantity not a multiple of the lot size
``order.min_quantity`` (rejected)  quantity below the instrument's minimum
``order.tick_size`` (rejected)     a limit, stop or activation price off the tick
``order.min_notional`` (rejected)  quantity x reference price below the minimum notional
``order.position_side`` (rejected) ``BOTH`` in hedge mode or ``LONG``/``SHORT`` in one-way
                                   mode (Binance -4061)
``order.reduce_only`` (rejected)   a reducing order with nothing to reduce (Binance -2022)
``order.post_only_would_cross``    a ``GTX`` order that would take liquidity on arrival
(rejected)                         (Binance -5022)
``order.would_trigger`` (rejected) a conditional order whose trigger already holds at the
                                   current price (Binance -2021)
=================================  ========================================================

The reference price for the minimum notional is the limit price, else the stop price, else
the current price; reducing orders are exempt (Binance -4164: "Order's notional must be no
smaller than 5 (unless you choose reduce only)").

**Triggers** (Binance USDⓈ-M, "New Order (TRADE)": *Condition orders will be triggered
when ...*), ``p`` the latest price:

* stop (``STOP_MARKET``, ``STOP_LIMIT``): a buy when ``p >= stop``, a sell when ``p <= stop``;
* take-profit (``TAKE_PROFIT_MARKET``, ``TAKE_PROFIT_LIMIT``): a buy when ``p <= stop``, a
  sell when ``p >= stop``;
* trailing stop (``TRAILING_STOP_MARKET``): a sell when the highest price since placement
  has reached the activation price and ``p <= highest * (1 - rate)`` (by percent) or
  ``p <= highest - amount`` (by amount); a buy mirrors it with the lowest price.  The
  activation price defaults to the price at placement; a sell's given activation price must
  lie above the current price and a buy's below it.

How a working order fills once it reaches the book is :mod:`astratrade_core.trading.matching`;
OCO and bracket groups are :mod:`astratrade_core.trading.brackets`.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> btc = Instrument.of("BTC", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
>>> stop = OrderRequest(client_order_id="s-1", account_id="a", symbol="BTC", side=Side.SELL,
...                     quantity=D("0.5"), kind=OrderKind.STOP_MARKET, stop_price=D("29000"))
>>> admit(stop, btc, price=D("30000"), position=D("0.5")).unwrap().triggered
False
>>> admit(stop, btc, price=D("28900"), position=D("0.5")).failure().code
'order.would_trigger'
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, check_decimal, round_to_increment

__all__ = [
    "OrderKind",
    "OrderRequest",
    "OrderStatus",
    "PositionMode",
    "PositionSide",
    "Side",
    "TimeInForce",
    "Trailing",
    "WorkingOrder",
    "admit",
    "is_reducing",
    "marketable",
    "validate_order",
]

_mul = CONTEXT.multiply
_INVALID: Final = "order.invalid"


class Side(enum.Enum):
    """Order direction."""

    BUY = "buy"
    SELL = "sell"

    def signed(self, quantity: Decimal) -> Decimal:
        """``quantity`` with this side's sign (a buy positive, a sell negative).

        >>> Side.SELL.signed(Decimal("2"))
        Decimal('-2')
        """
        return quantity if self is Side.BUY else CONTEXT.minus(quantity)

    @property
    def opposite(self) -> Side:
        """The other side."""
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderKind(enum.Enum):
    """What the order does once it reaches the book, and whether it waits for a trigger.

    Binance USDⓈ-M names: ``MARKET``, ``LIMIT``, ``STOP_MARKET``, ``STOP`` (our
    ``STOP_LIMIT``), ``TAKE_PROFIT_MARKET``, ``TAKE_PROFIT`` (our ``TAKE_PROFIT_LIMIT``),
    ``TRAILING_STOP_MARKET``.
    """

    MARKET = "market"
    LIMIT = "limit"
    STOP_MARKET = "stop_market"
    STOP_LIMIT = "stop_limit"
    TAKE_PROFIT_MARKET = "take_profit_market"
    TAKE_PROFIT_LIMIT = "take_profit_limit"
    TRAILING_STOP_MARKET = "trailing_stop_market"

    @property
    def has_limit(self) -> bool:
        """It needs a limit price (it may rest in the book)."""
        return self in _LIMIT_KINDS

    @property
    def has_stop(self) -> bool:
        """It waits for its stop price (a stop or a take-profit)."""
        return self in _STOP_KINDS or self in _TAKE_PROFIT_KINDS

    @property
    def is_conditional(self) -> bool:
        """It waits for a trigger before it reaches the book."""
        return self.has_stop or self is OrderKind.TRAILING_STOP_MARKET


_LIMIT_KINDS: Final = frozenset({OrderKind.LIMIT, OrderKind.STOP_LIMIT,
                                 OrderKind.TAKE_PROFIT_LIMIT})
_STOP_KINDS: Final = frozenset({OrderKind.STOP_MARKET, OrderKind.STOP_LIMIT})
_TAKE_PROFIT_KINDS: Final = frozenset({OrderKind.TAKE_PROFIT_MARKET,
                                       OrderKind.TAKE_PROFIT_LIMIT})


class TimeInForce(enum.Enum):
    """How long an order works once it reaches the book.

    ``GTC`` rests until filled or cancelled; ``IOC`` fills what it can at once and expires the
    rest; ``FOK`` fills entirely at once or not at all; ``GTX`` ("good till crossing", Binance's
    post-only) rests as maker and is refused if it would take liquidity.  An order without a
    limit price never rests: under ``GTC`` its unfilled remainder expires, as under ``IOC``.
    """

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTX = "GTX"


class PositionSide(enum.StrEnum):
    """The leg an order or a position belongs to (Binance ``positionSide``): ``BOTH`` in
    one-way mode, ``LONG`` or ``SHORT`` in hedge mode.  A ``str`` enum, so it keys maps as
    fast as a string and equals its value."""

    BOTH = "both"
    LONG = "long"
    SHORT = "short"


class PositionMode(enum.StrEnum):
    """One-way (one net position per symbol) or hedge (a long and a short leg per symbol)."""

    ONE_WAY = "one_way"
    HEDGE = "hedge"


class OrderStatus(enum.Enum):
    """Where an order stands.  ``OPEN`` covers resting and not yet triggered orders, with any
    executions so far; ``PENDING`` is a bracket's exit waiting for its entry to complete;
    ``EXPIRED`` is an order the venue ended by its rules (an ``IOC``/``FOK`` remainder, a
    reduce-only order with nothing left to reduce)."""

    PENDING = "pending"
    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_final(self) -> bool:
        """Filled, cancelled or expired: nothing more will happen to the order."""
        return self in (OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.EXPIRED)


@attrs.frozen
class Trailing:
    """A trailing stop's distance from the best price since placement: a fraction of it when
    ``by_percent`` (``0.01`` is 1 %; Binance's ``callbackRate`` is that times 100), else an
    amount of quote currency.  ``activation_price`` ``None`` activates at placement."""

    distance: Decimal
    by_percent: bool
    activation_price: Decimal | None = None

    @classmethod
    def percent(cls, rate: Decimal, activation_price: Decimal | None = None) -> Trailing:
        """Trail by a fraction of the best price.

        >>> Trailing.percent(Decimal("0.01")).by_percent
        True
        """
        return cls(rate, True, activation_price)

    @classmethod
    def amount(cls, distance: Decimal, activation_price: Decimal | None = None) -> Trailing:
        """Trail by a fixed amount of quote currency."""
        return cls(distance, False, activation_price)

    def stop_from(self, best: Decimal, side: Side) -> Decimal:
        """The trigger price given the best price so far (highest for a sell, lowest for a
        buy): a sell's ``best * (1 - rate)`` or ``best - amount``, a buy's ``best * (1 + rate)``
        or ``best + amount``.  Exact (no rounding).

        >>> Trailing.percent(Decimal("0.05")).stop_from(Decimal("8000"), Side.SELL)
        Decimal('7600.00')
        >>> Trailing.amount(Decimal("50")).stop_from(Decimal("8000"), Side.BUY)
        Decimal('8050')
        """
        if self.by_percent:
            factor = (CONTEXT.subtract(ONE, self.distance) if side is Side.SELL
                      else CONTEXT.add(ONE, self.distance))
            return _mul(best, factor)
        return (CONTEXT.subtract(best, self.distance) if side is Side.SELL
                else CONTEXT.add(best, self.distance))


@attrs.frozen(kw_only=True)
class OrderRequest:
    """An order as the trader sends it.

    ``limit_price`` is required by the limit kinds, ``stop_price`` by the stop and
    take-profit kinds, ``trailing`` by the trailing stop; ``reduce_only`` orders may only
    shrink the position; ``position_side`` names the leg (``BOTH`` in one-way mode).
    ``client_order_id`` makes submission idempotent."""

    client_order_id: str
    account_id: str
    symbol: str
    side: Side
    quantity: Decimal
    kind: OrderKind = OrderKind.MARKET
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False
    trailing: Trailing | None = None
    position_side: PositionSide = PositionSide.BOTH

    @property
    def signed_quantity(self) -> Decimal:
        """The quantity with the side's sign."""
        return self.side.signed(self.quantity)


@attrs.frozen
class WorkingOrder:
    """An admitted order and what has happened to it: the quantity ``filled`` so far,
    whether a conditional order has ``triggered``, whether it is ``resting`` in the book
    (it reached the book and waits as maker) and, for a trailing stop, the ``best`` price
    since placement (highest for a sell, lowest for a buy)."""

    request: OrderRequest
    filled: Decimal = ZERO
    triggered: bool = True
    resting: bool = False
    best: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        """The quantity still to fill."""
        return CONTEXT.subtract(self.request.quantity, self.filled)


def is_reducing(order: OrderRequest) -> bool:
    """Whether the order may only shrink its leg: ``reduce_only`` in one-way mode, or the
    closing side of a hedge leg (a sell on ``LONG``, a buy on ``SHORT``).

    >>> is_reducing(OrderRequest(client_order_id="c", account_id="a", symbol="X",
    ...     side=Side.SELL, quantity=Decimal(1), position_side=PositionSide.LONG))
    True
    """
    if order.position_side is PositionSide.LONG:
        return order.side is Side.SELL
    if order.position_side is PositionSide.SHORT:
        return order.side is Side.BUY
    return order.reduce_only


def marketable(side: Side, limit: Decimal | None, price: Decimal) -> bool:
    """Whether an order with ``limit`` (``None``: any price) would trade at ``price``: a buy
    at or below its limit, a sell at or above it.

    >>> marketable(Side.BUY, Decimal("100"), Decimal("100")), marketable(Side.SELL, None, ONE)
    (True, True)
    """
    if limit is None:
        return True
    return price <= limit if side is Side.BUY else price >= limit


def _invalid(code: str, message: str, **fields: object) -> Failure[DomainError]:
    return Failure(DomainError.invalid(code, message, **fields))


def _rejected(code: str, message: str, **fields: object) -> Failure[DomainError]:
    return Failure(DomainError.rejected(code, message, **fields))


def _name(value: object, field: str) -> Result[str, DomainError]:
    if isinstance(value, str) and value.strip():
        return Success(value)
    return _invalid("order.empty_name", f"{field}: must be a non-empty string", field=field)


def _member(value: object, kind: type[enum.Enum], field: str) -> Result[Any, DomainError]:
    if isinstance(value, kind):
        return Success(value)
    return _invalid("order.type", f"{field}: must be a {kind.__name__}", field=field)


def _on_grid(value: Decimal, step: Decimal) -> bool:
    return round_to_increment(value, step, Rounding.DOWN) == value


def _price(value: object, field: str, code: str, *, wanted: bool, kind: OrderKind,
           tick: Decimal) -> Result[Decimal | None, DomainError]:
    """A price a kind needs (``wanted``) or must not carry."""
    if not wanted:
        return (Success(None) if value is None else
                _invalid(code, f"{field}: a {kind.value} order takes none", field=field))
    if not isinstance(value, Decimal) or not check_decimal(value, field).map(
            lambda d: d > 0).value_or(False):
        return _invalid(code, f"{field}: a {kind.value} order needs a positive price",
                        field=field)
    if not _on_grid(value, tick):
        return _rejected("order.tick_size", f"{field} {value} is not on the {tick} tick",
                         field=field, price=value, tick=tick)
    return Success(value)


def _trailing(value: object, kind: OrderKind, tick: Decimal) -> Result[object, DomainError]:
    wanted = kind is OrderKind.TRAILING_STOP_MARKET
    if not wanted:
        return (Success(None) if value is None else
                _invalid("order.trailing", "trailing: only a trailing stop takes one"))
    if not isinstance(value, Trailing) or not isinstance(value.distance, Decimal) or (
            not isinstance(value.by_percent, bool)):
        return _invalid("order.trailing", "trailing: a trailing stop needs a Trailing distance")
    distance = check_decimal(value.distance, "trailing.distance").map(lambda d: d > 0)
    if not distance.value_or(False) or (value.by_percent and value.distance >= 1):
        return _invalid("order.trailing", "trailing.distance: an amount > 0 or a fraction in "
                        "(0, 1)", distance=value.distance)
    if value.activation_price is None:
        return Success(value)
    return _price(value.activation_price, "trailing.activation_price", "order.trailing",
                  wanted=True, kind=kind, tick=tick)


def _quantity(value: object, instrument: Instrument) -> Result[Decimal, DomainError]:
    if not isinstance(value, Decimal) or not check_decimal(value, "quantity").map(
            lambda d: d > 0).value_or(False):
        return _invalid("order.quantity", "quantity: must be a positive number")
    if not _on_grid(value, instrument.lot_size):
        return _rejected("order.lot_size", f"quantity {value} is not a multiple of "
                         f"{instrument.lot_size}", quantity=value, lot_size=instrument.lot_size)
    if value < instrument.min_quantity:
        return _rejected("order.min_quantity", f"quantity {value} is below "
                         f"{instrument.min_quantity}", quantity=value,
                         min_quantity=instrument.min_quantity)
    return Success(value)


def _time_in_force(order: OrderRequest) -> Result[object, DomainError]:
    checked = _member(order.time_in_force, TimeInForce, "time_in_force")
    if (checked.value_or(None) is TimeInForce.GTX and order.kind is not OrderKind.LIMIT):
        return _invalid("order.time_in_force", "GTX (post-only) applies to LIMIT orders only")
    return checked


def _reduce_only(order: OrderRequest) -> Result[object, DomainError]:
    if order.reduce_only and order.position_side in (PositionSide.LONG, PositionSide.SHORT):
        return _invalid("order.reduce_only_hedge", "reduce_only cannot be sent for a hedge "
                        "leg: its closing side only ever reduces")
    return Success(order.reduce_only)


def validate_order(order: OrderRequest, instrument: Instrument, *, price: Decimal,
                   ) -> Result[OrderRequest, DomainError]:
    """Every problem of ``order`` against ``instrument`` at once (``order.invalid`` with one
    cause each; see the module docstring); ``price`` is the current price, the minimum
    notional's reference for orders without a limit or stop price.

    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTC", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     min_notional="100").unwrap()
    >>> bad = OrderRequest(client_order_id="c", account_id="a", symbol="BTC", side=Side.BUY,
    ...                    quantity=Decimal("0.0015"), kind=OrderKind.LIMIT,
    ...                    limit_price=Decimal("30000.05"))
    >>> validate_order(bad, btc, price=Decimal("30000")).failure().codes()
    ('order.lot_size', 'order.tick_size')
    """
    kind = order.kind if isinstance(order.kind, OrderKind) else OrderKind.MARKET
    tick = instrument.tick_size
    checked = collect_all(_INVALID, (
        _name(order.client_order_id, "client_order_id"), _name(order.account_id, "account_id"),
        _name(order.symbol, "symbol"), _member(order.side, Side, "side"),
        _member(order.kind, OrderKind, "kind"),
        _member(order.position_side, PositionSide, "position_side"),
        _quantity(order.quantity, instrument),
        _price(order.limit_price, "limit_price", "order.limit_price", wanted=kind.has_limit,
               kind=kind, tick=tick),
        _price(order.stop_price, "stop_price", "order.stop_price", wanted=kind.has_stop,
               kind=kind, tick=tick),
        _trailing(order.trailing, kind, tick), _time_in_force(order), _reduce_only(order)))
    return checked.bind(lambda _: _notional(order, instrument, price))


def _notional(order: OrderRequest, instrument: Instrument,
              price: Decimal) -> Result[OrderRequest, DomainError]:
    reference = order.limit_price or order.stop_price or price
    if not is_reducing(order) and _mul(order.quantity, reference) < instrument.min_notional:
        return Failure(DomainError.all_of(_INVALID, [DomainError.rejected(
            "order.min_notional", f"notional {order.quantity} x {reference} is below "
            f"{instrument.min_notional}", quantity=order.quantity, price=reference,
            min_notional=instrument.min_notional)]))
    return Success(order)


def _would_trigger(order: OrderRequest, price: Decimal) -> bool:
    stop, side = order.stop_price, order.side
    if order.kind in _STOP_KINDS and stop is not None:
        return price >= stop if side is Side.BUY else price <= stop
    if order.kind in _TAKE_PROFIT_KINDS and stop is not None:
        return price <= stop if side is Side.BUY else price >= stop
    if order.trailing is not None and order.trailing.activation_price is not None:
        # Binance: a sell's activation price must be above the latest price, a buy's below
        activation = order.trailing.activation_price
        return activation <= price if side is Side.SELL else activation >= price
    return False


def admit(order: OrderRequest, instrument: Instrument, *, price: Decimal, position: Decimal,
          mode: PositionMode = PositionMode.ONE_WAY, trigger_at_once: bool = False,
          ) -> Result[WorkingOrder, DomainError]:
    """Validate ``order`` (:func:`validate_order`), then apply the rules that depend on the
    account and the market: ``position`` is the signed quantity of the leg it trades,
    ``price`` the current price, ``mode`` the account's position mode.  The result is the
    order as it starts working (a conditional order not yet triggered; a trailing stop's best
    price starts at ``price``).  ``trigger_at_once`` accepts a conditional order whose trigger
    already holds (it fires at the next step) instead of refusing it: how a bracket's exits
    are placed once the entry completes -- a protective stop the market has already passed
    must close the position, not vanish.

    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTC", BTC, USD, tick_size="0.1", lot_size="0.001").unwrap()
    >>> maker = OrderRequest(client_order_id="c", account_id="a", symbol="BTC", side=Side.BUY,
    ...                      quantity=Decimal("1"), kind=OrderKind.LIMIT,
    ...                      limit_price=Decimal("30000"), time_in_force=TimeInForce.GTX)
    >>> admit(maker, btc, price=Decimal("29999.9"), position=ZERO).failure().code
    'order.post_only_would_cross'
    >>> admit(maker, btc, price=Decimal("30000.1"), position=ZERO).unwrap().resting
    False
    """
    return validate_order(order, instrument, price=price).bind(
        lambda valid: _admitted(valid, price=price, position=position, mode=mode,
                                trigger_at_once=trigger_at_once))


def _admitted(order: OrderRequest, *, price: Decimal, position: Decimal,
              mode: PositionMode, trigger_at_once: bool) -> Result[WorkingOrder, DomainError]:
    hedged = order.position_side is not PositionSide.BOTH
    if hedged != (mode is PositionMode.HEDGE):
        return _rejected("order.position_side", f"position side {order.position_side.value} "
                         f"does not match the account's {mode.value} mode",
                         position_side=order.position_side.value, mode=mode.value)
    if is_reducing(order) and (position == 0 or (position > 0) == (order.side is Side.BUY)):
        return _rejected("order.reduce_only", "a reducing order needs a position on the other "
                         "side to reduce", position=position)
    if order.time_in_force is TimeInForce.GTX and marketable(order.side, order.limit_price,
                                                             price):
        return _rejected("order.post_only_would_cross", f"a post-only {order.side.value} at "
                         f"{order.limit_price} would take liquidity at {price}",
                         limit_price=order.limit_price, price=price)
    if not trigger_at_once and _would_trigger(order, price):
        return _rejected("order.would_trigger", f"the order's trigger already holds at {price}",
                         price=price)
    return Success(WorkingOrder(order, triggered=not order.kind.is_conditional,
                                best=price if order.trailing is not None else None))

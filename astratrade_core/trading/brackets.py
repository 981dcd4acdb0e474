"""Order groups: one-cancels-the-other (OCO) pairs and brackets (an entry with a stop-loss and
a take-profit exit that form an OCO pair).  Pure rules; a venue applies the
:class:`GroupActions` they return.

* **OCO** (two orders): the group ends as soon as either leg executes (even partly) or ends
  (filled, cancelled, expired); the other leg is then cancelled.  Cancelling a leg cancels
  the group (as in Binance's spot OCO orders, where one order executing cancels the other).
* **Bracket** (entry, stop, target): the exits wait (``PENDING``) until the entry is complete
  -- filled, or cancelled/expired after a partial fill -- and are then placed, reduce-only,
  for exactly the quantity the entry filled; from then on they are an OCO pair.  An entry
  that ends without any fill cancels the exits.  Placing the exits once, for the final
  quantity, maps onto venues that cannot amend a conditional order (Binance's algo orders);
  the price of that choice is that a partly filled entry that is still working is not yet
  protected (use an ``IOC``/``FOK`` or market entry to avoid the interval).  Cancelling the
  entry arms the exits for what it filled (or cancels them); cancelling an exit, or a
  pending exit, ends the whole group.

Since an exit is cancelled the moment the other executes, **a bracket never fills both
exits** on a venue that applies the actions before it looks at the next order (the paper
exchange); tested as a Hypothesis law over random price paths.

Validation (:func:`validate_group`, every problem at once under ``order.group``):
``order.group_members`` (OCO needs two orders, a bracket three), ``order.group_ids`` (member
ids distinct from each other and from the group id), ``order.group_market`` (one account,
one symbol, one position side), ``order.bracket_entry`` (the entry is a market or limit
order), ``order.bracket_exits`` (the stop is a stop or trailing stop, the target a
take-profit or limit order, both on the side opposite the entry, reducing -- ``reduce_only``
in one-way mode -- and for the entry's quantity), ``order.bracket_prices`` (the stop's
trigger on the losing side of the target's: below it when the entry buys).  Members whose
side, kind or position side is not a member of its enum, or whose quantity or prices are not
finite Decimals, cannot be compared: ``order.group_values``, before any other check (their
own problems are :func:`~astratrade_core.trading.orders.admit`'s to report).

>>> from decimal import Decimal as D
>>> from astratrade_core.trading.orders import OrderKind, OrderRequest, Side
>>> def order(cid, side, kind, **kw):
...     return OrderRequest(client_order_id=cid, account_id="a", symbol="BTC", side=side,
...                         quantity=D("1"), kind=kind, **kw)
>>> group = OrderGroup.bracket("b-1", order("e", Side.BUY, OrderKind.MARKET),
...     order("sl", Side.SELL, OrderKind.STOP_MARKET, stop_price=D("29000"), reduce_only=True),
...     order("tp", Side.SELL, OrderKind.TAKE_PROFIT_MARKET, stop_price=D("32000"),
...           reduce_only=True))
>>> state, actions = GroupState.start(validate_group(group).unwrap()), None
>>> state, actions = state.on_update("e", OrderStatus.FILLED, D("1"))
>>> [o.client_order_id for o in actions.place], actions.cancel
(['sl', 'tp'], ())
>>> state, actions = state.on_update("sl", OrderStatus.FILLED, D("1"))
>>> actions.cancel, state.done
(('tp',), True)
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.numeric import ZERO
from astratrade_core.trading.orders import (
    OrderKind,
    OrderRequest,
    OrderStatus,
    PositionSide,
    Side,
    is_reducing,
)

__all__ = ["GroupActions", "GroupKind", "GroupState", "OrderGroup", "validate_group"]

_INVALID: Final = "order.group"


class GroupKind(enum.Enum):
    """An OCO pair or a bracket."""

    OCO = "oco"
    BRACKET = "bracket"


@attrs.frozen(kw_only=True)
class OrderGroup:
    """Orders submitted together under ``group_id`` (the idempotency key of the group).
    A bracket's ``orders`` are ``(entry, stop, target)``."""

    group_id: str
    kind: GroupKind
    orders: tuple[OrderRequest, ...]

    @classmethod
    def oco(cls, group_id: str, first: OrderRequest, second: OrderRequest) -> OrderGroup:
        """Two orders, one cancels the other."""
        return cls(group_id=group_id, kind=GroupKind.OCO, orders=(first, second))

    @classmethod
    def bracket(cls, group_id: str, entry: OrderRequest, stop_loss: OrderRequest,
                take_profit: OrderRequest) -> OrderGroup:
        """An entry protected by a stop-loss and a take-profit placed when it completes."""
        return cls(group_id=group_id, kind=GroupKind.BRACKET,
                   orders=(entry, stop_loss, take_profit))

    @property
    def exits(self) -> tuple[OrderRequest, ...]:
        """The OCO legs: both orders of an OCO, a bracket's stop and target."""
        return self.orders if self.kind is GroupKind.OCO else self.orders[1:]


def _problem(ok: bool, code: str, message: str) -> Result[None, DomainError]:
    return Success(None) if ok else Failure(DomainError.invalid(code, message))


def _comparable(order: OrderRequest) -> bool:
    """Whether the group checks can compare this member's fields (see the module docstring)."""
    numbers = (order.quantity, *(p for p in (order.limit_price, order.stop_price)
                                 if p is not None))
    return (isinstance(order.side, Side) and isinstance(order.kind, OrderKind)
            and isinstance(order.position_side, PositionSide)
            and all(isinstance(n, Decimal) and n.is_finite() for n in numbers))


def validate_group(group: OrderGroup) -> Result[OrderGroup, DomainError]:
    """The group, or every problem with it (``order.group``; see the module docstring).
    Each member is checked on its own by :func:`~astratrade_core.trading.orders.admit`."""
    orders = group.orders
    size = 2 if group.kind is GroupKind.OCO else 3
    if not isinstance(orders, tuple) or len(orders) != size or not all(
            isinstance(o, OrderRequest) for o in orders):
        return Failure(DomainError.all_of(_INVALID, [DomainError.invalid(
            "order.group_members", f"a {group.kind.value} group needs {size} orders")]))
    if not all(map(_comparable, orders)):
        return Failure(DomainError.all_of(_INVALID, [DomainError.invalid(
            "order.group_values", "members need enum sides and kinds and finite quantities "
            "and prices")]))
    ids = [o.client_order_id for o in orders]
    checks = [
        _problem(len(set(ids)) == size and group.group_id not in ids
                 and isinstance(group.group_id, str) and bool(group.group_id),
                 "order.group_ids", "member ids must differ from each other and the group id"),
        _problem(len({(o.account_id, o.symbol, o.position_side) for o in orders}) == 1,
                 "order.group_market", "members must share account, symbol and position side"),
    ]
    if group.kind is GroupKind.BRACKET:
        checks += _bracket_checks(*orders)
    return collect_all(_INVALID, checks).map(lambda _: group)


def _bracket_checks(entry: OrderRequest, stop: OrderRequest,
                    target: OrderRequest) -> list[Result[None, DomainError]]:
    exits_ok = (
        stop.kind in (OrderKind.STOP_MARKET, OrderKind.STOP_LIMIT,
                      OrderKind.TRAILING_STOP_MARKET)
        and target.kind in (OrderKind.TAKE_PROFIT_MARKET, OrderKind.TAKE_PROFIT_LIMIT,
                            OrderKind.LIMIT)
        and stop.side is target.side is entry.side.opposite
        and is_reducing(stop) and is_reducing(target)
        and stop.quantity == target.quantity == entry.quantity)
    checks = [
        _problem(entry.kind in (OrderKind.MARKET, OrderKind.LIMIT), "order.bracket_entry",
                 "a bracket's entry is a market or limit order"),
        _problem(exits_ok, "order.bracket_exits", "the exits are a stop (or trailing stop) and "
                 "a take-profit (or limit) on the other side, reducing, for the entry's "
                 "quantity"),
    ]
    low = stop.stop_price
    high = target.stop_price if target.kind is not OrderKind.LIMIT else target.limit_price
    if low is not None and high is not None:
        ordered = low < high if entry.side is Side.BUY else low > high
        checks.append(_problem(ordered, "order.bracket_prices", "the stop must trigger on the "
                               "losing side of the target"))
    return checks


@attrs.frozen
class GroupActions:
    """What a venue must do after an update: cancel these member ids, place these orders."""

    cancel: tuple[str, ...] = ()
    place: tuple[OrderRequest, ...] = ()


_NOTHING: Final = GroupActions()


@attrs.frozen
class GroupState:
    """A group at work: whether its exits are ``armed`` (placed at the venue), the entry's
    filled quantity, and whether it is ``done`` (an exit executed or ended, or the bracket's
    entry ended unfilled)."""

    group: OrderGroup
    armed: bool
    done: bool = False
    entry_filled: Decimal = ZERO

    @classmethod
    def start(cls, group: OrderGroup) -> GroupState:
        """A group just submitted: an OCO's legs are armed at once, a bracket's exits wait."""
        return cls(group, armed=group.kind is GroupKind.OCO)

    def pending(self) -> tuple[str, ...]:
        """Member ids not placed at the venue yet (a bracket's exits before arming)."""
        if self.armed or self.done:
            return ()
        return tuple(o.client_order_id for o in self.group.exits)

    def on_update(self, client_order_id: str, status: OrderStatus,
                  filled: Decimal) -> tuple[GroupState, GroupActions]:
        """The group after member ``client_order_id`` reached ``status`` with ``filled``
        (its cumulative filled quantity), and what the venue must do about it."""
        if self.done:
            return self, _NOTHING
        group = self.group
        if group.kind is GroupKind.BRACKET and client_order_id == group.orders[0].client_order_id:
            return (self, _NOTHING) if self.armed else self._entry(status, filled)
        legs = [o.client_order_id for o in group.exits]
        if client_order_id not in legs or not self.armed:
            return self, _NOTHING
        if filled > 0 or status.is_final:
            others = tuple(i for i in legs if i != client_order_id)
            return attrs.evolve(self, done=True), GroupActions(cancel=others)
        return self, _NOTHING

    def _entry(self, status: OrderStatus, filled: Decimal) -> tuple[GroupState, GroupActions]:
        state = attrs.evolve(self, entry_filled=filled)
        if not status.is_final:
            return state, _NOTHING
        exits = self.group.exits
        if filled == 0:
            return (attrs.evolve(state, done=True),
                    GroupActions(cancel=tuple(o.client_order_id for o in exits)))
        return (attrs.evolve(state, armed=True),
                GroupActions(place=tuple(attrs.evolve(o, quantity=filled) for o in exits)))

    def on_cancel(self, client_order_id: str) -> tuple[GroupState, GroupActions]:
        """What cancelling member ``client_order_id`` does to the rest.  A bracket's entry is
        cancelled alone: its final status then arms the exits for what it filled, or cancels
        them (:meth:`on_update`).  Any other member ends the group: every other member is
        cancelled (the venue skips those already final)."""
        group = self.group
        if self.done or (group.kind is GroupKind.BRACKET
                         and client_order_id == group.orders[0].client_order_id):
            return self, _NOTHING
        others = tuple(o.client_order_id for o in self.group.orders
                       if o.client_order_id != client_order_id)
        return attrs.evolve(self, done=True), GroupActions(cancel=others)


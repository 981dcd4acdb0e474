"""Matching one working order against the market: time-in-force laws (FOK all or nothing,
IOC never rests), reduce-only never reverses, limits are never bettered against the trader,
triggers fire exactly where Binance's rules say, partial fills, and worked examples."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.numeric import CONTEXT
from astratrade_core.trading import (
    Liquidity,
    Market,
    OrderKind,
    OrderRequest,
    OrderStatus,
    Side,
    TimeInForce,
    Trailing,
    WorkingOrder,
    reducible,
    step,
    triggered,
)

D = Decimal
LOT = D("0.001")
ONE = D("1")


def request(side: Side = Side.BUY, quantity: Decimal = ONE,
            kind: OrderKind = OrderKind.MARKET, **fields: object) -> OrderRequest:
    return OrderRequest(client_order_id="o", account_id="a", symbol="X", side=side,
                        quantity=quantity, kind=kind, **fields)  # type: ignore[arg-type]


def market(price: str, depth: str | None = None, spread: str = "0.5") -> Market:
    p = D(price)
    return Market(price=p, buy_price=p + D(spread), sell_price=p - D(spread),
                  depth=None if depth is None else D(depth))


# --- Hypothesis: arrivals of plain orders ----------------------------------------------------

lots = st.integers(1, 50).map(lambda n: n * LOT)
prices = st.integers(90, 110).map(Decimal)


@st.composite
def arrivals(draw: st.DrawFn) -> tuple[WorkingOrder, Market, Decimal]:
    side = draw(st.sampled_from(list(Side)))
    kind = draw(st.sampled_from([OrderKind.MARKET, OrderKind.LIMIT]))
    tif = draw(st.sampled_from([TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK]))
    reduce_only = draw(st.booleans())
    order = request(side, draw(lots), kind, time_in_force=tif, reduce_only=reduce_only,
                    limit_price=draw(prices) if kind is OrderKind.LIMIT else None)
    price = draw(prices)
    depth = draw(st.none() | st.integers(0, 60).map(lambda n: n * LOT))
    observed = Market(price, price + 1, price - 1, depth)
    position = draw(st.integers(-60, 60).map(lambda n: n * LOT))
    return WorkingOrder(order), observed, position


@given(arrivals())
def test_fill_or_kill_fills_everything_or_nothing(case: tuple[WorkingOrder, Market,
                                                               Decimal]) -> None:
    working, observed, position = case
    working = attrs.evolve(working, request=attrs.evolve(working.request,
                                                         time_in_force=TimeInForce.FOK))
    done = step(working, observed, position=position)
    assert done.quantity in (0, working.request.quantity)
    assert done.status is (OrderStatus.FILLED if done.quantity else OrderStatus.EXPIRED)


@given(arrivals())
def test_immediate_or_cancel_never_rests(case: tuple[WorkingOrder, Market, Decimal]) -> None:
    working, observed, position = case
    working = attrs.evolve(working, request=attrs.evolve(working.request,
                                                         time_in_force=TimeInForce.IOC))
    done = step(working, observed, position=position)
    assert done.status in (OrderStatus.FILLED, OrderStatus.EXPIRED)


@given(arrivals())
def test_any_arrival_keeps_its_promises(case: tuple[WorkingOrder, Market, Decimal]) -> None:
    working, observed, position = case
    order = working.request
    done = step(working, observed, position=position)
    assert done.order.filled == done.quantity <= order.quantity
    if observed.depth is not None:
        assert done.quantity <= observed.depth
    if done.quantity:
        assert done.liquidity is Liquidity.TAKER and done.price is not None
        if order.limit_price is not None:  # never worse than the limit for the trader
            assert (done.price <= order.limit_price if order.side is Side.BUY
                    else done.price >= order.limit_price)
    if order.reduce_only:  # a reducing fill never reverses or grows the position
        after = CONTEXT.add(position, order.side.signed(done.quantity))
        assert abs(after) <= abs(position) and (after == 0 or (after > 0) == (position > 0))
    if done.status is OrderStatus.OPEN:  # only a limit order under GTC rests
        assert order.kind is OrderKind.LIMIT and order.time_in_force is TimeInForce.GTC
        assert done.order.resting and done.order.remaining > 0
    if done.status is OrderStatus.FILLED:
        assert done.order.remaining == 0


@given(st.lists(prices, min_size=1, max_size=20), lots, st.integers(1, 30))
def test_a_resting_limit_fills_as_maker_at_its_price_in_parts(path: list[Decimal],
                                                               size: Decimal,
                                                               depth_lots: int) -> None:
    order = request(Side.BUY, size, OrderKind.LIMIT, limit_price=D("100"))
    working = WorkingOrder(order, resting=True)
    depth = depth_lots * LOT
    for price in path:
        done = step(working, Market(price, price, price, depth), position=D(0))
        if price > 100:
            assert done.quantity == 0 and done.status is OrderStatus.OPEN
        else:
            assert done.quantity == min(depth, working.remaining)
            assert (done.price, done.liquidity) == (D("100"), Liquidity.MAKER)
        working = done.order
        if done.status is OrderStatus.FILLED:
            break
    assert working.filled <= size


# --- triggers ---------------------------------------------------------------------------------


@given(st.lists(prices, min_size=1, max_size=30))
def test_a_stop_sell_fires_at_the_first_price_at_or_below_its_stop(path: list[Decimal]) -> None:
    order = request(Side.SELL, kind=OrderKind.STOP_MARKET, stop_price=D("100"))
    working = WorkingOrder(order, triggered=False)
    for index, price in enumerate(path):
        done = step(working, market(str(price)), position=D(0))
        if price <= 100:
            assert done.status is OrderStatus.FILLED and done.quantity == 1
            assert all(p > 100 for p in path[:index])
            return
        assert done.status is OrderStatus.OPEN and done.quantity == 0
        working = done.order


@given(st.lists(prices, min_size=1, max_size=30), st.sampled_from(list(Side)),
       st.none() | prices, st.booleans())
def test_a_trailing_stop_follows_binances_rule(path: list[Decimal], side: Side,
                                               activation: Decimal | None,
                                               by_percent: bool) -> None:
    # "SELL: the highest price after order placed >= activationPrice, and the latest price
    # <= the highest price * (1 - callbackRate)"; a buy mirrors it with the lowest price.
    trailing = (Trailing.percent(D("0.05"), activation) if by_percent
                else Trailing.amount(D("5"), activation))
    order = request(side, kind=OrderKind.TRAILING_STOP_MARKET, trailing=trailing)
    placed = D("100")
    working = WorkingOrder(order, triggered=False, best=placed)
    best = placed
    for price in path:
        best = max(best, price) if side is Side.SELL else min(best, price)
        gate = placed if activation is None else activation
        active = best >= gate if side is Side.SELL else best <= gate
        if by_percent:
            stop = best * (1 - D("0.05")) if side is Side.SELL else best * (1 + D("0.05"))
        else:
            stop = best - 5 if side is Side.SELL else best + 5
        fires = active and (price <= stop if side is Side.SELL else price >= stop)
        working = triggered(working, price)
        assert (working.best, working.triggered) == (best, fires)
        if fires:
            return


def test_a_trailing_stop_worked_by_hand() -> None:
    # Binance's trailing rule, numbers by hand: a sell placed at 7,500 with activation 8,000
    # and a 5 % callback.  7,800: not active (highest 7,800 < 8,000).  8,000: active, stop at
    # 8,000 * 0.95 = 7,600.  9,000: the stop trails to 8,550.  8,600: above it.  8,550:
    # 8,550 <= 8,550 fires; the market sell fills at the 8,549.5 taker price.
    order = request(Side.SELL, kind=OrderKind.TRAILING_STOP_MARKET,
                    trailing=Trailing.percent(D("0.05"), D("8000")))
    working = WorkingOrder(order, triggered=False, best=D("7500"))
    for price in ("7800", "8000", "9000", "8600"):
        done = step(working, market(price), position=D(0))
        assert done.status is OrderStatus.OPEN and done.quantity == 0
        working = done.order
    assert working.best == D("9000")
    assert order.trailing is not None
    assert order.trailing.stop_from(working.best, Side.SELL) == D("8550.00")
    done = step(working, market("8550"), position=D(0))
    assert (done.status, done.quantity, done.price, done.liquidity) == (
        OrderStatus.FILLED, D("1"), D("8549.5"), Liquidity.TAKER)


def test_a_buy_trailing_stop_by_amount_worked_by_hand() -> None:
    # A buy placed at 100 trailing by 5 (activates at once): 95 -> lowest 95, stop 100;
    # 92 -> lowest 92, stop 97; 96.9 below the stop; 97 fires (97 >= 97).
    order = request(Side.BUY, kind=OrderKind.TRAILING_STOP_MARKET,
                    trailing=Trailing.amount(D("5")))
    working = WorkingOrder(order, triggered=False, best=D("100"))
    for price in ("95", "92", "96.9"):
        working = triggered(working, D(price))
        assert not working.triggered
    assert working.best == D("92")
    assert triggered(working, D("97")).triggered


@pytest.mark.parametrize(("tif", "status", "filled"), [
    (TimeInForce.GTC, OrderStatus.OPEN, D("0")),
    (TimeInForce.IOC, OrderStatus.EXPIRED, D("0")),
    (TimeInForce.FOK, OrderStatus.EXPIRED, D("0")),
])
def test_a_triggered_stop_limit_beyond_its_limit_follows_its_time_in_force(
        tif: TimeInForce, status: OrderStatus, filled: Decimal) -> None:
    # Stop 100, limit 99: a gap down to 98 triggers it, but a sell limit of 99 is not
    # marketable at 98 -- GTC rests, IOC and FOK expire.
    order = request(Side.SELL, kind=OrderKind.STOP_LIMIT, stop_price=D("100"),
                    limit_price=D("99"), time_in_force=tif)
    done = step(WorkingOrder(order, triggered=False), market("98"), position=D(0))
    assert (done.status, done.quantity, done.order.triggered) == (status, filled, True)
    if tif is TimeInForce.GTC:  # rests and later fills as maker at its limit
        later = step(done.order, market("99.5"), position=D(0))
        assert (later.status, later.price, later.liquidity) == (
            OrderStatus.FILLED, D("99"), Liquidity.MAKER)


def test_a_marketable_limit_takes_at_the_market_capped_by_its_limit() -> None:
    # taker buy price 100.5, capped by the 100.2 limit; a second order's limit 101 is not
    order = request(Side.BUY, kind=OrderKind.LIMIT, limit_price=D("100.2"))
    assert step(WorkingOrder(order), market("100"), position=D(0)).price == D("100.2")
    roomy = attrs.evolve(order, limit_price=D("101"))
    assert step(WorkingOrder(roomy), market("100"), position=D(0)).price == D("100.5")


def test_a_market_order_partly_filled_expires_the_rest() -> None:
    done = step(WorkingOrder(request(quantity=D("3"))), market("100", depth="1"),
                position=D(0))
    assert (done.quantity, done.status, done.order.remaining) == (
        D("1"), OrderStatus.EXPIRED, D("2"))


def test_a_gtc_limit_partly_filled_rests_then_completes() -> None:
    order = request(quantity=D("3"), kind=OrderKind.LIMIT, limit_price=D("100"))
    first = step(WorkingOrder(order), market("99", depth="1"), position=D(0))
    assert (first.quantity, first.liquidity, first.status) == (
        D("1"), Liquidity.TAKER, OrderStatus.OPEN)
    second = step(first.order, market("100", depth="2"), position=D(1))
    assert (second.quantity, second.price, second.liquidity, second.status) == (
        D("2"), D("100"), Liquidity.MAKER, OrderStatus.FILLED)


def test_a_reduce_only_order_is_clipped_to_the_position_and_expires() -> None:
    order = request(Side.SELL, D("5"), reduce_only=True)
    done = step(WorkingOrder(order), market("100"), position=D("2"))
    assert (done.quantity, done.status) == (D("2"), OrderStatus.EXPIRED)
    gone = step(WorkingOrder(order), market("100"), position=D("0"))
    assert (gone.quantity, gone.status) == (D("0"), OrderStatus.EXPIRED)
    assert reducible(Side.SELL, D("-1")) == 0

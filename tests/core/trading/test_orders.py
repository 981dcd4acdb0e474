"""Order validation and admission: every problem reported, each refusal with its own code, the
rules exactly at their edges (a price on the stop, an activation price equal to the market,
a post-only limit equal to the price), and totality for hostile values."""

from __future__ import annotations

import typing
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, USD
from astratrade_core.testing import hostile_orders, positive_decimals
from astratrade_core.trading import (
    OrderKind,
    OrderRequest,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    Trailing,
    admit,
    is_reducing,
    validate_order,
)

D = Decimal
BTC_USD = Instrument.of("BTC", BTC, USD, tick_size="0.1", lot_size="0.001",
                        min_quantity="0.002", min_notional="100").unwrap()
PRICE = D("30000")


def order(side: Side = Side.BUY, quantity: str = "0.01", kind: OrderKind = OrderKind.MARKET,
          **fields: typing.Any) -> OrderRequest:
    return OrderRequest(client_order_id="c-1", account_id="acct", symbol="BTC", side=side,
                        quantity=D(quantity), kind=kind, **fields)


def refusal(request: OrderRequest, *, price: Decimal = PRICE, position: str = "0",
            mode: PositionMode = PositionMode.ONE_WAY) -> DomainError:
    result = admit(request, BTC_USD, price=price, position=D(position), mode=mode)
    assert isinstance(result, Failure), result
    error: DomainError = result.failure()
    return error


def test_every_shape_problem_is_reported_at_once() -> None:
    bad = OrderRequest(client_order_id=" ", account_id="acct", symbol="BTC", side=Side.BUY,
                       quantity=D("0.0015"), kind=OrderKind.STOP_LIMIT,
                       stop_price=D("30000.05"), time_in_force=TimeInForce.GTX,
                       trailing=Trailing.percent(D("0.01")))
    error = validate_order(bad, BTC_USD, price=PRICE).failure()
    assert error.code == "order.invalid"
    assert error.codes() == ("order.empty_name", "order.lot_size", "order.limit_price",
                             "order.tick_size", "order.trailing", "order.time_in_force")
    assert error.kind is ErrorKind.INVALID  # invalid input outranks the rejected filters


@pytest.mark.parametrize(("request_", "code", "kind"), [
    (order(quantity="0.001"), "order.min_quantity", ErrorKind.REJECTED),
    (order(quantity="0.0025"), "order.lot_size", ErrorKind.REJECTED),
    (order(quantity="-1"), "order.quantity", ErrorKind.INVALID),
    (order(kind=OrderKind.LIMIT), "order.limit_price", ErrorKind.INVALID),
    (order(limit_price=D("30000")), "order.limit_price", ErrorKind.INVALID),
    (order(kind=OrderKind.STOP_MARKET), "order.stop_price", ErrorKind.INVALID),
    (order(kind=OrderKind.TRAILING_STOP_MARKET), "order.trailing", ErrorKind.INVALID),
    (order(kind=OrderKind.TRAILING_STOP_MARKET, trailing=Trailing.percent(D("1"))),
     "order.trailing", ErrorKind.INVALID),
    (order(kind=OrderKind.TRAILING_STOP_MARKET,
           trailing=Trailing.amount(D("5"), D("30000.01"))), "order.tick_size",
     ErrorKind.REJECTED),
    (order(time_in_force=TimeInForce.GTX), "order.time_in_force", ErrorKind.INVALID),
    (order(reduce_only=True, position_side=PositionSide.LONG), "order.reduce_only_hedge",
     ErrorKind.INVALID),
])
def test_each_problem_has_its_own_code(request_: OrderRequest, code: str,
                                       kind: ErrorKind) -> None:
    error = validate_order(request_, BTC_USD, price=PRICE).failure()
    assert error.codes() == (code,)
    assert error.kind is kind


def test_the_minimum_notional_uses_the_limit_then_the_stop_then_the_market() -> None:
    # 0.004 * 25000 = 100 is exactly the minimum; at 24999.9 it is 99.9996
    assert isinstance(validate_order(order(quantity="0.004"), BTC_USD, price=D("25000")),
                      Success)
    below = validate_order(order(quantity="0.004"), BTC_USD, price=D("24999.9")).failure()
    assert below.codes() == ("order.min_notional",)
    limit = order(quantity="0.004", kind=OrderKind.LIMIT, limit_price=D("24999.9"))
    assert validate_order(limit, BTC_USD, price=PRICE).failure().codes() == (
        "order.min_notional",)
    stop = order(quantity="0.004", kind=OrderKind.STOP_MARKET, stop_price=D("25000"))
    assert isinstance(validate_order(stop, BTC_USD, price=D("1")), Success)
    # reduce-only orders are exempt (Binance -4164 "... unless you choose reduce only")
    assert isinstance(validate_order(order(quantity="0.002", reduce_only=True), BTC_USD,
                                     price=D("1")), Success)


@pytest.mark.parametrize(("kind", "side", "stop", "refused"), [
    # Binance: STOP buy triggers at p >= stop, sell at p <= stop; TAKE_PROFIT the reverse.
    (OrderKind.STOP_MARKET, Side.BUY, "30000", True),        # p == stop: already triggered
    (OrderKind.STOP_MARKET, Side.BUY, "30000.1", False),
    (OrderKind.STOP_LIMIT, Side.SELL, "30000", True),
    (OrderKind.STOP_LIMIT, Side.SELL, "29999.9", False),
    (OrderKind.TAKE_PROFIT_MARKET, Side.BUY, "30000", True),
    (OrderKind.TAKE_PROFIT_MARKET, Side.BUY, "29999.9", False),
    (OrderKind.TAKE_PROFIT_LIMIT, Side.SELL, "30000", True),
    (OrderKind.TAKE_PROFIT_LIMIT, Side.SELL, "30000.1", False),
])
def test_a_conditional_order_that_would_trigger_at_once_is_refused(
        kind: OrderKind, side: Side, stop: str, refused: bool) -> None:
    request = order(side, kind=kind, stop_price=D(stop),
                    limit_price=D(stop) if kind.has_limit else None)
    result = admit(request, BTC_USD, price=PRICE, position=D(0))
    if refused:
        assert result.failure().code == "order.would_trigger"
        assert result.failure().kind is ErrorKind.REJECTED
    else:
        working = result.unwrap()
        assert not working.triggered and working.filled == 0


@pytest.mark.parametrize(("side", "activation", "refused"), [
    # Binance: "SELL: activationPrice should be larger than latest price", a buy's smaller.
    (Side.SELL, "30000", True), (Side.SELL, "30000.1", False),
    (Side.BUY, "30000", True), (Side.BUY, "29999.9", False),
])
def test_a_trailing_stops_activation_must_lie_beyond_the_market(side: Side, activation: str,
                                                                 refused: bool) -> None:
    request = order(side, kind=OrderKind.TRAILING_STOP_MARKET,
                    trailing=Trailing.percent(D("0.01"), D(activation)))
    result = admit(request, BTC_USD, price=PRICE, position=D(0))
    assert (isinstance(result, Failure) and result.failure().code == "order.would_trigger") \
        is refused
    if not refused:
        assert result.unwrap().best == PRICE  # the best price starts at the placement price


@pytest.mark.parametrize(("side", "limit", "refused"), [
    (Side.BUY, "30000", True), (Side.BUY, "29999.9", False),
    (Side.SELL, "30000", True), (Side.SELL, "30000.1", False),
])
def test_a_post_only_order_that_would_cross_is_refused(side: Side, limit: str,
                                                       refused: bool) -> None:
    request = order(side, kind=OrderKind.LIMIT, limit_price=D(limit),
                    time_in_force=TimeInForce.GTX)
    result = admit(request, BTC_USD, price=PRICE, position=D(0))
    if refused:
        assert result.failure().code == "order.post_only_would_cross"
    else:
        assert isinstance(result, Success)


@pytest.mark.parametrize(("side", "position", "refused"), [
    (Side.SELL, "0", True), (Side.SELL, "-0.5", True), (Side.SELL, "0.001", False),
    (Side.BUY, "0.5", True), (Side.BUY, "-0.001", False),
])
def test_a_reduce_only_order_needs_a_position_to_reduce(side: Side, position: str,
                                                        refused: bool) -> None:
    result = admit(order(side, reduce_only=True), BTC_USD, price=PRICE, position=D(position))
    assert (isinstance(result, Failure) and result.failure().code == "order.reduce_only") \
        is refused


def test_position_sides_must_match_the_accounts_mode() -> None:
    assert refusal(order(position_side=PositionSide.LONG)).code == "order.position_side"
    assert refusal(order(), mode=PositionMode.HEDGE).code == "order.position_side"
    long_open = order(position_side=PositionSide.LONG)
    assert isinstance(admit(long_open, BTC_USD, price=PRICE, position=D(0),
                            mode=PositionMode.HEDGE), Success)
    # a hedge leg's closing side reduces without reduce_only, and needs the leg open
    long_close = order(Side.SELL, position_side=PositionSide.LONG)
    assert is_reducing(long_close)
    assert refusal(long_close, mode=PositionMode.HEDGE).code == "order.reduce_only"
    assert isinstance(admit(long_close, BTC_USD, price=PRICE, position=D("0.01"),
                            mode=PositionMode.HEDGE), Success)
    assert not is_reducing(order(Side.SELL, position_side=PositionSide.SHORT))


@settings(max_examples=150)
@given(hostile_orders(), positive_decimals(10**6, 2), st.sampled_from(["-1", "0", "1"]),
       st.sampled_from(list(PositionMode)))
def test_admit_answers_a_result_for_every_order_of_its_declared_types(
        request_: OrderRequest, price: Decimal, position: str, mode: PositionMode) -> None:
    result = admit(request_, BTC_USD, price=price, position=D(position), mode=mode)
    match result:
        case Failure(error):
            assert isinstance(error, DomainError) and error.kind is not ErrorKind.UNAVAILABLE
        case Success(working):
            assert working.request == request_ and working.filled == 0

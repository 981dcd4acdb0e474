"""The paper exchange: the exchange conformance suite, then its own fill, fee and slippage
rules."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.testing import hostile_contexts
from astratrade_core.trading import FeeSchedule, Liquidity
from astratrade_shell.exchanges import (
    Exchange,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PaperExchange,
    Side,
)
from tests.shell.exchanges.conformance import PRICE, SYMBOL, ExchangeConformance

ETH_USD = Instrument.of("ETH", ETH, USD, tick_size="0.01", lot_size="0.01",
                        min_notional="10").unwrap()


class TestPaperExchange(ExchangeConformance):
    """The conformance suite on a BTCUSDT book shaped like the emulator's (tick 0.1, lot
    0.001, minimum notional 100)."""

    def open_exchange(self) -> Exchange:
        btc = Instrument.of(SYMBOL, BTC, USD, tick_size="0.1", lot_size="0.001",
                            min_notional="100").unwrap()
        return PaperExchange({SYMBOL: btc}, FeeSchedule(Decimal("0.0002"), Decimal("0.0004")),
                             slippage=Decimal("0.0005"), prices={SYMBOL: PRICE})

    def market_trades(self, exchange: Exchange, resting: OrderRequest) -> Mapping[str, Decimal]:
        assert resting.limit_price is not None
        return {SYMBOL: resting.limit_price}  # the price reaches the limit

    def market_moves(self, exchange: Exchange, price: Decimal) -> Mapping[str, Decimal]:
        return {SYMBOL: price}


def venue(price: str = "2000") -> PaperExchange:
    return PaperExchange({"ETH": ETH_USD}, FeeSchedule(Decimal("0.0002"), Decimal("0.0005")),
                         slippage=Decimal("0.001"), prices={"ETH": Decimal(price)})


def order(cid: str, side: Side, quantity: str, limit: str | None = None) -> OrderRequest:
    return OrderRequest(client_order_id=cid, account_id="bob", symbol="ETH", side=side,
                        quantity=Decimal(quantity),
                        kind=OrderKind.MARKET if limit is None else OrderKind.LIMIT,
                        limit_price=None if limit is None else Decimal(limit))


def test_a_market_sell_slips_down_and_pays_the_taker_fee() -> None:
    report = venue().submit(order("s-1", Side.SELL, "1.50")).unwrap()
    fill = report.executions[0].fill
    # 2000 * (1 - 0.001) = 1998.00; fee 1.5 * 1998 * 0.0005 = 1.4985 -> up to 1.50
    assert (report.status, fill.quantity, fill.price, fill.fee, fill.liquidity) == (
        OrderStatus.FILLED, Decimal("-1.50"), Decimal("1998.00"), Decimal("1.50"), Liquidity.TAKER)


def test_a_resting_limit_fills_as_maker_at_its_price_when_reached() -> None:
    exchange = venue()
    assert exchange.submit(order("b-1", Side.BUY, "1", "1990.00")).unwrap().status \
        is OrderStatus.OPEN
    assert exchange.on_prices({"ETH": Decimal("1995")}) == ()
    (report,) = exchange.on_prices({"ETH": Decimal("1989.5")})
    fill = report.executions[0].fill
    # maker at the limit: 1 * 1990 * 0.0002 = 0.398 -> 0.40
    assert (fill.price, fill.fee, fill.liquidity) == (Decimal("1990.00"), Decimal("0.40"),
                                                      Liquidity.MAKER)
    assert exchange.submit(order("b-1", Side.BUY, "1", "1990.00")).unwrap() == report


def test_a_marketable_limit_is_capped_by_its_limit() -> None:
    # slipped buy 2000 * 1.001 = 2002.00, capped at the 2001.00 limit
    fill = venue().submit(order("b-2", Side.BUY, "1", "2001.00")).unwrap().executions[0].fill
    assert fill.price == Decimal("2001.00")


def test_cancel_only_open_orders() -> None:
    exchange = venue()
    exchange.submit(order("b-3", Side.BUY, "1", "1500.00")).unwrap()
    assert exchange.cancel("b-3").unwrap().status is OrderStatus.CANCELLED
    assert exchange.on_prices({"ETH": Decimal("1000")}) == ()
    assert exchange.cancel("b-3").failure().code == "exchange.not_open"


def test_instrument_rules_reject_orders_as_values() -> None:
    exchange = venue()
    assert exchange.submit(order("x-1", Side.BUY, "0.015")).failure().codes() == (
        "order.lot_size",)
    # 0.01 * 2000 = 20 >= 10 is fine; at 500 the notional 5 is too small
    assert exchange.submit(order("x-2", Side.BUY, "0.01")).unwrap().status is OrderStatus.FILLED
    cheap = venue("500")
    assert cheap.submit(order("x-3", Side.BUY, "0.01")).failure().codes() == (
        "order.min_notional",)
    assert exchange.submit(order("x-4", Side.BUY, "1", "1999.999")).failure().codes() == (
        "order.tick_size",)
    unknown = OrderRequest(client_order_id="x-5", account_id="a", symbol="DOGE", side=Side.BUY,
                           quantity=Decimal("1"))
    assert exchange.submit(unknown).failure().code == "exchange.unknown_symbol"


@given(st.integers(1, 500), st.sampled_from(list(Side)))
def test_market_fills_never_favour_the_trader(lots: int, side: Side) -> None:
    quantity = Decimal(lots) * ETH_USD.lot_size
    fill = venue().submit(order("p", side, str(quantity))).unwrap().executions[0].fill
    if side is Side.BUY:
        assert fill.price >= Decimal("2000") and fill.quantity == quantity
    else:
        assert fill.price <= Decimal("2000") and fill.quantity == -quantity
    assert fill.fee >= 0


@settings(max_examples=25)
@given(hostile_contexts(), st.integers(1, 300), st.sampled_from(list(Side)))
def test_fills_ignore_the_callers_decimal_context(context: decimal.Context, lots: int,
                                                   side: Side) -> None:
    quantity = str(Decimal(lots) * ETH_USD.lot_size)
    expected = venue().submit(order("h", side, quantity)).unwrap()
    with decimal.localcontext(context):
        assert venue().submit(order("h", side, quantity)).unwrap() == expected

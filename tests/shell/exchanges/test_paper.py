"""The paper exchange: the exchange conformance suite, then its own fill, fee and slippage
rules, partial fills on a thin book, the group laws over random price paths, the mode lock,
and scheduled funding (worked by hand, conserved between accounts, booked by the portfolio)."""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from astratrade_core.events import FundingApplied
from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, ETH, USD
from astratrade_core.portfolio import (
    Deposit,
    ExecuteTrade,
    PortfolioState,
    SetPositionMode,
    decide,
    replay,
)
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import hostile_contexts
from astratrade_core.trading import FeeSchedule, FundingHistory, FundingSchedule, Liquidity
from astratrade_shell.exchanges import (
    Exchange,
    OrderGroup,
    OrderKind,
    OrderRequest,
    OrderStatus,
    PaperExchange,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    funding_commands,
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


# --- partial fills ----------------------------------------------------------------------------


def deep(depth: str, price: str = "2000") -> PaperExchange:
    return PaperExchange({"ETH": ETH_USD}, FeeSchedule(Decimal("0.0002"), Decimal("0.0005")),
                         prices={"ETH": Decimal(price)}, depth={"ETH": Decimal(depth)})


def test_a_large_limit_fills_in_parts_and_reports_each_part_once() -> None:
    exchange = deep("0.40")
    placed = exchange.submit(order("p-1", Side.BUY, "1.00", "1990.00")).unwrap()
    assert (placed.status, placed.executions) == (OrderStatus.OPEN, ())
    parts = []
    for price in ("1990", "1989", "1995", "1985"):
        parts += [(r.status, [e.fill.quantity for e in r.executions])
                  for r in exchange.on_prices({"ETH": Decimal(price)})]
    # 0.40 at 1990, 0.40 at 1989, nothing at 1995 (above the limit), the last 0.20 at 1985
    assert parts == [(OrderStatus.OPEN, [Decimal("0.40")]), (OrderStatus.OPEN, [Decimal("0.40")]),
                     (OrderStatus.FILLED, [Decimal("0.20")])]
    again = exchange.submit(order("p-1", Side.BUY, "1.00", "1990.00")).unwrap()
    assert [e.fill.quantity for e in again.executions] == [Decimal("0.40"), Decimal("0.40"),
                                                            Decimal("0.20")]
    assert exchange.position("bob", "ETH") == Decimal("1.00")


def test_a_cancel_reports_only_the_fills_not_reported_before() -> None:
    exchange = deep("0.40")
    exchange.submit(order("p-2", Side.SELL, "1.00", "2010.00")).unwrap()
    (first,) = exchange.on_prices({"ETH": Decimal("2010")})
    cancelled = exchange.cancel("p-2").unwrap()
    assert (cancelled.status, cancelled.executions) == (OrderStatus.CANCELLED, ())
    assert [e.fill.quantity for e in first.executions] == [Decimal("-0.40")]


@settings(max_examples=60)
@given(st.integers(1, 200), st.integers(1, 200), st.sampled_from(list(TimeInForce)[:3]))
def test_a_thin_book_honours_fill_or_kill_and_immediate_or_cancel(lots: int, depth_lots: int,
                                                                  tif: TimeInForce) -> None:
    exchange = deep(str(depth_lots * ETH_USD.lot_size))
    size = lots * ETH_USD.lot_size
    request = attrs.evolve(order("t", Side.BUY, str(size), "2100.00"), time_in_force=tif)
    report = exchange.submit(request).unwrap()
    filled = sum((e.fill.quantity for e in report.executions), Decimal(0))
    available = min(size, depth_lots * ETH_USD.lot_size)
    if tif is TimeInForce.FOK:
        assert filled in (0, size) and (filled == size) == (depth_lots >= lots)
    else:
        assert filled == available
    if tif is not TimeInForce.GTC:
        assert report.status in (OrderStatus.FILLED, OrderStatus.EXPIRED)


# --- group laws over random price paths ---------------------------------------------------------

paths = st.lists(st.integers(1800, 2200).map(Decimal), min_size=1, max_size=25)


@settings(max_examples=100)
@given(paths, st.sampled_from(["oco", "bracket"]), st.sampled_from(["0.3", "5"]))
def test_a_group_never_executes_both_exits(path: list[Decimal], kind: str, depth: str) -> None:
    exchange = deep(depth)
    exchange.submit(order("open", Side.BUY, "1.00")).unwrap()
    stop = OrderRequest(client_order_id="sl", account_id="bob", symbol="ETH", side=Side.SELL,
                        quantity=Decimal("1.00"), kind=OrderKind.STOP_LIMIT,
                        stop_price=Decimal("1950.00"), limit_price=Decimal("1940.00"),
                        reduce_only=True)
    target = OrderRequest(client_order_id="tp", account_id="bob", symbol="ETH", side=Side.SELL,
                          quantity=Decimal("1.00"), kind=OrderKind.LIMIT,
                          limit_price=Decimal("2050.00"), reduce_only=True)
    if kind == "oco":
        group = OrderGroup.oco("g", stop, target)
    else:
        exchange.submit(order("close", Side.SELL, "1.00")).unwrap()
        entry = order("e", Side.BUY, "1.00", "1990.00")
        group = OrderGroup.bracket("g", entry, stop, target)
    exchange.submit_group(group).unwrap()
    executed: dict[str, Decimal] = {"sl": Decimal(0), "tp": Decimal(0)}
    for price in path:
        for report in exchange.on_prices({"ETH": price}):
            cid = report.request.client_order_id
            if cid in executed:
                executed[cid] += sum((e.fill.quantity for e in report.executions), Decimal(0))
    assert executed["sl"] == 0 or executed["tp"] == 0
    # reduce-only exits never take the account short
    assert exchange.position("bob", "ETH") >= 0


# --- hedge mode and the mode lock ----------------------------------------------------------------


def test_the_mode_is_locked_by_a_working_order_too() -> None:
    exchange = venue()
    exchange.submit(order("w", Side.BUY, "1", "1500.00")).unwrap()
    assert exchange.set_position_mode("bob", PositionMode.HEDGE).failure().code == (
        "exchange.orders_open")
    exchange.cancel("w").unwrap()
    assert exchange.set_position_mode("bob", PositionMode.HEDGE).unwrap() is PositionMode.HEDGE
    assert exchange.mode("bob") is PositionMode.HEDGE and exchange.mode("al") is (
        PositionMode.ONE_WAY)


# --- funding ----------------------------------------------------------------------------------

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def funded(rates: list[tuple[datetime, str]], cap: str = "0.003",
           start: datetime = T0) -> PaperExchange:
    schedule = FundingSchedule.of(hours=8, cap=cap, floor=f"-{cap}").unwrap()
    return PaperExchange({"ETH": ETH_USD}, FeeSchedule(Decimal(0), Decimal(0)),
                         prices={"ETH": Decimal("2000")}, funding={"ETH": schedule},
                         funding_rates={"ETH": FundingHistory.of(rates).unwrap()}, start=start)


def trade(exchange: PaperExchange, account: str, side: Side, quantity: str,
          leg: PositionSide = PositionSide.BOTH) -> None:
    exchange.submit(OrderRequest(client_order_id=f"{account}-{side.value}-{leg}",
                                 account_id=account, symbol="ETH", side=side,
                                 quantity=Decimal(quantity), position_side=leg)).unwrap()


def test_funding_is_charged_at_each_funding_time_longs_paying_shorts() -> None:
    exchange = funded([(T0, "0.0001"), (T0 + timedelta(hours=8), "-0.0002")])
    trade(exchange, "ann", Side.BUY, "1.5")
    trade(exchange, "bob", Side.SELL, "1.5")
    assert exchange.on_time(T0 + timedelta(hours=7, minutes=59)) == ()
    # 08:00 (the rate of 08:00 is -0.02 %): 1.5 * 2000 * -0.0002 = -0.6 for the long
    at_eight = exchange.on_time(T0 + timedelta(hours=8))
    assert [(s.account_id, s.funding_time.hour, s.payment) for s in at_eight] == [
        ("ann", 8, Decimal("-0.600000")), ("bob", 8, Decimal("0.600000"))]
    # a day later at a mark of 2100: 16:00 and 00:00 at -0.02 % each
    exchange.on_prices({"ETH": Decimal("2100")})
    later = exchange.on_time(T0 + timedelta(days=1))
    assert [(s.funding_time.hour, s.payment) for s in later if s.account_id == "ann"] == [
        (16, Decimal("-0.630000")), (0, Decimal("-0.630000"))]
    assert sum((s.payment for s in (*at_eight, *later)), Decimal(0)) == 0


def test_funding_rates_are_clamped_and_missing_rates_charge_nothing() -> None:
    exchange = funded([(T0 + timedelta(hours=8), "0.01")], cap="0.0075",
                      start=T0 - timedelta(hours=1))
    trade(exchange, "ann", Side.BUY, "1")
    # 00:00 has no published rate yet: nothing; 08:00: 1 % clamped to the 0.75 % cap,
    # 1 * 2000 * 0.0075 = 15
    (settled,) = exchange.on_time(T0 + timedelta(hours=8))
    assert (settled.funding_time.hour, settled.rate) == (8, Decimal("0.0075"))
    assert settled.payment == Decimal("15.0000")
    unpublished = funded([])
    trade(unpublished, "ann", Side.BUY, "1")
    assert unpublished.on_time(T0 + timedelta(days=3)) == ()


def test_hedge_legs_settle_separately_and_book_through_the_portfolio() -> None:
    exchange = funded([(T0, "0.0001")])
    exchange.set_position_mode("ann", PositionMode.HEDGE).unwrap()
    trade(exchange, "ann", Side.BUY, "2", PositionSide.LONG)
    trade(exchange, "ann", Side.SELL, "0.5", PositionSide.SHORT)
    settled = exchange.on_time(T0 + timedelta(hours=8))
    assert [(s.position_side, s.payment) for s in settled] == [
        (PositionSide.LONG, Decimal("0.400000")), (PositionSide.SHORT, Decimal("-0.100000"))]
    (command,) = funding_commands(settled)
    # the account's portfolio, holding the same legs, books the same payments
    state = replay(decide(PortfolioState.EMPTY, Deposit(
        command_id="d", account_id="ann", issued_at=T0, currency="USD",
        amount=Decimal(10_000))).unwrap())
    state = replay(decide(state, SetPositionMode(command_id="m", account_id="ann",
                                                 issued_at=T0, mode=PositionMode.HEDGE)
                          ).unwrap(), state)
    for n, (quantity, leg) in enumerate(((Decimal(2), PositionSide.LONG),
                                         (Decimal("-0.5"), PositionSide.SHORT))):
        state = replay(decide(state, ExecuteTrade(
            command_id=f"t{n}", account_id="ann", issued_at=T0, symbol="ETH",
            quote_currency="USD", quantity=quantity, price=Decimal(2000),
            policy=RiskPolicy(max_leverage=Decimal(10)), position_side=leg)).unwrap(), state)
    events = decide(state, command).unwrap()
    assert [e.payment for e in events if isinstance(e, FundingApplied)] == [
        s.payment for s in settled]


@settings(max_examples=50)
@given(st.lists(st.integers(-50, 50).filter(lambda n: n != 0), min_size=1, max_size=6),
       st.integers(-30, 30))
def test_funding_conserves_between_accounts_on_a_balanced_book(lots: list[int],
                                                                rate_bp: int) -> None:
    exchange = funded([(T0, str(Decimal(rate_bp).scaleb(-4)))])
    book = [*lots, -sum(lots)]
    for n, units in enumerate(book):
        if units:
            trade(exchange, f"acct{n}", Side.BUY if units > 0 else Side.SELL,
                  str(abs(units) * ETH_USD.lot_size))
    settled = exchange.on_time(T0 + timedelta(hours=8))
    assert sum((s.payment for s in settled), Decimal(0)) == 0
    assert all((s.payment > 0) == (s.quantity > 0) for s in settled if rate_bp > 0)


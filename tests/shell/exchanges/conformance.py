"""The one abstract conformance suite for :class:`astratrade_shell.exchanges.Exchange`.

Every venue adapter's test module subclasses :class:`ExchangeConformance` and implements
``open_exchange`` (a fresh venue where :data:`SYMBOL` trades at :data:`PRICE` with a 0.001
lot, a 0.1 tick and a minimum notional of at most 100), ``market_trades`` (make the venue's
market fill a resting limit order in full at its limit; answer the prices to pass to
``on_prices``) and ``market_moves`` (the market trades at a price: resting limits it reaches
fill, conditional orders whose trigger it meets fire; answer the prices to pass to
``on_prices``).  The paper exchange and the ccxt adapter (against the loopback Binance
emulator) pass the same tests.

The port's promises: a market order fills at once with executions that sum to the order's
signed quantity (buy > 0), each naming the order and paying a non-negative fee; a
``client_order_id`` submitted again returns the first report and trades nothing; a limit order
away from the market rests until the market reaches it, is reported filled exactly once
(as maker, at its limit), and can be cancelled while it rests, once; stop, take-profit and
trailing-stop orders wait for their trigger and one whose trigger already holds is refused;
post-only orders never take liquidity, IOC and FOK orders never rest, reduce-only orders
never open; an OCO pair never executes both legs and a bracket places its exits when its entry
fills; hedge mode keeps two legs and cannot be switched with a position open; refusals are
``DomainError`` values with stable codes -- the same code on every venue.
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
    OrderGroup,
    OrderKind,
    OrderReport,
    OrderRequest,
    OrderStatus,
    PositionMode,
    PositionSide,
    Side,
    TimeInForce,
    Trailing,
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
          quantity: Decimal = SIZE, kind: OrderKind | None = None,
          stop: Decimal | None = None, tif: TimeInForce = TimeInForce.GTC,
          reduce_only: bool = False, trailing: Trailing | None = None,
          position_side: PositionSide = PositionSide.BOTH) -> OrderRequest:
    """An order with a fresh client order id."""
    if kind is None:
        kind = OrderKind.MARKET if limit is None else OrderKind.LIMIT
    return OrderRequest(client_order_id=f"conf-{uuid.uuid4().hex[:12]}", account_id=ACCOUNT,
                        symbol=symbol, side=side, quantity=quantity, kind=kind,
                        limit_price=limit, stop_price=stop, time_in_force=tif,
                        reduce_only=reduce_only, trailing=trailing,
                        position_side=position_side)


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

    @abc.abstractmethod
    def market_moves(self, exchange: Exchange, price: Decimal) -> Mapping[str, Decimal]:
        """Make the market trade at ``price``; the prices to tell the venue next."""

    def moved(self, venue: Exchange, price: str) -> tuple[OrderReport, ...]:
        """The reports after the market trades at ``price``."""
        return venue.on_prices(self.market_moves(venue, Decimal(price)))

    def long(self, venue: Exchange) -> None:
        """Open a long of :data:`SIZE` at the market."""
        assert venue.submit(order(Side.BUY)).unwrap().status is OrderStatus.FILLED

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

    # --- conditional orders ---------------------------------------------------------------

    def test_a_stop_market_waits_for_its_trigger_then_fills(self, venue: Exchange) -> None:
        self.long(venue)
        stop = order(Side.SELL, kind=OrderKind.STOP_MARKET, stop=PRICE - AWAY,
                     reduce_only=True)
        placed = venue.submit(stop).unwrap()
        assert (placed.status, placed.executions) == (OrderStatus.OPEN, ())
        assert self.moved(venue, "29600") == ()  # above the 29,500 stop: nothing
        (fired,) = self.moved(venue, "29500")     # at the stop: Binance's "p <= stopPrice"
        assert fired.request == stop and fired.status is OrderStatus.FILLED
        assert signed_total(fired) == -SIZE
        assert all(e.fill.liquidity is Liquidity.TAKER for e in fired.executions)
        assert self.moved(venue, "29000") == ()    # reported once

    def test_a_take_profit_limit_triggers_then_trades_at_its_limit(self,
                                                                   venue: Exchange) -> None:
        self.long(venue)
        target = order(Side.SELL, kind=OrderKind.TAKE_PROFIT_LIMIT, stop=PRICE + AWAY,
                       limit=PRICE + AWAY, reduce_only=True)
        assert venue.submit(target).unwrap().status is OrderStatus.OPEN
        (fired,) = self.moved(venue, "30500")
        assert fired.status is OrderStatus.FILLED and signed_total(fired) == -SIZE
        assert all(e.fill.price == PRICE + AWAY for e in fired.executions)

    @pytest.mark.parametrize(("kind", "stop"), [(OrderKind.STOP_MARKET, PRICE + AWAY),
                                                 (OrderKind.TAKE_PROFIT_MARKET, PRICE - AWAY),
                                                 (OrderKind.STOP_MARKET, PRICE)])
    def test_a_conditional_order_whose_trigger_holds_is_refused(
            self, venue: Exchange, kind: OrderKind, stop: Decimal) -> None:
        self.long(venue)
        refused = venue.submit(order(Side.SELL, kind=kind, stop=stop, reduce_only=True))
        assert isinstance(refused, Failure)
        assert (refused.failure().code, refused.failure().kind) == (
            "order.would_trigger", ErrorKind.REJECTED)

    def test_a_trailing_stop_follows_the_high_then_fires(self, venue: Exchange) -> None:
        self.long(venue)
        trail = order(Side.SELL, kind=OrderKind.TRAILING_STOP_MARKET, reduce_only=True,
                      trailing=Trailing.percent(Decimal("0.01")))
        assert venue.submit(trail).unwrap().status is OrderStatus.OPEN
        # the high moves to 31,000, so the stop to 31,000 * 0.99 = 30,690
        assert self.moved(venue, "31000") == ()
        assert self.moved(venue, "30700") == ()
        (fired,) = self.moved(venue, "30690")
        assert fired.status is OrderStatus.FILLED and signed_total(fired) == -SIZE

    # --- time in force, post-only, reduce-only --------------------------------------------

    def test_a_crossing_post_only_order_is_refused_and_a_resting_one_rests(
            self, venue: Exchange) -> None:
        refused = venue.submit(order(Side.BUY, limit=PRICE, tif=TimeInForce.GTX))
        assert isinstance(refused, Failure)
        assert refused.failure().code == "order.post_only_would_cross"
        resting = venue.submit(order(Side.BUY, limit=PRICE - AWAY, tif=TimeInForce.GTX))
        assert resting.unwrap().status is OrderStatus.OPEN

    @pytest.mark.parametrize("tif", [TimeInForce.IOC, TimeInForce.FOK])
    def test_ioc_and_fok_never_rest(self, venue: Exchange, tif: TimeInForce) -> None:
        away = venue.submit(order(Side.BUY, limit=PRICE - AWAY, tif=tif)).unwrap()
        assert (away.status, away.executions) == (OrderStatus.EXPIRED, ())
        crossing = venue.submit(order(Side.BUY, limit=PRICE + AWAY, tif=tif)).unwrap()
        assert crossing.status is OrderStatus.FILLED and signed_total(crossing) == SIZE
        assert self.moved(venue, "29000") == ()

    def test_a_reduce_only_order_never_opens(self, venue: Exchange) -> None:
        refused = venue.submit(order(Side.SELL, reduce_only=True))
        assert isinstance(refused, Failure)
        assert refused.failure().code == "order.reduce_only"
        self.long(venue)
        closed = venue.submit(order(Side.SELL, reduce_only=True)).unwrap()
        assert closed.status is OrderStatus.FILLED and signed_total(closed) == -SIZE

    # --- groups ---------------------------------------------------------------------------

    def exits(self) -> tuple[OrderRequest, OrderRequest]:
        """A protective stop and a target for a long of :data:`SIZE`."""
        return (order(Side.SELL, kind=OrderKind.STOP_MARKET, stop=PRICE - AWAY,
                      reduce_only=True),
                order(Side.SELL, kind=OrderKind.TAKE_PROFIT_MARKET, stop=PRICE + AWAY,
                      reduce_only=True))

    def test_an_oco_pair_never_executes_both_legs(self, venue: Exchange) -> None:
        self.long(venue)
        stop, target = self.exits()
        group = OrderGroup.oco(f"oco-{uuid.uuid4().hex[:8]}", stop, target)
        placed = venue.submit_group(group).unwrap()
        assert [r.status for r in placed] == [OrderStatus.OPEN, OrderStatus.OPEN]
        reports = {r.request.client_order_id: r for r in self.moved(venue, "30500")}
        assert reports[target.client_order_id].status is OrderStatus.FILLED
        assert signed_total(reports[target.client_order_id]) == -SIZE
        assert reports[stop.client_order_id].status is OrderStatus.CANCELLED
        assert self.moved(venue, "29000") == ()  # the stop is gone
        assert venue.submit_group(group).unwrap()[1].status is OrderStatus.FILLED  # idempotent

    def test_an_oco_leg_filling_on_arrival_cancels_the_other_before_it_trades(
            self, venue: Exchange) -> None:
        # both legs would buy at once; the first fills on arrival, so the second never trades
        first = order(Side.BUY, limit=PRICE + AWAY, tif=TimeInForce.IOC)
        second = order(Side.BUY, limit=PRICE + AWAY)
        reports = venue.submit_group(OrderGroup.oco(f"oco-{uuid.uuid4().hex[:8]}", first,
                                                    second)).unwrap()
        assert [r.status for r in reports] == [OrderStatus.FILLED, OrderStatus.CANCELLED]
        assert signed_total(reports[0]) == SIZE and reports[1].executions == ()
        assert self.moved(venue, "29000") == ()

    def test_a_bracket_places_its_exits_when_the_entry_fills(self, venue: Exchange) -> None:
        stop, target = self.exits()
        entry = order(Side.BUY, limit=PRICE - Decimal(100))
        group = OrderGroup.bracket(f"br-{uuid.uuid4().hex[:8]}", entry, stop, target)
        placed = venue.submit_group(group).unwrap()
        assert [r.status for r in placed] == [OrderStatus.OPEN, OrderStatus.PENDING,
                                              OrderStatus.PENDING]
        reports = {r.request.client_order_id: r for r in self.moved(venue, "29900")}
        assert reports[entry.client_order_id].status is OrderStatus.FILLED
        assert {reports[o.client_order_id].status for o in (stop, target)} == {
            OrderStatus.OPEN}
        fired = {r.request.client_order_id: r for r in self.moved(venue, "29500")}
        assert fired[stop.client_order_id].status is OrderStatus.FILLED
        assert signed_total(fired[stop.client_order_id]) == -SIZE
        assert fired[target.client_order_id].status is OrderStatus.CANCELLED
        assert self.moved(venue, "30500") == ()

    def test_cancelling_an_unfilled_bracket_entry_cancels_its_exits(self,
                                                                   venue: Exchange) -> None:
        stop, target = self.exits()
        entry = order(Side.BUY, limit=PRICE - AWAY)
        venue.submit_group(OrderGroup.bracket(f"br-{uuid.uuid4().hex[:8]}", entry, stop,
                                              target)).unwrap()
        assert venue.cancel(entry.client_order_id).unwrap().status is OrderStatus.CANCELLED
        ended = {r.request.client_order_id: r.status for r in venue.on_prices({})}
        assert ended == {stop.client_order_id: OrderStatus.CANCELLED,
                         target.client_order_id: OrderStatus.CANCELLED}

    # --- hedge mode -----------------------------------------------------------------------

    def test_hedge_mode_holds_both_legs_and_locks_the_mode(self, venue: Exchange) -> None:
        assert venue.set_position_mode(ACCOUNT, PositionMode.HEDGE).unwrap() is (
            PositionMode.HEDGE)
        assert venue.set_position_mode(ACCOUNT, PositionMode.HEDGE).unwrap() is (
            PositionMode.HEDGE)  # already: a no-op
        one_way = venue.submit(order(Side.BUY))
        assert isinstance(one_way, Failure)
        assert one_way.failure().code == "order.position_side"
        long = venue.submit(order(Side.BUY, position_side=PositionSide.LONG)).unwrap()
        short = venue.submit(order(Side.SELL, position_side=PositionSide.SHORT)).unwrap()
        assert (signed_total(long), signed_total(short)) == (SIZE, -SIZE)
        locked = venue.set_position_mode(ACCOUNT, PositionMode.ONE_WAY)
        assert isinstance(locked, Failure)
        assert locked.failure().code == "exchange.positions_open"
        # a leg's closing side reduces without reduce-only, and never beyond the leg
        over = venue.submit(order(Side.BUY, position_side=PositionSide.SHORT,
                                  quantity=SIZE + SIZE)).unwrap()
        assert signed_total(over) == SIZE

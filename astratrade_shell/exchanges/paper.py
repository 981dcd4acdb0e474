"""The paper exchange: the default venue, filling orders against the current market price.

It is the shell loop around the core's order rules (:func:`~astratrade_core.trading.admit`,
:func:`~astratrade_core.trading.step`, :class:`~astratrade_core.trading.GroupState`) and funding
(:class:`~astratrade_core.trading.FundingSchedule`); all amounts are exact.

* **Prices.** Each symbol has one current price.  A taker buy pays it moved against the
  trader by ``slippage`` (a fraction) and rounded UP to the tick; a taker sell receives
  ``price * (1 - slippage)`` rounded DOWN (never below one tick).  ``depth`` (per symbol,
  optional) is the most one order can fill at one price: larger orders fill in parts over
  successive prices (partial fills).
* **Orders** (every kind, time in force, reduce-only, post-only and position side of
  :mod:`astratrade_core.trading.orders`) are admitted against the account's position and
  mode, then stepped on arrival and at every later price of their symbol
  (:meth:`PaperExchange.on_prices`): market orders and marketable limits take liquidity
  (capped by their limit), resting limits fill as maker at their limit, conditional orders
  wait for their trigger, ``IOC``/``FOK`` never rest.  Orders of one symbol are stepped in
  arrival order.
* **Groups** (:meth:`PaperExchange.submit_group`): OCO pairs and brackets follow
  :mod:`astratrade_core.trading.brackets`; a sibling is cancelled before the next order is
  stepped, so an OCO pair never executes both legs.  A bracket's exits are placed when its
  entry completes and fire at once if the market has already passed their trigger.
* **Positions and modes.**  The venue keeps each account's signed position per symbol and
  leg from its own executions (reduce-only and funding need them) and its one-way or hedge
  mode (:meth:`PaperExchange.set_position_mode`: refused with a position or a working order,
  Binance -4068 / -4067).
* **Funding.**  With ``funding`` schedules and ``funding_rates`` histories per symbol,
  :meth:`PaperExchange.on_time` settles every funding time passed since the previous call:
  each open leg pays ``quantity x price x rate`` at the symbol's current price, the rate being
  the history's rate in force clamped to the schedule's cap and floor (no published rate: no
  funding).  Call it whenever the clock moves, before the step's new orders, so the
  positions it charges are those held at the funding time.
  :func:`~astratrade_shell.exchanges.port.funding_commands` books the settlements.
* **Fees** come from the core's :class:`~astratrade_core.trading.FeeSchedule`, rounded to the
  quote currency's minor unit in the venue's favour.
* **Inverse instruments** (``kind=INVERSE``, coin-margined): quantities are contracts and
  positions count contracts; a fill's fee is in the base coin, ``|contracts| * contract_size /
  price * rate`` (:func:`~astratrade_core.trading.inverse_fee`), rounded up to the coin's minor
  unit; funding is in the coin too, ``contracts * contract_size / mark * rate`` per leg (exact,
  as the linear ``quantity x mark x rate``).
* ``client_order_id`` (and a group's ``group_id``) makes submission idempotent.

>>> from decimal import Decimal as D
>>> from astratrade_core.instrument import Instrument
>>> from astratrade_core.money import BTC, USD
>>> from astratrade_core.trading import FeeSchedule, Side
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
from datetime import datetime
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import CONTEXT, ONE, ZERO, Rounding, round_to_increment
from astratrade_core.trading import (
    FeeSchedule,
    Fill,
    FundingHistory,
    FundingSchedule,
    GroupActions,
    GroupKind,
    GroupState,
    Liquidity,
    Market,
    OrderGroup,
    OrderRequest,
    OrderStatus,
    PositionMode,
    PositionSide,
    WorkingOrder,
    admit,
    funding_payments,
    inverse_fee,
    step,
    validate_group,
    validate_order,
)
from astratrade_shell.exchanges.port import Execution, FundingSettlement, OrderReport

__all__ = ["PaperExchange"]

_Leg = tuple[str, str, PositionSide]  # account, symbol, position side


@attrs.define
class _Order:
    """An order the venue knows: its working state, status, executions, and how much of it
    has been reported."""

    working: WorkingOrder
    status: OrderStatus
    executions: list[Execution] = attrs.field(factory=list)
    reported: int = 0
    reported_status: OrderStatus | None = None
    group: str | None = None

    @property
    def request(self) -> OrderRequest:
        return self.working.request


class PaperExchange:
    """An in-memory venue over a set of instruments, one fee schedule and a slippage."""

    def __init__(self, instruments: Mapping[str, Instrument], fees: FeeSchedule, *,
                 slippage: Decimal = ZERO, prices: Mapping[str, Decimal] | None = None,
                 depth: Mapping[str, Decimal] | None = None,
                 funding: Mapping[str, FundingSchedule] | None = None,
                 funding_rates: Mapping[str, FundingHistory] | None = None,
                 start: datetime | None = None) -> None:
        self._instruments = dict(instruments)
        self._fees = fees
        self._slippage = slippage
        self._prices: dict[str, Decimal] = dict(prices or {})
        self._depth = dict(depth or {})
        self._funding = dict(funding or {})
        self._rates = dict(funding_rates or {})
        self._clock = start
        self._orders: dict[str, _Order] = {}
        self._groups: dict[str, GroupState] = {}
        self._positions: dict[_Leg, Decimal] = {}
        self._modes: dict[str, PositionMode] = {}
        self._outbox: dict[str, None] = {}  # ids whose changes the next on_prices reports
        self._stepped: set[str] = set()  # ids stepped at the current prices

    # -- reads -------------------------------------------------------------------------------

    def price(self, symbol: str) -> Decimal | None:
        """The last price the venue saw for ``symbol``."""
        return self._prices.get(symbol)

    def position(self, account_id: str, symbol: str,
                 side: PositionSide = PositionSide.BOTH) -> Decimal:
        """The account's signed position in ``symbol`` on leg ``side``, from its executions."""
        return self._positions.get((account_id, symbol, side), ZERO)

    def mode(self, account_id: str) -> PositionMode:
        """The account's position mode (one-way until set)."""
        return self._modes.get(account_id, PositionMode.ONE_WAY)

    # -- orders ------------------------------------------------------------------------------

    def submit(self, order: OrderRequest) -> Result[OrderReport, DomainError]:
        """Place an order; see the module docstring for the rules."""
        if order.client_order_id in self._orders:
            return Success(self._report(order.client_order_id, everything=True))
        admitted = self._admit(order)
        if isinstance(admitted, Failure):
            return admitted
        self._orders[order.client_order_id] = _Order(admitted.unwrap(), OrderStatus.OPEN)
        self._advance(order.client_order_id)
        return Success(self._report(order.client_order_id, everything=True))

    def submit_group(self, group: OrderGroup,
                     ) -> Result[tuple[OrderReport, ...], DomainError]:
        """Place an OCO pair or a bracket: every order is checked before any is placed."""
        if group.group_id in self._groups:
            return Success(self._group_reports(self._groups[group.group_id].group))
        checked = validate_group(group)
        if isinstance(checked, Failure):
            return checked
        if any(o.client_order_id in self._orders for o in group.orders):
            return Failure(DomainError.conflict(
                "exchange.duplicate_order", "a member's client order id is already in use",
                group_id=group.group_id))
        working = [self._admit(o) for o in (group.orders if group.kind is GroupKind.OCO
                                            else group.orders[:1])]
        exits = [] if group.kind is GroupKind.OCO else [
            self._validated(o) for o in group.orders[1:]]
        for result in (*working, *exits):
            if isinstance(result, Failure):
                return result
        state = GroupState.start(group)
        self._groups[group.group_id] = state
        for admitted in working:
            order = admitted.unwrap()
            self._orders[order.request.client_order_id] = _Order(
                order, OrderStatus.OPEN, group=group.group_id)
        for pending in state.pending():
            request = next(o for o in group.orders if o.client_order_id == pending)
            self._orders[pending] = _Order(WorkingOrder(request), OrderStatus.PENDING,
                                           group=group.group_id)
        for admitted in working:
            self._advance(admitted.unwrap().request.client_order_id)
        return Success(self._group_reports(group))

    def cancel(self, client_order_id: str) -> Result[OrderReport, DomainError]:
        """Cancel a working or pending order (a filled, cancelled or unknown one cannot be);
        its group's rules may cancel or arm its siblings (reported by the next
        :meth:`on_prices`)."""
        entry = self._orders.get(client_order_id)
        if entry is None or entry.status.is_final:
            return Failure(DomainError.rejected("exchange.not_open",
                                                "no open order with that id",
                                                client_order_id=client_order_id))
        self._end(client_order_id, OrderStatus.CANCELLED)
        if entry.group is not None:
            state, actions = self._groups[entry.group].on_cancel(client_order_id)
            self._groups[entry.group] = state
            self._apply(state, actions)
            self._group_update(client_order_id)
        return Success(self._report(client_order_id, everything=False))

    def set_position_mode(self, account_id: str, mode: PositionMode,
                          ) -> Result[PositionMode, DomainError]:
        """Switch ``account_id`` between one-way and hedge mode; refused while it holds a
        position (``exchange.positions_open``) or has a working order
        (``exchange.orders_open``)."""
        if any(q != 0 for (acct, _, _), q in self._positions.items() if acct == account_id):
            return Failure(DomainError.rejected(
                "exchange.positions_open", "close every position before switching mode",
                account_id=account_id))
        if any(o.request.account_id == account_id and not o.status.is_final
               for o in self._orders.values()):
            return Failure(DomainError.rejected(
                "exchange.orders_open", "cancel every order before switching mode",
                account_id=account_id))
        self._modes[account_id] = mode
        return Success(mode)

    def on_prices(self, prices: Mapping[str, Decimal]) -> tuple[OrderReport, ...]:
        """Record new prices and step every working order of those symbols, in arrival order;
        returns the orders that executed or ended since the last reports."""
        self._prices.update(prices)
        self._stepped.clear()
        for client_order_id in list(self._orders):
            entry = self._orders[client_order_id]
            if (entry.status is OrderStatus.OPEN and entry.request.symbol in prices
                    and client_order_id not in self._stepped):
                self._advance(client_order_id)
        reports = [self._report(cid, everything=False) for cid in list(self._outbox)
                   if self._changed(cid)]
        self._outbox.clear()
        return tuple(reports)

    # -- funding -----------------------------------------------------------------------------

    def on_time(self, now: datetime) -> tuple[FundingSettlement, ...]:
        """Settle every funding time in ``(previous call, now]`` on the open legs (the first
        call, without ``start``, only sets the clock)."""
        since, self._clock = self._clock, now
        if since is None:
            return ()
        settled: list[FundingSettlement] = []
        for symbol, schedule in self._funding.items():
            history = self._rates.get(symbol, FundingHistory())
            mark = self._prices.get(symbol)
            if mark is None:
                continue
            for moment in schedule.times(since, now):
                published = history.rate_at(moment).value_or(None)
                if published is None:
                    continue
                rate = schedule.clamp(published)
                legs = [(leg, q) for leg, q in self._positions.items()
                        if leg[1] == symbol and q != 0]
                payments = self._funding_payments(symbol, [q for _, q in legs], mark, rate)
                settled += [FundingSettlement(account, symbol, side, moment, rate, mark, q, paid)
                            for ((account, _, side), q), paid in zip(legs, payments,
                                                                      strict=True)]
        return tuple(settled)

    def _funding_payments(self, symbol: str, quantities: list[Decimal], mark: Decimal,
                          rate: Decimal) -> tuple[Decimal, ...]:
        """Each leg's funding: in quote for a linear instrument, in coin for an inverse one
        (the value of its contracts at the mark times the rate)."""
        instrument = self._instruments[symbol]
        if not instrument.is_inverse:
            return funding_payments(quantities, mark, rate)
        size = instrument.contract_size
        return tuple(CONTEXT.divide(CONTEXT.multiply(CONTEXT.multiply(q, size), rate), mark)
                     for q in quantities)

    def _fill(self, instrument: Instrument, signed: Decimal, price: Decimal,
              liquidity: Liquidity) -> Fill:
        """The execution's fill with its fee: in quote (linear) or coin (inverse), rounded
        up to the currency's minor unit."""
        if not instrument.is_inverse:
            return self._fees.fill(signed, price, liquidity, instrument.quote.increment)
        fee = inverse_fee(instrument, signed, price, self._fees.rate(liquidity),
                          increment=instrument.base.increment).unwrap()
        return Fill(signed, price, fee, liquidity)

    # -- the loop ----------------------------------------------------------------------------

    def _instrument(self, symbol: str) -> Result[Instrument, DomainError]:
        instrument = self._instruments.get(symbol)
        if instrument is None or symbol not in self._prices:
            return Failure(DomainError.not_found("exchange.unknown_symbol",
                                                 f"no market for {symbol}", symbol=symbol))
        return Success(instrument)

    def _leg(self, order: OrderRequest) -> _Leg:
        return (order.account_id, order.symbol, order.position_side)

    def _admit(self, order: OrderRequest, *,
               trigger_at_once: bool = False) -> Result[WorkingOrder, DomainError]:
        return self._instrument(order.symbol).bind(lambda instrument: admit(
            order, instrument, price=self._prices[order.symbol],
            position=self._positions.get(self._leg(order), ZERO),
            mode=self.mode(order.account_id), trigger_at_once=trigger_at_once))

    def _validated(self, order: OrderRequest) -> Result[OrderRequest, DomainError]:
        return self._instrument(order.symbol).bind(lambda instrument: validate_order(
            order, instrument, price=self._prices[order.symbol]))

    def _market(self, symbol: str) -> Market:
        price = self._prices[symbol]
        tick = self._instruments[symbol].tick_size
        buy = round_to_increment(CONTEXT.multiply(price, CONTEXT.add(ONE, self._slippage)),
                                 tick, Rounding.CEILING)
        sell = max(tick, round_to_increment(
            CONTEXT.multiply(price, CONTEXT.subtract(ONE, self._slippage)), tick,
            Rounding.FLOOR))
        return Market(price, buy, sell, self._depth.get(symbol))

    def _advance(self, client_order_id: str) -> None:
        """Step one working order at its symbol's current price and apply what happened (an
        order a sibling's fill has just cancelled is left alone)."""
        entry = self._orders[client_order_id]
        if entry.status is not OrderStatus.OPEN:
            return
        order = entry.request
        leg = self._leg(order)
        self._stepped.add(client_order_id)
        done = step(entry.working, self._market(order.symbol),
                    position=self._positions.get(leg, ZERO))
        entry.working, entry.status = done.order, done.status
        if done.quantity and done.price is not None and done.liquidity is not None:
            signed = order.side.signed(done.quantity)
            instrument = self._instruments[order.symbol]
            fill = self._fill(instrument, signed, done.price, done.liquidity)
            entry.executions.append(Execution(client_order_id, order.account_id, order.symbol,
                                              fill))
            self._positions[leg] = CONTEXT.add(self._positions.get(leg, ZERO), signed)
        if done.quantity or done.status.is_final:
            self._outbox[client_order_id] = None
            self._group_update(client_order_id)

    def _group_update(self, client_order_id: str) -> None:
        entry = self._orders[client_order_id]
        if entry.group is None:
            return
        state, actions = self._groups[entry.group].on_update(
            client_order_id, entry.status, entry.working.filled)
        self._groups[entry.group] = state
        self._apply(state, actions)

    def _apply(self, state: GroupState, actions: GroupActions) -> None:
        """Cancel and place what a group's rules ask, at once."""
        for cid in actions.cancel:
            entry = self._orders.get(cid)
            if entry is not None and not entry.status.is_final:
                self._end(cid, OrderStatus.CANCELLED)
        for request in actions.place:
            admitted = self._admit(request, trigger_at_once=True)
            entry = self._orders[request.client_order_id]
            if isinstance(admitted, Failure):  # e.g. nothing left to reduce: the exit ends
                self._end(request.client_order_id, OrderStatus.EXPIRED)
                continue
            entry.working, entry.status = admitted.unwrap(), OrderStatus.OPEN
            self._outbox[request.client_order_id] = None
        for request in actions.place:
            if self._orders[request.client_order_id].status is OrderStatus.OPEN and not (
                    state.done):
                self._advance(request.client_order_id)

    def _end(self, client_order_id: str, status: OrderStatus) -> None:
        entry = self._orders[client_order_id]
        entry.status = status
        self._outbox[client_order_id] = None

    def _changed(self, client_order_id: str) -> bool:
        entry = self._orders[client_order_id]
        return len(entry.executions) > entry.reported or entry.status != entry.reported_status

    def _report(self, client_order_id: str, *, everything: bool) -> OrderReport:
        """The order's report: every execution, or those not reported before.  Either way
        the order's changes count as reported."""
        entry = self._orders[client_order_id]
        start = 0 if everything else entry.reported
        report = OrderReport(entry.request, entry.status, tuple(entry.executions[start:]))
        entry.reported, entry.reported_status = len(entry.executions), entry.status
        self._outbox.pop(client_order_id, None)
        return report

    def _group_reports(self, group: OrderGroup) -> tuple[OrderReport, ...]:
        return tuple(self._report(o.client_order_id, everything=True) for o in group.orders)


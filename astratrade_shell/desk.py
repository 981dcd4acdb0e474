"""The demo's trading desk: the paper exchange, and the traders' trades on it.

:class:`Desk` runs the trading part of :mod:`astratrade_shell.community`'s simulation, one
price step at a time (:meth:`Desk.step`): funding the venue settled since the last step
(every 8 hours, booked with :func:`~astratrade_shell.exchanges.funding_commands`), the
executions of the stops and targets resting at the venue, then each trader's decisions --
open a trade sized within the platform's limits and protect it with an OCO pair of a
stop-market and a target limit at the venue, hedge with the other leg (hedge-mode accounts),
double down (a gambler), close at the end of the holding time, or be liquidated past the
core's liquidation price -- and, at the end of a day (:meth:`Desk.end_of_day`), marks and
weekly withdrawals.  Every fill is the venue's and every record goes through the portfolio's
``decide``; the desk only chooses and books.

A few one-way accounts (:attr:`~astratrade_shell.traders.Trader.inverse`) trade the inverse
(coin-margined) :data:`PERP` instead, priced off the BTCUSD walk: deposits, sizing
(:func:`~astratrade_core.trading.inverse_fixed_fractional_size`), margin and liquidation, fees,
funding, P&L and withdrawals in BTC, quantities in contracts, booked with ``ExecuteTrade(...,
contract_size=100)``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
from returns.result import Failure

from astratrade_core.aggregate import Aggregate
from astratrade_core.events.trading import PositionClosed
from astratrade_core.instrument import Instrument, InstrumentKind
from astratrade_core.money import BTC, USD
from astratrade_core.numeric import CONTEXT, ZERO, Rounding, quantize
from astratrade_core.portfolio import (
    PORTFOLIO,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    PortfolioState,
    SetPositionMode,
    Withdraw,
    decide,
)
from astratrade_core.trading import (
    Fill,
    Liquidity,
    PositionState,
    fixed_fractional_size,
    inverse_fee,
    inverse_fixed_fractional_size,
    inverse_initial_margin,
    inverse_isolated_liquidation_price,
    stop_levels,
)
from astratrade_shell.app import Application, Executed
from astratrade_shell.exchanges import (
    OrderGroup,
    OrderKind,
    OrderReport,
    OrderRequest,
    PaperExchange,
    PositionMode,
    PositionSide,
    Side,
    funding_commands,
)
from astratrade_shell.markets import FEES, LIQUIDATION_FEES, MARKETS, POLICY, SLIPPAGE
from astratrade_shell.projections import decode_record
from astratrade_shell.store.records import StoredEvent
from astratrade_shell.traders import (
    FUNDING,
    OpenTrade,
    Trader,
    draw_funding_rates,
    exit_orders,
    liquidation_price,
    margin_budget,
    sizing_leverage,
)

__all__ = ["INVERSE_MARKET", "PERP", "Desk", "closed_positions", "net_pnl", "with_perp"]

S = TypeVar("S")
#: An open trade's key: the account and the leg (``BOTH`` in one-way mode).
_Key = tuple[str, PositionSide]


#: The inverse contract (Binance COIN-M ``BTCUSD_PERP``: 100 USD per contract, margined and
#: settled in BTC), priced at the BTCUSD walk's price.
PERP = "BTCUSD_PERP"
INVERSE_MARKET = Instrument.of(PERP, BTC, USD, tick_size="0.1", lot_size="1", max_leverage="50",
                               kind=InstrumentKind.INVERSE, contract_size="100").unwrap()


def with_perp(prices: dict[str, Decimal]) -> dict[str, Decimal]:
    """The walk's prices with :data:`PERP` at BTCUSD's."""
    return {**prices, PERP: prices["BTCUSD"]}


def _settles(symbol: str) -> tuple[str, Decimal | None]:
    """The currency a symbol's trades settle in and its contract size (None: linear)."""
    return ("BTC", INVERSE_MARKET.contract_size) if symbol == PERP else ("USD", None)


def _held(state: PortfolioState, symbol: str, side: PositionSide) -> Decimal:
    """The leg's signed quantity (contracts for :data:`PERP`)."""
    if symbol != PERP:
        return state.position(symbol, side).quantity
    found = state.inverse_position(symbol, side)
    return ZERO if found is None else found.contracts


def _liquidation(state: PortfolioState, symbol: str, side: PositionSide,
                 leverage: Decimal) -> Decimal | None:
    """The leg's isolated liquidation price at ``leverage`` (None when it has none)."""
    if symbol != PERP:
        return liquidation_price(MARKETS[symbol][0], state.position(symbol, side), leverage)
    found = state.inverse_position(symbol, side)
    if found is None:
        return None
    held, entry = found.contracts, found.entry_price
    return inverse_initial_margin(INVERSE_MARKET, held, entry, leverage).bind(
        lambda margin: inverse_isolated_liquidation_price(INVERSE_MARKET, held, entry, margin)
    ).map(lambda price: price.value_or(None)).value_or(None)


def closed_positions(records: Sequence[StoredEvent],
                     app: Application) -> Iterator[PositionClosed]:
    """The ``PositionClosed`` events among ``records``."""
    for record in records:
        if record.event_type == "PositionClosed":
            event = decode_record(record, app.registry)
            if isinstance(event, PositionClosed):
                yield event


def net_pnl(closed: PositionClosed) -> Decimal:
    """A closed position's realized P&L net of its fees and funding."""
    return PositionState(realized_pnl=closed.realized_pnl, fees_paid=closed.fees_paid,
                         funding_paid=closed.funding_paid).net_realized_pnl


class Desk:
    """The venue, the open trades and their resting exits, and the counters of what
    happened (``counts``)."""

    def __init__(self, app: Application, rng: random.Random, prices: dict[str, Decimal],
                 start: datetime, days: int) -> None:
        self.app = app
        self.rng = rng
        self.prices = with_perp(prices)
        rates = draw_funding_rates(random.Random(rng.randrange(2**32)), MARKETS, start, days)
        self.venue = PaperExchange({**{s: i for s, (i, _) in MARKETS.items()},
                                    PERP: INVERSE_MARKET}, FEES,
                                   slippage=SLIPPAGE, prices=self.prices,
                                   funding=dict.fromkeys((*MARKETS, PERP), FUNDING),
                                   funding_rates={**rates, PERP: rates["BTCUSD"]}, start=start)
        self.open: dict[_Key, OpenTrade] = {}
        self.exits: dict[str, _Key] = {}  # a resting exit order's id -> the trade it protects
        self.just_closed: dict[str, Decimal] = {}  # net P&L of the trades closed this step
        self.counts = {"filled": 0, "refused": 0, "sizing": 0, "liquidated": 0, "closed": 0,
                       "stops": 0, "targets": 0, "funding": 0, "withdrawals": 0,
                       "withdrawals_refused": 0}

    def execute(self, aggregate: Aggregate[S, Any], stream_id: str,
                command: Any) -> Executed[S]:
        """Run one command and the policies after it.  A refusal of the command or of a
        command a policy caused is a bug of the simulation, not something it expects."""
        return self._reacted(self.app.execute(aggregate, stream_id, command).unwrap())

    @staticmethod
    def _reacted(done: Executed[S]) -> Executed[S]:
        for reaction in done.reactions:
            if isinstance(reaction.outcome, Failure):
                raise RuntimeError(f"{reaction.dispatch} was refused: "
                                   f"{reaction.outcome.failure()}")
        return done

    def hedge_mode(self, trader: Trader) -> None:
        """Switch ``trader``'s account to hedge mode, in the portfolio and at the venue."""
        self.execute(PORTFOLIO, trader.user_id, SetPositionMode(
            command_id=self.app.new_id(), account_id=trader.user_id,
            issued_at=self.app.now(), mode=PositionMode.HEDGE))
        switched = self.venue.set_position_mode(trader.user_id, PositionMode.HEDGE)
        if isinstance(switched, Failure):
            raise RuntimeError(f"the venue refused hedge mode: {switched.failure()}")

    def step(self, prices: dict[str, Decimal], traders: Sequence[Trader]) -> None:
        """One price step: funding, the venue's exits, then every trader in turn."""
        self.prices = with_perp(prices)
        self.just_closed = {}
        self._fund()
        self._book_exits(self.venue.on_prices(self.prices))
        for trader in traders:
            self._step(trader)

    def end_of_day(self, trader: Trader, day: int) -> None:
        """Mark the trader's open symbols; a withdrawing trader withdraws every 7th day."""
        marked = sorted({self.open[key].symbol for key in self._legs(trader)
                         if key in self.open})
        for symbol in marked:
            self.execute(PORTFOLIO, trader.user_id, MarkPrice(
                command_id=self.app.new_id(), account_id=trader.user_id,
                issued_at=self.app.now(), symbol=symbol, price=self.prices[symbol]))
        if trader.withdraws and day % 7 == 6:
            self._withdraw(trader)

    # --- trades ----------------------------------------------------------------------------

    def _legs(self, trader: Trader) -> tuple[_Key, ...]:
        if trader.hedges:
            return ((trader.user_id, PositionSide.LONG), (trader.user_id, PositionSide.SHORT))
        return ((trader.user_id, PositionSide.BOTH),)

    def _step(self, trader: Trader) -> None:
        held = [self.open[key] for key in self._legs(trader) if key in self.open]
        if not held:
            net = self.just_closed.get(trader.user_id)
            if (trader.reenters(net) if net is not None
                    else self.rng.randrange(100) < trader.activity):
                self._open(trader)
            return
        for trade in held:
            self._manage(trader, trade)
        still = [key for key in self._legs(trader) if key in self.open]
        if trader.hedges and len(still) == 1 and self.rng.randrange(100) < 10:
            trade = self.open[still[0]]  # hedge it: open the other leg of the same symbol
            self._open(trader, trade.symbol, not trade.long)
        elif not still and trader.reenters(self.just_closed.get(trader.user_id, Decimal(0))):
            self._open(trader)

    def _open(self, trader: Trader, symbol: str | None = None,
              long: bool | None = None) -> None:
        symbol = PERP if trader.inverse else symbol or self.rng.choice(tuple(MARKETS))
        if long is None:
            long = self.rng.choice((Side.BUY, Side.SELL)) is Side.BUY
        side = (PositionSide.BOTH if not trader.hedges
                else PositionSide.LONG if long else PositionSide.SHORT)
        instrument = INVERSE_MARKET if trader.inverse else MARKETS[symbol][0]
        price = self.prices[symbol]
        state = self.app.load(PORTFOLIO, trader.user_id).state
        equity = state.equity(_settles(symbol)[0])
        if equity <= 0:
            return
        leverage = sizing_leverage(trader, POLICY)
        levels = stop_levels(instrument, price, long, trader.stop, trader.reward_ratio)
        sizer = inverse_fixed_fractional_size if trader.inverse else fixed_fractional_size
        sized = levels.bind(lambda found: sizer(
            instrument, equity, trader.risk, price, found.stop_loss, fee_rate=FEES.taker_rate,
            leverage=leverage, available_balance=margin_budget(equity, leverage, POLICY, FEES)))
        if isinstance(sized, Failure):
            self.counts["sizing"] += 1
            return
        quantity = sized.unwrap().quantity
        done = self._trade(trader, state, symbol,
                           quantity if long else CONTEXT.minus(quantity), side)
        if done is None:
            return
        stops = levels.unwrap()
        self.open[(trader.user_id, side)] = OpenTrade(
            trader.user_id, symbol, side, long, stops.stop_loss, stops.take_profit,
            trader.leverage, _liquidation(done.state, symbol, side, trader.leverage),
            self.app.now())
        self._protect(trader, (trader.user_id, side), _held(done.state, symbol, side))

    def _trade(self, trader: Trader, state: PortfolioState, symbol: str, quantity: Decimal,
               side: PositionSide) -> Executed[PortfolioState] | None:
        """Check an order that adds exposure against the platform's policy on the account's
        current ``state``, fill it at the venue and record the fill; ``None`` when it was
        refused (the refusal is recorded) or not filled."""
        currency, size = _settles(symbol)
        command = ExecuteTrade(command_id=self.app.new_id(), account_id=trader.user_id,
                               issued_at=self.app.now(), symbol=symbol, quote_currency=currency,
                               quantity=quantity, price=self.prices[symbol], policy=POLICY,
                               position_side=side, contract_size=size)
        probe = decide(state, command)
        if isinstance(probe, Failure):
            self.counts["sizing"] += 1
            return None
        if probe.unwrap()[0].event_type == "RiskLimitHit":  # refused before the venue
            self.execute(PORTFOLIO, trader.user_id, command)
            self.counts["refused"] += 1
            return None
        report = self.venue.submit(OrderRequest(
            client_order_id=command.command_id, account_id=trader.user_id, symbol=symbol,
            side=Side.BUY if quantity > 0 else Side.SELL, quantity=CONTEXT.abs(quantity),
            position_side=side))
        if isinstance(report, Failure):
            self.counts["sizing"] += 1
            return None
        fill = report.unwrap().executions[0].fill
        done = self.execute(PORTFOLIO, trader.user_id, attrs.evolve(
            command, price=fill.price, fee=fill.fee, liquidity=fill.liquidity))
        if done.records[0].event_type == "RiskLimitHit":  # the fill price broke a limit:
            self.counts["refused"] += 1                  # the venue's fill is given back
            self._market_close(trader.user_id, symbol, side, fill.quantity)
            return None
        self.counts["filled"] += 1
        return done

    def _market_close(self, user_id: str, symbol: str, side: PositionSide,
                      held: Decimal) -> Fill:
        """Close ``held`` (signed) of the leg at the venue's market; its fill."""
        report = self.venue.submit(OrderRequest(
            client_order_id=self.app.new_id(), account_id=user_id, symbol=symbol,
            side=Side.SELL if held > 0 else Side.BUY, quantity=CONTEXT.abs(held),
            reduce_only=side is PositionSide.BOTH, position_side=side))
        if isinstance(report, Failure):
            raise RuntimeError(f"the venue refused a closing order: {report.failure()}")
        return report.unwrap().executions[0].fill

    def _book(self, trade: OpenTrade, fill: Fill) -> Executed[PortfolioState]:
        """Record a fill of ``trade``'s leg that the venue executed (never refused: it
        reduces)."""
        self.counts["filled"] += 1
        currency, size = _settles(trade.symbol)
        return self.execute(PORTFOLIO, trade.user_id, ExecuteTrade(
            command_id=self.app.new_id(), account_id=trade.user_id, issued_at=self.app.now(),
            symbol=trade.symbol, quote_currency=currency, quantity=fill.quantity,
            price=fill.price, fee=fill.fee, liquidity=fill.liquidity, policy=POLICY,
            position_side=trade.side, contract_size=size))

    def _protect(self, trader: Trader, key: _Key, held: Decimal) -> None:
        """Place (or replace) the stop and target of the trade at ``key`` at the venue for
        its whole leg, ``held`` (signed, as the portfolio holds it)."""
        trade = self._cancel_exits(self.open[key])
        orders = exit_orders(trade, CONTEXT.abs(held), self.app.new_id(), trader.uses_stop)
        ids = tuple(o.client_order_id for o in (
            orders.orders if isinstance(orders, OrderGroup) else (orders,)))
        self.open[key] = attrs.evolve(trade, exits=ids)
        self.exits.update(dict.fromkeys(ids, key))
        placed = (self.venue.submit_group(orders) if isinstance(orders, OrderGroup)
                  else self.venue.submit(orders).map(lambda report: (report,)))
        if isinstance(placed, Failure):
            raise RuntimeError(f"the venue refused the exits: {placed.failure()}")
        self._book_exits(placed.unwrap())  # a target the market has already passed

    def _cancel_exits(self, trade: OpenTrade) -> OpenTrade:
        for cid in trade.exits:
            self.venue.cancel(cid)  # refused when the sibling's fill already ended it
            self.exits.pop(cid, None)
        return attrs.evolve(trade, exits=())

    def _book_exits(self, reports: Iterable[OrderReport]) -> None:
        """Record the executions of the exits the venue reports; a leg they flatten is
        closed."""
        for report in reports:
            key = self.exits.get(report.request.client_order_id)
            if key is None or not report.executions:
                continue
            trade = self.open[key]
            done = None
            for execution in report.executions:
                done = self._book(trade, execution.fill)
            self.counts["stops" if report.request.kind is OrderKind.STOP_MARKET
                        else "targets"] += 1
            if done is not None and any(r.event_type == "PositionClosed" for r in done.records):
                self._after_close(key, done.records)

    def _manage(self, trader: Trader, trade: OpenTrade) -> None:
        """Liquidate, close at the end of the holding time, or double down."""
        price = self.prices[trade.symbol]
        liquidation = trade.liquidation
        if liquidation is not None and (price <= liquidation if trade.long
                                        else price >= liquidation):
            self._liquidate(trade)
        elif self.app.now() - trade.opened >= trader.holding:
            self._close(trade)
        elif (not trader.uses_stop and not trade.doubled
              and (price <= trade.stop if trade.long else price >= trade.stop)):
            self._double_down(trader, trade)  # no stop: double down instead, once

    def _double_down(self, trader: Trader, trade: OpenTrade) -> None:
        key = (trade.user_id, trade.side)
        self.open[key] = trade = attrs.evolve(trade, doubled=True)
        state = self.app.load(PORTFOLIO, trader.user_id).state
        done = self._trade(trader, state, trade.symbol,
                           _held(state, trade.symbol, trade.side), trade.side)
        if done is None:
            return
        self.open[key] = attrs.evolve(trade, liquidation=_liquidation(
            done.state, trade.symbol, trade.side, trade.leverage))
        self._protect(trader, key, _held(done.state, trade.symbol, trade.side))

    def _close(self, trade: OpenTrade) -> None:
        trade = self._cancel_exits(trade)
        held = _held(self.app.load(PORTFOLIO, trade.user_id).state, trade.symbol, trade.side)
        fill = self._market_close(trade.user_id, trade.symbol, trade.side, held)
        self._after_close((trade.user_id, trade.side), self._book(trade, fill).records)

    def _liquidate(self, trade: OpenTrade) -> None:
        """The position is closed at the venue's market and recorded as a liquidation at
        that price, with the liquidation fee."""
        trade = self._cancel_exits(trade)
        held = _held(self.app.load(PORTFOLIO, trade.user_id).state, trade.symbol, trade.side)
        fill = self._market_close(trade.user_id, trade.symbol, trade.side, held)
        fee = (inverse_fee(INVERSE_MARKET, held, fill.price, LIQUIDATION_FEES.taker_rate,
                           increment=BTC.increment).unwrap() if trade.symbol == PERP
               else LIQUIDATION_FEES.fee(held, fill.price, Liquidity.TAKER, USD.increment))
        done = self.execute(PORTFOLIO, trade.user_id, LiquidatePosition(
            command_id=self.app.new_id(), account_id=trade.user_id, issued_at=self.app.now(),
            symbol=trade.symbol, price=fill.price, fee=fee, position_side=trade.side))
        self.counts["liquidated"] += 1
        self._after_close((trade.user_id, trade.side), done.records)

    def _after_close(self, key: _Key, records: Sequence[StoredEvent]) -> None:
        """The game and the fees followed through the policies; here only the bookkeeping
        of the loop."""
        self._cancel_exits(self.open.pop(key))
        self.counts["closed"] += 1
        net = self.just_closed.get(key[0], Decimal(0))
        for closed in closed_positions(records, self.app):
            net = CONTEXT.add(net, net_pnl(closed))
        self.just_closed[key[0]] = net

    def _fund(self) -> None:
        """Book the funding the venue settled since the last step (every 8 hours)."""
        for command in funding_commands(self.venue.on_time(self.app.now())):
            self.execute(PORTFOLIO, command.account_id, command)
            self.counts["funding"] += 1

    def _withdraw(self, trader: Trader) -> None:
        """Take half of the profit out; the portfolio refuses what cash and equity do not
        cover (counted, nothing is stored)."""
        state = self.app.load(PORTFOLIO, trader.user_id).state
        currency = "BTC" if trader.inverse else "USD"
        ledger = state.ledger(currency)
        profit = CONTEXT.subtract(state.equity(currency), CONTEXT.subtract(ledger.deposited,
                                                                          ledger.withdrawn))
        places = BTC.minor_unit if trader.inverse else USD.minor_unit
        amount = quantize(CONTEXT.divide(profit, Decimal(2)), places, Rounding.DOWN)
        if amount <= 0:
            return
        done = self.app.execute(PORTFOLIO, trader.user_id, Withdraw(
            command_id=self.app.new_id(), account_id=trader.user_id, issued_at=self.app.now(),
            currency=currency, amount=amount))
        if isinstance(done, Failure):
            self.counts["withdrawals_refused"] += 1
            return
        self._reacted(done.unwrap())
        self.counts["withdrawals"] += 1

"""A simulated trading community: what ``astratrade demo`` runs.

Fifty traders (by default) trade BTC and ETH perpetuals on the paper exchange for thirty
simulated days.  This module holds only the randomness -- one seeded :class:`random.Random`
-- and the simulation loop; every rule and every number comes from the core's aggregates and
policies, and every stream is written through :meth:`Application.execute
<astratrade_shell.app.Application.execute>` (decide, then append at the expected version):

* **trading** (``PORTFOLIO``) -- each step the seeded random walk moves prices; a flat trader
  may open a trade sized by :func:`~astratrade_core.trading.fixed_fractional_size` with the
  platform's limits in view (:mod:`astratrade_shell.traders`).  The portfolio's ``decide``
  checks :data:`POLICY` first: a breach is recorded as ``RiskLimitHit`` and the order never
  reaches the venue; otherwise the paper exchange fills it and the fill is recorded.  Each
  trade is then protected by **orders resting at the venue**: an OCO pair of a stop-market at
  the stop and a limit at the target (a gambler: the target only), reduce-only in one-way
  mode.  The venue triggers and fills them on its price feed and every execution it reports
  is booked; the simulation never checks a stop itself.  Trades still open after the
  trader's holding time are closed at the market (their exits cancelled); a position whose
  price passes the core's isolated liquidation price (for the margin the trader posted) is
  closed at the venue's market and recorded as a liquidation.  Open positions are marked
  daily.  Some accounts run **hedge mode** (``SetPositionMode`` on the portfolio and the
  venue): they may hold a long and a short leg of one symbol, each with its own exits.
  **Funding** is charged every 8 simulated hours: the venue settles each open leg at its
  drawn rate (:data:`~astratrade_shell.traders.FUNDING`) and the settlements are booked with
  :func:`~astratrade_shell.exchanges.funding_commands`.  Some traders **withdraw** half of
  their profit every week (the portfolio refuses what cash and equity do not cover).  Some
  temperaments run into other limits: a *scalper* re-enters as soon as a trade closes (trades
  per window); a *gambler* sets no stop and doubles down once the price passes where the
  stop would have been (concentration, leverage), and re-enters after a loss (daily loss); a
  hedge leg counts with the other leg (concentration, open positions).
* **game** (policies) -- each ``PositionClosed`` becomes the player's ``RecordClosedTrade``
  (:func:`~astratrade_core.policies.player_activity`): streak, XP, achievements and level-ups
  are decided by ``PLAYER`` in the trader's time zone; every XP earned feeds the season's
  standings (:func:`~astratrade_core.policies.xp_standings`, ``SEASON``).
* **social** -- two clans (``CLAN``, open membership) fight a season-long battle (``BATTLE``):
  scheduled on day 0 with the clans' rosters, resolved after the season from the facts this
  module gathers (each member's closed trades from their portfolio stream, their streaks
  from their player stream, the clans' ratings); the ratings move through
  :func:`~astratrade_core.social.clan_ratings` and the winners are credited through
  :func:`~astratrade_core.policies.clan_victories`.
* **revenue** -- subscriptions (``SUBSCRIPTION``: trials, monthly renewals), an NFT
  collection (``COLLECTION``: mints on a linear price curve, listings and sales with
  royalties); the platform ledger (``PLATFORM_LEDGER``) records every trading and
  liquidation fee and books subscription and marketplace revenue through
  :data:`~astratrade_core.policies.REVENUE_POLICIES`.

Streams: ``<trader>`` (portfolio), ``player-<trader>``, ``xp-season-1`` (standings),
``clan-orion`` / ``clan-lyra``, ``battle-season-1``, ``subscription-<trader>``,
``collection-constellations``, ``platform-fees``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar

import attrs
from returns.result import Failure

from astratrade_core.aggregate import Aggregate
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.events.trading import PositionClosed
from astratrade_core.gamification import (
    PLAYER,
    SEASON,
    Metric,
    OpenSeason,
    SetTimeZone,
    player_stream,
)
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, ETH, USD, Money
from astratrade_core.numeric import CONTEXT, Rounding, quantize
from astratrade_core.policies import (
    REVENUE_POLICIES,
    Policy,
    clan_victories,
    player_activity,
    xp_standings,
)
from astratrade_core.portfolio import (
    PORTFOLIO,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    PortfolioState,
    SetPositionMode,
    Withdraw,
    decide,
)
from astratrade_core.revenue import (
    COLLECTION,
    SUBSCRIPTION,
    BuyToken,
    ListToken,
    MintToken,
    OpenCollection,
    RenewSubscription,
    StartSubscription,
    collection_stream,
    subscription_stream,
)
from astratrade_core.revenue.marketplace import MarketplaceTerms, MintPricing
from astratrade_core.revenue.platform_ledger import PLATFORM_LEDGER
from astratrade_core.revenue.subscriptions import PRESET_PLANS, BillingCycle
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.social import (
    BATTLE,
    CLAN,
    MAX_MEMBERS,
    ClanRules,
    FoundClan,
    JoinClan,
    MemberStreak,
    ResolveBattle,
    ScheduleBattle,
    TradeOutcome,
    clan_ratings,
)
from astratrade_core.trading import (
    FeeSchedule,
    Fill,
    Liquidity,
    PositionState,
    fixed_fractional_size,
    stop_levels,
)
from astratrade_shell.app import Application, Executed, SequentialIds, SimulatedClock
from astratrade_shell.bus.port import EventBus
from astratrade_shell.exchanges import (
    MarketData,
    OrderGroup,
    OrderKind,
    OrderReport,
    OrderRequest,
    PaperExchange,
    PositionMode,
    PositionSide,
    RandomWalk,
    Side,
    funding_commands,
)
from astratrade_shell.projections import decode_record
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, Snapshotting
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent
from astratrade_shell.traders import (
    CLANS,
    FUNDING,
    MAX_HOLD_DAYS,
    OpenTrade,
    Trader,
    draw_funding_rates,
    draw_traders,
    exit_orders,
    liquidation_price,
    margin_budget,
    sizing_leverage,
)

__all__ = [
    "AGGREGATES",
    "MARKETS",
    "MAX_HOLD_DAYS",
    "POLICY",
    "PORTFOLIO",
    "SEASON_BOARD",
    "SNAPSHOTS",
    "CommunityConfig",
    "Outcome",
    "Trader",
    "application",
    "policies",
    "simulate",
]

S = TypeVar("S")
#: An open trade's key: the account and the leg (``BOTH`` in one-way mode).
_Key = tuple[str, PositionSide]

#: Account streams are snapshotted every 50 events (snapshot + tail equals a full replay).
SNAPSHOTS = {PORTFOLIO.name: Snapshotting(PORTFOLIO_SNAPSHOTS, every=50)}

#: Every aggregate the community writes.
AGGREGATES: Final[tuple[Aggregate[Any, Any], ...]] = (
    PORTFOLIO, PLAYER, SEASON, CLAN, BATTLE, SUBSCRIPTION, COLLECTION, PLATFORM_LEDGER)

#: The platform's pre-trade limits (amounts in USD): 10x gross, 8x in any one market.
POLICY = RiskPolicy.of(max_leverage="10", max_position_notional="150000",
                       max_concentration="8", max_open_positions=2,
                       max_trades_per_window=6, daily_loss_limit="500").unwrap()

#: Tradable markets: instrument and opening price.
MARKETS: dict[str, tuple[Instrument, Decimal]] = {
    "BTCUSD": (Instrument.of("BTCUSD", BTC, USD, tick_size="0.1", lot_size="0.001",
                             min_notional="10", max_leverage="50").unwrap(), Decimal("60000")),
    "ETHUSD": (Instrument.of("ETHUSD", ETH, USD, tick_size="0.01", lot_size="0.01",
                             min_notional="10", max_leverage="50").unwrap(), Decimal("3000")),
}
FEES = FeeSchedule(Decimal("0.0002"), Decimal("0.0005"))
LIQUIDATION_FEES = FeeSchedule(Decimal("0.005"), Decimal("0.005"))
SLIPPAGE = Decimal("0.0005")
#: Per-step volatility of the default random walk.
VOLATILITY = Decimal("0.012")
CLAN_RULES = ClanRules(max_members=MAX_MEMBERS, open_membership=True)
BATTLE_ID = "battle-season-1"
#: The season's XP standings: the board id, which is its stream id.
SEASON_BOARD = "xp-season-1"
COLLECTION_ID = "constellations"
MARKET_TERMS = MarketplaceTerms.of(250, Money.of("0.50", USD).unwrap()).unwrap()
MINT_PRICING = MintPricing.of(Money.of("10.00", USD).unwrap(), Money.of("0.50", USD).unwrap(),
                              1_000, 500).unwrap()
ROYALTY_BPS = 500
MIN_PROCEEDS = Money.of("1.00", USD).unwrap()


@attrs.frozen
class CommunityConfig:
    """The simulation's size and seed."""

    seed: int = 42
    users: int = 50
    days: int = 30
    steps_per_day: int = 6
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)

    @property
    def season(self) -> Period:
        """The season the standings and the clan battle cover: from the start to one day
        after the last simulated day (the last step falls on the end of the last day)."""
        return Period(PeriodKind.SEASON, "season-1", self.start,
                      self.start + timedelta(days=self.days + 1))


@attrs.frozen
class Outcome:
    """Counters of what happened (the rest is in the store and the read models)."""

    traders: tuple[Trader, ...]
    orders_filled: int
    refused_by_risk: int
    sizing_rejected: int
    liquidations: int
    closed_trades: int
    clan_battle: ClanBattleResolved
    stops_filled: int = 0
    targets_filled: int = 0
    funding_charges: int = 0
    withdrawals: int = 0
    withdrawals_refused: int = 0


def _closed(records: Sequence[StoredEvent], app: Application) -> Iterator[PositionClosed]:
    for record in records:
        if record.event_type == "PositionClosed":
            event = decode_record(record, app.registry)
            if isinstance(event, PositionClosed):
                yield event


def _net(closed: PositionClosed) -> Decimal:
    return PositionState(realized_pnl=closed.realized_pnl, fees_paid=closed.fees_paid,
                         funding_paid=closed.funding_paid).net_realized_pnl


class _Simulation:
    def __init__(self, config: CommunityConfig, app: Application, clock: SimulatedClock,
                 market: MarketData | None) -> None:
        self.config = config
        self.app = app
        self.clock = clock
        self.rng = random.Random(config.seed)
        self.traders = draw_traders(self.rng, config.users)
        walk_seed = self.rng.randrange(2**32)
        self.market: MarketData = market or RandomWalk(
            seed=walk_seed, start={s: p for s, (_, p) in MARKETS.items()},
            tick={s: i.tick_size for s, (i, _) in MARKETS.items()}, volatility=VOLATILITY)
        self.prices = {s: p for s, (_, p) in MARKETS.items()}
        rates = draw_funding_rates(random.Random(self.rng.randrange(2**32)), MARKETS,
                                   config.start, config.days)
        self.venue = PaperExchange({s: i for s, (i, _) in MARKETS.items()}, FEES,
                                   slippage=SLIPPAGE, prices=self.prices,
                                   funding=dict.fromkeys(MARKETS, FUNDING),
                                   funding_rates=rates, start=config.start)
        self.open: dict[_Key, OpenTrade] = {}
        self.exits: dict[str, _Key] = {}  # a resting exit order's id -> the trade it protects
        self.just_closed: dict[str, Decimal] = {}  # net P&L of the trades closed this step
        self.subscribers: set[str] = set()
        self.counts = {"filled": 0, "refused": 0, "sizing": 0, "liquidated": 0, "closed": 0,
                       "stops": 0, "targets": 0, "funding": 0, "withdrawals": 0,
                       "withdrawals_refused": 0}

    def run(self) -> Outcome:
        self._setup()
        step = timedelta(hours=24 // self.config.steps_per_day)
        for day in range(self.config.days):
            for _ in range(self.config.steps_per_day):
                self.clock.advance(step)
                self.prices = {**self.prices, **self.market.advance()}
                self.just_closed = {}
                self._fund()
                self._book_exits(self.venue.on_prices(self.prices))
                for trader in self.traders:
                    self._step(trader)
            self._end_of_day(day)
        battle = self._resolve_battle()
        c = self.counts
        return Outcome(self.traders, c["filled"], c["refused"], c["sizing"], c["liquidated"],
                       c["closed"], battle, stops_filled=c["stops"], targets_filled=c["targets"],
                       funding_charges=c["funding"], withdrawals=c["withdrawals"],
                       withdrawals_refused=c["withdrawals_refused"])

    def _execute(self, aggregate: Aggregate[S, Any], stream_id: str,
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

    # --- day 0 ------------------------------------------------------------------------------

    def _setup(self) -> None:
        at = self.app.now()
        self._execute(SEASON, SEASON_BOARD, OpenSeason(
            command_id=f"{SEASON_BOARD}:open", board_id=SEASON_BOARD, issued_at=at,
            metric=Metric.XP, period=self.config.season))
        self._execute(COLLECTION, collection_stream(COLLECTION_ID), OpenCollection(
            command_id=f"{COLLECTION_ID}:open", issued_at=at, collection_id=COLLECTION_ID,
            creator_id="astratrade-studio", pricing=MINT_PRICING, terms=MARKET_TERMS,
            royalty_bps=ROYALTY_BPS, min_proceeds=MIN_PROCEEDS))
        self._found_clans()
        self._schedule_battle()
        for trader in self.traders:
            self._execute(PORTFOLIO, trader.user_id, Deposit(
                command_id=self.app.new_id(), account_id=trader.user_id, issued_at=at,
                currency="USD", amount=trader.deposit))
            self._execute(PLAYER, player_stream(trader.user_id), SetTimeZone(
                command_id=self.app.new_id(), user_id=trader.user_id, issued_at=at,
                zone=trader.zone))
            if trader.hedges:
                self._execute(PORTFOLIO, trader.user_id, SetPositionMode(
                    command_id=self.app.new_id(), account_id=trader.user_id, issued_at=at,
                    mode=PositionMode.HEDGE))
                switched = self.venue.set_position_mode(trader.user_id, PositionMode.HEDGE)
                if isinstance(switched, Failure):
                    raise RuntimeError(f"the venue refused hedge mode: {switched.failure()}")
            if self.rng.randrange(100) < 30:
                self._subscribe(trader)

    def _clan_of(self, user_id: str) -> str | None:
        """The clan ``user_id`` belongs to now, read from the clans' streams."""
        return next((f"clan-{name}" for name in CLANS
                     if user_id in self.app.load(CLAN, f"clan-{name}").state.members), None)

    def _found_clans(self) -> None:
        at = self.app.now()
        for name in CLANS:
            members = [t.user_id for t in self.traders if t.clan == name]
            clan_id = f"clan-{name}"
            if members:
                self._execute(CLAN, clan_id, FoundClan(
                    command_id=f"{clan_id}:found", clan_id=clan_id, issued_at=at,
                    name=name.title(), leader_id=members[0], rules=CLAN_RULES,
                    current_clan=self._clan_of(members[0])))
            for user in members[1:]:
                self._execute(CLAN, clan_id, JoinClan(
                    command_id=f"{clan_id}:join:{user}", clan_id=clan_id, issued_at=at,
                    user_id=user, current_clan=self._clan_of(user)))

    def _schedule_battle(self) -> None:
        clan_a, clan_b = (f"clan-{name}" for name in CLANS)
        self._execute(BATTLE, BATTLE_ID, ScheduleBattle(
            command_id=f"{BATTLE_ID}:schedule", battle_id=BATTLE_ID, issued_at=self.app.now(),
            clan_a=clan_a, clan_b=clan_b, period=self.config.season,
            roster_a=tuple(self.app.load(CLAN, clan_a).state.members),
            roster_b=tuple(self.app.load(CLAN, clan_b).state.members)))

    def _subscribe(self, trader: Trader) -> None:
        plan = self.rng.choice(PRESET_PLANS)
        trial = self.rng.choice((0, 7))
        self.subscribers.add(trader.user_id)
        self._execute(SUBSCRIPTION, subscription_stream(trader.user_id), StartSubscription(
            command_id=self.app.new_id(), issued_at=self.app.now(),
            subscriber_id=trader.user_id, plan=plan, cycle=BillingCycle.MONTHLY,
            starts_on=self.config.start.date(), trial_days=trial))

    # --- trading ----------------------------------------------------------------------------

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
        symbol = symbol or self.rng.choice(tuple(MARKETS))
        if long is None:
            long = self.rng.choice((Side.BUY, Side.SELL)) is Side.BUY
        side = (PositionSide.BOTH if not trader.hedges
                else PositionSide.LONG if long else PositionSide.SHORT)
        instrument = MARKETS[symbol][0]
        price = self.prices[symbol]
        state = self.app.load(PORTFOLIO, trader.user_id).state
        equity = state.equity("USD")
        if equity <= 0:
            return
        leverage = sizing_leverage(trader, POLICY)
        levels = stop_levels(instrument, price, long, trader.stop, trader.reward_ratio)
        sized = levels.bind(lambda found: fixed_fractional_size(
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
            trader.leverage, liquidation_price(instrument, done.state.position(symbol, side),
                                               trader.leverage), self.app.now())
        self._protect(trader, (trader.user_id, side))

    def _trade(self, trader: Trader, state: PortfolioState, symbol: str, quantity: Decimal,
               side: PositionSide) -> Executed[PortfolioState] | None:
        """Check an order that adds exposure against the platform's policy on the account's
        current ``state``, fill it at the venue and record the fill; ``None`` when it was
        refused (the refusal is recorded) or not filled."""
        command = ExecuteTrade(command_id=self.app.new_id(), account_id=trader.user_id,
                               issued_at=self.app.now(), symbol=symbol, quote_currency="USD",
                               quantity=quantity, price=self.prices[symbol], policy=POLICY,
                               position_side=side)
        probe = decide(state, command)
        if isinstance(probe, Failure):
            self.counts["sizing"] += 1
            return None
        if probe.unwrap()[0].event_type == "RiskLimitHit":  # refused before the venue
            self._execute(PORTFOLIO, trader.user_id, command)
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
        done = self._execute(PORTFOLIO, trader.user_id, attrs.evolve(
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
        return self._execute(PORTFOLIO, trade.user_id, ExecuteTrade(
            command_id=self.app.new_id(), account_id=trade.user_id, issued_at=self.app.now(),
            symbol=trade.symbol, quote_currency="USD", quantity=fill.quantity,
            price=fill.price, fee=fill.fee, liquidity=fill.liquidity, policy=POLICY,
            position_side=trade.side))

    def _protect(self, trader: Trader, key: _Key) -> None:
        """Place (or replace) the stop and target of the trade at ``key`` at the venue for
        its whole leg."""
        trade = self._cancel_exits(self.open[key])
        held = self.app.load(PORTFOLIO, trade.user_id).state.position(trade.symbol, trade.side)
        orders = exit_orders(trade, CONTEXT.abs(held.quantity), self.app.new_id(),
                             trader.uses_stop)
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
                           state.position(trade.symbol, trade.side).quantity, trade.side)
        if done is None:
            return
        self.open[key] = attrs.evolve(trade, liquidation=liquidation_price(
            MARKETS[trade.symbol][0], done.state.position(trade.symbol, trade.side),
            trade.leverage))
        self._protect(trader, key)

    def _close(self, trade: OpenTrade) -> None:
        trade = self._cancel_exits(trade)
        held = self.app.load(PORTFOLIO, trade.user_id).state.position(trade.symbol, trade.side)
        fill = self._market_close(trade.user_id, trade.symbol, trade.side, held.quantity)
        self._after_close((trade.user_id, trade.side), self._book(trade, fill).records)

    def _liquidate(self, trade: OpenTrade) -> None:
        """The position is closed at the venue's market and recorded as a liquidation at
        that price, with the liquidation fee."""
        trade = self._cancel_exits(trade)
        held = self.app.load(PORTFOLIO, trade.user_id).state.position(trade.symbol, trade.side)
        fill = self._market_close(trade.user_id, trade.symbol, trade.side, held.quantity)
        fee = LIQUIDATION_FEES.fee(held.quantity, fill.price, Liquidity.TAKER, USD.increment)
        done = self._execute(PORTFOLIO, trade.user_id, LiquidatePosition(
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
        for closed in _closed(records, self.app):
            net = CONTEXT.add(net, _net(closed))
        self.just_closed[key[0]] = net

    def _fund(self) -> None:
        """Book the funding the venue settled since the last step (every 8 hours)."""
        for command in funding_commands(self.venue.on_time(self.app.now())):
            self._execute(PORTFOLIO, command.account_id, command)
            self.counts["funding"] += 1

    def _withdraw(self, trader: Trader) -> None:
        """Take half of the profit out; the portfolio refuses what cash and equity do not
        cover (counted, nothing is stored)."""
        state = self.app.load(PORTFOLIO, trader.user_id).state
        ledger = state.ledger("USD")
        profit = CONTEXT.subtract(state.equity("USD"), CONTEXT.subtract(ledger.deposited,
                                                                        ledger.withdrawn))
        amount = quantize(CONTEXT.divide(profit, Decimal(2)), 2, Rounding.DOWN)
        if amount <= 0:
            return
        done = self.app.execute(PORTFOLIO, trader.user_id, Withdraw(
            command_id=self.app.new_id(), account_id=trader.user_id, issued_at=self.app.now(),
            currency="USD", amount=amount))
        if isinstance(done, Failure):
            self.counts["withdrawals_refused"] += 1
            return
        self._reacted(done.unwrap())
        self.counts["withdrawals"] += 1

    # --- the clan battle --------------------------------------------------------------------

    def _resolve_battle(self) -> ClanBattleResolved:
        """Resolve the battle after the season from the facts in the store: the members'
        trades closed in the period, their streaks, the clans' ratings."""
        self.clock.advance(self.config.season.end - self.clock())  # the season is over
        battle = self.app.load(BATTLE, BATTLE_ID).state
        members = sorted(battle.roster_a | battle.roster_b)
        trades = tuple(
            TradeOutcome(trade_id=closed.event_id, user_id=user, closed_at=closed.occurred_at,
                         pnl=_net(closed))
            for user in members
            for closed in _closed(tuple(self.app.store.read_stream(user)), self.app)
            if battle.period.contains(closed.occurred_at))
        streaks = tuple(MemberStreak(
            user_id=user, days=self.app.load(PLAYER, player_stream(user)).state.streak.length)
            for user in members)
        self._execute(BATTLE, BATTLE_ID, ResolveBattle(
            command_id=f"{BATTLE_ID}:resolve", battle_id=BATTLE_ID, issued_at=self.app.now(),
            rating_a=self.app.load(CLAN, battle.clan_a).state.rating,
            rating_b=self.app.load(CLAN, battle.clan_b).state.rating,
            trades=trades, streaks=streaks))
        resolved = self.app.load(BATTLE, BATTLE_ID).state.result
        if resolved is None:
            raise RuntimeError("the battle stream holds no result after resolving")
        return resolved

    # --- revenue and end of day -------------------------------------------------------------

    def _end_of_day(self, day: int) -> None:
        today = (self.config.start + timedelta(days=day + 1)).date()
        for trader in self.traders:
            marked = sorted({self.open[key].symbol for key in self._legs(trader)
                             if key in self.open})
            for symbol in marked:
                self._execute(PORTFOLIO, trader.user_id, MarkPrice(
                    command_id=self.app.new_id(), account_id=trader.user_id,
                    issued_at=self.app.now(), symbol=symbol, price=self.prices[symbol]))
            if trader.user_id in self.subscribers:
                self._renew(trader, today)
            if trader.withdraws and day % 7 == 6:
                self._withdraw(trader)
        if day % 3 == 0:
            self._mint()
        if day % 2 == 1:
            self._sell(day)

    def _renew(self, trader: Trader, today: date) -> None:
        """Renew every period of the trader's subscription that has ended by ``today``."""
        stream = subscription_stream(trader.user_id)
        subscription = self.app.load(SUBSCRIPTION, stream).state.subscription
        while subscription is not None and subscription.period_end <= today:
            subscription = self._execute(SUBSCRIPTION, stream, RenewSubscription(
                command_id=f"{stream}:renew:{subscription.period_end}",
                issued_at=self.app.now(), subscriber_id=trader.user_id, on=today,
            )).state.subscription

    def _mint(self) -> None:
        stream = collection_stream(COLLECTION_ID)
        token = f"constellation-{self.app.load(COLLECTION, stream).state.minted + 1}"
        self._execute(COLLECTION, stream, MintToken(
            command_id=f"mint:{token}", issued_at=self.app.now(), collection_id=COLLECTION_ID,
            token_id=token, owner_id=self.rng.choice(self.traders).user_id))

    def _sell(self, day: int) -> None:
        stream = collection_stream(COLLECTION_ID)
        minted = self.app.load(COLLECTION, stream).state.minted
        if not minted:
            return
        token = f"constellation-{self.rng.randrange(minted) + 1}"
        seller = self.app.load(COLLECTION, stream).state.owner(token) or ""
        buyer = self.rng.choice(self.traders).user_id
        if buyer == seller:
            return
        price = Money.of(f"{self.rng.randrange(20, 200)}.{self.rng.randrange(100):02d}",
                         USD).unwrap()
        at = self.app.now()
        self._execute(COLLECTION, stream, ListToken(
            command_id=f"list:{token}:{day}", issued_at=at, collection_id=COLLECTION_ID,
            token_id=token, seller_id=seller, price=price))
        self._execute(COLLECTION, stream, BuyToken(
            command_id=f"sale:{token}:{day}", issued_at=at, collection_id=COLLECTION_ID,
            token_id=token, buyer_id=buyer, price=price))


def policies(config: CommunityConfig) -> tuple[Policy, ...]:
    """The policies the community runs after every stored event: the game (a closed trade
    scored for its player, XP into the season's standings, a battle's winners credited), the
    clans' ratings, and the platform ledger's revenue."""
    return (player_activity, xp_standings(SEASON_BOARD, config.season), clan_ratings,
            clan_victories, *REVENUE_POLICIES)


def application(store: EventStore, bus: EventBus, clock: SimulatedClock,
                config: CommunityConfig) -> Application:
    """The application the simulation of ``config`` runs against: :data:`AGGREGATES`, the
    :func:`policies`, account snapshots per :data:`SNAPSHOTS`, command ids ``cmd-1, cmd-2,
    ...`` and the simulated ``clock``."""
    return Application(store, bus, aggregates=AGGREGATES, policies=policies(config),
                       snapshots=SNAPSHOTS, clock=clock, ids=SequentialIds("cmd"))


def simulate(config: CommunityConfig, app: Application, clock: SimulatedClock,
             market: MarketData | None = None) -> Outcome:
    """Run the community against ``app`` (built by :func:`application` for the same
    ``config``), whose clock must be ``clock`` (moved step by step).

    Prices come from ``market`` when given (e.g. :func:`~astratrade_shell.exchanges.
    load_csv_prices`; one step per price step, symbols ``BTCUSD`` and ``ETHUSD``), otherwise
    from a random walk seeded from ``config.seed`` (1.2 % volatility per step, no drift).
    """
    return _Simulation(config, app, clock, market).run()

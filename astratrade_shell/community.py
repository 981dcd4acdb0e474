"""A simulated trading community: what ``astratrade demo`` runs.

Fifty traders (by default) trade BTC and ETH perpetuals on the paper exchange for thirty
simulated days.  This module holds only the randomness -- one seeded :class:`random.Random`
-- and the simulation loop; every rule and every number comes from the core's aggregates and
policies, and every stream is written through :meth:`Application.execute
<astratrade_shell.app.Application.execute>` (decide, then append at the expected version):

* **trading** (``PORTFOLIO``) -- each step the seeded random walk moves prices; a flat trader
  may open a trade sized by :func:`~astratrade_core.trading.fixed_fractional_size` with the
  platform's limits in view: the leverage it sizes with is the trader's wish capped by
  :data:`POLICY`'s leverage and concentration limits, the notional stays under its position
  cap, and a margin of :data:`SIZING_SHARE` leaves room for the venue's slippage.  The
  portfolio's ``decide`` checks :data:`POLICY` first: a breach is recorded as
  ``RiskLimitHit`` and the order never reaches the venue; otherwise the paper exchange fills
  it and the fill is recorded.  Trades close at their stop or target, after the trader's
  holding time, or are liquidated at the core's isolated liquidation price for the margin
  the trader posted (at the trader's own leverage); open positions are marked daily.  Some
  temperaments run into other limits: a *scalper* re-enters as soon as a trade closes
  (trades per window); a *gambler* sets no stop and doubles down once the price passes where
  the stop would have been (concentration, leverage), and re-enters after a loss (daily
  loss).
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
from collections.abc import Iterator, Sequence
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
from astratrade_core.money import USD, Money
from astratrade_core.numeric import CONTEXT, ONE
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
    Liquidity,
    PositionState,
    fixed_fractional_size,
    initial_margin,
    isolated_liquidation_price,
    stop_levels,
)
from astratrade_shell.app import Application, Executed, SequentialIds, SimulatedClock
from astratrade_shell.bus.port import EventBus
from astratrade_shell.exchanges import (
    MarketData,
    OrderRequest,
    PaperExchange,
    RandomWalk,
    Side,
)
from astratrade_shell.markets import FEES, LIQUIDATION_FEES, MARKETS, POLICY, SLIPPAGE
from astratrade_shell.projections import decode_record
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, Snapshotting
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

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

#: Account streams are snapshotted every 50 events (snapshot + tail equals a full replay).
SNAPSHOTS = {PORTFOLIO.name: Snapshotting(PORTFOLIO_SNAPSHOTS, every=50)}

#: Every aggregate the community writes.
AGGREGATES: Final[tuple[Aggregate[Any, Any], ...]] = (
    PORTFOLIO, PLAYER, SEASON, CLAN, BATTLE, SUBSCRIPTION, COLLECTION, PLATFORM_LEDGER)

#: Traders size on this share of their margin budget (twice the slippage kept back), so the
#: venue's slippage and its rounding to the tick never push a fill over a limit the sizing
#: respected.
SIZING_SHARE = Decimal("0.999")
#: Per-step volatility of the default random walk.
VOLATILITY = Decimal("0.012")
#: Take-profit distance as a multiple of the stop distance (a gambler lets winners run).
REWARD_RATIO = Decimal(2)
GAMBLER_REWARD_RATIO = Decimal(10)
#: Trades still open after this many days are closed at the market (scalpers: one step).
MAX_HOLD_DAYS = 4
ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland")
CLANS = ("orion", "lyra")
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
class Trader:
    """A simulated trader's temperament (drawn from the seed): ``careful``, ``active``,
    ``scalper`` (re-enters as soon as a trade closes; holds one step) or ``gambler`` (no
    stop, a far target, doubles down once, re-enters after a loss).  ``leverage`` is the one
    the trader posts isolated margin at; the sizing caps it at the platform's limits."""

    user_id: str
    zone: str
    deposit: Decimal
    risk: Decimal
    leverage: Decimal
    stop: Decimal
    activity: int
    clan: str
    temperament: str = "careful"

    @property
    def uses_stop(self) -> bool:
        """Whether the trader closes at the stop (a gambler does not)."""
        return self.temperament != "gambler"

    @property
    def reward_ratio(self) -> Decimal:
        """How far the target is, in stop distances."""
        return GAMBLER_REWARD_RATIO if self.temperament == "gambler" else REWARD_RATIO

    @property
    def holding(self) -> timedelta:
        """How long a trade may stay open before it is closed at the market."""
        return timedelta(hours=4) if self.temperament == "scalper" else timedelta(
            days=MAX_HOLD_DAYS)

    def reenters(self, net_pnl: Decimal) -> bool:
        """Whether the trader opens again in the step a trade closed with ``net_pnl``."""
        return self.temperament == "scalper" or (self.temperament == "gambler"
                                                 and net_pnl < 0)


@attrs.frozen
class _OpenTrade:
    """A trader's plan for the open position (its size and entry live in the portfolio);
    ``leverage`` is the one its isolated margin was posted at."""

    symbol: str
    long: bool
    stop: Decimal
    target: Decimal
    leverage: Decimal
    liquidation: Decimal | None
    opened: datetime
    doubled: bool = False


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


def _traders(rng: random.Random, count: int) -> tuple[Trader, ...]:
    traders = []
    for n in range(1, count + 1):
        kind = rng.choice(("careful", "careful", "active", "active", "scalper", "gambler"))
        if kind == "careful":
            risk, stop, leverage = rng.choice(("0.005", "0.01")), rng.choice(("0.02", "0.04")), "3"
        elif kind == "active":
            risk, stop, leverage = "0.02", rng.choice(("0.01", "0.015")), "5"
        elif kind == "scalper":
            risk, stop, leverage = "0.005", "0.005", "5"
        else:
            risk, stop, leverage = rng.choice(("0.03", "0.05")), "0.004", rng.choice(("15", "20"))
        traders.append(Trader(
            user_id=f"trader-{n:02d}", zone=rng.choice(ZONES),
            deposit=Decimal(rng.choice((1000, 2500, 5000, 10000))), risk=Decimal(risk),
            leverage=Decimal(leverage), stop=Decimal(stop),
            activity=rng.choice((10, 20, 30)), clan=CLANS[n % 2], temperament=kind))
    return tuple(traders)


def _sizing_leverage(trader: Trader) -> Decimal:
    """The trader's wished leverage within the platform's gross and one-market limits."""
    caps = [trader.leverage, POLICY.max_leverage]
    if POLICY.max_concentration is not None:
        caps.append(POLICY.max_concentration)
    return min(caps)


def _margin_budget(equity: Decimal, leverage: Decimal) -> Decimal:
    """What the sizer may commit as margin plus entry fee: the equity, and no more than a
    position at the platform's notional cap needs, both scaled by :data:`SIZING_SHARE`."""
    budget = equity
    cap = POLICY.max_position_notional
    if cap is not None:
        per_notional = CONTEXT.add(CONTEXT.divide(ONE, leverage), FEES.taker_rate)
        budget = min(budget, CONTEXT.multiply(cap, per_notional))
    return CONTEXT.multiply(budget, SIZING_SHARE)


def _liquidation(instrument: Instrument, position: PositionState,
                 leverage: Decimal) -> Decimal | None:
    """The core's isolated liquidation price of ``position`` margined at ``leverage``,
    rounded to the tick; None when it has none (or its average entry is off the tick, which
    only a doubled-down position could have: then it is closed, not liquidated)."""
    entry = position.average_entry_price
    return initial_margin(instrument, position.quantity, entry, leverage).bind(
        lambda margin: isolated_liquidation_price(instrument, position.quantity, entry,
                                                  margin)).map(
        lambda found: found.value_or(None)).value_or(None)


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
        self.traders = _traders(self.rng, config.users)
        walk_seed = self.rng.randrange(2**32)
        self.market: MarketData = market or RandomWalk(
            seed=walk_seed, start={s: p for s, (_, p) in MARKETS.items()},
            tick={s: i.tick_size for s, (i, _) in MARKETS.items()}, volatility=VOLATILITY)
        self.prices = {s: p for s, (_, p) in MARKETS.items()}
        self.venue = PaperExchange({s: i for s, (i, _) in MARKETS.items()}, FEES,
                                   slippage=SLIPPAGE, prices=self.prices)
        self.open: dict[str, _OpenTrade] = {}
        self.subscribers: set[str] = set()
        self.counts = {"filled": 0, "refused": 0, "sizing": 0, "liquidated": 0, "closed": 0}

    def run(self) -> Outcome:
        self._setup()
        step = timedelta(hours=24 // self.config.steps_per_day)
        for day in range(self.config.days):
            for _ in range(self.config.steps_per_day):
                self.clock.advance(step)
                self.prices = {**self.prices, **self.market.advance()}
                self.venue.on_prices(self.prices)
                for trader in self.traders:
                    self._step(trader)
            self._end_of_day(day)
        battle = self._resolve_battle()
        return Outcome(self.traders, self.counts["filled"], self.counts["refused"],
                       self.counts["sizing"], self.counts["liquidated"], self.counts["closed"],
                       battle)

    def _execute(self, aggregate: Aggregate[S, Any], stream_id: str,
                 command: Any) -> Executed[S]:
        """Run one command and the policies after it.  A refusal of the command or of a
        command a policy caused is a bug of the simulation, not something it expects."""
        done = self.app.execute(aggregate, stream_id, command).unwrap()
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

    def _step(self, trader: Trader) -> None:
        trade = self.open.get(trader.user_id)
        if trade is None:
            if self.rng.randrange(100) < trader.activity:
                self._open(trader)
            return
        net = self._manage(trader, trade)
        if net is not None and trader.reenters(net):
            self._open(trader)

    def _open(self, trader: Trader) -> None:
        symbol = self.rng.choice(tuple(MARKETS))
        side = self.rng.choice((Side.BUY, Side.SELL))
        instrument = MARKETS[symbol][0]
        price = self.prices[symbol]
        state = self.app.load(PORTFOLIO, trader.user_id).state
        equity = state.equity("USD")
        if equity <= 0:
            return
        long = side is Side.BUY
        leverage = _sizing_leverage(trader)
        levels = stop_levels(instrument, price, long, trader.stop, trader.reward_ratio)
        sized = levels.bind(lambda found: fixed_fractional_size(
            instrument, equity, trader.risk, price, found.stop_loss, fee_rate=FEES.taker_rate,
            leverage=leverage, available_balance=_margin_budget(equity, leverage)))
        if isinstance(sized, Failure):
            self.counts["sizing"] += 1
            return
        quantity = sized.unwrap().quantity
        done = self._trade(trader, state, symbol,
                           quantity if long else CONTEXT.minus(quantity))
        if done is None:
            return
        stops = levels.unwrap()
        position = done.state.position(symbol)
        self.open[trader.user_id] = _OpenTrade(
            symbol, long, stops.stop_loss, stops.take_profit, trader.leverage,
            _liquidation(instrument, position, trader.leverage), self.app.now())

    def _trade(self, trader: Trader, state: PortfolioState, symbol: str,
               quantity: Decimal) -> Executed[PortfolioState] | None:
        """Check the order against the platform's policy on the account's current ``state``,
        fill it at the venue and record the fill; ``None`` when it was refused (the refusal
        is recorded) or not filled."""
        command = ExecuteTrade(command_id=self.app.new_id(), account_id=trader.user_id,
                               issued_at=self.app.now(), symbol=symbol, quote_currency="USD",
                               quantity=quantity, price=self.prices[symbol], policy=POLICY)
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
            side=Side.BUY if quantity > 0 else Side.SELL, quantity=CONTEXT.abs(quantity)))
        if isinstance(report, Failure):
            self.counts["sizing"] += 1
            return None
        fill = report.unwrap().executions[0].fill
        done = self._execute(PORTFOLIO, trader.user_id, attrs.evolve(
            command, price=fill.price, fee=fill.fee, liquidity=fill.liquidity))
        if done.records[0].event_type == "RiskLimitHit":  # the fill price broke a limit
            self.counts["refused"] += 1
            return None
        self.counts["filled"] += 1
        return done

    def _manage(self, trader: Trader, trade: _OpenTrade) -> Decimal | None:
        """Liquidate, close or double down; the closed trade's net P&L, None while open."""
        price = self.prices[trade.symbol]
        long = trade.long
        liquidation = trade.liquidation
        if liquidation is not None and (price <= liquidation if long else price >= liquidation):
            return self._liquidate(trader, trade, liquidation)
        past_stop = price <= trade.stop if long else price >= trade.stop
        reached = price >= trade.target if long else price <= trade.target
        expired = self.app.now() - trade.opened >= trader.holding
        if (past_stop and trader.uses_stop) or reached or expired:
            return self._close(trader, trade)
        if past_stop and not trade.doubled:  # no stop: double down instead, once
            self._double_down(trader, trade)
        return None

    def _double_down(self, trader: Trader, trade: _OpenTrade) -> None:
        self.open[trader.user_id] = attrs.evolve(trade, doubled=True)
        state = self.app.load(PORTFOLIO, trader.user_id).state
        done = self._trade(trader, state, trade.symbol, state.position(trade.symbol).quantity)
        if done is None:
            return
        self.open[trader.user_id] = attrs.evolve(trade, doubled=True, liquidation=_liquidation(
            MARKETS[trade.symbol][0], done.state.position(trade.symbol), trade.leverage))

    def _close(self, trader: Trader, trade: _OpenTrade) -> Decimal | None:
        state = self.app.load(PORTFOLIO, trader.user_id).state
        done = self._trade(trader, state, trade.symbol,
                           CONTEXT.minus(state.position(trade.symbol).quantity))
        if done is None:
            return None
        return self._after_close(trader, done.records)

    def _liquidate(self, trader: Trader, trade: _OpenTrade, price: Decimal) -> Decimal:
        held = self.app.load(PORTFOLIO, trader.user_id).state.position(trade.symbol)
        fee = LIQUIDATION_FEES.fee(held.quantity, price, Liquidity.TAKER, USD.increment)
        done = self._execute(PORTFOLIO, trader.user_id, LiquidatePosition(
            command_id=self.app.new_id(), account_id=trader.user_id, issued_at=self.app.now(),
            symbol=trade.symbol, price=price, fee=fee))
        self.counts["liquidated"] += 1
        return self._after_close(trader, done.records)

    def _after_close(self, trader: Trader, records: Sequence[StoredEvent]) -> Decimal:
        """The game and the fees followed through the policies; here only the bookkeeping
        of the loop."""
        del self.open[trader.user_id]
        self.counts["closed"] += 1
        net = Decimal(0)
        for closed in _closed(records, self.app):
            net = CONTEXT.add(net, _net(closed))
        return net

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
            trade = self.open.get(trader.user_id)
            if trade is not None:
                self._execute(PORTFOLIO, trader.user_id, MarkPrice(
                    command_id=self.app.new_id(), account_id=trader.user_id,
                    issued_at=self.app.now(), symbol=trade.symbol,
                    price=self.prices[trade.symbol]))
            if trader.user_id in self.subscribers:
                self._renew(trader, today)
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

"""A simulated trading community: what ``astratrade demo`` runs.

Fifty traders (by default) trade BTC and ETH perpetuals on the paper exchange for thirty
simulated days.  Everything random happens here, in the shell, from one seeded
:class:`random.Random`; every number comes from the core:

* **trading** -- each step the seeded random walk moves prices; a flat trader may open a
  trade sized by :func:`~astratrade_core.trading.fixed_fractional_size` from their equity, risk
  fraction, stop and leverage.  The portfolio's ``decide`` checks the platform's
  :data:`POLICY` first: a breach is recorded as ``RiskLimitHit`` and the order never reaches
  the venue; otherwise the paper exchange fills it (fees, slippage) and the fill is recorded.
  Open trades close at their stop or target, after :data:`MAX_HOLD_DAYS`, or are liquidated
  when the price crosses their isolated liquidation price.  Open positions are marked daily.
* **game** -- each closed trade feeds the player's streak, the ``STANDARD`` XP rule table,
  achievements (``DEFAULT_CATALOG``), level-ups on the ``moodle`` curve and the season's XP
  standings; the traders belong to two clans (open membership) whose members' trades,
  P&L and streaks are scored in a clan battle at the end of the season (Elo ratings move;
  the winners unlock the clan-victory achievement).
* **revenue** -- trading fees, subscriptions (trials, monthly renewals) and an NFT collection
  (mints on a linear price curve, secondary sales with royalties).

Streams: ``<trader>`` (portfolio), ``player-<trader>`` (game), ``leaderboard-xp``,
``clan-orion``/``clan-lyra``, ``battle-season-1``, ``subscription-<trader>``,
``marketplace``, ``platform-fees``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Success

from astratrade_core.events import Event
from astratrade_core.events.revenue import (
    SubscriptionCharged,
    SubscriptionStarted,
    TradingFeeCollected,
)
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.events.trading import PositionClosed, RiskLimitHit
from astratrade_core.gamification import (
    DEFAULT_CATALOG,
    LEVEL_CURVES,
    STANDARD,
    TRADE_CLOSED,
    Activity,
    PlayerStats,
    Streak,
    XPLedger,
    award_xp,
    level_ups,
    observe_clan_victory,
    observe_streak,
    observe_trade,
    record_activity,
    unlock,
)
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.gamification.standings import Contribution, Metric, Standings, record
from astratrade_core.instrument import Instrument
from astratrade_core.money import BTC, ETH, USD, Money
from astratrade_core.numeric import CONTEXT, ZERO
from astratrade_core.portfolio import (
    PORTFOLIO,
    Deposit,
    ExecuteTrade,
    LiquidatePosition,
    MarkPrice,
    PortfolioState,
    decide,
)
from astratrade_core.revenue.marketplace import (
    MarketplaceTerms,
    MintPricing,
    settle_mint,
    settle_sale,
)
from astratrade_core.revenue.subscriptions import (
    PRESET_PLANS,
    BillingCycle,
    Subscription,
    renew,
    start,
)
from astratrade_core.risk.limits import RiskPolicy
from astratrade_core.social import (
    ClanBattle,
    ClanRules,
    TradeOutcome,
    found_clan,
    join,
    performances,
    resolve_battle,
)
from astratrade_core.trading import (
    FeeSchedule,
    Liquidity,
    PositionState,
    fixed_fractional_size,
    initial_margin,
    isolated_liquidation_price,
    stop_levels,
)
from astratrade_shell.app import Application, SequentialIds, SimulatedClock
from astratrade_shell.bus.port import EventBus
from astratrade_shell.exchanges import (
    MarketData,
    OrderRequest,
    PaperExchange,
    RandomWalk,
    Side,
)
from astratrade_shell.projections import decode_record
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, Snapshotting
from astratrade_shell.store.port import EventStore
from astratrade_shell.store.records import StoredEvent

__all__ = [
    "MARKETS",
    "MAX_HOLD_DAYS",
    "POLICY",
    "PORTFOLIO",
    "SNAPSHOTS",
    "CommunityConfig",
    "Outcome",
    "Trader",
    "application",
    "simulate",
]

#: Account streams are snapshotted every 50 events (snapshot + tail equals a full replay).
SNAPSHOTS = {PORTFOLIO.name: Snapshotting(PORTFOLIO_SNAPSHOTS, every=50)}

#: The platform's pre-trade limits (amounts in USD).
POLICY = RiskPolicy.of(max_leverage="10", max_position_notional="150000",
                       max_open_positions=2, max_trades_per_window=6,
                       daily_loss_limit="2500").unwrap()

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
#: Take-profit distance as a multiple of the stop distance.
REWARD_RATIO = Decimal(2)
#: Trades still open after this many days are closed at the market.
MAX_HOLD_DAYS = 4
CURVE = LEVEL_CURVES["moodle"]
ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland")
CLANS = ("orion", "lyra")
CLAN_RULES = ClanRules(max_members=100, open_membership=True)
RATING = 1500
MARKET_TERMS = MarketplaceTerms.of(250, Money.of("0.50", USD).unwrap()).unwrap()
MINT_PRICING = MintPricing.of(Money.of("10.00", USD).unwrap(), Money.of("0.50", USD).unwrap(),
                              1_000, 500).unwrap()
ROYALTY_BPS = 500


@attrs.frozen
class CommunityConfig:
    """The simulation's size and seed."""

    seed: int = 42
    users: int = 50
    days: int = 30
    steps_per_day: int = 6
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)


@attrs.frozen
class Trader:
    """A simulated trader's temperament (drawn from the seed)."""

    user_id: str
    zone: str
    deposit: Decimal
    risk: Decimal
    leverage: Decimal
    stop: Decimal
    uses_stop: bool
    activity: int
    clan: str


@attrs.frozen
class _OpenTrade:
    symbol: str
    quantity: Decimal  # signed
    entry: Decimal
    stop: Decimal | None
    target: Decimal
    opened: datetime


@attrs.define
class _Player:
    ledger: XPLedger
    streak: Streak
    stats: PlayerStats = attrs.field(factory=PlayerStats)
    unlocked: PSet[str] = attrs.field(factory=pset)
    xp: int = 0


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
        kind = rng.choice(("careful", "careful", "active", "active", "gambler"))
        if kind == "careful":
            risk, stop, leverage = rng.choice(("0.005", "0.01")), rng.choice(("0.02", "0.04")), "3"
        elif kind == "active":
            risk, stop, leverage = "0.02", rng.choice(("0.01", "0.015")), "5"
        else:
            risk, stop, leverage = rng.choice(("0.03", "0.05")), "0.004", rng.choice(("15", "20"))
        traders.append(Trader(
            user_id=f"trader-{n:02d}", zone=rng.choice(ZONES),
            deposit=Decimal(rng.choice((1000, 2500, 5000, 10000))), risk=Decimal(risk),
            leverage=Decimal(leverage), stop=Decimal(stop), uses_stop=kind != "gambler",
            activity=rng.choice((10, 20, 30)), clan=CLANS[n % 2]))
    return tuple(traders)


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
        self.players = {t.user_id: _Player(XPLedger.empty(t.user_id),
                                           Streak(user_id=t.user_id)) for t in self.traders}
        season_end = config.start + timedelta(days=config.days + 1)  # the last step is at the end
        self.season = Period(PeriodKind.SEASON, "season-1", config.start, season_end)
        self.standings = Standings.open("xp-season-1", Metric.XP, self.season)
        self.outcomes: list[TradeOutcome] = []
        self.subscriptions: dict[str, Subscription] = {}
        self.tokens: list[tuple[str, str]] = []  # (token id, owner)
        self.counts = {"filled": 0, "refused": 0, "sizing": 0, "liquidated": 0, "closed": 0}

    # --- the loop ---------------------------------------------------------------------------

    def run(self) -> Outcome:
        self._found_clans()
        for trader in self.traders:
            self._deposit(trader)
            if self.rng.randrange(100) < 30:
                self._subscribe(trader, self.config.start.date())
        step = timedelta(hours=24 // self.config.steps_per_day)
        for day in range(self.config.days):
            for _ in range(self.config.steps_per_day):
                self.clock.advance(step)
                self.prices = {**self.prices, **self.market.advance()}
                self.venue.on_prices(self.prices)
                for trader in self.traders:
                    if trader.user_id in self.open:
                        self._manage(trader)
                    elif self.rng.randrange(100) < trader.activity:
                        self._open(trader)
            self._end_of_day(day)
        battle = self._clan_battle()
        return Outcome(self.traders, self.counts["filled"], self.counts["refused"],
                       self.counts["sizing"], self.counts["liquidated"], self.counts["closed"],
                       battle)


    def _deposit(self, trader: Trader) -> None:
        command = Deposit(command_id=self.app.new_id(), account_id=trader.user_id,
                          issued_at=self.app.now(), currency="USD", amount=trader.deposit)
        self.app.execute(PORTFOLIO, trader.user_id, command).unwrap()

    # --- trading ----------------------------------------------------------------------------

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
        levels = stop_levels(instrument, price, long, trader.stop, REWARD_RATIO)
        if isinstance(levels, Failure):
            self.counts["sizing"] += 1
            return
        stop, target = levels.unwrap().stop_loss, levels.unwrap().take_profit
        sized = fixed_fractional_size(instrument, equity, trader.risk, price, stop,
                                      fee_rate=FEES.taker_rate, leverage=trader.leverage)
        if isinstance(sized, Failure):
            self.counts["sizing"] += 1
            return
        quantity = sized.unwrap().quantity
        signed = quantity if long else CONTEXT.minus(quantity)
        command = ExecuteTrade(command_id=self.app.new_id(), account_id=trader.user_id,
                               issued_at=self.app.now(), symbol=symbol,
                               quote_currency="USD", quantity=signed, price=price,
                               policy=POLICY)
        probe = decide(state, command)
        if isinstance(probe, Failure):
            self.counts["sizing"] += 1
            return
        if isinstance(probe.unwrap()[0], RiskLimitHit):  # refused before reaching the venue
            self.app.execute(PORTFOLIO, trader.user_id, command).unwrap()
            self.counts["refused"] += 1
            return
        filled = self._fill(trader, command, symbol, side, quantity)
        if filled is None:
            return
        self.open[trader.user_id] = _OpenTrade(
            symbol, signed, filled[0], stop if trader.uses_stop else None, target,
            self.app.now())

    def _fill(self, trader: Trader, command: ExecuteTrade, symbol: str, side: Side,
              quantity: Decimal) -> tuple[Decimal, Sequence[StoredEvent]] | None:
        report = self.venue.submit(OrderRequest(
            client_order_id=command.command_id, account_id=trader.user_id, symbol=symbol,
            side=side, quantity=quantity))
        if isinstance(report, Failure):
            self.counts["sizing"] += 1
            return None
        fill = report.unwrap().executions[0].fill
        real = attrs.evolve(command, price=fill.price, fee=fill.fee, liquidity=fill.liquidity)
        done = self.app.execute(PORTFOLIO, trader.user_id, real).unwrap()
        first = done.records and done.records[0].event_type
        if first == "RiskLimitHit":  # slippage pushed it over a limit: unwind at the venue
            self.counts["refused"] += 1
            return None
        self.counts["filled"] += 1
        notional = CONTEXT.multiply(CONTEXT.abs(fill.quantity), fill.price)
        self.app.record("platform-fees", [TradingFeeCollected(
            event_id=f"{real.command_id}:fee", stream_id="platform-fees",
            occurred_at=real.issued_at, account_id=trader.user_id,
            liquidity=fill.liquidity.value, currency="USD", notional=notional, fee=fill.fee)],
            command_id=f"{real.command_id}:fee")
        return fill.price, done.records

    def _manage(self, trader: Trader) -> None:
        trade = self.open[trader.user_id]
        instrument = MARKETS[trade.symbol][0]
        price = self.prices[trade.symbol]
        long = trade.quantity > 0
        margin = initial_margin(instrument, trade.quantity, trade.entry, trader.leverage)
        liquidation = (isolated_liquidation_price(instrument, trade.quantity, trade.entry,
                                                  margin.unwrap()).value_or(None)
                       if isinstance(margin, Success) else None)
        if liquidation is not None and (price <= liquidation if long else price >= liquidation):
            self._liquidate(trader, trade, liquidation)
            return
        stopped = trade.stop is not None and (price <= trade.stop if long else
                                              price >= trade.stop)
        reached = price >= trade.target if long else price <= trade.target
        expired = self.app.now() - trade.opened >= timedelta(days=MAX_HOLD_DAYS)
        if stopped or reached or expired:
            self._close(trader, trade)

    def _close(self, trader: Trader, trade: _OpenTrade) -> None:
        side = Side.SELL if trade.quantity > 0 else Side.BUY
        before = self.app.load(PORTFOLIO, trader.user_id).state
        command = ExecuteTrade(command_id=self.app.new_id(), account_id=trader.user_id,
                               issued_at=self.app.now(), symbol=trade.symbol, quote_currency="USD",
                               quantity=CONTEXT.minus(trade.quantity),
                               price=self.prices[trade.symbol], policy=POLICY)
        filled = self._fill(trader, command, trade.symbol, side, CONTEXT.abs(trade.quantity))
        if filled is None:
            return
        del self.open[trader.user_id]
        self._after_close(trader, before, trade, filled[0], filled[1])

    def _liquidate(self, trader: Trader, trade: _OpenTrade, price: Decimal) -> None:
        before = self.app.load(PORTFOLIO, trader.user_id).state
        fee = LIQUIDATION_FEES.fee(trade.quantity, price, Liquidity.TAKER, USD.increment)
        command = LiquidatePosition(command_id=self.app.new_id(), account_id=trader.user_id,
                                    issued_at=self.app.now(), symbol=trade.symbol,
                                    price=price, fee=fee)
        done = self.app.execute(PORTFOLIO, trader.user_id, command).unwrap()
        self.counts["liquidated"] += 1
        del self.open[trader.user_id]
        self._after_close(trader, before, trade, price, done.records)

    # --- the game ---------------------------------------------------------------------------

    def _after_close(self, trader: Trader, before: PortfolioState, trade: _OpenTrade,
                     exit_price: Decimal, records: Sequence[StoredEvent]) -> None:
        self.counts["closed"] += 1
        closed = next(decode_record(r, self.app.registry) for r in records
                      if r.event_type == "PositionClosed")
        if not isinstance(closed, PositionClosed):
            raise TypeError("expected a PositionClosed record")
        position = before.position(trade.symbol)
        percent = position.roi_percent(exit_price).value_or(ZERO)
        net = PositionState(realized_pnl=closed.realized_pnl, fees_paid=closed.fees_paid,
                            funding_paid=closed.funding_paid).net_realized_pnl
        self.outcomes.append(TradeOutcome(trader.user_id, closed.occurred_at, net))
        self._award(trader, closed, net=net, percent=percent,
                    notional=CONTEXT.abs(position.cost_basis), trade=trade)

    def _award(self, trader: Trader, closed: PositionClosed, *, net: Decimal,
               percent: Decimal, notional: Decimal, trade: _OpenTrade) -> None:
        player = self.players[trader.user_id]
        zone = ZoneInfo(trader.zone)
        source, at = closed.event_id, closed.occurred_at
        events: list[Event] = []
        streak = record_activity(player.streak, at, zone, source_id=source).unwrap()
        player.streak = streak.streak
        events += streak.events
        activity = Activity(activity_id=source, user_id=trader.user_id, kind=TRADE_CLOSED,
                            occurred_at=at, instrument=trade.symbol,
                            side="sell" if trade.quantity > 0 else "buy",
                            quantity=CONTEXT.abs(trade.quantity), notional=notional, pnl=net,
                            pnl_percent=percent)
        award = award_xp(STANDARD, player.ledger, activity, player.streak.length, zone).unwrap()
        player.ledger = award.ledger
        events += award.events
        player.stats = observe_streak(observe_trade(player.stats, pnl=net, notional=notional),
                                      player.streak.length)
        unlocked = unlock(DEFAULT_CATALOG, player.stats, player.unlocked,
                          user_id=trader.user_id, source_id=source, occurred_at=at)
        events += unlocked
        player.unlocked = player.unlocked.update(u.achievement_id for u in unlocked)
        before = player.xp
        gained = award.xp + sum(u.xp_reward for u in unlocked)
        player.xp += gained
        events += level_ups(CURVE, before, player.xp, user_id=trader.user_id, source_id=source,
                            occurred_at=at)
        self.app.record(f"player-{trader.user_id}", events, command_id=f"game:{source}")
        if gained:
            self.standings, ranks = record(self.standings, Contribution(
                user_id=trader.user_id, source_id=source, occurred_at=at, xp=gained)).unwrap()
            self.app.record("leaderboard-xp", ranks, command_id=f"rank:{source}")

    def _found_clans(self) -> None:
        at = self.app.now()
        for name in CLANS:
            members = [t.user_id for t in self.traders if t.clan == name]
            if not members:
                continue
            stream = f"clan-{name}"
            change = found_clan(stream, name.title(), members[0], CLAN_RULES, at,
                                current_clan=None).unwrap()
            events = list(change.events)
            for user in members[1:]:
                change = join(change.clan, user, at, current_clan=None).unwrap()
                events += change.events
            self.app.record(stream, events, command_id=f"{stream}:founded")

    def _clan_battle(self) -> ClanBattleResolved:
        self.clock.advance(self.season.end - self.clock())  # the season is over
        at = self.app.now()
        battle = ClanBattle.of(battle_id="battle-season-1", clan_a=f"clan-{CLANS[0]}",
                               clan_b=f"clan-{CLANS[1]}", period=self.season, rating_a=RATING,
                               rating_b=RATING).unwrap()
        streaks = {user: p.streak.length for user, p in self.players.items()}
        rosters = [performances(self.outcomes, streaks,
                                [t.user_id for t in self.traders if t.clan == name],
                                self.season) for name in CLANS]
        resolved = resolve_battle(battle, rosters[0], rosters[1], at).unwrap()
        self.app.record(battle.battle_id, [resolved], command_id=resolved.event_id)
        for trader in self.traders:
            if resolved.winner is not None and f"clan-{trader.clan}" == resolved.winner:
                self._celebrate(trader, resolved.event_id)
        return resolved

    def _celebrate(self, trader: Trader, source: str) -> None:
        player = self.players[trader.user_id]
        player.stats = observe_clan_victory(player.stats)
        at = self.app.now()
        unlocked = unlock(DEFAULT_CATALOG, player.stats, player.unlocked,
                          user_id=trader.user_id, source_id=source, occurred_at=at)
        player.unlocked = player.unlocked.update(u.achievement_id for u in unlocked)
        before = player.xp
        player.xp += sum(u.xp_reward for u in unlocked)
        events: list[Event] = [*unlocked, *level_ups(CURVE, before, player.xp,
                                                     user_id=trader.user_id, source_id=source,
                                                     occurred_at=at)]
        self.app.record(f"player-{trader.user_id}", events,
                        command_id=f"game:{source}:{trader.user_id}")

    # --- revenue and end of day -------------------------------------------------------------

    def _subscribe(self, trader: Trader, on: date) -> None:
        plan = self.rng.choice(PRESET_PLANS)
        trial = self.rng.choice((0, 7))
        subscription, due = start(plan, BillingCycle.MONTHLY, on, trial).unwrap()
        self.subscriptions[trader.user_id] = subscription
        stream = f"subscription-{trader.user_id}"
        now = self.app.now()
        events: list[Event] = [SubscriptionStarted(
            event_id=f"{stream}:start", stream_id=stream, occurred_at=now,
            subscriber_id=trader.user_id, plan_id=plan.plan_id, tier_rank=plan.rank,
            cycle=BillingCycle.MONTHLY.value, currency="USD",
            price=plan.price(BillingCycle.MONTHLY).amount, starts_on=on,
            trial_ends_on=subscription.trial_ends_on)]
        if due.amount > 0:
            events.append(_charge(stream, now, trader.user_id, subscription, due))
        self.app.record(stream, events, command_id=f"{stream}:start")

    def _end_of_day(self, day: int) -> None:
        today = (self.config.start + timedelta(days=day + 1)).date()
        for trader in self.traders:
            trade = self.open.get(trader.user_id)
            if trade is not None:
                command = MarkPrice(command_id=self.app.new_id(), account_id=trader.user_id,
                                    issued_at=self.app.now(), symbol=trade.symbol,
                                    price=self.prices[trade.symbol])
                self.app.execute(PORTFOLIO, trader.user_id, command).unwrap()
            subscription = self.subscriptions.get(trader.user_id)
            while subscription is not None and subscription.period_end <= today:
                subscription, due = renew(subscription)
                self.subscriptions[trader.user_id] = subscription
                stream = f"subscription-{trader.user_id}"
                self.app.record(stream, [_charge(stream, self.app.now(), trader.user_id,
                                                 subscription, due)],
                                command_id=f"{stream}:{subscription.period_start}")
        if day % 3 == 0:
            self._mint(day)
        if day % 2 == 1 and self.tokens:
            self._sell(day)

    def _mint(self, day: int) -> None:
        owner = self.rng.choice(self.traders).user_id
        settled = settle_mint(MINT_PRICING, len(self.tokens), 1).unwrap()
        token = f"constellation-{len(self.tokens) + 1}"
        event = settled.to_event(event_id=f"mint:{token}", stream_id="marketplace",
                                 occurred_at=self.app.now(), token_id=token,
                                 collection_id="constellations", creator_id="astratrade-studio",
                                 owner_id=owner)
        self.app.record("marketplace", [event], command_id=f"mint:{token}")
        self.tokens.append((token, owner))

    def _sell(self, day: int) -> None:
        index = self.rng.randrange(len(self.tokens))
        token, seller = self.tokens[index]
        buyer = self.rng.choice(self.traders).user_id
        if buyer == seller:
            return
        price = Money.of(f"{self.rng.randrange(20, 200)}.{self.rng.randrange(100):02d}",
                         USD).unwrap()
        settled = settle_sale(price, MARKET_TERMS, ROYALTY_BPS).unwrap()
        sale_id = f"sale:{token}:{day}"
        event = settled.to_event(event_id=sale_id, stream_id="marketplace",
                                 occurred_at=self.app.now(), token_id=token,
                                 collection_id="constellations", seller_id=seller,
                                 buyer_id=buyer, creator_id="astratrade-studio")
        self.app.record("marketplace", [event], command_id=sale_id)
        self.tokens[index] = (token, buyer)


def _charge(stream: str, now: datetime, user: str, subscription: Subscription,
            due: Money) -> SubscriptionCharged:
    return SubscriptionCharged(
        event_id=f"{stream}:charge:{subscription.period_start}", stream_id=stream,
        occurred_at=now, subscriber_id=user, plan_id=subscription.plan.plan_id, currency="USD",
        amount=due.amount, period_start=subscription.period_start,
        period_end=subscription.period_end)


def application(store: EventStore, bus: EventBus, clock: SimulatedClock) -> Application:
    """The application the simulation runs against: the portfolio aggregate, snapshotted per
    :data:`SNAPSHOTS`, command ids ``cmd-1, cmd-2, ...`` and the simulated ``clock``."""
    return Application(store, bus, aggregates=[PORTFOLIO], snapshots=SNAPSHOTS, clock=clock,
                       ids=SequentialIds("cmd"))


def simulate(config: CommunityConfig, app: Application, clock: SimulatedClock,
             market: MarketData | None = None) -> Outcome:
    """Run the community against ``app``, whose clock must be ``clock`` (moved step by step).

    Prices come from ``market`` when given (e.g. :func:`~astratrade_shell.exchanges.
    load_csv_prices`; one step per price step, symbols ``BTCUSD`` and ``ETHUSD``), otherwise
    from a random walk seeded from ``config.seed`` (1.2 % volatility per step, no drift).
    """
    return _Simulation(config, app, clock, market).run()

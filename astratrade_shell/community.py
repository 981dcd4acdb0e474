"""A simulated trading community: what ``astratrade demo`` runs.

Fifty traders (by default) trade BTC and ETH perpetuals on the paper exchange for thirty
simulated days.  This module holds only the randomness -- one seeded :class:`random.Random`
-- and the simulation loop; every rule and every number comes from the core's aggregates and
policies, and every stream is written through :meth:`Application.execute
<astratrade_shell.app.Application.execute>` (decide, then append at the expected version):

* **trading** (``PORTFOLIO``) -- each step the seeded random walk moves prices; a flat trader
  may open a trade sized by :func:`~astratrade_core.trading.fixed_fractional_size` with the
  platform's limits in view (:mod:`astratrade_shell.desk` runs the trades,
  :mod:`astratrade_shell.traders` holds the traders' choices).  The portfolio's ``decide``
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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Final

import attrs

from astratrade_core.aggregate import Aggregate
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.gamification import (
    PLAYER,
    SEASON,
    Metric,
    OpenSeason,
    SetTimeZone,
    player_stream,
)
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.money import BTC, USD, Money
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
from astratrade_shell.app import Application, SequentialIds, SimulatedClock
from astratrade_shell.bus.port import EventBus
from astratrade_shell.desk import Desk, closed_positions, net_pnl
from astratrade_shell.exchanges import (
    MarketData,
    RandomWalk,
)
from astratrade_shell.markets import FEES, LIQUIDATION_FEES, MARKETS, POLICY, SLIPPAGE
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, Snapshotting
from astratrade_shell.store.port import EventStore
from astratrade_shell.traders import (
    CLANS,
    MAX_HOLD_DAYS,
    Trader,
    draw_traders,
)

__all__ = [
    "AGGREGATES",
    "FEES",
    "LIQUIDATION_FEES",
    "MARKETS",
    "MAX_HOLD_DAYS",
    "POLICY",
    "PORTFOLIO",
    "SEASON_BOARD",
    "SLIPPAGE",
    "SNAPSHOTS",
    "CommunityConfig",
    "Outcome",
    "Trader",
    "application",
    "policies",
    "simulate",
]

#: Account streams are snapshotted every 50 events (snapshot + tail equals a full replay).
SNAPSHOTS = {PORTFOLIO.name: Snapshotting(PORTFOLIO_SNAPSHOTS, every=50)}

#: Every aggregate the community writes.
AGGREGATES: Final[tuple[Aggregate[Any, Any], ...]] = (
    PORTFOLIO, PLAYER, SEASON, CLAN, BATTLE, SUBSCRIPTION, COLLECTION, PLATFORM_LEDGER)

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
        self.desk = Desk(app, self.rng, self.prices, config.start, config.days)
        self._execute = self.desk.execute
        self.subscribers: set[str] = set()

    def run(self) -> Outcome:
        self._setup()
        step = timedelta(hours=24 // self.config.steps_per_day)
        for day in range(self.config.days):
            for _ in range(self.config.steps_per_day):
                self.clock.advance(step)
                self.prices = {**self.prices, **self.market.advance()}
                self.desk.step(self.prices, self.traders)
            self._end_of_day(day)
        battle = self._resolve_battle()
        c = self.desk.counts
        return Outcome(self.traders, c["filled"], c["refused"], c["sizing"], c["liquidated"],
                       c["closed"], battle, stops_filled=c["stops"], targets_filled=c["targets"],
                       funding_charges=c["funding"], withdrawals=c["withdrawals"],
                       withdrawals_refused=c["withdrawals_refused"])

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
            self._execute(PORTFOLIO, trader.user_id, self._deposit(trader, at))
            self._execute(PLAYER, player_stream(trader.user_id), SetTimeZone(
                command_id=self.app.new_id(), user_id=trader.user_id, issued_at=at,
                zone=trader.zone))
            if trader.hedges:
                self.desk.hedge_mode(trader)
            if self.rng.randrange(100) < 30:
                self._subscribe(trader)

    def _deposit(self, trader: Trader, at: datetime) -> Deposit:
        """The opening deposit: USD, or for a coin-margined account the same value in BTC at
        the opening BTC price (8 places, rounded down)."""
        if not trader.inverse:
            return Deposit(command_id=self.app.new_id(), account_id=trader.user_id,
                           issued_at=at, currency="USD", amount=trader.deposit)
        coin = quantize(CONTEXT.divide(trader.deposit, self.prices["BTCUSD"]), BTC.minor_unit,
                        Rounding.DOWN)
        return Deposit(command_id=self.app.new_id(), account_id=trader.user_id, issued_at=at,
                       currency="BTC", amount=coin)

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

    # --- the clan battle --------------------------------------------------------------------

    def _resolve_battle(self) -> ClanBattleResolved:
        """Resolve the battle after the season from the facts in the store: the members'
        trades closed in the period, their streaks, the clans' ratings."""
        self.clock.advance(self.config.season.end - self.clock())  # the season is over
        battle = self.app.load(BATTLE, BATTLE_ID).state
        members = sorted(battle.roster_a | battle.roster_b)
        trades = tuple(
            TradeOutcome(trade_id=closed.event_id, user_id=user, closed_at=closed.occurred_at,
                         pnl=net_pnl(closed))
            for user in members
            for closed in closed_positions(tuple(self.app.store.read_stream(user)), self.app)
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
            self.desk.end_of_day(trader, day)
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

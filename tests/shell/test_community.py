"""The simulated community is deterministic, writes every stream through its aggregate at an
expected version, and its records -- the trades, the game the policies derived from them,
the battle and the revenue -- are consistent with each other."""

from __future__ import annotations

import decimal
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from returns.result import Result

from astratrade_core.events import PLATFORM_EVENTS, Event, decode
from astratrade_core.events.gamification import (
    AchievementUnlocked,
    ActivityRecorded,
    ClanVictoryRecorded,
    LeaderboardUpdated,
    XPGained,
)
from astratrade_core.events.revenue import RevenueBooked, TradingFeeCollected
from astratrade_core.events.social import ClanRatingChanged
from astratrade_core.events.trading import (
    FundingApplied,
    FundsWithdrawn,
    PositionClosed,
    PositionLiquidated,
    RiskLimitHit,
    TradeExecuted,
)
from astratrade_core.gamification import SEASON
from astratrade_core.revenue.ledger import RevenueStream
from astratrade_shell.app import Application, SimulatedClock
from astratrade_shell.bus import InProcessBus
from astratrade_shell.community import (
    AGGREGATES,
    PORTFOLIO,
    SEASON_BOARD,
    CommunityConfig,
    Outcome,
    application,
    simulate,
)
from astratrade_shell.desk import PERP
from astratrade_shell.readmodels import PlayerView, ReadModels
from astratrade_shell.report import render
from astratrade_shell.store import InMemoryEventStore
from astratrade_shell.store.records import (
    ANY_VERSION,
    Appended,
    ExpectedVersion,
    PendingEvent,
    VersionConflict,
)

CONFIG = CommunityConfig(seed=3, users=12, days=8)


class ExpectedVersions(InMemoryEventStore):
    """The in-memory store, remembering the expected version of every append."""

    def __init__(self) -> None:
        super().__init__()
        self.expected: list[int | ExpectedVersion] = []

    def append(self, stream_id: str, events: Sequence[PendingEvent],
               expected_version: int | ExpectedVersion, *, command_id: str | None = None,
               ) -> Result[Appended, VersionConflict]:
        self.expected.append(expected_version)
        return super().append(stream_id, events, expected_version, command_id=command_id)


def run(config: CommunityConfig = CONFIG,
        ) -> tuple[Application, ReadModels, Outcome, ExpectedVersions]:
    clock = SimulatedClock(config.start)
    bus = InProcessBus()
    models = ReadModels()
    bus.subscribe(models)
    store = ExpectedVersions()
    app = application(store, bus, clock, config)
    return app, models, simulate(config, app, clock), store


def events_of(app: Application) -> list[Event]:
    return [decode(r.data, PLATFORM_EVENTS).unwrap() for r in app.store.read_all()]


def test_the_same_seed_stores_byte_identical_events() -> None:
    first, _, one, _ = run()
    second, _, two, _ = run()
    assert [r.data for r in first.store.read_all()] == [r.data for r in second.store.read_all()]
    assert one == two


def test_every_stream_is_written_by_its_aggregate_at_an_expected_version() -> None:
    app, _, _, store = run()
    assert store.expected and ANY_VERSION not in store.expected
    assert all(isinstance(v, int) for v in store.expected)
    # Each stream holds only the events of one aggregate (its stream id names it).
    kinds: dict[str, set[str]] = {}
    for record in app.store.read_all():
        kinds.setdefault(record.stream_id, set()).add(record.event_type)
    owners = {a.name: {t.event_type for t in a.event_types} for a in AGGREGATES}
    for stream, types in kinds.items():
        assert any(types <= owned for owned in owners.values()), (stream, types)


def test_records_agree_with_each_other() -> None:
    app, models, outcome, _ = run()
    events = events_of(app)
    kinds = Counter(e.event_type for e in events)
    assert kinds["TradeExecuted"] == outcome.orders_filled
    assert kinds["PositionClosed"] == outcome.closed_trades
    assert kinds["PositionLiquidated"] == outcome.liquidations
    assert kinds["RiskLimitHit"] == outcome.refused_by_risk == models.risk.state.refused_trades
    # the platform ledger recorded, through the policy, exactly the fees of every fill and
    # liquidation (one record each), which is the trading-fee revenue the read model shows
    charged = [e for e in events if isinstance(e, TradeExecuted | PositionLiquidated)
               and e.fee != 0]
    recorded = [e for e in events if isinstance(e, TradingFeeCollected)]
    assert sorted(e.event_id for e in recorded) == sorted(f"fee:{e.event_id}:0"
                                                          for e in charged)
    # per currency: USD, and BTC for the coin-margined accounts' inverse fills
    for currency in {e.quote_currency for e in charged}:
        paid = sum((e.fee for e in charged if e.quote_currency == currency), Decimal(0))
        assert paid == sum((e.fee for e in recorded if e.currency == currency), Decimal(0)) == \
            models.revenue.state.by_stream(currency)[RevenueStream.TRADING_FEES]
    # subscription and marketplace revenue is booked once per earning event
    booked = Counter(e.revenue_stream for e in events if isinstance(e, RevenueBooked))
    assert booked["subscriptions"] == kinds["SubscriptionCharged"] > 0
    assert booked["marketplace"] == kinds["NFTMinted"] + kinds["MarketplaceSale"] > 0
    # the projection of every account equals what the use case loads, and reconciles
    for trader in outcome.traders:
        state = models.portfolios.state[trader.user_id]
        assert state == app.load(PORTFOLIO, trader.user_id).state
        for currency in state.currencies():
            assert state.cash_of(currency) == state.ledger(currency).expected_cash


def test_every_closed_trade_is_scored_for_its_player_and_its_xp_ranked() -> None:
    app, models, _, _ = run()
    events = events_of(app)
    closed = {e.event_id for e in events if isinstance(e, PositionClosed)}
    scored = {e.event_id.removeprefix("player:").removesuffix("/activity")
              for e in events if isinstance(e, ActivityRecorded)}
    assert closed and scored == closed
    # the season's standings hold every XP earned inside the season, per player
    season = CONFIG.season
    earned: Counter[str] = Counter()
    for e in events:
        if isinstance(e, XPGained) and season.contains(e.occurred_at):
            earned[e.user_id] += e.amount
        elif isinstance(e, AchievementUnlocked) and season.contains(e.occurred_at):
            earned[e.user_id] += e.xp_reward
    standings = app.load(SEASON, SEASON_BOARD).state.standings
    assert standings is not None
    board = standings.board
    assert {e.user_id: int(e.score) for e in board.top(CONFIG.users)} == {
        user: xp for user, xp in earned.items() if xp > 0}
    ranked = {e.user_id for e in events if isinstance(e, LeaderboardUpdated)}
    assert ranked == {user for user, xp in earned.items() if xp > 0}
    assert {u for u, view in models.players.state.items() if view.xp > 0} >= ranked


def test_the_clan_battle_moves_both_ratings_and_credits_the_winners() -> None:
    app, models, outcome, _ = run()
    battle = outcome.clan_battle
    assert models.battles.state == (battle,)
    assert battle.winner in (battle.clan_a, battle.clan_b)  # this seed has no draw
    # Elo with equal ratings: the winner gains K/2 = 16, through each clan's stream
    moved = {e.stream_id: e.rating for e in events_of(app) if isinstance(e, ClanRatingChanged)}
    assert moved == {battle.clan_a: battle.rating_a_after, battle.clan_b: battle.rating_b_after}
    assert sorted(moved.values()) == [1484, 1516]
    victors = {e.user_id for e in events_of(app) if isinstance(e, ClanVictoryRecorded)}
    assert victors == set(battle.winning_members or ())
    for trader in outcome.traders:
        won = f"clan-{trader.clan}" == battle.winner
        assert (trader.user_id in victors) == won
        view = models.players.state.get(trader.user_id, PlayerView())
        assert ("clan_victory" in view.achievements) == won


def test_the_platform_refuses_for_several_reasons_and_the_sizer_never_disagrees() -> None:
    config = CommunityConfig(seed=7, users=20, days=10)
    app, models, outcome, _ = run(config)
    codes = set(models.risk.state.breaches)
    assert len(codes) >= 3, codes
    # An opening from flat is sized with the platform's limits in view: it may be refused
    # for the trader's pace or the day's losses, never for its size. Only adding to a
    # position (a gambler doubling down) breaks leverage, concentration or notional limits.
    sized = {"risk.max_leverage", "risk.max_concentration", "risk.max_position_notional"}
    doubled = 0
    for trader in outcome.traders:
        state = PORTFOLIO.initial
        for record in app.store.read_stream(trader.user_id):
            event = decode(record.data, PLATFORM_EVENTS).unwrap()
            if isinstance(event, RiskLimitHit):
                breached = {b.code for b in event.breaches}
                if not state.legs(event.symbol):  # a hedge leg counts with the other
                    assert not breached & sized, event
                else:
                    doubled += bool(breached & sized)
            state = PORTFOLIO.evolve(state, [event])
    assert doubled > 0


def test_the_simulation_ignores_the_callers_decimal_context() -> None:
    expected, _, _, _ = run()
    hostile = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN,
                              traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(hostile):
        again, _, _, _ = run()
    assert [r.data for r in again.store.read_all()] == [r.data for r in expected.store.read_all()]


def test_the_leaderboard_read_model_scores_every_player_by_their_xp() -> None:
    _, models, _, _ = run()
    board = models.leaderboard.state
    players = models.players.state
    ranked = board.top(len(players))
    assert {e.user_id: e.score for e in ranked} == {
        user: Decimal(view.xp) for user, view in players.items() if view.xp > 0}
    assert [e.score for e in ranked] == sorted((e.score for e in ranked), reverse=True)


# --- derivatives: exits at the venue, hedge mode, funding, withdrawals ----------------------------

DERIVATIVES = CommunityConfig(seed=11, users=16, days=9)


def test_stops_and_targets_are_orders_the_venue_fills() -> None:
    app, _, outcome, _ = run(DERIVATIVES)
    trades = [e for e in events_of(app) if isinstance(e, TradeExecuted)]
    # every entry and market close takes liquidity; only a resting target fills as maker, so
    # the maker fills are exactly the targets the venue executed
    assert outcome.stops_filled > 0 and outcome.targets_filled > 0
    assert sum(e.liquidity == "maker" for e in trades) == outcome.targets_filled
    # a stop-market fills past its stop (slippage, taker): its fill is a closing fill the
    # simulation never priced itself, recorded like every other fill
    assert len(trades) == outcome.orders_filled


def test_hedge_accounts_hold_both_legs_and_one_way_accounts_one() -> None:
    app, _, outcome, _ = run(DERIVATIVES)
    hedgers = {t.user_id for t in outcome.traders if t.hedges}
    assert hedgers and hedgers != {t.user_id for t in outcome.traders}
    both_legs = False
    for trader in outcome.traders:
        state = PORTFOLIO.initial
        for record in app.store.read_stream(trader.user_id):
            event = decode(record.data, PLATFORM_EVENTS).unwrap()
            state = PORTFOLIO.evolve(state, [event])
            if isinstance(event, TradeExecuted):
                assert (event.position_side != "both") == (trader.user_id in hedgers)
                both_legs = both_legs or len(state.legs(event.symbol)) == 2
        assert (state.mode.value == "hedge") == (trader.user_id in hedgers)
    assert both_legs


def test_funding_is_charged_every_8_hours_by_the_portfolios_rule() -> None:
    app, models, outcome, _ = run(DERIVATIVES)
    charged = [e for e in events_of(app) if isinstance(e, FundingApplied)]
    assert charged and outcome.funding_charges == len(
        {(e.stream_id, e.symbol, e.occurred_at) for e in charged})
    assert {(e.occurred_at.hour, e.occurred_at.minute) for e in charged} <= {
        (0, 0), (8, 0), (16, 0)}
    assert {e.payment > 0 for e in charged} == {True, False}  # paid and received
    for trader in outcome.traders:
        state = models.portfolios.state[trader.user_id]
        currency = "BTC" if trader.inverse else "USD"
        ledger = state.ledger(currency)
        mine = [e.payment for e in charged if e.stream_id == trader.user_id]
        assert {e.quote_currency for e in charged if e.stream_id == trader.user_id} <= {currency}
        assert ledger.funding_paid == sum(mine, Decimal(0))
        assert state.cash_of(currency) == ledger.expected_cash


def test_some_traders_withdraw_their_profit() -> None:
    app, models, outcome, _ = run(CommunityConfig(seed=11, users=16, days=15))
    withdrawn = [e for e in events_of(app) if isinstance(e, FundsWithdrawn)]
    assert withdrawn and len(withdrawn) == outcome.withdrawals
    takers = {t.user_id for t in outcome.traders if t.withdraws}
    assert {e.stream_id for e in withdrawn} <= takers
    for event in withdrawn:
        assert models.portfolios.state[event.stream_id].ledger(event.currency).withdrawn > 0


def test_the_report_shows_funding_modes_and_withdrawals() -> None:
    _, models, _, _ = run(DERIVATIVES)
    shown = render(models)
    assert "Funding (every 8 hours" in shown and "received (net) by" in shown
    assert " hedge" in shown and " one-way" in shown and "withdrawn" in shown


def test_coin_margined_accounts_trade_the_inverse_contract_in_btc() -> None:
    app, models, outcome, _ = run(DERIVATIVES)
    coin = {t.user_id for t in outcome.traders if t.inverse}
    assert coin and not any(t.hedges for t in outcome.traders if t.inverse)
    trades = [e for e in events_of(app) if isinstance(e, TradeExecuted)]
    mine = [e for e in trades if e.stream_id in coin]
    assert len(mine) >= 2   # opened and closed (by an exit at the venue or at the market)
    for event in trades:
        assert (event.stream_id in coin) == (event.contract_size is not None)
    for event in mine:
        assert (event.symbol, event.quote_currency, event.contract_size) == (
            PERP, "BTC", Decimal(100))
        assert event.quantity == event.quantity.to_integral_value()   # whole contracts
    for user in coin:
        state = models.portfolios.state[user]
        assert "USD" not in state.ledgers and state.ledger("BTC").deposited > 0
        assert state.cash_of("BTC") == state.ledger("BTC").expected_cash
    assert "Coin-margined accounts (BTC" in render(models)

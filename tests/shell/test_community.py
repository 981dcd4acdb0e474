"""The simulated community is deterministic and its records are consistent with each other."""

from __future__ import annotations

import decimal
from collections import Counter
from decimal import Decimal

from astratrade_core.events import PLATFORM_EVENTS, decode
from astratrade_core.events.gamification import LeaderboardUpdated
from astratrade_core.events.revenue import TradingFeeCollected
from astratrade_core.events.trading import TradeExecuted
from astratrade_core.revenue.ledger import RevenueStream
from astratrade_shell.app import Application, SimulatedClock
from astratrade_shell.bus import InProcessBus
from astratrade_shell.community import (
    PORTFOLIO,
    CommunityConfig,
    Outcome,
    application,
    simulate,
)
from astratrade_shell.readmodels import PlayerView, ReadModels
from astratrade_shell.store import InMemoryEventStore

CONFIG = CommunityConfig(seed=3, users=12, days=8)


def run() -> tuple[Application, ReadModels, Outcome]:
    clock = SimulatedClock(CONFIG.start)
    bus = InProcessBus()
    models = ReadModels()
    bus.subscribe(models)
    app = application(InMemoryEventStore(), bus, clock)
    return app, models, simulate(CONFIG, app, clock)


def test_the_same_seed_stores_byte_identical_events() -> None:
    first, _, _ = run()
    second, _, _ = run()
    assert [r.data for r in first.store.read_all()] == [r.data for r in second.store.read_all()]


def test_records_agree_with_each_other() -> None:
    app, models, outcome = run()
    events = [decode(r.data, PLATFORM_EVENTS).unwrap() for r in app.store.read_all()]
    kinds = Counter(e.event_type for e in events)
    assert kinds["TradeExecuted"] == outcome.orders_filled == kinds["TradingFeeCollected"]
    assert kinds["PositionClosed"] == outcome.closed_trades
    assert kinds["PositionLiquidated"] == outcome.liquidations
    assert kinds["RiskLimitHit"] == outcome.refused_by_risk == models.risk.state.refused_trades
    # the platform's fee revenue is exactly what the accounts paid in fills
    paid = sum((e.fee for e in events if isinstance(e, TradeExecuted)), Decimal(0))
    booked = sum((e.fee for e in events if isinstance(e, TradingFeeCollected)), Decimal(0))
    assert paid == booked == models.revenue.state.by_stream("USD")[RevenueStream.TRADING_FEES]
    # the projection of every account equals what the use case loads, and reconciles
    for trader in outcome.traders:
        state = models.portfolios.state[trader.user_id]
        assert state == app.load(PORTFOLIO, trader.user_id).state
        assert state.cash_of("USD") == state.ledger("USD").expected_cash
    # every player who earned XP entered the season's board (rank events only on changes)
    ranked = {e.user_id for e in events if isinstance(e, LeaderboardUpdated)}
    earned = {user for user, view in models.players.state.items() if view.xp > 0}
    assert earned and ranked == earned


def test_the_clan_battle_winners_unlock_the_clan_victory_achievement() -> None:
    _, models, outcome = run()
    battle = outcome.clan_battle
    assert models.battles.state == (battle,)
    assert battle.winner in (battle.clan_a, battle.clan_b)  # this seed has no draw
    # Elo with equal ratings: the winner gains K/2 = 16
    assert (battle.rating_a_after + battle.rating_b_after) == 3000
    assert abs(battle.rating_a_after - 1500) == 16
    for trader in outcome.traders:
        won = f"clan-{trader.clan}" == battle.winner
        view = models.players.state.get(trader.user_id, PlayerView())
        assert ("clan_victory" in view.achievements) == won


def test_the_simulation_ignores_the_callers_decimal_context() -> None:
    expected, _, _ = run()
    hostile = decimal.Context(prec=3, rounding=decimal.ROUND_DOWN,
                              traps=[decimal.Inexact, decimal.Rounded])
    with decimal.localcontext(hostile):
        again, _, _ = run()
    assert [r.data for r in again.store.read_all()] == [r.data for r in expected.store.read_all()]


def test_the_leaderboard_read_model_scores_every_player_by_their_xp() -> None:
    _, models, _ = run()
    board = models.leaderboard.state
    players = models.players.state
    ranked = board.top(len(players))
    assert {e.user_id: e.score for e in ranked} == {
        user: Decimal(view.xp) for user, view in players.items() if view.xp > 0}
    assert [e.score for e in ranked] == sorted((e.score for e in ranked), reverse=True)

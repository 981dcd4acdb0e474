"""The game's policies: a closed position scored for its player exactly as the demo scored
it, XP feeding the season standings, idempotent command ids, and nothing for what they do not
concern."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import AchievementUnlocked, XPGained
from astratrade_core.events.trading import PositionClosed
from astratrade_core.gamification import (
    PLAYER,
    SEASON,
    Metric,
    OpenSeason,
    Period,
    PeriodKind,
    RecordClosedTrade,
    RecordContribution,
)
from astratrade_core.numeric import ZERO
from astratrade_core.policies import player_activity, xp_standings
from astratrade_core.portfolio import PORTFOLIO, Deposit, ExecuteTrade, PortfolioState
from astratrade_core.risk import RiskPolicy
from astratrade_core.testing import decimals, positive_decimals
from astratrade_core.trading import PositionState

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
Q1 = Period(PeriodKind.SEASON, "2026-q1", datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 4, 1, tzinfo=UTC))


def closed(**changes: Any) -> PositionClosed:
    # A short of 0.5 opened at 30,000 and bought back at 29,000 (hand-computed below).
    event = PositionClosed(event_id="c7:1", stream_id="ann", occurred_at=T0, symbol="BTCUSD",
                           quote_currency="USD", realized_pnl=Decimal("500"),
                           fees_paid=Decimal("12.5"), funding_paid=Decimal("-2"),
                           quantity=Decimal("-0.5"), cost_basis=Decimal("-15000"),
                           exit_price=Decimal("29000"))
    return attrs.evolve(event, **changes)


def only_command(event: Event) -> RecordClosedTrade:
    (dispatch,) = player_activity(event)
    assert (dispatch.aggregate, dispatch.stream_id) == ("player", "player-ann")
    assert isinstance(dispatch.command, RecordClosedTrade)
    return dispatch.command


def test_a_short_close_is_scored_by_hand() -> None:
    command = only_command(closed())
    # -0.5 * 29,000 - (-15,000) = 500 on a 15,000 margin: 3.333... %
    assert (command.side, command.quantity, command.notional) == (
        "buy", Decimal("0.5"), Decimal("15000"))
    assert command.pnl == Decimal("489.5")                      # 500 - 12.5 - (-2)
    # 10/3 % to the core's 120 significant digits (unrounded, as the demo passed it on)
    assert command.pnl_percent == Decimal("3." + "3" * 119)
    assert (command.command_id, command.user_id, command.issued_at, command.instrument) == (
        "player:c7:1", "ann", T0, "BTCUSD")
    assert player_activity(closed()) == player_activity(closed())   # a re-run: same id


def test_what_the_policy_leaves_alone() -> None:
    v1 = closed(quantity=None, cost_basis=None, exit_price=None)   # an upcast version 1
    assert player_activity(v1) == ()
    assert player_activity(closed(quantity=Decimal(0))) == ()
    assert player_activity(closed(realized_pnl=Decimal("NaN"))) == ()
    assert player_activity(XPGained(event_id="x", stream_id="s", occurred_at=T0,
                                    user_id="ann", amount=1, reason="r", source_id="s",
                                    total_xp=1)) == ()
    assert only_command(closed(cost_basis=ZERO)).pnl_percent == ZERO   # no margin: no ROI


@settings(max_examples=60)
@given(entry=positive_decimals(100_000, 2), exit_=positive_decimals(100_000, 2),
       size=decimals(Decimal("-3"), Decimal("3"), 3).filter(lambda q: q != 0),
       fee=decimals(0, 20, 2))
def test_the_policy_scores_a_close_as_the_demo_did(entry: Decimal, exit_: Decimal,
                                                   size: Decimal, fee: Decimal) -> None:
    # The demo read the portfolio before the closing fill: the position's ROI at the exit
    # price, |cost basis| as the notional, and realized - fees - funding from the close.
    state = PORTFOLIO.replay(PORTFOLIO.decide(PortfolioState.EMPTY, Deposit(
        command_id="d", account_id="ann", issued_at=T0, currency="USD",
        amount=Decimal(10**9))).unwrap())
    policy = RiskPolicy(max_leverage=Decimal(1000))
    opened = ExecuteTrade(command_id="o", account_id="ann", issued_at=T0, symbol="BTCUSD",
                          quote_currency="USD", quantity=size, price=entry, fee=fee,
                          policy=policy)
    before = PORTFOLIO.evolve(state, PORTFOLIO.decide(state, opened).unwrap())
    close = attrs.evolve(opened, command_id="x", quantity=-size, price=exit_,
                         issued_at=T0 + timedelta(hours=1))
    events = PORTFOLIO.decide(before, close).unwrap()
    (position_closed,) = [e for e in events if isinstance(e, PositionClosed)]
    command = only_command(position_closed)
    position = before.position("BTCUSD")
    demo_percent = position.roi_percent(exit_).value_or(ZERO)
    demo_net = PositionState(realized_pnl=position_closed.realized_pnl,
                             fees_paid=position_closed.fees_paid,
                             funding_paid=position_closed.funding_paid).net_realized_pnl
    assert (command.pnl_percent, command.notional, command.pnl, command.quantity) == (
        demo_percent, abs(position.cost_basis), demo_net, abs(size))
    assert command.side == ("sell" if size > 0 else "buy")


def test_xp_flows_from_a_closed_trade_to_the_standings() -> None:
    player, season = Stream.empty(PLAYER), Stream.empty(SEASON)
    season, _ = handle(SEASON, season, OpenSeason(
        command_id="open", board_id="xp-q1", issued_at=Q1.start, metric=Metric.XP,
        period=Q1)).unwrap()
    standings = xp_standings("xp-q1", Q1)
    for n, event in enumerate([closed(), closed(event_id="c9:1", occurred_at=T0 + timedelta(
            days=1), realized_pnl=Decimal("-40"))]):
        for dispatch in player_activity(event):
            assert isinstance(dispatch.command, RecordClosedTrade)
            player, awarded = handle(PLAYER, player, dispatch.command).unwrap()
            for game_event in awarded:
                for ranked in standings(game_event):
                    assert isinstance(ranked.command, RecordContribution)
                    season, _ = handle(SEASON, season, ranked.command).unwrap()
        assert n >= 0
    board = season.state.standings
    assert board is not None
    # Everything the player earned -- rule XP and achievement rewards -- is on the board.
    # First close: 10 * min(2, 1 + 3.33/100) * 1.1 = 11.36 -> 11, first_trade 10,
    # first_profit 20; second (a loss the next day): 10 * 0.5 * 1.2 = 6.
    assert player.state.xp == 11 + 10 + 20 + 6 == board.board.score_of("ann").unwrap()


def test_xp_standings_routes_only_what_counts() -> None:
    policy = xp_standings("xp-q1", Q1)
    gained = XPGained(event_id="p:1/xp/trade_result", stream_id="player-ann", occurred_at=T0,
                      user_id="ann", amount=5, reason="trade_result", source_id="p:1",
                      total_xp=5)
    (dispatch,) = policy(gained)
    assert isinstance(dispatch.command, RecordContribution)
    assert (dispatch.command.command_id, dispatch.command.xp, dispatch.command.issued_at) == (
        "standings:xp-q1:p:1/xp/trade_result", 5, T0)
    assert policy(attrs.evolve(gained, occurred_at=Q1.end)) == ()      # after the season
    assert policy(attrs.evolve(gained, occurred_at=T0.replace(tzinfo=None))) == ()
    reward = AchievementUnlocked(event_id="p:1/achievement/a", stream_id="player-ann",
                                 occurred_at=T0, user_id="ann", achievement_id="a",
                                 xp_reward=0, reward="badge:a", source_id="p:1")
    assert policy(reward) == ()                                         # no XP in it
    (paid,) = policy(attrs.evolve(reward, xp_reward=20))
    assert isinstance(paid.command, RecordContribution) and paid.command.xp == 20
    assert policy(closed()) == ()
    assert SEASON.decide(SEASON.initial, paid.command).failure().code == "season.not_open"
    assert isinstance(handle(PLAYER, Stream.empty(PLAYER), only_command(closed())), Success)


@given(st.sampled_from(["standings", "player"]))
def test_policies_are_pure_functions_of_one_event(which: str) -> None:
    event = closed() if which == "player" else XPGained(
        event_id="e", stream_id="player-ann", occurred_at=T0, user_id="ann", amount=3,
        reason="r", source_id="s", total_xp=3)
    policy = player_activity if which == "player" else xp_standings("b", Q1)
    assert policy(event) == policy(event) and len(policy(event)) == 1

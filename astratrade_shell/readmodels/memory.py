"""The in-memory read models the demo shows and ``astratrade replay`` rebuilds from any store.

Each is a :class:`~astratrade_shell.projections.Projection` whose fold is a core function or a
plain accumulation of event fields:

* ``portfolios`` -- every account's :class:`~astratrade_core.portfolio.PortfolioState`, folded
  with the core's :func:`~astratrade_core.portfolio.evolve`;
* ``players`` -- per player: XP (rule awards plus achievement rewards), level (the highest
  ``LevelUp``), achievements, best streak, as :class:`PlayerView`;
* ``revenue`` -- the core's :class:`~astratrade_core.revenue.ledger.RevenueLedger` by month;
* ``leaderboard`` -- the all-time XP board, updated incrementally by the core's
  :class:`~astratrade_core.gamification.Leaderboard` from each award (ties: whoever reached
  the score first ranks higher);
* ``risk`` -- refused trades by breached limit, and liquidations, as :class:`RiskView`;
* ``battles`` -- every resolved clan battle (the core's ``ClanBattleResolved`` events).

Because every projection tracks its position, feeding the same records twice changes nothing,
and a replay from the store equals the live models (the demo checks this).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap

from astratrade_core.events import PLATFORM_EVENTS, Event, EventRegistry
from astratrade_core.events.gamification import (
    AchievementUnlocked,
    LevelUp,
    StreakExtended,
    XPGained,
)
from astratrade_core.events.social import ClanBattleResolved
from astratrade_core.events.trading import PositionLiquidated, RiskLimitHit
from astratrade_core.gamification import Leaderboard
from astratrade_core.portfolio import PortfolioState, evolve
from astratrade_core.revenue.ledger import Period, RevenueLedger
from astratrade_shell.projections import Projection
from astratrade_shell.store.records import StoredEvent

__all__ = ["PORTFOLIO_EVENTS", "Liquidation", "PlayerView", "ReadModels", "RiskView"]

#: The events the portfolio fold understands.
PORTFOLIO_EVENTS = frozenset({
    "FundsDeposited", "FundsWithdrawn", "FeeCharged", "TradeExecuted", "PositionClosed",
    "FundingApplied", "PriceMarked", "PositionLiquidated", "RiskLimitHit", "PositionModeChanged",
})
_PLAYER_EVENTS = frozenset({"XPGained", "LevelUp", "AchievementUnlocked", "StreakExtended"})
_RISK_EVENTS = frozenset({"RiskLimitHit", "PositionLiquidated"})
_REVENUE_EVENTS = frozenset({
    "TradingFeeCollected", "SubscriptionCharged", "SubscriptionChanged",
    "SubscriptionCancelled", "MarketplaceSale", "NFTMinted", "PremiumPurchased",
})


@attrs.frozen
class PlayerView:
    """What the leaderboard table shows for one player."""

    xp: int = 0
    level: int = 1
    achievements: tuple[str, ...] = ()
    best_streak: int = 0


@attrs.frozen
class Liquidation:
    """One liquidated position."""

    account_id: str
    symbol: str
    price: Decimal
    realized_pnl: Decimal
    fee: Decimal


@attrs.frozen
class RiskView:
    """Refusals per breached limit code, the number of refused trades, and liquidations."""

    refused_trades: int = 0
    breaches: PMap[str, int] = attrs.field(factory=pmap)
    liquidations: tuple[Liquidation, ...] = ()


def fold_portfolios(books: PMap[str, PortfolioState], event: Event) -> PMap[str, PortfolioState]:
    """Route a trading event to its account's portfolio."""
    return books.set(event.stream_id, evolve(books.get(event.stream_id, PortfolioState.EMPTY),
                                             event))


def fold_players(players: PMap[str, PlayerView], event: Event) -> PMap[str, PlayerView]:
    """Accumulate the gamification events of each player."""
    user = getattr(event, "user_id", event.stream_id)
    view = players.get(user, PlayerView())
    if isinstance(event, XPGained):
        view = attrs.evolve(view, xp=view.xp + event.amount)
    elif isinstance(event, AchievementUnlocked):
        view = attrs.evolve(view, xp=view.xp + event.xp_reward,
                            achievements=(*view.achievements, event.achievement_id))
    elif isinstance(event, LevelUp):
        view = attrs.evolve(view, level=max(view.level, event.level))
    elif isinstance(event, StreakExtended):
        view = attrs.evolve(view, best_streak=max(view.best_streak, event.length))
    return players.set(user, view)


def fold_leaderboard(board: Leaderboard, event: Event) -> Leaderboard:
    """Add an award's XP (rule XP or an achievement's reward) to the player's score."""
    if isinstance(event, XPGained):
        user, amount = event.user_id, event.amount
    elif isinstance(event, AchievementUnlocked) and event.xp_reward:
        user, amount = event.user_id, event.xp_reward
    else:
        return board
    return board.add(user, amount, event_id=f"{event.event_id}/board",
                     occurred_at=event.occurred_at).unwrap()[0]


def fold_risk(view: RiskView, event: Event) -> RiskView:
    """Count refusals by limit and list liquidations."""
    if isinstance(event, RiskLimitHit):
        counts = view.breaches
        for breach in event.breaches:
            counts = counts.set(breach.code, counts.get(breach.code, 0) + 1)
        return attrs.evolve(view, refused_trades=view.refused_trades + 1, breaches=counts)
    if isinstance(event, PositionLiquidated):
        return attrs.evolve(view, liquidations=(*view.liquidations, Liquidation(
            event.stream_id, event.symbol, event.price, event.realized_pnl, event.fee)))
    return view


def fold_battles(battles: tuple[ClanBattleResolved, ...],
                 event: Event) -> tuple[ClanBattleResolved, ...]:
    """Collect resolved battles in order."""
    return (*battles, event) if isinstance(event, ClanBattleResolved) else battles


def fold_revenue(ledger: RevenueLedger, event: Event) -> RevenueLedger:
    """The core's revenue ledger, one event at a time."""
    return ledger.record(event)


class ReadModels:
    """The six projections, subscribed together, decoding with one codec ``registry``."""

    def __init__(self, registry: EventRegistry = PLATFORM_EVENTS) -> None:
        self.portfolios: Projection[PMap[str, PortfolioState]] = Projection(
            "portfolios", pmap(), fold_portfolios, accepts=PORTFOLIO_EVENTS, registry=registry)
        self.players: Projection[PMap[str, PlayerView]] = Projection(
            "players", pmap(), fold_players, accepts=_PLAYER_EVENTS, registry=registry)
        self.leaderboard: Projection[Leaderboard] = Projection(
            "leaderboard", Leaderboard.empty("xp-all-time"), fold_leaderboard,
            accepts={"XPGained", "AchievementUnlocked"}, registry=registry)
        self.revenue: Projection[RevenueLedger] = Projection(
            "revenue", RevenueLedger(Period.MONTH), fold_revenue, accepts=_REVENUE_EVENTS,
            registry=registry)
        self.risk: Projection[RiskView] = Projection("risk", RiskView(), fold_risk,
                                                     accepts=_RISK_EVENTS, registry=registry)
        self.battles: Projection[tuple[ClanBattleResolved, ...]] = Projection(
            "battles", (), fold_battles, accepts={"ClanBattleResolved"}, registry=registry)

    def by_name(self) -> dict[str, Projection[Any]]:
        """The projections by name (what a worker process selects with ``--projection``)."""
        found: list[Projection[Any]] = [self.portfolios, self.players, self.leaderboard,
                                        self.revenue, self.risk, self.battles]
        return {p.name: p for p in found}

    def __call__(self, record: StoredEvent) -> None:
        self.portfolios(record)
        self.players(record)
        self.leaderboard(record)
        self.revenue(record)
        self.risk(record)
        self.battles(record)

    def states(self) -> tuple[object, ...]:
        """Every projection's state (to compare a live set with a replayed one)."""
        return (self.portfolios.state, self.players.state, self.leaderboard.state.top(1_000),
                self.revenue.state, self.risk.state, self.battles.state)

"""Achievements: declarative conditions over a player's statistics, unlocked exactly once.

A player's :class:`PlayerStats` is a projection folded from what they did (:func:`observe_trade`,
:func:`observe_streak`, :func:`observe_clan_victory`).  An :class:`Achievement` pairs an id with
a :data:`Condition` -- a small tree of frozen records:

* :class:`TradeCount` (``trades >= n``; ``TradeCount(1)`` is "first trade"),
* :class:`ProfitableTrades` (``profitable_trades >= n``),
* :class:`VolumeAtLeast` (``volume >= amount``),
* :class:`WinRate` (``profitable / trades >= rate`` over at least ``min_trades`` trades,
  compared exactly as ``profitable >= rate * trades``),
* :class:`StreakLength` (longest daily streak ``>= days``),
* :class:`ClanVictories` (``clan_victories >= n``),
* :class:`AllOf` / :class:`AnyOf` to combine them.

There is no "one achievement per type": a catalog may hold any number of achievements with the
same condition type (10, 100 and 1,000 profitable trades), and one evaluation unlocks all that
hold.  :func:`unlock` never emits an achievement already in the player's unlocked set, and
:func:`apply_unlock` adds an event's id to that set idempotently, so replaying a history
(even twice) unlocks every achievement exactly once.

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> at = datetime(2026, 1, 1, tzinfo=UTC)
>>> stats = observe_trade(PlayerStats(), pnl=Decimal("5"), notional=Decimal("100"))
>>> events = unlock(DEFAULT_CATALOG, stats, frozenset(), user_id="u-1", source_id="t-1",
...                 occurred_at=at)
>>> [e.achievement_id for e in events]
['first_trade', 'first_profit']
>>> unlock(DEFAULT_CATALOG, stats, frozenset({"first_trade", "first_profit"}), user_id="u-1",
...        source_id="t-1", occurred_at=at)
()
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs
from pyrsistent.typing import PSet
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.events.gamification import AchievementUnlocked
from astratrade_core.numeric import CONTEXT, ZERO

__all__ = [
    "DEFAULT_CATALOG",
    "Achievement",
    "AllOf",
    "AnyOf",
    "Catalog",
    "ClanVictories",
    "Condition",
    "PlayerStats",
    "ProfitableTrades",
    "StreakLength",
    "TradeCount",
    "VolumeAtLeast",
    "WinRate",
    "apply_unlock",
    "holds",
    "observe_clan_victory",
    "observe_streak",
    "observe_trade",
    "unlock",
]


@attrs.frozen
class PlayerStats:
    """The projection conditions read: counts, exact volume and P&L, best streak, victories."""

    trades: int = 0
    profitable_trades: int = 0
    volume: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    longest_streak: int = 0
    clan_victories: int = 0


def observe_trade(stats: PlayerStats, *, pnl: Decimal, notional: Decimal) -> PlayerStats:
    """Fold one closed trade in (profitable means ``pnl > 0``).

    >>> observe_trade(PlayerStats(), pnl=Decimal("-1"), notional=Decimal("10")).trades
    1
    """
    return attrs.evolve(
        stats,
        trades=stats.trades + 1,
        profitable_trades=stats.profitable_trades + (1 if pnl > 0 else 0),
        volume=CONTEXT.add(stats.volume, CONTEXT.abs(notional)),
        realized_pnl=CONTEXT.add(stats.realized_pnl, pnl),
    )


def observe_streak(stats: PlayerStats, length: int) -> PlayerStats:
    """Record a current streak length (the projection keeps the longest).

    >>> observe_streak(observe_streak(PlayerStats(), 7), 3).longest_streak
    7
    """
    return attrs.evolve(stats, longest_streak=max(stats.longest_streak, length))


def observe_clan_victory(stats: PlayerStats) -> PlayerStats:
    """Count one clan battle won by the player's clan.

    >>> observe_clan_victory(PlayerStats()).clan_victories
    1
    """
    return attrs.evolve(stats, clan_victories=stats.clan_victories + 1)


@attrs.frozen
class TradeCount:
    """At least ``n`` closed trades."""

    n: int


@attrs.frozen
class ProfitableTrades:
    """At least ``n`` profitable trades."""

    n: int


@attrs.frozen
class VolumeAtLeast:
    """Lifetime traded notional of at least ``amount``."""

    amount: Decimal


@attrs.frozen
class WinRate:
    """A win rate (a fraction, ``0.6`` = 60 %) of at least ``rate`` over ``>= min_trades``."""

    rate: Decimal
    min_trades: int


@attrs.frozen
class StreakLength:
    """A daily streak of at least ``days`` days."""

    days: int


@attrs.frozen
class ClanVictories:
    """The player's clan won at least ``n`` battles."""

    n: int


@attrs.frozen
class AllOf:
    """Every condition holds."""

    conditions: tuple[Condition, ...]


@attrs.frozen
class AnyOf:
    """At least one condition holds."""

    conditions: tuple[Condition, ...]


Condition = (TradeCount | ProfitableTrades | VolumeAtLeast | WinRate | StreakLength
             | ClanVictories | AllOf | AnyOf)


def holds(condition: Condition, stats: PlayerStats) -> bool:
    """Whether ``condition`` holds for ``stats`` (exact comparisons only).

    >>> s = PlayerStats(trades=20, profitable_trades=12)
    >>> holds(WinRate(Decimal("0.6"), 20), s), holds(WinRate(Decimal("0.61"), 20), s)
    (True, False)
    """
    match condition:
        case TradeCount(n):
            return stats.trades >= n
        case ProfitableTrades(n):
            return stats.profitable_trades >= n
        case VolumeAtLeast(amount):
            return stats.volume >= amount
        case WinRate(rate, min_trades):
            return stats.trades >= max(min_trades, 1) and Decimal(
                stats.profitable_trades) >= CONTEXT.multiply(rate, Decimal(stats.trades))
        case StreakLength(days):
            return stats.longest_streak >= days
        case ClanVictories(n):
            return stats.clan_victories >= n
        case AllOf(conditions):
            return all(holds(c, stats) for c in conditions)
        case AnyOf(conditions):
            return any(holds(c, stats) for c in conditions)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover - exhaustive


@attrs.frozen(kw_only=True)
class Achievement:
    """An unlockable: id, condition, XP reward and an optional reward code (badge/NFT)."""

    achievement_id: str
    title: str
    condition: Condition
    xp_reward: int = 0
    reward: str | None = None


@attrs.frozen
class Catalog:
    """Achievements in evaluation order, with unique ids (build it with :meth:`of`)."""

    achievements: tuple[Achievement, ...]

    @classmethod
    def of(cls, achievements: Iterable[Achievement]) -> Result[Catalog, DomainError]:
        """Reject duplicate ids and negative XP rewards.

        >>> a = Achievement(achievement_id="x", title="X", condition=TradeCount(1))
        >>> Catalog.of([a, a]).failure().code
        'gamification.achievement_duplicate'
        """
        found = tuple(achievements)
        ids = [a.achievement_id for a in found]
        if len(set(ids)) != len(ids):
            return Failure(DomainError.invalid("gamification.achievement_duplicate",
                                          "achievement ids must be unique"))
        if any(a.xp_reward < 0 for a in found):
            return Failure(DomainError.invalid("gamification.achievement_reward",
                                          "XP rewards must be >= 0"))
        return Success(cls(found))


def unlock(catalog: Catalog, stats: PlayerStats, unlocked: Set[str], *, user_id: str,
           source_id: str, occurred_at: datetime, stream_id: str | None = None,
           ) -> tuple[AchievementUnlocked, ...]:
    """``AchievementUnlocked`` for every achievement that holds and is not yet unlocked,
    in catalog order; event ids are ``"<source_id>/achievement/<id>"``, written to
    ``stream_id`` (the user id by default)."""
    stream = user_id if stream_id is None else stream_id
    return tuple(
        AchievementUnlocked(
            event_id=f"{source_id}/achievement/{a.achievement_id}", stream_id=stream,
            occurred_at=occurred_at, user_id=user_id, achievement_id=a.achievement_id,
            xp_reward=a.xp_reward, reward=a.reward, source_id=source_id)
        for a in catalog.achievements
        if a.achievement_id not in unlocked and holds(a.condition, stats)
    )


def apply_unlock(unlocked: PSet[str], event: AchievementUnlocked) -> PSet[str]:
    """Evolve the unlocked set by one event (idempotent: applying it twice changes nothing).

    >>> from datetime import UTC, datetime
    >>> from pyrsistent import pset
    >>> e = AchievementUnlocked(event_id="e", stream_id="u", occurred_at=datetime(2026, 1, 1,
    ...     tzinfo=UTC), user_id="u", achievement_id="a", xp_reward=0, reward=None,
    ...     source_id="s")
    >>> apply_unlock(apply_unlock(pset(), e), e) == pset(["a"])
    True
    """
    return unlocked.add(event.achievement_id)


#: A starter catalog: first trade, profit ladders, volume, win rate, streaks, clan victories.
DEFAULT_CATALOG: Final = Catalog((
    Achievement(achievement_id="first_trade", title="First trade", condition=TradeCount(1),
                xp_reward=10),
    Achievement(achievement_id="first_profit", title="In the green",
                condition=ProfitableTrades(1), xp_reward=20),
    Achievement(achievement_id="profitable_10", title="Ten winners",
                condition=ProfitableTrades(10), xp_reward=50),
    Achievement(achievement_id="profitable_100", title="Centurion",
                condition=ProfitableTrades(100), xp_reward=200, reward="badge:centurion"),
    Achievement(achievement_id="volume_100k", title="Whale in training",
                condition=VolumeAtLeast(Decimal(100_000)), xp_reward=100),
    Achievement(achievement_id="sharpshooter", title="Sharpshooter",
                condition=WinRate(Decimal("0.6"), 50), xp_reward=300,
                reward="nft:sharpshooter"),
    Achievement(achievement_id="streak_7", title="One week", condition=StreakLength(7),
                xp_reward=70),
    Achievement(achievement_id="streak_30", title="One month", condition=StreakLength(30),
                xp_reward=300),
    Achievement(achievement_id="clan_victory", title="Constellation champion",
                condition=ClanVictories(1), xp_reward=100),
))

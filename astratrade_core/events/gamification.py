"""Gamification events: XP, levels, achievements, streaks and leaderboard ranks.

Every event of a player is written to the player's stream (``stream_id`` is the user id); a
leaderboard's events go to the board's stream.  The functions that emit these events derive
``event_id`` deterministically from the id of the input that caused them (an activity, an
award), e.g. ``"t-9/xp/trade_result"``, so replaying the same input yields the same ids and a
store can reject the duplicates.

>>> from datetime import UTC, datetime
>>> e = XPGained(event_id="t-1/xp/trade", stream_id="u-1",
...              occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id="u-1", amount=12,
...              reason="trade", source_id="t-1", total_xp=112)
>>> e.event_type, e.schema_version, e.amount
('XPGained', 1, 12)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

import attrs

from astratrade_core.events.envelope import Event, event_type

__all__ = [
    "GAMIFICATION_EVENTS",
    "AchievementUnlocked",
    "LeaderboardUpdated",
    "LevelUp",
    "StreakExtended",
    "StreakReset",
    "XPGained",
]


@event_type("XPGained", version=1)
@attrs.frozen(kw_only=True)
class XPGained(Event):
    """A player earned ``amount`` (> 0) XP under the rule named ``reason`` for the input
    ``source_id``; ``total_xp`` is the player's lifetime XP after the award."""

    user_id: str
    amount: int
    reason: str
    source_id: str
    total_xp: int


@event_type("LevelUp", version=1)
@attrs.frozen(kw_only=True)
class LevelUp(Event):
    """A player reached ``level`` on the curve named ``curve``.  One award that crosses
    several levels emits one event per level, in increasing order."""

    user_id: str
    curve: str
    level: int
    total_xp: int
    source_id: str


@event_type("AchievementUnlocked", version=1)
@attrs.frozen(kw_only=True)
class AchievementUnlocked(Event):
    """A player unlocked ``achievement_id`` (exactly once per player), with its XP reward and
    an optional non-XP reward code (a badge or NFT template id)."""

    user_id: str
    achievement_id: str
    xp_reward: int
    reward: str | None
    source_id: str


@event_type("StreakExtended", version=1)
@attrs.frozen(kw_only=True)
class StreakExtended(Event):
    """The player's daily streak now counts ``length`` active days, the latest being ``day``
    (a date in the player's own time zone).  ``freezes_used`` freezes bridged missed days."""

    user_id: str
    day: date
    length: int
    freezes_used: int


@event_type("StreakReset", version=1)
@attrs.frozen(kw_only=True)
class StreakReset(Event):
    """The player's streak of ``previous_length`` days broke; ``day`` starts a new one."""

    user_id: str
    day: date
    previous_length: int


@event_type("LeaderboardUpdated", version=1)
@attrs.frozen(kw_only=True)
class LeaderboardUpdated(Event):
    """``user_id``'s competition rank on ``board_id`` changed from ``previous_rank`` (None when
    the user was not ranked) to ``rank``; ``score`` is the user's new score in metric units."""

    board_id: str
    user_id: str
    previous_rank: int | None
    rank: int
    score: Decimal


#: Every event type this module defines (the codec registry is built from such tuples).
GAMIFICATION_EVENTS: Final[tuple[type[Event], ...]] = (
    XPGained,
    LevelUp,
    AchievementUnlocked,
    StreakExtended,
    StreakReset,
    LeaderboardUpdated,
)

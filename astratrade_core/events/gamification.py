"""Gamification events: activities, XP, levels, achievements, streaks, season standings.

Every event of a player is written to the player's stream (``player-<user id>``, see
:mod:`astratrade_core.gamification.player`); a season's events go to the season's stream.
The functions that emit these events derive ``event_id`` deterministically from the id of the
input that caused them (an activity, an award), e.g. ``"t-9/xp/trade_result"``, so replaying
the same input yields the same ids and a store can reject the duplicates.

The player stream's state is rebuilt from ``ActivityRecorded``, ``StreakExtended`` /
``StreakReset`` / ``StreakFreezesGranted``, ``XPGained``, ``AchievementUnlocked``,
``LevelUp``, ``ClanVictoryRecorded`` and ``TimeZoneSet``; a season's from ``SeasonOpened``,
``ContributionRecorded`` and ``LeaderboardEntryRemoved`` (``LeaderboardUpdated`` announces a
rank change and changes nothing).

>>> from datetime import UTC, datetime
>>> e = XPGained(event_id="t-1/xp/trade", stream_id="u-1",
...              occurred_at=datetime(2026, 1, 1, tzinfo=UTC), user_id="u-1", amount=12,
...              reason="trade", source_id="t-1", total_xp=112)
>>> e.event_type, e.schema_version, e.amount
('XPGained', 1, 12)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

import attrs

from astratrade_core.events.envelope import Event, event_type

__all__ = [
    "GAMIFICATION_EVENTS",
    "AchievementUnlocked",
    "ActivityRecorded",
    "ClanVictoryRecorded",
    "ContributionRecorded",
    "LeaderboardEntryRemoved",
    "LeaderboardUpdated",
    "LevelUp",
    "SeasonOpened",
    "StreakExtended",
    "StreakFreezesGranted",
    "StreakReset",
    "TimeZoneSet",
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


@event_type("ActivityRecorded", version=1)
@attrs.frozen(kw_only=True)
class ActivityRecorded(Event):
    """A player closed a trade (``kind`` ``"trade_closed"``): what it was, and how the XP
    ledger counted it -- ``day`` is its calendar date in the player's time zone (the day the
    daily cap counts), ``capped_xp`` the XP it added towards that day's cap, ``counted``
    whether it counted towards the milestones (it met the minimum notional and was not a
    self-cancelling round trip).  The streak, XP and achievement events it caused follow."""

    user_id: str
    kind: str
    instrument: str
    side: str
    quantity: Decimal
    notional: Decimal
    pnl: Decimal
    pnl_percent: Decimal
    day: date
    capped_xp: int
    counted: bool


@event_type("TimeZoneSet", version=1)
@attrs.frozen(kw_only=True)
class TimeZoneSet(Event):
    """The player's days (streaks, the daily XP cap) are now counted in the IANA time zone
    ``zone``."""

    user_id: str
    zone: str


@event_type("StreakFreezesGranted", version=1)
@attrs.frozen(kw_only=True)
class StreakFreezesGranted(Event):
    """The player received ``count`` streak freezes (``freezes`` held afterwards)."""

    user_id: str
    count: int
    freezes: int


@event_type("ClanVictoryRecorded", version=1)
@attrs.frozen(kw_only=True)
class ClanVictoryRecorded(Event):
    """The player's clan won the battle ``battle_id``; the achievements it unlocked follow."""

    user_id: str
    battle_id: str


@event_type("SeasonOpened", version=1)
@attrs.frozen(kw_only=True)
class SeasonOpened(Event):
    """Standings ``board_id`` rank ``metric`` (``xp``, ``realized_pnl``, ``volume`` or
    ``roi_percent``) over ``[starts_at, ends_at)`` (``period_kind``/``label`` describe the
    period) at a resolution of ``places`` decimal places."""

    board_id: str
    metric: str
    period_kind: str
    label: str
    starts_at: datetime
    ends_at: datetime
    places: int


@event_type("ContributionRecorded", version=1)
@attrs.frozen(kw_only=True)
class ContributionRecorded(Event):
    """What ``source_id`` added for ``user_id`` to the standings ``board_id``, and the user's
    ``score`` afterwards (``None``: not ranked, e.g. an ROI with nothing invested yet)."""

    board_id: str
    user_id: str
    source_id: str
    xp: int
    pnl: Decimal
    volume: Decimal
    invested: Decimal
    score: Decimal | None


@event_type("LeaderboardEntryRemoved", version=1)
@attrs.frozen(kw_only=True)
class LeaderboardEntryRemoved(Event):
    """``user_id`` was taken off ``board_id`` (for ``reason``) and takes no further part in
    it; ``previous_rank`` was the user's competition rank (``None``: the user had
    contributions but no rank)."""

    board_id: str
    user_id: str
    reason: str
    previous_rank: int | None


#: Every event type this module defines (the codec registry is built from such tuples).
GAMIFICATION_EVENTS: Final[tuple[type[Event], ...]] = (
    XPGained,
    LevelUp,
    AchievementUnlocked,
    StreakExtended,
    StreakReset,
    LeaderboardUpdated,
    ActivityRecorded,
    TimeZoneSet,
    StreakFreezesGranted,
    ClanVictoryRecorded,
    SeasonOpened,
    ContributionRecorded,
    LeaderboardEntryRemoved,
)

"""The player aggregate: one stream per player (``player-<user id>``) holding the whole game
state of a trader -- time zone, daily streak, XP ledger, statistics, achievements, XP total
and level.

Its configuration is a :class:`PlayerRules` value (an XP rule table, an achievement catalog, a
level curve, the streak policy and a streak-freeze limit); :func:`player_aggregate` turns one
into an :class:`~astratrade_core.aggregate.Aggregate`, and :data:`PLAYER` is the platform's:
the ``STANDARD`` table, ``DEFAULT_CATALOG``, the ``moodle`` curve, no grace days, at most two
freezes held.

=======================  ===================================================================
command                  events (or failure)
=======================  ===================================================================
``RecordClosedTrade``    ``ActivityRecorded``, then what the trade caused, in this order:
                         ``StreakExtended`` / ``StreakReset`` (first trade of a local day),
                         ``XPGained`` (per paying rule or milestone), ``AchievementUnlocked``,
                         ``LevelUp`` (one per level crossed).  An activity dated before the
                         previous one is ``gamification.out_of_order`` (rejected).
``SetTimeZone``          ``TimeZoneSet`` (nothing when unchanged); an unknown IANA name is
                         ``gamification.unknown_zone`` (invalid)
``RecordClanVictory``    ``ClanVictoryRecorded``, ``AchievementUnlocked``, ``LevelUp``; the
                         same battle twice is ``gamification.victory_recorded`` (conflict)
``GrantStreakFreezes``   ``StreakFreezesGranted``; ``gamification.no_freezes`` when the rules
                         have none, ``gamification.freeze_limit`` above the limit (rejected)
=======================  ===================================================================

Every command names the player (``user_id``; a command sent to another player's stream is
``gamification.wrong_player``), carries its ``command_id`` (the id every event id derives
from, and the ``source_id`` the events record) and ``issued_at`` (the events' time: for a
trade, when it closed).  Days -- the streak's and the daily XP cap's -- are calendar dates in
the player's zone (UTC until set).

The rules run in ``decide``; ``evolve`` only folds what the events say, in mutable locals,
and builds the state once per batch.  Replaying a player's stream rebuilds exactly the
streak, ledger, statistics, achievements and XP that applying the rules trade by trade
gives (property-tested against that reference).

>>> from datetime import UTC, datetime
>>> from decimal import Decimal
>>> from astratrade_core.aggregate import Stream, handle
>>> trade = RecordClosedTrade(command_id="c-1", user_id="ann", issued_at=datetime(
...     2026, 3, 1, 12, tzinfo=UTC), instrument="BTCUSD", side="sell",
...     quantity=Decimal("0.1"), notional=Decimal("6000"), pnl=Decimal("150"),
...     pnl_percent=Decimal("25"))
>>> stream, events = handle(PLAYER, Stream.empty(PLAYER), trade).unwrap()
>>> [e.event_type for e in events]
['ActivityRecorded', 'StreakExtended', 'XPGained', 'AchievementUnlocked', \
'AchievementUnlocked']
>>> s = stream.state   # 10 * 1.25 * 1.1 = 13.75 -> 13, plus 10 + 20 for two achievements
>>> s.ledger.total_xp, s.xp, s.level, sorted(s.unlocked), s.streak.length
(13, 43, 1, ['first_profit', 'first_trade'], 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Final
from zoneinfo import ZoneInfo

import attrs
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Decision
from astratrade_core.errors import DomainError, collect
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import (
    GAMIFICATION_EVENTS,
    AchievementUnlocked,
    ActivityRecorded,
    ClanVictoryRecorded,
    LevelUp,
    StreakExtended,
    StreakFreezesGranted,
    StreakReset,
    TimeZoneSet,
    XPGained,
)
from astratrade_core.gamification.achievements import (
    DEFAULT_CATALOG,
    Catalog,
    PlayerStats,
    observe_clan_victory,
    observe_streak,
    observe_trade,
    unlock,
)
from astratrade_core.gamification.levels import LEVEL_CURVES, LevelCurve, level_ups
from astratrade_core.gamification.streaks import (
    Streak,
    StreakPolicy,
    StreakUpdate,
    record_activity,
)
from astratrade_core.gamification.xp import (
    STANDARD,
    TRADE_CLOSED,
    Activity,
    RecentTrade,
    XPAward,
    XPLedger,
    XPRuleTable,
    award_xp,
)
from astratrade_core.numeric import CONTEXT, MAX_INTEGER_DIGITS, ZERO

_add = CONTEXT.add
_abs = CONTEXT.abs

__all__ = [
    "PLAYER",
    "GrantStreakFreezes",
    "PlayerCommand",
    "PlayerRules",
    "PlayerState",
    "RecordClanVictory",
    "RecordClosedTrade",
    "SetTimeZone",
    "player_aggregate",
    "player_stream",
    "time_zone",
]

_ZONE_KEY: Final = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")
_MOODLE: Final = LEVEL_CURVES["moodle"]
_DAILY: Final = StreakPolicy()
_NO_STREAK: Final = Streak(user_id="")
_NO_LEDGER: Final = XPLedger.empty("")
_NO_STATS: Final = PlayerStats()
_NONE: Final[PSet[str]] = pset()


def player_stream(user_id: str) -> str:
    """The id of ``user_id``'s player stream.

    >>> player_stream("ann")
    'player-ann'
    """
    return f"player-{user_id}"


def time_zone(name: str) -> Result[ZoneInfo, DomainError]:
    """The IANA time zone ``name`` (``"Europe/Berlin"``), or ``gamification.unknown_zone``.

    >>> time_zone("Asia/Tokyo").unwrap().key, time_zone("Mars/Olympus").failure().code
    ('Asia/Tokyo', 'gamification.unknown_zone')
    """
    problem = DomainError.invalid("gamification.unknown_zone",
                                  "not an IANA time zone name", zone=name[:64])
    if len(name) > 64 or not _ZONE_KEY.fullmatch(name):
        return Failure(problem)
    try:
        return Success(ZoneInfo(name))
    except (ValueError, LookupError, OSError):  # not a TZif file, no such key, unreadable
        return Failure(problem)


@attrs.frozen(kw_only=True)
class PlayerRules:
    """A player stream's configuration: the XP rule table, the achievement catalog, the level
    curve, the streak policy, and how many streak freezes a player may hold (0: none)."""

    table: XPRuleTable = STANDARD
    catalog: Catalog = DEFAULT_CATALOG
    curve: LevelCurve = _MOODLE
    streaks: StreakPolicy = _DAILY
    max_freezes: int = 2


@attrs.frozen(kw_only=True)
class PlayerState:
    """A player's game state.  ``user_id`` is empty until the first event; ``zone`` is an
    IANA name; ``xp`` is the lifetime total (rule XP, the ledger's, plus achievement
    rewards) and ``level`` the highest level reached on the rules' curve; ``battles`` are the
    clan battles whose victory was recorded."""

    user_id: str = ""
    zone: str = "UTC"
    streak: Streak = _NO_STREAK
    ledger: XPLedger = _NO_LEDGER
    stats: PlayerStats = _NO_STATS
    unlocked: PSet[str] = _NONE
    xp: int = 0
    level: int = 1
    battles: PSet[str] = _NONE


@attrs.frozen(kw_only=True)
class PlayerCommand:
    """Identity, player and time of a command, supplied by the shell."""

    command_id: str
    user_id: str
    issued_at: datetime


@attrs.frozen(kw_only=True)
class RecordClosedTrade(PlayerCommand):
    """The player closed a trade at ``issued_at``: ``instrument``, the closing ``side``
    (``"buy"`` closes a short, ``"sell"`` a long), the absolute ``quantity``, the ``notional``
    (the position's absolute cost), the net ``pnl`` (after fees and funding) and ``pnl_percent``
    (the position's ROI at the exit price, ``25`` meaning 25 %)."""

    instrument: str
    side: str
    quantity: Decimal
    notional: Decimal
    pnl: Decimal
    pnl_percent: Decimal = ZERO


@attrs.frozen(kw_only=True)
class SetTimeZone(PlayerCommand):
    """Count the player's days in the IANA time zone ``zone`` from now on."""

    zone: str


@attrs.frozen(kw_only=True)
class RecordClanVictory(PlayerCommand):
    """The player's clan won the clan battle ``battle_id`` (resolved at ``issued_at``)."""

    battle_id: str


@attrs.frozen(kw_only=True)
class GrantStreakFreezes(PlayerCommand):
    """Give the player ``count`` (>= 1) streak freezes."""

    count: int


def _checked(state: PlayerState, command: PlayerCommand) -> Result[str, DomainError]:
    """The player's stream id, or every problem with the command's identity and time."""
    named: Result[str, DomainError] = Success(command.user_id) if command.user_id else Failure(
        DomainError.invalid("gamification.no_player", "user_id must not be empty"))
    owner: Result[str, DomainError] = Success(command.user_id) if state.user_id in (
        "", command.user_id) else Failure(DomainError.invalid(
            "gamification.wrong_player", "the command is for another player's stream",
            player=state.user_id, user=command.user_id))
    aware: Result[datetime, DomainError] = Success(command.issued_at) if (
        command.issued_at.utcoffset() is not None) else Failure(DomainError.invalid(
            "gamification.naive_time", "issued_at must be timezone-aware"))
    return collect("gamification.invalid_command", named, owner, aware).map(
        lambda _: player_stream(command.user_id))


def _own(state: PlayerState, user_id: str) -> tuple[Streak, XPLedger]:
    """The state's streak and ledger, named for ``user_id`` on a new stream."""
    if state.user_id:
        return state.streak, state.ledger
    return attrs.evolve(state.streak, user_id=user_id), XPLedger.empty(user_id)


def _amount(value: Decimal, field: str, *, signed: bool = True) -> Result[Decimal,
                                                                         DomainError]:
    """A finite amount below ``10**24`` in magnitude (negative ones only when ``signed``).

    Any number of fractional digits is accepted: a position's cost basis or ROI computed in
    the core may carry all of ``CONTEXT``'s 120 digits, and the XP rules use it as it is."""
    if not value.is_finite() or (not value.is_zero() and value.adjusted() >= MAX_INTEGER_DIGITS):
        return Failure(DomainError.invalid("gamification.amount",
                                           f"{field} must be finite and below 1e24",
                                           field=field))
    if not signed and value < 0:
        return Failure(DomainError.invalid("gamification.negative",
                                           f"{field} must not be negative", field=field))
    return Success(value)


def _record_trade(rules: PlayerRules, state: PlayerState, c: RecordClosedTrade,
                  stream: str) -> Decision:
    sided: Result[str, DomainError] = Success(c.side) if c.side in ("buy", "sell", "") else (
        Failure(DomainError.invalid("gamification.side", "side must be buy, sell or ''",
                                    side=c.side[:16])))
    checked = collect("gamification.invalid_command", sided,
                      _amount(c.quantity, "quantity", signed=False),
                      _amount(c.notional, "notional", signed=False), _amount(c.pnl, "pnl"),
                      _amount(c.pnl_percent, "pnl_percent"), time_zone(state.zone))
    activity = Activity(activity_id=c.command_id, user_id=c.user_id, kind=TRADE_CLOSED,
                        occurred_at=c.issued_at, instrument=c.instrument, side=c.side,
                        quantity=c.quantity, notional=c.notional, pnl=c.pnl,
                        pnl_percent=c.pnl_percent)
    return checked.bind(lambda values: _scored(rules, state, activity, values[5], stream))


def _scored(rules: PlayerRules, state: PlayerState, activity: Activity, zone: tzinfo,
            stream: str) -> Decision:
    streak, ledger = _own(state, activity.user_id)

    def with_streak(update: StreakUpdate) -> Decision:
        return award_xp(rules.table, ledger, activity, update.streak.length, zone,
                        stream_id=stream).map(lambda award: _trade_events(
                            rules, state, activity, stream=stream, update=update, award=award,
                            before=ledger))

    return record_activity(streak, activity.occurred_at, zone, rules.streaks,
                           source_id=activity.activity_id, stream_id=stream).bind(with_streak)


def _trade_events(rules: PlayerRules, state: PlayerState, activity: Activity, *, stream: str,
                  update: StreakUpdate, award: XPAward, before: XPLedger) -> tuple[Event, ...]:
    """``ActivityRecorded``, the streak and XP events, the achievements and level-ups."""
    after = award.ledger
    stats = observe_streak(observe_trade(state.stats, pnl=activity.pnl,
                                         notional=activity.notional), update.streak.length)
    day = after.day if after.day is not None else activity.occurred_at.date()
    today = before.xp_today if before.day == after.day else 0
    recorded = ActivityRecorded(
        event_id=f"{activity.activity_id}/activity", stream_id=stream,
        occurred_at=activity.occurred_at, user_id=activity.user_id, kind=activity.kind,
        instrument=activity.instrument, side=activity.side, quantity=activity.quantity,
        notional=activity.notional, pnl=activity.pnl, pnl_percent=activity.pnl_percent,
        day=day, capped_xp=after.xp_today - today, counted=after.counted > before.counted)
    return (recorded, *update.events, *award.events,
            *_rewards(rules, state, stats, award.xp, source=activity.activity_id,
                      user_id=activity.user_id, at=activity.occurred_at, stream=stream))


def _rewards(rules: PlayerRules, state: PlayerState, stats: PlayerStats, gained: int, *,
             source: str, user_id: str, at: datetime, stream: str) -> tuple[Event, ...]:
    """The achievements ``stats`` unlock and the level-ups of ``gained`` XP plus their
    rewards."""
    unlocked = unlock(rules.catalog, stats, state.unlocked, user_id=user_id, source_id=source,
                      occurred_at=at, stream_id=stream)
    total = state.xp + gained + sum(u.xp_reward for u in unlocked)
    return (*unlocked, *level_ups(rules.curve, state.xp, total, user_id=user_id,
                                  source_id=source, occurred_at=at, stream_id=stream))


def _set_zone(state: PlayerState, c: SetTimeZone, stream: str) -> Decision:
    if c.zone == state.zone and state.user_id:
        return Success(())
    return time_zone(c.zone).map(lambda zone: (TimeZoneSet(
        event_id=f"{c.command_id}/zone", stream_id=stream, occurred_at=c.issued_at,
        user_id=c.user_id, zone=zone.key),))


def _clan_victory(rules: PlayerRules, state: PlayerState, c: RecordClanVictory,
                  stream: str) -> Decision:
    if not c.battle_id:
        return Failure(DomainError.invalid("gamification.no_battle",
                                           "battle_id must not be empty"))
    if c.battle_id in state.battles:
        return Failure(DomainError.conflict("gamification.victory_recorded",
                                            "this battle's victory is already recorded",
                                            battle=c.battle_id, user=c.user_id))
    recorded = ClanVictoryRecorded(event_id=f"{c.command_id}/victory", stream_id=stream,
                                   occurred_at=c.issued_at, user_id=c.user_id,
                                   battle_id=c.battle_id)
    return Success((recorded, *_rewards(rules, state, observe_clan_victory(state.stats), 0,
                                        source=c.command_id, user_id=c.user_id,
                                        at=c.issued_at, stream=stream)))


def _freezes(rules: PlayerRules, state: PlayerState, c: GrantStreakFreezes,
             stream: str) -> Decision:
    if c.count < 1:
        return Failure(DomainError.invalid("gamification.freezes", "grant at least one freeze",
                                           count=c.count))
    if rules.max_freezes < 1:
        return Failure(DomainError.rejected("gamification.no_freezes",
                                            "these rules have no streak freezes"))
    held = state.streak.freezes + c.count
    if held > rules.max_freezes:
        return Failure(DomainError.rejected(
            "gamification.freeze_limit", f"a player holds at most {rules.max_freezes} freezes",
            held=state.streak.freezes, count=c.count, limit=rules.max_freezes))
    return Success((StreakFreezesGranted(event_id=f"{c.command_id}/freezes", stream_id=stream,
                                         occurred_at=c.issued_at, user_id=c.user_id,
                                         count=c.count, freezes=held),))


def _decide(rules: PlayerRules, state: PlayerState, command: PlayerCommand) -> Decision:
    def route(stream: str) -> Decision:
        match command:
            case RecordClosedTrade():
                return _record_trade(rules, state, command, stream)
            case SetTimeZone():
                return _set_zone(state, command, stream)
            case RecordClanVictory():
                return _clan_victory(rules, state, command, stream)
            case GrantStreakFreezes():
                return _freezes(rules, state, command, stream)
        return Failure(DomainError.invalid("gamification.unknown_command",
                                           "not a player command",
                                           command=type(command).__qualname__))

    return _checked(state, command).bind(route)


class _Thawed:
    """A player's state in mutable locals while a batch of events is folded."""

    __slots__ = ("battles", "best", "counted", "day", "day_xp", "freezes", "last_at",
                 "last_day", "length", "level", "longest", "profitable", "realized", "recent",
                 "total", "trades", "unlocked", "user", "victories", "volume", "window", "xp",
                 "zone")

    def __init__(self, state: PlayerState, window: timedelta | None) -> None:
        streak, ledger, stats = state.streak, state.ledger, state.stats
        self.window = window
        self.user, self.zone, self.xp, self.level = (state.user_id, state.zone, state.xp,
                                                     state.level)
        self.length, self.last_day, self.longest, self.freezes = (
            streak.length, streak.last_day, streak.longest, streak.freezes)
        self.total, self.day, self.day_xp, self.counted, self.last_at = (
            ledger.total_xp, ledger.day, ledger.xp_today, ledger.counted, ledger.last_at)
        self.recent = list(ledger.recent)
        self.trades, self.profitable, self.volume, self.realized = (
            stats.trades, stats.profitable_trades, stats.volume, stats.realized_pnl)
        self.best, self.victories = stats.longest_streak, stats.clan_victories
        self.unlocked: list[str] = []
        self.battles: list[str] = []

    def activity(self, event: ActivityRecorded) -> None:
        """The trade's statistics and how the XP ledger counted it."""
        self.user = event.user_id
        self.day_xp = (self.day_xp if event.day == self.day else 0) + event.capped_xp
        self.day, self.last_at = event.day, event.occurred_at
        self.counted += event.counted
        if self.window is not None:
            horizon = event.occurred_at - self.window
            self.recent = [t for t in self.recent if t.at >= horizon]
            if event.side:
                self.recent.append(RecentTrade(event.instrument, event.side, event.quantity,
                                               event.occurred_at))
        self.trades += 1
        self.profitable += event.pnl > 0
        self.volume = _add(self.volume, _abs(event.notional))
        self.realized = _add(self.realized, event.pnl)

    def streak(self, length: int, day: date, freezes_used: int) -> None:
        """The streak now counts ``length`` days, the latest being ``day``."""
        self.length, self.last_day = length, day
        self.longest, self.best = max(self.longest, length), max(self.best, length)
        self.freezes -= freezes_used

    def apply(self, event: Event) -> None:
        """Fold one event (events of other kinds change nothing)."""
        match event:
            case XPGained():
                self.total += event.amount
                self.xp += event.amount
            case ActivityRecorded():
                self.activity(event)
            case StreakExtended():
                self.streak(event.length, event.day, event.freezes_used)
            case StreakReset():
                self.streak(1, event.day, 0)
            case AchievementUnlocked():
                self.unlocked.append(event.achievement_id)
                self.xp += event.xp_reward
            case LevelUp():
                self.level = max(self.level, event.level)
            case ClanVictoryRecorded():
                self.user = event.user_id
                self.victories += 1
                self.battles.append(event.battle_id)
            case StreakFreezesGranted():
                self.user = event.user_id
                self.freezes += event.count
            case TimeZoneSet():
                self.user, self.zone = event.user_id, event.zone

    def freeze(self, state: PlayerState) -> PlayerState:
        """The state after every event applied (``state`` was the one thawed)."""
        user = self.user
        return PlayerState(
            user_id=user, zone=self.zone, xp=self.xp, level=self.level,
            streak=Streak(user_id=user, length=self.length, last_day=self.last_day,
                          longest=self.longest, freezes=self.freezes),
            ledger=XPLedger(user_id=user, total_xp=self.total, day=self.day,
                            xp_today=self.day_xp, counted=self.counted, last_at=self.last_at,
                            recent=tuple(self.recent)),
            stats=PlayerStats(trades=self.trades, profitable_trades=self.profitable,
                              volume=self.volume, realized_pnl=self.realized,
                              longest_streak=self.best, clan_victories=self.victories),
            unlocked=state.unlocked.update(self.unlocked),
            battles=state.battles.update(self.battles))


def _evolve(rules: PlayerRules) -> Callable[[PlayerState, Iterable[Event]], PlayerState]:
    window = rules.table.wash_window

    def evolve(state: PlayerState, events: Iterable[Event]) -> PlayerState:
        """Thaw ``state``, apply every event, freeze once (``state`` itself for none)."""
        thawed: _Thawed | None = None
        for event in events:
            if thawed is None:
                thawed = _Thawed(state, window)
            thawed.apply(event)
        return state if thawed is None else thawed.freeze(state)

    return evolve


def player_aggregate(rules: PlayerRules = PlayerRules(), name: str = "player",
                     ) -> Aggregate[PlayerState, PlayerCommand]:
    """The player aggregate for ``rules`` (give another configuration another ``name``: the
    name keys snapshots and read models).

    >>> player_aggregate().name, player_aggregate(PlayerRules(max_freezes=0), "casual").name
    ('player', 'casual')
    """
    return Aggregate(name, PlayerState(), lambda state, command: _decide(rules, state, command),
                     _evolve(rules), GAMIFICATION_EVENTS)


#: The platform's player aggregate (``STANDARD``, ``DEFAULT_CATALOG``, ``moodle``).
PLAYER: Final = player_aggregate()


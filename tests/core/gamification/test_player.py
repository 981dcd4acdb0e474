"""The player aggregate: the laws every aggregate obeys, hand-computed worked examples, and
equality with the rules as the demo applied them trade by trade on a mutable player (the
reference this aggregate replaces)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from pyrsistent import pset
from pyrsistent.typing import PSet
from returns.result import Failure, Success

from astratrade_core.aggregate import Aggregate, Stream, handle
from astratrade_core.events.envelope import Event
from astratrade_core.events.gamification import (
    ActivityRecorded,
    LevelUp,
    StreakExtended,
    StreakReset,
    XPGained,
)
from astratrade_core.gamification import (
    DEFAULT_CATALOG,
    LEVEL_CURVES,
    PLAYER,
    STANDARD,
    TRADE_CLOSED,
    Activity,
    GrantStreakFreezes,
    PlayerCommand,
    PlayerRules,
    PlayerState,
    PlayerStats,
    RecordClanVictory,
    RecordClosedTrade,
    SetTimeZone,
    Streak,
    XPLedger,
    XPRule,
    XPRuleTable,
    award_xp,
    level_ups,
    observe_clan_victory,
    observe_streak,
    observe_trade,
    player_aggregate,
    record_activity,
    unlock,
)
from astratrade_core.testing import (
    TRICKY_ZONES,
    hostile_player_commands,
    player_histories,
)

USER = "ann"
T0 = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)


def trade(n: int, at: datetime, *, pnl: str = "0", pct: str = "0", notional: str = "1000",
          side: str = "sell", quantity: str = "0.1", user: str = USER) -> RecordClosedTrade:
    return RecordClosedTrade(command_id=f"c{n}", user_id=user, issued_at=at,
                             instrument="BTCUSD", side=side, quantity=Decimal(quantity),
                             notional=Decimal(notional), pnl=Decimal(pnl),
                             pnl_percent=Decimal(pct))


def zone(name: str, at: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> SetTimeZone:
    return SetTimeZone(command_id=f"zone-{name}", user_id=USER, issued_at=at, zone=name)


def run(commands: Sequence[PlayerCommand], stream: Stream[PlayerState] | None = None,
        aggregate: Aggregate[PlayerState, PlayerCommand] = PLAYER,
        ) -> tuple[Stream[PlayerState], list[Event]]:
    """Handle every command in turn (refusals change nothing); the stream and its events."""
    current = stream or Stream.empty(aggregate)
    events: list[Event] = []
    for command in commands:
        match handle(aggregate, current, command):
            case Success((current, new)):
                events.extend(new)
            case Failure(_):
                pass
    return current, events


# --- worked examples ------------------------------------------------------------------------


def test_hand_computed_xp_across_a_local_midnight_in_tokyo() -> None:
    # 14:30 and 15:30 UTC on 1 March are 23:30 on 1 March and 00:30 on 2 March in Tokyo.
    stream, events = run([
        zone("Asia/Tokyo"),
        trade(1, T0, pnl="50", pct="25"),
        trade(2, T0 + timedelta(hours=1), pnl="-20", pct="-2"),
        trade(3, datetime(2026, 3, 2, 14, tzinfo=UTC), pnl="300", pct="150")])
    gained = [(e.amount, e.reason) for e in events if isinstance(e, XPGained)]
    # 10 * 1.25 (25 % profit) * 1.1 (1-day streak) = 13.75 -> 13
    # 10 * 0.5 (a loss) * 1.2 (2-day streak: a new Tokyo day) = 6
    # 10 * 2 (150 % capped at x2) * 1.2 (same day) = 24
    assert gained == [(13, "trade_result"), (6, "trade_result"), (24, "trade_result")]
    s = stream.state
    assert s.streak.length == 2 and s.streak.last_day == date(2026, 3, 2)
    # the daily cap counts Tokyo days: 2 March holds 6 + 24
    assert (s.ledger.day, s.ledger.xp_today, s.ledger.total_xp) == (date(2026, 3, 2), 30, 43)
    # first_trade (10) and first_profit (20) on the first trade
    assert sorted(s.unlocked) == ["first_profit", "first_trade"] and s.xp == 43 + 30
    assert s.stats == PlayerStats(trades=3, profitable_trades=2, volume=Decimal(3000),
                                  realized_pnl=Decimal(330), longest_streak=2)
    assert (s.user_id, s.zone, s.level) == (USER, "Asia/Tokyo", 1)
    # In UTC the second trade would fall on the same day: streak 1, 10 * 0.5 * 1.1 = 5.
    utc, utc_events = run([trade(1, T0, pnl="50", pct="25"),
                           trade(2, T0 + timedelta(hours=1), pnl="-20", pct="-2")])
    assert [e.amount for e in utc_events if isinstance(e, XPGained)] == [13, 5]
    assert utc.state.streak.length == 1


def test_a_level_up_across_two_levels_in_one_trade() -> None:
    flat = XPRuleTable(name="flat", rules=(XPRule(name="flat", kind=TRADE_CLOSED,
                                                  base=Decimal(300)),))
    generous = player_aggregate(PlayerRules(table=flat), "generous")
    stream, events = run([trade(1, T0)], aggregate=generous)
    # 300 XP + first_trade's 10 (break-even: no first_profit) = 310 crosses the moodle
    # thresholds 120 (level 2) and 276 (level 3); level 4 starts at 479.
    assert [e.event_type for e in events] == [
        "ActivityRecorded", "StreakExtended", "XPGained", "AchievementUnlocked", "LevelUp",
        "LevelUp"]
    ups = [e for e in events if isinstance(e, LevelUp)]
    assert [(e.level, e.total_xp, e.curve) for e in ups] == [(2, 310, "moodle"),
                                                            (3, 310, "moodle")]
    assert (stream.state.xp, stream.state.level) == (310, 3)
    assert {e.stream_id for e in events} == {"player-ann"}
    assert [e.event_id for e in ups] == ["c1/level/moodle/2", "c1/level/moodle/3"]


def test_streaks_across_new_york_dst_changes() -> None:
    ny = zone("America/New_York")
    # 23:30 EST on 7 March, then 23:30 EDT on 8 March -- a 23-hour day later: consecutive days.
    spring = [trade(1, datetime(2026, 3, 8, 4, 30, tzinfo=UTC)),
              trade(2, datetime(2026, 3, 9, 3, 30, tzinfo=UTC))]
    stream, events = run([ny, *spring])
    assert [(e.day, e.length) for e in events if isinstance(e, StreakExtended)] == [
        (date(2026, 3, 7), 1), (date(2026, 3, 8), 2)]
    # 00:30 EDT and 23:30 EST on 1 November are 24 hours apart but the same local day:
    # the second trade extends nothing, and the day's cap keeps counting.
    fall = [trade(3, datetime(2026, 11, 1, 4, 30, tzinfo=UTC)),
            trade(4, datetime(2026, 11, 2, 4, 30, tzinfo=UTC))]
    after, more = run(fall, stream)
    activity_days = [e.day for e in more if isinstance(e, ActivityRecorded)]
    assert activity_days == [date(2026, 11, 1), date(2026, 11, 1)]
    assert [e.event_type for e in more if isinstance(e, StreakExtended | StreakReset)] == [
        "StreakReset"]                                  # March to November: broken once
    assert after.state.streak.length == 1 and after.state.streak.longest == 2
    # break-even trades earn 10 * 0.5 * 1.1 = 5.5 -> 5 each; both count on 1 November
    assert after.state.ledger.xp_today == 10


def test_a_round_trip_inside_the_wash_window_earns_nothing() -> None:
    _, events = run([trade(1, T0, pnl="5", pct="1", side="sell", quantity="1"),
                     trade(2, T0 + timedelta(minutes=3), pnl="5", pct="1", side="buy",
                           quantity="1")])
    recorded = [e for e in events if isinstance(e, ActivityRecorded)]
    # the sale earns 10 * 1.01 (1 % profit) * 1.1 (1-day streak) = 11.11 -> 11; buying the
    # same quantity back 3 minutes later is a round trip: nothing, and no milestone count
    assert [(e.counted, e.capped_xp) for e in recorded] == [(True, 11), (False, 0)]
    assert [e.amount for e in events if isinstance(e, XPGained)] == [11]


def test_freezes_bridge_a_missed_day_up_to_the_limit() -> None:
    grant = GrantStreakFreezes(command_id="f1", user_id=USER, issued_at=T0, count=1)
    stream, events = run([grant, trade(1, T0), trade(2, T0 + timedelta(days=2))])
    extended = [e for e in events if isinstance(e, StreakExtended)]
    assert [(e.length, e.freezes_used) for e in extended] == [(1, 0), (2, 1)]
    assert stream.state.streak.freezes == 0
    full, _ = run([attrs.evolve(grant, command_id="f2", count=2)], stream)
    assert full.state.streak.freezes == 2
    too_many = PLAYER.decide(full.state, attrs.evolve(grant, command_id="f3"))
    assert too_many.failure().code == "gamification.freeze_limit"
    assert PLAYER.decide(full.state, attrs.evolve(grant, count=0)).failure().code == (
        "gamification.freezes")
    none = player_aggregate(PlayerRules(max_freezes=0), "no-freezes")
    assert none.decide(none.initial, grant).failure().code == "gamification.no_freezes"


def test_refusals() -> None:
    stream, _ = run([trade(1, T0)])
    state = stream.state
    assert PLAYER.decide(state, trade(2, T0 - timedelta(seconds=1))).failure().code == (
        "gamification.out_of_order")
    assert PLAYER.decide(state, trade(2, T0, user="bob")).failure().codes() == (
        "gamification.wrong_player",)
    naive = PLAYER.decide(state, trade(2, T0.replace(tzinfo=None)))
    assert naive.failure().codes() == ("gamification.naive_time",)
    bad = PLAYER.decide(state, trade(2, T0, notional="-1", side="up"))
    assert bad.failure().kind.value == "invalid"
    assert PLAYER.decide(state, zone("Mars/Olympus")).failure().code == (
        "gamification.unknown_zone")
    assert PLAYER.decide(state, zone("UTC")) == Success(())     # unchanged
    victory = RecordClanVictory(command_id="v1", user_id=USER, issued_at=T0, battle_id="b-1")
    won, events = run([victory], stream)
    # clan_victory (100 XP) on top of first_trade (10) and the trade's 5 XP
    assert [e.event_type for e in events] == ["ClanVictoryRecorded", "AchievementUnlocked"]
    assert won.state.xp == 115 and won.state.stats.clan_victories == 1
    again = PLAYER.decide(won.state, attrs.evolve(victory, command_id="v2"))
    assert again.failure().kind.value == "conflict"


# --- laws -------------------------------------------------------------------------------------


@settings(max_examples=60)
@given(player_histories(USER), st.data())
def test_snapshot_plus_tail_equals_full_replay(commands: list[PlayerCommand],
                                               data: st.DataObject) -> None:
    stream, events = run(commands)
    cut = data.draw(st.integers(0, len(events)))
    snapshot = PLAYER.evolve(PLAYER.initial, events[:cut])
    assert PLAYER.evolve(snapshot, events[cut:]) == PLAYER.replay(events) == stream.state
    assert stream.version == len(events)


@settings(max_examples=60)
@given(player_histories(USER, max_size=15), st.lists(st.integers(0, 14), max_size=10))
def test_a_command_applied_twice_changes_nothing(commands: list[PlayerCommand],
                                                 repeats: list[int]) -> None:
    once, _ = run(commands)
    doubled: list[PlayerCommand] = []
    for n, command in enumerate(commands):
        doubled.extend([command] * (1 + repeats.count(n)))    # the same command again, at once
    assert run(doubled)[0] == once
    # every command the stream applied, sent again later, changes nothing either
    for command in reversed(commands):
        if command.command_id in once.commands:
            assert handle(PLAYER, once, command) == Success((once, ()))


@settings(max_examples=200)
@given(player_histories(USER, max_size=8), hostile_player_commands(USER))
def test_decide_never_raises(commands: list[PlayerCommand], hostile: PlayerCommand) -> None:
    stream, _ = run(commands)
    for state in (PLAYER.initial, stream.state):
        result = PLAYER.decide(state, hostile)
        assert isinstance(result, Success | Failure)
        if isinstance(result, Success):   # whatever it accepts folds and re-decides alike
            PLAYER.evolve(state, result.unwrap())


# --- the reference: the rules as the demo applied them on a mutable player ---------------------


@attrs.define
class Reference:
    """The demo's former mutable ``_Player`` (``community.py``) and its two updates
    (``_award``, ``_celebrate``), kept as the reference the aggregate is checked against."""

    ledger: XPLedger
    streak: Streak
    stats: PlayerStats = attrs.field(factory=PlayerStats)
    unlocked: PSet[str] = attrs.field(factory=pset)
    xp: int = 0

    def award(self, c: RecordClosedTrade, zone: ZoneInfo) -> None:
        at, source, user = c.issued_at, c.command_id, c.user_id
        self.streak = record_activity(self.streak, at, zone, source_id=source).unwrap().streak
        activity = Activity(activity_id=source, user_id=user, kind=TRADE_CLOSED,
                            occurred_at=at, instrument=c.instrument, side=c.side,
                            quantity=c.quantity, notional=c.notional, pnl=c.pnl,
                            pnl_percent=c.pnl_percent)
        award = award_xp(STANDARD, self.ledger, activity, self.streak.length, zone).unwrap()
        self.ledger = award.ledger
        self.stats = observe_streak(observe_trade(self.stats, pnl=c.pnl, notional=c.notional),
                                    self.streak.length)
        self.reward(award.xp, user=user, source=source, at=at)

    def celebrate(self, c: RecordClanVictory) -> None:
        self.stats = observe_clan_victory(self.stats)
        self.reward(0, user=c.user_id, source=c.command_id, at=c.issued_at)

    def reward(self, gained: int, *, user: str, source: str, at: datetime) -> None:
        unlocked = unlock(DEFAULT_CATALOG, self.stats, self.unlocked, user_id=user,
                          source_id=source, occurred_at=at)
        self.unlocked = self.unlocked.update(u.achievement_id for u in unlocked)
        before = self.xp
        self.xp += gained + sum(u.xp_reward for u in unlocked)
        level_ups(LEVEL_CURVES["moodle"], before, self.xp, user_id=user, source_id=source,
                  occurred_at=at)


@settings(max_examples=80)
@given(st.sampled_from(TRICKY_ZONES), player_histories(USER, max_size=40))
def test_replay_rebuilds_what_the_rules_give_trade_by_trade(name: str,
                                                            history: list[PlayerCommand],
                                                            ) -> None:
    # The demo's flows: a player in one zone, trades and clan victories (one per battle).
    commands = [c for c in history if isinstance(c, RecordClosedTrade | RecordClanVictory)]
    seen: set[str] = set()
    flows = []
    for command in commands:
        if isinstance(command, RecordClanVictory):
            if command.battle_id in seen:
                continue
            seen.add(command.battle_id)
        flows.append(command)
    reference = Reference(XPLedger.empty(USER), Streak(user_id=USER))
    for command in flows:
        if isinstance(command, RecordClosedTrade):
            reference.award(command, ZoneInfo(name))
        else:
            reference.celebrate(command)
    _, events = run([zone(name, datetime(2000, 1, 1, tzinfo=UTC)), *flows])
    state = PLAYER.replay(events)
    assert (state.ledger, state.streak, state.stats, state.unlocked, state.xp) == (
        reference.ledger, reference.streak, reference.stats, reference.unlocked, reference.xp)
    curve = LEVEL_CURVES["moodle"]
    assert state.level == curve.level_for_xp(state.xp).unwrap()

"""The ``clan_victories`` policy: a battle resolved through the battle aggregate credits every
member of the winning roster on their player stream (the clan-victory achievement, its XP, a
level-up), once; a draw, a version-1 record and other events cause nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
from hypothesis import given
from hypothesis import strategies as st

from astratrade_core.aggregate import Stream, handle
from astratrade_core.events import PLATFORM_EVENTS, ClanBattleResolved, decode
from astratrade_core.events.gamification import AchievementUnlocked, ClanVictoryRecorded
from astratrade_core.gamification import PLAYER, RecordClanVictory
from astratrade_core.gamification.periods import Period, PeriodKind
from astratrade_core.policies import clan_victories
from astratrade_core.social import (
    BATTLE,
    MemberStreak,
    ResolveBattle,
    ScheduleBattle,
    TradeOutcome,
)

START = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = Period(PeriodKind.WEEKLY, "w", START, START + timedelta(days=7))


def battle(trades: tuple[TradeOutcome, ...],
           streaks: tuple[MemberStreak, ...] = (MemberStreak(user_id="cat", days=1),),
           ) -> ClanBattleResolved:
    """orion (ann, bob) against lyra (cat, dan), resolved from the facts through BATTLE."""
    stream, _ = handle(BATTLE, Stream.empty(BATTLE), ScheduleBattle(
        command_id="s", battle_id="b-1", issued_at=START, clan_a="orion", clan_b="lyra",
        period=WEEK, roster_a=("bob", "ann"), roster_b=("cat", "dan"))).unwrap()
    _, (event,) = handle(BATTLE, stream, ResolveBattle(
        command_id="r", battle_id="b-1", issued_at=WEEK.end, rating_a=1500, rating_b=1500,
        trades=trades, streaks=streaks)).unwrap()
    assert isinstance(event, ClanBattleResolved)
    return event


# ann's one winning trade: 10 + 0.1 * 50 = 15 for orion; cat's streak: 5 * 1 = 5 for lyra.
ORION_WINS = (TradeOutcome(trade_id="t1", user_id="ann", closed_at=START, pnl=Decimal(50)),)


def test_every_winner_is_credited_once_with_the_clan_victory() -> None:
    event = battle(ORION_WINS)
    assert (event.winner, event.winning_members) == ("orion", ("ann", "bob"))
    dispatches = clan_victories(event)
    assert [(d.aggregate, d.stream_id) for d in dispatches] == [("player", "player-ann"),
                                                                ("player", "player-bob")]
    for dispatch, member in zip(dispatches, ("ann", "bob"), strict=True):
        command = dispatch.command
        assert command == RecordClanVictory(command_id=f"victory:r:0:{member}",
                                            user_id=member, issued_at=WEEK.end,
                                            battle_id="b-1")
        player, events = handle(PLAYER, Stream.empty(PLAYER), command).unwrap()
        # ClanVictoryRecorded, then "clan_victory" (100 XP, from the catalogue); 100 XP stays
        # below the moodle curve's level 2 (120), so no LevelUp.
        assert [type(e) for e in events] == [ClanVictoryRecorded, AchievementUnlocked]
        unlocked = events[1]
        assert isinstance(unlocked, AchievementUnlocked)
        assert (unlocked.achievement_id, unlocked.xp_reward) == ("clan_victory", 100)
        assert player.state.stats.clan_victories == 1 and player.state.xp == 100
        # The policy run again (a retry) makes the same command: handled once.
        assert clan_victories(event) == dispatches
        assert handle(PLAYER, player, command).unwrap() == (player, ())


def test_a_draw_other_events_and_version_one_records_credit_nobody() -> None:
    # No trades, one streak day each for ann and cat: 5 against 5, a draw.
    draw = battle((), (MemberStreak(user_id="ann", days=1), MemberStreak(user_id="cat", days=1)))
    assert draw.winner is None and draw.winning_members == ()
    assert clan_victories(draw) == ()
    assert clan_victories(attrs.evolve(battle(ORION_WINS), winning_members=None)) == ()
    # A version-1 record, decoded through the platform registry's upcaster.
    v1 = (b'{"event_id":"r:0","occurred_at":"2026-03-09T00:00:00.000000Z","payload":{'
          b'"battle_id":"b-1","clan_a":"orion","clan_b":"lyra","rating_a_after":1484,'
          b'"rating_a_before":1500,"rating_b_after":1516,"rating_b_before":1500,'
          b'"score_a":"65.000","score_b":"70.0","winner":"lyra"},"stream_id":"b-1",'
          b'"type":"ClanBattleResolved","version":1}')
    old = decode(v1, PLATFORM_EVENTS).unwrap()
    assert isinstance(old, ClanBattleResolved) and old.winner == "lyra"
    assert clan_victories(old) == ()
    scheduled = handle(BATTLE, Stream.empty(BATTLE), ScheduleBattle(
        command_id="s", battle_id="b-1", issued_at=START, clan_a="orion", clan_b="lyra",
        period=WEEK, roster_a=("ann",), roster_b=("cat",))).unwrap()[1][0]
    assert clan_victories(scheduled) == ()


ROSTERS = st.lists(st.text(alphabet="abcdefghij-", min_size=1, max_size=8), max_size=12,
                   unique=True).map(tuple)


WON = battle(ORION_WINS)


@given(ROSTERS, st.text(min_size=1, max_size=12))
def test_one_command_per_winner_with_ids_derived_from_the_event(members: tuple[str, ...],
                                                                event_id: str) -> None:
    event = attrs.evolve(WON, event_id=event_id, winning_members=members)
    dispatches = clan_victories(event)
    assert dispatches == clan_victories(event)            # a pure function of the event
    assert [d.stream_id for d in dispatches] == [f"player-{m}" for m in members]
    ids = [d.command.command_id for d in dispatches]
    assert ids == [f"victory:{event_id}:{m}" for m in members] and len(set(ids)) == len(ids)
    assert all(isinstance(d.command, RecordClanVictory) and d.command.user_id == m
               and d.command.battle_id == "b-1" and d.command.issued_at == WEEK.end
               for d, m in zip(dispatches, members, strict=True))

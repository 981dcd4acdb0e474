"""Social events on the wire: ``ClanBattleResolved`` version 2 names the winning roster,
and version-1 records still load, saying they did not record it (``None``, not a draw)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from returns.result import Success

from astratrade_core.events import (
    PLATFORM_EVENTS,
    ClanBattleResolved,
    EventRegistry,
    decode,
    encode,
)
from astratrade_core.events.social import SOCIAL_EVENTS
from astratrade_core.social import (
    BATTLE,
    BATTLE_EVENTS,
    CHALLENGE_EVENTS,
    CLAN_EVENTS,
    BattleStatus,
    ResolveBattle,
)

T0 = datetime(2026, 3, 9, tzinfo=UTC)


def resolved(winning_members: tuple[str, ...] | None) -> ClanBattleResolved:
    return ClanBattleResolved(
        event_id="r:0", stream_id="b-1", occurred_at=T0, battle_id="b-1", clan_a="orion",
        clan_b="lyra", score_a=Decimal("65.000"), score_b=Decimal("70.0"), winner="lyra",
        rating_a_before=1500, rating_a_after=1484, rating_b_before=1500, rating_b_after=1516,
        winning_members=winning_members)


# A version-1 record exactly as the platform stored it before the roster was recorded.
V1 = (b'{"event_id":"r:0","occurred_at":"2026-03-09T00:00:00.000000Z","payload":{'
      b'"battle_id":"b-1","clan_a":"orion","clan_b":"lyra","rating_a_after":1484,'
      b'"rating_a_before":1500,"rating_b_after":1516,"rating_b_before":1500,'
      b'"score_a":"65.000","score_b":"70.0","winner":"lyra"},"stream_id":"b-1",'
      b'"type":"ClanBattleResolved","version":1}')


def test_version_two_bytes_carry_the_winning_roster() -> None:
    assert encode(resolved(("cat", "dan"))) == (
        b'{"event_id":"r:0","occurred_at":"2026-03-09T00:00:00.000000Z","payload":{'
        b'"battle_id":"b-1","clan_a":"orion","clan_b":"lyra","rating_a_after":1484,'
        b'"rating_a_before":1500,"rating_b_after":1516,"rating_b_before":1500,'
        b'"score_a":"65.000","score_b":"70.0","winner":"lyra",'
        b'"winning_members":["cat","dan"]},"stream_id":"b-1",'
        b'"type":"ClanBattleResolved","version":2}')
    # A draw's empty roster and an unrecorded one stay distinct on the wire.
    assert b'"winning_members":[]' in encode(resolved(()))
    assert b'"winning_members":null' in encode(resolved(None))


def test_version_one_loads_with_the_roster_unrecorded() -> None:
    assert PLATFORM_EVENTS.upcaster("ClanBattleResolved", 1) is not None
    assert decode(V1, PLATFORM_EVENTS) == Success(resolved(None))
    without = EventRegistry.of([ClanBattleResolved])
    assert decode(V1, without).failure().code == "codec.no_upcaster"


def test_every_social_event_belongs_to_one_aggregate() -> None:
    owned = CLAN_EVENTS + BATTLE_EVENTS + CHALLENGE_EVENTS
    assert sorted(t.event_type for t in owned) == sorted(t.event_type for t in SOCIAL_EVENTS)
    assert len(set(owned)) == len(owned)


def test_a_stream_from_before_scheduling_replays_as_resolved() -> None:
    battle = BATTLE.replay([decode(V1, PLATFORM_EVENTS).unwrap()])
    assert battle.status is BattleStatus.RESOLVED
    assert (battle.battle_id, battle.clan_a, battle.clan_b) == ("b-1", "orion", "lyra")
    again = ResolveBattle(command_id="r2", battle_id="b-1", issued_at=T0, rating_a=1500,
                          rating_b=1500)
    assert BATTLE.decide(battle, again).failure().codes() == ("battle.already_resolved",)

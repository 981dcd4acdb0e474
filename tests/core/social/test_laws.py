"""The laws every aggregate obeys, for the clan, battle and challenge aggregates, through
``astratrade_core.aggregate.handle``:

* replay: a snapshot plus the tail equals a full replay, and the batch fold equals folding
  one event at a time;
* idempotence: a command whose id the stream has seen changes nothing;
* totality: ``decide`` answers a Result for any command of its declared types, however
  hostile its values, and every accepted event survives the codec.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from returns.result import Failure, Result, Success

from astratrade_core.aggregate import Aggregate, Stream, handle
from astratrade_core.events import PLATFORM_EVENTS, Event, decode, encode
from astratrade_core.social import (
    BATTLE,
    CHALLENGE,
    CLAN,
    INITIAL_RATING,
    BattleStatus,
    ChallengeStatus,
    ClanStatus,
)
from astratrade_core.testing import hostile_contexts
from astratrade_core.testing.social import (
    battle_runs,
    challenge_runs,
    clan_runs,
    hostile_battle_commands,
    hostile_challenge_commands,
    hostile_clan_commands,
)

AnyAggregate = Aggregate[Any, Any]

CASES: dict[str, tuple[AnyAggregate, st.SearchStrategy[list[Any]], st.SearchStrategy[Any]]] = {
    "clan": (CLAN, clan_runs(), hostile_clan_commands()),
    "battle": (BATTLE, battle_runs(), hostile_battle_commands()),
    "challenge": (CHALLENGE, challenge_runs(), hostile_challenge_commands()),
}


def _run(aggregate: AnyAggregate, commands: Sequence[Any]) -> tuple[Stream[Any], list[Event]]:
    """Handle every command in turn; keep what is accepted."""
    stream: Stream[Any] = Stream.empty(aggregate)
    events: list[Event] = []
    for command in commands:
        match handle(aggregate, stream, command):
            case Success((after, new)):
                stream = after
                events.extend(new)
            case Failure(_):
                pass
    return stream, events


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=60)
@given(data=st.data())
def test_a_snapshot_plus_the_tail_equals_a_full_replay(name: str, data: st.DataObject) -> None:
    aggregate, runs, _ = CASES[name]
    stream, events = _run(aggregate, data.draw(runs))
    cut = data.draw(st.integers(0, len(events)))
    snapshot = aggregate.evolve(aggregate.initial, events[:cut])
    assert aggregate.evolve(snapshot, events[cut:]) == aggregate.replay(events) == stream.state
    one_by_one = functools.reduce(lambda s, e: aggregate.evolve(s, [e]), events,
                                  aggregate.initial)
    assert one_by_one == stream.state
    assert stream.version == len(events)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=60)
@given(data=st.data())
def test_a_command_id_seen_before_changes_nothing(name: str, data: st.DataObject) -> None:
    aggregate, runs, _ = CASES[name]
    commands = data.draw(runs)
    stream, _ = _run(aggregate, commands)
    for command in commands:   # every one of them, accepted or refused before
        if command.command_id in stream.commands:
            assert handle(aggregate, stream, command) == Success((stream, ()))
    # The same command twice in a row: the second time is a no-op.
    if commands:
        again = data.draw(st.sampled_from(commands))
        first = handle(aggregate, stream, again)
        if isinstance(first, Success):
            after = first.unwrap()[0]
            assert handle(aggregate, after, again) == Success((after, ()))


def _accepted_events_are_storable(aggregate: AnyAggregate, state: Any,
                                  result: Result[tuple[Event, ...], Any]) -> None:
    assert isinstance(result, Success | Failure)
    if isinstance(result, Success):
        events = result.unwrap()
        for event in events:
            assert decode(encode(event), PLATFORM_EVENTS) == Success(event)
        aggregate.evolve(state, events)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=150)
@given(data=st.data())
def test_decide_answers_any_command_of_its_types(name: str, data: st.DataObject) -> None:
    aggregate, runs, hostile = CASES[name]
    stream, _ = _run(aggregate, data.draw(runs))
    command = data.draw(hostile)
    _accepted_events_are_storable(aggregate, stream.state,
                                  aggregate.decide(stream.state, command))
    _accepted_events_are_storable(aggregate, aggregate.initial,
                                  aggregate.decide(aggregate.initial, command))


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=40)
@given(data=st.data(), ctx=hostile_contexts())
def test_decisions_ignore_the_callers_decimal_context(name: str, data: st.DataObject,
                                                      ctx: decimal.Context) -> None:
    aggregate, runs, _ = CASES[name]
    commands = data.draw(runs)
    expected = _run(aggregate, commands)
    with decimal.localcontext(ctx):
        assert _run(aggregate, commands) == expected


@pytest.mark.parametrize(("name", "reached"), [
    ("clan", lambda s: s.status is ClanStatus.DISBANDED),
    ("clan", lambda s: s.rating != INITIAL_RATING),
    ("clan", lambda s: s.officers > 0),
    ("clan", lambda s: len(s.invited) > 0),
    ("battle", lambda s: s.status is BattleStatus.RESOLVED),
    ("challenge", lambda s: s.status is ChallengeStatus.COMPLETED),
    ("challenge", lambda s: s.status is ChallengeStatus.EXPIRED),
    ("challenge", lambda s: s.status is ChallengeStatus.DECLINED),
])
def test_the_law_runs_reach_the_final_states(name: str, reached: Any) -> None:
    """A guard on the strategies: the random runs the laws quantify over do get there."""
    aggregate, runs, _ = CASES[name]
    found = find(runs, lambda commands: reached(_run(aggregate, commands)[0].state),
                 settings=settings(max_examples=500, database=None,
                                   phases=[Phase.generate]))
    assert reached(_run(aggregate, found)[0].state)

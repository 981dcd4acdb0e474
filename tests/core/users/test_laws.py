"""The aggregate laws for the user aggregate, through ``handle``: replay (snapshot + tail ==
full replay == one event at a time), idempotence (a command id seen before changes nothing),
totality (``decide`` answers any command of its types, and what it accepts survives the
codec)."""

from __future__ import annotations

import functools

from hypothesis import given, settings
from hypothesis import strategies as st
from returns.result import Failure, Success

from astratrade_core.aggregate import Stream, handle
from astratrade_core.events import PLATFORM_EVENTS, Event, decode, encode
from astratrade_core.testing.users import hostile_user_commands, user_runs
from astratrade_core.users import USER, UserCommand, UserState


def _run(commands: list[UserCommand]) -> tuple[Stream[UserState], list[Event]]:
    stream: Stream[UserState] = Stream.empty(USER)
    events: list[Event] = []
    for command in commands:
        match handle(USER, stream, command):
            case Success((after, new)):
                stream = after
                events.extend(new)
            case Failure(_):
                pass
    return stream, events


@settings(max_examples=80)
@given(data=st.data())
def test_a_snapshot_plus_the_tail_equals_a_full_replay(data: st.DataObject) -> None:
    stream, events = _run(data.draw(user_runs()))
    cut = data.draw(st.integers(0, len(events)))
    snapshot = USER.evolve(USER.initial, events[:cut])
    assert USER.evolve(snapshot, events[cut:]) == USER.replay(events) == stream.state
    one_by_one = functools.reduce(lambda s, e: USER.evolve(s, [e]), events, USER.initial)
    assert one_by_one == stream.state
    assert stream.version == len(events)


@settings(max_examples=80)
@given(data=st.data())
def test_a_command_id_seen_before_changes_nothing(data: st.DataObject) -> None:
    commands = data.draw(user_runs())
    stream, _ = _run(commands)
    for command in commands:
        if command.command_id in stream.commands:
            assert handle(USER, stream, command) == Success((stream, ()))


@settings(max_examples=100)
@given(run=user_runs(), command=hostile_user_commands())
def test_decide_answers_any_command_of_its_types(run: list[UserCommand],
                                                 command: UserCommand) -> None:
    stream, _ = _run(run)
    for state in (stream.state, USER.initial):
        result = USER.decide(state, command)
        assert isinstance(result, Success | Failure)
        if isinstance(result, Success):
            events = result.unwrap()
            for event in events:
                assert decode(encode(event), PLATFORM_EVENTS) == Success(event)
            USER.evolve(state, events)


@settings(max_examples=60)
@given(run=user_runs(max_size=20))
def test_runs_reach_keys_revocations_and_accounts(run: list[UserCommand]) -> None:
    """Not a law: the plausible runs do reach the interesting states (checked in aggregate
    by the worked examples; here only that a run never breaks the key invariants)."""
    stream, _ = _run(run)
    state = stream.state
    assert len(state.active_keys()) <= 10
    assert len(state.accounts) <= 10
    for key in state.keys.values():
        assert state.effective_scopes(key.key_id) <= key.scopes

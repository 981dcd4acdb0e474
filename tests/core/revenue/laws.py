"""The laws every aggregate obeys, as assertions the revenue and DeFi aggregate tests share:
replay from a snapshot, idempotence through ``handle``, a total ``decide``, events that
survive the codec, results independent of the caller's decimal context."""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from returns.result import Result, Success

from astratrade_core.aggregate import Aggregate, handle
from astratrade_core.events import PLATFORM_EVENTS
from astratrade_core.events.codec import decode, encode
from astratrade_core.events.envelope import Event
from astratrade_core.testing.revenue import handled


def survives_the_codec(event: Event) -> bool:
    """Whether the canonical codec gives ``event`` back unchanged (the one place these tests
    name how the platform decodes)."""
    return decode(encode(event), PLATFORM_EVENTS) == Success(event)


def snapshot_plus_tail_is_full_replay(aggregate: Aggregate[Any, Any],
                                      commands: Sequence[Any], data: st.DataObject) -> None:
    stream, events = handled(aggregate, commands)
    cut = data.draw(st.integers(0, len(events)), label="snapshot after")
    snapshot = aggregate.evolve(aggregate.initial, events[:cut])
    assert aggregate.evolve(snapshot, events[cut:]) == aggregate.replay(events)
    # handle folds each command's events as they come: the same state, the same version.
    assert stream.state == aggregate.replay(events)
    assert stream.version == len(events)


def a_command_seen_before_changes_nothing(aggregate: Aggregate[Any, Any],
                                         commands: Sequence[Any], data: st.DataObject) -> None:
    stream, _ = handled(aggregate, commands)
    accepted = [c for c in commands if c.command_id in stream.commands]
    assert accepted, "every history starts with a command the empty stream accepts"
    again = data.draw(st.sampled_from(accepted), label="retried")
    assert handle(aggregate, stream, again) == Success((stream, ()))
    assert handled(aggregate, accepted, stream) == (stream, [])


def decide_answers(aggregate: Aggregate[Any, Any], commands: Sequence[Any],
                   hostile: Any) -> None:
    stream, _ = handled(aggregate, commands)
    decided = aggregate.decide(stream.state, hostile)
    assert isinstance(decided, Result)
    for event in decided.value_or(()):
        assert survives_the_codec(event)  # whatever it accepts can be stored


def events_survive_the_codec(aggregate: Aggregate[Any, Any], commands: Sequence[Any]) -> None:
    _, events = handled(aggregate, commands)
    for event in events:
        assert type(event) in aggregate.event_types
        assert survives_the_codec(event)


def independent_of_the_callers_context(aggregate: Aggregate[Any, Any],
                                       commands: Sequence[Any],
                                       context: decimal.Context) -> None:
    expected = handled(aggregate, commands)
    with decimal.localcontext(context):
        assert handled(aggregate, commands) == expected

"""The one abstract conformance suite for :class:`astratrade_shell.bus.EventBus`.

Every adapter's test module subclasses :class:`EventBusConformance` and implements
``open_bus`` (a bus over a given store) and ``follow`` (attach a consumer the way that adapter
delivers to one: an in-process subscription, or a Redis consumer group worker) -- pytest then
runs every test below against it.  The port's promise: published records reach every
subscriber in order, unchanged; a subscriber that raises stops the publish and the exception
reaches the publisher (the records are already stored, so nothing is lost); delivery to a
follower is at least once, and an idempotent projection ends equal to a replay of the store.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from astratrade_core.events import Event
from astratrade_core.events.gamification import XPGained
from astratrade_shell.bus import EventBus
from astratrade_shell.projections import Projection, replay
from astratrade_shell.store import ANY_VERSION, EventStore, InMemoryEventStore, PendingEvent
from astratrade_shell.store.records import StoredEvent
from tests.shell.bus.redis_fixtures import xp_event as xp

__all__ = ["EventBusConformance", "Recorder"]


class Recorder(Projection[tuple[StoredEvent, ...]]):
    """A projection that keeps the raw records it applied (each position once, in order)."""

    def __init__(self, name: str = "recorder") -> None:
        super().__init__(name, (), lambda records, _event: records)

    def __call__(self, record: StoredEvent) -> None:
        if record.position <= self.position:
            self.duplicates += 1
            return
        self.state = (*self.state, record)
        self.position = record.position


def _xp(state: int, event: Event) -> int:
    return state + event.amount if isinstance(event, XPGained) else state


def appended(store: EventStore, stream: str, events: Sequence[PendingEvent],
             command_id: str | None = None) -> tuple[StoredEvent, ...]:
    return store.append(stream, events, ANY_VERSION, command_id=command_id).unwrap().records


class EventBusConformance(abc.ABC):
    """Behaviour every event bus adapter must show."""

    @abc.abstractmethod
    def open_bus(self, store: EventStore) -> EventBus:
        """A new bus whose records come from ``store`` (a bus may read it to catch up)."""

    @abc.abstractmethod
    def follow(self, bus: EventBus, store: EventStore,
               projection: Projection[Any]) -> Callable[[], None]:
        """Attach ``projection`` as this adapter's consumers are attached; the returned
        function lets delivery happen (it returns once everything published has arrived)."""

    # --- subscribers ----------------------------------------------------------------------

    def test_every_subscriber_gets_every_record_in_order(self) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        first: list[int] = []
        second: list[int] = []
        bus.subscribe(lambda r: first.append(r.position))
        bus.subscribe(lambda r: second.append(r.position))
        bus.publish(appended(store, "a", [xp("a", 1, 1), xp("a", 2, 2)]))
        bus.publish(appended(store, "b", [xp("b", 3, 3)]))
        assert first == second == [1, 2, 3]

    def test_a_late_subscriber_sees_only_what_is_published_after_it(self) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        bus.publish(appended(store, "a", [xp("a", 1, 1)]))
        late: list[int] = []
        bus.subscribe(lambda r: late.append(r.position))
        bus.publish(appended(store, "a", [xp("a", 2, 1)]))
        assert late == [2]

    def test_publishing_nothing_delivers_nothing(self) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        seen: list[StoredEvent] = []
        bus.subscribe(seen.append)
        bus.publish(())
        assert seen == []

    def test_a_failing_subscriber_stops_the_publish_and_the_publisher_hears_it(self) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        seen: list[int] = []

        def fragile(record: StoredEvent) -> None:
            if record.position == 2:
                raise RuntimeError("projection bug")
            seen.append(record.position)

        bus.subscribe(fragile)
        with pytest.raises(RuntimeError, match="projection bug"):
            bus.publish(appended(store, "a", [xp("a", n, 1) for n in range(3)]))
        assert seen == [1] and store.last_position() == 3  # the records stay stored

    # --- followers ------------------------------------------------------------------------

    def test_a_follower_receives_every_record_unchanged_once_in_order(self) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        recorder = Recorder()
        drain = self.follow(bus, store, recorder)
        records = (*appended(store, "a", [xp("a", 1, 1), xp("a", 2, 2)], command_id="c-1"),
                   *appended(store, "b", [PendingEvent("raw", "Opaque", 7, bytes(range(256)))]))
        bus.publish(records[:2])
        bus.publish(records[2:])
        drain()
        assert recorder.state == records
        assert recorder.position == 3

    # Each adapter's subclass is its own executor of this inherited test, by design.
    @settings(max_examples=8, deadline=None,
              suppress_health_check=[HealthCheck.differing_executors, HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(1, 4),
                              st.booleans()), min_size=1, max_size=6))
    def test_a_follower_with_retried_publishes_ends_equal_to_a_replay(
            self, batches: list[tuple[str, int, bool]]) -> None:
        store = InMemoryEventStore()
        bus = self.open_bus(store)
        live: Projection[int] = Projection("xp", 0, _xp)
        drain = self.follow(bus, store, live)
        for index, (user, count, retried) in enumerate(batches):
            records = appended(store, user, [xp(user, index * 10 + n, n + 1)
                                             for n in range(count)])
            bus.publish(records)
            if retried:  # at least once: a publisher retrying after a timeout
                bus.publish(records)
        drain()
        rebuilt: Projection[int] = Projection("xp", 0, _xp)
        replay(store, [rebuilt])
        assert (live.state, live.position) == (rebuilt.state, store.last_position())

"""The in-process bus passes the event bus conformance suite."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from astratrade_shell.bus import EventBus, InProcessBus
from astratrade_shell.projections import Projection
from astratrade_shell.store import EventStore
from tests.shell.bus.conformance import EventBusConformance


class TestInProcessBus(EventBusConformance):
    def open_bus(self, store: EventStore) -> EventBus:
        return InProcessBus()

    def follow(self, bus: EventBus, store: EventStore,
               projection: Projection[Any]) -> Callable[[], None]:
        bus.subscribe(projection)  # delivery happens inside publish
        return lambda: None

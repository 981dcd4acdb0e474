"""Snapshot codecs: exact round trips, shape fingerprints, snapshot + tail == full replay."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from pyrsistent import pmap
from pyrsistent.typing import PMap

from astratrade_core.portfolio import Holding, PortfolioState
from astratrade_core.trading import PositionMode, PositionSide, PositionState
from astratrade_shell.app import Application, SimulatedClock
from astratrade_shell.bus import InProcessBus
from astratrade_shell.community import (
    PORTFOLIO,
    SNAPSHOTS,
    CommunityConfig,
    application,
    simulate,
)
from astratrade_shell.snapshots import PORTFOLIO_SNAPSHOTS, attrs_codec
from astratrade_shell.store import InMemoryEventStore


class Colour(enum.Enum):
    RED = "red"


@attrs.frozen
class Inner:
    at: datetime
    on: date | None
    tags: tuple[str, ...]


@attrs.frozen
class Outer:
    amount: Decimal
    count: int
    flag: bool
    colour: Colour
    inner: Inner
    book: PMap[str, Inner]


def test_every_supported_type_round_trips_exactly() -> None:
    inner = Inner(datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), None, ("a", "é"))
    value = Outer(Decimal("-1.50E-7"), 3, True, Colour.RED, inner,
                  pmap({"x": attrs.evolve(inner, on=date(2026, 2, 29 - 1))}))
    codec = attrs_codec(Outer, "outer")
    data = codec.encode(value)
    assert codec.decode(data) == value
    assert str(codec.decode(data).amount) == "-1.50E-7"  # the exponent survives
    assert data == codec.encode(codec.decode(data))  # canonical


def test_the_state_type_changes_with_the_shape() -> None:
    @attrs.frozen
    class Inner2:  # same fields as Inner plus one
        at: datetime
        on: date | None
        tags: tuple[str, ...]
        extra: int = 0

    assert attrs_codec(Inner, "x").state_type != attrs_codec(Inner2, "x").state_type


def test_unsupported_fields_are_refused() -> None:
    @attrs.frozen
    class Listy:
        items: list[int]

    with pytest.raises(TypeError, match="cannot snapshot"):
        attrs_codec(Listy, "listy")


def test_portfolio_snapshot_plus_tail_equals_a_full_replay() -> None:
    config = CommunityConfig(seed=5, users=6, days=30)
    clock = SimulatedClock(config.start)
    store = InMemoryEventStore()
    outcome = simulate(config, application(store, InProcessBus(), clock, config), clock)
    fresh = Application(store, InProcessBus(), aggregates=[PORTFOLIO], snapshots=SNAPSHOTS,
                        cache_states=False)
    full = Application(store, InProcessBus(), aggregates=[PORTFOLIO], cache_states=False)
    snapshotted = 0
    for trader in outcome.traders:
        snapshot = store.load_snapshot(trader.user_id).value_or(None)
        if snapshot is not None:
            snapshotted += 1
            assert snapshot.state_type == PORTFOLIO_SNAPSHOTS.state_type
            assert 50 <= snapshot.version <= store.stream_version(trader.user_id)
        via_snapshot = fresh.load(PORTFOLIO, trader.user_id)
        assert via_snapshot == full.load(PORTFOLIO, trader.user_id)
        assert PORTFOLIO_SNAPSHOTS.decode(PORTFOLIO_SNAPSHOTS.encode(via_snapshot.state)) == \
            via_snapshot.state
    assert snapshotted > 0


def test_a_hedged_portfolio_keyed_by_symbol_and_leg_round_trips() -> None:
    legs = (Holding("X", "USD", PositionState(Decimal("1"), Decimal("100")), PositionSide.LONG),
            Holding("X", "USD", PositionState(Decimal("-2"), Decimal("-220")),
                    PositionSide.SHORT))
    state = PortfolioState(positions=pmap({h.key: h for h in legs}),
                           marks=pmap({"X": Decimal("105")}), mode=PositionMode.HEDGE)
    data = PORTFOLIO_SNAPSHOTS.encode(state)
    assert PORTFOLIO_SNAPSHOTS.decode(data) == state
    assert data == PORTFOLIO_SNAPSHOTS.encode(PORTFOLIO_SNAPSHOTS.decode(data))  # canonical
    assert b'"positions":[[["X","long"],' in data  # a sorted list of [key, value] pairs

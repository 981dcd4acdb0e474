"""The codec registry is a value: built from tuples, strict about duplicates, and the platform's
holds exactly the types the events modules list."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from types import ModuleType
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyrsistent import pmap

from astratrade_core.events import (
    PLATFORM_EVENTS,
    Event,
    EventRegistry,
    Upcast,
    decode,
    encode,
    event_type,
    gamification,
    revenue,
    social,
    trading,
    users,
)
from astratrade_core.events.trading import (
    TRADING_EVENTS,
    TRADING_UPCASTS,
    FundsDeposited,
    PositionClosed,
    TradeExecuted,
)
from astratrade_core.testing import events

MODULES: tuple[tuple[ModuleType, tuple[type[Event], ...]], ...] = (
    (trading, trading.TRADING_EVENTS),
    (gamification, gamification.GAMIFICATION_EVENTS),
    (social, social.SOCIAL_EVENTS),
    (revenue, revenue.REVENUE_EVENTS),
    (users, users.USERS_EVENTS),
)


@event_type("FundsDeposited", version=1)
@attrs.frozen(kw_only=True)
class Impostor(Event):
    """A test-only class claiming a platform wire name."""

    amount: int


@event_type("SpecimenHappened", version=3)
@attrs.frozen(kw_only=True)
class SpecimenHappened(Event):
    """A test-only event at version 3."""

    detail: str


@attrs.frozen(kw_only=True)
class Undecorated(SpecimenHappened):
    """Inherits its parent's wire name: must be refused."""


def _keep(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    return payload


def _also_keep(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    return dict(payload)


def test_every_event_class_the_events_modules_define_is_in_their_tuple_and_the_platform() -> None:
    for module, listed in MODULES:
        defined = {obj for _, obj in inspect.getmembers(module, inspect.isclass)
                   if issubclass(obj, Event) and obj is not Event
                   and obj.__module__ == module.__name__}
        assert defined == set(listed), module.__name__
        assert all(PLATFORM_EVENTS.get(cls.event_type) is cls for cls in listed)
    assert len(PLATFORM_EVENTS) == sum(len(listed) for _, listed in MODULES)


def test_defining_event_classes_registers_nothing() -> None:
    # This module defined three decorated classes at import; the platform value is untouched.
    assert "SpecimenHappened" not in PLATFORM_EVENTS
    assert PLATFORM_EVENTS.get("FundsDeposited") is FundsDeposited
    assert EventRegistry.of(
        (*trading.TRADING_EVENTS, *gamification.GAMIFICATION_EVENTS, *social.SOCIAL_EVENTS,
         *revenue.REVENUE_EVENTS, *users.USERS_EVENTS),
        (*TRADING_UPCASTS, *social.SOCIAL_UPCASTS, *revenue.REVENUE_UPCASTS)) == PLATFORM_EVENTS


def test_the_platform_lifts_every_older_version_of_its_types() -> None:
    for name in PLATFORM_EVENTS.names():
        cls = PLATFORM_EVENTS.types[name]
        for version in range(1, cls.schema_version):
            assert PLATFORM_EVENTS.upcaster(name, version) is not None, (name, version)
    assert PositionClosed.schema_version == 4 and TradeExecuted.schema_version == 4


def test_two_classes_with_one_wire_name_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate wire name 'FundsDeposited'"):
        EventRegistry.of([FundsDeposited, Impostor])
    with pytest.raises(ValueError, match="duplicate wire name"):
        PLATFORM_EVENTS.merge(EventRegistry.of([Impostor]))


def test_the_same_class_listed_twice_is_one_entry() -> None:
    once = EventRegistry.of([FundsDeposited])
    assert EventRegistry.of([FundsDeposited, FundsDeposited]) == once
    assert once.merge(once) == once


def test_classes_without_their_own_wire_name_are_refused() -> None:
    with pytest.raises(ValueError, match="Undecorated has no wire name of its own"):
        EventRegistry.of([Undecorated])
    with pytest.raises(ValueError, match="no wire name"):
        EventRegistry.of([Event])


def test_upcasters_must_lift_a_known_type_from_a_version_it_had() -> None:
    with pytest.raises(ValueError, match="not in the registry"):
        EventRegistry.of([FundsDeposited], [Upcast("SpecimenHappened", 1, _keep)])
    # SpecimenHappened is at version 3: steps 1 and 2 exist, 0 and 3 do not.
    assert len(EventRegistry.of([SpecimenHappened], [Upcast("SpecimenHappened", 1, _keep),
                                                     Upcast("SpecimenHappened", 2, _keep)])
               .upcasters) == 2
    for bad in (0, 3):
        with pytest.raises(ValueError, match=r"outside 1\.\.2"):
            EventRegistry.of([SpecimenHappened], [Upcast("SpecimenHappened", bad, _keep)])
    with pytest.raises(ValueError, match="two upcasters lift SpecimenHappened from version 1"):
        EventRegistry.of([SpecimenHappened], [Upcast("SpecimenHappened", 1, _keep),
                                              Upcast("SpecimenHappened", 1, _also_keep)])


def test_a_mapping_whose_key_is_not_the_wire_name_is_refused() -> None:
    with pytest.raises(ValueError, match="listed as 'Deposit'"):
        EventRegistry(pmap({"Deposit": FundsDeposited}))


_subsets = st.lists(st.sampled_from(PLATFORM_EVENTS.names()), max_size=12)


@given(_subsets, _subsets, _subsets)
def test_merge_is_union_commutative_and_associative(xs: list[str], ys: list[str],
                                                    zs: list[str]) -> None:
    a, b, c = (EventRegistry.of([PLATFORM_EVENTS.types[n] for n in names])
               for names in (xs, ys, zs))
    assert a.merge(b) == b.merge(a)
    assert a.merge(b).merge(c) == a.merge(b.merge(c))
    assert a.merge(b).names() == tuple(sorted({*xs, *ys}))


@given(events())
def test_every_platform_event_round_trips_through_the_platform_registry(event: Event) -> None:
    assert decode(encode(event), PLATFORM_EVENTS).unwrap() == event
    # A registry without the event's type refuses it with a typed failure.
    others = EventRegistry.of(t for n, t in PLATFORM_EVENTS.types.items()
                              if n != event.event_type)
    assert decode(encode(event), others).failure().code == "codec.unknown_type"


def test_trading_upcasts_are_values_in_the_module_tuple() -> None:
    assert {(u.event_type, u.from_version) for u in TRADING_UPCASTS} == {
        ("TradeExecuted", 1), ("TradeExecuted", 2), ("PositionClosed", 1),
        ("PositionClosed", 2), ("FundingApplied", 1), ("PositionLiquidated", 1),
        ("RiskLimitHit", 1), ("TradeExecuted", 3), ("PositionClosed", 3),
        ("FundingApplied", 2), ("PositionLiquidated", 2)}
    assert EventRegistry.of(
        (*TRADING_EVENTS, *social.SOCIAL_EVENTS, *revenue.REVENUE_EVENTS),
        (*TRADING_UPCASTS, *social.SOCIAL_UPCASTS, *revenue.REVENUE_UPCASTS)).upcasters == \
        PLATFORM_EVENTS.upcasters

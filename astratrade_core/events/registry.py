"""The codec registry: which event types a reader understands, and how old payloads are lifted.

An :class:`EventRegistry` is an immutable value -- event classes by wire name plus upcasters
keyed ``(wire name, from_version)`` -- built from tuples the events modules export
(``TRADING_EVENTS``, ``GAMIFICATION_EVENTS``, ... and ``TRADING_UPCASTS``).  Nothing is
registered by importing a module or decorating a class: whoever decodes names the registry it
decodes with (:func:`astratrade_core.events.codec.decode` takes it explicitly), and the platform
uses one value, :data:`astratrade_core.events.PLATFORM_EVENTS`, built from every module's tuples.

Building is strict, because every input is a literal in the source code and a mistake there is
a bug to be found at import time, not a condition for a caller to handle: two *different*
classes under one wire name, two upcasters for one step, a class not decorated with
:func:`~astratrade_core.events.envelope.event_type` itself (it would inherit its parent's
name), an upcaster for an unknown type or for a version the type never had -- each raises
``ValueError`` naming the offender.  Listing the same class twice is harmless and kept once.

>>> from astratrade_core.events.trading import TRADING_EVENTS, TRADING_UPCASTS, TradeExecuted
>>> registry = EventRegistry.of(TRADING_EVENTS, TRADING_UPCASTS)
>>> registry.get("TradeExecuted") is TradeExecuted, "Nope" in registry
(True, False)
>>> registry.upcaster("TradeExecuted", 1) is not None, registry.upcaster("TradeExecuted", 4)
(True, None)
>>> EventRegistry.of(TRADING_EVENTS, TRADING_UPCASTS) == registry    # a value
True
>>> EventRegistry.of([TradeExecuted]).merge(EventRegistry.of([TradeExecuted])).names()
('TradeExecuted',)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from pyrsistent import pmap
from pyrsistent.typing import PMap

from astratrade_core.events.envelope import Event

__all__ = ["EventRegistry", "Upcast", "Upcaster"]

#: A pure function lifting a payload (a decoded JSON object: decimals and datetimes still
#: strings) by one schema version.  It must not mutate its argument, and should use ``.get``
#: for keys it reads: ``decode`` validates the result, not the input.
Upcaster = Callable[[Mapping[str, Any]], Mapping[str, Any]]


@attrs.frozen
class Upcast:
    """A declaration: ``lift`` turns ``event_type`` payloads of ``from_version`` into
    ``from_version + 1``.  Events modules export theirs in a tuple (``TRADING_UPCASTS``)."""

    event_type: str
    from_version: int
    lift: Upcaster


def _check_type(cls: type[Event]) -> str:
    if cls is Event or "event_type" not in cls.__dict__ or (
            "schema_version" not in cls.__dict__):
        raise ValueError(f"{cls.__qualname__} has no wire name of its own: decorate it with "
                         "@event_type(...)")
    return cls.event_type


@attrs.frozen
class EventRegistry:
    """Event classes by wire name and upcasters by ``(wire name, from_version)``.

    Build it with :meth:`of` (or :meth:`merge` two of them), which refuse duplicates; the
    attrs constructor checks consistency (keys match the classes' wire names, upcasters
    lift versions their type had) but cannot see duplicates a mapping already collapsed.
    """

    types: PMap[str, type[Event]] = attrs.field(factory=pmap)
    upcasters: PMap[tuple[str, int], Upcaster] = attrs.field(factory=pmap)

    def __attrs_post_init__(self) -> None:
        for name, cls in self.types.items():
            if _check_type(cls) != name:
                raise ValueError(f"{cls.__qualname__} is listed as {name!r} but its wire name "
                                 f"is {cls.event_type!r}")
        for (name, version) in self.upcasters:
            lifted = self.types.get(name)
            if lifted is None:
                raise ValueError(f"an upcaster lifts {name!r}, which is not in the registry")
            if not 1 <= version < lifted.schema_version:
                raise ValueError(f"an upcaster lifts {name} from version {version}, outside "
                                 f"1..{lifted.schema_version - 1}")

    @classmethod
    def of(cls, types: Iterable[type[Event]],
           upcasts: Iterable[Upcast] = ()) -> EventRegistry:
        """The registry of ``types`` and ``upcasts``; duplicates raise ``ValueError``.

        >>> from astratrade_core.events.trading import FundsDeposited
        >>> EventRegistry.of([FundsDeposited, FundsDeposited]).names()
        ('FundsDeposited',)
        >>> lift = Upcast("FundsDeposited", 1, dict)
        >>> EventRegistry.of([FundsDeposited], [lift])
        Traceback (most recent call last):
        ...
        ValueError: an upcaster lifts FundsDeposited from version 1, outside 1..0
        """
        found: dict[str, type[Event]] = {}
        for event_cls in types:
            name = _check_type(event_cls)
            seen = found.setdefault(name, event_cls)
            if seen is not event_cls:
                raise ValueError(f"duplicate wire name {name!r}: {seen.__module__}."
                                 f"{seen.__qualname__} and {event_cls.__module__}."
                                 f"{event_cls.__qualname__}")
        lifts: dict[tuple[str, int], Upcaster] = {}
        for upcast in upcasts:
            key = (upcast.event_type, upcast.from_version)
            if lifts.setdefault(key, upcast.lift) is not upcast.lift:
                raise ValueError(f"two upcasters lift {key[0]} from version {key[1]}")
        return cls(pmap(found), pmap(lifts))

    def merge(self, other: EventRegistry) -> EventRegistry:
        """Both registries in one; a wire name or upcaster step they define differently
        raises ``ValueError`` (the same class or function in both is kept once)."""
        return EventRegistry.of(
            (*self.types.values(), *other.types.values()),
            (*(Upcast(n, v, f) for (n, v), f in self.upcasters.items()),
             *(Upcast(n, v, f) for (n, v), f in other.upcasters.items())))

    def get(self, name: str) -> type[Event] | None:
        """The class registered under wire ``name``, if any."""
        return self.types.get(name)

    def upcaster(self, name: str, from_version: int) -> Upcaster | None:
        """The lift of ``name`` payloads from ``from_version`` to the next version, if any."""
        return self.upcasters.get((name, from_version))

    def names(self) -> tuple[str, ...]:
        """Every wire name, sorted (what tests enumerate)."""
        return tuple(sorted(self.types))

    def __contains__(self, name: object) -> bool:
        return name in self.types

    def __len__(self) -> int:
        return len(self.types)

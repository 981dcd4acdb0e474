"""The event envelope and the registry of event types.

Every domain event is a past-tense ``attrs`` frozen class deriving from :class:`Event` and
decorated with :func:`event_type`, which gives it a stable wire name and a schema version.
The envelope fields are passed in by the shell: the core never reads a clock or makes an id.

Payload fields are restricted to what the canonical codec encodes exactly: ``str``, ``int``,
``bool``, ``Decimal``, timezone-aware ``datetime`` (UTC), ``date``, ``T | None``,
``tuple[T, ...]`` of those, and nested ``attrs`` frozen records built from the same.

>>> from datetime import datetime, UTC
>>> @event_type("ExampleHappened", version=1)
... @attrs.frozen(kw_only=True)
... class ExampleHappened(Event):
...     detail: str
>>> e = ExampleHappened(event_id="e-1", stream_id="user-1",
...                     occurred_at=datetime(2026, 1, 1, tzinfo=UTC), detail="x")
>>> e.event_type, e.schema_version, registered_types()["ExampleHappened"] is ExampleHappened
('ExampleHappened', 1, True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import ClassVar, TypeVar

import attrs

__all__ = ["Event", "event_type", "registered_types"]

_REGISTRY: dict[str, type[Event]] = {}

E = TypeVar("E", bound="type[Event]")


@attrs.frozen(kw_only=True)
class Event:
    """Base of all domain events: identity, stream and time, supplied by the shell."""

    event_type: ClassVar[str] = "Event"
    schema_version: ClassVar[int] = 1

    event_id: str
    stream_id: str
    occurred_at: datetime


def event_type(name: str, *, version: int = 1) -> Callable[[E], E]:
    """Register an event class under a stable wire ``name`` with its current schema version.

    Registering a second, different class under the same name is a programming error.
    """

    def register(cls: E) -> E:
        existing = _REGISTRY.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise TypeError(f"event type {name!r} is already registered by {existing!r}")
        cls.event_type = name
        cls.schema_version = version
        _REGISTRY[name] = cls
        return cls

    return register


def registered_types() -> Mapping[str, type[Event]]:
    """A read-only view of every registered event type, by wire name."""
    return MappingProxyType(_REGISTRY)

"""The event envelope and the wire name of each event type.

Every domain event is a past-tense ``attrs`` frozen class deriving from :class:`Event` and
decorated with :func:`event_type`, which gives it a stable wire name and a schema version.
The envelope fields are passed in by the shell: the core never reads a clock or makes an id.

Decorating a class registers it nowhere: readers decode with an explicit
:class:`~astratrade_core.events.registry.EventRegistry` built from the events modules' tuples
(the platform's is :data:`astratrade_core.events.PLATFORM_EVENTS`).

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
>>> e.event_type, e.schema_version
('ExampleHappened', 1)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, TypeVar

import attrs

__all__ = ["Event", "event_type"]

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
    """Give an event class its stable wire ``name`` and current schema ``version``.

    It only sets the two class attributes; list the class in its module's tuple
    (``TRADING_EVENTS``, ...) for the platform registry to know it.  A name must be
    non-empty and a version at least 1 (a programming error otherwise).

    >>> event_type("", version=1)
    Traceback (most recent call last):
    ...
    ValueError: an event type needs a non-empty name and a version >= 1, got '' v1
    """
    if not name or version < 1:
        raise ValueError(f"an event type needs a non-empty name and a version >= 1, got "
                         f"{name!r} v{version}")

    def name_it(cls: E) -> E:
        cls.event_type = name
        cls.schema_version = version
        return cls

    return name_it

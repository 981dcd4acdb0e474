"""Strategies that build any event of a registry from its field types.

:func:`events` draws from every type of a codec registry (by default
:data:`~astratrade_core.events.PLATFORM_EVENTS`), so an event added to any events module's
tuple is covered without changes here.
Values span what the codec must carry exactly: any text (including non-ASCII), unbounded
integers, Decimals with any exponent and sign (``-0``, ``1E+5``, ``1.50``), aware UTC
datetimes with microseconds, dates, ``None`` and tuples.

Events whose classes validate their fields should accept any value of the declared type;
this module does not know domain invariants.

>>> from hypothesis import given
>>> from astratrade_core.events import PLATFORM_EVENTS, decode, encode
>>> @given(events())
... def round_trip(e): assert decode(encode(e), PLATFORM_EVENTS).unwrap() == e
>>> round_trip()
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st

from astratrade_core.events.codec import payload_fields
from astratrade_core.events.envelope import Event
from astratrade_core.events.platform import PLATFORM_EVENTS
from astratrade_core.events.registry import EventRegistry
from astratrade_core.numeric import CONTEXT

__all__ = ["codec_decimals", "event_of", "events", "utc_datetimes"]


def codec_decimals() -> st.SearchStrategy[Decimal]:
    """Finite Decimals with up to 40 digits and exponents in ``-40..20``, plus ``-0``.

    >>> from hypothesis import given
    >>> @given(codec_decimals())
    ... def finite(d): assert d.is_finite()
    >>> finite()
    """
    return st.one_of(
        st.builds(lambda n, e: Decimal(n).scaleb(e, CONTEXT),
                  st.integers(-(10**40) + 1, 10**40 - 1), st.integers(-40, 20)),
        st.sampled_from([Decimal("-0"), Decimal("0E-8"), Decimal("1.50"), Decimal("1E+3")]),
    )


def utc_datetimes() -> st.SearchStrategy[datetime]:
    """Timezone-aware UTC datetimes with microseconds, years 1..9999.

    >>> from hypothesis import given
    >>> @given(utc_datetimes())
    ... def aware(t): assert t.tzinfo is UTC
    >>> aware()
    """
    return st.datetimes(timezones=st.just(UTC))


def _strategy(hint: object) -> st.SearchStrategy[Any]:
    scalars: dict[object, st.SearchStrategy[Any]] = {
        str: st.text(),
        int: st.integers(),
        bool: st.booleans(),
        Decimal: codec_decimals(),
        datetime: utc_datetimes(),
        date: st.dates(),
    }
    if hint in scalars:
        return scalars[hint]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        (inner,) = (a for a in args if a is not type(None))
        return st.none() | _strategy(inner)
    if origin is tuple:
        return st.lists(_strategy(args[0]), max_size=4).map(tuple)
    if isinstance(hint, type) and attrs.has(hint):
        hints = typing.get_type_hints(hint)
        return st.builds(hint, **{a.alias or a.name: _strategy(hints[a.name])
                                  for a in attrs.fields(hint)})
    raise TypeError(f"no strategy for {hint!r}")


def event_of(cls: type[Event]) -> st.SearchStrategy[Event]:
    """Events of one class, every field drawn from its declared type.

    >>> from hypothesis import given
    >>> from astratrade_core.events.trading import RiskLimitHit
    >>> @given(event_of(RiskLimitHit))
    ... def built(e): assert e.event_id is not None
    >>> built()
    """
    fields = {name: _strategy(hint) for name, hint in payload_fields(cls)}
    aliases = {a.name: a.alias or a.name for a in attrs.fields(cls)}
    return st.builds(cls, event_id=st.text(), stream_id=st.text(),
                     occurred_at=utc_datetimes(),
                     **{aliases[name]: s for name, s in fields.items()})


def events(names: Iterable[str] | None = None, *,
           registry: EventRegistry = PLATFORM_EVENTS) -> st.SearchStrategy[Event]:
    """Events of every type in ``registry`` (or of the given wire ``names`` in it).

    >>> from hypothesis import given
    >>> @given(events(["FundsDeposited", "PriceMarked"]))
    ... def chosen(e): assert e.event_type in ("FundsDeposited", "PriceMarked")
    >>> chosen()
    """
    chosen = registry.names() if names is None else tuple(names)
    return st.one_of([event_of(registry.types[name]) for name in chosen])

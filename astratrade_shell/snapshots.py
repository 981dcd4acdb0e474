"""Snapshot codecs: exact JSON for frozen ``attrs`` state values (the portfolio's, and others).

Snapshots are a shell concern: the core's aggregates know nothing of them.  An
:class:`~astratrade_shell.app.Application` is given a :class:`Snapshotting` per aggregate name
(the codec and how often to save); loading a stream then starts from its latest snapshot and
folds only the tail.

:func:`attrs_codec` builds a :class:`SnapshotCodec` for an ``attrs`` class from its fields'
type hints.  Supported field types: ``str``, ``int``, ``bool``,
``Decimal`` (as its exact string), ``date``/``datetime`` (ISO 8601; datetimes must be aware),
enums (their value), ``T | None``, ``tuple[T, ...]``, fixed tuples ``tuple[A, B]``,
``PMap[str, T]`` (a JSON object), ``PMap[K, T]`` with any other supported key type (a list of
``[key, value]`` pairs sorted by the key's encoding; the portfolio's positions are keyed by
``(symbol, leg)``) and nested ``attrs`` classes of the same.  The encoding is canonical
(sorted keys, no whitespace).

The codec's ``state_type`` is ``"<name>/<fingerprint>"``, where the fingerprint hashes the
class's shape (field names and types, recursively).  When the core changes the state's shape,
old snapshots no longer match and :meth:`Application.load
<astratrade_shell.app.Application.load>` falls back to a full replay instead of misreading them.
(``attrs_codec`` covers states made of those types; a state holding other containers needs a
codec of its own -- any :class:`SnapshotCodec` will do.)

>>> from astratrade_core.portfolio import PortfolioState
>>> codec = PORTFOLIO_SNAPSHOTS
>>> codec.state_type.startswith("portfolio/")
True
>>> codec.decode(codec.encode(PortfolioState.EMPTY)) == PortfolioState.EMPTY
True
"""

from __future__ import annotations

import enum
import hashlib
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs
from pyrsistent import pmap

from astratrade_core.portfolio import PortfolioState

__all__ = ["PORTFOLIO_SNAPSHOTS", "SnapshotCodec", "Snapshotting", "attrs_codec"]

S = TypeVar("S")
T = TypeVar("T")


@attrs.frozen
class SnapshotCodec(Generic[S]):
    """How an aggregate's state is saved: a ``state_type`` tag (bump it when the format
    changes; snapshots with another tag are ignored) and the two conversions."""

    state_type: str
    encode: Callable[[S], bytes]
    decode: Callable[[bytes], S]


@attrs.frozen
class Snapshotting(Generic[S]):
    """Snapshot an aggregate's streams with ``codec`` each time an append crosses a multiple
    of ``every`` events.

    >>> Snapshotting(PORTFOLIO_SNAPSHOTS, every=0)
    Traceback (most recent call last):
    ...
    ValueError: snapshot every >= 1 events, not 0
    """

    codec: SnapshotCodec[S]
    every: int = 100

    def __attrs_post_init__(self) -> None:
        if self.every < 1:
            raise ValueError(f"snapshot every >= 1 events, not {self.every}")

    def due(self, before: int, after: int) -> bool:
        """Whether going from version ``before`` to ``after`` crosses a multiple of ``every``.

        >>> s = Snapshotting(PORTFOLIO_SNAPSHOTS, every=50)
        >>> s.due(49, 50), s.due(50, 99), s.due(98, 101)
        (True, False, True)
        """
        return after // self.every > before // self.every

_Convert = Callable[[Any], Any]


def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _converters(hint: Any) -> tuple[_Convert, _Convert, str]:
    """(encode, decode, shape description) for one type hint."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is str or hint is int or hint is bool:
        def same(value: Any) -> Any:
            return value
        return same, same, hint.__name__
    if hint is Decimal:
        return str, Decimal, "decimal"
    if hint is datetime:
        def encode_datetime(value: datetime) -> str:
            if value.tzinfo is None:
                raise ValueError("naive datetimes cannot be snapshotted")
            return value.isoformat()
        return encode_datetime, datetime.fromisoformat, "datetime"
    if hint is date:
        return date.isoformat, date.fromisoformat, "date"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        enum_type = hint
        return (lambda value: value.value), enum_type, f"enum:{hint.__qualname__}"
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        enc, dec, shape = _converters(inner)
        return ((lambda v: None if v is None else enc(v)),
                (lambda v: None if v is None else dec(v)), f"optional[{shape}]")
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc, dec, shape = _converters(args[0])
        return ((lambda v: [enc(x) for x in v]), (lambda v: tuple(dec(x) for x in v)),
                f"tuple[{shape}]")
    if origin is tuple and args:
        return _fixed_tuple(args)
    if getattr(origin, "__name__", "") == "PMap" or getattr(hint, "__name__", "") == "PMap":
        key, value = args
        enc, dec, shape = _converters(value)
        if key is str:
            return ((lambda v: {k: enc(x) for k, x in v.items()}),
                    (lambda v: pmap({k: dec(x) for k, x in v.items()})), f"pmap[{shape}]")
        key_enc, key_dec, key_shape = _converters(key)
        return ((lambda v: sorted(([key_enc(k), enc(x)] for k, x in v.items()),
                                  key=lambda pair: json.dumps(pair[0], sort_keys=True))),
                (lambda v: pmap({key_dec(k): dec(x) for k, x in v})),
                f"pmap[{key_shape}->{shape}]")
    if isinstance(hint, type) and attrs.has(hint):
        return _record(hint)
    raise TypeError(f"cannot snapshot a field of type {hint!r}")


def _fixed_tuple(args: tuple[Any, ...]) -> tuple[_Convert, _Convert, str]:
    """A fixed-length tuple ``tuple[A, B, ...]`` as a JSON list."""
    parts = [_converters(a) for a in args]

    def encode(value: tuple[Any, ...]) -> list[Any]:
        return [enc(x) for (enc, _, _), x in zip(parts, value, strict=True)]

    def decode(value: list[Any]) -> tuple[Any, ...]:
        return tuple(dec(x) for (_, dec, _), x in zip(parts, value, strict=True))

    return encode, decode, "(" + ",".join(shape for _, _, shape in parts) + ")"


def _record(cls: type[Any]) -> tuple[_Convert, _Convert, str]:
    hints = _hints(cls)
    fields = [(f.name, f.alias, *_converters(hints[f.name])) for f in attrs.fields(cls)]

    def encode(obj: Any) -> dict[str, Any]:
        return {name: enc(getattr(obj, name)) for name, _, enc, _, _ in fields}

    def decode(raw: dict[str, Any]) -> Any:
        return cls(**{alias: dec(raw[name]) for name, alias, _, dec, _ in fields})

    shape = f"{cls.__qualname__}{{" + ",".join(f"{n}:{s}" for n, _, _, _, s in fields) + "}"
    return encode, decode, shape


def attrs_codec(cls: type[T], name: str) -> SnapshotCodec[T]:
    """A canonical-JSON snapshot codec for the ``attrs`` class ``cls``."""
    encode, decode, shape = _record(cls)
    fingerprint = hashlib.sha256(shape.encode()).hexdigest()[:12]

    def to_bytes(state: T) -> bytes:
        return json.dumps(encode(state), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=True).encode("ascii")

    def from_bytes(data: bytes) -> T:
        state: T = decode(json.loads(data))
        return state

    return SnapshotCodec(f"{name}/{fingerprint}", to_bytes, from_bytes)


#: Snapshots of :class:`~astratrade_core.portfolio.PortfolioState`.
PORTFOLIO_SNAPSHOTS: SnapshotCodec[PortfolioState] = attrs_codec(PortfolioState, "portfolio")

"""Strategies that generate valid, bounded values of the core's types, and hostile ones.

>>> from hypothesis import given
>>> @given(decimals(places=2))
... def check(d): assert d == d.quantize(Decimal("0.01"))
>>> check()

The ``hostile_*`` strategies draw the values a careless or hostile caller passes for a
declared type: NaN, sNaN, infinities, ``-0``, exponents at and beyond the context's limits and
thousands of digits for ``Decimal``; huge and negative integers, floats and booleans for
``int``; empty, very long, non-ASCII and Unicode-digit text for ``str``; and a ``str``,
``float`` or ``int`` where a ``Decimal`` is declared.  :func:`hostile_values` maps a type hint
to them, so a totality test can call a function with hostile values of its declared types.
"""

from __future__ import annotations

import decimal
import enum
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st
from pyrsistent import pmap

from astratrade_core.money import Currency, Money, Rate
from astratrade_core.numeric import CONTEXT, U256_MAX

__all__ = [
    "currencies",
    "decimals",
    "mul_div_ties",
    "hostile_contexts",
    "hostile_datetimes",
    "hostile_decimals",
    "hostile_integers",
    "hostile_numbers",
    "hostile_texts",
    "hostile_values",
    "money",
    "positive_decimals",
    "prices",
    "quantities",
    "rates",
    "u256",
]


def decimals(
    min_value: Decimal | int = -10**12,
    max_value: Decimal | int = 10**12,
    places: int = 8,
) -> st.SearchStrategy[Decimal]:
    """Finite decimals in ``[min_value, max_value]`` with exactly ``places`` fractional digits."""
    lo = int(Decimal(min_value).scaleb(places, CONTEXT))
    hi = int(Decimal(max_value).scaleb(places, CONTEXT))
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places, CONTEXT))


def positive_decimals(
    max_value: Decimal | int = 10**9, places: int = 8
) -> st.SearchStrategy[Decimal]:
    """Strictly positive decimals with ``places`` fractional digits."""
    return st.integers(1, int(Decimal(max_value).scaleb(places, CONTEXT))).map(
        lambda n: Decimal(n).scaleb(-places, CONTEXT)
    )


def currencies() -> st.SearchStrategy[Currency]:
    """Currencies with codes like ``CUR`` and a minor unit in 0..18."""
    return st.builds(
        Currency,
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=5),
        st.integers(0, 18),
    )


def money(currency: Currency | None = None, max_value: int = 10**9) -> st.SearchStrategy[Money]:
    """Money already rounded to its currency's minor unit."""
    chosen = st.just(currency) if currency is not None else currencies()
    return chosen.flatmap(
        lambda c: decimals(-max_value, max_value, c.minor_unit).map(lambda d: Money(d, c))
    )


def prices(max_value: int = 10**7, places: int = 8) -> st.SearchStrategy[Decimal]:
    """Strictly positive prices (quote per base)."""
    return positive_decimals(max_value, places)


def quantities(max_value: int = 10**6, places: int = 8) -> st.SearchStrategy[Decimal]:
    """Non-negative (unsigned) quantities; see ``signed_quantities`` for positions."""
    return decimals(0, max_value, places)


def rates(min_value: str = "-1", max_value: str = "1", places: int = 6) -> st.SearchStrategy[Rate]:
    """Rates (fractions) in a range."""
    return decimals(Decimal(min_value), Decimal(max_value), places).map(Rate)


def u256(max_value: int = U256_MAX) -> st.SearchStrategy[int]:
    """Unsigned 256-bit integers, biased towards small and boundary values by Hypothesis."""
    return st.integers(0, max_value)


def hostile_contexts() -> st.SearchStrategy[decimal.Context]:
    """Thread contexts a careless caller might install: tiny precision, odd rounding, traps off."""
    return st.builds(
        lambda prec, rounding, trap: decimal.Context(
            prec=prec,
            rounding=rounding,
            traps=[decimal.Inexact, decimal.Rounded] if trap else [],
        ),
        st.integers(1, 6),
        st.sampled_from(
            [decimal.ROUND_DOWN, decimal.ROUND_UP, decimal.ROUND_FLOOR, decimal.ROUND_CEILING,
             decimal.ROUND_05UP, decimal.ROUND_HALF_DOWN]
        ),
        st.booleans(),
    )


_SPECIAL_DECIMALS = tuple(Decimal(text) for text in (
    "NaN", "-NaN", "sNaN", "-sNaN", "NaN123", "Infinity", "-Infinity", "0", "-0", "0E-1000",
    "-0E+1000", "1E+999999", "-1E+999999", "1E-999999", "1E+999999999999999999",
    "-1E-999999999999999999", "1E+24", "-1E+24", "1E-28", "1E-29", "1E+48", "1E-56", "1E-57",
    "0." + "0" * 200 + "1", "9" * 1000, "-" + "9" * 130 + ".5", "2.5", "-1", "1",
))


def hostile_decimals() -> st.SearchStrategy[Decimal]:
    """Any ``Decimal``: NaN (quiet, signalling, with payload), infinities, ``-0``, exponents at
    and beyond the context's limits, a thousand digits, and ordinary values.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_decimals())
    ... def check(d): assert isinstance(d, Decimal)
    >>> check()
    """
    return st.one_of(st.sampled_from(_SPECIAL_DECIMALS), st.decimals(), decimals())


_SPECIAL_INTEGERS = (0, 1, -1, 2, 10**24 - 1, 10**24, -(10**24), 2**63, 2**128,
                     2**256 - 1, 2**256, -(2**256), 10**5000)


def hostile_integers() -> st.SearchStrategy[Any]:
    """What arrives where an ``int`` is declared: huge and negative integers, ``bool``, and
    ``float`` (including NaN and infinities).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_integers())
    ... def check(n): assert isinstance(n, int | float)
    >>> check()
    """
    return st.one_of(st.sampled_from(_SPECIAL_INTEGERS), st.integers(), st.booleans(),
                     st.floats())


_SPECIAL_TEXTS = ("", " ", "0", "-0", "12.50", " 12.5 ", "1.5e3", "NaN", "sNaN", "-inf",
                  "Infinity", "1e999999999", "1e-999999999", "1e-10000000000000000000000",
                  "0E-30", "9" * 24, "9" * 25, "1_000", "0x10", "1e5x", "12abc",
                  "\u0661\u0660\u0660", "\U0001d7d9\U0001d7da\U0001d7db", "\uff11\uff12",
                  "\u2003 5", "1" * 10_000, "\x00", "USD", "BTCUSD", "\u00e9" * 40)


def hostile_texts() -> st.SearchStrategy[str]:
    """Any ``str``: empty, blank, very long, non-ASCII, Unicode digits, number-like text.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_texts())
    ... def check(t): assert isinstance(t, str)
    >>> check()
    """
    return st.one_of(st.sampled_from(_SPECIAL_TEXTS), st.text(),
                     st.from_regex(r"\A[+-]?\d{0,30}(\.\d{0,40})?([eE][+-]?\d{1,25})?\Z"))


def hostile_numbers() -> st.SearchStrategy[Any]:
    """What arrives where a number (``Decimal`` or ``DecimalInput``) is declared: hostile
    Decimals, text, integers and floats.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_numbers())
    ... def check(x): assert isinstance(x, Decimal | str | int | float)
    >>> check()
    """
    return st.one_of(hostile_decimals(), hostile_texts(), hostile_integers())


def hostile_datetimes() -> st.SearchStrategy[datetime]:
    """Any ``datetime``: naive ones, aware ones in any offset, the first and last instants.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_datetimes())
    ... def check(t): assert isinstance(t, datetime)
    >>> check()
    """
    offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
        lambda m: timezone(timedelta(minutes=m)))
    edges = st.sampled_from([datetime.min, datetime.max, datetime.min.replace(tzinfo=UTC),
                             datetime.max.replace(tzinfo=UTC),
                             datetime.max.replace(tzinfo=timezone(timedelta(hours=-23)))])
    return st.one_of(edges, st.datetimes(), st.datetimes(timezones=st.just(UTC) | offsets))


def hostile_values(hint: object, known: Mapping[object, st.SearchStrategy[Any]] | None = None,
                   ) -> st.SearchStrategy[Any]:
    """Hostile values of a type hint.  ``Decimal`` and ``int`` also draw the wrong types a
    caller passes for them (``hostile_numbers``, ``hostile_integers``), ``object``, ``Any``
    and a type variable anything; dates, durations, zones and bytes draw their edges;
    unions, optionals, literals, tuples, sequences, sets, mappings, ``NewType`` and enums
    (members and one non-member) are followed; any other type must be in ``known`` (a value
    type's *valid* values: its invariants are its constructor's business -- see
    :func:`~astratrade_core.testing.value_types.value_types`), else ``LookupError``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20)
    ... @given(hostile_values(str | None))
    ... def check(x): assert x is None or isinstance(x, str)
    >>> check()
    """
    table = dict(known or {})
    if hint in table:
        return table[hint]
    anything = st.one_of(hostile_numbers(), st.none(), st.booleans(), hostile_datetimes(),
                         st.lists(st.integers(), max_size=2))
    scalars: dict[object, st.SearchStrategy[Any]] = {
        Decimal: hostile_numbers(), int: hostile_integers(), str: hostile_texts(),
        bool: st.booleans(), datetime: hostile_datetimes(), type(None): st.none(), None: st.none(),
        date: st.sampled_from([date.min, date.max, date(2024, 2, 29)]) | st.dates(),
        timedelta: st.sampled_from([timedelta.min, timedelta.max, timedelta(0),
                                    timedelta(microseconds=-1)]) | st.timedeltas(),
        tzinfo: st.sampled_from([UTC, timezone(timedelta(hours=14)),
                                 timezone(timedelta(hours=-12))]),
        bytes: st.binary(max_size=64) | st.just(b"\xff" * 10_000),
        object: anything, Any: anything,
    }
    if hint in scalars:
        return scalars[hint]
    if isinstance(hint, typing.TypeVar):
        return anything
    supertype = getattr(hint, "__supertype__", None)  # a NewType
    if supertype is not None:
        return hostile_values(supertype, table)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return st.one_of([hostile_values(a, table) for a in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return st.lists(hostile_values(args[0], table), max_size=4).map(tuple)
        return st.tuples(*(hostile_values(a, table) for a in args))
    if origin in (Iterable, Sequence, list, typing.Iterable, typing.Sequence):
        return st.lists(hostile_values(args[0], table), max_size=4)
    if origin in (frozenset, AbstractSet, set):
        return st.frozensets(hostile_values(args[0], table), max_size=4)
    if origin in (Mapping, dict) or getattr(origin, "__name__", "") == "PMap":
        pairs = st.dictionaries(hostile_values(args[0], table), hostile_values(args[1], table),
                                max_size=4)
        return pairs.map(pmap) if origin not in (Mapping, dict) else pairs
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint)) | st.just("not a member")
    raise LookupError(f"no hostile strategy for {hint!r}")


@st.composite
def mul_div_ties(draw: st.DrawFn, divisor: int | None = None,
              scaled_divisor: bool = False) -> tuple[int, int, int]:
    """``(a, b, d)`` whose quotient ``a * b / d`` is exactly halfway between two integers.

    The tie is where half-up rounding and a ``>`` for ``>=`` mutant disagree.  ``divisor``
    fixes ``d`` (an even wad or ray scale, for ``wad_mul``-style helpers); with
    ``scaled_divisor`` the tie is of ``a * divisor / b`` instead (``wad_div``-style), and the
    result is ``(a, b, divisor)``.  Every product fits u256.

    >>> from hypothesis import find
    >>> a, b, d = find(mul_div_ties(), lambda t: True)
    >>> (a * b) % d * 2 == d
    True
    >>> a, b, d = find(mul_div_ties(10**18, scaled_divisor=True), lambda t: True)
    >>> (a * d) % b * 2 == b
    True
    """
    odd = 2 * draw(st.integers(0, 2**60)) + 1
    if scaled_divisor and divisor is not None:
        # a * D / (2 * D * t) = a / (2t), a tie when a is an odd multiple of t.
        t = draw(st.integers(1, 2**60))
        return t * odd, 2 * divisor * t, divisor
    d = divisor if divisor is not None else 2 * draw(st.integers(1, 2**120))
    multiple = 2 * draw(st.integers(0, 2**60)) + 1
    a, b = odd, d // 2 * multiple
    return (b, a, d) if draw(st.booleans()) else (a, b, d)

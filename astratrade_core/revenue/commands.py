"""What every command to a revenue or DeFi aggregate carries, and the checks on its fields.

A :class:`RevenueCommand` carries what the core must not invent: ``command_id`` (the events it
produces get the ids ``f"{command_id}:{n}"``) and ``issued_at`` (their ``occurred_at``; it
must be timezone-aware).  Billing dates, prices and amounts are fields of each command; the
aggregates' ``decide`` checks them with the functions below, which return a ``Result`` for
*every* value of their declared types -- a ``Money`` built with the raw constructor may hold
NaN, a negative amount or a currency with a minor unit of 99, and is reported, never trusted.

>>> from decimal import Decimal
>>> from astratrade_core.money import USD, Currency, Money
>>> whole_units(Money(Decimal("12.34"), USD), "price").unwrap()
1234
>>> whole_units(Money(Decimal("NaN"), Currency("usd", 99)), "price").failure().codes()
('money.currency_code', 'money.minor_unit', 'numeric.not_finite')
>>> whole_units(Money(Decimal("0.005"), USD), "price").failure().code
'revenue.not_minor_units'
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.money import Currency, Money
from astratrade_core.numeric import CONTEXT, U128_MAX, U256_MAX, parse_decimal

__all__ = [
    "RevenueCommand",
    "aware",
    "bps",
    "bundled",
    "currency_of",
    "flattened",
    "name",
    "raw_units",
    "whole_units",
]

#: Basis points in one whole.
_BPS = 10_000


@attrs.frozen(kw_only=True)
class RevenueCommand:
    """Identity and time of a command, supplied by the shell."""

    command_id: str
    issued_at: datetime

    def event_id(self, n: int) -> str:
        """The id of the ``n``-th event this command produces.

        >>> from datetime import UTC, datetime
        >>> RevenueCommand(command_id="c-1", issued_at=datetime(2026, 1, 1, tzinfo=UTC)
        ...                ).event_id(0)
        'c-1:0'
        """
        return f"{self.command_id}:{n}"

    def envelope(self, stream_id: str, n: int) -> dict[str, Any]:
        """The envelope fields of its ``n``-th event on ``stream_id``."""
        return {"event_id": self.event_id(n), "stream_id": stream_id,
                "occurred_at": self.issued_at}


def aware(command: RevenueCommand) -> Result[datetime, DomainError]:
    """``issued_at`` if it is timezone-aware (the codec stores UTC instants only)."""
    if command.issued_at.utcoffset() is None:
        return Failure(DomainError.invalid("revenue.naive_time",
                                           "issued_at: must be timezone-aware"))
    return Success(command.issued_at)


def name(value: str, field: str) -> Result[str, DomainError]:
    """A non-blank identifier.

    >>> name("  ", "token_id").failure().message
    'token_id: must not be empty'
    """
    if value.strip():
        return Success(value)
    return Failure(DomainError.invalid("revenue.empty_name", f"{field}: must not be empty",
                                       field=field))


def currency_of(currency: Currency) -> Result[Currency, DomainError]:
    """The currency if its code and minor unit are valid (see :meth:`Currency.of`); both
    problems when both are wrong."""
    match Currency.of(currency.code, currency.minor_unit):
        case Success(_):
            return Success(currency)
    return collect("money.currency", Currency.of(currency.code, 0),
                   Currency.of("XX", currency.minor_unit)).map(lambda _: currency).alt(flattened)


def whole_units(amount: Money, field: str, *, minimum: int = 0,
                maximum: int = U128_MAX) -> Result[int, DomainError]:
    """The amount as an integer count of minor units, in ``[minimum, maximum]``.

    Reports an invalid currency and a malformed amount together; the amount must be finite,
    within the parse bounds and a whole number of minor units.

    >>> from decimal import Decimal
    >>> from astratrade_core.money import USD
    >>> whole_units(Money(Decimal("0"), USD), "price", minimum=1).failure().code
    'revenue.amount_range'

    ``minimum`` and ``maximum`` are integers in ``0..2**256 - 1`` (``revenue.units``).
    """
    bounds = raw_units(minimum, "minimum", maximum=U256_MAX).bind(
        lambda _: raw_units(maximum, "maximum", maximum=U256_MAX))
    if isinstance(bounds, Failure):
        return bounds

    def count(parts: tuple[Currency, Decimal]) -> Result[int, DomainError]:
        currency, value = parts
        scaled = value.scaleb(currency.minor_unit, CONTEXT)
        if scaled != scaled.to_integral_value(context=CONTEXT):
            return Failure(DomainError.invalid(
                "revenue.not_minor_units",
                f"{field}: {value} is not a whole number of {currency.code} minor units",
                field=field, amount=value))
        units = int(scaled)
        if not minimum <= units <= maximum:
            return Failure(DomainError.invalid(
                "revenue.amount_range",
                f"{field}: must be within {minimum}..{maximum} minor units",
                field=field, amount=value))
        return Success(units)

    checked = currency_of(amount.currency), parse_decimal(amount.amount, field)
    match checked:
        case (Success(currency), Success(value)):
            return count((currency, value))
    return collect("money.amount", *checked).alt(flattened).bind(count)


def flattened(error: DomainError) -> DomainError:
    """The leaf problems of a (possibly nested) bundle: the one leaf itself, or one bundle
    of every leaf under the same code.

    >>> a, b = DomainError.invalid("a", "bad a"), DomainError.invalid("b", "bad b")
    >>> flattened(DomainError.all_of("x", [DomainError.all_of("y", [a]), b])).codes()
    ('a', 'b')
    >>> flattened(DomainError.all_of("x", [a])) == a
    True
    """
    leaves = list(_leaves(error))
    if len(leaves) == 1:
        return leaves[0]
    return DomainError.all_of(error.code, leaves)


def bundled(code: str, error: DomainError) -> DomainError:
    """Every leaf problem of ``error`` under one ``code`` (what a command's ``decide``
    reports for malformed fields).

    >>> bundled("revenue.invalid_command", DomainError.invalid("a", "bad a")).codes()
    ('a',)
    """
    return DomainError.all_of(code, tuple(_leaves(error)))


def _leaves(error: DomainError) -> Iterator[DomainError]:
    if not error.causes:
        yield error
    for cause in error.causes:
        yield from _leaves(cause)


def raw_units(value: int, field: str, *, maximum: int = U128_MAX) -> Result[int, DomainError]:
    """A non-negative integer count of raw units (never a ``bool``) up to ``maximum``.

    >>> raw_units(True, "amount").failure().code
    'revenue.units'
    >>> raw_units(0.0, "amount").failure().code
    'revenue.units'

    ``maximum`` is itself an integer in ``0..2**256 - 1``.
    """
    if type(maximum) is not int or not 0 <= maximum <= U256_MAX:
        return Failure(DomainError.invalid("revenue.units",
                                           f"{field}: the maximum must be an integer in "
                                           "0..2**256 - 1", field=field, maximum=maximum))
    if type(value) is not int or not 0 <= value <= maximum:
        return Failure(DomainError.invalid("revenue.units",
                                           f"{field}: must be an integer in 0..{maximum}",
                                           field=field, value=value))
    return Success(value)


def bps(value: int, field: str) -> Result[int, DomainError]:
    """Basis points in ``0..10000`` (never a ``bool``).

    >>> bps(10_001, "royalty_bps").failure().code
    'revenue.bps'
    >>> bps(0.0, "royalty_bps").failure().code     # a float is not an integer
    'revenue.bps'
    """
    if type(value) is not int or not 0 <= value <= _BPS:
        return Failure(DomainError.invalid("revenue.bps", f"{field}: must be in 0..10000",
                                           field=field, bps=value))
    return Success(value)

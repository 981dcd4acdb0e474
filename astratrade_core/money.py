"""Value types a trader recognises: Currency, Money, Rate.

Each type is an ``attrs`` frozen class.  The smart constructors (``of``) validate and return
``Result[T, DomainError]``; the raw constructors are for already-validated data.

Prices and quantities are plain ``Decimal`` values, not wrapper types: their meaning (tick,
lot, quote currency) comes from the :class:`~astratrade_core.instrument.Instrument` they
trade on, every trading function accepts them as ``DecimalInput`` (``str``, ``int`` or
``Decimal``, parsed and bounded) or as validated ``Decimal`` fields of a value type
(``Fill``, ``Position``, ``PositionState``), and the folds that touch millions of them stay
free of per-value wrappers.  :class:`Money` is for amounts whose currency travels with them
(fees, payouts, allocations).

>>> usd = Currency.of("USD", 2).unwrap()
>>> a = Money.of("10.005", usd).unwrap()
>>> a.rounded(Rounding.HALF_UP)
Money(amount=Decimal('10.01'), currency=Currency(code='USD', minor_unit=2))
>>> a.plus(Money.of("1", EUR).unwrap()).failure().code
'money.currency_mismatch'
>>> Rate.from_bps(25).value
Decimal('0.0025')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.numeric import (
    CONTEXT,
    ONE,
    ZERO,
    DecimalInput,
    Rounding,
    parse_decimal,
    quantize,
)

__all__ = [
    "BTC",
    "ETH",
    "EUR",
    "STRK",
    "USD",
    "USDC",
    "Currency",
    "Money",
    "Rate",
]

_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_BPS = Decimal(10_000)
_PERCENT = Decimal(100)


@attrs.frozen
class Currency:
    """A currency or token with its minor unit (decimal places of its smallest unit)."""

    code: str
    minor_unit: int

    @classmethod
    def of(cls, code: str, minor_unit: int) -> Result[Currency, DomainError]:
        """Validate an upper-case code of 2-10 characters and a minor unit in 0..18.

        >>> Currency.of("usd", 2).failure().code
        'money.currency_code'
        """
        if not isinstance(code, str) or not _CODE.match(code):
            return Failure(DomainError.invalid("money.currency_code",
                                          "currency code must be 2-10 upper-case letters/digits",
                                          code=code))
        if isinstance(minor_unit, bool) or not isinstance(minor_unit, int) or not (
            0 <= minor_unit <= 18
        ):
            return Failure(DomainError.invalid("money.minor_unit", "minor unit must be 0..18",
                                          minor_unit=minor_unit))
        return Success(cls(code, minor_unit))

    @property
    def increment(self) -> Decimal:
        """The smallest unit, e.g. ``0.01`` for USD."""
        return ONE.scaleb(-self.minor_unit, CONTEXT)


USD = Currency("USD", 2)
EUR = Currency("EUR", 2)
USDC = Currency("USDC", 6)
BTC = Currency("BTC", 8)
ETH = Currency("ETH", 18)
STRK = Currency("STRK", 18)


def _mismatch(left: Currency, right: Currency) -> Failure[DomainError]:
    return Failure(DomainError.invalid("money.currency_mismatch",
                                  f"cannot combine {left.code} with {right.code}",
                                  left=left.code, right=right.code))


@attrs.frozen
class Money:
    """An exact amount of one currency. The amount may carry more places than the minor unit
    until :meth:`rounded` is called, so intermediate results stay exact."""

    amount: Decimal
    currency: Currency

    @classmethod
    def of(cls, amount: DecimalInput, currency: Currency) -> Result[Money, DomainError]:
        """Parse an amount (str, int or Decimal; never float).

        >>> Money.of(0.1, USD).failure().code
        'numeric.float_rejected'
        """
        return parse_decimal(amount, "amount").map(lambda d: cls(d, currency))

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        """``0`` in ``currency``."""
        return cls(ZERO, currency)

    @classmethod
    def total(cls, items: Iterable[Money], currency: Currency) -> Result[Money, DomainError]:
        """Sum amounts of one currency; a foreign currency anywhere is a Failure.

        >>> Money.total([Money(Decimal("1.10"), USD), Money(Decimal("2"), USD)], USD).unwrap()
        Money(amount=Decimal('3.10'), currency=Currency(code='USD', minor_unit=2))
        """
        amount = ZERO
        for item in items:
            if item.currency != currency:
                return _mismatch(currency, item.currency)
            amount = CONTEXT.add(amount, item.amount)
        return Success(cls(amount, currency))

    def plus(self, other: Money) -> Result[Money, DomainError]:
        """Add money of the same currency."""
        if other.currency != self.currency:
            return _mismatch(self.currency, other.currency)
        return Success(Money(CONTEXT.add(self.amount, other.amount), self.currency))

    def minus(self, other: Money) -> Result[Money, DomainError]:
        """Subtract money of the same currency."""
        if other.currency != self.currency:
            return _mismatch(self.currency, other.currency)
        return Success(Money(CONTEXT.subtract(self.amount, other.amount), self.currency))

    def times(self, factor: Decimal) -> Money:
        """Scale by an exact factor (no rounding; call :meth:`rounded` when done)."""
        return Money(CONTEXT.multiply(self.amount, factor), self.currency)

    def __neg__(self) -> Money:
        return Money(CONTEXT.minus(self.amount), self.currency)

    def rounded(self, rounding: Rounding) -> Money:
        """Round to the currency's minor unit with an explicit mode."""
        return Money(quantize(self.amount, self.currency.minor_unit, rounding), self.currency)

    @property
    def minor_units(self) -> int:
        """The amount as an integer count of minor units; the amount must already be rounded.

        >>> Money(Decimal("12.34"), USD).minor_units
        1234
        """
        scaled = self.amount.scaleb(self.currency.minor_unit, CONTEXT)
        if scaled != scaled.to_integral_value(context=CONTEXT):
            raise ValueError(f"{self.amount} is not a whole number of {self.currency.code} units")
        return int(scaled)

    @classmethod
    def from_minor_units(cls, units: int, currency: Currency) -> Money:
        """Build from an integer count of minor units.

        >>> Money.from_minor_units(1234, USD).amount
        Decimal('12.34')
        """
        return cls(Decimal(units).scaleb(-currency.minor_unit, CONTEXT), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency.code}"


@attrs.frozen
class Rate:
    """A dimensionless rate as a fraction (``0.01`` is 1 %, 100 bps). May be negative
    (funding rates are)."""

    value: Decimal

    @classmethod
    def of(cls, value: DecimalInput) -> Result[Rate, DomainError]:
        """Parse a fraction.

        >>> Rate.of("0.0005").unwrap().as_bps()
        Decimal('5.0000')
        """
        return parse_decimal(value, "rate").map(cls)

    @classmethod
    def from_bps(cls, bps: int | Decimal) -> Rate:
        """From basis points: ``25`` bps is ``0.0025``."""
        return cls(CONTEXT.divide(Decimal(bps), _BPS))

    @classmethod
    def from_percent(cls, percent: int | Decimal) -> Rate:
        """From a percentage: ``2.9`` % is ``0.029``.

        >>> Rate.from_percent(Decimal("2.9")).value
        Decimal('0.029')
        """
        return cls(CONTEXT.divide(Decimal(percent), _PERCENT))

    def as_bps(self) -> Decimal:
        """The rate in basis points."""
        return CONTEXT.multiply(self.value, _BPS)

    def as_percent(self) -> Decimal:
        """The rate as a percentage."""
        return CONTEXT.multiply(self.value, _PERCENT)

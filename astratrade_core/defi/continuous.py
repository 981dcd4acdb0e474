"""Continuous compounding: APR (``n`` compoundings a year) <-> continuous rate <-> APY.

A continuously compounded rate ``c`` grows 1 into ``e**c`` in a year, so:

* ``APY = e**c - 1`` and ``c = ln(1 + APY)``;
* an APR compounded ``n`` times a year has ``c = n * ln(1 + APR / n)`` and, back,
  ``APR = n * (e**(c / n) - 1)``.

As ``n`` grows, ``(1 + APR/n)**n`` tends to ``e**APR``: the continuous rate is the APR of
infinitely many compoundings (:func:`~astratrade_core.defi.rates.apy_from_apr` is the finite
case).  For a positive rate, ``c < APR(n) < APY`` for every finite ``n > 1``.

**Precision.**  Everything is exact ``Decimal`` arithmetic under
:data:`~astratrade_core.numeric.CONTEXT` (120 significant digits): ``exp`` and ``ln`` are
the decimal module's correctly rounded functions, never ``float``.  Each conversion makes at
most four roundings at 120 digits, so the value before the final rounding is within about
``1e-115`` (relative) of the exact one; it is then rounded once, ``HALF_EVEN``, to ``places``
decimal places (18 by default, a wad's resolution; at most 28).  The result is therefore the
correctly rounded value unless the exact one lies within ~``1e-115`` of a rounding tie.

**Bounds.**  Rates are parsed like every input (``str``, ``int`` or ``Decimal``; at most 28
fractional digits and magnitudes below ``1e24``).  A continuous rate must lie in
``[-50, 50]`` (``e**50 - 1`` is about ``5.2e21``, so every result is again a valid input);
APY must be above -1 and APR above ``-n``, where the logarithm exists.

>>> apy_from_continuous("0.05", places=12).unwrap()          # e**0.05 - 1
Decimal('0.051271096376')
>>> continuous_from_apy("0.051271096376", places=9).unwrap()
Decimal('0.050000000')
>>> continuous_from_apr("0.12", 12, places=12).unwrap()      # 12 ln(1.01)
Decimal('0.119403970238')
>>> apr_from_continuous("0.119403970238", 12, places=9).unwrap()
Decimal('0.120000000')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect
from astratrade_core.numeric import CONTEXT, ONE, DecimalInput, Rounding, parse_decimal, quantize

__all__ = [
    "MAX_CONTINUOUS_RATE",
    "apr_from_continuous",
    "apy_from_continuous",
    "continuous_from_apr",
    "continuous_from_apy",
]

#: Largest magnitude of a continuously compounded rate (``e**50`` ~ ``5.2e21``).
MAX_CONTINUOUS_RATE: Final = Decimal(50)
_MAX_PERIODS: Final = 10**9
_MAX_PLACES: Final = 28


def _places(places: int) -> Result[int, DomainError]:
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= _MAX_PLACES:
        return Failure(DomainError.invalid("defi.places", "places must be an integer in 0..28",
                                           places=places))
    return Success(places)


def _periods(periods: int) -> Result[int, DomainError]:
    if isinstance(periods, bool) or not isinstance(periods, int) or not (
            1 <= periods <= _MAX_PERIODS):
        return Failure(DomainError.invalid(
            "defi.periods", f"periods must be an integer in 1..{_MAX_PERIODS}", periods=periods))
    return Success(periods)


def _continuous(rate: DecimalInput) -> Result[Decimal, DomainError]:
    def bounded(value: Decimal) -> Result[Decimal, DomainError]:
        if CONTEXT.abs(value) > MAX_CONTINUOUS_RATE:
            return Failure(DomainError.invalid(
                "defi.rate_range", "a continuous rate must lie in [-50, 50]", rate=value))
        return Success(value)

    return parse_decimal(rate, "rate").bind(bounded)


def _out(value: Decimal, places: int) -> Decimal:
    return quantize(value, places, Rounding.HALF_EVEN)


def apy_from_continuous(rate: DecimalInput, places: int = 18) -> Result[Decimal, DomainError]:
    """The APY of a continuously compounded ``rate``: ``e**rate - 1``.

    >>> apy_from_continuous("0").unwrap()
    Decimal('0E-18')
    >>> apy_from_continuous("1", places=20).unwrap()             # e - 1
    Decimal('1.71828182845904523536')
    >>> apy_from_continuous("50.01").failure().codes()
    ('defi.rate_range',)
    """
    return collect("defi.invalid", _continuous(rate), _places(places)).map(
        lambda args: _out(CONTEXT.subtract(CONTEXT.exp(args[0]), ONE), args[1]))


def continuous_from_apy(apy: DecimalInput, places: int = 18) -> Result[Decimal, DomainError]:
    """The continuously compounded rate that yields ``apy``: ``ln(1 + apy)``.

    >>> continuous_from_apy("1", places=20).unwrap()             # ln 2
    Decimal('0.69314718055994530942')
    >>> continuous_from_apy("-1").failure().code
    'defi.rate_range'
    """
    def convert(args: tuple[Decimal, int]) -> Result[Decimal, DomainError]:
        grown = CONTEXT.add(ONE, args[0])
        if grown <= 0:
            return Failure(DomainError.invalid("defi.rate_range", "APY must be above -1",
                                               apy=args[0]))
        return Success(_out(CONTEXT.ln(grown), args[1]))

    return collect("defi.invalid", parse_decimal(apy, "apy"), _places(places)).bind(convert)


def continuous_from_apr(apr: DecimalInput, periods: int,
                        places: int = 18) -> Result[Decimal, DomainError]:
    """The continuous rate equivalent to ``apr`` compounded ``periods`` times a year:
    ``n * ln(1 + apr / n)``.

    >>> continuous_from_apr("0.05", 1, places=20).unwrap()      # ln 1.05
    Decimal('0.04879016416943200307')
    >>> continuous_from_apr("-12", 12).failure().code
    'defi.rate_range'
    """
    def convert(args: tuple[Decimal, int, int]) -> Result[Decimal, DomainError]:
        rate, n, digits = args
        base = CONTEXT.add(ONE, CONTEXT.divide(rate, Decimal(n)))
        if base <= 0:
            return Failure(DomainError.invalid("defi.rate_range", "APR must be above -periods",
                                               apr=rate, periods=n))
        return Success(_out(CONTEXT.multiply(Decimal(n), CONTEXT.ln(base)), digits))

    return collect("defi.invalid", parse_decimal(apr, "apr"), _periods(periods),
                   _places(places)).bind(convert)


def apr_from_continuous(rate: DecimalInput, periods: int,
                        places: int = 18) -> Result[Decimal, DomainError]:
    """The APR, compounded ``periods`` times a year, equivalent to a continuous ``rate``:
    ``n * (e**(rate / n) - 1)``.

    >>> apr_from_continuous("0.04879016416943200307", 1, places=12).unwrap()
    Decimal('0.050000000000')
    """
    def convert(args: tuple[Decimal, int, int]) -> Decimal:
        value, n, digits = args
        grown = CONTEXT.exp(CONTEXT.divide(value, Decimal(n)))
        return _out(CONTEXT.multiply(Decimal(n), CONTEXT.subtract(grown, ONE)), digits)

    return collect("defi.invalid", _continuous(rate), _periods(periods), _places(places)).map(
        convert)

"""The numeric policy: one Decimal context, bounded parsing, named rounding, fixed point.

Every calculation in :mod:`astratrade_core` runs under :data:`CONTEXT`, explicitly, so a
caller's ``decimal.getcontext()`` can never change a result.  ``CONTEXT`` has 120 significant
digits and traps ``InvalidOperation``, ``DivisionByZero`` and ``Overflow``.  Parsed inputs are
bounded (see :data:`MAX_INTEGER_DIGITS` and :data:`MAX_FRACTION_DIGITS`), so a sum or product of
two parsed values is always exact under it.

Numbers enter a Result-returning function through one of three checks, none of which raises:
:func:`parse_decimal` for input (``DecimalInput``: ``str``, ``int`` or ``Decimal``; ASCII only,
bounded digits), :func:`check_decimal` for a value typed ``Decimal`` that must still meet the
parse bounds (a command's amount), and :func:`check_computed` for a ``Decimal`` that may be
the result of arithmetic (an average entry, a margin), whose fractional digits are unbounded.

Rounding is never implicit: :class:`Rounding` names the mode, :func:`quantize` rounds to a number
of decimal places and :func:`round_to_increment` to a tick, lot or minor unit.  The helpers
:func:`round_owed_to_protocol` and :func:`round_owed_by_protocol` say in whose favour they round.

On-chain values are unsigned integers scaled by :data:`WAD` (10**18) or :data:`RAY` (10**27).
:func:`mul_div` is the integer primitive the Cairo contracts share with this module, bit for bit.

>>> from decimal import Decimal
>>> parse_decimal("12.50").unwrap()
Decimal('12.50')
>>> parse_decimal("NaN").failure().code
'numeric.not_finite'
>>> round_to_increment(Decimal("1.2345"), Decimal("0.01"), Rounding.DOWN)
Decimal('1.23')
>>> mul_div(7, 3, 2, FixedRounding.HALF_UP).unwrap()
11
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)
from typing import Final, cast

from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError

__all__ = [
    "CONTEXT",
    "MAX_FRACTION_DIGITS",
    "MAX_INPUT_LENGTH",
    "MAX_INTEGER_DIGITS",
    "ONE",
    "RAY",
    "U128_MAX",
    "U256_MAX",
    "WAD",
    "MAX_COMPUTED_FRACTION_DIGITS",
    "MAX_COMPUTED_INTEGER_DIGITS",
    "ZERO",
    "DecimalInput",
    "canonical",
    "check_computed",
    "check_decimal",
    "FixedRounding",
    "Rounding",
    "from_fixed",
    "is_u256",
    "mul_div",
    "parse_decimal",
    "parse_non_negative",
    "parse_plain_decimals",
    "parse_positive",
    "quantize",
    "round_owed_by_protocol",
    "round_owed_to_protocol",
    "round_to_increment",
    "to_fixed",
]

#: Integer part of any parsed number has at most this many digits (|x| < 10**24).
MAX_INTEGER_DIGITS: Final = 24
#: Fractional part of any parsed number has at most this many digits (1e-28 resolution).
MAX_FRACTION_DIGITS: Final = 28
#: Strings longer than this are rejected before Decimal ever sees them (fail fast).
MAX_INPUT_LENGTH: Final = 80
#: A computed value (:func:`check_computed`) is below 10**48: a product of two parsed values.
MAX_COMPUTED_INTEGER_DIGITS: Final = 2 * MAX_INTEGER_DIGITS
#: A non-zero computed value is at least 10**-56: a product of two parsed values.
MAX_COMPUTED_FRACTION_DIGITS: Final = 2 * MAX_FRACTION_DIGITS

#: The one arithmetic context of the core. Never mutate it; use its methods explicitly.
CONTEXT: Final = Context(
    prec=120,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)

# Parsing only: ``Decimal(text, _PARSING)`` is exact (a constructor never rounds); the context
# only makes bad syntax raise whatever the caller's context traps.
_PARSING: Final = Context(traps=[InvalidOperation])

WAD: Final = 10**18
RAY: Final = 10**27
U128_MAX: Final = 2**128 - 1
U256_MAX: Final = 2**256 - 1

_MAX_INT: Final = 10**MAX_INTEGER_DIGITS
_U256_DIGITS: Final = len(str(U256_MAX))  # 78: any |x| >= 10**78 exceeds u256
_TINY: Final = Decimal("1E-100")

#: What a function that parses its numbers accepts: never ``float`` (inexact), never ``None``.
DecimalInput = str | int | Decimal


class Rounding(enum.Enum):
    """A named rounding direction for Decimal values.

    ``DOWN`` and ``UP`` are toward and away from zero; ``FLOOR`` and ``CEILING`` toward
    negative and positive infinity; the ``HALF_*`` modes round to nearest.
    """

    DOWN = ROUND_DOWN
    UP = ROUND_UP
    FLOOR = ROUND_FLOOR
    CEILING = ROUND_CEILING
    HALF_UP = ROUND_HALF_UP
    HALF_DOWN = ROUND_HALF_DOWN
    HALF_EVEN = ROUND_HALF_EVEN


class FixedRounding(enum.Enum):
    """Rounding of non-negative integer quotients, as the Cairo contracts implement it."""

    FLOOR = "floor"
    CEIL = "ceil"
    HALF_UP = "half_up"


def _error(code: str, message: str, value: object) -> Failure[DomainError]:
    return Failure(DomainError.invalid(code, message, value=_describe(value)))


def _describe(value: object) -> str:
    """A short, safe rendering of an offending value for an error's fields: never the
    thousands of digits a hostile value may carry, and never an exception (``repr`` of a huge
    ``int`` raises past ``sys.get_int_max_str_digits()``)."""
    if isinstance(value, int) and value.bit_length() > 128:
        return f"<int of {value.bit_length()} bits>"
    if isinstance(value, tuple):
        return "(" + ", ".join(_describe(item) for item in value) + ")"
    if isinstance(value, str) and len(value) > 40:
        return repr(value[:37]) + "..."
    if isinstance(value, Decimal) and (len(value.as_tuple().digits) > 40 or (
            value.is_finite() and abs(value.adjusted()) > 40)):
        return f"<Decimal of {len(value.as_tuple().digits)} digits, order {value.adjusted()}>"
    try:
        text = repr(value)
    except ValueError:  # a container holding a huge int
        return f"<{type(value).__name__}>"
    return text if len(text) <= 40 else text[:37] + "..."


# Only on the failure path: an exponent form whose exponent Decimal cannot even represent.
_EXPONENT_FORM: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")


def parse_decimal(value: object, field: str = "value") -> Result[Decimal, DomainError]:
    """Parse ``str``, ``int`` or ``Decimal`` (:data:`DecimalInput`) into a bounded, finite
    Decimal.  The one parameter of the core typed ``object``: this is where values of any
    origin (JSON, CSV, a venue's reply) are checked; every function that takes numbers types
    them ``DecimalInput`` and parses them here.

    Rejects ``float`` (inexact), ``bool``, ``None`` and anything else; NaN and infinities;
    more than :data:`MAX_INTEGER_DIGITS` integer digits or :data:`MAX_FRACTION_DIGITS`
    fractional digits (``numeric.out_of_bounds``, for huge and for tiny exponents alike; a
    zero too: ``0E-30`` has 30 fractional digits); strings longer than
    :data:`MAX_INPUT_LENGTH` characters, surrounding spaces included; any non-ASCII character
    (``numeric.not_ascii``: Unicode digits - Arabic-Indic, full-width, mathematical - are
    not numbers here, whatever ``Decimal`` would make of them).  Never raises; the answer
    never depends on the caller's decimal context.  ``-0`` parses as ``0``.

    >>> parse_decimal(" -3.10 ").unwrap()
    Decimal('-3.10')
    >>> parse_decimal(0.1).failure().code  # floats are inexact
    'numeric.float_rejected'
    >>> parse_decimal("1e999999999").failure().code
    'numeric.out_of_bounds'
    >>> parse_decimal("1e-10000000000000000000000").failure().code
    'numeric.out_of_bounds'
    >>> parse_decimal("\\u0661\\u0660\\u0660").failure().code  # Arabic-Indic 100
    'numeric.not_ascii'
    >>> parse_decimal("1" * 10_000).failure().code
    'numeric.too_long'
    >>> parse_decimal("1.5e3").unwrap()
    Decimal('1.5E+3')
    """
    if type(value) is str:  # exact types first: the hot path pays no isinstance chain
        return _parse_text(value, field)
    if type(value) is Decimal:
        return _check_bounds(value, field)
    if type(value) is int:
        if -_MAX_INT < value < _MAX_INT:
            return Success(Decimal(value))
        return _field_error(
            field, "numeric.out_of_bounds", f"magnitude must be below 1e{MAX_INTEGER_DIGITS}", value
        )
    # Rare shapes: subclasses, and the values of no declared type the boundary still meets.
    if isinstance(value, bool):
        return _field_error(field, "numeric.type", "booleans are not numbers", value)
    if isinstance(value, float):
        return _field_error(
            field, "numeric.float_rejected", "floats are inexact; pass a str or Decimal", value
        )
    if isinstance(value, str):
        return _parse_text(str.__str__(value), field)
    if isinstance(value, Decimal):
        return _check_bounds(Decimal(value), field)
    if isinstance(value, int):
        return parse_decimal(int(value), field)
    return _field_error(
        field, "numeric.type", f"expected str, int or Decimal, got {type(value).__name__}", value,
    )


def _parse_text(value: str, field: str) -> Result[Decimal, DomainError]:
    if len(value) > MAX_INPUT_LENGTH:
        return _field_error(
            field, "numeric.too_long", f"more than {MAX_INPUT_LENGTH} characters", value
        )
    if not value.isascii():
        return _field_error(field, "numeric.not_ascii",
                            "only ASCII digits, sign, point and exponent are accepted", value)
    text = value.strip()
    if not text or "_" in text:
        return _field_error(field, "numeric.syntax", "not a decimal number", value)
    try:
        candidate = Decimal(text, _PARSING)  # exact; bad syntax raises whatever the caller set
    except InvalidOperation:
        if _EXPONENT_FORM.fullmatch(text):
            return _field_error(field, "numeric.out_of_bounds", "exponent out of range", value)
        return _field_error(field, "numeric.syntax", "not a decimal number", value)
    return _check_bounds(candidate, field)


def _field_error(field: str, code: str, message: str, value: object) -> Failure[DomainError]:
    return Failure(DomainError.invalid(
        code, f"{field}: {message}", field=field, value=_describe(value)))


def _check_bounds(candidate: Decimal, field: str) -> Result[Decimal, DomainError]:
    if not candidate.is_finite():
        return _field_error(field, "numeric.not_finite", "NaN and infinity are not allowed",
                            candidate)
    if candidate.adjusted() >= MAX_INTEGER_DIGITS:  # a zero's adjusted() is its exponent
        return _field_error(
            field, "numeric.out_of_bounds", f"magnitude must be below 1e{MAX_INTEGER_DIGITS}",
            candidate,
        )
    exponent = candidate.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -MAX_FRACTION_DIGITS:
        return _field_error(
            field, "numeric.out_of_bounds",
            f"more than {MAX_FRACTION_DIGITS} fractional digits", candidate,
        )
    return Success(candidate if candidate else ZERO)


def parse_positive(value: object, field: str = "value") -> Result[Decimal, DomainError]:
    """Parse like :func:`parse_decimal` and require ``> 0``.

    >>> parse_positive("0", field="price").failure().code
    'numeric.not_positive'
    """
    return parse_decimal(value, field).bind(
        lambda d: Success(d) if d > 0 else _field_error(field, "numeric.not_positive",
                                                        "must be greater than zero", d)
    )


def parse_non_negative(value: object, field: str = "value") -> Result[Decimal, DomainError]:
    """Parse like :func:`parse_decimal` and require ``>= 0``.

    >>> parse_non_negative("-1", field="fee").failure().message
    'fee: must not be negative'
    """
    return parse_decimal(value, field).bind(
        lambda d: Success(d) if d >= 0 else _field_error(field, "numeric.negative",
                                                         "must not be negative", d)
    )


def check_decimal(value: Decimal, field: str = "value") -> Result[Decimal, DomainError]:
    """A value typed ``Decimal`` (a command's amount, a value type's field) checked at a
    boundary: it must really be a ``Decimal`` (a ``str``, ``int`` or ``float`` that slipped
    through is ``numeric.type``), finite, and within :func:`parse_decimal`'s bounds.

    >>> check_decimal(Decimal("2.5")).unwrap()
    Decimal('2.5')
    >>> check_decimal("100").failure().code  # a str where a Decimal belongs
    'numeric.type'
    """
    given: object = value  # typed Decimal; checked because a caller may not be
    if isinstance(given, Decimal):
        return _check_bounds(given, field)
    return _field_error(field, "numeric.type",
                        f"expected a Decimal, got {type(given).__name__}", given)


def check_computed(value: Decimal, field: str = "value") -> Result[Decimal, DomainError]:
    """A ``Decimal`` that may be the result of arithmetic (an average entry price, a margin
    ``notional / leverage``), checked where a Result-returning function accepts one: a real
    ``Decimal``, finite, zero or of magnitude in ``[1E-56, 1E+48)`` (the range of sums,
    products and quotients of parsed values: :data:`MAX_COMPUTED_INTEGER_DIGITS`,
    :data:`MAX_COMPUTED_FRACTION_DIGITS`).  Fractional digits are not limited.

    >>> check_computed(CONTEXT.divide(Decimal(1), Decimal(3))).map(lambda d: d.adjusted())
    <Success: -1>
    >>> check_computed(Decimal("1E-999999")).failure().code
    'numeric.out_of_bounds'
    >>> check_computed(Decimal("sNaN")).failure().code
    'numeric.not_finite'
    """
    given: object = value  # typed Decimal; checked because a caller may not be
    if not isinstance(given, Decimal):
        return _field_error(field, "numeric.type",
                            f"expected a Decimal, got {type(given).__name__}", given)
    if not value.is_finite():
        return _field_error(field, "numeric.not_finite", "NaN and infinity are not allowed",
                            value)
    if not value:
        return Success(ZERO)
    adjusted = value.adjusted()
    if not -MAX_COMPUTED_FRACTION_DIGITS <= adjusted < MAX_COMPUTED_INTEGER_DIGITS:
        return _field_error(
            field, "numeric.out_of_bounds",
            f"magnitude must lie in [1E-{MAX_COMPUTED_FRACTION_DIGITS}, "
            f"1E+{MAX_COMPUTED_INTEGER_DIGITS})", value)
    return Success(value)


#: A plain decimal string that :func:`parse_decimal` accepts unchanged: an optional sign, at
#: most ``MAX_INTEGER_DIGITS`` integer and ``MAX_FRACTION_DIGITS`` fractional digits, no
#: exponent, no whitespace, no underscore (shorter than ``MAX_INPUT_LENGTH`` by construction).
_PLAIN_DECIMAL: Final = re.compile(
    rf"[+-]?(?:[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{0,{MAX_FRACTION_DIGITS}}})?"
    rf"|\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})")


def parse_plain_decimals(values: Sequence[object]) -> tuple[Decimal, ...] | None:
    """Every value parsed exactly as :func:`parse_decimal` parses it, when every one is a
    plain decimal string (``"-0.0123"``, ``"42"``, ``".5"``); ``None`` otherwise, and the
    caller parses one by one to report each problem.  The batch fast path (~10x
    ``parse_decimal`` per value): one regular expression and one ``Decimal`` per value, both
    in C, and no Result.

    >>> parse_plain_decimals(["1.50", "-0.000", "+.5"])
    (Decimal('1.50'), Decimal('0'), Decimal('0.5'))
    >>> parse_plain_decimals(["1.5", "1e3"]) is None, parse_plain_decimals([1]) is None
    (True, True)
    """
    texts = cast("Sequence[str]", values)  # fullmatch raises TypeError on anything else
    try:
        if not all(map(_PLAIN_DECIMAL.fullmatch, texts)):
            return None
    except TypeError:
        return None
    parsed = tuple(map(Decimal, texts))
    if all(parsed):
        return parsed
    return tuple(d if d else ZERO for d in parsed)  # parse_decimal's zero has no exponent


def quantize(value: Decimal, places: int, rounding: Rounding) -> Decimal:
    """Round ``value`` to ``places`` decimal places with an explicit mode.

    >>> quantize(Decimal("2.675"), 2, Rounding.HALF_UP)
    Decimal('2.68')
    >>> quantize(Decimal("-2.675"), 2, Rounding.FLOOR)
    Decimal('-2.68')
    """
    return value.quantize(ONE.scaleb(-places, CONTEXT), rounding=rounding.value, context=CONTEXT)


def round_to_increment(value: Decimal, increment: Decimal, rounding: Rounding) -> Decimal:
    """Round ``value`` to a whole multiple of ``increment`` (tick, lot, minor unit).

    The result carries the increment's exponent, so ``0.05`` ticks print as ``1.25``.

    >>> round_to_increment(Decimal("1.27"), Decimal("0.05"), Rounding.DOWN)
    Decimal('1.25')
    >>> round_to_increment(Decimal("1.27"), Decimal("0.05"), Rounding.UP)
    Decimal('1.30')
    >>> round_to_increment(Decimal("-7"), Decimal("5"), Rounding.FLOOR)
    Decimal('-10')
    """
    if increment <= 0:
        raise ValueError("increment must be positive")  # a programming error, not user input
    units = CONTEXT.divide(value, increment).quantize(ONE, rounding=rounding.value,
                                                       context=CONTEXT)
    return CONTEXT.multiply(units, increment)


def round_owed_to_protocol(amount: Decimal, increment: Decimal) -> Decimal:
    """Round an amount the protocol *receives* (a fee, a debt) up, in the protocol's favour.

    >>> round_owed_to_protocol(Decimal("3.201"), Decimal("0.01"))
    Decimal('3.21')
    """
    return round_to_increment(amount, increment, Rounding.CEILING)


def round_owed_by_protocol(amount: Decimal, increment: Decimal) -> Decimal:
    """Round an amount the protocol *pays* (a payout, a reward) down, in the protocol's favour.

    >>> round_owed_by_protocol(Decimal("3.209"), Decimal("0.01"))
    Decimal('3.20')
    """
    return round_to_increment(amount, increment, Rounding.FLOOR)


def to_fixed(value: Decimal, scale: int = WAD,
             rounding: Rounding = Rounding.DOWN) -> Result[int, DomainError]:
    """Convert a Decimal into an integer scaled by ``scale`` (WAD or RAY), rounding explicitly.

    Fails on a result outside the unsigned 256-bit range the contracts store
    (``numeric.fixed_range``), on NaN or an infinity (``numeric.not_finite``), and on a
    ``value`` that is not a ``Decimal``, a ``scale`` that is not an integer in ``[1, 2**256)``
    or a ``rounding`` that is not a :class:`Rounding` (``numeric.type``).  The product is
    formed under :data:`CONTEXT` (120 digits), so it is exact for every parsed value and any
    power-of-ten scale.

    >>> to_fixed(Decimal("1.5")).unwrap()
    1500000000000000000
    >>> to_fixed(Decimal("0.0000000000000000015"), WAD, Rounding.CEILING).unwrap()
    2
    >>> to_fixed(Decimal("-1")).failure().code
    'numeric.fixed_range'
    >>> to_fixed(Decimal("sNaN")).failure().code
    'numeric.not_finite'
    """
    if not (isinstance(value, Decimal) and isinstance(rounding, Rounding)
            and isinstance(scale, int) and not isinstance(scale, bool) and 0 < scale <= U256_MAX):
        return _error("numeric.type", "to_fixed takes a Decimal, a scale in [1, 2**256) and a "
                      "Rounding", (value, scale, rounding))
    if not value.is_finite():
        return _error("numeric.not_finite", "NaN and infinity have no fixed-point form", value)
    operand = value
    if value:
        # 10**(order) <= |value * scale| < 10**(order + 2)
        order = value.adjusted() + len(str(scale)) - 1
        if order >= _U256_DIGITS:
            return _error("numeric.fixed_range", "fixed-point value must fit in u256", value)
        if order < -3:
            # |value * scale| < 1/100: every mode rounds it as it rounds any other number
            # that small, and a stand-in keeps the product clear of CONTEXT's exponent limits
            # (an error still names the caller's value, never the stand-in).
            operand = _TINY.copy_sign(value)
    scaled = CONTEXT.multiply(operand, Decimal(scale)).quantize(ONE, rounding=rounding.value,
                                                                 context=CONTEXT)
    raw = int(scaled)
    if 0 <= raw <= U256_MAX:
        return Success(raw)
    return _error("numeric.fixed_range", "fixed-point value must fit in u256", value)


def from_fixed(raw: int, scale: int = WAD) -> Decimal:
    """Convert a scaled integer back into an exact Decimal.

    >>> from_fixed(1500000000000000000)
    Decimal('1.5')
    >>> from_fixed(1, RAY)
    Decimal('1E-27')
    """
    return canonical(CONTEXT.divide(Decimal(raw), Decimal(scale)))


def canonical(value: Decimal) -> Decimal:
    """Strip trailing fractional zeros without switching to exponent notation.

    >>> canonical(Decimal("1.500"))
    Decimal('1.5')
    >>> canonical(Decimal("1E+2"))
    Decimal('100')
    """
    reduced = value.normalize(CONTEXT)
    exponent = reduced.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return reduced.quantize(ONE, context=CONTEXT)
    return reduced


def mul_div(a: int, b: int, denominator: int,
            rounding: FixedRounding) -> Result[int, DomainError]:
    """``a * b / denominator`` on unsigned integers, rounded as the contracts round.

    The product is computed at double width (u512 on-chain), so only the quotient must fit in
    u256.  ``HALF_UP`` rounds a remainder of at least half the denominator up.  Inputs must be
    in ``[0, 2**256)`` and the denominator positive; anything else is a Failure, exactly where
    the Cairo version panics (a non-integer operand, e.g. a float, is ``numeric.type``).

    >>> mul_div(10, 10, 3, FixedRounding.FLOOR).unwrap()
    33
    >>> mul_div(10, 10, 3, FixedRounding.CEIL).unwrap()
    34
    >>> mul_div(1, 1, 0, FixedRounding.FLOOR).failure().code
    'numeric.division_by_zero'
    >>> mul_div(0.1, 3, 2, FixedRounding.FLOOR).failure().code  # a float is not a u256
    'numeric.type'
    """
    if not (_is_int(a) and _is_int(b) and _is_int(denominator)
            and isinstance(rounding, FixedRounding)):
        return _error("numeric.type", "mul_div takes three integers and a FixedRounding",
                      (a, b, denominator))
    if denominator == 0:
        return _error("numeric.division_by_zero", "mul_div denominator is zero", denominator)
    if not (0 <= a <= U256_MAX and 0 <= b <= U256_MAX and 0 < denominator <= U256_MAX):
        return _error("numeric.fixed_range", "mul_div operands must be u256", (a, b, denominator))
    quotient, remainder = divmod(a * b, denominator)
    if remainder and (
        rounding is FixedRounding.CEIL
        or (rounding is FixedRounding.HALF_UP and remainder >= denominator - remainder)
    ):
        quotient += 1
    if quotient > U256_MAX:
        return _error("numeric.overflow", "mul_div result exceeds u256", (a, b, denominator))
    return Success(quotient)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_u256(value: object) -> bool:
    """Whether ``value`` is an integer (not a bool, not a float) in ``[0, 2**256)``.

    >>> is_u256(U256_MAX), is_u256(-1), is_u256(1.0), is_u256(U256_MAX + 1)
    (True, False, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= U256_MAX

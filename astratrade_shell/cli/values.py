"""Reading option and cell text into typed values, and naming problems as the user typed them.

Every input of a row-wise command has a :class:`Kind`: how its text is read.  A kind returns
a ``Result`` whose failure message starts with the *label* the user typed (``--entry`` for an
option, ``entry`` for a CSV column), never a core parameter name.

Numbers are read more strictly than the core's :func:`~astratrade_core.numeric.parse_decimal`
(which then applies its bounds): ASCII digits only (mathematical or Arabic-Indic digits are
refused), an optional exponent of at most :data:`MAX_EXPONENT_DIGITS` digits (so
``1e-10000000000000000000000`` is refused like ``1e999999999`` instead of silently becoming
zero), no empty text.  Where a
FRACTION is expected, a percentage is accepted: ``1%`` is read as exactly ``0.01``.

>>> from decimal import Decimal
>>> FRACTION.read("12.5%", "--risk").unwrap()
Decimal('0.125')
>>> POSITIVE.read("abc", "--entry").failure().message
"--entry: not a decimal number ('abc')"
>>> DECIMAL.read("1e-10000000000000000000000", "--quantity").failure().message
'--quantity: more than 28 fractional digits'
>>> DECIMAL.read("50%", "--quantity").failure().message
'--quantity: a percentage is not accepted here; give the number itself'
>>> BPS.read("2.5%", "--royalty").unwrap(), BPS.read("250", "--royalty").unwrap()
(250, 250)
>>> FLAG.read("Yes", "inverse").unwrap(), FLAG.read("0", "inverse").unwrap()
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Final

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, collect_all
from astratrade_core.money import BTC, ETH, EUR, STRK, USD, USDC, Currency
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    parse_decimal,
    parse_non_negative,
    parse_positive,
)
from astratrade_shell.redaction import redact_text

__all__ = [
    "BPS",
    "DATE",
    "DECIMAL",
    "DECIMAL_LIST",
    "FLAG",
    "FRACTION",
    "INTEGER",
    "KNOWN_CURRENCIES",
    "MAX_EXPONENT_DIGITS",
    "MAX_QUOTE_CHARS",
    "NON_NEGATIVE",
    "POSITIVE",
    "TEXT",
    "Kind",
    "describe",
    "quote",
    "read_currency",
]

#: An exponent (``1e5``) may have at most this many digits; beyond, the number is refused.
MAX_EXPONENT_DIGITS: Final = 6
#: Error messages quote at most this many characters of what the user typed.
MAX_QUOTE_CHARS: Final = 24

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?)([0-9]+))?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BPS_WHOLE = 10_000

Parsed = Decimal | int | bool | str | date | tuple[Decimal, ...]
_TRUE: Final = frozenset(("true", "yes", "1", "on"))
_FALSE: Final = frozenset(("false", "no", "0", "off"))


def quote(text: str) -> str:
    """``text`` for an error message: the repr of its first :data:`MAX_QUOTE_CHARS`
    characters (itself cut at three times that when escapes lengthen it), any secret a URL
    in it carries redacted first (a cut could otherwise leave a secret's prefix unmasked).

    >>> quote("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxx'..."
    >>> quote("redis://app:S3cret@cache:6379/0")
    "'redis://app:***@cache:63'..."
    """
    text = redact_text(text)
    shown = repr(text[:MAX_QUOTE_CHARS])
    if len(shown) > 3 * MAX_QUOTE_CHARS:  # escapes (\x1f, \U0001342f) lengthen a repr
        return shown[:3 * MAX_QUOTE_CHARS] + "..."
    return shown + "..." if len(text) > MAX_QUOTE_CHARS else shown


def _invalid(code: str, message: str) -> Failure[DomainError]:
    return Failure(DomainError.invalid(code, message))


@attrs.frozen
class Kind:
    """How one input's text is read: ``read(text, label) -> Result[value, DomainError]``.

    ``metavar`` is what ``--help`` shows; ``percent`` says whether ``1%`` is accepted.
    """

    name: str
    metavar: str
    reader: Callable[[str, str], Result[Parsed, DomainError]]
    percent: bool = False

    def read(self, text: str, label: str) -> Result[Parsed, DomainError]:
        """Read ``text`` (surrounding spaces ignored); an empty value is always an error."""
        body = text.strip()
        if not body:
            return _invalid("cli.empty", f"{label}: empty value")
        return self.reader(body, label)


def _number(body: str, label: str, *, percent: bool,
            parse: Callable[[object, str], Result[Decimal, DomainError]] = parse_decimal,
            ) -> Result[Decimal, DomainError]:
    scaled = percent and body.endswith("%")
    if scaled:
        body = body[:-1].rstrip()
    elif body.endswith("%"):
        return _invalid("cli.percent",
                        f"{label}: a percentage is not accepted here; give the number itself")
    match = _NUMBER.fullmatch(body)
    if match is None:
        return _invalid("numeric.syntax", f"{label}: not a decimal number ({quote(body)})")
    sign, exponent = match.group(1), match.group(2)
    if exponent is not None and len(exponent.lstrip("0")) > MAX_EXPONENT_DIGITS:
        if sign == "-":
            return _invalid("numeric.out_of_bounds",
                            f"{label}: more than {MAX_FRACTION_DIGITS} fractional digits")
        return _invalid("numeric.out_of_bounds",
                        f"{label}: magnitude must be below 1e{MAX_INTEGER_DIGITS}")
    if scaled:
        return parse_decimal(body, label).bind(lambda d: parse(d.scaleb(-2, CONTEXT), label))
    return parse(body, label)


def _decimal(body: str, label: str) -> Result[Parsed, DomainError]:
    return _number(body, label, percent=False)


def _positive(body: str, label: str) -> Result[Parsed, DomainError]:
    return _number(body, label, percent=False, parse=parse_positive)


def _non_negative(body: str, label: str) -> Result[Parsed, DomainError]:
    return _number(body, label, percent=False, parse=parse_non_negative)


def _fraction(body: str, label: str) -> Result[Parsed, DomainError]:
    return _number(body, label, percent=True)


def _integer(body: str, label: str) -> Result[Parsed, DomainError]:
    if len(body) > MAX_INTEGER_DIGITS + 1 or _INTEGER.fullmatch(body) is None:
        return _invalid("cli.integer", f"{label}: expected an integer of at most "
                                       f"{MAX_INTEGER_DIGITS} digits, got {quote(body)}")
    return Success(int(body))


def _bps(body: str, label: str) -> Result[Parsed, DomainError]:
    amount = (_number(body, label, percent=True).map(lambda f: f.scaleb(4, CONTEXT))
              if body.endswith("%") else _number(body, label, percent=False))

    def whole(bps: Decimal) -> Result[Parsed, DomainError]:
        if bps != bps.to_integral_value(context=CONTEXT) or not 0 <= bps <= _BPS_WHOLE:
            return _invalid("cli.bps", f"{label}: expected whole basis points 0..10000 (or "
                                       f"0%..100% in steps of 0.01%), got {quote(body)}")
        return Success(int(bps))

    return amount.bind(whole)


def _date(body: str, label: str) -> Result[Parsed, DomainError]:
    if _DATE.fullmatch(body) is None:
        return _invalid("cli.date", f"{label}: expected a date YYYY-MM-DD, got {quote(body)}")
    try:
        return Success(date.fromisoformat(body))
    except ValueError:
        return _invalid("cli.date", f"{label}: no such date {quote(body)}")


def _text(body: str, label: str) -> Result[Parsed, DomainError]:
    return Success(body)


def _flag(body: str, label: str) -> Result[Parsed, DomainError]:
    word = body.lower()
    if word in _TRUE or word in _FALSE:
        return Success(word in _TRUE)
    return _invalid("cli.flag", f"{label}: expected true or false (yes/no, 1/0), got "
                                f"{quote(body)}")


def _decimal_list(body: str, label: str) -> Result[Parsed, DomainError]:
    items = body.split(",")
    return collect_all("cli.list", [
        _number(item.strip(), f"{label} item {n}", percent=False) if item.strip()
        else _invalid("cli.empty", f"{label} item {n}: empty value")
        for n, item in enumerate(items, start=1)])


#: Any decimal number (signed).
DECIMAL: Final = Kind("decimal", "NUMBER", _decimal)
#: A decimal number greater than zero.
POSITIVE: Final = Kind("positive", "NUMBER", _positive)
#: A decimal number of at least zero.
NON_NEGATIVE: Final = Kind("non-negative", "NUMBER", _non_negative)
#: A fraction or rate: ``0.01`` or ``1%`` (the core checks its range).
FRACTION: Final = Kind("fraction", "FRACTION", _fraction, percent=True)
#: A signed integer (ASCII digits).
INTEGER: Final = Kind("integer", "INTEGER", _integer)
#: Basis points: an integer 0..10000, or a percentage such as ``2.5%``.
BPS: Final = Kind("bps", "BPS", _bps, percent=True)
#: An ISO date, ``YYYY-MM-DD``.
DATE: Final = Kind("date", "DATE", _date)
#: Text taken as it is (surrounding spaces removed).
TEXT: Final = Kind("text", "TEXT", _text)
#: A switch: ``true``/``false`` (``yes``/``no``, ``1``/``0``, ``on``/``off``) in a batch cell;
#: a flag without a value as an option.
FLAG: Final = Kind("flag", "BOOL", _flag)
#: Comma-separated decimal numbers (no percentages).
DECIMAL_LIST: Final = Kind("list", "N,N,...", _decimal_list)

#: Currency codes known without ``--minor-unit``.
KNOWN_CURRENCIES: Final[Mapping[str, Currency]] = {
    c.code: c for c in (USD, EUR, USDC, BTC, ETH, STRK)}


def read_currency(code: str, minor_unit: int | None) -> Result[Currency, DomainError]:
    """A known currency by code, or any code with its ``minor_unit`` (decimal places).

    >>> read_currency("usd", None).unwrap().minor_unit, read_currency("XYZ", 3).unwrap().code
    (2, 'XYZ')
    >>> read_currency("XYZ", None).failure().message
    'currency: unknown currency XYZ; pass --minor-unit (known: BTC, ETH, EUR, STRK, USD, USDC)'
    """
    upper = code.strip().upper()
    if minor_unit is not None:
        return Currency.of(upper, minor_unit)
    known = KNOWN_CURRENCIES.get(upper)
    if known is None:
        return _invalid("cli.currency", f"currency: unknown currency {quote(upper)[1:-1]}; "
                        f"pass --minor-unit (known: {', '.join(sorted(KNOWN_CURRENCIES))})")
    return Success(known)


_ITEM = re.compile(r"\[([0-9]+)\]")


def describe(error: DomainError, names: Mapping[str, str]) -> str:
    """``code: message`` with the core's parameter names replaced by what the user typed.

    ``names`` maps a core name (``entry_price``) to the label (``--entry``); a cause whose
    message starts with a mapped name (followed by ``:``, a space or ``[i]``) is relabelled;
    ``[i]`` becomes `` item i+1``.

    >>> err = DomainError.all_of("position.invalid", [
    ...     DomainError.invalid("numeric.syntax", "entry_price: not a decimal number"),
    ...     DomainError.invalid("x", "weights[0]: bad"), DomainError.invalid("y", "mmr too big")])
    >>> describe(err, {"entry_price": "--entry", "weights": "--weights", "mmr": "--mmr"})
    'position.invalid: --entry: not a decimal number; --weights item 1: bad; --mmr too big'
    """
    causes = error.causes or (error,)
    return f"{error.code}: " + "; ".join(_relabel(c.message, names) for c in causes)


def _relabel(message: str, names: Mapping[str, str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if not message.startswith(name):
            continue
        rest = message[len(name):]
        item = _ITEM.match(rest)
        if item is not None:
            return f"{names[name]} item {int(item.group(1)) + 1}{rest[item.end():]}"
        if rest[:1] in (":", " ", ""):
            return names[name] + rest
    return message

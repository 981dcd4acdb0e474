"""Return and equity series: validation, simple/log returns, equity curves and drawdowns.

A *return series* holds one per-period return per element (``0.01`` is +1 %); an *equity
series* holds account values (or prices), which must be strictly positive.  Elements may be
``str``, ``int`` or ``Decimal`` (parsed by :func:`~astratrade_core.numeric.parse_decimal`;
``float`` is rejected).  Every bad element is reported, under ``risk.metrics.series``, with
the first ten problems as causes.

**Conventions** (see ``docs/risk-metrics.md``):

* simple return ``r_t = E_t / E_{t-1} - 1``; log return ``ln(E_t / E_{t-1})`` (``CONTEXT.ln``,
  correctly rounded at 120 digits);
* the equity curve of returns starts at ``start`` (default 1) *before* the first return, so a
  first-period loss is a drawdown (as empyrical, unlike quantstats' ``to_prices``);
* drawdown at ``t``: ``1 - E_t / max(E_0..E_t)``, a fraction in ``[0, 1)``; reported positive
  (``LossSign.POSITIVE``, the default) or negative (``LossSign.NEGATIVE``, empyrical's sign);
* the maximum drawdown's trough is the first index of the deepest fraction (compared exactly
  by cross-multiplication), its peak the *last* index at the running high before the trough,
  recovery the first later index back at or above the peak value; ``duration`` counts periods
  from the peak to the recovery, or to the last observation while still under water.  A series
  that never falls has fraction 0, peak = trough = 0, duration 0 and no recovery;
* the Ulcer index (Peter Martin, 1987) is the root mean square of the drawdowns,
  ``sqrt(sum(d_t**2) / n)`` over the ``n`` values of the equity series, as a fraction
  (Martin quotes it in percent: multiply by 100).

Results are rounded once, at the end, to ``places`` decimal places with ``rounding``.

>>> simple_returns(["100", "110", "99"]).unwrap()
(Decimal('0.100000000000'), Decimal('-0.100000000000'))
>>> dd = max_drawdown(["100", "120", "90", "130"]).unwrap()
>>> dd.fraction, dd.peak_index, dd.trough_index, dd.recovery_index.unwrap(), dd.duration
(Decimal('0.250000000000'), 1, 2, 3, 2)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Final, TypeVar

import attrs
from pyrsistent import pmap
from returns.maybe import Maybe, Nothing, Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, ErrorKind
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    ONE,
    ZERO,
    DecimalInput,
    Rounding,
    parse_decimal,
    parse_plain_decimals,
    parse_positive,
    quantize,
)

__all__ = [
    "DEFAULT_PLACES",
    "MAX_PLACES",
    "LossSign",
    "MaxDrawdown",
    "drawdown_series",
    "equity_curve",
    "log_returns",
    "max_drawdown",
    "simple_returns",
    "ulcer_index",
]

T = TypeVar("T")

#: Decimal places of every metric unless the caller says otherwise.
DEFAULT_PLACES: Final = 12
#: Largest accepted ``places``: results stay valid inputs (see ``MAX_FRACTION_DIGITS``).
MAX_PLACES: Final = MAX_FRACTION_DIGITS
_MAX_CAUSES: Final = 10
_GROWTH_CAP: Final = Decimal("1e60")
_GROWTH_FLOOR: Final = Decimal("1e-60")
#: Results keep at most this many significant digits when ``places`` would need more.
_MAX_DIGITS: Final = 110


class LossSign(enum.Enum):
    """How losses (drawdowns, VaR, CVaR) are signed in results.

    ``POSITIVE``: a 25 % drawdown is ``0.25`` and a 5 % VaR is ``0.05`` (risk-report style).
    ``NEGATIVE``: they are ``-0.25`` and ``-0.05`` (empyrical's and quantstats' style).
    """

    POSITIVE = "positive"
    NEGATIVE = "negative"


@attrs.frozen
class MaxDrawdown:
    """The deepest peak-to-trough fall of an equity series (see the module conventions)."""

    fraction: Decimal
    amount: Decimal
    peak_index: int
    trough_index: int
    recovery_index: Maybe[int]
    duration: int


class Inputs:
    """Accumulates validation problems so that one call reports all of them.

    A local, short-lived builder used by the public functions of this package; each check
    returns a usable placeholder on failure so that later checks can still run.
    """

    def __init__(self) -> None:
        self.problems: list[DomainError] = []

    def series(self, values: Iterable[DecimalInput], field: str, *,
               positive: bool = False, minimum: int = 1) -> tuple[Decimal, ...]:
        """Parse every element; require at least ``minimum`` of them."""
        if isinstance(values, str | bytes):
            self.fail("risk.metrics.series", f"{field}: expected a sequence of values, "
                      "not a single string", field=field)
            return ()
        items = values if isinstance(values, Sequence) else tuple(values)
        plain = parse_plain_decimals(items)
        parsed: Sequence[Decimal] = ()
        bad: list[DomainError] = []
        if plain is not None and (not positive or not plain or min(plain) > ZERO):
            parsed = plain  # the fast path: the same values, no Result per element
        else:
            parse = parse_positive if positive else parse_decimal
            checked: list[Decimal] = []
            for index, value in enumerate(items):
                match parse(value, f"{field}[{index}]"):
                    case Success(number):
                        checked.append(number)
                    case Failure(problem):
                        bad.append(problem)
            parsed = checked
        if bad:
            parsed = ()
            self.problems.append(DomainError(
                "risk.metrics.series", ErrorKind.INVALID, f"{field}: {len(bad)} invalid element(s)",
                pmap({"field": field, "invalid": str(len(bad))}), tuple(bad[:_MAX_CAUSES])))
        elif not parsed:
            self.problems.append(DomainError.invalid(
                "risk.metrics.empty", f"{field}: the series is empty", field=field))
        elif len(parsed) < minimum:
            self.problems.append(DomainError.invalid(
                "risk.metrics.too_short", f"{field}: needs at least {minimum} values",
                field=field, length=len(parsed), minimum=minimum))
            parsed = ()
        return tuple(parsed)

    def returns(self, values: Iterable[DecimalInput], *,
                compounding: bool = False) -> tuple[Decimal, ...]:
        """Parse a return series; ``compounding`` also requires every return above -1 and the
        compounded growth to stay within ``[1e-60, 1e60]`` (no account does otherwise)."""
        if compounding:
            return self.compounded(values)[0]
        return self.series(values, "returns")

    def compounded(self, values: Iterable[DecimalInput],
                   ) -> tuple[tuple[Decimal, ...], tuple[Decimal, ...]]:
        """:meth:`returns` with ``compounding``, and the equity curve from 1 it checked (the
        values :func:`equity_of` computes); both empty when a check failed."""
        parsed = self.series(values, "returns")
        if not parsed:
            return (), ()
        ruined = [i for i, r in enumerate(parsed) if r <= -ONE]
        if ruined:
            self.problems.append(DomainError.rejected(
                "risk.metrics.total_loss", "a return of -100% or worse cannot be compounded",
                index=ruined[0], count=len(ruined)))
            return (), ()
        mul, add, growth = CONTEXT.multiply, CONTEXT.add, ONE
        curve = [growth]
        for index, r in enumerate(parsed):
            growth = mul(growth, add(ONE, r))
            if not _GROWTH_FLOOR <= growth <= _GROWTH_CAP:
                self.problems.append(DomainError.invalid(
                    "risk.metrics.out_of_range", "compounded growth leaves [1e-60, 1e60]",
                    index=index))
                return (), ()
            curve.append(growth)
        return parsed, tuple(curve)

    def integer(self, value: int, field: str, low: int, high: int) -> int:
        """An ``int`` (not ``bool``) in ``[low, high]``; checked at run time, since a caller
        may pass anything."""
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.problems.append(DomainError.invalid(
            f"risk.metrics.{field}", f"{field} must be an integer in [{low}, {high}]",
            field=field, value=value if isinstance(value, int) else repr(value)[:40]))
        return low

    def places(self, value: int) -> int:
        """Decimal places of a result: ``0..MAX_PLACES``."""
        return self.integer(value, "places", 0, MAX_PLACES)

    def decimal(self, value: DecimalInput, field: str, *, above: Decimal | None = None,
                below: Decimal | None = None, code: str = "", message: str = "",
                fallback: Decimal = ZERO, inclusive: bool = False) -> Decimal:
        """A bounded, finite Decimal, strictly between ``above`` and ``below`` (or within
        them, ``inclusive``)."""
        result = parse_decimal(value, field)
        match result:
            case Failure(problem):
                self.problems.append(problem)
                return fallback
            case _:
                parsed = result.value_or(fallback)
        if inclusive:
            outside = ((above is not None and parsed < above)
                       or (below is not None and parsed > below))
        else:
            outside = ((above is not None and parsed <= above)
                       or (below is not None and parsed >= below))
        if outside:
            self.fail(code or f"risk.metrics.{field}", message or f"{field} is out of range",
                      **{field: parsed})
            return fallback
        return parsed

    def fail(self, code: str, message: str, **fields: object) -> None:
        """Record a problem found by the caller's own check."""
        self.problems.append(DomainError.invalid(code, message, **fields))

    def then(self, compute: Callable[[], Result[T, DomainError]]) -> Result[T, DomainError]:
        """``compute()`` when every check passed, else all problems (one, or bundled)."""
        if not self.problems:
            return compute()
        if len(self.problems) == 1:
            return Failure(self.problems[0])
        return Failure(DomainError.all_of("risk.metrics.invalid", self.problems))


def rounded(value: Decimal, places: int, rounding: Rounding) -> Decimal:
    """Round a metric once, at the end; a negative zero becomes zero.

    A value so large that ``places`` would need more than 110 significant digits (only
    absurd inputs get there) keeps the places that fit.
    """
    if not value.is_zero():
        places = min(places, _MAX_DIGITS - 1 - value.adjusted())
    return CONTEXT.add(quantize(value, places, rounding), ZERO)


def signed_loss(loss: Decimal, sign: LossSign) -> Decimal:
    """A loss (positive = money lost) in the caller's sign convention."""
    return loss if sign is LossSign.POSITIVE else CONTEXT.minus(loss)


def simple_returns(equity: Iterable[DecimalInput], *, places: int = DEFAULT_PLACES,
                   rounding: Rounding = Rounding.HALF_EVEN) -> Result[tuple[Decimal, ...],
                                                                     DomainError]:
    """Per-period simple returns ``E_t / E_{t-1} - 1`` of a positive series (N-1 values).

    >>> simple_returns(["8", "10", "5"], places=2).unwrap()
    (Decimal('0.25'), Decimal('-0.50'))
    >>> simple_returns(["10"]).failure().code
    'risk.metrics.too_short'
    """
    check = Inputs()
    values = check.series(equity, "equity", positive=True, minimum=2)
    digits = check.places(places)
    return check.then(lambda: Success(tuple(
        rounded(r, digits, rounding) for r in simple_returns_of(values))))


def log_returns(equity: Iterable[DecimalInput], *, places: int = DEFAULT_PLACES,
                rounding: Rounding = Rounding.HALF_EVEN) -> Result[tuple[Decimal, ...],
                                                                  DomainError]:
    """Per-period log returns ``ln(E_t / E_{t-1})`` of a positive series (N-1 values).

    >>> log_returns(["1", "2"], places=20).unwrap()
    (Decimal('0.69314718055994530942'),)
    """
    check = Inputs()
    values = check.series(equity, "equity", positive=True, minimum=2)
    digits = check.places(places)
    ln, div = CONTEXT.ln, CONTEXT.divide
    return check.then(lambda: Success(tuple(
        rounded(ln(div(b, a)), digits, rounding) for a, b in pairwise(values))))


def equity_curve(returns: Iterable[DecimalInput], *, start: DecimalInput = 1,
                 places: int = DEFAULT_PLACES, rounding: Rounding = Rounding.HALF_EVEN,
                 ) -> Result[tuple[Decimal, ...], DomainError]:
    """Compound returns into equity: ``(start, start*(1+r_1), ...)``, N+1 values.

    >>> equity_curve(["0.1", "-0.5"], start="100", places=2).unwrap()
    (Decimal('100.00'), Decimal('110.00'), Decimal('55.00'))
    >>> equity_curve(["-1"]).failure().code
    'risk.metrics.total_loss'
    """
    check = Inputs()
    values = check.returns(returns, compounding=True)
    first = check.decimal(start, "start", above=ZERO, fallback=ONE,
                          message="the starting equity must be positive")
    digits = check.places(places)
    return check.then(lambda: Success(tuple(
        rounded(e, digits, rounding) for e in equity_of(values, first))))


def drawdown_series(equity: Iterable[DecimalInput], *, loss_sign: LossSign = LossSign.POSITIVE,
                    places: int = DEFAULT_PLACES,
                    rounding: Rounding = Rounding.HALF_EVEN) -> Result[tuple[Decimal, ...],
                                                                      DomainError]:
    """The drawdown ``1 - E_t / max(E_0..E_t)`` at every index (the "underwater" curve).

    >>> drawdown_series(["100", "80", "120", "90"], places=2).unwrap()
    (Decimal('0.00'), Decimal('0.20'), Decimal('0.00'), Decimal('0.25'))
    >>> drawdown_series(["100", "80"], loss_sign=LossSign.NEGATIVE, places=2).unwrap()
    (Decimal('0.00'), Decimal('-0.20'))
    """
    check = Inputs()
    values = check.series(equity, "equity", positive=True)
    digits = check.places(places)
    return check.then(lambda: Success(tuple(
        rounded(signed_loss(d, loss_sign), digits, rounding) for d in drawdowns_of(values))))


def ulcer_index(equity: Iterable[DecimalInput], *, places: int = DEFAULT_PLACES,
                rounding: Rounding = Rounding.HALF_EVEN) -> Result[Decimal, DomainError]:
    """The Ulcer index ``sqrt(sum(d_t**2) / n)`` of a positive equity series (a fraction).

    >>> # drawdowns 0, 0.2, 0, 0.25: sqrt((0.04 + 0.0625) / 4) = 0.16007810...
    >>> ulcer_index(["100", "80", "120", "90"], places=8).unwrap()
    Decimal('0.16007811')
    """
    check = Inputs()
    values = check.series(equity, "equity", positive=True)
    digits = check.places(places)
    return check.then(lambda: Success(rounded(ulcer_of(values), digits, rounding)))


def max_drawdown(equity: Iterable[DecimalInput], *, loss_sign: LossSign = LossSign.POSITIVE,
                 places: int = DEFAULT_PLACES,
                 rounding: Rounding = Rounding.HALF_EVEN) -> Result[MaxDrawdown, DomainError]:
    """The maximum drawdown of a positive equity series, with where and how long.

    ``amount`` is ``peak - trough`` in equity units; ``fraction`` is ``amount / peak``.

    >>> dd = max_drawdown(["100", "100", "80", "90"], places=2).unwrap()
    >>> dd.fraction, dd.amount, dd.peak_index, dd.trough_index, dd.recovery_index, dd.duration
    (Decimal('0.20'), Decimal('20.00'), 1, 2, <Nothing>, 2)
    >>> max_drawdown([]).failure().code
    'risk.metrics.empty'
    """
    check = Inputs()
    values = check.series(equity, "equity", positive=True)
    digits = check.places(places)
    return check.then(lambda: Success(
        max_drawdown_of(values).rounded(digits, rounding, loss_sign)))


# --- kernels on validated tuples, unrounded (shared with metrics.py) -------------------------


def simple_returns_of(equity: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """Unrounded simple returns of a validated positive series."""
    sub, div = CONTEXT.subtract, CONTEXT.divide
    return tuple(div(sub(b, a), a) for a, b in pairwise(equity))


def drawdowns_of(equity: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    """Unrounded positive drawdown fractions ``1 - E_t / max(E_0..E_t)``."""
    sub, div = CONTEXT.subtract, CONTEXT.divide
    peak = equity[0]
    out: list[Decimal] = []
    for value in equity:
        peak = max(peak, value)
        out.append(div(sub(peak, value), peak))
    return tuple(out)


def ulcer_of(equity: tuple[Decimal, ...]) -> Decimal:
    """Unrounded Ulcer index of a validated positive series.

    The drawdowns of :func:`drawdowns_of`, squared and summed, skipping the points at a new
    high: their drawdown is exactly zero and adding zero leaves the sum's value unchanged.
    """
    sub, div, mul, add = CONTEXT.subtract, CONTEXT.divide, CONTEXT.multiply, CONTEXT.add
    total = ZERO
    peak = equity[0]
    for value in equity:
        if value >= peak:
            peak = value
            continue
        d = div(sub(peak, value), peak)
        total = add(total, mul(d, d))
    return CONTEXT.sqrt(CONTEXT.divide(total, Decimal(len(equity))))


def equity_of(returns: tuple[Decimal, ...], start: Decimal = ONE) -> tuple[Decimal, ...]:
    """Unrounded equity curve: ``start`` then the running product of ``1 + r``."""
    mul, add = CONTEXT.multiply, CONTEXT.add
    out = [start]
    for r in returns:
        out.append(mul(out[-1], add(ONE, r)))
    return tuple(out)


@attrs.frozen
class _Fall:
    peak_value: Decimal
    trough_value: Decimal
    peak_index: int
    trough_index: int
    recovery_index: int | None
    last_index: int

    def rounded(self, places: int, rounding: Rounding, sign: LossSign) -> MaxDrawdown:
        amount = CONTEXT.subtract(self.peak_value, self.trough_value)
        fraction = CONTEXT.divide(amount, self.peak_value)
        if amount.is_zero():
            duration = 0
        elif self.recovery_index is None:
            duration = self.last_index - self.peak_index
        else:
            duration = self.recovery_index - self.peak_index
        return MaxDrawdown(
            fraction=rounded(signed_loss(fraction, sign), places, rounding),
            amount=rounded(signed_loss(amount, sign), places, rounding),
            peak_index=self.peak_index,
            trough_index=self.trough_index,
            recovery_index=Nothing if self.recovery_index is None else Some(self.recovery_index),
            duration=duration,
        )

    @property
    def fraction(self) -> Decimal:
        """Unrounded positive drawdown fraction."""
        return CONTEXT.divide(CONTEXT.subtract(self.peak_value, self.trough_value),
                              self.peak_value)


#: ``1 + 1e-100``: the margin of :func:`max_drawdown_of`'s bar, far above the three roundings
#: (each within ``5e-120`` relative) that compute it.
_BAR_MARGIN: Final = Decimal("1." + "0" * 99 + "1")


def max_drawdown_of(equity: tuple[Decimal, ...]) -> _Fall:
    """Locate the deepest fall of a validated positive series (exact comparisons).

    A value below the running peak is deeper than the best fall so far when
    ``value * best_peak < best_trough * peak`` (both products in CONTEXT).  Two 120-digit
    products per value cost most of the loop, so a *bar* is kept for the current peak and
    best: ``bar = best_trough * peak / best_peak * (1 + 1e-100)``, each step rounded in
    CONTEXT.  A value at or above the bar is at least ``1 + 0.9e-100`` times the exact
    threshold, so both rounded products (within ``5e-120`` relative of the exact ones)
    compare as "not deeper" and the test is skipped; below the bar the test itself decides.
    The answer is the same as testing every value (tests/core/risk compares the two)."""
    mul, div = CONTEXT.multiply, CONTEXT.divide
    peak_value, peak_index = equity[0], 0
    best = (equity[0], equity[0], 0, 0)  # peak value, trough value, peak index, trough index
    bar: Decimal | None = None  # for the current peak and best; None: to be computed
    for index, value in enumerate(equity):
        if value >= peak_value:
            peak_value, peak_index = value, index
            bar = None
            continue
        if bar is None:
            bar = mul(div(mul(best[1], peak_value), best[0]), _BAR_MARGIN)
        # value / peak_value < best trough / best peak, without rounding a division
        if value < bar and mul(value, best[0]) < mul(best[1], peak_value):
            best = (peak_value, value, peak_index, index)
            bar = None
    top, bottom, top_index, bottom_index = best
    recovery = None
    if bottom < top:
        recovery = next((i for i in range(bottom_index + 1, len(equity)) if equity[i] >= top),
                        None)
    return _Fall(top, bottom, top_index, bottom_index, recovery, len(equity) - 1)

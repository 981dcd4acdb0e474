"""Columnar exact kernels: decimal columns as integers at each column's own scale (numpy).

A :class:`Column` holds ``n`` exact decimals as integer *units* at one ``scale``: the value of
row ``i`` is ``units[i] / 10**scale`` (quantities at ``1e-8``, prices at their tick's scale,
so a P&L is exact at ``1e-(8 + 2)``).  Parse text straight into columns at ingest
(:meth:`Column.parse`) and every kernel below is a handful of numpy passes: the same speed as
float64, exactly.

Every kernel returns what the scalar function of the same name returns for each row, to the
last digit (property-tested against them):

* :func:`pnl` - :func:`~astratrade_core.trading.pnl.calculate_pnl`'s ``q * (c - e)``;
* :func:`notional` - ``|q| * p``, :attr:`Position.notional
  <astratrade_core.trading.pnl.Position.notional>`;
* :func:`roi_percent` - :meth:`PositionState.roi_percent
  <astratrade_core.trading.fills.PositionState.roi_percent>` of a position opened at ``e``,
  rounded to ``places`` (what ``astratrade pnl`` prints);
* :func:`isolated_liquidation_prices` -
  :func:`~astratrade_core.trading.margin.isolated_liquidation_price`, tick-rounded;
* :func:`fixed_fractional_quantities` - the ``quantity`` of
  :func:`~astratrade_core.trading.sizing.fixed_fractional_size`, and which rows it accepts.

**Overflow.**  Units are ``int64`` while they fit.  Before each product a cheap bound
(``max|a| * max|b|``) proves the whole column safe; when it cannot, the rows that would
overflow (or the whole column, for the rounded quotients) are computed exactly on Python
integers instead (an ``object`` column): never a wrapped-around value.

**Rounding.**  The scalar functions divide in Decimal at 120 significant digits, then round
once.  The kernels divide exactly (integer quotient and remainder) and round with the same
mode.  The two can only disagree when the exact quotient lies *on* a rounding boundary and a
scalar intermediate was itself rounded (a leverage of 3 makes ``1/3``); those rows, and only
those, are computed by the scalar function itself.

numpy is imported by this module only, and ``import astratrade_core`` does not import it.

>>> q = Column.parse(["0.5", "-2"], 8).unwrap()
>>> e = Column.parse(["30000", "1800.5"], 2).unwrap()
>>> c = Column.parse(["29000", "1700"], 2).unwrap()
>>> pnl(q, e, c).decimals()
(Decimal('-500.0000000000'), Decimal('201.0000000000'))
>>> notional(q, c).decimals()
(Decimal('14500.0000000000'), Decimal('3400.0000000000'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt
from returns.maybe import Some
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError
from astratrade_core.instrument import Instrument
from astratrade_core.numeric import (
    CONTEXT,
    MAX_FRACTION_DIGITS,
    DecimalInput,
    Rounding,
    parse_decimal,
    parse_plain_decimals,
    quantize,
)
from astratrade_core.trading import fills, margin, sizing

__all__ = [
    "Column",
    "fixed_fractional_quantities",
    "isolated_liquidation_prices",
    "notional",
    "pnl",
    "roi_percent",
]

#: Units: ``int64`` while they fit, Python ``int`` objects (exact, slower) otherwise.
Units = npt.NDArray[Any]
Mask = npt.NDArray[np.bool_]

INT64_MAX: Final = 2**63 - 1
_MAX_CAUSES: Final = 10


def _fits(values: Iterable[int]) -> bool:
    return all(-INT64_MAX <= v <= INT64_MAX for v in values)


def _array(values: Sequence[int]) -> Units:
    """``int64`` when every value fits (``-2**63`` excluded, so ``abs`` never wraps)."""
    if _fits(values):
        return np.array(values, dtype=np.int64)
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out


def _magnitude(units: Units) -> int:
    """``max |u|`` as a Python int (0 for an empty column)."""
    if not len(units):
        return 0
    return max(int(units.max()), -int(units.min()))


def _native(*columns: Units) -> bool:
    """Whether every one is still ``int64`` (none fell back to Python ints)."""
    return all(units.dtype != object for units in columns)


def _exact(units: Units) -> Units:
    """The same values as Python ints (an ``object`` column)."""
    return units if units.dtype == object else units.astype(object)


def _compact(units: Units) -> Units:
    """An ``object`` column back to ``int64`` when every value fits."""
    if units.dtype != object or not _fits(units.tolist()):
        return units
    return units.astype(np.int64)


def _scaled(units: Units, digits: int) -> Units:
    """``units * 10**digits``, exactly."""
    if digits == 0:
        return units
    factor = 10**digits
    if units.dtype != object and factor <= INT64_MAX and (
            _magnitude(units) <= INT64_MAX // factor):
        scaled: Units = units * np.int64(factor)
        return scaled
    exact: Units = _exact(units) * factor
    return exact


def _product(a: Units, b: Units, bounds: tuple[int, int] | None = None) -> Units:
    """``a * b`` row by row, exactly: ``int64`` when a bound proves it safe (``bounds`` on
    ``|a|`` and ``|b|`` when known, else measured), else the rows that could overflow are
    multiplied as Python ints."""
    if _native(a, b):
        bound_a, bound_b = bounds or (_magnitude(a), _magnitude(b))
        if bound_a * bound_b <= INT64_MAX:
            return a * b
        # Per row: |a| <= INT64_MAX // |b| <=> |a * b| <= INT64_MAX (integers, b != 0).
        safe = np.abs(a) <= INT64_MAX // np.maximum(np.abs(b), 1)
        if safe.all():
            return a * b
        out = (np.where(safe, a, 0) * np.where(safe, b, 0)).astype(object)
        rows = np.flatnonzero(~safe)
        out[rows] = _exact(a[rows]) * _exact(b[rows])
        return out
    return _exact(a) * _exact(b)


def _sum(a: Units, b: Units, sign: int = 1) -> Units:
    """``a + sign * b``, exactly (``int64`` when both magnitudes are below ``2**62``)."""
    if _native(a, b) and max(_magnitude(a), _magnitude(b)) < 2**62:
        return a + b if sign > 0 else a - b
    return _exact(a) + _exact(b) if sign > 0 else _exact(a) - _exact(b)


@attrs.frozen(eq=False)
class Column:
    """``len(units)`` exact decimals: row ``i`` is ``units[i] / 10**scale``.

    Build one with :meth:`parse` (text or Decimals, checked) or :meth:`of_units`; read it with
    :meth:`decimals`.  Two columns are equal when they hold the same numbers in the same rows
    (whatever their scales).
    """

    units: Units
    scale: int
    #: An upper bound on ``|units|``, measured once when the column is built, so that a
    #: kernel proves a whole product fits ``int64`` without another pass over the rows.
    bound: int = attrs.field(default=attrs.Factory(lambda self: _magnitude(self.units),
                                                   takes_self=True))

    def __attrs_post_init__(self) -> None:
        kind = self.units.dtype.kind
        if kind not in "iuO":  # a programming error: floats are not exact units
            raise TypeError(f"units must be integers, not {self.units.dtype}")
        if kind in "iu" and self.units.dtype != np.int64:
            object.__setattr__(self, "units", _array(self.units.tolist()))
        # -2**63 is the one int64 whose negation wraps: such a column is kept as Python ints.
        units = self.units.astype(object) if (
            self.units.dtype != object and self.bound > INT64_MAX) else self.units.view()
        units.flags.writeable = False  # a read-only view keeps the bound true
        object.__setattr__(self, "units", units)

    @classmethod
    def of_units(cls, units: Sequence[int] | Units, scale: int) -> Column:
        """A column of integer ``units`` at ``scale`` (``int64`` when every one fits).

        >>> Column.of_units([150, -2], 2).decimals()
        (Decimal('1.50'), Decimal('-0.02'))
        """
        values = units.tolist() if isinstance(units, np.ndarray) else list(units)
        return cls(_array([int(v) for v in values]), scale)

    @classmethod
    def parse(cls, values: Iterable[DecimalInput], scale: int,
              ) -> Result[Column, DomainError]:
        """Parse ``values`` (as :func:`~astratrade_core.numeric.parse_decimal` does) into units
        at ``scale``; a value with more decimal places than ``scale`` is refused
        (``batch.inexact``), never rounded.  Every bad row is reported (the first ten as
        causes).

        >>> Column.parse(["1.5", "2"], 2).unwrap().units.tolist()
        [150, 200]
        >>> Column.parse(["1.505", "x"], 2).failure().codes()
        ('batch.inexact', 'numeric.syntax')

        ``scale`` is an integer in ``0..MAX_FRACTION_DIGITS`` (28, the finest resolution a
        parsed value has); anything else is ``batch.scale``.

        >>> Column.parse(["1"], 0.5).failure().code
        'batch.scale'
        """
        if type(scale) is not int or not 0 <= scale <= MAX_FRACTION_DIGITS:
            return Failure(DomainError.invalid(
                "batch.scale", f"scale must be an integer in 0..{MAX_FRACTION_DIGITS}",
                scale=scale))
        items = values if isinstance(values, Sequence) else tuple(values)
        plain = parse_plain_decimals(items)
        problems: list[DomainError] = []
        numbers: Sequence[Decimal | None] = plain or ()
        bad: dict[int, DomainError] = {}
        if plain is None:
            results = [parse_decimal(value, f"row {index}") for index, value in enumerate(items)]
            numbers = [result.value_or(None) for result in results]
            bad = {index: result.failure() for index, result in enumerate(results)
                   if isinstance(result, Failure)}
        units: list[int] = []
        shift = CONTEXT.scaleb
        for index, number in enumerate(numbers):
            if number is None:
                problems.append(bad[index])
                continue
            scaled = shift(number, scale)
            unit = int(scaled)
            if unit != scaled:
                problems.append(DomainError.invalid(
                    "batch.inexact", f"row {index}: {number} has more than {scale} decimal "
                    "places", row=index, value=number, scale=scale))
            units.append(unit)
        if problems:
            return Failure(DomainError.all_of("batch.invalid", problems[:_MAX_CAUSES]))
        return Success(cls(_array(units), scale))

    def decimals(self) -> tuple[Decimal, ...]:
        """Every row as a Decimal with exactly ``scale`` places."""
        shift, scale = CONTEXT.scaleb, -self.scale
        return tuple(shift(Decimal(int(u)), scale) for u in self.units.tolist())

    def at_scale(self, scale: int) -> Column:
        """The same values at a finer ``scale`` (``>= self.scale``; exact)."""
        if scale < self.scale:
            raise ValueError("at_scale only adds decimal places")  # a programming error
        if scale == self.scale:
            return self
        return Column(_scaled(self.units, scale - self.scale), scale,
                      self.bound * 10**(scale - self.scale))

    def __len__(self) -> int:
        return len(self.units)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Column):
            return NotImplemented
        scale = max(self.scale, other.scale)
        return len(self) == len(other) and bool(np.array_equal(
            self.at_scale(scale).units, other.at_scale(scale).units))

    __hash__ = None  # type: ignore[assignment]  # mutable numpy storage: not hashable


def _aligned(*columns: Column) -> tuple[Column, ...]:
    scale = max(c.scale for c in columns)
    return tuple(c.at_scale(scale) for c in columns)


def _same_length(*columns: Column) -> None:
    if len({len(c) for c in columns}) > 1:
        raise ValueError("columns of different lengths")  # a programming error


# ---------------------------------------------------------------------------- exact kernels

def pnl(quantity: Column, entry: Column, current: Column) -> Column:
    """``quantity * (current - entry)`` per row, exactly, at ``quantity.scale`` plus the
    prices' scale (the finer of the two).

    >>> q = Column.parse(["0.25"], 8).unwrap()
    >>> pnl(q, Column.parse(["40000"], 2).unwrap(),
    ...     Column.parse(["42000.10"], 2).unwrap()).decimals()    # 0.25 * 2000.10
    (Decimal('500.0250000000'),)
    """
    _same_length(quantity, entry, current)
    e, c = _aligned(entry, current)
    move = c.bound + e.bound
    bound = quantity.bound * move
    if _native(quantity.units, e.units, c.units) and move < 2**63 and bound <= INT64_MAX:
        # The bounds prove every row fits: two numpy passes, as float64 would take.
        return Column(quantity.units * (c.units - e.units), quantity.scale + e.scale, bound)
    return Column(_product(quantity.units, _sum(c.units, e.units, -1)),
                  quantity.scale + e.scale)


def notional(quantity: Column, price: Column) -> Column:
    """``|quantity| * price`` per row, exactly, at the sum of the two scales.

    >>> notional(Column.parse(["-2"], 3).unwrap(), Column.parse(["1700.5"], 1).unwrap()
    ...          ).decimals()
    (Decimal('3401.0000'),)
    """
    _same_length(quantity, price)
    return Column(_product(np.abs(quantity.units), price.units, (quantity.bound, price.bound)),
                  quantity.scale + price.scale)


# ------------------------------------------------------------------------ rounded quotients

#: How far (relative to the quotient) an exact quotient must lie from a rounding boundary
#: for the scalar's 120-digit intermediates to round the same way: their relative error is a
#: few units in the 120th digit, so ``1e-110`` leaves a wide margin.
_NEAR: Final = 10**110


def _quotient(numerator: Units, denominator: Units, rounding: Rounding,
              ) -> tuple[Units, Mask]:
    """``numerator / denominator`` (``denominator > 0``) rounded to an integer with
    ``rounding``, and the rows whose exact quotient lies on (or within ``1e-110`` relative
    of) a boundary of that mode: an integer for the directed modes, a half for ``HALF_*``.

    On ``int64`` every non-boundary quotient is at least ``1 / denominator > 1e-19`` away
    from a boundary, so only exact hits are flagged; Python ints get the relative test.
    """
    q = numerator // denominator
    r = numerator - q * denominator
    if rounding in (Rounding.HALF_UP, Rounding.HALF_DOWN, Rounding.HALF_EVEN):
        gap = r - (denominator - r)  # 2r - d: its sign says below/above the half
        if rounding is Rounding.HALF_UP:
            at_tie = numerator >= 0
        elif rounding is Rounding.HALF_DOWN:
            at_tie = numerator < 0
        else:
            at_tie = (q % 2) != 0
        up = (gap > 0) | ((gap == 0) & at_tie)
        distance, scale = abs(gap), 2 * denominator
    else:
        inexact = r != 0
        if rounding is Rounding.FLOOR:
            up = np.zeros(len(q), dtype=np.bool_)
        elif rounding is Rounding.CEILING:
            up = inexact
        elif rounding is Rounding.DOWN:
            up = inexact & (numerator < 0)
        else:  # UP
            up = inexact & (numerator > 0)
        distance, scale = np.minimum(r, denominator - r), denominator
    if q.dtype == object:
        boundary = distance * _NEAR <= (abs(q) + 1) * scale
        rounded = q + np.asarray(up, dtype=np.bool_).astype(object)
    else:
        boundary = distance == 0
        rounded = q + np.asarray(up, dtype=np.bool_).astype(np.int64)
    return rounded, np.asarray(boundary, dtype=np.bool_)


def _decide(units: Units, rows: Mask, scalar: Callable[[int], int]) -> Units:
    """``units`` with ``rows`` replaced by the scalar function's answer."""
    chosen = np.flatnonzero(rows).tolist()
    if not chosen:
        return units
    out = _exact(units).copy()
    for row in chosen:
        out[row] = scalar(row)
    return out


def _units_of(value: Decimal, scale: int) -> int:
    return int(CONTEXT.scaleb(value, scale))


def _row(column: Column, row: int) -> Decimal:
    return CONTEXT.scaleb(Decimal(int(column.units[row])), -column.scale)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -int(exponent))


def _constant(value: Decimal, count: int, scale: int) -> Units:
    """``value`` (exact at ``scale``) repeated ``count`` times, as units."""
    units = _units_of(value, scale)
    return np.full(count, units, dtype=np.int64 if _fits((units,)) else object)


def _masked(present: Mask, units: Units) -> Units:
    """``units`` with the absent rows set to 0, as ``int64`` when every value fits."""
    if _native(units):
        masked: Units = np.where(present, units, 0)
        return masked
    out = units.copy()
    out[~present] = 0
    return _compact(out)


def roi_percent(quantity: Column, entry: Column, current: Column, leverage: Column, *,
                places: int = 6, rounding: Rounding = Rounding.HALF_EVEN,
                ) -> tuple[Column, Mask]:
    """The return on initial margin in percent, ``pnl / (|quantity| * entry / leverage) *
    100``, rounded to ``places`` with ``rounding``, and the rows that have one: a non-zero
    quantity, a positive entry and leverage (the others are 0 and absent).  Row for row what
    ``PositionState(q, q * e).roi_percent(c, leverage)`` gives, quantized.

    >>> one = lambda text, scale: Column.parse([text], scale).unwrap()
    >>> roi, present = roi_percent(one("2", 0), one("100", 2), one("105", 2), one("10", 0))
    >>> roi.decimals(), present.tolist()    # 10 / (200 / 10) * 100
    ((Decimal('50.000000'),), [True])
    """
    _same_length(quantity, entry, current, leverage)
    e, c = _aligned(entry, current)
    present = np.asarray((quantity.units != 0) & (e.units > 0) & (leverage.units > 0),
                         dtype=np.bool_)
    # sign(q) (c - e) / e * L * 100 at ``places``:  N / D  with
    #   N = sign(q) (C - E) L_u 10**(places + 2)   and   D = E 10**leverage.scale
    sign = np.sign(quantity.units).astype(np.int64)
    move = _product(_sum(c.units, e.units, -1), sign)
    numerator = _scaled(_product(move, leverage.units), places + 2)
    denominator = _scaled(np.where(present, e.units, 1), leverage.scale)
    if not _native(numerator, denominator):
        numerator, denominator = _exact(numerator), _exact(denominator)
    units, boundary = _quotient(numerator, denominator, rounding)

    def scalar(row: int) -> int:
        q, entry_price = _row(quantity, row), _row(e, row)
        state = fills.PositionState(q, CONTEXT.multiply(q, entry_price))
        roi = state.roi_percent(_row(c, row), _row(leverage, row))
        return _units_of(quantize(roi.value_or(Decimal(0)), places, rounding), places)

    units = _decide(units, boundary & present, scalar)
    return Column(_masked(present, units), places), present


def isolated_liquidation_prices(instrument: Instrument, quantity: Column, entry: Column,
                                collateral: Column) -> tuple[Column, Mask]:
    """Tick-rounded isolated liquidation prices (toward the entry: a long's up, a short's
    down) at the tick's scale, and the rows that have one.  Row for row what
    :func:`~astratrade_core.trading.margin.isolated_liquidation_price` gives for a non-zero
    quantity, a positive entry and a non-negative margin (a zero quantity has none here).

    One maintenance bracket is computed in columns; with several, each row's bracket is the
    scalar function's choice (a loop over rows: exact, not fast).  A row the scalar function
    refuses (a position liquidated on opening, a tick coarser than the entry) is absent.

    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     max_leverage="125").unwrap()
    >>> price, present = isolated_liquidation_prices(
    ...     btc, Column.parse(["1", "1"], 3).unwrap(),
    ...     Column.parse(["50000", "50000"], 2).unwrap(),
    ...     Column.parse(["5000", "50000"], 2).unwrap())
    >>> price.decimals()[0], present.tolist()        # 10x long, then 1x long: no price
    (Decimal('45180.8'), [True, False])
    """
    _same_length(quantity, entry, collateral)
    tick_scale = _places(instrument.tick_size)
    tick = _units_of(instrument.tick_size, tick_scale)
    if len(instrument.tiers) != 1:
        return _liquidation_by_rows(instrument, quantity, entry, collateral, tick_scale)
    (tier,) = instrument.tiers
    # P = (q e - C - cum) / (q - |q| mmr).  The numerator in units at scale s, the denominator
    # at quantity.scale + rate_scale; in ticks, P = N 10**(qs + rs + ts) / (D 10**s tick).
    rate_scale = _places(tier.maintenance_margin_rate)
    n = len(quantity)
    base_scale = quantity.scale + entry.scale
    s = max(base_scale, collateral.scale, _places(tier.maintenance_amount))
    q = quantity.units
    base = _product(q, entry.units, (quantity.bound, entry.bound))
    numerator = _sum(_sum(_scaled(base, s - base_scale),
                          _scaled(collateral.units, s - collateral.scale), -1),
                     _constant(tier.maintenance_amount, n, s), -1)
    denominator = _sum(_scaled(q, rate_scale),
                       _product(np.abs(q), _constant(tier.maintenance_margin_rate, n,
                                                     rate_scale)), -1)
    # Powers of ten go to whichever side keeps the numbers small (int64 when they fit).
    shift = quantity.scale + rate_scale + tick_scale - s
    numerator = _scaled(numerator, max(shift, 0))
    denominator = _product(_scaled(denominator, max(-shift, 0)), _constant(Decimal(tick), n, 0))
    if not _native(numerator, denominator):
        numerator, denominator = _exact(numerator), _exact(denominator)
    flip = denominator < 0
    numerator = np.where(flip, -numerator, numerator)
    denominator = np.where(denominator == 0, 1, np.where(flip, -denominator, denominator))
    present = np.asarray((numerator > 0) & (q != 0), dtype=np.bool_)  # a positive price
    up, boundary = _quotient(numerator, denominator, Rounding.CEILING)
    down, _ = _quotient(numerator, denominator, Rounding.FLOOR)  # the same boundary rows
    units = np.where(q > 0, up, down) * tick
    # On a tick (or within 1e-110 of one) the scalar's rounded mmr product could tip it; and
    # a price at or beyond the entry (a position liquidated on opening) or a tick coarser than
    # the entry is the scalar function's refusal to give (such rows come back absent).
    price_vs_entry = _exact(units) * 10 ** entry.scale
    entry_at_tick = _exact(entry.units) * 10 ** tick_scale
    refused = present & np.where(q > 0, price_vs_entry >= entry_at_tick,
                                 price_vs_entry <= entry_at_tick)
    coarse = (tick * 10 ** entry.scale) > entry_at_tick
    rows = np.flatnonzero((boundary & present) | refused | coarse).tolist()
    if rows:
        scalar = _liquidation_by_rows(instrument, quantity, entry, collateral, tick_scale,
                                      rows=rows)
        units = _exact(units).copy()
        units[rows] = scalar[0].units[rows]
        present = present.copy()
        present[rows] = scalar[1][rows]
    return Column(_masked(present, units), tick_scale), present


def _liquidation_by_rows(instrument: Instrument, quantity: Column, entry: Column,
                         collateral: Column, scale: int, *,
                         rows: Sequence[int] | None = None,
                         ) -> tuple[Column, Mask]:
    """The scalar function on ``rows`` (default: all); the other rows are 0 and absent."""
    present = np.zeros(len(quantity), dtype=np.bool_)
    units = [0] * len(quantity)
    for i in range(len(quantity)) if rows is None else rows:
        if quantity.units[i] == 0:
            continue
        price = margin.isolated_liquidation_price(instrument, _row(quantity, i),
                                                  _row(entry, i), _row(collateral, i))
        match price:
            case Success(Some(value)):
                present[i] = True
                units[i] = _units_of(value, scale)
            case _:  # no liquidation price, or a position the scalar function refuses
                pass
    return Column(_array(units), scale), present


def fixed_fractional_quantities(
    instrument: Instrument, balance: Column, risk_fraction: Column, entry: Column,
    stop: Column, *, fee_rate: Column | None = None, leverage: Column | None = None,
) -> tuple[Column, Mask]:
    """The quantity :func:`~astratrade_core.trading.sizing.fixed_fractional_size` sizes for
    each row (at the lot's scale; the available balance is the balance), and the rows it
    accepts.  A refused row (an input out of range, or a rule of the instrument) has quantity
    0: ask the scalar function for its error.  Without ``fee_rate`` fees are 0; without
    ``leverage`` it is 1.

    >>> from astratrade_core.money import BTC, USD
    >>> btc = Instrument.of("BTCUSDT", BTC, USD, tick_size="0.1", lot_size="0.001",
    ...                     min_quantity="0.001", min_notional="5", max_leverage="20").unwrap()
    >>> col = lambda *texts: Column.parse(texts, 2).unwrap()
    >>> size, accepted = fixed_fractional_quantities(
    ...     btc, col("10000", "1"), col("0.01", "0.01"), col("30000", "30000"),
    ...     col("29500", "29500"))
    >>> size.decimals(), accepted.tolist()    # 100 / 500 = 0.2 BTC; 0.01 / 500 is no lot
    ((Decimal('0.200'), Decimal('0.000')), [True, False])
    """
    n = len(balance)
    fee = fee_rate if fee_rate is not None else Column(np.zeros(n, dtype=np.int64), 0)
    lev = leverage if leverage is not None else Column(np.ones(n, dtype=np.int64), 0)
    _same_length(balance, risk_fraction, entry, stop, fee, lev)
    lot_scale = _places(instrument.lot_size)
    lot = _units_of(instrument.lot_size, lot_scale)
    e, s = _aligned(entry, stop)
    b, r, p, f, x = (_exact(col.units) for col in (balance, risk_fraction, e, fee, lev))
    stop_units = _exact(s.units)
    bs, rs, ps, fs, ls = balance.scale, risk_fraction.scale, e.scale, fee.scale, lev.scale
    valid = np.asarray((b > 0) & (r > 0) & (r <= 10**rs) & (p > 0) & (stop_units > 0)
                       & (f >= 0) & (f < 10**fs) & (x >= 10**ls) & (p != stop_units),
                       dtype=np.bool_)
    # Refused rows get numerator 0 and denominator 1, so nothing divides by zero.
    keep = np.where(valid, 1, 0).astype(object)
    # By risk, in lots: (b r / 10**(bs + rs)) / (per_unit / 10**(ps + fs)) / lot, with the
    # loss per unit  per_unit = |p - stop| 10**fs + f (p + stop)  at scale ps + fs.
    per_unit = np.abs(p - stop_units) * 10**fs + f * (p + stop_units)
    by_risk, risk_boundary = _quotient(b * r * 10**(ps + fs + lot_scale) * keep,
                                       np.where(valid, per_unit, 1) * (10**(bs + rs) * lot),
                                       Rounding.FLOOR)
    # By balance: b / (p / lev + f p) / lot;  p / lev + f p = P (10**(fs + ls) + f x) /
    # (x 10**(fs + ps)) in price units.
    by_balance, balance_boundary = _quotient(
        b * x * 10**(fs + ps + lot_scale) * keep,
        np.where(valid, p * (10**(fs + ls) + f * x), 1) * (10**bs * lot), Rounding.FLOOR)
    quantity = np.minimum(by_risk, by_balance) * lot  # units at lot_scale
    accepted = valid & ~_violations(instrument, Column(quantity, lot_scale),
                                    Column(quantity * p, lot_scale + ps), Column(x, ls))
    # A whole number of lots exactly (or within 1e-110): the scalar's 120-digit quotients
    # (p / lev above all) could tip it, so those rows are the scalar function's.
    for row in np.flatnonzero(valid & (risk_boundary | balance_boundary)).tolist():
        size = sizing.fixed_fractional_size(
            instrument, _row(balance, row), _row(risk_fraction, row), _row(e, row),
            _row(s, row), fee_rate=_row(fee, row), leverage=_row(lev, row))
        accepted[row] = isinstance(size, Success)
        quantity[row] = size.map(lambda found: _units_of(found.quantity, lot_scale)).value_or(0)
    return Column(_masked(accepted, quantity), lot_scale), accepted


def _compared(value: Decimal, units: Units, scale: int) -> tuple[Units, int]:
    """``units`` (at ``scale``) and ``value`` as integers at one common scale."""
    places = max(scale, _places(value))
    return units * 10**(places - scale), _units_of(value, places)


def _violations(instrument: Instrument, quantity: Column, notional_: Column,
                leverage: Column) -> Mask:
    """The rows breaking a rule :func:`fixed_fractional_size` checks once it has sized
    (every column of Python ints)."""
    def above(limit: Decimal) -> Mask:
        units, bound = _compared(limit, leverage.units, leverage.scale)
        return np.asarray(units > bound, dtype=np.bool_)

    # the notional's bracket: the first tier that contains it, else the last one
    tier_breach = above(instrument.tiers[-1].max_leverage)
    chosen = np.zeros(len(quantity), dtype=np.bool_)
    for tier in instrument.tiers:
        units, floor = _compared(tier.notional_floor, notional_.units, notional_.scale)
        inside = np.asarray(units >= floor, dtype=np.bool_)
        if tier.notional_cap is not None:
            units, cap = _compared(tier.notional_cap, notional_.units, notional_.scale)
            inside &= np.asarray(units < cap, dtype=np.bool_)
        first = inside & ~chosen
        tier_breach = np.where(first, above(tier.max_leverage), tier_breach)
        chosen |= first
    q_units, minimum = _compared(instrument.min_quantity, quantity.units, quantity.scale)
    n_units, min_notional = _compared(instrument.min_notional, notional_.units,
                                      notional_.scale)
    small = np.asarray((quantity.units <= 0) | (q_units < minimum)
                       | (n_units < min_notional), dtype=np.bool_)
    return above(instrument.max_leverage) | tier_breach | small

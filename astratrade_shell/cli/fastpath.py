"""A batch's fast path: rows whose cells are plain decimals, computed without ``Result`` objects.

The reference row path (:func:`~astratrade_shell.cli.rows.evaluate`) reads every cell with the
strict number reader, builds the core's value objects and wraps each step in a ``Result``:
about 170 Python calls per ``pnl`` row.  Most rows of a real file are plain decimals, so a
:class:`FastPath` tries each row first and gives up (returns None) on anything it cannot prove
gives the reference's answer; the batch then runs that row through the reference path.

A cell is taken here only when it fully matches :data:`PLAIN` (an optional sign, at most
:data:`~astratrade_core.numeric.MAX_INTEGER_DIGITS` integer digits, at most
:data:`~astratrade_core.numeric.MAX_FRACTION_DIGITS` fractional digits, no exponent, no
spaces, no percent sign): such text is inside every bound of
:func:`~astratrade_core.numeric.parse_decimal`, so ``Decimal(text)`` (a zero normalised to
``Decimal(0)``, as the parser does) is the value the reference reads.  A blank cell takes the
batch's default like the reference does.  Anything else -- a bad cell, an exponent, a
non-positive price, a missing value -- sends the row to the reference path, which writes its
error text.  The arithmetic is the core's own operations in the core's
:data:`~astratrade_core.numeric.CONTEXT`, in the same order, and the display rounding is
:func:`~astratrade_core.numeric.quantize`'s with :func:`~astratrade_core.numeric.canonical`
done on the text, so the text is the same byte for byte (tests/shell/cli/test_fastpath.py
compares whole files, fast path on and off).

Dedicated kernels: linear ``pnl`` (a batch with an ``inverse`` or ``contract_size`` column
or option is not its), ``size``'s seed formula (no full-sizer field in the batch) and
``liquidation`` with one ``--mmr`` bracket, isolated, linear, exact price.  Every pure
calculator (:attr:`RowSpec.pure <astratrade_shell.cli.rows.RowSpec.pure>`) also has
:func:`generic_fast_path`: the reference's compute and display without its parse, for the
rows a kernel declines and for every other calculator (tests/shell/cli/
test_fastpath_calculators.py compares whole files for each).

>>> fast = pnl_fast_path({"quantity": 0, "entry": 1, "price": 2, "leverage": 3}, {},
...                      exact=False)
>>> fast(["-0.5", "30000", "29000", "2"])
('500.0', '6.666667')
>>> fast(["1e2", "30000", "29000", "2"]) is None  # an exponent: the reference path reads it
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Final

from returns.result import Success

from astratrade_core.numeric import (
    CONTEXT,
    MAX_COMPUTED_FRACTION_DIGITS,
    MAX_COMPUTED_INTEGER_DIGITS,
    MAX_FRACTION_DIGITS,
    MAX_INTEGER_DIGITS,
    ONE,
    ZERO,
    Rounding,
)
from astratrade_shell.cli.rows import Inputs, Read, Refused, RowSpec, read_field, shown
from astratrade_shell.cli.values import DECIMAL, FRACTION, NON_NEGATIVE, POSITIVE, Kind, Parsed

__all__ = ["PLAIN", "FastPath", "fast_path", "generic_fast_path", "liquidation_fast_path",
           "pnl_fast_path", "size_fast_path"]

#: A cell the fast path reads: plain decimal notation inside the parser's bounds.
PLAIN: Final = re.compile(
    rf"[+-]?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(?:\.[0-9]{{1,{MAX_FRACTION_DIGITS}}})?")

#: A row's cells -> its outputs as text (None: no value, empty in CSV and null in JSON), or
#: None: "use the reference path".
FastPath = Callable[[Sequence[str]], tuple[str | None, ...] | None]


def _joined(count: int) -> Callable[[str], re.Match[str] | None]:
    """``fullmatch`` of ``count`` :data:`PLAIN` cells joined by NUL: one call instead of
    ``count`` (no plain cell holds a NUL, so a match splits exactly at the joins)."""
    return re.compile("\x00".join([f"(?:{PLAIN.pattern})"] * count)).fullmatch

_ROI_PLACES: Final = 6
_HUNDRED: Final = Decimal(100)
_mul = CONTEXT.multiply
_sub = CONTEXT.subtract
_div = CONTEXT.divide
_abs = CONTEXT.abs
_MISSING: Final = None


def _default(ready: Mapping[str, Read], name: str) -> Decimal | None:
    known = ready.get(name)
    if isinstance(known, Success):
        value = known.unwrap()[1]
        if isinstance(value, Decimal):
            return value
    return _MISSING


def _shown(value: Decimal, places: int, quantum: Decimal, rounding: str) -> str:
    """``format(v, "f")`` of :func:`~astratrade_shell.cli.rows.shown`'s answer for one value.

    A value whose exponent is at least ``-places`` is a whole multiple of ``quantum``, so a
    rounding that changes the value proves the exponent is below (the usual quotient of 120
    digits) without formatting it; otherwise ``format(v, "f")`` has exactly ``-exponent``
    fractional digits, a cheaper test than ``as_tuple()``.  A rounded value has exactly
    ``places`` of them, so :func:`~astratrade_core.numeric.canonical` (drop trailing zeros,
    never an exponent) is dropping them from the text, and a zero is shown without its sign.
    (An ROI of bounded inputs is below 1e79, so rounding it to 6 places never needs more than
    CONTEXT's 120 digits.)"""
    rounded = value.quantize(quantum, rounding=rounding, context=CONTEXT)
    if rounded == value:
        text = format(value, "f")
        if len(text.partition(".")[2]) <= places:
            return text
    text = format(rounded, "f").rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def pnl_fast_path(fields: Mapping[str, int], ready: Mapping[str, Read], *,
                  exact: bool) -> FastPath | None:
    """The fast path of linear ``pnl`` for a batch whose header maps ``fields`` (field name
    -> column index) with the defaults ``ready``; None when the batch is coin-margined (an
    ``inverse`` or ``contract_size`` column or default): every row then takes the reference
    path."""
    if any(name in fields or name in ready for name in ("inverse", "contract_size")):
        return None
    columns = [fields.get(name) for name in ("quantity", "entry", "price", "leverage")]
    defaults = [_default(ready, name) for name in ("quantity", "entry", "price", "leverage")]
    plain = PLAIN.fullmatch
    quantum = ONE.scaleb(-_ROI_PLACES, CONTEXT)  # as quantize() makes it
    half_even = Rounding.HALF_EVEN.value

    def read(cells: Sequence[str], which: int, positive: bool) -> Decimal | None:
        index = columns[which]
        if index is not None:
            text = cells[index]
            if plain(text) is not None:
                value = Decimal(text)
                if positive:
                    return value if value > 0 else _MISSING
                return value if value else ZERO
            if text.strip():
                return _MISSING
        return defaults[which]

    def general(cells: Sequence[str]) -> tuple[str, str | None] | None:
        quantity = read(cells, 0, False)
        entry = read(cells, 1, True)
        price = read(cells, 2, True)
        leverage = read(cells, 3, True)
        if quantity is None or entry is None or price is None or leverage is None:
            return None
        return compute(quantity, entry, price, leverage)

    def compute(quantity: Decimal, entry: Decimal, price: Decimal,
                leverage: Decimal) -> tuple[str, str | None]:
        pnl = format(_mul(quantity, _sub(price, entry)), "f")
        if not quantity:
            return pnl, None
        cost = _mul(quantity, entry)
        roi = _mul(_div(_sub(_mul(quantity, price), cost), _div(_abs(cost), leverage)),
                   _HUNDRED)
        return pnl, (format(roi, "f") if exact
                     else _shown(roi, _ROI_PLACES, quantum, half_even))

    at_quantity, at_entry, at_price, at_leverage = columns
    if at_quantity is None or at_entry is None or at_price is None:
        return general
    default_leverage = defaults[3]

    def row(cells: Sequence[str]) -> tuple[str, str | None] | None:
        """:func:`general` for the usual row: three plain cells (and the leverage)."""
        quantity, entry, price = cells[at_quantity], cells[at_entry], cells[at_price]
        if plain(quantity) is None or plain(entry) is None or plain(price) is None:
            return general(cells)
        leverage = default_leverage
        if at_leverage is not None:
            text = cells[at_leverage]
            if plain(text) is not None:
                leverage = Decimal(text)
            elif text.strip():
                return None
        held, opened, marked = Decimal(quantity) or ZERO, Decimal(entry), Decimal(price)
        if leverage is None or not (opened > 0 and marked > 0 and leverage > 0):
            return None
        return compute(held, opened, marked, leverage)

    return row

_PNL_FIELDS: Final = ("quantity", "entry", "price", "leverage", "inverse", "contract_size")
_SIZE_FIELDS: Final = ("balance", "risk", "stop_distance", "entry", "stop", "lot_size",
                       "min_notional", "max_leverage", "leverage", "fee_rate", "inverse",
                       "contract_size")
_SIZE_OUTPUTS: Final = ("quantity", "notional", "risk_amount", "margin")
#: A size batch with any of these (a column, or an option) runs the full sizer.
_FULL_SIZER: Final = _SIZE_FIELDS[3:]
_QUANTITY_PLACES: Final = 8


def size_fast_path(fields: Mapping[str, int], ready: Mapping[str, Read], *, exact: bool,
                   risk_limit: Decimal) -> FastPath | None:
    """The fast path of ``size``'s seed formula, ``quantity = balance * risk /
    stop_distance`` (the core's ``calculate_position_size``) shown rounded down to 8 places,
    for a batch with none of the full sizer's fields (as a column or an option); None
    otherwise.  A row is taken when its three values are plain, positive and the risk at
    most ``risk_limit`` (the field's limit, or 1 with ``--allow``); anything else (a
    percentage, a risk above the limit, a bad cell) is the reference path's to report."""
    if any(name in fields or name in ready for name in _FULL_SIZER):
        return None
    columns = [fields.get(name) for name in ("balance", "risk", "stop_distance")]
    defaults = [_default(ready, name) for name in ("balance", "risk", "stop_distance")]
    plain = PLAIN.fullmatch
    quantum = ONE.scaleb(-_QUANTITY_PLACES, CONTEXT)
    down = Rounding.DOWN.value
    places = _QUANTITY_PLACES

    def read(cells: Sequence[str], which: int) -> Decimal | None:
        index = columns[which]
        if index is not None:
            text = cells[index]
            if plain(text) is not None:
                return Decimal(text)
            if text.strip():
                return _MISSING
        return defaults[which]

    def row(cells: Sequence[str]) -> tuple[str | None, ...] | None:
        balance, risk, distance = read(cells, 0), read(cells, 1), read(cells, 2)
        if balance is None or risk is None or distance is None:
            return None
        return sized(balance, risk, distance)

    def sized(balance: Decimal, risk: Decimal,
              distance: Decimal) -> tuple[str | None, ...] | None:
        if not (balance > 0 and 0 < risk <= risk_limit and distance > 0):
            return None
        quantity = _div(_mul(balance, risk), distance)
        return (format(quantity, "f") if exact
                else _shown(quantity, places, quantum, down), None, None, None)

    at_balance, at_risk, at_distance = columns
    if at_balance is None or at_risk is None or at_distance is None:
        return row
    three = _joined(3)

    def usual(cells: Sequence[str]) -> tuple[str | None, ...] | None:
        """:func:`row` for the usual row: three plain cells, checked by one match."""
        balance, risk, distance = cells[at_balance], cells[at_risk], cells[at_distance]
        if three(f"{balance}\x00{risk}\x00{distance}") is None:
            return row(cells)
        return sized(Decimal(balance), Decimal(risk), Decimal(distance))

    return usual


_LIQUIDATION_FIELDS: Final = ("side", "entry", "leverage", "quantity", "mmr", "symbol",
                              "brackets", "mode", "isolated_margin", "wallet_balance",
                              "tick_size", "inverse", "contract_size")
_LIQUIDATION_OUTPUTS: Final = ("liquidation_price", "margin", "maintenance_rate",
                               "maintenance_amount")
#: A liquidation batch with any of these (a column, or an option) is not the kernel's.
_NOT_ONE_BRACKET: Final = ("symbol", "brackets", "wallet_balance", "tick_size", "inverse",
                           "contract_size", "mode")
_PRICE_PLACES: Final = 8
_SIDES: Final = {"long": True, "short": False}
_PRICE_QUANTUM: Final = ONE.scaleb(-_PRICE_PLACES, CONTEXT)
_CEILING: Final = Rounding.CEILING.value
_FLOOR: Final = Rounding.FLOOR.value


def liquidation_fast_path(fields: Mapping[str, int], ready: Mapping[str, Read], *,
                          exact: bool) -> FastPath | None:
    """The fast path of ``liquidation`` for one ``--mmr`` bracket, isolated, linear, exact
    price (no ``--tick-size``): the core's steps for that case, in its order and in
    CONTEXT, without building a tier, an instrument and a ``Result`` per row.

    ``margin_tiers`` and ``Instrument.of`` accept the row when ``0 < mmr < 1`` and
    ``leverage >= 1`` (the bracket's and the instrument's maximum); ``initial_margin`` is
    ``|q| e / L`` when it exceeds the maintenance ``|q| e mmr``; the collateral (the isolated
    margin, else that margin) must lie in ``check_computed``'s bounds and exceed the
    maintenance too; the price is ``(q e - C - 0) / (q - |q| mmr)``, none when not
    positive, refused when at or beyond the entry; the bracket shown is the one bracket
    (its rate as read, its amount 0).  Every other row, and every batch with brackets, a
    symbol, cross mode, a tick, coin margin or no ``mmr``, is declined."""
    if any(name in fields for name in _NOT_ONE_BRACKET) or (
            "mmr" not in fields and "mmr" not in ready):
        return None
    if any(name in ready for name in _NOT_ONE_BRACKET if name != "mode"):
        return None
    mode = ready.get("mode")
    if mode is not None and not (isinstance(mode, Success) and mode.unwrap()[1] == "isolated"):
        return None
    names = ("side", "entry", "leverage", "quantity", "mmr", "isolated_margin")
    columns = [fields.get(name) for name in names]
    defaults: list[object] = [_default(ready, name) for name in names]
    side_known = ready.get("side")
    defaults[0] = (side_known.unwrap()[1] if isinstance(side_known, Success) else None)
    plain = PLAIN.fullmatch
    at_side, at_entry, at_leverage, at_quantity, at_mmr, at_margin = columns
    (side_default, entry_default, leverage_default, quantity_default, mmr_default,
     margin_default) = defaults
    sides = _SIDES

    def number(cells: Sequence[str], index: int | None, default: object) -> object:
        """A plain cell's value, the default for a blank or absent one, else ``False``
        (declined; the default is None when there is none)."""
        if index is not None:
            text = cells[index]
            if plain(text) is not None:
                return Decimal(text) or ZERO
            if text.strip():
                return False
        return default

    def row(cells: Sequence[str]) -> tuple[str | None, ...] | None:
        if at_side is not None:
            text = cells[at_side]
            long = sides.get(text)
            if long is None:
                long = sides.get(text.strip().lower()) if text.strip() else (
                    None if side_default is None else side_default == "long")
        else:
            long = None if side_default is None else side_default == "long"
        entry = number(cells, at_entry, entry_default)
        leverage = number(cells, at_leverage, leverage_default)
        quantity = number(cells, at_quantity, quantity_default)
        mmr = number(cells, at_mmr, mmr_default)
        held = number(cells, at_margin, margin_default)
        if quantity is None:
            quantity = ONE  # the default with --mmr
        if not (long is not None and type(entry) is Decimal and type(leverage) is Decimal
                and type(quantity) is Decimal and type(mmr) is Decimal
                and (held is None or type(held) is Decimal)):
            return None
        if not (entry > 0 and leverage >= 1 and quantity > 0 and 0 < mmr < 1
                and (held is None or held >= 0)):
            return None
        return _liquidation_row(long, entry, leverage, quantity, mmr, held=held,
                                exact=exact)

    return row


def _liquidation_row(long: bool, entry: Decimal, leverage: Decimal, quantity: Decimal,
                     mmr: Decimal, *, held: Decimal | None, exact: bool,
                     ) -> tuple[str | None, ...] | None:
    """One row of :func:`liquidation_fast_path` whose values are read and in range."""
    notional = _mul(quantity, entry)
    margin = _div(notional, leverage)
    maintenance = _mul(notional, mmr)
    if not margin > maintenance:
        return None  # liquidated on opening: the reference reports it
    collateral = margin if held is None else held
    if collateral and not (-MAX_COMPUTED_FRACTION_DIGITS <= collateral.adjusted()
                           < MAX_COMPUTED_INTEGER_DIGITS):
        return None
    if not collateral > maintenance:
        return None
    signed = quantity if long else quantity.copy_negate()
    root = _div(_sub(_sub(_mul(signed, entry), collateral), ZERO),
                _sub(signed, _mul(quantity, mmr)))
    price: Decimal | None = root if root > 0 else None
    if price is not None and (price >= entry if long else price <= entry):
        return None
    if exact:
        return (None if price is None else format(price, "f"), format(margin, "f"),
                None if price is None else format(mmr, "f"),
                None if price is None else "0")
    return (None if price is None else _shown(price, _PRICE_PLACES, _PRICE_QUANTUM,
                                              _CEILING if long else _FLOOR),
            _shown(margin, _PRICE_PLACES, _PRICE_QUANTUM, _CEILING),
            None if price is None else format(mmr, "f"),
            None if price is None else "0")


def _decimal_kind(kind: Kind) -> int | None:
    """How :func:`generic_fast_path` reads a plain cell of ``kind``: 0 any sign, 1 positive,
    2 non-negative; None: through :func:`~astratrade_shell.cli.rows.read_field`."""
    if kind is DECIMAL or kind is FRACTION:
        return 0
    return 1 if kind is POSITIVE else 2 if kind is NON_NEGATIVE else None


def generic_fast_path(spec: RowSpec, fields: Mapping[str, int], ready: Mapping[str, Read],
                      labels: Mapping[str, str], *, exact: bool, allow: bool,
                      ) -> FastPath | None:
    """Any pure calculator's fast path: the reference's compute and display, without its
    parse.  A plain decimal cell of a number field is read as ``Decimal(text)`` with the
    kind's sign and the field's ``--allow`` limit checked here (the text shown is the
    reference's: a fraction's value in plain notation, else the cell); any other cell is
    read by :func:`~astratrade_shell.cli.rows.read_field` itself.  :class:`Inputs` are built
    directly (no ``Result`` per field), ``spec.compute`` and
    :func:`~astratrade_shell.cli.rows.shown` run as in the reference.  A row with any problem
    -- a cell that does not read, a missing value, a refusal by the core -- or an output
    that is neither a decimal, text nor empty, goes to the reference path, which writes
    its error.  None for a calculator with side effects (``--onchain``)."""
    if not spec.pure:
        return None
    plan = [(field, fields.get(field.name), ready.get(field.name), _decimal_kind(field.kind),
             field.limit if not allow else None, field.kind.percent, labels[field.name])
            for field in spec.fields]
    outputs = [output.name for output in spec.outputs]
    plain = PLAIN.fullmatch
    compute = spec.compute
    specs = spec.outputs

    def row(cells: Sequence[str]) -> tuple[str | None, ...] | None:
        values: dict[str, Parsed] = {}
        texts: dict[str, str] = {}
        for field, index, known, kind, limit, percent, label in plan:
            text = cells[index] if index is not None else ""
            if text and not text.isspace():
                value: Parsed
                if kind is not None and plain(text) is not None:
                    number = Decimal(text) or ZERO
                    if (kind == 1 and not number > 0) or (kind == 2 and number < 0) or (
                            limit is not None and number > limit):
                        return None
                    value, shown_text = number, format(number, "f") if percent else text
                else:
                    read = read_field(field, text, label, allow)
                    if not isinstance(read, Success):
                        return None
                    _, value, shown_text = read.unwrap()
            elif known is not None:
                if not isinstance(known, Success):
                    return None
                _, value, shown_text = known.unwrap()
            elif field.required:
                return None
            else:
                continue
            values[field.name] = value
            texts[field.name] = shown_text
        inputs = Inputs(values, texts)
        try:
            result = shown(compute(inputs), specs, inputs, exact)
        except Refused:
            return None
        out: list[str | None] = []
        for name in outputs:
            answer = result.get(name)
            if answer is None or isinstance(answer, str):
                out.append(answer)
            elif type(answer) is Decimal:
                out.append(format(answer, "f"))
            else:
                return None
        return tuple(out)

    return row


def _chained(first: FastPath, then: FastPath | None) -> FastPath:
    """``first``, and ``then`` for the rows it declines."""
    if then is None:
        return first

    def row(cells: Sequence[str]) -> tuple[str | None, ...] | None:
        answer = first(cells)
        return then(cells) if answer is None else answer

    return row


def fast_path(spec: RowSpec, fields: Mapping[str, int], ready: Mapping[str, Read], *,
              exact: bool, allow: bool = False, labels: Mapping[str, str] | None = None,
              ) -> FastPath | None:
    """The fast path of ``spec``'s batch, or None when it has none (every row then takes the
    reference path).  A dedicated kernel (linear ``pnl``, ``size``'s seed formula) is
    recognised by the spec's name *and* its exact fields and outputs, so a variant
    (``--onchain``) never borrows another's; the rows it declines, and every row of any other
    pure calculator, take :func:`generic_fast_path` (when ``labels`` are given)."""
    generic = None if labels is None else generic_fast_path(
        spec, fields, ready, labels, exact=exact, allow=allow)
    names = tuple(f.name for f in spec.fields)
    shown_names = tuple(o.name for o in spec.outputs)
    dedicated: FastPath | None = None
    if (spec.name == "pnl" and names == _PNL_FIELDS
            and shown_names == ("pnl", "roi_percent")):
        dedicated = pnl_fast_path(fields, ready, exact=exact)
    elif spec.name == "size" and names == _SIZE_FIELDS and shown_names == _SIZE_OUTPUTS:
        limit = spec.field("risk").limit
        dedicated = size_fast_path(fields, ready, exact=exact,
                                   risk_limit=ONE if allow or limit is None else min(limit, ONE))
    elif (spec.name == "liquidation" and names == _LIQUIDATION_FIELDS
          and shown_names == _LIQUIDATION_OUTPUTS):
        dedicated = liquidation_fast_path(fields, ready, exact=exact)
    return generic if dedicated is None else _chained(dedicated, generic)

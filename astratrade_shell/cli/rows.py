"""Row-wise calculators: one definition serves options, CSV batches, tables and JSON.

A :class:`RowSpec` names its input :class:`Field` s, its :class:`Output` s and a ``compute``
function; :func:`~astratrade_shell.cli.command.row_command` turns it into a click command and
:mod:`~astratrade_shell.cli.batch` runs it over a CSV file.  Each row goes through three
separate stages, so a faster path (say, parsing a whole batch straight into scaled integers
for a numpy kernel) can replace the first two without touching the third, and must give the
same text:

1. **parse**: :func:`parse_row` reads each field's text with its :class:`~.values.Kind` into
   :class:`Inputs` (every problem reported at once, named as the user typed it);
2. **compute**: ``spec.compute(inputs)`` calls the core and returns exact values;
3. **format**: :func:`shown` rounds an output that has more decimal places than its declared
   display precision, in its declared (safe) direction, and drops the trailing zeros the
   rounding leaves, unless ``--exact``; a value within the precision is shown as computed.
   Writers render tables, CSV or JSON.

Modes:

* options ``--field-name VALUE`` compute one row: a two-column table, or one JSON object with
  ``--json`` (decimals as strings, never floats);
* ``--csv FILE`` (``-`` for stdin) streams a batch, one output row per input row, as CSV or as
  JSON Lines with ``--json``.  Columns are matched to fields by name (case, spaces and ``-``
  versus ``_`` ignored); other columns pass through unchanged; an option given on the command
  line is the default for a missing column or an empty cell.  Output names never repeat an
  input column: a clash is written as ``<command>_<name>``.

A row the domain refuses is written with its ``error`` and the batch goes on (exit 1 at the
end with a count).  A row that cannot be read stops the batch with exit 2 naming its line,
unless ``--keep-going``, which writes it with its error too and exits 1 at the end.

>>> from decimal import Decimal
>>> render_value(Decimal("1E+2")), render_value(None), render_value((Decimal("0.10"), 3))
('100', '', '0.10;3')
>>> json_value(Decimal("2.50")), json_value((Decimal("1"),)), json_value(7)
('2.50', ['1'], 7)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final, TextIO, TypeVar

import attrs
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, ErrorKind, collect_all
from astratrade_core.numeric import Rounding, canonical, quantize
from astratrade_shell.cli.main import EXIT_BAD_INPUT, EXIT_DOMAIN, CliFailure
from astratrade_shell.cli.values import TEXT, Kind, Parsed, describe, quote

__all__ = ["BySide", "Field", "InCoin", "Inputs", "Outcome", "Output", "Read", "Refused",
           "RowSpec",
           "Value", "dumps", "evaluate", "json_value", "ok", "parse_row", "print_table",
           "read_field", "render_value", "shown"]

Value = Decimal | int | str | bool | None | tuple[Any, ...]
R = TypeVar("R")


class Refused(Exception):  # noqa: N818 - a refusal, not an error in the program
    """A row's answer is a :class:`DomainError` (raised inside ``compute``)."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.message)
        self.error = error


def ok(result: Result[R, DomainError]) -> R:
    """The value of ``result``, or :class:`Refused` with its error."""
    if isinstance(result, Success):
        value: R = result.unwrap()
        return value
    raise Refused(result.failure())


@attrs.frozen
class Field:
    """One input: ``--name-with-dashes`` as an option, ``name`` (or the dashed form) as a CSV
    column.  ``aliases`` are the core's names for it (``entry_price``), so its messages name
    what the user typed.  Above ``limit`` a value needs ``--allow``.  A ``flag`` field is a
    switch without a value as an option (``--inverse``) and a true/false column in a batch."""

    name: str
    help: str
    kind: Kind = TEXT
    required: bool = True
    default: str | None = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    limit: Decimal | None = None
    metavar: str | None = None
    flag: bool = False

    @property
    def option(self) -> str:
        """The long option name."""
        return "--" + self.name.replace("_", "-")


@attrs.frozen
class BySide:
    """A rounding direction chosen by the row's side (the ``side`` input, else the sign of
    ``quantity``): e.g. a liquidation price rounds up for a long, down for a short."""

    long: Rounding
    short: Rounding
    text: str

    def pick(self, inputs: Inputs) -> Rounding:
        """The direction for this row."""
        side = inputs.get("side")
        if side is None:
            quantity = inputs.get("quantity")
            side = "short" if isinstance(quantity, Decimal) and quantity < 0 else "long"
        return self.long if side == "long" else self.short


_ROUNDING_TEXT: Final = {
    Rounding.DOWN: "toward zero", Rounding.UP: "away from zero", Rounding.FLOOR: "down",
    Rounding.CEILING: "up", Rounding.HALF_EVEN: "half-even", Rounding.HALF_UP: "half-up",
    Rounding.HALF_DOWN: "half-down",
}


@attrs.frozen
class InCoin:
    """How an output is shown in a coin-margined row (the ``inverse`` input true), where it is
    an amount of the base coin: a division by a price, so rarely a short decimal."""

    places: int
    rounding: Rounding | BySide


def _precision(places: int | None, rounding: Rounding | BySide) -> str:
    if places is None:
        return "exact"
    text = rounding.text if isinstance(rounding, BySide) else _ROUNDING_TEXT[rounding]
    return f"<= {places} places, {text}"


@attrs.frozen
class Output:
    """One result column, shown with at most ``places`` decimal places, rounded ``rounding``
    when it has more (exact when ``places`` is None; ``--exact`` shows every output exactly);
    ``coin`` overrides both in a coin-margined row."""

    name: str
    places: int | None = None
    rounding: Rounding | BySide = Rounding.HALF_EVEN
    coin: InCoin | None = None

    def describe(self) -> str:
        """``name (<= 8 places, up)`` for ``--help``."""
        shown = f"{self.name} ({_precision(self.places, self.rounding)}"
        if self.coin is not None:
            shown += f"; inverse: {_precision(self.coin.places, self.coin.rounding)}"
        return shown + ")"

    def display(self, inputs: Inputs | None) -> tuple[int | None, Rounding | BySide]:
        """The places and rounding for the row ``inputs`` (the ``coin`` ones when it is
        coin-margined)."""
        if self.coin is not None and inputs is not None and inputs.flag("inverse"):
            return self.coin.places, self.coin.rounding
        return self.places, self.rounding


class Inputs:
    """A row's parsed values (:meth:`get` and the typed accessors) and their texts (a
    percentage already turned into its fraction)."""

    __slots__ = ("text", "values")

    def __init__(self, values: Mapping[str, Parsed], text: Mapping[str, str]) -> None:
        self.values = values
        self.text = text

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def get(self, name: str) -> Parsed | None:
        """The parsed value, or None when the field is absent."""
        return self.values.get(name)

    def decimal(self, name: str) -> Decimal:
        """A required decimal field."""
        value = self.values[name]
        if not isinstance(value, Decimal):
            raise TypeError(f"{name} is not a decimal field")
        return value

    def integer(self, name: str) -> int:
        """A required integer field."""
        value = self.values[name]
        if not isinstance(value, int):
            raise TypeError(f"{name} is not an integer field")
        return value

    def flag(self, name: str) -> bool:
        """An optional switch: False when absent."""
        return self.values.get(name) is True

    def decimal_or(self, name: str, default: Decimal) -> Decimal:
        """An optional decimal field, or ``default`` when it is absent."""
        return self.decimal(name) if name in self.values else default

    def string(self, name: str) -> str:
        """A required text or choice field."""
        value = self.values[name]
        if not isinstance(value, str):
            raise TypeError(f"{name} is not a text field")
        return value

    def day(self, name: str) -> date:
        """A required date field."""
        value = self.values[name]
        if not isinstance(value, date):
            raise TypeError(f"{name} is not a date field")
        return value


@attrs.frozen
class RowSpec:
    """A calculator: fields in, named outputs out, and the examples its ``--help`` shows
    (each one is run by the test suite)."""

    name: str
    summary: str
    help: str
    fields: tuple[Field, ...]
    outputs: tuple[Output, ...]
    compute: Callable[[Inputs], Mapping[str, Value]]
    examples: tuple[str, ...]
    #: ``compute`` has no effect but its answer (a batch's fast path may then call it and
    #: hand a refused row to the reference path, which calls it again); ``--onchain`` is not.
    pure: bool = True

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(f for f in self.fields if f.name == name)

    @property
    def limited(self) -> tuple[Field, ...]:
        """Fields with a bound that ``--allow`` lifts."""
        return tuple(f for f in self.fields if f.limit is not None)


# --- the three stages --------------------------------------------------------------------

Read = Result[tuple[str, Parsed, str], DomainError]


def parse_row(spec: RowSpec, texts: Mapping[str, str], labels: Mapping[str, str], *,
              allow: bool = False, ready: Mapping[str, Read] | None = None,
              ) -> Result[Inputs, DomainError]:
    """Read every present field (``texts``: field name -> text); report every problem.

    ``ready`` holds fields already read (a batch's defaults, read once for all its rows);
    a text in ``texts`` wins over them."""
    read: list[Read] = []
    for field in spec.fields:
        text = texts.get(field.name)
        label = labels[field.name]
        if text is None:
            known = ready.get(field.name) if ready else None
            if known is not None:
                read.append(known)
            elif field.required:
                read.append(Failure(DomainError.invalid("cli.missing", f"{label}: missing")))
            continue
        read.append(read_field(field, text, label, allow))
    return collect_all("cli.invalid_input", read).map(lambda parsed: Inputs(
        {name: value for name, value, _ in parsed}, {name: text for name, _, text in parsed}))


def read_field(field: Field, text: str, label: str, allow: bool) -> Read:
    """One field's ``(name, value, text)``; ``text`` is a percentage's fraction, else as
    given.  A value above the field's limit needs ``allow``."""
    if field.choices:
        choice = text.strip().lower()
        if choice not in field.choices:
            return Failure(DomainError.invalid("cli.choice", f"{label}: {quote(text.strip())} "
                                               f"is not one of {', '.join(field.choices)}"))
        return Success((field.name, choice, choice))

    def bounded(value: Parsed) -> Read:
        if (field.limit is not None and not allow and isinstance(value, Decimal)
                and value > field.limit):
            return Failure(DomainError.invalid(
                "cli.above_limit", f"{label}: {render_value(value)} is above "
                f"{render_value(field.limit)}; pass --allow if you mean it"))
        shown_text = (render_value(value) if field.kind.percent and isinstance(value, Decimal)
                      else text.strip())
        return Success((field.name, value, shown_text))

    return field.kind.read(text, label).bind(bounded)


def shown(values: Mapping[str, Value], outputs: Sequence[Output], inputs: Inputs | None,
          exact: bool) -> dict[str, Value]:
    """``values`` at their outputs' display precision (or as computed, when ``exact``)."""
    result = dict(values)
    if exact:
        return result
    for output in outputs:
        value = result.get(output.name)
        places, rounding = output.display(inputs)
        if places is None or not isinstance(value, Decimal):
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -places:
            continue  # already within the display precision: shown exactly as computed
        if isinstance(rounding, BySide):
            if inputs is None:
                raise TypeError(f"{output.name} rounds by side; the inputs are needed")
            rounding = rounding.pick(inputs)
        rounded = canonical(quantize(value, places, rounding))
        result[output.name] = rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0"
    return result


def _names(spec: RowSpec, labels: Mapping[str, str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for field in spec.fields:
        names[field.name] = labels[field.name]
        for alias in field.aliases:
            names[alias] = labels[field.name]
    return names


@attrs.frozen
class Outcome:
    """One row's answer: the shown outputs, or the error text and its exit code."""

    outputs: Mapping[str, Value]
    error: str = ""
    code: int = 0


def evaluate(spec: RowSpec, texts: Mapping[str, str], labels: Mapping[str, str], *,
             allow: bool, exact: bool, ready: Mapping[str, Read] | None = None) -> Outcome:
    """Parse, compute and format one row."""
    try:
        inputs = ok(parse_row(spec, texts, labels, allow=allow, ready=ready))
        return Outcome(shown(spec.compute(inputs), spec.outputs, inputs, exact))
    except Refused as refusal:
        code = EXIT_BAD_INPUT if refusal.error.kind is ErrorKind.INVALID else EXIT_DOMAIN
        if refusal.error.kind is ErrorKind.UNAVAILABLE:
            raise CliFailure.of(refusal.error) from None
        return Outcome({}, describe(refusal.error, _names(spec, labels)), code)


# --- rendering ---------------------------------------------------------------------------

def render_value(value: Value) -> str:
    """Text for a table or CSV cell: plain decimal notation, ``;`` between list items."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return ";".join(render_value(v) for v in value)
    return str(value)


def json_value(value: Value) -> object:
    """A JSON-ready value: Decimals become exact strings, tuples lists."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, tuple):
        return [json_value(v) for v in value]
    return value


def print_table(rows: Mapping[str, Value], out: TextIO | None = None) -> None:
    """Two aligned columns: key and rendered value."""
    target = out or sys.stdout
    width = max((len(k) for k in rows), default=0)
    for key, value in rows.items():
        target.write(f"{key.ljust(width)}  {render_value(value)}".rstrip() + "\n")


def dumps(payload: Mapping[str, object]) -> str:
    """Compact JSON that keeps non-ASCII text as it is."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)

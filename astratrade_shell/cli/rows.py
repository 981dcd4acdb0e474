"""Row-wise calculators: one definition serves options, CSV batches, tables and JSON.

A :class:`RowSpec` names its input :class:`Field` s, its :class:`Output` s and a ``compute``
function; :func:`row_command` turns it into a click command.  Each row goes through three
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

import csv
import inspect
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO, Final, TextIO, TypeVar

import attrs
import click
from returns.result import Failure, Result, Success

from astratrade_core.errors import DomainError, ErrorKind, collect_all
from astratrade_core.numeric import Rounding, canonical, quantize
from astratrade_shell.cli.batchfile import Table, column_name, open_path, open_table
from astratrade_shell.cli.batchfile import read_delimiter as _read_delimiter
from astratrade_shell.cli.main import EXIT_BAD_INPUT, EXIT_DOMAIN, CliFailure
from astratrade_shell.cli.values import TEXT, Kind, Parsed, describe, quote

__all__ = ["PROGRESS_MIN_BYTES", "BySide", "Field", "Inputs", "Output", "Refused", "RowSpec",
           "Value", "json_value", "ok", "parse_row", "print_table", "render_value",
           "row_command", "shown"]

Value = Decimal | int | str | bool | None | tuple[Any, ...]
R = TypeVar("R")

#: A batch file of at least this many bytes shows a progress bar (stderr a terminal, stdout
#: not): about five thousand rows of a typical calculator.
PROGRESS_MIN_BYTES: Final = 256 * 1024
_PROGRESS_EVERY: Final = 2_000


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
    what the user typed.  Above ``limit`` a value needs ``--allow``."""

    name: str
    help: str
    kind: Kind = TEXT
    required: bool = True
    default: str | None = None
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    limit: Decimal | None = None
    metavar: str | None = None

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
class Output:
    """One result column, shown with at most ``places`` decimal places, rounded ``rounding``
    when it has more (exact when ``places`` is None; ``--exact`` shows every output exactly)."""

    name: str
    places: int | None = None
    rounding: Rounding | BySide = Rounding.HALF_EVEN

    def describe(self) -> str:
        """``name (8 places, up)`` for ``--help``."""
        if self.places is None:
            return f"{self.name} (exact)"
        text = (self.rounding.text if isinstance(self.rounding, BySide)
                else _ROUNDING_TEXT[self.rounding])
        return f"{self.name} (<= {self.places} places, {text})"


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
        read.append(_read_field(field, text, label, allow))
    return collect_all("cli.invalid_input", read).map(lambda parsed: Inputs(
        {name: value for name, value, _ in parsed}, {name: text for name, _, text in parsed}))


def _read_field(field: Field, text: str, label: str, allow: bool) -> Read:
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
        if output.places is None or not isinstance(value, Decimal):
            continue
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -output.places:
            continue  # already within the display precision: shown exactly as computed
        rounding = output.rounding
        if isinstance(rounding, BySide):
            if inputs is None:
                raise TypeError(f"{output.name} rounds by side; the inputs are needed")
            rounding = rounding.pick(inputs)
        rounded = canonical(quantize(value, output.places, rounding))
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


def _dumps(payload: Mapping[str, object]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


# --- one row from options ----------------------------------------------------------------

def _single(spec: RowSpec, options: Mapping[str, str | None], *, as_json: bool, exact: bool,
            allow: bool) -> None:
    texts = {f.name: v for f in spec.fields
             if (v := options.get(f.name) if options.get(f.name) is not None else f.default)
             is not None}
    missing = [f.option for f in spec.fields if f.required and f.name not in texts]
    if missing:
        raise CliFailure.bad_input(f"missing option {', '.join(missing)} (or use --csv)")
    outcome = evaluate(spec, texts, {f.name: f.option for f in spec.fields}, allow=allow,
                       exact=exact)
    if outcome.code:
        raise CliFailure(outcome.error, outcome.code)
    if as_json:
        click.echo(_dumps({k: json_value(v) for k, v in outcome.outputs.items()}))
    else:
        print_table(outcome.outputs)


# --- a batch -------------------------------------------------------------------------------

@attrs.frozen
class Columns:
    """How a batch's header maps to fields, and the output names (never repeating one)."""

    fields: Mapping[str, int]
    labels: Mapping[str, str]
    outputs: tuple[tuple[str, str], ...]  # (output name, written name)
    error: str
    line: str

    @classmethod
    def of(cls, spec: RowSpec, table: Table) -> Columns:
        known = {f.name for f in spec.fields}
        fields = {name: i for i, name in enumerate(table.names) if name in known}
        labels = {f.name: table.header[fields[f.name]] if f.name in fields else f.option
                  for f in spec.fields}
        taken = set(table.names)

        def unique(name: str) -> str:
            written = name if name not in taken else f"{spec.name.replace('-', '_')}_{name}"
            suffix = 2
            while column_name(written) in taken:
                written = f"{spec.name.replace('-', '_')}_{name}_{suffix}"
                suffix += 1
            taken.add(column_name(written))
            return written

        outputs = tuple((o.name, unique(o.name)) for o in spec.outputs
                        if not (o.name in known and o.name in fields))
        return cls(fields, labels, outputs, unique("error"), unique("line"))


class _Writer:
    def __init__(self, out: TextIO, table: Table, columns: Columns, as_json: bool,
                 delimiter: str) -> None:
        self.out = out
        self.table = table
        self.columns = columns
        self.as_json = as_json
        self.csv = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        if not as_json:
            self.csv.writerow([*table.header, *(w for _, w in columns.outputs), columns.error])

    def row(self, line: int, cells: Sequence[str], outcome: Outcome) -> None:
        if self.as_json:
            payload: dict[str, object] = {self.columns.line: line}
            payload.update(zip(self.table.header, cells, strict=False))
            payload.update({w: json_value(outcome.outputs.get(o))
                            for o, w in self.columns.outputs})
            if outcome.error:
                payload[self.columns.error] = outcome.error
            self.out.write(_dumps(payload) + "\n")
        else:
            self.csv.writerow([*cells, *(render_value(outcome.outputs.get(o))
                                         for o, _ in self.columns.outputs), outcome.error])


@attrs.frozen
class BatchOptions:
    """What a batch run was asked for."""

    as_json: bool
    exact: bool
    allow: bool
    keep_going: bool
    delimiter: str


def _run_batch(spec: RowSpec, path: str, defaults: Mapping[str, str],
               options: BatchOptions) -> None:
    failures = {EXIT_BAD_INPUT: 0, EXIT_DOMAIN: 0}
    first = ""
    rows = 0
    with open_path(path) as binary, open_table(binary, options.delimiter) as table:
        columns = Columns.of(spec, table)
        missing = [f.name for f in spec.fields if f.required and f.default is None
                   and f.name not in columns.fields and f.name not in defaults]
        if missing:
            raise CliFailure.bad_input(
                f"line 1: missing column(s) {', '.join(missing)} (or give "
                f"{', '.join(spec.field(m).option for m in missing)} as a default)")
        writer = _Writer(sys.stdout, table, columns, options.as_json, options.delimiter)
        width = len(table.header)
        base = {f.name: f.default for f in spec.fields if f.default is not None}
        base.update(defaults)
        ready = {name: _read_field(spec.field(name), text, columns.labels[name], options.allow)
                 for name, text in base.items()}
        with _progress(binary, table) as tick:
            for line, read in table.rows():
                rows += 1
                cells = read
                if len(read) != width:
                    outcome = Outcome({}, f"cli.row_shape: expected {width} fields, got "
                                          f"{len(read)}", EXIT_BAD_INPUT)
                    cells = [""] * width
                else:
                    texts = {name: cells[index] for name, index in columns.fields.items()
                             if cells[index].strip()}
                    outcome = evaluate(spec, texts, columns.labels, allow=options.allow,
                                       exact=options.exact, ready=ready)
                if outcome.code == EXIT_BAD_INPUT and not options.keep_going:
                    raise CliFailure.bad_input(f"line {line}: {outcome.error}")
                if outcome.code:
                    failures[outcome.code] += 1
                    first = first or f"line {line}: {outcome.error}"
                writer.row(line, cells, outcome)
                tick(rows)
    _summarize(failures, rows, first, options.keep_going)


def _summarize(failures: Mapping[int, int], rows: int, first: str, keep_going: bool) -> None:
    bad, refused = failures[EXIT_BAD_INPUT], failures[EXIT_DOMAIN]
    if not bad and not refused:
        return
    if keep_going:
        raise CliFailure.domain(f"{bad + refused} of {rows} row(s) failed ({bad} bad input, "
                                f"{refused} refused); first at {first}")
    raise CliFailure.domain(f"{refused} row(s) rejected; first at {first}")


@contextmanager
def _progress(binary: BinaryIO, table: Table) -> Iterator[Callable[[int], None]]:
    """A ``tick(rows)`` callback that moves a bar on stderr, or does nothing.

    The bar shows for a regular file of at least :data:`PROGRESS_MIN_BYTES` when stderr is a
    terminal and stdout is not (the rows go to a file or a pipe, so bar and rows never mix).
    """
    size = _regular_size(binary)
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty() or sys.stdout.isatty():
        yield lambda rows: None
        return
    with click.progressbar(length=size, file=sys.stderr, label="rows",
                           show_pos=False, show_percent=True) as bar:
        shown_bytes = 0

        def tick(rows: int) -> None:
            nonlocal shown_bytes
            if rows % _PROGRESS_EVERY == 0:
                bar.update(table.bytes_read - shown_bytes)
                shown_bytes = table.bytes_read

        yield tick
        bar.update(size - shown_bytes)


def _regular_size(binary: BinaryIO) -> int:
    try:
        info = os.fstat(binary.fileno())
    except (OSError, ValueError, AttributeError):  # an in-memory stream (a test runner)
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


# --- the click command ---------------------------------------------------------------------

def _help(spec: RowSpec) -> str:
    examples = "\n".join(f"  astratrade {spec.name} {e}" for e in spec.examples)
    outputs = "\n".join(f"  {o.describe()}" for o in spec.outputs)
    return (f"{spec.summary}\n\n{inspect.cleandoc(spec.help)}\n\n\b\nOutputs (display precision; "
            f"--exact for the exact values):\n{outputs}\n\n\b\nExamples:\n{examples}\n")


def row_command(spec: RowSpec) -> click.Command:
    """Build the click command for ``spec``."""

    def callback(*, csv_path: str | None, as_json: bool, exact: bool, delimiter: str,
                 keep_going: bool, allow: bool = False, onchain: bool = False,
                 **options: str | None) -> None:
        active = _with_onchain(spec) if onchain else spec
        given = {f.name: v for f in spec.fields if (v := options.get(f.name)) is not None}
        if csv_path is None:
            for flag, name in ((delimiter != ",", "--delimiter"), (keep_going, "--keep-going")):
                if flag:
                    raise CliFailure.bad_input(f"{name} applies to --csv batches only")
            _single(active, options, as_json=as_json, exact=exact, allow=allow)
            return
        empty = [spec.field(n).option for n, v in given.items() if not v.strip()]
        if empty:
            raise CliFailure.bad_input(f"{empty[0]}: empty value")
        _run_batch(active, csv_path, given, BatchOptions(
            as_json, exact, allow, keep_going, _read_delimiter(delimiter)))

    params: list[click.Parameter] = [
        click.Option([f.option, f.name], default=None,
                     metavar="|".join(f.choices) if f.choices else f.metavar or f.kind.metavar,
                     help=f.help + (f" [default: {f.default}]" if f.default else "")
                     + ("" if f.required or f.default else " (optional)"))
        for f in spec.fields
    ]
    params += [
        click.Option(["--csv", "csv_path"], default=None, metavar="FILE",
                     help="Batch mode: read rows from a CSV file with one column per option "
                          "(header required; '-' reads stdin). Other columns pass through; "
                          "options given are defaults for missing columns and empty cells."),
        click.Option(["--json", "as_json"], is_flag=True,
                     help="Exact JSON (decimals as strings); JSON Lines in batch mode."),
        click.Option(["--exact"], is_flag=True,
                     help="Print outputs as computed instead of at their display precision."),
        click.Option(["--delimiter"], default=",", metavar="CHAR",
                     help="Batch field delimiter, also used for the output (tab: 'tab')."),
        click.Option(["--keep-going"], is_flag=True,
                     help="Batch: write unreadable rows with their error too, and exit 1 at "
                          "the end with a count instead of stopping at the first."),
    ]
    if spec.limited:
        bounds = ", ".join(f"{f.option} above {render_value(f.limit)}" for f in spec.limited)
        params.append(click.Option(["--allow"], is_flag=True,
                                   help=f"Accept values beyond the safety bounds ({bounds})."))
    if spec.name in _ONCHAIN:
        params.append(click.Option(["--onchain"], is_flag=True, help=(
            "Also print the FixedPointMath contract's integer (wad) result, computed in the "
            "local Cairo VM (needs `make contracts`) or over RPC (contracts/README.md).")))
    return click.Command(spec.name, callback=callback, params=params, help=_help(spec),
                         short_help=spec.summary)


_ONCHAIN: Final = ("pnl", "size", "liquidation", "allocate")
#: Inputs the contract's counterpart needs (its liquidation has a single bracket).
_ONCHAIN_NEEDS: Final = {"liquidation": "mmr"}


def _with_onchain(spec: RowSpec) -> RowSpec:
    """``spec`` plus the contract's integer columns (astratrade_shell.starknet.onchain)."""
    from astratrade_shell.starknet.onchain import (  # noqa: PLC0415 - starts the Cairo VM
        ONCHAIN_OUTPUTS,
        math_client,
        onchain_columns,
    )

    client = math_client()

    def compute(inputs: Inputs) -> Mapping[str, Value]:
        needed = _ONCHAIN_NEEDS.get(spec.name)
        if needed is not None and needed not in inputs:
            raise Refused(DomainError.invalid(
                "cli.onchain", f"{needed}: --onchain needs it (the contract has one bracket)"))
        outputs = spec.compute(inputs)
        return {**outputs, **onchain_columns(spec.name, inputs.text, outputs, client)}

    return attrs.evolve(spec, outputs=spec.outputs + tuple(
        Output(name) for name in ONCHAIN_OUTPUTS[spec.name]), compute=compute)


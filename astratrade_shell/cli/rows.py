"""Row-wise calculators: one definition serves options, CSV batches, tables and JSON.

A :class:`RowSpec` names its input fields and output keys and gives a ``compute`` function
from raw text inputs to output values.  :func:`row_command` turns it into a click command:

* options ``--field-name VALUE`` compute one row, printed as a two-column table, or as one
  exact JSON object with ``--json`` (Decimals as strings, never floats);
* ``--csv FILE`` (``-`` for stdin) streams a batch: one output row per input row, as CSV
  (the input columns, then the outputs, then ``error``) or as JSON Lines with ``--json``.
  Rows are read, computed and written one at a time, so memory stays flat for any size.

In a batch, a row the domain rejects (exit 1 material) is written with its ``error`` and the
batch goes on; the command then fails with exit 1 after the last row.  A row that cannot be
read (wrong field count, malformed number) stops the batch with exit 2 naming its line.

>>> from decimal import Decimal
>>> render_value(Decimal("1E+2")), render_value(None), render_value((Decimal("0.10"), 3))
('100', '', '0.10;3')
>>> json_value(Decimal("2.50")), json_value((Decimal("1"),)), json_value(7)
('2.50', ['1'], 7)
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TextIO

import attrs
import click

from astratrade_shell.cli.main import CliFailure

__all__ = ["Field", "RowSpec", "Value", "json_value", "print_table", "render_value",
           "row_command"]

Value = Decimal | int | str | bool | None | tuple[Any, ...]
Compute = Callable[[Mapping[str, str]], Mapping[str, Value]]


@attrs.frozen
class Field:
    """One input: ``--name-with-dashes`` as an option, ``name`` (or the dashed form) as a CSV
    column.  Optional fields fall back to ``default`` (or are absent)."""

    name: str
    help: str
    required: bool = True
    default: str | None = None
    choices: tuple[str, ...] = ()

    @property
    def option(self) -> str:
        """The long option name."""
        return "--" + self.name.replace("_", "-")


@attrs.frozen
class RowSpec:
    """A calculator: fields in, named outputs out."""

    name: str
    help: str
    fields: tuple[Field, ...]
    outputs: tuple[str, ...]
    compute: Compute


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
        target.write(f"{key.ljust(width)}  {render_value(value)}\n")


def _dumps(payload: Mapping[str, object]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def row_command(spec: RowSpec) -> click.Command:
    """Build the click command for ``spec``."""

    def callback(csv_path: str | None, as_json: bool, onchain: bool = False,
                 **options: str | None) -> None:
        active = _with_onchain(spec) if onchain else spec
        if csv_path is not None:
            given = [f.option for f in spec.fields if options.get(f.name) is not None]
            if given:
                raise CliFailure.bad_input(f"--csv cannot be combined with {', '.join(given)}")
            _run_batch(active, csv_path, as_json)
            return
        values = {f.name: v for f in spec.fields
                  if (v := options.get(f.name) or f.default) is not None}
        missing = [f.option for f in spec.fields if f.required and f.name not in values]
        if missing:
            raise CliFailure.bad_input(f"missing option {', '.join(missing)} (or use --csv)")
        outputs = active.compute(values)
        if as_json:
            click.echo(_dumps({k: json_value(v) for k, v in outputs.items()}))
        else:
            print_table(outputs)

    params: list[click.Parameter] = [
        click.Option([f.option, f.name], default=None, metavar="TEXT" if not f.choices else
                     "|".join(f.choices),
                     type=click.Choice(f.choices) if f.choices else str,
                     help=f.help + (f" [default: {f.default}]" if f.default else "")
                     + ("" if f.required or f.default else " (optional)"))
        for f in spec.fields
    ]
    params += [
        click.Option(["--csv", "csv_path"], default=None, metavar="FILE",
                     help="Batch mode: read rows from a CSV file with one column per option "
                          "(header required; '-' reads stdin)."),
        click.Option(["--json", "as_json"], is_flag=True,
                     help="Exact JSON (decimals as strings); JSON Lines in batch mode."),
    ]
    if spec.name in _ONCHAIN:
        params.append(click.Option(["--onchain"], is_flag=True, help=(
            "Also print the FixedPointMath contract's integer (wad) result, computed in the "
            "local Cairo VM (needs `make contracts`) or over RPC (contracts/README.md).")))
    return click.Command(spec.name, callback=callback, params=params, help=spec.help,
                         short_help=spec.help.split("\n")[0])


_ONCHAIN = ("pnl", "size", "liquidation", "allocate")


def _with_onchain(spec: RowSpec) -> RowSpec:
    """``spec`` plus the contract's integer columns (astratrade_shell.starknet.onchain)."""
    from astratrade_shell.starknet.onchain import (  # noqa: PLC0415 - starts the Cairo VM
        ONCHAIN_OUTPUTS,
        math_client,
        onchain_columns,
    )

    client = math_client()

    def compute(values: Mapping[str, str]) -> Mapping[str, Value]:
        outputs = spec.compute(values)
        return {**outputs, **onchain_columns(spec.name, values, outputs, client)}

    return attrs.evolve(spec, outputs=spec.outputs + ONCHAIN_OUTPUTS[spec.name],
                        compute=compute)


def _open_source(path: str) -> TextIO:
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
    try:
        return open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise CliFailure.bad_input(f"cannot read {path}: {exc.strerror}") from None


def _rows(source: TextIO, spec: RowSpec) -> Iterator[tuple[int, list[str], dict[str, str]]]:
    reader = csv.reader(source)
    try:
        header = next(reader)
    except StopIteration:
        raise CliFailure.bad_input("line 1: the CSV file is empty (a header is required)"
                                   ) from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CliFailure.bad_input(f"line 1: unreadable CSV ({exc})") from None
    names = [h.strip().lower().replace("-", "_") for h in header]
    known = {f.name for f in spec.fields}
    unknown = [h for h in names if h not in known]
    if unknown:
        raise CliFailure.bad_input(f"line 1: unknown column(s) {', '.join(unknown)}; expected "
                                   f"{', '.join(sorted(known))}")
    missing = [f.name for f in spec.fields if f.required and f.default is None
               and f.name not in names]
    if missing:
        raise CliFailure.bad_input(f"line 1: missing column(s) {', '.join(missing)}")
    yield 1, names, {}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CliFailure.bad_input(f"line {reader.line_num}: unreadable CSV ({exc})") from None
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(names):
            raise CliFailure.bad_input(f"line {reader.line_num}: expected {len(names)} fields, "
                                       f"got {len(row)}")
        values = {f.name: f.default for f in spec.fields if f.default is not None}
        values.update({n: cell.strip() for n, cell in zip(names, row, strict=True)
                       if cell.strip()})
        for field in spec.fields:
            if field.required and field.name not in values:
                raise CliFailure.bad_input(f"line {reader.line_num}: {field.name} is empty")
            if field.choices and values.get(field.name, field.choices[0]) not in field.choices:
                raise CliFailure.bad_input(
                    f"line {reader.line_num}: {field.name} must be one of "
                    f"{', '.join(field.choices)}")
        yield reader.line_num, row, values


def _run_batch(spec: RowSpec, path: str, as_json: bool) -> None:
    out = sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    failures = 0
    first_failure = ""
    source = _open_source(path)
    with source:
        rows = _rows(source, spec)
        _, header, _ = next(rows)
        if not as_json:
            writer.writerow([*header, *spec.outputs, "error"])
        for line, cells, values in rows:
            try:
                outputs: Mapping[str, Value] = spec.compute(values)
                error = ""
            except CliFailure as exc:
                if exc.code != 1:
                    raise CliFailure(f"line {line}: {exc.message}", exc.code) from None
                outputs, error = {}, exc.message
                failures += 1
                first_failure = first_failure or f"line {line}: {error}"
            if as_json:
                payload: dict[str, object] = {"line": line}
                payload.update(zip(header, cells, strict=True))
                payload.update({k: json_value(v) for k, v in outputs.items()})
                if error:
                    payload["error"] = error
                out.write(_dumps(payload) + "\n")
            else:
                writer.writerow([*cells, *(render_value(outputs.get(k)) for k in spec.outputs),
                                 error])
    if failures:
        raise CliFailure.domain(f"{failures} row(s) rejected; first at {first_failure}")

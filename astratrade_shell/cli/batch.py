"""A batch: a CSV file through a row-wise calculator, row by row, with bounded memory.

:func:`run_batch` maps the header to the calculator's fields (:class:`Columns`: other columns
pass through, output names never repeat an input column), reads each row with the batch's
defaults (the options given, read once), evaluates it (:func:`~.rows.evaluate`) and writes it
as CSV or JSON Lines.  A refused row is written with its error; an unreadable row stops the
batch (exit 2) unless ``keep_going``; the counts end the run with exit 1.  A file of at least
:data:`PROGRESS_MIN_BYTES` shows a progress bar on a terminal.
"""

from __future__ import annotations

import csv
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import BinaryIO, Final, TextIO, cast

import attrs
import click

from astratrade_shell.cli.batchfile import Table, column_name, open_path, open_table
from astratrade_shell.cli.fastpath import fast_path
from astratrade_shell.cli.main import EXIT_BAD_INPUT, EXIT_DOMAIN, CliFailure
from astratrade_shell.cli.rows import (
    Outcome,
    RowSpec,
    Value,
    dumps,
    evaluate,
    json_value,
    read_field,
    render_value,
)

__all__ = ["PROGRESS_MIN_BYTES", "BatchOptions", "Columns", "run_batch"]

#: A batch file of at least this many bytes shows a progress bar (stderr a terminal, stdout
#: not): about five thousand rows of a typical calculator.
PROGRESS_MIN_BYTES: Final = 256 * 1024
_PROGRESS_EVERY: Final = 2_000
#: Output rows are written this many at a time.
_CHUNK: Final = 512


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

        outputs = tuple((o.name, unique(o.name)) for o in spec.outputs)
        return cls(fields, labels, outputs, unique("error"), unique("line"))


class _Writer:
    """Output rows, written :data:`_CHUNK` at a time (and whatever is left by :meth:`flush`)."""

    def __init__(self, out: TextIO, table: Table, columns: Columns, as_json: bool,
                 delimiter: str) -> None:
        self.out = out
        self.table = table
        self.columns = columns
        self.as_json = as_json
        self.csv = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        self.pending: list[list[str]] = []
        self.lines: list[str] = []
        self.names = [w for _, w in columns.outputs]
        if not as_json:
            self.csv.writerow([*table.header, *(w for _, w in columns.outputs), columns.error])

    def row(self, line: int, cells: Sequence[str], outcome: Outcome) -> None:
        self.values(line, cells, [outcome.outputs.get(o) for o, _ in self.columns.outputs],
                    outcome.error)

    def values(self, line: int, cells: Sequence[str], outputs: Sequence[Value],
               error: str = "") -> None:
        """One row: its cells, its shown ``outputs`` (in the columns' order) and its error."""
        if self.as_json:
            payload: dict[str, object] = {self.columns.line: line}
            payload.update(zip(self.table.header, cells, strict=False))
            payload.update({w: json_value(v)
                            for (_, w), v in zip(self.columns.outputs, outputs, strict=True)})
            if error:
                payload[self.columns.error] = error
            self.lines.append(dumps(payload) + "\n")
            if len(self.lines) >= _CHUNK:
                self.flush()
        else:
            self.pending.append([*cells, *(render_value(v) for v in outputs), error])
            if len(self.pending) >= _CHUNK:
                self.flush()

    def texts(self, line: int, cells: Sequence[str], outputs: Sequence[str | None]) -> None:
        """One row computed by a fast path: ``outputs`` already as text (None: no value)."""
        if self.as_json:
            payload: dict[str, object] = {self.columns.line: line}
            payload.update(zip(self.table.header, cells, strict=False))
            payload.update(zip(self.names, outputs, strict=True))
            self.lines.append(dumps(payload) + "\n")
            if len(self.lines) >= _CHUNK:
                self.flush()
        else:
            if None in outputs:  # no value: an empty cell
                self.pending.append([*cells, *("" if t is None else t for t in outputs), ""])
            else:
                self.pending.append([*cells, *cast("Sequence[str]", outputs), ""])
            if len(self.pending) >= _CHUNK:
                self.flush()

    def flush(self) -> None:
        """Write the rows held back."""
        if self.pending:
            self.csv.writerows(self.pending)
            self.pending.clear()
        if self.lines:
            self.out.write("".join(self.lines))
            self.lines.clear()


@attrs.frozen
class BatchOptions:
    """What a batch run was asked for."""

    as_json: bool
    exact: bool
    allow: bool
    keep_going: bool
    delimiter: str


def run_batch(spec: RowSpec, path: str, defaults: Mapping[str, str],
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
        ready = {name: read_field(spec.field(name), text, columns.labels[name], options.allow)
                 for name, text in base.items()}
        fast = fast_path(spec, columns.fields, ready, exact=options.exact,
                         allow=options.allow, labels=columns.labels)
        with _progress(binary, table) as tick, _flushed(writer):
            ticking = tick is not _NO_BAR
            for line, read in table.rows():
                rows += 1
                cells = read
                if fast is not None and len(read) == width:
                    shown = fast(read)
                    if shown is not None:
                        writer.texts(line, read, shown)
                        if ticking:
                            tick(rows)
                        continue
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
def _flushed(writer: _Writer) -> Iterator[None]:
    """Every row held back is written, also when the batch stops early."""
    try:
        yield
    finally:
        writer.flush()


def _NO_BAR(rows: int) -> None:  # noqa: N802 - a constant of the module, called per row
    """The tick of a batch without a progress bar: nothing (the fast loop skips the call)."""


@contextmanager
def _progress(binary: BinaryIO, table: Table) -> Iterator[Callable[[int], None]]:
    """A ``tick(rows)`` callback that moves a bar on stderr, or does nothing.

    The bar shows for a regular file of at least :data:`PROGRESS_MIN_BYTES` when stderr is a
    terminal and stdout is not (the rows go to a file or a pipe, so bar and rows never mix).
    """
    size = _regular_size(binary)
    if size < PROGRESS_MIN_BYTES or not sys.stderr.isatty() or sys.stdout.isatty():
        yield _NO_BAR
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

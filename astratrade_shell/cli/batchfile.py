"""Reading a CSV batch with bounded memory, whatever arrives on the input.

A batch is read line by line from bytes, never as a whole: every physical line is at most
:data:`MAX_LINE_BYTES` long (the header included), every field at most :data:`MAX_FIELD_CHARS`
characters (a quoted field spanning lines included), a header at most :data:`MAX_COLUMNS`
columns.  So ``astratrade pnl --csv - < /dev/zero`` stops after 64 KiB with an error instead of
growing, and a 10 MB header costs 64 KiB, not 888 MB.

Text must be UTF-8 (a byte-order mark is skipped); anything else is an environment failure
(exit 5) naming the line.  Header names are compared without case, surrounding spaces, or the
``-``/``_`` difference; the same name twice is refused (exit 2).

>>> import io
>>> with open_table(io.BytesIO(b"\\xef\\xbb\\xbfa, B\\n1,2\\n\\n3,4\\n"), ",") as table:
...     table.header, table.names, list(table.rows())
(('a', 'B'), ('a', 'b'), [(2, ['1', '2']), (4, ['3', '4'])])
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, Final

from astratrade_shell.cli.main import CliFailure
from astratrade_shell.cli.values import quote

__all__ = ["MAX_COLUMNS", "MAX_FIELD_CHARS", "MAX_LINE_BYTES", "Table", "column_name",
           "file_stamp", "open_path", "open_table", "read_delimiter", "read_small_file"]

#: Longest physical line accepted, in bytes (64 KiB).
MAX_LINE_BYTES: Final = 65_536
#: Longest field accepted, in characters (4 KiB).
MAX_FIELD_CHARS: Final = 4_096
#: Most columns a header may have.
MAX_COLUMNS: Final = 256

_BOM: Final = "\ufeff"


def column_name(text: str) -> str:
    """The comparison form of a header name: lower case, ``-`` as ``_``, no outer spaces.

    >>> column_name(" Stop-Distance ")
    'stop_distance'
    """
    return text.strip().lower().replace("-", "_")


def read_delimiter(text: str) -> str:
    """The delimiter character for ``--delimiter``: one character, or ``tab`` / ``\\t``.

    >>> read_delimiter("tab"), read_delimiter(";")
    ('\\t', ';')
    """
    value = "\t" if text in ("tab", "\\t") else text
    if len(value) != 1 or value in "\"\r\n" or value.isalnum():
        raise CliFailure.bad_input(f"--delimiter: expected one character (or tab) other than "
                                   f"a quote, a letter or a digit, got {quote(text)}")
    return value


class _Lines:
    """Physical lines of ``binary`` as text, each checked against the limits."""

    def __init__(self, binary: BinaryIO) -> None:
        self._binary = binary
        self.number = 0
        self.bytes_read = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        raw = self._binary.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        self.bytes_read += len(raw)
        if len(raw) > MAX_LINE_BYTES:
            raise CliFailure.bad_input(f"line {self.number}: longer than {MAX_LINE_BYTES} "
                                       f"bytes (the limit for one line)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CliFailure.environment(
                f"line {self.number}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column "
                f"{exc.start + 1})") from None
        if self.number == 1 and text.startswith(_BOM):
            text = text[1:]
        return text


class Table:
    """A CSV source: its header (as written and as compared) and its data rows."""

    def __init__(self, lines: _Lines, delimiter: str) -> None:
        self._lines = lines
        self._reader = csv.reader(lines, delimiter=delimiter, strict=True)
        first = self._next()
        if first is None:
            raise CliFailure.bad_input("line 1: the CSV file is empty (a header is required)")
        if len(first) > MAX_COLUMNS:
            raise CliFailure.bad_input(f"line 1: {len(first)} columns (at most {MAX_COLUMNS})")
        self.header: tuple[str, ...] = tuple(h.strip() for h in first)
        self.names: tuple[str, ...] = tuple(column_name(h) for h in first)
        seen: set[str] = set()
        for name, written in zip(self.names, self.header, strict=True):
            if name in seen:
                raise CliFailure.bad_input(f"line 1: column {quote(written)} appears twice")
            seen.add(name)

    @property
    def bytes_read(self) -> int:
        """Bytes consumed so far (for a progress bar)."""
        return self._lines.bytes_read

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise CliFailure.bad_input(f"line {self._lines.number}: unreadable CSV ({exc})"
                                       ) from None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """``(line number, cells)`` of every non-blank data row (the header is line 1)."""
        while (row := self._next()) is not None:
            # some cell has a non-space character: so has their concatenation (one C call)
            joined = "".join(row)
            if joined and not joined.isspace():
                yield self._lines.number, row


@contextmanager
def open_path(path: str) -> Iterator[BinaryIO]:
    """The bytes of ``path`` (``-`` is standard input), with open failures mapped to exit
    codes: a missing file is bad input (2), anything else the environment's (5)."""
    if path == "-":
        yield sys.stdin.buffer
        return
    try:
        binary = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CliFailure.of_os_error(f"cannot read {quote(path)}", exc) from None
    with binary:
        yield binary


def file_stamp(path: str) -> tuple[int, int]:
    """``(mtime_ns, size)`` of ``path``, part of the cache key of a parsed side file (brackets,
    a fee schedule) so a batch parses it once and a changed file is read again; ``(0, 0)``
    when it cannot be read (opening it then reports why)."""
    try:
        info = os.stat(path)
    except OSError:
        return 0, 0
    return info.st_mtime_ns, info.st_size


def read_small_file(path: str, limit: int, what: str) -> str:
    """The UTF-8 text of a side file of at most ``limit`` bytes (a byte-order mark skipped)."""
    with open_path(path) as binary:
        data = binary.read(limit + 1)
    if len(data) > limit:
        raise CliFailure.bad_input(f"{what}: {quote(path)} is larger than {limit} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliFailure.environment(f"{what}: {quote(path)} is not UTF-8 text (byte at "
                                     f"offset {exc.start})") from None


@contextmanager
def open_table(binary: BinaryIO, delimiter: str) -> Iterator[Table]:
    """A :class:`Table` over ``binary``; the csv module's field limit is
    :data:`MAX_FIELD_CHARS` while it is open (and restored after)."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        yield Table(_Lines(binary), delimiter)
    finally:
        csv.field_size_limit(previous)

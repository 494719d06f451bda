"""Read a CSV file of services safely: bounded, row by row, with every row accounted for.

* **Bounded** as answers files are: the bytes come from
  :func:`mutual_detector.loading.read_raw`, so at most
  ``MUTUAL_DETECTOR_MAX_BYTES`` are read (a huge file, ``/dev/zero`` or
  ``/dev/urandom`` is refused at once, E004) and a named pipe with no program
  writing to it is refused (E008), never waited on.
* **Decoded row by row**: a byte that is not UTF-8 fails the row it is in
  (E005, at that row and column), not the file, and no other row is lost.
* **Quotes checked**: a cell that opens a quote (``"``) may hold line breaks,
  but a quote that is never closed, or a cell that runs over more than
  :data:`MAX_CELL_LINES` lines or over a line shaped like a whole row, is a
  stray quote. Its row is reported where the quote opened (E010) and reading
  starts again on the next line, so the rows it swallowed are read as rows.
* **Delimiter**: commas; a file whose first row holds tabs and no comma nor
  semicolon is read as tab-separated.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from mutual_detector.loading import decode, read_raw

#: Most lines one quoted cell may span (Excel allows 253 line breaks in a cell, but
#: no assessor's note in a CSV row needs a hundred lines).
MAX_CELL_LINES: Final = 100
#: A quoted cell running over a line with as many cells as the header has is a
#: stray quote, once the header has at least this many columns.
ROW_SHAPED_MIN_COLUMNS: Final = 4

_NOT_TEXT: Final = re.compile("[\ud800-\udfff\x00]")
_UTF16_32: Final = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: its row number (as a spreadsheet counts them) and its cells."""

    row: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Broken:
    """A row that cannot be read as it stands (a stray quote)."""

    row: int
    column: int
    """0-based index of the cell where the quote opened."""
    message: str


def load(path: str, name: str) -> str:
    """The file's text, bounded as answers files are; bytes that are not UTF-8 kept as
    lone surrogates (:func:`bad_byte` finds them) so that one bad row spoils only itself.

    Raises :class:`~mutual_detector.errors.InputError` (E004, E005, E008).
    """
    raw = read_raw(path, name)
    if raw.startswith(_UTF16_32):
        decode(raw, name)  # raises the E005 that names UTF-16 or UTF-32
    text = raw.decode("utf-8", "surrogateescape")
    return text.removeprefix("\ufeff")


def bad_byte(cell: str) -> str | None:
    """What in a cell is not text ("byte 0xe9, which is not UTF-8", a NUL), or None."""
    found = _NOT_TEXT.search(cell)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "a NUL character, which no text holds"
    code = ord(char)
    byte = code - 0xDC00 if 0xDC80 <= code <= 0xDCFF else None
    return (
        f"byte 0x{byte:02x}, which is not UTF-8" if byte is not None else "text that is not UTF-8"
    )


def sniff(first_line: str) -> str:
    """The delimiter: a comma, unless the first row has no comma and no semicolon but tabs.

    Tab-separated files (copied from a spreadsheet, exported as TSV) are read
    as they are. Semicolons are not sniffed: Excel writes them where the
    decimal separator is a comma, so the file is refused once, with the way to
    save it with commas, rather than cell by cell for each "2,5".
    """
    if "\t" in first_line and "," not in first_line and ";" not in first_line:
        return "\t"
    return ","


class _Lines:
    """The file's lines, handed to :func:`csv.reader` one at a time, rewindable."""

    def __init__(self, text: str) -> None:
        # Lines end at \n, \r or \r\n, as csv expects of a file opened with newline="".
        self.lines = io.StringIO(text, newline="").readlines()
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        line = self.lines[self.pos]
        self.pos += 1
        return line


def records(text: str) -> Iterator[Record | Broken]:
    """Every record of ``text``, in order, rows counted as a spreadsheet counts them.

    The delimiter is the one :func:`sniff` picks from the first non-blank line;
    the first record with a non-blank cell (the header) gives the number of
    columns that a swallowed row would have.
    """
    lines = _Lines(text)
    del text  # the lines are what is kept while the rows are taken
    first = next((line for line in lines.lines if line.strip()), "")
    delimiter = sniff(first)
    width: int | None = None
    row = 0
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    while True:
        start = lines.pos
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell larger than csv's limit (128 KiB): a stray quote?
            row += 1
            broken = _stray_quote(lines.lines, start, lines.pos, delimiter, width, row)
            if broken is None:
                broken = Broken(row, 0, f"this row cannot be read as CSV: {exc}"), start + 1
            yield broken[0]
            lines.pos = broken[1]
            reader = csv.reader(lines, delimiter=delimiter, strict=False)
            continue
        row += 1
        if lines.pos - start > 1:
            broken = _stray_quote(lines.lines, start, lines.pos, delimiter, width, row)
            if broken is not None:
                yield broken[0]
                lines.pos = broken[1]  # read again from the line after the quote opened
                reader = csv.reader(lines, delimiter=delimiter, strict=False)
                continue
        if width is None and any(c.strip() for c in cells):
            width = len(cells)
        yield Record(row, tuple(cells))


def _stray_quote(
    lines: Sequence[str], start: int, end: int, delimiter: str, width: int | None, row: int
) -> tuple[Broken, int] | None:
    """A record over lines ``start:end``: is one of its multi-line cells a stray quote?

    Returns the problem and the line to read again from (the one after the line
    where the quote opened), or None when every multi-line cell looks genuine.
    """
    for opened, column, closed in _quoted_cells(lines, start, end, delimiter):
        message = None
        if closed is None and end >= len(lines):
            message = 'this cell opens a quote (") that is never closed, so every row after it would be read into it'
        elif closed is None:
            message = 'this cell opens a quote (") that runs on past the largest cell a CSV file may hold (128 KiB)'
        elif closed - opened >= MAX_CELL_LINES:
            message = f'this cell opens a quote (") that runs over {closed - opened + 1} lines, more than a cell may hold ({MAX_CELL_LINES})'
        elif width is not None and width >= ROW_SHAPED_MIN_COLUMNS:
            for inner in lines[opened + 1 : closed]:
                if len(next(csv.reader([inner], delimiter=delimiter), [])) == width:
                    message = (
                        'this cell opens a quote (") that runs over lines shaped like whole rows'
                    )
                    break
        if message is not None:
            hint = (
                '; remove the stray quote, or write a quote inside a cell as two (""), '
                "as Excel does"
            )
            return Broken(row, column, message + hint), opened + 1
    return None


def _quoted_cells(
    lines: Sequence[str], start: int, end: int, delimiter: str
) -> list[tuple[int, int, int | None]]:
    """The record's quoted cells that cross a line break: ``(line opened, cell index,
    line closed or None)``, following the csv module's rules (a quote opens a cell
    only as its first character; two quotes inside a quoted cell are one)."""
    out: list[tuple[int, int, int | None]] = []
    field = 0
    quoted = after_quote = crossed = False
    at_start = True
    opened = closed = 0
    for index in range(start, end):
        for char in lines[index]:
            if quoted:
                if char == '"':
                    quoted, after_quote, closed = False, True, index
                continue
            if after_quote:
                after_quote = False
                if char == '"':  # "" inside a quoted cell
                    quoted = True
                    continue
                if crossed:
                    out.append((opened, field, closed))
                crossed = False
            if char == delimiter:
                field += 1
                at_start = True
            elif char in "\r\n":
                at_start = True
            elif at_start and char == '"':
                quoted, at_start, opened = True, False, index
            else:
                at_start = False
        crossed = crossed or quoted
    if crossed:
        out.append((opened, field, closed if after_quote else None))
    return out


__all__ = [
    "MAX_CELL_LINES",
    "Broken",
    "Record",
    "bad_byte",
    "load",
    "records",
    "sniff",
]

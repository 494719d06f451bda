"""Find batch inputs and turn them into tasks, in a deterministic order.

Inputs are answers files (``.yaml``, ``.yml``, ``.json``) and CSV files with
one service per row. Paths may be files, folders (searched recursively,
hidden entries skipped) or glob patterns (``answers/**/*.yaml``), which we
expand ourselves so that they work on every shell.

Files are sorted by path, so ``batch b/ a/`` and ``batch a/ b/`` give the
same output. A CSV file is read row by row as tasks are taken, so memory
stays flat however long it is.
"""

from __future__ import annotations

import csv
import difflib
import glob
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final, Literal

from mutual_detector.batch.records import ErrorRecord

ANSWERS_SUFFIXES: Final = (".yaml", ".yml", ".json")
CSV_SUFFIXES: Final = (".csv",)

#: Columns of a CSV row that are not answers.
METADATA_COLUMNS: Final = ("service", "organisation", "assessor", "date", "notes")
OTHER_COLUMNS: Final = ("status", "questionnaire", "questionnaire_version")
#: ``<question id>.note`` and ``<question id>.evidence`` columns hold the assessor's notes.
ANSWER_EXTRAS: Final = ("note", "evidence")

SourceKind = Literal["answers", "csv", "missing", "unsupported"]


@dataclass(frozen=True, slots=True)
class Source:
    """One input file (or a path that names nothing)."""

    name: str
    """As the user would type it: relative to the working folder when inside it."""
    path: str
    kind: SourceKind
    explicit: bool
    """Named on the command line (rather than found in a folder or by a pattern)."""


@dataclass(frozen=True, slots=True)
class FileTask:
    """Assess one answers file."""

    name: str
    path: str
    explicit: bool


@dataclass(frozen=True, slots=True)
class RowTask:
    """Assess one CSV row."""

    name: str
    row: int
    header: tuple[str, ...]
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FailedTask:
    """An input that failed before it could be assessed (unreadable, bad header ...)."""

    name: str
    row: int | None
    error: ErrorRecord


Task = FileTask | RowTask | FailedTask


# --------------------------------------------------------------------------- discovery


def _is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[")


class _Namer:
    """Display names without a system call per file."""

    def __init__(self) -> None:
        self.cwd = os.getcwd()

    def __call__(self, path: str) -> str:
        if not os.path.isabs(path):
            name = os.path.normpath(path)
            return path if name == path else name  # one string, not two equal ones
        try:
            rel = os.path.relpath(path, self.cwd)
        except ValueError:  # another drive on Windows
            return path
        return path if rel.startswith("..") else rel


def _kind(path: str) -> SourceKind:
    lower = path.lower()
    if lower.endswith(ANSWERS_SUFFIXES):
        return "answers"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    return "unsupported"


def _walk(folder: str) -> Iterator[str]:
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(ANSWERS_SUFFIXES + CSV_SUFFIXES):
                yield os.path.join(root, name)


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Source]:
    """Every input named by ``paths``, sorted by path, each file once."""
    namer = _Namer()
    found: dict[str, Source] = {}

    def add(path: str, explicit: bool) -> None:
        name = namer(path)
        key = os.path.normcase(os.path.abspath(path))
        kind = "missing" if explicit and not os.path.exists(path) else _kind(path)
        previous = found.get(key)
        if previous is None or (explicit and not previous.explicit):
            found[key] = Source(name, path, kind, explicit)

    for raw in paths:
        text = os.fspath(raw)
        if os.path.isdir(text):
            for path in _walk(text):
                add(path, False)
        elif not os.path.exists(text) and _is_pattern(text):
            matches = [m for m in glob.glob(text, recursive=True) if not os.path.isdir(m)]
            if not matches:
                found[f"\x00{text}"] = Source(text, text, "missing", True)
            for path in matches:
                add(path, False)
        else:
            add(text, True)
    ordered = [s for s in found.values() if s.kind != "unsupported" or s.explicit]
    found.clear()  # its keys (absolute paths) are not needed to sort
    ordered.sort(key=_order)
    return ordered


def _order(source: Source) -> str:
    """Sort key: the path's parts compared one by one, then the name as given.

    One string per input instead of a path object and a tuple: with 10,000
    inputs that is most of what a batch holds at its peak. NUL sorts before
    every character and is in no path, so comparing these strings compares the
    parts as tuples would (a path that is a prefix of another comes first).
    """
    name = source.name
    return "\0".join(PurePath(name).parts) + "\0\0" + name


# --------------------------------------------------------------------------- tasks


def tasks(sources: Sequence[Source], known_columns: frozenset[str]) -> Iterator[Task]:
    """Tasks in input order: one per answers file, one per CSV data row."""
    for source in sources:
        if source.kind == "answers":
            yield FileTask(source.name, source.path, source.explicit)
        elif source.kind == "csv":
            yield from csv_tasks(source.path, source.name, known_columns)
        elif source.kind == "missing":
            what = "no files match this pattern" if _is_pattern(source.name) else "no such file"
            yield FailedTask(source.name, None, ErrorRecord(source.name, what, rule="E008"))
        else:
            message = "not an answers file (.yaml, .yml, .json) nor a CSV file (.csv)"
            yield FailedTask(source.name, None, ErrorRecord(source.name, message, rule="E007"))


def count_tasks(sources: Sequence[Source]) -> int:
    """How many tasks :func:`tasks` will yield (CSV files are read once, quickly)."""
    total = 0
    for source in sources:
        if source.kind != "csv":
            total += 1
            continue
        try:
            with open(source.path, encoding="utf-8-sig", errors="replace", newline="") as fh:
                rows = sum(1 for row in csv.reader(fh) if _is_data(row))
        except (OSError, csv.Error):
            rows = 1
        total += max(rows - 1, 1)
    return total


def _is_data(cells: Sequence[str]) -> bool:
    """False for blank rows and note rows (first cell starting with ``#``)."""
    if not any(c.strip() for c in cells):
        return False
    return not cells[0].lstrip().startswith("#")


def csv_tasks(path: str, name: str, known: frozenset[str]) -> Iterator[Task]:
    """One task per data row; a file-level problem becomes one failed task."""

    def fail(message: str, row: int | None = None, column: str | None = None) -> FailedTask:
        return FailedTask(name, row, ErrorRecord(name, message, row=row, field=column, rule="E010"))

    try:
        fh = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        yield FailedTask(name, None, ErrorRecord(name, exc.strerror or str(exc), rule="E008"))
        return
    row = 0
    header: tuple[str, ...] | None = None
    try:
        with fh:
            for cells in csv.reader(fh, strict=False):
                row += 1
                if header is None:
                    if not any(c.strip() for c in cells):
                        continue
                    header = tuple(c.strip() for c in cells)
                    problem = check_header(header, known)
                    if problem is not None:
                        yield fail(problem[1], row, problem[0])
                        return
                    continue
                if _is_data(cells):
                    yield RowTask(name, row, header, tuple(cells))
    except UnicodeDecodeError:
        yield FailedTask(
            name,
            row + 1,
            ErrorRecord(
                name,
                "the file is not UTF-8 text; in Excel use Save As > 'CSV UTF-8 (Comma delimited)'",
                row=row + 1,
                rule="E005",
            ),
        )
        return
    except csv.Error as exc:
        yield fail(f"not a valid CSV file: {exc}", row + 1)
        return
    if header is None:
        yield fail("the CSV file is empty; its first row must name the columns", 1)


def check_header(header: tuple[str, ...], known: frozenset[str]) -> tuple[str | None, str] | None:
    """``(column, message)`` for the first problem in a CSV header, or None."""
    if len(header) == 1 and ";" in header[0]:
        return (None, "the columns are separated by ';'; save the file with commas (CSV UTF-8)")
    seen: set[str] = set()
    for column in header:
        if not column:
            continue
        if column in seen:
            return (column, f"column {column!r} appears twice")
        seen.add(column)
        if column not in known:
            close = difflib.get_close_matches(column, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return (
                column,
                f"unknown column {column!r}: not a question id nor one of "
                f"{', '.join(METADATA_COLUMNS)}{hint}",
            )
    if not any(c in known - set(METADATA_COLUMNS + OTHER_COLUMNS) for c in header):
        return (None, "no column is a question id; run `mutual-detector template --format csv`")
    return None


def known_columns(question_ids: Iterable[str]) -> frozenset[str]:
    out = set(METADATA_COLUMNS) | set(OTHER_COLUMNS)
    for qid in question_ids:
        out.add(qid)
        out.update(f"{qid}.{extra}" for extra in ANSWER_EXTRAS)
    return frozenset(out)


__all__ = [
    "ANSWERS_SUFFIXES",
    "CSV_SUFFIXES",
    "METADATA_COLUMNS",
    "FailedTask",
    "FileTask",
    "RowTask",
    "Source",
    "Task",
    "count_tasks",
    "csv_tasks",
    "discover",
    "known_columns",
    "tasks",
]

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

import difflib
import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final, Literal

from mutual_detector.batch.records import ErrorRecord
from mutual_detector.errors import InputError

ANSWERS_SUFFIXES: Final = (".yaml", ".yml", ".json")
CSV_SUFFIXES: Final = (".csv",)

#: Columns of a CSV row that are not answers.
METADATA_COLUMNS: Final = ("service", "organisation", "assessor", "date", "notes")
OTHER_COLUMNS: Final = ("status", "questionnaire", "questionnaire_version")
#: ``<question id>.note`` and ``<question id>.evidence`` columns hold the assessor's notes.
ANSWER_EXTRAS: Final = ("note", "evidence")

#: The note on a report of ours found among the inputs (skipped).
REPORT_NOTE: Final = "a report written by mutual-detector, not answers"
#: How to fix a CSV file that is not UTF-8.
SAVE_AS_UTF8: Final = "; save the file as UTF-8 (in Excel: Save As > 'CSV UTF-8 (Comma delimited)')"

SourceKind = Literal["answers", "csv", "missing", "unsupported", "output"]


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


@dataclass(frozen=True, slots=True)
class SkippedTask:
    """A file found in a folder or by a pattern that is not an input (our own output)."""

    name: str
    note: str
    row: None = None


Task = FileTask | RowTask | FailedTask | SkippedTask


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


def _scan(folder: str, real: str) -> list[tuple[os.DirEntry[str], str]]:
    """The visible entries of ``folder`` with their real paths (``real`` is the folder's)."""
    try:
        with os.scandir(folder or ".") as entries:
            return [(e, os.path.join(real, e.name)) for e in entries if not e.name.startswith(".")]
    except OSError:
        return []


def _file_key(entry: os.DirEntry[str], real: str) -> str | None:
    """The real path of an entry that is not a folder (nor a link to one), else None.

    Pipes and devices count as files here, as they did: reading them is bounded.
    """
    try:
        if entry.is_symlink():
            return None if entry.is_dir() else os.path.realpath(entry.path)
        return None if entry.is_dir(follow_symlinks=False) else real
    except OSError:
        return None


def _walk(
    folder: str, real: str, suffixes: tuple[str, ...] | None = ANSWERS_SUFFIXES + CSV_SUFFIXES
) -> Iterator[tuple[str, str]]:
    """``(path, real path)`` of every file under ``folder`` whose name ends in one of
    ``suffixes`` (None: every file, as ``dir/**`` matches), hidden ones skipped.

    Links to folders are never followed, so a link back up the tree (or out of
    it) neither repeats files nor loops; a link to a file is a file.
    """
    stack = [(folder, real)]
    while stack:
        here, real_here = stack.pop()
        for entry, real_path in _scan(here, real_here):
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, real_path))
            elif suffixes is None or entry.name.lower().endswith(suffixes):
                key = _file_key(entry, real_path)
                if key is not None:
                    yield entry.path, key


def _glob(pattern: str) -> Iterator[tuple[str, str]]:
    """``(path, real path)`` of the files ``pattern`` matches (``*``, ``?``, ``[...]``, ``**``).

    As :func:`glob.glob` with ``recursive=True`` (names starting with ``.`` are
    matched only by a pattern that starts with ``.``), except that links to
    folders met by a wildcard are not followed: ``**`` through a link to a parent
    folder counted every file dozens of times, and two such links never ended.
    """
    drive, rest = os.path.splitdrive(pattern)
    seps = "/\\" if os.sep == "\\" else "/"
    absolute = rest[:1] in tuple(seps)
    parts = [part for part in re.split(f"[{re.escape(seps)}]", rest) if part]
    fixed = 0
    while fixed < len(parts) and not _is_pattern(parts[fixed]):
        fixed += 1
    if fixed == len(parts):  # no wildcard after all (e.g. a missing file named with [)
        return
    base = drive + (os.sep if absolute else "")
    for part in parts[:fixed]:
        base = os.path.join(base, part) if base else part
    if base and not os.path.isdir(base):
        return
    yield from _match(base, os.path.realpath(base or "."), parts[fixed:])


def _match(folder: str, real: str, parts: list[str]) -> Iterator[tuple[str, str]]:
    part, rest = parts[0], parts[1:]
    if part == "**":
        if not rest:  # everything below
            yield from _walk(folder, real, None)
            return
        yield from _match(folder, real, rest)
        for entry, real_path in _scan(folder, real):
            if entry.is_dir(follow_symlinks=False):
                yield from _match(entry.path, real_path, parts)
        return
    if not _is_pattern(part):
        path = os.path.join(folder, part) if folder else part
        if rest:
            if os.path.isdir(path):
                yield from _match(path, os.path.realpath(path), rest)
        elif os.path.isfile(path):
            yield path, os.path.realpath(path)
        return
    hidden = part.startswith(".")
    for name, (entry, real_path) in _entries(folder, real, hidden):
        if not fnmatch.fnmatch(name, part):
            continue
        if rest:
            if entry.is_dir(follow_symlinks=False):
                yield from _match(entry.path, real_path, rest)
        else:
            key = _file_key(entry, real_path)
            if key is not None:
                yield entry.path, key


def _entries(
    folder: str, real: str, hidden: bool
) -> list[tuple[str, tuple[os.DirEntry[str], str]]]:
    try:
        with os.scandir(folder or ".") as found:
            entries = [e for e in found if hidden or not e.name.startswith(".")]
    except OSError:
        return []
    return [(e.name, (e, os.path.join(real, e.name))) for e in entries]


#: The first bytes of the outputs we write that a batch could find among its inputs.
_OUR_CSV: Final = "input,row,status,"
_OUR_JSON: Final = re.compile(r'"format"\s*:\s*"mutual-detector/(?:batch|result|validate|compare)@')


def is_our_output(path: str) -> bool:
    """Whether ``path`` is a report written by mutual-detector (a batch CSV, a JSON report).

    Only the first 4 KiB of a regular file are read; a pipe or device is never opened
    for this (it could block, or be consumed).
    """
    lower = path.lower()
    if not lower.endswith((".csv", ".json")):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 4096).decode("utf-8", "replace").removeprefix("\ufeff")
    except OSError:
        return False
    finally:
        os.close(fd)
    if lower.endswith(".csv"):
        return head.startswith(_OUR_CSV)
    return head.lstrip().startswith("{") and _OUR_JSON.search(head) is not None


def discover(
    paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
) -> list[Source]:
    """Every input named by ``paths``, sorted by path, each real file once.

    Files found in a folder or by a pattern are skipped (as a skipped input, with
    a note) when they are one of ``exclude`` (the ``--output`` of this run) or a
    report mutual-detector wrote (:func:`is_our_output`): a batch run again on its
    folder must not read its own output back as answers.
    """
    namer = _Namer()
    found: dict[str, Source] = {}
    excluded = {os.path.normcase(os.path.realpath(os.fspath(p))) for p in exclude}

    def add(path: str, explicit: bool, key: str) -> None:
        name = namer(path)
        key = os.path.normcase(key)
        if explicit:
            kind: SourceKind = "missing" if not os.path.exists(path) else _kind(path)
        else:
            kind = _kind(path)
            if kind != "unsupported" and (key in excluded or is_our_output(path)):
                kind = "output"
        source = Source(name, path, kind, explicit)
        previous = found.get(key)
        if previous is None or _preferred(source, previous, key):
            found[key] = source

    for raw in paths:
        text = os.fspath(raw)
        if os.path.isdir(text):
            for path, key in _walk(text, os.path.realpath(text)):
                add(path, False, key)
        elif not os.path.exists(text) and _is_pattern(text):
            matches = list(_glob(text))
            if not matches:
                found[f"\x00{text}"] = Source(text, text, "missing", True)
            for path, key in matches:
                add(path, False, key)
        else:
            add(text, True, os.path.realpath(text))
    ordered = [s for s in found.values() if s.kind != "unsupported" or s.explicit]
    found.clear()  # its keys (absolute paths) are not needed to sort
    ordered.sort(key=_order)
    return ordered


def _preferred(new: Source, old: Source, key: str) -> bool:
    """Of two names for one file: the one named on the command line, then the one
    with the file's own name (not a link's), then the first in sorted order, so
    that the choice does not depend on the order of the arguments."""
    real = os.path.basename(key)

    def rank(s: Source) -> tuple[bool, bool, str]:
        own = os.path.normcase(os.path.basename(s.path)) == real
        return (not s.explicit, not own, _order(s))

    return rank(new) < rank(old)


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
        elif source.kind == "output":
            yield SkippedTask(source.name, REPORT_NOTE)
        elif source.kind == "missing":
            what = "no files match this pattern" if _is_pattern(source.name) else "no such file"
            yield FailedTask(source.name, None, ErrorRecord(source.name, what, rule="E008"))
        else:
            message = "not an answers file (.yaml, .yml, .json) nor a CSV file (.csv)"
            yield FailedTask(source.name, None, ErrorRecord(source.name, message, rule="E007"))


def count_tasks(sources: Sequence[Source]) -> int:
    """How many tasks :func:`tasks` will yield (CSV files are read once, quickly).

    A CSV file that is not a regular file (a pipe, a device) or is over the size
    limit is counted as one task, unread: reading it here would consume a pipe,
    or read what :func:`csv_tasks` refuses anyway.
    """
    from mutual_detector import loading

    total = 0
    for source in sources:
        if source.kind != "csv":
            total += 1
            continue
        try:
            info = os.stat(source.path)
        except OSError:
            total += 1
            continue
        if not stat.S_ISREG(info.st_mode) or info.st_size > loading.MAX_BYTES:
            total += 1
            continue
        try:
            rows = sum(1 for _ in _csv_rows(source.path, source.name, frozenset(), count=True))
        except InputError:
            rows = 1
        total += max(rows, 1)
    return total


def _is_data(cells: Sequence[str]) -> bool:
    """False for blank rows and note rows (first cell starting with ``#``)."""
    if not any(c.strip() for c in cells):
        return False
    return not cells[0].lstrip().startswith("#")


def csv_tasks(path: str, name: str, known: frozenset[str]) -> Iterator[Task]:
    """One task per data row; a file-level problem becomes one failed task.

    The file is read as :mod:`mutual_detector.batch.csvfile` reads it: bounded,
    row by row, with stray quotes and bytes that are not UTF-8 reported at their
    row (and column), and no other row lost.
    """
    try:
        yield from _csv_rows(path, name, known)
    except InputError as exc:
        yield _file_failed(name, exc)


def _file_failed(name: str, exc: InputError) -> FailedTask:
    found = next((f for f in exc.findings if f.level == "error"), None)
    if found is None:
        return FailedTask(name, None, ErrorRecord(name, exc.message, rule="E008"))
    message = found.message
    if found.rule == "E005" and "UTF-8" in message:
        message += SAVE_AS_UTF8
    return FailedTask(name, None, ErrorRecord(name, message, rule=found.rule))


def _csv_rows(path: str, name: str, known: frozenset[str], count: bool = False) -> Iterator[Task]:
    from mutual_detector.batch import csvfile
    from mutual_detector.batch.csvrows import column_letter

    def fail(message: str, row: int | None, column: str | None, rule: str = "E010") -> FailedTask:
        return FailedTask(name, row, ErrorRecord(name, message, row=row, field=column, rule=rule))

    def column_name(index: int) -> str:
        if header is not None and index < len(header) and header[index]:
            return header[index]
        return f"column {column_letter(index)}"

    header: tuple[str, ...] | None = None
    for record in csvfile.records(csvfile.load(path, name)):
        if isinstance(record, csvfile.Broken):
            if header is None:
                yield fail(record.message, record.row, None)
                return
            yield fail(record.message, record.row, column_name(record.column))
            continue
        cells = record.cells
        if header is None:
            if not any(c.strip() for c in cells):
                continue
            bad = next(filter(None, map(csvfile.bad_byte, cells)), None)
            if bad is not None:
                yield fail(f"the column names hold {bad}{SAVE_AS_UTF8}", record.row, None, "E005")
                return
            header = tuple(c.strip() for c in cells)
            if count:
                continue
            problem = check_header(header, known)
            if problem is not None:
                yield fail(problem[1], record.row, problem[0])
                return
            continue
        if not _is_data(cells):
            continue
        bad_at = next(
            ((i, b) for i, b in enumerate(map(csvfile.bad_byte, cells)) if b is not None), None
        )
        if bad_at is not None:
            message = f"this cell holds {bad_at[1]}{SAVE_AS_UTF8}"
            yield fail(message, record.row, column_name(bad_at[0]), "E005")
            continue
        yield RowTask(name, record.row, header, cells)
    if header is None:
        yield fail("the CSV file is empty; its first row must name the columns", 1, None)


def check_header(header: tuple[str, ...], known: frozenset[str]) -> tuple[str | None, str] | None:
    """``(column, message)`` for the first problem in a CSV header, or None."""
    if len(header) == 1 and ";" in header[0]:
        return (None, "the columns are separated by ';'; save the file with commas (CSV UTF-8)")
    if len(header) == 1 and "\t" in header[0]:
        # Tab-separated files are read as such (csvfile.sniff), unless the row mixes in ';'.
        return (None, "the columns are separated by tabs; save the file with commas (CSV UTF-8)")
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
    "REPORT_NOTE",
    "FailedTask",
    "FileTask",
    "RowTask",
    "SkippedTask",
    "Source",
    "Task",
    "count_tasks",
    "csv_tasks",
    "discover",
    "is_our_output",
    "known_columns",
    "tasks",
]

"""YAML/JSON files -> models, with ``file:line:column`` on every problem.

Only safe YAML is read: libyaml's C parser when it is present, the pure one
otherwise. We compose the node tree ourselves and build plain data from it,
recording where each value stands, rejecting duplicate keys, object-building
tags, alias expansion past a bound and nesting past a bound.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, Literal

import yaml

from mutual_detector import ANSWERS_FORMAT, QUESTIONNAIRE_FORMAT, QUESTIONNAIRE_PART_FORMAT
from mutual_detector.errors import InputError
from mutual_detector.model.findings import FieldPath, Finding, clip, finding

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.model.expr import ExpressionError
    from mutual_detector.model.questionnaire import Questionnaire

DEFAULT_MAX_BYTES: Final = 5 * 1024 * 1024


def _env_max_bytes() -> int:
    """``MUTUAL_DETECTOR_MAX_BYTES`` if it is a positive whole number, else 5 MiB."""
    raw = os.environ.get("MUTUAL_DETECTOR_MAX_BYTES", "").strip().replace("_", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 13 and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_BYTES


MAX_BYTES: Final = _env_max_bytes()
MAX_NODES: Final = 200_000
MAX_DEPTH: Final = 64
_MAX_SOURCE: Final = 8_000  #: longest scalar whose text is kept to place columns in it

_O_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe with no writer must not hang the open
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)

HAS_LIBYAML: Final = bool(getattr(yaml, "__with_libyaml__", False))
_Loader: Any = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader

_STR_TAGS: Final = frozenset(
    {
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)
_MAP_TAG: Final = "tag:yaml.org,2002:map"
_SEQ_TAG: Final = "tag:yaml.org,2002:seq"

Kind = Literal["questionnaire", "part", "answers"]
FORMATS: Final[dict[str, Kind]] = {
    QUESTIONNAIRE_FORMAT: "questionnaire",
    QUESTIONNAIRE_PART_FORMAT: "part",
    ANSWERS_FORMAT: "answers",
}


@dataclass(frozen=True)
class Mark:
    file: str
    line: int
    column: int
    source: str | None = None
    """A string scalar's text as written in the file (quotes and all), to find columns inside it."""
    style: str | None = None
    """The scalar's YAML style: None (plain), ``'``, ``"``, ``|`` or ``>``."""

    def position(self, value: str, offset: int) -> tuple[int, int] | None:
        """Line and column of ``value[offset]`` in the file, if it can be worked out."""
        if self.source is None or not 0 <= offset <= len(value):
            return None
        index = _source_index(self.source, self.style, value, offset)
        if index is None:
            return None
        breaks = self.source.count("\n", 0, index)
        if not breaks:
            return self.line, self.column + index
        return self.line + breaks, index - self.source.rfind("\n", 0, index)


@dataclass
class Document:
    """Plain data read from one file, and where each value stood."""

    file: str
    data: Any
    marks: dict[FieldPath, Mark] = field(default_factory=dict)

    @property
    def kind(self) -> Kind | None:
        fmt = self.data.get("format") if isinstance(self.data, dict) else None
        return FORMATS.get(fmt) if isinstance(fmt, str) else None

    def locate(self, f: Finding) -> Finding:
        """``f`` with the file, line and column of the nearest recorded path."""
        path = f.path
        while True:
            mark = self.marks.get(path)
            if mark is not None:
                if f.offset is not None and path == f.path:
                    value = _value_at(self.data, path)
                    where = mark.position(value, f.offset) if isinstance(value, str) else None
                    if where is not None:
                        return f.located(mark.file, *where)
                return f.located(mark.file, mark.line, mark.column)
            if not path:
                return f.located(self.file, None, None)
            path = path[:-1]


def _value_at(data: Any, path: FieldPath) -> Any:
    for part in path:
        found = isinstance(data, dict) and part in data
        found |= isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not found:
            return None
        data = data[part]
    return data


_ESCAPE_LENGTH: Final = {"x": 4, "u": 6, "U": 10}


def _source_index(source: str, style: str | None, value: str, offset: int) -> int | None:
    """Index in ``source`` (a scalar as written) of the character ``value[offset]``.

    Walks the written text and the loaded value side by side, allowing for
    quotes, escapes, doubled single quotes, folded line breaks and block
    indentation. Returns None when the two cannot be matched up.
    """
    j = 0
    if style in ("'", '"'):
        j = 1
    elif style in ("|", ">"):
        j = source.find("\n") + 1
        if j == 0:
            return None
        while source.startswith(" ", j):
            j += 1
    k = 0
    while k < offset:
        if j >= len(source):
            return None
        r, ch = source[j], value[k]
        if style == '"' and r == "\\":
            nxt = source[j + 1 : j + 2]
            if nxt in ("\n", "\r"):  # an escaped line break produces nothing
                j = _skip_indent(source, j + 1)
                continue
            j += _ESCAPE_LENGTH.get(nxt, 2)
            k += 1
        elif style == "'" and source.startswith("''", j):
            j += 2
            k += 1
        elif r in "\r\n":
            j = _skip_indent(source, j)
            if ch in " \n":
                k += 1
        elif r == ch:
            j += 1
            k += 1
        elif r in " \t":
            j += 1  # whitespace that folding dropped
        else:
            return None
    want = value[offset] if offset < len(value) else None
    while j < len(source):
        if style == '"' and source.startswith("\\", j) and source[j + 1 : j + 2] in ("\n", "\r"):
            j = _skip_indent(source, j + 1)
        elif want is not None and not want.isspace() and source[j] in " \t\r\n":
            j += 1
        else:
            break
    if want is not None and (j >= len(source) or (source[j] != want and source[j] != "\\")):
        return None
    return j


def _skip_indent(source: str, j: int) -> int:
    """Past the line break at ``source[j]`` and the next line's indentation."""
    j += 2 if source.startswith("\r\n", j) else 1
    while source.startswith((" ", "\t"), j):
        j += 1
    return j


def real_path(path: os.PathLike[str] | str) -> Path:
    """The absolute path with symbolic links resolved; never raises, even for a link loop.

    (``Path.resolve()`` raises RuntimeError on a loop before Python 3.13.)
    """
    return Path(os.path.realpath(path))


def display_path(path: os.PathLike[str] | str) -> str:
    """A path as the user would type it: relative to the working directory if inside it."""
    p = Path(path)
    try:
        return str(real_path(p).relative_to(real_path(Path.cwd())))
    except (ValueError, OSError):
        return str(p)


# --------------------------------------------------------------------------- reading


def read_text(path: Path, name: str) -> str:
    """The file's text; one clear error for missing, huge, binary or non-UTF-8 files."""
    return decode(read_raw(path, name), name)


def read_raw(path: os.PathLike[str] | str, name: str) -> bytes:
    """The file's bytes; InputError (E008 or E004) if it cannot be read or is too big.

    At most ``MAX_BYTES + 1`` bytes are read, so a huge file (or an endless
    device) is refused without reading it all. The file is opened without
    blocking, so a named pipe with no writer is refused instead of hanging.
    """
    path = os.fspath(path)  # not a FieldPath: batch reads thousands of files through here
    try:
        fd = os.open(path, _O_FLAGS)
    except IsADirectoryError:
        raise _fail("E008", name, "is a directory, not a file") from None
    except FileNotFoundError:
        raise _fail("E008", name, "no such file") from None
    except PermissionError:
        # Windows refuses to open a folder with "permission denied".
        what = "is a directory, not a file" if os.path.isdir(path) else "permission denied"
        raise _fail("E008", name, what) from None
    except OSError as exc:
        raise _fail("E008", name, exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _fail("E008", name, "is a directory, not a file")
        regular = stat.S_ISREG(info.st_mode)
        if hasattr(os, "set_blocking") and hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = _read_bounded(fh, info)
    except IsADirectoryError:
        raise _fail("E008", name, "is a directory, not a file") from None
    except PermissionError:
        raise _fail("E008", name, "permission denied") from None
    except OSError as exc:
        raise _fail("E008", name, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise _fail("E004", name, f"file is larger than {MAX_BYTES:,} bytes")
    if not raw and not regular:
        raise _fail("E008", name, "is not a regular file (a pipe or device with nothing to read)")
    return raw


def _read_bounded(fh: BinaryIO, info: os.stat_result) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes, read by the file's size where it has one.

    ``read(MAX_BYTES + 1)`` allocates 5 MiB for every small file (measured: 70 us
    against 11 us per file), so a regular file is read at its size; one that grows
    while we read it, a pipe or a device is still never read past the bound.
    """
    if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES:
        data = fh.read(info.st_size + 1)
        if len(data) <= info.st_size:
            return data
        return data + fh.read(MAX_BYTES + 1 - len(data))  # it grew while we read it
    return fh.read(MAX_BYTES + 1)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is allowed); one clear error for anything else."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _fail("E005", name, "file is UTF-32; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail("E005", name, "file is UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "",
            [
                finding(
                    "E005", f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"
                ).located(name, line, None)
            ],
        ) from None
    if "\x00" in text:
        raise _fail("E005", name, "file contains NUL bytes (binary data?)")
    return text


def _fail(
    rule: str, name: str, message: str, line: int | None = None, col: int | None = None
) -> InputError:
    return InputError(message, [finding(rule, message).located(name, line, col)])


_FLOW_OPEN: Final = re.compile(r"[\[{]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _flow_too_deep(text: str) -> int:
    """Where flow collections (``[`` and ``{``) first nest past MAX_DEPTH, or -1.

    A cheap check made before parsing; quoted text is skipped.
    """
    if len(_FLOW_OPEN.findall(text)) <= MAX_DEPTH:
        return -1
    depth = 0
    quote = ""
    for index, ch in enumerate(text):
        if quote:
            if ch == quote or ch == "\n":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif ch in "]}":
            depth = max(0, depth - 1)
    return -1


def parse_yaml(text: str, name: str) -> Document:
    """Parse one YAML (or JSON) document into plain data with marks."""
    too_deep = _flow_too_deep(text)
    if too_deep >= 0:
        deep = f"nesting deeper than {MAX_DEPTH} levels"
        raise _fail("E003", name, deep, *_line_col(text, too_deep))
    loader: Any = None
    line: int | None = None
    col: int | None = None
    try:
        # The pure-Python reader checks the characters as it is built.
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        where = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        if where >= 0:
            line, col = _line_col(text, where)
        what = f"character U+{exc.character:04X}" if isinstance(exc.character, int) else "a byte"
        message = f"{what} is not allowed in YAML (control characters cannot appear in text)"
        raise _fail("E001", name, message, line, col) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "found" not in problem:
            problem = f"{exc.context}: {problem}"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        if "maximum nesting depth" in problem:  # libyaml's own bound (1,000 levels)
            deep = f"nesting deeper than {MAX_DEPTH} levels"
            raise _fail("E003", name, deep, line, col) from None
        raise _fail("E001", name, _yaml_problem(problem, text, mark), line, col) from None
    except yaml.YAMLError as exc:
        raise _fail("E001", name, (str(exc).splitlines() or ["invalid YAML"])[0]) from None
    except RecursionError:
        raise _fail("E003", name, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(name, None)
    if node is None:
        raise _fail("E006", name, "file is empty; a questionnaire or answers file is a mapping")
    builder = _Builder(loader, doc, text)
    doc.data = builder.build(node, (), 0)
    if not isinstance(doc.data, dict):
        raise _fail(
            "E006",
            name,
            "top level is not a mapping (key: value lines)",
            node.start_mark.line + 1,
            1,
        )
    return doc


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _yaml_problem(problem: str, text: str, mark: Any) -> str:
    if mark is not None and ("tab" in problem or "\t" in _line(text, mark.line)[: mark.column + 1]):
        return f"{problem} (tabs cannot indent YAML; use spaces)"
    return problem


def _line(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


class _Builder:
    """Builds plain data from composed nodes, recording marks."""

    def __init__(self, loader: Any, doc: Document, text: str = "") -> None:
        self.loader = loader
        self.doc = doc
        self.text = text
        self.count = 0
        self.active: set[int] = set()

    def _mark(self, node: yaml.Node) -> Mark:
        start, end = node.start_mark, node.end_mark
        source = None
        if (
            isinstance(node, yaml.ScalarNode)
            and node.tag == "tag:yaml.org,2002:str"
            and 0 <= start.index < end.index <= len(self.text)
            and end.index - start.index <= _MAX_SOURCE
        ):
            source = self.text[start.index : end.index]
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        return Mark(self.doc.file, start.line + 1, start.column + 1, source, style)

    def _err(self, rule: str, message: str, node: yaml.Node) -> InputError:
        m = self._mark(node)
        return _fail(rule, self.doc.file, message, m.line, m.column)

    def build(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self._err("E003", f"more than {MAX_NODES:,} values (alias expansion?)", node)
        if depth > MAX_DEPTH:
            raise self._err("E003", f"nesting deeper than {MAX_DEPTH} levels", node)
        self.doc.marks.setdefault(path, self._mark(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _STR_TAGS:
                raise self._err("E009", f"tag {node.tag!r} is not allowed; use plain values", node)
            try:
                value = self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                if "integer string conversion" in str(exc):
                    raise self._err("E001", "number has too many digits", node) from None
                raise self._err("E001", f"bad value: {exc}".splitlines()[0], node) from None
            except (IndexError, KeyError, TypeError, AttributeError):
                # An explicit tag on text that does not fit it (`!!int _`, `!!bool x`).
                kind = str(node.tag).rsplit(":", 1)[-1]
                raise self._err("E001", f"{clip(node.value)} is not a valid {kind}", node) from None
            if isinstance(value, str) and _SURROGATE.search(value):
                raise self._err(
                    "E005", "text holds an invalid Unicode escape (a lone surrogate)", node
                )
            return value
        key = id(node)
        if key in self.active:
            raise self._err("E003", "a YAML alias refers to itself", node)
        self.active.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                if node.tag != _SEQ_TAG:
                    raise self._err(
                        "E009", f"tag {node.tag!r} is not allowed; use a plain list", node
                    )
                return [
                    self.build(child, (*path, i), depth + 1) for i, child in enumerate(node.value)
                ]
            assert isinstance(node, yaml.MappingNode)
            if node.tag != _MAP_TAG:
                raise self._err(
                    "E009", f"tag {node.tag!r} is not allowed; use a plain mapping", node
                )
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(key)

    def _mapping(self, node: yaml.MappingNode, path: FieldPath, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._err("E001", "a mapping key must be plain text or a number", key_node)
            key = self.build(key_node, (*path, "\x00key"), depth + 1)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key) if key is not None else "null"
            if isinstance(key, int) and key.bit_length() > 63:
                raise self._err("E001", "a number used as a key is too large", key_node)
            if isinstance(key, str) and _CONTROL.search(key):
                raise self._err(
                    "E001", f"key {clip(key)} holds a line break or control character", key_node
                )
            if key in out:
                raise self._err("E002", f"duplicate key {clip(key)}", key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


def read_document(path: os.PathLike[str] | str, reads: dict[Path, bytes] | None = None) -> Document:
    """Read and parse one file (any kind); ``reads`` gets its bytes, by real path.

    A file whose bytes are already in ``reads`` is not read again: those bytes are
    parsed, so a pipe is read once and every step sees the same bytes.
    ``-`` is standard input (read once: :mod:`mutual_detector.stdin`).
    """
    if os.fspath(path) == "-":
        from mutual_detector.stdin import STDIN_NAME, read_stdin

        return parse_yaml(decode(read_stdin(MAX_BYTES), STDIN_NAME), STDIN_NAME)
    name = display_path(path)
    if reads is None:
        raw = read_raw(path, name)
    else:
        key = real_path(path)
        known = reads.get(key)
        raw = reads[key] = read_raw(path, name) if known is None else known
    return parse_yaml(decode(raw, name), name)


# --------------------------------------------------------------------------- validation


_MESSAGES: Final = [
    ("Field required", "is required"),
    ("Extra inputs are not permitted", "is not a known field (check the spelling)"),
    ("Input should be a valid", "must be a valid"),
    ("Input should be", "must be"),
    ("Value error, ", ""),
    ("String should have at most", "must have at most"),
    ("String should match pattern", "must match"),
    ("List should have at least", "must have at least"),
]


def _humanise(msg: str) -> str:
    for old, new in _MESSAGES:
        if msg.startswith(old):
            return new + msg[len(old) :]
    return msg


def _trim_loc(data: Any, loc: tuple[Any, ...]) -> FieldPath:
    """The part of a pydantic ``loc`` that indexes into ``data`` (drops union tags)."""
    out: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            out.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not _is_union_tag(part):
            out.append(part)  # a missing field: name it
            break
        else:
            continue
    return tuple(out)


def _is_union_tag(part: str) -> bool:
    return any(ch in part for ch in "[]()") or part in {
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "none",
    }


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    if isinstance(value, dt.date):
        return f" (got the date {value.isoformat()}; put it in quotes to keep it as text)"
    if isinstance(value, str):
        cut = value[:60] + ("…" if len(value) > 60 else "")
        return f' (got "{_CONTROL.sub(lambda m: repr(m.group())[1:-1], cut)}")'
    return f" (got {clip(value)})"


#: pydantic's type errors, as a council officer would say what was expected.
_TYPE_NAMES: Final = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}


def _union_message(errors: list[Any]) -> str | None:
    """One message for a value that matched none of several types (a union), or None."""
    if len(errors) < 2 or not all(e["type"] in _TYPE_NAMES for e in errors):
        return None
    names = list(dict.fromkeys(_TYPE_NAMES[e["type"]] for e in errors))
    if "a number" in names and "a whole number" in names:
        names.remove("a whole number")
    return "must be " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0])


def validation_findings(doc: Document, exc: ValidationError) -> list[Finding]:
    seen: dict[FieldPath, Finding] = {}
    errors = [(_trim_loc(doc.data, tuple(e["loc"])), e) for e in exc.errors(include_url=False)]
    # Where one branch of a union got further (a list whose items are wrong), name the items.
    prefixes = {p[:i] for p, _ in errors for i in range(len(p))}
    for path, err in errors:
        if path in seen:
            continue
        if err["type"] in _TYPE_NAMES and path in prefixes:
            continue
        union = _union_message([e for p, e in errors if p == path])
        if union is not None:
            seen[path] = doc.locate(finding("E010", union + _got(err.get("input")), path))
            continue
        expr_error = _expression_error(path, err.get("input"), err["type"])
        if expr_error is not None:
            message = f"{expr_error.message} (at character {expr_error.offset + 1})"
            seen[path] = doc.locate(finding("Q105", message, path, offset=expr_error.offset))
            continue
        quiet = err["type"] in ("missing", "extra_forbidden") or "(got " in err["msg"]
        got = "" if quiet else _got(err.get("input"))
        seen[path] = doc.locate(finding("E010", _humanise(err["msg"]) + got, path))
    return list(seen.values())


def _expression_error(path: FieldPath, value: Any, kind: str) -> ExpressionError | None:
    """The syntax error of a ``when:`` condition, to report it as Q105 at its column."""
    if kind != "value_error" or not path or path[-1] != "when" or not isinstance(value, str):
        return None
    from mutual_detector.model.expr import ExpressionError, parse

    try:
        parse(value)
    except ExpressionError as exc:
        return exc
    return None


def validate_model(doc: Document, model: type[BaseModel], data: Any | None = None) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        findings = validation_findings(doc, exc)
        raise InputError(findings[0].one_line() if findings else str(exc), findings) from None


# --------------------------------------------------------------------------- questionnaires


_LIST_KEYS: Final = ("sources", "topics", "sections", "questions", "flags", "recommendations")


@dataclass(frozen=True)
class LoadedQuestionnaire:
    questionnaire: Questionnaire
    document: Document
    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def _check_format(doc: Document, want: Iterable[Kind]) -> Kind:
    kind = doc.kind
    if kind is None or kind not in want:
        fmt = doc.data.get("format")
        wanted = " or ".join(k for k, v in FORMATS.items() if v in want)
        message = (
            f"format {fmt!r} is not one this version reads; expected {wanted}"
            if fmt
            else f"missing `format:` line; expected {wanted}"
        )
        raise InputError(message, [doc.locate(finding("E007", message, ("format",)))])
    return kind


def merge_parts(
    doc: Document, base_dir: Path, reads: dict[Path, bytes] | None = None
) -> tuple[Document, tuple[str, ...]]:
    """The questionnaire document with its ``include:`` parts appended (``reads``: as above)."""
    data = dict(doc.data)
    marks = dict(doc.marks)
    files = [doc.file]
    includes = data.get("include") or []
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise InputError(
            "include must be a list of paths",
            [doc.locate(finding("E011", "include must be a list of file paths", ("include",)))],
        )
    seen: set[Path] = set()
    root = real_path(base_dir)
    for n, rel in enumerate(includes):
        target = real_path(base_dir / rel)
        located = doc.locate(finding("E011", "", ("include", n)))
        if not target.is_relative_to(root):
            raise InputError(
                "", [replace(located, message=f"{rel!r} is outside the questionnaire's folder")]
            )
        if target in seen:
            raise InputError("", [replace(located, message=f"{rel!r} is included twice")])
        seen.add(target)
        try:
            part = read_document(target, reads)
        except InputError as exc:
            if any(f.rule == "E008" for f in exc.findings):
                msg = f"cannot read included file {rel!r}: {exc.findings[0].message}"
                raise InputError(msg, [replace(located, message=msg)]) from None
            raise
        _check_format(part, ["part"])
        unknown = sorted(set(part.data) - {"format", *_LIST_KEYS}, key=str)
        if unknown:
            msg = f"a part file may only hold format and {', '.join(_LIST_KEYS)}"
            raise InputError(msg, [part.locate(finding("E010", msg, (unknown[0],)))])
        files.append(part.file)
        for key in _LIST_KEYS:
            items = part.data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise InputError("", [part.locate(finding("E010", "must be a list", (key,)))])
            existing = data.get(key) or []
            if not isinstance(existing, list):
                break
            offset = len(existing)
            data[key] = [*existing, *items]
            for p, mark in part.marks.items():
                if p and p[0] == key and len(p) > 1 and isinstance(p[1], int):
                    marks[(key, p[1] + offset, *p[2:])] = mark
    return Document(doc.file, data, marks), tuple(files)


def load_questionnaire(
    path: os.PathLike[str] | str,
    document: Document | None = None,
    *,
    reads: dict[Path, bytes] | None = None,
) -> LoadedQuestionnaire:
    """Load, merge, validate and lint a questionnaire; raise InputError on errors.

    ``document`` is the file already read by :func:`read_document`, if it was.
    ``reads`` gets the bytes of every file read, by real path.
    """
    from mutual_detector.model.checks import lint
    from mutual_detector.model.questionnaire import Questionnaire

    doc = document if document is not None else read_document(path, reads)
    _check_format(doc, ["questionnaire"])
    merged, files = merge_parts(doc, Path(path).parent, reads)
    model: Questionnaire = validate_model(merged, Questionnaire)
    findings = tuple(sorted((merged.locate(f) for f in lint(model)), key=Finding.sort_key))
    loaded = LoadedQuestionnaire(model, merged, files, findings)
    if loaded.errors:
        raise InputError(loaded.errors[0].one_line(), findings)
    return loaded


# --------------------------------------------------------------------------- built-ins


def builtin_dir() -> Path:
    """Where the built-in questionnaires are: inside the installed package, or the checkout."""
    packaged = Path(__file__).with_name("questionnaires")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "questionnaires"


def builtin_paths() -> list[Path]:
    """Top-level built-in questionnaire files (parts live in sub-folders)."""
    return sorted(builtin_dir().glob("*.yaml"))


DEFAULT_QUESTIONNAIRE: Final = "mutual-detector"


def resolve_questionnaire(ref: str | os.PathLike[str] | None) -> Path:
    """A path for ``ref``: an existing path, or the id of a built-in questionnaire."""
    if ref is None:
        ref = DEFAULT_QUESTIONNAIRE
    candidate = Path(ref)
    if (
        candidate.exists()
        or any(sep in str(ref) for sep in ("/", os.sep))
        or str(ref).endswith((".yaml", ".yml", ".json"))
    ):
        return candidate
    for p in builtin_paths():
        if p.stem == str(ref):
            return p
    known = ", ".join(p.stem for p in builtin_paths()) or "none"
    raise InputError(
        f"no questionnaire {str(ref)!r}: not a file, nor a built-in id (built-ins: {known})"
    )


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime: float) -> LoadedQuestionnaire:
    """The questionnaire at ``path``: remembered from an earlier run if its files are unchanged.

    See :mod:`mutual_detector.questionnaire_cache`; anything wrong with what was
    remembered, and the questionnaire is loaded (and its errors reported) as usual.
    """
    from mutual_detector import questionnaire_cache

    remembered = questionnaire_cache.load(path)
    if remembered is not None:
        return remembered
    reads: dict[Path, bytes] = {}
    loaded = load_questionnaire(path, reads=reads)
    questionnaire_cache.save(path, loaded, reads)
    return loaded


def get_questionnaire(ref: str | os.PathLike[str] | None) -> LoadedQuestionnaire:
    path = resolve_questionnaire(ref)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load_cached(str(path), mtime)


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class LoadedAnswers:
    answers: AnswersFile
    document: Document


def parse_answers(doc: Document) -> LoadedAnswers:
    """Validated answers (built directly if plainly valid: :mod:`mutual_detector.quick_models`)."""
    from mutual_detector.quick_models import plain_answers

    _check_format(doc, ["answers"])
    plain = plain_answers(doc.data)
    if plain is not None:
        return LoadedAnswers(plain, doc)
    from mutual_detector.model.answers import AnswersFile

    return LoadedAnswers(validate_model(doc, AnswersFile), doc)


def load_answers(path: os.PathLike[str] | str) -> LoadedAnswers:
    """Read and validate the shape of an answers file (not yet against a questionnaire)."""
    return parse_answers(read_document(path))


def check_answers(loaded: LoadedAnswers, q: LoadedQuestionnaire) -> list[Finding]:
    """Findings for answers against their questionnaire, located in the answers file."""
    from mutual_detector.model.checks import check_answers_file

    return sorted(
        (loaded.document.locate(f) for f in check_answers_file(q.questionnaire, loaded.answers)),
        key=Finding.sort_key,
    )


__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "HAS_LIBYAML",
    "Document",
    "LoadedAnswers",
    "LoadedQuestionnaire",
    "Mark",
    "builtin_dir",
    "builtin_paths",
    "check_answers",
    "display_path",
    "get_questionnaire",
    "load_answers",
    "load_questionnaire",
    "parse_answers",
    "parse_yaml",
    "read_document",
    "read_raw",
    "real_path",
    "resolve_questionnaire",
]

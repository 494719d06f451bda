"""The located reader: YAML (or JSON) text -> plain data, and where each value stood.

The reference reading of every file: whatever reads faster
(:mod:`mutual_detector.loading.readers`) must give exactly this data, or leave
the file to this reader. Only safe YAML is read: libyaml's C parser when it is
present, the pure one otherwise. We compose the node tree ourselves and build
plain data from it, recording the ``file:line:column`` of each value, rejecting
duplicate keys, object-building tags and three bounds, each named in its own
error: the values written in the file (:data:`MAX_NODES`), the values aliases
add when they are expanded (:data:`MAX_ALIAS_VALUES`, counted apart, so a long
file with no aliases is never taken for an alias bomb) and nesting
(:data:`MAX_DEPTH`). The file's size in bytes is bounded before this
(:mod:`mutual_detector.loading.files`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

import yaml

from mutual_detector import ANSWERS_FORMAT, QUESTIONNAIRE_FORMAT, QUESTIONNAIRE_PART_FORMAT
from mutual_detector.errors import InputError
from mutual_detector.loading.files import fail
from mutual_detector.model.findings import FieldPath, Finding, clip, finding

#: Values (keys, scalars, lists and mappings) written in one file (a 5 MiB questionnaire
#: of typical questions holds about 700,000: the byte limit usually binds first).
MAX_NODES: Final = 1_000_000
#: Values that expanding aliases adds to those written (``*a`` counts the values under ``&a``).
MAX_ALIAS_VALUES: Final = 200_000
MAX_DEPTH: Final = 64
#: libyaml and PyYAML take a key written ``key: value`` only if it is at most this long.
SIMPLE_KEY_LIMIT: Final = 1024
_MAX_SOURCE: Final = 8_000  #: longest scalar whose text is kept to place columns in it

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


class Document:
    """Plain data read from one file, and where each value stood.

    A document read by a fast reader has no marks yet: ``find_marks`` finds them
    (by reading the text again with :func:`parse_yaml`) when they are first
    needed, to place a problem.
    """

    __slots__ = ("_find_marks", "_marks", "data", "file")

    def __init__(
        self,
        file: str,
        data: Any,
        marks: dict[FieldPath, Mark] | None = None,
        *,
        find_marks: Callable[[], dict[FieldPath, Mark]] | None = None,
    ) -> None:
        self.file = file
        self.data = data
        self._marks = marks if marks is not None or find_marks is not None else {}
        self._find_marks = find_marks

    @property
    def marks(self) -> dict[FieldPath, Mark]:
        """Where each value stood, by its path (found now if they were left for later)."""
        if self._marks is None:
            assert self._find_marks is not None
            self._marks = self._find_marks()
            self._find_marks = None
        return self._marks

    @property
    def kind(self) -> Kind | None:
        fmt = self.data.get("format") if isinstance(self.data, dict) else None
        return FORMATS.get(fmt) if isinstance(fmt, str) else None

    def locate(self, f: Finding) -> Finding:
        """``f`` with the file, line and column of the nearest recorded path."""
        path = f.path
        marks = self.marks
        while True:
            mark = marks.get(path)
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


def check_format(doc: Document, want: Iterable[Kind]) -> Kind:
    """The document's kind, if it is one of ``want``; else a located E007."""
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


_FLOW_OPEN: Final = re.compile(r"[\[{]")
SURROGATE: Final = re.compile("[\ud800-\udfff]")
CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_TOO_DEEP: Final = f"nesting deeper than {MAX_DEPTH} levels"


def _flow_too_deep(text: str) -> int:
    """Where flow collections (``[`` and ``{``) first nest past MAX_DEPTH, or -1.

    Only used to place the error once the parser has found the nesting too deep
    (libyaml stops at 1,000 levels, the pure parser at Python's recursion limit):
    a bracket in a comment or a block of text is no nesting, so this scan alone
    must never refuse a file. Quoted text is skipped.
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


def _too_deep(text: str, name: str, line: int | None, col: int | None) -> InputError:
    """E003 at the first flow collection past MAX_DEPTH, else at ``line:col``."""
    index = _flow_too_deep(text)
    if index >= 0:
        line, col = _line_col(text, index)
    return fail("E003", name, _TOO_DEEP, line, col)


def parse_yaml(text: str, name: str) -> Document:
    """Parse one YAML (or JSON) document into plain data with marks (the reference reading)."""
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
        raise fail("E001", name, message, line, col) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "found" not in problem:
            problem = f"{exc.context}: {problem}"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        if "maximum nesting depth" in problem:  # libyaml's own bound (1,000 levels)
            raise _too_deep(text, name, line, col) from None
        if mark is not None:
            long_key = _long_key(text, mark)
            if long_key is not None:
                raise fail("E001", name, _LONG_KEY, mark.line + 1, long_key) from None
        opened = exc.context_mark
        if opened is not None and exc.context and "quoted scalar" in exc.context:
            # A quote never closed: the end of the file says nothing; its start does.
            line, col = opened.line + 1, opened.column + 1
        raise fail("E001", name, _yaml_problem(problem, text, mark, exc), line, col) from None
    except yaml.YAMLError as exc:
        raise fail("E001", name, (str(exc).splitlines() or ["invalid YAML"])[0]) from None
    except RecursionError:
        raise _too_deep(text, name, None, None) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = Document(name, None, {})
    if node is None:
        raise fail("E006", name, "file is empty; a questionnaire or answers file is a mapping")
    builder = _Builder(loader, doc, text)
    doc.data = builder.build(node, (), 0)
    if not isinstance(doc.data, dict):
        raise fail(
            "E006",
            name,
            "top level is not a mapping (key: value lines)",
            node.start_mark.line + 1,
            1,
        )
    return doc


_LONG_KEY: Final = (
    f"a key longer than {SIMPLE_KEY_LIMIT:,} characters: YAML reads `key: value` only for "
    f"keys of up to {SIMPLE_KEY_LIMIT:,} characters; shorten the key, or write it as "
    "`? key` on one line and `: value` on the next"
)


def _long_key(text: str, mark: Any) -> int | None:
    """The column where a too-long key starts, if the ``:`` at ``mark`` ends one.

    libyaml and PyYAML give up on a key of more than SIMPLE_KEY_LIMIT characters
    written ``key: value`` and report the ``:`` after it as "mapping values are
    not allowed" (in a flow mapping, "did not find expected ',' or '}'"), which
    says nothing of the key.
    """
    line = _line(text, mark.line)
    if mark.column <= SIMPLE_KEY_LIMIT or line[mark.column : mark.column + 1] != ":":
        return None
    before = line[: mark.column]
    key = before.lstrip(" -?")
    for opener in ("{", "[", ","):  # a key inside a flow collection starts after these
        key = key.rsplit(opener, 1)[-1]
    key = key.lstrip()
    if len(key.rstrip()) <= SIMPLE_KEY_LIMIT:
        return None
    return len(before) - len(key) + 1


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _yaml_problem(problem: str, text: str, mark: Any, exc: Any = None) -> str:
    """PyYAML's words, with where an open bracket or quote began and the likely cause."""
    if mark is not None and ("tab" in problem or "\t" in _line(text, mark.line)[: mark.column + 1]):
        return f"{problem} (tabs cannot indent YAML; use spaces)"
    context = (getattr(exc, "context", None) or "") if exc is not None else ""
    opened = getattr(exc, "context_mark", None) if exc is not None else None
    if opened is not None and ("flow sequence" in context or "flow mapping" in context):
        bracket = "[" if "sequence" in context else "{"
        close = "]" if bracket == "[" else "}"
        return (
            f"{problem}; the {bracket!r} opened at line {opened.line + 1}, column "
            f"{opened.column + 1} is not closed (add the {close!r} or a missing ',', or put "
            "a text holding ':', ',' or brackets in quotes)"
        )
    if opened is not None and "quoted scalar" in context:
        quote = _line(text, opened.line)[opened.column : opened.column + 1] or "quote"
        inner = " (a ' inside '...' is written '')" if quote == "'" else ""
        return f"the {quote!r} opened here is never closed; close it at the end of the text{inner}"
    if "mapping values are not allowed" in problem:
        return (
            f"{problem}: a ': ' inside a text that is not in quotes; put the whole text in "
            'quotes, e.g. title: "Why it matters: money"'
        )
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
        self.written = 0  # values as written in the file
        self.expanded = 0  # values added by expanding aliases
        self.seen: set[int] = set()  # every node built once (a node met again is an alias)
        self.aliased = 0  # > 0 while building under an alias
        self.holder: yaml.Node | None = None  # the innermost collection written as such
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
        return fail(rule, self.doc.file, message, m.line, m.column)

    def _count(self, node: yaml.Node) -> bool:
        """Count ``node`` as written or as expanded; True if it is met again (an alias)."""
        key = id(node)
        again = self.aliased > 0 or key in self.seen
        if again:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_VALUES:
                raise self._err(  # placed where the aliases are, not at the anchor
                    "E003",
                    f"YAML aliases expand to more than {MAX_ALIAS_VALUES:,} values "
                    "(an alias bomb?)",
                    self.holder or node,
                )
        else:
            self.seen.add(key)
            self.written += 1
            if self.written > MAX_NODES:
                raise self._err(
                    "E004",
                    f"more than {MAX_NODES:,} values (keys, items and mappings) in one file; "
                    "split it into parts (a questionnaire's `include:`)",
                    node,
                )
        return again

    def build(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        again = self._count(node)
        if depth > MAX_DEPTH:
            raise self._err("E003", _TOO_DEEP, node)
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
            if isinstance(value, str) and SURROGATE.search(value):
                raise self._err(
                    "E005", "text holds an invalid Unicode escape (a lone surrogate)", node
                )
            return value
        key = id(node)
        if key in self.active:
            raise self._err("E003", "a YAML alias refers to itself", node)
        self.active.add(key)
        self.aliased += again
        holder = self.holder
        if not again:
            self.holder = node
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
            self.aliased -= again
            self.holder = holder

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
            if isinstance(key, str) and CONTROL.search(key):
                raise self._err(
                    "E001", f"key {clip(key)} holds a line break or control character", key_node
                )
            if key in out:
                raise self._err("E002", f"duplicate key {clip(key)}", key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


__all__ = [
    "CONTROL",
    "FORMATS",
    "HAS_LIBYAML",
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "MAX_NODES",
    "SIMPLE_KEY_LIMIT",
    "SURROGATE",
    "Document",
    "Kind",
    "Mark",
    "check_format",
    "parse_yaml",
]

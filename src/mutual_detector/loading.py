"""YAML/JSON files -> models, with ``file:line:column`` on every problem.

Only safe YAML is read: libyaml's C parser when it is present, the pure one
otherwise. We compose the node tree ourselves and build plain data from it,
recording where each value stands, rejecting duplicate keys, object-building
tags, alias expansion past a bound and nesting past a bound.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, Final, Literal

import yaml

from mutual_detector import ANSWERS_FORMAT, QUESTIONNAIRE_FORMAT, QUESTIONNAIRE_PART_FORMAT
from mutual_detector.errors import InputError
from mutual_detector.model.findings import Finding, Path, finding

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.model.questionnaire import Questionnaire

MAX_BYTES: Final = int(os.environ.get("MUTUAL_DETECTOR_MAX_BYTES", 5 * 1024 * 1024))
MAX_NODES: Final = 200_000
MAX_DEPTH: Final = 64

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


@dataclass
class Document:
    """Plain data read from one file, and where each value stood."""

    file: str
    data: Any
    marks: dict[Path, Mark] = field(default_factory=dict)

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
                return f.located(mark.file, mark.line, mark.column)
            if not path:
                return f.located(self.file, None, None)
            path = path[:-1]


def display_path(path: os.PathLike[str] | str) -> str:
    """A path as the user would type it: relative to the working directory if inside it."""
    p = FsPath(path)
    try:
        return str(p.resolve().relative_to(FsPath.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


# --------------------------------------------------------------------------- reading


def read_text(path: FsPath, name: str) -> str:
    """The file's text; one clear error for missing, huge, binary or non-UTF-8 files."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise _fail("E008", name, "is a directory, not a file") from None
    except FileNotFoundError:
        raise _fail("E008", name, "no such file") from None
    except PermissionError:
        raise _fail("E008", name, "permission denied") from None
    except OSError as exc:
        raise _fail("E008", name, exc.strerror or str(exc)) from None
    if len(raw) > MAX_BYTES:
        raise _fail("E004", name, f"file is larger than {MAX_BYTES:,} bytes")
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
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


def _flow_depth(text: str) -> int:
    """A cheap upper bound on flow-collection nesting, checked before parsing."""
    if len(_FLOW_OPEN.findall(text)) <= MAX_DEPTH:
        return 0
    depth = best = 0
    quote = ""
    for ch in text:
        if quote:
            if ch == quote or ch == "\n":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return best


def parse_yaml(text: str, name: str) -> Document:
    """Parse one YAML (or JSON) document into plain data with marks."""
    if _flow_depth(text) > MAX_DEPTH:
        raise _fail("E003", name, f"nesting deeper than {MAX_DEPTH} levels")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "found" not in problem:
            problem = f"{exc.context}: {problem}"
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise _fail("E001", name, _yaml_problem(problem, text, mark), line, col) from None
    except yaml.YAMLError as exc:
        raise _fail("E001", name, str(exc).splitlines()[0]) from None
    except RecursionError:
        raise _fail("E003", name, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    doc = Document(name, None)
    if node is None:
        raise _fail("E006", name, "file is empty; a questionnaire or answers file is a mapping")
    builder = _Builder(loader, doc)
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


def _yaml_problem(problem: str, text: str, mark: Any) -> str:
    if mark is not None and ("tab" in problem or "\t" in _line(text, mark.line)[: mark.column + 1]):
        return f"{problem} (tabs cannot indent YAML; use spaces)"
    return problem


def _line(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


class _Builder:
    """Builds plain data from composed nodes, recording marks."""

    def __init__(self, loader: Any, doc: Document) -> None:
        self.loader = loader
        self.doc = doc
        self.count = 0
        self.active: set[int] = set()

    def _mark(self, node: yaml.Node) -> Mark:
        return Mark(self.doc.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def _err(self, rule: str, message: str, node: yaml.Node) -> InputError:
        m = self._mark(node)
        return _fail(rule, self.doc.file, message, m.line, m.column)

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
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
                return self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, OverflowError) as exc:
                raise self._err("E001", f"bad value: {exc}".splitlines()[0], node) from None
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

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self._err("E001", "a mapping key must be plain text or a number", key_node)
            key = self.build(key_node, (*path, "\x00key"), depth + 1)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = str(key) if key is not None else "null"
            if key in out:
                raise self._err("E002", f"duplicate key {key!r}", key_node)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out


def read_document(path: os.PathLike[str] | str) -> Document:
    """Read and parse one file (any kind)."""
    name = display_path(path)
    return parse_yaml(read_text(FsPath(path), name), name)


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


def _trim_loc(data: Any, loc: tuple[Any, ...]) -> Path:
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
    text = repr(value) if not isinstance(value, str) else f'"{value[:60]}"'
    return f" (got {text})"


def validation_findings(doc: Document, exc: ValidationError) -> list[Finding]:
    seen: dict[Path, Finding] = {}
    for err in exc.errors(include_url=False):
        path = _trim_loc(doc.data, tuple(err["loc"]))
        if path in seen:
            continue
        got = _got(err.get("input")) if err["type"] not in ("missing", "extra_forbidden") else ""
        seen[path] = doc.locate(finding("E010", _humanise(err["msg"]) + got, path))
    return list(seen.values())


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


def merge_parts(doc: Document, base_dir: FsPath) -> tuple[Document, tuple[str, ...]]:
    """The questionnaire document with its ``include:`` parts appended."""
    data = dict(doc.data)
    marks = dict(doc.marks)
    files = [doc.file]
    includes = data.get("include") or []
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise InputError(
            "include must be a list of paths",
            [doc.locate(finding("E011", "include must be a list of file paths", ("include",)))],
        )
    seen: set[FsPath] = set()
    root = base_dir.resolve()
    for n, rel in enumerate(includes):
        target = (base_dir / rel).resolve()
        located = doc.locate(finding("E011", "", ("include", n)))
        if not target.is_relative_to(root):
            raise InputError(
                "", [replace(located, message=f"{rel!r} is outside the questionnaire's folder")]
            )
        if target in seen:
            raise InputError("", [replace(located, message=f"{rel!r} is included twice")])
        seen.add(target)
        try:
            part = read_document(target)
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


def load_questionnaire(path: os.PathLike[str] | str) -> LoadedQuestionnaire:
    """Load, merge, validate and lint a questionnaire; raise InputError on errors."""
    from mutual_detector.model.checks import lint
    from mutual_detector.model.questionnaire import Questionnaire

    doc = read_document(path)
    _check_format(doc, ["questionnaire"])
    merged, files = merge_parts(doc, FsPath(path).parent)
    model: Questionnaire = validate_model(merged, Questionnaire)
    findings = tuple(sorted((merged.locate(f) for f in lint(model)), key=Finding.sort_key))
    loaded = LoadedQuestionnaire(model, merged, files, findings)
    if loaded.errors:
        raise InputError(loaded.errors[0].one_line(), findings)
    return loaded


# --------------------------------------------------------------------------- built-ins


def builtin_dir() -> FsPath:
    """Where the built-in questionnaires are: inside the installed package, or the checkout."""
    packaged = FsPath(__file__).with_name("questionnaires")
    if packaged.is_dir():
        return packaged
    return FsPath(__file__).resolve().parents[2] / "questionnaires"


def builtin_paths() -> list[FsPath]:
    """Top-level built-in questionnaire files (parts live in sub-folders)."""
    return sorted(builtin_dir().glob("*.yaml"))


DEFAULT_QUESTIONNAIRE: Final = "mutual-detector"


def resolve_questionnaire(ref: str | os.PathLike[str] | None) -> FsPath:
    """A path for ``ref``: an existing path, or the id of a built-in questionnaire."""
    if ref is None:
        ref = DEFAULT_QUESTIONNAIRE
    candidate = FsPath(ref)
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
    return load_questionnaire(path)


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
    from mutual_detector.model.answers import AnswersFile

    _check_format(doc, ["answers"])
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
    "resolve_questionnaire",
]

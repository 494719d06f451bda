"""Remembered questionnaires: a loaded questionnaire kept as plain JSON in the user's cache folder.

Reading a questionnaire with ``file:line:column`` marks, merging its parts,
validating it and checking it (:func:`mutual_detector.loading.load_questionnaire`)
takes longer than scoring a set of answers. :func:`mutual_detector.loading.get_questionnaire`
therefore keeps what a clean load produced, as JSON (never pickle), in the
same folder as the remembered result of ``validate``
(:func:`cache_dir`; ``MUTUAL_DETECTOR_NO_CACHE`` turns it off), one file per
questionnaire path.

An entry is used only if its key matches: the bytes of the main file and of
every part it includes, the tool's version, the Python and pydantic versions,
the size limit on input files, and the size and time of the code files that
read and check a questionnaire. A missing, damaged or stale entry is ignored
and the questionnaire is loaded again as usual, so errors are always reported
from the files themselves, with their ``file:line:column``; only
questionnaires that loaded without errors are ever kept.

The model is rebuilt from the entry without validating it again: each value
is the dump of a validated model, so it needs only the conversions JSON
loses (nested models, conditions, whole-number keys), derived from the
models' own field types. ``tests/test_questionnaire_cache.py`` checks that
the rebuilt questionnaire equals the validated one field by field (types and
fields set included) and has the same SHA-256.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
import sys
import threading
import types
import typing
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mutual_detector import __version__
from mutual_detector.loading import (
    MAX_BYTES,
    Document,
    LoadedQuestionnaire,
    display_path,
    merge_parts,
    read_document,
    read_raw,
    real_path,
)
from mutual_detector.model.findings import Finding
from mutual_detector.quick_models import construct

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.fields import FieldInfo

    from mutual_detector.model.expr import Expression
    from mutual_detector.model.questionnaire import Questionnaire

CACHE_FORMAT: Final = 1
PREFIX: Final = "questionnaire-"
#: Entries kept; the oldest beyond this are removed when one is written.
KEEP: Final = 20

#: The code that decides what a loaded questionnaire is: a change to any of these (in a
#: checkout) makes every entry stale, as a new version does.
_CODE: Final = (
    "loading.py",
    "questionnaire_cache.py",
    "model/questionnaire.py",
    "model/expr.py",
    "model/checks.py",
    "model/findings.py",
)


def cache_dir() -> Path | None:
    """Where results are remembered; None if caching is turned off."""
    if os.environ.get("MUTUAL_DETECTOR_NO_CACHE"):
        return None
    explicit = os.environ.get("MUTUAL_DETECTOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mutual-detector"


class _Miss(Exception):
    """The entry cannot be used (or written): load the questionnaire as usual."""


# --------------------------------------------------------------------------- keys


def _entry_file(folder: Path, main: Path) -> Path:
    name = hashlib.sha256(os.fsencode(main)).hexdigest()[:32]
    return folder / f"{PREFIX}{name}.json"


def _head(main: Path) -> bytes:
    from pydantic.version import VERSION as pydantic_version

    package = Path(__file__).parent
    code = []
    for rel in _CODE:
        try:
            st = (package / rel).stat()
        except OSError:
            raise _Miss from None
        code.append([rel, st.st_size, st.st_mtime_ns])
    head = [CACHE_FORMAT, __version__, sys.version, pydantic_version, MAX_BYTES, str(main), code]
    return json.dumps(head).encode()


def _parts(path: Path, include: list[str]) -> list[Path]:
    """The real paths of the included parts, as :func:`merge_parts` finds them."""
    base = Path(path).parent
    root = real_path(base)
    targets = [real_path(base / rel) for rel in include]
    if len(set(targets)) != len(targets) or not all(t.is_relative_to(root) for t in targets):
        raise _Miss  # loading would fail: let it say why
    for target in (real_path(path), *targets):
        _regular(target)
    return targets


def _regular(path: Path) -> None:
    """Only plain files are remembered: a pipe or a device cannot be read twice."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _Miss
    except OSError:
        raise _Miss from None


def _key(main: Path, include: list[str], parts: list[Path], read: Callable[[Path], bytes]) -> str:
    digest = hashlib.sha256(_head(main))
    digest.update(hashlib.sha256(read(main)).digest())
    for rel, target in zip(include, parts, strict=True):
        digest.update(json.dumps([rel, str(target)]).encode())
        digest.update(hashlib.sha256(read(target)).digest())
    return digest.hexdigest()


def _read_now(path: Path) -> bytes:
    from mutual_detector.errors import InputError

    try:
        return read_raw(path, str(path))
    except InputError:
        raise _Miss from None


# --------------------------------------------------------------------------- load


def load(path: os.PathLike[str] | str) -> LoadedQuestionnaire | None:
    """The remembered questionnaire at ``path`` if its files have not changed, else None."""
    folder = cache_dir()
    if folder is None:
        return None
    main = real_path(path)
    try:
        entry = json.loads(_entry_file(folder, main).read_bytes())
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT:
            return None
        include = entry["include"]
        parts = _parts(Path(path), include)
        if entry["key"] != _key(main, include, parts, _read_now):
            return None
        from mutual_detector.model.questionnaire import Questionnaire

        model = build(Questionnaire, entry["data"], entry["trees"])
        if model.include != include:
            return None
        model.__dict__["sha256"] = entry["sha256"]  # the cached_property's value
        files = (display_path(path), *(display_path(p) for p in parts))
        findings = tuple(
            sorted(
                (_finding(f, files) for f in entry["findings"]),
                key=Finding.sort_key,
            )
        )
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, _Miss):
        return None  # missing, damaged or stale: load as usual
    return LoadedQuestionnaire(model, _Deferred(path, files[0]), files, findings)


def _finding(data: dict[str, Any], files: tuple[str, ...]) -> Finding:
    index = data["file"]
    return Finding(
        **{**data, "path": tuple(data["path"]), "file": None if index is None else files[index]}
    )


class _Deferred(Document):
    """The merged document of a remembered questionnaire, read from its files only if asked for."""

    def __init__(self, path: os.PathLike[str] | str, file: str) -> None:
        self.__dict__["file"] = file
        self.__dict__["_path"] = path

    def __getattr__(self, name: str) -> Any:
        if name not in ("data", "marks"):
            raise AttributeError(name)
        path = self.__dict__["_path"]
        merged, _ = merge_parts(read_document(path), Path(path).parent)
        self.__dict__["data"] = merged.data
        self.__dict__["marks"] = merged.marks
        return self.__dict__[name]


# --------------------------------------------------------------------------- save


def save(
    path: os.PathLike[str] | str, loaded: LoadedQuestionnaire, reads: dict[Path, bytes]
) -> None:
    """Remember ``loaded`` (a clean load of ``path``); ``reads``: the bytes it was loaded from.

    Never raises: a cache that cannot be written only makes the next start slower.
    """
    folder = cache_dir()
    if folder is None or loaded.errors:
        return
    from dataclasses import asdict

    from mutual_detector.atomic import atomic_write
    from mutual_detector.errors import OutputError

    main = real_path(path)
    q = loaded.questionnaire
    try:
        include = list(q.include)
        parts = _parts(Path(path), include)

        def read(p: Path) -> bytes:
            if p not in reads:
                raise _Miss  # not what the questionnaire was loaded from
            return reads[p]

        findings = []
        for f in loaded.findings:
            if f.file is not None and f.file not in loaded.files:
                raise _Miss
            index = None if f.file is None else loaded.files.index(f.file)
            findings.append({**asdict(f), "path": list(f.path), "file": index})
        entry = {
            "format": CACHE_FORMAT,
            "key": _key(main, include, parts, read),
            "include": include,
            "sha256": q.sha256,
            "data": q.model_dump(mode="json", exclude_unset=True),
            "trees": expression_trees(q),
            "findings": findings,
        }
        text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        target = _entry_file(folder, main)
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(target, text)
        old = sorted(folder.glob(f"{PREFIX}*.json"), key=_mtime)[:-KEEP]
        for stale in old:
            stale.unlink(missing_ok=True)
    except (OSError, OutputError, ValueError, TypeError, _Miss):
        pass


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# --------------------------------------------------------------------------- rebuilding models

Convert = Callable[[Any], Any]
#: Per field: its name, how to convert its JSON value (None: as it is) and how to make its
#: default (None: required).
_Plan = tuple[tuple[str, "Convert | None", "Callable[[], Any] | None"], ...]
_plans: dict[type[Any], _Plan] = {}


def build(
    cls: type[Questionnaire], data: dict[str, Any], trees: dict[str, Any] | None = None
) -> Questionnaire:
    """The model ``cls`` holding ``data`` (its JSON dump with ``exclude_unset``), unvalidated.

    ``trees``: conditions already parsed, by their text (:func:`expression_trees`);
    any other is parsed.
    """
    _local.trees = trees or {}
    _local.made = {}
    try:
        model: Questionnaire = _build(cls, data)
    finally:
        _local.trees = _local.made = {}
    return model


def _build(cls: type[BaseModel], data: Any) -> Any:
    plan = _plans.get(cls)
    if plan is None:
        plan = _plans[cls] = _plan(cls)
    if type(data) is not dict:
        raise _Miss
    values: dict[str, Any] = {}
    given = 0
    for name, convert, default in plan:
        if name in data:
            given += 1
            value = data[name]
            values[name] = value if convert is None else convert(value)
        elif default is None:
            raise _Miss  # a required field is missing
        else:
            values[name] = default()
    if given != len(data):
        raise _Miss  # a key the model does not have
    return construct(cls, values, set(data))


def _plan(cls: type[BaseModel]) -> _Plan:
    if cls.__pydantic_root_model__ or cls.model_config.get("extra") == "allow":
        raise TypeError(f"{cls.__name__}: not a plain model")
    return tuple(
        (name, _converter(info.annotation), _default(info))
        for name, info in cls.model_fields.items()
    )


def _default(info: FieldInfo) -> Callable[[], Any] | None:
    """A maker of the field's default, as validation gives it; None for a required field."""
    factory = info.default_factory
    if factory is not None:
        if factory not in _NO_ARGUMENTS and info.default_factory_takes_validated_data:
            raise TypeError("a default factory that takes the data")  # (slow check: last)
        return factory  # type: ignore[return-value]
    if info.is_required():
        return None
    value = info.default
    if type(value) in _PLAIN:
        return lambda: value
    return lambda: info.get_default(call_default_factory=True)


_PLAIN: Final = (str, int, float, bool, type(None))
_NO_ARGUMENTS: Final = (list, dict, set, frozenset, tuple)


def _converter(tp: Any) -> Convert | None:
    """How to turn the JSON form of a ``tp`` value back into it (None: as it is).

    Raises TypeError for a type this does not know, so that a new kind of
    field cannot be rebuilt wrongly (the tests rebuild every model).
    """
    from pydantic import BaseModel

    from mutual_detector.model.expr import Expression

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Annotated:
        return _converter(args[0])
    if tp in _PLAIN or origin is typing.Literal:
        return None
    if tp is Expression:
        return _expression
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp not in _plans:
            _plans[tp] = ()  # a placeholder against recursion, replaced at once
            _plans[tp] = _plan(tp)
        return lambda value: _build(tp, value)
    if origin in (typing.Union, types.UnionType):
        converters = [_converter(a) for a in args if a is not type(None)]
        if all(c is None for c in converters):
            return None
        if len(converters) == 1:
            inner = converters[0]
            assert inner is not None
            return lambda value: None if value is None else inner(value)
        raise TypeError(f"a union with more than one type needing conversion: {tp!r}")
    if origin is list:
        item = _converter(args[0])
        if item is None:
            return None
        return lambda value: [item(v) for v in value]
    if origin is dict:
        key = _converter(args[0])
        val = _converter(args[1])
        key_tp = typing.get_args(args[0])[0] if typing.get_origin(args[0]) else args[0]
        if key_tp is int:
            key = int
        elif key_tp is not str:
            raise TypeError(f"dict keys of type {key_tp!r}")
        if key is None and val is None:
            return None
        k = key or _same
        v = val or _same
        return lambda value: {k(a): v(b) for a, b in value.items()}
    raise TypeError(f"cannot rebuild a field of type {tp!r} from JSON")


def _same(value: Any) -> Any:
    return value


# --------------------------------------------------------------------------- conditions
#
# Parsing the conditions again took as long as rebuilding everything else, so an
# entry also holds each condition's syntax tree: a node is a list of its class
# name and its fields, a tuple of nodes {"t": [...]}.

_local = threading.local()


def _expression(source: str) -> Expression:
    """The condition ``source``, as validation parses it (equal ones are shared: they are frozen)."""
    made: dict[str, Expression] = _local.made
    found = made.get(source)
    if found is None:
        tree = _local.trees.get(source)
        found = made[source] = _parse(source) if tree is None else _rebuild(source, tree)
    return found


def _parse(source: str) -> Expression:
    from mutual_detector.model.expr import parse

    return parse(source)


def expression_trees(model: BaseModel) -> dict[str, Any]:
    """Every condition in ``model`` (and the models in it): its syntax tree, by its text."""
    from pydantic import BaseModel

    from mutual_detector.model.expr import Expression

    out: dict[str, Any] = {}
    stack: list[Any] = [model]
    while stack:
        item = stack.pop()
        if isinstance(item, Expression):
            out[item.source] = [_encode(item.tree), sorted(item.refs), sorted(item.functions)]
        elif isinstance(item, BaseModel):
            stack.extend(item.__dict__.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return out


def _encode(node: Any) -> Any:
    if isinstance(node, tuple):
        return {"t": [_encode(n) for n in node]}
    if dataclasses.is_dataclass(node):
        names = _node_fields()[type(node).__name__][1]
        return [type(node).__name__, *(_encode(getattr(node, n)) for n in names)]
    if node is None or type(node) in (bool, int, float, str):
        return node
    raise TypeError(f"cannot remember {node!r} in a condition")


def _rebuild(source: str, entry: Any) -> Expression:
    from mutual_detector.model.expr import Expression

    tree, refs, functions = entry
    expression = object.__new__(Expression)
    expression.__dict__.update(
        source=source, tree=_decode(tree), refs=frozenset(refs), functions=frozenset(functions)
    )
    return expression


def _decode(item: Any) -> Any:
    kind = type(item)
    if kind is list:
        cls, names = _node_fields()[item[0]]
        if len(item) != len(names) + 1:
            raise _Miss
        node: Any = object.__new__(cls)
        node.__dict__.update(zip(names, map(_decode, item[1:]), strict=True))
        return node
    if kind is dict:
        return tuple(map(_decode, item["t"]))
    return item


@lru_cache(maxsize=1)
def _node_fields() -> dict[str, tuple[type, tuple[str, ...]]]:
    """The classes of a syntax tree's nodes, by name, with their fields in order."""
    from mutual_detector.model.expr import Expression, Node

    out: dict[str, tuple[type, tuple[str, ...]]] = {}
    cls: type
    for cls in typing.get_args(Node):
        if not dataclasses.is_dataclass(cls) or hasattr(cls, "__slots__"):
            raise TypeError(f"{cls!r}: not a plain dataclass")
        out[cls.__name__] = (cls, tuple(f.name for f in dataclasses.fields(cls)))
    names = tuple(f.name for f in dataclasses.fields(Expression))
    if names != ("source", "tree", "refs", "functions") or hasattr(Expression, "__slots__"):
        raise TypeError("Expression is not as this module knows it")
    return out


__all__ = ["CACHE_FORMAT", "build", "cache_dir", "expression_trees", "load", "save"]

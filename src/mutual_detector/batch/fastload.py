"""A fast way to read a good answers file, falling back to the located reader for bad ones.

:func:`mutual_detector.loading.read_document` records the line and column of
every value so that any problem can be pointed at. Most files in a batch are
good, so we first read them the quick way (libyaml's C composer, plain data,
no marks; ``json`` for ``.json`` files). The quick reader is as strict as the
located one: it rejects duplicate keys, tags that build objects, and nesting
or alias expansion past the same bounds. Whenever it meets anything it does
not like, or the data does not validate, the file is read again by the
located reader, which raises the ``file:line:column`` finding.
"""

from __future__ import annotations

import json
from typing import Any, Final

import yaml

from mutual_detector.batch import plainyaml
from mutual_detector.batch.plainyaml import read_plain
from mutual_detector.loading import (
    HAS_LIBYAML,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    decode,
    read_raw,
)

_Base: Any = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader

_STR: Final = "tag:yaml.org,2002:str"
_OTHER_SCALARS: Final = frozenset(
    {
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)
_MAP: Final = "tag:yaml.org,2002:map"
_SEQ: Final = "tag:yaml.org,2002:seq"


_IMPLICIT: Final = _Base.yaml_implicit_resolvers
_CONSTRUCT: Final = yaml.SafeLoader.yaml_constructors


class _Loader(_Base):  # type: ignore[misc]
    """The safe loader without path resolvers (we never register any), so tags resolve faster."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1] if value else "", ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


class Miss(Exception):
    """The quick reader gives up; use the located reader."""


def read_bytes(path: str) -> bytes:
    """The bytes of ``path``, as :func:`mutual_detector.loading.read_raw` reads them.

    Bounded and never blocking on a named pipe; raises the located InputError
    (E008 unreadable, E004 too big).
    """
    return read_raw(path, path)


def quick_data(raw: bytes, name: str, *, is_json: bool) -> Any:
    """Plain data of a file's bytes; raises :class:`Miss` on anything unusual."""
    if len(raw) > MAX_BYTES:
        raise Miss
    text = decode(raw, name)  # raises InputError (already located) on bad encodings
    if text.count("[") + text.count("{") > MAX_DEPTH:
        raise Miss  # deep flow nesting: let the located reader judge it
    if is_json:
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            raise Miss from None
        if not isinstance(data, dict):
            raise Miss
        return data
    try:
        return read_plain(text, MAX_NODES, MAX_DEPTH)
    except plainyaml.Miss:
        pass  # not the plain shape: compose it
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None or not isinstance(node, yaml.MappingNode):
            raise Miss
        return _Build(loader).node(node, 0)
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        raise Miss from None
    finally:
        loader.dispose()


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise Miss
    return out


class _Build:
    __slots__ = ("count", "loader")

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.count = 0

    def node(self, node: Any, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise Miss
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag in _OTHER_SCALARS:
            return self.scalar(node)
        if tag == _MAP:
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STR:
                    key = key_node.value
                elif key_node.tag == "tag:yaml.org,2002:int":
                    key = self.scalar(key_node)
                else:
                    raise Miss
                if key in out:
                    raise Miss
                out[key] = self.node(value_node, depth + 1)
            return out
        if tag == _SEQ:
            return [self.node(child, depth + 1) for child in node.value]
        raise Miss

    def scalar(self, node: Any) -> Any:
        # PyYAML's constructors fail in many ways on text under an explicit tag
        # (`!!int _` raises IndexError): any failure goes to the located reader.
        try:
            return _CONSTRUCT[node.tag](self.loader, node)
        except Exception:
            raise Miss from None


__all__ = ["Miss", "quick_data", "read_bytes"]

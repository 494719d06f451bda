"""The fast reader for plain YAML: the shape answers files are written in, read line by line.

Answers files, whether written by ``mutual-detector template``, saved by
``assess`` or typed by hand, are nearly always the same simple shape: block
mappings of plain keys, block lists, and one-line scalars.
:class:`PlainYamlReader` reads exactly that shape, line by line, several times
faster than composing YAML nodes (measured in docs/architecture.md); anything
else is :class:`~mutual_detector.loading.readers.interface.NotPlain`, and the
located reader reads the file.

Outside the plain shape: anchors, aliases, tags, block scalars other than
simple ``|`` and ``>`` ones, scalars that continue on the next line, quoted
keys, nested flow collections, flow scalars with ``:`` or ``#``, escapes in
double quotes, tabs, unusual line breaks, characters YAML does not allow, and
files near the located reader's limits on values and nesting. Plain scalars
are typed by PyYAML's own implicit resolvers and safe constructors (``yes`` is
true, ``2026-11-25`` a date, ``1_000`` a thousand), as the located reader types
them. ``tests/test_readers.py`` checks that it gives the located reader's data
on every example, every test file and generated documents full of YAML's traps.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

import yaml

from mutual_detector.loading.located import MAX_DEPTH
from mutual_detector.loading.readers.interface import GIVE_UP_VALUES, FastReader, NotPlain

_STR: Final = "tag:yaml.org,2002:str"
_RESOLVERS: Final = yaml.SafeLoader.yaml_implicit_resolvers
_CONSTRUCTORS: Final = yaml.SafeLoader.yaml_constructors
_CONSTRUCTOR: Final = yaml.SafeLoader("")  # only its scalar constructors are used
_NON_PRINTABLE: Final = yaml.reader.Reader.NON_PRINTABLE

#: ``key: value`` or ``key:`` with a plain key (resolved like any plain scalar).
_KEY_LINE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_\-]*):(?: +(.*))?\Z")
_SINGLE: Final = re.compile(r"'((?:[^']|'')*)'(.*)\Z")
_DOUBLE: Final = re.compile(r'"([^"\\]*)"(.*)\Z')
#: First characters a plain scalar may not start with (or that we leave to libyaml).
_INDICATORS: Final = frozenset("&*!|>%@`?:,[]{}#'\"")


class PlainYamlReader(FastReader):
    """Block mappings, block lists and one-line scalars, line by line."""

    name = "plain-yaml"

    def read(self, text: str) -> dict[str, Any]:
        # Values are over-counted and nesting is given up two levels early: a file
        # anywhere near the limits is the located reader's to judge.
        return read_plain(text, GIVE_UP_VALUES - 1, MAX_DEPTH - 2)


def read_plain(text: str, max_nodes: int, max_depth: int) -> dict[str, Any]:
    """The mapping a plain answers file holds, as the located reader reads it; or :class:`NotPlain`.

    ``max_nodes``: most lines holding a value, counting the items of flow collections
    twice (the located reader counts each key and each value); ``max_depth``: most
    open containers.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if (
        "\r" in text
        or "\t" in text
        or "\x85" in text
        or "\u2028" in text
        or "\u2029" in text
        or text.startswith("\ufeff")
        or _NON_PRINTABLE.search(text)
    ):
        raise NotPlain
    root: dict[str, Any] = {}
    # Open containers, innermost last: (indent of their keys or dashes, the container).
    stack: list[tuple[int, Any]] = [(0, root)]
    pending: tuple[dict[str, Any], str, int] | None = None  # a ``key:`` awaiting its block
    nodes = 0
    first = True
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            continue
        indent = len(line) - len(body)
        body = body.rstrip(" ")
        if first:
            first = False
            if body == "---":
                continue
        item = body == "-" or body[:2] == "- "
        nodes += 1
        if nodes > max_nodes:
            raise NotPlain
        if pending is not None:
            parent, key, at = pending
            pending = None
            if item and indent >= at:
                child: Any = []
                parent[key] = child
                stack.append((indent, child))
            elif indent > at:
                child = {}
                parent[key] = child
                stack.append((indent, child))
            else:
                parent[key] = None
            if len(stack) > max_depth:
                raise NotPlain
        while stack[-1][0] > indent or (
            not item and stack[-1][0] == indent and type(stack[-1][1]) is list
        ):
            stack.pop()
            if not stack:
                raise NotPlain
        at, container = stack[-1]
        if at != indent:
            raise NotPlain  # a continuation line, or indentation YAML would refuse
        if type(container) is list:
            if not item or body == "-":
                raise NotPlain
            value = _ITEMS.get(body, _NONE)
            if value is _NONE:
                value = _scalar(body[2:].lstrip(" "))
                _remember(_ITEMS, body, value)
            container.append(value)
            if type(value) is list or type(value) is dict:
                nodes += 2 * len(value)  # a flow collection's items (and keys)
            continue
        known = _KEYED.get(body)
        if known is None:
            match = _KEY_LINE.match(body)
            if match is None:
                raise NotPlain
            key, rest = match.groups()
            if _tag(key) != _STR:
                raise NotPlain
            if rest is None or rest[0] == "#":
                known = (key, _OPEN)
            elif rest in _BLOCK_STYLES:
                known = (key, _BLOCK)
            else:
                known = (key, _scalar(rest))
            _remember(_KEYED, body, known)
        key, value = known
        if key in container:
            raise NotPlain
        if value is _OPEN:
            pending = (container, key, indent)
        elif value is _BLOCK:
            container[key], i = _block_scalar(lines, i, indent, body[len(key) + 1 :].lstrip(" "))
        else:
            container[key] = value
            if type(value) is list or type(value) is dict:
                nodes += 2 * len(value)
    if pending is not None:
        pending[0][pending[1]] = None
    if first:
        raise NotPlain  # an empty document is not a mapping
    return root


# Lines seen before, read once: the same lines recur from file to file of a batch
# (``  el_stage: explore``). Only values that cannot be changed are kept; flow
# lists and mappings are built afresh each time.
_NONE: Final = object()
_OPEN: Final = object()  # ``key:``, its value on the lines below
_BLOCK: Final = object()  # ``key: |`` or ``key: >``
_KEYED: dict[str, tuple[str, Any]] = {}
_ITEMS: dict[str, Any] = {}
_IMMUTABLE: Final = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
_REMEMBER: Final = 1024


def _remember(cache: dict[str, Any], body: str, known: Any) -> None:
    """Keep ``known`` (a keyed line's ``(key, value)``, or a list item) unless it can change."""
    value = known[1] if cache is _KEYED else known
    if value is _OPEN or value is _BLOCK or type(value) in _IMMUTABLE:
        if len(cache) >= _REMEMBER:
            cache.clear()
        cache[body] = known


#: Block scalar headers read here: literal or folded, clipped or stripped.
_BLOCK_STYLES: Final = frozenset({"|", "|-", ">", ">-"})


def _block_scalar(lines: list[str], i: int, parent: int, header: str) -> tuple[str, int]:
    """A ``|`` or ``>`` scalar starting at ``lines[i]``, and the index of the line after it.

    Only the simple cases: every line at one indentation for ``>``, no blank
    line inside (blank lines after it are fine), at least one line.
    """
    content: list[str] = []
    at = -1
    blank = False
    ends_line = True
    while i < len(lines):
        line = lines[i]
        body = line.lstrip(" ")
        if not body.rstrip(" "):
            blank = True
            i += 1
            continue
        indent = len(line) - len(body)
        if at < 0:
            if indent <= parent:
                break
            at = indent
        elif indent < at:
            break
        if blank or (indent > at and header[0] == ">"):
            raise NotPlain  # a blank or more-indented line inside: YAML's finer rules apply
        content.append(line[at:])
        i += 1
        ends_line = i < len(lines)  # the last line of a file may have no line break
    if not content:
        raise NotPlain
    value = (" " if header[0] == ">" else "\n").join(content)
    return (value if header.endswith("-") or not ends_line else value + "\n"), i


def _tag(plain: str) -> str:
    for tag, regexp in _RESOLVERS.get(plain[:1], ()):
        if regexp.match(plain):
            return str(tag)
    return _STR


def _after(rest: str) -> None:
    """What follows a quoted scalar or a flow list: nothing, or a comment."""
    if rest and not (rest[0] == " " and rest.lstrip(" ")[:1] == "#"):
        raise NotPlain


def _scalar(text: str) -> Any:
    head = text[0]
    if head == "'":
        match = _SINGLE.match(text)
        if match is None:
            raise NotPlain
        _after(match.group(2))
        return match.group(1).replace("''", "'")
    if head == '"':
        match = _DOUBLE.match(text)
        if match is None:
            raise NotPlain
        _after(match.group(2))
        return match.group(1)
    if head == "[" or head == "{":
        return _flow(text)
    if head in _INDICATORS or (head == "-" and (len(text) == 1 or text[1] == " ")):
        raise NotPlain
    comment = text.find(" #")
    if comment >= 0:
        text = text[:comment].rstrip(" ")
    if ": " in text or text[-1] == ":":
        raise NotPlain
    return _plain(text)


_FLOW_KEY: Final = re.compile(r" *([A-Za-z_][A-Za-z0-9_\-]*): +")
_FLOW_VALUE: Final = re.compile(r"""'((?:[^']|'')*)'|"([^"\\]*)"|([^,\[\]{}#'":]+)""")
_FLOW_SEP: Final = re.compile(r" *([,\]}])")


def _flow(text: str) -> Any:
    """A one-line flow list or mapping of scalars: ``[a, b]``, ``{value: x, note: 'y'}``."""
    is_map = text[0] == "{"
    close = "}" if is_map else "]"
    out_map: dict[str, Any] = {}
    out_list: list[Any] = []
    sep = _FLOW_SEP.match(text, 1)
    if sep is not None and sep.group(1) == close:
        _after(text[sep.end() :])
        return out_map if is_map else out_list
    pos = 1
    while True:
        key = None
        if is_map:
            match = _FLOW_KEY.match(text, pos)
            if match is None:
                raise NotPlain
            key = match.group(1)
            if key in out_map or _tag(key) != _STR:
                raise NotPlain
            pos = match.end()
        else:
            while text[pos : pos + 1] == " ":
                pos += 1
        found = _FLOW_VALUE.match(text, pos)
        if found is None:
            raise NotPlain
        single, double, plain = found.groups()
        value: Any
        if single is not None:
            value = single.replace("''", "'")
        elif double is not None:
            value = double
        else:
            plain = plain.rstrip(" ")
            if (
                not plain
                or plain[0] in _INDICATORS
                or (plain[0] == "-" and plain[1:2] in ("", " "))
            ):
                raise NotPlain
            value = _plain(plain)
        if key is None:
            out_list.append(value)
        else:
            out_map[key] = value
        sep = _FLOW_SEP.match(text, found.end())
        if sep is None:
            raise NotPlain
        pos = sep.end()
        if sep.group(1) == close:
            _after(text[pos:])
            return out_map if is_map else out_list
        if sep.group(1) != "," or _FLOW_SEP.match(text, pos) is not None:
            raise NotPlain  # a bracket that does not match, or a comma before the end


def _plain(text: str) -> Any:
    tag = _tag(text)
    if tag == _STR:
        return text
    construct = _CONSTRUCTORS.get(tag)
    if construct is None:
        raise NotPlain
    try:
        return construct(_CONSTRUCTOR, yaml.ScalarNode(tag, text))
    except Exception:
        raise NotPlain from None


__all__ = ["PlainYamlReader", "read_plain"]

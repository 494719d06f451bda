"""The fast reader for JSON: ``json.loads``, kept only where YAML reads the text the same way.

Every command reads a ``.json`` file as YAML (JSON is nearly a subset of it),
so this reader must give exactly what the located reader gives, and gives the
file up (:class:`~mutual_detector.loading.readers.interface.NotPlain`) wherever
the two could differ:

- anything ``json.loads`` refuses (a trailing comma, say, which YAML accepts);
- a number YAML reads otherwise: ``1e1`` and ``1.5e3`` are text in YAML 1.1
  (its floats need a point, and a sign after the ``e``), ``NaN`` is not JSON;
- ``\\u`` escapes of surrogates (JSON joins a pair into one character, YAML
  keeps two, which the located reader refuses), and characters YAML does not
  allow in a file or reads as line breaks (``U+0085``, ``U+2028``, ``U+2029``);
- tabs, a key whose ``:`` is on another line or more than 1,000 characters
  away (YAML's limit on a key), a key holding a control character;
- duplicate keys, and files near the located reader's limits on values and nesting.

``tests/test_readers.py`` and the ``readers`` fuzz target compare it with the
located reader.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import yaml

from mutual_detector.loading.located import CONTROL, MAX_DEPTH
from mutual_detector.loading.readers.interface import GIVE_UP_VALUES, FastReader, NotPlain

_NON_PRINTABLE: Final = yaml.reader.Reader.NON_PRINTABLE
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")
#: A string followed by a colon: a key (in text ``json.loads`` accepted), and what lies between.
_KEY: Final = re.compile(r'"(?:[^"\\\n]|\\.)*"(\s*):')
_FLOAT: Final = "tag:yaml.org,2002:float"
_RESOLVERS: Final = yaml.SafeLoader.yaml_implicit_resolvers
_CONSTRUCT_FLOAT: Final = yaml.SafeLoader.yaml_constructors[_FLOAT]
_CONSTRUCTOR: Final = yaml.SafeLoader("")


class JsonReader(FastReader):
    """A JSON object, read by ``json.loads`` where YAML would read it alike."""

    name = "json"

    def read(self, text: str) -> dict[str, Any]:
        if not text.lstrip(" \n\r").startswith("{"):
            raise NotPlain
        if (
            "\t" in text
            or "\x85" in text
            or "\u2028" in text
            or "\u2029" in text
            or _NON_PRINTABLE.search(text)
            or _SURROGATE_ESCAPE.search(text)
        ):
            raise NotPlain
        try:
            data = json.loads(
                text,
                object_pairs_hook=_mapping,
                parse_float=_float,
                parse_constant=_constant,
            )
        except (ValueError, RecursionError):
            raise NotPlain from None
        if type(data) is not dict:
            raise NotPlain
        for key in _KEY.finditer(text):
            if "\n" in key.group(1) or "\r" in key.group(1) or key.end() - key.start() > 1000:
                raise NotPlain
        if _size(data, 0) > GIVE_UP_VALUES:
            raise NotPlain
        return data


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs) or any(CONTROL.search(key) for key in out):
        raise NotPlain
    return out


def _float(lexeme: str) -> float:
    """A JSON number with a point or an exponent, as YAML reads it; NotPlain if YAML reads text."""
    resolved = next(
        (tag for tag, regexp in _RESOLVERS.get(lexeme[:1], ()) if regexp.match(lexeme)), None
    )
    if resolved != _FLOAT:
        raise NotPlain  # 1e1, 1.5e3: text in YAML
    value: float = _CONSTRUCT_FLOAT(_CONSTRUCTOR, yaml.ScalarNode(_FLOAT, lexeme))
    return value


def _constant(lexeme: str) -> Any:
    raise NotPlain  # NaN, Infinity: not JSON, and not YAML's spelling


def _size(value: Any, depth: int) -> int:
    """Keys and values, counted as the located reader counts them; NotPlain when too deep."""
    if depth > MAX_DEPTH - 2:
        raise NotPlain
    kind = type(value)
    if kind is dict:
        return 1 + sum(1 + _size(v, depth + 1) for v in value.values())
    if kind is list:
        return 1 + sum(_size(v, depth + 1) for v in value)
    return 1


__all__ = ["JsonReader"]

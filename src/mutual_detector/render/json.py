"""A result as JSON (format ``mutual-detector/result@2``).

Deterministic: the same result gives the same bytes. Keys come in the order
the result model declares them (format and versions first), floats in their
shortest round-trip form, text as UTF-8 (not escaped), two-space indents and
a final newline. pydantic-core's serialiser writes this several times faster
than :func:`json.dumps` with ``indent`` (whose encoder is pure Python).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mutual_detector.model.result import Result


def render_json(result: Result) -> str:
    """The result as indented JSON text, ending with a newline."""
    return result.model_dump_json(indent=2) + "\n"


__all__ = ["render_json"]

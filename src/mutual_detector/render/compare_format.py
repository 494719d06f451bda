"""The ``compare --format`` choice, kept light: the renderers load only when used."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from mutual_detector.compare import Comparison


class CompareFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"

    def render(self, comparison: Comparison, *, width: int = 100, color: bool = False) -> str:
        from mutual_detector.render import compare

        if self is CompareFormat.text:
            return compare.render_text(comparison, width=width, color=color)
        if self is CompareFormat.markdown:
            return compare.render_markdown(comparison)
        if self is CompareFormat.json:
            return compare.render_json(comparison)
        assert_never(self)

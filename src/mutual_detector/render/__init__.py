"""Renderers: each turns a result or report into text (a str); only the CLI writes it.

:class:`ResultFormat` maps each output format of ``assess`` to its renderer.
Renderers are imported only when used, so importing this package is cheap.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, assert_never

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Result


def extension(name: str) -> str:
    """A file name's extension, lower case, without the dot ("" if it has none)."""
    return name.lower().rsplit(".", 1)[-1] if "." in name else ""


class ResultFormat(enum.StrEnum):
    """How ``assess`` reports one result."""

    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"

    @classmethod
    def for_path(cls, name: str) -> ResultFormat | None:
        """The format a file name's extension implies, if any."""
        return {
            "txt": cls.text,
            "json": cls.json,
            "md": cls.markdown,
            "markdown": cls.markdown,
            "html": cls.html,
            "htm": cls.html,
        }.get(extension(name))

    def render(
        self,
        result: Result,
        questionnaire: Questionnaire | None = None,
        *,
        width: int = 80,
        color: bool = False,
    ) -> str:
        """The result as text in this format (``width`` and ``color``: text only)."""
        if self is ResultFormat.text:
            from mutual_detector.render.terminal import render_text

            return render_text(result, questionnaire, width=width, color=color)
        if self is ResultFormat.json:
            from mutual_detector.render.json import render_json

            return render_json(result)
        if self is ResultFormat.markdown:
            from mutual_detector.render.markdown import render_markdown

            return render_markdown(result, questionnaire)
        if self is ResultFormat.html:
            from mutual_detector.render.html import render_html

            return render_html(result, questionnaire)
        assert_never(self)


__all__ = ["ResultFormat"]

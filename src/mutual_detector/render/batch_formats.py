"""The output formats of ``batch``, each mapped to its streaming renderer.

A batch renderer has three methods, each returning text that the CLI writes:
``begin()``, ``item(item, rank)`` for each input as it is ready, and
``end(totals, exit_code)``.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol, assert_never

from mutual_detector.render import extension

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals


class BatchRenderer(Protocol):
    def begin(self) -> str: ...

    def item(self, item: BatchItem, rank: int | None = None) -> str: ...

    def end(self, totals: BatchTotals, exit_code: int) -> str: ...


class BatchFormat(enum.StrEnum):
    """How ``batch`` reports."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"

    @property
    def needs_results(self) -> bool:
        """Whether the full results are written (so workers must send them)."""
        return self in (BatchFormat.json, BatchFormat.jsonl)

    @classmethod
    def for_path(cls, name: str) -> BatchFormat | None:
        """The format a file name's extension implies, if any."""
        return {
            "json": cls.json,
            "jsonl": cls.jsonl,
            "ndjson": cls.jsonl,
            "csv": cls.csv,
            "md": cls.markdown,
            "markdown": cls.markdown,
            "txt": cls.table,
        }.get(extension(name))

    def renderer(
        self,
        context: BatchContext,
        *,
        width: int = 120,
        color: bool = False,
        names: Sequence[str] = (),
        csv_rows: bool = False,
    ) -> BatchRenderer:
        """``names`` and ``csv_rows``: the inputs, for the table (see :class:`TableRenderer`)."""
        if self is BatchFormat.table:
            from mutual_detector.render.batch_table import TableRenderer

            return TableRenderer(context, width=width, color=color, names=names, csv_rows=csv_rows)
        if self is BatchFormat.json:
            from mutual_detector.render.batch_json import JsonRenderer

            return JsonRenderer(context)
        if self is BatchFormat.jsonl:
            from mutual_detector.render.batch_json import JsonlRenderer

            return JsonlRenderer(context)
        if self is BatchFormat.csv:
            from mutual_detector.render.batch_csv import CsvRenderer

            return CsvRenderer(context)
        if self is BatchFormat.markdown:
            from mutual_detector.render.batch_markdown import MarkdownRenderer

            return MarkdownRenderer(context)
        assert_never(self)


__all__ = ["BatchFormat", "BatchRenderer"]

"""Batch results as JSON (one document) or JSON Lines (one object per line).

Both stream: each input's object is written as soon as it is ready. An
object holds ``index`` (input order, from 0), ``source``, ``row`` (CSV
inputs), ``status`` (``ok``, ``error`` or ``skipped``), ``rank`` (with
``--rank``), ``gate`` (with ``--min-band``/``--min-score``), and either
``result`` (the full result, format ``mutual-detector/result@2``),
``errors`` (file, line, column, row, field, message, rule) or ``note``.

The JSON document wraps them::

    {"format": "mutual-detector/batch@2", "tool_version": ..., "timestamp": ...,
     "questionnaire": {...}, "gate": ..., "ranked": ...,
     "items": [ ...one object per line... ],
     "summary": {"inputs": n, "assessed": n, "failed": n, "skipped": n,
                 "below_gate": n, "verdicts": {...}, "exit_code": n}}

``verdicts`` counts the decided verdicts by band id, and ``between`` the others.

Keys of our own objects are sorted; a result keeps the field order of its
model. The same inputs give the same bytes, whatever ``--jobs``.
"""

from __future__ import annotations

import json
from typing import Any, Final

from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals

BATCH_FORMAT: Final = "mutual-detector/batch@2"


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def item_json(item: BatchItem, rank: int | None = None, *, ranked: bool = False) -> str:
    """One item as one line of JSON (no newline)."""
    head: dict[str, Any] = {
        "index": item.index,
        "source": item.source,
        "row": item.row,
        "status": item.status,
    }
    if ranked:
        head["rank"] = rank
    if item.gate is not None:
        head["gate"] = {"passed": item.gate.passed, "reasons": list(item.gate.reasons)}
    if item.status == "error":
        head["errors"] = [e.as_dict() for e in item.errors]
    elif item.status == "skipped":
        head["note"] = item.note
    elif item.payload is not None:
        # The result is already JSON (made in the worker); splice it in as the last key.
        return _dumps(head)[:-1] + ',"result":' + item.payload + "}"
    return _dumps(head)


def summary_dict(totals: BatchTotals, exit_code: int) -> dict[str, Any]:
    return {
        "inputs": totals.total,
        "assessed": totals.assessed,
        "failed": totals.failed,
        "skipped": totals.skipped,
        "below_gate": totals.below_gate,
        "verdicts": dict(sorted(totals.bands.items())),
        "exit_code": exit_code,
    }


class JsonRenderer:
    """One JSON document; items one per line inside ``items``."""

    def __init__(self, context: BatchContext) -> None:
        self.context = context
        self._first = True

    def begin(self) -> str:
        c = self.context
        head = {
            "format": BATCH_FORMAT,
            "tool_version": c.tool_version,
            "timestamp": c.timestamp,
            "questionnaire": {
                "id": c.questionnaire_id,
                "version": c.questionnaire_version,
                "title": c.questionnaire_title,
                "sha256": c.questionnaire_sha256,
            },
            "gate": c.gate,
            "ranked": c.ranked,
        }
        return _dumps(head)[:-1] + ',"items":[\n'

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        sep = "" if self._first else ",\n"
        self._first = False
        return sep + item_json(item, rank, ranked=self.context.ranked)

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        tail = "" if self._first else "\n"
        return tail + '],"summary":' + _dumps(summary_dict(totals, exit_code)) + "}\n"


class JsonlRenderer:
    """One JSON object per line, one line per input; nothing else."""

    def __init__(self, context: BatchContext) -> None:
        self.context = context

    def begin(self) -> str:
        return ""

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        return item_json(item, rank, ranked=self.context.ranked) + "\n"

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        return ""


__all__ = ["BATCH_FORMAT", "JsonRenderer", "JsonlRenderer", "item_json", "summary_dict"]

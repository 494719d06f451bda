"""Batch results as CSV: one row per input, for a spreadsheet.

Columns (docs/batch.md): ``rank`` (with ``--rank``), ``input``, ``row`` (CSV
inputs), ``status`` (ok, error, skipped), ``service``, ``organisation``,
``assessor``, ``date``, ``verdict`` (the decided band's id, or ``between``),
``verdict_label``, ``best``, ``worst`` and ``indicative`` (band ids),
``score`` (the point estimate, 0-100), ``low`` and ``high`` (its range),
``answered`` (share of the scored weight answered, 0-1), ``readiness``,
``legal_form`` (best fit; blank when withheld), ``flags`` (raised, as
``id (severity)``, separated by ``;``), ``possible_flags`` (the same for
flags the unknown answers could raise), ``gate`` (passed, failed or blank),
``message`` (the error, the gate's reasons or why a file was skipped), then
one ``section:<id>`` column per scored section (its point estimate, 0-100).

The file starts with a UTF-8 byte-order mark so that Excel reads it as
UTF-8, and rows end with CRLF as RFC 4180 says. Text that would start a
spreadsheet formula (``=``, ``+``, ``-``, ``@``) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals
from mutual_detector.render.safe import clean
from mutual_detector.text import printable

BOM = "\ufeff"
#: The columns that describe an assessment, between ``date`` and ``gate``.
_VERDICT_COLUMNS = (
    "verdict",
    "verdict_label",
    "best",
    "worst",
    "indicative",
    "score",
    "low",
    "high",
    "answered",
    "readiness",
    "legal_form",
    "flags",
    "possible_flags",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    value = clean(value)
    return "'" + value if value.startswith(_FORMULA) else value


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{round(value, digits):g}"


class CsvRenderer:
    def __init__(self, context: BatchContext) -> None:
        self.context = context

    def _row(self, cells: Sequence[str]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(cells)
        return buffer.getvalue()

    def begin(self) -> str:
        head = ["rank"] if self.context.ranked else []
        head += ["input", "row", "status", "service", "organisation", "assessor", "date"]
        head += list(_VERDICT_COLUMNS)
        head += ["gate", "message"]
        head += [f"section:{sid}" for sid, _ in self.context.sections]
        return BOM + self._row(head)

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        cells = [str(rank) if rank is not None else ""] if self.context.ranked else []
        cells += [
            _text(printable(item.source)),
            str(item.row) if item.row is not None else "",
            item.status,
        ]
        s = item.summary
        gate = ""
        message = ""
        if item.gate is not None:
            gate = "passed" if item.gate.passed else "failed"
            message = "; ".join(item.gate.reasons)
        if item.status == "error":
            message = "; ".join(e.one_line() for e in item.errors[:3])
        elif item.status == "skipped":
            message = item.note or ""
        if s is None:
            cells += ["" for _ in range(4 + len(_VERDICT_COLUMNS))] + [gate, _text(message)]
            cells += ["" for _ in self.context.sections]
            return self._row(cells)
        flags = "; ".join(f"{f.id} ({f.severity})" for f in s.raised)
        possible = "; ".join(f"{f.id} ({f.severity})" for f in s.possible)
        cells += [_text(s.service), _text(s.organisation), _text(s.assessor), s.date or ""]
        cells += [s.verdict, _text(s.verdict_label), s.best, s.worst, s.indicative]
        cells += [_number(s.point, 2), _number(s.low, 2), _number(s.high, 2)]
        cells += [_number(s.answered_share, 4), s.readiness, _text(s.legal_form)]
        cells += [_text(flags), _text(possible), gate, _text(message)]
        scores = dict(s.sections)
        cells += [_number(scores.get(sid), 2) for sid, _ in self.context.sections]
        return self._row(cells)

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        return ""


__all__ = ["CsvRenderer"]

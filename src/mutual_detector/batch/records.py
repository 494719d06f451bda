"""Plain, picklable records that flow from batch workers to the outputs.

A batch item is either an assessment (with a short :class:`Summary` and,
when the output format needs it, the full result as JSON text) or an error
record saying which file, line or CSV row and column could not be read.
Nothing here imports pydantic, rich or typer, so workers stay light.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from mutual_detector.gate import GateOutcome

T = TypeVar("T")


def _wire(cls: type[T]) -> type[T]:
    """Pickle instances of a frozen, slotted dataclass as ``cls(*fields)``.

    Records cross from worker processes to the main one by pickle. The default
    for slotted dataclasses calls :func:`dataclasses.fields` for every object
    it writes and sets each field one by one as it reads: about 50 µs for each
    assessment's record, as much as a third of what assessing it costs. This is
    several times cheaper, and gives equal objects (``tests/test_batch.py``).
    """
    get = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, get(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls


Status = Literal["ok", "error", "skipped"]


@_wire
@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """Why one input could not be assessed, and where."""

    file: str
    """The input file, as named on the command line (or found in a folder)."""
    message: str
    """What is wrong, in plain English."""
    line: int | None = None
    """Line in a YAML/JSON answers file."""
    column: int | None = None
    """Column (character) in a YAML/JSON answers file."""
    row: int | None = None
    """Row of a CSV file, counted as a spreadsheet does (the header is row 1)."""
    field: str | None = None
    """The field: a dotted path in an answers file, or a CSV column name."""
    rule: str | None = None
    """Stable rule id (E001, A204, ...), see ``mutual-detector validate``."""

    def where(self) -> str:
        """``file:line:column`` for answers files, ``file:row:column-name`` for CSV rows."""
        if self.row is not None:
            return f"{self.file}:{self.row}" + (f":{self.field}" if self.field else "")
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def one_line(self) -> str:
        field_part = f"{self.field}: " if self.field and self.row is None else ""
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.where()}: {field_part}{self.message}{rule}"

    def short(self) -> str:
        """The error without its file name (for a table whose row already names the file)."""
        rule = f" [{self.rule}]" if self.rule else ""
        if self.row is not None:
            where = f"column {self.field}: " if self.field else ""
            return f"{where}{self.message}{rule}"
        where = ""
        if self.line is not None:
            where = f"line {self.line}" + (f":{self.column}" if self.column is not None else "")
            where += ": "
        field_part = f"{self.field}: " if self.field else ""
        return f"{where}{field_part}{self.message}{rule}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "row": self.row,
            "field": self.field,
            "message": self.message,
            "rule": self.rule,
        }


@_wire
@dataclass(frozen=True, slots=True)
class FlagBrief:
    """A red flag raised for one assessment, or one its unknown answers could raise."""

    id: str
    severity: str
    """blocker, warning or info."""
    message: str
    caps: str | None = None
    """The best band the verdict can reach while it holds (None: it does not cap)."""
    status: str = "raised"
    """raised, or possible (it depends on unknown answers)."""


@_wire
@dataclass(frozen=True, slots=True)
class Summary:
    """What a table, CSV row or ranking shows about one assessment."""

    service: str | None
    organisation: str | None
    assessor: str | None
    date: str | None
    verdict: str
    """The decided band's id, or ``between``."""
    verdict_label: str
    """The band's label, or "Between <best> and <worst>"."""
    best: str
    """The best band the answers still allow (band id)."""
    worst: str
    """The worst band the unknown answers could lead to."""
    indicative: str
    """The band of the point estimate, raised caps applied."""
    best_rank: int
    """Rank of ``best`` (0 for the best band of the questionnaire)."""
    worst_rank: int
    indicative_rank: int
    low: float | None
    """The score if every unknown answer turned out worst (0-100)."""
    point: float | None
    """The point estimate: unknown answers at their neutral value."""
    high: float | None
    answered_share: float
    """Share of the applicable scored weight answered, 0 to 1."""
    readiness: str
    """on_track, behind, unclear or not_assessed."""
    legal_form: str | None
    """Title of the best-fitting legal form (None when withheld or none fits)."""
    flags: tuple[FlagBrief, ...] = ()
    """Raised and possible flags, in the result's order."""
    sections: tuple[tuple[str, float | None], ...] = ()
    """Point estimate of each scored section (section id, 0 to 100 or None)."""

    @property
    def decided(self) -> bool:
        return self.verdict != "between"

    @property
    def score(self) -> float | None:
        """The point estimate."""
        return self.point

    @property
    def raised(self) -> tuple[FlagBrief, ...]:
        return tuple(f for f in self.flags if f.status == "raised")

    @property
    def possible(self) -> tuple[FlagBrief, ...]:
        return tuple(f for f in self.flags if f.status != "raised")


@_wire
@dataclass(frozen=True, slots=True)
class BatchItem:
    """One input's outcome, in input order."""

    index: int
    """Position in the sorted input order (0-based)."""
    source: str
    """The input file's name."""
    row: int | None
    """The CSV row, for CSV inputs."""
    status: Status
    summary: Summary | None = None
    errors: tuple[ErrorRecord, ...] = ()
    warnings: int = 0
    """Warnings found in the answers (they do not stop an assessment)."""
    gate: GateOutcome | None = None
    payload: str | None = None
    """The full result as compact JSON (only for the json and jsonl formats)."""
    note: str | None = None
    """Why a found file was skipped (e.g. it is a questionnaire)."""

    @property
    def label(self) -> str:
        """``file`` or ``file:row``: how tables name the input."""
        return self.source if self.row is None else f"{self.source}:{self.row}"


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every batch output states once: the questionnaire, the gate, the run."""

    questionnaire_id: str
    questionnaire_version: str
    questionnaire_title: str
    questionnaire_sha256: str
    bands: tuple[tuple[str, str], ...]
    """Band ids and labels, best first."""
    sections: tuple[tuple[str, str], ...]
    """Scored section ids and titles, in questionnaire order."""
    tool_version: str
    timestamp: str | None = None
    gate: str | None = None
    """The gate in words (``--min-band promising``), if any."""
    ranked: bool = False

    def band_label(self, band_id: str | None) -> str:
        return next((label for b, label in self.bands if b == band_id), band_id or "")

    def section_title(self, section_id: str) -> str:
        return next((title for s, title in self.sections if s == section_id), section_id)


@dataclass
class BatchTotals:
    """Running counts, for the closing line and the exit code."""

    assessed: int = 0
    failed: int = 0
    skipped: int = 0
    below_gate: int = 0
    bands: dict[str, int] = field(default_factory=dict)
    """Decided verdicts by band id; ``between`` counts the others."""

    def add(self, item: BatchItem) -> None:
        if item.status == "ok":
            self.assessed += 1
            if item.summary is not None:
                key = item.summary.verdict  # a band id, or "between"
                self.bands[key] = self.bands.get(key, 0) + 1
            if item.gate is not None and not item.gate.passed:
                self.below_gate += 1
        elif item.status == "error":
            self.failed += 1
        else:
            self.skipped += 1

    @property
    def total(self) -> int:
        return self.assessed + self.failed + self.skipped


__all__ = [
    "BatchContext",
    "BatchItem",
    "BatchTotals",
    "ErrorRecord",
    "FlagBrief",
    "Status",
    "Summary",
]

"""Assess one batch task; the code that runs inside each worker process.

A worker loads the questionnaire once (:func:`init`, the pool's initializer)
and then turns tasks into :class:`~mutual_detector.batch.records.BatchItem`
records. It imports pydantic, the models and the engine, never rich or typer.

Every problem with one input becomes an error record (file, line or row,
field, message); nothing a single input contains can stop the batch.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mutual_detector import QUESTIONNAIRE_FORMAT, QUESTIONNAIRE_PART_FORMAT
from mutual_detector.batch import csvrows
from mutual_detector.batch.inputs import (
    REPORT_NOTE,
    FailedTask,
    FileTask,
    RowTask,
    SkippedTask,
    Task,
)
from mutual_detector.batch.records import BatchItem, ErrorRecord, FlagBrief, Summary
from mutual_detector.errors import InputError
from mutual_detector.gate import Gate
from mutual_detector.loading.readers import read_document

if TYPE_CHECKING:
    from pydantic import ValidationError

    from mutual_detector.engine.brief import Brief
    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.model.findings import Finding
    from mutual_detector.model.questionnaire import Questionnaire

#: Most error records kept for one input (the first is the one tables show).
MAX_ERRORS: Final = 20
#: Reports mutual-detector writes: skipped when found in a folder, never read as answers.
REPORT_FORMATS: Final = ("batch", "result", "validate", "compare")


def _is_report(fmt: object) -> bool:
    """``mutual-detector/batch@2`` and the like, in any version."""
    if not isinstance(fmt, str) or not fmt.startswith("mutual-detector/"):
        return False
    return fmt.removeprefix("mutual-detector/").partition("@")[0] in REPORT_FORMATS


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """What every worker needs to know; small and picklable."""

    questionnaire: str
    """Path of the questionnaire file."""
    payload: bool = False
    """Also produce the full result as JSON (for the json and jsonl formats)."""
    min_band: str | None = None
    min_score: float | None = None
    timestamp: str | None = None
    """Stamped on every result of the batch (one value for the whole run)."""
    lang: str = "en"
    ignore_sigint: bool = False
    """Worker processes leave Ctrl-C to the main process."""


@dataclass(frozen=True, slots=True)
class _State:
    config: WorkerConfig
    questionnaire: Questionnaire
    gate: Gate | None
    bands: tuple[str, ...]
    scored_sections: tuple[str, ...]


_state: _State | None = None


def init(config: WorkerConfig) -> None:
    """Load the questionnaire once per process (the pool's initializer)."""
    global _state
    if config.ignore_sigint:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from mutual_detector.engine import plan_for
    from mutual_detector.loading import get_questionnaire

    q = get_questionnaire(Path(config.questionnaire)).questionnaire
    plan_for(q, config.lang)
    _state = _State(
        config,
        q,
        Gate.for_questionnaire(q, config.min_band, config.min_score, config.lang),
        tuple(b.id for b in q.scoring.bands),
        tuple(s.id for s in q.sections if s.scored),
    )
    if config.ignore_sigint:
        # A pool's own process: the modules and the questionnaire live as long as it
        # does, so the collector need not scan them again for every input.
        import gc

        gc.freeze()


def process_chunk(chunk: list[tuple[int, Task]]) -> list[BatchItem]:
    """Assess a chunk of ``(index, task)`` pairs, in order."""
    return [process(index, task) for index, task in chunk]


def process(index: int, task: Task) -> BatchItem:
    """Assess one task; every failure becomes an error record."""
    assert _state is not None, "init() was not called"
    if isinstance(task, FailedTask):
        return BatchItem(index, task.name, task.row, "error", errors=(task.error,))
    if isinstance(task, SkippedTask):
        return BatchItem(index, task.name, None, "skipped", note=task.note)
    try:
        if isinstance(task, FileTask):
            return _file(index, task, _state)
        return _row(index, task, _state)
    except Exception as exc:
        # NOTE: one input must never sink the batch. This is a bug, not bad input:
        # keep the reason so that it can be reported.
        row = task.row if isinstance(task, RowTask) else None
        message = f"internal error while assessing ({type(exc).__name__}: {exc}); please report it"
        return BatchItem(index, task.name, row, "error", errors=(ErrorRecord(task.name, message),))


# --------------------------------------------------------------------------- answers files


def _file(index: int, task: FileTask, state: _State) -> BatchItem:
    """One answers file, read as every command reads it (:mod:`mutual_detector.loading.readers`)."""
    from mutual_detector.loading.answers import answer_findings, parse_answers

    def failed(records: list[ErrorRecord]) -> BatchItem:
        return BatchItem(index, task.name, None, "error", errors=tuple(records[:MAX_ERRORS]))

    try:
        doc = read_document(task.path, name=task.name)
        fmt = doc.data.get("format")
        if fmt in (QUESTIONNAIRE_FORMAT, QUESTIONNAIRE_PART_FORMAT):
            if not task.explicit:
                return BatchItem(index, task.name, None, "skipped", note="a questionnaire file")
            message = "this is a questionnaire, not an answers file"
            return failed([ErrorRecord(task.name, message, rule="E007", field="format")])
        if _is_report(fmt) and not task.explicit:  # e.g. last run's -o out.json
            return BatchItem(index, task.name, None, "skipped", note=REPORT_NOTE)
        if fmt is None and "answers" not in doc.data and not task.explicit:
            # A YAML file found in a folder that is not an answers file at all.
            return BatchItem(index, task.name, None, "skipped", note="not an answers file")
        answers = parse_answers(doc).answers
    except InputError as exc:  # unreadable, not YAML, or not the answers format: located
        return failed(_records(task.name, exc.findings, exc.message))
    try:
        result = _assess(state, answers)
    except InputError as exc:
        # The answers do not fit the questionnaire: say so as `assess` does, located.
        found = [
            f for f in answer_findings(state.questionnaire, answers, doc) if f.level == "error"
        ]
        found = found or [doc.locate(f) for f in exc.findings]
        return failed(_records(task.name, found, exc.message))
    return _done(index, task.name, None, result, state)


def _records(name: str, findings: list[Finding], fallback: str) -> list[ErrorRecord]:
    out = [
        ErrorRecord(
            name, f.message, line=f.line, column=f.column, field=f.dotted_path or None, rule=f.rule
        )
        for f in findings
        if f.level == "error"
    ]
    return out or [ErrorRecord(name, fallback)]


# --------------------------------------------------------------------------- CSV rows


def _row(index: int, task: RowTask, state: _State) -> BatchItem:
    from pydantic import ValidationError

    from mutual_detector.model.answers import AnswersFile

    data, errors = csvrows.row_data(state.questionnaire, task)
    if not errors:
        try:
            answers = AnswersFile.model_validate(data)
            return _done(index, task.name, task.row, _assess(state, answers), state)
        except ValidationError as exc:
            errors = [csvrows.locate(task, f) for f in _validation_findings(task, data, exc)]
        except InputError as exc:
            errors = [csvrows.locate(task, f) for f in exc.findings if f.level == "error"]
            errors = errors or [ErrorRecord(task.name, exc.message, row=task.row)]
    return BatchItem(index, task.name, task.row, "error", errors=tuple(errors[:MAX_ERRORS]))


def _validation_findings(task: RowTask, data: Any, exc: ValidationError) -> list[Finding]:
    from mutual_detector.loading import Document, validation_findings

    return validation_findings(Document(task.name, data), exc)


# --------------------------------------------------------------------------- results


def _assess(state: _State, answers: AnswersFile) -> tuple[Brief, str | None]:
    """The brief of the assessment, and the full result as JSON when the output needs it.

    Without the full result (csv, table, markdown, ranking) only the brief is worked
    out (:func:`mutual_detector.engine.brief.brief`), at a fraction of the cost.
    """
    config = state.config
    if not config.payload:
        from mutual_detector.engine.brief import brief

        return brief(state.questionnaire, answers, config.lang), None
    from mutual_detector.engine import assess
    from mutual_detector.engine.brief import Brief

    result = assess(
        state.questionnaire, answers, whatif=False, timestamp=config.timestamp, lang=config.lang
    )
    return Brief.of_result(result), result.model_dump_json()


def _done(
    index: int, name: str, row: int | None, assessed: tuple[Brief, str | None], state: _State
) -> BatchItem:
    brief, payload = assessed
    gate = state.gate.check_brief(brief) if state.gate is not None else None
    return BatchItem(
        index,
        name,
        row,
        "ok",
        summary=summarise(brief, state.bands, state.scored_sections),
        warnings=brief.warnings,
        gate=gate,
        payload=payload,
    )


def summarise(brief: Brief, bands: tuple[str, ...], scored: tuple[str, ...]) -> Summary:
    """The short form of an assessment that tables, CSV rows and rankings show."""
    meta = brief.metadata

    def rank(band: str) -> int:
        return bands.index(band) if band in bands else len(bands)

    sections = dict(brief.section_scores)
    return Summary(
        service=meta.service,
        organisation=meta.organisation,
        assessor=meta.assessor,
        date=meta.date.isoformat() if meta.date is not None else None,
        verdict=brief.best if brief.decided else "between",
        verdict_label=brief.label,
        best=brief.best,
        worst=brief.worst,
        indicative=brief.indicative,
        best_rank=rank(brief.best),
        worst_rank=rank(brief.worst),
        indicative_rank=rank(brief.indicative),
        low=brief.low,
        point=brief.point,
        high=brief.high,
        answered_share=brief.answered_share,
        readiness=brief.readiness,
        legal_form=brief.legal_form,
        flags=tuple(FlagBrief(f.id, f.severity, f.message, f.cap, f.status) for f in brief.flags),
        sections=tuple((sid, sections.get(sid)) for sid in scored),
    )


def _rank(bands: tuple[str, ...], band: str) -> int:
    return bands.index(band) if band in bands else len(bands)


__all__ = ["MAX_ERRORS", "WorkerConfig", "init", "process", "process_chunk", "summarise"]

"""Run calibration cases: each case's answers through its questionnaire, judged against
the verdict an adviser gave it (:mod:`mutual_detector.model.calibration`).

One case that cannot be read or scored becomes an outcome with its located
error; the others are still run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mutual_detector.errors import InputError
from mutual_detector.model.calibration import CalibrationCase, disagreements, got

if TYPE_CHECKING:
    from mutual_detector.loading import LoadedQuestionnaire


@dataclass(frozen=True)
class CaseOutcome:
    """One case: what was expected, what the questionnaire gave, and whether they agree."""

    path: str
    case_id: str
    title: str
    expected: str
    got: str | None = None
    problems: tuple[str, ...] = ()
    error: str | None = None
    """The case could not be read or scored: the located one-line error."""
    reason: str = ""
    readiness: str | None = None
    flags: tuple[str, ...] = field(default=())
    reads: tuple[str, ...] = field(default=(), compare=False)
    """The files read for this case (the case, its questionnaire and parts), so that an
    output is never one of them."""

    @property
    def agrees(self) -> bool:
        return self.error is None and not self.problems


def builtin_cases_dir() -> Path:
    """Where the built-in cases are: inside the installed package, or the checkout."""
    packaged = Path(__file__).with_name("calibration")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "calibration"


def case_paths(inputs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The case files named (folders searched recursively for ``*.yaml``); built-ins if none."""
    if not inputs:
        inputs = [builtin_cases_dir()]
    out: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            out += sorted(p for p in path.rglob("*.y*ml") if p.is_file())
        else:
            out.append(path)
    return out


def run_cases(
    paths: Iterable[Path], questionnaire: str | os.PathLike[str] | None = None
) -> list[CaseOutcome]:
    """Every case's outcome, in the order given. ``questionnaire`` overrides the cases' own."""
    return [run_case(path, questionnaire) for path in paths]


def run_case(path: Path, questionnaire: str | os.PathLike[str] | None = None) -> CaseOutcome:
    from mutual_detector.engine import assess
    from mutual_detector.loading import (
        LoadedAnswers,
        check_answers,
        display_path,
        get_questionnaire,
        read_document,
        validate_model,
    )

    shown = display_path(path)
    try:
        doc = read_document(path)
        case: CalibrationCase = validate_model(doc, CalibrationCase)
    except InputError as exc:
        return CaseOutcome(shown, path.stem, "", "", error=_first_error(exc))
    loaded_q: LoadedQuestionnaire | None = None
    try:
        ref = questionnaire if questionnaire is not None else _case_questionnaire(case, path)
        loaded_q = get_questionnaire(ref)
        answers = case.answers_file(loaded_q.questionnaire.id)
        errors = [
            f for f in check_answers(LoadedAnswers(answers, doc), loaded_q) if f.level == "error"
        ]
        if errors:
            raise InputError(errors[0].one_line(), errors)
        result = assess(loaded_q.questionnaire, answers, whatif=False)
    except InputError as exc:
        return CaseOutcome(
            shown,
            case.id,
            case.title,
            case.expect.describe(),
            error=_first_error(exc),
            reads=(str(path), *(loaded_q.files if loaded_q is not None else ())),
        )
    return CaseOutcome(
        shown,
        case.id,
        case.title,
        case.expect.describe(),
        got(result),
        tuple(disagreements(case.expect, result)),
        reason=case.reason,
        readiness=result.readiness.status,
        flags=tuple(f.id for f in result.flags if f.status == "raised"),
        reads=(str(path), *loaded_q.files),
    )


def _case_questionnaire(case: CalibrationCase, case_path: Path) -> Path:
    """A path in a case is relative to the case file; an id is found as answers find theirs."""
    from mutual_detector.loading.lookup import is_id, questionnaire_path

    ref = case.questionnaire
    if is_id(ref):
        return questionnaire_path(None, answers=case_path, qid=ref)
    return case_path.parent / ref


def _first_error(exc: InputError) -> str:
    findings = [f for f in exc.findings if f.level == "error"]
    return findings[0].one_line() if findings else f"error: {exc.message}"


__all__ = ["CaseOutcome", "builtin_cases_dir", "case_paths", "run_case", "run_cases"]

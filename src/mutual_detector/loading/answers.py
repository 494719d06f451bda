"""Loading an answers file: its shape validated, then checked against its questionnaire."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mutual_detector.loading.located import Document, check_format
from mutual_detector.loading.readers import read_document
from mutual_detector.loading.wording import validate_model
from mutual_detector.model.findings import Finding

if TYPE_CHECKING:
    from mutual_detector.loading.questionnaires import LoadedQuestionnaire
    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.model.questionnaire import Questionnaire


@dataclass(frozen=True)
class LoadedAnswers:
    """Answers whose shape is valid, the document they were read from, and its path."""

    answers: AnswersFile
    document: Document
    path: Path | None = None
    """The file, when they were read from one: its questionnaire may be beside it."""


def parse_answers(doc: Document, path: Path | None = None) -> LoadedAnswers:
    """The answers ``doc`` holds, validated; InputError (located) if their shape is wrong."""
    from mutual_detector.model.answers import AnswersFile

    check_format(doc, ["answers"])
    return LoadedAnswers(validate_model(doc, AnswersFile), doc, path)


def load_answers(path: os.PathLike[str] | str) -> LoadedAnswers:
    """Read and validate the shape of an answers file (not yet against a questionnaire)."""
    return parse_answers(read_document(path), Path(path))


def check_answers(loaded: LoadedAnswers, q: LoadedQuestionnaire) -> list[Finding]:
    """Findings for answers against their questionnaire, located in the answers file."""
    return answer_findings(q.questionnaire, loaded.answers, loaded.document)


def answer_findings(q: Questionnaire, answers: AnswersFile, doc: Document) -> list[Finding]:
    """Findings for ``answers`` (read from ``doc``) against ``q``, located, in file order."""
    from mutual_detector.model.checks import check_answers_file

    return sorted((doc.locate(f) for f in check_answers_file(q, answers)), key=Finding.sort_key)


__all__ = ["LoadedAnswers", "answer_findings", "check_answers", "load_answers", "parse_answers"]

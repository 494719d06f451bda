"""Loading a questionnaire: its file and the parts it includes, validated and checked.

:func:`get_questionnaire` is what commands call: it finds the questionnaire
(:mod:`mutual_detector.loading.lookup`) and loads it once per process.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Final

from mutual_detector.errors import InputError
from mutual_detector.loading.files import real_path
from mutual_detector.loading.located import Document, Mark, check_format
from mutual_detector.loading.lookup import Finder, questionnaire_path
from mutual_detector.loading.readers import read_document
from mutual_detector.loading.wording import validate_model
from mutual_detector.model.findings import FieldPath, Finding, finding

if TYPE_CHECKING:
    from mutual_detector.loading.answers import LoadedAnswers
    from mutual_detector.model.questionnaire import Questionnaire

_LIST_KEYS: Final = ("sources", "topics", "sections", "questions", "flags", "recommendations")


@dataclass(frozen=True)
class LoadedQuestionnaire:
    """A questionnaire that loaded without errors, the merged document and its warnings."""

    questionnaire: Questionnaire
    document: Document
    files: tuple[str, ...]
    """The main file and each part, as shown in messages."""
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def merge_parts(
    doc: Document, base_dir: Path, reads: dict[Path, bytes] | None = None
) -> tuple[Document, tuple[str, ...]]:
    """The questionnaire document with its ``include:`` parts appended (``reads``: as above)."""
    data = dict(doc.data)
    files = [doc.file]
    #: Each part appended, and where each of its lists begins in the merged lists.
    appended: list[tuple[Document, dict[str, int]]] = []
    includes = data.get("include") or []
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        raise InputError(
            "include must be a list of paths",
            [doc.locate(finding("E011", "include must be a list of file paths", ("include",)))],
        )
    seen: set[Path] = set()
    root = real_path(base_dir)
    for n, rel in enumerate(includes):
        target = real_path(base_dir / rel)
        located = doc.locate(finding("E011", "", ("include", n)))
        if not target.is_relative_to(root):
            raise InputError(
                "", [replace(located, message=f"{rel!r} is outside the questionnaire's folder")]
            )
        if target in seen:
            raise InputError("", [replace(located, message=f"{rel!r} is included twice")])
        seen.add(target)
        try:
            part = read_document(target, reads)
        except InputError as exc:
            if any(f.rule == "E008" for f in exc.findings):
                msg = f"cannot read included file {rel!r}: {exc.findings[0].message}"
                raise InputError(msg, [replace(located, message=msg)]) from None
            raise
        check_format(part, ["part"])
        unknown = sorted(set(part.data) - {"format", *_LIST_KEYS}, key=str)
        if unknown:
            msg = f"a part file may only hold format and {', '.join(_LIST_KEYS)}"
            raise InputError(msg, [part.locate(finding("E010", msg, (unknown[0],)))])
        files.append(part.file)
        offsets: dict[str, int] = {}
        appended.append((part, offsets))
        for key in _LIST_KEYS:
            items = part.data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise InputError("", [part.locate(finding("E010", "must be a list", (key,)))])
            existing = data.get(key) or []
            if not isinstance(existing, list):
                break
            offsets[key] = len(existing)
            data[key] = [*existing, *items]

    def find_marks() -> dict[FieldPath, Mark]:
        marks = dict(doc.marks)
        for part, offsets in appended:
            for p, mark in part.marks.items():
                if p and p[0] in offsets and len(p) > 1 and isinstance(p[1], int):
                    marks[(p[0], p[1] + offsets[p[0]], *p[2:])] = mark
        return marks

    return Document(doc.file, data, find_marks=find_marks), tuple(files)


def load_questionnaire(
    path: os.PathLike[str] | str,
    document: Document | None = None,
    *,
    reads: dict[Path, bytes] | None = None,
) -> LoadedQuestionnaire:
    """Load, merge, validate and lint a questionnaire; raise InputError on errors.

    ``document`` is the file already read by :func:`read_document`, if it was.
    ``reads`` gets the bytes of every file read, by real path.
    """
    from mutual_detector.model.checks import lint
    from mutual_detector.model.questionnaire import Questionnaire

    doc = document if document is not None else read_document(path, reads)
    check_format(doc, ["questionnaire"])
    merged, files = merge_parts(doc, Path(path).parent, reads)
    model: Questionnaire = validate_model(merged, Questionnaire)
    findings = tuple(sorted((merged.locate(f) for f in lint(model)), key=Finding.sort_key))
    loaded = LoadedQuestionnaire(model, merged, files, findings)
    if loaded.errors:
        raise InputError(loaded.errors[0].one_line(), findings)
    return loaded


def get_questionnaire(
    ref: str | os.PathLike[str] | None = None,
    *,
    answers: LoadedAnswers | None = None,
    finder: Finder | None = None,
) -> LoadedQuestionnaire:
    """The questionnaire ``ref`` (``--questionnaire``) names, else the one ``answers`` name.

    Found as :mod:`mutual_detector.loading.lookup` documents; loaded once per
    process while its main file is unchanged. Raises InputError.
    """
    qid = answers.answers.questionnaire if answers is not None else None
    where = answers.path if answers is not None else None
    path = questionnaire_path(ref, answers=where, qid=qid, finder=finder)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load_once(str(path), mtime)


@lru_cache(maxsize=16)
def _load_once(path: str, mtime: float) -> LoadedQuestionnaire:
    return load_questionnaire(path)


__all__ = [
    "LoadedQuestionnaire",
    "get_questionnaire",
    "load_questionnaire",
    "merge_parts",
]

"""Loading a questionnaire: its file and the parts it includes, validated and checked.

:func:`get_questionnaire` is what commands call: it finds the questionnaire
(:mod:`mutual_detector.loading.lookup`) and loads it once per process.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
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
    try:
        model: Questionnaire = validate_model(merged, Questionnaire)
    except InputError as exc:
        # The rest of the file is checked too, so that one run reports every problem.
        rest = checked_despite(merged, exc.findings)
        raise InputError(
            exc.message, sorted([*exc.findings, *rest], key=Finding.sort_key)
        ) from None
    findings = tuple(sorted((merged.locate(f) for f in lint(model)), key=Finding.sort_key))
    loaded = LoadedQuestionnaire(model, merged, files, findings)
    if loaded.errors:
        raise InputError(loaded.errors[0].one_line(), findings)
    return loaded


def checked_despite(doc: Document, errors: Sequence[Finding]) -> list[Finding]:
    """The lint findings of a questionnaire whose structure has ``errors``, found by
    checking the rest of it with each part in error set aside, where that is safe.

    First only the fields in error are left out (a ``when:`` that cannot be
    parsed, a weight that is not a number: the item keeps its defaults). If
    the rest still does not hold together, each item (a question, a flag, ...)
    with an error is left out instead; findings naming its id, and those about
    the questionnaire as a whole (nothing scored, an empty section, a condition
    that can never hold), are then not reported, since they may only echo the
    left-out item. Errors outside a list item (the top level, ``scoring``)
    leave nothing safe to check: [].
    """
    from pydantic import ValidationError

    from mutual_detector.model.checks import lint
    from mutual_detector.model.questionnaire import Questionnaire

    places: list[tuple[str, int, str | int]] = []
    for error in errors:
        path = error.path
        if len(path) < 3 or path[0] not in _LIST_KEYS or not isinstance(path[1], int):
            return []
        items = doc.data.get(path[0])
        if not (isinstance(items, list) and 0 <= path[1] < len(items)):
            return []
        if not isinstance(items[path[1]], dict):
            return []
        places.append((str(path[0]), path[1], path[2]))

    # 1. Leave out the fields in error.
    data = copy.deepcopy(doc.data)
    for key, index, name in places:
        data[key][index].pop(name, None)
    aside: list[FieldPath] = [(key, index, name) for key, index, name in places]
    kept: dict[str, list[int]] = {}
    ids: set[str] = set()
    try:
        model = Questionnaire.model_validate(data)
    except ValidationError:
        # 2. Leave out the items in error.
        data = copy.deepcopy(doc.data)
        gone: dict[str, set[int]] = {}
        for key, index, _ in places:
            gone.setdefault(key, set()).add(index)
        for key, indexes in gone.items():
            items = data[key]
            ids |= {str(items[i].get("id")) for i in indexes}
            kept[key] = [i for i in range(len(items)) if i not in indexes]
            data[key] = [items[i] for i in kept[key]]
        aside = [(key, index) for key, index, _ in places]
        try:
            model = Questionnaire.model_validate(data)
        except ValidationError:
            return []
    out: list[Finding] = []
    for f in lint(model):
        path = f.path
        if len(path) > 1 and str(path[0]) in kept and isinstance(path[1], int):
            path = (path[0], kept[str(path[0])][path[1]], *path[2:])
        if any(path[: len(p)] == p for p in aside):
            continue
        if ids and (f.rule in _ECHOES or any(f"'{i}'" in f.message for i in ids)):
            continue
        out.append(doc.locate(replace(f, path=path)))
    return out


#: Findings about the questionnaire as a whole, which a left-out item may cause.
_ECHOES: Final = frozenset({"Q109", "Q111", "Q115"})


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
    "checked_despite",
    "get_questionnaire",
    "load_questionnaire",
    "merge_parts",
]

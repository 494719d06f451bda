"""Validate many files: questionnaires and answers, told apart by their format line."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mutual_detector.errors import InputError
from mutual_detector.loading import (
    Document,
    LoadedQuestionnaire,
    builtin_paths,
    check_answers,
    display_path,
    get_questionnaire,
    load_questionnaire,
    parse_answers,
    read_document,
)
from mutual_detector.model.findings import Finding, finding

YAML_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class ValidationReport:
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    unreadable: int = 0
    """Files that could not be read or parsed at all (exit code 3)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and YAML/JSON files under folders named (sorted, links not followed)."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(YAML_SUFFIXES):
                        yield Path(root) / name
        else:
            yield path


def validate_paths(paths: list[Path]) -> ValidationReport:
    report = ValidationReport()
    targets = list(expand(paths)) if paths else builtin_paths()
    parts = _included_parts(targets)
    for path in targets:
        if path.resolve() in parts:
            continue  # checked as part of the questionnaire that includes it
        report.files += 1
        try:
            report.findings += validate_file(path)
        except InputError as exc:
            report.findings += exc.findings or [finding("E008", exc.message).located(display_path(path), None, None)]
            if any(f.rule.startswith("E") and f.rule != "E010" for f in exc.findings) or not exc.findings:
                report.unreadable += 1
    report.findings.sort(key=Finding.sort_key)
    return report


def _included_parts(targets: list[Path]) -> set[Path]:
    """Part files included by a questionnaire in ``targets`` (so not checked on their own)."""
    parts: set[Path] = set()
    for path in targets:
        try:
            doc = read_document(path)
        except InputError:
            continue
        if doc.kind == "questionnaire" and isinstance(doc.data.get("include"), list):
            parts.update((path.parent / str(p)).resolve() for p in doc.data["include"])
    return parts


def validate_file(path: Path) -> list[Finding]:
    doc = read_document(path)
    kind = doc.kind
    if kind == "questionnaire":
        return list(_lint_questionnaire(path))
    if kind == "answers":
        return _validate_answers(doc)
    if kind == "part":
        from mutual_detector.loading import validate_model
        from mutual_detector.model.questionnaire import QuestionnairePart

        validate_model(doc, QuestionnairePart)
        return []
    fmt = doc.data.get("format")
    msg = f"unknown format {fmt!r}" if fmt else "missing `format:` line (questionnaire or answers?)"
    raise InputError(msg, [doc.locate(finding("E007", msg, ("format",)))])


def _lint_questionnaire(path: Path) -> tuple[Finding, ...]:
    try:
        return load_questionnaire(path).findings
    except InputError as exc:
        if exc.findings:
            return tuple(exc.findings)
        raise


def _validate_answers(doc: Document) -> list[Finding]:
    loaded = parse_answers(doc)
    try:
        q: LoadedQuestionnaire = get_questionnaire(loaded.answers.questionnaire)
    except InputError as exc:
        return [doc.locate(finding("A206", exc.message, ("questionnaire",)))]
    return check_answers(loaded, q)

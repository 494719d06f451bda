"""Validate many files: questionnaires, their parts and answers files, told apart by their format line.

Nothing here prints. :func:`validate_paths` returns a :class:`ValidationReport`
(every file and every finding, as data); :mod:`mutual_detector.render.findings`
turns it into text, JSON, GitHub annotations or SARIF, and the CLI writes it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

from mutual_detector.errors import InputError, Outcome, exit_code
from mutual_detector.loading import (
    Document,
    Finder,
    LoadedQuestionnaire,
    builtin_dir,
    builtin_paths,
    check_answers,
    display_path,
    load_questionnaire,
    parse_answers,
    questionnaire_path,
    read_document,
    read_raw,
    real_path,
    validate_model,
)
from mutual_detector.loading.lookup import YAML_SUFFIXES, not_found
from mutual_detector.model.findings import Finding, finding

#: Rules meaning "the file could not be read or parsed" (exit code 3). Every
#: other finding, including E010 (a field does not match the format), is a
#: finding in a file that was read (exit code 1).
INPUT_RULES: Final = frozenset(
    {"E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E011"}
)

FileKind = Literal["questionnaire", "part", "answers"]
FileStatus = Literal["ok", "warnings", "errors", "unreadable", "skipped"]


@dataclass(frozen=True)
class FileResult:
    """One file that was checked (or skipped), and how it fared."""

    file: str
    """The path as the user would type it (relative to the working folder if inside it)."""
    kind: FileKind | None
    """What its ``format:`` line says it is; None if it could not be read or is not ours."""
    status: FileStatus
    errors: int = 0
    warnings: int = 0
    questionnaire: str | None = None
    """Answers: the questionnaire file they were checked against. Part: the file including it."""
    note: str | None = None
    """Why a file was skipped, or how it was checked."""


@dataclass(frozen=True)
class ValidationReport:
    """Everything ``validate`` found, in a stable order."""

    files: tuple[FileResult, ...]
    findings: tuple[Finding, ...]
    strict: bool = False
    """Warnings count as failures (``--strict``)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def unreadable(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "unreadable"]

    @property
    def checked(self) -> list[FileResult]:
        return [f for f in self.files if f.status != "skipped"]

    @property
    def outcome(self) -> Outcome:
        """A file could not be read or parsed; findings (warnings too with ``strict``)."""
        return Outcome(
            unreadable=any(f.rule in INPUT_RULES for f in self.findings),
            failing=bool(self.errors or (self.strict and self.warnings)),
        )

    @property
    def exit_code(self) -> int:
        """0 ok, 1 findings, 3 a file could not be read or parsed (:func:`~mutual_detector.errors.exit_code`)."""
        return exit_code(self.outcome)


# --------------------------------------------------------------------------- entry point


def validate_paths(
    paths: Sequence[Path],
    *,
    questionnaire: str | None = None,
    strict: bool = False,
    ignore_unknown: bool = False,
    only_ours: bool = False,
    output: Path | None = None,
) -> ValidationReport:
    """Check ``paths`` (files, or folders searched recursively); no paths: the built-ins.

    ``questionnaire`` (an id or a path) is what answers files are checked
    against; by default, the one their ``questionnaire:`` id names, found as
    :mod:`mutual_detector.loading.lookup` documents (named on the command line,
    in the answers' folder, among the files given, built in).
    ``ignore_unknown`` skips named files that are not mutual-detector files
    (files found in folders are always skipped then).
    ``only_ours`` skips, without reading them as YAML, files that have no
    top-level ``format: mutual-detector/...`` line (a Helm template, a CI
    config): what the pre-commit hook needs (see :func:`declares_our_format`).
    ``output``: the report's own file, not read when found in a folder if it
    holds an earlier report of ours (so that ``validate dir -o dir/report.json``
    does not check its last report); anything else there is read as usual.

    Every file is read once, at most ``MAX_BYTES`` of it (so a pipe such as
    ``<(cat file)`` works): its bytes serve every later step. A folder in which
    no questionnaire or answers file is found is an input error (E008).
    """
    validator = _Validator(None, ignore_unknown or only_ours, only_ours)
    validator.override = _resolve_override(questionnaire, validator)
    if not paths:
        report = validator.run([(p, True) for p in builtin_paths()])
        if not report.files:
            message = f"no built-in questionnaires found in {display_path(builtin_dir())}"
            report = _single_failure("E008", message, display_path(builtin_dir()))
        return replace(report, strict=strict)
    targets: list[tuple[Path, bool]] = []
    folders: list[tuple[Path, list[Path]]] = []
    for path in paths:
        found = list(expand([path]))
        if output is not None and _our_report(output):
            from mutual_detector.outputs import same_file

            found = [(p, named) for p, named in found if named or not same_file(p, output)]
        targets += found
        if path.is_dir():
            folders.append((path, [p for p, _ in found]))
    report = _empty_folders(validator.run(targets), folders)
    return replace(report, strict=strict)


def _resolve_override(questionnaire: str | None, validator: _Validator) -> Path | None:
    """``--questionnaire``, found and loaded as every command does.

    One that is not found, cannot be read or has errors is an input error (3)
    listing its errors, exactly as in ``assess``, ``batch``, ``compare`` and
    ``template``; it is loaded once, by ``validator``, which checks answers
    against it later.
    """
    if questionnaire is None:
        return None
    path = questionnaire_path(questionnaire)  # InputError naming what was looked for
    loaded, found = validator.questionnaire(path)
    if loaded is None:
        raise InputError(f"--questionnaire: {display_path(path)} cannot be used", found)
    return path


def _single_failure(rule: str, message: str, file: str) -> ValidationReport:
    f = finding(rule, message).located(file, None, None)
    return ValidationReport((FileResult(file, None, "unreadable", errors=1),), (f,))


def _empty_folders(
    report: ValidationReport, folders: Sequence[tuple[Path, list[Path]]]
) -> ValidationReport:
    """``report`` with an E008 for each folder named in which no file of ours was found.

    ``validate dir.yaml/`` (a folder named like a file) or an empty folder must
    not pass quietly as if everything in it had been checked.
    """
    found = {f.file for f in report.files if f.status != "skipped"}
    failures: list[Finding] = []
    seen: set[Path] = set()
    for folder, files in folders:
        name = display_path(folder)
        if real_path(folder) in seen or any(display_path(f) in found for f in files):
            continue
        seen.add(real_path(folder))
        if files:
            which = (
                "its one .yaml/.yml/.json file has no"
                if len(files) == 1
                else f"none of its {len(files):,} .yaml/.yml/.json files has a"
            )
            message = (
                f"no questionnaire or answers files found in {name} "
                f"({which} `format: mutual-detector/...` line)"
            )
        else:
            message = f"no .yaml/.yml/.json files found in {name}" + _folder_problem(folder)
        failures.append(finding("E008", message).located(name, None, None))
    # A folder is not a file: it adds a finding (exit 3), not a line to ``files``.
    findings = tuple(sorted([*report.findings, *failures], key=Finding.sort_key))
    return replace(report, findings=findings) if failures else report


def _folder_problem(folder: Path) -> str:
    """Why a folder could not be searched (``os.walk`` is silent about it), if it could not."""
    try:
        with os.scandir(folder):
            return ""
    except OSError as exc:
        return f" (it cannot be read: {(exc.strerror or str(exc)).lower()})"


def expand(paths: Iterable[Path]) -> Iterator[tuple[Path, bool]]:
    """``(file, named)``: files named, and YAML/JSON files under folders named.

    Folders are walked in sorted order; hidden folders are skipped and links
    to folders are not followed.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                        yield Path(root) / name, False
        else:
            yield path, True


# --------------------------------------------------------------------------- the work


#: A top-level ``format: mutual-detector/...`` line (YAML, quoted or not), or
#: ``"format": "mutual-detector/..."`` (JSON).
_OUR_FORMAT_LINE: Final = re.compile(
    rb"""(?m)^(?:\xef\xbb\xbf)?["']?format["']?[ \t]*:[ \t]*["']?mutual-detector/"""
    rb"""|"format"\s*:\s*"mutual-detector/"""
)


def declares_our_format(raw: bytes) -> bool:
    """Whether a file's bytes have a ``format: mutual-detector/...`` line (read, not parsed)."""
    return _OUR_FORMAT_LINE.search(raw) is not None


def _our_report(path: Path) -> bool:
    """Whether ``path`` holds a report ``validate`` wrote (JSON or SARIF), by its first bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    if not head.lstrip().startswith(b"{"):
        return False
    if b'"format": "mutual-detector/validate@' in head:
        return True
    return b"sarif-2.1.0" in head and b'"name": "mutual-detector"' in head


def _is_ours(doc: Document) -> bool:
    fmt = doc.data.get("format")
    return isinstance(fmt, str) and fmt.startswith("mutual-detector/")


def _findings_of(exc: InputError, file: str) -> list[Finding]:
    return exc.findings or [finding("E008", exc.message).located(file, None, None)]


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _no_folder_hint(f: Finding) -> Finding:
    """Say why the parts of a questionnaire read from a pipe (``<(cat q.yaml)``) are not found."""
    if f.rule != "E011" or not f.message.startswith("cannot read included file"):
        return f
    hint = "parts are found next to the questionnaire; give its path, not a pipe"
    return replace(f, message=f"{f.message} ({hint})")


@dataclass
class _Validator:
    override: Path | None
    ignore_unknown: bool
    only_ours: bool = False
    raw: dict[Path, bytes] = field(default_factory=dict)
    """The bytes of every file read, by real path: each file is read once (pipes too)."""
    unreadable: dict[Path, InputError] = field(default_factory=dict)
    documents: dict[Path, Document | InputError] = field(default_factory=dict)
    questionnaires: dict[Path, tuple[LoadedQuestionnaire | None, list[Finding]]] = field(
        default_factory=dict
    )

    # ---------------------------------------------------------------- reading (memoised)
    def read(self, path: Path) -> bytes | InputError:
        """The file's bytes (at most ``MAX_BYTES``), read once whatever asks for them."""
        key = real_path(path)
        if key in self.raw:
            return self.raw[key]
        if key not in self.unreadable:
            try:
                self.raw[key] = read_raw(path, display_path(path))
                return self.raw[key]
            except InputError as exc:
                self.unreadable[key] = exc
        return self.unreadable[key]

    def document(self, path: Path) -> Document | InputError:
        key = real_path(path)
        if key not in self.documents:
            raw = self.read(path)
            if isinstance(raw, InputError):
                self.documents[key] = raw
            else:
                try:
                    self.documents[key] = read_document(path, self.raw)  # parses those bytes
                except InputError as exc:
                    self.documents[key] = exc
        return self.documents[key]

    def questionnaire(self, path: Path) -> tuple[LoadedQuestionnaire | None, list[Finding]]:
        """The loaded questionnaire (None if it has errors) and all its findings."""
        key = real_path(path)
        if key not in self.questionnaires:
            doc = self.document(path)
            if isinstance(doc, InputError):
                self.questionnaires[key] = (None, _findings_of(doc, display_path(path)))
            else:
                try:
                    # Parts already read (named, or found in a folder) are not read again.
                    loaded = load_questionnaire(path, doc, reads=self.raw)
                    self.questionnaires[key] = (loaded, list(loaded.findings))
                except InputError as exc:
                    found = _findings_of(exc, doc.file)
                    if not _is_regular(path):
                        found = [_no_folder_hint(f) for f in found]
                    self.questionnaires[key] = (None, found)
        return self.questionnaires[key]

    # ---------------------------------------------------------------- the run
    def run(self, targets: list[tuple[Path, bool]]) -> ValidationReport:
        results: list[FileResult] = []
        findings: dict[tuple[Any, ...], Finding] = {}
        seen: set[Path] = set()
        questionnaires: list[Path] = []
        named_questionnaires: list[Path] = []
        parts: list[Path] = []
        answers: list[Path] = []
        for path, named in targets:
            key = real_path(path)
            if key in seen:
                continue
            seen.add(key)
            name = display_path(path)
            if self.only_ours and not self._declared_ours(path):
                results.append(FileResult(name, None, "skipped", note="not a mutual-detector file"))
                continue
            doc = self.document(path)
            if isinstance(doc, InputError):
                if not named and not self._ours_unreadable(doc):
                    continue
                results.append(self._result(name, None, _findings_of(doc, name), findings))
            elif doc.kind == "questionnaire":
                questionnaires.append(path)
                if named:
                    named_questionnaires.append(path)
            elif doc.kind == "part":
                parts.append(path)
            elif doc.kind == "answers":
                answers.append(path)
            elif not _is_ours(doc) and (not named or self.ignore_unknown):
                results.append(FileResult(name, None, "skipped", note="not a mutual-detector file"))
            else:
                fmt = doc.data.get("format")
                message = (
                    f"format {fmt!r} is not one this version reads"
                    if fmt is not None
                    else "missing `format:` line (is this a questionnaire or an answers file?)"
                )
                results.append(
                    self._result(
                        name, None, [doc.locate(finding("E007", message, ("format",)))], findings
                    )
                )

        included = {p: q for q in questionnaires for p in self._includes(q)}
        for part in parts:
            owner = included.get(real_path(part)) or self._owner(part)
            if owner is not None and real_path(owner) not in {real_path(q) for q in questionnaires}:
                questionnaires.append(owner)
            results.append(self._part(part, owner, findings))
        for q in questionnaires:
            _, found = self.questionnaire(q)
            results.append(self._result(display_path(q), "questionnaire", found, findings))
        # Where answers look for their questionnaire: loading.lookup, steps 2a to 2d.
        finder = Finder(self._questionnaire_id, named=named_questionnaires, found=questionnaires)
        for a in answers:
            results.append(self._answers(a, finder, findings))
        ordered = sorted(findings.values(), key=Finding.sort_key)
        return ValidationReport(tuple(sorted(results, key=lambda r: r.file)), tuple(ordered))

    def _declared_ours(self, path: Path) -> bool:
        """``only_ours``: the file has our format line (one that cannot be read is reported)."""
        raw = self.read(path)
        return isinstance(raw, InputError) or declares_our_format(raw)

    @staticmethod
    def _ours_unreadable(exc: InputError) -> bool:
        """A file found in a folder that could not be read is reported unless it is plainly not ours."""
        return not any(f.rule == "E006" for f in exc.findings)

    def _result(
        self,
        name: str,
        kind: FileKind | None,
        found: Iterable[Finding],
        into: dict[tuple[Any, ...], Finding],
        **extra: Any,
    ) -> FileResult:
        found = list(found)
        for f in found:
            into[(f.sort_key(), f.path, f.level)] = f
        errors = sum(1 for f in found if f.level == "error")
        warnings = len(found) - errors
        status: FileStatus = "ok"
        if any(f.rule in INPUT_RULES for f in found):
            status = "unreadable"
        elif errors:
            status = "errors"
        elif warnings:
            status = "warnings"
        return FileResult(name, kind, status, errors, warnings, **extra)

    # ---------------------------------------------------------------- parts
    def _includes(self, questionnaire: Path) -> list[Path]:
        doc = self.document(questionnaire)
        if isinstance(doc, InputError):
            return []
        include = doc.data.get("include")
        if not isinstance(include, list):
            return []
        return [real_path(questionnaire.parent / p) for p in include if isinstance(p, str)]

    def _owner(self, part: Path) -> Path | None:
        """A questionnaire in the part's folder or the one above that includes it."""
        target = real_path(part)
        for folder in (part.parent, part.parent.parent):
            try:
                candidates = sorted(c for c in folder.iterdir() if c.suffix in YAML_SUFFIXES)
            except OSError:
                continue
            for candidate in candidates:
                if candidate.is_file() and target in self._includes_if_questionnaire(candidate):
                    return candidate
        return None

    def _includes_if_questionnaire(self, path: Path) -> list[Path]:
        doc = self.document(path)
        if isinstance(doc, InputError) or doc.kind != "questionnaire":
            return []
        return self._includes(path)

    def _part(
        self, part: Path, owner: Path | None, into: dict[tuple[Any, ...], Finding]
    ) -> FileResult:
        name = display_path(part)
        if owner is not None:
            _, everything = self.questionnaire(owner)
            mine = [f for f in everything if f.file == name]
            return self._result(
                name,
                "part",
                mine,
                into,
                questionnaire=display_path(owner),
                note="checked as part of the questionnaire that includes it",
            )
        from mutual_detector.model.questionnaire import QuestionnairePart

        doc = self.document(part)
        assert not isinstance(doc, InputError)
        try:
            validate_model(doc, QuestionnairePart)
            found: list[Finding] = []
        except InputError as exc:
            found = _findings_of(exc, name)
        return self._result(
            name,
            "part",
            found,
            into,
            note="no questionnaire including it was found: only its fields were checked",
        )

    # ---------------------------------------------------------------- answers
    def _answers(
        self,
        path: Path,
        finder: Finder,
        into: dict[tuple[Any, ...], Finding],
    ) -> FileResult:
        doc = self.document(path)
        assert not isinstance(doc, InputError)
        name = doc.file
        try:
            loaded = parse_answers(doc)
        except InputError as exc:
            return self._result(name, "answers", _findings_of(exc, name), into)
        qid = loaded.answers.questionnaire
        source = self.override or finder.for_answers(qid, path)
        if source is None:
            message = not_found(qid, path, given=True)
            return self._result(
                name, "answers", [doc.locate(finding("A206", message, ("questionnaire",)))], into
            )
        q, _ = self.questionnaire(source)
        shown = display_path(source)
        if q is None:
            message = f"questionnaire {shown} has errors, so these answers were not checked"
            found = [doc.locate(finding("A209", message, ("questionnaire",)))]
        else:
            found = check_answers(loaded, q)
        return self._result(name, "answers", found, into, questionnaire=shown)

    def _questionnaire_id(self, path: Path) -> str | None:
        doc = self.document(path)
        if isinstance(doc, InputError) or doc.kind != "questionnaire":
            return None
        ident = doc.data.get("id")
        return ident if isinstance(ident, str) else None


__all__ = [
    "INPUT_RULES",
    "FileResult",
    "ValidationReport",
    "expand",
    "validate_paths",
]

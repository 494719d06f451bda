"""Renderers for ``validate``: text, JSON, GitHub annotations and SARIF 2.1.0.

Each takes a :class:`~mutual_detector.validation.ValidationReport` and returns
a ``str``; only the CLI writes it. This module imports nothing heavy at the
top (rich is imported only for coloured text), so ``--help`` stays quick.
"""

from __future__ import annotations

import enum
import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Final, assert_never
from urllib.parse import quote

from mutual_detector import __version__
from mutual_detector.model.findings import RULES, Finding
from mutual_detector.text import printable

if TYPE_CHECKING:
    from mutual_detector.validation import FileResult, ValidationReport

#: Identifies the JSON output's structure (documented in docs/errors.md).
JSON_FORMAT: Final = "mutual-detector/validate@1"
SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"


class FindingsFormat(enum.StrEnum):
    """How ``validate`` reports: for people, scripts, GitHub Actions or code scanning."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"

    def render(self, report: ValidationReport, *, color: bool = False) -> str:
        if self is FindingsFormat.text:
            return render_text(report, color=color)
        if self is FindingsFormat.json:
            return render_json(report)
        if self is FindingsFormat.github:
            return render_github(report)
        if self is FindingsFormat.sarif:
            return render_sarif(report)
        assert_never(self)


# --------------------------------------------------------------------------- text


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def summary(report: ValidationReport) -> str:
    """One sentence saying what was checked and what was found."""
    checked = report.checked
    skipped = len(report.files) - len(checked)
    skipped_note = f"{_plural(skipped, 'other file')} skipped" if skipped else ""
    if not checked:
        return (
            f"No questionnaire or answers files found ({skipped_note})."
            if skipped
            else ("No questionnaire or answers files found.")
        )
    kinds = []
    for kind, word in (
        ("questionnaire", "questionnaire"),
        ("part", "part"),
        ("answers", "answers file"),
    ):
        n = sum(1 for f in checked if f.kind == kind)
        if n:
            kinds.append(_plural(n, word, "answers files" if kind == "answers" else None))
    what = f"Checked {_plural(len(checked), 'file')}"
    notes = "; ".join(n for n in (", ".join(kinds), skipped_note) if n)
    if notes:
        what += f" ({notes})"
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return f"{what}: no problems found."
    found = f"{what}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    if report.unreadable:
        found += f"; {_plural(len(report.unreadable), 'file')} could not be read"
    if report.strict and warnings and not errors:
        found += " (warnings count as failures with --strict)"
    return found + "."


def render_text(report: ValidationReport, *, color: bool = False) -> str:
    """``file:line:col: level: path: message [ID name]`` lines, each with its fix, then a summary."""
    if color:
        return _render_rich(report)
    lines: list[str] = []
    for f in report.findings:
        lines.append(printable(f.one_line()))
        lines.append(f"    fix: {printable(f.hint)}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def _render_rich(report: ValidationReport) -> str:
    from io import StringIO

    from rich.text import Text

    from mutual_detector.render.console import text_console

    out = StringIO()
    console = text_console(10_000, True, file=out)  # one finding a line, never wrapped
    for f in report.findings:
        colour = "red" if f.level == "error" else "yellow"
        line = Text()
        line.append(printable(_where(f)) + ": ", style="bold")
        line.append(f.level, style=f"bold {colour}")
        line.append(": ")
        if f.path:
            line.append(printable(f.dotted_path) + ": ", style="cyan")
        line.append(printable(f.message))
        line.append(f" [{f.rule} {f.name}]", style="dim")
        console.print(line, soft_wrap=True)
        console.print(Text(f"    fix: {printable(f.hint)}", style="green"), soft_wrap=True)
    style = "green" if report.exit_code == 0 else "bold red"
    console.print(Text(summary(report), style=style), soft_wrap=True)
    return out.getvalue()


def _where(f: Finding) -> str:
    where = f.file or "<input>"
    if f.line is not None:
        where += f":{f.line}"
        if f.column is not None:
            where += f":{f.column}"
    return where


# --------------------------------------------------------------------------- JSON


def _file_dict(f: FileResult) -> dict[str, Any]:
    return {
        "file": f.file,
        "kind": f.kind,
        "status": f.status,
        "errors": f.errors,
        "warnings": f.warnings,
        "questionnaire": f.questionnaire,
        "note": f.note,
    }


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "level": f.level,
        "message": f.message,
        "hint": f.hint,
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "path": f.dotted_path,
    }


def render_json(report: ValidationReport) -> str:
    """A stable structure for scripts (see docs/errors.md); keys sorted."""
    checked = report.checked
    data = {
        "format": JSON_FORMAT,
        "tool": {"name": "mutual-detector", "version": __version__},
        "ok": report.exit_code == 0,
        "exit_code": report.exit_code,
        "strict": report.strict,
        "summary": {
            "files": len(checked),
            "skipped": len(report.files) - len(checked),
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "unreadable": len(report.unreadable),
        },
        "files": [_file_dict(f) for f in report.files],
        "findings": [_finding_dict(f) for f in report.findings],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- GitHub


def _escape_data(text: str) -> str:
    # Line breaks are GitHub's to show (%0A); other controls (ESC...) are shown as escapes.
    text = "\n".join(printable(part) for part in text.replace("\r\n", "\n").split("\n"))
    return text.replace("%", "%25").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: ValidationReport) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding."""
    lines = []
    for f in report.findings:
        props = []
        if f.file:
            props.append(f"file={_escape_property(f.file)}")
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f'{f.rule} {f.name}')}")
        field = f"{f.dotted_path}: " if f.path else ""
        message = _escape_data(f"{field}{f.message}\nFix: {f.hint}")
        lines.append(f"::{f.level} {','.join(props)}::{message}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- SARIF


def artifact_uri(file: str) -> tuple[str, bool]:
    """``(uri, relative)`` for a displayed path: relative paths stay relative to the working folder."""
    path = PurePath(file)
    if path.is_absolute():
        return Path(file).as_uri(), False
    return quote(path.as_posix(), safe="/-._~"), True


def _sarif_rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.id,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary},
            "help": {"text": rule.hint, "markdown": rule.hint},
            "defaultConfiguration": {"level": rule.level},
            "properties": {"tags": [_RULE_FAMILY[rule.id[0]]]},
        }
        for rule in RULES.values()
    ]


_RULE_FAMILY: Final = {"E": "reading", "Q": "questionnaire", "A": "answers"}


def _sarif_result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    field = f"{f.dotted_path}: " if f.path else ""
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": f.level,
        "message": {"text": f"{field}{f.message}"},
    }
    if f.file:
        uri, relative = artifact_uri(f.file)
        artifact: dict[str, Any] = {"uri": uri}
        if relative:
            artifact["uriBaseId"] = "%SRCROOT%"
        region: dict[str, Any] = {"startLine": f.line or 1}
        if f.line is not None and f.column is not None:
            region["startColumn"] = f.column
        result["locations"] = [
            {"physicalLocation": {"artifactLocation": artifact, "region": region}}
        ]
    return result


def render_sarif(report: ValidationReport) -> str:
    """A SARIF 2.1.0 log that GitHub code scanning accepts (one run, every rule described)."""
    rules = _sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mutual-detector",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, index) for f in report.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = [
    "JSON_FORMAT",
    "FindingsFormat",
    "artifact_uri",
    "render_github",
    "render_json",
    "render_sarif",
    "render_text",
    "summary",
]

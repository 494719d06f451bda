"""Blank answers templates for a questionnaire, with the allowed values explained.

YAML: an answers file with every question present and empty, each preceded
by comments giving its prompt, its kind and what may be written; it is a
valid answers file as it stands (every answer blank = unanswered).

CSV: a spreadsheet a consultant can open in Excel, fill one row per
service, save as "CSV UTF-8" and give to ``mutual-detector batch`` as it is.
Row 1 names the columns (metadata, then question ids in asking order). Rows
2 to 4 explain each column: the question, what to write, and when it is
asked. Their first cell starts with ``#``, and ``batch`` skips every row
whose first cell starts with ``#``, so they may stay in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Final

from mutual_detector import ANSWERS_FORMAT, __version__
from mutual_detector.model.questionnaire import Question, Questionnaire, text

METADATA_HELP: Final = {
    "service": "The service assessed",
    "organisation": "The council or NHS body",
    "assessor": "Who answered",
    "date": "Date of the assessment: 2026-11-25 or 25/11/2026",
    "notes": "Anything else (optional)",
}
NOTE_MARK: Final = "#"
#: CSV files start with a byte-order mark so that Excel reads them as UTF-8.
BOM: Final = "\ufeff"


def allowed(question: Question, lang: str = "en", *, csv_form: bool = False) -> str:
    """What may be written for ``question``, in one line (``csv_form``: in a CSV cell)."""
    kind = question.kind
    if kind == "single":
        values = ", ".join(_option(o.value, text(o.label, lang)) for o in question.options)
        out = f"one of: {values}"
    elif kind == "multi":
        values = ", ".join(_option(o.value, text(o.label, lang)) for o in question.options)
        sep = "separated by ;" if csv_form else "as a list, e.g. [a, b]"
        out = f"any of: {values} ({sep})"
        alone = [o.value for o in question.options if o.exclusive]
        if alone:
            out += f"; {' or '.join(alone)} only on its own"
    elif kind == "yes_no":
        out = "yes or no"
    elif kind == "scale" and question.scale is not None:
        scale = question.scale
        labels = "; ".join(f"{k} = {text(v, lang)}" for k, v in sorted(scale.labels.items()))
        out = f"a whole number from {scale.min} to {scale.max}" + (f" ({labels})" if labels else "")
    elif kind == "number":
        out = question.number_spec.describe()
    else:
        out = f"text (up to {question.max_length} characters)"
    if question.dont_know:
        out += "; or dont_know"
    if not question.required:
        out += "; optional"
    return out


def _option(value: str, label: str) -> str:
    return value if label.strip().lower() == value.replace("_", " ") else f"{value} ({label})"


def yaml_template(q: Questionnaire, lang: str = "en") -> str:
    """A blank answers file for ``q`` (valid as it stands)."""
    lines = [
        f"# Answers for {text(q.title, lang)!r} ({q.id} version {q.version}).",
        f"# Blank template made by mutual-detector {__version__}.",
        "#",
        "# Write each answer after its colon. Leave it blank to leave the question",
        "# unanswered; write dont_know when you do not know and the question allows it.",
        "# To add a note or evidence, write the answer as",
        "#   question_id: {value: ..., note: '...', evidence: '...'}",
        "# Questions marked 'asked only if' are skipped unless their condition holds.",
        "# Check the file with: mutual-detector validate THIS_FILE",
        f"format: {ANSWERS_FORMAT}",
        f"questionnaire: {q.id}",
        f"questionnaire_version: {_yaml_str(q.version)}",
        "status: complete",
        "metadata:",
    ]
    for key, help_text in METADATA_HELP.items():
        lines.append(f"  {key}:{' ' * (14 - len(key))}# {help_text}")
    lines.append("answers:")
    for heading, question in _walk(q, lang):
        if heading:
            lines.append("")
            lines.append(f"  # ===== {heading} =====")
        lines.append("")
        for line in _wrap(text(question.prompt, lang)):
            lines.append(f"  # {line}")
        if question.help is not None:
            for line in _wrap(text(question.help, lang)):
                lines.append(f"  #   {line}")
        lines.append(f"  # {question.kind}: {allowed(question, lang)}")
        if question.when is not None:
            lines.append(f"  # asked only if: {question.when.source}")
        lines.append(f"  {question.id}:")
    return "\n".join(lines) + "\n"


def _yaml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _wrap(value: str, width: int = 76) -> list[str]:
    import textwrap

    out: list[str] = []
    for para in value.splitlines() or [""]:
        out += textwrap.wrap(para, width) or [""]
    return out


def _walk(q: Questionnaire, lang: str) -> Iterator[tuple[str | None, Question]]:
    """Questions in asking order, with a heading at each new section."""
    topics = {t.id: text(t.title, lang) for t in q.topics}
    current: str | None = None
    for question in q.ordered_questions:
        heading = None
        if question.section != current:
            current = question.section
            section = q.section_index.get(current)
            if section is not None:
                heading = f"{topics.get(section.topic, section.topic)}: {text(section.title, lang)}"
        yield heading, question


def csv_template(q: Questionnaire, lang: str = "en") -> str:
    """A CSV template: a header row and three ``#`` rows explaining each column."""
    questions = q.ordered_questions
    # A question whose id is also a metadata column keeps the column.
    meta = [k for k in METADATA_HELP if k not in q.question_index]
    header = meta + [question.id for question in questions]
    prompts = [METADATA_HELP[k] for k in meta] + [text(x.prompt, lang) for x in questions]
    allowed_row = ["" for _ in meta] + [allowed(x, lang, csv_form=True) for x in questions]
    when_row = ["" for _ in meta] + [x.when.source if x.when else "" for x in questions]
    prompts[0] = f"{NOTE_MARK} {prompts[0]} (rows starting with # are skipped)"
    allowed_row[0] = f"{NOTE_MARK} what to write: {allowed_row[0]}".rstrip(": ")
    when_row[0] = f"{NOTE_MARK} asked only if: {when_row[0]}".rstrip(": ")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(prompts)
    writer.writerow(allowed_row)
    writer.writerow(when_row)
    return BOM + buffer.getvalue()


__all__ = ["BOM", "allowed", "csv_template", "yaml_template"]

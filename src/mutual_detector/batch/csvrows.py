"""One CSV row -> the data of an answers file, with problems located by row and column.

What a spreadsheet cell may hold, by question kind (case does not matter):

- blank: unanswered;
- ``dont_know`` (or "don't know"): the assessor does not know;
- single: one option value, e.g. ``most``;
- multi: option values separated by ``;``, e.g. ``staff; users``;
- yes/no: ``yes``, ``no``, ``true``, ``false``, ``y`` or ``n``;
- scale: a whole number within the scale;
- number: a number: ``1200``, ``1,200`` (commas only between groups of three
  digits), ``12.5``; ``12%`` only when the question's unit is ``%`` and
  ``£1,200`` only when it is ``£``; ``2,5``, ``1 2`` or ``4%`` for a head count
  are refused, not guessed at;
- text: anything.

The ``date`` column takes ``2026-11-25`` or the UK form ``25/11/2026``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any, Final

from mutual_detector.batch.inputs import ANSWER_EXTRAS, METADATA_COLUMNS, RowTask
from mutual_detector.batch.records import ErrorRecord

if TYPE_CHECKING:
    from mutual_detector.model.findings import Finding
    from mutual_detector.model.questionnaire import Question, Questionnaire

DONT_KNOW_SPELLINGS: Final = frozenset({"dont_know", "don't know", "dont know", "don’t know"})
YES: Final = frozenset({"yes", "y", "true"})
NO: Final = frozenset({"no", "n", "false"})
_UK_DATE: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_GROUPED_NUMBER: Final = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
_DECIMAL_COMMA: Final = re.compile(r"[+-]?\d+,\d+", re.ASCII)


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index: 0 -> A, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class RowProblem(ValueError):
    pass


def convert(question: Question, cell: str) -> Any:
    """The answer value a cell holds for ``question`` (None when blank)."""
    text = cell.strip()
    if not text:
        return None
    lower = text.lower()
    if lower in DONT_KNOW_SPELLINGS:
        return "dont_know"
    kind = question.kind
    if kind == "single":
        return _option(question, text)
    if kind == "multi":
        parts = [p.strip() for p in text.split(";")]
        return [_option(question, p) for p in parts if p]
    if kind == "yes_no":
        if lower in YES:
            return True
        if lower in NO:
            return False
        raise RowProblem(f"expected yes or no, got {text!r}")
    if kind in ("scale", "number"):
        return _number(question, text)
    return cell


def _option(question: Question, text: str) -> str:
    if question.option(text) is not None:
        return text
    lower = text.lower()
    for option in question.options:
        if option.value.lower() == lower:
            return option.value
    choices = ", ".join(o.value for o in question.options)
    raise RowProblem(f"{text!r} is not an option (choose from {choices})")


def _number(question: Question, text: str) -> int | float:
    """A number, written only in ways that cannot be misread.

    Digits with an optional sign, decimal point and exponent (``-12.5``,
    ``1e6``); commas only as thousands separators, in groups of three
    (``1,234``, ``12,345.5``); ``%`` after the number only when the question's
    unit is ``%``, and ``£`` before it only when the unit is ``£``. Anything
    else (``2,5``, ``1,2,3``, ``1 2``, ``1_2``, ``4%`` for a head count) is
    refused with what to write instead: reading "2,5" as 25 changed a verdict.
    """
    what = "a whole number" if question.kind == "scale" else "a number"
    unit = (question.number_spec.unit or "").strip() if question.kind == "number" else ""
    body = text.strip()
    if body.endswith("%"):
        if unit != "%":
            raise RowProblem(_not_in_unit(text, "a percentage", unit))
        body = body[:-1].rstrip()
    sign = body[:1] if body[:1] in "+-" else ""
    if body[len(sign) :].startswith("£"):
        if unit not in ("£", "GBP"):
            raise RowProblem(_not_in_unit(text, "an amount in pounds", unit))
        body = sign + body[len(sign) + 1 :].lstrip()
    if _PLAIN_NUMBER.fullmatch(body):
        value = float(body)
    elif _GROUPED_NUMBER.fullmatch(body):
        value = float(body.replace(",", ""))
    elif not any(ch.isdigit() for ch in body):
        raise RowProblem(f"expected {what}, got {text!r}")
    elif _DECIMAL_COMMA.fullmatch(body):
        raise RowProblem(
            f"{text!r} could be read two ways: a comma may only separate thousands "
            f"(1,234); write {body.replace(',', '.')} for a decimal, or "
            f"{body.replace(',', '')} if that is the number"
        )
    else:
        raise RowProblem(
            f"expected {what}, got {text!r}: write digits with an optional decimal point "
            "and commas only between groups of three digits, e.g. 1234, 1,234 or 12.5"
        )
    if value != value or value in (float("inf"), float("-inf")):
        raise RowProblem(f"expected a finite number, got {text!r}")
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _not_in_unit(text: str, written: str, unit: str) -> str:
    measured = f"is in {unit}" if unit else "has no unit"
    return f"{text!r} is written as {written}, but this question's answer {measured}: write the number alone"


def _date(text: str) -> str:
    text = text.strip()
    match = _UK_DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise RowProblem(f"expected a date like 2026-11-25 or 25/11/2026, got {text!r}") from None


def row_data(q: Questionnaire, task: RowTask) -> tuple[dict[str, Any], list[ErrorRecord]]:
    """The answers-file data of one row, and the cells that could not be read."""
    errors: list[ErrorRecord] = []

    def problem(column: str, message: str, rule: str = "A202") -> None:
        errors.append(ErrorRecord(task.name, message, row=task.row, field=column, rule=rule))

    metadata: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    extras: dict[str, dict[str, str]] = {}
    data: dict[str, Any] = {
        "format": "mutual-detector/answers@1",
        "questionnaire": q.id,
        "metadata": metadata,
        "answers": answers,
    }
    index = q.question_index
    for i, cell in enumerate(task.cells):
        column = task.header[i] if i < len(task.header) else ""
        if not column:
            if cell.strip():
                problem(f"column {column_letter(i)}", "a value in a column with no name", "E010")
            continue
        text = cell.strip()
        if column in METADATA_COLUMNS and column not in index:
            if not text:
                continue
            if column == "date":
                try:
                    metadata["date"] = _date(text)
                except RowProblem as exc:
                    problem(column, str(exc), "E010")
            else:
                metadata[column] = text
        elif column in ("status", "questionnaire", "questionnaire_version"):
            if text:
                data[column] = text.lower() if column == "status" else text
        elif column in index:
            try:
                value = convert(index[column], cell)
            except RowProblem as exc:
                rule = "A204" if "not an option" in str(exc) else "A202"
                problem(column, str(exc), rule)
                continue
            if value is not None:
                answers.setdefault(column, {})["value"] = value
        else:
            qid, _, extra = column.rpartition(".")
            if extra in ANSWER_EXTRAS and text:
                extras.setdefault(qid, {})[extra] = cell
    for qid, notes in extras.items():
        if qid in answers:
            answers[qid].update(notes)
    return data, errors


def locate(task: RowTask, f: Finding) -> ErrorRecord:
    """A finding about a row's answers, placed at the row and the column it concerns."""
    path = f.path
    column: str | None = None
    if len(path) >= 2 and path[0] in ("answers", "metadata") and isinstance(path[1], str):
        column = path[1]
    elif path and isinstance(path[0], str) and path[0] in ("questionnaire", "status"):
        column = path[0]
    if column is not None and column not in task.header:
        column = None
    message = f.message.removeprefix(f"{column}: ") if column else f.message
    return ErrorRecord(task.name, message, row=task.row, field=column, rule=f.rule)


__all__ = ["column_letter", "convert", "locate", "row_data"]

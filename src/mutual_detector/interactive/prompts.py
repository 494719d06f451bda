"""What each step shows: prompts built from the questionnaire and the answers so far.

Pure functions of an :class:`~mutual_detector.interactive.sheet.AnswerSheet`:
the question with its help, "why this matters", citations and progress; the
review table; the note and evidence prompts; and answers as the user reads them.
"""

from __future__ import annotations

import datetime as dt

from mutual_detector.interactive.sheet import AnswerSheet
from mutual_detector.interactive.steps import (
    META_BY_NAME,
    META_FIELDS,
    META_PREFIX,
    NOTES_KEY,
    NOTES_LABEL,
    ChoiceItem,
    Citation,
    MetaPrompt,
    Nav,
    NoteField,
    NotePrompt,
    QuestionPrompt,
    ReviewPrompt,
    ReviewRow,
    Value,
    meta_key,
    preview,
)
from mutual_detector.model.answers import DONT_KNOW
from mutual_detector.model.questionnaire import Question, text


def display_value(question: Question, value: Value | None, lang: str = "en") -> str:
    """An answer as the user would read it in the review table."""
    if value is None:
        return "—"
    if value == DONT_KNOW:
        return "Don't know"
    kind = question.kind
    if kind == "single" and isinstance(value, str):
        option = question.option(value)
        return text(option.label, lang) if option else value
    if kind == "multi" and isinstance(value, list):
        labels = [text(o.label, lang) if (o := question.option(v)) else v for v in value]
        return ", ".join(labels) if labels else "(none of these)"
    if kind == "yes_no":
        return "Yes" if value is True else "No"
    if kind == "scale" and question.scale is not None and isinstance(value, int):
        label = question.scale.labels.get(value)
        return f"{value} – {text(label, lang)}" if label else str(value)
    if kind == "number":
        shown = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        unit = question.number_spec.unit
        return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}" if unit else shown
    return str(value)


def choices_for(question: Question, lang: str) -> tuple[ChoiceItem, ...]:
    if question.kind in ("single", "multi"):
        return tuple(
            ChoiceItem(o.value, text(o.label, lang), text(o.help, lang)) for o in question.options
        )
    if question.kind == "yes_no":
        return (ChoiceItem(True, "Yes"), ChoiceItem(False, "No"))
    if question.kind == "scale" and question.scale is not None:
        scale = question.scale
        items = []
        for point in range(scale.min, scale.max + 1):
            label = text(scale.labels.get(point), lang)
            items.append(ChoiceItem(point, f"{point} – {label}" if label else str(point)))
        return tuple(items)
    return ()


def meta_prompt(sheet: AnswerSheet, key: str, can_go_back: bool) -> MetaPrompt:
    f = META_BY_NAME[key.removeprefix(META_PREFIX)]
    value = sheet.meta[f.name]
    default = value.isoformat() if isinstance(value, dt.date) else (value or "")
    return MetaPrompt(key, f, default, can_go_back)


def count_settled(sheet: AnswerSheet) -> bool:
    """Whether the number of questions asked can no longer change going forward.

    It can while a question's ``when:`` reads an answer still to come: a question
    that applies and is not answered, or one that may come to apply (its own
    condition reads such an answer). Read in asking order, which is the order
    conditions read in (a condition reads only earlier questions).
    """
    applicable = set(sheet.applicable)
    open_: set[str] = set()
    for question in sheet.q.ordered_questions:
        when = question.when
        depends = when is not None and (
            not when.refs.isdisjoint(open_) or bool(when.functions and open_)
        )
        if depends:
            return False
        if question.id in applicable and question.id not in sheet.answers:
            open_.add(question.id)
    return True


def question_prompt(
    sheet: AnswerSheet, qid: str, lang: str, can_go_back: bool, count_was: int | None = None
) -> QuestionPrompt:
    """``count_was``: the count shown at the question before (None: this is the first)."""
    q = sheet.q
    question = q.question_index[qid]
    section = q.section_index.get(question.section)
    topic = next((t for t in q.topics if section and t.id == section.topic), None)
    sources = {s.id: s for s in q.sources}
    answer = sheet.answers.get(qid)
    current = answer.value if answer is not None else None
    return QuestionPrompt(
        key=qid,
        question=question,
        message=text(question.prompt, lang),
        help=text(question.help, lang),
        why=text(question.why, lang),
        citations=tuple(
            Citation(text(sources[c].title, lang), sources[c].url)
            for c in question.cite
            if c in sources
        ),
        topic=text(topic.title, lang) if topic else "",
        topic_intro=text(topic.intro, lang) if topic else "",
        section=text(section.title, lang) if section else "",
        section_intro=text(section.intro, lang) if section else "",
        position=sheet.applicable.index(qid) + 1,
        total=len(sheet.applicable),
        settled=count_settled(sheet),
        count_was=count_was,
        current=current if not isinstance(current, Nav) else None,
        choices=choices_for(question, lang),
        can_go_back=can_go_back,
    )


def review_prompt(sheet: AnswerSheet, lang: str) -> ReviewPrompt:
    """Every answer, the metadata first."""
    rows: list[ReviewRow] = []
    for f in META_FIELDS:
        key = meta_key(f.name)
        value = sheet.meta[f.name]
        shown = value.isoformat() if isinstance(value, dt.date) else (value or "—")
        label = f.prompt.rstrip(":?").replace(" (YYYY-MM-DD)", "")
        rows.append(
            ReviewRow(
                key,
                len(rows) + 1,
                "About the assessment",
                label,
                shown,
                sheet.origin.get(key),
                f.name not in sheet.fixed_meta,
            )
        )
    notes = sheet.meta_notes
    rows.append(
        ReviewRow(
            NOTES_KEY,
            len(rows) + 1,
            "About the assessment",
            NOTES_LABEL,
            preview(notes or "") or "—",
            sheet.origin.get(NOTES_KEY) if notes else None,
            True,
            can_note=True,
        )
    )
    for qid in sheet.applicable:
        prompt = question_prompt(sheet, qid, lang, can_go_back=False)
        answer = sheet.answers.get(qid)
        rows.append(
            ReviewRow(
                qid,
                len(rows) + 1,
                prompt.topic,
                prompt.message,
                display_value(prompt.question, answer.value if answer else None, lang),
                sheet.origin.get(qid) if answer else None,
                qid not in sheet.fixed,
                noted=answer is not None and bool(answer.note or answer.evidence),
                can_note=answer is not None,
            )
        )
    return ReviewPrompt(tuple(rows))


def note_prompt(sheet: AnswerSheet, qid: str, field: NoteField, lang: str) -> NotePrompt:
    if qid == NOTES_KEY:
        return NotePrompt(NOTES_KEY, "notes", NOTES_LABEL, "", sheet.meta_notes or "")
    question = sheet.q.question_index[qid]
    answer = sheet.answers[qid]
    current = answer.note if field == "note" else answer.evidence
    return NotePrompt(
        key=qid,
        field=field,
        label=text(question.prompt, lang),
        shown=display_value(question, answer.value, lang),
        default=current or "",
    )


__all__ = [
    "choices_for",
    "count_settled",
    "display_value",
    "meta_prompt",
    "note_prompt",
    "question_prompt",
    "review_prompt",
]

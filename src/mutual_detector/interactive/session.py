"""The pure logic of an interactive assessment: no terminal, no questionary.

A :class:`Session` holds the answers so far and a cursor. :meth:`Session.step`
says what to ask next (a :class:`MetaPrompt`, a :class:`QuestionPrompt`, the
:class:`ReviewPrompt`, a :class:`NotePrompt` or :data:`DONE`);
:meth:`Session.reply` applies the answer and moves on. :func:`drive` runs a
session against any :class:`Frontend` (questionary at a desk, a script in the
tests).

Rules:

* Metadata comes first (service, organisation, assessor; the date defaults to
  today and can be changed at the review), then the questions in asking order.
* A question whose ``when:`` is false is skipped. After every answer the
  questionnaire is resolved again; answers to questions that no longer apply
  are dropped (and the user is told).
* Back goes to the previous question. Going forward again shows the questions
  already seen this session (with their answers as defaults) and every
  unanswered one; answers that came from a file are not asked again.
* At the end a review lists every answer; any one can be changed, then the
  user confirms. :meth:`Session.skip_to_review` (``assess --review``) goes
  there as soon as the required answers are in, without asking the optional
  questions left blank.
* At the review the user can also add, edit or clear the note and evidence
  of any answered question (:meth:`Session.edit_note`: the note, then the
  evidence, each pre-filled; empty clears). Nothing is asked about notes
  otherwise. A note belongs to its question, not to the value: changing the
  answer keeps it, and so does a value from the command line or one that is
  asked again because the file's value was not valid.
* The notes on the whole assessment (``metadata.notes``) are a row of the
  review, under the metadata, and the first choice when picking a note: one
  prompt, pre-filled, up to 20,000 characters, empty clears.
* A note typed as it was shown (Enter at the pre-filled prompt) changes
  nothing, even if the file had spaces or a line break around it, so a review
  confirmed without changes leaves the answers exactly as they came.
* Precedence: command line > typed > file > defaults. Answers given on the
  command line are never asked and cannot be changed at the review, but
  their note and evidence can (the note is not the answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from mutual_detector import ANSWERS_FORMAT
from mutual_detector.interactive.steps import (
    BACK,
    DONE,
    META_BY_NAME,
    META_FIELDS,
    META_PREFIX,
    NOTES_KEY,
    NOTES_LABEL,
    SKIP,
    ChoiceItem,
    Citation,
    EditNote,
    Frontend,
    InvalidReply,
    MetaPrompt,
    MetaValue,
    Nav,
    NoteField,
    NotePrompt,
    Origin,
    QuestionPrompt,
    Reply,
    ReviewPrompt,
    ReviewRow,
    Step,
    Value,
    as_sentence,
    is_meta_key,
    meta_key,
    parse_meta,
    parse_note,
    preview,
)
from mutual_detector.model.answers import DONT_KNOW, Answer, AnswersFile, Metadata
from mutual_detector.model.checks import check_answer, resolve
from mutual_detector.model.questionnaire import Question, Questionnaire, text

# --------------------------------------------------------------------------- display


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


# --------------------------------------------------------------------------- session


class Session:
    """The state of one interactive assessment."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        *,
        answers: Mapping[str, Answer] | None = None,
        metadata: Metadata | None = None,
        fixed_answers: Mapping[str, Answer] | None = None,
        fixed_metadata: Mapping[str, MetaValue] | None = None,
        typed_metadata: Mapping[str, MetaValue | None] | None = None,
        today: dt.date,
        lang: str | None = None,
    ) -> None:
        """``typed_metadata``: fields already asked before the questionnaire was loaded
        (None: left blank)."""
        self.q = questionnaire
        self.lang = lang or questionnaire.language
        self._answers: dict[str, Answer] = {}
        self._origin: dict[str, Origin] = {}
        self._meta: dict[str, MetaValue | None] = {f.name: None for f in META_FIELDS}
        self._meta_notes = metadata.notes if metadata is not None else None
        self._fixed: set[str] = set()
        self._fixed_meta: set[str] = set()
        self._shown: set[str] = set()
        self._skipped: set[str] = set()
        #: Of those, the ones :meth:`skip_to_review` skipped (not the user's doing).
        self._left: set[str] = set()
        self._notices: list[str] = []
        #: Questions whose note or evidence was typed in this session.
        self._noted: set[str] = set()
        #: Notes of questions with no answer now (asked again, skipped, no longer
        #: applying): they come back with the next answer to that question.
        self._held: dict[str, Answer] = {}
        #: The note being asked: (question id, "note" or "evidence").
        self._noting: tuple[str, NoteField] | None = None
        #: (question id, rule, why) for answers from the file that were not accepted.
        self.rejected: list[tuple[str, str, str]] = []

        # Lowest precedence first: defaults, then the file, then the command line.
        self._meta["date"] = today
        self._origin[meta_key("date")] = "default"
        if self._meta_notes:
            self._origin[NOTES_KEY] = "file"
        if metadata is not None:
            for f in META_FIELDS:
                value = getattr(metadata, f.name)
                if value not in (None, ""):
                    self._meta[f.name] = value
                    self._origin[meta_key(f.name)] = "file"
        for name, typed in (typed_metadata or {}).items():
            key = meta_key(name)
            self._shown.add(key)
            if typed is None:
                self._skipped.add(key)
            else:
                self._meta[name] = typed
                self._origin[key] = "typed"
        for name, value in (fixed_metadata or {}).items():
            if name not in META_BY_NAME:
                raise ValueError(f"unknown metadata field {name!r}")
            self._meta[name] = value
            self._origin[meta_key(name)] = "command line"
            self._fixed_meta.add(name)
        for qid, answer in (answers or {}).items():
            self._offer(qid, answer, "file")
        for qid, answer in (fixed_answers or {}).items():
            if self._offer(qid, answer, "command line"):
                self._fixed.add(qid)
        for qid in self._refresh():
            self.rejected.append(
                (qid, "A205", "does not apply given the earlier answers, so it is ignored")
            )
        self._cursor: str | None = self._first_needed()
        self._editing = False
        self._done = False

    # ------------------------------------------------------------- answers in

    def _offer(self, qid: str, answer: Answer, origin: Origin) -> bool:
        question = self.q.question_index.get(qid)
        if question is None:
            retired = next((r for r in self.q.retired if r.id == qid), None)
            if retired is not None:
                now = (
                    f"; it is now asked by {', '.join(retired.replaced_by)}"
                    if retired.replaced_by
                    else ""
                )
                self.rejected.append(
                    (qid, "A211", f"was retired{now}, so this answer is set aside")
                )
            else:
                self.rejected.append(
                    (qid, "A201", "is not a question of this questionnaire, so it is ignored")
                )
            return False
        if answer.value is None:
            self._hold(qid, answer)
            return False
        problem = check_answer(question, answer.value)
        if problem is not None:
            self.rejected.append((qid, problem[0], f"{problem[1]}; it will be asked again"))
            self._hold(qid, answer)
            return False
        earlier = self._answers.get(qid)
        if earlier is None:
            earlier = self._held.pop(qid, None)
        if earlier is not None and answer.note is None and answer.evidence is None:
            # A value from the command line keeps the note given with the file's value.
            answer = Answer(value=answer.value, note=earlier.note, evidence=earlier.evidence)
        self._answers[qid] = answer
        self._origin[qid] = origin
        return True

    def _hold(self, qid: str, answer: Answer) -> None:
        """Keep the note of an answer that goes away, for the next answer to ``qid``."""
        if answer.note is not None or answer.evidence is not None:
            self._held[qid] = answer

    def _refresh(self) -> list[str]:
        """Resolve applicability again; drop and return answers that no longer apply."""
        state = resolve(self.q, self._answers)
        self._applicable: tuple[str, ...] = state.applicable
        keep = set(state.applicable)
        dropped = [qid for qid in self._answers if qid not in keep]
        for qid in dropped:
            self._hold(qid, self._answers.pop(qid))
            self._origin.pop(qid, None)
        self._skipped -= set(dropped)
        self._fixed -= set(dropped)
        return dropped

    # ------------------------------------------------------------- navigation

    def _order(self) -> list[str]:
        keys = [meta_key(f.name) for f in META_FIELDS if f.name not in self._fixed_meta]
        return keys + [qid for qid in self._applicable if qid not in self._fixed]

    def _needs(self, key: str) -> bool:
        if key in self._skipped:
            return False
        if is_meta_key(key):
            return self._meta[key.removeprefix(META_PREFIX)] in (None, "")
        return key not in self._answers

    def _first_needed(self) -> str | None:
        return next((k for k in self._order() if self._needs(k)), None)

    def skip_to_review(self) -> None:
        """Go to the review once the required answers are in (``assess --review``).

        Optional questions and details left blank are not asked: they show as "—"
        in the review, where they can be answered with "Change an answer".
        Required ones still missing are asked first.
        """
        for key in self._order():
            if not self._needs(key):
                continue
            if is_meta_key(key):
                required = META_BY_NAME[key.removeprefix(META_PREFIX)].required
            else:
                required = self.q.question_index[key].required
            if not required:
                self._skipped.add(key)
                self._left.add(key)
        self._cursor = self._first_needed()

    @property
    def needs_input(self) -> bool:
        """Whether anything is left to ask before the review."""
        return self._first_needed() is not None

    def missing_required(self) -> list[str]:
        """Ids of applicable required questions with no answer, in asking order."""
        return [
            qid
            for qid in self._applicable
            if qid not in self._answers and self.q.question_index[qid].required
        ]

    def _advance(self, key: str) -> None:
        keys = self._order()
        nxt: str | None = None
        if not self._editing and key in keys:
            after = keys[keys.index(key) + 1 :]
            nxt = next((k for k in after if self._needs(k) or k in self._shown), None)
        if nxt is None:
            nxt = self._first_needed()
        self._cursor = nxt
        if nxt is None:
            self._editing = False

    def step(self) -> Step:
        """What to ask now."""
        if self._done:
            return DONE
        if self._noting is not None:
            return self._note_prompt(*self._noting)
        key = self._cursor
        if key is not None and key not in self._order():
            key = self._cursor = self._first_needed()
        if key is None:
            return self._review()
        if is_meta_key(key):
            return self._meta_prompt(key)
        return self._question_prompt(key)

    def _can_go_back(self, key: str | None) -> bool:
        keys = self._order()
        return key is None or (key in keys and keys.index(key) > 0)

    def _meta_prompt(self, key: str) -> MetaPrompt:
        f = META_BY_NAME[key.removeprefix(META_PREFIX)]
        value = self._meta[f.name]
        default = value.isoformat() if isinstance(value, dt.date) else (value or "")
        return MetaPrompt(key, f, default, self._can_go_back(key))

    def _question_prompt(self, qid: str) -> QuestionPrompt:
        q = self.q
        question = q.question_index[qid]
        section = q.section_index.get(question.section)
        topic = next((t for t in q.topics if section and t.id == section.topic), None)
        sources = {s.id: s for s in q.sources}
        answer = self._answers.get(qid)
        current = answer.value if answer is not None else None
        return QuestionPrompt(
            key=qid,
            question=question,
            message=text(question.prompt, self.lang),
            help=text(question.help, self.lang),
            why=text(question.why, self.lang),
            citations=tuple(
                Citation(text(sources[c].title, self.lang), sources[c].url)
                for c in question.cite
                if c in sources
            ),
            topic=text(topic.title, self.lang) if topic else "",
            topic_intro=text(topic.intro, self.lang) if topic else "",
            section=text(section.title, self.lang) if section else "",
            section_intro=text(section.intro, self.lang) if section else "",
            position=self._applicable.index(qid) + 1,
            total=len(self._applicable),
            current=current if not isinstance(current, Nav) else None,
            choices=choices_for(question, self.lang),
            can_go_back=self._can_go_back(qid),
        )

    def _review(self) -> ReviewPrompt:
        rows: list[ReviewRow] = []
        for f in META_FIELDS:
            key = meta_key(f.name)
            value = self._meta[f.name]
            shown = value.isoformat() if isinstance(value, dt.date) else (value or "—")
            label = f.prompt.rstrip(":?").replace(" (YYYY-MM-DD)", "")
            rows.append(
                ReviewRow(
                    key,
                    len(rows) + 1,
                    "About the assessment",
                    label,
                    shown,
                    self._origin.get(key),
                    f.name not in self._fixed_meta,
                )
            )
        notes = self._meta_notes
        rows.append(
            ReviewRow(
                NOTES_KEY,
                len(rows) + 1,
                "About the assessment",
                NOTES_LABEL,
                preview(notes or "") or "—",
                self._origin.get(NOTES_KEY) if notes else None,
                True,
                can_note=True,
            )
        )
        for qid in self._applicable:
            prompt = self._question_prompt(qid)
            answer = self._answers.get(qid)
            rows.append(
                ReviewRow(
                    qid,
                    len(rows) + 1,
                    prompt.topic,
                    prompt.message,
                    display_value(prompt.question, answer.value if answer else None, self.lang),
                    self._origin.get(qid) if answer else None,
                    qid not in self._fixed,
                    noted=answer is not None and bool(answer.note or answer.evidence),
                    can_note=answer is not None,
                )
            )
        return ReviewPrompt(tuple(rows))

    def _note_prompt(self, qid: str, field: NoteField) -> NotePrompt:
        if qid == NOTES_KEY:
            return NotePrompt(NOTES_KEY, "notes", NOTES_LABEL, "", self._meta_notes or "")
        question = self.q.question_index[qid]
        answer = self._answers[qid]
        current = answer.note if field == "note" else answer.evidence
        return NotePrompt(
            key=qid,
            field=field,
            label=text(question.prompt, self.lang),
            shown=display_value(question, answer.value, self.lang),
            default=current or "",
        )

    # ------------------------------------------------------------- replies

    def reply(self, reply: Reply | MetaValue) -> None:
        """Apply the reply to the current step; raises InvalidReply (nothing changes then)."""
        if self._noting is not None and not self._done:
            self._reply_note(*self._noting, reply)
            return
        key = self._cursor
        if key is None or self._done:
            raise InvalidReply("There is no question waiting for an answer.")
        if is_meta_key(key) and isinstance(reply, str):
            reply = parse_meta(META_BY_NAME[key.removeprefix(META_PREFIX)], reply)
        if reply is BACK:
            self.back()
            return
        if is_meta_key(key):
            self._reply_meta(key, reply)
        else:
            self._reply_question(key, reply)
        self._shown.add(key)
        dropped = self._refresh()
        if dropped:
            names = ", ".join(
                repr(text(self.q.question_index[d].prompt, self.lang)) for d in dropped
            )
            count = "1 answer" if len(dropped) == 1 else f"{len(dropped)} answers"
            self._notices.append(f"{count} no longer apply after that change, so removed: {names}")
        self._advance(key)

    def _reply_meta(self, key: str, reply: Reply | MetaValue) -> None:
        f = META_BY_NAME[key.removeprefix(META_PREFIX)]
        if reply is SKIP:
            if f.required:
                raise InvalidReply("Please type an answer; this one is needed.")
            self._meta[f.name] = None
            self._skipped.add(key)
            self._origin.pop(key, None)
            return
        if f.name == "date" and not isinstance(reply, dt.date):
            raise InvalidReply("Please give a date as YYYY-MM-DD, e.g. 2026-11-25.")
        if f.name != "date" and not isinstance(reply, str):
            raise InvalidReply("Please type an answer.")
        assert isinstance(reply, str | dt.date)
        self._meta[f.name] = reply
        self._skipped.discard(key)
        self._origin[key] = "typed"

    def _reply_question(self, qid: str, reply: Reply | MetaValue) -> None:
        question = self.q.question_index[qid]
        if reply is SKIP:
            if question.required:
                raise InvalidReply("Please answer this question.")
            skipped = self._answers.pop(qid, None)
            if skipped is not None:
                self._hold(qid, skipped)
            self._origin.pop(qid, None)
            self._skipped.add(qid)
            return
        if isinstance(reply, Nav | dt.date):
            raise InvalidReply("That is not an answer to this question.")
        problem = check_answer(question, reply)
        if problem is not None:
            raise InvalidReply(as_sentence(problem[1]))
        old = self._answers.get(qid)
        if old is None:
            old = self._held.pop(qid, None)
        note = old.note if old is not None else None
        evidence = old.evidence if old is not None else None
        self._answers[qid] = Answer(value=reply, note=note, evidence=evidence)
        self._origin[qid] = "typed"
        self._skipped.discard(qid)

    def back(self) -> None:
        """Go to the previous question (from the review: the last one)."""
        keys = self._order()
        here = len(keys) if self._cursor is None else keys.index(self._cursor)
        if here == 0:
            raise InvalidReply("This is the first question; there is nothing to go back to.")
        self._cursor = keys[here - 1]
        self._editing = False

    def change(self, key: str) -> None:
        """From the review: ask ``key`` again, then whatever that change makes necessary.

        The notes on the whole assessment (:data:`NOTES_KEY`) are not an answer:
        changing them is :meth:`edit_note`.
        """
        if key == NOTES_KEY:
            self.edit_note(key)
            return
        if key not in self._order():
            raise InvalidReply(
                "That answer was given on the command line and cannot be changed here."
            )
        self._cursor = key
        self._editing = True

    # ------------------------------------------------------------- notes

    def edit_note(self, key: str) -> None:
        """From the review: ask the note, then the evidence, of the answer to ``key``.

        Each is pre-filled with what the answer has now; an empty reply clears it.
        Then the review comes back. Answers from the command line may have notes too.
        ``key`` :data:`NOTES_KEY` asks the notes on the whole assessment instead.
        """
        self._check_notable(key)
        self._noting = (key, "notes" if key == NOTES_KEY else "note")

    @property
    def assessment_notes(self) -> str | None:
        """The notes on the whole assessment (``metadata.notes``), None for none."""
        return self._meta_notes

    def set_assessment_notes(self, notes: str | None) -> None:
        """Set the notes on the whole assessment (None or blank: none); InvalidReply if too long."""
        self._check_notable(NOTES_KEY)
        self._set_notes(parse_note("notes", notes or ""))

    def set_note(self, qid: str, note: str | None, evidence: str | None) -> None:
        """Set the note and evidence of the answer to ``qid`` (None or blank: none)."""
        if qid == NOTES_KEY:
            raise InvalidReply("The notes on the whole assessment have no evidence.")
        self._check_notable(qid)
        checked = parse_note("note", note or ""), parse_note("evidence", evidence or "")
        self._set_note_field(qid, "note", checked[0])
        self._set_note_field(qid, "evidence", checked[1])

    def _check_notable(self, key: str) -> None:
        if self._done:
            raise InvalidReply("The answers are confirmed; there is nothing left to change.")
        if key != NOTES_KEY and key not in self._answers:
            raise InvalidReply(
                "Only the answer to a question can have a note and evidence; answer it first."
            )

    def _reply_note(self, qid: str, field: NoteField, reply: Reply | MetaValue) -> None:
        if not isinstance(reply, str):
            raise InvalidReply(f"Please type the {field}, or leave it empty for none.")
        if field == "notes":
            self._set_notes(parse_note(field, reply))
        else:
            self._set_note_field(qid, field, parse_note(field, reply))
        self._noting = (qid, "evidence") if field == "note" else None

    def _set_note_field(
        self, qid: str, field: Literal["note", "evidence"], value: str | None
    ) -> None:
        answer = self._answers[qid]
        if _same_note(answer.note if field == "note" else answer.evidence, value):
            return
        self._answers[qid] = answer.model_copy(update={field: value})
        self._noted.add(qid)

    def _set_notes(self, value: str | None) -> None:
        if _same_note(self._meta_notes, value):
            return
        self._meta_notes = value
        self._noted.add(NOTES_KEY)
        if value is None:
            self._origin.pop(NOTES_KEY, None)
        else:
            self._origin[NOTES_KEY] = "typed"

    def confirm(self) -> None:
        """From the review: accept the answers (or go to the first one still missing)."""
        first = self._first_needed()
        missing = [q for q in self.missing_required() if q not in self._fixed]
        if first is not None or missing:
            self._cursor = first or missing[0]
            self._editing = True
            self._notices.append("Some answers are still needed before you can confirm.")
            return
        self._done = True

    @property
    def typed_anything(self) -> bool:
        """Whether the user has given any answer (or note) in this session."""
        return (
            "typed" in self._origin.values()
            or bool(self._skipped - self._left)
            or bool(self._noted)
        )

    def take_notices(self) -> list[str]:
        """Messages for the user since the last call (answers dropped, ...)."""
        out, self._notices = self._notices, []
        return out

    # ------------------------------------------------------------- answers out

    @property
    def metadata(self) -> Metadata:
        values = {f.name: self._meta[f.name] for f in META_FIELDS}
        return Metadata.model_validate(
            {**{k: v for k, v in values.items() if v not in (None, "")}, "notes": self._meta_notes}
        )

    def answers_file(self, status: Literal["complete", "draft"] = "complete") -> AnswersFile:
        """The answers so far, in asking order, as an answers file."""
        order = {qid: n for n, qid in enumerate(self._applicable)}
        ids = sorted(self._answers, key=lambda qid: order.get(qid, len(order)))
        return AnswersFile.model_validate(
            {
                "format": ANSWERS_FORMAT,
                "questionnaire": self.q.id,
                "questionnaire_version": self.q.version,
                "questionnaire_sha256": self.q.sha256,
                "status": status,
                "metadata": self.metadata.model_dump(exclude_none=True),
                "answers": {qid: self._answers[qid].model_dump(exclude_none=True) for qid in ids},
            }
        )

    @property
    def asking_order(self) -> list[str]:
        return [question.id for question in self.q.ordered_questions]


def _same_note(current: str | None, typed: str | None) -> bool:
    """Whether ``typed`` (stripped, None for empty) is ``current`` as it would be typed."""
    if current is None:
        return typed is None
    return (current.strip() or None) == typed


# --------------------------------------------------------------------------- driving


def drive(session: Session, frontend: Frontend) -> AnswersFile:
    """Ask until the user confirms; return the complete answers.

    KeyboardInterrupt (and anything else) propagates: the caller saves
    ``session.answers_file("draft")``.
    """
    while True:
        for message in session.take_notices():
            frontend.notice(message)
        step = session.step()
        if step is DONE:
            return session.answers_file("complete")
        try:
            if isinstance(step, ReviewPrompt):
                choice = frontend.review(step)
                if choice is None:
                    session.confirm()
                elif isinstance(choice, EditNote):
                    session.edit_note(choice.key)
                else:
                    session.change(choice)
            else:
                session.reply(frontend.ask(step))
        except InvalidReply as exc:
            frontend.notice(exc.message)


__all__ = ["Session", "choices_for", "display_value", "drive"]

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

The answers themselves (precedence, checks, notes, the answers file) are kept
by an :class:`~mutual_detector.interactive.sheet.AnswerSheet`; what each step
shows is built by :mod:`mutual_detector.interactive.prompts`. This module holds
the cursor: what to ask next, going back, the review and the note prompts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from mutual_detector.interactive.prompts import (
    meta_prompt,
    note_prompt,
    question_prompt,
    review_prompt,
)
from mutual_detector.interactive.sheet import AnswerSheet
from mutual_detector.interactive.steps import (
    BACK,
    DONE,
    META_BY_NAME,
    META_FIELDS,
    META_PREFIX,
    NOTES_KEY,
    SKIP,
    EditNote,
    Frontend,
    InvalidReply,
    MetaValue,
    Nav,
    NoteField,
    Reply,
    ReviewPrompt,
    Step,
    as_sentence,
    is_meta_key,
    meta_key,
    parse_meta,
    parse_note,
)
from mutual_detector.model.answers import Answer, AnswersFile, Metadata
from mutual_detector.model.checks import check_answer
from mutual_detector.model.questionnaire import Questionnaire, text


class Session:
    """The cursor of one interactive assessment over its :class:`AnswerSheet`."""

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
        self.sheet = AnswerSheet(
            questionnaire,
            answers=answers,
            metadata=metadata,
            fixed_answers=fixed_answers,
            fixed_metadata=fixed_metadata,
            typed_metadata=typed_metadata,
            today=today,
        )
        self.q = questionnaire
        self.lang = lang or questionnaire.language
        #: Keys shown this session, and those left blank (not asked again going forward).
        self._shown: set[str] = set(self.sheet.typed_early)
        self._skipped: set[str] = {k for k, typed in self.sheet.typed_early.items() if not typed}
        #: Of those, the ones :meth:`skip_to_review` skipped (not the user's doing).
        self._left: set[str] = set()
        self._notices: list[str] = []
        #: The note being asked: (question id, "note" or "evidence").
        self._noting: tuple[str, NoteField] | None = None
        #: The question count shown last, and the question asked with the count before it
        #: (so that asking one question again says the same).
        self._last_count: int | None = None
        self._count_at: tuple[str, int | None] | None = None
        self._cursor: str | None = self._first_needed()
        self._editing = False
        self._done = False

    @property
    def rejected(self) -> list[tuple[str, str, str]]:
        """(question id, rule, why) for answers from the file that were not accepted."""
        return self.sheet.rejected

    # ------------------------------------------------------------- navigation

    def _order(self) -> list[str]:
        sheet = self.sheet
        keys = [meta_key(f.name) for f in META_FIELDS if f.name not in sheet.fixed_meta]
        return keys + [qid for qid in sheet.applicable if qid not in sheet.fixed]

    def _needs(self, key: str) -> bool:
        if key in self._skipped:
            return False
        if is_meta_key(key):
            return self.sheet.meta[key.removeprefix(META_PREFIX)] in (None, "")
        return key not in self.sheet.answers

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
        return self.sheet.missing_required()

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
            return note_prompt(self.sheet, *self._noting, self.lang)
        key = self._cursor
        if key is not None and key not in self._order():
            key = self._cursor = self._first_needed()
        if key is None:
            return review_prompt(self.sheet, self.lang)
        if is_meta_key(key):
            return meta_prompt(self.sheet, key, self._can_go_back(key))
        if self._count_at is None or self._count_at[0] != key:
            # A new question: the count the user saw last is the one at the question before.
            self._count_at = (key, self._last_count)
        step = question_prompt(
            self.sheet, key, self.lang, self._can_go_back(key), count_was=self._count_at[1]
        )
        self._last_count = step.total
        return step

    def _can_go_back(self, key: str | None) -> bool:
        keys = self._order()
        return key is None or (key in keys and keys.index(key) > 0)

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
        dropped = self.sheet.refresh()
        self._skipped -= set(dropped)
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
            self.sheet.set_meta(f.name, None)
            self._skipped.add(key)
            return
        if f.name == "date" and not isinstance(reply, dt.date):
            raise InvalidReply("Please give a date as YYYY-MM-DD, e.g. 2026-11-25.")
        if f.name != "date" and not isinstance(reply, str):
            raise InvalidReply("Please type an answer.")
        assert isinstance(reply, str | dt.date)
        self.sheet.set_meta(f.name, reply)
        self._skipped.discard(key)

    def _reply_question(self, qid: str, reply: Reply | MetaValue) -> None:
        question = self.q.question_index[qid]
        if reply is SKIP:
            if question.required:
                raise InvalidReply("Please answer this question.")
            self.sheet.unanswer(qid)
            self._skipped.add(qid)
            return
        if isinstance(reply, Nav | dt.date):
            raise InvalidReply("That is not an answer to this question.")
        problem = check_answer(question, reply)
        if problem is not None:
            raise InvalidReply(as_sentence(problem[1]))
        self.sheet.answer(qid, reply)
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

    def confirm(self) -> None:
        """From the review: accept the answers (or go to the first one still missing)."""
        first = self._first_needed()
        missing = [q for q in self.missing_required() if q not in self.sheet.fixed]
        if first is not None or missing:
            self._cursor = first or missing[0]
            self._editing = True
            self._notices.append("Some answers are still needed before you can confirm.")
            return
        self._done = True

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
        return self.sheet.meta_notes

    def set_assessment_notes(self, notes: str | None) -> None:
        """Set the notes on the whole assessment (None or blank: none); InvalidReply if too long."""
        self._check_notable(NOTES_KEY)
        self.sheet.set_notes(parse_note("notes", notes or ""))

    def set_note(self, qid: str, note: str | None, evidence: str | None) -> None:
        """Set the note and evidence of the answer to ``qid`` (None or blank: none)."""
        if qid == NOTES_KEY:
            raise InvalidReply("The notes on the whole assessment have no evidence.")
        self._check_notable(qid)
        checked = parse_note("note", note or ""), parse_note("evidence", evidence or "")
        self.sheet.set_note_field(qid, "note", checked[0])
        self.sheet.set_note_field(qid, "evidence", checked[1])

    def _check_notable(self, key: str) -> None:
        if self._done:
            raise InvalidReply("The answers are confirmed; there is nothing left to change.")
        if key != NOTES_KEY and key not in self.sheet.answers:
            raise InvalidReply(
                "Only the answer to a question can have a note and evidence; answer it first."
            )

    def _reply_note(self, qid: str, field: NoteField, reply: Reply | MetaValue) -> None:
        if not isinstance(reply, str):
            raise InvalidReply(f"Please type the {field}, or leave it empty for none.")
        if field == "notes":
            self.sheet.set_notes(parse_note(field, reply))
        else:
            self.sheet.set_note_field(qid, field, parse_note(field, reply))
        self._noting = (qid, "evidence") if field == "note" else None

    # ------------------------------------------------------------- what happened

    @property
    def typed_anything(self) -> bool:
        """Whether the user has given any answer (or note) in this session."""
        return (
            "typed" in self.sheet.origin.values()
            or bool(self._skipped - self._left)
            or bool(self.sheet.noted)
        )

    def take_notices(self) -> list[str]:
        """Messages for the user since the last call (answers dropped, ...)."""
        out, self._notices = self._notices, []
        return out

    @property
    def metadata(self) -> Metadata:
        return self.sheet.metadata

    def answers_file(self, status: Literal["complete", "draft"] = "complete") -> AnswersFile:
        """The answers so far, in asking order, as an answers file."""
        return self.sheet.answers_file(status)

    @property
    def asking_order(self) -> list[str]:
        return [question.id for question in self.q.ordered_questions]


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


__all__ = ["Session", "drive"]

"""The answers of an interactive assessment so far, where each came from, and their notes.

An :class:`AnswerSheet` applies the rules about *what* the answers are; the
:class:`~mutual_detector.interactive.session.Session` decides *when* to ask:

* Precedence: command line > typed > file > defaults. Answers given on the
  command line are kept apart (``fixed``): never asked, not changeable at the
  review, though their note and evidence are.
* Answers from a file are checked exactly like typed ones; one that is not
  valid is set aside (``rejected``, with its rule and why) to be asked again.
* After every change the questionnaire is resolved again: answers to questions
  that no longer apply are dropped.
* A note belongs to its question, not to the value: changing the answer keeps
  it, and the note of an answer that goes away (asked again, skipped, no longer
  applying) is held for the next answer to that question.
* A note typed as it was shown (Enter at the pre-filled prompt) changes
  nothing, even if the file had spaces or a line break around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from mutual_detector import ANSWERS_FORMAT
from mutual_detector.interactive.steps import (
    META_BY_NAME,
    META_FIELDS,
    NOTES_KEY,
    MetaValue,
    Origin,
    Value,
    meta_key,
)
from mutual_detector.model.answers import Answer, AnswersFile, Metadata
from mutual_detector.model.checks import check_answer, resolve
from mutual_detector.model.findings import did_you_mean
from mutual_detector.model.questionnaire import Questionnaire


class AnswerSheet:
    """The answers, metadata and notes so far, and where each came from."""

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
    ) -> None:
        """``typed_metadata``: fields typed before the questionnaire was loaded (None: blank)."""
        self.q = questionnaire
        self.answers: dict[str, Answer] = {}
        self.origin: dict[str, Origin] = {}
        self.meta: dict[str, MetaValue | None] = {f.name: None for f in META_FIELDS}
        self.meta_notes = metadata.notes if metadata is not None else None
        #: Questions and metadata fields given on the command line.
        self.fixed: set[str] = set()
        self.fixed_meta: set[str] = set()
        #: Keys typed (or left blank) before the questionnaire was loaded.
        self.typed_early: dict[str, bool] = {}
        #: Questions whose note or evidence was typed in this session.
        self.noted: set[str] = set()
        #: Notes of questions with no answer now: they come back with the next answer.
        self.held: dict[str, Answer] = {}
        #: (question id, rule, why) for answers from the file that were not accepted.
        self.rejected: list[tuple[str, str, str]] = []
        self.applicable: tuple[str, ...] = ()

        # Lowest precedence first: defaults, then the file, then the command line.
        self.meta["date"] = today
        self.origin[meta_key("date")] = "default"
        if self.meta_notes:
            self.origin[NOTES_KEY] = "file"
        if metadata is not None:
            for f in META_FIELDS:
                value = getattr(metadata, f.name)
                if value not in (None, ""):
                    self.meta[f.name] = value
                    self.origin[meta_key(f.name)] = "file"
        for name, typed in (typed_metadata or {}).items():
            self.typed_early[meta_key(name)] = typed is not None
            if typed is not None:
                self.meta[name] = typed
                self.origin[meta_key(name)] = "typed"
        for name, value in (fixed_metadata or {}).items():
            if name not in META_BY_NAME:
                raise ValueError(f"unknown metadata field {name!r}")
            self.meta[name] = value
            self.origin[meta_key(name)] = "command line"
            self.fixed_meta.add(name)
        for qid, answer in (answers or {}).items():
            self._offer(qid, answer, "file")
        for qid, answer in (fixed_answers or {}).items():
            if self._offer(qid, answer, "command line"):
                self.fixed.add(qid)
        for qid in self.refresh():
            self.rejected.append(
                (qid, "A205", "does not apply given the earlier answers, so it is ignored")
            )

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
                hint = did_you_mean(qid, self.q.question_index)
                self.rejected.append(
                    (
                        qid,
                        "A201",
                        f"is not a question of this questionnaire{hint}, so it is ignored",
                    )
                )
            return False
        if answer.value is None:
            self.hold(qid, answer)
            return False
        problem = check_answer(question, answer.value)
        if problem is not None:
            self.rejected.append((qid, problem[0], f"{problem[1]}; it will be asked again"))
            self.hold(qid, answer)
            return False
        earlier = self.answers.get(qid)
        if earlier is None:
            earlier = self.held.pop(qid, None)
        if earlier is not None and answer.note is None and answer.evidence is None:
            # A value from the command line keeps the note given with the file's value.
            answer = Answer(value=answer.value, note=earlier.note, evidence=earlier.evidence)
        self.answers[qid] = answer
        self.origin[qid] = origin
        return True

    def hold(self, qid: str, answer: Answer) -> None:
        """Keep the note of an answer that goes away, for the next answer to ``qid``."""
        if answer.note is not None or answer.evidence is not None:
            self.held[qid] = answer

    def refresh(self) -> list[str]:
        """Resolve applicability again; drop and return answers that no longer apply."""
        state = resolve(self.q, self.answers)
        self.applicable = state.applicable
        keep = set(state.applicable)
        dropped = [qid for qid in self.answers if qid not in keep]
        for qid in dropped:
            self.hold(qid, self.answers.pop(qid))
            self.origin.pop(qid, None)
        self.fixed -= set(dropped)
        return dropped

    def answer(self, qid: str, value: Value) -> None:
        """``value`` typed for ``qid`` (already checked), keeping its note and evidence."""
        old = self.answers.get(qid)
        if old is None:
            old = self.held.pop(qid, None)
        note = old.note if old is not None else None
        evidence = old.evidence if old is not None else None
        self.answers[qid] = Answer(value=value, note=note, evidence=evidence)
        self.origin[qid] = "typed"

    def unanswer(self, qid: str) -> None:
        """Leave ``qid`` unanswered (its note is held for a later answer)."""
        skipped = self.answers.pop(qid, None)
        if skipped is not None:
            self.hold(qid, skipped)
        self.origin.pop(qid, None)

    def set_meta(self, name: str, value: MetaValue | None) -> None:
        """A metadata field typed (None: left blank)."""
        self.meta[name] = value
        if value is None:
            self.origin.pop(meta_key(name), None)
        else:
            self.origin[meta_key(name)] = "typed"

    def missing_required(self) -> list[str]:
        """Ids of applicable required questions with no answer, in asking order."""
        return [
            qid
            for qid in self.applicable
            if qid not in self.answers and self.q.question_index[qid].required
        ]

    # ------------------------------------------------------------- notes

    def set_note_field(
        self, qid: str, field: Literal["note", "evidence"], value: str | None
    ) -> None:
        answer = self.answers[qid]
        if _same_note(answer.note if field == "note" else answer.evidence, value):
            return
        self.answers[qid] = answer.model_copy(update={field: value})
        self.noted.add(qid)

    def set_notes(self, value: str | None) -> None:
        """The notes on the whole assessment (``metadata.notes``)."""
        if _same_note(self.meta_notes, value):
            return
        self.meta_notes = value
        self.noted.add(NOTES_KEY)
        if value is None:
            self.origin.pop(NOTES_KEY, None)
        else:
            self.origin[NOTES_KEY] = "typed"

    # ------------------------------------------------------------- answers out

    @property
    def metadata(self) -> Metadata:
        values = {f.name: self.meta[f.name] for f in META_FIELDS}
        return Metadata.model_validate(
            {**{k: v for k, v in values.items() if v not in (None, "")}, "notes": self.meta_notes}
        )

    def answers_file(self, status: Literal["complete", "draft"] = "complete") -> AnswersFile:
        """The answers so far, in asking order, as an answers file."""
        order = {qid: n for n, qid in enumerate(self.applicable)}
        ids = sorted(self.answers, key=lambda qid: order.get(qid, len(order)))
        return AnswersFile.model_validate(
            {
                "format": ANSWERS_FORMAT,
                "questionnaire": self.q.id,
                "questionnaire_version": self.q.version,
                "questionnaire_sha256": self.q.sha256,
                "status": status,
                "metadata": self.metadata.model_dump(exclude_none=True),
                "answers": {qid: self.answers[qid].model_dump(exclude_none=True) for qid in ids},
            }
        )


def _same_note(current: str | None, typed: str | None) -> bool:
    """Whether ``typed`` (stripped, None for empty) is ``current`` as it would be typed."""
    if current is None:
        return typed is None
    return (current.strip() or None) == typed


__all__ = ["AnswerSheet"]

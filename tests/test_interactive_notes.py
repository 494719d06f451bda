"""Notes and evidence typed at the review of an interactive assessment.

Three levels: the pure :class:`Session`; :func:`drive` and
:func:`collect_answers` with scripted frontends (answers files and drafts on
disk); and the real questionary frontend fed keystrokes through a pipe. The
pseudo-terminal tests are in ``test_pty_assess.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mini_session import (
    CTRL_U,
    DOWN,
    ENTER,
    FULL,
    MINI_ANSWERS,
    UP,
    Keyboard,
    Script,
)
from mini_session import collect as _collect
from mini_session import interrupt as _interrupt
from mini_session import new_session as _session
from mutual_detector.answers_io import dump_answers
from mutual_detector.errors import Interrupted
from mutual_detector.interactive.session import Session, drive
from mutual_detector.interactive.steps import (
    NOTE_MARK,
    NOTE_MAX_CHARS,
    SKIP,
    EditNote,
    InvalidReply,
    MetaPrompt,
    NotePrompt,
    QuestionPrompt,
    ReviewPrompt,
    parse_note,
)
from mutual_detector.loading import LoadedQuestionnaire, load_answers
from mutual_detector.model.answers import Answer, AnswersFile
from mutual_detector.model.questionnaire import Questionnaire


def _at_review(q: Questionnaire, **kwargs: Any) -> Session:
    """A session answered with FULL (what is still needed), at the review."""
    session = _session(q, **kwargs)
    while not isinstance(step := session.step(), ReviewPrompt):
        assert isinstance(step, MetaPrompt | QuestionPrompt), step
        session.reply(FULL[step.key])
    return session


def _from_file(q: Questionnaire) -> Session:
    """The mini answers file (unions has note "Not yet", evidence "minutes"), at the review."""
    return _at_review(q, answers=MINI_ANSWERS.answers, metadata=MINI_ANSWERS.metadata)


def _note_step(session: Session) -> NotePrompt:
    step = session.step()
    assert isinstance(step, NotePrompt), step
    return step


def _type_note(session: Session, key: str, note: str, evidence: str) -> None:
    """At the review: add or edit the note of ``key``, typing both fields."""
    session.edit_note(key)
    assert (_note_step(session).key, _note_step(session).field) == (key, "note")
    session.reply(note)
    assert (_note_step(session).key, _note_step(session).field) == (key, "evidence")
    session.reply(evidence)
    assert isinstance(session.step(), ReviewPrompt)


def _noted(session: Session) -> set[str]:
    step = session.step()
    assert isinstance(step, ReviewPrompt)
    return {r.key for r in step.rows if r.noted}


class TestSession:
    def test_add_a_note_and_evidence(self, mini: Questionnaire) -> None:
        """The note, then the evidence, then the review again, with the answer marked."""
        session = _at_review(mini)
        assert _noted(session) == set()
        session.edit_note("turnover")
        step = _note_step(session)
        assert (step.label, step.shown, step.default, step.message) == (
            "Annual staff turnover?",
            "12%",
            "",
            "Your note on this answer:",
        )
        session.reply("  HR figures 2025/26 ")
        step = _note_step(session)
        assert (step.field, step.default, step.message) == (
            "evidence",
            "",
            "Evidence for this answer:",
        )
        session.reply("Staff survey 2025, appendix B")
        assert _noted(session) == {"turnover"}
        session.confirm()
        assert session.answers_file().answers["turnover"] == Answer(
            value=12, note="HR figures 2025/26", evidence="Staff survey 2025, appendix B"
        )

    def test_a_note_from_the_file_is_prefilled_and_can_be_edited(self, mini: Questionnaire) -> None:
        """The file's note and evidence are the defaults; typing them again keeps them."""
        session = _from_file(mini)
        assert _noted(session) == {"unions"}
        session.edit_note("unions")
        assert _note_step(session).default == "Not yet"
        session.reply("Not yet: meeting the unions in June")
        assert _note_step(session).default == "minutes"
        session.reply("minutes")
        assert session.answers_file().answers["unions"] == Answer(
            value=False, note="Not yet: meeting the unions in June", evidence="minutes"
        )

    def test_empty_clears(self, mini: Questionnaire) -> None:
        """An empty (or blank) reply removes the note; the saved answer is then a bare value."""
        session = _from_file(mini)
        _type_note(session, "unions", "", "   ")
        assert _noted(session) == set()
        answers = session.answers_file()
        assert answers.answers["unions"] == Answer(value=False)
        assert "unions: false\n" in dump_answers(answers)

    def test_a_note_survives_changing_the_answer(self, mini: Questionnaire) -> None:
        """A changed answer keeps its note and evidence until they are cleared."""
        session = _at_review(mini)
        _type_note(session, "readiness", "Finance director's view", "Budget 2026/27")
        session.change("readiness")
        session.reply(2)
        assert isinstance(session.step(), ReviewPrompt)
        assert session.answers_file().answers["readiness"] == Answer(
            value=2, note="Finance director's view", evidence="Budget 2026/27"
        )
        assert _noted(session) == {"readiness"}

    def test_a_note_survives_an_answer_removed_and_given_again(self, mini: Questionnaire) -> None:
        """Skipping an optional answer drops it; answering again brings its note back."""
        session = _at_review(mini)
        session.change("notes")
        session.reply("Board paper due in March")
        _type_note(session, "notes", "From the project plan", "")
        session.change("notes")
        session.reply(SKIP)
        assert "notes" not in session.answers_file().answers
        session.change("notes")
        session.reply("Board paper due in April")
        assert session.answers_file().answers["notes"] == Answer(
            value="Board paper due in April", note="From the project plan"
        )

    def test_a_note_survives_an_answer_that_stops_applying(self, mini: Questionnaire) -> None:
        """appetite few drops `unions`; back to most, the new unions answer has its note."""
        session = _from_file(mini)
        session.change("appetite")
        session.reply("few")
        assert "unions" not in session.answers_file().answers
        session.change("appetite")
        session.reply("most")
        assert isinstance(step := session.step(), QuestionPrompt)
        assert step.key == "unions"
        session.reply(True)
        assert session.answers_file().answers["unions"] == Answer(
            value=True, note="Not yet", evidence="minutes"
        )

    def test_the_note_of_a_rejected_file_answer_comes_back(self, mini: Questionnaire) -> None:
        """A file value that is not valid is asked again; the answer keeps the file's note."""
        answers = {**MINI_ANSWERS.answers, "turnover": Answer(value=120, note="HR", evidence="Q2")}
        session = _session(mini, answers=answers, metadata=MINI_ANSWERS.metadata)
        assert [r[0] for r in session.rejected] == ["turnover"]
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.key == "turnover"
        session.reply(12)
        assert session.answers_file("draft").answers["turnover"] == Answer(
            value=12, note="HR", evidence="Q2"
        )

    def test_too_long_is_refused_with_a_message(self, mini: Questionnaire) -> None:
        """Over 10,000 characters: a clear message, the same prompt, nothing changed."""
        session = _from_file(mini)
        session.edit_note("unions")
        with pytest.raises(InvalidReply) as info:
            session.reply("x" * (NOTE_MAX_CHARS + 1))
        assert info.value.message == (
            "Please keep the note to 10,000 characters or fewer (this one has 10,001)."
        )
        assert (_note_step(session).field, _note_step(session).default) == ("note", "Not yet")
        session.reply("y" * NOTE_MAX_CHARS)  # exactly the limit is fine
        with pytest.raises(InvalidReply, match=r"^Please keep the evidence to 10,000"):
            session.reply("z" * 20_000)
        session.reply("")
        answers = session.answers_file()
        assert answers.answers["unions"] == Answer(value=False, note="y" * NOTE_MAX_CHARS)
        assert AnswersFile.model_validate(answers.model_dump()) == answers

    def test_the_limit_is_the_models(self) -> None:
        """steps.NOTE_MAX_CHARS (kept free of pydantic) is the model's max_length."""
        for field in ("note", "evidence"):
            limits = [m.max_length for m in Answer.model_fields[field].metadata]
            assert limits == [NOTE_MAX_CHARS]

    def test_only_answered_questions_can_have_notes(self, mini: Questionnaire) -> None:
        """Unanswered questions and the details of the assessment cannot be noted."""
        session = _at_review(mini)
        step = session.step()
        assert isinstance(step, ReviewPrompt)
        assert [r.key for r in step.rows if not r.can_note] == [
            "meta:service",
            "meta:organisation",
            "meta:assessor",
            "meta:date",
            "notes",
        ]
        for key in ("notes", "meta:service", "nonsense"):
            with pytest.raises(InvalidReply, match="answer it first"):
                session.edit_note(key)
        assert isinstance(session.step(), ReviewPrompt)

    def test_a_note_reply_must_be_text(self, mini: Questionnaire) -> None:
        """A value that is not text (a frontend bug) is refused, not stored."""
        session = _at_review(mini)
        session.edit_note("unions")
        with pytest.raises(InvalidReply, match="Please type the note"):
            session.reply(True)
        assert _note_step(session).field == "note"

    def test_command_line_answers_can_have_notes(self, mini: Questionnaire) -> None:
        """--set answers cannot be changed at the review, but their note can."""
        session = _at_review(mini, fixed_answers={"appetite": Answer(value="most")})
        step = session.step()
        assert isinstance(step, ReviewPrompt)
        row = step.row("appetite")
        assert (row.editable, row.can_note, row.origin) == (False, True, "command line")
        _type_note(session, "appetite", "Staff meeting 3 June", "Minutes of 3 June")
        assert session.answers_file().answers["appetite"] == Answer(
            value="most", note="Staff meeting 3 June", evidence="Minutes of 3 June"
        )
        with pytest.raises(InvalidReply, match="command line"):
            session.change("appetite")

    def test_a_command_line_value_keeps_the_files_note(self, mini: Questionnaire) -> None:
        """--set replaces the value only; the note and evidence from the file stay."""
        session = _session(
            mini,
            answers=MINI_ANSWERS.answers,
            metadata=MINI_ANSWERS.metadata,
            fixed_answers={"unions": Answer(value=True)},
        )
        assert session.answers_file().answers["unions"] == Answer(
            value=True, note="Not yet", evidence="minutes"
        )

    def test_notes_are_in_the_draft_and_count_as_typed(self, mini: Questionnaire) -> None:
        """A note typed on a resumed draft is new input: the draft must be saved again."""
        fresh = _session(mini, answers=MINI_ANSWERS.answers, metadata=MINI_ANSWERS.metadata)
        assert not fresh.typed_anything
        fresh.edit_note("turnover")
        fresh.reply("")  # Enter on an empty note: nothing typed
        fresh.reply("")
        assert not fresh.typed_anything
        fresh.edit_note("turnover")
        fresh.reply("HR")
        assert fresh.typed_anything
        draft = fresh.answers_file("draft")
        assert (draft.status, draft.answers["turnover"]) == ("draft", Answer(value=12, note="HR"))

    def test_set_note(self, mini: Questionnaire) -> None:
        """set_note sets both fields at once (None or blank: none), checked like typed ones."""
        session = _from_file(mini)
        session.set_note("turnover", "HR", None)
        session.set_note("unions", None, " minutes ")
        answers = session.answers_file().answers
        assert (answers["turnover"], answers["unions"]) == (
            Answer(value=12, note="HR"),
            Answer(value=False, evidence="minutes"),
        )
        with pytest.raises(InvalidReply, match="10,000"):
            session.set_note("turnover", "ok", "x" * 10_001)
        assert session.answers_file().answers["turnover"] == Answer(value=12, note="HR")

    def test_nothing_to_note_once_confirmed(self, mini: Questionnaire) -> None:
        """After the confirmation the answers are final."""
        session = _at_review(mini)
        session.confirm()
        with pytest.raises(InvalidReply, match="confirmed"):
            session.edit_note("unions")

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [("", None), ("   ", None), (" a b ", "a b"), ("line 1\nline 2", "line 1\nline 2")],
    )
    def test_parse_note(self, raw: str, expected: str | None) -> None:
        """Typed notes are stripped; blank is no note; line breaks inside are kept."""
        assert expected == parse_note("note", raw)


# --------------------------------------------------------------------------- scripted frontends


class TestDrive:
    def test_a_note_from_the_review(self, mini: Questionnaire) -> None:
        """Review -> note -> evidence -> review (marked) -> confirm."""
        script = Script([*FULL.values(), EditNote("members"), "Staff vote", "Ballot results", None])
        result = drive(_session(mini), script)
        assert script.asked[-4:] == ["review", "note:members", "evidence:members", "review"]
        assert [r.key for r in script.reviews[-1].rows if r.noted] == ["members"]
        assert [r.key for r in script.reviews[0].rows if r.noted] == []
        assert result.answers["members"] == Answer(
            value=["staff", "community"], note="Staff vote", evidence="Ballot results"
        )

    def test_a_too_long_note_is_a_notice_and_asked_again(self, mini: Questionnaire) -> None:
        """The message reaches the user and the same prompt comes back, still pre-filled."""
        session = _session(mini, answers=MINI_ANSWERS.answers, metadata=MINI_ANSWERS.metadata)
        script = Script([SKIP, EditNote("unions"), "x" * 10_001, "Not yet", "", None])
        result = drive(session, script)
        assert script.notices == [
            "Please keep the note to 10,000 characters or fewer (this one has 10,001)."
        ]
        assert script.asked == [
            "notes",
            "review",
            "note:unions",
            "note:unions",
            "evidence:unions",
            "review",
        ]
        assert script.defaults == ["Not yet", "Not yet", "minutes"]
        assert result.answers["unions"] == Answer(value=False, note="Not yet")

    def test_an_unnotable_choice_is_a_notice(self, mini: Questionnaire) -> None:
        """A review reply naming an unanswered question is refused politely."""
        script = Script([*FULL.values(), EditNote("notes"), None])
        drive(_session(mini), script)
        assert script.notices == [
            "Only the answer to a question can have a note and evidence; answer it first."
        ]


class TestFiles:
    def test_notes_are_saved_in_the_answers_file(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The saved answers file holds the typed note and evidence, and loads back equal."""
        script = Script([*FULL.values(), EditNote("unions"), "Not yet", "Minutes, 3 June", None])
        result = _collect(loaded, frontend=script)
        saved = load_answers(in_tmp / "day-services-answers.yaml").answers
        assert saved == result.answers
        assert saved.answers["unions"] == Answer(
            value=False, note="Not yet", evidence="Minutes, 3 June"
        )
        assert (
            "  unions:\n    value: false\n    note: Not yet\n    evidence: Minutes, 3 June\n"
            in (in_tmp / "day-services-answers.yaml").read_text()
        )

    def test_ctrl_c_keeps_notes_in_the_draft_and_resume_prefills_them(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Interrupted at the evidence: the note typed is in the draft and shown again."""
        first = Script([*FULL.values(), EditNote("turnover"), "HR figures", _interrupt])
        with pytest.raises(Interrupted):
            _collect(loaded, frontend=first)
        draft = in_tmp / "day-services-answers.draft.yaml"
        assert load_answers(draft).answers.answers["turnover"] == Answer(
            value=12, note="HR figures"
        )

        again = Script([SKIP, EditNote("turnover"), "HR figures 2025/26", "HR dashboard", None])
        result = _collect(loaded, answers=load_answers(draft), resume=draft, frontend=again)
        assert again.asked == ["notes", "review", "note:turnover", "evidence:turnover", "review"]
        assert again.defaults == ["HR figures", ""]
        assert [r.key for r in again.reviews[0].rows if r.noted] == ["turnover"]
        saved = load_answers(in_tmp / "day-services-answers.yaml").answers
        assert saved == result.answers
        assert saved.answers["turnover"] == Answer(
            value=12, note="HR figures 2025/26", evidence="HR dashboard"
        )
        assert not draft.exists()

    def test_a_note_alone_updates_a_resumed_draft(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Resumed, a note typed, then Ctrl-C: the draft is saved again (not "unchanged")."""
        draft = in_tmp / "x.draft.yaml"
        answers = {**MINI_ANSWERS.answers, "notes": Answer(value="Board in March")}
        draft.write_text(
            dump_answers(MINI_ANSWERS.model_copy(update={"status": "draft", "answers": answers}))
        )
        script = Script([EditNote("readiness"), "Budget gap", "", _interrupt])
        with pytest.raises(Interrupted, match=r"answers so far saved in x\.draft\.yaml"):
            _collect(loaded, answers=load_answers(draft), resume=draft, frontend=script)
        assert script.asked == ["review", "note:readiness", "evidence:readiness", "review"]
        saved = load_answers(draft).answers
        assert saved.status == "draft"
        assert saved.answers["readiness"] == Answer(value=4, note="Budget gap")
        assert saved.answers["unions"] == MINI_ANSWERS.answers["unions"]

    def test_command_line_answer_note_survives_resume(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """A note on a --set answer is in the draft; resuming with the same --set keeps it."""
        fixed = {"appetite": Answer(value="most")}
        first = Script(
            [
                *(v for k, v in FULL.items() if k != "appetite"),
                EditNote("appetite"),
                "Staff meeting",
                "Minutes",
                _interrupt,
            ]
        )
        with pytest.raises(Interrupted):
            _collect(loaded, frontend=first, fixed_answers=fixed)
        draft = in_tmp / "day-services-answers.draft.yaml"
        assert load_answers(draft).answers.answers["appetite"] == Answer(
            value="most", note="Staff meeting", evidence="Minutes"
        )
        again = Script([SKIP, None])
        result = _collect(
            loaded, answers=load_answers(draft), resume=draft, frontend=again, fixed_answers=fixed
        )
        assert again.asked == ["notes", "review"]
        assert [r.key for r in again.reviews[0].rows if r.noted] == ["appetite"]
        assert result.answers.answers["appetite"] == Answer(
            value="most", note="Staff meeting", evidence="Minutes"
        )


# --------------------------------------------------------------------------- the real frontend


class TestQuestionaryFrontend:
    def _review(self, mini: Questionnaire) -> ReviewPrompt:
        step = _from_file(mini).step()
        assert isinstance(step, ReviewPrompt)
        return step

    def test_the_review_marks_noted_answers(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """✎ after the answer that has a note, a legend under the table; Enter confirms."""
        keys = keyboard([ENTER])
        assert keys.frontend.review(self._review(mini)) is None
        lines = keys.text.splitlines()
        marked = [line for line in lines if NOTE_MARK in line]
        assert len(marked) == 2, marked
        assert "Are the unions engaged?" in marked[0]
        assert f"No {NOTE_MARK}  (file)" in marked[0]
        assert marked[1].strip() == f"{NOTE_MARK} = has a note or evidence"

    def test_no_legend_without_notes(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """Nobody who never adds a note sees the marker."""
        step = _at_review(mini).step()
        assert isinstance(step, ReviewPrompt)
        keys = keyboard([ENTER])
        assert keys.frontend.review(step) is None
        assert NOTE_MARK not in keys.text
        assert "Add or edit a note or evidence" in keys.text

    def test_choosing_an_answer_for_a_note(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """The third action, then type to filter: the review returns EditNote for it."""
        keys = keyboard([DOWN + DOWN + ENTER, "turnover" + ENTER])
        assert keys.frontend.review(self._review(mini)) == EditNote("turnover")
        assert "Which answer is the note for?" in keys.text

    def test_back_from_the_list_shows_the_review_again(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """← Back to the list (the last choice) returns to the table and the actions."""
        keys = keyboard([DOWN + DOWN + ENTER, UP + ENTER, DOWN + ENTER, "unions" + ENTER])
        assert keys.frontend.review(self._review(mini)) == "unions"
        assert keys.text.count("Your answers") == 2

    def test_note_prompts_are_prefilled(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """Enter keeps the note shown; Ctrl-U and new text replace it."""
        session = _from_file(mini)
        session.edit_note("unions")
        keys = keyboard([ENTER, CTRL_U + "Board minutes, 3 June" + ENTER])
        note = keys.frontend.ask(_note_step(session))
        assert note == "Not yet"
        session.reply(note)
        evidence = keys.frontend.ask(_note_step(session))
        assert evidence == "Board minutes, 3 June"
        assert "Note and evidence: Are the unions engaged?" in keys.text
        assert "Answer: No" in keys.text
        assert "Staff survey 2025, appendix B" in keys.text  # the example in the hint

    def test_a_too_long_note_shows_the_message_at_the_prompt(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """The validate callback refuses it in place; the user shortens it and goes on."""
        session = _at_review(mini)
        session.edit_note("unions")
        pasted = "\x1b[200~" + "x" * 10_001 + "\x1b[201~"  # a bracketed paste
        keys = keyboard([[pasted + ENTER, CTRL_U + "Short" + ENTER]])
        assert keys.frontend.ask(_note_step(session)) == "Short"
        assert "Please keep the note to 10,000 characters or fewer (this one has 10,001)." in (
            keys.text
        )

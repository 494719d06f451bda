"""``assess --review`` and the notes on the whole assessment (``metadata.notes``).

Levels: the pure :class:`Session`; :func:`collect_answers` with a scripted
frontend (files on disk); the questionary frontend fed keys through a pipe;
the whole command in-process (typer's CliRunner, with and without a
"terminal") and as a plain subprocess. The pseudo-terminal tests are in
``test_pty_assess.py``.

What a council officer gets: ``--review`` opens the review with the file's
answers at once. If they change anything (an answer, a note, the notes on the
whole assessment) the answers are saved as at the end of any interactive run
(``--save-answers`` or ``./<service>-answers.yaml``, asking before replacing a
file). If they confirm without a change, nothing is written: their file is
left as it was, byte for byte, and they are told so; the report is the one
``--answers`` alone gives.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clirun import run_cli
from mini_session import ENTER, FULL, MINI_ANSWERS, TODAY, Keyboard, Script
from mini_session import collect as _collect
from mini_session import interrupt as _interrupt
from mini_session import new_session as _session
from mutual_detector.answers_io import dump_answers
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_USAGE, Interrupted, UsageError
from mutual_detector.interactive.session import Session, drive
from mutual_detector.interactive.steps import (
    NOTES_KEY,
    NOTES_LABEL,
    NOTES_MAX_CHARS,
    EditNote,
    InvalidReply,
    NotePrompt,
    QuestionPrompt,
    ReviewPrompt,
    parse_note,
    preview,
)
from mutual_detector.loading import LoadedQuestionnaire, load_answers
from mutual_detector.model.answers import Answer, AnswersFile, Metadata
from mutual_detector.model.questionnaire import Questionnaire

ASSETS = Path(__file__).parent / "assets"
MINI = ASSETS / "mini.yaml"
NOTES = "Consulted staff and the unions in June.\nThe board decides in March."


def _with_notes(notes: str | None) -> AnswersFile:
    """The mini answers (complete) with ``notes`` as the notes on the whole assessment."""
    return MINI_ANSWERS.model_copy(
        update={"metadata": MINI_ANSWERS.metadata.model_copy(update={"notes": notes})}
    )


def _file_session(q: Questionnaire, notes: str | None = None) -> Session:
    """A session of the complete mini answers (with ``notes``): at the review at once."""
    answers = _with_notes(notes)
    session = _session(q, answers=answers.answers, metadata=answers.metadata)
    session.skip_to_review()
    assert isinstance(session.step(), ReviewPrompt)
    return session


def _notes_step(session: Session) -> NotePrompt:
    step = session.step()
    assert isinstance(step, NotePrompt), step
    return step


def _review(session: Session) -> ReviewPrompt:
    step = session.step()
    assert isinstance(step, ReviewPrompt), step
    return step


# --------------------------------------------------------------------------- the session


class TestAssessmentNotes:
    def test_a_row_of_the_review_after_the_date(self, mini: Questionnaire) -> None:
        """Under "About the assessment", after the date; — when there are none; notable."""
        rows = _review(_file_session(mini)).rows
        keys = [r.key for r in rows]
        assert keys[:6] == [
            "meta:service",
            "meta:organisation",
            "meta:assessor",
            "meta:date",
            NOTES_KEY,
            "appetite",
        ]
        row = rows[4]
        assert (row.number, row.topic, row.label, row.shown, row.origin) == (
            5,
            "About the assessment",
            "Notes on the whole assessment",
            "—",
            None,
        )
        assert (row.editable, row.can_note, row.noted) == (True, True, False)
        # The first choice when picking a note: before every answer.
        assert next(r.key for r in rows if r.can_note) == NOTES_KEY

    def test_notes_from_the_file_are_shown_on_one_line(self, mini: Questionnaire) -> None:
        """Line breaks and runs of spaces collapse; long notes are cut with …."""
        row = _review(_file_session(mini, NOTES)).row(NOTES_KEY)
        assert row.shown == "Consulted staff and the unions in June. The board decides…"
        assert preview("x" * 100) == "x" * 59 + "…"  # no space near the cut: cut in the word
        assert row.origin == "file"
        assert preview("short   text\n") == "short text"

    def test_add_notes(self, mini: Questionnaire) -> None:
        """One prompt, then the review again; saved in metadata.notes; typed."""
        session = _file_session(mini)
        session.edit_note(NOTES_KEY)
        step = _notes_step(session)
        assert (step.key, step.field, step.label, step.default, step.message) == (
            NOTES_KEY,
            "notes",
            NOTES_LABEL,
            "",
            "Your notes on the whole assessment:",
        )
        session.reply("  The board decides in March. ")
        row = _review(session).row(NOTES_KEY)
        assert (row.shown, row.origin) == ("The board decides in March.", "typed")
        assert session.typed_anything
        session.confirm()
        assert session.answers_file().metadata.notes == "The board decides in March."
        assert session.answers_file().answers == MINI_ANSWERS.answers

    def test_prefilled_then_edited(self, mini: Questionnaire) -> None:
        """The file's notes are the default; what is typed replaces them."""
        session = _file_session(mini, NOTES)
        session.edit_note(NOTES_KEY)
        assert _notes_step(session).default == NOTES
        session.reply(NOTES + " Unison agrees.")
        assert session.metadata.notes == NOTES + " Unison agrees."

    def test_empty_clears(self, mini: Questionnaire) -> None:
        session = _file_session(mini, NOTES)
        session.edit_note(NOTES_KEY)
        session.reply("   ")
        row = _review(session).row(NOTES_KEY)
        assert (row.shown, row.origin) == ("—", None)
        assert session.metadata.notes is None
        assert "notes" not in session.answers_file().metadata.model_dump(exclude_none=True)

    def test_kept_as_shown_is_no_change(self, mini: Questionnaire) -> None:
        """Enter at the pre-filled prompt changes nothing, even with spaces around the notes."""
        session = _file_session(mini, f"  {NOTES}\n")
        before = session.answers_file()
        session.edit_note(NOTES_KEY)
        session.reply(_notes_step(session).default)
        assert session.metadata.notes == f"  {NOTES}\n"
        assert session.answers_file() == before
        assert not session.typed_anything
        assert _review(session).row(NOTES_KEY).origin == "file"

    def test_change_opens_the_notes(self, mini: Questionnaire) -> None:
        """ "Change an answer" on the notes row asks the notes, not a question."""
        session = _file_session(mini)
        session.change(NOTES_KEY)
        assert _notes_step(session).field == "notes"
        session.reply("Board in March")
        assert isinstance(session.step(), ReviewPrompt)
        assert session.metadata.notes == "Board in March"

    def test_too_long_is_refused(self, mini: Questionnaire) -> None:
        """Up to 20,000 characters (the model's limit); more is refused with the count."""
        session = _file_session(mini)
        session.edit_note(NOTES_KEY)
        with pytest.raises(InvalidReply) as caught:
            session.reply("x" * (NOTES_MAX_CHARS + 1))
        assert caught.value.message == (
            "Please keep the notes to 20,000 characters or fewer (this one has 20,001)."
        )
        assert _notes_step(session).field == "notes"  # asked again
        session.reply("y" * NOTES_MAX_CHARS)
        answers = session.answers_file()
        assert answers.metadata.notes == "y" * NOTES_MAX_CHARS
        assert AnswersFile.model_validate(answers.model_dump()) == answers

    def test_the_limit_is_the_models(self) -> None:
        """steps.NOTES_MAX_CHARS (kept free of pydantic) is Metadata.notes's max_length."""
        limits = [m.max_length for m in Metadata.model_fields["notes"].metadata]
        assert limits == [NOTES_MAX_CHARS]
        assert parse_note("note", "x" * 10_000) is not None
        with pytest.raises(InvalidReply, match="10,000"):
            parse_note("note", "x" * 10_001)

    def test_set_assessment_notes(self, mini: Questionnaire) -> None:
        """The API without prompts; set_note() refuses the notes (they have no evidence)."""
        session = _file_session(mini)
        session.set_assessment_notes(" Board in March ")
        assert session.assessment_notes == "Board in March"
        session.set_assessment_notes(None)
        assert session.assessment_notes is None
        with pytest.raises(InvalidReply, match="no evidence"):
            session.set_note(NOTES_KEY, "x", "y")
        session.confirm()
        with pytest.raises(InvalidReply, match="confirmed"):
            session.edit_note(NOTES_KEY)

    def test_in_a_fresh_assessment_too(self, mini: Questionnaire) -> None:
        """Typed at the review of a fresh assessment: in the draft and the answers file."""
        script = Script([*FULL.values(), EditNote(NOTES_KEY), "Board in March", None])
        result = drive(_session(mini), script)
        assert script.asked[-3:] == ["review", f"notes:{NOTES_KEY}", "review"]
        assert result.metadata.notes == "Board in March"


class TestSkipToReview:
    def test_optional_blanks_are_not_asked(self, mini: Questionnaire) -> None:
        """Required answers missing are asked; optional blanks wait at the review as —."""
        answers = {k: v for k, v in MINI_ANSWERS.answers.items() if k != "readiness"}
        metadata = MINI_ANSWERS.metadata.model_copy(update={"organisation": None})
        session = _session(mini, answers=answers, metadata=metadata)
        session.skip_to_review()
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.key == "readiness"  # required
        session.reply(4)
        review = _review(session)
        assert review.row("meta:organisation").shown == "—"
        assert review.row("notes").shown == "—"  # "Anything else?", optional
        assert session.typed_anything  # readiness

    def test_nothing_typed_yet(self, mini: Questionnaire) -> None:
        """Skipping for the review is not the user's doing: nothing to save as a draft."""
        session = _file_session(mini)
        assert not session.typed_anything

    def test_an_optional_blank_can_be_answered_from_the_review(self, mini: Questionnaire) -> None:
        session = _file_session(mini)
        session.change("notes")
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.key == "notes"
        session.reply("Board in March")
        assert _review(session).row("notes").shown == "Board in March"
        assert session.typed_anything

    def test_a_question_that_starts_to_apply_is_asked(self, mini: Questionnaire) -> None:
        """few -> some at the review makes `unions` apply: asked before the review again."""
        answers = {**MINI_ANSWERS.answers, "appetite": Answer(value="few")}
        answers.pop("unions")
        session = _session(mini, answers=answers, metadata=MINI_ANSWERS.metadata)
        session.skip_to_review()
        assert "unions" not in [r.key for r in _review(session).rows]
        session.change("appetite")
        session.reply("some")
        step = session.step()
        assert isinstance(step, QuestionPrompt)
        assert step.key == "unions"


# --------------------------------------------------------------------------- collect_answers


class Desk(Script):
    """The scripted frontend, answering "Replace it?" with ``replace``."""

    def __init__(self, replies: list[Any], *, replace: bool = False) -> None:
        super().__init__(replies)
        self.replace = replace
        self.replace_asked: list[tuple[str, str]] = []

    def confirm_replace(self, path: str, alternative: str) -> bool:
        self.replace_asked.append((path, alternative))
        return self.replace


def _write(path: Path, answers: AnswersFile) -> Path:
    path.write_text(dump_answers(answers), encoding="utf-8")
    return path


def _review_file(
    loaded: LoadedQuestionnaire, path: Path, desk: Desk, **kwargs: Any
) -> tuple[Any, list[str]]:
    said: list[str] = []
    collected = _collect(
        loaded, answers=load_answers(path), review=True, frontend=desk, say=said.append, **kwargs
    )
    return collected, said


class TestReview:
    def test_confirmed_unchanged_leaves_the_file(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Straight to the review; confirmed: nothing written, the user told, the file scored."""
        source = _write(in_tmp / "answers.yaml", _with_notes(NOTES))
        text = source.read_bytes()
        desk = Desk([None])
        collected, said = _review_file(loaded, source, desk)
        assert desk.asked == ["review"]
        assert said == ["No changes, so answers.yaml was left as it was."]
        assert sorted(p.name for p in in_tmp.iterdir()) == ["answers.yaml"]
        assert source.read_bytes() == text
        assert (collected.asked, collected.saved_to) == (True, None)
        assert collected.answers == load_answers(source).answers
        assert collected.loaded is collected.source  # positions kept for the report

    def test_a_file_without_a_date_is_scored_as_it_is(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The review shows today's date; confirmed unchanged, the result has no date added."""
        answers = MINI_ANSWERS.model_copy(
            update={"metadata": MINI_ANSWERS.metadata.model_copy(update={"date": None})}
        )
        source = _write(in_tmp / "answers.yaml", answers)
        desk = Desk([None])
        collected, said = _review_file(loaded, source, desk)
        assert desk.reviews[0].row("meta:date").shown == TODAY.isoformat()
        assert collected.answers.metadata.date is None
        assert said == ["No changes, so answers.yaml was left as it was."]

    def test_a_changed_answer_is_saved_as_typed_answers_are(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Changed at the review: saved to ./<service>-answers.yaml, the source untouched."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        text = source.read_bytes()
        desk = Desk(["turnover", 15, None])
        collected, said = _review_file(loaded, source, desk)
        assert desk.asked == ["review", "turnover", "review"]
        target = in_tmp / "day-services-answers.yaml"
        assert said == ["Answers saved to day-services-answers.yaml"]
        assert collected.saved_to.resolve() == target
        saved = load_answers(target).answers
        assert saved == collected.answers
        assert saved.answers["turnover"] == Answer(value=15)
        assert saved.answers["unions"] == MINI_ANSWERS.answers["unions"]  # note kept
        assert source.read_bytes() == text

    @pytest.mark.parametrize(
        ("replace", "written"),
        [(True, "day-services-answers.yaml"), (False, "day-services-answers-2.yaml")],
    )
    def test_notes_on_the_reviewed_file_ask_before_replacing_it(
        self, loaded: LoadedQuestionnaire, in_tmp: Path, replace: bool, written: str
    ) -> None:
        """The officer's file is the default target: replaced only if they say so."""
        source = _write(in_tmp / "day-services-answers.yaml", MINI_ANSWERS)
        desk = Desk([EditNote(NOTES_KEY), NOTES, None], replace=replace)
        collected, said = _review_file(loaded, source, desk)
        assert desk.replace_asked == [("day-services-answers.yaml", "day-services-answers-2.yaml")]
        assert said == [f"Answers saved to {written}"]
        saved = load_answers(in_tmp / written).answers
        assert (
            saved
            == collected.answers
            == _with_notes(NOTES).model_copy(
                update={
                    "questionnaire_version": "1.0",
                    "questionnaire_sha256": loaded.questionnaire.sha256,
                }
            )
        )
        if not replace:
            assert load_answers(source).answers == MINI_ANSWERS

    def test_save_answers_elsewhere_gets_a_copy(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """--save-answers naming another file: written even if nothing changed."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        text = source.read_bytes()
        copy = in_tmp / "copy.yaml"
        _, said = _review_file(loaded, source, Desk([None]), save_answers=copy)
        assert said == ["Answers saved to copy.yaml"]
        assert load_answers(copy).answers.answers == MINI_ANSWERS.answers
        assert source.read_bytes() == text

    def test_save_answers_naming_the_file_itself(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """--save-answers FILE --answers FILE: unchanged, left as it was; changed, replaced."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        text = source.read_bytes()
        _, said = _review_file(loaded, source, Desk([None]), save_answers=Path("answers.yaml"))
        assert said == ["No changes, so answers.yaml was left as it was."]
        assert source.read_bytes() == text

        desk = Desk([EditNote(NOTES_KEY), "Board in March", None], replace=True)
        _, said = _review_file(loaded, source, desk, save_answers=source)
        assert said == ["Answers saved to answers.yaml"]
        assert load_answers(source).answers.metadata.notes == "Board in March"

    def test_command_line_answers_are_scored_not_saved(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """--set with --review, confirmed: scored with the --set value, no file written."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        desk = Desk([None])
        collected, said = _review_file(
            loaded, source, desk, fixed_answers={"turnover": Answer(value=30)}
        )
        assert desk.reviews[0].row("turnover").origin == "command line"
        assert said == ["No changes, so answers.yaml was left as it was."]
        assert collected.answers.answers["turnover"] == Answer(value=30)
        assert sorted(p.name for p in in_tmp.iterdir()) == ["answers.yaml"]

    def test_bad_answers_are_asked_then_saved(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """A value the file got wrong is asked first; the corrected answers are saved."""
        source = in_tmp / "answers.yaml"
        source.write_text(
            (ASSETS / "mini-answers.yaml").read_text().replace("turnover: 12", "turnover: 120")
        )
        desk = Desk([12, None])
        collected, said = _review_file(loaded, source, desk)
        assert desk.asked == ["turnover", "review"]
        assert said == ["Answers saved to day-services-answers.yaml"]
        assert collected.answers.answers["turnover"] == Answer(value=12)

    def test_resume_goes_to_the_review_and_saves(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """--review --resume: a complete draft goes to the review; confirmed, it is saved
        as the answers file (a draft is never "left as it was") and removed."""
        draft = _write(
            in_tmp / "day-services-answers.draft.yaml",
            _with_notes("Board in March").model_copy(update={"status": "draft"}),
        )
        desk = Desk([None])
        collected, said = _review_file(loaded, draft, desk, resume=draft)
        assert desk.asked == ["review"]  # not the optional "Anything else?" left blank
        assert desk.reviews[0].row(NOTES_KEY).shown == "Board in March"
        assert said == [
            "Answers saved to day-services-answers.yaml",
            "Removed the draft day-services-answers.draft.yaml",
        ]
        assert collected.answers.status == "complete"
        assert collected.answers.metadata.notes == "Board in March"
        assert not draft.exists()

    def test_ctrl_c_keeps_the_notes_in_the_draft(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Notes typed, then Ctrl-C: they are in the draft, and pre-filled on --resume."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        desk = Desk([EditNote(NOTES_KEY), "Board in March", _interrupt])
        with pytest.raises(Interrupted, match=r"saved in day-services-answers\.draft\.yaml"):
            _review_file(loaded, source, desk)
        draft = in_tmp / "day-services-answers.draft.yaml"
        assert load_answers(draft).answers.metadata.notes == "Board in March"

        again = Desk([EditNote(NOTES_KEY), "", None])
        collected, _ = _review_file(loaded, draft, again, resume=draft)
        assert again.defaults == ["Board in March"]
        assert collected.answers.metadata.notes is None
        assert not draft.exists()

    @pytest.mark.parametrize(
        ("kwargs", "why"),
        [
            ({"no_input": True}, "cannot be used with --no-input"),
            ({"interactive": False}, "needs a terminal"),
        ],
    )
    def test_review_needs_a_terminal(
        self, loaded: LoadedQuestionnaire, in_tmp: Path, kwargs: dict[str, Any], why: str
    ) -> None:
        """A usage error (exit 2) before anything is asked or written."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        desk = Desk([])
        with pytest.raises(UsageError, match=why) as caught:
            _review_file(loaded, source, desk, **kwargs)
        assert caught.value.exit_code == EXIT_USAGE
        assert desk.asked == []

    def test_ctrl_c_before_any_change_saves_nothing(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Interrupted at the review with nothing changed: no draft; the file is as it was."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        with pytest.raises(Interrupted) as caught:
            _review_file(loaded, source, Desk([_interrupt]))
        assert caught.value.message == (
            "interrupted before anything was changed; nothing was saved, answers.yaml is as it was"
        )
        assert sorted(p.name for p in in_tmp.iterdir()) == ["answers.yaml"]

    def test_without_review_nothing_is_asked(
        self, loaded: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The old behaviour stays: a complete file at a terminal is scored at once."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        desk = Desk([])
        collected = _collect(loaded, answers=load_answers(source), frontend=desk)
        assert (desk.asked, collected.asked) == ([], False)


# --------------------------------------------------------------------------- questionary


class TestQuestionaryFrontend:
    def test_the_notes_row_and_the_first_choice_for_a_note(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """The table shows the notes; "Add or edit a note" offers them first."""
        step = _review(_file_session(mini, NOTES))
        keys = keyboard(["\x1b[B\x1b[B" + ENTER, ENTER])
        assert keys.frontend.review(step) == EditNote(NOTES_KEY)
        assert "Notes on the whole assessment" in keys.text
        # The preview of the note, wrapped between words in its column, then where it came from.
        lines = [line.strip() for line in keys.text.splitlines()]
        assert any(line.endswith("Consulted staff and the unions in June.") for line in lines)
        assert any(line.endswith("The board decides…  (file)") for line in lines)
        assert "5. Notes on the whole assessment — Consulted staff" in keys.text

    def test_the_notes_prompt(
        self, mini: Questionnaire, keyboard: Callable[[list[str | list[str]]], Keyboard]
    ) -> None:
        """A heading, where the report shows them, and a pre-filled prompt (here two lines)."""
        session = _file_session(mini, NOTES)
        session.edit_note(NOTES_KEY)
        keys = keyboard([ENTER])
        assert keys.frontend.ask(_notes_step(session)) == NOTES
        assert "Your notes on the whole assessment:" in keys.text
        assert 'The Markdown and HTML reports show them under "About this assessment".' in (
            keys.text
        )
        assert "e.g. who was consulted, what is still to check; empty for none" in keys.text


# --------------------------------------------------------------------------- the command


def _args(source: Path, *more: str) -> list[str]:
    return ["assess", "--questionnaire", str(MINI), "--answers", str(source), *more]


class TestCommandWithoutATerminal:
    def test_review_is_a_usage_error(self, runner: CliRunner, tmp_path: Path) -> None:
        """No terminal: exit 2, one line that says why, nothing on stdout."""
        source = _write(tmp_path / "answers.yaml", MINI_ANSWERS)
        result = runner.invoke(app, _args(source, "--review"))
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "mutual-detector: error: --review needs a terminal to show the answers on; "
            "run it at a terminal, or leave out --review to score the file as it is\n"
        )

    def test_review_with_no_input(self, runner: CliRunner, tmp_path: Path) -> None:
        source = _write(tmp_path / "answers.yaml", MINI_ANSWERS)
        result = runner.invoke(app, _args(source, "--review", "--no-input"))
        assert result.exit_code == 2
        assert result.stderr == (
            "mutual-detector: error: --review shows the answers at the terminal to change "
            "them, so it cannot be used with --no-input\n"
        )

    def test_the_usage_error_comes_before_reading_the_file(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A missing file with --review and no terminal: still the usage error (exit 2)."""
        result = runner.invoke(app, _args(tmp_path / "missing.yaml", "--review"))
        assert result.exit_code == 2
        assert "--review needs a terminal" in result.stderr

    def test_the_usage_error_comes_before_the_gate_reads_the_file(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """--min-band reads the answers to find the bands: the usage error still comes first."""
        broken = tmp_path / "broken.yaml"
        broken.write_text("format: [unclosed\n", encoding="utf-8")
        result = runner.invoke(app, _args(broken, "--review", "--min-band", "strong"))
        assert result.exit_code == 2
        assert "--review needs a terminal" in result.stderr

    def test_help(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["assess", "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "--review" in result.stdout
        assert "left as it was" in result.stdout


@pytest.fixture
def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[Desk], None]:
    """Make the CliRunner's stdin a "terminal", and the prompts the given scripted desk."""
    import typer.testing

    import mutual_detector.interactive.frontend as frontend

    class TtyStdin(typer.testing._NamedTextIOWrapper):
        def isatty(self) -> bool:
            return self.name == "<stdin>"

    monkeypatch.setattr(typer.testing, "_NamedTextIOWrapper", TtyStdin)

    def use(desk: Desk) -> None:
        monkeypatch.setattr(frontend, "QuestionaryFrontend", lambda stream: desk)

    return use


class TestCommandAtATerminal:
    def test_unchanged_reports_as_answers_alone(
        self, runner: CliRunner, in_tmp: Path, at_a_terminal: Callable[[Desk], None]
    ) -> None:
        """Confirmed unchanged: the JSON result is byte for byte that of --answers alone."""
        source = _write(in_tmp / "answers.yaml", _with_notes(NOTES))
        text = source.read_bytes()
        env = {"SOURCE_DATE_EPOCH": "1700000000"}
        plain = runner.invoke(app, _args(source, "--format", "json"), env=env)
        assert plain.exit_code == 0, plain.stderr
        desk = Desk([None])
        at_a_terminal(desk)
        reviewed = runner.invoke(app, _args(source, "--review", "--format", "json"), env=env)
        assert reviewed.exit_code == 0, reviewed.stderr
        assert desk.asked == ["review"]
        assert reviewed.stdout == plain.stdout
        assert reviewed.stderr == "No changes, so answers.yaml was left as it was.\n"
        assert source.read_bytes() == text
        assert sorted(p.name for p in in_tmp.iterdir()) == ["answers.yaml"]

    def test_notes_typed_reach_the_report_and_the_file(
        self, runner: CliRunner, in_tmp: Path, at_a_terminal: Callable[[Desk], None]
    ) -> None:
        """Notes on the whole assessment typed at the review: in the Markdown report, and
        in the answers file saved where --save-answers says."""
        source = _write(in_tmp / "answers.yaml", MINI_ANSWERS)
        at_a_terminal(Desk([EditNote(NOTES_KEY), "Board decides in March", None]))
        result = runner.invoke(
            app,
            _args(source, "--review", "--format", "markdown", "--save-answers", "reviewed.yaml"),
        )
        assert result.exit_code == 0, result.stderr
        assert "**Assessor's notes:** Board decides in March\n" in result.stdout
        assert result.stderr == "Answers saved to reviewed.yaml\n"
        assert load_answers(in_tmp / "reviewed.yaml").answers.metadata.notes == (
            "Board decides in March"
        )
        assert load_answers(source).answers == MINI_ANSWERS


@pytest.mark.slow
def test_no_terminal_subprocess(tmp_path: Path) -> None:
    """A real process with no terminal on stdin: exit 2 at once, one line, nothing written."""
    source = _write(tmp_path / "answers.yaml", MINI_ANSWERS)
    proc = run_cli(*_args(source, "--review"), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1
    assert "--review needs a terminal" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml"]

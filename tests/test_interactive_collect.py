"""collect_answers: when to ask, refusing without a terminal, drafts, resume and saving."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mini_session import ARGV, FULL, TODAY
from mutual_detector.answers_io import dump_answers
from mutual_detector.errors import (
    EXIT_INCOMPLETE,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    IncompleteError,
    InputError,
    Interrupted,
)
from mutual_detector.interactive.collect import Collected, collect_answers, resume_command
from mutual_detector.interactive.steps import BACK, SKIP, MetaPrompt, QuestionPrompt, ReviewPrompt
from mutual_detector.loading import LoadedQuestionnaire, load_answers, load_questionnaire
from mutual_detector.model.answers import Answer

ASSETS = Path(__file__).parent / "assets"


@pytest.fixture(scope="module")
def mini() -> LoadedQuestionnaire:
    return load_questionnaire(ASSETS / "mini.yaml")


class Desk:
    """A scripted frontend: answers by key, can stop at a key, records everything."""

    def __init__(
        self,
        answers: dict[str, Any],
        *,
        stop_at: str | None = None,
        stop: Callable[[], None] | None = None,
        replace: bool = False,
    ) -> None:
        self.answers = answers
        self.stop_at = stop_at
        self.stop = stop or self._interrupt
        self.replace = replace
        self.asked: list[str] = []
        self.notices: list[str] = []
        self.replace_asked: list[tuple[str, str]] = []
        self.closed = 0

    @staticmethod
    def _interrupt() -> None:
        raise KeyboardInterrupt

    def __call__(self) -> Desk:
        return self

    def notice(self, message: str) -> None:
        self.notices.append(message)

    def ask(self, prompt: MetaPrompt | QuestionPrompt) -> Any:
        self.asked.append(prompt.key)
        if prompt.key == self.stop_at:
            self.stop()
        return self.answers[prompt.key]

    def review(self, review: ReviewPrompt) -> str | None:
        self.asked.append("review")
        return None

    def confirm_replace(self, path: str, alternative: str) -> bool:
        self.replace_asked.append((path, alternative))
        return self.replace

    def close(self) -> None:
        self.closed += 1


def _never() -> Desk:
    raise AssertionError("nothing should be asked")


def _collect(mini: LoadedQuestionnaire, **kwargs: Any) -> Collected:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("argv", ARGV)
    kwargs.setdefault("say", lambda line: None)
    return collect_answers(mini, **kwargs)


class TestWhenToAsk:
    def test_a_complete_file_asks_nothing(self, mini: LoadedQuestionnaire) -> None:
        """All required answers given: the file's answers are used as they are."""
        loaded = load_answers(ASSETS / "mini-answers.yaml")
        result = _collect(mini, answers=loaded, interactive=True, frontend=_never)
        assert (loaded.answers, False, None) == (result.answers, result.asked, result.saved_to)

    def test_no_input_lists_the_missing_questions(self, mini: LoadedQuestionnaire) -> None:
        """--no-input with missing answers: exit 5 and every missing id."""
        with pytest.raises(IncompleteError) as info:
            _collect(mini, no_input=True, interactive=True, frontend=_never)
        assert info.value.exit_code == EXIT_INCOMPLETE
        assert info.value.message.startswith(
            "5 required question(s) not answered: appetite, turnover, readiness, equity, members."
        )

    def test_no_terminal_fails_at_once(self, mini: LoadedQuestionnaire) -> None:
        """Without a terminal: one line naming --answers and --no-input, exit 5."""
        with pytest.raises(IncompleteError) as info:
            _collect(mini, interactive=False, frontend=_never)
        assert info.value.exit_code == EXIT_INCOMPLETE
        assert "\n" not in info.value.message
        assert "--answers" in info.value.message
        assert "--no-input" in info.value.message

    def test_bad_file_answers_without_a_terminal_are_input_errors(
        self, mini: LoadedQuestionnaire, tmp_path: Path
    ) -> None:
        """A bad answer in the file, with no way to ask again: exit 3, located."""
        path = tmp_path / "a.yaml"
        path.write_text(
            (ASSETS / "mini-answers.yaml").read_text().replace("turnover: 12", "turnover: 120")
        )
        with pytest.raises(InputError) as info:
            _collect(mini, answers=load_answers(path), no_input=True, frontend=_never)
        assert info.value.exit_code == EXIT_INPUT
        [finding] = info.value.findings
        assert (
            finding.line,
            finding.message,
        ) == (7, "turnover: 120 is above the maximum 100; it will be asked again")

    def test_answers_for_another_questionnaire(
        self, mini: LoadedQuestionnaire, tmp_path: Path
    ) -> None:
        """An answers file for another questionnaire is an input error."""
        path = tmp_path / "a.yaml"
        path.write_text((ASSETS / "mini-answers.yaml").read_text().replace("mini", "other"))
        with pytest.raises(InputError, match="for questionnaire 'other', not 'mini'"):
            _collect(mini, answers=load_answers(path), interactive=True, frontend=_never)

    def test_bad_file_answer_is_asked_again_with_its_location(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """At a terminal the bad answer is shown with file:line and asked again."""
        path = in_tmp / "a.yaml"
        path.write_text(
            (ASSETS / "mini-answers.yaml").read_text().replace("turnover: 12", "turnover: 120")
        )
        desk = Desk({**FULL, "turnover": 15})
        result = _collect(mini, answers=load_answers(path), interactive=True, frontend=desk)
        assert (desk.notices) == [
            "a.yaml:7:13: turnover: 120 is above the maximum 100; it will be asked again"
        ]
        assert desk.asked == ["turnover", "notes", "review"]
        assert result.answers.answers["turnover"].value == 15


class TestAsking:
    def test_answers_are_saved_under_the_service_name(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The complete answers go to ./<service-slug>-answers.yaml and load back equal."""
        lines: list[str] = []
        result = _collect(mini, interactive=True, frontend=Desk(FULL), say=lines.append)
        saved = in_tmp / "day-services-answers.yaml"
        assert (True, Path("day-services-answers.yaml")) == (result.asked, result.saved_to)
        assert lines == ["Answers saved to day-services-answers.yaml"]
        assert result.answers == load_answers(saved).answers
        expected = load_answers(ASSETS / "mini-answers.yaml").answers
        assert expected.metadata == result.answers.metadata
        assert {k: a.value for k, a in expected.answers.items()} == {
            k: a.value for k, a in result.answers.answers.items()
        }

    def test_an_existing_file_is_not_replaced_without_asking(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Saying no saves under the next free name; the old file is untouched."""
        (in_tmp / "day-services-answers.yaml").write_text("keep me")
        desk = Desk(FULL, replace=False)
        result = _collect(mini, interactive=True, frontend=desk)
        assert desk.replace_asked == [("day-services-answers.yaml", "day-services-answers-2.yaml")]
        assert Path("day-services-answers-2.yaml") == result.saved_to
        assert (in_tmp / "day-services-answers.yaml").read_text() == "keep me"

    def test_replacing_when_the_user_says_yes(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Saying yes replaces the file named by --save-answers."""
        target = in_tmp / "mine.yaml"
        target.write_text("old")
        result = _collect(
            mini, interactive=True, frontend=Desk(FULL, replace=True), save_answers=target
        )
        assert target == result.saved_to
        assert result.answers == load_answers(target).answers

    def test_command_line_metadata_is_not_asked(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Fixed metadata and answers win over the file and are never asked."""
        desk = Desk(FULL)
        result = _collect(
            mini,
            interactive=True,
            frontend=desk,
            fixed_metadata={"service": "Meals", "date": dt.date(2026, 1, 1)},
            fixed_answers={"appetite": Answer(value="some")},
        )
        assert "meta:service" not in desk.asked
        assert "appetite" not in desk.asked
        assert ("Meals", dt.date(2026, 1, 1), "some") == (
            result.answers.metadata.service,
            result.answers.metadata.date,
            result.answers.answers["appetite"].value,
        )
        assert Path("meals-answers.yaml") == result.saved_to


class TestInterrupt:
    def test_ctrl_c_saves_a_draft_and_resume_continues(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """Interrupted at `turnover`: a draft, exit 130, and the resume asks from there."""
        desk = Desk(FULL, stop_at="turnover")
        with pytest.raises(Interrupted) as info:
            _collect(mini, interactive=True, frontend=desk)
        draft = in_tmp / "day-services-answers.draft.yaml"
        assert info.value.exit_code == EXIT_INTERRUPTED
        assert info.value.message == (
            "interrupted; answers so far saved in day-services-answers.draft.yaml. To carry on: "
            "mutual-detector assess --questionnaire mini.yaml --resume day-services-answers.draft.yaml"
        )
        assert desk.closed >= 1
        loaded = load_answers(draft)
        assert loaded.answers.status == "draft"
        assert {k: a.value for k, a in loaded.answers.answers.items()} == {
            "appetite": "most",
            "unions": False,
        }
        assert draft.read_text().startswith(
            "# Draft: the assessment was interrupted.\n# To carry on: "
        )

        again = Desk(FULL)
        result = _collect(mini, answers=loaded, resume=draft, interactive=True, frontend=again)
        assert again.asked == ["turnover", "readiness", "equity", "members", "notes", "review"]
        assert Path("day-services-answers.yaml") == result.saved_to
        assert not draft.exists(), "the draft is removed once the answers are saved"

    def test_interrupt_again_while_resuming_saves_back_to_the_draft(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """A resumed assessment interrupted again updates the same draft file."""
        with pytest.raises(Interrupted):
            _collect(mini, interactive=True, frontend=Desk(FULL, stop_at="turnover"))
        draft = in_tmp / "day-services-answers.draft.yaml"
        with pytest.raises(Interrupted) as info:
            _collect(
                mini,
                answers=load_answers(draft),
                resume=draft,
                interactive=True,
                frontend=Desk(FULL, stop_at="equity"),
                argv=[*ARGV, "--resume", str(draft)],
            )
        assert info.value.message.endswith(
            "To carry on: mutual-detector assess --questionnaire mini.yaml "
            "--resume day-services-answers.draft.yaml"
        )
        assert {"appetite", "unions", "turnover", "readiness"} == set(
            load_answers(draft).answers.answers
        )

    def test_sigterm_is_handled_like_ctrl_c(self, mini: LoadedQuestionnaire, in_tmp: Path) -> None:
        """A real SIGTERM to this process while asking saves the draft (exit 130)."""

        def terminate() -> None:
            os.kill(os.getpid(), signal.SIGTERM)

        def unhandled(signum: int, frame: object) -> None:
            raise AssertionError("SIGTERM reached the old handler")

        before = signal.signal(signal.SIGTERM, unhandled)  # not die if ours is missing
        try:
            with pytest.raises(Interrupted):
                _collect(
                    mini, interactive=True, frontend=Desk(FULL, stop_at="readiness", stop=terminate)
                )
            assert signal.getsignal(signal.SIGTERM) is unhandled, "the handler is put back"
        finally:
            signal.signal(signal.SIGTERM, before)
        assert {"appetite", "unions", "turnover"} == set(
            load_answers(in_tmp / "day-services-answers.draft.yaml").answers.answers
        )

    def test_a_crash_saves_a_draft_and_propagates(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """An unexpected error still saves the answers so far, then is raised."""

        def crash() -> None:
            raise RuntimeError("boom")

        lines: list[str] = []
        with pytest.raises(RuntimeError, match="boom"):
            _collect(
                mini,
                interactive=True,
                frontend=Desk(FULL, stop_at="equity", stop=crash),
                say=lines.append,
            )
        assert lines == [
            "mutual-detector: internal error; stopped; answers so far saved in "
            "day-services-answers.draft.yaml. To carry on: mutual-detector assess "
            "--questionnaire mini.yaml --resume day-services-answers.draft.yaml"
        ]
        assert (in_tmp / "day-services-answers.draft.yaml").exists()

    def test_end_of_input_is_incomplete(self, mini: LoadedQuestionnaire, in_tmp: Path) -> None:
        """EOF at a prompt: the draft is saved and the exit code is 5."""

        def eof() -> None:
            raise EOFError

        with pytest.raises(IncompleteError, match=r"^input ended; answers so far saved"):
            _collect(mini, interactive=True, frontend=Desk(FULL, stop_at="equity", stop=eof))

    def test_nothing_answered_nothing_saved(self, mini: LoadedQuestionnaire, in_tmp: Path) -> None:
        """Ctrl-C at the very first question leaves no file behind."""
        with pytest.raises(Interrupted, match="before anything was answered; nothing was saved"):
            _collect(mini, interactive=True, frontend=Desk(FULL, stop_at="meta:service"))
        assert list(in_tmp.iterdir()) == []

    def test_a_draft_never_replaces_complete_answers(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """If the draft's name is taken by something else, the draft gets a new name."""
        (in_tmp / "day-services-answers.draft.yaml").write_text("precious")
        with pytest.raises(Interrupted, match=r"saved in day-services-answers-2\.draft\.yaml"):
            _collect(mini, interactive=True, frontend=Desk(FULL, stop_at="turnover"))
        assert (in_tmp / "day-services-answers.draft.yaml").read_text() == "precious"


class TestResumeCommand:
    @pytest.mark.parametrize(
        ("argv", "expected"),
        [
            (["assess"], "mutual-detector assess --resume d.yaml"),
            (
                ["assess", "--answers", "a.yaml", "--questionnaire", "q x.yaml"],
                "mutual-detector assess --questionnaire 'q x.yaml' --resume d.yaml",
            ),
            (
                ["assess", "--resume=old.yaml", "--no-color"],
                "mutual-detector assess --no-color --resume d.yaml",
            ),
            ([], "mutual-detector assess --resume d.yaml"),
        ],
    )
    def test_resume_command(self, argv: list[str], expected: str) -> None:
        """The command repeats the options but the answers file, and adds --resume."""
        assert expected == resume_command(argv, "d.yaml")


class TestFreshAssessment:
    """No answers file and a loader: the first question is asked while the questionnaire loads."""

    def test_first_question_while_loading(self, mini: LoadedQuestionnaire, in_tmp: Path) -> None:
        """The service is asked by the first prompt, the rest by the frontend."""
        desk = Desk(FULL)
        first: list[str] = []

        def first_prompt(prompt: MetaPrompt) -> Any:
            first.append(prompt.key)
            assert not prompt.can_go_back
            return "Day services"

        result = _collect(lambda: mini, interactive=True, frontend=desk, first_prompt=first_prompt)
        assert first == ["meta:service"]
        assert desk.asked[:2] == ["meta:organisation", "meta:assessor"]
        assert result.questionnaire is mini
        assert result.answers.metadata.service == "Day services"
        assert result.saved_to == Path("day-services-answers.yaml")

    def test_back_from_the_second_question_reaches_the_first(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The service typed in the plain prompt can be changed by going back."""
        replies = iter([BACK, "Meals on wheels"])

        def ask(prompt: MetaPrompt | QuestionPrompt) -> Any:
            if prompt.key == "meta:organisation" and not seen:
                seen.append(prompt.key)
                return next(replies)
            if prompt.key == "meta:service":
                assert isinstance(prompt, MetaPrompt)
                assert prompt.default == "Day services"
                return next(replies)
            return FULL[prompt.key]

        seen: list[str] = []
        desk = Desk(FULL)
        desk.ask = ask  # type: ignore[method-assign]
        result = _collect(
            lambda: mini, interactive=True, frontend=desk, first_prompt=lambda p: "Day services"
        )
        assert result.answers.metadata.service == "Meals on wheels"

    def test_a_broken_questionnaire_is_reported_after_the_first_answer(self, in_tmp: Path) -> None:
        """A load error surfaces as itself (exit 3), not as a crash; nothing is saved."""

        def broken() -> LoadedQuestionnaire:
            raise InputError("q.yaml:3:1: error: bad")

        with pytest.raises(InputError, match="bad"):
            _collect(broken, interactive=True, frontend=_never, first_prompt=lambda p: "Day")
        assert list(in_tmp.iterdir()) == []

    def test_ctrl_c_at_the_first_prompt(self, mini: LoadedQuestionnaire, in_tmp: Path) -> None:
        """Nothing typed: nothing saved, exit 130."""

        def interrupt(prompt: MetaPrompt) -> Any:
            raise KeyboardInterrupt

        with pytest.raises(Interrupted, match="nothing was saved"):
            _collect(lambda: mini, interactive=True, frontend=_never, first_prompt=interrupt)
        assert list(in_tmp.iterdir()) == []

    def test_ctrl_c_after_the_first_answer_keeps_it(
        self, mini: LoadedQuestionnaire, in_tmp: Path
    ) -> None:
        """The service typed in the plain prompt is in the draft."""
        with pytest.raises(Interrupted, match=r"day-services-answers\.draft\.yaml"):
            _collect(
                lambda: mini,
                interactive=True,
                frontend=Desk(FULL, stop_at="meta:organisation"),
                first_prompt=lambda p: "Day services",
            )
        draft = load_answers(in_tmp / "day-services-answers.draft.yaml").answers
        assert (draft.status, draft.metadata.service, draft.answers) == (
            "draft",
            "Day services",
            {},
        )

    def test_a_loader_is_called_at_once_when_answers_are_given(
        self, mini: LoadedQuestionnaire
    ) -> None:
        """With an answers file there is no first prompt; the loader just runs."""
        loaded = load_answers(ASSETS / "mini-answers.yaml")
        result = _collect(lambda: mini, answers=loaded, interactive=True, frontend=_never)
        assert (result.answers, result.questionnaire) == (loaded.answers, mini)


class TestImports:
    def test_collect_is_cheap_to_import(self) -> None:
        """The CLI can import the collecting module without pydantic, yaml or questionary."""
        code = (
            "import sys, mutual_detector.interactive.collect\n"
            "heavy = {'pydantic', 'yaml', 'questionary', 'prompt_toolkit'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    def test_dont_know_constant_matches_the_model(self) -> None:
        """steps.DONT_KNOW (kept free of pydantic) is the model's DONT_KNOW."""
        from mutual_detector.interactive import steps
        from mutual_detector.model import answers

        assert steps.DONT_KNOW == answers.DONT_KNOW


def test_a_complete_draft_resumes_at_the_review(mini: LoadedQuestionnaire, in_tmp: Path) -> None:
    """Interrupted at the review: --resume shows the review again, then saves."""
    answers = load_answers(ASSETS / "mini-answers.yaml").answers.model_copy(
        update={"status": "draft"}
    )
    draft = in_tmp / "x.draft.yaml"
    draft.write_text(dump_answers(answers))
    desk = Desk({"notes": SKIP})
    result = _collect(
        mini, answers=load_answers(draft), resume=draft, interactive=True, frontend=desk
    )
    assert desk.asked == ["notes", "review"]
    assert result.answers.status == "complete"
    assert not draft.exists()

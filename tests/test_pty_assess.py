"""``mutual-detector assess`` at a desk: driven through a real pseudo-terminal with pexpect.

A new user's keystrokes (arrow keys, Enter, Space, typing) answer the small
test questionnaire; the saved answers file must equal the same answers given
with ``--answers``. Interrupting with SIGTERM, SIGINT or Ctrl-C saves a draft
that ``--resume`` continues. Every wait is on text the program prints (no
sleeps), with generous timeouts for slow machines.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from mutual_detector.loading import load_answers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

ASSETS = Path(__file__).parent / "assets"
MINI = ASSETS / "mini.yaml"
TIMEOUT = 60  # seconds per expected prompt: generous, for slow CI machines
CLI = [sys.executable, "-m", "mutual_detector"]


class Key(enum.StrEnum):
    """Keystrokes as a VT100 terminal sends them."""

    UP = "\x1b[A"
    DOWN = "\x1b[B"
    ENTER = "\r"
    SPACE = " "
    CTRL_C = "\x03"
    CTRL_U = "\x15"


def _without_terminal(
    args: list[str], tmp_path: Path, *, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a plain subprocess: no terminal on stdin, output captured."""
    return subprocess.run(
        args,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(tmp_path),
        timeout=TIMEOUT,
        check=check,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "TERM": "xterm",
            "NO_COLOR": "1",
            "PROMPT_TOOLKIT_NO_CPR": "1",  # no terminal here answers cursor-position requests
            "HOME": str(tmp_path),
            "COLUMNS": "120",
            "LINES": "40",
            "SOURCE_DATE_EPOCH": "1700000000",  # the result's timestamp
        }
    )
    return env


class Desk:
    """One ``mutual-detector assess`` in a pseudo-terminal."""

    def __init__(self, child: Any, log: io.StringIO) -> None:
        self.child = child
        self.log = log

    def expect(self, text: str) -> None:
        """Wait for ``text`` on the screen (fails with the screen so far on timeout)."""
        try:
            self.child.expect_exact(text)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail(
                f"did not see {text!r}; the terminal showed:\n{self.log.getvalue()[-3000:]}"
            )

    def answer(self, prompt: str, *keys: str) -> None:
        """Wait for the prompt, then press the keys."""
        self.expect(prompt)
        for key in keys:
            self.child.send(key)

    def type(self, prompt: str, text: str) -> None:
        self.answer(prompt, text, Key.ENTER)

    def finish(self) -> int:
        """Wait for the end; return the exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        status: int = self.child.exitstatus
        if status is None:  # killed by a signal
            status = 128 + self.child.signalstatus
        return status

    @property
    def screen(self) -> str:
        return self.log.getvalue()


Spawn = Callable[..., Desk]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Start ``assess --questionnaire mini.yaml ARGS`` in a pty, in ``tmp_path``."""
    desks: list[Desk] = []

    def start(*args: str) -> Desk:
        log = io.StringIO()
        child = pexpect.spawn(
            CLI[0],
            [*CLI[1:], "assess", "--questionnaire", str(MINI), *args],
            cwd=str(tmp_path),
            env=_env(tmp_path),
            dimensions=(40, 120),
            encoding="utf-8",
            codec_errors="replace",
            timeout=TIMEOUT,
        )
        child.logfile_read = log
        child.delaybeforesend = None  # we wait for each prompt instead of sleeping
        desk = Desk(child, log)
        desks.append(desk)
        return desk

    yield start
    for desk in desks:
        if desk.child.isalive():
            desk.child.terminate(force=True)


def answer_metadata(desk: Desk) -> None:
    desk.type("Which service are you assessing?", "Day services")
    desk.type("Which organisation runs it now?", "Anytown")
    desk.type("Your name, as the person making this assessment:", "J. Smith")


def answer_up_to_turnover(desk: Desk) -> None:
    desk.answer("How many staff want this?", Key.ENTER)  # Most: the first choice
    desk.answer("Are the unions engaged?", Key.DOWN, Key.ENTER)  # No
    desk.type("Annual staff turnover?", "12")


def answer_the_rest(desk: Desk) -> None:
    desk.answer("How ready are the finances?", Key.DOWN, Key.DOWN, Key.DOWN, Key.ENTER)  # 4
    desk.answer("Do you need outside equity?", Key.DOWN, Key.ENTER)  # No
    desk.answer(  # Staff and Community
        "Who should be members?", Key.SPACE, Key.DOWN, Key.DOWN, Key.SPACE, Key.ENTER
    )
    desk.answer("Anything else?", Key.ENTER)  # optional: skipped


def set_date_and_confirm(desk: Desk, date: str = "2026-11-25") -> None:
    """At the review: change the date (it defaults to today) to a fixed one, then confirm."""
    desk.answer("Are these answers right?", Key.DOWN, Key.ENTER)  # Change an answer
    desk.answer("Which answer do you want to change?", *"Date", Key.ENTER)  # type to filter
    desk.answer("Date of the assessment (YYYY-MM-DD):", Key.CTRL_U, date, Key.ENTER)
    desk.answer("Are these answers right?", Key.ENTER)  # Yes


def expected_answers() -> dict[str, Any]:
    """The mini answers file, without the note and evidence that cannot be typed."""
    loaded = load_answers(ASSETS / "mini-answers.yaml").answers
    return {
        "metadata": loaded.metadata.model_dump(mode="json"),
        "answers": {k: a.value for k, a in loaded.answers.items()},
    }


def saved(path: Path) -> dict[str, Any]:
    loaded = load_answers(path).answers
    assert loaded.status == "complete"
    return {
        "metadata": loaded.metadata.model_dump(mode="json"),
        "answers": {k: a.value for k, a in loaded.answers.items()},
    }


def test_a_whole_assessment_with_arrow_keys(spawn: Spawn, tmp_path: Path) -> None:
    """Answered from the keyboard: the saved answers and the JSON result are those of --answers."""
    desk = spawn("--format", "json", "--output", "result.json")
    answer_metadata(desk)
    answer_up_to_turnover(desk)
    answer_the_rest(desk)
    set_date_and_confirm(desk)
    desk.expect("Answers saved to day-services-answers.yaml")
    assert desk.finish() == 0
    assert saved(tmp_path / "day-services-answers.yaml") == expected_answers()
    # The count as it stands, and why it moves (#17): `unions` applies once appetite is "most".
    assert "Suitability · 1 of about 6" in desk.screen
    assert "6 questions so far: the count changes as your answers open or close" in desk.screen
    assert "Suitability · 2 of 7" in desk.screen
    assert "Now 7 questions, 1 more than before" in desk.screen
    assert "Why this matters: Staff drive a mutual." in desk.screen

    # The same answers given with --answers (the note on `unions` cannot be typed).
    same = tmp_path / "same.yaml"
    text = (ASSETS / "mini-answers.yaml").read_text()
    same.write_text(text.replace("{value: false, note: Not yet, evidence: minutes}", "false"))
    proc = _without_terminal(
        [*CLI, "assess", "--questionnaire", str(MINI), "--answers", str(same), "--format", "json"],
        tmp_path,
        check=True,
    )
    assert (tmp_path / "result.json").read_text() == proc.stdout


def test_going_back_and_changing_answers(spawn: Spawn, tmp_path: Path) -> None:
    """'<' typed in a text prompt and the ← Back choice both go back; changes stick."""
    desk = spawn()
    answer_metadata(desk)
    desk.answer("How many staff want this?", Key.ENTER)
    desk.answer("Are the unions engaged?", Key.DOWN, Key.ENTER)  # No ...
    desk.type("Annual staff turnover?", "<")  # ... back
    desk.answer("Are the unions engaged?", Key.UP, Key.ENTER)  # ... Yes instead
    desk.type("Annual staff turnover?", "12")
    # ← Back is the last choice: 5 scale points, Don't know, ← Back.
    desk.answer("How ready are the finances?", *[Key.DOWN] * 6, Key.ENTER)
    desk.answer("Annual staff turnover?", Key.CTRL_U, "15", Key.ENTER)
    answer_the_rest(desk)
    set_date_and_confirm(desk)
    assert desk.finish() == 0
    expected = expected_answers()
    expected["answers"].update({"unions": True, "turnover": 15})
    assert saved(tmp_path / "day-services-answers.yaml") == expected


def test_an_invalid_number_is_refused_with_a_message(spawn: Spawn, tmp_path: Path) -> None:
    """The validate callback shows the model's message and keeps the prompt."""
    desk = spawn()
    answer_metadata(desk)
    desk.answer("How many staff want this?", Key.ENTER)
    desk.answer("Are the unions engaged?", Key.DOWN, Key.ENTER)
    desk.type("Annual staff turnover?", "120")
    desk.expect("120 is above the maximum 100.")
    desk.child.send(Key.CTRL_U + "12" + Key.ENTER)
    answer_the_rest(desk)
    set_date_and_confirm(desk)
    assert desk.finish() == 0
    assert saved(tmp_path / "day-services-answers.yaml") == expected_answers()


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda d: d.child.kill(signal.SIGTERM), id="SIGTERM"),
        pytest.param(lambda d: d.child.kill(signal.SIGINT), id="SIGINT"),
        pytest.param(lambda d: d.child.send(Key.CTRL_C), id="ctrl-c"),
    ],
)
def test_interrupt_then_resume(spawn: Spawn, tmp_path: Path, stop: Callable[[Desk], None]) -> None:
    """Stopped at a question: a draft, exit 130, the exact resume command; --resume finishes."""
    desk = spawn()
    answer_metadata(desk)
    answer_up_to_turnover(desk)
    desk.expect("How ready are the finances?")
    stop(desk)
    draft = tmp_path / "day-services-answers.draft.yaml"
    command = (
        f"mutual-detector assess --questionnaire {MINI} --resume day-services-answers.draft.yaml"
    )
    desk.expect(command)
    assert desk.finish() == 130
    loaded = load_answers(draft).answers
    assert loaded.status == "draft"
    assert {k: a.value for k, a in loaded.answers.items()} == {
        "appetite": "most",
        "unions": False,
        "turnover": 12,
    }

    again = spawn("--resume", "day-services-answers.draft.yaml")
    answer_the_rest(again)  # starts at the first unanswered question
    set_date_and_confirm(again)
    again.expect("Answers saved to day-services-answers.yaml")
    assert again.finish() == 0
    assert "Which service are you assessing?" not in again.screen
    assert saved(tmp_path / "day-services-answers.yaml") == expected_answers()
    assert not draft.exists()


def test_ctrl_c_at_the_first_question_saves_nothing(spawn: Spawn, tmp_path: Path) -> None:
    """Interrupted before any answer: nothing is written, exit 130."""
    desk = spawn()
    desk.expect("Which service are you assessing?")
    desk.child.kill(signal.SIGINT)
    desk.expect("nothing was saved")
    assert desk.finish() == 130
    assert list(tmp_path.iterdir()) == []


def test_answers_file_prefills(spawn: Spawn, tmp_path: Path) -> None:
    """--answers with two answers missing asks only those two (and the optional one)."""
    partial = tmp_path / "partial.yaml"
    partial.write_text(
        (ASSETS / "mini-answers.yaml")
        .read_text()
        .replace("  readiness: 4\n", "")
        .replace("  members: [staff, community]\n", "")
    )
    desk = spawn("--answers", "partial.yaml")
    desk.answer("How ready are the finances?", Key.DOWN, Key.DOWN, Key.DOWN, Key.ENTER)
    desk.answer("Who should be members?", Key.SPACE, Key.DOWN, Key.DOWN, Key.SPACE, Key.ENTER)
    desk.answer("Anything else?", Key.ENTER)
    desk.answer("Are these answers right?", Key.ENTER)
    assert desk.finish() == 0
    assert "Which service are you assessing?" not in desk.screen
    assert "Suitability · 1 of 7" not in desk.screen  # appetite came from the file
    assert "Suitability · 4 of 7" in desk.screen  # readiness was asked
    result = load_answers(tmp_path / "day-services-answers.yaml").answers
    assert result.answers == load_answers(ASSETS / "mini-answers.yaml").answers.answers


def test_no_terminal_fails_at_once(tmp_path: Path) -> None:
    """stdin not a terminal and answers missing: one line, exit 5, no hang."""
    proc = _without_terminal([*CLI, "assess", "--questionnaire", str(MINI)], tmp_path)
    assert proc.returncode == 5
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--answers" in lines[0]
    assert "--no-input" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_no_input_lists_missing_questions(tmp_path: Path) -> None:
    """--no-input with a partial answers file: exit 5 naming the missing questions."""
    partial = tmp_path / "partial.yaml"
    partial.write_text((ASSETS / "mini-answers.yaml").read_text().replace("  readiness: 4\n", ""))
    proc = _without_terminal(
        [*CLI, "assess", "--questionnaire", str(MINI), "--answers", str(partial), "--no-input"],
        tmp_path,
    )
    assert proc.returncode == 5
    assert "1 required question(s) not answered: readiness." in proc.stderr


def add_note(desk: Desk, question: str, note: str, evidence: str) -> None:
    """At the review: add or edit the note of the answer found by typing ``question``."""
    desk.answer("Are these answers right?", Key.DOWN, Key.DOWN, Key.ENTER)  # the third action
    desk.answer("Which answer is the note for?", *question, Key.ENTER)  # type to filter
    desk.answer("Your note on this answer:", *note, Key.ENTER)
    desk.answer("Evidence for this answer:", *evidence, Key.ENTER)


def test_a_note_added_at_the_review(spawn: Spawn, tmp_path: Path) -> None:
    """A note and evidence typed at the review: marked, saved, and in the Markdown report."""
    desk = spawn("--format", "markdown", "--output", "report.md")
    answer_metadata(desk)
    answer_up_to_turnover(desk)
    answer_the_rest(desk)
    add_note(desk, "unions", "Not yet; a meeting in June", "Staff survey 2025, appendix B")
    desk.expect("No ✎")  # the review again, with the answer marked
    desk.expect("✎ = has a note or evidence")
    set_date_and_confirm(desk)
    desk.expect("Answers saved to day-services-answers.yaml")
    assert desk.finish() == 0
    path = tmp_path / "day-services-answers.yaml"
    assert saved(path) == expected_answers()
    unions = load_answers(path).answers.answers["unions"]
    assert (unions.value, unions.note, unions.evidence) == (
        False,
        "Not yet; a meeting in June",
        "Staff survey 2025, appendix B",
    )
    report = (tmp_path / "report.md").read_text()
    assert "- Assessor's note: Not yet; a meeting in June\n" in report
    assert "- Evidence: Staff survey 2025, appendix B\n" in report


def test_a_note_from_the_file_edited_then_interrupted(spawn: Spawn, tmp_path: Path) -> None:
    """The file's note is pre-filled; the edit (and the cleared evidence) survive Ctrl-C."""
    partial = tmp_path / "partial.yaml"
    partial.write_text((ASSETS / "mini-answers.yaml").read_text().replace("  readiness: 4\n", ""))
    desk = spawn("--answers", "partial.yaml")
    desk.answer("How ready are the finances?", Key.DOWN, Key.DOWN, Key.DOWN, Key.ENTER)
    desk.answer("Anything else?", Key.ENTER)
    desk.expect("No ✎")
    # Typing after the pre-filled note adds to it; Ctrl-U empties the evidence.
    add_note(desk, "unions", " - meeting in June", Key.CTRL_U)
    desk.answer("Are these answers right?", Key.CTRL_C)
    desk.expect("To carry on:")
    assert desk.finish() == 130
    draft = tmp_path / "day-services-answers.draft.yaml"
    unions = load_answers(draft).answers.answers["unions"]
    assert (unions.value, unions.note, unions.evidence) == (
        False,
        "Not yet - meeting in June",
        None,
    )

    again = spawn("--resume", "day-services-answers.draft.yaml")
    again.answer("Anything else?", Key.ENTER)
    again.expect("No ✎")
    again.answer("Are these answers right?", Key.ENTER)
    again.expect("Answers saved to day-services-answers.yaml")
    assert again.finish() == 0
    final = load_answers(tmp_path / "day-services-answers.yaml").answers.answers["unions"]
    assert final == unions
    assert not draft.exists()


def test_review_an_answers_file_and_add_notes(spawn: Spawn, tmp_path: Path) -> None:
    """--review with a complete file: straight to the review; notes on the whole assessment
    typed there are saved with the answers and printed in the Markdown report."""
    source = tmp_path / "answers.yaml"
    source.write_text((ASSETS / "mini-answers.yaml").read_text())
    before = source.read_bytes()
    desk = spawn("--answers", "answers.yaml", "--review", "--format", "markdown", "-o", "r.md")
    desk.expect("No ✎")  # the file's answers, with the note it has
    desk.answer("Are these answers right?", Key.DOWN, Key.DOWN, Key.ENTER)  # a note
    desk.answer("Which answer is the note for?", *"whole", Key.ENTER)  # type to filter
    desk.type("Your notes on the whole assessment:", "Board decides in March")
    desk.expect("Board decides in March")  # the review again, with the notes
    desk.answer("Are these answers right?", Key.ENTER)  # Yes
    desk.expect("Answers saved to day-services-answers.yaml")
    assert desk.finish() == 0
    assert "Which service are you assessing?" not in desk.screen
    assert " of 7" not in desk.screen  # no question asked: "Anything else?" waits in the review
    reviewed = load_answers(tmp_path / "day-services-answers.yaml").answers
    assert reviewed.metadata.notes == "Board decides in March"
    assert reviewed.answers == load_answers(ASSETS / "mini-answers.yaml").answers.answers
    assert "**Assessor's notes:** Board decides in March\n" in (tmp_path / "r.md").read_text()
    assert source.read_bytes() == before


def test_review_confirmed_unchanged_leaves_the_file(spawn: Spawn, tmp_path: Path) -> None:
    """Confirmed without a change: told so, nothing written, the result that of --answers."""
    source = tmp_path / "answers.yaml"
    source.write_text((ASSETS / "mini-answers.yaml").read_text())
    before = source.read_bytes()
    desk = spawn("--answers", "answers.yaml", "--review", "--format", "json", "-o", "r.json")
    desk.answer("Are these answers right?", Key.ENTER)
    desk.expect("No changes, so answers.yaml was left as it was.")
    assert desk.finish() == 0
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml", "r.json"]
    plain = _without_terminal(
        [*CLI, "assess", "--questionnaire", str(MINI), "-a", "answers.yaml", "--format", "json"],
        tmp_path,
        check=True,
    )
    assert (tmp_path / "r.json").read_text() == plain.stdout


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")


@pytest.mark.parametrize("columns", [80, 100])
def test_the_review_wraps_between_words(tmp_path: Path, columns: int) -> None:
    """The review of a real answers file at 80 and 100 columns: every line fits, and each
    question and answer is broken between words only (#17: a terminal wrapping a long
    line cut answers mid-word, and questions were cut short with "…")."""
    from mutual_detector.interactive.session import Session
    from mutual_detector.interactive.steps import ReviewPrompt
    from mutual_detector.loading import get_questionnaire

    example = Path(__file__).resolve().parents[1] / "examples" / "charitable-leisure-trust.yaml"
    env = {**_env(tmp_path), "COLUMNS": str(columns)}
    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], "assess", "--answers", str(example), "--review", "-o", "result.txt"],
        cwd=str(tmp_path),
        env=env,
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    log = io.StringIO()
    child.logfile_read = log
    child.expect_exact("Are these answers right?")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    screen = ANSI.sub("", log.getvalue())
    review = screen[screen.index("Your answers") : screen.index("Are these answers right?")]
    lines = review.splitlines()
    assert max(len(line) for line in lines) <= columns, review
    assert "…" not in review

    loaded = load_answers(example)
    q = get_questionnaire(answers=loaded).questionnaire
    session = Session(
        q,
        answers=loaded.answers.answers,
        metadata=loaded.answers.metadata,
        today=loaded.answers.metadata.date or dt.date(2026, 1, 1),
    )
    session.skip_to_review()
    step = session.step()
    assert isinstance(step, ReviewPrompt)
    shown = set(review.split())
    for row in step.rows:
        for word in [*row.label.split(), *row.shown.split()]:
            assert word in shown, f"{word!r} of row {row.number} was cut"

"""A draft with answers is never replaced by a new assessment of the same service (#16, #17).

Through a real pseudo-terminal, as a user meets it: a draft with answers is
waiting as ``day-services-answers.draft.yaml``; a new ``assess`` of "Day
services" offers to carry on from it. Starting again keeps it, and an
interrupted new session goes to ``day-services-answers-2.draft.yaml``, which
the message names. Carrying on finishes the draft and removes it. Also: an
existing ``--save-answers`` file is replaced only if the user says so.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from mutual_detector.loading import load_answers
from test_pty_assess import (
    Key,
    Spawn,
    answer_the_rest,
    expected_answers,
    saved,
    set_date_and_confirm,
    spawn,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.slow

DRAFT = """\
# Draft: the assessment was interrupted.
format: mutual-detector/answers@1
questionnaire: mini
status: draft
metadata: {service: Day services, organisation: Anytown, assessor: J. Smith}
answers:
  appetite: most
  unions: false
  turnover: 12
"""
OFFER = "An earlier draft for this service is saved in day-services-answers.draft.yaml (3 answers)."


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "day-services-answers.draft.yaml"
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_start_again_keeps_the_draft(spawn: Spawn, tmp_path: Path, draft: Path) -> None:  # noqa: F811
    desk = spawn()
    desk.type("Which service are you assessing?", "Day services")
    desk.answer(OFFER, Key.DOWN, Key.ENTER)  # No: start again
    desk.expect("Starting again. day-services-answers.draft.yaml is kept; if you stop, this")
    desk.type("Which organisation runs it now?", "Elsewhere")
    desk.type("Your name, as the person making this assessment:", "A. N. Other")
    desk.expect("How many staff want this?")
    desk.child.kill(signal.SIGINT)
    desk.expect(
        "answers so far saved in day-services-answers-2.draft.yaml (the earlier draft "
        "day-services-answers.draft.yaml (3 answers) was kept)"
    )
    desk.expect("--resume day-services-answers-2.draft.yaml")
    assert desk.finish() == 130
    assert draft.read_text(encoding="utf-8") == DRAFT
    second = load_answers(tmp_path / "day-services-answers-2.draft.yaml").answers
    assert second.status == "draft"
    assert second.metadata.organisation == "Elsewhere"


def test_interrupted_at_the_offer_keeps_the_draft(
    spawn: Spawn,  # noqa: F811
    tmp_path: Path,
    draft: Path,
) -> None:
    desk = spawn()
    desk.type("Which service are you assessing?", "Day services")
    desk.expect(OFFER)
    desk.child.send(Key.CTRL_C)
    desk.expect("To carry on:")
    assert desk.finish() == 130
    assert draft.read_text(encoding="utf-8") == DRAFT


def test_carry_on_from_the_draft(spawn: Spawn, tmp_path: Path, draft: Path) -> None:  # noqa: F811
    desk = spawn("--format", "json", "--output", "result.json")
    desk.type("Which service are you assessing?", "Day services")
    desk.answer(OFFER, Key.ENTER)  # Yes: carry on
    desk.expect("Carrying on from day-services-answers.draft.yaml.")
    answer_the_rest(desk)  # the draft's three answers are not asked again
    set_date_and_confirm(desk)
    desk.expect("Answers saved to day-services-answers.yaml")
    desk.expect("Removed the draft day-services-answers.draft.yaml")
    assert desk.finish() == 0
    assert "Suitability · 1 of" not in desk.screen  # the first question was not asked
    assert saved(tmp_path / "day-services-answers.yaml") == expected_answers()
    assert not draft.exists()
    assert (tmp_path / "result.json").exists()


def test_another_service_is_not_offered(spawn: Spawn, tmp_path: Path, draft: Path) -> None:  # noqa: F811
    desk = spawn()
    desk.type("Which service are you assessing?", "Meals on wheels")
    desk.type("Which organisation runs it now?", "Anytown")
    desk.expect("Your name, as the person making this assessment:")
    assert "earlier draft" not in desk.screen
    desk.child.kill(signal.SIGTERM)
    desk.expect("meals-on-wheels-answers.draft.yaml")
    assert desk.finish() == 130
    assert draft.read_text(encoding="utf-8") == DRAFT


@pytest.mark.parametrize(("reply", "kept"), [("y", False), ("", True)], ids=["yes", "enter-no"])
def test_save_answers_asks_at_a_terminal(
    spawn: Spawn,  # noqa: F811
    tmp_path: Path,
    reply: str,
    kept: bool,
) -> None:
    """Nothing to ask, --save-answers names an existing file: asked, and no means a new name."""
    (tmp_path / "a.yaml").write_text(
        (Path(__file__).parent / "assets" / "mini-answers.yaml").read_text(encoding="utf-8")
    )
    (tmp_path / "keep.yaml").write_text("precious: true\n", encoding="utf-8")
    desk = spawn("-a", "a.yaml", "-f", "json", "-o", "r.json", "--save-answers", "keep.yaml")
    desk.type("keep.yaml already exists. Replace it? (y/N; no saves as keep-2.yaml)", reply)
    desk.expect("Answers saved to " + ("keep-2.yaml" if kept else "keep.yaml"))
    assert desk.finish() == 0
    precious = (tmp_path / "keep.yaml").read_text(encoding="utf-8") == "precious: true\n"
    assert precious is kept
    assert (tmp_path / "keep-2.yaml").exists() is kept

"""``mutual-detector compare A B``: what changed between two assessments of one service."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.compare import Comparison, compare
from mutual_detector.engine import assess
from mutual_detector.loading import get_questionnaire, load_answers
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.questionnaire import Questionnaire

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")
BEFORE = ASSETS / "mini-answers.yaml"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

AFTER = """\
format: mutual-detector/answers@1
questionnaire: mini
metadata: {service: Day services}
answers:
  appetite: few
  turnover: 30
  readiness: 5
  equity: false
  members: [staff, community]
"""


@pytest.fixture
def after(tmp_path: Path) -> Path:
    path = tmp_path / "after.yaml"
    path.write_text(AFTER, encoding="utf-8")
    return path


def _result(path: Path):  # type: ignore[no-untyped-def]
    q = get_questionnaire(MINI).questionnaire
    return assess(q, load_answers(path).answers, whatif=False)


def _compare(before: AnswersFile, after: AnswersFile, q: Questionnaire) -> Comparison:
    return compare(
        assess(q, before, whatif=False),
        assess(q, after, whatif=False),
        q,
        before_answers=before,
        after_answers=after,
    )


def _cents(x: float) -> int:
    return round(x * 100)


def _adds_up(c: Comparison) -> None:
    """The rows (each change's own effect, and the remainder) add up exactly to the change."""
    assert c.score_delta is not None
    assert c.remainder is not None
    total = sum(_cents(ch.effect) for ch in c.changes if ch.effect is not None)
    assert total + _cents(c.remainder) == _cents(c.score_delta)


def _alone(q: Questionnaire, before: AnswersFile, after: AnswersFile, qid: str) -> float:
    """What ``qid``'s change does on its own, worked out here independently."""
    answers = dict(before.answers)
    if qid in after.answers:
        answers[qid] = after.answers[qid]
    else:
        del answers[qid]
    alone = before.model_copy(update={"answers": answers})
    p0 = assess(q, before, whatif=False).verdict.score.point
    p1 = assess(q, alone, whatif=False).verdict.score.point
    assert p0 is not None
    assert p1 is not None
    return round(p1 - p0, 2)


class TestComparison:
    def test_changes_sections_and_verdict(self, after: Path) -> None:
        q = get_questionnaire(MINI).questionnaire
        c = _compare(load_answers(BEFORE).answers, load_answers(after).answers, q)
        assert (c.before.band, c.after.band, c.move) == ("promising", "weak", "worse")
        assert [(ch.question, ch.before, ch.after, ch.effect) for ch in c.changes] == [
            ("appetite", "Most", "Few", -44.45),
            ("unions", "No", "not asked", 11.11),
            ("turnover", "12%", "30%", -8.34),
            ("readiness", "4 on a scale of 1 to 5", "5 on a scale of 1 to 5 (Fully)", 4.16),
        ]
        assert c.score_delta == -48.61
        assert c.remainder == -11.09
        _adds_up(c)
        assert [(s.id, s.delta) for s in c.sections] == [("staff", -66.67), ("money", -12.5)]
        assert [(f.id, f.change, f.because) for f in c.flags] == [
            ("no_appetite", "raised", ("appetite",)),
            ("high_turnover", "raised", ("turnover",)),
        ]

    def test_same_answers_change_nothing(self) -> None:
        q = get_questionnaire(MINI).questionnaire
        a = load_answers(BEFORE).answers
        c = _compare(a, a, q)
        assert (c.move, c.changes, c.flags, c.score_delta, c.remainder) == (
            "same",
            (),
            (),
            0.0,
            0.0,
        )

    def test_each_change_shows_its_own_effect(self) -> None:
        """Issue 17: with many changes, a 3 -> 4 answer shows what it does alone (here > 0),
        not a share of everything else, and the rows add up exactly."""
        q = get_questionnaire("mutual-detector").questionnaire
        before = load_answers(EXAMPLES / "inconclusive-early-idea.yaml").answers
        target = load_answers(EXAMPLES / "strong-community-health.yaml").answers
        assert before.answers["su_problem_clear"].value == 3
        answers = dict(target.answers)
        answers["su_problem_clear"] = answers["su_problem_clear"].model_copy(update={"value": 4})
        after = before.model_copy(update={"answers": answers})
        c = _compare(before, after, q)
        assert len(c.changes) > 20
        row = next(ch for ch in c.changes if ch.question == "su_problem_clear")
        assert (row.before, row.after) == (
            "3 on a scale of 1 to 5 (Broadly clear)",
            "4 on a scale of 1 to 5",
        )
        assert row.effect is not None
        assert row.effect > 0
        for ch in c.changes:
            assert ch.effect == _alone(q, before, after, ch.question), ch.question
        _adds_up(c)
        effects = [abs(ch.effect or 0) for ch in c.changes]
        assert effects == sorted(effects, reverse=True)

    def test_the_verdict_moves_with_its_range(self) -> None:
        q = get_questionnaire("mutual-detector").questionnaire
        before = load_answers(EXAMPLES / "inconclusive-early-idea.yaml").answers
        after = load_answers(EXAMPLES / "strong-community-health.yaml").answers
        c = _compare(before, after, q)
        assert (c.before.status, c.before.best, c.before.worst) == (
            "between",
            "strong",
            "unsuitable",
        )
        assert (c.after.status, c.after.band) == ("decided", "strong")
        assert c.before.low is not None
        assert c.before.high is not None
        assert c.before.low < c.before.high
        assert c.move == "better"
        assert c.notes  # the two files name different services

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_rows_always_add_up(self, data: st.DataObject) -> None:
        q = get_questionnaire(MINI).questionnaire
        before, after = data.draw(_mini_answers()), data.draw(_mini_answers())
        c = _compare(before, after, q)
        if c.score_delta is not None:
            _adds_up(c)
        for ch in c.changes:
            if ch.effect is not None:
                assert ch.effect == _alone(q, before, after, ch.question)


@st.composite
def _mini_answers(draw: st.DrawFn) -> AnswersFile:
    dk = st.just("dont_know")
    values = {
        "appetite": draw(st.sampled_from(["most", "some", "few", "dont_know"])),
        "turnover": draw(st.integers(0, 100) | dk),
        "readiness": draw(st.integers(1, 5) | dk),
        "equity": draw(st.booleans()),
        "members": draw(
            st.lists(st.sampled_from(["staff", "users", "community"]), min_size=1, unique=True)
        ),
    }
    if values["appetite"] != "few" and draw(st.booleans()):
        values["unions"] = draw(st.booleans() | dk)
    return AnswersFile.model_validate(
        {"format": "mutual-detector/answers@1", "questionnaire": "mini", "answers": values}
    )


class TestCli:
    def test_text(self, after: Path) -> None:
        result = CliRunner().invoke(app, ["compare", str(BEFORE), str(after), "-q", MINI])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[1] == "Service: Day services"
        assert lines[2] == "Verdict: Promising → Weak: worse"
        assert lines[3] == "Score: 65.28 → 16.67 (-48.61 points)."
        assert "  raised blocker no_appetite (because of appetite): Few staff want this." in lines
        text = result.stdout
        assert "appetite: How many staff want this?" in text
        rows = [line for line in lines if re.search(r"[+-]\d+(\.\d+)?$", line)]
        assert [line.split()[-1] for line in rows][-6:] == [
            "-44.45", "+11.11", "-8.34", "+4.16", "-11.09", "-48.61",
        ]  # fmt: skip
        assert "Interactions between changes, and" in text
        assert "Total: the change in the score" in text

    @pytest.mark.parametrize("width", [60, 80, 100, 140])
    def test_text_fits_the_width(self, after: Path, width: int) -> None:
        from mutual_detector.render.compare import render_text

        q = get_questionnaire(MINI).questionnaire
        c = _compare(load_answers(BEFORE).answers, load_answers(after).answers, q)
        text = render_text(c, width=width)
        assert max(len(line) for line in text.splitlines()) <= width
        flat = " ".join(text.split())
        assert (
            "Interactions between changes, and questions that started or stopped applying" in flat
        )

    def test_json(self, after: Path) -> None:
        result = CliRunner().invoke(
            app, ["compare", str(BEFORE), str(after), "-q", MINI, "-f", "json"]
        )
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["format"] == "mutual-detector/compare@2"
        assert data["drivers"] == ["appetite", "unions", "turnover", "readiness"]
        assert data["move"] == "worse"
        assert data["remainder"] == -11.09
        assert data["remainder_label"].startswith("Interactions between changes")
        assert [ch["effect"] for ch in data["changes"]] == [-44.45, 11.11, -8.34, 4.16]
        assert (data["before"]["low"], data["before"]["point"], data["before"]["high"]) == (
            65.28, 65.28, 65.28,
        )  # fmt: skip

    def test_markdown_to_file(self, after: Path, tmp_path: Path) -> None:
        target = tmp_path / "changes.md"
        result = CliRunner().invoke(
            app,
            ["compare", str(BEFORE), str(after), "-q", MINI, "-f", "markdown", "-o", str(target)],
        )
        assert result.exit_code == 0
        text = target.read_text(encoding="utf-8")
        assert "| `appetite` How many staff want this? | Most | Few | -44.45 |" in text
        assert (
            "| *Interactions between changes, and questions that started or stopped applying* |  |  | -11.09 |"
            in text
        )
        assert "| **Total: the change in the score** |  |  | **-48.61** |" in text

    def test_a_bad_file_is_located(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(AFTER.replace("turnover: 30", "turnover: lots"), encoding="utf-8")
        result = CliRunner().invoke(app, ["compare", str(BEFORE), str(bad), "-q", MINI])
        assert result.exit_code == 3
        assert "bad.yaml:6:13: error: answers.turnover.value:" in result.stderr

    @pytest.mark.slow
    def test_subprocess(self, after: Path) -> None:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mutual_detector",
                "compare",
                str(BEFORE),
                str(after),
                "-q",
                MINI,
            ],
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert proc.returncode == 0
        assert b"What changed, and what each change did on its own" in proc.stdout

"""``mutual-detector compare A B``: what changed between two assessments of one service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.compare import compare
from mutual_detector.engine import assess
from mutual_detector.loading import get_questionnaire, load_answers

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")
BEFORE = ASSETS / "mini-answers.yaml"

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


class TestComparison:
    def test_changes_sections_and_verdict(self, after: Path) -> None:
        q = get_questionnaire(MINI).questionnaire
        c = compare(_result(BEFORE), _result(after), q, before_name="a", after_name="b")
        assert (c.before.band, c.after.band, c.move) == ("promising", "weak", "worse")
        assert [(ch.question, ch.before, ch.after) for ch in c.changes] == [
            ("appetite", "Most", "Few"),
            ("turnover", "12%", "30%"),
            ("readiness", "4 on a scale of 1 to 5", "5 on a scale of 1 to 5 (Fully)"),
            ("unions", "No", "not asked"),
        ]
        assert [ch.question for ch in c.drivers] == ["appetite", "turnover", "readiness"]
        assert [(s.id, s.delta) for s in c.sections] == [("staff", -66.67), ("money", -12.5)]
        assert [(f.id, f.change, f.because) for f in c.flags] == [
            ("no_appetite", "raised", ("appetite",)),
            ("high_turnover", "raised", ("turnover",)),
        ]

    def test_points_add_up_to_the_score_change(self, after: Path) -> None:
        """Direct effects plus the reweighting of unchanged answers equal the score change."""
        q = get_questionnaire(MINI).questionnaire
        c = compare(_result(BEFORE), _result(after), q)
        assert c.score_delta is not None
        total = sum(ch.points for ch in c.changes) + c.reweighting
        assert abs(total - c.score_delta) <= 0.02

    def test_same_answers_change_nothing(self) -> None:
        q = get_questionnaire(MINI).questionnaire
        c = compare(_result(BEFORE), _result(BEFORE), q)
        assert (c.move, c.changes, c.flags, c.score_delta) == ("same", (), (), 0.0)


class TestCli:
    def test_text(self, after: Path) -> None:
        result = CliRunner().invoke(app, ["compare", str(BEFORE), str(after), "-q", MINI])
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[1] == "Service: Day services"
        assert lines[2] == (
            "Verdict: Promising (65.28, 100% answered) → Weak (16.67, 100% answered): worse; "
            "score -48.61 points"
        )
        assert "  raised blocker no_appetite (because of appetite): Few staff want this." in lines

    def test_json(self, after: Path) -> None:
        result = CliRunner().invoke(
            app, ["compare", str(BEFORE), str(after), "-q", MINI, "-f", "json"]
        )
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["format"] == "mutual-detector/compare@1"
        assert data["drivers"] == ["appetite", "turnover", "readiness"]
        assert data["move"] == "worse"

    def test_markdown_to_file(self, after: Path, tmp_path: Path) -> None:
        target = tmp_path / "changes.md"
        result = CliRunner().invoke(
            app,
            ["compare", str(BEFORE), str(after), "-q", MINI, "-f", "markdown", "-o", str(target)],
        )
        assert result.exit_code == 0
        text = target.read_text(encoding="utf-8")
        assert "| `appetite` How many staff want this? | Most | Few | -" in text

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
        assert b"What changed, biggest effect first" in proc.stdout

"""An answers file written for an earlier version of the built-in questionnaire still loads.

Questions that version asked and this one retired (``retired:``) are set aside
with a warning (A211), not refused; the questions that replace them count as
unknown until answered, so the verdict carries their range (issue 13).
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.engine import assess
from mutual_detector.loading import check_answers, get_questionnaire, load_answers

OLD = Path(__file__).resolve().parent / "assets" / "answers-1.0.0.yaml"


def test_validate_warns_about_retired_questions_and_passes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", str(OLD)])
    assert result.exit_code == 0, result.output
    retired = [line for line in result.output.splitlines() if "[A211 retired-question]" in line]
    assert len(retired) == 3  # el_statutory_decision, rd_parent, rd_pensions
    assert ": error:" not in result.output


def test_the_engine_scores_it_with_the_new_questions_unknown() -> None:
    loaded_q = get_questionnaire("mutual-detector")
    loaded = load_answers(OLD)
    findings = check_answers(loaded, loaded_q)
    assert not [f for f in findings if f.level == "error"]
    r = assess(loaded_q.questionnaire, loaded.answers)
    assert r.verdict.score.low is not None
    assert r.verdict.score.high is not None
    assert r.verdict.score.low < r.verdict.score.high  # the new questions are unknown
    assert any("was retired in version 2.0.0" in w for w in r.warnings)


def test_an_unknown_id_that_was_never_asked_is_still_an_error(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(
        OLD.read_text(encoding="utf-8").replace("rd_parent:", "rd_parnet:"), encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert "[A201 unknown-question]" in result.output

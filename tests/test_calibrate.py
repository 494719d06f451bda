"""``mutual-detector calibrate``: cases with an adviser's verdict, run against a questionnaire."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clirun import run_cli
from mutual_detector.calibrate import builtin_cases_dir, case_paths, run_cases
from mutual_detector.cli import app

ASSETS = Path(__file__).resolve().parent / "assets"
CASES = ASSETS / "calibration"
ROOT = Path(__file__).resolve().parent.parent


def _case(tmp_path: Path, name: str, expect: str, answers: str | None = None) -> Path:
    text = (CASES / "mini-promising.yaml").read_text(encoding="utf-8")
    text = text.replace("questionnaire: ../mini.yaml", f"questionnaire: {ASSETS / 'mini.yaml'}")
    text = text.replace("  verdict: promising\n", expect)
    if answers is not None:
        text = text.replace("  appetite: most\n", answers)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("id: mini-promising", f"id: {name}"), encoding="utf-8")
    return path


class TestCalibrate:
    def test_cases_that_agree_exit_0(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["calibrate", str(CASES)])
        assert result.exit_code == 0, result.output
        assert "mini-promising" in result.output
        assert result.output.rstrip().endswith("2 of 2 cases agree.")

    def test_a_disagreement_exits_1_and_says_what_differs(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = _case(tmp_path, "wrong", "  verdict: strong\n")
        result = runner.invoke(app, ["calibrate", str(path)])
        assert result.exit_code == 1
        assert "DIFFERS" in result.output
        assert "verdict: expected strong, got promising (65.28)" in result.output

    def test_flags_readiness_and_recommendations_are_checked(self, tmp_path: Path) -> None:
        path = _case(
            tmp_path,
            "few",
            "  verdict: weak\n  flags: [no_appetite]\n  readiness: on_track\n",
            answers="  appetite: few\n",
        )
        (outcome,) = run_cases([path])
        assert outcome.got == "weak (20.83)"
        assert outcome.problems == (
            "flags raised that should not be: no_appetite",
            "readiness: expected on_track, got not_assessed",
            "recommendations: expected ranked, got withheld",
            "top legal form: expected cic, got none",
        )

    def test_an_unreadable_case_exits_3_with_a_located_error(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        bad = _case(tmp_path, "bad", "  verdict: promising\n", answers="  appetite: all\n")
        result = runner.invoke(app, ["calibrate", str(CASES), str(bad)])
        assert result.exit_code == 3
        assert f"{bad.name}" in result.output
        assert "'all' is not an option" in result.output
        assert "[A204 unknown-option]" in result.output
        assert "2 of 3 cases agree; 1 could not be run." in result.output

    def test_a_case_with_no_expected_verdict_is_refused(self, tmp_path: Path) -> None:
        bad = _case(tmp_path, "none", "  flags: []\n")
        (outcome,) = run_cases([bad])
        assert outcome.error is not None
        assert "give exactly one of verdict, between or within" in outcome.error

    def test_json_and_markdown(self, runner: CliRunner) -> None:
        data = json.loads(runner.invoke(app, ["calibrate", str(CASES), "-f", "json"]).output)
        assert (data["agree"], data["total"]) == (2, 2)
        assert data["cases"][1]["got"].startswith("between strong and weak")
        md = runner.invoke(app, ["calibrate", str(CASES), "-f", "markdown"]).output
        assert md.startswith("| case | expected | got | agrees |")

    def test_a_questionnaire_override(self, runner: CliRunner, tmp_path: Path) -> None:
        """A council that adapts the weights sees at once what the change does to its cases."""
        text = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
        stricter = tmp_path / "mini.yaml"
        text = text.replace("min: 50, max: 70}", "min: 66, max: 70}")
        stricter.write_text(text.replace("min: 0, max: 50}", "min: 0, max: 66}"), encoding="utf-8")
        result = runner.invoke(app, ["calibrate", str(CASES), "-q", str(stricter)])
        assert result.exit_code == 1
        assert "mini-promising" in result.output

    def test_output_file(self, runner: CliRunner, tmp_path: Path) -> None:
        out = tmp_path / "table.md"
        result = runner.invoke(app, ["calibrate", str(CASES), "-f", "markdown", "-o", str(out)])
        assert result.exit_code == 0
        assert out.read_text(encoding="utf-8").startswith("| case |")


def test_as_a_subprocess() -> None:
    proc = run_cli("calibrate", str(CASES), "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["agree"] == 2


class TestBuiltinCases:
    def test_there_are_at_least_30(self) -> None:
        assert len(case_paths([])) >= 30
        assert builtin_cases_dir() == ROOT / "calibration"

    def test_every_builtin_case_agrees(self) -> None:
        """The calibration set: the verdicts an adviser gave, reproduced by the built-in
        questionnaire. When one disagrees, fix the model, not the case."""
        outcomes = run_cases(case_paths([]))
        wrong = [(o.case_id, o.error or o.problems) for o in outcomes if not o.agrees]
        assert wrong == []

    def test_docs_calibration_table_is_current(self) -> None:
        """docs/calibration.md shows the table scripts/calibration_table.py writes."""
        import subprocess
        import sys

        script = ROOT / "scripts" / "calibration_table.py"
        proc = subprocess.run(
            [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr

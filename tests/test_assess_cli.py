"""``mutual-detector assess --answers FILE``: in-process with CliRunner, and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clirun import run_cli
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_INCOMPLETE, EXIT_INPUT, EXIT_OK, EXIT_OUTPUT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ASSETS = HERE / "assets"
SNAPSHOTS = HERE / "snapshots" / "engine"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"
EPOCH = {"SOURCE_DATE_EPOCH": "1795000000", "NO_COLOR": "1"}  # 2026-11-18T...Z

BAD_ANSWERS = """\
format: mutual-detector/answers@1
questionnaire: mini
answers:
  appetite: everyone
  turnover: 12
"""


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> object:
    return runner.invoke(app, ["assess", *args], env={**EPOCH, **(env or {})})


class TestReport:
    def test_text_report(self, runner: CliRunner) -> None:
        out = invoke(runner, "--answers", str(MINI_ANSWERS), "--questionnaire", str(MINI))
        assert out.exit_code == EXIT_OK, out.stderr
        text = out.stdout
        for expected in (
            "Mutual detector: Day services",
            "VERDICT    Promising",
            "Score 65.28 out of 100.",
            "READINESS  Readiness not assessed",
            "LEGAL FORM CIC",
            "NEXT STEPS 1. Talk to the unions",
            "Suitability by section",
            "Staff",
            "Legal form\n  1. CIC",
            "What could change the verdict",
            "Are the unions engaged?",
            "Next steps",
        ):
            assert expected in text, expected
        # The decision comes first, the details after.
        assert text.index("NEXT STEPS") < text.index("Suitability by section")
        assert text.count("Promising") == 1
        assert "\x1b[" not in text
        assert max(len(line) for line in text.splitlines()) <= 80

    def test_json_report(self, runner: CliRunner) -> None:
        out = invoke(runner, "-a", str(MINI_ANSWERS), "-q", str(MINI), "--format", "json")
        assert out.exit_code == EXIT_OK, out.stderr
        data = json.loads(out.stdout)
        assert data["format"] == "mutual-detector/result@2"
        assert data["verdict"]["band"] == "promising"
        assert data["verdict"]["score"] == {"low": 65.28, "point": 65.28, "high": 65.28}
        assert data["timestamp"] == "2026-11-18T11:06:40Z"  # SOURCE_DATE_EPOCH

    def test_questionnaire_defaults_to_the_one_the_answers_name(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """The answers name a built-in id when no --questionnaire is given."""
        answers = tmp_path / "a.yaml"
        answers.write_text(
            MINI_ANSWERS.read_text(encoding="utf-8").replace(
                "questionnaire: mini", "questionnaire: nope"
            ),
            encoding="utf-8",
        )
        out = invoke(runner, "-a", str(answers))
        assert out.exit_code == EXIT_INPUT
        assert "no questionnaire 'nope'" in out.stderr

    def test_builtin_questionnaire_by_id(self, runner: CliRunner) -> None:
        examples = sorted((ROOT / "examples").glob("strong-*.yaml"))
        assert examples, "the examples are missing"
        out = invoke(runner, "-a", str(examples[0]), "-f", "json", "--no-what-if")
        assert out.exit_code == EXIT_OK, out.stderr
        data = json.loads(out.stdout)
        assert data["questionnaire"]["id"] == "mutual-detector"
        assert data["what_if"] is None

    def test_warnings_go_to_stderr(self, runner: CliRunner, tmp_path: Path) -> None:
        """An answer to a question that does not apply is a located warning on stderr."""
        answers = tmp_path / "partial.yaml"
        answers.write_text(
            "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
            "  appetite: few\n  unions: true\n  turnover: 5\n"
            "  readiness: 2\n  equity: false\n  members: [staff]\n",
            encoding="utf-8",
        )
        out = invoke(runner, "-a", str(answers), "-q", str(MINI), "-f", "json")
        assert out.exit_code == EXIT_OK, out.stderr
        assert "partial.yaml:5:11: warning: answers.unions:" in out.stderr
        assert "A205" in out.stderr
        assert json.loads(out.stdout)["verdict"]["status"] == "decided"

    def test_dont_know_leaves_the_verdict_between_two_bands(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        answers = tmp_path / "partial.yaml"
        answers.write_text(
            "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
            "  appetite: some\n  unions: true\n  turnover: dont_know\n"
            "  readiness: dont_know\n  equity: false\n  members: [staff]\n",
            encoding="utf-8",
        )
        out = invoke(runner, "-a", str(answers), "-q", str(MINI), "-f", "json")
        assert out.exit_code == EXIT_OK, out.stderr
        verdict = json.loads(out.stdout)["verdict"]
        assert (verdict["status"], verdict["best"], verdict["worst"]) == (
            "between",
            "strong",
            "weak",
        )
        assert verdict["deciding"] == ["turnover", "readiness"]
        text = invoke(runner, "-a", str(answers), "-q", str(MINI)).stdout
        assert "VERDICT    Between Strong and Weak" in text
        flat = " ".join(text.split())
        assert "Score 61.11 (could be 44.44–77.78 depending on 2 unknown answers)." in flat
        assert "What decides it most: • Annual staff turnover? (don't know)" in flat


class TestOutputFile:
    def test_writes_atomically_and_infers_the_format(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        target = tmp_path / "result.json"
        out = invoke(runner, "-a", str(MINI_ANSWERS), "-q", str(MINI), "-o", str(target))
        assert out.exit_code == EXIT_OK, out.stderr
        assert out.stdout == ""
        assert "wrote" in out.stderr
        assert json.loads(target.read_text(encoding="utf-8"))["verdict"]["band"] == "promising"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]  # no temporary left

    def test_text_file_has_no_colour(self, runner: CliRunner, tmp_path: Path) -> None:
        target = tmp_path / "report.txt"
        out = invoke(
            runner,
            "-a",
            str(MINI_ANSWERS),
            "-q",
            str(MINI),
            "-o",
            str(target),
            env={"FORCE_COLOR": "1", "NO_COLOR": ""},
        )
        assert out.exit_code == EXIT_OK, out.stderr
        assert "\x1b[" not in target.read_text(encoding="utf-8")

    def test_unwritable_output_exits_4(self, runner: CliRunner, tmp_path: Path) -> None:
        out = invoke(
            runner, "-a", str(MINI_ANSWERS), "-q", str(MINI), "-o", str(tmp_path / "no" / "x.json")
        )
        assert out.exit_code == EXIT_OUTPUT
        assert "mutual-detector: error:" in out.stderr
        assert "Traceback" not in out.stderr


class TestBadInput:
    def test_invalid_answers_give_located_errors_and_exit_3(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(BAD_ANSWERS, encoding="utf-8")
        target = tmp_path / "out.json"
        out = invoke(runner, "-a", str(bad), "-q", str(MINI), "-o", str(target))
        assert out.exit_code == EXIT_INPUT
        assert out.stdout == ""
        line = out.stderr.splitlines()[0]
        assert line.startswith(f"{bad}:4:13: error: answers.appetite.value:"), line
        assert "'everyone' is not an option" in line
        assert not target.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]

    def test_unreadable_answers_exit_3(self, runner: CliRunner, tmp_path: Path) -> None:
        out = invoke(runner, "-a", str(tmp_path / "missing.yaml"), "-q", str(MINI))
        assert out.exit_code == EXIT_INPUT
        assert "Traceback" not in out.stderr

    def test_answers_for_another_questionnaire(self, runner: CliRunner) -> None:
        strong = SNAPSHOTS / "answers" / "strong.yaml"
        out = invoke(runner, "-a", str(strong), "-q", str(MINI))
        assert out.exit_code == EXIT_INPUT
        assert "A206" in out.stderr

    def test_no_answers_and_no_prompting_exits_5(self, runner: CliRunner) -> None:
        out = invoke(runner)
        assert out.exit_code == EXIT_INCOMPLETE
        assert "--answers" in out.stderr

    def test_unknown_format_is_a_usage_error(self, runner: CliRunner) -> None:
        out = invoke(runner, "-a", str(MINI_ANSWERS), "-f", "pdf")
        assert out.exit_code == 2


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("assess", *args, cwd=cwd, extra_env=EPOCH)  # never a terminal on stdin


@pytest.mark.slow
class TestSubprocess:
    def test_json_matches_the_in_process_run(self, runner: CliRunner) -> None:
        proc = _cli("-a", str(MINI_ANSWERS), "-q", str(MINI), "-f", "json")
        assert proc.returncode == EXIT_OK, proc.stderr
        inproc = invoke(runner, "-a", str(MINI_ANSWERS), "-q", str(MINI), "-f", "json")
        assert proc.stdout == inproc.stdout

    def test_text_report_through_a_pipe(self) -> None:
        proc = _cli(
            "-a",
            str(SNAPSHOTS / "answers" / "blocked.yaml"),
            "-q",
            str(SNAPSHOTS / "questionnaire.yaml"),
        )
        assert proc.returncode == EXIT_OK, proc.stderr
        assert proc.stdout == (SNAPSHOTS / "blocked.txt").read_text(encoding="utf-8")

    def test_bad_answers_exit_3_without_traceback(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(BAD_ANSWERS, encoding="utf-8")
        proc = _cli("-a", "bad.yaml", "-q", str(MINI), "-o", "out.json", cwd=tmp_path)
        assert proc.returncode == EXIT_INPUT
        assert proc.stderr.startswith("bad.yaml:4:")
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "out.json").exists()

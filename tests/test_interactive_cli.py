"""``assess`` without a terminal (typer's CliRunner): it never asks and never hangs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.answers_io import dump_answers
from mutual_detector.cli import app
from mutual_detector.loading import load_answers

ASSETS = Path(__file__).parent / "assets"
MINI = str(ASSETS / "mini.yaml")


@pytest.fixture
def partial(tmp_path: Path) -> Path:
    """The mini answers without `readiness` and `members`."""
    path = tmp_path / "partial.yaml"
    path.write_text(
        (ASSETS / "mini-answers.yaml")
        .read_text()
        .replace("  readiness: 4\n", "")
        .replace("  members: [staff, community]\n", "")
    )
    return path


class TestWithoutATerminal:
    def test_no_answers_at_all(self, runner: CliRunner) -> None:
        """Nothing to score and no terminal: one line naming --answers and --no-input, exit 5."""
        result = runner.invoke(app, ["assess", "--questionnaire", MINI])
        assert result.exit_code == 5
        assert result.stdout == ""
        assert result.stderr == (
            "mutual-detector: error: 5 required question(s) not answered and no terminal to "
            "ask them: pass a complete --answers FILE, or add --no-input to list what is missing.\n"
        )

    def test_missing_answers_in_a_file(self, runner: CliRunner, partial: Path) -> None:
        """A partial answers file without a terminal is refused the same way (exit 5)."""
        result = runner.invoke(app, ["assess", "-q", MINI, "--answers", str(partial)])
        assert result.exit_code == 5
        assert "2 required question(s) not answered and no terminal" in result.stderr

    def test_no_input_lists_what_is_missing(self, runner: CliRunner, partial: Path) -> None:
        """--no-input names the missing questions, in asking order."""
        result = runner.invoke(app, ["assess", "-q", MINI, "--answers", str(partial), "--no-input"])
        assert result.exit_code == 5
        assert result.stderr == (
            "mutual-detector: error: 2 required question(s) not answered: readiness, members. "
            "Add them to the answers file, or run without --no-input to be asked.\n"
        )

    def test_answers_and_resume_together(self, runner: CliRunner, partial: Path) -> None:
        """--answers and --resume are two ways to give the answers: a usage error."""
        result = runner.invoke(
            app, ["assess", "-q", MINI, "--answers", str(partial), "--resume", str(partial)]
        )
        assert result.exit_code == 2
        assert "use --answers or --resume, not both" in result.stderr

    def test_a_complete_draft_is_scored(self, runner: CliRunner, tmp_path: Path) -> None:
        """--resume of a draft that lacks nothing required asks nothing and reports."""
        answers = load_answers(ASSETS / "mini-answers.yaml").answers.model_copy(
            update={"status": "draft"}
        )
        draft = tmp_path / "x.draft.yaml"
        draft.write_text(dump_answers(answers))
        result = runner.invoke(
            app, ["assess", "-q", MINI, "--resume", str(draft), "--format", "json"]
        )
        assert result.exit_code == 0, result.stderr
        assert '"answers_status": "draft"' in result.stdout
        assert draft.exists(), "nothing was asked, so the draft stays"

    def test_bad_file_answers_are_input_errors(self, runner: CliRunner, tmp_path: Path) -> None:
        """Without a terminal a bad answer cannot be asked again: exit 3, located."""
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            (ASSETS / "mini-answers.yaml").read_text().replace("turnover: 12", "turnover: 120")
        )
        result = runner.invoke(app, ["assess", "-q", MINI, "--answers", str(bad), "--no-input"])
        assert result.exit_code == 3
        assert "bad.yaml:7:13" in result.stderr
        assert "120 is above the maximum 100" in result.stderr

    def test_help_documents_the_options(self, runner: CliRunner) -> None:
        """--resume, --no-input and --save-answers are in assess --help."""
        result = runner.invoke(app, ["assess", "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        for option in ("--resume", "--no-input", "--save-answers"):
            assert option in result.stdout

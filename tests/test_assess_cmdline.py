"""Answers and metadata given on the command line win over the answers file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mutual_detector.cli import app

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "assets" / "mini.yaml"
MINI_ANSWERS = ROOT / "tests" / "assets" / "mini-answers.yaml"

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(
        app, ["assess", "-q", str(MINI), "-a", str(MINI_ANSWERS), "-f", "json", *args]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


class TestCommandLineAnswers:
    def test_set_overrides_the_file(self) -> None:
        """--set appetite=few replaces the file's 'most' and raises the blocker."""
        before = _json()
        after = _json("--set", "appetite=few")
        explained = {e["id"]: e for e in after["explanations"]}
        assert explained["appetite"]["answer"] == "few"
        assert before["verdict"]["score"] != after["verdict"]["score"]
        assert "no_appetite" in [f["id"] for f in after["flags"]]

    def test_set_reads_values_as_yaml(self) -> None:
        """true, numbers and lists are read as in an answers file."""
        result = _json("--set", "turnover=30", "--set", "members=[users]", "--set", "equity=true")
        explained = {e["id"]: e for e in result["explanations"]}
        assert explained["turnover"]["answer"] == 30
        assert explained["members"]["answer"] == ["users"]
        assert explained["equity"]["answer"] is True

    def test_metadata_options_override_the_file(self) -> None:
        result = _json("--service", "Meals on wheels", "--assessor", "A. Officer")
        assert result["metadata"]["service"] == "Meals on wheels"
        assert result["metadata"]["assessor"] == "A. Officer"
        assert result["metadata"]["organisation"] == "Anytown"

    def test_a_malformed_set_is_a_usage_error(self) -> None:
        result = runner.invoke(app, ["assess", "-a", str(MINI_ANSWERS), "--set", "appetite"])
        assert result.exit_code == 2
        assert "QUESTION_ID=VALUE" in result.output

    def test_an_invalid_set_value_is_a_usage_error(self) -> None:
        """The command line is to blame, not the file (#17): exit 2, naming the option."""
        result = runner.invoke(
            app, ["assess", "-q", str(MINI), "-a", str(MINI_ANSWERS), "--set", "turnover=400"]
        )
        assert result.exit_code == 2
        assert "--set turnover=400: 400 is above the maximum 100" in result.output


class TestGateCheckedFirst:
    def test_an_unknown_band_fails_before_anything_is_asked(self) -> None:
        """No answers file and no terminal: the bad band is reported, not the missing answers."""
        result = runner.invoke(app, ["assess", "-q", str(MINI), "--min-band", "nope"])
        assert result.exit_code == 2
        assert "'nope' is not a band" in result.output

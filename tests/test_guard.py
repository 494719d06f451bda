"""The CLI guard: a bug of ours is one line and exit 70; --no-color; long field paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.errors import EXIT_INTERNAL
from mutual_detector.model.findings import dotted, finding

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("engine exploded\nsecond line")


class TestInternalError:
    def test_a_bug_is_one_line_and_exit_70(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("MUTUAL_DETECTOR_DEBUG", raising=False)
        monkeypatch.setattr("mutual_detector.cli.assess.score", _boom)
        result = runner.invoke(
            app, ["assess", "-a", str(ROOT / "examples" / "strong-community-health.yaml")]
        )
        assert result.exit_code == EXIT_INTERNAL
        lines = [line for line in result.stderr.splitlines() if line]
        assert lines == [
            "mutual-detector: internal error: RuntimeError: engine exploded "
            "(please report it; MUTUAL_DETECTOR_DEBUG=1 shows the details)"
        ]
        assert "Traceback" not in result.output

    def test_debug_shows_the_exception(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MUTUAL_DETECTOR_DEBUG", "1")
        monkeypatch.setattr("mutual_detector.cli.assess.score", _boom)
        result = runner.invoke(
            app, ["assess", "-a", str(ROOT / "examples" / "strong-community-health.yaml")]
        )
        assert isinstance(result.exception, RuntimeError)


class TestNoColorOption:
    def test_no_color_sets_the_environment_for_every_command(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("NO_COLOR", raising=False)
        monkeypatch.setenv("FORCE_COLOR", "1")
        with_colour = runner.invoke(
            app, ["validate", str(ROOT / "tests" / "bad" / "q103-forward-reference.yaml")]
        )
        without = runner.invoke(
            app,
            ["--no-color", "validate", str(ROOT / "tests" / "bad" / "q103-forward-reference.yaml")],
        )
        assert "\x1b[" in with_colour.stdout
        assert "\x1b[" not in without.stdout
        assert without.exit_code == with_colour.exit_code == 1


class TestFieldPaths:
    def test_long_keys_are_clipped_and_control_characters_escaped(self) -> None:
        path = ("answers", "x" * 1000 + "\x1b[2J", "value")
        shown = dotted(path)
        assert len(shown) < 100
        assert "\x1b" not in shown
        line = finding("A201", "unknown", path).located("a.yaml", 1, 1).one_line()
        assert "\n" not in line
        assert len(line) < 200

    def test_escapes_a_control_character_in_a_short_key(self) -> None:
        assert dotted(("a\tb",)) == "a\\tb"

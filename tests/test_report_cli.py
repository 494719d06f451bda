"""`assess --format markdown|html`: the format mapping, the CLI in-process and as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.loading import get_questionnaire, load_answers
from mutual_detector.render import ResultFormat

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"
assert MINI.is_file()
assert MINI_ANSWERS.is_file()

EPOCH = "1700000000"
STAMP = "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH=1700000000


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    """The reports the CLI should write, rendered directly."""
    engine = pytest.importorskip("mutual_detector.engine")
    from mutual_detector.render.html import render_html
    from mutual_detector.render.markdown import render_markdown

    q = get_questionnaire(str(MINI)).questionnaire
    result = engine.assess(q, load_answers(MINI_ANSWERS).answers, timestamp=STAMP)
    return {"markdown": render_markdown(result, q), "html": render_html(result, q)}


def _args(*extra: str) -> list[str]:
    return ["assess", "--answers", str(MINI_ANSWERS), "--questionnaire", str(MINI), *extra]


class TestResultFormat:
    def test_mapping_is_exhaustive(self) -> None:
        """Every format renders the result to non-empty text."""
        engine = pytest.importorskip("mutual_detector.engine")
        q = get_questionnaire(str(MINI)).questionnaire
        result = engine.assess(q, load_answers(MINI_ANSWERS).answers)
        for fmt in ResultFormat:
            text = fmt.render(result, q)
            assert isinstance(text, str)
            assert text.strip(), fmt

    def test_markdown_and_html_map_to_the_report_renderers(self, expected: dict[str, str]) -> None:
        engine = pytest.importorskip("mutual_detector.engine")
        q = get_questionnaire(str(MINI)).questionnaire
        result = engine.assess(q, load_answers(MINI_ANSWERS).answers, timestamp=STAMP)
        assert ResultFormat.markdown.render(result, q) == expected["markdown"]
        assert ResultFormat.html.render(result, q) == expected["html"]

    @pytest.mark.parametrize(
        ("name", "fmt"),
        [("r.md", "markdown"), ("r.MARKDOWN", "markdown"), ("r.html", "html"), ("r.htm", "html")],
    )
    def test_extension_picks_the_format(self, name: str, fmt: str) -> None:
        assert ResultFormat.for_path(name) == ResultFormat(fmt)


class TestAssessCommand:
    @pytest.fixture
    def runner(self, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return CliRunner()

    @pytest.mark.parametrize("fmt", ["markdown", "html"])
    def test_format_to_stdout(self, runner: CliRunner, expected: dict[str, str], fmt: str) -> None:
        from mutual_detector.cli import app

        got = runner.invoke(app, _args("--format", fmt))
        assert got.exit_code == 0, got.output
        assert got.stdout == expected[fmt]

    @pytest.mark.parametrize(("name", "fmt"), [("report.md", "markdown"), ("report.html", "html")])
    def test_output_file_from_extension(
        self, runner: CliRunner, expected: dict[str, str], tmp_path: Path, name: str, fmt: str
    ) -> None:
        """--output writes the report (format from the extension), and only a note on stderr."""
        from mutual_detector.cli import app

        out = tmp_path / name
        got = runner.invoke(app, _args("--output", str(out)))
        assert got.exit_code == 0, got.output
        assert got.stdout == ""
        assert out.read_text(encoding="utf-8") == expected[fmt]
        assert [p.name for p in tmp_path.iterdir()] == [name]

    def test_unwritable_output_leaves_nothing(self, runner: CliRunner, tmp_path: Path) -> None:
        from mutual_detector.cli import app

        out = tmp_path / "missing" / "report.html"
        got = runner.invoke(app, _args("--output", str(out)))
        assert got.exit_code == 4
        assert "does not exist" in got.stderr
        assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_subprocess_html_is_byte_identical(tmp_path: Path, expected: dict[str, str]) -> None:
    """Two real runs write the same bytes, equal to the renderer's output."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_COLOR": "1"}
    outs = []
    for n in (1, 2):
        out = tmp_path / f"r{n}.html"
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", *_args("-o", str(out))],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == expected["html"].encode("utf-8")

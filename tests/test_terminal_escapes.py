"""File names and messages cannot drive the terminal or break the one-line rule (#16).

A file name holding ESC (which starts the sequences that clear the screen, set
the title or write the clipboard) or a line break is shown with visible escapes
(``\\x1b``, ``\\n``) in ``validate``'s text and GitHub outputs, in the one-line
errors of every command, and in ``batch``'s error lines on stderr.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from clirun import run_cli
from mutual_detector.text import printable

ASSETS = Path(__file__).resolve().parent / "assets"
HOSTILE = "x\x1b[2Jy\nz\x1b]0;title\x07.yaml"
SHOWN = "x\\x1b[2Jy\\nz\\x1b]0;title\\x07.yaml"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")


class TestPrintable:
    @pytest.mark.parametrize(
        ("raw", "shown"),
        [
            ("plain café – fine\ttab", "plain café – fine\ttab"),
            ("\x1b[2J", "\\x1b[2J"),
            ("a\nb\r\n", "a\\nb\\r\\n"),
            ("\x9b31m", "\\x9b31m"),  # C1 CSI
            ("\x7f\x00", "\\x7f\\x00"),
            ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
            ("\ud800", "\\ud800"),  # a lone surrogate cannot even be encoded
        ],
    )
    def test_escapes(self, raw: str, shown: str) -> None:
        assert printable(raw) == shown

    def test_no_rich_needed(self) -> None:
        """Renderers elsewhere may use it: it imports nothing heavy."""
        code = (
            "import sys, mutual_detector.text; "
            "print(sorted(m for m in ('rich', 'pydantic', 'yaml', 'typer') if m in sys.modules))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert proc.stdout.strip() == "[]"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "mini.yaml").write_text((ASSETS / "mini.yaml").read_text())
    bad = (ASSETS / "mini-answers.yaml").read_text().replace("turnover: 12", "turnover: 400")
    (tmp_path / "q" / HOSTILE).write_text(bad)
    return tmp_path


def test_validate_text(hostile: Path) -> None:
    proc = run_cli("validate", "q", cwd=hostile, extra_env={"NO_COLOR": "1"})
    assert proc.returncode == 1, proc.stderr
    assert "\x1b" not in proc.stdout
    errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
    assert errors == [
        f"q/{SHOWN}:7:13: error: answers.turnover.value: turnover: 400 is above the maximum 100 "
        "[A203 out-of-range]"
    ]


def test_validate_text_in_colour(hostile: Path) -> None:
    proc = run_cli("validate", "q", cwd=hostile, extra_env={"FORCE_COLOR": "1"})
    assert f"q/{SHOWN}:7:13" in proc.stdout
    assert "\x1b[2J" not in proc.stdout
    assert "\x1b]0;" not in proc.stdout


def test_validate_github(hostile: Path) -> None:
    proc = run_cli("validate", "q", "-f", "github", cwd=hostile)
    assert "\x1b" not in proc.stdout
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("::error")]
    assert "file=q/x\\x1b[2Jy%0Az\\x1b]0;title\\x07.yaml" in line


def test_one_line_errors(tmp_path: Path) -> None:
    """The guard's one line (here: a missing answers file) stays one harmless line."""
    proc = run_cli("assess", "-a", HOSTILE, "-f", "json", cwd=tmp_path)
    assert proc.returncode == 3
    assert "\x1b" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert SHOWN in proc.stderr


def test_batch_error_lines(capsys: pytest.CaptureFixture[str]) -> None:
    """``batch``'s error records on stderr (when the output goes to a file)."""
    from mutual_detector.batch.records import BatchItem, ErrorRecord
    from mutual_detector.cli.batch import ErrorLines

    record = ErrorRecord(HOSTILE, "no such file", rule="E008")
    ErrorLines(None)(BatchItem(0, HOSTILE, None, "error", errors=(record,)))
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert err.count("\n") == 1
    assert SHOWN in err

"""A wrong ``--set`` is blamed on the command line, never on a line of the answers file (#17).

Real subprocesses: the exit code and the one line on stderr are what a user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import run_cli

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"
EXAMPLE = ROOT / "examples" / "strong-community-health.yaml"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("su_staff_count=notanumber", "expected a number, got text 'notanumber'"),
        ("nope=1", "questionnaire 'mutual-detector' has no question 'nope'"),
        ("su_staf_count=12", "did you mean 'su_staff_count'?"),
        ("el_stage=nonsense", "'nonsense' is not an option"),
        ("el_stage=dont_know", 'does not allow "don\'t know"'),
    ],
)
def test_a_wrong_set_names_the_option(given: str, says: str, tmp_path: Path) -> None:
    proc = run_cli("assess", "-a", str(EXAMPLE), "-f", "json", "--set", given, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"mutual-detector: error: --set {given}: ")
    assert says in lines[0]
    assert EXAMPLE.name not in lines[0]  # no line of the file is blamed
    assert "it is ignored" not in lines[0]
    assert proc.stdout == ""


def test_without_an_answers_file_too(tmp_path: Path) -> None:
    """No file at all: the --set is checked before anything is asked (exit 2, not 5)."""
    proc = run_cli("assess", "-q", str(MINI), "--set", "turnover=lots", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "--set turnover=lots: expected a number" in proc.stderr


def test_a_set_that_does_not_apply_is_a_warning_about_the_option(tmp_path: Path) -> None:
    """`unions` is asked only if appetite is not 'few': the warning names --set, not the file."""
    proc = run_cli(
        "assess",
        "-q",
        str(MINI),
        "-a",
        str(MINI_ANSWERS),
        "-f",
        "json",
        "--set",
        "appetite=few",
        "--set",
        "unions=true",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert "command line: warning: --set unions=true: does not apply" in proc.stderr
    assert "mini-answers.yaml" not in proc.stderr


def test_a_good_set_replaces_a_bad_value_in_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "a.yaml"
    bad.write_text(
        MINI_ANSWERS.read_text(encoding="utf-8").replace("turnover: 12", "turnover: lots")
    )
    proc = run_cli("assess", "-q", str(MINI), "-a", str(bad), "-f", "json", "--set", "turnover=12")
    assert proc.returncode == 0, proc.stderr

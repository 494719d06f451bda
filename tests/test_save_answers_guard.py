"""``--save-answers`` replaces a file only if you say so; without a terminal, only with --force (#16).

Run as real subprocesses with no terminal on stdin, as in CI or a script.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clirun import run_cli
from mutual_detector.loading import load_answers

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"
ASSESS = ("assess", "-q", "mini.yaml", "-a", "a.yaml", "-f", "json", "-o", "result.json")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    shutil.copy(MINI_ANSWERS, tmp_path / "a.yaml")
    (tmp_path / "keep.yaml").write_text("precious: true\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("extra", [[], ["--set", "turnover=20"]], ids=["as-is", "with-set"])
def test_an_existing_file_is_refused_without_a_terminal(work: Path, extra: list[str]) -> None:
    """Exit 4, one line naming --force; the file, the report and everything else untouched."""
    proc = run_cli(*ASSESS, *extra, "--save-answers", "keep.yaml", cwd=work)
    assert proc.returncode == 4, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--save-answers keep.yaml: the file exists and there is no terminal" in lines[0]
    assert "--force" in lines[0]
    assert (work / "keep.yaml").read_text(encoding="utf-8") == "precious: true\n"
    assert not (work / "result.json").exists()


@pytest.mark.parametrize("extra", [[], ["--set", "turnover=20"]], ids=["as-is", "with-set"])
def test_force_replaces_it(work: Path, extra: list[str]) -> None:
    proc = run_cli(*ASSESS, *extra, "--save-answers", "keep.yaml", "--force", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Answers saved to keep.yaml" in proc.stderr
    saved = load_answers(work / "keep.yaml").answers
    assert saved.answers["turnover"].value == (20 if extra else 12)


def test_a_complete_file_is_copied_not_ignored(work: Path) -> None:
    """Nothing to ask and no --set: --save-answers still gets the answers (it was ignored)."""
    proc = run_cli(*ASSESS, "--save-answers", "copy.yaml", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Answers saved to copy.yaml" in proc.stderr
    copy = load_answers(work / "copy.yaml").answers
    assert copy.answers == load_answers(MINI_ANSWERS).answers.answers
    assert copy.metadata == load_answers(MINI_ANSWERS).answers.metadata


def test_the_answers_file_itself_is_left_as_it_was(work: Path) -> None:
    proc = run_cli(*ASSESS, "--save-answers", "a.yaml", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "--save-answers names the answers file itself, so a.yaml was left as it was" in (
        proc.stderr
    )
    assert (work / "a.yaml").read_bytes() == MINI_ANSWERS.read_bytes()


def test_no_input_counts_as_no_terminal(work: Path) -> None:
    proc = run_cli(*ASSESS, "--no-input", "--save-answers", "keep.yaml", cwd=work)
    assert proc.returncode == 4, proc.stderr
    assert (work / "keep.yaml").read_text(encoding="utf-8") == "precious: true\n"

"""``batch`` on a real terminal (pexpect): a progress bar on stderr, silent when not a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

ASSETS = Path(__file__).parent / "assets"
MINI = str(ASSETS / "mini.yaml")
CLI = [sys.executable, "-m", "mutual_detector"]
TIMEOUT = 60


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "120", "LINES": "40"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    answers = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
    for n in range(30):
        (tmp_path / f"s{n:02}.yaml").write_text(answers, encoding="utf-8")
    return tmp_path


def test_progress_bar_on_a_terminal(folder: Path, tmp_path: Path) -> None:
    """stderr is a terminal: the bar is drawn there; the results go to the file."""
    out = tmp_path / "results.jsonl"
    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], "batch", str(folder), "-q", MINI, "-o", str(out)],
        env=_env(),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
    )
    child.expect("assessing")
    child.expect("30 inputs: 30 assessed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["index"] for line in lines] == list(range(30))


def test_table_and_bar_share_the_terminal(folder: Path) -> None:
    """stdout and stderr on one terminal: every row and the closing sentence are shown."""
    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], "batch", ".", "-q", MINI],
        cwd=str(folder),
        env=_env(),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
    )
    child.expect("Batch: Mini questionnaire")
    rest = child.read()
    child.close()
    assert child.exitstatus == 0
    assert all(f"s{n:02}.yaml" in rest for n in range(30))
    assert "30 inputs: 30 assessed (30 promising)." in rest


def test_no_bar_when_stderr_is_not_a_terminal(folder: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [*CLI, "batch", str(folder), "-q", MINI, "-o", str(tmp_path / "r.csv")],
        capture_output=True,
        env=_env(),
        timeout=TIMEOUT,
    )
    assert proc.returncode == 0
    assert proc.stderr == b"30 inputs: 30 assessed (30 promising).\n"

"""`mutual-detector` with no arguments: assess at a terminal, validate otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.slow


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "HOME": str(tmp_path)}
    env.pop("FORCE_COLOR", None)
    return env


def test_without_a_terminal_it_checks_the_built_ins(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mutual_detector"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "no problems found" in proc.stdout
    assert "mutual-detector assess --answers FILE" in proc.stdout


def test_at_a_terminal_it_starts_an_assessment(tmp_path: Path) -> None:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mutual_detector"],
        cwd=str(tmp_path),
        env=_env(tmp_path),
        encoding="utf-8",
        dimensions=(40, 120),
        timeout=60,
    )
    try:
        child.expect("Which service are you assessing")
        child.sendintr()  # Ctrl-C before any answer: nothing to save, exit 130
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130

"""The command line as a real subprocess, for the tests that need one.

Typer's runner calls the app in-process; these tests check what a user (or
CI) gets from the installed program: exit code, stdout and stderr, with no
terminal on stdin, so nothing may be asked. A hang fails the test after two
minutes instead of stopping the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "mutual_detector"]


def run_cli(
    *args: str,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``mutual-detector ARGS``; ``env`` replaces the environment, ``extra_env`` adds to it."""
    base = os.environ if env is None else env
    return subprocess.run(
        [*CLI, *args],
        cwd=cwd,
        env={**base, **(extra_env or {})} if extra_env or env is not None else None,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

"""What a user of other command-line tools expects (#17): ``-h``, ``-`` for standard input,
and ``--show-completion SHELL`` printing that shell's script. Real subprocesses."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import CLI, run_cli
from mutual_detector.cli.root import COMMANDS

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"
#: The console script (completion scripts are named after the program that prints them).
SCRIPT = shutil.which("mutual-detector", path=str(Path(sys.executable).parent)) or "mutual-detector"


def _piped(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run(
        [*CLI, *args], input=data, capture_output=True, cwd=cwd, env=env, timeout=120, check=False
    )


class TestHelpAlias:
    @pytest.mark.parametrize("command", [None, *COMMANDS])
    def test_h_is_help(self, command: str | None, tmp_path: Path) -> None:
        args = [command] if command else []
        short = run_cli(*args, "-h", cwd=tmp_path)
        assert short.returncode == 0, short.stderr
        assert short.stdout.startswith("Usage: ")
        assert "-h, --help" in short.stdout
        assert short.stdout == run_cli(*args, "--help", cwd=tmp_path).stdout


class TestStandardInput:
    def test_answers_from_a_pipe(self, tmp_path: Path) -> None:
        """`-a -` reads the answers from stdin: the same result as the file itself."""
        args = ["assess", "-q", str(MINI), "-f", "json"]
        piped = _piped([*args, "-a", "-"], MINI_ANSWERS.read_bytes(), tmp_path)
        assert piped.returncode == 0, piped.stderr
        named = _piped([*args, "-a", str(MINI_ANSWERS)], b"", tmp_path)
        assert named.returncode == 0, named.stderr
        assert json.loads(piped.stdout) == json.loads(named.stdout)

    def test_errors_name_stdin(self, tmp_path: Path) -> None:
        bad = MINI_ANSWERS.read_bytes().replace(b"turnover: 12", b"turnover: 400")
        proc = _piped(["assess", "-q", str(MINI), "-a", "-", "-f", "json"], bad, tmp_path)
        assert proc.returncode == 3, proc.stderr
        assert proc.stderr.decode().startswith("<stdin>:7:13: error: answers.turnover.value")

    def test_empty_stdin(self, tmp_path: Path) -> None:
        proc = _piped(["assess", "-q", str(MINI), "-a", "-"], b"", tmp_path)
        assert proc.returncode == 3, proc.stderr
        assert b"standard input is empty" in proc.stderr

    def test_stdin_is_read_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A command that reads its answers twice (--min-band finds the questionnaire first)
        gets the same bytes both times."""
        from mutual_detector import stdin
        from mutual_detector.loading import load_answers

        monkeypatch.setattr(stdin, "_kept", None)
        piped = io.TextIOWrapper(io.BytesIO(MINI_ANSWERS.read_bytes()), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", piped)
        first, second = load_answers("-"), load_answers("-")
        assert first.answers == second.answers == load_answers(MINI_ANSWERS).answers
        assert first.document.file == "<stdin>"


class TestCompletionScripts:
    @pytest.mark.parametrize(
        ("shell", "marker"),
        [
            ("zsh", "#compdef mutual-detector"),
            ("fish", "complete --command mutual-detector"),
            ("bash", "complete -o default -F _mutual_detector_completion mutual-detector"),
        ],
    )
    def test_the_named_shell(self, shell: str, marker: str, tmp_path: Path) -> None:
        """The script of the shell named, whichever shell runs the command."""
        for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
            proc = subprocess.run(
                [SCRIPT, *args],
                capture_output=True,
                text=True,
                cwd=tmp_path,
                env={**os.environ, "SHELL": "/bin/bash"},
                stdin=subprocess.DEVNULL,
                timeout=120,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr
            assert marker in proc.stdout

    def test_an_unknown_shell(self, tmp_path: Path) -> None:
        proc = run_cli("--show-completion", "tcsh", cwd=tmp_path)
        assert proc.returncode == 2
        assert "'tcsh' is not one of" in proc.stderr

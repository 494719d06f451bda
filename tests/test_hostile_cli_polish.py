"""Everyday polish: --version, shell completion, NO_COLOR and narrow terminals.

Completion runs the real program with typer's bash protocol (the variables the
script from ``--show-completion`` sets). Colour and width are checked
through a real pseudo-terminal, since colour is only ever used on one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from mutual_detector import ANSWERS_FORMAT, QUESTIONNAIRE_FORMAT, RESULT_FORMAT, __version__
from mutual_detector.cli import app

ASSETS = Path(__file__).resolve().parent / "assets"
PROGRAM = shutil.which("mutual-detector", path=str(Path(sys.executable).parent)) or ""
assert PROGRAM, "the mutual-detector script is not installed (pip install -e '.[test]')"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def test_version_names_the_formats_it_reads_and_writes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (
        0,
        f"mutual-detector {__version__}\n"
        f"reads {QUESTIONNAIRE_FORMAT}, {ANSWERS_FORMAT}; writes {RESULT_FORMAT}\n",
    )


# --------------------------------------------------------------------------- completion


def complete(words: str) -> list[str]:
    """What bash completion offers for ``words`` (the last word is the one being typed)."""
    parts = words.split(" ")
    env = {
        **os.environ,
        "_MUTUAL_DETECTOR_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    proc = subprocess.run(
        [PROGRAM], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    return proc.stdout.split()


@pytest.mark.slow
class TestBashCompletion:
    def test_a_command_name(self) -> None:
        assert complete("mutual-detector val") == ["validate"]

    def test_every_command(self) -> None:
        from mutual_detector.cli.root import COMMANDS

        assert complete("mutual-detector ") == list(COMMANDS)

    def test_an_option(self) -> None:
        assert complete("mutual-detector validate --fo") == ["--format"]

    def test_an_option_value(self) -> None:
        assert complete("mutual-detector validate -f ") == ["text", "json", "github", "sarif"]

    def test_an_argument_choice(self) -> None:
        assert complete("mutual-detector schema a") == ["answers"]

    @pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
    def test_bash_itself_with_the_installed_script(self) -> None:
        """The script from --show-completion, loaded into bash, offers the command."""
        script = (
            'source <("$PROGRAM" --show-completion); '
            "COMP_WORDS=(mutual-detector assess --no-i); COMP_CWORD=2; "
            '_mutual_detector_completion "$PROGRAM"; printf "%s\\n" "${COMPREPLY[@]}"'
        )
        proc = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c", script],
            env={**os.environ, "PROGRAM": PROGRAM},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert (proc.returncode, proc.stdout) == (0, "--no-input\n")

    @pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
    def test_the_script_to_install(self) -> None:
        proc = subprocess.run(  # run from bash: the shell is detected from the parent process
            ["bash", "--norc", "--noprofile", "-c", '"$PROGRAM" --show-completion'],
            env={**os.environ, "PROGRAM": PROGRAM},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0
        assert "complete -o default -F _mutual_detector_completion mutual-detector" in proc.stdout
        assert "_MUTUAL_DETECTOR_COMPLETE=complete_bash" in proc.stdout


# --------------------------------------------------------------------------- terminal


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "answers.yaml")
    (tmp_path / "bad.yaml").write_text("format: mutual-detector/answers@1\na: 1\na: 2\n")
    return tmp_path


COMMANDS = {
    "assess": ["assess", "-a", "answers.yaml", "-q", "mini.yaml", "--no-what-if"],
    "batch": ["batch", "answers.yaml", "-q", "mini.yaml", "-j", "1", "--quiet"],
    "validate": ["validate", "bad.yaml"],
}
#: Each command's exit code there: bad.yaml has a duplicate key, an input error.
CODES = {"assess": 0, "batch": 0, "validate": 3}


def on_terminal(command: str, cwd: Path, *, columns: int = 80, **env: str) -> str:
    """Run ``command`` in a pseudo-terminal ``columns`` wide; return everything it printed."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environ.update(env, TERM="xterm-256color")
    environ.pop("COLUMNS", None)
    child = pexpect.spawn(
        PROGRAM,
        COMMANDS[command],
        cwd=str(cwd),
        env=environ,
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=120,
    )
    output: str = child.read()
    child.close()
    assert child.exitstatus == CODES[command], output
    assert "Traceback" not in output
    return output


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("command", sorted(COMMANDS))
class TestTerminal:
    def test_colour_on_a_terminal(self, command: str, workdir: Path) -> None:
        """The control case: without NO_COLOR a terminal gets colour (so the next test can fail)."""
        assert ANSI.search(on_terminal(command, workdir))

    def test_no_color_turns_colour_off(self, command: str, workdir: Path) -> None:
        assert not ANSI.search(on_terminal(command, workdir, NO_COLOR="1"))

    def test_lines_fit_an_80_column_terminal(self, command: str, workdir: Path) -> None:
        out = ANSI.sub("", on_terminal(command, workdir, NO_COLOR="1"))
        assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
@pytest.mark.parametrize("command", ["assess", "batch"])
def test_lines_fit_a_40_column_terminal(command: str, workdir: Path) -> None:
    """(validate prints one finding per line whatever the width, so it is not in this test.)"""
    out = ANSI.sub("", on_terminal(command, workdir, columns=40, NO_COLOR="1"))
    assert max(len(line) for line in out.splitlines()) <= 40

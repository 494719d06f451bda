"""One terminal policy for every command: colour and width (issue 15).

:mod:`mutual_detector.terminal` holds the rules; the policy is tested once on its
own, then every command that draws text is run over the same matrix, piped and
in a real pseudo-terminal, so that no command can keep rules of its own.
"""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest

from clirun import CLI, run_cli
from mutual_detector.terminal import FILE, LAYOUTS, MIN_WIDTH, Terminal

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BEFORE, AFTER = (str(p) for p in EXAMPLES[:2])
BAD = str(ROOT / "tests" / "bad" / "q103-forward-reference.yaml")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

#: Every command that draws text for people, and the layout it is drawn in (None: never
#: wrapped, so that each finding stays on one line for grep).
COMMANDS: dict[str, tuple[list[str], str | None]] = {
    "assess": (["assess", "--answers", BEFORE, "--no-input"], "report"),
    "batch": (["batch", BEFORE, AFTER, "--quiet"], "table"),
    "compare": (["compare", BEFORE, AFTER], "compare"),
    "validate": (["validate", BAD], None),
}
#: Their exit codes: the file given to validate has an error (1).
CODES = {"assess": 0, "batch": 0, "compare": 0, "validate": 1}


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


class TestPolicy:
    @pytest.mark.parametrize(
        ("tty", "env", "color"),
        [
            (True, {}, True),
            (False, {}, False),
            (True, {"NO_COLOR": "1"}, False),
            (True, {"NO_COLOR": ""}, True),  # set but empty: not set
            (False, {"FORCE_COLOR": "1"}, True),
            (True, {"TERM": "dumb"}, False),
            (False, {"TERM": "dumb", "FORCE_COLOR": "1"}, True),
            (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ],
    )
    def test_colour(self, tty: bool, env: dict[str, str], color: bool) -> None:
        assert Terminal.of(_Stream(tty), env).color is color

    @pytest.mark.parametrize("layout", sorted(LAYOUTS))
    @pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
    def test_width(self, layout: str, tty: bool) -> None:
        """COLUMNS is the width wherever the output goes, a terminal or a pipe (#17)."""
        for columns, width in [
            (10, MIN_WIDTH),
            (70, 70 - LAYOUTS[layout].margin),  # type: ignore[index]
            (1000, LAYOUTS[layout].most),  # type: ignore[index]
        ]:
            term = Terminal.of(_Stream(tty), {"COLUMNS": str(columns)})
            assert term.width(layout) == max(MIN_WIDTH, width)  # type: ignore[arg-type]

    @pytest.mark.parametrize("layout", sorted(LAYOUTS))
    @pytest.mark.parametrize("columns", ["", "wide", "0", "-5"])
    def test_a_pipe_without_columns_gets_the_fixed_width(self, layout: str, columns: str) -> None:
        env = {"COLUMNS": columns} if columns else {}
        piped = Terminal.of(_Stream(False), env)
        assert piped.width(layout) == LAYOUTS[layout].piped  # type: ignore[arg-type,index]

    def test_a_file_is_plain(self) -> None:
        assert (FILE.color, FILE.width("report")) == (False, LAYOUTS["report"].piped)


def _widest(text: str) -> int:
    return max((len(ANSI.sub("", line)) for line in text.splitlines()), default=0)


def _flagged(args: list[str], flag: str | None) -> list[str]:
    """``args`` with ``--no-color`` before the command, after it, or not at all."""
    if flag == "before":
        return ["--no-color", *args]
    return [*args, "--no-color"] if flag == "after" else args


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("env", "flag", "color"),
    [
        ({}, None, False),
        ({"FORCE_COLOR": "1"}, None, True),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, None, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, None, False),
        ({"FORCE_COLOR": "1"}, "before", False),
        ({"FORCE_COLOR": "1"}, "after", False),
        ({"COLUMNS": "50"}, None, False),
    ],
    ids=[
        "plain",
        "force",
        "force-dumb",
        "force-no-color",
        "force-flag",
        "force-flag-after",
        "columns",
    ],
)
def test_piped(command: str, env: dict[str, str], flag: str | None, color: bool) -> None:
    """Into a pipe: colour only when forced; COLUMNS if set, else each layout's fixed width."""
    args, layout = COMMANDS[command]
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS")
    }
    done = run_cli(*_flagged(args, flag), env={**base, **env})
    assert done.returncode == CODES[command], done.stderr
    assert ("\x1b[" in done.stdout) is color, done.stdout[:300]
    if layout is not None:
        width = Terminal.of(_Stream(False), env).width(layout)  # type: ignore[arg-type]
        assert width == (50 if "COLUMNS" in env else LAYOUTS[layout].piped)  # type: ignore[index]
        assert _widest(done.stdout) <= width


def test_every_command_takes_no_color_after_it() -> None:
    """``--no-color`` is one option, accepted before the command and after every one (#17)."""
    from mutual_detector.cli.root import COMMANDS as ALL

    for command in ALL:
        done = run_cli(command, "--no-color", "--help")
        assert done.returncode == 0, (command, done.stderr)
        assert "--no-color" in done.stdout, command


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("env", "flag", "color"),
    [
        ({}, None, True),
        ({"NO_COLOR": "1"}, None, False),
        ({"TERM": "dumb"}, None, False),
        ({}, "before", False),
        ({}, "after", False),
        ({"COLUMNS": "60"}, None, True),
    ],
    ids=["terminal", "no-color", "dumb", "no-color-flag", "no-color-flag-after", "columns"],
)
def test_at_a_terminal(command: str, env: dict[str, str], flag: str | None, color: bool) -> None:
    """In a real pseudo-terminal: colour unless turned off, and the terminal's width."""
    import pexpect

    args, layout = COMMANDS[command]
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    base.update({"TERM": "xterm", **env})
    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], *_flagged(args, flag)],
        env=base,
        encoding="utf-8",
        timeout=120,
        dimensions=(40, 90),
    )
    child.expect(pexpect.EOF)
    child.close()
    out = child.before
    assert child.exitstatus == CODES[command], out
    assert ("\x1b[" in out) is color, out[:300]
    if layout is not None:
        columns = int(env.get("COLUMNS", "90"))
        spec = LAYOUTS[layout]  # type: ignore[index]
        assert _widest(out) <= max(MIN_WIDTH, min(spec.most, columns - spec.margin))

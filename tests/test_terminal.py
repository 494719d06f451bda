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
    def test_width(self, layout: str) -> None:
        spec = LAYOUTS[layout]  # type: ignore[index]
        piped = Terminal.of(_Stream(False), {"COLUMNS": "50"})
        assert piped.width(layout) == spec.piped  # type: ignore[arg-type]
        for columns, width in [
            (10, MIN_WIDTH),
            (70, 70 - spec.margin),
            (1000, spec.most),
        ]:
            term = Terminal.of(_Stream(True), {"COLUMNS": str(columns)})
            assert term.width(layout) == max(MIN_WIDTH, width)  # type: ignore[arg-type]

    def test_a_file_is_plain(self) -> None:
        assert (FILE.color, FILE.width("report")) == (False, LAYOUTS["report"].piped)


def _widest(text: str) -> int:
    return max((len(ANSI.sub("", line)) for line in text.splitlines()), default=0)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("env", "flag", "color"),
    [
        ({}, False, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, False, True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False, False),
        ({"FORCE_COLOR": "1"}, True, False),
        ({"COLUMNS": "50"}, False, False),
    ],
    ids=["plain", "force", "force-dumb", "force-no-color", "force-flag", "columns"],
)
def test_piped(command: str, env: dict[str, str], flag: bool, color: bool) -> None:
    """Into a pipe: colour only when forced, and each layout's fixed width."""
    args, layout = COMMANDS[command]
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    done = run_cli(*(["--no-color"] if flag else []), *args, env={**base, **env})
    assert done.returncode == CODES[command], done.stderr
    assert ("\x1b[" in done.stdout) is color, done.stdout[:300]
    if layout is not None:
        assert _widest(done.stdout) <= LAYOUTS[layout].piped  # type: ignore[index]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    ("env", "flag", "color"),
    [
        ({}, False, True),
        ({"NO_COLOR": "1"}, False, False),
        ({"TERM": "dumb"}, False, False),
        ({}, True, False),
        ({"COLUMNS": "60"}, False, True),
    ],
    ids=["terminal", "no-color", "dumb", "no-color-flag", "columns"],
)
def test_at_a_terminal(command: str, env: dict[str, str], flag: bool, color: bool) -> None:
    """In a real pseudo-terminal: colour unless turned off, and the terminal's width."""
    import pexpect

    args, layout = COMMANDS[command]
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    base.update({"TERM": "xterm", **env})
    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], *(["--no-color"] if flag else []), *args],
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

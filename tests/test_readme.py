"""The README's tour shows real output: each ``$ mutual-detector …`` example is run.

A ``console`` block in README.md is a command line (``$ …``) followed by what it
prints. The printed lines must appear in the real output in the same order; a
line that is just ``...`` stands for lines left out of the README. So when a
report, a message or a count changes, this test says which README line is stale.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from clirun import run_cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _examples() -> list[tuple[int, list[str], list[str]]]:
    """``(line number, argv, expected lines)`` for each ``$ mutual-detector`` command."""
    out: list[tuple[int, list[str], list[str]]] = []
    lines = README.read_text(encoding="utf-8").splitlines()
    in_block = False
    current: tuple[int, list[str], list[str]] | None = None
    for number, line in enumerate(lines, 1):
        if line.startswith("```"):
            in_block = line.strip() == "```console"
            if current is not None:
                out.append(current)
                current = None
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            if current is not None:
                out.append(current)
            words = shlex.split(line[2:])
            current = (number, words[1:], []) if words[0] == "mutual-detector" else None
        elif current is not None:
            current[2].append(line)
    return out


EXAMPLES = _examples()


def _matches(expected: list[str], actual: list[str]) -> str | None:
    """None if ``expected`` (with ``...`` gaps) appears in ``actual`` in order, else the stale line."""
    segments: list[list[str]] = [[]]
    for line in expected:
        if line.strip() == "...":
            segments.append([])
        else:
            segments[-1].append(line.rstrip())
    position = 0
    for index, segment in enumerate(segments):
        if not segment:
            continue
        # The first segment starts the output; the others follow a gap of any length.
        starts = [0] if index == 0 else range(position, len(actual) - len(segment) + 1)
        found = next((i for i in starts if actual[i : i + len(segment)] == segment), None)
        if found is None:
            return next((line for line in segment if line not in actual[position:]), segment[0])
        position = found + len(segment)
    return None


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(
    ("argv", "expected"),
    [pytest.param(argv, expected, id=f"README.md:{n}") for n, argv, expected in EXAMPLES],
)
def test_readme_example_output_is_real(argv: list[str], expected: list[str]) -> None:
    proc = run_cli(*argv, cwd=ROOT, extra_env={"NO_COLOR": "1", "COLUMNS": "80"})
    actual = [re.sub(r"\s+$", "", line) for line in (proc.stdout + proc.stderr).splitlines()]
    stale = _matches(expected, actual)
    assert stale is None, f"README line not in the output of {argv}: {stale!r}"


def test_a_stale_line_is_caught() -> None:
    """The matcher itself: order, gaps and a changed line."""
    actual = ["a", "b", "c", "d", "e"]
    assert _matches(["a", "b", "...", "d"], actual) is None
    assert _matches(["a", "...", "e"], actual) is None
    assert _matches(["b", "c"], actual) == "b"  # not from the first line
    assert _matches(["a", "...", "d", "c"], actual) == "d"  # order kept
    assert _matches(["a", "...", "x"], actual) == "x"

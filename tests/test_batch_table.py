"""The ``batch`` table at any width: nothing cut inside a word, verdict and score always shown (#17).

Was: at 80 columns the input broke mid-word ("examples/" / "adult-safeguarding-k" /
"ept-in-house.yaml"), the verdict was cut ("Promising, wi..."), flag ids broke,
at 40 columns the score was dropped, and ``COLUMNS`` was ignored when piped.
Every example is run through the real program, piped and in a pseudo-terminal.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from pathlib import Path

import pytest

from clirun import CLI, run_cli
from mutual_detector.render.batch_table import common_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").glob("*.yaml"))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR", "NO_COLOR")}
    return {**base, "NO_COLOR": "1", **extra}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    """What the table must show, from the CSV output of the same batch."""
    done = run_cli("batch", *EXAMPLES, "-f", "csv", cwd=ROOT, env=_env())
    return list(csv.DictReader(io.StringIO(done.stdout.lstrip("\ufeff"))))


def _words(text: str) -> set[str]:
    return set(text.split())


def _check(out: str, rows: list[dict[str, str]], width: int, *, flags: bool = True) -> None:
    """Lines fit ``width``; every name, verdict, service and flag id (``flags``: the
    unranked table lists them all) is shown whole; every score is shown."""
    lines = [ANSI.sub("", line).rstrip() for line in out.splitlines()]
    assert max(len(line) for line in lines) <= width, "\n".join(lines)
    shown = _words("\n".join(lines))
    for row in rows:
        name = Path(row["input"]).name
        assert name in shown, f"input cut: {name}"  # a file name, whole
        if row["status"] != "ok":
            continue
        ids = [f.split(" (")[0] for f in row["flags"].split("; ") if f and flags]
        for word in [*ids, *row["verdict_label"].split(), *row["service"].split()]:
            assert word in shown, f"cut inside a word: {word!r} ({name})"
        score = re.compile(rf"(?<![\d.]){re.escape(row['score'])}(?!\d)")
        assert score.search(out), f"score missing for {name}"
    # The folder they share is said once, not on every row.
    assert sum("examples/" in line for line in lines) == 1


@pytest.mark.parametrize("columns", [40, 60, 80, 100, 120, 160, 200])
def test_piped_at_any_width(columns: int, rows: list[dict[str, str]]) -> None:
    done = run_cli("batch", *EXAMPLES, cwd=ROOT, env=_env(COLUMNS=str(columns)))
    assert done.returncode == 3, done.stderr  # examples/expected.yaml is not answers
    _check(done.stdout, rows, columns)


def test_piped_without_columns_is_the_fixed_width(rows: list[dict[str, str]]) -> None:
    done = run_cli("batch", *EXAMPLES, cwd=ROOT, env=_env())
    _check(done.stdout, rows, 120)


def test_ranked_and_gated_at_80(rows: list[dict[str, str]]) -> None:
    done = run_cli(
        "batch", *EXAMPLES, "--rank", "--min-band", "promising", cwd=ROOT, env=_env(COLUMNS="80")
    )
    _check(done.stdout, rows, 80, flags=False)
    assert "1. strong-community-health.yaml" in done.stdout
    assert "Gate: FAILED" in done.stdout
    assert "Gate: passed" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("columns", [40, 80, 100, 160])
def test_at_a_terminal(columns: int, rows: list[dict[str, str]]) -> None:
    import pexpect

    child = pexpect.spawn(
        CLI[0],
        [*CLI[1:], "batch", *EXAMPLES, "--quiet"],
        cwd=str(ROOT),
        env={**_env(), "TERM": "xterm"},
        encoding="utf-8",
        timeout=120,
        dimensions=(40, columns),
    )
    child.expect(pexpect.EOF)
    child.close()
    _check(child.before, rows, columns)


@pytest.mark.parametrize(
    ("names", "folder"),
    [
        (["examples/a.yaml", "examples/b.yaml"], "examples" + os.sep),
        (["a/x/1.yaml", "a/y/2.yaml"], "a" + os.sep),
        (["a.yaml", "examples/b.yaml"], ""),
        (["a/1.yaml", "b/2.yaml"], ""),
        ([], ""),
    ],
)
def test_common_folder(names: list[str], folder: str) -> None:
    assert common_folder([n.replace("/", os.sep) for n in names]) == folder

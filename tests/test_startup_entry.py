"""The console script starts lean: one command registered, garbage collection paused.

``benchmarks/startup.py`` measures the time; these tests guard the causes:
``main`` registers only the command being run (building every command's
options and importing every command module is a tenth of a short run), and
pauses the cyclic garbage collector until a command that loops or waits for a
person resumes it (:mod:`mutual_detector.gcpause`).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from clirun import run_cli
from mutual_detector import gcpause
from mutual_detector.cli import app as cli_app
from mutual_detector.cli.root import COMMANDS, invoked_command

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "strong-community-health.yaml"

# Runs the console script's main() for ARGS, then (at exit) reports what was loaded.
_PROBE = """
import atexit, gc, json, sys
sys.argv = ["mutual-detector", *{args!r}]
def report():
    modules = sorted(m for m in sys.modules if m.startswith("mutual_detector.cli."))
    print(json.dumps({{"gc": gc.isenabled(), "cli": modules}}), file=sys.stderr)
atexit.register(report)
from mutual_detector.cli import main
main()
"""


def _probe(args: list[str], cwd: Path) -> tuple[int, dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(args=args)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    return proc.returncode, json.loads(proc.stderr.splitlines()[-1])


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the interpreter's collector as the test found it."""
    enabled = gc.isenabled()
    yield
    gcpause._paused = False
    if enabled:
        gc.enable()
    else:
        gc.disable()
    gc.unfreeze()


# --- which command is being run ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["assess", "--answers", "a.yaml"], "assess"),
        (["--no-color", "batch", "x"], "batch"),
        (["--version"], None),
        (["--help"], None),
        ([], None),
        (["asess"], None),  # a typo: every command is registered, so click can suggest one
        (["--no-color"], None),
        (["template", "--help"], "template"),
    ],
)
def test_invoked_command(args: list[str], expected: str | None) -> None:
    assert invoked_command(args) == expected


def test_tab_completion_gets_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_MUTUAL_DETECTOR_COMPLETE", "complete_bash")
    assert invoked_command(["assess"]) is None


def test_app_for_importers_has_every_command() -> None:
    import typer.main

    group = typer.main.get_command(cli_app)
    assert sorted(group.commands) == sorted(COMMANDS)  # type: ignore[attr-defined]


def test_report_registers_only_assess(tmp_path: Path) -> None:
    code, seen = _probe(["assess", "--answers", str(EXAMPLE)], tmp_path)
    assert code == 0
    loaded = [m.rsplit(".", 1)[1] for m in seen["cli"]]  # type: ignore[union-attr]
    assert "assess" in loaded
    assert not {"batch", "compare", "template", "schema", "validate"} & set(loaded)


def test_typo_still_suggests_the_command(tmp_path: Path) -> None:
    proc = run_cli("asess", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Did you mean 'assess'?" in proc.stderr


def test_bare_help_lists_every_command(tmp_path: Path) -> None:
    proc = run_cli("--help", cwd=tmp_path, env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0
    for name in COMMANDS:
        assert f"\n  {name} " in proc.stdout, name


# --- garbage collection ------------------------------------------------------------------


def test_pause_and_resume(collector: None) -> None:
    gc.enable()
    gcpause.pause()
    assert not gc.isenabled()
    before = gc.get_freeze_count()
    gcpause.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() > before  # what start-up made is never scanned again
    gcpause.resume()  # a second resume changes nothing
    assert gc.isenabled()


def test_resume_leaves_a_collector_it_did_not_pause(collector: None) -> None:
    """Library users who turned collection off themselves keep it off."""
    gc.disable()
    gcpause.pause()
    gcpause.resume()
    assert not gc.isenabled()


def test_one_shot_report_runs_without_the_collector(tmp_path: Path) -> None:
    code, seen = _probe(["assess", "--answers", str(EXAMPLE)], tmp_path)
    assert code == 0
    assert seen["gc"] is False


def test_batch_collects_as_usual(tmp_path: Path) -> None:
    code, seen = _probe(["batch", str(EXAMPLE), "-j", "1"], tmp_path)
    assert code == 0
    assert seen["gc"] is True


def test_asking_collects_as_usual(tmp_path: Path) -> None:
    """Answers are missing, so assess goes on to ask (and, with --no-input, stops)."""
    code, seen = _probe(["assess", "--no-input"], tmp_path)
    assert code == 5
    assert seen["gc"] is True

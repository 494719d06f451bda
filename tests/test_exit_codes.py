"""Exit codes are decided in one function, :func:`mutual_detector.errors.exit_code` (issue 15)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mutual_detector.errors import (
    EXIT_CLOSED_PIPE,
    EXIT_FINDINGS,
    EXIT_INCOMPLETE,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_USAGE,
    IncompleteError,
    InputError,
    Interrupted,
    Outcome,
    OutputError,
    UsageError,
    exit_code,
)

SRC = Path(__file__).resolve().parents[1] / "src" / "mutual_detector"


@pytest.mark.parametrize(
    ("what", "code"),
    [
        (None, EXIT_OK),
        (Outcome(), EXIT_OK),
        (Outcome(failing=True), EXIT_FINDINGS),
        (Outcome(unreadable=True), EXIT_INPUT),
        (Outcome(unreadable=True, failing=True), EXIT_INPUT),  # 3 wins over 1
        (UsageError("x"), EXIT_USAGE),
        (InputError("x"), EXIT_INPUT),
        (OutputError("x"), EXIT_OUTPUT),
        (IncompleteError("x"), EXIT_INCOMPLETE),
        (Interrupted("x"), EXIT_INTERRUPTED),
        (KeyboardInterrupt(), EXIT_INTERRUPTED),
        (ValueError("a bug"), EXIT_INTERNAL),
        (BrokenPipeError(), EXIT_CLOSED_PIPE),  # `| head`: ends quietly, 128 + SIGPIPE
    ],
)
def test_the_table(what: object, code: int) -> None:
    assert exit_code(what) == code  # type: ignore[arg-type]


def test_no_other_module_picks_a_code() -> None:
    """Outside errors.py, no module names an exit code, and only the guard exits with one."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name | ast.alias):
                name = node.id if isinstance(node, ast.Name) else node.name
                if name.startswith("EXIT_") and name != "EXIT_CODES_HELP":
                    offenders.append(f"{rel}: {name}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "exit"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "sys"
            ):
                offenders.append(f"{rel}: sys.exit")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Exit"
                and node.args
                and rel != "cli/root.py"
            ):
                offenders.append(f"{rel}: typer.Exit(code)")
    assert offenders == []

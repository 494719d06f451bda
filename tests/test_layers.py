"""The layers of docs/architecture.md, enforced: what each part of the package may import.

Every ``import`` in ``src/mutual_detector`` is read (those inside functions too,
since most imports are deferred for start-up time); imports under
``if TYPE_CHECKING:`` load nothing and are not counted. A module of one part may
import only the parts and libraries its row allows. (``tests/test_engine.py``
also checks, in a fresh interpreter, that importing the engine loads no
terminal library.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mutual_detector"

BASE = {"(root)", "errors", "terminal", "gcpause", "atomic", "text"}
#: Part -> the parts of the package it may import (itself always), and the libraries.
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "(root)": (set(), set()),
    "errors": ({"(root)"}, set()),
    "terminal": (set(), set()),
    "gcpause": (set(), set()),
    "text": (set(), set()),
    "atomic": ({"errors", "text"}, set()),
    "stdin": ({"errors", "model"}, set()),
    "outputs": ({"errors", "text", "loading"}, set()),
    "help_topics": (set(), set()),
    "command_line": ({"errors", "model"}, set()),
    "__main__": ({"cli"}, set()),
    "model": ({"(root)"}, {"pydantic"}),
    "loading": (BASE | {"model", "stdin"}, {"yaml", "pydantic"}),
    "engine": (BASE | {"model"}, {"pydantic"}),
    "schemas": (BASE | {"model"}, {"pydantic"}),
    "compare": (BASE | {"model", "engine"}, set()),
    "template": (BASE | {"model"}, set()),
    "gate": (BASE | {"model", "engine"}, set()),
    "validation": (BASE | {"model", "loading", "outputs"}, {"pydantic"}),
    "calibrate": (BASE | {"model", "loading", "engine"}, {"pydantic"}),
    "answers_io": (BASE | {"model", "loading"}, {"yaml", "pydantic"}),
    "batch": (BASE | {"model", "loading", "engine", "gate"}, {"pydantic"}),
    "render": (
        BASE | {"model", "engine", "compare", "validation", "calibrate", "batch"},
        {"rich"},
    ),
    "interactive": (
        BASE | {"model", "loading", "answers_io", "command_line"},
        {"pydantic", "questionary", "prompt_toolkit"},
    ),
    "cli": ({"*"}, {"typer", "rich", "yaml", "pydantic", "click"}),
}
#: Libraries whose imports are checked (the standard library is free everywhere).
CHECKED_LIBRARIES = {"yaml", "rich", "typer", "click", "questionary", "prompt_toolkit", "pydantic"}
#: Within interactive/, only the frontend talks to the prompt library.
PROMPT_LIBRARIES_ONLY_IN = "interactive/frontend.py"
#: The only modules that write files (all through mutual_detector.atomic): the commands, and
#: the answers and drafts saved by an interactive assessment (README, "Layout").
WRITERS = ("cli/", "interactive/saving.py")


def _part(path: Path) -> str:
    rel = path.relative_to(SRC)
    return (
        rel.parts[0] if len(rel.parts) > 1 else ("(root)" if rel.stem == "__init__" else rel.stem)
    )


def _imports(tree: ast.Module) -> list[str]:
    """Modules imported at run time (not under ``if TYPE_CHECKING:``)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skip.update(id(n) for n in ast.walk(child))
    found: list[str] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            if node.module == "mutual_detector":
                found += [f"mutual_detector.{a.name}" for a in node.names]
    return found


def _target(module: str) -> str | None:
    """The part of the package ``module`` is in; None for a library."""
    parts = module.split(".")
    if parts[0] != "mutual_detector":
        return None
    if len(parts) == 1 or (not (SRC / parts[1]).exists() and not (SRC / f"{parts[1]}.py").exists()):
        return "(root)"  # a name from the package root (ANSWERS_FORMAT, __version__ ...)
    return parts[1]


MODULES = sorted(SRC.rglob("*.py"))


def test_every_part_has_a_row() -> None:
    assert {_part(p) for p in MODULES} <= set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_imports_follow_the_layers(path: Path) -> None:
    part = _part(path)
    parts, libraries = ALLOWED[part]
    wrong = []
    for module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        target = _target(module)
        if target is not None:
            if target != part and "*" not in parts and target not in parts:
                wrong.append(module)
            continue
        library = module.split(".")[0]
        if library in CHECKED_LIBRARIES and library not in libraries:
            wrong.append(module)
        if (
            library in ("questionary", "prompt_toolkit")
            and part == "interactive"
            and path.relative_to(SRC).as_posix() != PROMPT_LIBRARIES_ONLY_IN
        ):
            wrong.append(module)
    assert wrong == [], f"{path.relative_to(SRC)} ({part}) may not import {wrong}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_only_the_writers_write_files(path: Path) -> None:
    """Writing goes through ``atomic``; only the CLI and the saving of typed answers use it."""
    rel = path.relative_to(SRC).as_posix()
    text = path.read_text(encoding="utf-8")
    uses = "mutual_detector.atomic" in _imports(ast.parse(text)) or any(
        call in text for call in ("write_text(", "write_bytes(", "os.replace(", "os.rename(")
    )
    assert not uses or rel == "atomic.py" or rel.startswith(WRITERS), rel


def test_the_architecture_page_names_every_part() -> None:
    """docs/architecture.md is the map: every part of the package is on it."""
    page = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        part
        for part in ALLOWED
        if part not in ("(root)", "__main__")
        and f"`{part}/`" not in page
        and f"`{part}.py`" not in page
        and f"{part}.py" not in page
    ]
    assert missing == []

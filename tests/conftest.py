"""Shared fixtures: kept small and generic (paths, a CLI runner, a file-tree builder)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"
for _required in ("mini.yaml", "mini-answers.yaml"):
    assert (ASSETS / _required).is_file(), f"missing test asset {_required}"


@pytest.fixture
def assets() -> Path:
    return ASSETS


@pytest.fixture
def runner() -> CliRunner:
    """typer's CliRunner; ``result.stdout`` and ``result.stderr`` are kept apart."""
    return CliRunner()


TreeWriter = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def write_tree(tmp_path: Path) -> TreeWriter:
    """Write ``{relative path: text or bytes}`` under a temporary folder; return the folder.

    Text is dedented, so YAML can be written indented inside a test.
    """

    def write(files: dict[str, str | bytes]) -> Path:
        for rel, content in files.items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return tmp_path

    return write


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in an empty temporary folder (answers files are saved to the working folder)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def pipe() -> Iterator[Any]:
    """Keystrokes for prompt_toolkit, fed through a pipe instead of a terminal."""
    from prompt_toolkit.input import create_pipe_input

    with create_pipe_input() as keys:
        yield keys


@pytest.fixture
def keyboard(pipe: Any) -> Callable[[list[str | list[str]]], Any]:
    """The questionary frontend typed at through ``pipe`` (``mini_session.Keyboard``)."""
    from mini_session import Keyboard

    return lambda batches: Keyboard(pipe, batches)


@pytest.fixture(scope="session")
def loaded() -> Any:
    """The mini questionnaire (``tests/assets/mini.yaml``), loaded once."""
    from mutual_detector.loading import load_questionnaire

    return load_questionnaire(ASSETS / "mini.yaml")


@pytest.fixture(scope="session")
def mini(loaded: Any) -> Any:
    """The mini questionnaire's model (a test module may give ``mini`` another meaning)."""
    return loaded.questionnaire

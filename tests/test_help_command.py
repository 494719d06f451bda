"""``mutual-detector help [TOPIC]``: the documentation from inside the installed package (#17).

The wheel test (tests/test_packaging.py) runs it from an installed wheel; these
run it from the checkout.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clirun import run_cli
from mutual_detector.model.findings import RULES

ROOT = Path(__file__).resolve().parents[1]


def test_the_topics_are_listed(tmp_path: Path) -> None:
    proc = run_cli("help", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"  {doc.stem} " in proc.stdout
    assert "Conditions (when:)" in proc.stdout


@pytest.mark.parametrize("topic", ["expressions", "format", "scoring", "errors"])
def test_a_topic_prints_its_page(topic: str, tmp_path: Path) -> None:
    proc = run_cli("help", topic, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (ROOT / "docs" / f"{topic}.md").read_text(encoding="utf-8")


def test_other_names_for_a_topic(tmp_path: Path) -> None:
    proc = run_cli("help", "conditions", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.startswith("# Conditions")


def test_an_unknown_topic(tmp_path: Path) -> None:
    proc = run_cli("help", "exprssions", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no help topic 'exprssions' (did you mean 'expressions'?)" in proc.stderr


def test_a_command(tmp_path: Path) -> None:
    proc = run_cli("help", "assess", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--save-answers" in proc.stdout


def test_the_expression_hint_names_the_command(tmp_path: Path) -> None:
    """Q105's fix names `mutual-detector help expressions`, which works without the checkout."""
    assert "`mutual-detector help expressions`" in RULES["Q105"].hint
    proc = run_cli("validate", str(ROOT / "tests" / "bad" / "q105-expression-syntax.yaml"))
    assert "fix: See `mutual-detector help expressions`" in proc.stdout

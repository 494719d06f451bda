"""A short, bounded run of the fuzz targets in fuzz/ (the long run is ``python fuzz/run.py``).

Each target must end every input in a documented way: accepted, or refused
with findings (InputError, ExpressionError, or a pydantic ValidationError
turned into findings), each finding one line of bounded length. Hypothesis
shrinks any counter-example it finds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "fuzz"))

import strategies  # noqa: E402  (fuzz/ is not a package)
import targets  # noqa: E402

from mutual_detector.model.findings import Finding, finding  # noqa: E402

BOUNDED = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class TestFuzzTargets:
    @BOUNDED
    @given(strategies.STRATEGIES["yaml"])
    def test_yaml_loader(self, data: str | bytes) -> None:
        """parse_yaml, then validation and lint (or the answers checks), never crash."""
        assert targets.yaml_any_target(data)

    @BOUNDED
    @given(strategies.questionnaire_variant())
    def test_questionnaire_variants(self, text: str) -> None:
        """Near-valid questionnaires reach the model and the linter."""
        assert targets.yaml_target(text).startswith(("questionnaire:", "yaml:"))

    @settings(BOUNDED, max_examples=300)
    @given(strategies.STRATEGIES["expr"])
    def test_expressions(self, data: tuple[str, dict[str, Any]]) -> None:
        """parse, check and evaluate never crash; evaluation always gives a bool."""
        assert targets.expr_target(*data) in ("syntax-error", "type-error", "ok")

    @BOUNDED
    @given(strategies.STRATEGIES["answers"])
    def test_answers(self, data: tuple[dict[str, Any], bool]) -> None:
        """AnswersFile validation and resolve never crash, directly or through YAML."""
        assert targets.answers_text_target(*data) in ("invalid", "errors", "valid")


class TestInvariantsCanFail:
    """The fuzz invariants are real: each rejects what it should."""

    def test_a_finding_on_two_lines_is_caught(self) -> None:
        bad = finding("E001", "first line\nsecond line").located("fuzz.yaml", 1, 1)
        with pytest.raises(targets.InvariantError, match="not one line"):
            targets.check_findings([bad])

    def test_an_overlong_finding_is_caught(self) -> None:
        bad = finding("E001", "x" * 2000).located("fuzz.yaml", 1, 1)
        with pytest.raises(targets.InvariantError, match="characters long"):
            targets.check_findings([bad])

    def test_a_finding_that_is_not_utf8_is_caught(self) -> None:
        bad = finding("E001", "lone \ud800 surrogate").located("fuzz.yaml", 1, 1)
        with pytest.raises(targets.InvariantError, match="UTF-8"):
            targets.check_findings([bad])

    def test_an_unknown_rule_is_caught(self) -> None:
        with pytest.raises(targets.InvariantError, match="unknown rule"):
            targets.check_findings([Finding("Z999", "made up")])

    def test_a_good_finding_passes(self) -> None:
        good = finding("E002", "duplicate key 'a'").located("fuzz.yaml", 2, 1)
        assert targets.check_findings([good]) == 1


@pytest.mark.slow
def test_the_fuzz_runner_reports_counts_and_no_uncaught_exceptions() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "fuzz" / "run.py"),
            *["--target", "all", "--count", "30", "--seed", "1"],
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    for name in ("yaml", "expr", "answers"):
        assert any(line.startswith(f"{name} ") and "inputs=30 uncaught=0" in line for line in lines)
    assert any(line.startswith("total    inputs=90 uncaught=0") for line in lines)

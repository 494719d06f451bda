"""The example assessments in examples/ give the outcomes recorded in examples/expected.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mutual_detector.engine import assess
from mutual_detector.loading import check_answers, load_answers, load_questionnaire
from mutual_detector.model.result import Result

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
QUESTIONNAIRE = ROOT / "questionnaires" / "mutual-detector.yaml"
EXPECTED_FILE = EXAMPLES / "expected.yaml"

assert EXPECTED_FILE.is_file(), EXPECTED_FILE

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml") if p != EXPECTED_FILE)


@pytest.fixture(scope="module")
def questionnaire() -> Any:
    return load_questionnaire(QUESTIONNAIRE)


def _assess(questionnaire: Any, name: str) -> Result:
    loaded = load_answers(EXAMPLES / name)
    return assess(questionnaire.questionnaire, loaded.answers, whatif=False)


class TestExpectedFile:
    def test_lists_every_example(self) -> None:
        """Every example has expectations, and every expectation has an example."""
        assert sorted(EXPECTED) == EXAMPLE_FILES

    def test_has_at_least_ten_examples(self) -> None:
        """The examples cover at least ten different services."""
        assert len(EXAMPLE_FILES) >= 10

    def test_covers_every_band(self, questionnaire: Any) -> None:
        """Some example lands in each band, and one is inconclusive."""
        bands = {b.id for b in questionnaire.questionnaire.scoring.bands} | {"inconclusive"}
        assert bands == {e["band"] for e in EXPECTED.values()}


@pytest.mark.parametrize("name", EXAMPLE_FILES)
class TestExample:
    def test_answers_are_clean(self, questionnaire: Any, name: str) -> None:
        """The answers file passes validation with no errors or warnings."""
        findings = check_answers(load_answers(EXAMPLES / name), questionnaire)
        assert [f.one_line() for f in findings] == []

    def test_band(self, questionnaire: Any, name: str) -> None:
        """The verdict is the expected band (or inconclusive)."""
        verdict = _assess(questionnaire, name).verdict
        actual = verdict.band if verdict.status == "decided" else "inconclusive"
        assert EXPECTED[name]["band"] == actual

    def test_top_legal_form(self, questionnaire: Any, name: str) -> None:
        """The first-ranked legal form is the expected one (null: none is ranked)."""
        want = EXPECTED[name]["top_legal_form"]
        forms = _assess(questionnaire, name).recommendations.legal_forms
        assert want == (forms[0].id if forms else None)

    def test_flags(self, questionnaire: Any, name: str) -> None:
        """Every expected flag is raised."""
        raised = {f.id for f in _assess(questionnaire, name).flags if f.status == "raised"}
        assert set(EXPECTED[name]["flags"]) - raised == set()

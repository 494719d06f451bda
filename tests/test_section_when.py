"""A section's `when:` gates all its questions (joined with each question's own by 'and')."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutual_detector.engine import assess
from mutual_detector.loading import load_answers, load_questionnaire
from mutual_detector.model.questionnaire import Questionnaire

ASSETS = Path(__file__).parent / "assets"
MINI = (ASSETS / "mini.yaml").read_text(encoding="utf-8")

GATED = MINI.replace(
    "    title: Money\n    weight: 1\n",
    "    title: Money\n    weight: 1\n    when: \"appetite != 'few'\"\n",
).replace(
    "    scale: {min: 1, max: 5, labels: {1: Not at all, 5: Fully}}\n",
    '    scale: {min: 1, max: 5, labels: {1: Not at all, 5: Fully}}\n    when: "turnover < 50"\n',
)


@pytest.fixture
def gated(tmp_path: Path) -> Path:
    path = tmp_path / "gated.yaml"
    path.write_text(GATED, encoding="utf-8")
    return path


def _answers(tmp_path: Path, appetite: str) -> Path:
    text = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
    text = text.replace("questionnaire: mini", "questionnaire: mini").replace(
        "appetite: most", f"appetite: {appetite}"
    )
    path = tmp_path / f"answers-{appetite}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class TestSectionWhen:
    def test_conditions_are_joined(self, gated: Path) -> None:
        q = load_questionnaire(gated).questionnaire
        by_id = q.question_index
        assert by_id["turnover"].when is not None
        assert by_id["turnover"].when.source == "appetite != 'few'"
        assert by_id["readiness"].when is not None
        assert by_id["readiness"].when.source == "(appetite != 'few') and (turnover < 50)"
        assert by_id["appetite"].when is None

    def test_joining_is_idempotent(self, gated: Path) -> None:
        q = load_questionnaire(gated).questionnaire
        again = Questionnaire.model_validate(q.model_dump())
        assert again.sha256 == q.sha256

    def test_the_section_is_not_applicable_when_its_condition_fails(
        self, gated: Path, tmp_path: Path
    ) -> None:
        q = load_questionnaire(gated).questionnaire
        answers = load_answers(_answers(tmp_path, "few")).answers
        explained = {e.id: e.status for e in assess(q, answers, whatif=False).explanations}
        assert explained["turnover"] == "not_applicable"
        assert explained["readiness"] == "not_applicable"
        answers = load_answers(_answers(tmp_path, "some")).answers
        explained = {e.id: e.status for e in assess(q, answers, whatif=False).explanations}
        assert explained["turnover"] == "answered"
        assert explained["readiness"] == "answered"

    def test_a_problem_in_the_section_condition_is_reported_once_at_the_section(
        self, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(GATED.replace("appetite != 'few'\"\n", "appetite != 'lots'\"\n", 1))
        from mutual_detector.errors import InputError

        with pytest.raises(InputError) as caught:
            load_questionnaire(bad)
        q106 = [f for f in caught.value.findings if f.rule == "Q106"]
        assert [f.dotted_path for f in q106] == ["sections[1].when"]
        assert (q106[0].line, q106[0].column) == (23, 24)

    def test_a_problem_in_the_question_part_points_inside_its_own_text(
        self, tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text(GATED.replace('when: "turnover < 50"', "when: \"turnover < 'x'\""))
        from mutual_detector.errors import InputError

        with pytest.raises(InputError) as caught:
            load_questionnaire(bad)
        (f,) = [f for f in caught.value.findings if f.rule == "Q106"]
        assert f.dotted_path == "questions[3].when"
        assert "(at character 10)" in f.message

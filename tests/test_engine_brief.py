"""The brief (what batch tables, CSV rows and rankings show) equals that of the full result.

``batch`` works out only the brief when its output does not need full results
(:func:`mutual_detector.engine.brief.brief`). These tests check, on every
example, every snapshot and generated answers, that it gives exactly what
:meth:`Brief.of_result` reads from the full :func:`assess` result, and that
the batch summary and gate built from either are the same.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutual_detector.batch.worker import summarise
from mutual_detector.engine import assess
from mutual_detector.engine.brief import Brief, brief
from mutual_detector.errors import InputError
from mutual_detector.gate import Gate
from mutual_detector.loading import get_questionnaire
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.questionnaire import Questionnaire
from test_engine_construct import INPUTS
from test_engine_properties import SETTINGS, cases, messy_cases, value_for

BUILTIN = get_questionnaire(None).questionnaire


def _same(q: Questionnaire, answers: AnswersFile) -> Brief:
    quick = brief(q, answers)
    full = Brief.of_result(assess(q, answers, whatif=False))
    assert quick == full
    bands = tuple(b.id for b in q.scoring.bands)
    scored = tuple(s.id for s in q.sections if s.scored)
    assert summarise(quick, bands, scored) == summarise(full, bands, scored)
    return quick


@pytest.mark.parametrize(("name", "q", "answers"), INPUTS, ids=[i[0] for i in INPUTS])
def test_examples(name: str, q: Questionnaire, answers: AnswersFile) -> None:
    b = _same(q, answers)
    assert len(b.section_scores) == len(q.sections)


def test_the_examples_cover_what_a_brief_holds() -> None:
    """Otherwise the equality above would prove little."""
    briefs = [brief(q, a) for _, q, a in INPUTS]
    assert any(b.conclusive for b in briefs)
    assert any(not b.conclusive for b in briefs)
    assert len({b.legal_form for b in briefs}) >= 3
    assert any(f.severity == "blocker" and f.cap for b in briefs for f in b.flags)
    assert any(len(b.flags) >= 3 for b in briefs)
    assert {b.band for b in briefs if b.conclusive} >= {"strong", "promising"}


@st.composite
def builtin_answers(draw: st.DrawFn) -> AnswersFile:
    given_: dict[str, Any] = {}
    for question in BUILTIN.questions:
        choice = draw(st.sampled_from(["value", "value", "value", "missing", "dont_know"]))
        if choice == "value":
            given_[question.id] = value_for(draw, question)
        elif choice == "dont_know" and question.dont_know:
            given_[question.id] = "dont_know"
    return AnswersFile.model_validate(
        {"format": "mutual-detector/answers@1", "questionnaire": BUILTIN.id, "answers": given_}
    )


@SETTINGS
@given(builtin_answers())
def test_generated_answers_to_the_builtin(answers: AnswersFile) -> None:
    assert _outcome(lambda: brief(BUILTIN, answers)) == _outcome(
        lambda: Brief.of_result(assess(BUILTIN, answers, whatif=False))
    )


def _outcome(fn: Any) -> Any:
    """What ``fn`` returns, or the findings of the InputError it raises."""
    try:
        return fn()
    except InputError as exc:  # e.g. an answer to a question that does not apply
        return ("InputError", exc.findings)


@SETTINGS
@given(cases())
def test_generated_questionnaires(case: tuple[Questionnaire, AnswersFile]) -> None:
    _same(*case)


@SETTINGS
@given(messy_cases())
def test_messy_answers(case: tuple[Questionnaire, dict[str, Any]]) -> None:
    """Warnings are counted alike; errors raised alike."""
    q, given_ = case
    answers = AnswersFile.model_validate(
        {"format": "mutual-detector/answers@1", "questionnaire": q.id, "answers": given_}
    )
    assert _outcome(lambda: brief(q, answers)) == _outcome(
        lambda: Brief.of_result(assess(q, answers, whatif=False))
    )


def test_gate_reads_a_brief_as_it_reads_a_result() -> None:
    for _, q, answers in INPUTS:
        bands = [(b.id, b.id) for b in q.scoring.bands]
        for min_band in (None, *(b for b, _ in bands)):
            gate = Gate.build(bands, min_band, 50.0)
            assert gate is not None
            result = assess(q, answers, whatif=False)
            assert gate.check_brief(brief(q, answers)) == gate.check_result(result)


class TestTopLegalForm:
    """A form that is ruled out is never the brief's best form, however high it scores."""

    @staticmethod
    def _case(tmp_path: Any, base: int, equity: bool) -> tuple[Questionnaire, AnswersFile]:
        from pathlib import Path

        import yaml

        from mutual_detector.loading import load_questionnaire

        assets = Path(__file__).resolve().parent / "assets"
        text = (assets / "mini.yaml").read_text(encoding="utf-8")
        text = text.replace("    base: 1\n", f"    base: {base}\n", 1)
        (tmp_path / "q.yaml").write_text(text, encoding="utf-8")
        q = load_questionnaire(tmp_path / "q.yaml").questionnaire
        data = yaml.safe_load((assets / "mini-answers.yaml").read_text(encoding="utf-8"))
        data["answers"]["equity"] = equity
        return q, AnswersFile.model_validate(data)

    def test_a_ruled_out_form_with_the_top_score_is_passed_over(self, tmp_path: Any) -> None:
        q, answers = self._case(tmp_path, base=9, equity=True)  # CIO scores 9 but is ruled out
        assert _same(q, answers).legal_form == "CIC"

    def test_the_highest_score_wins_when_nothing_is_ruled_out(self, tmp_path: Any) -> None:
        q, answers = self._case(tmp_path, base=9, equity=False)
        assert _same(q, answers).legal_form == "CIO"

    def test_a_tie_goes_to_the_first_id(self, tmp_path: Any) -> None:
        q, answers = self._case(tmp_path, base=1, equity=False)  # CIC 1 (community), CIO 1
        assert _same(q, answers).legal_form == "CIC"

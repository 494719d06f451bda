"""Engine invariants over generated questionnaires and answers (hypothesis)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mutual_detector.engine import assess, compile_questionnaire
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import lint
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result
from mutual_detector.render.json import render_json

SETTINGS = settings(
    max_examples=int(os.environ.get("MUTUAL_DETECTOR_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KINDS = ["single", "multi", "scale", "yes_no", "number"]
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots" / "engine"
TS = "2026-11-25T00:00:00Z"


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    n_sections = draw(st.integers(1, 3))
    sections: list[dict[str, Any]] = [
        {
            "id": f"s{i}",
            "topic": "t",
            "title": f"Section {i}",
            "weight": draw(st.sampled_from([0.5, 1, 2, 3])),
        }
        for i in range(n_sections)
    ]
    if draw(st.booleans()):
        sections.append({"id": "form", "topic": "t", "title": "Form", "scored": False})
    questions: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(KINDS))
        q: dict[str, Any] = {
            "id": f"q{i}",
            "section": draw(st.sampled_from([s["id"] for s in sections])),
            "kind": kind,
            "prompt": f"Question {i}?",
            "weight": draw(st.sampled_from([0.5, 1, 2])),
            "dont_know": draw(st.booleans()) or True,
        }
        scores = st.sampled_from([0, 1, 2, 3])
        if kind in ("single", "multi"):
            n = draw(st.integers(2, 4))
            opts = [{"value": f"o{k}", "label": f"O{k}", "score": draw(scores)} for k in range(n)]
            opts[draw(st.integers(0, n - 1))]["score"] = draw(st.sampled_from([1, 2, 4]))
            q["options"] = opts
            if kind == "multi" and draw(st.booleans()):
                q["max_score"] = draw(st.sampled_from([1, 2, 3]))
            if kind == "multi" and draw(st.booleans()):
                opts[-1]["exclusive"] = True  # "none of these": chosen only on its own
        elif kind == "scale":
            lo = draw(st.integers(0, 2))
            hi = lo + draw(st.integers(1, 4))
            q["scale"] = {"min": lo, "max": hi}
            if draw(st.booleans()):
                q["scale"]["scores"] = {v: draw(scores) for v in range(lo, hi + 1)}
        elif kind == "yes_no":
            q["yes_score"] = draw(scores)
            q["no_score"] = draw(scores)
        else:
            cut = draw(st.sampled_from([20, 50, 80]))
            q["number"] = {
                "min": 0,
                "max": 100,
                "bands": [{"min": 0, "max": cut, "score": draw(scores)}, {"min": cut, "max": 100, "score": draw(scores)}],
            }  # fmt: skip
        earlier = [p for p in questions if p["kind"] in ("single", "yes_no")]
        if earlier and draw(st.integers(0, 3)) == 0:
            ref = draw(st.sampled_from(earlier))
            if ref["kind"] == "single":
                op = draw(st.sampled_from(["==", "!="]))
                q["when"] = f"{ref['id']} {op} '{draw(st.sampled_from(ref['options']))['value']}'"
            else:
                q["when"] = ref["id"] if draw(st.booleans()) else f"not {ref['id']}"
        questions.append(q)
    flags = []
    for k in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(questions))
        cond = _condition(draw, target)
        severity = draw(st.sampled_from(["blocker", "blocker", "warning"]))
        flag: dict[str, Any] = {
            "id": f"f{k}",
            "when": cond,
            "severity": severity,
            "message": "Flag.",
        }
        if severity == "blocker" and draw(st.booleans()):
            flag["cap"] = draw(st.sampled_from(["top", "mid", "low"]))
        flags.append(flag)
    cut1 = draw(st.sampled_from([40, 50, 60]))
    cut2 = draw(st.sampled_from([70, 80]))
    data = {
        "format": "mutual-detector/questionnaire@1",
        "id": "gen",
        "title": "Generated",
        "version": "1",
        "topics": [{"id": "t", "title": "T"}],
        "sections": sections,
        "questions": questions,
        "flags": flags,
        "scoring": {
            "confidence_threshold": draw(st.sampled_from([0.0, 0.5, 0.6, 0.9])),
            "bands": [
                {"id": "top", "label": "Top", "min": cut2, "max": 100},
                {"id": "mid", "label": "Mid", "min": cut1, "max": cut2},
                {"id": "low", "label": "Low", "min": 0, "max": cut1},
            ],
        },
    }
    q_model = Questionnaire.model_validate(data)
    errors = [f for f in lint(q_model) if f.level == "error"]
    assume(not errors)
    return q_model


def _condition(draw: st.DrawFn, q: dict[str, Any]) -> str:
    kind = q["kind"]
    if kind == "single":
        return f"{q['id']} == '{draw(st.sampled_from(q['options']))['value']}'"
    if kind == "multi":
        return f"'{draw(st.sampled_from(q['options']))['value']}' in {q['id']}"
    if kind == "yes_no":
        return q["id"] if draw(st.booleans()) else f"{q['id']} == false"
    if kind == "scale":
        return f"{q['id']} <= {q['scale']['min'] + 1}"
    return f"{q['id']} >= {draw(st.sampled_from([10, 50, 90]))}"


def value_for(draw: st.DrawFn, q: Any) -> Any:
    kind = q.kind
    if kind == "single":
        return draw(st.sampled_from([o.value for o in q.options]))
    if kind == "multi":
        chosen = draw(st.sets(st.sampled_from([o.value for o in q.options])))
        alone = {o.value for o in q.options if o.exclusive} & chosen
        if alone and len(chosen) > 1:
            chosen = alone if draw(st.booleans()) else chosen - alone
        return sorted(chosen)
    if kind == "scale":
        return draw(st.integers(q.scale.min, q.scale.max))
    if kind == "yes_no":
        return draw(st.booleans())
    return draw(st.integers(0, 100) | st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Questionnaire, AnswersFile]:
    q = draw(questionnaires())
    given: dict[str, Any] = {}
    for question in q.questions:
        choice = draw(st.sampled_from(["value", "value", "value", "missing", "dont_know"]))
        if choice == "value":
            given[question.id] = value_for(draw, question)
        elif choice == "dont_know":
            given[question.id] = "dont_know"
    answers = AnswersFile.model_validate(
        {"format": "mutual-detector/answers@1", "questionnaire": q.id, "answers": given}
    )
    return q, answers


def with_answers(a: AnswersFile, changes: dict[str, Any]) -> AnswersFile:
    data = a.model_dump(mode="json")
    data["answers"] = {**{k: v["value"] for k, v in data["answers"].items()}, **changes}
    return AnswersFile.model_validate(data)


def rank(q: Questionnaire, band: str | None) -> int:
    return [b.id for b in q.scoring.bands].index(band) if band else len(q.scoring.bands)


def run(q: Questionnaire, a: AnswersFile, **kw: Any) -> Result:
    return assess(q, a, timestamp=TS, **kw)


class TestProperties:
    @SETTINGS
    @given(cases())
    def test_scores_stay_in_range(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        """Every score is 0-100, every confidence and normalised score 0-1."""
        r = run(*case)
        for s in r.sections:
            assert s.score is None or 0 <= s.score <= 100
            assert s.confidence is None or 0 <= s.confidence <= 1
        assert r.verdict.score is None or 0 <= r.verdict.score <= 100
        assert 0 <= r.confidence <= 1
        for e in r.explanations:
            assert e.score is None or 0 <= e.score <= 1

    @SETTINGS
    @given(cases(), st.data())
    def test_improving_an_answer_never_lowers_its_section(
        self, case: tuple[Questionnaire, AnswersFile], data: st.DataObject
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        c = compile_questionnaire(q)
        candidates = [
            e for e in r.explanations
            if e.status == "answered" and e.scored and e.id not in c.gating and e.score is not None
        ]  # fmt: skip
        assume(candidates)
        e = data.draw(st.sampled_from(candidates))
        cq = c.by_id[e.id]
        better = data.draw(st.sampled_from([value_for(data.draw, cq.question) for _ in range(4)]))
        new_score = cq.score(_normalised(cq.question, better))[1]
        assume(new_score >= (e.score or 0) - 1e-9)
        after = run(q, with_answers(a, {e.id: better}), whatif=False)
        before_s = next(s.score for s in r.sections if s.id == e.section)
        after_s = next(s.score for s in after.sections if s.id == e.section)
        assert before_s is not None
        assert after_s is not None
        assert after_s >= before_s

    @SETTINGS
    @given(cases(), st.data())
    def test_dont_know_never_changes_the_score_nor_raises_confidence(
        self, case: tuple[Questionnaire, AnswersFile], data: st.DataObject
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        c = compile_questionnaire(q)
        open_ = [e.id for e in r.explanations if e.status == "unanswered" and e.id not in c.gating]
        assume(open_)
        qid = data.draw(st.sampled_from(open_))
        after = run(q, with_answers(a, {qid: "dont_know"}), whatif=False)
        assert after.verdict.score == r.verdict.score
        assert [s.score for s in after.sections] == [s.score for s in r.sections]
        assert after.confidence <= r.confidence

    @SETTINGS
    @given(cases())
    def test_a_blocker_always_caps_the_verdict(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        for f in r.flags:
            if f.severity == "blocker":
                assert f.cap is not None
                if r.verdict.status == "band":
                    assert rank(q, r.verdict.band) >= rank(q, f.cap)
                assert r.verdict.indicative_band is None or rank(
                    q, r.verdict.indicative_band
                ) >= rank(q, f.cap)

    @SETTINGS
    @given(cases(), st.randoms(use_true_random=False))
    def test_output_is_independent_of_answer_order(
        self, case: tuple[Questionnaire, AnswersFile], rnd: Any
    ) -> None:
        q, a = case
        data = a.model_dump(mode="json")
        items = list(data["answers"].items())
        rnd.shuffle(items)
        data["answers"] = dict(items)
        shuffled = AnswersFile.model_validate(data)
        assert render_json(run(q, shuffled)) == render_json(run(q, a))

    @SETTINGS
    @given(cases())
    def test_what_if_scenarios_do_what_they_say(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        """Applying each suggested change really gives the verdict and cleared blockers it claims."""
        q, a = case
        r = run(q, a)
        assert r.what_if is not None
        base_blockers = {f.id for f in r.flags if f.severity == "blocker"}
        base_rank = rank(
            q, r.verdict.band if r.verdict.status == "band" else r.verdict.indicative_band
        )
        for s in r.what_if.scenarios:
            after = run(q, with_answers(a, {c.question: c.after for c in s.changes}), whatif=False)
            assert (after.verdict.status, after.verdict.band, after.verdict.score) == (
                s.status,
                s.band,
                s.score,
            )
            after_blockers = {f.id for f in after.flags if f.severity == "blocker"}
            if "better_band" in s.effects:
                assert after.verdict.status == "band"
                assert rank(q, after.verdict.band) < base_rank
            if "clears_blocker" in s.effects:
                assert set(s.cleared) <= base_blockers - after_blockers
                assert after_blockers <= base_blockers
            assert after.verdict != r.verdict
            assert len(s.changes) in (1, 2)

    @SETTINGS
    @given(cases())
    def test_json_round_trips(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        r = run(*case)
        assert Result.model_validate_json(render_json(r)) == r


def _normalised(question: Any, value: Any) -> Any:
    if question.kind == "multi":
        order = [o.value for o in question.options]
        return sorted(value, key=order.index)
    return value


@pytest.mark.parametrize("budget", [1, 5, 40])
def test_what_if_budget_is_a_count_of_evaluations(budget: int) -> None:
    """A tiny budget stops the search early, deterministically, and says so."""
    import yaml

    from mutual_detector.loading import load_questionnaire

    q = load_questionnaire(SNAPSHOT_DIR / "questionnaire.yaml").questionnaire
    text = (SNAPSHOT_DIR / "answers" / "weak.yaml").read_text(encoding="utf-8")
    a = AnswersFile.model_validate(yaml.safe_load(text))
    one = assess(q, a, whatif_budget=budget)
    two = assess(q, a, whatif_budget=budget)
    assert one.what_if is not None
    assert one.what_if == two.what_if
    assert one.what_if.evaluations <= budget
    full = assess(q, a).what_if
    assert full is not None
    assert full.complete
    if full.evaluations > budget:
        assert not one.what_if.complete


@st.composite
def messy_cases(draw: st.DrawFn) -> tuple[Questionnaire, dict[str, Any]]:
    """Answers that may be wrong: unknown ids, wrong types, out of range, not applicable."""
    q, a = draw(cases())
    given: dict[str, Any] = {k: v.value for k, v in a.answers.items()}
    for question in q.questions:
        if draw(st.integers(0, 5)) == 0:
            given[question.id] = draw(
                st.sampled_from(
                    ["nope", 1000, -5, 2.5, True, [], ["o0", "o0"], ["zz"], "dont_know", None]
                )
            )
    if draw(st.integers(0, 8)) == 0:
        given["unknown_id"] = 1
    return q, given


class TestFastResolve:
    @SETTINGS
    @given(messy_cases())
    def test_same_as_the_reference(self, case: tuple[Questionnaire, dict[str, Any]]) -> None:
        from mutual_detector.engine.resolve import resolve_fast
        from mutual_detector.model.checks import resolve

        q, given = case
        answers = AnswersFile.model_validate(
            {"format": "mutual-detector/answers@1", "questionnaire": q.id, "answers": given}
        ).answers
        assert resolve_fast(compile_questionnaire(q), answers) == resolve(q, answers)

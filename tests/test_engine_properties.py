"""Engine invariants over generated questionnaires and answers (hypothesis).

The properties issue 13 asks for: a "don't know" scores between the worst and
best answers of its question; replacing an unknown by any answer never widens
the range; a fully answered assessment has a range of width 0; no unknown
raises the point estimate above what a neutral answer gives; drivers add up
to the distance from the neutral baseline; caps hold; no two features of a
group are recommended; every reason shown is true of the answers. The range
itself is checked against a brute-force oracle (tests/engine_oracle.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import engine_oracle as oracle
from engine_strategies import SETTINGS, cases, value_for, with_answers
from mutual_detector.engine import Brief, assess, brief, plan_for, prepare
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result

BANDS = ["top", "mid", "low"]
SNAPSHOT_DIR = Path(__file__).resolve().parent / "snapshots" / "engine"
TS = "2026-11-25T00:00:00Z"


def rank(band: str) -> int:
    return BANDS.index(band)


def run(q: Questionnaire, a: AnswersFile, **kw: Any) -> Result:
    return assess(q, a, timestamp=TS, **kw)


def unknown_ids(r: Result) -> list[str]:
    return [u.id for u in r.unknowns if u.scored]


class TestRanges:
    @SETTINGS
    @given(cases())
    def test_scores_stay_in_range(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        """0 <= low <= point <= high <= 100 everywhere a score is given."""
        r = run(*case, whatif=False)
        ranges = [r.verdict.score, *(s.score for s in r.sections if s.score is not None)]
        for sr in ranges:
            if sr.low is not None and sr.high is not None:
                assert 0 <= sr.low <= sr.high <= 100
                assert sr.point is None or sr.low <= sr.point <= sr.high
        for e in r.explanations:
            assert e.score is None or 0 <= e.score <= 1
        assert 0 <= r.verdict.answered_share <= 1

    @SETTINGS
    @given(cases())
    def test_dont_know_scores_between_the_worst_and_best_answer(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        for e in r.explanations:
            if e.status in ("dont_know", "unanswered") and e.low is not None:
                question = q.question_index[e.id]
                possible = [oracle.normalised(question, v) for v in oracle.domain(question)]
                assert e.low == pytest.approx(min(possible), abs=1e-4)
                assert e.high == pytest.approx(max(possible), abs=1e-4)
                assert e.low <= (e.neutral or 0) <= e.high

    @SETTINGS
    @given(cases(unknown=False))
    def test_a_fully_answered_assessment_has_a_range_of_width_zero(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        score = run(*case, whatif=False).verdict.score
        assert score.low == score.point == score.high

    @SETTINGS
    @given(cases(), st.data())
    def test_replacing_an_unknown_never_widens_the_range(
        self, case: tuple[Questionnaire, AnswersFile], data: st.DataObject
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        open_ = [
            e.id
            for e in r.explanations
            if e.status in ("dont_know", "unanswered", "may_apply")
            and e.answer in (None, "dont_know")  # unknown, not merely possibly applicable
            and q.question_index[e.id].kind != "text"
        ]
        assume(open_)
        qid = data.draw(st.sampled_from(open_))
        value = value_for(data.draw, q.question_index[qid])
        after = run(q, with_answers(a, {qid: value}), whatif=False)
        before_s, after_s = r.verdict.score, after.verdict.score
        if after_s.low is not None:
            assert before_s.low is not None
            assert before_s.high is not None
            assert before_s.low <= after_s.low <= after_s.high <= before_s.high  # type: ignore[operator]
        assert rank(r.verdict.best) <= rank(after.verdict.best)
        assert rank(after.verdict.worst) <= rank(r.verdict.worst)

    @SETTINGS
    @given(cases(conditions=False))
    def test_the_range_is_exact(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        """Without conditions, low and high are the least and greatest score of any completion."""
        q, a = case
        known = {k: v.value for k, v in a.answers.items() if v.value != "dont_know"}
        total = 1
        for question in q.questions:
            if question.id not in known:
                total *= len(oracle.domain(question))
        assume(total <= 2000)
        expected = oracle.score_range(q, known)
        score = run(q, a, whatif=False).verdict.score
        if expected is None:
            assert score.low is None
            return
        assert score.low == pytest.approx(round(expected[0], 2), abs=0.011)
        assert score.high == pytest.approx(round(expected[1], 2), abs=0.011)

    @SETTINGS
    @given(cases())
    def test_every_completion_lies_in_the_range(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        """With conditions the range may be wider than the truth, never narrower."""
        q, a = case
        known = {k: v.value for k, v in a.answers.items() if v.value != "dont_know"}
        total = 1
        for question in q.questions:
            if question.id not in known:
                total *= len(oracle.domain(question))
        assume(total <= 2000)
        score = run(q, a, whatif=False).verdict.score
        for completion in oracle.completions(q, known):
            s = oracle.score(q, completion)
            if s is not None:
                assert score.low is not None
                assert score.high is not None
                assert score.low - 0.011 <= s <= score.high + 0.011

    @SETTINGS
    @given(cases(), st.data())
    def test_no_unknown_raises_the_point_above_a_neutral_answer(
        self, case: tuple[Questionnaire, AnswersFile], data: st.DataObject
    ) -> None:
        """Answering an unknown above its neutral value never lowers the point; below never
        raises it (for questions no condition reads)."""
        q, a = case
        r = run(q, a, whatif=False)
        gating = {ref for question in q.questions if question.when for ref in question.when.refs}
        open_ = [
            e
            for e in r.explanations
            if e.status in ("dont_know", "unanswered") and e.low is not None and e.id not in gating
        ]
        assume(open_)
        e = data.draw(st.sampled_from(open_))
        question = q.question_index[e.id]
        value = value_for(data.draw, question)
        after = run(q, with_answers(a, {e.id: value}), whatif=False).verdict.score.point
        before = r.verdict.score.point
        assert before is not None
        assert after is not None
        x = oracle.normalised(question, value)
        if x >= (e.neutral or 0) + 1e-9:
            assert after >= before - 0.011
        elif x <= (e.neutral or 0) - 1e-9:
            assert after <= before + 0.011


class TestExplanations:
    @SETTINGS
    @given(cases())
    def test_drivers_add_up_to_the_distance_from_neutral(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        r = run(*case, whatif=False)
        if r.verdict.score.point is None:
            return
        total = sum(e.contribution or 0.0 for e in r.explanations)
        n = sum(1 for e in r.explanations if e.contribution is not None)
        assert r.drivers.baseline is not None
        assert total == pytest.approx(
            r.verdict.score.point - r.drivers.baseline, abs=0.005 + 0.0001 * n
        )
        helped, held = set(r.drivers.helped), set(r.drivers.held_back)
        assert not helped & held

    @SETTINGS
    @given(cases())
    def test_every_reason_shown_is_true_of_the_answers(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        q, a = case
        r = run(q, a, whatif=False)
        _, _, ev = prepare(q, a)
        rules = {
            (rec.id, rule.reason): rule.when for rec in q.recommendations for rule in rec.rules
        }
        recs = r.recommendations
        for c in [*recs.legal_forms, *recs.governance, *recs.governance_not_recommended]:
            for reason in [*c.reasons_for, *c.reasons_against, *c.excluded_because]:
                assert rules[(c.id, reason.text)].truth(ev.scope) is True

    @SETTINGS
    @given(cases())
    def test_no_two_features_of_a_group_are_recommended(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        q, a = case
        groups = [g.group for g in run(q, a, whatif=False).recommendations.governance if g.group]
        assert len(groups) == len(set(groups))


class TestCapsAndVerdict:
    @SETTINGS
    @given(cases())
    def test_caps_hold(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        r = run(*case, whatif=False)
        for cap in r.caps:
            if cap.status == "raised":
                assert rank(r.verdict.best) >= rank(cap.band)
            assert rank(r.verdict.worst) >= rank(cap.band)
        decided = r.verdict.status == "decided"
        assert decided == (r.verdict.best == r.verdict.worst)

    @SETTINGS
    @given(cases())
    def test_a_raised_blocker_withholds_legal_forms_and_governance(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        r = run(*case, whatif=False)
        raised = [f for f in r.flags if f.severity == "blocker" and f.status == "raised"]
        recs = r.recommendations
        assert (recs.status == "withheld") == bool(raised)
        if raised:
            assert recs.legal_forms == recs.governance == []

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
        assert run(q, shuffled).model_dump_json() == run(q, a).model_dump_json()

    @SETTINGS
    @given(cases())
    def test_what_if_scenarios_do_what_they_say(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        """Applying each suggested change really gives the verdict and cleared caps it claims."""
        q, a = case
        r = run(q, a)
        assert r.what_if is not None
        for s in r.what_if.scenarios:
            after = run(q, with_answers(a, {c.question: c.after for c in s.changes}), whatif=False)
            v = after.verdict
            assert (v.best, v.worst, v.indicative, v.score.point) == (
                s.best,
                s.worst,
                s.indicative,
                s.score,
            )
            if "better_band" in s.effects:
                assert rank(v.indicative) < rank(r.verdict.indicative)
            if "clears_cap" in s.effects:
                assert set(s.cleared) <= set(r.verdict.capped_by) - set(v.capped_by)
            assert all(c.after != "dont_know" for c in s.changes)
            assert len(s.changes) in (1, 2)

    @SETTINGS
    @given(cases())
    def test_json_round_trips_and_brief_agrees(
        self, case: tuple[Questionnaire, AnswersFile]
    ) -> None:
        q, a = case
        r = run(q, a)
        assert Result.model_validate_json(r.model_dump_json()) == r
        assert brief(q, a) == Brief.of_result(r)


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
    assert plan_for(q) is plan_for(q)  # the plan is worked out once per questionnaire

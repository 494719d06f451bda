"""The scoring engine: worked examples computed by hand, and each rule of docs/scoring.md."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from mutual_detector.engine import assess, compile_questionnaire
from mutual_detector.engine.core import evaluate, outcome_of
from mutual_detector.engine.fastexpr import compile_expression
from mutual_detector.errors import InputError
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import lint, resolve
from mutual_detector.model.expr import Environment, parse
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result

ASSETS = Path(__file__).resolve().parent / "assets"
MINI: dict[str, Any] = yaml.safe_load((ASSETS / "mini.yaml").read_text(encoding="utf-8"))
MINI_ANSWERS: dict[str, Any] = yaml.safe_load(
    (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
)


def questionnaire(data: dict[str, Any] | None = None, **changes: Any) -> Questionnaire:
    """The mini questionnaire (or ``data``), with top-level keys replaced by ``changes``."""
    base = copy.deepcopy(data if data is not None else MINI)
    base.update(changes)
    q = Questionnaire.model_validate(base)
    errors = [f for f in lint(q) if f.level == "error"]
    assert not errors, errors
    return q


def answers(q: Questionnaire | None = None, **values: Any) -> AnswersFile:
    """Answers to ``q`` (default mini): ``values`` given as in a file; None removes one."""
    data = copy.deepcopy(MINI_ANSWERS) if q is None else {"format": MINI_ANSWERS["format"]}
    data["questionnaire"] = q.id if q is not None else "mini"
    given = dict(data.get("answers", {}))
    for key, value in values.items():
        if value is None:
            given.pop(key, None)
        else:
            given[key] = value
    data["answers"] = given
    return AnswersFile.model_validate(data)


def run(q: Questionnaire | None = None, a: AnswersFile | None = None, **kw: Any) -> Result:
    q = q or questionnaire()
    return assess(q, a or answers(), timestamp="2026-11-25T00:00:00Z", **kw)


def section(result: Result, sid: str) -> Any:
    return next(s for s in result.sections if s.id == sid)


def expl(result: Result, qid: str) -> Any:
    return next(e for e in result.explanations if e.id == qid)


# --------------------------------------------------------------------------- worked examples


class TestWorkedExample:
    """tests/assets/mini-answers.yaml, worked through by hand (see docs/scoring.md)."""

    def test_question_scores(self) -> None:
        """Each question's points against its maximum, and the normalised score."""
        r = run()
        assert (expl(r, "appetite").points, expl(r, "appetite").max_points) == (2.0, 2.0)
        assert (expl(r, "unions").points, expl(r, "unions").max_points) == (0.0, 1.0)
        # 12 % falls in the band [10, 25) worth 1 of the best band's 2 points
        assert (expl(r, "turnover").points, expl(r, "turnover").score) == (1.0, 0.5)
        # a 1-5 scale with no scores: points = value - min = 3 of 4
        assert (expl(r, "readiness").points, expl(r, "readiness").score) == (3.0, 0.75)

    def test_section_scores(self) -> None:
        """staff = 100 * (2*1 + 1*0) / 3; money = 100 * (1*0.5 + 1*0.75) / 2."""
        r = run()
        assert section(r, "staff").score == 66.67
        assert section(r, "money").score == 62.5
        assert section(r, "legal").score is None
        assert section(r, "legal").scored is False

    def test_overall_score_and_band(self) -> None:
        """overall = (2 * 66.667 + 1 * 62.5) / 3 = 65.28: Promising [50, 70)."""
        r = run()
        assert r.verdict.score == 65.28
        assert (r.verdict.status, r.verdict.band, r.verdict.label) == (
            "band",
            "promising",
            "Promising",
        )
        assert r.confidence == 1.0
        assert r.verdict.capped_by == []

    def test_points_gained_add_up_to_the_score(self) -> None:
        """Each answer's share of the overall score: section share x share within the section."""
        r = run()
        assert expl(r, "appetite").share == 0.4444  # 2/3 * 2/3
        assert (expl(r, "appetite").gained, expl(r, "appetite").lost) == (44.44, 0.0)
        assert (expl(r, "unions").gained, expl(r, "unions").lost) == (0.0, 22.22)
        assert (expl(r, "turnover").gained, expl(r, "turnover").lost) == (8.33, 8.33)
        assert (expl(r, "readiness").gained, expl(r, "readiness").lost) == (12.5, 4.17)
        gained = sum(e.gained or 0 for e in r.explanations)
        assert gained == pytest.approx(r.verdict.score, abs=0.02)
        assert r.drivers.up == ["appetite", "readiness", "turnover"]
        assert r.drivers.down == ["unions", "turnover", "readiness"]

    def test_recommendations(self) -> None:
        """cic: 0 + 1 (community); cio: base 1; tie broken by id; CIO not excluded (no equity)."""
        recs = run().recommendations
        assert [(f.id, f.score, f.rank) for f in recs.legal_forms] == [
            ("cic", 1.0, 1),
            ("cio", 1.0, 2),
        ]
        assert [r.text for r in recs.legal_forms[0].reasons_for] == ["Community."]
        assert recs.excluded_forms == []
        assert [g.id for g in recs.governance] == ["staff_council"]
        assert [(s.stage, [x.id for x in s.steps]) for s in recs.next_steps] == [
            ("explore", ["talk_to_unions"])
        ]

    def test_what_if(self) -> None:
        """Unions engaged: staff 100, overall 87.5; turnover under 10 %: money 87.5, overall 73.61."""
        w = run().what_if
        assert w is not None
        got = [([(c.question, c.after) for c in s.changes], s.band, s.score) for s in w.scenarios]
        assert got == [
            ([("unions", True)], "strong", 87.5),
            ([("turnover", 9)], "strong", 73.61),
        ]
        assert w.complete

    def test_robustness(self) -> None:
        """65.28 is 4.72 from 70; no single section weight 20 % off moves it across."""
        rb = run().robustness
        assert (rb.status, rb.margin) == ("robust", 4.72)


class TestDontKnow:
    def test_dont_know_counts_nowhere_and_lowers_confidence(self) -> None:
        """money = turnover alone = 50; confidence = (2*1 + 1*0.5) / 3."""
        r = run(a=answers(readiness="dont_know"))
        assert section(r, "money").score == 50.0
        assert section(r, "money").confidence == 0.5
        assert r.verdict.score == 61.11
        assert r.confidence == 0.8333
        assert [(i.id, i.reason, i.share) for i in r.inconclusive] == [
            ("readiness", "dont_know", 0.1667)
        ]
        assert expl(r, "readiness").status == "dont_know"

    def test_below_threshold_is_inconclusive_with_what_would_settle_it(self) -> None:
        """Only appetite answered: confidence (2 * 2/3 + 1 * 0) / 3 = 0.4444 < 0.6."""
        r = run(a=answers(unions=None, turnover=None, readiness=None))
        v = r.verdict
        assert (v.status, v.band, v.label) == ("inconclusive", None, None)
        assert v.confidence == 0.4444
        assert v.score == 100.0
        assert v.indicative_band == "strong"
        # heaviest first: unions carries 2/3 * 1/3 of the weight; the money questions 1/3 * 1/2
        assert v.settle == ["unions", "turnover", "readiness"]

    def test_nothing_scored_answered(self) -> None:
        r = run(a=answers(appetite=None, unions=None, turnover=None, readiness=None))
        assert r.verdict.status == "inconclusive"
        assert r.verdict.score is None
        assert r.confidence == 0.0
        assert r.robustness.status == "not_applicable"
        assert r.verdict.settle == ["appetite", "turnover", "readiness"]  # unions does not apply


class TestApplicability:
    def test_when_false_counts_nowhere(self) -> None:
        """appetite 'few' hides unions: staff = appetite alone = 0."""
        r = run(a=answers(appetite="few", unions=None))
        assert expl(r, "unions").status == "not_applicable"
        assert section(r, "staff").score == 0.0
        assert section(r, "staff").applicable_weight == 2.0
        assert section(r, "staff").not_applicable == 1

    def test_answer_to_a_question_that_does_not_apply_is_a_warning(self) -> None:
        r = run(a=answers(appetite="few"))
        assert expl(r, "unions").status == "not_applicable"
        assert expl(r, "unions").answer is False  # kept, for the record
        assert len(r.warnings) == 1
        assert "not asked" in r.warnings[0]


class TestFlags:
    def test_blocker_at_the_lowest_band_does_not_lower_a_weak_score(self) -> None:
        r = run(a=answers(appetite="few", unions=None))
        assert [f.id for f in r.flags] == ["no_appetite"]
        assert r.flags[0].cap == "weak"
        assert r.verdict.band == "weak"
        assert r.verdict.cap == "weak"
        assert r.verdict.capped_by == ["no_appetite"]
        assert r.verdict.score_band == "weak"  # the score is weak anyway: the cap did not lower it
        assert "would cap it at Weak" in r.verdict.summary

    def test_blocker_caps_a_good_score(self) -> None:
        q = questionnaire(
            flags=[
                {"id": "no_equity", "when": "equity == false", "severity": "blocker",
                 "message": "Needs equity.", "cite": ["domain-1-2"], "cap": "promising"},
                {"id": "turn", "when": "turnover >= 10", "severity": "warning", "message": "Turnover."},
            ]
        )  # fmt: skip
        r = run(q, answers(unions=True, turnover=5, readiness=5))
        assert r.verdict.score == 100.0
        assert r.verdict.score_band == "strong"
        assert (r.verdict.band, r.verdict.cap, r.verdict.capped_by) == (
            "promising",
            "promising",
            ["no_equity"],
        )
        assert (
            "The score alone would be Strong; the band is capped by no_equity." in r.verdict.summary
        )
        assert [f.id for f in r.flags] == ["no_equity"]

    def test_blocker_without_cap_caps_at_the_lowest_band(self) -> None:
        q = questionnaire(
            flags=[{"id": "b", "when": "equity == false", "severity": "blocker", "message": "No."}]
        )
        r = run(q, answers(unions=True, turnover=5, readiness=5))
        assert (r.verdict.band, r.verdict.capped_by) == ("weak", ["b"])

    def test_warnings_and_notes_are_named_conditions_in_order(self) -> None:
        q = questionnaire(
            flags=[
                {"id": "n", "when": "readiness >= 4", "severity": "info", "message": "Note."},
                {"id": "w", "when": "turnover >= 10", "severity": "warning", "message": "Warn.",
                 "cite": ["domain-1-2"]},
                {"id": "b", "when": "section_score('money') < 70", "severity": "blocker",
                 "message": "Block.", "cap": "promising"},
            ]
        )  # fmt: skip
        r = run(q)
        assert [(f.id, f.severity) for f in r.flags] == [
            ("b", "blocker"),
            ("w", "warning"),
            ("n", "info"),
        ]
        assert r.flags[1].cite == ["domain-1-2"]
        assert r.flags[0].condition == "section_score('money') < 70"
        assert [s.id for s in r.sources] == ["domain-1-2"]

    def test_flags_read_question_scores(self) -> None:
        """score(q) in a flag reads the question's normalised score (turnover 0.5, appetite 1)."""
        q = questionnaire(
            flags=[
                {"id": "half", "when": "score(turnover) <= 0.5", "severity": "warning", "message": "H."},
                {"id": "full", "when": "score(appetite) < 1", "severity": "warning", "message": "F."},
                {"id": "open", "when": "score(readiness) == 0.75", "severity": "info", "message": "O."},
            ]
        )  # fmt: skip
        assert [f.id for f in run(q).flags] == ["half", "open"]

    def test_recommendation_rules_read_question_scores(self) -> None:
        """score(q) in a rule only (no flag reads scores) still sees the scores."""
        q = questionnaire(
            recommendations=[
                {"id": "cic", "kind": "legal_form", "title": "CIC", "rules": [
                    {"when": "score(readiness) >= 0.75", "points": 2, "reason": "Ready."},
                    {"when": "score(unions) > 0", "points": 5, "reason": "Unions."},
                ]},
            ]
        )  # fmt: skip
        (cic,) = run(q).recommendations.legal_forms
        assert (cic.score, [r.text for r in cic.reasons_for]) == (2.0, ["Ready."])


class TestScoringKinds:
    """Normalised scores for each kind (docs/scoring.md, "Question scores")."""

    def _q(self, question: dict[str, Any]) -> Questionnaire:
        data = copy.deepcopy(MINI)
        data["questions"] = [question]
        data["flags"] = []
        data["recommendations"] = []
        data["sections"] = [{"id": "staff", "topic": "suitability", "title": "Staff"}]
        data["topics"] = [{"id": "suitability", "title": "S"}]
        return questionnaire(data)

    def score(
        self, question: dict[str, Any], value: Any
    ) -> tuple[float | None, float | None, str | None]:
        q = self._q({"id": "x", "section": "staff", "prompt": "X?", **question})
        e = expl(run(q, answers(q, x=value)), "x")
        return e.points, e.score, e.remark

    MULTI: ClassVar[dict[str, Any]] = {
        "kind": "multi",
        "options": [
            {"value": "a", "label": "A", "score": 2},
            {"value": "b", "label": "B", "score": 2},
            {"value": "c", "label": "C", "score": 0},
        ],
    }

    def test_multi_sums_chosen_up_to_positive_total(self) -> None:
        assert self.score(self.MULTI, ["a"]) == (2.0, 0.5, None)
        assert self.score(self.MULTI, ["a", "b", "c"]) == (4.0, 1.0, None)
        assert self.score(self.MULTI, []) == (0.0, 0.0, None)

    def test_multi_max_score_caps(self) -> None:
        capped = {**self.MULTI, "max_score": 3}
        assert self.score(capped, ["a"]) == (2.0, 0.6667, None)
        points, score, remark = self.score(capped, ["a", "b"])
        assert (points, score) == (3.0, 1.0)
        assert remark == "capped at 3 points"

    def test_scale_with_scores(self) -> None:
        scale = {
            "kind": "scale",
            "scale": {"min": 0, "max": 3, "scores": {0: 0, 1: 0, 2: 5, 3: 10}},
        }
        assert self.score(scale, 2) == (5.0, 0.5, None)
        assert self.score(scale, 1) == (0.0, 0.0, None)

    def test_yes_no_scores_may_favour_no(self) -> None:
        yn = {"kind": "yes_no", "yes_score": 0, "no_score": 2}
        assert self.score(yn, False) == (2.0, 1.0, None)
        assert self.score(yn, True) == (0.0, 0.0, None)

    def test_number_bands_include_min_exclude_max_and_last_includes_max(self) -> None:
        num = {
            "kind": "number",
            "number": {
                "bands": [{"min": 0, "max": 10, "score": 4}, {"min": 10, "max": 20, "score": 1}]
            },
        }
        assert self.score(num, 0) == (4.0, 1.0, None)
        assert self.score(num, 10) == (1.0, 0.25, None)
        assert self.score(num, 20) == (1.0, 0.25, None)
        points, score, remark = self.score(num, 25)
        assert (points, score) == (0.0, 0.0)
        assert remark is not None
        assert "outside every score band" in remark

    def test_unscored_question_has_no_points(self) -> None:
        e = expl(run(), "equity")
        assert (e.scored, e.points, e.score, e.max_points, e.gained) == (
            False,
            None,
            None,
            None,
            None,
        )


class TestRecommendations:
    def test_exclusion_rules_a_form_out_with_why(self) -> None:
        recs = run(a=answers(equity=True)).recommendations
        assert [f.id for f in recs.legal_forms] == ["cic"]
        assert recs.legal_forms[0].score == 2.0
        assert [(f.id, [r.text for r in f.excluded_because]) for f in recs.excluded_forms] == [
            ("cio", ["A CIO has no shares."])
        ]

    def test_governance_below_zero_is_not_recommended(self) -> None:
        data = copy.deepcopy(MINI)
        data["recommendations"][2]["rules"] = [
            {"when": "equity == false", "points": -1, "reason": "No investors to balance."}
        ]
        recs = run(questionnaire(data)).recommendations
        assert recs.governance == []
        assert [(g.id, g.score) for g in recs.governance_not_recommended] == [
            ("staff_council", -1.0)
        ]
        assert (
            recs.governance_not_recommended[0].reasons_against[0].text == "No investors to balance."
        )

    def test_when_false_omits_the_recommendation(self) -> None:
        recs = run(a=answers(members=["users"], unions=True)).recommendations
        assert recs.governance == []
        assert recs.governance_not_recommended == []
        assert recs.next_steps == []


class TestErrors:
    def test_wrong_questionnaire(self) -> None:
        a = AnswersFile.model_validate({**MINI_ANSWERS, "questionnaire": "other"})
        with pytest.raises(InputError) as err:
            run(a=a)
        assert err.value.findings[0].rule == "A206"

    def test_invalid_answer(self) -> None:
        with pytest.raises(InputError) as err:
            run(a=answers(appetite="everyone"))
        assert err.value.findings[0].rule == "A204"
        assert err.value.findings[0].path == ("answers", "appetite", "value")


class TestResultIdentity:
    def test_carries_versions_and_hashes(self) -> None:
        q, a = questionnaire(), answers()
        r = assess(q, a, timestamp="t")
        assert r.format == "mutual-detector/result@1"
        assert r.questionnaire.sha256 == q.sha256
        assert r.answers_sha256 == a.sha256()
        assert r.timestamp == "t"
        assert r.metadata == a.metadata

    def test_no_whatif(self) -> None:
        assert run(whatif=False).what_if is None


# --------------------------------------------------------------------------- internals


class TestFastEvaluation:
    """The engine's compiled conditions and quick outcome agree with the reference."""

    EXPRESSIONS: ClassVar[list[str]] = [
        "appetite == 'most'", "appetite != 'most'", "unions", "not unions", "unions == true",
        "unions != false", "'staff' in members", "'staff' not in members", "appetite in ['most', 'some']",
        "turnover >= 10 and readiness < 4", "turnover > 10 or readiness <= 2", "count(members) == 2",
        "answered(notes)", "dont_know(readiness)", "score(appetite) >= 0.5",
        "section_score('staff') > 50", "turnover == 12", "turnover != 12.0", "appetite == null",
        "readiness in [1, 2, 4]", "not (appetite == 'few' or equity)", "equity == 1",
    ]  # fmt: skip
    ENVS: ClassVar[list[Environment]] = [
        Environment({}),
        Environment({"appetite": "most", "unions": False, "members": ["staff"], "turnover": 12,
                     "readiness": 4, "equity": True}, frozenset({"readiness"}),
                    {"appetite": 1.0}, {"staff": 66.67}),
        Environment({"appetite": "few", "unions": True, "members": [], "turnover": 12.5,
                     "readiness": 2, "equity": False, "notes": "x"}, frozenset(), {"appetite": 0.0},
                    {"staff": 10.0}),
    ]  # fmt: skip

    @pytest.mark.parametrize("source", EXPRESSIONS)
    def test_compiled_equals_interpreted(self, source: str) -> None:
        expr = parse(source)
        fn = compile_expression(expr)
        for env in self.ENVS:
            assert fn(env) is expr.evaluate(env), (source, env.answers)

    @pytest.mark.parametrize("name", ["mini-answers.yaml"])
    def test_outcome_of_matches_evaluate(self, name: str) -> None:
        q = questionnaire()
        c = compile_questionnaire(q)
        for a in (answers(), answers(appetite="few"), answers(readiness="dont_know", unions=None)):
            state = resolve(q, a.answers)
            ev = evaluate(c, state.values, state.dont_know, state.applicable)
            assert outcome_of(c, state.values, state.dont_know) == ev.outcome

    @pytest.mark.parametrize(
        "value",
        [10**15, -(10**15), 10**15 - 1, 1234567890123456, 2**53 + 1, 10**400, int("f" * 1000, 16),
         1e15, 1e300, 12, 12.5],
    )  # fmt: skip
    def test_fast_resolve_matches_the_reference_on_large_numbers(self, value: float) -> None:
        """Numbers of 16 digits or more are refused as the reference refuses them, never crash."""
        from mutual_detector.engine.resolve import resolve_fast

        q = questionnaire()
        a = answers(turnover=value, readiness=value if isinstance(value, int) else 3)
        assert resolve_fast(compile_questionnaire(q), a.answers) == resolve(q, a.answers)

    def test_compiled_questionnaire_is_cached_by_content(self) -> None:
        q1, q2 = questionnaire(), questionnaire()
        assert q1 is not q2
        assert compile_questionnaire(q1) is compile_questionnaire(q2)
        assert compile_questionnaire(questionnaire(version="2")) is not compile_questionnaire(q1)


def test_engine_is_pure() -> None:
    """Importing and running the engine loads no terminal, CLI, prompt or YAML library."""
    code = """
import sys
from mutual_detector.engine import assess
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.answers import AnswersFile
import json
q = Questionnaire.model_validate(json.loads(sys.argv[1]))
a = AnswersFile.model_validate(json.loads(sys.argv[2]))
r = assess(q, a)
assert r.verdict.band == "promising", r.verdict
banned = sorted(m for m in sys.modules if m.split(".")[0] in {"typer", "rich", "questionary", "yaml", "click", "prompt_toolkit"})
print(json.dumps(banned))
"""
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(MINI), json.dumps(MINI_ANSWERS, default=str)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == []

"""The scoring engine: worked examples computed by hand (docs/scoring.md) and each of its rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine_support import answers, explained, mini_with, questionnaire, run
from mutual_detector.engine import assess, brief
from mutual_detector.errors import InputError
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.result import Result


class TestWorkedExample:
    """tests/assets/mini.yaml with tests/assets/mini-answers.yaml: docs/scoring.md §13."""

    def test_sections_and_overall(self) -> None:
        r = run()
        staff, money, legal = r.sections
        assert (staff.score.low, staff.score.point, staff.score.high) == (66.67, 66.67, 66.67)
        assert (money.score.low, money.score.point, money.score.high) == (62.5, 62.5, 62.5)
        assert legal.score is None  # not scored
        assert r.verdict.score.point == 65.28
        assert (r.verdict.status, r.verdict.band, r.verdict.label) == (
            "decided",
            "promising",
            "Promising",
        )
        assert r.verdict.answered_share == 1.0

    def test_a_fully_answered_assessment_has_a_range_of_width_zero(self) -> None:
        score = run().verdict.score
        assert score.low == score.point == score.high

    def test_drivers_from_the_neutral_baseline(self) -> None:
        """Baseline 50 (every answer at its range's middle); contributions add up to 15.28."""
        r = run()
        assert r.drivers.baseline == 50.0
        contributions = {e.id: e.contribution for e in r.explanations if e.contribution is not None}
        assert contributions == {
            "appetite": 22.2222,
            "unions": -11.1111,
            "turnover": 0.0,
            "readiness": 4.1667,
        }
        assert r.drivers.helped == ["appetite", "readiness"]
        assert r.drivers.held_back == ["unions"]
        assert sum(contributions.values()) == pytest.approx(
            r.verdict.score.point - r.drivers.baseline, abs=0.01
        )

    def test_points_and_shares(self) -> None:
        r = run()
        turnover = explained(r, "turnover")
        assert (turnover.points, turnover.max_points, turnover.score) == (1.0, 2.0, 0.5)
        assert (turnover.low, turnover.high, turnover.neutral) == (0.0, 1.0, 0.5)
        assert explained(r, "appetite").share == 0.4444

    def test_recommendations(self) -> None:
        recs = run().recommendations
        assert recs.status == "ranked"
        assert [(f.id, f.score, f.rank) for f in recs.legal_forms] == [
            ("cic", 1.0, 1),
            ("cio", 1.0, 2),
        ]
        assert [g.id for g in recs.governance] == ["staff_council"]
        assert [s.id for st in recs.next_steps for s in st.steps] == ["talk_to_unions"]
        assert recs.first_steps == ["talk_to_unions"]


class TestUnknownsAreRanges:
    def test_dont_know_gives_a_range_and_counts_at_neutral(self) -> None:
        """readiness "don't know": money is 25-75 (point 50), overall 52.78-69.44 (61.11)."""
        r = run(a=answers(readiness="dont_know"))
        money = r.sections[1].score
        assert (money.low, money.point, money.high) == (25.0, 50.0, 75.0)
        score = r.verdict.score
        assert (score.low, score.point, score.high) == (52.78, 61.11, 69.44)
        assert (r.verdict.status, r.verdict.band) == ("decided", "promising")
        (unknown,) = r.unknowns
        assert (unknown.id, unknown.reason, unknown.swing) == ("readiness", "dont_know", 16.67)
        assert r.verdict.answered_share == pytest.approx(1 - 1 / 6, abs=1e-4)

    def test_unanswered_counts_like_dont_know(self) -> None:
        dk = run(a=answers(readiness="dont_know")).verdict.score
        blank = run(a=answers(readiness=None)).verdict.score
        assert dk == blank

    def test_a_section_with_no_answers_still_counts(self) -> None:
        """Money unanswered is 0-100 (point 50), not dropped from the overall score."""
        r = run(a=answers(turnover=None, readiness=None))
        money = r.sections[1].score
        assert (money.low, money.point, money.high) == (0.0, 50.0, 100.0)
        assert r.verdict.score.point == pytest.approx((2 * 66.667 + 50) / 3, abs=0.01)

    def test_between_two_bands_lists_the_answers_that_decide_it(self) -> None:
        r = run(a=answers(appetite="dont_know"))
        v = r.verdict
        assert (v.status, v.best, v.worst) == ("between", "strong", "weak")
        assert v.label == "Between Strong and Weak"
        assert v.band is None
        assert v.meaning is None
        assert v.deciding == ["appetite"]
        assert explained(r, "unions").status == "may_apply"
        assert [(c.id, c.status, c.band) for c in r.caps] == [("no_appetite", "possible", "weak")]
        assert r.caps[0].depends_on == ["appetite"]
        assert [(f.id, f.status) for f in r.flags] == [("no_appetite", "possible")]

    def test_answering_an_unknown_never_widens_the_range(self) -> None:
        before = run(a=answers(readiness="dont_know", turnover=None)).verdict.score
        for value in (1, 3, 5):
            after = run(a=answers(readiness=value, turnover=None)).verdict.score
            assert before.low <= after.low <= after.high <= before.high

    def test_a_mildly_positive_answer_never_lowers_the_point(self) -> None:
        """The bug of issue 13: "don't know" -> a better-than-neutral answer lowered the verdict."""
        unknown = run(a=answers(readiness="dont_know")).verdict.score.point
        assert run(a=answers(readiness=4)).verdict.score.point >= unknown
        assert run(a=answers(readiness=2)).verdict.score.point <= unknown

    def test_questionnaire_neutral_moves_only_the_point(self) -> None:
        q = mini_with(scoring={**questionnaire().scoring.model_dump(), "neutral": 0.25})
        score = run(q, answers(readiness="dont_know")).verdict.score
        assert (score.low, score.high) == (52.78, 69.44)
        assert score.point == pytest.approx((2 * 66.667 + 100 * (0.5 + 0.25) / 2) / 3, abs=0.01)


class TestCaps:
    def test_a_raised_blocker_caps_and_withholds_recommendations(self) -> None:
        r = run(a=answers(appetite="few"))
        assert (r.verdict.status, r.verdict.band, r.verdict.cap) == ("decided", "weak", "weak")
        assert r.verdict.capped_by == ["no_appetite"]
        recs = r.recommendations
        assert (recs.status, recs.withheld_because) == ("withheld", ["no_appetite"])
        assert recs.legal_forms == []
        assert recs.governance == []
        assert recs.first_change[0] == "Few staff want this."
        assert recs.next_steps  # next steps are still listed

    def test_a_cap_that_holds_whatever_the_unknowns_decides_the_verdict(self) -> None:
        q = mini_with(
            flags=[
                {
                    "id": "no_turnover_data",
                    "when": "not answered(turnover)",
                    "severity": "blocker",
                    "message": "Find out the turnover.",
                }
            ]
        )
        r = run(q, answers(q, appetite="most", unions="dont_know", turnover="dont_know"))
        assert (r.verdict.status, r.verdict.band) == ("decided", "weak")

    def test_a_warning_can_cap_at_any_band(self) -> None:
        q = mini_with(flags={"high_turnover": {"cap": "promising"}})
        strong = answers(unions=True, turnover=30, readiness=5)
        assert run(questionnaire(), strong).verdict.score_band == "strong"
        r = run(q, strong)
        assert (r.verdict.band, r.verdict.capped_by) == ("promising", ["high_turnover"])
        assert r.recommendations.status == "ranked"  # a capping warning does not rule it out

    def test_a_section_floor_caps_whatever_the_other_sections_score(self) -> None:
        q = mini_with(sections={"money": {"floor": {"min": 60, "cap": "weak"}}})
        r = run(q, answers(appetite="most", unions=True, turnover=30, readiness=2))
        assert r.sections[0].score.point == 100.0  # staff at full marks ...
        assert r.verdict.score_band == "strong"  # ... and the score alone is strong
        assert (r.verdict.band, r.verdict.capped_by) == ("weak", ["money"])
        (cap,) = r.caps
        assert (cap.kind, cap.status) == ("floor", "raised")

    def test_a_floor_that_unknowns_could_breach_is_possible(self) -> None:
        q = mini_with(sections={"money": {"floor": {"min": 60, "cap": "weak"}}})
        r = run(q, answers(turnover=5, readiness="dont_know"))
        (cap,) = r.caps
        assert (cap.id, cap.status, cap.depends_on) == ("money", "possible", ["readiness"])
        assert r.verdict.worst == "weak"

    def test_a_rule_can_combine_flags(self) -> None:
        q = mini_with(
            flags=[
                {
                    "id": "two_worries",
                    "when": "raised_count(['no_appetite', 'high_turnover']) >= 1 and turnover > 40",
                    "severity": "warning",
                    "cap": "promising",
                    "message": "Two worries at once.",
                }
            ]
        )
        assert run(q, answers(turnover=50)).verdict.capped_by == ["two_worries"]
        assert run(q, answers(turnover=20)).verdict.capped_by == []


READINESS = {
    "topics": [
        {"id": "suitability", "title": "Suitability"},
        {"id": "form", "title": "Legal form"},
        {"id": "ready", "title": "Readiness"},
    ],
    "sections": [
        {"id": "spin", "topic": "ready", "title": "Spin-out work", "measure": "readiness"},
    ],
    "questions": [
        {
            "id": "stage",
            "section": "legal",
            "kind": "single",
            "prompt": "Stage?",
            "dont_know": False,
            "options": [
                {"value": "explore", "label": "Explore"},
                {"value": "business_case", "label": "Business case"},
                {"value": "spin_out", "label": "Spin out"},
            ],
        },
        {
            "id": "pensions",
            "section": "spin",
            "kind": "single",
            "prompt": "Pensions?",
            "help": "h",
            "why": "w",
            "cite": ["domain-1-2"],
            "options": [
                {"value": "not_started", "label": "Not started", "score": 0},
                {"value": "started", "label": "Started", "score": 1, "action": "Start."},
                {"value": "agreed", "label": "Agreed", "score": 2, "action": "Agree."},
            ],
            "expect": {"business_case": "started", "spin_out": "agreed"},
        },
    ],
}


def _with_readiness() -> object:
    from engine_support import MINI

    data = json.loads(json.dumps(MINI))
    data["topics"] = READINESS["topics"]
    data["sections"] += READINESS["sections"]
    data["questions"] = READINESS["questions"][:1] + data["questions"] + READINESS["questions"][1:]
    data["scoring"]["stage_question"] = "stage"
    return questionnaire(data)


class TestReadiness:
    @pytest.mark.parametrize(
        ("stage", "pensions", "status"),
        [
            ("explore", "not_started", "not_assessed"),
            ("business_case", "not_started", "behind"),
            ("business_case", "started", "on_track"),
            ("spin_out", "started", "behind"),
            ("spin_out", "agreed", "on_track"),
            ("spin_out", "dont_know", "unclear"),
        ],
    )
    def test_progress_is_judged_against_the_stage(
        self, stage: str, pensions: str, status: str
    ) -> None:
        q = _with_readiness()
        r = run(q, answers(q, **_mini_values(), stage=stage, pensions=pensions))  # type: ignore[arg-type]
        assert (r.readiness.stage, r.readiness.status) == (stage, status)

    def test_readiness_never_lowers_suitability(self) -> None:
        q = _with_readiness()
        verdicts = {
            run(
                q, answers(q, **_mini_values(), stage="spin_out", pensions=p)
            ).verdict.model_dump_json()  # type: ignore[arg-type]
            for p in ("not_started", "started", "agreed", "dont_know")
        }
        assert len(verdicts) == 1

    def test_behind_names_what_is_expected(self) -> None:
        q = _with_readiness()
        r = run(q, answers(q, **_mini_values(), stage="spin_out", pensions="started"))  # type: ignore[arg-type]
        (item,) = r.readiness.expectations
        assert (item.status, item.expected, item.expected_by, item.answer_text) == (
            "behind",
            "Agreed",
            "spin_out",
            "Started",
        )
        assert r.readiness.summary.startswith("Behind for Spin out: the one thing")


def _mini_values() -> dict[str, object]:
    from engine_support import MINI_ANSWERS

    return dict(MINI_ANSWERS["answers"])


class TestGovernanceGroups:
    def test_at_most_one_feature_of_a_group(self) -> None:
        q = mini_with(
            recommendations=[
                {"id": "board_a", "kind": "governance", "title": "A", "group": "board", "base": 1},
                {"id": "board_b", "kind": "governance", "title": "B", "group": "board", "base": 2},
            ]
        )
        recs = run(q).recommendations
        assert [g.id for g in recs.governance] == ["board_b", "staff_council"]
        assert "board_a" in [g.id for g in recs.governance_not_recommended]


class TestWhatIf:
    def test_only_actionable_answers_and_never_dont_know(self) -> None:
        q = mini_with(questions={"unions": {"actionable": False}})
        r = run(q, answers(q, **{**_mini_values(), "readiness": "dont_know"}))  # type: ignore[arg-type]
        changed = {c.question for s in r.what_if.scenarios for c in s.changes}
        assert "unions" not in changed
        assert all(c.after != "dont_know" for s in r.what_if.scenarios for c in s.changes)

    def test_each_scenario_does_what_it_claims(self) -> None:
        """Every scenario, applied to the answers and scored again, gives what it says."""
        given = {**_mini_values(), "appetite": "few", "turnover": 40}
        r = run(a=answers(**given))
        assert r.what_if.scenarios
        for scenario in r.what_if.scenarios:
            after = run(a=answers(**{**given, **{c.question: c.after for c in scenario.changes}}))
            assert after.verdict.indicative == scenario.indicative
            assert after.verdict.score.point == scenario.score
            cleared = set(r.verdict.capped_by) - set(after.verdict.capped_by)
            assert set(scenario.cleared) == cleared

    def test_changes_are_worded_as_actions(self) -> None:
        q = mini_with(
            questions={
                "appetite": {
                    "options": [
                        {
                            "value": "most",
                            "label": "Most",
                            "score": 2,
                            "action": "Win most staff over.",
                        },
                        {"value": "some", "label": "Some", "score": 1, "action": "Win some over."},
                        {"value": "few", "label": "Few", "score": 0},
                    ]
                }
            }
        )
        r = run(q, answers(q, **{**_mini_values(), "appetite": "few"}))  # type: ignore[arg-type]
        actions = [c.action for s in r.what_if.scenarios for c in s.changes]
        assert "Win most staff over." in actions


class TestDeterminismAndIdentity:
    def test_same_inputs_give_the_same_bytes(self) -> None:
        one = run().model_dump_json(indent=2)
        two = run(questionnaire(), answers()).model_dump_json(indent=2)
        assert one == two

    def test_result_records_tool_version_and_questionnaire_hash(self) -> None:
        from mutual_detector import __version__

        q = questionnaire()
        r = run(q)
        assert r.tool_version == __version__
        assert r.questionnaire.sha256 == q.sha256
        assert r.format == "mutual-detector/result@2"

    def test_result_round_trips_through_json(self) -> None:
        r = run(a=answers(appetite="dont_know"))
        again = Result.model_validate_json(r.model_dump_json())
        assert again == r

    def test_answers_for_another_questionnaire_are_refused(self) -> None:
        a = answers().model_copy(update={"questionnaire": "other"})
        with pytest.raises(InputError, match="answers are for 'other'"):
            assess(questionnaire(), a)

    def test_brief_equals_the_full_result(self) -> None:
        from mutual_detector.engine import Brief

        for a in (answers(), answers(appetite="dont_know"), answers(appetite="few")):
            assert brief(questionnaire(), a) == Brief.of_result(assess(questionnaire(), a))


def test_engine_imports_no_terminal_library() -> None:
    """The engine stays importable and usable without rich, typer, questionary or yaml."""
    code = (
        "import sys, mutual_detector.engine as e, mutual_detector.engine.whatif;"
        "bad = [m for m in ('rich', 'typer', 'questionary', 'yaml', 'prompt_toolkit') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class TestAnswersDigest:
    """The answers' SHA-256 is of their canonical JSON (the definition, written out here)."""

    @staticmethod
    def reference(a: object) -> str:
        import hashlib

        data = a.model_dump(mode="json", include={"questionnaire", "metadata", "answers"})  # type: ignore[attr-defined]
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def test_examples(self) -> None:
        from mutual_detector.loading import load_answers

        for path in sorted((TestAnswersDigest.root() / "examples").glob("*.yaml")):
            if path.name != "expected.yaml":
                a = load_answers(path).answers
                assert a.sha256() == self.reference(a), path

    @staticmethod
    def root() -> Path:
        return Path(__file__).resolve().parent.parent

    @settings(max_examples=200, deadline=None)
    @given(
        values=st.dictionaries(
            st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
            st.one_of(
                st.booleans(),
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=20),
                st.lists(st.text(max_size=5), max_size=3),
            ),
            max_size=6,
        ),
        note=st.one_of(st.none(), st.text(max_size=30)),
        day=st.one_of(st.none(), st.dates()),
    )
    def test_generated(self, values: dict[str, object], note: str | None, day: object) -> None:
        a = AnswersFile.model_validate(
            {
                "format": "mutual-detector/answers@1",
                "questionnaire": "q",
                "metadata": {"service": note, "date": day},
                "answers": {k: {"value": v, "note": note} for k, v in values.items()},
            }
        )
        assert a.sha256() == self.reference(a)


class TestBoundedBySize:
    """What-if and applicability stay linear in a questionnaire's size (issue 16)."""

    @staticmethod
    def big(questions: list[dict[str, object]]) -> object:
        data = {
            "format": "mutual-detector/questionnaire@1",
            "id": "big",
            "title": "Big",
            "version": "1",
            "topics": [{"id": "t", "title": "T"}],
            "sections": [{"id": "s", "topic": "t", "title": "S"}],
            "questions": questions,
            "scoring": {
                "bands": [
                    {"id": "a", "label": "A", "min": 50, "max": 100},
                    {"id": "b", "label": "B", "min": 0, "max": 50},
                ]
            },
        }
        return questionnaire(data)

    def test_a_multi_with_thousands_of_options_tries_a_bounded_number(self) -> None:
        from mutual_detector.engine import plan_for
        from mutual_detector.engine.whatif import MAX_ALTERNATIVES, alternatives

        n = 3000
        options = [{"value": f"o{i}", "label": f"O{i}", "score": i % 3} for i in range(n)]
        q = self.big(
            [{"id": "m", "section": "s", "kind": "multi", "prompt": "P", "options": options}]
        )
        chosen = [f"o{i}" for i in range(0, n, 2)]
        qp = plan_for(q).by_id["m"]  # type: ignore[arg-type]
        alts = alternatives(qp, chosen, better_only=True)
        assert 0 < len(alts) <= MAX_ALTERNATIVES
        r = assess(q, answers(q, m=chosen))  # type: ignore[arg-type]
        assert r.what_if is not None
        assert r.what_if.evaluations <= MAX_ALTERNATIVES

    def test_a_long_chain_of_conditions(self) -> None:
        n = 1500
        questions: list[dict[str, object]] = [
            {
                "id": "q0",
                "section": "s",
                "kind": "yes_no",
                "prompt": "P",
                "yes_score": 1,
                "no_score": 0,
            }
        ]
        for i in range(1, n):
            questions.append(
                {"id": f"q{i}", "section": "s", "kind": "yes_no", "prompt": "P",
                 "yes_score": 1, "no_score": 0, "when": f"q{i - 1}"}
            )  # fmt: skip
        q = self.big(questions)
        r = assess(q, answers(q, **{f"q{i}": True for i in range(n)}))  # type: ignore[arg-type]
        assert r.verdict.score.point == 100.0
        half = assess(q, answers(q, q0="dont_know"))  # type: ignore[arg-type]
        assert sum(1 for e in half.explanations if e.status == "may_apply") == n - 1

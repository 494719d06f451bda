"""Hypothesis strategies shared by the engine tests: generated questionnaires and answers."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import lint
from mutual_detector.model.questionnaire import Questionnaire

SETTINGS = settings(
    max_examples=int(os.environ.get("MUTUAL_DETECTOR_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KINDS = ["single", "multi", "scale", "yes_no", "number"]
BANDS = ["top", "mid", "low"]


@st.composite
def questionnaires(draw: st.DrawFn, *, conditions: bool = True) -> Questionnaire:
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
        sections[0]["floor"] = {"min": draw(st.sampled_from([30, 50])), "cap": "mid"}
    if draw(st.booleans()):
        sections.append({"id": "form", "topic": "t", "title": "Form", "scored": False})
    questions: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(KINDS))
        q: dict[str, Any] = {
            "id": f"q{i}",
            "section": draw(st.sampled_from([s["id"] for s in sections])),
            "kind": kind,
            "prompt": f"Question {i}?",
            "weight": draw(st.sampled_from([0.5, 1, 2])),
            "neutral": draw(st.sampled_from([None, 0.0, 0.3, 1.0])),
        }
        scores = st.sampled_from([0, 1, 2, 3])
        if kind in ("single", "multi"):
            n = draw(st.integers(2, 3))
            opts = [{"value": f"o{k}", "label": f"O{k}", "score": draw(scores)} for k in range(n)]
            opts[draw(st.integers(0, n - 1))]["score"] = draw(st.sampled_from([1, 2, 4]))
            q["options"] = opts
            if kind == "multi" and draw(st.booleans()):
                q["max_score"] = draw(st.sampled_from([1, 2, 3]))
            if kind == "multi" and draw(st.booleans()):
                opts[-1]["exclusive"] = True  # "none of these": chosen only on its own
        elif kind == "scale":
            lo = draw(st.integers(0, 2))
            hi = lo + draw(st.integers(1, 3))
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
        if conditions and earlier and draw(st.integers(0, 2)) == 0:
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
        severity = draw(st.sampled_from(["blocker", "blocker", "warning", "info"]))
        flag: dict[str, Any] = {
            "id": f"f{k}",
            "when": _condition(draw, target),
            "severity": severity,
            "message": "Flag.",
        }
        if severity != "info" and draw(st.booleans()):
            flag["cap"] = draw(st.sampled_from(BANDS))
        flags.append(flag)
    if len(flags) >= 2 and draw(st.booleans()):
        flags.append(
            {
                "id": "combined",
                "when": f"raised_count(['{flags[0]['id']}', '{flags[1]['id']}']) >= 2",
                "severity": "warning",
                "cap": "mid",
                "message": "Both.",
            }
        )
    recommendations: list[dict[str, Any]] = []
    for k in range(draw(st.integers(0, 4))):
        target = draw(st.sampled_from(questions))
        recommendations.append(
            {
                "id": f"g{k}",
                "kind": "governance",
                "title": f"G{k}",
                "group": draw(st.sampled_from([None, "board", "board", "voice"])),
                "base": draw(st.sampled_from([0, 1, 2])),
                "rules": [
                    {
                        "when": _condition(draw, target),
                        "points": draw(st.sampled_from([-2, 1, 3])),
                        "reason": f"Reason {k}.",
                    }
                ],
            }
        )
    cut1 = draw(st.sampled_from([40, 50, 60]))
    cut2 = draw(st.sampled_from([70, 80]))
    data = {
        "format": "mutual-detector/questionnaire@1",
        "id": "gen",
        "title": "Generated",
        "version": "1",
        "topics": [{"id": "t", "title": "T"}],
        "sections": sections,
        "questions": [{k: v for k, v in q.items() if v is not None} for q in questions],
        "flags": flags,
        "recommendations": [{k: v for k, v in r.items() if v is not None} for r in recommendations],
        "scoring": {
            "neutral": draw(st.sampled_from([0.5, 0.25, 0.75])),
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
        order = [o.value for o in q.options]
        return sorted(chosen, key=order.index)
    if kind == "scale":
        return draw(st.integers(q.scale.min, q.scale.max))
    if kind == "yes_no":
        return draw(st.booleans())
    return draw(st.integers(0, 100) | st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1)))


def answers_file(q: Questionnaire, given: dict[str, Any]) -> AnswersFile:
    return AnswersFile.model_validate(
        {"format": "mutual-detector/answers@1", "questionnaire": q.id, "answers": given}
    )


@st.composite
def cases(
    draw: st.DrawFn, *, conditions: bool = True, unknown: bool = True
) -> tuple[Questionnaire, AnswersFile]:
    q = draw(questionnaires(conditions=conditions))
    given: dict[str, Any] = {}
    for question in q.questions:
        choices = ["value", "value", "missing", "dont_know"] if unknown else ["value"]
        choice = draw(st.sampled_from(choices))
        if choice == "value":
            given[question.id] = value_for(draw, question)
        elif choice == "dont_know":
            given[question.id] = "dont_know"
    return q, answers_file(q, given)


def with_answers(a: AnswersFile, changes: dict[str, Any]) -> AnswersFile:
    data = a.model_dump(mode="json")
    data["answers"] = {**{k: v["value"] for k, v in data["answers"].items()}, **changes}
    return AnswersFile.model_validate(data)

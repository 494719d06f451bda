"""Assess one set of answers: the full :class:`~mutual_detector.model.result.Result`.

Pure: no file, terminal or network access. The result is built with
plain data and validated once, at the end, by pydantic-core (validating the
whole tree in one call costs less than building its ~200 objects one by one).
"""

from __future__ import annotations

from typing import Any

from mutual_detector import RESULT_FORMAT, __version__
from mutual_detector.engine import explain
from mutual_detector.engine.evaluate import Evaluation, evaluate
from mutual_detector.engine.plan import Plan, plan_for
from mutual_detector.engine.recommend import flag_results, raised_blockers, recommendations
from mutual_detector.engine.robustness import robustness
from mutual_detector.engine.whatif import DEFAULT_BUDGET, what_if
from mutual_detector.errors import InputError
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import AnswerState, resolve
from mutual_detector.model.findings import finding
from mutual_detector.model.questionnaire import Questionnaire, text
from mutual_detector.model.result import Result

Data = dict[str, Any]


def assess(
    questionnaire: Questionnaire,
    answers: AnswersFile,
    *,
    whatif: bool = True,
    timestamp: str | None = None,
    lang: str = "en",
    whatif_budget: int = DEFAULT_BUDGET,
) -> Result:
    """Score ``answers`` against ``questionnaire``.

    Raises :class:`~mutual_detector.errors.InputError` (with unlocated
    findings) if the answers are for another questionnaire or fail validation;
    locate them with :func:`mutual_detector.loading.check_answers` first to
    show ``file:line:col``. ``timestamp`` is stored as given (the only field
    that varies between runs); ``whatif_budget`` bounds the what-if search by a
    count of evaluations.
    """
    plan, state, ev = prepare(questionnaire, answers, lang)
    sh = explain.shares(ev)
    ranked = explain.unknowns(ev, sh)
    depends = {
        fp.index: [q for q in fp.reads if q in ev.applies and q not in ev.values]
        for fp in plan.flags
        if ev.flags[fp.index] is not False
    }
    flags = flag_results(ev, depends)
    scenarios = what_if(ev, answers.answers, budget=whatif_budget) if whatif else None
    first_change = _first_change(ev, scenarios)
    recs, cited = recommendations(ev, first_change)
    explanations, drivers = explain.explanations(ev, sh, answers.answers)
    for f in flags:
        cited.update(f["cite"])
    cited.update(c for qp in plan.questions for c in qp.cite)
    readiness_flags = [f["id"] for f in flags if f["about"] == "readiness"]
    data: Data = {
        "format": RESULT_FORMAT,
        "tool_version": __version__,
        "timestamp": timestamp,
        "language": lang,
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "title": plan.title,
            "sha256": questionnaire.sha256,
            "scope": text(questionnaire.scope, lang) if questionnaire.scope is not None else None,
        },
        "answers_sha256": answers.sha256(),
        "answers_status": answers.status,
        "metadata": answers.metadata,
        "verdict": explain.verdict(ev, ranked),
        "readiness": explain.readiness(ev, readiness_flags),
        "caps": explain.caps(ev),
        "flags": flags,
        "sections": explain.sections(ev),
        "recommendations": recs,
        "explanations": explanations,
        "drivers": drivers,
        "unknowns": ranked,
        "what_if": scenarios,
        "robustness": robustness(ev),
        "sources": [
            {"id": sid, "title": title, "publisher": publisher, "year": year, "url": url}
            for sid, (title, publisher, year, url) in plan.sources.items()
            if sid in cited
        ],
        "warnings": [f.message for f in state.findings if f.level == "warning"],
    }
    return Result.model_validate(data)


def prepare(
    questionnaire: Questionnaire, answers: AnswersFile, lang: str = "en"
) -> tuple[Plan, AnswerState, Evaluation]:
    """The questionnaire's plan, the checked answers and their evaluation.

    Raises :class:`~mutual_detector.errors.InputError` as :func:`assess` documents.
    """
    if answers.questionnaire != questionnaire.id:
        msg = f"answers are for {answers.questionnaire!r}, not {questionnaire.id!r}"
        raise InputError(msg, [finding("A206", msg, ("questionnaire",))])
    plan = plan_for(questionnaire, lang)
    state = resolve(questionnaire, answers.answers)
    errors = state.errors
    if errors:
        raise InputError(errors[0].message, errors)
    return plan, state, evaluate(plan, state.values, state.dont_know, state.applicability)


def _first_change(ev: Evaluation, scenarios: Data | None) -> list[str]:
    """What would have to change first while a blocker is raised, in words."""
    blockers = set(raised_blockers(ev))
    if not blockers:
        return []
    out = [fp.message for fp in ev.plan.flags if fp.id in blockers]
    for scenario in scenarios["scenarios"] if scenarios is not None else []:
        if blockers & set(scenario["cleared"]):
            route = "; ".join(c["action"] for c in scenario["changes"])
            if route not in out:
                out.append(route)
    return out


__all__ = ["assess", "prepare"]

"""Assemble a :class:`~mutual_detector.model.result.Result` from one set of answers.

The parts of the result are built as plain dictionaries and validated into the
frozen model in one call at the end: pydantic-core then builds every nested
object in one pass, several times faster than constructing them one by one.
"""

from __future__ import annotations

from typing import Any, Final

from mutual_detector import RESULT_FORMAT, __version__
from mutual_detector.engine.compiled import Compiled, CQuestion, compile_questionnaire
from mutual_detector.engine.core import Evaluation, evaluate, round_score, round_unit
from mutual_detector.engine.recommend import flag_results, recommendations
from mutual_detector.engine.resolve import resolve_fast
from mutual_detector.engine.robustness import robustness
from mutual_detector.engine.whatif import DEFAULT_BUDGET, what_if
from mutual_detector.errors import InputError
from mutual_detector.model.answers import DONT_KNOW, AnswersFile
from mutual_detector.model.expr import Value
from mutual_detector.model.findings import finding
from mutual_detector.model.questionnaire import Questionnaire, text
from mutual_detector.model.result import Result

#: How many drivers up and down the result lists.
DRIVERS: Final = 5

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

    Pure: no I/O. Raises :class:`~mutual_detector.errors.InputError` (with
    unlocated findings) if the answers are for another questionnaire or fail
    validation; locate them with :func:`mutual_detector.loading.check_answers`
    first to show ``file:line:col``. ``timestamp`` is stored as given (the only
    field that varies between runs); ``whatif_budget`` bounds the what-if
    search by a count of evaluations.
    """
    if answers.questionnaire != questionnaire.id:
        msg = f"answers are for {answers.questionnaire!r}, not {questionnaire.id!r}"
        raise InputError(msg, [finding("A206", msg, ("questionnaire",))])
    c = compile_questionnaire(questionnaire, lang)
    state = resolve_fast(c, answers.answers)
    errors = state.errors
    if errors:
        raise InputError(errors[0].message, errors)
    ev = evaluate(c, state.values, state.dont_know, state.applicable)
    shares = _inconclusive_shares(c, ev)
    explanations = _explanations(c, ev, answers)
    recs = recommendations(c, ev.env)
    flags = flag_results(c, tuple(f.index for f in ev.raised))
    data: Data = {
        "format": RESULT_FORMAT,
        "tool_version": __version__,
        "timestamp": timestamp,
        "language": lang,
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "title": text(questionnaire.title, lang),
            "sha256": questionnaire.sha256,
        },
        "answers_sha256": answers.sha256(),
        "answers_status": answers.status,
        "metadata": answers.metadata,
        "verdict": _verdict(c, ev, shares),
        "confidence": ev.outcome.confidence,
        "sections": _sections(c, ev),
        "flags": flags,
        "recommendations": recs,
        "explanations": explanations,
        "drivers": _drivers(explanations),
        "inconclusive": _inconclusive(c, ev, shares),
        "what_if": what_if(c, ev, answers.answers, budget=whatif_budget) if whatif else None,
        "robustness": robustness(c, ev),
        "sources": _sources(c, flags, recs, explanations),
        "warnings": [f.message for f in state.findings if f.level == "warning"],
    }
    return Result.model_validate(data)


# --------------------------------------------------------------------------- verdict


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _verdict(c: Compiled, ev: Evaluation, shares: dict[str, float]) -> Data:
    o = ev.outcome
    capped_by = [c.flags[i].flag.id for i in sorted(o.blockers)]
    lowered = o.cap_rank is not None and o.score_rank is not None and o.cap_rank > o.score_rank
    out: Data = {
        "status": "band",
        "band": None,
        "label": None,
        "meaning": None,
        "score": o.score,
        "score_band": c.bands[o.score_rank].id if o.score_rank is not None else None,
        "indicative_band": c.bands[o.rank].id if o.rank is not None else None,
        "cap": c.bands[o.cap_rank].id if o.cap_rank is not None else None,
        "capped_by": capped_by,
        "confidence": o.confidence,
        "confidence_threshold": c.threshold,
        "settle": [],
    }
    if o.conclusive and o.rank is not None:
        band = c.bands[o.rank]
        summary = (
            f"{band.label}: overall score {o.score:g} out of 100, with {_pct(o.confidence)} of "
            "the weighted questions answered."
        )
        if lowered:
            summary += f" The score alone would be {c.bands[o.score_rank or 0].label}; "
            summary += f"the band is capped by {', '.join(capped_by)}."
        elif capped_by:
            summary += (
                f" {', '.join(capped_by)} would cap it at {c.bands[o.cap_rank or 0].label} "
                "even with a higher score."
            )
        out.update(band=band.id, label=band.label, meaning=band.meaning, summary=summary)
        return out
    settle = sorted(
        (qid for qid in shares if c.by_id[qid].scored),
        key=lambda qid: (-shares[qid], c.by_id[qid].order),
    )
    if o.score is None:
        summary = "Inconclusive: no scored question has been answered yet."
    else:
        summary = (
            f"Inconclusive: only {_pct(o.confidence)} of the weighted questions were answered "
            f"(at least {_pct(c.threshold)} are needed)."
        )
    if settle:
        summary += f" Answering the {len(settle)} question(s) listed would settle it."
    out.update(status="inconclusive", settle=settle, summary=summary)
    return out


def _inconclusive_shares(c: Compiled, ev: Evaluation) -> dict[str, float]:
    """Share of the overall applicable weight of each inconclusive applicable question."""
    weights = c.section_weight
    total = sum(weights[i] for i, a in enumerate(ev.app) if a > 0)
    out: dict[str, float] = {}
    values, by_id = ev.values, c.by_id
    for qid in ev.applicable:
        if qid in values:
            continue
        cq = by_id[qid]
        if cq.kind == "text":
            continue
        share = 0.0
        s = cq.section
        if cq.scored and s >= 0 and total > 0 and ev.app[s] > 0:
            share = weights[s] / total * cq.weight / ev.app[s]
        out[qid] = round_unit(share)
    return out


def _inconclusive(c: Compiled, ev: Evaluation, shares: dict[str, float]) -> list[Data]:
    out = []
    for qid, share in shares.items():
        cq = c.by_id[qid]
        out.append(
            {
                "id": qid,
                "section": cq.section_id,
                "prompt": cq.prompt,
                "reason": "dont_know" if qid in ev.dont_know else "unanswered",
                "scored": cq.scored,
                "share": share,
            }
        )
    return out


# --------------------------------------------------------------------------- sections


def _sections(c: Compiled, ev: Evaluation) -> list[Data]:
    n = len(c.sections)
    answered = [0] * n
    inconclusive = [0] * n
    not_applicable = [0] * n
    applicable = set(ev.applicable)
    for cq in c.questions:
        s = cq.section
        if s < 0:
            continue
        if cq.id not in applicable:
            not_applicable[s] += 1
        elif cq.id in ev.values:
            answered[s] += 1
        elif cq.kind != "text":
            inconclusive[s] += 1
    out = []
    for sec in c.sections:
        i = sec.index
        app, den = ev.app[i], ev.den[i]
        out.append(
            {
                "id": sec.id,
                "title": sec.title,
                "topic": sec.topic,
                "weight": sec.weight,
                "scored": sec.scored,
                "score": ev.section_scores.get(sec.id),
                "confidence": round_unit(den / app) if app > 0 else None,
                "answered_weight": round_unit(den),
                "applicable_weight": round_unit(app),
                "answered": answered[i],
                "inconclusive": inconclusive[i],
                "not_applicable": not_applicable[i],
            }
        )
    return out


# --------------------------------------------------------------------------- explanations


def answer_text(cq: CQuestion, value: Value) -> str:
    """An answer in words, as an officer would read it."""
    if value == DONT_KNOW:
        return "Don't know"
    kind = cq.kind
    if kind == "single":
        return cq.option_labels.get(str(value), str(value))
    if kind == "multi":
        if not isinstance(value, list) or not value:
            return "None of these"
        return "; ".join(cq.option_labels.get(str(v), str(v)) for v in value)
    if kind == "yes_no":
        return "Yes" if value is True else "No"
    if kind == "scale" and isinstance(value, int | float) and cq.question.scale is not None:
        spec = cq.question.scale
        label = spec.labels.get(int(value))
        shown = f"{value:g} on a scale of {spec.min} to {spec.max}"
        return f"{shown} ({text(label)})" if label is not None else shown
    if kind == "number" and isinstance(value, int | float):
        return format_number(cq, float(value))
    return str(value)


def format_number(cq: CQuestion, value: float) -> str:
    unit = cq.question.number_spec.unit
    shown = f"{value:g}"
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


def _explanations(c: Compiled, ev: Evaluation, answers: AnswersFile) -> list[Data]:
    applicable = set(ev.applicable)
    weights = c.section_weight
    total = sum(weights[i] for i, d in enumerate(ev.den) if d > 0)
    given_all = answers.answers
    values, dont_know, norm, points = ev.values, ev.dont_know, ev.norm, ev.points
    out = []
    for cq in c.questions:
        qid = cq.id
        given = given_all.get(qid)
        e = dict(cq.template)
        value: Any
        if qid not in applicable:
            status = "not_applicable"
            value = given.value if given is not None else None
        elif qid in dont_know:
            status = "dont_know"
            value = DONT_KNOW
        elif qid in values:
            status = "answered"
            value = values[qid]
        else:
            status = "unanswered"
            value = given.value if given is not None else None
        e["status"] = status
        e["answer"] = value
        e["answer_text"] = answer_text(cq, value) if value is not None else None
        if given is not None:
            e["note"] = given.note
            e["evidence"] = given.evidence
        sc = norm.get(qid)
        if sc is not None:
            s = cq.section
            share = weights[s] / total * cq.weight / ev.den[s]
            e["points"] = round_unit(points[qid])
            e["score"] = round_unit(sc)
            e["share"] = round_unit(share)
            e["gained"] = round_score(100 * share * sc)
            e["lost"] = round_score(100 * share * (1 - sc))
        remark = ev.remarks.get(qid)
        if remark is not None:
            e["remark"] = remark
        out.append(e)
    return out


def _drivers(explanations: list[Data]) -> Data:
    up = sorted((e for e in explanations if e["gained"]), key=lambda e: -float(e["gained"]))
    down = sorted((e for e in explanations if e["lost"]), key=lambda e: -float(e["lost"]))
    return {"up": [e["id"] for e in up[:DRIVERS]], "down": [e["id"] for e in down[:DRIVERS]]}


def _sources(c: Compiled, flags: list[Data], recs: Data, explanations: list[Data]) -> list[Data]:
    cited: set[str] = set()
    for f in flags:
        cited.update(f["cite"])
    for e in explanations:
        cited.update(e["cite"])
    groups = [recs["legal_forms"], recs["excluded_forms"], recs["governance"]]
    groups += [recs["governance_not_recommended"]] + [s["steps"] for s in recs["next_steps"]]
    for group in groups:
        for cand in group:
            cited.update(cand["cite"])
            for key in ("reasons_for", "reasons_against", "excluded_because"):
                for r in cand[key]:
                    cited.update(r["cite"])
    return [
        {"id": sid, "title": title, "url": url}
        for sid, (title, url) in c.sources.items()
        if sid in cited
    ]


__all__ = ["answer_text", "assess", "format_number"]

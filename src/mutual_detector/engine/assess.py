"""Assemble a :class:`~mutual_detector.model.result.Result` from one set of answers."""

from __future__ import annotations

from typing import Final

from mutual_detector import __version__
from mutual_detector.engine.compiled import Compiled, CQuestion, compile_questionnaire
from mutual_detector.engine.core import Evaluation, evaluate, round_score, round_unit
from mutual_detector.engine.recommend import flag_results, recommendations
from mutual_detector.engine.robustness import robustness
from mutual_detector.engine.whatif import DEFAULT_BUDGET, what_if
from mutual_detector.errors import InputError
from mutual_detector.model.answers import DONT_KNOW, AnswersFile
from mutual_detector.model.checks import resolve
from mutual_detector.model.expr import Value
from mutual_detector.model.findings import finding
from mutual_detector.model.questionnaire import Questionnaire, text
from mutual_detector.model.result import (
    Drivers,
    Explanation,
    Inconclusive,
    QuestionnaireRef,
    QuestionStatus,
    Recommendations,
    Result,
    SectionResult,
    SourceRef,
    Verdict,
)

#: How many drivers up and down the result lists.
DRIVERS: Final = 5


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
    first to show ``file:line:col``.
    """
    if answers.questionnaire != questionnaire.id:
        msg = f"answers are for {answers.questionnaire!r}, not {questionnaire.id!r}"
        raise InputError(msg, [finding("A206", msg, ("questionnaire",))])
    state = resolve(questionnaire, answers.answers)
    errors = state.errors
    if errors:
        raise InputError(errors[0].message, errors)
    c = compile_questionnaire(questionnaire, lang)
    ev = evaluate(c, state.values, state.dont_know, state.applicable)
    verdict, settle_shares = _verdict(c, ev)
    recs = recommendations(c, ev.env)
    flags = flag_results(c, tuple(f.index for f in ev.raised))
    explanations = _explanations(c, ev, answers)
    inconclusive = _inconclusive(c, ev, settle_shares)
    result_sources = _sources(c, flags, recs, explanations)
    return Result(
        tool_version=__version__,
        timestamp=timestamp,
        language=lang,
        questionnaire=QuestionnaireRef(
            id=questionnaire.id,
            version=questionnaire.version,
            title=text(questionnaire.title, lang),
            sha256=questionnaire.sha256,
        ),
        answers_sha256=answers.sha256(),
        answers_status=answers.status,
        metadata=answers.metadata,
        verdict=verdict,
        confidence=ev.outcome.confidence,
        sections=_sections(c, ev),
        flags=flags,
        recommendations=recs,
        explanations=explanations,
        drivers=_drivers(explanations),
        inconclusive=inconclusive,
        what_if=what_if(c, ev, answers.answers, budget=whatif_budget) if whatif else None,
        robustness=robustness(c, ev),
        sources=result_sources,
        warnings=[f.message for f in state.findings if f.level == "warning"],
    )


# --------------------------------------------------------------------------- verdict


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _verdict(c: Compiled, ev: Evaluation) -> tuple[Verdict, dict[str, float]]:
    o = ev.outcome
    shares = _inconclusive_shares(c, ev)
    capped_by = [c.flags[i].flag.id for i in sorted(o.blockers)]
    lowered = o.cap_rank is not None and o.score_rank is not None and o.cap_rank > o.score_rank
    cap = c.bands[o.cap_rank].id if o.cap_rank is not None else None
    indicative = c.bands[o.rank].id if o.rank is not None else None
    base = {
        "score": o.score,
        "score_band": c.bands[o.score_rank].id if o.score_rank is not None else None,
        "indicative_band": indicative,
        "cap": cap,
        "capped_by": capped_by,
        "confidence": o.confidence,
        "confidence_threshold": c.threshold,
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
        return Verdict(status="band", band=band.id, label=band.label, meaning=band.meaning, summary=summary, **base), shares
    settle = sorted(
        (qid for qid, share in shares.items() if c.by_id[qid].scored),
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
    return Verdict(status="inconclusive", settle=settle, summary=summary, **base), shares


def _inconclusive_shares(c: Compiled, ev: Evaluation) -> dict[str, float]:
    """Share of the overall applicable weight of each inconclusive applicable question."""
    total = sum(c.section_weight[s.index] for s in c.sections if ev.app[s.index] > 0)
    out: dict[str, float] = {}
    for qid in ev.applicable:
        cq = c.by_id[qid]
        if cq.kind == "text" or qid in ev.values:
            continue
        share = 0.0
        if cq.scored and cq.section >= 0 and total > 0 and ev.app[cq.section] > 0:
            share = c.section_weight[cq.section] / total * cq.weight / ev.app[cq.section]
        out[qid] = round_unit(share)
    return out


def _inconclusive(c: Compiled, ev: Evaluation, shares: dict[str, float]) -> list[Inconclusive]:
    return [
        Inconclusive(
            id=qid,
            section=c.by_id[qid].section_id,
            prompt=c.by_id[qid].prompt,
            reason="dont_know" if qid in ev.dont_know else "unanswered",
            scored=c.by_id[qid].scored,
            share=share,
        )
        for qid, share in shares.items()
    ]


# --------------------------------------------------------------------------- sections


def _sections(c: Compiled, ev: Evaluation) -> list[SectionResult]:
    counts = {s.id: [0, 0, 0] for s in c.sections}
    applicable = set(ev.applicable)
    for cq in c.questions:
        if cq.section_id not in counts:
            continue
        if cq.id not in applicable:
            counts[cq.section_id][2] += 1
        elif cq.id in ev.values:
            counts[cq.section_id][0] += 1
        elif cq.kind != "text":
            counts[cq.section_id][1] += 1
    out = []
    for s in c.sections:
        i = s.index
        answered, inconclusive, not_applicable = counts[s.id]
        out.append(
            SectionResult(
                id=s.id,
                title=s.title,
                topic=s.topic,
                weight=s.weight,
                scored=s.scored,
                score=ev.section_scores.get(s.id),
                confidence=round_unit(ev.den[i] / ev.app[i]) if ev.app[i] > 0 else None,
                answered_weight=round_unit(ev.den[i]),
                applicable_weight=round_unit(ev.app[i]),
                answered=answered,
                inconclusive=inconclusive,
                not_applicable=not_applicable,
            )
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


def _explanations(c: Compiled, ev: Evaluation, answers: AnswersFile) -> list[Explanation]:
    applicable = set(ev.applicable)
    total = sum(c.section_weight[s.index] for s in c.sections if ev.den[s.index] > 0)
    out = []
    for cq in c.questions:
        qid = cq.id
        given = answers.answers.get(qid)
        status: QuestionStatus
        if qid not in applicable:
            status = "not_applicable"
        elif qid in ev.dont_know:
            status = "dont_know"
        elif qid in ev.values:
            status = "answered"
        else:
            status = "unanswered"
        value: Value | None = None
        if status == "answered":
            value = ev.values[qid]
        elif given is not None:
            value = given.value
        extra: dict[str, float | None] = {}
        if cq.scored:
            extra["max_points"] = round_unit(cq.max_points)
        if qid in ev.norm:
            s = cq.section
            share = c.section_weight[s] / total * cq.weight / ev.den[s]
            sc = ev.norm[qid]
            extra.update(
                points=round_unit(ev.points[qid]),
                score=round_unit(sc),
                share=round_unit(share),
                gained=round_score(100 * share * sc),
                lost=round_score(100 * share * (1 - sc)),
            )
        out.append(
            Explanation(
                id=qid,
                section=cq.section_id,
                kind=cq.question.kind,
                prompt=cq.prompt,
                status=status,
                scored=cq.scored,
                weight=cq.weight,
                answer=value if not isinstance(value, tuple) else list(value),  # type: ignore[arg-type]
                answer_text=answer_text(cq, value) if value is not None else None,
                note=given.note if given is not None else None,
                evidence=given.evidence if given is not None else None,
                remark=ev.remarks.get(qid),
                cite=list(cq.question.cite),
                **extra,
            )
        )
    return out


def _drivers(explanations: list[Explanation]) -> Drivers:
    up = sorted((e for e in explanations if e.gained), key=lambda e: -(e.gained or 0.0))
    down = sorted((e for e in explanations if e.lost), key=lambda e: -(e.lost or 0.0))
    return Drivers(up=[e.id for e in up[:DRIVERS]], down=[e.id for e in down[:DRIVERS]])


def _sources(
    c: Compiled, flags: list[object], recs: Recommendations, explanations: list[Explanation]
) -> list[SourceRef]:
    cited: set[str] = set()
    for f in flags:
        cited.update(getattr(f, "cite", []))
    for e in explanations:
        cited.update(e.cite)
    groups = [recs.legal_forms, recs.excluded_forms, recs.governance, recs.governance_not_recommended]
    groups += [s.steps for s in recs.next_steps]
    for group in groups:
        for cand in group:
            cited.update(cand.cite)
            for r in (*cand.reasons_for, *cand.reasons_against, *cand.excluded_because):
                cited.update(r.cite)
    return [
        SourceRef(id=sid, title=title, url=url) for sid, (title, url) in c.sources.items() if sid in cited
    ]


__all__ = ["answer_text", "assess", "format_number"]

"""Assemble a :class:`~mutual_detector.model.result.Result` from one set of answers.

The result is built directly as frozen model instances, without validating
them again (:func:`mutual_detector.engine.construct.make`): every value comes
from this package's own code, from a validated questionnaire and validated
answers. ``tests/test_engine_construct.py`` checks that each result equals,
byte for byte, the same result validated from its dump.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any, Final

from pydantic_core import to_json

from mutual_detector import RESULT_FORMAT, __version__
from mutual_detector.engine.compiled import (
    CBand,
    Compiled,
    answer_text,
    compile_questionnaire,
    format_number,
)
from mutual_detector.engine.construct import make
from mutual_detector.engine.core import Evaluation, Outcome, evaluate, round_unit
from mutual_detector.engine.recommend import flag_results, recommendations
from mutual_detector.engine.resolve import resolve_fast
from mutual_detector.engine.robustness import robustness
from mutual_detector.engine.whatif import DEFAULT_BUDGET, what_if
from mutual_detector.errors import InputError
from mutual_detector.model.answers import DONT_KNOW, Answer, AnswersFile, Metadata
from mutual_detector.model.checks import AnswerState
from mutual_detector.model.findings import finding
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import (
    Drivers,
    Explanation,
    Inconclusive,
    QuestionnaireRef,
    Result,
    SectionResult,
    SourceRef,
    Verdict,
)

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
    c, state, ev = prepare(questionnaire, answers, lang)
    shares = _inconclusive_shares(c, ev)
    explanations, counts, drivers = _explanations(c, ev, answers.answers)
    recs, cited = recommendations(c, ev.env)
    raised = tuple(f.index for f in ev.raised)
    flags = flag_results(c, raised)
    for i in raised:
        cited.update(c.flags[i].flag.cite)
    cited |= c.question_cites
    data: Data = {
        "format": RESULT_FORMAT,
        "tool_version": __version__,
        "timestamp": timestamp,
        "language": lang,
        "questionnaire": make(QuestionnaireRef, dict(c.questionnaire_ref)),
        "answers_sha256": answers_sha256(answers),
        "answers_status": answers.status,
        "metadata": answers.metadata,
        "verdict": _verdict(c, ev, shares),
        "confidence": ev.outcome.confidence,
        "sections": _sections(c, ev, counts),
        "flags": flags,
        "recommendations": recs,
        "explanations": explanations,
        "drivers": drivers,
        "inconclusive": _inconclusive(c, ev, shares),
        "what_if": what_if(c, ev, answers.answers, budget=whatif_budget) if whatif else None,
        "robustness": robustness(c, ev),
        "sources": [
            make(SourceRef, {"id": sid, "title": title, "url": url})
            for sid, (title, url) in c.sources.items()
            if sid in cited
        ],
        "warnings": [f.message for f in state.findings if f.level == "warning"],
    }
    if (
        (timestamp is None or type(timestamp) is str)
        and type(lang) is str
        and type(answers.metadata) is Metadata
        and type(answers.status) is str
    ):
        return make(Result, data)
    # Arguments of unusual types: validation coerces or rejects them, as it always has (the
    # parts built above are model instances, which it keeps as they are).
    return Result.model_validate(data)


def prepare(
    questionnaire: Questionnaire, answers: AnswersFile, lang: str
) -> tuple[Compiled, AnswerState, Evaluation]:
    """The compiled questionnaire, the checked answers and their evaluation.

    Raises :class:`~mutual_detector.errors.InputError` as :func:`assess` documents.
    """
    if answers.questionnaire != questionnaire.id:
        msg = f"answers are for {answers.questionnaire!r}, not {questionnaire.id!r}"
        raise InputError(msg, [finding("A206", msg, ("questionnaire",))])
    c = compile_questionnaire(questionnaire, lang)
    state = resolve_fast(c, answers.answers)
    errors = state.errors
    if errors:
        raise InputError(errors[0].message, errors)
    return c, state, evaluate(c, state.values, state.dont_know, state.applicable)


# --------------------------------------------------------------------------- answers digest


_ANSWER_FIELDS: Final = ("value", "note", "evidence")
_META_FIELDS: Final = ("assessor", "date", "notes", "organisation", "service")
_FAST_DIGEST: Final = (
    tuple(Answer.model_fields) == _ANSWER_FIELDS
    and tuple(sorted(Metadata.model_fields)) == _META_FIELDS
)


def answers_sha256(answers: AnswersFile) -> str:
    """``answers.sha256()``, several times faster.

    The same canonical JSON (sorted keys, no spaces, UTF-8), written by
    pydantic-core from data built here with its keys already sorted instead of
    by :func:`json.dumps`. Both write strings, integers and booleans alike,
    and floats alike between 1e-4 and 1e16 (``tests/test_engine_construct.py``
    checks this); any other float, or anything unexpected, goes to the model's
    own method.
    """
    if not _FAST_DIGEST:
        return answers.sha256()
    items: Data = {}
    for qid in sorted(answers.answers):
        a = answers.answers[qid]
        value = a.value
        if type(value) is float and not (value == 0.0 or 1e-4 <= abs(value) < 1e16):
            return answers.sha256()
        items[qid] = {"evidence": a.evidence, "note": a.note, "value": value}
    metadata = answers.metadata
    meta: Data = {}
    for name in _META_FIELDS:  # as model_dump(mode="json") gives them, without its serialiser
        value = getattr(metadata, name)
        meta[name] = value.isoformat() if isinstance(value, dt.date) else value
    data = {
        "answers": items,
        "metadata": meta,
        "questionnaire": answers.questionnaire,
    }
    try:
        blob = to_json(data)
    except Exception:  # e.g. a lone surrogate: the model's own method raises the real error
        return answers.sha256()
    return hashlib.sha256(blob).hexdigest()


# --------------------------------------------------------------------------- verdict


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def verdict_band(c: Compiled, o: Outcome) -> CBand | None:
    """The verdict's band, after caps; None when the verdict is inconclusive."""
    return c.bands[o.rank] if o.conclusive and o.rank is not None else None


def _verdict(c: Compiled, ev: Evaluation, shares: dict[str, float]) -> Verdict:
    o = ev.outcome
    capped_by = [c.flags[i].flag.id for i in sorted(o.blockers)]
    band = verdict_band(c, o)
    settle: list[str] = []
    if band is not None:
        summary = (
            f"{band.label}: overall score {o.score:g} out of 100, with {_pct(o.confidence)} of "
            "the weighted questions answered."
        )
        lowered = o.cap_rank is not None and o.score_rank is not None and o.cap_rank > o.score_rank
        if lowered:
            summary += f" The score alone would be {c.bands[o.score_rank or 0].label}; "
            summary += f"the band is capped by {', '.join(capped_by)}."
        elif capped_by:
            summary += (
                f" {', '.join(capped_by)} would cap it at {c.bands[o.cap_rank or 0].label} "
                "even with a higher score."
            )
    else:
        settle = sorted(
            (qid for qid in shares if c.by_id[qid].scored),
            key=lambda qid: (-shares[qid], c.by_id[qid].order),
        )
        if o.score is None:
            summary = "Inconclusive: no scored question has been answered yet."
        else:
            summary = (
                f"Inconclusive: only {_pct(o.confidence)} of the weighted questions were "
                f"answered (at least {_pct(c.threshold)} are needed)."
            )
        if settle:
            summary += f" Answering the {len(settle)} question(s) listed would settle it."
    return make(
        Verdict,
        {
            "status": "band" if band is not None else "inconclusive",
            "band": band.id if band is not None else None,
            "label": band.label if band is not None else None,
            "meaning": band.meaning if band is not None else None,
            "score": o.score,
            "score_band": c.bands[o.score_rank].id if o.score_rank is not None else None,
            "indicative_band": c.bands[o.rank].id if o.rank is not None else None,
            "cap": c.bands[o.cap_rank].id if o.cap_rank is not None else None,
            "capped_by": capped_by,
            "confidence": o.confidence,
            "confidence_threshold": c.threshold,
            "settle": settle,
            "summary": summary,
        },
    )


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


def _inconclusive(c: Compiled, ev: Evaluation, shares: dict[str, float]) -> list[Inconclusive]:
    out = []
    for qid, share in shares.items():
        cq = c.by_id[qid]
        out.append(
            make(
                Inconclusive,
                {
                    "id": qid,
                    "section": cq.section_id,
                    "prompt": cq.prompt,
                    "reason": "dont_know" if qid in ev.dont_know else "unanswered",
                    "scored": cq.scored,
                    "share": share,
                },
            )
        )
    return out


# --------------------------------------------------------------------------- sections


_Counts = tuple[list[int], list[int], list[int]]


def _sections(c: Compiled, ev: Evaluation, counts: _Counts) -> list[SectionResult]:
    """Each section's result; ``counts``: answered, inconclusive and not applicable questions."""
    answered, inconclusive, not_applicable = counts
    out = []
    for sec in c.sections:
        i = sec.index
        app, den = ev.app[i], ev.den[i]
        out.append(
            make(
                SectionResult,
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
                },
            )
        )
    return out


# --------------------------------------------------------------------------- explanations


def _explanations(
    c: Compiled, ev: Evaluation, given_all: Mapping[str, Answer]
) -> tuple[list[Explanation], _Counts, Drivers]:
    """Every question's explanation, each section's question counts, and the drivers."""
    applicable = set(ev.applicable)
    weights = c.section_weight
    den = ev.den
    total = sum(weights[i] for i, d in enumerate(den) if d > 0)
    values, dont_know, norm, points, remarks = (
        ev.values,
        ev.dont_know,
        ev.norm,
        ev.points,
        ev.remarks,
    )
    n = len(c.sections)
    answered = [0] * n
    inconclusive = [0] * n
    not_applicable = [0] * n
    up: list[tuple[float, int, str]] = []
    down: list[tuple[float, int, str]] = []
    out = []
    for cq in c.questions:
        qid = cq.id
        s = cq.section
        given = given_all.get(qid)
        e = cq.explained.copy()
        e["cite"] = list(cq.cite)
        value: Any
        if qid not in applicable:
            e["status"] = "not_applicable"
            if s >= 0:
                not_applicable[s] += 1
            if given is not None:
                value = given.value
                if value is not None:
                    e["answer"] = list(value) if type(value) is list else value
                    e["answer_text"] = answer_text(cq, value)
        elif qid in values:
            e["status"] = "answered"
            if s >= 0:
                answered[s] += 1
            value = values[qid]
            if type(value) is list:
                e["answer"] = list(value)  # the result's own copy, as validation would make
                e["answer_text"] = answer_text(cq, value)
            else:
                e["answer"] = value
                e["answer_text"] = cq.words[value] if cq.words else answer_text(cq, value)
            sc = norm.get(qid)
            if sc is not None:
                share = weights[s] / total * cq.weight / den[s]
                discrete = cq.discrete.get(value) if cq.discrete else None
                if discrete is not None:
                    e["points"], e["score"] = discrete[2], discrete[3]
                else:
                    e["points"] = round(points[qid], 4) + 0.0
                    e["score"] = round(sc, 4) + 0.0
                e["share"] = round(share, 4) + 0.0
                e["gained"] = gained = round(100 * share * sc, 2) + 0.0
                e["lost"] = lost = round(100 * share * (1 - sc), 2) + 0.0
                if gained:
                    up.append((-gained, cq.order, qid))
                if lost:
                    down.append((-lost, cq.order, qid))
                if remarks:
                    e["remark"] = remarks.get(qid)
        else:
            if s >= 0 and cq.kind != "text":
                inconclusive[s] += 1
            if qid in dont_know:
                e["status"] = "dont_know"
                e["answer"], e["answer_text"] = DONT_KNOW, "Don't know"
            else:
                e["status"] = "unanswered"
                if given is not None:
                    value = given.value
                    if value is not None:
                        e["answer"] = list(value) if type(value) is list else value
                        e["answer_text"] = answer_text(cq, value)
        if given is not None:
            e["note"] = given.note
            e["evidence"] = given.evidence
        out.append(make(Explanation, e))
    up.sort()
    down.sort()
    drivers = make(
        Drivers,
        {"up": [e[2] for e in up[:DRIVERS]], "down": [e[2] for e in down[:DRIVERS]]},
    )
    return out, (answered, inconclusive, not_applicable), drivers


__all__ = [
    "answer_text",
    "answers_sha256",
    "assess",
    "format_number",
    "prepare",
    "verdict_band",
]

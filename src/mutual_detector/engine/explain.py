"""Turn an evaluation into words and figures: verdict, readiness, sections, explanations.

* **Drivers** are measured from the neutral baseline: the score with every
  applicable scored answer at its neutral value. An answer's contribution is
  ``100 * share * (score - neutral)``; the contributions add up exactly to the
  point estimate minus the baseline (unknown answers count at neutral, so they
  add nothing to the point: their effect is the range). Each answer is either
  helping (> 0) or holding back (< 0).
* **Unknowns** are ranked by what they decide: those that could trigger a cap
  first (the lowest cap first), then by their **swing**, the points of the
  score range each accounts for (``100 * share * (high - low)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mutual_detector.engine.evaluate import Evaluation, Outcome, Span, round_score, round_unit
from mutual_detector.engine.plan import Plan, QuestionPlan, answer_text
from mutual_detector.model.answers import DONT_KNOW, Answer
from mutual_detector.model.expr import Value
from mutual_detector.model.questionnaire import Measure

#: How many drivers each way the result lists.
DRIVERS: Final = 5

Data = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Shares:
    """Each certainly applicable counted question's share of its measure's point estimate."""

    share: dict[str, float]
    section_total: dict[Measure, float]
    """Sum of section weights in each measure's point estimate."""
    within: list[float]
    """Per section: sum of the weights of its certainly applicable counted questions."""


def shares(ev: Evaluation) -> Shares:
    plan = ev.plan
    within = [0.0] * len(plan.sections)
    for qid, qs in ev.scores.items():
        if qs.definite:
            qp = plan.by_id[qid]
            within[qp.section] += qp.weight
    totals: dict[Measure, float] = {"suitability": 0.0, "readiness": 0.0}
    for sp, span in zip(plan.sections, ev.sections, strict=True):
        if span.point is not None:
            totals[sp.measure] += sp.weight
    out: dict[str, float] = {}
    for qid, qs in ev.scores.items():
        qp = plan.by_id[qid]
        total, inside = totals[qp.measure], within[qp.section]
        if qs.definite and total > 0 and inside > 0:
            out[qid] = plan.sections[qp.section].weight / total * qp.weight / inside
        elif total > 0:  # may apply: its share if it turned out to apply
            out[qid] = (
                plan.sections[qp.section].weight
                / (total + (0 if inside > 0 else plan.sections[qp.section].weight))
                * qp.weight
                / (inside + qp.weight)
            )
        else:
            out[qid] = 0.0
    return Shares(out, totals, within)


def score_range(span: Span) -> Data:
    return {
        "low": round_score(span.low) if span.low is not None else None,
        "point": round_score(span.point) if span.point is not None else None,
        "high": round_score(span.high) if span.high is not None else None,
    }


def answered_share(ev: Evaluation, measure: Measure | None = None) -> float:
    """The answered share of the point estimate: the mean of each section's answered share of
    its certainly applicable scored weight, weighted as the sections are in the score."""
    plan = ev.plan
    answered = [0.0] * len(plan.sections)
    applicable = [0.0] * len(plan.sections)
    for qid, qs in ev.scores.items():
        qp = plan.by_id[qid]
        if not qs.definite or (measure is not None and qp.measure != measure):
            continue
        applicable[qp.section] += qp.weight
        if qs.value is not None:
            answered[qp.section] += qp.weight
    num = den = 0.0
    for sp in plan.sections:
        if applicable[sp.index] > 0:
            num += sp.weight * answered[sp.index] / applicable[sp.index]
            den += sp.weight
    return round_unit(num / den) if den > 0 else 0.0


# --------------------------------------------------------------------------- unknowns


def unknowns(ev: Evaluation, sh: Shares) -> list[Data]:
    """Every applicable (or possibly applicable) question without a usable answer, ranked."""
    plan = ev.plan
    could: dict[str, list[tuple[int, str]]] = {}
    for cap in ev.caps:
        if not cap.raised:
            for qid in cap.refs:
                could.setdefault(qid, []).append((cap.rank, cap.id))
    out: list[tuple[tuple[Any, ...], Data]] = []
    for qp in plan.questions:
        qid = qp.id
        applies = ev.applies.get(qid)
        if applies is None or qp.kind == "text" or qid in ev.values:
            continue
        if not qp.counts and qid not in could:
            continue
        swing = round_score(100 * sh.share.get(qid, 0.0) * (qp.high - qp.low)) if qp.counts else 0.0
        caps = sorted(could.get(qid, []), reverse=True)
        unknown = {
            "id": qid,
            "section": qp.section_id,
            "prompt": qp.prompt,
            "reason": "dont_know" if qid in ev.dont_know else "unanswered",
            "applies": "yes" if applies is True else "maybe",
            "scored": qp.counts,
            "measure": qp.measure,
            "swing": swing,
            "could_cap": [cid for _, cid in caps],
        }
        worst_cap = caps[0][0] if caps else -1
        out.append(((not caps, -worst_cap, -swing, qp.order), unknown))
    out.sort(key=lambda pair: pair[0])
    return [u for _, u in out]


def deciding(ranked: list[Data]) -> list[str]:
    """The unknown answers that decide a 'between' verdict: suitability ones that move it."""
    return [
        u["id"]
        for u in ranked
        if u["measure"] == "suitability" and (u["could_cap"] or u["swing"] > 0)
    ]


# --------------------------------------------------------------------------- verdict


def caps(ev: Evaluation) -> list[Data]:
    plan = ev.plan
    ordered = sorted(ev.caps, key=lambda c: (-c.rank, not c.raised, c.kind, c.id))
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "band": plan.bands[c.rank].id,
            "status": "raised" if c.raised else "possible",
            "reason": c.reason,
            "depends_on": []
            if c.raised
            else [q for q in _in_order(plan, c.refs) if _unknown(ev, q)],
        }
        for c in ordered
    ]


def _in_order(plan: Plan, ids: frozenset[str]) -> list[str]:
    return [qp.id for qp in plan.questions if qp.id in ids]


def _unknown(ev: Evaluation, qid: str) -> bool:
    return qid in ev.applies and qid not in ev.values


def verdict(ev: Evaluation, ranked: list[Data]) -> Data:
    plan, o = ev.plan, ev.outcome
    best, worst = plan.bands[o.best], plan.bands[o.worst]
    decided = o.decided
    capped_by = sorted(c.id for c in ev.caps if c.raised)
    deciding_ids = [] if decided else deciding(ranked)
    meaning = None
    if decided:
        meaning = best.meaning_by_stage.get(ev.stage or "", best.meaning)
    return {
        "status": "decided" if decided else "between",
        "band": best.id if decided else None,
        "label": best.label if decided else f"Between {best.label} and {worst.label}",
        "meaning": meaning,
        "best": best.id,
        "worst": worst.id,
        "indicative": plan.bands[o.indicative].id,
        "score": score_range(ev.measures["suitability"]),
        "score_band": plan.bands[o.score_rank].id if o.score_rank is not None else None,
        "cap": plan.bands[o.cap].id if o.cap is not None else None,
        "capped_by": capped_by,
        "deciding": deciding_ids,
        "answered_share": answered_share(ev, "suitability"),
        "summary": _summary(ev, o, ranked, deciding_ids),
    }


def _pts(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def _summary(ev: Evaluation, o: Outcome, ranked: list[Data], deciding_ids: list[str]) -> str:
    plan = ev.plan
    best, worst = plan.bands[o.best], plan.bands[o.worst]
    unknown = sum(1 for u in ranked if u["measure"] == "suitability")
    if o.point is None and o.low is None:
        text = "Nothing scored applies yet, so no score can be given."
    elif o.decided:
        text = f"{best.label}: score {_pts(o.point)}"
        if unknown and o.low != o.high:
            text += f" (between {_pts(o.low)} and {_pts(o.high)} with {unknown} unknown answer"
            text += "s)" if unknown != 1 else ")"
        text += "."
    else:
        text = (
            f"Between {best.label} and {worst.label}: the answers so far give a score between "
            f"{_pts(o.low)} and {_pts(o.high)} (point estimate {_pts(o.point)})"
        )
        possible = [c for c in ev.caps if not c.raised and c.rank > o.best]
        if possible:
            text += f", and {len(possible)} possible cap"
            text += "s" if len(possible) != 1 else ""
        text += f"; {len(deciding_ids)} unknown answer"
        text += "s decide it." if len(deciding_ids) != 1 else " decides it."
    raised = sorted((c for c in ev.caps if c.raised and c.rank == o.cap), key=lambda c: c.id)
    if raised:
        cap_label = plan.bands[o.cap or 0].label
        lowered = o.score_rank is not None and (o.cap or 0) > o.score_rank
        names = ", ".join(c.id for c in raised)
        if lowered:
            text += f" The score alone would be {plan.bands[o.score_rank or 0].label}; {names} "
            text += f"cap{'s' if len(raised) == 1 else ''} it at {cap_label}."
        else:
            text += f" {names} would cap it at {cap_label} even with a higher score."
    return text


# --------------------------------------------------------------------------- readiness


def readiness(ev: Evaluation, readiness_flags: list[str]) -> Data:
    plan = ev.plan
    stage = ev.stage
    rank = plan.stage_rank(stage)
    title = dict(plan.stages).get(stage or "")
    items: list[Data] = []
    for qp in plan.questions:
        expect = qp.question.expect
        if not expect or ev.applies.get(qp.id) is not True:
            continue
        given = ev.values.get(qp.id)
        shown = answer_text(qp, given) if given is not None else None
        if rank is None:
            continue
        entry = _expected(plan, expect, rank)
        if entry is None:
            status, expected, by = "not_yet", None, None
        else:
            by, want = entry
            expected = answer_text(qp, want)
            status = "unknown" if given is None else "met" if _meets(qp, given, want) else "behind"
        items.append(
            {
                "question": qp.id,
                "prompt": qp.prompt,
                "status": status,
                "expected": expected,
                "expected_by": by,
                "answer_text": shown
                if given is not None
                else ("Don't know" if qp.id in ev.dont_know else None),
            }
        )
    counts = {s: sum(1 for i in items if i["status"] == s) for s in ("met", "behind", "unknown")}
    if rank is None:
        status = "not_assessed"
        summary = "Readiness not assessed: the stage is not known."
    elif not counts["met"] and not counts["behind"] and not counts["unknown"]:
        status = "not_assessed"
        summary = f"Nothing is expected to be in place yet at the {title} stage."
    elif counts["behind"]:
        status = "behind"
        n = counts["behind"]
        total = n + counts["met"] + counts["unknown"]
        if total == 1:
            summary = f"Behind for {title}: the one thing this stage expects is not in place."
        else:
            summary = (
                f"Behind for {title}: {n} of the {total} things this stage expects "
                f"{'is' if n == 1 else 'are'} not in place."
            )
    elif counts["unknown"]:
        status = "unclear"
        n = counts["unknown"]
        summary = (
            f"Unclear for {title}: {n} answer{'s' if n != 1 else ''} this stage expects "
            f"{'are' if n != 1 else 'is'} not known."
        )
    else:
        status = "on_track"
        summary = f"On track for {title}: everything this stage expects is in place."
    if readiness_flags:
        n = len(readiness_flags)
        summary += f" {n} readiness flag{'s' if n != 1 else ''} to deal with."
    return {
        "status": status,
        "stage": stage,
        "stage_title": title,
        "score": score_range(ev.measures["readiness"]),
        "expectations": items,
        "flags": readiness_flags,
        "summary": summary,
    }


def _expected(plan: Plan, expect: Mapping[str, Value], rank: int) -> tuple[str, Value] | None:
    best: tuple[int, str, Value] | None = None
    for sid, want in expect.items():
        r = plan.stage_rank(sid)
        if r is not None and r <= rank and (best is None or r > best[0]):
            best = (r, sid, want)
    return (best[1], best[2]) if best is not None else None


def _meets(qp: QuestionPlan, given: Value, want: Value) -> bool:
    if qp.kind == "single":
        return qp.option_points.get(str(given), 0.0) >= qp.option_points.get(str(want), 0.0)
    if qp.kind == "yes_no":
        return given == want
    if isinstance(given, int | float) and isinstance(want, int | float):
        return given >= want
    return False


# --------------------------------------------------------------------------- sections, questions


def sections(ev: Evaluation) -> list[Data]:
    plan = ev.plan
    counts = {sp.index: [0, 0, 0, 0] for sp in plan.sections}
    for qp in plan.questions:
        if qp.section < 0:
            continue
        c = counts[qp.section]
        applies = ev.applies.get(qp.id)
        if applies is None:
            c[3] += 1
        elif applies is not True:
            c[2] += 1
        elif qp.id in ev.values:
            c[0] += 1
        elif qp.kind != "text":
            c[1] += 1
    answered_w = [0.0] * len(plan.sections)
    applicable_w = [0.0] * len(plan.sections)
    for qid, qs in ev.scores.items():
        if qs.definite:
            qp = plan.by_id[qid]
            applicable_w[qp.section] += qp.weight
            if qs.value is not None:
                answered_w[qp.section] += qp.weight
    out = []
    for sp, span in zip(plan.sections, ev.sections, strict=True):
        num, den = answered_w[sp.index], applicable_w[sp.index]
        answered, unknown, may, not_applicable = counts[sp.index]
        out.append(
            {
                "id": sp.id,
                "title": sp.title,
                "topic": sp.topic,
                "measure": sp.measure,
                "weight": sp.weight,
                "scored": sp.scored,
                "score": score_range(span) if span.low is not None else None,
                "floor": sp.floor,
                "answered_share": round_unit(num / den) if den > 0 else None,
                "answered": answered,
                "unknown": unknown,
                "may_apply": may,
                "not_applicable": not_applicable,
            }
        )
    return out


def explanations(
    ev: Evaluation, sh: Shares, given_all: Mapping[str, Answer]
) -> tuple[list[Data], Data]:
    """Every question's explanation, and the drivers of the suitability score."""
    plan = ev.plan
    helped: list[tuple[float, int, str]] = []
    held_back: list[tuple[float, int, str]] = []
    out = []
    for qp in plan.questions:
        qid = qp.id
        given = given_all.get(qid)
        applies = ev.applies.get(qid)
        e = dict(qp.template)
        e["cite"] = list(qp.cite)
        if given is not None:
            e["note"] = given.note
            e["evidence"] = given.evidence
        if qid in ev.remarks:
            e["remark"] = ev.remarks[qid]
        value: Value = given.value if given is not None else None  # type: ignore[assignment]
        if applies is None:
            e["status"] = "not_applicable"
        elif qid in ev.values:
            e["status"] = "answered" if applies is True else "may_apply"
            value = ev.values[qid]
        elif qid in ev.dont_know:
            e["status"] = "dont_know" if applies is True else "may_apply"
            value = DONT_KNOW
        else:
            e["status"] = "unanswered" if applies is True else "may_apply"
        if value is not None:
            e["answer"] = list(value) if isinstance(value, list) else value
            e["answer_text"] = answer_text(qp, value)
        qs = ev.scores.get(qid)
        if qs is not None:
            share = sh.share.get(qid, 0.0)
            e["share"] = round_unit(share)
            if qs.value is not None:
                e["points"] = round_unit(ev.points[qid])
                e["score"] = round_unit(qs.value)
                if qs.definite:
                    contribution = 100 * share * (qs.value - qp.neutral)
                    e["contribution"] = round_unit(contribution)
                    if qp.measure == "suitability":
                        if contribution > 0:
                            helped.append((-contribution, qp.order, qid))
                        elif contribution < 0:
                            held_back.append((contribution, qp.order, qid))
            else:
                e["swing"] = round_score(100 * share * (qp.high - qp.low))
        out.append(e)
    helped.sort()
    held_back.sort()
    drivers = {
        "baseline": baseline(ev),
        "helped": [h[2] for h in helped[:DRIVERS]],
        "held_back": [h[2] for h in held_back[:DRIVERS]],
    }
    return out, drivers


def baseline(ev: Evaluation, measure: Measure = "suitability") -> float | None:
    """The point estimate with every certainly applicable scored answer at its neutral value."""
    plan = ev.plan
    per_section: dict[int, list[float]] = {}
    for qid, qs in ev.scores.items():
        qp = plan.by_id[qid]
        if qs.definite and qp.measure == measure:
            acc = per_section.setdefault(qp.section, [0.0, 0.0])
            acc[0] += qp.weight * qp.neutral
            acc[1] += qp.weight
    num = den = 0.0
    for index, (n, d) in per_section.items():
        w = plan.sections[index].weight
        num += w * 100 * n / d
        den += w
    return round_unit(num / den) if den > 0 else None


__all__ = [
    "DRIVERS",
    "Shares",
    "answered_share",
    "baseline",
    "caps",
    "deciding",
    "explanations",
    "readiness",
    "score_range",
    "sections",
    "shares",
    "unknowns",
    "verdict",
]

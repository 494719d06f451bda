"""Red flags and recommendations, driven only by the questionnaire's rules.

* A flag is **raised** when its condition is true and **possible** when it is
  unknown (it reads unknown answers). Blockers first, then warnings, then
  notes; raised before possible; questionnaire order within.
* A recommendation applies when its ``when:`` is true (or it has none). Its
  score is ``base`` plus the points of every rule whose condition is true; a
  rule that is only possibly true does not count, so every reason shown is
  true of the answers given. A rule with ``exclude: true`` that holds rules it
  out. Rules with points > 0 are reasons for, < 0 reasons against; rules with
  0 points that hold are listed as reasons for (they explain why it applies).
* While a blocker is raised, the spin-out cannot go ahead as proposed: legal
  forms and governance are **withheld** (not ranked) and the result says what
  would have to change first. Next steps are still listed.
* Legal forms not ruled out are ranked by score (highest first), then id.
* A governance feature is recommended if it applies, is not ruled out and
  scores 0 or more, and no feature of its ``group`` fits better (higher score,
  then earlier in the file); the others are listed as not recommended.
* A next step is listed, under its stage, when it applies and is not ruled
  out. The first three steps are those of the current stage, then later ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mutual_detector.engine.evaluate import Evaluation, round_unit
from mutual_detector.engine.plan import Plan, RecommendationPlan, RulePlan
from mutual_detector.model.expr import UNKNOWN, Scope

_SEVERITY_ORDER = {"blocker": 0, "warning": 1, "info": 2}
#: How many next steps the result puts first.
FIRST_STEPS = 3

Data = dict[str, Any]


def flag_order(ev: Evaluation) -> list[int]:
    """Indices of the raised and possible flags, in the order a result lists them."""
    shown = [i for i, t in enumerate(ev.flags) if t is not False]
    return sorted(
        shown,
        key=lambda i: (_SEVERITY_ORDER[ev.plan.flags[i].severity], ev.flags[i] is UNKNOWN, i),
    )


def flag_results(ev: Evaluation, depends: dict[int, list[str]]) -> list[Data]:
    """The raised and possible flags; ``depends``: the unknowns each possible flag reads."""
    plan = ev.plan
    out = []
    for i in flag_order(ev):
        fp = plan.flags[i]
        out.append(
            {
                "id": fp.id,
                "severity": fp.severity,
                "about": fp.about,
                "status": "raised" if ev.flags[i] is True else "possible",
                "message": fp.message,
                "cite": list(fp.cite),
                "cap": plan.bands[fp.cap].id if fp.cap is not None else None,
                "condition": fp.when.source,
                "depends_on": depends.get(i, []) if ev.flags[i] is UNKNOWN else [],
            }
        )
    return out


def raised_blockers(ev: Evaluation) -> list[str]:
    """Ids of the raised blockers, in questionnaire order."""
    return [
        fp.id for fp in ev.plan.flags if fp.severity == "blocker" and ev.flags[fp.index] is True
    ]


@dataclass(slots=True)
class _Scored:
    rec: RecommendationPlan
    score: float
    held: list[RulePlan]

    @property
    def excluded(self) -> bool:
        return any(rule.exclude for rule in self.held)


def _score(rp: RecommendationPlan, scope: Scope) -> _Scored:
    held = [rule for rule in rp.rules if rule.when.holds(scope)]
    score = rp.rec.base + sum(rule.points for rule in held)
    return _Scored(rp, round_unit(score), held)


def _applies(rp: RecommendationPlan, scope: Scope) -> bool:
    return rp.when is None or rp.when.holds(scope)


def recommendations(ev: Evaluation, first_change: list[str]) -> tuple[Data, set[str]]:
    """The recommendations, and the sources cited by the candidates listed.

    ``first_change``: what would have to change first if a blocker is raised.
    """
    plan, scope = ev.plan, ev.scope
    blockers = raised_blockers(ev)
    forms: list[_Scored] = []
    excluded_forms: list[_Scored] = []
    governance: list[_Scored] = []
    not_recommended: list[_Scored] = []
    steps: dict[str, list[_Scored]] = {sid: [] for sid, _ in plan.stages}
    for rp in plan.recommendations:
        kind = rp.rec.kind
        if blockers and kind != "next_step":
            continue
        if not _applies(rp, scope):
            continue
        scored = _score(rp, scope)
        if kind == "legal_form":
            (excluded_forms if scored.excluded else forms).append(scored)
        elif kind == "governance":
            ok = not scored.excluded and scored.score >= 0
            (governance if ok else not_recommended).append(scored)
        elif not scored.excluded and rp.rec.stage in steps:
            steps[rp.rec.stage].append(scored)
    forms.sort(key=lambda s: (-s.score, s.rec.rec.id))
    governance, bettered = _one_per_group(governance)
    not_recommended = bettered + not_recommended
    cited: set[str] = set()
    listed = [*forms, *excluded_forms, *governance, *not_recommended]
    listed += [s for group in steps.values() for s in group]
    for s in listed:
        cited.update(s.rec.rec.cite)
        for rule in s.held:
            cited.update(rule.cite)
    stage_steps = [
        {"stage": sid, "title": title, "steps": [_candidate(plan, s) for s in steps[sid]]}
        for sid, title in plan.stages
        if steps[sid]
    ]
    recs = {
        "status": "withheld" if blockers else "ranked",
        "withheld_because": blockers,
        "first_change": first_change if blockers else [],
        "legal_forms": [_candidate(plan, s, rank=n) for n, s in enumerate(forms, start=1)],
        "excluded_forms": [_candidate(plan, s) for s in excluded_forms],
        "governance": [_candidate(plan, s) for s in governance],
        "governance_not_recommended": [_candidate(plan, s) for s in not_recommended],
        "next_steps": stage_steps,
        "first_steps": _first_steps(plan, ev.stage, steps, blockers),
    }
    return recs, cited


def _one_per_group(recommended: list[_Scored]) -> tuple[list[_Scored], list[_Scored]]:
    """Keep the best feature of each group; return (recommended, bettered by their group)."""
    best: dict[str, _Scored] = {}
    for s in recommended:
        group = s.rec.rec.group
        if group is None:
            continue
        current = best.get(group)
        if current is None or s.score > current.score:
            best[group] = s
    keep = [s for s in recommended if s.rec.rec.group is None or best[s.rec.rec.group] is s]
    dropped = [s for s in recommended if s not in keep]
    keep.sort(key=lambda s: (-s.score, s.rec.rec.id))
    return keep, dropped


def _first_steps(
    plan: Plan, stage: str | None, steps: dict[str, list[_Scored]], blockers: list[str]
) -> list[str]:
    """The next three steps: from the current stage on, in stage order.

    While a blocker stands, the steps that deal with it come first, whatever their
    stage: a step whose condition reads the blocker, or a question the blocker reads.
    Building a business case for a spin-out that cannot go ahead is not a next step.
    """
    start = plan.stage_rank(stage) or 0
    ordered = [s for sid, _ in plan.stages[start:] for s in steps[sid]]
    if blockers:
        raised = set(blockers)
        reads = {q for f in plan.flags if f.id in raised for q in f.reads}
        everything = [s for sid, _ in plan.stages for s in steps[sid]]
        first = [
            s
            for s in everything
            if s.rec.when is not None and (s.rec.when.flags & raised or s.rec.when.refs & reads)
        ]
        ordered = first + [s for s in ordered if s not in first]
    return [s.rec.rec.id for s in ordered[:FIRST_STEPS]]


def _candidate(plan: Plan, s: _Scored, rank: int | None = None) -> Data:
    reasons: tuple[list[Data], list[Data], list[Data]] = ([], [], [])
    for rule in s.held:
        slot = 2 if rule.exclude else 1 if rule.points < 0 else 0
        reasons[slot].append({"text": rule.reason, "points": rule.points, "cite": list(rule.cite)})
    rec = s.rec.rec
    return {
        "id": rec.id,
        "kind": rec.kind,
        "title": s.rec.title,
        "summary": s.rec.summary,
        "stage": rec.stage,
        "group": rec.group,
        "score": s.score,
        "rank": rank,
        "reasons_for": reasons[0],
        "reasons_against": reasons[1],
        "excluded_because": reasons[2],
        "cite": list(rec.cite),
    }


def top_legal_form(ev: Evaluation) -> str | None:
    """Title of the legal form :func:`recommendations` ranks first (None if withheld or none)."""
    if raised_blockers(ev):
        return None
    best: tuple[float, str] | None = None
    title = None
    for rp in ev.plan.recommendations:
        if rp.rec.kind != "legal_form" or not _applies(rp, ev.scope):
            continue
        scored = _score(rp, ev.scope)
        if scored.excluded:
            continue
        key = (-scored.score, rp.rec.id)
        if best is None or key < best:
            best, title = key, rp.title
    return title


__all__ = [
    "FIRST_STEPS",
    "flag_order",
    "flag_results",
    "raised_blockers",
    "recommendations",
    "top_legal_form",
]

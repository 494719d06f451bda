"""Red flags and recommendations, driven only by the questionnaire's rules.

* A flag is raised when its condition holds. Blockers first, then warnings,
  then notes; questionnaire order within a severity.
* A recommendation applies when its ``when:`` holds (or it has none). Its
  score is ``base`` plus the points of every rule that holds. A rule that holds
  with ``exclude: true`` rules it out. Rules with points > 0 are reasons for,
  < 0 reasons against; rules with 0 points that hold are listed as reasons for
  (they explain why it applies).
* Legal forms not ruled out are ranked by score (highest first), then id.
* A governance feature is recommended if it applies, is not ruled out and
  scores 0 or more; otherwise it is listed as not recommended, with reasons.
* A next step is listed, under its stage, when it applies and is not ruled out.
"""

from __future__ import annotations

from typing import Any

from mutual_detector.engine.compiled import Compiled, CRecommendation, CRule
from mutual_detector.engine.construct import make
from mutual_detector.model.expr import Environment
from mutual_detector.model.questionnaire import STAGES, Stage
from mutual_detector.model.result import (
    Candidate,
    FlagResult,
    Reason,
    Recommendations,
    StageSteps,
)

Data = dict[str, Any]

STAGE_TITLES: dict[Stage, str] = {
    "explore": "Explore",
    "business_case": "Business case",
    "spin_out": "Spin out",
    "after_spin_out": "After spin-out",
}


def flag_results(c: Compiled, raised: tuple[int, ...]) -> list[FlagResult]:
    """The raised flags (indices into ``c.flags``): blockers, warnings, then notes."""
    out = []
    order = c.flag_order
    for i in sorted(raised, key=order.__getitem__):
        data = dict(c.flag_data[i])
        data["cite"] = list(data["cite"])
        out.append(make(FlagResult, data))
    return out


def recommendations(c: Compiled, env: Environment) -> tuple[Recommendations, set[str]]:
    """The recommendations, and the sources cited by the candidates listed."""
    forms: list[Data] = []
    excluded_forms: list[Data] = []
    governance: list[Data] = []
    not_recommended: list[Data] = []
    steps: dict[Stage, list[Data]] = {s: [] for s in STAGES}
    cited: set[str] = set()
    for cr in c.recommendations:
        if cr.when is not None and not cr.when(env):
            continue
        rec = cr.rec
        score, held = _held(cr, env)
        reasons: tuple[list[Reason], list[Reason], list[Reason]] = ([], [], [])
        for rule in held:
            reasons[rule.slot].append(
                make(
                    Reason,
                    {"text": rule.reason, "points": rule.shown_points, "cite": list(rule.cite)},
                )
            )
        excluded = reasons[2]
        cand: Data = {
            "id": rec.id,
            "kind": cr.kind,
            "title": cr.title,
            "summary": cr.summary,
            "stage": rec.stage,
            "score": score,
            "rank": None,
            "reasons_for": reasons[0],
            "reasons_against": reasons[1],
            "excluded_because": excluded,
            "cite": list(cr.cite),
        }
        kind = cr.kind
        if kind == "legal_form":
            (excluded_forms if excluded else forms).append(cand)
        elif kind == "governance":
            ok = not excluded and cand["score"] >= 0
            (governance if ok else not_recommended).append(cand)
        elif not excluded:
            steps[rec.stage or "explore"].append(cand)
        else:
            continue  # a next step ruled out is not listed, nor are its sources
        cited.update(cr.cite)
        for rule in held:
            cited.update(rule.cite)
    forms.sort(key=lambda f: (-f["score"], f["id"]))
    for n, f in enumerate(forms, start=1):
        f["rank"] = n
    governance.sort(key=lambda g: (-g["score"], g["id"]))
    recs = make(
        Recommendations,
        {
            "legal_forms": _candidates(forms),
            "excluded_forms": _candidates(excluded_forms),
            "governance": _candidates(governance),
            "governance_not_recommended": _candidates(not_recommended),
            "next_steps": [
                make(
                    StageSteps,
                    {"stage": s, "title": STAGE_TITLES[s], "steps": _candidates(steps[s])},
                )
                for s in STAGES
                if steps[s]
            ],
        },
    )
    return recs, cited


def _held(cr: CRecommendation, env: Environment) -> tuple[float, list[CRule]]:
    """A candidate's score (rounded as a result shows it) and the rules that hold for it."""
    score = cr.rec.base
    held = [rule for rule in cr.rules if rule.when(env)]
    for rule in held:
        score += rule.points
    return round(score, 4) + 0.0, held


def top_legal_form(c: Compiled, env: Environment) -> CRecommendation | None:
    """The legal form :func:`recommendations` ranks first, without building the rest."""
    best: tuple[float, str] | None = None
    top = None
    for cr in c.legal_forms:
        if cr.when is not None and not cr.when(env):
            continue
        score, held = _held(cr, env)
        if any(rule.slot == 2 for rule in held):
            continue  # ruled out
        key = (-score, cr.rec.id)
        if best is None or key < best:
            best, top = key, cr
    return top


def _candidates(group: list[Data]) -> list[Candidate]:
    return [make(Candidate, cand) for cand in group]


__all__ = ["STAGE_TITLES", "flag_results", "recommendations", "top_legal_form"]

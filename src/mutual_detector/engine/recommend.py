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

from mutual_detector.engine.compiled import Compiled, CRecommendation
from mutual_detector.model.expr import Environment
from mutual_detector.model.questionnaire import STAGES, Stage, text

Data = dict[str, Any]

STAGE_TITLES: dict[Stage, str] = {
    "explore": "Explore",
    "business_case": "Business case",
    "spin_out": "Spin out",
    "after_spin_out": "After spin-out",
}

_SEVERITY_ORDER = {"blocker": 0, "warning": 1, "info": 2}


def flag_results(c: Compiled, raised: tuple[int, ...]) -> list[Data]:
    """The raised flags (indices into ``c.flags``): blockers, warnings, then notes."""
    out = []
    for i in sorted(raised, key=lambda i: (_SEVERITY_ORDER[c.flags[i].flag.severity], i)):
        cf = c.flags[i]
        f = cf.flag
        out.append(
            {
                "id": f.id,
                "severity": f.severity,
                "message": text(f.message, c.lang),
                "cite": list(f.cite),
                "cap": c.bands[cf.cap_rank].id if cf.cap_rank is not None else None,
                "condition": f.when.source,
            }
        )
    return out


def _candidate(cr: CRecommendation, env: Environment) -> Data | None:
    rec = cr.rec
    if cr.when is not None and not cr.when(env):
        return None
    score = rec.base
    for_: list[Data] = []
    against: list[Data] = []
    excluded: list[Data] = []
    for rule in cr.rules:
        if not rule.when(env):
            continue
        reason = {"text": rule.reason, "points": rule.points, "cite": list(rule.cite)}
        score += rule.points
        if rule.exclude:
            excluded.append(reason)
        elif rule.points < 0:
            against.append(reason)
        else:
            for_.append(reason)
    return {
        "id": rec.id,
        "kind": rec.kind,
        "title": cr.title,
        "summary": cr.summary,
        "stage": rec.stage,
        "score": round(score, 4) + 0.0,
        "rank": None,
        "reasons_for": for_,
        "reasons_against": against,
        "excluded_because": excluded,
        "cite": list(rec.cite),
    }


def recommendations(c: Compiled, env: Environment) -> Data:
    forms: list[Data] = []
    excluded_forms: list[Data] = []
    governance: list[Data] = []
    not_recommended: list[Data] = []
    steps: dict[Stage, list[Data]] = {s: [] for s in STAGES}
    for cr in c.recommendations:
        cand = _candidate(cr, env)
        if cand is None:
            continue
        kind = cr.rec.kind
        if kind == "legal_form":
            (excluded_forms if cand["excluded_because"] else forms).append(cand)
        elif kind == "governance":
            ok = not cand["excluded_because"] and cand["score"] >= 0
            (governance if ok else not_recommended).append(cand)
        elif not cand["excluded_because"]:
            steps[cr.rec.stage or "explore"].append(cand)
    forms.sort(key=lambda f: (-f["score"], f["id"]))
    for n, f in enumerate(forms, start=1):
        f["rank"] = n
    governance.sort(key=lambda g: (-g["score"], g["id"]))
    return {
        "legal_forms": forms,
        "excluded_forms": excluded_forms,
        "governance": governance,
        "governance_not_recommended": not_recommended,
        "next_steps": [
            {"stage": s, "title": STAGE_TITLES[s], "steps": steps[s]} for s in STAGES if steps[s]
        ],
    }


__all__ = ["STAGE_TITLES", "flag_results", "recommendations"]

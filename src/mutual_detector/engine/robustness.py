"""Robustness: would the verdict change if one section's weight were 20 % higher or lower?

Each suitability section with a score has its weight multiplied by 1.2, then by
0.8, one at a time; the verdict is worked out again from the same section
scores and caps (:func:`~mutual_detector.engine.evaluate.reweighted`). If any
of these changes the verdict (its best or worst band), the verdict is
"sensitive" to that section; otherwise "robust". The margin is the distance
from the point estimate to the nearest limit of its band.
"""

from __future__ import annotations

from typing import Any, Final

from mutual_detector.engine.evaluate import (
    Evaluation,
    Item,
    band_range,
    cap_ranks,
    measure_items,
    reweighted,
    round_score,
)

FACTORS: Final = (1.2, 0.8)

Data = dict[str, Any]


def robustness(ev: Evaluation) -> Data:
    """Robustness of the verdict, as the result's ``robustness`` field."""
    plan, o = ev.plan, ev.outcome
    if o.point is None or o.score_rank is None:
        return {
            "status": "not_applicable",
            "margin": None,
            "sensitive_to": [],
            "summary": "There is no point estimate yet, so there is nothing to test.",
        }
    found: list[Data] = []
    words: list[str] = []
    items = measure_items(ev)
    for index, _ in items:
        sp = plan.sections[index]
        for factor in FACTORS:
            best, worst, point = _reweighted(ev, items, index, factor)
            if (best, worst) == (o.best, o.worst):
                continue
            found.append(
                {
                    "section": sp.id,
                    "factor": factor,
                    "status": "decided" if best == worst else "between",
                    "best": plan.bands[best].id,
                    "worst": plan.bands[worst].id,
                    "score": point,
                }
            )
            sign = "+20%" if factor > 1 else "-20%"
            shown = plan.bands[best].label
            if best != worst:
                shown = f"between {shown} and {plan.bands[worst].label}"
            words.append(f"{sp.title} ({sign}: {shown})")
    band = plan.bands[o.score_rank]
    gaps = [o.point - band.min] if band.min > 0 else []
    if band.max < 100:
        gaps.append(band.max - o.point)
    margin = round_score(min(gaps)) if gaps else None
    if found:
        return {
            "status": "sensitive",
            "margin": margin,
            "sensitive_to": found,
            "summary": "Sensitive to the weight of " + "; ".join(words) + ".",
        }
    return {
        "status": "robust",
        "margin": margin,
        "sensitive_to": [],
        "summary": "Robust: the verdict stays the same if any one section's weight is 20% "
        "higher or lower.",
    }


def _reweighted(
    ev: Evaluation, items: list[tuple[int, Item]], section: int, factor: float
) -> tuple[int, int, float | None]:
    """(best, worst, point) with one section's weight times ``factor``.

    When every section is certainly present the weighted means move by one term,
    worked out directly; otherwise the spans are combined again.
    """
    if not all(item.definite for _, item in items):
        o = reweighted(ev, items, section, factor)
        return o.best, o.worst, o.point
    w = lo = hi = pt = 0.0
    for index, item in items:
        weight = item.weight * (factor if index == section else 1.0)
        w += weight
        lo += weight * item.low
        hi += weight * item.high
        pt += weight * (item.point if item.point is not None else item.low)
    cap, possible = cap_ranks(ev.caps)
    best, worst = band_range(ev.plan, round_score(lo / w), round_score(hi / w), cap, possible)
    return best, worst, round_score(pt / w)


__all__ = ["FACTORS", "robustness"]

"""Robustness: would the verdict change if one section's weight were 20 % higher or lower?

Each section with applicable scored weight has its weight multiplied by 1.2,
then by 0.8, one at a time; the overall score, confidence and verdict are
worked out again from the same answers (blockers still cap). If any of these
changes the verdict (its band, or whether it is conclusive), the verdict is
"sensitive" to that section; otherwise "robust".
"""

from __future__ import annotations

from typing import Final

from mutual_detector.engine.compiled import Compiled
from mutual_detector.engine.core import Evaluation, decide, overall, round_score
from mutual_detector.model.result import Robustness, Sensitivity

FACTORS: Final = (1.2, 0.8)


def robustness(c: Compiled, ev: Evaluation) -> Robustness:
    o = ev.outcome
    if o.score is None or o.score_rank is None:
        return Robustness(
            status="not_applicable",
            summary="There is no score yet, so there is nothing to test.",
        )
    blockers = [c.flags[i] for i in sorted(o.blockers)]
    base = (o.conclusive, o.rank)
    found: list[Sensitivity] = []
    words: list[str] = []
    for s in c.sections:
        if ev.app[s.index] <= 0:
            continue
        for factor in FACTORS:
            weights = list(c.section_weight)
            weights[s.index] *= factor
            raw, conf = overall(c, ev.num, ev.den, ev.app, weights)
            out = decide(c, raw, conf, blockers)
            if (out.conclusive, out.rank) == base:
                continue
            band = c.bands[out.rank] if out.conclusive and out.rank is not None else None
            found.append(
                Sensitivity(
                    section=s.id,
                    factor=factor,
                    status="band" if band is not None else "inconclusive",
                    band=band.id if band is not None else None,
                    score=out.score,
                )
            )
            sign = "+20%" if factor > 1 else "-20%"
            words.append(f"{s.title} ({sign}: {band.label if band else 'inconclusive'})")
    band = c.bands[o.score_rank]
    gaps = [o.score - band.min] if band.min > 0 else []
    if band.max < 100:
        gaps.append(band.max - o.score)
    margin = round_score(min(gaps)) if gaps else None
    if found:
        summary = "Sensitive to the weight of " + "; ".join(words) + "."
        return Robustness(status="sensitive", margin=margin, sensitive_to=found, summary=summary)
    return Robustness(
        status="robust",
        margin=margin,
        summary="Robust: the verdict stays the same if any one section's weight is 20% higher "
        "or lower.",
    )


__all__ = ["FACTORS", "robustness"]

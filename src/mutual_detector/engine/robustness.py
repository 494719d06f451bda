"""Robustness: would the verdict change if one section's weight were 20 % higher or lower?

Each section with applicable scored weight has its weight multiplied by 1.2,
then by 0.8, one at a time; the overall score, confidence and verdict are
worked out again from the same answers (blockers still cap). If any of these
changes the verdict (its band, or whether it is conclusive; an inconclusive
verdict has no band to change), the verdict is "sensitive" to that section;
otherwise "robust".
"""

from __future__ import annotations

from typing import Final

from mutual_detector.engine.compiled import Compiled
from mutual_detector.engine.construct import make
from mutual_detector.engine.core import Evaluation, round_score, round_unit
from mutual_detector.model.result import Robustness, Sensitivity

FACTORS: Final = (1.2, 0.8)


def robustness(c: Compiled, ev: Evaluation) -> Robustness:
    """Robustness of the verdict, as the result's ``robustness`` field."""
    o = ev.outcome
    if o.score is None or o.score_rank is None:
        return make(
            Robustness,
            {
                "status": "not_applicable",
                "margin": None,
                "sensitive_to": [],
                "summary": "There is no score yet, so there is nothing to test.",
            },
        )
    base = (o.conclusive, o.rank if o.conclusive else None)
    weights = c.section_weight
    # Each section's terms of the overall score and confidence, so that changing one
    # weight is a constant-time update.
    terms = []
    total = wsum = csum = cw = 0.0
    for s, a in enumerate(ev.app):
        if a <= 0:
            continue
        d = ev.den[s]
        score_term = 100.0 * ev.num[s] / d if d > 0 else None
        conf_term = d / a
        w = weights[s]
        cw += w
        csum += w * conf_term
        if score_term is not None:
            total += w * score_term
            wsum += w
        terms.append((s, w, score_term, conf_term))
    found: list[Sensitivity] = []
    words: list[str] = []
    for s, w, score_term, conf_term in terms:
        for factor in FACTORS:
            dw = w * factor - w
            raw = None
            if wsum + (dw if score_term is not None else 0.0) > 0:
                raw = (total + (dw * score_term if score_term is not None else 0.0)) / (
                    wsum + (dw if score_term is not None else 0.0)
                )
            conf = (csum + dw * conf_term) / (cw + dw) if cw + dw > 0 else 0.0
            score = round_score(raw) if raw is not None else None
            rank = None
            if score is not None:
                rank = c.band_rank(score)
                if o.cap_rank is not None:
                    rank = max(rank, o.cap_rank)
            conclusive = score is not None and round_unit(conf) >= c.threshold
            if (conclusive, rank if conclusive else None) == base:
                continue
            band = c.bands[rank] if conclusive and rank is not None else None
            found.append(
                make(
                    Sensitivity,
                    {
                        "section": c.sections[s].id,
                        "factor": factor,
                        "status": "band" if band is not None else "inconclusive",
                        "band": band.id if band is not None else None,
                        "score": score,
                    },
                )
            )
            sign = "+20%" if factor > 1 else "-20%"
            words.append(
                f"{c.sections[s].title} ({sign}: {band.label if band else 'inconclusive'})"
            )
    band = c.bands[o.score_rank]
    gaps = [o.score - band.min] if band.min > 0 else []
    if band.max < 100:
        gaps.append(band.max - o.score)
    margin = round_score(min(gaps)) if gaps else None
    if found:
        return make(
            Robustness,
            {
                "status": "sensitive",
                "margin": margin,
                "sensitive_to": found,
                "summary": "Sensitive to the weight of " + "; ".join(words) + ".",
            },
        )
    return make(
        Robustness,
        {
            "status": "robust",
            "margin": margin,
            "sensitive_to": [],
            "summary": "Robust: the verdict stays the same if any one section's weight is 20% "
            "higher or lower.",
        },
    )


__all__ = ["FACTORS", "robustness"]

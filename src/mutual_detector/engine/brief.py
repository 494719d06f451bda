"""The short form of an assessment: what a batch table, CSV row or ranking shows.

A full :class:`~mutual_detector.model.result.Result` explains every question,
every candidate and every source: about 190 objects and 75 KB of JSON for the
built-in questionnaire. A batch written as CSV, a table or Markdown shows only
the verdict, the score and confidence, the best legal form, the flags and the
section scores. :func:`brief` works out exactly those, from the same
evaluation :func:`~mutual_detector.engine.build.assess` makes, and skips the
rest; that is most of the cost of a batch item.

``brief(q, a) == Brief.of_result(assess(q, a))`` for every questionnaire and
set of answers: ``tests/test_engine_brief.py`` checks it over the examples and
generated answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mutual_detector.engine.build import prepare, verdict_band
from mutual_detector.engine.recommend import top_legal_form
from mutual_detector.model.answers import AnswersFile, Metadata
from mutual_detector.model.questionnaire import Questionnaire


@dataclass(frozen=True, slots=True)
class BriefFlag:
    """A raised flag, as a result lists it."""

    id: str
    severity: str
    message: str
    cap: str | None


@dataclass(frozen=True, slots=True)
class Brief:
    """The parts of a result that summaries show; equal to those of the full result."""

    metadata: Metadata
    conclusive: bool
    """The verdict is a band (not inconclusive)."""
    band: str | None
    """The verdict's band (after caps); None when inconclusive."""
    label: str | None
    """That band's label."""
    indicative_band: str | None
    """The band the answers point to, even when inconclusive."""
    score: float | None
    confidence: float
    confidence_threshold: float
    legal_form: str | None
    """Title of the legal form ranked first, if any."""
    flags: tuple[BriefFlag, ...]
    """Raised flags, in the result's order (blockers, warnings, then notes)."""
    section_scores: tuple[tuple[str, float | None], ...]
    """Every section's score (None when nothing scored in it was answered), in order."""
    warnings: int
    """How many warnings the answers raised."""

    @classmethod
    def of_result(cls, result: Any) -> Brief:
        """The brief of a full :class:`~mutual_detector.model.result.Result`."""
        verdict = result.verdict
        conclusive = verdict.status == "band"
        forms = result.recommendations.legal_forms
        return cls(
            metadata=result.metadata,
            conclusive=conclusive,
            band=verdict.band if conclusive else None,
            label=verdict.label if conclusive else None,
            indicative_band=verdict.indicative_band,
            score=verdict.score,
            confidence=verdict.confidence,
            confidence_threshold=verdict.confidence_threshold,
            legal_form=forms[0].title if forms else None,
            flags=tuple(BriefFlag(f.id, f.severity, f.message, f.cap) for f in result.flags),
            section_scores=tuple((s.id, s.score) for s in result.sections),
            warnings=len(result.warnings),
        )


def brief(questionnaire: Questionnaire, answers: AnswersFile, lang: str = "en") -> Brief:
    """The brief of ``assess(questionnaire, answers, lang=lang)``, at a fraction of its cost.

    Pure; raises :class:`~mutual_detector.errors.InputError` exactly as ``assess`` does.
    """
    c, state, ev = prepare(questionnaire, answers, lang)
    o = ev.outcome
    band = verdict_band(c, o)
    order = c.flag_order
    flags = []
    for f in sorted(ev.raised, key=lambda f: order[f.index]):
        data = c.flag_data[f.index]
        flags.append(BriefFlag(data["id"], data["severity"], data["message"], data["cap"]))
    top = top_legal_form(c, ev.env)
    scores = ev.section_scores
    return Brief(
        metadata=answers.metadata,
        conclusive=band is not None,
        band=band.id if band is not None else None,
        label=band.label if band is not None else None,
        indicative_band=c.bands[o.rank].id if o.rank is not None else None,
        score=o.score,
        confidence=o.confidence,
        confidence_threshold=c.threshold,
        legal_form=top.title if top is not None else None,
        flags=tuple(flags),
        section_scores=tuple((sec.id, scores.get(sec.id)) for sec in c.sections),
        warnings=sum(1 for f in state.findings if f.level == "warning"),
    )


__all__ = ["Brief", "BriefFlag", "brief"]

"""The short form of an assessment: what a batch table, CSV row or ranking shows.

A full :class:`~mutual_detector.model.result.Result` explains every question,
every candidate and every source. A batch written as CSV, a table or Markdown
shows only the verdict, its score range, the best legal form, the flags and
the section scores. :func:`brief` takes exactly those from the same
evaluation :func:`~mutual_detector.engine.assess.assess` makes, and skips the
rest (explanations, what-if, sources), which is most of the cost of an item.

``brief(q, a) == Brief.of_result(assess(q, a))`` for every questionnaire and
set of answers: ``tests/test_engine_brief.py`` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mutual_detector.engine.assess import prepare
from mutual_detector.engine.evaluate import round_score
from mutual_detector.engine.explain import answered_share
from mutual_detector.engine.recommend import flag_order, top_legal_form
from mutual_detector.model.answers import AnswersFile, Metadata
from mutual_detector.model.questionnaire import Questionnaire


@dataclass(frozen=True, slots=True)
class BriefFlag:
    """A raised or possible flag, as a result lists it."""

    id: str
    severity: str
    status: str
    message: str
    cap: str | None


@dataclass(frozen=True, slots=True)
class Brief:
    """The parts of a result that summaries show; equal to those of the full result."""

    metadata: Metadata
    decided: bool
    best: str
    worst: str
    label: str
    """The verdict's label ('Between X and Y' when not decided)."""
    indicative: str
    low: float | None
    point: float | None
    high: float | None
    answered_share: float
    readiness: str
    legal_form: str | None
    """Title of the legal form ranked first, if any (None when withheld)."""
    flags: tuple[BriefFlag, ...]
    """Raised and possible flags, in the result's order."""
    section_scores: tuple[tuple[str, float | None], ...]
    """Every section's point estimate (None when it has none), in order."""
    warnings: int
    """How many warnings the answers raised."""

    @property
    def band(self) -> str | None:
        """The decided band, or None."""
        return self.best if self.decided else None

    @classmethod
    def of_result(cls, result: Any) -> Brief:
        """The brief of a full :class:`~mutual_detector.model.result.Result`."""
        v = result.verdict
        forms = result.recommendations.legal_forms
        return cls(
            metadata=result.metadata,
            decided=v.status == "decided",
            best=v.best,
            worst=v.worst,
            label=v.label,
            indicative=v.indicative,
            low=v.score.low,
            point=v.score.point,
            high=v.score.high,
            answered_share=v.answered_share,
            readiness=result.readiness.status,
            legal_form=forms[0].title if forms else None,
            flags=tuple(
                BriefFlag(f.id, f.severity, f.status, f.message, f.cap) for f in result.flags
            ),
            section_scores=tuple(
                (s.id, s.score.point if s.score is not None else None) for s in result.sections
            ),
            warnings=len(result.warnings),
        )


def brief(questionnaire: Questionnaire, answers: AnswersFile, lang: str = "en") -> Brief:
    """The brief of ``assess(questionnaire, answers, lang=lang)``, at a fraction of its cost.

    Pure; raises :class:`~mutual_detector.errors.InputError` exactly as ``assess`` does.
    """
    plan, state, ev = prepare(questionnaire, answers, lang)
    o = ev.outcome
    best, worst = plan.bands[o.best], plan.bands[o.worst]
    flags = tuple(
        BriefFlag(
            plan.flags[i].id,
            plan.flags[i].severity,
            "raised" if ev.flags[i] is True else "possible",
            plan.flags[i].message,
            plan.bands[plan.flags[i].cap].id if plan.flags[i].cap is not None else None,  # type: ignore[index]
        )
        for i in flag_order(ev)
    )
    return Brief(
        metadata=answers.metadata,
        decided=o.decided,
        best=best.id,
        worst=worst.id,
        label=best.label if o.decided else f"Between {best.label} and {worst.label}",
        indicative=plan.bands[o.indicative].id,
        low=o.low,
        point=o.point,
        high=o.high,
        answered_share=answered_share(ev, "suitability"),
        readiness=_readiness_status(ev),
        legal_form=top_legal_form(ev),
        flags=flags,
        section_scores=tuple(
            (sp.id, round_score(span.point) if span.point is not None else None)
            for sp, span in zip(plan.sections, ev.sections, strict=True)
        ),
        warnings=sum(1 for f in state.findings if f.level == "warning"),
    )


def _readiness_status(ev: Any) -> str:
    from mutual_detector.engine.explain import readiness

    return str(readiness(ev, [])["status"])


__all__ = ["Brief", "BriefFlag", "brief"]

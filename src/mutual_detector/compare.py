"""``compare A B``: two assessments of one service, side by side.

Pure: it takes two results (and the questionnaire) and says which answers
changed, how the verdict, each section and the flags moved, and which
changes drove it.

How "drove it" is worked out: the overall score is the sum, over answered
scored questions, of the points each answer earns (``gained`` in the
engine's explanation). So the change in score is the sum of the change in
each question's points. A changed answer moves its own points (its *direct*
effect); it can also move the points of unchanged answers, because
answering or skipping a question changes how much the others weigh. We list
the changed answers by the size of their direct effect, and give the effect
of the reweighting as one figure. Flags that were raised or cleared are tied
to the changed answers their condition reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Explanation, Result

Move = Literal["better", "worse", "same"]


@dataclass(frozen=True, slots=True)
class VerdictSide:
    status: str
    """``band`` or ``inconclusive``."""
    band: str | None
    label: str
    score: float | None
    confidence: float
    rank: int
    """0 = best band; the number of bands when inconclusive."""
    legal_form: str | None


@dataclass(frozen=True, slots=True)
class AnswerChange:
    question: str
    prompt: str
    section: str
    before: str
    """The answer in words ("—" when unanswered, "Don't know", "not asked")."""
    after: str
    points: float
    """Change in the overall-score points this answer earns (its direct effect)."""


@dataclass(frozen=True, slots=True)
class SectionMove:
    id: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2) + 0.0


@dataclass(frozen=True, slots=True)
class FlagChange:
    id: str
    severity: str
    message: str
    change: Literal["raised", "cleared"]
    because: tuple[str, ...] = ()
    """Ids of changed answers that the flag's condition reads."""


@dataclass(frozen=True, slots=True)
class Comparison:
    before_name: str
    after_name: str
    service: str | None
    before: VerdictSide
    after: VerdictSide
    move: Move
    score_delta: float | None
    confidence_delta: float
    changes: tuple[AnswerChange, ...]
    """Every answer that differs, biggest direct effect first."""
    sections: tuple[SectionMove, ...]
    flags: tuple[FlagChange, ...]
    reweighting: float
    """Points moved by unchanged answers weighing more or less."""
    notes: tuple[str, ...] = field(default=())

    @property
    def drivers(self) -> tuple[AnswerChange, ...]:
        """Changed answers that moved the score, biggest effect first."""
        return tuple(c for c in self.changes if abs(c.points) >= 0.005)


def _side(result: Result, bands: list[str]) -> VerdictSide:
    v = result.verdict
    conclusive = v.status == "band" and v.band is not None
    forms = result.recommendations.legal_forms
    return VerdictSide(
        status=v.status,
        band=v.band if conclusive else None,
        label=(v.label or v.band or "") if conclusive else "Inconclusive",
        score=v.score,
        confidence=v.confidence,
        rank=bands.index(v.band) if conclusive and v.band in bands else len(bands),
        legal_form=forms[0].title if forms else None,
    )


def _answer_words(e: Explanation | None) -> str:
    if e is None or e.status == "not_applicable":
        return "not asked"
    if e.status == "dont_know":
        return "Don't know"
    if e.status == "unanswered":
        return "—"
    return e.answer_text or str(e.answer)


def _key(e: Explanation | None) -> tuple[str, str]:
    if e is None:
        return ("not_applicable", "")
    if e.status != "answered":
        return (e.status, "")
    return (e.status, repr(e.answer))


def compare(
    before: Result,
    after: Result,
    questionnaire: Questionnaire,
    *,
    before_name: str = "A",
    after_name: str = "B",
) -> Comparison:
    """How ``after`` differs from ``before`` (both for ``questionnaire``)."""
    bands = [b.id for b in questionnaire.scoring.bands]
    a_side, b_side = _side(before, bands), _side(after, bands)
    if b_side.rank < a_side.rank:
        move: Move = "better"
    elif b_side.rank > a_side.rank:
        move = "worse"
    else:
        move = "same"
    a_expl = {e.id: e for e in before.explanations}
    b_expl = {e.id: e for e in after.explanations}
    changes: list[AnswerChange] = []
    reweighting = 0.0
    for qid in [e.id for e in after.explanations] + [q for q in a_expl if q not in b_expl]:
        ea, eb = a_expl.get(qid), b_expl.get(qid)
        delta = ((eb.gained or 0.0) if eb else 0.0) - ((ea.gained or 0.0) if ea else 0.0)
        if _key(ea) == _key(eb):
            reweighting += delta
            continue
        ref = eb or ea
        assert ref is not None
        changes.append(
            AnswerChange(
                question=qid,
                prompt=ref.prompt,
                section=ref.section,
                before=_answer_words(ea),
                after=_answer_words(eb),
                points=round(delta, 2) + 0.0,
            )
        )
    order = {e.id: i for i, e in enumerate(after.explanations)}
    changes.sort(key=lambda c: (-abs(c.points), order.get(c.question, len(order))))
    changed_ids = {c.question for c in changes}
    sections_a = {s.id: s for s in before.sections}
    sections = tuple(
        SectionMove(s.id, s.title, sections_a[s.id].score if s.id in sections_a else None, s.score)
        for s in after.sections
        if s.scored
    )
    flags = _flag_changes(before, after, questionnaire, changed_ids)
    notes = []
    a_service, b_service = before.metadata.service, after.metadata.service
    if a_service and b_service and a_service.strip().lower() != b_service.strip().lower():
        notes.append(
            f"the two files name different services ({before.metadata.service!r} and "
            f"{after.metadata.service!r})"
        )
    score_delta = None
    if a_side.score is not None and b_side.score is not None:
        score_delta = round(b_side.score - a_side.score, 2) + 0.0
    return Comparison(
        before_name=before_name,
        after_name=after_name,
        service=after.metadata.service or before.metadata.service,
        before=a_side,
        after=b_side,
        move=move,
        score_delta=score_delta,
        confidence_delta=round(b_side.confidence - a_side.confidence, 4) + 0.0,
        changes=tuple(changes),
        sections=sections,
        flags=flags,
        reweighting=round(reweighting, 2) + 0.0,
        notes=tuple(notes),
    )


def _flag_changes(
    before: Result, after: Result, q: Questionnaire, changed: set[str]
) -> tuple[FlagChange, ...]:
    a = {f.id: f for f in before.flags}
    b = {f.id: f for f in after.flags}
    rules = {f.id: f for f in q.flags}
    out: list[FlagChange] = []
    for ident, flag, change in [
        *((i, f, "raised") for i, f in b.items() if i not in a),
        *((i, f, "cleared") for i, f in a.items() if i not in b),
    ]:
        rule = rules.get(ident)
        refs = sorted(rule.when.refs & changed) if rule is not None else []
        out.append(
            FlagChange(ident, flag.severity, flag.message, change, tuple(refs))  # type: ignore[arg-type]
        )
    severity = {"blocker": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: (severity.get(f.severity, 3), f.change, f.id))
    return tuple(out)


__all__ = [
    "AnswerChange",
    "Comparison",
    "FlagChange",
    "SectionMove",
    "VerdictSide",
    "compare",
]

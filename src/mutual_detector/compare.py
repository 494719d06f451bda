"""``compare A B``: two assessments of one service, side by side.

Pure: it takes the two sets of answers, their results and the questionnaire,
and says how the verdict moved (bands and score range), which answers
changed, what each change did, how each section moved and which flags were
raised or cleared.

**What each change did.** Each changed answer is applied *alone* to the
earlier answers, and the change in the point estimate is its own effect: a
3 -> 4 answer that alone adds 0.46 points is shown as +0.46, whatever else
changed. Effects do not simply add up: two changes can interact (one makes
the other's question apply, or both move the same section's weights), and a
question can start or stop applying because of another answer. One
**remainder** row, labelled as such, holds that difference, so the rows add up
exactly (to the hundredth) to the change in the point estimate.

Flags that were raised or cleared are tied to the changed answers their
condition reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Explanation, Result

Move = Literal["better", "worse", "same"]

#: The remainder row's label.
REMAINDER: Final = "Interactions between changes, and questions that started or stopped applying"


@dataclass(frozen=True, slots=True)
class VerdictSide:
    status: str
    """``decided`` or ``between``."""
    label: str
    """The band's label, or "Between A and B"."""
    best: str
    worst: str
    indicative: str
    indicative_label: str
    low: float | None
    point: float | None
    high: float | None
    answered_share: float
    rank: tuple[int, int]
    """(indicative band's rank, worst band's rank): lower is better."""
    legal_form: str | None
    readiness: str

    @property
    def band(self) -> str | None:
        """The decided band, or None."""
        return self.best if self.status == "decided" else None


@dataclass(frozen=True, slots=True)
class AnswerChange:
    question: str
    prompt: str
    section: str
    before: str
    """The answer in words ("—" when unanswered, "Don't know", "not asked")."""
    after: str
    effect: float | None
    """Change in the point estimate when this change alone is made to the earlier answers
    (None when it cannot be worked out alone, or there is no score)."""


@dataclass(frozen=True, slots=True)
class SectionMove:
    id: str
    title: str
    before: float | None
    after: float | None
    before_range: tuple[float | None, float | None] = (None, None)
    after_range: tuple[float | None, float | None] = (None, None)

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
    before: str | None
    """raised, possible, or None (not raised)."""
    after: str | None
    because: tuple[str, ...] = ()
    """Ids of changed answers that the flag's condition reads."""

    @property
    def change(self) -> str:
        """raised, cleared, now possible, no longer possible, ..."""
        if self.after == "raised":
            return "raised"
        if self.before == "raised":
            return "cleared" if self.after is None else "now only possible"
        return "now possible" if self.after == "possible" else "no longer possible"


@dataclass(frozen=True, slots=True)
class Comparison:
    before_name: str
    after_name: str
    service: str | None
    before: VerdictSide
    after: VerdictSide
    move: Move
    score_delta: float | None
    """Change in the point estimate (2 dp)."""
    answered_delta: float
    changes: tuple[AnswerChange, ...]
    """Every answer that differs, biggest effect first."""
    remainder: float | None
    """``score_delta`` minus the changes' own effects: interactions between changes, and
    questions that started or stopped applying (see :data:`REMAINDER`)."""
    sections: tuple[SectionMove, ...]
    flags: tuple[FlagChange, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def drivers(self) -> tuple[AnswerChange, ...]:
        """Changed answers that moved the score on their own, biggest effect first."""
        return tuple(c for c in self.changes if c.effect is not None and abs(c.effect) >= 0.005)


def _labels(questionnaire: Questionnaire) -> dict[str, str]:
    from mutual_detector.model.questionnaire import text

    return {b.id: text(b.label) for b in questionnaire.scoring.bands}


def _side(result: Result, bands: list[str], labels: dict[str, str]) -> VerdictSide:
    v = result.verdict
    forms = result.recommendations.legal_forms

    def rank(band: str) -> int:
        return bands.index(band) if band in bands else len(bands)

    return VerdictSide(
        status=v.status,
        label=v.label or labels.get(v.best, v.best),
        best=v.best,
        worst=v.worst,
        indicative=v.indicative,
        indicative_label=labels.get(v.indicative, v.indicative),
        low=v.score.low,
        point=v.score.point,
        high=v.score.high,
        answered_share=v.answered_share,
        rank=(rank(v.indicative), rank(v.worst)),
        legal_form=forms[0].title if forms else None,
        readiness=result.readiness.status,
    )


def _answer_words(e: Explanation | None) -> str:
    if e is None or e.status == "not_applicable":
        return "not asked"
    if e.status == "dont_know":
        return "Don't know"
    if e.status in ("unanswered", "may_apply") and e.answer is None:
        return "—"
    return e.answer_text or str(e.answer)


def _cents(x: float) -> int:
    return round(x * 100)


def own_effects(
    questionnaire: Questionnaire, before: AnswersFile, after: AnswersFile, changed: list[str]
) -> dict[str, float | None]:
    """The change in the point estimate that each changed answer makes alone to ``before``."""
    from mutual_detector.engine.brief import brief
    from mutual_detector.errors import InputError

    base = brief(questionnaire, before).point
    out: dict[str, float | None] = {}
    for qid in changed:
        answers = dict(before.answers)
        if qid in after.answers:
            answers[qid] = after.answers[qid]
        else:
            answers.pop(qid, None)
        alone = before.model_copy(update={"answers": answers})
        try:
            point = brief(questionnaire, alone).point
        except InputError:  # the change makes no sense on its own (say, an exclusive option)
            point = None
        out[qid] = (
            None if point is None or base is None else (_cents(point) - _cents(base)) / 100 + 0.0
        )
    return out


def _value(answers: AnswersFile, qid: str) -> object:
    a = answers.answers.get(qid)
    if a is None:
        return None
    return tuple(a.value) if isinstance(a.value, list) else a.value


def compare(
    before: Result,
    after: Result,
    questionnaire: Questionnaire,
    *,
    before_answers: AnswersFile,
    after_answers: AnswersFile,
    before_name: str = "A",
    after_name: str = "B",
) -> Comparison:
    """How ``after`` differs from ``before`` (results of the two sets of answers)."""
    bands = [b.id for b in questionnaire.scoring.bands]
    labels = _labels(questionnaire)
    a_side, b_side = _side(before, bands, labels), _side(after, bands, labels)
    move: Move = "same"
    if b_side.rank < a_side.rank:
        move = "better"
    elif b_side.rank > a_side.rank:
        move = "worse"
    a_expl = {e.id: e for e in before.explanations}
    b_expl = {e.id: e for e in after.explanations}
    order = [e.id for e in after.explanations] + [q for q in a_expl if q not in b_expl]
    changed = [
        qid
        for qid in order
        if _value(before_answers, qid) != _value(after_answers, qid)
        or (qid in before_answers.answers) != (qid in after_answers.answers)
    ]
    effects = own_effects(questionnaire, before_answers, after_answers, changed)
    changes = []
    for qid in changed:
        ea, eb = a_expl.get(qid), b_expl.get(qid)
        ref = eb or ea
        assert ref is not None
        changes.append(
            AnswerChange(
                question=qid,
                prompt=ref.prompt,
                section=ref.section,
                before=_answer_words(ea),
                after=_answer_words(eb),
                effect=effects.get(qid),
            )
        )
    position = {qid: i for i, qid in enumerate(order)}
    changes.sort(
        key=lambda c: (c.effect is None, -abs(c.effect or 0.0), position.get(c.question, 0))
    )
    score_delta = remainder = None
    if a_side.point is not None and b_side.point is not None:
        delta = _cents(b_side.point) - _cents(a_side.point)
        score_delta = delta / 100 + 0.0
        remainder = (delta - sum(_cents(c.effect) for c in changes if c.effect is not None)) / 100
        remainder += 0.0
    sections_a = {s.id: s for s in before.sections}
    sections = []
    for s in after.sections:
        if not s.scored or s.measure != "suitability":
            continue
        old = sections_a.get(s.id)
        old_score = old.score if old is not None else None
        sections.append(
            SectionMove(
                s.id,
                s.title,
                old_score.point if old_score is not None else None,
                s.score.point if s.score is not None else None,
                (old_score.low, old_score.high) if old_score is not None else (None, None),
                (s.score.low, s.score.high) if s.score is not None else (None, None),
            )
        )
    flags = _flag_changes(before, after, questionnaire, set(changed))
    notes = []
    a_service, b_service = before.metadata.service, after.metadata.service
    if a_service and b_service and a_service.strip().lower() != b_service.strip().lower():
        notes.append(
            f"the two files name different services ({before.metadata.service!r} and "
            f"{after.metadata.service!r})"
        )
    return Comparison(
        before_name=before_name,
        after_name=after_name,
        service=after.metadata.service or before.metadata.service,
        before=a_side,
        after=b_side,
        move=move,
        score_delta=score_delta,
        answered_delta=round(b_side.answered_share - a_side.answered_share, 4) + 0.0,
        changes=tuple(changes),
        remainder=remainder,
        sections=tuple(sections),
        flags=flags,
        notes=tuple(notes),
    )


def _flag_changes(
    before: Result, after: Result, q: Questionnaire, changed: set[str]
) -> tuple[FlagChange, ...]:
    a = {f.id: f for f in before.flags}
    b = {f.id: f for f in after.flags}
    rules = {f.id: f for f in q.flags}
    out: list[FlagChange] = []
    for ident in [*b, *(i for i in a if i not in b)]:
        fa, fb = a.get(ident), b.get(ident)
        sa = fa.status if fa is not None else None
        sb = fb.status if fb is not None else None
        if sa == sb:
            continue
        flag = fb or fa
        assert flag is not None
        rule = rules.get(ident)
        refs = sorted(rule.when.refs & changed) if rule is not None else []
        out.append(FlagChange(ident, flag.severity, flag.message, sa, sb, tuple(refs)))
    severity = {"blocker": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: (f.after != "raised", severity.get(f.severity, 3), f.change, f.id))
    return tuple(out)


__all__ = [
    "REMAINDER",
    "AnswerChange",
    "Comparison",
    "FlagChange",
    "SectionMove",
    "VerdictSide",
    "compare",
    "own_effects",
]

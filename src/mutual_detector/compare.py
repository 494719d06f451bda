"""``compare A B``: two assessments of one service, side by side.

Pure: it takes the questionnaire and two sets of answers, scores them with the
engine, and says which answers changed, how the verdict, each section and the
flags moved, and what each change did.

How "what each change did" is worked out: each changed answer is applied *on
its own* to the earlier answers and scored again; the difference in the point
estimate is that change's own effect. Changes can interact (one makes
another question apply, or two together cross a cap), so the own effects need
not add up to the whole move: the difference is shown as one clearly labelled
remainder, so that the rows add up exactly to the change in score.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mutual_detector.model.answers import Answer, AnswersFile
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Result

Move = Literal["better", "worse", "same"]


@dataclass(frozen=True, slots=True)
class VerdictSide:
    status: str
    """``decided`` or ``between``."""
    label: str
    best: str
    worst: str
    score: float | None
    """The point estimate."""
    low: float | None
    high: float | None
    answered: float
    rank: tuple[int, int]
    """(indicative band, worst band), 0 = best: lower is better."""
    legal_form: str | None


@dataclass(frozen=True, slots=True)
class AnswerChange:
    question: str
    prompt: str
    section: str
    before: str
    """The answer in words ("—" when unanswered, "Don't know")."""
    after: str
    points: float
    """The change's own effect: the earlier answers with only this one changed, scored
    again, minus the earlier score (points of the point estimate)."""


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
    changes: tuple[AnswerChange, ...]
    """Every answer that differs, biggest own effect first."""
    remainder: float
    """The part of the score's move that no single change makes on its own: changes
    acting together, and questions that started or stopped applying. The changes'
    own effects plus this add up to ``score_delta`` exactly."""
    sections: tuple[SectionMove, ...]
    flags: tuple[FlagChange, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def drivers(self) -> tuple[AnswerChange, ...]:
        """Changed answers that moved the score, biggest effect first."""
        return tuple(c for c in self.changes if abs(c.points) >= 0.005)


def _side(result: Result, bands: list[str]) -> VerdictSide:
    v = result.verdict
    forms = result.recommendations.legal_forms
    return VerdictSide(
        status=v.status,
        label=v.label or v.best,
        best=v.best,
        worst=v.worst,
        score=v.score.point,
        low=v.score.low,
        high=v.score.high,
        answered=v.answered_share,
        rank=(bands.index(v.indicative), bands.index(v.worst)),
        legal_form=forms[0].title if forms else None,
    )


def _words(q: Questionnaire, qid: str, answer: Answer | None) -> str:
    from mutual_detector.engine import answer_text, plan_for

    if answer is None or answer.value is None:
        return "—"
    if answer.is_dont_know:
        return "Don't know"
    qp = plan_for(q).by_id.get(qid)
    return answer_text(qp, answer.value) if qp is not None else str(answer.value)  # type: ignore[arg-type]


def compare(
    questionnaire: Questionnaire,
    before: AnswersFile,
    after: AnswersFile,
    *,
    before_name: str = "A",
    after_name: str = "B",
) -> Comparison:
    """How ``after`` differs from ``before`` (both answers to ``questionnaire``).

    Raises :class:`~mutual_detector.errors.InputError` as the engine does for
    answers that do not fit the questionnaire.
    """
    from mutual_detector.engine import assess, brief
    from mutual_detector.model.questionnaire import text

    bands = [b.id for b in questionnaire.scoring.bands]
    a_result = assess(questionnaire, before, whatif=False)
    b_result = assess(questionnaire, after, whatif=False)
    a_side, b_side = _side(a_result, bands), _side(b_result, bands)
    move: Move = "same"
    if b_side.rank < a_side.rank:
        move = "better"
    elif b_side.rank > a_side.rank:
        move = "worse"
    index = questionnaire.question_index
    ids = [q.id for q in questionnaire.ordered_questions]
    ids += sorted((set(before.answers) | set(after.answers)) - set(ids))
    changes: list[AnswerChange] = []
    own_total = 0.0
    for qid in ids:
        old, new = before.answers.get(qid), after.answers.get(qid)
        if (old.value if old else None) == (new.value if new else None):
            continue
        changed = dict(before.answers)
        if new is None:
            changed.pop(qid, None)
        else:
            changed[qid] = new
        alone = brief(questionnaire, before.model_copy(update={"answers": changed})).point
        own = 0.0
        if alone is not None and a_side.score is not None:
            own = round(alone - a_side.score, 2) + 0.0
        own_total += own
        question = index.get(qid)
        changes.append(
            AnswerChange(
                question=qid,
                prompt=text(question.prompt) if question is not None else qid,
                section=question.section if question is not None else "",
                before=_words(questionnaire, qid, old),
                after=_words(questionnaire, qid, new),
                points=own,
            )
        )
    order = {qid: i for i, qid in enumerate(ids)}
    changes.sort(key=lambda c: (-abs(c.points), order.get(c.question, len(order))))
    score_delta = None
    remainder = 0.0
    if a_side.score is not None and b_side.score is not None:
        score_delta = round(b_side.score - a_side.score, 2) + 0.0
        remainder = round(score_delta - round(own_total, 2), 2) + 0.0
    sections_a = {s.id: s for s in a_result.sections}
    sections = tuple(
        SectionMove(s.id, s.title, _point(sections_a.get(s.id)), _point(s))
        for s in b_result.sections
        if s.scored
    )
    flags = _flag_changes(a_result, b_result, questionnaire, {c.question for c in changes})
    notes = []
    a_service, b_service = before.metadata.service, after.metadata.service
    if a_service and b_service and a_service.strip().lower() != b_service.strip().lower():
        notes.append(f"the two files name different services ({a_service!r} and {b_service!r})")
    return Comparison(
        before_name=before_name,
        after_name=after_name,
        service=after.metadata.service or before.metadata.service,
        before=a_side,
        after=b_side,
        move=move,
        score_delta=score_delta,
        changes=tuple(changes),
        remainder=remainder,
        sections=sections,
        flags=flags,
        notes=tuple(notes),
    )


def _point(section: object) -> float | None:
    score = getattr(section, "score", None)
    return getattr(score, "point", None) if score is not None else None


def _flag_changes(
    before: Result, after: Result, q: Questionnaire, changed: set[str]
) -> tuple[FlagChange, ...]:
    a = {f.id: f for f in before.flags if f.status == "raised"}
    b = {f.id: f for f in after.flags if f.status == "raised"}
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

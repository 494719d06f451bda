"""A questionnaire prepared for scoring: each question's points table and range, in words.

:func:`plan_for` works this out once per questionnaire and language (and
keeps the last few), so that scoring one assessment is a pass over the
questions with dictionary lookups. Nothing here reads answers.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

from mutual_detector.model.answers import DONT_KNOW
from mutual_detector.model.expr import Call, Expression, Literal_, Value, walk
from mutual_detector.model.questionnaire import (
    Measure,
    NumberBand,
    Question,
    Questionnaire,
    Recommendation,
    Severity,
    text,
)

_KEEP: Final = 8
_plans: OrderedDict[tuple[str, str], Plan] = OrderedDict()


@dataclass(frozen=True, slots=True)
class BandPlan:
    id: str
    label: str
    min: float
    max: float
    meaning: str | None
    meaning_by_stage: dict[str, str]


@dataclass(frozen=True, slots=True)
class SectionPlan:
    index: int
    id: str
    title: str
    topic: str
    weight: float
    scored: bool
    """True if any of its questions counts in its score."""
    measure: Measure
    floor: float | None
    floor_cap: int | None
    """Band rank (0 = best) the floor caps at."""
    floor_message: str | None


@dataclass(slots=True)
class QuestionPlan:
    """One question with its scoring table and the range of its possible scores."""

    id: str
    order: int
    question: Question
    prompt: str
    kind: str
    section: int
    """Index of its section, -1 if the section does not exist."""
    section_id: str
    measure: Measure
    weight: float
    scored: bool
    counts: bool
    """Scored and in a scored section: it counts in its section's score."""
    when: Expression | None
    max_points: float = 0.0
    low: float = 0.0
    """The worst normalised score any valid answer earns (0-1)."""
    high: float = 0.0
    """The best normalised score any valid answer earns (0-1)."""
    neutral: float = 0.0
    """Where an unknown answer counts in the point estimate (0-1, between low and high)."""
    option_points: dict[str, float] = field(default_factory=dict)
    option_labels: dict[str, str] = field(default_factory=dict)
    option_actions: dict[str, str] = field(default_factory=dict)
    exclusive: frozenset[str] = frozenset()
    scale_points: dict[int, float] = field(default_factory=dict)
    yes_points: float = 0.0
    no_points: float = 0.0
    bands: tuple[NumberBand, ...] = ()
    top_band_max: float = -math.inf
    actionable: bool = True
    action: str | None = None
    cite: tuple[str, ...] = ()
    discrete: dict[tuple[type, object], tuple[float, float]] = field(default_factory=dict)
    """single, yes/no, scale: each answer's (points, normalised score)."""
    words: dict[object, str] = field(default_factory=dict)
    """single, yes/no, scale: each answer in words (:func:`answer_text`)."""
    template: dict[str, object] = field(default_factory=dict)
    """The question's explanation in a result with its fixed fields filled in (copy it)."""

    def points(self, value: Value) -> tuple[float, str | None]:
        """Points earned by ``value`` (a validated, normalised answer), and any remark."""
        kind = self.kind
        if kind == "single":
            return self.option_points.get(str(value), 0.0), None
        if kind == "multi":
            total = 0.0
            if isinstance(value, list):
                for v in value:
                    total += self.option_points.get(str(v), 0.0)
            if total > self.max_points:
                return self.max_points, f"capped at {self.max_points:g} points"
            return total, None
        if kind == "yes_no":
            return (self.yes_points if value is True else self.no_points), None
        if kind == "scale":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return self.scale_points.get(int(value), 0.0), None
            return 0.0, None
        if kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            band = self.band_of(float(value))
            if band is None:
                return 0.0, f"{value:g} is outside every score band, so it earns no points"
            return band.score, None
        return 0.0, None

    def score(self, value: Value) -> float:
        """The normalised score of ``value``, 0-1."""
        pts = self.points(value)[0]
        return pts / self.max_points if self.max_points > 0 else 0.0

    def band_of(self, value: float) -> NumberBand | None:
        for band in self.bands:
            if band.min <= value < band.max or (value == band.max == self.top_band_max):
                return band
        return None


@dataclass(frozen=True, slots=True)
class FlagPlan:
    index: int
    id: str
    severity: Severity
    about: Measure
    when: Expression
    cap: int | None
    """Band rank (0 = best) the flag caps the verdict at while raised; None: no cap."""
    message: str
    cite: tuple[str, ...]
    reads: tuple[str, ...]
    """The questions its condition reads, directly or through earlier flags and section
    scores, in asking order."""


@dataclass(frozen=True, slots=True)
class RulePlan:
    when: Expression
    points: float
    exclude: bool
    reason: str
    cite: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecommendationPlan:
    rec: Recommendation
    when: Expression | None
    rules: tuple[RulePlan, ...]
    title: str
    summary: str | None


@dataclass
class Plan:
    """A questionnaire made ready for scoring."""

    questionnaire: Questionnaire
    lang: str
    questions: tuple[QuestionPlan, ...]
    """In asking order."""
    by_id: dict[str, QuestionPlan]
    sections: tuple[SectionPlan, ...]
    bands: tuple[BandPlan, ...]
    flags: tuple[FlagPlan, ...]
    recommendations: tuple[RecommendationPlan, ...]
    stages: tuple[tuple[str, str], ...]
    """(id, title) of each stage, in order."""
    stage_question: str | None
    sources: dict[str, tuple[str, str | None, str | None, str | None]]
    """Source id -> (title, publisher, year, url)."""
    title: str
    reads_scores: bool = True
    """Whether any flag or recommendation condition calls score() or section_score()."""
    verdict_flags: tuple[int, ...] = ()
    """Indices of the flags that can change the verdict: those that cap, and the earlier
    flags their conditions read through raised()."""

    def band_rank(self, score: float) -> int:
        """Index of the band ``score`` falls in (0 = best); [min, max), the top includes 100."""
        for i, band in enumerate(self.bands):
            if band.min <= score < band.max or (i == 0 and score >= band.max):
                return i
        return len(self.bands) - 1

    def stage_rank(self, stage: str | None) -> int | None:
        for i, (sid, _) in enumerate(self.stages):
            if sid == stage:
                return i
        return None


def plan_for(q: Questionnaire, lang: str = "en") -> Plan:
    """The scoring plan of ``q`` (remembered by its SHA-256 and the language)."""
    key = (q.sha256, lang)
    hit = _plans.get(key)
    if hit is not None and hit.questionnaire is q:
        _plans.move_to_end(key)
        return hit
    plan = _build(q, lang)
    _plans[key] = plan
    while len(_plans) > _KEEP:
        _plans.popitem(last=False)
    return plan


def _question(
    q: Questionnaire, question: Question, order: int, sections: dict[str, int], lang: str
) -> QuestionPlan:
    section = q.section_index.get(question.section)
    scored = q.is_scored(question)
    qp = QuestionPlan(
        id=question.id,
        order=order,
        question=question,
        prompt=text(question.prompt, lang),
        kind=question.kind,
        section=sections.get(question.section, -1),
        section_id=question.section,
        measure=section.measure if section is not None else "suitability",
        weight=question.weight,
        scored=scored,
        counts=scored and section is not None and section.scored,
        when=question.when,
        actionable=question.actionable,
        action=text(question.action, lang) if question.action is not None else None,
        cite=tuple(question.cite),
    )
    kind = question.kind
    candidates: list[float] = []
    if kind in ("single", "multi"):
        qp.option_points = {o.value: float(o.score or 0.0) for o in question.options}
        qp.option_labels = {o.value: text(o.label, lang) for o in question.options}
        qp.option_actions = {
            o.value: text(o.action, lang) for o in question.options if o.action is not None
        }
        if kind == "single":
            qp.max_points = max(qp.option_points.values(), default=0.0)
            candidates = list(qp.option_points.values())
        else:
            qp.exclusive = frozenset(o.value for o in question.options if o.exclusive)
            by_option = qp.option_points
            positive = max(
                sum(p for v, p in by_option.items() if p > 0 and v not in qp.exclusive),
                max((by_option[v] for v in qp.exclusive), default=0.0),
            )
            qp.max_points = (
                float(question.max_score) if question.max_score is not None else positive
            )
            # The worst a valid choice earns: nothing ticked, or an exclusive option alone.
            worst = min([0.0, *(by_option[v] for v in qp.exclusive)])
            candidates = [worst, min(positive, qp.max_points)]
    elif kind == "scale" and question.scale is not None:
        spec = question.scale
        points = range(spec.min, spec.max + 1)
        if spec.scores is not None:
            qp.scale_points = {v: float(spec.scores.get(v, 0.0)) for v in points}
        else:
            qp.scale_points = {v: float(v - spec.min) for v in points}
        qp.max_points = max(qp.scale_points.values(), default=0.0)
        candidates = list(qp.scale_points.values())
    elif kind == "yes_no":
        qp.yes_points = float(question.yes_score or 0.0)
        qp.no_points = float(question.no_score or 0.0)
        qp.max_points = max(qp.yes_points, qp.no_points)
        candidates = [qp.yes_points, qp.no_points]
    elif kind == "number":
        spec_n = question.number_spec
        qp.bands = tuple(sorted(spec_n.bands, key=lambda b: (b.min, b.max)))
        qp.top_band_max = max((b.max for b in qp.bands), default=-math.inf)
        qp.max_points = max((b.score for b in qp.bands), default=0.0)
        candidates = [b.score for b in qp.bands]
        if not _bands_cover(spec_n.min, spec_n.max, qp.bands):
            candidates.append(0.0)  # some valid number falls outside every band
    if qp.max_points > 0 and candidates:
        qp.low = min(candidates) / qp.max_points
        qp.high = max(candidates) / qp.max_points
    neutral = question.neutral if question.neutral is not None else q.scoring.neutral
    qp.neutral = qp.low + neutral * (qp.high - qp.low)
    discrete: list[Value] = []
    if kind == "single":
        discrete = [o.value for o in question.options]
    elif kind == "yes_no":
        discrete = [True, False]
    elif kind == "scale" and question.scale is not None:
        discrete = list(range(question.scale.min, question.scale.max + 1))
    qp.words = {(type(v), v): answer_text(qp, v) for v in discrete}
    qp.discrete = {(type(v), v): (qp.points(v)[0], qp.score(v)) for v in discrete}
    qp.template = {
        "id": qp.id,
        "section": qp.section_id,
        "kind": kind,
        "prompt": qp.prompt,
        "status": None,
        "scored": scored,
        "weight": qp.weight,
        "answer": None,
        "answer_text": None,
        "note": None,
        "evidence": None,
        "points": None,
        "max_points": _round4(qp.max_points) if scored else None,
        "score": None,
        "low": _round4(qp.low) if qp.counts else None,
        "high": _round4(qp.high) if qp.counts else None,
        "neutral": _round4(qp.neutral) if qp.counts else None,
        "share": None,
        "contribution": None,
        "swing": None,
        "remark": None,
        "cite": list(qp.cite),
    }
    return qp


def _round4(x: float) -> float:
    return round(x, 4) + 0.0


def _bands_cover(lo: float | None, hi: float | None, bands: tuple[NumberBand, ...]) -> bool:
    """Whether every number from ``lo`` to ``hi`` falls in some band (bands sorted by min)."""
    if lo is None or hi is None or not bands:
        return False
    reach = lo
    for band in bands:
        if band.min > reach:
            return False
        reach = max(reach, band.max)
    return reach >= hi


def _build(q: Questionnaire, lang: str) -> Plan:
    section_pos = {s.id: i for i, s in enumerate(q.sections)}
    questions = tuple(
        _question(q, question, n, section_pos, lang)
        for n, question in enumerate(q.ordered_questions)
    )
    band_pos = {b.id: i for i, b in enumerate(q.scoring.bands)}
    lowest = len(q.scoring.bands) - 1
    counting = {qp.section_id for qp in questions if qp.counts}
    sections = tuple(
        SectionPlan(
            index=i,
            id=s.id,
            title=text(s.title, lang),
            topic=s.topic,
            weight=s.weight,
            scored=s.id in counting,
            measure=s.measure,
            floor=s.floor.min if s.floor is not None else None,
            floor_cap=band_pos.get(s.floor.cap, lowest) if s.floor is not None else None,
            floor_message=text(s.floor.message, lang)
            if s.floor is not None and s.floor.message is not None
            else None,
        )
        for i, s in enumerate(q.sections)
    )
    bands = tuple(
        BandPlan(
            b.id,
            text(b.label, lang),
            b.min,
            b.max,
            text(b.meaning, lang) if b.meaning is not None else None,
            {k: text(v, lang) for k, v in b.meaning_by_stage.items()},
        )
        for b in q.scoring.bands
    )
    reads: dict[str, set[str]] = {}
    for f in q.flags:
        refs = set(f.when.refs)
        for name in f.when.flags:
            refs |= reads.get(name, set())
        for sid in _section_args(f.when):
            refs |= {qp.id for qp in questions if qp.section_id == sid and qp.counts}
        reads[f.id] = refs
    flags = tuple(
        FlagPlan(
            index=i,
            id=f.id,
            severity=f.severity,
            about=f.about,
            when=f.when,
            cap=_flag_cap(f.severity, f.about, f.cap, band_pos, lowest),
            message=text(f.message, lang),
            cite=tuple(f.cite),
            reads=tuple(qp.id for qp in questions if qp.id in reads[f.id]),
        )
        for i, f in enumerate(q.flags)
    )
    recs = tuple(
        RecommendationPlan(
            rec=r,
            when=r.when,
            rules=tuple(
                RulePlan(
                    rule.when,
                    float(rule.points),
                    rule.exclude,
                    text(rule.reason, lang),
                    tuple(rule.cite),
                )
                for rule in r.rules
            ),
            title=text(r.title, lang),
            summary=text(r.summary, lang) if r.summary is not None else None,
        )
        for r in q.recommendations
    )
    return Plan(
        questionnaire=q,
        lang=lang,
        questions=questions,
        by_id={qp.id: qp for qp in questions},
        sections=sections,
        bands=bands,
        flags=flags,
        recommendations=recs,
        stages=tuple((s.id, text(s.title, lang)) for s in q.stages),
        stage_question=q.scoring.stage_question,
        sources={
            s.id: (
                text(s.title, lang),
                s.publisher,
                str(s.year) if s.year is not None else None,
                s.url,
            )
            for s in q.sources
        },
        title=text(q.title, lang),
        reads_scores=any(
            e.functions & {"score", "section_score"}
            for e in (
                *(f.when for f in q.flags),
                *(r.when for r in q.recommendations if r.when is not None),
                *(rule.when for r in q.recommendations for rule in r.rules),
            )
        ),
        verdict_flags=_verdict_flags(flags),
    )


def _verdict_flags(flags: tuple[FlagPlan, ...]) -> tuple[int, ...]:
    needed = {f.id for f in flags if f.cap is not None}
    for f in reversed(flags):
        if f.id in needed:
            needed |= f.when.flags
    return tuple(f.index for f in flags if f.id in needed)


def _section_args(expr: Expression) -> list[str]:
    """The section ids an expression passes to ``section_score()``."""
    return [
        str(node.args[0].value)
        for node in walk(expr.tree)
        if isinstance(node, Call)
        and node.name == "section_score"
        and isinstance(node.args[0], Literal_)
    ]


def _flag_cap(
    severity: Severity, about: Measure, cap: str | None, band_pos: dict[str, int], lowest: int
) -> int | None:
    if about != "suitability" or severity == "info":
        return None
    if cap is not None:
        return band_pos.get(cap, lowest)
    return lowest if severity == "blocker" else None


def answer_text(qp: QuestionPlan, value: Value) -> str:
    """An answer in words, as an officer would read it."""
    known = qp.words.get((type(value), value)) if not isinstance(value, list) else None
    if known is not None:
        return known
    if value == DONT_KNOW:
        return "Don't know"
    kind = qp.kind
    if kind == "single":
        return qp.option_labels.get(str(value), str(value))
    if kind == "multi":
        if not isinstance(value, list) or not value:
            return "None of these"
        return "; ".join(qp.option_labels.get(str(v), str(v)) for v in value)
    if kind == "yes_no":
        return "Yes" if value is True else "No"
    scale = qp.question.scale
    if kind == "scale" and isinstance(value, int | float) and scale is not None:
        label = scale.labels.get(int(value))
        shown = f"{value:g} on a scale of {scale.min} to {scale.max}"
        return f"{shown} ({text(label)})" if label is not None else shown
    if kind == "number" and isinstance(value, int | float):
        return format_number(qp, float(value))
    return str(value)


def format_number(qp: QuestionPlan, value: float) -> str:
    unit = qp.question.number_spec.unit
    shown = f"{value:g}"
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


__all__ = [
    "BandPlan",
    "FlagPlan",
    "Plan",
    "QuestionPlan",
    "RecommendationPlan",
    "RulePlan",
    "SectionPlan",
    "answer_text",
    "format_number",
    "plan_for",
]

"""Per-questionnaire structures, computed once and cached by the questionnaire's SHA-256.

Everything the engine needs again and again (scoring tables, compiled
conditions, which flags read which questions, what-if alternatives) is worked
out here so that scoring an assessment is a handful of dictionary lookups.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Final

from mutual_detector.engine.fastexpr import Predicate, compile_expression
from mutual_detector.model.answers import DONT_KNOW
from mutual_detector.model.expr import Call, Expression, Literal_, Value, _walk
from mutual_detector.model.questionnaire import (
    FlagRule,
    NumberBand,
    Question,
    Questionnaire,
    Recommendation,
    Section,
    text,
)

_CACHE_SIZE: Final = 8
_cache: OrderedDict[tuple[str, str], Compiled] = OrderedDict()


@dataclass(frozen=True, slots=True)
class CBand:
    id: str
    label: str
    min: float
    max: float
    meaning: str | None


@dataclass(frozen=True, slots=True)
class CSection:
    index: int
    id: str
    title: str
    topic: str
    weight: float
    scored: bool
    """True if any of its questions is scored (the section's `scored` sets their default)."""
    section: Section


@dataclass(slots=True)
class CQuestion:
    """One question with its scoring table."""

    id: str
    order: int
    section: int
    section_id: str
    kind: str
    weight: float
    scored: bool
    when: Predicate | None
    when_refs: frozenset[str]
    max_points: float
    question: Question
    option_points: dict[str, float] = field(default_factory=dict)
    option_labels: dict[str, str] = field(default_factory=dict)
    option_order: dict[str, int] = field(default_factory=dict)
    exclusive: frozenset[str] = frozenset()
    """multi: the options that must be chosen on their own."""
    scale_points: dict[int, float] = field(default_factory=dict)
    yes_points: float = 0.0
    no_points: float = 0.0
    bands: tuple[NumberBand, ...] = ()
    top_band_max: float = -math.inf
    prompt: str = ""
    domain: tuple[tuple[Value, float], ...] = ()
    """single, yes_no, scale: every answer with its normalised score, best first."""
    counts: bool = False
    """Scored and in a section: it counts in its section's sums."""
    discrete: dict[Value, tuple[float, float, float, float]] = field(default_factory=dict)
    """single, yes_no, scale: each valid (normalised) answer's points, normalised score, and
    the two rounded as a result shows them (4 decimals)."""
    words: dict[Value, str] = field(default_factory=dict)
    """single, yes_no, scale: each valid (normalised) answer in words (:func:`answer_text`)."""
    shown_max: float | None = None
    """``max_points`` as a result shows it (None if not scored)."""
    cite: tuple[str, ...] = ()
    explained: dict[str, Any] = field(default_factory=dict)
    """The question's explanation in a result with its fixed fields filled in; the others
    are None and ``cite`` a tuple (copy before use)."""

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

    def score(self, value: Value) -> tuple[float, float, str | None]:
        """``(points, normalised score 0-1, remark)``."""
        pts, remark = self.points(value)
        return pts, (pts / self.max_points if self.max_points > 0 else 0.0), remark

    def band_of(self, value: float) -> NumberBand | None:
        for band in self.bands:
            if band.min <= value < band.max or (value == band.max == self.top_band_max):
                return band
        return None


@dataclass(frozen=True, slots=True)
class CFlag:
    index: int
    flag: FlagRule
    when: Predicate
    questions: frozenset[str]
    sections: frozenset[str]
    cap_rank: int | None
    """Blockers: index of the best band reachable (0 = best band)."""
    uses_scores: bool
    """Whether the condition calls score() or section_score()."""


@dataclass(frozen=True, slots=True)
class CRule:
    when: Predicate
    points: float
    exclude: bool
    reason: str
    cite: tuple[str, ...]
    shown_points: float
    """``points`` as a float, as a result's reason shows them."""
    slot: int
    """Where the reason goes when the rule holds: 0 for, 1 against, 2 excluded because."""


@dataclass(frozen=True, slots=True)
class CRecommendation:
    rec: Recommendation
    when: Predicate | None
    rules: tuple[CRule, ...]
    title: str
    summary: str | None
    cite: tuple[str, ...] = ()
    kind: str = ""


@dataclass
class Compiled:
    """A questionnaire made ready for fast scoring."""

    questionnaire: Questionnaire
    lang: str
    questions: tuple[CQuestion, ...]
    by_id: dict[str, CQuestion]
    sections: tuple[CSection, ...]
    section_by_id: dict[str, CSection]
    bands: tuple[CBand, ...]
    threshold: float
    flags: tuple[CFlag, ...]
    recommendations: tuple[CRecommendation, ...]
    gating: frozenset[str]
    """Questions that some question's `when:` reads: changing them can change what applies."""
    has_when: bool
    section_weight: tuple[float, ...]
    sources: dict[str, tuple[str, str | None]]
    blockers: tuple[CFlag, ...]
    flags_by_question: dict[str, tuple[CFlag, ...]]
    """Flags whose condition reads the question (its value, score or whether answered)."""
    flags_by_section: dict[str, tuple[CFlag, ...]]
    """Flags whose condition reads the section's score."""
    dependents: dict[str, frozenset[str]]
    """For each question, the questions whose `when:` reads it, directly or through others."""
    section_questions: tuple[tuple[CQuestion, ...], ...]
    """Scored questions of each section, in asking order."""
    reads_question_scores: bool = True
    """Whether any flag or recommendation condition calls ``score()``."""
    question_cites: frozenset[str] = frozenset()
    """Sources cited by any question (a result explains every question)."""
    flag_data: tuple[dict[str, Any], ...] = ()
    """Each flag as a result shows it when raised (copy before use)."""
    flag_order: tuple[tuple[int, int], ...] = ()
    """Each flag's place in a result: blockers, warnings, then notes; file order within."""
    questionnaire_ref: dict[str, Any] = field(default_factory=dict)
    """The result's ``questionnaire`` field (copy before use)."""
    legal_forms: tuple[CRecommendation, ...] = ()
    """The recommendations of kind ``legal_form``, in questionnaire order."""

    def band_rank(self, score: float) -> int:
        """Index of the band ``score`` falls in (0 = best); bands are [min, max), top includes 100."""
        for i, band in enumerate(self.bands):
            if band.min <= score < band.max or (i == 0 and score >= band.max):
                return i
        return len(self.bands) - 1


def _section_refs(expr: Expression) -> frozenset[str]:
    out: set[str] = set()
    for node in _walk(expr.tree):
        if isinstance(node, Call) and node.name == "section_score":
            (arg,) = node.args
            if isinstance(arg, Literal_) and isinstance(arg.value, str):
                out.add(arg.value)
    return frozenset(out)


def _question(
    q: Questionnaire, question: Question, order: int, sections: dict[str, int], lang: str
) -> CQuestion:
    scored = q.is_scored(question)
    cq = CQuestion(
        id=question.id,
        order=order,
        section=sections.get(question.section, -1),
        section_id=question.section,
        kind=question.kind,
        weight=question.weight,
        scored=scored,
        when=compile_expression(question.when) if question.when is not None else None,
        when_refs=question.when.refs if question.when is not None else frozenset(),
        max_points=0.0,
        question=question,
        prompt=text(question.prompt, lang),
    )
    kind = question.kind
    if kind in ("single", "multi"):
        cq.option_points = {o.value: float(o.score or 0.0) for o in question.options}
        cq.option_labels = {o.value: text(o.label, lang) for o in question.options}
        cq.option_order = {o.value: i for i, o in enumerate(question.options)}
        if kind == "single":
            cq.max_points = max(cq.option_points.values(), default=0.0)
        else:
            cq.exclusive = frozenset(o.value for o in question.options if o.exclusive)
            by_option = cq.option_points
            # The most points a valid answer earns: an exclusive option stands alone.
            positive = max(
                sum(p for v, p in by_option.items() if p > 0 and v not in cq.exclusive),
                max((by_option[v] for v in cq.exclusive), default=0.0),
            )
            cq.max_points = (
                float(question.max_score) if question.max_score is not None else positive
            )
    elif kind == "scale" and question.scale is not None:
        spec = question.scale
        points = range(spec.min, spec.max + 1)
        if spec.scores is not None:
            cq.scale_points = {v: float(spec.scores.get(v, 0.0)) for v in points}
        else:
            cq.scale_points = {v: float(v - spec.min) for v in points}
        cq.max_points = max(cq.scale_points.values(), default=0.0)
    elif kind == "yes_no":
        cq.yes_points = float(question.yes_score or 0.0)
        cq.no_points = float(question.no_score or 0.0)
        cq.max_points = max(cq.yes_points, cq.no_points)
    elif kind == "number":
        cq.bands = tuple(sorted(question.number_spec.bands, key=lambda b: (b.min, b.max)))
        cq.top_band_max = max((b.max for b in cq.bands), default=-math.inf)
        cq.max_points = max((b.score for b in cq.bands), default=0.0)
    values: list[Value] = []
    if kind == "single":
        values = [o.value for o in question.options]
    elif kind == "yes_no":
        values = [True, False]
    elif kind == "scale" and question.scale is not None:
        values = list(range(question.scale.min, question.scale.max + 1))
    scored_values = [(v, cq.score(v)[1]) for v in values]
    cq.domain = tuple(sorted(scored_values, key=lambda vs: -vs[1]))  # stable: file order on ties
    cq.counts = scored and cq.section >= 0
    for v in values:
        pts, sc, _ = cq.score(v)
        cq.discrete[v] = (pts, sc, round(pts, 4) + 0.0, round(sc, 4) + 0.0)
        cq.words[v] = answer_text(cq, v)
    cq.shown_max = round(cq.max_points, 4) + 0.0 if scored else None
    cq.cite = tuple(question.cite)
    cq.explained = {
        "id": cq.id,
        "section": cq.section_id,
        "kind": kind,
        "prompt": cq.prompt,
        "status": None,
        "scored": scored,
        "weight": cq.weight,
        "answer": None,
        "answer_text": None,
        "note": None,
        "evidence": None,
        "points": None,
        "max_points": cq.shown_max,
        "score": None,
        "share": None,
        "gained": None,
        "lost": None,
        "remark": None,
        "cite": cq.cite,
    }
    return cq


def compile_questionnaire(q: Questionnaire, lang: str = "en") -> Compiled:
    """The compiled form of ``q`` (cached by its SHA-256 and the language)."""
    key = (q.sha256, lang)
    hit = _cache.get(key)
    if hit is not None:
        _cache.move_to_end(key)
        return hit
    compiled = _compile(q, lang)
    _cache[key] = compiled
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return compiled


def _compile(q: Questionnaire, lang: str) -> Compiled:
    section_pos = {s.id: i for i, s in enumerate(q.sections)}
    questions = tuple(
        _question(q, question, n, section_pos, lang)
        for n, question in enumerate(q.ordered_questions)
    )
    scored_sections = {cq.section_id for cq in questions if cq.scored}
    sections = tuple(
        CSection(
            index=i,
            id=s.id,
            title=text(s.title, lang),
            topic=s.topic,
            weight=s.weight,
            scored=s.id in scored_sections,
            section=s,
        )
        for i, s in enumerate(q.sections)
    )
    bands = tuple(
        CBand(b.id, text(b.label, lang), b.min, b.max, text(b.meaning, lang) if b.meaning else None)
        for b in q.scoring.bands
    )
    band_pos = {b.id: i for i, b in enumerate(bands)}
    flags = tuple(
        CFlag(
            index=i,
            flag=f,
            when=compile_expression(f.when),
            questions=f.when.refs,
            sections=_section_refs(f.when),
            cap_rank=(band_pos.get(f.cap, len(bands) - 1) if f.cap else len(bands) - 1)
            if f.severity == "blocker"
            else None,
            uses_scores=bool(f.when.functions & {"score", "section_score"}),
        )
        for i, f in enumerate(q.flags)
    )
    recs = tuple(
        CRecommendation(
            rec=r,
            when=compile_expression(r.when) if r.when is not None else None,
            rules=tuple(
                CRule(
                    compile_expression(rule.when),
                    rule.points,
                    rule.exclude,
                    text(rule.reason, lang),
                    tuple(rule.cite),
                    float(rule.points),
                    2 if rule.exclude else 1 if rule.points < 0 else 0,
                )
                for rule in r.rules
            ),
            title=text(r.title, lang),
            summary=text(r.summary, lang) if r.summary is not None else None,
            cite=tuple(r.cite),
            kind=r.kind,
        )
        for r in q.recommendations
    )
    gating: set[str] = set()
    direct: dict[str, set[str]] = {cq.id: set() for cq in questions}
    for cq in questions:
        gating |= cq.when_refs
        for ref in cq.when_refs:
            direct.setdefault(ref, set()).add(cq.id)
    dependents: dict[str, frozenset[str]] = {}
    for cq in questions:
        seen: set[str] = set()
        stack = list(direct.get(cq.id, ()))
        while stack:
            qid = stack.pop()
            if qid not in seen:
                seen.add(qid)
                stack.extend(direct.get(qid, ()))
        dependents[cq.id] = frozenset(seen)
    return Compiled(
        questionnaire=q,
        lang=lang,
        questions=questions,
        by_id={cq.id: cq for cq in questions},
        sections=sections,
        section_by_id={s.id: s for s in sections},
        bands=bands,
        threshold=q.scoring.confidence_threshold,
        flags=flags,
        recommendations=recs,
        gating=frozenset(gating),
        has_when=any(cq.when is not None for cq in questions),
        section_weight=tuple(s.weight for s in sections),
        sources={s.id: (text(s.title, lang), s.url) for s in q.sources},
        blockers=tuple(f for f in flags if f.cap_rank is not None),
        flags_by_question={
            cq.id: tuple(f for f in flags if cq.id in f.questions) for cq in questions
        },
        flags_by_section={s.id: tuple(f for f in flags if s.id in f.sections) for s in sections},
        dependents=dependents,
        section_questions=tuple(
            tuple(cq for cq in questions if cq.section == s.index and cq.scored) for s in sections
        ),
        reads_question_scores=any(
            "score" in e.functions
            for e in (
                *(f.when for f in q.flags),
                *(r.when for r in q.recommendations if r.when is not None),
                *(rule.when for r in q.recommendations for rule in r.rules),
            )
        ),
        question_cites=frozenset(c for cq in questions for c in cq.cite),
        flag_data=tuple(
            {
                "id": f.flag.id,
                "severity": f.flag.severity,
                "message": text(f.flag.message, lang),
                "cite": tuple(f.flag.cite),
                "cap": bands[f.cap_rank].id if f.cap_rank is not None else None,
                "condition": f.flag.when.source,
            }
            for f in flags
        ),
        flag_order=tuple((_SEVERITY_ORDER[f.flag.severity], f.index) for f in flags),
        legal_forms=tuple(cr for cr in recs if cr.kind == "legal_form"),
        questionnaire_ref={
            "id": q.id,
            "version": q.version,
            "title": text(q.title, lang),
            "sha256": q.sha256,
        },
    )


_SEVERITY_ORDER: Final = {"blocker": 0, "warning": 1, "info": 2}


def answer_text(cq: CQuestion, value: Value) -> str:
    """An answer in words, as an officer would read it."""
    if value == DONT_KNOW:
        return "Don't know"
    kind = cq.kind
    if kind == "single":
        return cq.option_labels.get(str(value), str(value))
    if kind == "multi":
        if not isinstance(value, list) or not value:
            return "None of these"
        return "; ".join(cq.option_labels.get(str(v), str(v)) for v in value)
    if kind == "yes_no":
        return "Yes" if value is True else "No"
    if kind == "scale" and isinstance(value, int | float) and cq.question.scale is not None:
        spec = cq.question.scale
        label = spec.labels.get(int(value))
        shown = f"{value:g} on a scale of {spec.min} to {spec.max}"
        return f"{shown} ({text(label)})" if label is not None else shown
    if kind == "number" and isinstance(value, int | float):
        return format_number(cq, float(value))
    return str(value)


def format_number(cq: CQuestion, value: float) -> str:
    unit = cq.question.number_spec.unit
    shown = f"{value:g}"
    if not unit:
        return shown
    return f"{shown}{unit}" if unit == "%" else f"{shown} {unit}"


__all__ = [
    "CBand",
    "CFlag",
    "CQuestion",
    "CRecommendation",
    "CSection",
    "Compiled",
    "answer_text",
    "compile_questionnaire",
    "format_number",
]

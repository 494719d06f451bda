"""A reference scorer for the engine tests: plain, slow and obviously right.

It scores a *complete* set of answers (nothing unknown) with two-valued
conditions, exactly as docs/scoring.md states the rules, and it finds the
range an engine result should report by brute force: every way the unknown
answers could turn out. It is a test oracle only; the product has one engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from mutual_detector.model.expr import MISSING, Scope
from mutual_detector.model.questionnaire import Question, Questionnaire

#: Most completions the oracle will enumerate.
MAX_COMPLETIONS = 20_000


def points(question: Question, value: Any) -> float:
    kind = question.kind
    if kind == "single":
        option = question.option(value)
        return float(option.score or 0) if option is not None else 0.0
    if kind == "multi":
        total = sum(float(o.score or 0) for o in question.options if o.value in value)
        return min(total, max_points(question))
    if kind == "yes_no":
        return float((question.yes_score if value else question.no_score) or 0)
    if kind == "scale":
        spec = question.scale
        assert spec is not None
        if spec.scores is not None:
            return float(spec.scores.get(int(value), 0))
        return float(value - spec.min)
    for band in sorted(question.number_spec.bands, key=lambda b: b.min):
        top = max(b.max for b in question.number_spec.bands)
        if band.min <= value < band.max or value == band.max == top:
            return float(band.score)
    return 0.0


def max_points(question: Question) -> float:
    kind = question.kind
    if kind == "single":
        return max(float(o.score or 0) for o in question.options)
    if kind == "multi":
        if question.max_score is not None:
            return float(question.max_score)
        alone = [float(o.score or 0) for o in question.options if o.exclusive]
        together = sum(float(o.score or 0) for o in question.options if not o.exclusive)
        return max([together, *alone])
    return max(points(question, v) for v in domain(question))


def normalised(question: Question, value: Any) -> float:
    top = max_points(question)
    return points(question, value) / top if top > 0 else 0.0


def domain(question: Question) -> list[Any]:
    """Every answer the question can have (numbers: one per band, and one outside them)."""
    kind = question.kind
    if kind == "single":
        return [o.value for o in question.options]
    if kind == "yes_no":
        return [True, False]
    if kind == "scale":
        assert question.scale is not None
        return list(range(question.scale.min, question.scale.max + 1))
    if kind == "multi":
        values = [o.value for o in question.options if not o.exclusive]
        out: list[Any] = [[]]
        for n in range(1, len(values) + 1):
            out += [list(c) for c in itertools.combinations(values, n)]
        out += [[o.value] for o in question.options if o.exclusive]
        return out
    spec = question.number_spec
    lo = spec.min if spec.min is not None else -1e6
    hi = spec.max if spec.max is not None else 1e6
    candidates = {lo, hi, *(b.min for b in spec.bands), *(b.max - 1e-6 for b in spec.bands)}
    return sorted(v for v in candidates if lo <= v <= hi)


def score(q: Questionnaire, values: Mapping[str, Any]) -> float | None:
    """The overall suitability score of complete answers (two-valued conditions)."""
    seen: dict[str, Any] = {}
    applicable: list[Question] = []
    for question in q.ordered_questions:
        if question.when is not None and not question.when.holds(Scope(seen)):
            continue
        applicable.append(question)
        if question.id in values:
            seen[question.id] = values[question.id]
    sections: dict[str, list[tuple[float, float]]] = {}
    for question in applicable:
        section = q.section_index.get(question.section)
        if section is None or not section.scored or section.measure != "suitability":
            continue
        if not q.is_scored(question):
            continue
        sections.setdefault(question.section, []).append(
            (question.weight, normalised(question, seen[question.id]))
        )
    num = den = 0.0
    for sid, items in sections.items():
        w = q.section_index[sid].weight
        num += w * 100 * sum(wq * x for wq, x in items) / sum(wq for wq, _ in items)
        den += w
    return num / den if den > 0 else None


def completions(q: Questionnaire, known: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every complete set of answers agreeing with ``known`` (the others take every value)."""
    open_ = [question for question in q.questions if question.id not in known]
    open_ = [question for question in open_ if question.kind != "text"]
    domains = [domain(question) for question in open_]
    total = 1
    for d in domains:
        total *= len(d)
    assert total <= MAX_COMPLETIONS, f"{total} completions is too many for the oracle"
    for combo in itertools.product(*domains):
        out = dict(known)
        out.update({question.id: v for question, v in zip(open_, combo, strict=True)})
        yield out


def score_range(q: Questionnaire, known: Mapping[str, Any]) -> tuple[float, float] | None:
    """The least and greatest overall score over every completion of ``known``."""
    scores = [s for s in (score(q, c) for c in completions(q, known)) if s is not None]
    return (min(scores), max(scores)) if scores else None


__all__ = ["MISSING", "completions", "domain", "normalised", "score", "score_range"]

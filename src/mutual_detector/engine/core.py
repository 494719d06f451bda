"""Scoring: which questions apply, their points, section and overall scores, the verdict.

The semantics are documented in docs/scoring.md. In short:

* a question's normalised score is its points over the most points it can give;
* a section's score is ``100 * sum(w * s) / sum(w)`` over its applicable,
  answered, scored questions; "don't know" and unanswered questions count
  nowhere;
* the overall score is the mean of section scores weighted by section weight,
  over sections with any answered weight;
* a section's confidence is answered applicable weight over applicable weight;
  the overall confidence is the mean of section confidences weighted by section
  weight, over sections with any applicable weight;
* scores are rounded to 2 decimals and confidences to 4 *before* they are
  compared with band limits and the confidence threshold, so what is shown is
  what was decided on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mutual_detector.engine.compiled import CFlag, Compiled
from mutual_detector.model.expr import Environment, Value


def round_score(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def round_unit(value: float) -> float:
    return round(value, 4) + 0.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What decides the verdict, and nothing else."""

    raw_score: float | None
    score: float | None
    confidence: float
    score_rank: int | None
    cap_rank: int | None
    rank: int | None
    """Band index after caps (0 = best); None if nothing scored was answered."""
    conclusive: bool
    blockers: frozenset[int]
    """Indices (into ``Compiled.flags``) of the raised blockers."""

    @property
    def key(self) -> tuple[bool, int | None, frozenset[int]]:
        return (self.conclusive, self.rank if self.conclusive else None, self.blockers)


def overall(
    c: Compiled,
    num: list[float],
    den: list[float],
    app: list[float],
    weights: tuple[float, ...] | list[float] | None = None,
) -> tuple[float | None, float]:
    """``(raw overall score or None, raw overall confidence)`` from section sums."""
    weights = c.section_weight if weights is None else weights
    total = wsum = csum = cw = 0.0
    for i in range(len(num)):
        a = app[i]
        if a <= 0:
            continue
        w = weights[i]
        d = den[i]
        cw += w
        csum += w * (d / a)
        if d > 0:
            total += w * (100.0 * num[i] / d)
            wsum += w
    score = total / wsum if wsum > 0 else None
    conf = csum / cw if cw > 0 else 0.0
    return score, conf


def decide(
    c: Compiled, raw_score: float | None, raw_conf: float, blockers: Iterable[CFlag]
) -> Outcome:
    score = round_score(raw_score) if raw_score is not None else None
    conf = round_unit(raw_conf)
    raised = frozenset(f.index for f in blockers)
    caps = [c.flags[i].cap_rank for i in raised]
    cap_rank = max((r for r in caps if r is not None), default=None)
    score_rank = c.band_rank(score) if score is not None else None
    rank: int | None = None
    if score_rank is not None:
        rank = score_rank if cap_rank is None else max(score_rank, cap_rank)
    conclusive = score is not None and conf >= c.threshold
    return Outcome(raw_score, score, conf, score_rank, cap_rank, rank, conclusive, raised)


@dataclass(slots=True)
class Evaluation:
    """Everything worked out from one set of answers."""

    values: dict[str, Value]
    dont_know: frozenset[str]
    applicable: tuple[str, ...]
    points: dict[str, float]
    norm: dict[str, float]
    remarks: dict[str, str]
    num: list[float]
    den: list[float]
    app: list[float]
    section_scores: dict[str, float]
    question_scores: dict[str, float]
    """Empty if no flag or recommendation condition reads ``score()``."""
    env: Environment
    raised: tuple[CFlag, ...]
    outcome: Outcome


def applicability(
    c: Compiled, values: Mapping[str, Value], dont_know: frozenset[str] | set[str]
) -> tuple[dict[str, Value], frozenset[str], tuple[str, ...]]:
    """Which questions apply, as :func:`mutual_detector.model.checks.resolve` decides.

    ``values`` may hold answers to questions that turn out not to apply; they
    are dropped, as the validator drops them.
    """
    vals: dict[str, Value] = {}
    dk: set[str] = set()
    env = Environment(vals, dk)
    applicable: list[str] = []
    for cq in c.questions:
        qid = cq.id
        if cq.when is not None and not cq.when(env):
            continue
        applicable.append(qid)
        if qid in dont_know:
            dk.add(qid)
        else:
            v = values.get(qid)
            if v is not None:
                vals[qid] = v
    return vals, frozenset(dk), tuple(applicable)


def evaluate(
    c: Compiled,
    values: Mapping[str, Value],
    dont_know: frozenset[str] | set[str],
    applicable: tuple[str, ...] | None = None,
) -> Evaluation:
    """Score one set of validated answers.

    Pass ``applicable`` (from the validator) to skip working it out again;
    then ``values`` must hold only applicable answers.
    """
    if applicable is None:
        vals, dk, applicable = applicability(c, values, dont_know)
    else:
        vals, dk = dict(values), frozenset(dont_know)
    n = len(c.sections)
    num = [0.0] * n
    den = [0.0] * n
    app = [0.0] * n
    points: dict[str, float] = {}
    norm: dict[str, float] = {}
    remarks: dict[str, str] = {}
    by_id = c.by_id
    for qid in applicable:
        cq = by_id[qid]
        if not cq.counts:
            continue
        s = cq.section
        w = cq.weight
        app[s] += w
        v = vals.get(qid)
        if v is None:
            continue
        discrete = cq.discrete
        if discrete:  # single, yes_no, scale: the value is one of its keys
            pts, sc = discrete[v][:2]
        else:
            pts, sc, remark = cq.score(v)
            if remark is not None:
                remarks[qid] = remark
        points[qid] = pts
        norm[qid] = sc
        num[s] += w * sc
        den[s] += w
    raw_score, raw_conf = overall(c, num, den, app)
    section_scores = {
        sec.id: round_score(100.0 * num[sec.index] / den[sec.index])
        for sec in c.sections
        if den[sec.index] > 0
    }
    question_scores = (
        {qid: round(sc, 4) + 0.0 for qid, sc in norm.items()} if c.reads_question_scores else {}
    )
    env = Environment(vals, dk, question_scores, section_scores)
    raised = tuple(f for f in c.flags if f.when(env))
    outcome = decide(c, raw_score, raw_conf, (f for f in raised if f.cap_rank is not None))
    return Evaluation(
        vals, dk, applicable, points, norm, remarks, num, den, app, section_scores,
        question_scores, env, raised, outcome,
    )  # fmt: skip


def outcome_of(
    c: Compiled, values: Mapping[str, Value], dont_know: frozenset[str] | set[str]
) -> Outcome:
    """Just the verdict outcome of a set of answers: the what-if search's full evaluation.

    Gives the same :class:`Outcome` as :func:`evaluate` without building the
    explanation (no remarks, only blocker flags evaluated).
    """
    vals, dk, applicable = applicability(c, values, dont_know)
    n = len(c.sections)
    num = [0.0] * n
    den = [0.0] * n
    app = [0.0] * n
    norm: dict[str, float] = {}
    by_id = c.by_id
    for qid in applicable:
        cq = by_id[qid]
        if not cq.scored or cq.section < 0:
            continue
        s = cq.section
        w = cq.weight
        app[s] += w
        v = vals.get(qid)
        if v is None:
            continue
        sc = cq.score(v)[1]
        norm[qid] = sc
        num[s] += w * sc
        den[s] += w
    raw_score, raw_conf = overall(c, num, den, app)
    blockers = c.blockers
    if blockers:
        section_scores = {
            sec.id: round_score(100.0 * num[sec.index] / den[sec.index])
            for sec in c.sections
            if den[sec.index] > 0
        }
        env = Environment(vals, dk, {q: round_unit(s) for q, s in norm.items()}, section_scores)
        raised: Iterable[CFlag] = [f for f in blockers if f.when(env)]
    else:
        raised = ()
    return decide(c, raw_score, raw_conf, raised)


__all__ = [
    "Evaluation",
    "Outcome",
    "applicability",
    "decide",
    "evaluate",
    "outcome_of",
    "overall",
    "round_score",
    "round_unit",
]

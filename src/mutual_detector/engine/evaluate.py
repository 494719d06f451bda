"""The one evaluation core: from answers to score ranges, flags, caps and the verdict.

Everything the engine reports (the full result, batch's brief, what-if and
robustness) comes from :func:`evaluate`. The rules are in docs/scoring.md; in
short:

* an applicable scored question that is answered has a normalised score
  ``x`` in [0, 1]; one that is "don't know" or unanswered has the range
  ``[low, high]`` of its possible scores, and counts at its neutral value in
  the point estimate; one that *may* apply (its condition reads an unknown
  answer) may be absent or present in the range, and is absent from the point;
* a section's score is ``100 * sum(w * x) / sum(w)`` over its applicable
  scored questions, answered or not, as a low, point and high value; the
  overall score of a measure (suitability, readiness) is the mean of its
  sections' scores weighted by section weight;
* low and high are exact: :func:`combine` finds the worst and best weighted
  mean over every way the unknown answers and optional items could turn out;
* flags are raised (their condition is true) or possible (unknown); raised
  caps lower the whole range, possible caps only its worst end; the verdict is
  decided when the range, after caps, lies in one band.

Scores are rounded to 2 decimals before they are compared with band limits
or floors, so what is shown is what was decided on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mutual_detector.engine.plan import Plan, QuestionPlan
from mutual_detector.model.checks import Applicability, applicability
from mutual_detector.model.expr import UNKNOWN, Interval, Maybe, Scope, Truth, Value
from mutual_detector.model.questionnaire import Measure


def round_score(value: float) -> float:
    return round(value, 2) + 0.0  # + 0.0 turns -0.0 into 0.0


def round_unit(value: float) -> float:
    return round(value, 4) + 0.0


# --------------------------------------------------------------------------- combining


@dataclass(frozen=True, slots=True)
class Item:
    """Something averaged with a weight: a question in a section, or a section in a measure."""

    weight: float
    low: float
    point: float | None
    high: float
    definite: bool
    """True: certainly present; False: may be present or absent."""


@dataclass(frozen=True, slots=True)
class Span:
    """A weighted mean over items whose values and presence may be unknown."""

    low: float | None
    point: float | None
    high: float | None
    present: Truth
    """True if some item is certainly present, UNKNOWN if only optional ones, False if none."""


def combine(items: Sequence[Item]) -> Span:
    """The weighted mean of ``items``: its least and greatest value, and the point estimate.

    The point estimate averages the certain items at their point values. The
    least value is the minimum, over every choice of optional items to include
    (at least one item in all), of the weighted mean with each item at its
    low: include the certain items, then optional items in rising order of
    ``low`` while each lowers the mean (a lower item always lowers a weighted
    mean, a higher one always raises it). The greatest value mirrors it.
    """
    if not items:
        return Span(None, None, None, False)
    num = den = low = high = 0.0
    certain = True
    for item in items:
        if item.definite:
            w = item.weight
            den += w
            low += w * item.low
            high += w * item.high
            if item.point is not None:
                num += w * item.point
            else:
                certain = False
        else:
            certain = False
    if certain:  # every item present, every point known: the extremes are plain means
        return Span(low / den, num / den, high / den, True)
    point = num / den if den > 0 else None
    definite = any(item.definite for item in items)
    return Span(
        _extreme(items, lowest=True),
        point,
        _extreme(items, lowest=False),
        True if definite else UNKNOWN,
    )


def _extreme(items: Sequence[Item], *, lowest: bool) -> float | None:
    num = den = 0.0
    optional: list[tuple[float, float]] = []
    for item in items:
        value = item.low if lowest else item.high
        if item.definite:
            num += item.weight * value
            den += item.weight
        else:
            optional.append((value, item.weight))
    optional.sort(reverse=not lowest)
    for value, weight in optional:
        if den > 0 and (value >= num / den if lowest else value <= num / den):
            break
        num += weight * value
        den += weight
    return num / den if den > 0 else None


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """A counted question's contribution to its section."""

    value: float | None
    """The normalised score of its answer; None if unknown."""
    low: float
    high: float
    point: float
    definite: bool


@dataclass(frozen=True, slots=True)
class CapState:
    id: str
    kind: str
    """'flag' or 'floor'."""
    rank: int
    raised: bool
    """True: raised; False: possible."""
    reason: str
    refs: frozenset[str]
    """Questions whose unknown answers could decide it (possible caps)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What decides the verdict, and nothing else."""

    low: float | None
    point: float | None
    high: float | None
    best: int
    worst: int
    indicative: int
    score_rank: int | None
    """Band of the point estimate before caps."""
    cap: int | None
    """Best band rank the raised caps allow (None: none raised)."""
    raised_caps: frozenset[str]
    possible_caps: frozenset[str]

    @property
    def decided(self) -> bool:
        return self.best == self.worst

    @property
    def key(self) -> tuple[int, int, int, frozenset[str]]:
        return (self.best, self.worst, self.indicative, self.raised_caps)


@dataclass(slots=True)
class Evaluation:
    """Everything worked out from one set of answers."""

    plan: Plan
    values: dict[str, Value]
    """Valid answers of the questions that apply or may apply."""
    dont_know: frozenset[str]
    applies: dict[str, Truth]
    """True: applies; UNKNOWN: may apply; absent: does not apply."""
    scope: Scope
    points: dict[str, float]
    norm: dict[str, float]
    remarks: dict[str, str]
    scores: dict[str, QuestionScore]
    sections: list[Span]
    measures: dict[Measure, Span]
    flags: list[Truth]
    """Per flag (questionnaire order): True raised, UNKNOWN possible, False not."""
    caps: list[CapState]
    outcome: Outcome
    stage: str | None


def evaluate(
    plan: Plan,
    values: Mapping[str, Value],
    dont_know: Iterable[str],
    worked_out: Applicability | None = None,
    *,
    verdict_only: bool = False,
) -> Evaluation:
    """Score one set of valid, normalised answers.

    ``values`` may hold answers to questions that turn out not to apply; they
    are left out, as validation leaves them out. ``worked_out``: the
    applicability validation already worked out for these same answers.
    ``verdict_only``: evaluate only the flags that can change the verdict (the
    others read as not raised), for the what-if search, which compares verdicts.
    """
    dk = frozenset(dont_know)
    app = worked_out or applicability(plan.questionnaire.ordered_questions, values, dk)
    applies = app.applies
    vals: dict[str, Value] = {}
    points: dict[str, float] = {}
    norm: dict[str, float] = {}
    remarks: dict[str, str] = {}
    scores: dict[str, QuestionScore] = {}
    n = len(plan.sections)
    # Per section: sums over the certainly applicable questions (weight, and weight times
    # low, point and high), and the questions that may apply, which need combine().
    weight, low, point, high = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    optional: list[list[Item]] = [[] for _ in plan.sections]
    discrete_score = _DISCRETE
    for qp in plan.questions:
        qid = qp.id
        shown = applies.get(qid)
        if shown is None:
            continue
        value = values.get(qid) if qid not in dk else None
        if value is not None:
            vals[qid] = value
        if not qp.counts:
            continue
        definite = shown is True
        if value is not None:
            known = qp.discrete.get((type(value), value)) if qp.kind in discrete_score else None
            if known is not None:
                pts, x = known
            else:
                pts, remark = qp.points(value)
                x = pts / qp.max_points if qp.max_points > 0 else 0.0
                if remark is not None:
                    remarks[qid] = remark
            points[qid] = pts
            norm[qid] = x
            qs = QuestionScore(x, x, x, x, definite)
            lo = pt = hi = x
        else:
            qs = QuestionScore(None, qp.low, qp.high, qp.neutral, definite)
            lo, pt, hi = qp.low, qp.neutral, qp.high
        scores[qid] = qs
        i = qp.section
        if definite:
            w = qp.weight
            weight[i] += w
            low[i] += w * lo
            point[i] += w * pt
            high[i] += w * hi
        else:
            optional[i].append(Item(qp.weight, 100 * lo, 100 * pt, 100 * hi, False))
    sections = [_section_span(weight[i], low[i], point[i], high[i], optional[i]) for i in range(n)]
    measures: dict[Measure, Span] = {}
    for measure in ("suitability", "readiness"):
        measures[measure] = combine(
            [
                Item(sp.weight, span.low, span.point, span.high, span.present is True)
                for sp, span in zip(plan.sections, sections, strict=True)
                if sp.measure == measure and span.low is not None and span.high is not None
            ]
        )
    if plan.reads_scores:
        scope = _flag_scope(plan, app.scope, scores, sections)
    else:
        scope = Scope(app.scope.values, app.scope.dont_know, {}, {}, {})
    flags: list[Truth] = [False] * len(plan.flags)
    caps: list[CapState] = []
    for i in plan.verdict_flags if verdict_only else range(len(plan.flags)):
        fp = plan.flags[i]
        t = fp.when.truth(scope)
        flags[i] = t
        scope.flags[fp.id] = t  # type: ignore[index]
        if t is not False and fp.cap is not None:
            caps.append(CapState(fp.id, "flag", fp.cap, t is True, fp.message, frozenset(fp.reads)))
    caps += _floor_caps(plan, sections, scores)
    return Evaluation(
        plan=plan,
        values=vals,
        dont_know=frozenset(d for d in dk if d in applies),
        applies=applies,
        scope=scope,
        points=points,
        norm=norm,
        remarks=remarks,
        scores=scores,
        sections=sections,
        measures=measures,
        flags=flags,
        caps=caps,
        outcome=decide(plan, measures["suitability"], caps),
        stage=_stage(plan, applies, vals),
    )


#: Kinds whose answers are one of a few values, scored from a table worked out once.
_DISCRETE = frozenset({"single", "yes_no", "scale"})


def _section_span(
    weight: float, low: float, point: float, high: float, optional: list[Item]
) -> Span:
    """A section's span from the sums over its certain questions and its optional ones."""
    if not optional:
        if weight <= 0:
            return Span(None, None, None, False)
        return Span(100 * low / weight, 100 * point / weight, 100 * high / weight, True)
    items = list(optional)
    if weight > 0:
        items.append(
            Item(weight, 100 * low / weight, 100 * point / weight, 100 * high / weight, True)
        )
    return combine(items)


def _flag_scope(
    plan: Plan, answers: Scope, scores: Mapping[str, QuestionScore], sections: Sequence[Span]
) -> Scope:
    question_scores: dict[str, Value] = {}
    for qid, qs in scores.items():
        if qs.value is not None:
            x = round_unit(qs.value)
            question_scores[qid] = x if qs.definite else Maybe(x)
        elif qs.definite:
            question_scores[qid] = Interval(round_unit(qs.low), round_unit(qs.high))
        else:
            question_scores[qid] = UNKNOWN
    section_scores: dict[str, Value] = {}
    for sp, span in zip(plan.sections, sections, strict=True):
        if span.low is None or span.high is None:
            continue
        lo, hi = round_score(span.low), round_score(span.high)
        value: Value = lo if lo == hi else Interval(lo, hi)
        section_scores[sp.id] = value if span.present is True else Maybe(value)
    return Scope(answers.values, answers.dont_know, question_scores, section_scores, {})


def _floor_caps(
    plan: Plan, sections: Sequence[Span], scores: Mapping[str, QuestionScore]
) -> list[CapState]:
    out: list[CapState] = []
    for sp, span in zip(plan.sections, sections, strict=True):
        if sp.floor is None or sp.floor_cap is None or span.low is None or span.high is None:
            continue
        low, high = round_score(span.low), round_score(span.high)
        if low >= sp.floor:
            continue
        raised = span.present is True and high < sp.floor
        reason = sp.floor_message or (
            f"{sp.title} scores below its floor of {sp.floor:g}: a weakness here cannot be made "
            "up for by strengths elsewhere"
        )
        refs = frozenset(
            qid
            for qid, qs in scores.items()
            if qs.value is None and plan.by_id[qid].section == sp.index
        )
        out.append(CapState(sp.id, "floor", sp.floor_cap, raised, reason, refs))
    return out


def cap_ranks(caps: Sequence[CapState]) -> tuple[int | None, int | None]:
    """(best band the raised caps allow, best band the raised and possible caps allow)."""
    raised = max((c.rank for c in caps if c.raised), default=None)
    possible = max((c.rank for c in caps), default=None)
    return raised, possible


def band_range(
    plan: Plan, low: float | None, high: float | None, cap: int | None, possible: int | None
) -> tuple[int, int]:
    """(best, worst) band ranks of a rounded score range under the caps (0 = best band)."""
    lowest = len(plan.bands) - 1
    floor_def = cap if cap is not None else 0
    if low is None or high is None:
        return floor_def, lowest
    best = max(plan.band_rank(high), floor_def)
    worst = max(plan.band_rank(low), possible if possible is not None else 0, best)
    return best, worst


def decide(plan: Plan, span: Span, caps: Sequence[CapState]) -> Outcome:
    """The verdict's bands from the suitability score range and the caps."""
    cap, possible = cap_ranks(caps)
    low = round_score(span.low) if span.low is not None else None
    point = round_score(span.point) if span.point is not None else None
    high = round_score(span.high) if span.high is not None else None
    best, worst = band_range(plan, low, high, cap, possible)
    score_rank = plan.band_rank(point) if point is not None else None
    if low is None or high is None:
        indicative = best
    else:
        mid = point if point is not None else (low + high) / 2
        indicative = min(max(plan.band_rank(mid), cap or 0, best), worst)
    return Outcome(
        low,
        point,
        high,
        best,
        worst,
        indicative,
        score_rank,
        cap,
        frozenset(c.id for c in caps if c.raised),
        frozenset(c.id for c in caps if not c.raised),
    )


def _stage(plan: Plan, applies: Mapping[str, Truth], values: Mapping[str, Value]) -> str | None:
    sq = plan.stage_question
    if sq is None or applies.get(sq) is not True:
        return None
    value = values.get(sq)
    return value if isinstance(value, str) and plan.stage_rank(value) is not None else None


def measure_items(ev: Evaluation, measure: Measure = "suitability") -> list[tuple[int, Item]]:
    """(section index, item) for each section of ``measure`` that has a score range."""
    return [
        (sp.index, Item(sp.weight, span.low, span.point, span.high, span.present is True))
        for sp, span in zip(ev.plan.sections, ev.sections, strict=True)
        if sp.measure == measure and span.low is not None and span.high is not None
    ]


def reweighted(
    ev: Evaluation, items: Sequence[tuple[int, Item]], section: int, factor: float
) -> Outcome:
    """The verdict with one section's weight multiplied by ``factor`` (robustness)."""
    changed = [
        Item(i.weight * factor, i.low, i.point, i.high, i.definite) if index == section else i
        for index, i in items
    ]
    return decide(ev.plan, combine(changed), ev.caps)


def question_share(ev: Evaluation, qp: QuestionPlan) -> float:
    """The share of its measure's point estimate that a certainly applicable question carries.

    ``(W_s / sum W) * (w / sum w in s)`` over the sections and questions that
    count in the point estimate; 0 for a question that may apply only.
    """
    qs = ev.scores.get(qp.id)
    if qs is None or not qs.definite:
        return 0.0
    plan = ev.plan
    total = sum(
        sp.weight
        for sp, span in zip(plan.sections, ev.sections, strict=True)
        if sp.measure == qp.measure and span.point is not None
    )
    within = sum(
        plan.by_id[qid].weight
        for qid, s in ev.scores.items()
        if s.definite and plan.by_id[qid].section == qp.section
    )
    if total <= 0 or within <= 0:
        return 0.0
    return plan.sections[qp.section].weight / total * qp.weight / within


__all__ = [
    "CapState",
    "Evaluation",
    "Item",
    "Outcome",
    "QuestionScore",
    "Span",
    "band_range",
    "cap_ranks",
    "combine",
    "decide",
    "evaluate",
    "measure_items",
    "question_share",
    "reweighted",
    "round_score",
    "round_unit",
]

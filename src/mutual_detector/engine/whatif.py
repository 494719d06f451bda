"""What-if: the fewest changes the organisation could make that would improve the verdict.

The search changes only answers that are given, to questions that apply and
that the organisation can change by acting (the questionnaire marks history,
law and size ``actionable: false``). It never proposes "don't know": an
unknown answer is something to find out, and the verdict's ``deciding`` list
names those. It tries one change, then pairs of the most promising single
changes, over the questionnaire's own answers: every better option, yes/no
answer or scale point, one value per better number band, or adding or
removing one option of a multi (every answer, for questions a cap reads). A
scenario is reported when it

* gives a better indicative band (the band of the point estimate, after the
  caps that are raised), or
* clears a raised cap without raising another;

and it keeps every answered question in the assessment (a change that only
"improves" the score by making answered questions not apply is not advice).
A pair is reported only if no single change does at least as well.

Each scenario is scored by the one evaluation core
(:func:`~mutual_detector.engine.evaluate.evaluate`). The search is bounded by
a count of evaluations (``budget``), never by time, so the same answers always
give the same scenarios; and its cost is bounded by the questionnaire's size:
at most :data:`MAX_ALTERNATIVES` answers are tried per question, and pairs
are formed from the best :data:`PAIR_POOL` single changes only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mutual_detector.engine.evaluate import Evaluation, Outcome, evaluate
from mutual_detector.engine.explain import shares as explain_shares
from mutual_detector.engine.plan import Plan, QuestionPlan, answer_text
from mutual_detector.model.answers import DONT_KNOW, Answer
from mutual_detector.model.checks import Applicability, check_answer, normalise
from mutual_detector.model.expr import Scope, Value
from mutual_detector.model.result import Effect

DEFAULT_BUDGET: Final = 5_000
#: Scenarios of each size (one change, two changes) reported.
MAX_REPORTED: Final = 5
#: Most answers tried for one question.
MAX_ALTERNATIVES: Final = 40
#: Pairs are formed from this many of the best single changes.
PAIR_POOL: Final = 12

Alt = tuple[QuestionPlan, Value]

Data = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Found:
    alts: tuple[Alt, ...]
    outcome: Outcome
    better: bool
    cleared: frozenset[str]

    def sort_key(self) -> tuple[int, int, float, tuple[tuple[int, str], ...]]:
        score = self.outcome.point if self.outcome.point is not None else -1.0
        return (
            self.outcome.indicative if self.better else 99,
            -len(self.cleared),
            -score,
            tuple((qp.order, repr(v)) for qp, v in self.alts),
        )


def what_if(
    ev: Evaluation, given: Mapping[str, Answer] | None = None, *, budget: int = DEFAULT_BUDGET
) -> Data:
    """Search for the fewest answer changes that improve the verdict (see the module doc).

    ``given`` are the answers as given, so that answers to questions that do
    not apply now count when a change would make them apply.
    """
    search = _Search(ev, given or {}, budget)
    goal = search.goal()
    if search.nothing_to_do:
        return {"goal": goal, "scenarios": [], "evaluations": 0, "budget": budget, "complete": True}
    search.run()
    singles = sorted((f for f in search.found if len(f.alts) == 1), key=_Found.sort_key)
    pairs = sorted(
        (f for f in search.found if len(f.alts) == 2 and not _dominated(f, singles)),
        key=_Found.sort_key,
    )
    chosen = singles[:MAX_REPORTED] + _distinct(pairs)[:MAX_REPORTED]
    return {
        "goal": goal,
        "scenarios": [_scenario(ev, f) for f in chosen],
        "evaluations": search.used,
        "budget": budget,
        "complete": search.complete,
    }


class _Search:
    def __init__(self, ev: Evaluation, given: Mapping[str, Answer], budget: int) -> None:
        self.ev = ev
        self.plan: Plan = ev.plan
        self.budget = budget
        self.used = 0
        self.complete = True
        self.found: list[_Found] = []
        self.base = ev.outcome
        # Valid answers to every question, applicable or not (a change may make them apply).
        values: dict[str, Value] = {}
        for qid, answer in given.items():
            qp = self.plan.by_id.get(qid)
            if qp is None or answer.value is None or answer.value == DONT_KNOW:
                continue
            if check_answer(qp.question, answer.value) is None:
                values[qid] = normalise(qp.question, answer.value)
        values.update(ev.values)
        self.values = values
        self.answered_counting = frozenset(
            qid for qid, qs in ev.scores.items() if qs.value is not None and qs.definite
        )
        self.cap_reads = frozenset(
            ref for fp in self.plan.flags if fp.cap is not None for ref in fp.reads
        )
        # A change to a question that no `when:` reads moves the point estimate by a known
        # amount (100 * share * the change in its score; nothing for a question outside the
        # suitability score), and can change a cap only if the cap reads it. Such a change
        # is not evaluated when it could neither reach a better band nor clear a raised cap.
        share = explain_shares(ev).share
        self.gating = frozenset(
            ref for qp in self.plan.questions if qp.when is not None for ref in qp.when.refs
        )
        self.share = {
            qid: share.get(qid, 0.0) if self.plan.by_id[qid].measure == "suitability" else 0.0
            for qid in self.answered_counting
        }
        self.raised_refs: list[tuple[int, frozenset[str]]] = []
        for c in ev.caps:
            if not c.raised:
                continue
            refs = set(c.refs)
            if c.kind == "floor":
                refs |= {
                    qp.id for qp in self.plan.questions if self.plan.sections[qp.section].id == c.id
                }
            self.raised_refs.append((c.rank, frozenset(refs)))

    @property
    def nothing_to_do(self) -> bool:
        return self.base.indicative == 0 and not self.base.raised_caps

    def goal(self) -> str:
        parts = []
        if self.base.indicative > 0:
            label = self.plan.bands[self.base.indicative].label
            parts.append(f"lift the indicative verdict above {label}")
        if self.base.raised_caps:
            parts.append("clear a cap")
        if not parts:
            return "Nothing to search for: the verdict is already the best band, with no cap."
        return (
            "The fewest changes the organisation could make (one, then two) that would "
            + " or ".join(parts)
            + "."
        )

    def candidates(self) -> list[Alt]:
        out: list[Alt] = []
        for qp in self.plan.questions:
            qid = qp.id
            if not qp.actionable or self.ev.applies.get(qid) is not True:
                continue
            current = self.ev.values.get(qid)
            if current is None:
                continue
            reads_cap = qid in self.cap_reads
            if not ((qp.counts and qp.measure == "suitability") or reads_cap):
                continue
            alts = alternatives(qp, current, better_only=not reads_cap)
            out.extend((qp, v) for v in alts)
        return out

    def hopeless(self, alts: tuple[Alt, ...]) -> bool:
        """Whether the change certainly cannot improve the verdict (without evaluating it).

        Only for changes to questions no condition reads. Such a change moves the
        point estimate by ``100 * share * (new score - old score)`` and can change a
        cap only if the cap reads one of the questions changed. It is hopeless when

        * the moved point (with a margin for rounding) cannot reach a better band, or
          the raised caps it does not read still hold the verdict down; and
        * it can clear no raised cap: a single change must be read by one, and a pair
          adds nothing to its members unless a raised cap reads both.
        """
        base = self.base
        if base.point is None or any(qp.id in self.gating for qp, _ in alts):
            return False
        ids = [qp.id for qp, _ in alts]
        touched = [(rank, refs) for rank, refs in self.raised_refs if refs.intersection(ids)]
        if len(alts) == 1 and touched:
            return False
        if len(alts) == 2 and any(all(i in refs for i in ids) for _, refs in touched):
            return False
        if base.indicative == 0:
            return True
        held = max(
            (rank for rank, refs in self.raised_refs if not refs.intersection(ids)), default=-1
        )
        if held >= base.indicative:
            return True
        moved = base.point
        for qp, v in alts:
            if qp.id in self.share:
                moved += 100 * self.share[qp.id] * (qp.score(v) - qp.score(self.ev.values[qp.id]))
        target = self.plan.bands[base.indicative - 1].min
        return moved < target - 0.01

    def evaluate(self, alts: tuple[Alt, ...]) -> _Found | None:
        if self.hopeless(alts):
            return None
        if self.used >= self.budget:
            self.complete = False
            return None
        self.used += 1
        values = dict(self.values)
        for qp, v in alts:
            values[qp.id] = v
        worked_out = None
        if not any(qp.id in self.gating for qp, _ in alts):
            # What applies is unchanged: only the changed answers differ in what conditions see.
            seen = dict(self.ev.scope.values)
            for qp, v in alts:
                seen[qp.id] = v
            worked_out = Applicability(self.ev.applies, Scope(seen, self.ev.scope.dont_know))
        ev = evaluate(self.plan, values, self.ev.dont_know, worked_out, verdict_only=True)
        o = ev.outcome
        kept = all(qid in ev.scores and ev.scores[qid].definite for qid in self.answered_counting)
        better = kept and o.indicative < self.base.indicative
        cleared = self.base.raised_caps - o.raised_caps
        if not o.raised_caps <= self.base.raised_caps:
            cleared = frozenset()
        if not better and not cleared:
            return None
        return _Found(alts, o, better, cleared)

    def run(self) -> None:
        singles: list[tuple[float, Alt]] = []
        for alt in self.candidates():
            found = self.evaluate((alt,))
            if not self.complete:
                return
            if found is not None:
                self.found.append(found)
            else:
                qp, v = alt
                gain = qp.score(v) - qp.score(self.ev.values[qp.id])
                singles.append((-gain, alt))
        # Pairs: the most promising single changes that do not succeed alone, two at a time
        # (changes to different questions only).
        singles.sort(key=lambda ga: (ga[0], ga[1][0].order))
        pool = [alt for _, alt in singles[:PAIR_POOL]]
        pool += [f.alts[0] for f in self.found if f.cleared and not f.better][:PAIR_POOL]
        for i, a in enumerate(pool):
            for b in pool[i + 1 :]:
                if a[0].id == b[0].id:
                    continue
                pair = (a, b) if a[0].order <= b[0].order else (b, a)
                found = self.evaluate(pair)
                if not self.complete:
                    return
                if found is not None:
                    self.found.append(found)


def alternatives(
    qp: QuestionPlan, current: Value, *, better_only: bool = False, limit: int = MAX_ALTERNATIVES
) -> list[Value]:
    """The answers the search tries for ``qp`` (normalised), best score first, at most
    ``limit``; the current answer excluded, and with ``better_only`` any that scores no
    higher. Linear in the number of options, whatever their number."""
    kind = qp.kind
    if kind == "multi":
        return _multi_values(qp, current, better_only, limit)
    values: list[Value]
    if kind == "single":
        values = [o.value for o in qp.question.options]
    elif kind == "yes_no":
        values = [True, False]
    elif kind == "scale" and qp.question.scale is not None:
        values = list(range(qp.question.scale.min, qp.question.scale.max + 1))
    elif kind == "number":
        values = _number_values(qp, current)
    else:
        values = []
    here = qp.score(current)
    scored = [(qp.score(v), n, v) for n, v in enumerate(values) if not _same(v, current)]
    if better_only:
        scored = [t for t in scored if t[0] > here]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [v for _, _, v in scored[:limit]]


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _number_values(qp: QuestionPlan, current: Value) -> list[Value]:
    spec = qp.question.number_spec
    cur = (
        float(current)
        if isinstance(current, int | float) and not isinstance(current, bool)
        else None
    )
    out: list[Value] = []
    for band in qp.bands:
        if cur is not None and qp.band_of(cur) is band:
            continue
        if cur is not None and cur >= band.max:
            value: float = band.max - 1 if band.max - 1 >= band.min else (band.min + band.max) / 2
        else:
            value = band.min
        if spec.min is not None:
            value = max(value, spec.min)
        if spec.max is not None:
            value = min(value, spec.max)
        if qp.band_of(value) is not band:
            continue
        shown: int | float = value
        if float(value).is_integer():
            shown = int(value)
        elif spec.integer:
            continue
        if shown not in out:
            out.append(shown)
    return out


def _multi_values(qp: QuestionPlan, current: Value, better_only: bool, limit: int) -> list[Value]:
    """Tick or untick one option: each change's points are worked out from the current
    sum in constant time, and only the ``limit`` best answers are built."""
    chosen: set[str] = {str(v) for v in current} if isinstance(current, list) else set()
    options = [o.value for o in qp.question.options]
    alone = qp.exclusive
    points = qp.option_points
    total = sum(points.get(v, 0.0) for v in chosen)
    shared = sum(points.get(v, 0.0) for v in chosen if v not in alone)
    top = qp.max_points

    def score(sum_: float) -> float:
        return min(sum_, top) / top if top > 0 else 0.0

    here = score(total)
    toggles: list[tuple[float, int, str]] = []
    for n, opt in enumerate(options):
        if opt in chosen:
            if len(chosen) == 1:
                continue  # nothing ticked is not an answer the search proposes
            new = score(total - points.get(opt, 0.0))
        elif opt in alone:
            new = score(points.get(opt, 0.0))
        else:
            new = score(shared + points.get(opt, 0.0))
        if not better_only or new > here:
            toggles.append((-new, n, opt))
    toggles.sort()
    out: list[Value] = []
    for _, _, opt in toggles[:limit]:
        if opt in chosen:
            after = chosen - {opt}
        elif opt in alone:
            after = {opt}  # an exclusive option replaces the others
        else:
            after = (chosen - alone) | {opt}  # and is replaced by any other
        ordered: list[Value] = [v for v in options if v in after]
        out.append(ordered)
    return out


def _dominated(pair: _Found, singles: list[_Found]) -> bool:
    for s in singles:
        as_good = not pair.better or (s.better and s.outcome.indicative <= pair.outcome.indicative)
        if as_good and pair.cleared <= s.cleared:
            return True
    return False


def _distinct(pairs: list[_Found]) -> list[_Found]:
    """Keep one pair per change and effect, so that the list shows different routes."""
    out: list[_Found] = []
    used: dict[tuple[str, str], tuple[int, int]] = {}
    for p in pairs:
        effect = (p.outcome.indicative if p.better else 99, len(p.cleared))
        keys = [(qp.id, repr(v)) for qp, v in p.alts]
        if any(used.get(k) == effect for k in keys):
            continue
        for k in keys:
            used.setdefault(k, effect)
        out.append(p)
    return out


def action(qp: QuestionPlan, before: Value, after: Value) -> str:
    """A change worded as something to do."""
    if qp.kind == "single" and str(after) in qp.option_actions:
        return qp.option_actions[str(after)]
    if qp.kind == "multi" and isinstance(after, list) and isinstance(before, list):
        had = set(map(str, before))
        added = [v for v in after if str(v) not in had]
        if len(added) == 1 and str(added[0]) in qp.option_actions:
            return qp.option_actions[str(added[0])]
    if qp.action is not None:
        return qp.action
    return f"Work to change “{qp.prompt}” from “{answer_text(qp, before)}” to “{answer_text(qp, after)}”."


def _scenario(ev: Evaluation, found: _Found) -> Data:
    plan = ev.plan
    changes = []
    for qp, value in found.alts:
        before = ev.values[qp.id]
        changes.append(
            {
                "question": qp.id,
                "prompt": qp.prompt,
                "before": list(before) if isinstance(before, list) else before,
                "before_text": answer_text(qp, before),
                "after": list(value) if isinstance(value, list) else value,
                "after_text": answer_text(qp, value),
                "action": action(qp, before, value),
            }
        )
    effects: list[Effect] = []
    if found.better:
        effects.append("better_band")
    if found.cleared:
        effects.append("clears_cap")
    o = found.outcome
    return {
        "changes": changes,
        "effects": effects,
        "status": "decided" if o.decided else "between",
        "best": plan.bands[o.best].id,
        "worst": plan.bands[o.worst].id,
        "indicative": plan.bands[o.indicative].id,
        "score": o.point,
        "cleared": sorted(found.cleared),
    }


__all__ = [
    "DEFAULT_BUDGET",
    "MAX_ALTERNATIVES",
    "MAX_REPORTED",
    "PAIR_POOL",
    "action",
    "alternatives",
    "what_if",
]

"""What-if: the smallest sets of answer changes that would improve the verdict.

The search tries one change, then pairs of changes, over the questionnaire's
own answers: every other option, yes/no, scale point, one representative
value per number band, or adding or removing one option of a multi. A
scenario is reported when it

* moves the verdict to a better band than the current one (for an
  inconclusive verdict: a settled band better than the indicative one), or
* clears a blocker without raising another;

and it keeps every answered question in the assessment (a change that only
"improves" the verdict by making answered questions not apply is not advice).
A pair is reported only if no single change does at least as well.

The search is bounded by a count of evaluations, not by time, so the same
answers always give the same scenarios.

How it stays fast: scores are weighted means, so the best a change to one
question can do is give that question full marks. The search first bounds
each question by that best case in constant time from the section sums and
only expands the questions that could succeed; a pair's gain is at most the
sum of its members' best gains, which prunes most pairs unseen. A candidate
that passes the bounds is evaluated exactly (:meth:`_Search.derive`): only
the questions whose ``when:`` depends on the changed ones are re-checked, only
the touched sections are re-summed (in the same order as a full scoring, so
the numbers are identical) and only the blockers that read them are
re-evaluated.
"""

from __future__ import annotations

import contextlib
import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mutual_detector.engine.compiled import Compiled, CQuestion, answer_text
from mutual_detector.engine.construct import make
from mutual_detector.engine.core import (
    Evaluation,
    Outcome,
    decide,
    overall,
    round_score,
    round_unit,
)
from mutual_detector.model.answers import DONT_KNOW, Answer
from mutual_detector.model.checks import _normalise, check_answer
from mutual_detector.model.expr import Environment, Value
from mutual_detector.model.result import Change, Effect, Scenario, WhatIf

#: Default most scenarios evaluated per assessment.
DEFAULT_BUDGET: Final = 5000
#: Most scenarios reported of each size (one change, two changes).
MAX_REPORTED: Final = 5
#: Estimates within this many points of a band limit are evaluated exactly.
_SLACK: Final = 0.05
#: Pairs seeded by one blocker input or change to what applies: at most this many partners.
_PARTNERS: Final = 3
#: Two-score-change pairs: keep searching only while a pair could beat this many queued.
_TOP: Final = 3 * MAX_REPORTED

Alt = tuple[CQuestion, Value]
Data = dict[str, Any]
_Key = tuple[int, int, float, tuple[tuple[int, str], ...]]
_Pending = tuple[_Key, tuple[Alt, ...]]


@dataclass(slots=True)
class _State:
    """Applicability and section sums of one set of answers."""

    vals: dict[str, Value]
    dk: frozenset[str] | set[str]
    applicable: frozenset[str] | set[str]
    num: list[float]
    den: list[float]
    app: list[float]
    norm: dict[str, float]
    outcome: Outcome
    hides: bool = False
    t: float = 0.0
    ws: float = 0.0
    cs: float = 0.0
    cw: float = 0.0

    def totals(self, weights: tuple[float, ...]) -> None:
        t = ws = cs = cw = 0.0
        for s, a in enumerate(self.app):
            if a <= 0:
                continue
            w = weights[s]
            d = self.den[s]
            cw += w
            cs += w * d / a
            if d > 0:
                t += w * 100.0 * self.num[s] / d
                ws += w
        self.t, self.ws, self.cs, self.cw = t, ws, cs, cw

    @property
    def raw(self) -> float:
        return self.outcome.raw_score if self.outcome.raw_score is not None else 0.0


@dataclass(slots=True)
class _Found:
    alts: tuple[Alt, ...]
    outcome: Outcome
    better: bool
    cleared: frozenset[int]

    def effect_key(self) -> tuple[int, int]:
        rank = self.outcome.rank if self.better and self.outcome.rank is not None else 1_000
        return (rank, -len(self.cleared))


class _Budget(Exception):
    """The evaluation budget ran out."""


# --------------------------------------------------------------------------- alternatives


def alternatives(cq: CQuestion, current: Value | None) -> list[Value]:
    """Answers the search tries for ``cq`` (normalised as the validator does), current excluded."""
    kind = cq.kind
    if kind in ("single", "yes_no", "scale"):
        order = {_key(v): i for i, (v, _) in enumerate(cq.domain)}
        values = sorted((v for v, _ in cq.domain), key=lambda v: _file_order(cq, v, order))
    elif kind == "number":
        values = _number_values(cq, current)
    elif kind == "multi":
        values = _multi_values(cq, current)
    else:
        values = []
    return [v for v in values if not _same(v, current)]


def _key(v: Value) -> str:
    return repr(v)


def _file_order(cq: CQuestion, v: Value, fallback: dict[str, int]) -> tuple[int, int | float | str]:
    if cq.kind == "single":
        return (0, [o.value for o in cq.question.options].index(str(v)))
    if cq.kind == "yes_no":
        return (0, 0 if v is True else 1)
    if isinstance(v, int | float) and not isinstance(v, bool):
        return (0, v)
    return (1, fallback[_key(v)])


def _same(a: Value | None, b: Value | None) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _number_values(cq: CQuestion, current: Value | None) -> list[Value]:
    spec = cq.question.number_spec
    cur = (
        float(current)
        if isinstance(current, int | float) and not isinstance(current, bool)
        else None
    )
    out: list[Value] = []
    for band in cq.bands:
        if cur is not None and cq.band_of(cur) is band:
            continue
        if cur is not None and cur >= band.max:
            value: float = band.max - 1 if band.max - 1 >= band.min else (band.min + band.max) / 2
        else:
            value = band.min
        if spec.min is not None:
            value = max(value, spec.min)
        if spec.max is not None:
            value = min(value, spec.max)
        if cq.band_of(value) is not band:
            continue
        shown: int | float = value
        if float(value).is_integer():
            shown = int(value)
        elif spec.integer:
            continue
        if shown not in out:
            out.append(shown)
    return out


def _multi_values(cq: CQuestion, current: Value | None) -> list[Value]:
    chosen = list(current) if isinstance(current, list) else []
    order = [o.value for o in cq.question.options]
    out: list[Value] = []
    alone = cq.exclusive
    for opt in order:
        if opt in chosen:
            new = [v for v in chosen if v != opt]
        elif opt in alone:
            new = [opt]  # an exclusive option replaces the others
        else:
            new = [*(v for v in chosen if v not in alone), opt]  # and is replaced by any other
        if new:
            out.append(sorted((str(v) for v in new), key=order.index))  # type: ignore[arg-type]
    return out


def _scored_alternatives(cq: CQuestion, current: Value | None) -> list[tuple[Value, float]]:
    """Alternatives with their normalised scores, best first (file order on ties)."""
    if cq.kind in ("single", "yes_no", "scale"):
        return [(v, s) for v, s in cq.domain if not _same(v, current)]
    pairs = [(v, cq.score(v)[1]) for v in alternatives(cq, current)]
    pairs.sort(key=lambda vs: -vs[1])
    return pairs


# --------------------------------------------------------------------------- search


class _Search:
    def __init__(
        self, c: Compiled, ev: Evaluation, budget: int, answers: Mapping[str, Answer]
    ) -> None:
        self.c = c
        self.budget = budget
        self.used = 0
        self.complete = True
        o = ev.outcome
        self.base = _State(
            ev.values, ev.dont_know, frozenset(ev.applicable), ev.num, ev.den, ev.app, ev.norm, o
        )
        self.base.totals(c.section_weight)
        self.qscores = ev.question_scores
        nbands = len(c.bands)
        self.base_rank = o.rank if o.rank is not None else nbands
        self.target = c.bands[self.base_rank - 1].min if self.base_rank > 0 else None
        self.binding = frozenset(
            i for i in o.blockers if (c.flags[i].cap_rank or 0) >= self.base_rank
        )
        self.blocker_questions: set[str] = set()
        self.blocker_sections: set[str] = set()
        for i in o.blockers:
            self.blocker_questions |= c.flags[i].questions
            self.blocker_sections |= c.flags[i].sections
        # Answers as given: those to questions that do not apply now count if a change makes
        # them apply; one that would not validate rules out changes to what applies.
        self.values: dict[str, Value] = dict(ev.values)
        self.dont_know: set[str] = set(ev.dont_know)
        self.hidden_invalid = False
        for qid, answer in answers.items():
            cq = c.by_id.get(qid)
            if cq is None or qid in self.base.applicable or answer.value is None:
                continue
            if check_answer(cq.question, answer.value) is not None:
                self.hidden_invalid = True
            elif answer.value == DONT_KNOW:
                self.dont_know.add(qid)
            else:
                self.values[qid] = _normalise(cq.question, answer.value)
        self.found: list[_Found] = []
        self._alts: dict[tuple[str, str], list[tuple[Value, float]]] = {}

    # ----------------------------------------------------------------- evaluation

    def spend(self) -> None:
        if self.used >= self.budget:
            self.complete = False
            raise _Budget
        self.used += 1

    def derive(self, alts: tuple[Alt, ...]) -> _State:
        """The exact state after ``alts``, worked out from the base incrementally."""
        self.spend()
        c, base = self.c, self.base
        changed = {cq.id: v for cq, v in alts}
        affected: set[str] = set(changed)
        for qid in changed:
            affected |= c.dependents[qid]
        vals = dict(base.vals)
        dk = set(base.dk)
        applicable = set(base.applicable)
        norm = dict(base.norm)
        env = Environment(vals, dk)
        sections: set[int] = set()
        hides = False
        by_id = c.by_id
        for cq in sorted((by_id[q] for q in affected), key=lambda q: q.order):
            qid = cq.id
            was = qid in base.applicable
            now = cq.when is None or cq.when(env)
            if was and not now and cq.scored:
                hides = True
            vals.pop(qid, None)
            dk.discard(qid)
            norm.pop(qid, None)
            applicable.discard(qid)
            if now:
                applicable.add(qid)
                if qid in changed:
                    value: Value | None = changed[qid]
                elif qid in self.dont_know:
                    value = None
                    dk.add(qid)
                else:
                    value = self.values.get(qid)
                if value is not None:
                    vals[qid] = value
                    if cq.scored:
                        norm[qid] = cq.score(value)[1]
            if cq.scored and cq.section >= 0 and (was or now):
                sections.add(cq.section)
        num, den, app = list(base.num), list(base.den), list(base.app)
        for s in sections:
            n = d = a = 0.0
            for cq in c.section_questions[s]:
                if cq.id in applicable:
                    w = cq.weight
                    a += w
                    sc = norm.get(cq.id)
                    if sc is not None:
                        n += w * sc
                        d += w
            num[s], den[s], app[s] = n, d, a
        raw, conf = overall(c, num, den, app)
        section_ids = {c.sections[s].id for s in sections}
        recheck = [f for f in c.blockers if f.questions & affected or f.sections & section_ids]
        raised = set(base.outcome.blockers)
        if recheck:
            qscores: Mapping[str, float] = {}
            sscores: Mapping[str, float] = {}
            if any(f.uses_scores for f in recheck):
                qscores = {q: round_unit(x) for q, x in norm.items()}
                sscores = {
                    sec.id: round_score(100.0 * num[sec.index] / den[sec.index])
                    for sec in c.sections
                    if den[sec.index] > 0
                }
            fenv = Environment(vals, dk, qscores, sscores)
            for f in recheck:
                if f.when(fenv):
                    raised.add(f.index)
                else:
                    raised.discard(f.index)
        outcome = decide(c, raw, conf, (c.flags[i] for i in raised))
        return _State(vals, dk, applicable, num, den, app, norm, outcome, hides)

    def judge(self, alts: tuple[Alt, ...], state: _State) -> _Found | None:
        out = state.outcome
        better = (
            not state.hides
            and out.conclusive
            and out.rank is not None
            and out.rank < self.base_rank
        )
        new_blockers = out.blockers - self.base.outcome.blockers
        cleared = self.base.outcome.blockers - out.blockers if not new_blockers else frozenset()
        if not better and not cleared:
            return None
        found = _Found(alts, out, better, cleared)
        self.found.append(found)
        return found

    def exact(self, alts: tuple[Alt, ...]) -> tuple[_State, _Found | None]:
        state = self.derive(alts)
        return state, self.judge(alts, state)

    def estimate(
        self, state: _State, changes: tuple[tuple[CQuestion, float], ...]
    ) -> tuple[float, float]:
        """Approximate raw score and confidence after giving ``changes`` (question, normalised
        score) to questions that apply in ``state``; for pruning only."""
        if len(changes) == 1:
            return self._estimate_one(state, *changes[0])
        w = self.c.section_weight
        t, ws, cs = state.t, state.ws, state.cs
        deltas: dict[int, list[float]] = {}
        for cq, nv in changes:
            old = state.norm.get(cq.id)
            d = deltas.setdefault(cq.section, [0.0, 0.0])
            if old is None:
                d[0] += cq.weight * nv
                d[1] += cq.weight
            else:
                d[0] += cq.weight * (nv - old)
        for s, (dn, dd) in deltas.items():
            t, ws, cs = _shift(state, s, w[s], dn, dd, t, ws, cs)
        return _totals(state, t, ws, cs)

    def _estimate_one(self, state: _State, cq: CQuestion, nv: float) -> tuple[float, float]:
        """:meth:`estimate` of one change: the same sums in the same order, so the same floats."""
        s = cq.section
        w = cq.weight
        old = state.norm.get(cq.id)
        if old is None:
            dn = 0.0 + w * nv
            dd = 0.0 + w
        else:
            dn = 0.0 + w * (nv - old)
            dd = 0.0
        t, ws, cs = _shift(state, s, self.c.section_weight[s], dn, dd, state.t, state.ws, state.cs)
        return _totals(state, t, ws, cs)

    def could_lift(self, score: float, conf: float, target: float | None) -> bool:
        if target is None:
            return False
        return score >= target - _SLACK and conf >= self.c.threshold - 1e-3

    def _lifts(
        self, state: _State, changes: tuple[tuple[CQuestion, float], ...], target: float | None
    ) -> bool:
        score, conf = self.estimate(state, changes)
        return self.could_lift(score, conf, target)

    def pair_target(self, cleared: frozenset[int]) -> float | None:
        """The least score a pair clearing ``cleared`` must reach to beat every single change."""
        if self.target is None:
            return None
        best = self.base_rank
        for f in self.found:
            if (
                len(f.alts) == 1
                and f.better
                and f.cleared >= cleared
                and f.outcome.rank is not None
            ):
                best = min(best, f.outcome.rank)
        return self.c.bands[best - 1].min if best > 0 else None

    def scored_alternatives(
        self, cq: CQuestion, current: Value | None
    ) -> list[tuple[Value, float]]:
        key = (cq.id, repr(current))
        hit = self._alts.get(key)
        if hit is None:
            hit = self._alts[key] = _scored_alternatives(cq, current)
        return hit

    def propose(
        self,
        pending: list[_Pending],
        state: _State,
        alts: tuple[Alt, ...],
        changes: tuple[tuple[CQuestion, float], ...],
        cleared: frozenset[int],
    ) -> _Key | None:
        """Queue ``alts`` if their estimate lifts the band; :meth:`confirm` scores the best."""
        self.spend()
        score, conf = self.estimate(state, changes)
        out = decide(self.c, score, conf, (self.c.flags[i] for i in state.outcome.blockers))
        if not (out.conclusive and out.rank is not None and out.rank < self.base_rank):
            return None
        order = tuple((cq.order, repr(v)) for cq, v in alts)
        key: _Key = (out.rank, -len(cleared), -(out.score or 0.0), order)
        pending.append((key, alts))
        return key

    def confirm(self, pending: list[_Pending], size: int) -> None:
        """Score queued scenarios exactly, best estimate first, until enough are kept."""
        pending.sort(key=lambda p: p[0])
        singles = [f for f in self.found if len(f.alts) == 1]
        unique: set[tuple[tuple[str, str], ...]] = set()
        used: dict[tuple[str, str], tuple[int, int]] = {}

        def accept(f: _Found) -> bool:
            """Whether ``f`` would be reported (as :func:`what_if` filters), counting it."""
            if size == 2 and _dominated(f, singles):
                return False
            changes = [(cq.id, repr(v)) for cq, v in f.alts]
            key = tuple(sorted(changes))
            if key in unique:
                return False
            unique.add(key)
            if size == 2:
                effect = f.effect_key()
                if any(used.get(k) == effect for k in changes):
                    return False
                for k in changes:
                    used.setdefault(k, effect)
            return True

        accepted = sum(
            accept(f) for f in sorted((f for f in self.found if len(f.alts) == size), key=_sort_key)
        )
        seen: set[tuple[tuple[int, str], ...]] = set()
        for key, alts in pending:
            if accepted >= MAX_REPORTED:
                break
            if key[3] in seen:
                continue
            seen.add(key[3])
            if size == 2:
                # Would be dropped as another route with a change already shown for this effect.
                changes = [(cq.id, repr(v)) for cq, v in alts]
                if any(used.get(k) == (key[0], key[1]) for k in changes):
                    continue
            _, found = self.exact(alts)
            if found is not None and accept(found):
                accepted += 1

    # ----------------------------------------------------------------- the search

    def run(self) -> None:
        with contextlib.suppress(_Budget):
            self._run()

    def _run(self) -> None:
        c, base = self.c, self.base
        special: list[CQuestion] = []
        touches: set[str] = set()
        simple: list[tuple[float, CQuestion]] = []  # (best gain, question)
        for cq in c.questions:
            if cq.kind == "text" or cq.id not in base.applicable:
                continue
            gate = cq.id in c.gating
            if gate and self.hidden_invalid:
                continue
            if cq.id in self.blocker_questions or (
                cq.scored and cq.section_id in self.blocker_sections
            ):
                touches.add(cq.id)
                special.append(cq)
            elif gate:
                special.append(cq)
            elif cq.scored and cq.section >= 0:
                score, _ = self._estimate_one(base, cq, 1.0)
                gain = score - base.raw
                if gain > 1e-9:
                    simple.append((gain, cq))
        simple.sort(key=lambda gq: (-gq[0], gq[1].order))
        if self.target is not None and not base.outcome.conclusive and not self._can_conclude():
            self.target = None  # two answers cannot raise the confidence enough
        best_simple = simple[0][0] if simple else 0.0
        # One change. Blockers' inputs and changes to what applies are scored exactly (their
        # states seed the pairs); a score change is tried only where its best case could lift
        # the band, and then only its least change that reaches the best band it can.
        states: list[tuple[Alt, _State]] = []
        for cq in special:
            if cq.id not in touches and not self._gate_could_lift(cq, best_simple):
                continue
            for value in alternatives(cq, self.values.get(cq.id)):
                alt = (cq, value)
                state, _ = self.exact((alt,))
                if not state.hides:
                    states.append((alt, state))
        target = None if self.binding else self.target
        pending: list[_Pending] = []
        for _gain, cq in simple:
            if not self._lifts(base, ((cq, 1.0),), target):
                continue
            best: tuple[_Key, Alt] | None = None
            for value, nv in self.scored_alternatives(cq, base.vals.get(cq.id)):
                if not self._lifts(base, ((cq, nv),), target):
                    break
                key = self.propose([], base, ((cq, value),), ((cq, nv),), frozenset())
                if key is not None and (best is None or key[0] <= best[0][0]):
                    best = (key, (cq, value))
            if best is not None:
                pending.append((best[0], (best[1],)))
        self.confirm(pending, 1)
        # Two changes to blockers' inputs: a blocker may need both to clear.
        touching = [(a, st) for a, st in states if a[0].id in touches]
        for i, (a, _sa) in enumerate(touching):
            for b, _sb in touching[i + 1 :]:
                if a[0].id != b[0].id:
                    self.exact((a, b))
        # A blocker's input or a change to what applies, with one score change; and two
        # score changes.
        pending = []
        for a, state in states:
            self._pair_with_simple(pending, a, state, simple)
        self._simple_pairs(pending, simple)
        self.confirm(pending, 2)

    def _gate_could_lift(self, g: CQuestion, best_simple: float) -> bool:
        """Whether a change to ``g`` (which some ``when:`` reads), alone or with one more
        change, could lift the band: its own best gain plus the best gain of one more answer
        (to a question that applies now or that it could bring in) must reach the band."""
        if self.target is None or self.binding:
            return False
        base, c = self.base, self.c
        dependents = c.dependents[g.id]
        if any(d in self.values or d in self.dont_know for d in dependents - base.applicable):
            return True  # answers given to questions that do not apply now: no bound
        own = 0.0
        if g.scored and g.section >= 0:
            own = max(self._estimate_one(base, g, 1.0)[0] - base.raw, 0.0)
        extra = best_simple
        for d in dependents - base.applicable:
            cq = c.by_id[d]
            if cq.scored and cq.section >= 0 and cq.kind != "text":
                extra = max(extra, self._estimate_one(base, cq, 1.0)[0] - base.raw)
        return base.raw + own + extra >= self.target - _SLACK

    def _can_conclude(self) -> bool:
        """Whether two more answers could bring the confidence up to the threshold.

        A what-if may not take scored questions out of the assessment, so the
        confidence rises only by answering: at most each question's share of the
        weighted confidence, for the two largest shares.
        """
        c, base = self.c, self.base
        weights = c.section_weight
        cw = base.cw
        if cw <= 0:
            return True
        gains = []
        for cq in c.questions:
            if not cq.scored or cq.section < 0 or cq.kind == "text" or cq.id in base.vals:
                continue
            s, w = cq.section, cq.weight
            a = base.app[s]
            if cq.id in base.applicable and a > 0:
                gains.append(weights[s] * w / (a * cw))
            elif a > 0:
                gains.append(weights[s] * w / ((a + w) * cw))
            else:
                gains.append(weights[s] / (cw + weights[s]))
        gains.sort(reverse=True)
        return base.outcome.confidence + sum(gains[:2]) + 1e-6 >= c.threshold

    def _pair_with_simple(
        self, pending: list[_Pending], a: Alt, state: _State, simple: list[tuple[float, CQuestion]]
    ) -> None:
        """``a`` (a blocker's input or a change to what applies) with one score change.

        Partners are the questions ``a`` newly brings into the assessment and the
        score changes whose best gain could make up what ``a`` leaves to gain; the
        few whose best case scores highest are queued.
        """
        base = self.base
        if state.hides:
            return
        if self.binding and not self.binding.isdisjoint(state.outcome.blockers):
            return  # a blocker still caps the band, and a score change cannot clear it
        raised = state.outcome.blockers - base.outcome.blockers
        cleared = base.outcome.blockers - state.outcome.blockers if not raised else frozenset()
        target = self.pair_target(cleared)
        if target is None:
            return
        state.totals(self.c.section_weight)
        gain_a = max(state.raw - base.raw, 0.0)
        needed = target - _SLACK - base.raw - gain_a
        by_id = self.c.by_id
        partners = [
            by_id[q]
            for q in state.applicable - base.applicable
            if by_id[q].scored and by_id[q].section >= 0 and by_id[q].kind != "text"
        ]
        for gain, cq in simple:
            if gain < needed:
                break
            if cq.id != a[0].id and cq.id in state.applicable:
                partners.append(cq)
        ranked = []
        for cq in partners:
            score, conf = self._estimate_one(state, cq, 1.0)
            if self.could_lift(score, conf, target):
                ranked.append((-score, cq.order, cq))
        ranked.sort(key=lambda r: (r[0], r[1]))
        queued = 0
        for _, _, cq in ranked:
            for value, nv in self.scored_alternatives(cq, state.vals.get(cq.id)):
                if not self._lifts(state, ((cq, nv),), target):
                    break
                if self.propose(pending, state, (a, (cq, value)), ((cq, nv),), cleared):
                    queued += 1
                break  # the best alternative of each partner only
            if queued >= _PARTNERS:
                break

    def _simple_pairs(self, pending: list[_Pending], simple: list[tuple[float, CQuestion]]) -> None:
        """Two score changes, best gains first.

        A pair gains at most the sum of its members' best gains (scores are weighted
        means), so the loops stop as soon as that sum cannot reach the band, nor beat
        the ``_TOP`` best pairs already queued.
        """
        base = self.base
        target = None if self.binding else self.pair_target(frozenset())
        if target is None:
            return
        floor = target - base.raw - _SLACK
        top: list[float] = []  # gains of the best pairs queued, a min-heap

        def needed() -> float:
            return max(floor, top[0] - 1e-9) if len(top) >= _TOP else floor

        for i, (ga, qa) in enumerate(simple):
            if i + 1 < len(simple) and ga + simple[i + 1][0] < needed():
                break
            alts_a = self.scored_alternatives(qa, base.vals.get(qa.id))
            if not alts_a:
                continue
            va, na = alts_a[0]
            for gb, qb in simple[i + 1 :]:
                if ga + gb < needed():
                    break
                alts_b = self.scored_alternatives(qb, base.vals.get(qb.id))
                if not alts_b:
                    continue
                vb, nb = alts_b[0]
                key = self.propose(
                    pending, base, ((qa, va), (qb, vb)), ((qa, na), (qb, nb)), frozenset()
                )
                if key is not None:
                    heapq.heappush(top, -key[2] - base.raw)
                    if len(top) > _TOP:
                        heapq.heappop(top)


# --------------------------------------------------------------------------- result


def _dominated(pair: _Found, singles: list[_Found]) -> bool:
    for s in singles:
        as_good = not pair.better or (
            s.better and (s.outcome.rank or 0) <= (pair.outcome.rank or 0)
        )
        if as_good and pair.cleared <= s.cleared:
            return True
    return False


def _sort_key(found: _Found) -> tuple[int, int, float, tuple[tuple[int, str], ...]]:
    rank, cleared = found.effect_key()
    score = found.outcome.score if found.outcome.score is not None else -1.0
    return (rank, cleared, -score, tuple((cq.order, repr(v)) for cq, v in found.alts))


def _before(s: _Search, cq: CQuestion) -> tuple[Value | None, str]:
    if cq.id in s.dont_know:
        return None, "Don't know"
    value = s.values.get(cq.id)
    if value is None:
        return None, "Not answered"
    return value, answer_text(cq, value)


def _own(value: Value | None) -> Value | None:
    """A list value copied, so that the result holds its own (as validation would make)."""
    return list(value) if type(value) is list else value


def _scenario(c: Compiled, s: _Search, found: _Found) -> Scenario:
    changes = []
    for cq, value in found.alts:
        before, before_text = _before(s, cq)
        changes.append(
            make(
                Change,
                {
                    "question": cq.id,
                    "prompt": cq.prompt,
                    "before": _own(before),
                    "before_text": before_text,
                    "after": _own(value),
                    "after_text": answer_text(cq, value),
                },
            )
        )
    effects: list[Effect] = []
    if found.better:
        effects.append("better_band")
    if found.cleared:
        effects.append("clears_blocker")
    o = found.outcome
    band = c.bands[o.rank] if o.conclusive and o.rank is not None else None
    return make(
        Scenario,
        {
            "changes": changes,
            "effects": effects,
            "status": "band" if band is not None else "inconclusive",
            "band": band.id if band is not None else None,
            "label": band.label if band is not None else None,
            "score": o.score,
            "cleared": [c.flags[i].flag.id for i in sorted(found.cleared)],
        },
    )


def _goal(c: Compiled, s: _Search) -> str:
    parts = []
    base = s.base.outcome
    if s.target is not None:
        if base.conclusive and base.rank is not None:
            parts.append(f"lift the verdict above {c.bands[base.rank].label}")
        elif base.rank is not None:
            parts.append(
                f"give a settled verdict better than the indicative {c.bands[base.rank].label}"
            )
        else:
            parts.append("give a settled verdict")
    if base.blockers:
        parts.append("clear a blocker")
    if not parts:
        return "Nothing to search for: the verdict is already the best band, with no blocker."
    return "The fewest answer changes (one, then two) that would " + " or ".join(parts) + "."


def what_if(
    c: Compiled,
    ev: Evaluation,
    answers: Mapping[str, Answer] | None = None,
    *,
    budget: int = DEFAULT_BUDGET,
) -> WhatIf:
    """Search for the smallest answer changes that improve the verdict (see the module doc).

    Returns the result's ``what_if`` field.

    ``answers`` are the answers as given, so that answers to questions that do
    not apply now are taken into account when a change would make them apply.
    """
    search = _Search(c, ev, budget, answers or {})
    goal = _goal(c, search)
    if search.target is None and not ev.outcome.blockers:
        return _what_if(
            {"goal": goal, "scenarios": [], "evaluations": 0, "budget": budget, "complete": True}
        )
    search.run()
    singles = sorted((f for f in search.found if len(f.alts) == 1), key=_sort_key)
    pairs = sorted(
        (f for f in search.found if len(f.alts) == 2 and not _dominated(f, singles)), key=_sort_key
    )
    chosen = _unique(singles)[:MAX_REPORTED] + _distinct(_unique(pairs))[:MAX_REPORTED]
    return _what_if(
        {
            "goal": goal,
            "scenarios": [_scenario(c, search, f) for f in chosen],
            "evaluations": search.used,
            "budget": budget,
            "complete": search.complete,
        }
    )


def _what_if(data: Data) -> WhatIf:
    if type(data["budget"]) is int:
        return make(WhatIf, data)
    return WhatIf.model_validate(data)  # a budget of another type: coerced or refused as ever


def _unique(found: list[_Found]) -> list[_Found]:
    seen: set[tuple[tuple[str, str], ...]] = set()
    out = []
    for f in found:
        key = tuple(sorted((cq.id, repr(v)) for cq, v in f.alts))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _distinct(pairs: list[_Found]) -> list[_Found]:
    """Keep one pair per change and effect, so the list shows different routes."""
    out: list[_Found] = []
    used: dict[tuple[str, str], tuple[int, int]] = {}
    for p in pairs:
        keys = [(cq.id, repr(v)) for cq, v in p.alts]
        if any(used.get(k) == p.effect_key() for k in keys):
            continue
        for k in keys:
            used.setdefault(k, p.effect_key())
        out.append(p)
    return out


def _shift(
    state: _State,
    s: int,
    ww: float,
    dn: float,
    dd: float,
    t: float,
    ws: float,
    cs: float,
) -> tuple[float, float, float]:
    """The overall sums after section ``s`` gains ``dn`` points over ``dd`` more weight."""
    n0, d0, a0 = state.num[s], state.den[s], state.app[s]
    if d0 > 0:
        t -= ww * 100.0 * n0 / d0
        ws -= ww
    d1 = d0 + dd
    if d1 > 0:
        t += ww * 100.0 * (n0 + dn) / d1
        ws += ww
    if a0 > 0:
        cs += ww * dd / a0
    return t, ws, cs


def _totals(state: _State, t: float, ws: float, cs: float) -> tuple[float, float]:
    """Raw overall score and confidence from the sums."""
    score = t / ws if ws > 1e-12 else 0.0
    conf = cs / state.cw if state.cw > 0 else 0.0
    return score, conf


__all__ = ["DEFAULT_BUDGET", "MAX_REPORTED", "alternatives", "what_if"]

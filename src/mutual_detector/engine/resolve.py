"""A fast path for :func:`mutual_detector.model.checks.resolve`.

:func:`resolve_fast` gives exactly the :class:`AnswerState` that ``resolve``
gives. It checks each answer with precomputed tables and the compiled
conditions; at the first answer that is not plainly valid and applicable (an
unknown id, a wrong value, a "don't know" where none is allowed, an answer to
a question that does not apply) it hands over to ``resolve`` itself, so every
finding still comes from the one reference implementation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from mutual_detector.engine.compiled import Compiled, CQuestion
from mutual_detector.model.answers import DONT_KNOW, Answer
from mutual_detector.model.checks import MAX_ANSWER_MAGNITUDE, AnswerState, resolve
from mutual_detector.model.expr import Environment, Value


class _Fallback(Exception):
    """An answer needs the reference implementation's findings."""


def _valid(cq: CQuestion, value: object) -> Value:
    """The normalised answer if it is plainly valid; raise :class:`_Fallback` otherwise."""
    kind = cq.kind
    if kind == "single":
        if isinstance(value, str) and value in cq.option_points:
            return value
    elif kind == "yes_no":
        if isinstance(value, bool):
            return value
    elif kind == "multi":
        if (
            isinstance(value, list)
            and all(isinstance(v, str) and v in cq.option_points for v in value)
            and len(set(value)) == len(value)
            and (len(value) < 2 or cq.exclusive.isdisjoint(value))
        ):
            order = cq.option_order
            return sorted(value, key=order.__getitem__)
    elif (
        kind in ("scale", "number")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        if abs(value) >= MAX_ANSWER_MAGNITUDE or not math.isfinite(value):
            raise _Fallback  # too large (an int may be too large even for a float), NaN, inf
        if kind == "scale":
            spec = cq.question.scale
            if spec is not None and float(value).is_integer() and spec.min <= value <= spec.max:
                return int(value)
        else:
            spec_n = cq.question.number_spec
            if spec_n.integer and not float(value).is_integer():
                raise _Fallback
            if (spec_n.min is None or value >= spec_n.min) and (
                spec_n.max is None or value <= spec_n.max
            ):
                return value
    elif kind == "text" and isinstance(value, str) and len(value) <= cq.question.max_length:
        return value
    raise _Fallback


def resolve_fast(c: Compiled, answers: Mapping[str, Answer]) -> AnswerState:
    """``resolve(c.questionnaire, answers)``, faster when the answers are all in order."""
    try:
        return _resolve(c, answers)
    except _Fallback:
        return resolve(c.questionnaire, answers)


def _resolve(c: Compiled, answers: Mapping[str, Answer]) -> AnswerState:
    by_id = c.by_id
    if not by_id.keys() >= answers.keys():
        raise _Fallback  # an unknown question id
    values: dict[str, Value] = {}
    dont_know: set[str] = set()
    env = Environment(values, dont_know)
    applicable: list[str] = []
    for cq in c.questions:
        qid = cq.id
        answer = answers.get(qid)
        if cq.when is not None and not cq.when(env):
            if answer is not None and answer.value is not None:
                raise _Fallback  # a warning: the reference words it
            continue
        applicable.append(qid)
        if answer is None:
            continue
        value = answer.value
        if value is None:
            continue
        if value == DONT_KNOW:
            if not cq.question.dont_know:
                raise _Fallback
            dont_know.add(qid)
        elif type(value) is str and cq.kind == "single" and value in cq.option_points:
            values[qid] = value  # the commonest case, as :func:`_valid` would take it
        else:
            values[qid] = _valid(cq, value)
    return AnswerState(values, frozenset(dont_know), tuple(applicable), ())


__all__ = ["resolve_fast"]

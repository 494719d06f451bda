"""Compile parsed conditions into closures, for speed.

:meth:`Expression.evaluate` walks the tree on every call; the engine evaluates
hundreds of conditions per assessment (and many more in the what-if search),
so it compiles each one once into nested closures with exactly the same
semantics as :func:`mutual_detector.model.expr._eval` (a test checks the two
agree). Nothing here calls :func:`eval`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Final

from mutual_detector.model.expr import (
    MISSING,
    BoolOp,
    Call,
    Compare,
    Environment,
    Expression,
    ListExpr,
    Literal_,
    Node,
    Not,
    Ref,
    Value,
    _compare,
    _is_number,
    _truthy,
)

Evaluator = Callable[[Environment], Value]
Predicate = Callable[[Environment], bool]


def compile_expression(expr: Expression) -> Predicate:
    """A function of an environment that returns what ``expr.evaluate(env)`` returns."""
    fn = _compile(expr.tree)
    if _gives_bool(expr.tree):
        return fn  # type: ignore[return-value]  # it already returns a bool

    def predicate(env: Environment) -> bool:
        return _truthy(fn(env))

    return predicate


def _gives_bool(node: Node) -> bool:
    """Whether the node always evaluates to ``True`` or ``False`` (so needs no ``_truthy``)."""
    if isinstance(node, Compare | BoolOp | Not):
        return True
    return isinstance(node, Call) and node.name in ("answered", "dont_know")


def _compile(node: Node) -> Evaluator:
    if isinstance(node, Literal_):
        value = node.value
        return lambda env: value
    if isinstance(node, Ref):
        name = node.name
        return lambda env: env.answers.get(name, MISSING)
    if isinstance(node, BoolOp):
        return _bool(node)
    if isinstance(node, Not):
        operand = _compile(node.operand)
        if _gives_bool(node.operand):
            return lambda env: not operand(env)
        return lambda env: not _truthy(operand(env))
    if isinstance(node, Compare):
        return _compare_fn(node)
    if isinstance(node, ListExpr):
        items = [_compile(i) for i in node.items]
        return lambda env: [i(env) for i in items]
    return _call(node)


def _bool(node: BoolOp) -> Evaluator:
    parts = tuple(_compile(o) for o in node.operands)
    if not all(_gives_bool(o) for o in node.operands):
        if node.op == "and":
            return lambda env: all(_truthy(part(env)) for part in parts)
        return lambda env: any(_truthy(part(env)) for part in parts)
    # Every operand gives a bool: Python's own short-circuit gives the same bool.
    if len(parts) == 2:
        a, b = parts
        if node.op == "and":
            return lambda env: a(env) and b(env)
        return lambda env: a(env) or b(env)
    if node.op == "and":

        def all_of(env: Environment) -> Value:
            for part in parts:  # noqa: SIM110 - faster than all() over a generator
                if not part(env):
                    return False
            return True

        return all_of

    def any_of(env: Environment) -> Value:
        for part in parts:  # noqa: SIM110 - faster than any() over a generator
            if part(env):
                return True
        return False

    return any_of


def _compare_fn(node: Compare) -> Evaluator:
    op = node.op
    left, right = node.left, node.right
    # Fast paths for the commonest shapes: ``q == 'x'``, ``q == true``, ``'x' in q``,
    # ``q in ['a', 'b']``. Each gives the same answer as the general path.
    if isinstance(left, Ref) and isinstance(right, Literal_) and op in ("==", "!="):
        name, lit = left.name, right.value
        if isinstance(lit, str):
            if op == "==":
                return lambda env: env.answers.get(name, MISSING) == lit
            return lambda env: _ne_str(env.answers.get(name, MISSING), lit)
        if isinstance(lit, bool):
            if op == "==":
                return lambda env: env.answers.get(name, MISSING) is lit
            return lambda env: _ne_bool(env.answers.get(name, MISSING), lit)
    if (
        isinstance(left, Literal_)
        and isinstance(left.value, str)
        and isinstance(right, Ref)
        and op in ("in", "not in")
    ):
        lit_s, name_r = left.value, right.name
        if op == "in":
            return lambda env: _in_list(lit_s, env.answers.get(name_r, MISSING))
        return lambda env: _not_in_list(lit_s, env.answers.get(name_r, MISSING))
    if (
        isinstance(left, Ref)
        and isinstance(right, ListExpr)
        and op == "in"
        and right.items
        and all(isinstance(i, Literal_) and isinstance(i.value, str) for i in right.items)
    ):
        name_l = left.name
        members = frozenset(
            i.value for i in right.items if isinstance(i, Literal_) and isinstance(i.value, str)
        )
        return lambda env: _str_in(env.answers.get(name_l, MISSING), members)
    if (
        isinstance(left, Ref)
        and isinstance(right, Literal_)
        and op in _ORDER
        and isinstance(right.value, int | float)
        and not isinstance(right.value, bool)
    ):
        # ``q >= 10``: false unless the answer is a number (not a bool), then compared as floats.
        return _order_fn(left.name, _ORDER[op], float(right.value))
    lhs, rhs = _compile(left), _compile(right)
    return lambda env: _compare(op, lhs(env), rhs(env))


_ORDER: Final = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _order_fn(name: str, cmp: Callable[[float, float], bool], lit: float) -> Evaluator:
    def order(env: Environment) -> Value:
        value = env.answers.get(name, MISSING)
        t = type(value)
        if t is int or t is float:
            return cmp(float(value), lit)  # type: ignore[arg-type]
        return _is_number(value) and cmp(float(value), lit)  # type: ignore[arg-type]

    return order


def _ne_str(value: Value, lit: str) -> bool:
    return value is not MISSING and value != lit


def _ne_bool(value: Value, lit: bool) -> bool:
    if value is MISSING:
        return False
    return not (isinstance(value, bool) and value is lit)


def _in_list(item: str, value: Value) -> bool:
    if value is MISSING:
        return False
    return isinstance(value, list) and item in value


def _not_in_list(item: str, value: Value) -> bool:
    if value is MISSING:
        return False
    return not (isinstance(value, list) and item in value)


def _str_in(value: Value, members: frozenset[str]) -> bool:
    return isinstance(value, str) and value in members


def _call(node: Call) -> Evaluator:
    (arg,) = node.args
    if node.name == "section_score":
        sid = str(arg.value) if isinstance(arg, Literal_) else "None"
        return lambda env: env.section_scores.get(sid, MISSING)
    name = arg.name if isinstance(arg, Ref) else ""
    if node.name == "answered":
        return lambda env: env.answers.get(name, MISSING) is not MISSING
    if node.name == "dont_know":
        return lambda env: name in env.dont_know
    if node.name == "count":

        def count(env: Environment) -> Value:
            value = env.answers.get(name, MISSING)
            return len(value) if isinstance(value, list) else 0

        return count
    return lambda env: env.question_scores.get(name, MISSING)


__all__ = ["Predicate", "compile_expression"]

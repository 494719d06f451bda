"""The condition language used by ``when:`` in questionnaires.

A small, safe expression language of our own: it is tokenised and parsed
into a tree, type-checked against the questionnaire, and evaluated by walking
the tree. Nothing is ever passed to :func:`eval`.

Grammar (lowest precedence first)::

    expr    := and_ ("or" and_)*
    and_    := not_ ("and" not_)*
    not_    := "not" not_ | compare
    compare := atom (OP atom)?          OP: == != < <= > >= in, "not in"
    atom    := NUMBER | STRING | true | false | null | IDENT
             | IDENT "(" [expr ("," expr)*] ")" | "[" [expr ("," expr)*] "]"
             | "(" expr ")"

Conditions have three truth values (Kleene's logic): true, false and
:data:`UNKNOWN`. A question id evaluates to its answer. A question that does
not apply is :data:`MISSING`: every comparison with it is false. An answer
that is "don't know", or missing while its question applies, is
:data:`UNKNOWN`: comparisons with it are unknown, ``not`` of unknown is
unknown, ``false and x`` is false and ``true or x`` is true. Scores of unknown
answers are :class:`Interval` ranges, and a comparison with a range is decided
only when the whole range is on one side. ``answered(q)`` and ``dont_know(q)``
are facts about the answers: always true or false for a question that applies.

Expressions are compiled once into closures (:meth:`Expression.compiled`) and
evaluated against a :class:`Scope`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal, TypeAlias

from mutual_detector.model.findings import did_you_mean

#: Bounds that keep a hostile file from exhausting memory or the stack.
MAX_EXPRESSION_LENGTH: Final = 2_000
MAX_DEPTH: Final = 32
MAX_LIST_ITEMS: Final = 200
MAX_NUMBER_DIGITS: Final = 30

FUNCTIONS: Final[dict[str, str]] = {
    "answered": 'answered(q): true if q has an answer other than "don\'t know"',
    "dont_know": 'dont_know(q): true if q was answered "don\'t know"',
    "count": "count(q): how many options were chosen in the multi question q (0 if none)",
    "score": "score(q): q's normalised score from 0 to 1 (missing if not scored)",
    "section_score": "section_score('id'): the section's score from 0 to 100",
    "raised": "raised('flag_id'): true if that (earlier) flag is raised",
    "raised_count": "raised_count(['a', 'b']): how many of those (earlier) flags are raised",
}
#: Functions that depend on scores or flags, so are not allowed in a question's ``when:``.
SCORE_FUNCTIONS: Final = frozenset({"score", "section_score", "raised", "raised_count"})
#: Functions that read flags (flags and recommendations only).
FLAG_FUNCTIONS: Final = frozenset({"raised", "raised_count"})


class ExpressionError(ValueError):
    """A syntax or type error in an expression; ``offset`` is 0-based into the text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Missing:
    """The value of a question that does not apply: every comparison with it is false."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "MISSING"


class _Unknown:
    """Unknown: the value of a "don't know" answer, and the third truth value."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with `is True`")

    def __repr__(self) -> str:
        return "UNKNOWN"


MISSING: Final = _Missing()
UNKNOWN: Final = _Unknown()


@dataclass(frozen=True, slots=True)
class Interval:
    """A number known only to lie in ``[lo, hi]`` (a score with unknown answers)."""

    lo: float
    hi: float


@dataclass(frozen=True, slots=True)
class Maybe:
    """The answer of a question that may or may not apply: either ``value`` or MISSING."""

    value: Value


Value: TypeAlias = (
    bool | int | float | str | list["Value"] | _Missing | _Unknown | Interval | Maybe | None
)
#: A truth value: True, False or UNKNOWN.
Truth: TypeAlias = bool | _Unknown


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True)
class Literal_:
    value: bool | int | float | str | None
    offset: int


@dataclass(frozen=True)
class Ref:
    name: str
    offset: int


@dataclass(frozen=True)
class ListExpr:
    items: tuple[Node, ...]
    offset: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]
    offset: int


@dataclass(frozen=True)
class Not:
    operand: Node
    offset: int


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    operands: tuple[Node, ...]
    offset: int


CompareOp = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in"]


@dataclass(frozen=True)
class Compare:
    op: CompareOp
    left: Node
    right: Node
    offset: int


Node = Literal_ | Ref | ListExpr | Call | Not | BoolOp | Compare


@dataclass(frozen=True)
class Expression:
    """A parsed expression with the question ids, functions and flags it reads."""

    source: str
    tree: Node
    refs: frozenset[str] = field(default_factory=frozenset)
    functions: frozenset[str] = field(default_factory=frozenset)
    flags: frozenset[str] = field(default_factory=frozenset)
    """Flag ids named in ``raised()`` and ``raised_count()``."""

    @cached_property
    def compiled(self) -> Callable[[Scope], Value]:
        """The expression as a closure over a :class:`Scope` (built once, on first use)."""
        return _compile(self.tree)

    def truth(self, scope: Scope) -> Truth:
        """True, False or UNKNOWN."""
        value = self.compiled(scope)
        if value is True or value is False or value is UNKNOWN:
            return value
        return truth(value)

    def holds(self, scope: Scope) -> bool:
        """Whether the expression is certainly true."""
        value = self.compiled(scope)
        return value is True or (
            value is not False and value is not UNKNOWN and truth(value) is True
        )


# --------------------------------------------------------------------------- tokens

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)
_KEYWORDS: Final = frozenset({"and", "or", "not", "in", "true", "false", "null"})


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    offset: int


def _tokenise(source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:
            raise ExpressionError(f"unexpected character {source[pos]!r}", pos)
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "name" and text in _KEYWORDS:
            kind = text
        if kind == "number" and len(text) > MAX_NUMBER_DIGITS:
            raise ExpressionError(f"number literal longer than {MAX_NUMBER_DIGITS} characters", pos)
        if kind != "ws":
            tokens.append(_Tok(kind, text, pos))
        pos = m.end()
    tokens.append(_Tok("end", "", len(source)))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = _tokenise(source)
        self.i = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> _Tok:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self, kind: str | None = None) -> _Tok:
        tok = self.peek()
        if kind is not None and tok.kind != kind and tok.text != kind:
            found = "end of expression" if tok.kind == "end" else repr(tok.text)
            raise ExpressionError(f"expected {kind!r}, found {found}", tok.offset)
        self.i += 1
        return tok

    def _deeper(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested deeper than {MAX_DEPTH} levels", offset)

    def parse(self) -> Node:
        node = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise ExpressionError(f"unexpected {tok.text!r}", tok.offset)
        return node

    def expr(self) -> Node:
        return self._bool("or", self.and_)

    def and_(self) -> Node:
        return self._bool("and", self.not_)

    def _bool(self, op: Literal["and", "or"], sub: Callable[[], Node]) -> Node:
        first = sub()
        operands = [first]
        while self.peek().kind == op:
            self.take()
            operands.append(sub())
        if len(operands) == 1:
            return first
        return BoolOp(op, tuple(operands), _offset(first))

    def not_(self) -> Node:
        tok = self.peek()
        if tok.kind == "not":
            self.take()
            self._deeper(tok.offset)
            operand = self.not_()
            self.depth -= 1
            return Not(operand, tok.offset)
        return self.compare()

    def compare(self) -> Node:
        left = self.atom()
        tok = self.peek()
        op: CompareOp
        if tok.kind == "op" and tok.text in ("==", "!=", "<", "<=", ">", ">="):
            op = tok.text  # type: ignore[assignment]
            self.take()
        elif tok.kind == "in":
            op = "in"
            self.take()
        elif tok.kind == "not" and self.peek(1).kind == "in":
            op = "not in"
            self.take()
            self.take()
        else:
            return left
        right = self.atom()
        nxt = self.peek()
        if (
            nxt.kind == "op" and nxt.text in ("==", "!=", "<", "<=", ">", ">=")
        ) or nxt.kind == "in":
            raise ExpressionError(
                "chained comparisons are not allowed; join them with 'and'", nxt.offset
            )
        return Compare(op, left, right, tok.offset)

    def atom(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            number = float(tok.text)
            if not math.isfinite(number):
                raise ExpressionError("number is too large", tok.offset)
            value: int | float = int(tok.text) if re.fullmatch(r"-?\d+", tok.text) else number
            return Literal_(value, tok.offset)
        if tok.kind == "string":
            return Literal_(_unquote(tok.text), tok.offset)
        if tok.kind in ("true", "false"):
            return Literal_(tok.kind == "true", tok.offset)
        if tok.kind == "null":
            return Literal_(None, tok.offset)
        if tok.kind == "name":
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(tok)
            return Ref(tok.text, tok.offset)
        if tok.text == "(":
            self._deeper(tok.offset)
            inner = self.expr()
            self.take(")")
            self.depth -= 1
            return inner
        if tok.text == "[":
            self._deeper(tok.offset)
            items = self.items("]")
            self.depth -= 1
            return ListExpr(tuple(items), tok.offset)
        found = "end of expression" if tok.kind == "end" else repr(tok.text)
        raise ExpressionError(f"expected a value, found {found}", tok.offset)

    def call(self, name: _Tok) -> Node:
        if name.text not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"unknown function {name.text!r} (known: {known})", name.offset)
        self.take("(")
        self._deeper(name.offset)
        args = self.items(")")
        self.depth -= 1
        if len(args) != 1:
            raise ExpressionError(f"{name.text}() takes exactly one argument", name.offset)
        return Call(name.text, tuple(args), name.offset)

    def items(self, close: str) -> list[Node]:
        items: list[Node] = []
        if self.peek().text == close:
            self.take()
            return items
        while True:
            items.append(self.expr())
            if len(items) > MAX_LIST_ITEMS:
                raise ExpressionError(f"more than {MAX_LIST_ITEMS} items", self.peek().offset)
            if self.peek().text == ",":
                self.take()
                continue
            self.take(close)
            return items


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _offset(node: Node) -> int:
    return node.offset


def walk(node: Node) -> list[Node]:
    """Every node of the tree under ``node`` (itself included)."""
    return _walk(node)


def _walk(node: Node) -> list[Node]:
    out: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        if isinstance(current, ListExpr | Call):
            stack.extend(current.items if isinstance(current, ListExpr) else current.args)
        elif isinstance(current, Not):
            stack.append(current.operand)
        elif isinstance(current, BoolOp):
            stack.extend(current.operands)
        elif isinstance(current, Compare):
            stack.extend((current.left, current.right))
    return out


def parse(source: str) -> Expression:
    """Parse ``source``; raise :class:`ExpressionError` with an offset on failure."""
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_LENGTH} characters", 0)
    if not source.strip():
        raise ExpressionError("empty expression", 0)
    tree = _Parser(source).parse()
    nodes = _walk(tree)
    under_flags = {
        id(m) for n in nodes if isinstance(n, Call) and n.name in FLAG_FUNCTIONS for m in _walk(n)
    }
    refs = frozenset(n.name for n in nodes if isinstance(n, Ref) and id(n) not in under_flags)
    functions = frozenset(n.name for n in nodes if isinstance(n, Call))
    flags = frozenset(
        lit.value
        for n in nodes
        if isinstance(n, Call) and n.name in FLAG_FUNCTIONS
        for lit in _walk(n.args[0])
        if isinstance(lit, Literal_) and isinstance(lit.value, str)
    )
    return Expression(source, tree, refs, functions, flags)


# --------------------------------------------------------------------------- types

QuestionKind = Literal["single", "multi", "scale", "yes_no", "number", "text"]


@dataclass(frozen=True)
class RefInfo:
    """What the type checker needs to know about a question."""

    kind: QuestionKind
    options: frozenset[str] = frozenset()


def check(
    expr: Expression,
    questions: Mapping[str, RefInfo],
    sections: frozenset[str] = frozenset(),
    *,
    allow_scores: bool = True,
    flags: frozenset[str] = frozenset(),
) -> list[ExpressionError]:
    """Type-check ``expr`` against the questions, sections and flags it may read.

    ``flags`` are the flag ids ``raised()`` and ``raised_count()`` may name
    (the flags listed before the one being checked). Returns every problem.
    """
    problems: list[ExpressionError] = []
    flag_args: set[int] = set()
    for node in _walk(expr.tree):
        if isinstance(node, Call) and node.name in FLAG_FUNCTIONS:
            flag_args.update(id(n) for n in _walk(node.args[0]))
    for node in _walk(expr.tree):
        if id(node) in flag_args and not isinstance(node, Call):
            continue
        if isinstance(node, Ref) and node.name not in questions:
            hint = did_you_mean(node.name, questions)
            problems.append(
                ExpressionError(f"unknown question id {node.name!r}{hint}", node.offset)
            )
        elif isinstance(node, Call):
            problems.extend(_check_call(node, questions, sections, allow_scores, flags))
        elif isinstance(node, Compare):
            problems.extend(_check_compare(node, questions))
    return problems


def _check_call(
    node: Call,
    questions: Mapping[str, RefInfo],
    sections: frozenset[str],
    allow_scores: bool,
    flags: frozenset[str],
) -> list[ExpressionError]:
    (arg,) = node.args
    if node.name in SCORE_FUNCTIONS and not allow_scores:
        return [
            ExpressionError(f"{node.name}() is not available in a question's when:", node.offset)
        ]
    if node.name == "section_score":
        if not isinstance(arg, Literal_) or not isinstance(arg.value, str):
            return [ExpressionError("section_score() takes a section id in quotes", node.offset)]
        if arg.value not in sections:
            hint = did_you_mean(arg.value, sections)
            return [ExpressionError(f"unknown section id {arg.value!r}{hint}", arg.offset)]
        return []
    if node.name in FLAG_FUNCTIONS:
        items = arg.items if isinstance(arg, ListExpr) else None
        if node.name == "raised":
            items = (arg,)
        elif items is None:
            return [ExpressionError("raised_count() takes a list of flag ids", node.offset)]
        problems: list[ExpressionError] = []
        for item in items:
            if not isinstance(item, Literal_) or not isinstance(item.value, str):
                problems.append(ExpressionError("flag ids are written in quotes", item.offset))
            elif item.value not in flags:
                problems.append(
                    ExpressionError(
                        f"unknown flag {item.value!r} (only flags listed earlier can be read)"
                        + did_you_mean(item.value, flags),
                        item.offset,
                    )
                )
        return problems
    if not isinstance(arg, Ref):
        return [ExpressionError(f"{node.name}() takes a question id", node.offset)]
    info = questions.get(arg.name)
    if node.name == "count" and info is not None and info.kind != "multi":
        return [
            ExpressionError(
                f"count() needs a multi question, {arg.name!r} is {info.kind}", node.offset
            )
        ]
    return []


def _literal_type(node: Node) -> str | None:
    if isinstance(node, Literal_):
        v = node.value
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, int | float):
            return "number"
        if isinstance(v, str):
            return "string"
        return "null"
    if isinstance(node, Call):
        return "boolean" if node.name in ("answered", "dont_know", "raised") else "number"
    if isinstance(node, Compare | BoolOp | Not):
        return "boolean"
    return None


_KIND_TYPE: Final[dict[str, str]] = {
    "single": "string",
    "text": "string",
    "yes_no": "boolean",
    "number": "number",
    "scale": "number",
    "multi": "list",
}


def _check_compare(node: Compare, questions: Mapping[str, RefInfo]) -> list[ExpressionError]:
    left, right = node.left, node.right
    if node.op in ("in", "not in"):
        return _check_membership(node, questions)
    for ref, other in ((left, right), (right, left)):
        if not isinstance(ref, Ref) or ref.name not in questions:
            continue
        info = questions[ref.name]
        want = _KIND_TYPE[info.kind]
        if info.kind == "multi":
            return [
                ExpressionError(
                    f"{ref.name!r} is a multi question: test it with 'value' in {ref.name}",
                    node.offset,
                )
            ]
        got = _literal_type(other)
        if isinstance(other, Ref) and other.name in questions:
            got = _KIND_TYPE[questions[other.name].kind]
        if got is not None and got != "null" and got != want:
            return [
                ExpressionError(
                    f"type mismatch: {ref.name!r} is a {info.kind} question ({want}), "
                    f"compared with a {got}",
                    node.offset,
                )
            ]
        if node.op in ("<", "<=", ">", ">=") and want != "number":
            return [ExpressionError(f"{ref.name!r} is not a number; use == or !=", node.offset)]
        if info.kind == "single" and isinstance(other, Literal_) and isinstance(other.value, str):
            return _check_option(ref.name, info, other)
    return []


def _check_option(name: str, info: RefInfo, lit: Literal_) -> list[ExpressionError]:
    if info.options and lit.value not in info.options:
        allowed = ", ".join(sorted(info.options))
        return [
            ExpressionError(f"{lit.value!r} is not an option of {name!r} ({allowed})", lit.offset)
        ]
    return []


def _check_membership(node: Compare, questions: Mapping[str, RefInfo]) -> list[ExpressionError]:
    left, right = node.left, node.right
    if isinstance(right, Ref) and right.name in questions:
        info = questions[right.name]
        if info.kind != "multi":
            return [
                ExpressionError(
                    f"'in {right.name}' needs a multi question, {right.name!r} is {info.kind}",
                    node.offset,
                )
            ]
        if isinstance(left, Literal_) and isinstance(left.value, str):
            return _check_option(right.name, info, left)
        if isinstance(left, Literal_):
            return [ExpressionError(f"options of {right.name!r} are strings", left.offset)]
        return []
    if isinstance(right, ListExpr):
        if isinstance(left, Ref) and left.name in questions:
            info = questions[left.name]
            if info.kind == "multi":
                return [
                    ExpressionError(
                        f"{left.name!r} is a multi question; use 'value' in {left.name}",
                        node.offset,
                    )
                ]
            problems: list[ExpressionError] = []
            for item in right.items:
                fake = Compare("==", left, item, item.offset)
                problems.extend(_check_compare(fake, questions))
            return problems
        return []
    if isinstance(right, Literal_) and not isinstance(right.value, str):
        return [ExpressionError("'in' needs a list or a multi question on its right", node.offset)]
    return []


# --------------------------------------------------------------------------- evaluation


class Scope:
    """What an expression can see while it is evaluated.

    ``values`` maps a question id to its answer: a plain value, :data:`MISSING`
    (the question does not apply), :data:`UNKNOWN` ("don't know", or no answer,
    while the question applies or may apply) or :class:`Maybe` (an answer to a
    question that may or may not apply). Ids not in ``values`` are MISSING.
    ``dont_know`` holds the truth of ``dont_know(q)`` for the ids where it is
    not false. ``scores`` and ``sections`` hold normalised question scores
    (0-1) and section scores (0-100), each a number or an :class:`Interval`;
    ``flags`` the truth of each flag evaluated so far.
    """

    __slots__ = ("dont_know", "flags", "scores", "sections", "values")

    def __init__(
        self,
        values: Mapping[str, Value],
        dont_know: Mapping[str, Truth] | None = None,
        scores: Mapping[str, Value] | None = None,
        sections: Mapping[str, Value] | None = None,
        flags: Mapping[str, Truth] | None = None,
    ) -> None:
        self.values = values
        self.dont_know = dont_know if dont_know is not None else {}
        self.scores = scores if scores is not None else {}
        self.sections = sections if sections is not None else {}
        self.flags = flags if flags is not None else {}


def truth(value: Value) -> Truth:
    """The truth of a value: booleans are themselves; MISSING and None are false."""
    if value is True or value is False:
        return value
    if value is UNKNOWN:
        return UNKNOWN
    if value is MISSING or value is None:
        return False
    if isinstance(value, Maybe):
        return False if truth(value.value) is False else UNKNOWN
    if isinstance(value, Interval):
        if value.lo > 0 or value.hi < 0:
            return True
        return False if value.lo == value.hi == 0 else UNKNOWN
    return bool(value)


def _not(value: Truth) -> Truth:
    return UNKNOWN if value is UNKNOWN else not value


def _compile(node: Node) -> Callable[[Scope], Value]:
    if isinstance(node, Literal_):
        constant = node.value
        return lambda scope: constant
    if isinstance(node, Ref):
        name = node.name
        return lambda scope: scope.values.get(name, MISSING)
    if isinstance(node, Not):
        inner = _compile(node.operand)
        return lambda scope: _not(truth(inner(scope)))
    if isinstance(node, BoolOp):
        parts = tuple(_compile(o) for o in node.operands)
        return _compile_and(parts) if node.op == "and" else _compile_or(parts)
    if isinstance(node, Compare):
        fast = _compile_ref_literal(node)
        if fast is not None:
            return fast
        left, right, op = _compile(node.left), _compile(node.right), node.op
        return lambda scope: compare(op, left(scope), right(scope))
    if isinstance(node, ListExpr):
        items = tuple(_compile(i) for i in node.items)
        return lambda scope: [item(scope) for item in items]
    return _compile_call(node)


def _compile_ref_literal(node: Compare) -> Callable[[Scope], Value] | None:
    """``q == 'x'``, ``q != 'x'`` and ``q in ['x', 'y']`` with a plain answer: one lookup.

    Anything but a plain string answer (MISSING, UNKNOWN, Maybe, or a value of
    another type) goes to :func:`compare`, so the result is always the same.
    """
    left, right, op = node.left, node.right, node.op
    if not isinstance(left, Ref):
        return None
    name = left.name
    if op in ("==", "!=") and isinstance(right, Literal_) and isinstance(right.value, str):
        literal = right.value
        equal = op == "=="

        def eq(scope: Scope) -> Value:
            value = scope.values.get(name, MISSING)
            if type(value) is str:
                return (value == literal) is equal
            return compare(op, value, literal)

        return eq
    if (
        op in ("in", "not in")
        and isinstance(right, ListExpr)
        and all(isinstance(i, Literal_) and isinstance(i.value, str) for i in right.items)
    ):
        items = [i.value for i in right.items if isinstance(i, Literal_)]
        members = frozenset(items)
        inside = op == "in"

        def member(scope: Scope) -> Value:
            value = scope.values.get(name, MISSING)
            if type(value) is str:
                return (value in members) is inside
            return compare(op, value, list(items))

        return member
    return None


def _compile_and(parts: tuple[Callable[[Scope], Value], ...]) -> Callable[[Scope], Value]:
    def run(scope: Scope) -> Value:
        result: Truth = True
        for part in parts:
            t = truth(part(scope))
            if t is False:
                return False
            if t is UNKNOWN:
                result = UNKNOWN
        return result

    return run


def _compile_or(parts: tuple[Callable[[Scope], Value], ...]) -> Callable[[Scope], Value]:
    def run(scope: Scope) -> Value:
        result: Truth = False
        for part in parts:
            t = truth(part(scope))
            if t is True:
                return True
            if t is UNKNOWN:
                result = UNKNOWN
        return result

    return run


def _compile_call(node: Call) -> Callable[[Scope], Value]:
    (arg,) = node.args
    name = node.name
    if name == "section_score":
        sid = str(arg.value) if isinstance(arg, Literal_) else ""
        return lambda scope: scope.sections.get(sid, MISSING)
    if name == "raised":
        fid = str(arg.value) if isinstance(arg, Literal_) else ""
        return lambda scope: scope.flags.get(fid, False)
    if name == "raised_count":
        ids = tuple(
            str(i.value)
            for i in (arg.items if isinstance(arg, ListExpr) else ())
            if isinstance(i, Literal_)
        )
        return lambda scope: _count_raised(scope, ids)
    qid = arg.name if isinstance(arg, Ref) else ""
    if name == "answered":
        return lambda scope: _answered(scope.values.get(qid, MISSING))
    if name == "dont_know":
        return lambda scope: scope.dont_know.get(qid, False)
    if name == "count":
        return lambda scope: _count(scope.values.get(qid, MISSING))
    return lambda scope: scope.scores.get(qid, MISSING)


def _answered(value: Value) -> Truth:
    if value is MISSING or value is UNKNOWN:
        return False
    return UNKNOWN if isinstance(value, Maybe) else True


def _count(value: Value) -> Value:
    if value is MISSING:
        return 0
    if isinstance(value, list):
        return len(value)
    return UNKNOWN


def _count_raised(scope: Scope, ids: tuple[str, ...]) -> Value:
    sure = maybe = 0
    for fid in ids:
        t = scope.flags.get(fid, False)
        if t is True:
            sure += 1
        elif t is UNKNOWN:
            maybe += 1
    return Interval(sure, sure + maybe) if maybe else sure


def compare(op: CompareOp, left: Value, right: Value) -> Truth:
    """Compare two values in three-valued logic (see the module docstring)."""
    if left is MISSING or right is MISSING:
        return False
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, Maybe):
        return False if compare(op, left.value, right) is False else UNKNOWN
    if isinstance(right, Maybe):
        return False if compare(op, left, right.value) is False else UNKNOWN
    if op == "in" or op == "not in":
        inside = _member(left, right)
        return inside if op == "in" else _not(inside)
    if op == "==":
        return _equal(left, right)
    if op == "!=":
        return _not(_equal(left, right))
    lo_l, hi_l = _bounds(left)
    lo_r, hi_r = _bounds(right)
    if lo_l is None or lo_r is None or hi_l is None or hi_r is None:
        return False
    if op == "<":
        return True if hi_l < lo_r else (False if lo_l >= hi_r else UNKNOWN)
    if op == "<=":
        return True if hi_l <= lo_r else (False if lo_l > hi_r else UNKNOWN)
    if op == ">":
        return True if lo_l > hi_r else (False if hi_l <= lo_r else UNKNOWN)
    return True if lo_l >= hi_r else (False if hi_l < lo_r else UNKNOWN)


def _bounds(value: Value) -> tuple[float | None, float | None]:
    if isinstance(value, Interval):
        return value.lo, value.hi
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), float(value)
    return None, None


def _equal(left: Value, right: Value) -> Truth:
    if isinstance(left, Interval) or isinstance(right, Interval):
        lo_l, hi_l = _bounds(left)
        lo_r, hi_r = _bounds(right)
        if lo_l is None or lo_r is None or hi_l is None or hi_r is None:
            return False
        if hi_l < lo_r or hi_r < lo_l:
            return False
        return True if lo_l == hi_l == lo_r == hi_r else UNKNOWN
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left == right


def _member(item: Value, container: Value) -> Truth:
    if not isinstance(container, list):
        return False
    result: Truth = False
    for element in container:
        if element is MISSING:
            continue
        t = compare("==", item, element)
        if t is True:
            return True
        if t is UNKNOWN:
            result = UNKNOWN
    return result


__all__ = [
    "FLAG_FUNCTIONS",
    "FUNCTIONS",
    "MISSING",
    "SCORE_FUNCTIONS",
    "UNKNOWN",
    "Expression",
    "ExpressionError",
    "Interval",
    "Maybe",
    "RefInfo",
    "Scope",
    "Truth",
    "Value",
    "check",
    "compare",
    "parse",
    "truth",
    "walk",
]

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

A question id evaluates to its answer. An answer that is missing, "don't
know" or not applicable is :data:`MISSING`: every comparison with it is false,
and it is falsy. Use ``answered(q)`` to ask explicitly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

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
}
#: Functions that depend on scores, so are not allowed in a question's ``when:``.
SCORE_FUNCTIONS: Final = frozenset({"score", "section_score"})


class ExpressionError(ValueError):
    """A syntax or type error in an expression; ``offset`` is 0-based into the text."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Missing:
    """The value of an unanswered, "don't know" or not-applicable question."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

Value = bool | int | float | str | None | list["Value"] | _Missing


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
    """A parsed expression with the question ids it reads."""

    source: str
    tree: Node
    refs: frozenset[str] = field(default_factory=frozenset)
    functions: frozenset[str] = field(default_factory=frozenset)

    def evaluate(self, env: Environment) -> bool:
        return _truthy(_eval(self.tree, env))


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
    refs = frozenset(n.name for n in nodes if isinstance(n, Ref))
    functions = frozenset(n.name for n in nodes if isinstance(n, Call))
    return Expression(source, tree, refs, functions)


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
) -> list[ExpressionError]:
    """Type-check ``expr`` against the questions it may read; return every problem."""
    problems: list[ExpressionError] = []
    for node in _walk(expr.tree):
        if isinstance(node, Ref) and node.name not in questions:
            problems.append(ExpressionError(f"unknown question id {node.name!r}", node.offset))
        elif isinstance(node, Call):
            problems.extend(_check_call(node, questions, sections, allow_scores))
        elif isinstance(node, Compare):
            problems.extend(_check_compare(node, questions))
    return problems


def _check_call(
    node: Call, questions: Mapping[str, RefInfo], sections: frozenset[str], allow_scores: bool
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
            return [ExpressionError(f"unknown section id {arg.value!r}", arg.offset)]
        return []
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
        return "boolean" if node.name in ("answered", "dont_know") else "number"
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


class Environment:
    """What an expression can see: answers, and optionally scores.

    ``answers`` maps a question id to its value; absent ids, "don't know"
    and not-applicable questions must be absent (or :data:`MISSING`).
    ``dont_know`` holds the ids answered "don't know".
    """

    __slots__ = ("answers", "dont_know", "question_scores", "section_scores")

    def __init__(
        self,
        answers: Mapping[str, Value],
        dont_know: frozenset[str] | set[str] = frozenset(),
        question_scores: Mapping[str, float] | None = None,
        section_scores: Mapping[str, float] | None = None,
    ) -> None:
        self.answers = answers
        self.dont_know = dont_know
        self.question_scores = question_scores or {}
        self.section_scores = section_scores or {}


def _truthy(value: Value) -> bool:
    if value is MISSING or value is None:
        return False
    return bool(value)


def _eval(node: Node, env: Environment) -> Value:
    if isinstance(node, Literal_):
        return node.value
    if isinstance(node, Ref):
        return env.answers.get(node.name, MISSING)
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(_truthy(_eval(o, env)) for o in node.operands)
        return any(_truthy(_eval(o, env)) for o in node.operands)
    if isinstance(node, Not):
        return not _truthy(_eval(node.operand, env))
    if isinstance(node, Compare):
        return _compare(node.op, _eval(node.left, env), _eval(node.right, env))
    if isinstance(node, ListExpr):
        return [_eval(i, env) for i in node.items]
    return _call(node, env)


def _call(node: Call, env: Environment) -> Value:
    (arg,) = node.args
    if node.name == "section_score":
        sid = arg.value if isinstance(arg, Literal_) else None
        return env.section_scores.get(str(sid), MISSING)
    name = arg.name if isinstance(arg, Ref) else ""
    if node.name == "answered":
        return env.answers.get(name, MISSING) is not MISSING
    if node.name == "dont_know":
        return name in env.dont_know
    if node.name == "count":
        value = env.answers.get(name, MISSING)
        return len(value) if isinstance(value, list) else 0
    return env.question_scores.get(name, MISSING)


def _compare(op: CompareOp, left: Value, right: Value) -> bool:
    if left is MISSING or right is MISSING:
        return False
    if op in ("in", "not in"):
        inside = isinstance(right, list) and left in right
        return inside if op == "in" else not inside
    if op == "==":
        return _same(left, right)
    if op == "!=":
        return not _same(left, right)
    if not _is_number(left) or not _is_number(right):
        return False
    lnum = float(left)  # type: ignore[arg-type]
    rnum = float(right)  # type: ignore[arg-type]
    if op == "<":
        return lnum < rnum
    if op == "<=":
        return lnum <= rnum
    if op == ">":
        return lnum > rnum
    return lnum >= rnum


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(left: Value, right: Value) -> bool:
    if isinstance(left, bool) != isinstance(right, bool):
        return False
    return left == right

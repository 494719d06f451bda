"""The condition language: parsing, type checks and evaluation (docs/expressions.md)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutual_detector.model.expr import (
    MAX_DEPTH,
    MAX_EXPRESSION_LENGTH,
    MISSING,
    UNKNOWN,
    ExpressionError,
    Interval,
    Maybe,
    RefInfo,
    Scope,
    check,
    compare,
    parse,
)

QUESTIONS = {
    "appetite": RefInfo("single", frozenset({"most", "some", "few"})),
    "unions": RefInfo("yes_no"),
    "turnover": RefInfo("number"),
    "readiness": RefInfo("scale"),
    "members": RefInfo("multi", frozenset({"staff", "users", "community"})),
    "notes": RefInfo("text"),
}
SECTIONS = frozenset({"staff", "money"})


def truth(source: str, answers: dict[str, object] | None = None, **scope: object) -> object:
    """True, False or UNKNOWN."""
    return parse(source).truth(Scope(answers or {}, **scope))  # type: ignore[arg-type]


def holds(source: str, answers: dict[str, object] | None = None, **scope: object) -> bool:
    return truth(source, answers, **scope) is True


def problems(source: str, **kwargs: bool) -> list[tuple[str, int]]:
    return [(e.message, e.offset) for e in check(parse(source), QUESTIONS, SECTIONS, **kwargs)]


def error(source: str) -> tuple[str, int]:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    return info.value.message, info.value.offset


class TestEvaluate:
    def test_comparisons(self) -> None:
        answers = {"appetite": "most", "turnover": 12, "unions": True}
        assert holds("appetite == 'most'", answers)
        assert holds('appetite != "few"', answers)
        assert holds("turnover < 25 and turnover >= 12", answers)
        assert not holds("turnover > 12", answers)
        assert holds("unions", answers)
        assert holds("unions == true", answers)

    def test_precedence_not_and_or(self) -> None:
        """``not`` binds tighter than ``and``, which binds tighter than ``or``."""
        answers = {"unions": False, "appetite": "few"}
        assert holds("appetite == 'most' and unions or not unions", answers)
        assert not holds("appetite == 'most' and (unions or not unions)", answers)
        assert holds("not unions and appetite == 'few'", answers)

    def test_membership(self) -> None:
        answers = {"appetite": "some", "members": ["staff", "users"]}
        assert holds("appetite in ['most', 'some']", answers)
        assert holds("appetite not in ['few']", answers)
        assert holds("'staff' in members", answers)
        assert holds("'community' not in members", answers)

    def test_not_applicable_makes_every_comparison_false(self) -> None:
        """A question that does not apply is MISSING: every comparison with it is false."""
        for source in ("turnover < 10", "turnover >= 10", "appetite == 'x'", "appetite != 'x'"):
            assert truth(source, {}) is False
        assert truth("'staff' in members", {}) is False
        assert truth("'staff' not in members", {}) is False
        assert truth("not unions", {}) is True  # MISSING is falsy, so `not` of it holds

    def test_unknown_answers_are_unknown_not_false(self) -> None:
        """A "don't know" answer makes a comparison unknown, and `not` keeps it unknown."""
        unknown = {"appetite": UNKNOWN, "unions": UNKNOWN, "turnover": UNKNOWN, "members": UNKNOWN}
        for source in (
            "appetite == 'most'",
            "appetite != 'most'",
            "appetite in ['most', 'some']",
            "appetite not in ['few']",
            "turnover < 10",
            "unions",
            "not unions",
            "'staff' in members",
            "count(members) > 1",
        ):
            assert truth(source, unknown) is UNKNOWN, source

    def test_kleene_and_or(self) -> None:
        """false and unknown is false; true or unknown is true; the rest stays unknown."""
        answers = {"appetite": "most", "unions": UNKNOWN}
        assert truth("appetite == 'few' and unions", answers) is False
        assert truth("appetite == 'most' or unions", answers) is True
        assert truth("appetite == 'most' and unions", answers) is UNKNOWN
        assert truth("appetite == 'few' or unions", answers) is UNKNOWN
        assert truth("not (appetite == 'few' or unions)", answers) is UNKNOWN

    def test_maybe_applies(self) -> None:
        """An answer to a question that may not apply: false if it fails, else unknown."""
        answers = {"appetite": Maybe("most")}
        assert truth("appetite == 'most'", answers) is UNKNOWN
        assert truth("appetite == 'few'", answers) is False
        assert truth("answered(appetite)", answers) is UNKNOWN

    def test_intervals(self) -> None:
        """A range is compared as a whole: decided only if it lies on one side."""
        sections = {"staff": Interval(30.0, 50.0)}
        assert truth("section_score('staff') < 60", sections=sections) is True
        assert truth("section_score('staff') < 40", sections=sections) is UNKNOWN
        assert truth("section_score('staff') >= 30", sections=sections) is True
        assert truth("section_score('staff') > 50", sections=sections) is False
        assert truth("section_score('staff') == 70", sections=sections) is False
        assert compare("==", Interval(2.0, 2.0), 2) is True

    def test_flags(self) -> None:
        flags = {"a": True, "b": UNKNOWN, "c": False}
        assert truth("raised('a')", flags=flags) is True
        assert truth("raised('b')", flags=flags) is UNKNOWN
        assert truth("raised_count(['a', 'b', 'c']) >= 1", flags=flags) is True
        assert truth("raised_count(['a', 'b', 'c']) >= 2", flags=flags) is UNKNOWN
        assert truth("raised_count(['a', 'b', 'c']) >= 3", flags=flags) is False
        assert truth("raised('nope')", flags=flags) is False

    def test_functions(self) -> None:
        answers = {"members": ["staff", "users"], "appetite": "most", "unions": UNKNOWN}
        dont_know = {"unions": True}
        assert holds("answered(appetite)", answers)
        assert truth("answered(unions)", answers, dont_know=dont_know) is False
        assert holds("dont_know(unions)", answers, dont_know=dont_know)
        assert holds("count(members) == 2", answers)
        assert holds("count(members) == 0", {})
        assert holds(
            "score(appetite) > 0.5 and section_score('staff') >= 70",
            answers,
            scores={"appetite": 1.0},
            sections={"staff": 75.0},
        )
        assert truth("score(unions) >= 0", answers) is False

    def test_booleans_are_not_numbers(self) -> None:
        assert not holds("unions == 1", {"unions": True})
        assert not holds("turnover == true", {"turnover": 1})

    def test_numbers(self) -> None:
        assert holds("turnover == 12.0", {"turnover": 12})
        assert holds("turnover > -1.5e2", {"turnover": 0})
        assert truth("'a' < 2", {}) is False


class TestParseErrors:
    @pytest.mark.parametrize(
        ("source", "message", "offset"),
        [
            ("a == = 1", "unexpected character '='", 5),
            ("a ==", "expected a value, found end of expression", 4),
            ("(a == 1", "expected ')', found end of expression", 7),
            ("a == 1 b", "unexpected 'b'", 7),
            ("1 < a < 3", "chained comparisons are not allowed; join them with 'and'", 6),
            ("count(a, b)", "count() takes exactly one argument", 0),
            ("a @ b", "unexpected character '@'", 2),
            ("   ", "empty expression", 0),
        ],
    )
    def test_message_and_offset(self, source: str, message: str, offset: int) -> None:
        assert error(source) == (message, offset)

    def test_unknown_function_lists_the_known_ones(self) -> None:
        message, offset = error("x and answerd(q)")
        assert offset == 6
        assert message.startswith("unknown function 'answerd' (known: answered, count,")

    def test_nothing_python_gets_through(self) -> None:
        """Attribute access, calls of unknown names and dunders are syntax errors, never run."""
        for source in ("__import__('os')", "a.b", "a[0]", "lambda: 1", "a if b else c", "x; y"):
            with pytest.raises(ExpressionError):
                parse(source)

    def test_bounds(self) -> None:
        assert error("a" * (MAX_EXPRESSION_LENGTH + 1))[0].startswith("expression longer than")
        assert "nested deeper" in error("(" * (MAX_DEPTH + 2) + "a" + ")" * (MAX_DEPTH + 2))[0]
        assert "nested deeper" in error("not " * (MAX_DEPTH + 2) + "a")[0]
        assert error("a == " + "9" * 40)[0].startswith("number literal longer than")
        assert error("a in [" + ", ".join(["1"] * 250) + "]")[0].startswith("more than")


class TestTypeCheck:
    def test_well_typed(self) -> None:
        good = [
            "appetite == 'most' and unions",
            "turnover < 10 or readiness >= 3",
            "'staff' in members and count(members) > 1",
            "appetite in ['most', 'some']",
            "answered(notes) and notes != ''",
        ]
        for source in good:
            assert problems(source) == [], source

    @pytest.mark.parametrize(
        ("source", "message", "offset"),
        [
            ("nope == 1", "unknown question id 'nope'", 0),
            ("appetite == 'all'", "'all' is not an option of 'appetite' (few, most, some)", 12),
            (
                "unions == 'yes'",
                "type mismatch: 'unions' is a yes_no question (boolean), compared with a string",
                7,
            ),
            (
                "appetite < 3",
                "type mismatch: 'appetite' is a single question (string), compared with a number",
                9,
            ),
            ("notes > 'a'", "'notes' is not a number; use == or !=", 6),
            (
                "members == 'staff'",
                "'members' is a multi question: test it with 'value' in members",
                8,
            ),
            ("'x' in unions", "'in unions' needs a multi question, 'unions' is yes_no", 4),
            (
                "'bosses' in members",
                "'bosses' is not an option of 'members' (community, staff, users)",
                0,
            ),
            ("count(appetite) > 1", "count() needs a multi question, 'appetite' is single", 0),
            ("section_score('nope') > 1", "unknown section id 'nope'", 14),
            (
                "appetite in ['most', 'all']",
                "'all' is not an option of 'appetite' (few, most, some)",
                21,
            ),
        ],
    )
    def test_problems(self, source: str, message: str, offset: int) -> None:
        assert problems(source) == [(message, offset)]

    def test_scores_are_not_available_to_questions(self) -> None:
        assert problems("score(appetite) > 0", allow_scores=False) == [
            ("score() is not available in a question's when:", 0)
        ]

    def test_refs_and_functions_are_recorded(self) -> None:
        expr = parse("answered(unions) and appetite == 'most' or 'staff' in members")
        assert expr.refs == {"unions", "appetite", "members"}
        assert expr.functions == {"answered"}


# --------------------------------------------------------------------------- properties

TOKENS = st.sampled_from(
    [
        "appetite", "unions", "turnover", "members", "and", "or", "not", "in", "==", "!=", "<",
        ">=", "(", ")", "[", "]", ",", "'most'", '"x"', "1", "-2.5", "true", "null",
        "answered(", "count(", "@", "'", "\\",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(tokens=st.lists(TOKENS, max_size=25), spaces=st.booleans())
def test_parse_either_succeeds_or_points_inside_the_text(tokens: list[str], spaces: bool) -> None:
    """Any text either parses or fails with an ExpressionError whose offset is within it."""
    source = (" " if spaces else "").join(tokens)
    try:
        expr = parse(source)
    except ExpressionError as exc:
        offsets = [exc.offset]
    else:
        offsets = [problem.offset for problem in check(expr, QUESTIONS, SECTIONS)]
    for offset in offsets:
        assert 0 <= offset <= len(source)


ANSWER = st.one_of(
    st.sampled_from(["most", "some", "few", "", "x"]),
    st.booleans(),
    st.integers(-5, 200),
    st.floats(-10, 10, allow_nan=False),
    st.lists(st.sampled_from(["staff", "users", "community"]), unique=True),
    st.just(MISSING),
)


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(TOKENS, min_size=1, max_size=20),
    answers=st.dictionaries(st.sampled_from(list(QUESTIONS)), ANSWER),
)
def test_evaluation_is_total(tokens: list[str], answers: dict[str, object]) -> None:
    """Whatever the answers (even of the wrong type), an expression is true, false or unknown."""
    try:
        expr = parse(" ".join(tokens))
    except ExpressionError:
        return
    scope = Scope(answers, {}, {"appetite": Interval(0.0, 1.0)}, {"staff": 50.0})  # type: ignore[arg-type]
    assert expr.truth(scope) in (True, False, UNKNOWN)


KNOWN = st.one_of(
    st.sampled_from(["most", "some", "few"]),
    st.booleans(),
    st.integers(-5, 200),
    st.lists(st.sampled_from(["staff", "users", "community"]), unique=True),
)


@settings(max_examples=300, deadline=None)
@given(
    tokens=st.lists(TOKENS, min_size=1, max_size=20),
    answers=st.dictionaries(st.sampled_from(list(QUESTIONS)), KNOWN),
    hidden=st.sets(st.sampled_from(list(QUESTIONS))),
)
def test_unknown_is_sound(tokens: list[str], answers: dict[str, object], hidden: set[str]) -> None:
    """Hiding answers never changes a decided truth: true stays true, false stays false.

    Kleene's logic is monotone: an expression decided while some answers are
    unknown has the same truth value whatever those answers turn out to be.
    (``answered()`` and ``dont_know()`` are facts about the answers themselves,
    so they are left out.)
    """
    try:
        expr = parse(" ".join(tokens))
    except ExpressionError:
        return
    if expr.functions & {"answered", "dont_know"}:
        return
    full = expr.truth(Scope(answers))  # type: ignore[arg-type]
    partial = expr.truth(Scope({k: (UNKNOWN if k in hidden else v) for k, v in answers.items()}))
    if partial is not UNKNOWN:
        assert partial is full

"""The engine builds results without validating them: prove nothing is lost by it.

:func:`mutual_detector.engine.construct.make` trusts the engine to give every
field, in declaration order, with its declared type and a list of its own.
These tests check that trust on every example, every snapshot and generated
answers: each result must equal the same result validated from its dump, field
by field (types included, so a 2 where 2.0 belongs cannot hide) and byte for
byte as JSON. The engine's fast answers digest and conditions are checked
against the reference implementations the same way.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mutual_detector.engine import assess
from mutual_detector.engine.build import answers_sha256
from mutual_detector.engine.fastexpr import compile_expression
from mutual_detector.errors import InputError
from mutual_detector.loading import get_questionnaire, load_questionnaire
from mutual_detector.model.answers import AnswersFile, Metadata
from mutual_detector.model.expr import MISSING, Environment, ExpressionError, parse
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result
from mutual_detector.render.json import render_json
from test_engine_properties import SETTINGS, cases, messy_cases
from trees import same_tree

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots" / "engine"
TS = "2026-11-25T09:00:00Z"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _inputs() -> Iterator[tuple[str, Questionnaire, AnswersFile]]:
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if path.name == "expected.yaml":
            continue
        data = _load(path)
        q = get_questionnaire(data["questionnaire"]).questionnaire
        yield path.stem, q, AnswersFile.model_validate(data)
    snap_q = load_questionnaire(SNAPSHOTS / "questionnaire.yaml").questionnaire
    for path in sorted((SNAPSHOTS / "answers").glob("*.yaml")):
        yield f"snapshot-{path.stem}", snap_q, AnswersFile.model_validate(_load(path))
    mini = load_questionnaire(ROOT / "tests" / "assets" / "mini.yaml").questionnaire
    answers = AnswersFile.model_validate(_load(ROOT / "tests" / "assets" / "mini-answers.yaml"))
    yield "mini", mini, answers


INPUTS = list(_inputs())
assert len(INPUTS) >= 10, [name for name, _, _ in INPUTS]


def _containers(node: Any, out: list[object]) -> list[object]:
    """Every model and list in a result tree, but the metadata (the answers' own object)."""
    if isinstance(node, Metadata):
        return out
    if isinstance(node, pydantic.BaseModel):
        out.append(node)
        for value in node.__dict__.values():
            _containers(value, out)
    elif isinstance(node, list):
        out.append(node)
        for value in node:
            _containers(value, out)
    return out


def check_result(result: Result, answers: AnswersFile) -> None:
    """The constructed ``result`` is what validation would have built, and owns its parts."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic warns when a value does not fit its field
        dumped = result.model_dump()
        text = render_json(result)
    checked = Result.model_validate(dumped)
    assert checked == result
    same_tree(result, checked, "result", loose_fields_set={"result.metadata"})
    assert render_json(checked) == text
    assert Result.model_validate_json(text) == result
    # No model or list appears twice, and none is shared with the answers given.
    parts = _containers(result, [])
    assert len({id(p) for p in parts}) == len(parts)
    assert result.metadata is answers.metadata
    given = {id(a.value) for a in answers.answers.values() if isinstance(a.value, list)}
    assert not given & {id(p) for p in parts}


class TestConstructedResults:
    @pytest.mark.parametrize(("name", "q", "answers"), INPUTS, ids=[i[0] for i in INPUTS])
    @pytest.mark.parametrize("whatif", [False, True])
    def test_equals_the_validated_result(
        self, name: str, q: Questionnaire, answers: AnswersFile, whatif: bool
    ) -> None:
        check_result(assess(q, answers, whatif=whatif, timestamp=TS), answers)

    @pytest.mark.parametrize(("name", "q", "answers"), INPUTS[:3], ids=[i[0] for i in INPUTS[:3]])
    def test_two_results_share_no_part(
        self, name: str, q: Questionnaire, answers: AnswersFile
    ) -> None:
        """Nothing cached for the questionnaire leaks into a result: each has its own lists."""
        one = _containers(assess(q, answers, timestamp=TS), [])
        two = _containers(assess(q, answers, timestamp=TS), [])
        assert not {id(p) for p in one} & {id(p) for p in two}

    @pytest.mark.parametrize(("name", "q", "answers"), INPUTS[:2], ids=[i[0] for i in INPUTS[:2]])
    def test_copies_and_pickles_like_a_validated_result(
        self, name: str, q: Questionnaire, answers: AnswersFile
    ) -> None:
        result = assess(q, answers, timestamp=TS)
        other = assess(q, answers, timestamp=TS)
        fields = set(other.explanations[0].model_fields_set)
        assert fields == set(type(other.explanations[0]).model_fields)
        changed = result.explanations[0].model_copy(update={"note": "changed"})
        assert changed.note == "changed"
        assert other.explanations[0].model_fields_set == fields  # instances share one set
        assert pickle.loads(pickle.dumps(result)) == result
        assert copy.deepcopy(result) == result
        moved = result.model_copy(update={"timestamp": "2027-01-01T00:00:00Z"})
        assert moved.timestamp == "2027-01-01T00:00:00Z"
        assert result.timestamp == TS
        assert "timestamp" in moved.model_fields_set
        with pytest.raises(pydantic.ValidationError):
            result.timestamp = "x"  # type: ignore[misc]  # frozen, like a validated one

    @SETTINGS
    @given(cases())
    def test_generated_answers(self, case: tuple[Questionnaire, AnswersFile]) -> None:
        q, answers = case
        check_result(assess(q, answers, timestamp=TS), answers)
        check_result(assess(q, answers, whatif=False, timestamp=None), answers)

    @SETTINGS
    @given(messy_cases())
    def test_messy_answers(self, case: tuple[Questionnaire, dict[str, Any]]) -> None:
        """Answers to questions that do not apply, lists, numbers: warnings and all."""
        q, given_ = case
        answers = AnswersFile.model_validate(
            {"format": "mutual-detector/answers@1", "questionnaire": q.id, "answers": given_}
        )
        try:
            result = assess(q, answers, timestamp=TS)
        except InputError:
            return
        check_result(result, answers)


class TestUnusualArguments:
    """Arguments of unexpected types are coerced or refused by validation, as before."""

    def test_a_timestamp_that_is_not_text_is_refused(self) -> None:
        _, q, answers = INPUTS[-1]
        with pytest.raises(pydantic.ValidationError, match="timestamp"):
            assess(q, answers, timestamp=20260101)  # type: ignore[arg-type]

    def test_a_whole_float_budget_is_stored_as_an_integer(self) -> None:
        _, q, answers = INPUTS[-1]
        result = assess(q, answers, whatif_budget=40.0)  # type: ignore[arg-type]
        assert result.what_if is not None
        assert type(result.what_if.budget) is int
        assert result.what_if == assess(q, answers, whatif_budget=40).what_if


# --------------------------------------------------------------------------- answers digest


_text = st.none() | st.text(max_size=30)
_values = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.lists(st.text(max_size=8), max_size=4)
    | st.just("dont_know")
)


@st.composite
def answers_files(draw: st.DrawFn) -> AnswersFile:
    answers = draw(
        st.dictionaries(
            st.text(min_size=1, max_size=12),
            st.fixed_dictionaries({"value": _values}, optional={"note": _text, "evidence": _text}),
            max_size=6,
        )
    )
    metadata = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "service": _text,
                "organisation": _text,
                "assessor": _text,
                "notes": _text,
                "date": st.none() | st.dates(),
            },
        )
    )
    return AnswersFile.model_validate(
        {
            "format": "mutual-detector/answers@1",
            "questionnaire": draw(st.text(min_size=1, max_size=10)),
            "metadata": metadata,
            "answers": answers,
        }
    )


class TestAnswersDigest:
    @pytest.mark.parametrize(("name", "q", "answers"), INPUTS, ids=[i[0] for i in INPUTS])
    def test_examples(self, name: str, q: Questionnaire, answers: AnswersFile) -> None:
        assert answers_sha256(answers) == answers.sha256()

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers_files())
    def test_same_as_the_model(self, answers: AnswersFile) -> None:
        """Any text, any number (floats of every size go to the model's own method)."""
        assert answers_sha256(answers) == answers.sha256()

    @pytest.mark.parametrize(
        "value", [0.0, -0.0, 1e-4, 9.999e-5, 1e16, 9999999999999998.0, 1e300, 5e-324, 0.1, 10**40]
    )
    def test_float_edges(self, value: float) -> None:
        a = AnswersFile.model_validate(
            {"format": "mutual-detector/answers@1", "questionnaire": "q", "answers": {"x": value}}
        )
        assert answers_sha256(a) == a.sha256()


# --------------------------------------------------------------------------- conditions


_REFS = ["a", "b", "n"]
_LITERALS = ["'x'", "'y'", "true", "false", "null", "0", "1", "2.5", "10", "-3"]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    """Conditions of the shapes the engine compiles specially, and others."""
    ref = draw(st.sampled_from(_REFS))
    lit = draw(st.sampled_from(_LITERALS))
    op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
    leaves = [
        f"{ref} {op} {lit}",
        f"{lit} {op} {ref}",
        f"{ref} in ['x', 'y']",
        f"{ref} not in ['x', 'y']",
        f"{ref} in [1, 'x']",
        f"'x' in {ref}",
        f"'x' not in {ref}",
        f"answered({ref})",
        f"dont_know({ref})",
        f"count({ref}) {op} 1",
        f"score({ref}) {op} 0.5",
        f"section_score('s') {op} 50",
        ref,
        lit,
    ]
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(leaves))
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return f"not ({draw(expressions(depth + 1))})"
    parts = draw(st.lists(expressions(depth + 1), min_size=2, max_size=4))
    return f" {kind} ".join(f"({p})" for p in parts)


_ANSWER = st.sampled_from(
    [MISSING, None, True, False, 0, 1, 10, -3, 2.5, 10.0, 10**400, "x", "y", ["x"], ["y", "x"], []]
)


@st.composite
def environments(draw: st.DrawFn) -> Environment:
    answers = {r: v for r in _REFS if (v := draw(_ANSWER)) is not MISSING}
    dont_know = frozenset(r for r in _REFS if r not in answers and draw(st.booleans()))
    scores = {r: draw(st.sampled_from([0.0, 0.5, 1.0])) for r in answers if draw(st.booleans())}
    sections = {"s": draw(st.sampled_from([0.0, 50.0, 99.5]))} if draw(st.booleans()) else {}
    return Environment(answers, dont_know, scores, sections)


class TestCompiledConditions:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(expressions(), st.lists(environments(), min_size=1, max_size=4))
    def test_same_value_as_the_interpreter(self, source: str, envs: list[Environment]) -> None:
        try:
            expr = parse(source)
        except ExpressionError:
            assume(False)
            return
        fn = compile_expression(expr)
        for env in envs:
            try:
                want: Any = expr.evaluate(env)
            except OverflowError:  # a huge integer compared with a float, in both
                with pytest.raises(OverflowError):
                    fn(env)
                continue
            got = fn(env)
            assert type(got) is type(want), (source, env.answers)
            assert got == want, (source, env.answers)

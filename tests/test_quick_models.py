"""Answers built without pydantic's validator (``mutual_detector.quick_models``).

:func:`plain_answers` builds an AnswersFile only when the data plainly needs no
checking; otherwise validation runs as ever. These tests hold it to that: on
every example and on generated data (good and bad), whatever it builds equals
what validation builds, types and fields set included, and it never accepts
what validation refuses.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutual_detector import quick_models
from mutual_detector.errors import InputError
from mutual_detector.loading import load_answers, parse_answers, read_document, validate_model
from mutual_detector.model.answers import Answer, AnswersFile, Metadata
from mutual_detector.quick_models import plain_answers
from trees import same_tree

ROOT = Path(__file__).resolve().parents[1]
ANSWERS_FILES = [
    p
    for p in [
        *sorted((ROOT / "examples").glob("*.yaml")),
        *sorted((ROOT / "tests" / "snapshots" / "engine" / "answers").glob("*.yaml")),
        ROOT / "tests" / "assets" / "mini-answers.yaml",
    ]
    if "mutual-detector/answers@1" in p.read_text(encoding="utf-8")
]
FORMAT = "mutual-detector/answers@1"
SHA = "0123456789abcdef" * 4


def _validated(data: Any) -> AnswersFile | None:
    try:
        return AnswersFile.model_validate(copy.deepcopy(data))
    except pydantic.ValidationError:
        return None


def check(data: Any) -> AnswersFile | None:
    """``plain_answers(data)`` is None or exactly what validation builds; ``data`` is not changed."""
    before = copy.deepcopy(data)
    plain = plain_answers(data)
    assert data == before
    if plain is not None:
        checked = _validated(data)
        assert checked is not None, "accepted what validation refuses"
        assert plain == checked
        same_tree(plain, checked, "answers")
        assert plain.sha256() == checked.sha256()
        if isinstance(data.get("answers"), dict):  # lists are the model's own, as validated ones
            for qid, answer in plain.answers.items():
                given = data["answers"][qid]
                raw = given["value"] if isinstance(given, dict) else given
                assert not isinstance(raw, list) or answer.value is not raw
    return plain


class TestFiles:
    @pytest.mark.parametrize("path", ANSWERS_FILES, ids=lambda p: p.name)
    def test_every_example_is_built_as_validated(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert check(data) is not None

    def test_loading_uses_it_and_falls_back_for_other_text(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(
            f"format: {FORMAT}\nquestionnaire: mini\nmetadata:\n  date: '2 January 2026'\n"
            "answers:\n  q1: 3\n",
            encoding="utf-8",
        )
        doc = read_document(path)
        assert plain_answers(doc.data) is None  # a date in words: for validation to judge
        with pytest.raises(InputError):
            parse_answers(doc)
        path.write_text(path.read_text("utf-8").replace("2 January 2026", "2026-01-02"), "utf-8")
        doc = read_document(path)
        loaded = parse_answers(doc)
        assert loaded.answers.metadata.date == dt.date(2026, 1, 2)
        assert loaded.answers == AnswersFile.model_validate(doc.data)

    def test_a_bad_file_is_still_reported_where_it_is_wrong(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(
            f"format: {FORMAT}\nquestionnaire: mini\nanswers:\n  q1: {{value: 1, colour: red}}\n",
            encoding="utf-8",
        )
        with pytest.raises(InputError) as caught:
            load_answers(path)
        with pytest.raises(InputError) as validated:
            validate_model(read_document(path), AnswersFile)
        assert caught.value.findings == validated.value.findings
        f = caught.value.findings[0]
        assert (f.rule, f.line) == ("E010", 4)
        assert "colour" in f.one_line()


# --------------------------------------------------------------------------- edges

BASE: dict[str, Any] = {
    "format": FORMAT,
    "questionnaire": "mini",
    "metadata": {"service": "Libraries", "date": dt.date(2026, 1, 2)},
    "answers": {"q1": 3, "q2": {"value": ["a", "b"], "note": "n"}},
}


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return data


BUILT, DECLINED = True, False
EDGES = [
    (("answers", "q1"), math.nan, DECLINED),
    (("answers", "q1"), math.inf, DECLINED),
    (("answers", "q1"), -math.inf, DECLINED),
    (("answers", "q1"), {"value": math.nan}, DECLINED),
    (("answers", "q1"), -1.5, BUILT),
    (("answers", "q1"), 2**62, BUILT),
    (("answers", "q1"), 2**70, DECLINED),  # validation keeps it; left to it all the same
    (("answers", "q1"), True, BUILT),
    (("answers", "q1"), None, BUILT),
    (("answers", "q1"), ["a", 1], DECLINED),
    (("answers", "q1"), ("a",), DECLINED),  # validation makes it a list
    (("answers", "q1"), {"note": "no value"}, DECLINED),
    (("answers", "q1"), {"value": 1, "note": "x" * 10_000}, BUILT),
    (("answers", "q1"), {"value": 1, "note": "x" * 10_001}, DECLINED),
    (("answers", "q1"), {"value": 1, "evidence": "x" * 10_001}, DECLINED),
    (("answers", "q1"), {"value": 1, "evidence": 5}, DECLINED),
    (("answers", "q1"), {"value": 1, "colour": "red"}, DECLINED),
    (("metadata", "service"), "x" * 500, BUILT),
    (("metadata", "service"), "x" * 501, DECLINED),
    (("metadata", "notes"), "x" * 20_000, BUILT),
    (("metadata", "notes"), "x" * 20_001, DECLINED),
    (("metadata", "date"), "2026-01-02", BUILT),  # read as validation reads it
    (("metadata", "date"), "2026-02-30", DECLINED),  # validation words the error
    (("metadata", "date"), "2 January 2026", DECLINED),
    (("metadata", "date"), "２０２６-01-02", DECLINED),  # digits of another script
    (("metadata", "date"), dt.datetime(2026, 1, 2, 10, 30), DECLINED),
    (("metadata", "colour"), "red", DECLINED),
    (("questionnaire_sha256",), SHA, BUILT),
    (("questionnaire_sha256",), SHA + "\n", DECLINED),
    (("questionnaire_sha256",), SHA.upper(), DECLINED),
    (("questionnaire_version",), 1.0, DECLINED),
    (("status",), "draft", BUILT),
    (("status",), "Draft", DECLINED),
    (("questionnaire",), 7, DECLINED),
    (("colour",), "red", DECLINED),
]


class TestEdges:
    @pytest.mark.parametrize(
        ("path", "value", "built"), EDGES, ids=[repr(e[:2])[:40] for e in EDGES]
    )
    def test_built_only_when_plain(self, path: tuple[str, ...], value: Any, built: bool) -> None:
        data = _with(path, value)
        assert (check(data) is not None) is built

    def test_an_integer_key_is_declined(self) -> None:
        data = copy.deepcopy(BASE)
        data["answers"][1] = 3
        assert check(data) is None


# --------------------------------------------------------------------------- generated data


def _text(limit: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=8),
        st.integers(limit - 2, limit + 2).map(lambda n: "x" * n),
    )


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["dont_know", "yes", "most"]),
    st.lists(st.text(max_size=4), max_size=3),
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.tuples(st.text(max_size=2)),
    st.dates(),
)


@st.composite
def _answer(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(_values)
    item: dict[Any, Any] = {}
    if draw(st.integers(0, 9)):
        item["value"] = draw(_values)
    for key in ("note", "evidence"):
        if draw(st.booleans()):
            item[key] = draw(st.one_of(st.none(), _text(10_000), st.integers()))
    if not draw(st.integers(0, 9)):
        item[draw(st.sampled_from(["colour", 1]))] = "x"
    return item


@st.composite
def _metadata(draw: st.DrawFn) -> Any:
    if not draw(st.integers(0, 9)):
        return draw(st.sampled_from([None, "x", [], 3]))
    limits = {"service": 500, "organisation": 500, "assessor": 500, "notes": 20_000}
    out: dict[Any, Any] = {}
    for key, limit in limits.items():
        if draw(st.booleans()):
            out[key] = draw(st.one_of(st.none(), _text(limit), st.integers(), st.booleans()))
    if draw(st.booleans()):
        out["date"] = draw(
            st.one_of(
                st.none(),
                st.dates(),
                st.datetimes(),
                st.sampled_from(["2026-01-02", "not a date", ""]),
                st.integers(0, 3),
            )
        )
    if not draw(st.integers(0, 9)):
        out["extra"] = "x"
    return out


@st.composite
def answers_data(draw: st.DrawFn) -> dict[Any, Any]:
    data: dict[Any, Any] = {
        "format": draw(st.sampled_from([FORMAT] * 8 + ["mutual-detector/answers@2", None])),
        "questionnaire": draw(
            st.one_of(st.sampled_from(["mini", "mutual-detector"]), st.integers())
        ),
    }
    if not draw(st.integers(0, 19)):
        del data[draw(st.sampled_from(["format", "questionnaire"]))]
    if draw(st.booleans()):
        data["questionnaire_version"] = draw(st.one_of(st.none(), st.text(max_size=5), st.floats()))
    if draw(st.booleans()):
        data["questionnaire_sha256"] = draw(
            st.sampled_from([None, SHA, SHA.upper(), SHA[:-1], SHA + "\n", SHA + "0", 12])
        )
    if draw(st.booleans()):
        data["status"] = draw(st.sampled_from(["complete", "draft", "Draft", None, 1]))
    if draw(st.booleans()):
        data["metadata"] = draw(_metadata())
    if draw(st.integers(0, 9)):
        keys = st.one_of(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.integers(0, 3))
        data["answers"] = draw(st.dictionaries(keys, _answer(), max_size=6))
    elif draw(st.booleans()):
        data["answers"] = draw(st.sampled_from([None, [], "x"]))
    if not draw(st.integers(0, 19)):
        data["unknown"] = 1
    return data


class TestGenerated:
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers_data())
    def test_same_as_validation_or_declined(self, data: dict[Any, Any]) -> None:
        check(data)

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(
            st.from_regex(r"[a-z]{1,6}", fullmatch=True),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(-(2**62), 2**62),
                st.floats(allow_nan=False, allow_infinity=False),
                st.text(max_size=10),
                st.lists(st.text(max_size=5), max_size=4),
            ),
            max_size=10,
        )
    )
    def test_plain_answers_are_built(self, answers: dict[str, Any]) -> None:
        data = {"format": FORMAT, "questionnaire": "mini", "answers": answers}
        plain = check(data)
        assert plain is not None
        for qid, value in answers.items():
            got = plain.answers[qid].value
            assert type(got) is type(value)
            assert got == value or (isinstance(value, float) and math.isnan(value))


class TestModelsAsKnown:
    """A change to the answers models turns the quick path off until this module follows it."""

    @pytest.fixture(autouse=True)
    def _forget(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(quick_models, "_known", [])

    def test_limits_are_read_from_the_models(self, monkeypatch: pytest.MonkeyPatch) -> None:
        info = copy.copy(Metadata.model_fields["notes"])
        from annotated_types import MaxLen

        info.metadata = [MaxLen(3)]
        monkeypatch.setitem(Metadata.__pydantic_fields__, "notes", info)
        data = {"format": FORMAT, "questionnaire": "mini", "metadata": {"notes": "four"}}
        assert plain_answers(data) is None
        data["metadata"]["notes"] = "abc"
        assert plain_answers(data) is not None

    def test_a_new_validator_turns_it_off(self, monkeypatch: pytest.MonkeyPatch) -> None:
        decorators = copy.copy(Answer.__pydantic_decorators__)
        decorators.field_validators = {**decorators.field_validators, "_more": object()}  # type: ignore[dict-item]
        monkeypatch.setattr(Answer, "__pydantic_decorators__", decorators)
        assert plain_answers({"format": FORMAT, "questionnaire": "mini"}) is None

    def test_another_type_turns_it_off(self, monkeypatch: pytest.MonkeyPatch) -> None:
        info = copy.copy(AnswersFile.model_fields["questionnaire_version"])
        info.annotation = int | None
        monkeypatch.setitem(AnswersFile.__pydantic_fields__, "questionnaire_version", info)
        assert plain_answers({"format": FORMAT, "questionnaire": "mini"}) is None

    def test_as_they_are_it_is_on(self) -> None:
        assert quick_models._limits() is not None


def test_a_quoted_iso_date_is_read_as_validation_reads_it() -> None:
    """``date: '2026-11-25'`` (quoted in YAML, or from JSON) needs no validator either."""
    from mutual_detector.model.answers import AnswersFile
    from mutual_detector.quick_models import plain_answers

    base = {"format": "mutual-detector/answers@1", "questionnaire": "q", "answers": {"a": 1}}
    data = {**base, "metadata": {"service": "S", "date": "2026-11-25"}}
    quick = plain_answers(data)
    assert quick is not None
    assert quick == AnswersFile.model_validate(data)
    assert quick.metadata.model_fields_set == {"service", "date"}
    for text in ("2026-02-30", "2026-1-5", "25/11/2026", "2026-11-25T10:00"):
        assert plain_answers({**base, "metadata": {"date": text}}) is None, text

"""``schema answers --questionnaire``: a schema that knows the questionnaire's ids and options (#17).

An editor given it completes question ids and option values and flags a wrong
one; these tests check, with the ``jsonschema`` package, that every shipped
example and the blank template are accepted and that wrong answers are not.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.loading import read_document

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"
VALIDATORS: dict[str, type[Any]] = {
    "2020-12": jsonschema.Draft202012Validator,
    "7": jsonschema.Draft7Validator,
}


def _as_editor_sees_it(path: Path) -> Any:
    """The file's data as JSON (dates become text, as in YAML 1.2 editors)."""
    return json.loads(json.dumps(read_document(path).data, default=str))


def _schema(runner: CliRunner, questionnaire: str, draft: str) -> Any:
    result = runner.invoke(
        app, ["schema", "answers", "--questionnaire", questionnaire, "--draft", draft]
    )
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    VALIDATORS[draft].check_schema(schema)
    return schema


@pytest.fixture(scope="module", params=sorted(VALIDATORS))
def builtin(request: pytest.FixtureRequest) -> Any:
    draft = request.param
    schema = _schema(CliRunner(), "mutual-detector", draft)
    cls = VALIDATORS[draft]
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _examples() -> list[Path]:
    return [
        p for p in sorted((ROOT / "examples").glob("*.yaml")) if read_document(p).kind == "answers"
    ]


def _errors(validator: Any, data: Any) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


class TestBuiltinQuestionnaire:
    def test_every_example_validates(self, builtin: Any) -> None:
        examples = _examples()
        assert len(examples) >= 20
        for path in examples:
            assert _errors(builtin, _as_editor_sees_it(path)) == [], path.name

    def test_the_blank_template_validates(self, builtin: Any, tmp_path: Path) -> None:
        blank = tmp_path / "blank.yaml"
        result = CliRunner().invoke(app, ["template", "-o", str(blank)])
        assert result.exit_code == 0, result.output
        assert _errors(builtin, _as_editor_sees_it(blank)) == []

    def test_each_question_is_a_property_with_its_prompt(self) -> None:
        from mutual_detector.loading import get_questionnaire

        q = get_questionnaire("mutual-detector").questionnaire
        schema = _schema(CliRunner(), "mutual-detector", "2020-12")
        answers = schema["properties"]["answers"]
        assert answers["additionalProperties"] is False
        for question in q.ordered_questions:
            prop = answers["properties"][question.id]
            assert prop["description"].startswith(str(question.prompt))
        assert schema["properties"]["questionnaire"]["const"] == "mutual-detector"

    @pytest.mark.parametrize(
        ("qid", "value"),
        [
            ("el_stage", "nonsense"),  # single: not an option
            ("el_stage", "dont_know"),  # this question does not allow "don't know"
            ("el_parent", ["council", "nope"]),  # multi: one not an option
            ("el_parent", "council"),  # multi: not a list
            ("el_social_purpose", "maybe"),  # yes_no
            ("su_problem_clear", 9),  # scale: out of range
            ("su_staff_count", "notanumber"),  # number
            ("el_stage", {"value": "nonsense", "note": "with a note"}),
            ("staff_appetite", "most"),  # not a question (1.0.0's id)
        ],
    )
    def test_a_wrong_answer_fails(self, builtin: Any, qid: str, value: Any) -> None:
        data = _as_editor_sees_it(ROOT / "examples" / "strong-community-health.yaml")
        data["answers"][qid] = value
        assert _errors(builtin, data)

    @pytest.mark.parametrize(
        ("qid", "value"),
        [
            ("el_function", "dont_know"),
            ("el_parent", ["council", "nhs"]),
            ("el_social_purpose", True),
            ("el_social_purpose", "yes"),  # YAML 1.1 spelling, as an editor reads it
            ("su_problem_clear", 4),
            ("el_stage", None),
            ("el_stage", {"value": "explore", "note": "n", "evidence": "e"}),
        ],
    )
    def test_a_right_answer_passes(self, builtin: Any, qid: str, value: Any) -> None:
        data = _as_editor_sees_it(ROOT / "examples" / "strong-community-health.yaml")
        data["answers"][qid] = value
        assert _errors(builtin, data) == []


class TestCommand:
    def test_a_questionnaire_file(self, runner: CliRunner) -> None:
        schema = _schema(runner, str(ASSETS / "mini.yaml"), "7")
        validator = jsonschema.Draft7Validator(schema)
        answers = _as_editor_sees_it(ASSETS / "mini-answers.yaml")
        assert _errors(validator, answers) == []
        members = schema["properties"]["answers"]["properties"]["members"]["anyOf"][0]
        assert members["anyOf"][0]["items"]["enum"] == ["staff", "users", "community"]
        answers["answers"]["appetite"] = "all"
        assert _errors(validator, answers)

    def test_only_for_answers(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema", "result", "--questionnaire", "mutual-detector"])
        assert result.exit_code == 2
        assert "--questionnaire is for the answers schema" in result.output

    def test_an_unknown_questionnaire(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema", "answers", "-q", "nope"])
        assert result.exit_code == 3

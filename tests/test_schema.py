"""``mutual-detector schema``: JSON Schemas that accept every shipped file and reject bad ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.loading import builtin_dir, read_document
from mutual_detector.schemas import DRAFTS, KINDS, schema_dict

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).resolve().parent / "bad"
VALIDATORS: dict[str, type[Any]] = {
    "2020-12": jsonschema.Draft202012Validator,
    "7": jsonschema.Draft7Validator,
}


def _kinds() -> list[str]:
    return list(KINDS)


def _as_editor_sees_it(path: Path) -> tuple[str | None, Any]:
    """The file's kind and data as JSON (dates become text, as in YAML 1.2 editors)."""
    doc = read_document(path)
    return doc.kind, json.loads(json.dumps(doc.data, default=str))


def _shipped() -> list[Path]:
    files = sorted(builtin_dir().rglob("*.yaml"))
    files += sorted((ROOT / "examples").glob("*.yaml"))
    files += sorted((ROOT / "tests" / "assets").glob("*.yaml"))
    return [p for p in files if read_document(p).kind is not None]


@pytest.fixture(scope="module", params=sorted(DRAFTS))
def validators(request: pytest.FixtureRequest) -> dict[str, Any]:
    draft = request.param
    cls = VALIDATORS[draft]
    out = {}
    for kind in _kinds():
        schema = schema_dict(kind, draft)
        cls.check_schema(schema)
        out[kind] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return out


class TestSchemas:
    @pytest.mark.parametrize("kind", _kinds())
    def test_titles_and_descriptions(self, kind: str) -> None:
        """The schema and every definition say what they are (editors show these on hover)."""
        schema = schema_dict(kind)
        assert schema["$schema"] == DRAFTS["2020-12"]
        assert schema["title"].startswith("mutual-detector ")
        assert schema["description"]
        for name, definition in schema.get("$defs", {}).items():
            assert definition.get("title"), name
            assert definition.get("description"), name

    def test_draft7_form(self) -> None:
        """``--draft 7`` has definitions, draft-07 refs and no 2020-12-only keywords."""
        schema = schema_dict("questionnaire", "7")
        text = json.dumps(schema)
        assert schema["$schema"] == DRAFTS["7"]
        assert "$defs" not in text
        assert "prefixItems" not in text
        assert '"#/definitions/' in text

    def test_unknown_kind(self) -> None:
        with pytest.raises(ValueError, match="unknown schema kind"):
            schema_dict("nope")

    def test_shipped_files_validate(self, validators: dict[str, Any]) -> None:
        """Every built-in questionnaire and part, every example answers file, every asset."""
        shipped = _shipped()
        assert any(read_document(p).kind == "part" for p in shipped)
        for path in shipped:
            kind, data = _as_editor_sees_it(path)
            errors = [e.message for e in validators[str(kind)].iter_errors(data)]
            assert errors == [], path

    @pytest.mark.parametrize(
        ("name", "rejected"),
        [
            ("e010-misspelt-field.yaml", True),
            ("e010-wrong-type.yaml", True),
            ("answers/e010-bad-status.yaml", True),
            # Lint rules need the whole questionnaire; the format alone cannot see them.
            ("q114-reserved-option.yaml", False),
            ("q103-forward-reference.yaml", False),
        ],
    )
    def test_bad_corpus_files_with_format_errors_are_rejected(
        self, name: str, rejected: bool, validators: dict[str, Any]
    ) -> None:
        """Files whose fields break the format (E010) are rejected by the schema too."""
        kind, data = _as_editor_sees_it(BAD / name)
        assert bool(list(validators[str(kind)].iter_errors(data))) is rejected

    @pytest.mark.parametrize(
        ("kind", "change"),
        [
            ("questionnaire", lambda d: d.pop("scoring")),
            ("questionnaire", lambda d: d.update(format="mutual-detector/questionnaire@2")),
            ("questionnaire", lambda d: d["questions"][0].update(kind="several")),
            ("questionnaire", lambda d: d["questions"][0].update(id="Bad Id")),
            ("questionnaire", lambda d: d["questions"][0].update(when=5)),
            ("questionnaire", lambda d: d["questions"][0].update(prompt={"english": "x"})),
            ("questionnaire", lambda d: d["sections"][0].update(weight=-1)),
            ("questionnaire", lambda d: d["scoring"]["bands"][0].update(max=101)),
            ("questionnaire", lambda d: d.update(colour="red")),
            ("answers", lambda d: d.update(status="finished")),
            ("answers", lambda d: d["answers"].update(q={"note": "no value"})),
            ("answers", lambda d: d["answers"].update({"Bad Key": 1})),
            ("answers", lambda d: d["metadata"].update(date="25/11/2026")),
        ],
    )
    def test_deliberately_bad_data_is_rejected(
        self, kind: str, change: Any, validators: dict[str, Any]
    ) -> None:
        name = "mini.yaml" if kind == "questionnaire" else "mini-answers.yaml"
        _, data = _as_editor_sees_it(ROOT / "tests" / "assets" / name)
        validator = validators[kind]
        assert list(validator.iter_errors(data)) == []
        change(data)
        assert list(validator.iter_errors(data)) != []

    def test_bare_and_full_answers_are_both_accepted(self, validators: dict[str, Any]) -> None:
        data = {
            "format": "mutual-detector/answers@1",
            "questionnaire": "mini",
            "answers": {
                "a": "most",
                "b": True,
                "c": 3.5,
                "d": ["x", "y"],
                "e": "dont_know",
                "f": None,
                "g": {"value": 1, "note": "n", "evidence": "e"},
            },
        }
        assert list(validators["answers"].iter_errors(data)) == []

    def test_result_schema_is_valid(self) -> None:
        jsonschema.Draft202012Validator.check_schema(schema_dict("result"))

    @pytest.mark.parametrize("draft", sorted(DRAFTS))
    def test_result_schema_describes_real_results(self, draft: str) -> None:
        """result@2 in both drafts: decided, between, capped and withheld results validate;
        a result@1 shape does not."""
        from mutual_detector.render.json import render_json
        from report_cases import CASES, result_for

        cls = VALIDATORS[draft]
        schema = schema_dict("result", draft)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
        assert schema["$id"].endswith("result@2")
        for case in CASES:
            data = json.loads(render_json(result_for(case)))
            assert list(validator.iter_errors(data)) == [], case
        old = json.loads(render_json(result_for("between")))
        old["format"] = "mutual-detector/result@1"
        old["verdict"] = {"status": "inconclusive", "band": None, "score": 61.0, "confidence": 0.4}
        assert list(validator.iter_errors(old))


class TestCommand:
    def test_prints_json(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema", "answers"])
        assert result.exit_code == 0
        assert json.loads(result.stdout) == schema_dict("answers")

    def test_default_is_the_questionnaire(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema"])
        assert json.loads(result.stdout)["title"] == "mutual-detector questionnaire"

    def test_draft_7_and_output_file(self, runner: CliRunner, tmp_path: Path) -> None:
        target = tmp_path / "q.schema.json"
        result = runner.invoke(app, ["schema", "questionnaire", "--draft", "7", "-o", str(target)])
        assert result.exit_code == 0
        assert result.stdout == ""
        assert json.loads(target.read_text(encoding="utf-8")) == schema_dict("questionnaire", "7")

    def test_unknown_kind_is_a_usage_error(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema", "nope"])
        assert result.exit_code == 2

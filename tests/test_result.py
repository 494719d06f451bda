"""The result model: frozen, deterministic, schema'd; and JSON/text snapshots of realistic cases."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pydantic
import pytest
from typer.testing import CliRunner

from mutual_detector import RESULT_FORMAT, __version__
from mutual_detector.cli import app
from mutual_detector.engine import assess
from mutual_detector.engine import plan as plan_module
from mutual_detector.loading import load_answers, load_questionnaire, parse_yaml, validate_model
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.result import Result
from mutual_detector.render import ResultFormat
from mutual_detector.render.json import render_json
from mutual_detector.render.terminal import render_text

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots" / "engine"
QUESTIONNAIRE = SNAPSHOTS / "questionnaire.yaml"
CASES = sorted(p.stem for p in (SNAPSHOTS / "answers").glob("*.yaml"))
TS = "2026-11-25T09:00:00Z"
UPDATE = os.environ.get("MUTUAL_DETECTOR_UPDATE_SNAPSHOTS") == "1"

assert len(CASES) >= 3, CASES


@pytest.fixture(scope="module")
def questionnaire() -> object:
    return load_questionnaire(QUESTIONNAIRE).questionnaire


def _result(q: object, name: str, timestamp: str = TS) -> Result:
    a = load_answers(SNAPSHOTS / "answers" / f"{name}.yaml").answers
    return assess(q, a, timestamp=timestamp)  # type: ignore[arg-type]


class TestDeterminism:
    @pytest.mark.parametrize("name", CASES)
    def test_same_inputs_same_bytes(self, questionnaire: object, name: str) -> None:
        first = render_json(_result(questionnaire, name))
        plan_module._plans.clear()  # from scratch, not from the plan cache
        assert render_json(_result(questionnaire, name)) == first

    @pytest.mark.parametrize("name", CASES)
    def test_reordered_answers_file_gives_the_same_bytes(
        self, questionnaire: object, name: str
    ) -> None:
        text = (SNAPSHOTS / "answers" / f"{name}.yaml").read_text(encoding="utf-8")
        head, _, body = text.partition("answers:\n")
        lines = body.splitlines(keepends=True)
        reordered = head + "answers:\n" + "".join(reversed(lines))
        assert reordered != text
        a = validate_model(parse_yaml(reordered, "reordered.yaml"), AnswersFile)
        assert list(a.answers) != list(
            load_answers(SNAPSHOTS / "answers" / f"{name}.yaml").answers.answers
        )
        got = render_json(assess(questionnaire, a, timestamp=TS))  # type: ignore[arg-type]
        assert got == render_json(_result(questionnaire, name))

    def test_only_the_timestamp_varies(self, questionnaire: object) -> None:
        one = _result(questionnaire, "strong", "2026-01-01T00:00:00Z").model_dump(mode="json")
        two = _result(questionnaire, "strong", "2027-06-30T12:00:00Z").model_dump(mode="json")
        assert {k for k in one if one[k] != two[k]} == {"timestamp"}


class TestModel:
    def test_identity_fields(self, questionnaire: object) -> None:
        r = _result(questionnaire, "strong")
        assert r.format == RESULT_FORMAT
        assert r.tool_version == __version__
        assert r.questionnaire.id == "engine-snapshots"
        assert len(r.questionnaire.sha256) == len(r.answers_sha256) == 64

    def test_frozen(self, questionnaire: object) -> None:
        r = _result(questionnaire, "strong")
        with pytest.raises(pydantic.ValidationError):
            r.verdict.score = 1.0  # type: ignore[misc]

    @pytest.mark.parametrize("name", CASES)
    def test_json_round_trips(self, questionnaire: object, name: str) -> None:
        r = _result(questionnaire, name)
        assert Result.model_validate_json(render_json(r)) == r

    def test_json_is_what_model_dump_says(self, questionnaire: object) -> None:
        r = _result(questionnaire, "blocked")
        assert json.loads(render_json(r)) == r.model_dump(mode="json")
        assert render_json(r).startswith('{\n  "format": "mutual-detector/result@2",\n')
        assert render_json(r).endswith("}\n")

    def test_schema_command_describes_results(self, questionnaire: object) -> None:
        """`schema result` is result@2, and every real result validates against it."""
        out = CliRunner().invoke(app, ["schema", "result"])
        assert out.exit_code == 0, out.output
        schema = json.loads(out.stdout)
        assert schema["title"] == "mutual-detector result"
        assert schema["$id"].endswith("result@2")
        props = schema["properties"]
        assert props["format"]["const"] == "mutual-detector/result@2"
        for key in ("verdict", "readiness", "caps", "unknowns", "drivers", "robustness"):
            assert key in schema["required"] or key in props, key
        verdict = schema["$defs"]["Verdict"]["properties"]
        assert verdict["status"]["enum"] == ["decided", "between"]
        assert {"best", "worst", "indicative", "deciding", "answered_share"} <= set(verdict)
        assert set(schema["$defs"]["ScoreRange"]["properties"]) == {"low", "point", "high"}
        validator = jsonschema.Draft202012Validator(schema)
        for name in CASES:
            validator.validate(json.loads(render_json(_result(questionnaire, name))))
        for path in sorted((HERE.parent / "examples").glob("*.yaml")):
            if path.name == "expected.yaml":
                continue
            loaded = load_answers(path).answers
            from mutual_detector.loading import get_questionnaire

            q = get_questionnaire(loaded.questionnaire).questionnaire
            validator.validate(json.loads(render_json(assess(q, loaded))))
        with pytest.raises(jsonschema.ValidationError):
            validator.validate({"format": RESULT_FORMAT})
        bad = json.loads(render_json(_result(questionnaire, "strong")))
        bad["verdict"]["status"] = "band"  # result@1's word
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(bad)


class TestFormats:
    @pytest.mark.parametrize("fmt", list(ResultFormat))
    def test_every_format_renders(self, questionnaire: object, fmt: ResultFormat) -> None:
        """The format enum maps every member to a renderer (none falls through)."""
        r = _result(questionnaire, "weak")
        out = fmt.render(r, questionnaire)  # type: ignore[arg-type]
        assert isinstance(out, str)
        assert out.strip()

    def test_for_path(self) -> None:
        assert ResultFormat.for_path("x.JSON") is ResultFormat.json
        assert ResultFormat.for_path("report.md") is ResultFormat.markdown
        assert ResultFormat.for_path("report.txt") is ResultFormat.text
        assert ResultFormat.for_path("report") is None

    def test_text_fits_80_columns_without_colour(self, questionnaire: object) -> None:
        for name in CASES:
            out = render_text(_result(questionnaire, name), questionnaire, width=80)  # type: ignore[arg-type]
            assert max(len(line) for line in out.splitlines()) <= 80
            assert "\x1b[" not in out

    def test_text_shows_the_assessors_notes_briefly(self, questionnaire: object) -> None:
        """Notes on the whole assessment: under the title, on one line, cut between words."""
        r = _result(questionnaire, "strong")
        short = r.model_copy(
            update={"metadata": r.metadata.model_copy(update={"notes": "First\n\n  talk."})}
        )
        out = render_text(short, questionnaire, width=80)  # type: ignore[arg-type]
        assert "\nNotes: First talk.\n" in out
        long = r.model_copy(
            update={"metadata": r.metadata.model_copy(update={"notes": "word " * 200})}
        )
        out = render_text(long, questionnaire, width=80)  # type: ignore[arg-type]
        shown = out.split("Notes: ", 1)[1].split("\n\n", 1)[0]
        assert shown.count("word") < 40
        assert "in full in the Markdown and HTML reports)" in " ".join(shown.split())
        none = r.model_copy(update={"metadata": r.metadata.model_copy(update={"notes": None})})
        assert "Notes:" not in render_text(none, questionnaire, width=80)  # type: ignore[arg-type]

    def test_text_with_colour_has_ansi_styles(self, questionnaire: object) -> None:
        out = render_text(_result(questionnaire, "strong"), questionnaire, width=80, color=True)  # type: ignore[arg-type]
        assert "\x1b[" in out


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("kind", ["json", "txt"])
def test_snapshot(questionnaire: object, name: str, kind: str) -> None:
    """Realistic cases, pinned. Regenerate with MUTUAL_DETECTOR_UPDATE_SNAPSHOTS=1 and review the diff."""
    r = _result(questionnaire, name)
    got = render_json(r) if kind == "json" else render_text(r, questionnaire, width=80)  # type: ignore[arg-type]
    path = SNAPSHOTS / f"{name}.{kind}"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path}; run with MUTUAL_DETECTOR_UPDATE_SNAPSHOTS=1"
    assert got == path.read_text(encoding="utf-8")

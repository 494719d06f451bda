"""Options that must be chosen on their own (``exclusive: true``): "none of these".

A multi question may mark an option such as "None secured" exclusive: it
cannot be ticked together with the others. Questionnaire lint, answer checks
(typed, from a file, from a CSV row), scoring, the what-if search and the
template all keep to it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.engine import assess, plan_for
from mutual_detector.engine.whatif import alternatives
from mutual_detector.errors import InputError
from mutual_detector.interactive.steps import InvalidReply, check_selection
from mutual_detector.loading import get_questionnaire, load_questionnaire
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import check_answer
from mutual_detector.model.questionnaire import Question
from mutual_detector.template import allowed

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "failing-home-care.yaml"
BUILTIN = get_questionnaire(None).questionnaire


def _question(qid: str) -> Question:
    return next(q for q in BUILTIN.questions if q.id == qid)


FUNDING = _question("rd_funding")


def _answers(**changes: object) -> AnswersFile:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["answers"].update(changes)
    return AnswersFile.model_validate(data)


class TestTheBuiltIn:
    def test_none_of_these_options_are_exclusive(self) -> None:
        assert FUNDING is not None
        assert [o.value for o in FUNDING.options if o.exclusive] == ["none"]
        advice = _question("rd_advice")
        assert advice is not None
        assert [o.value for o in advice.options if o.exclusive] == ["none"]

    def test_check_answer(self) -> None:
        assert FUNDING is not None
        assert check_answer(FUNDING, ["none"]) is None
        assert check_answer(FUNDING, ["support_programme", "parent_funding"]) is None
        problem = check_answer(FUNDING, ["support_programme", "none"])
        assert problem is not None
        assert problem[0] == "A210"
        assert "'none' must be chosen on its own" in problem[1]

    def test_assess_refuses_the_combination(self) -> None:
        with pytest.raises(InputError) as info:
            assess(BUILTIN, _answers(rd_funding=["support_programme", "none"]))
        assert [f.rule for f in info.value.findings] == ["A210"]
        assert info.value.findings[0].path == ("answers", "rd_funding", "value")

    def test_the_most_points_of_a_multi_with_an_exclusive_option(self, tmp_path: Path) -> None:
        """The exclusive option stands alone: it never adds to the others' points."""
        data = yaml.safe_load((ROOT / "tests" / "assets" / "mini.yaml").read_text("utf-8"))
        members = next(x for x in data["questions"] if x["kind"] == "multi")
        members.pop("max_score", None)
        options = members["options"]
        for n, option in enumerate(options):
            option["score"] = n + 1
        others = sum(range(1, len(options)))
        for alone, expected in ((1, others), (99, 99)):
            options[-1].update(exclusive=True, score=alone)
            path = tmp_path / f"q{alone}.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
            q = load_questionnaire(path).questionnaire
            assert plan_for(q).by_id[members["id"]].max_points == expected


class TestWhatIf:
    @pytest.mark.parametrize(
        "current", [["none"], ["support_programme"], ["support_programme", "parent_funding"], None]
    )
    def test_alternatives_are_all_valid_answers(self, current: list[str] | None) -> None:
        assert FUNDING is not None
        cq = plan_for(BUILTIN).by_id["rd_funding"]
        values = alternatives(cq, current)
        assert values
        for value in values:
            assert check_answer(FUNDING, value) is None, value
        if current == ["support_programme"]:
            assert ["none"] in values  # ticking "none" replaces the others
        if current == ["none"]:
            assert ["support_programme"] in values  # and any other replaces "none"


class TestTyped:
    def test_a_prompt_refuses_the_combination(self) -> None:
        from mutual_detector.interactive.session import Session

        session = Session(BUILTIN, answers=dict(_answers().answers), today=dt.date(2026, 11, 25))
        session.change("rd_funding")
        prompt = session.step()
        assert prompt.question.id == "rd_funding"  # type: ignore[union-attr]
        with pytest.raises(InvalidReply, match="must be chosen on its own"):
            check_selection(prompt, ["support_programme", "none"])  # type: ignore[arg-type]
        assert check_selection(prompt, ["none"]) == ["none"]  # type: ignore[arg-type]


class TestFilesAndTemplates:
    def test_template_says_so(self) -> None:
        assert FUNDING is not None
        assert "none only on its own" in allowed(FUNDING)
        assert "none only on its own" in allowed(FUNDING, csv_form=True)

    def test_a_located_error_from_assess(self, tmp_path: Path) -> None:
        text = EXAMPLE.read_text(encoding="utf-8").replace(
            "rd_funding: [none]", "rd_funding: [parent_funding, none]"
        )
        path = tmp_path / "a.yaml"
        path.write_text(text, encoding="utf-8")
        line = text.splitlines().index("  rd_funding: [parent_funding, none]") + 1
        result = CliRunner().invoke(app, ["assess", "--answers", str(path), "-f", "json"])
        assert result.exit_code == 3
        assert f"{path}:{line}:" in result.output
        assert "[A210" in result.output

    def test_a_questionnaire_that_misuses_it(self, tmp_path: Path) -> None:
        data = yaml.safe_load((ROOT / "tests" / "assets" / "mini.yaml").read_text("utf-8"))
        i, single = next((i, x) for i, x in enumerate(data["questions"]) if x["kind"] == "single")
        single["options"][0]["exclusive"] = True
        path = tmp_path / "q.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", "validate", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "Q117" in proc.stdout
        assert f"questions[{i}].options[0].exclusive" in proc.stdout
        assert "Traceback" not in proc.stderr

    def test_a_csv_row(self, tmp_path: Path) -> None:
        """A spreadsheet cell ``parent_funding;none`` is an error record naming row and column."""
        import csv

        data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
        row = {
            qid: ";".join(v) if isinstance(v, list) else str(v).lower()
            for qid, v in data["answers"].items()
            if not isinstance(v, dict)
        }
        path = tmp_path / "rows.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(row))
            writer.writeheader()
            writer.writerow(row)
            writer.writerow({**row, "rd_funding": "parent_funding;none"})
        result = CliRunner().invoke(app, ["batch", str(path), "-f", "csv", "-q", "mutual-detector"])
        assert result.exit_code == 3, result.output
        lines = [line for line in result.output.splitlines() if str(path) in line]
        assert ",2,ok," in lines[0], lines
        assert ",3,error," in lines[1], lines
        assert "A210" in lines[1], lines

"""``mutual-detector template``: blank answers files and spreadsheets that validate and batch."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.loading import check_answers, get_questionnaire, load_answers
from mutual_detector.template import allowed, csv_template, yaml_template

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")


@pytest.fixture(params=[MINI, "mutual-detector"], ids=["mini", "built-in"])
def questionnaire_ref(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TestYaml:
    def test_blank_template_is_a_valid_answers_file(
        self, questionnaire_ref: str, tmp_path: Path
    ) -> None:
        """Every question is present and blank; the file validates with no errors."""
        loaded_q = get_questionnaire(questionnaire_ref)
        path = tmp_path / "blank.yaml"
        path.write_text(yaml_template(loaded_q.questionnaire), encoding="utf-8")
        loaded = load_answers(path)
        assert set(loaded.answers.answers) == set(loaded_q.questionnaire.question_index)
        assert all(a.value is None for a in loaded.answers.answers.values())
        findings = check_answers(loaded, loaded_q)
        assert [f for f in findings if f.level == "error"] == []

    def test_comments_explain_each_question(self) -> None:
        q = get_questionnaire(MINI).questionnaire
        text = yaml_template(q)
        block = text[text.index("  # Are the unions engaged?") : text.index("  unions:")]
        assert block.splitlines() == [
            "  # Are the unions engaged?",
            "  #   Formally consulted.",
            "  # yes_no: yes or no; or dont_know",
            "  # asked only if: appetite != 'few'",
        ]
        assert (
            "  # multi: any of: staff, users, community (as a list, e.g. [a, b]); or dont_know\n"
            in text
        )
        assert "  # number: a number from 0 to 100 (%); or dont_know\n" in text
        assert "  # ===== Suitability: Staff =====\n" in text

    def test_filled_in_template_scores(self, tmp_path: Path) -> None:
        q = get_questionnaire(MINI)
        text = yaml_template(q.questionnaire)
        for line, answer in [
            ("  appetite:", "  appetite: most"),
            ("  unions:", "  unions: yes"),
            ("  turnover:", "  turnover: 8"),
            ("  members:", "  members: [staff, users]"),
        ]:
            text = text.replace(line + "\n", answer + "\n", 1)
        path = tmp_path / "filled.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = load_answers(path)
        assert loaded.answers.answers["unions"].value is True
        assert [f for f in check_answers(loaded, q) if f.level == "error"] == []


class TestCsv:
    def test_header_and_note_rows(self, questionnaire_ref: str) -> None:
        q = get_questionnaire(questionnaire_ref).questionnaire
        text = csv_template(q)
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        header = rows[0]
        assert len(header) == len(set(header))
        assert header[-len(q.questions) :] == [x.id for x in q.ordered_questions]
        assert [r[0].split(" ")[0] for r in rows[1:]] == ["#", "#", "#"]
        assert all(len(r) == len(header) for r in rows)

    def test_metadata_column_named_like_a_question_is_left_out(self) -> None:
        """mini has a question called `notes`: the column is the question's."""
        rows = list(csv.reader(io.StringIO(csv_template(get_questionnaire(MINI).questionnaire))))
        assert rows[0].count("notes") == 1
        assert rows[0][:4] == ["\ufeffservice", "organisation", "assessor", "date"]
        assert rows[2][rows[0].index("members")] == (
            "any of: staff, users, community (separated by ;); or dont_know"
        )

    def test_allowed_values(self) -> None:
        questions = get_questionnaire(MINI).questionnaire.question_index
        assert allowed(questions["readiness"], csv_form=True) == (
            "a whole number from 1 to 5 (1 = Not at all; 5 = Fully); or dont_know"
        )
        assert allowed(questions["notes"]) == "text (up to 2000 characters); or dont_know; optional"


class TestCli:
    def test_yaml_to_stdout(self) -> None:
        result = CliRunner().invoke(app, ["template", "-q", MINI])
        assert result.exit_code == 0
        assert result.stdout == yaml_template(get_questionnaire(MINI).questionnaire)

    def test_csv_to_file(self, tmp_path: Path) -> None:
        target = tmp_path / "services.csv"
        result = CliRunner().invoke(app, ["template", "-q", MINI, "-f", "csv", "-o", str(target)])
        assert result.exit_code == 0
        assert target.read_bytes().startswith(b"\xef\xbb\xbfservice,")
        assert target.read_bytes().decode("utf-8") == csv_template(
            get_questionnaire(MINI).questionnaire
        )

    def test_unknown_questionnaire(self) -> None:
        result = CliRunner().invoke(app, ["template", "-q", "nope"])
        assert result.exit_code == 3
        assert "no questionnaire 'nope'" in result.stderr

    @pytest.mark.slow
    def test_subprocess_template_then_batch(self, tmp_path: Path) -> None:
        """The blank CSV template batches as it is: no rows, so no inputs, and no traceback."""
        env = {**os.environ, "NO_COLOR": "1"}
        cmd = [sys.executable, "-m", "mutual_detector"]
        target = tmp_path / "t.csv"
        made = subprocess.run([*cmd, "template", "-f", "csv", "-o", str(target)], env=env)
        assert made.returncode == 0
        with target.open("a", encoding="utf-8", newline="") as fh:
            header = target.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
            row = dict.fromkeys(header, "") | {"service": "Day care"}
            csv.DictWriter(fh, fieldnames=header).writerow(row)
        proc = subprocess.run(
            [*cmd, "batch", str(target), "-f", "csv"], capture_output=True, env=env
        )
        assert proc.returncode == 0, proc.stderr
        rows = list(csv.DictReader(io.StringIO(proc.stdout.decode("utf-8-sig"))))
        assert [(r["row"], r["status"], r["verdict"]) for r in rows] == [("5", "ok", "between")]

"""CSV inputs to ``batch``: one service per row, problems located by row and column."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.batch import csvrows, inputs
from mutual_detector.cli import app
from mutual_detector.loading import load_questionnaire
from mutual_detector.template import csv_template

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")

QUESTIONS = load_questionnaire(MINI).questionnaire.question_index
HEADER = "service,organisation,date,appetite,unions,turnover,readiness,equity,members,notes"


def write_csv(folder: Path, text: str, name: str = "services.csv", bom: bool = True) -> Path:
    path = folder / name
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    return path


def jsonl(args: list[str]) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(app, ["batch", *args, "-q", MINI, "-f", "jsonl", "-j", "1"])
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines()], result.stderr


class TestConvert:
    """What a spreadsheet cell may hold, by question kind."""

    @pytest.fixture
    def questions(self):  # type: ignore[no-untyped-def]
        return QUESTIONS

    @pytest.mark.parametrize(
        ("qid", "cell", "value"),
        [
            ("appetite", "most", "most"),
            ("appetite", " MOST ", "most"),
            ("appetite", "", None),
            ("appetite", "Don't know", "dont_know"),
            ("unions", "Yes", True),
            ("unions", "n", False),
            ("unions", "FALSE", False),
            ("turnover", "12", 12),
            ("turnover", "12.5%", 12.5),
            ("turnover", "1,200", 1200),
            ("readiness", "4", 4),
            ("readiness", "4.0", 4),
            ("members", "staff; Users;", ["staff", "users"]),
            ("notes", "  kept as written ", "  kept as written "),
        ],
    )
    def test_cells(self, questions, qid: str, cell: str, value: object) -> None:  # type: ignore[no-untyped-def]
        assert csvrows.convert(questions[qid], cell) == value

    @pytest.mark.parametrize(
        ("qid", "cell", "message"),
        [
            ("appetite", "lots", "'lots' is not an option (choose from most, some, few)"),
            ("unions", "maybe", "expected yes or no, got 'maybe'"),
            ("turnover", "a dozen", "expected a number, got 'a dozen'"),
            ("readiness", "four", "expected a whole number, got 'four'"),
            (
                "members",
                "staff; cats",
                "'cats' is not an option (choose from staff, users, community)",
            ),
        ],
    )
    def test_bad_cells(self, questions, qid: str, cell: str, message: str) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(csvrows.RowProblem) as caught:
            csvrows.convert(questions[qid], cell)
        assert str(caught.value) == message

    def test_column_letters(self) -> None:
        assert [csvrows.column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
            "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
        ]  # fmt: skip


class TestCsvBatch:
    def test_rows_are_assessed_and_errors_located(self, tmp_path: Path) -> None:
        path = write_csv(
            tmp_path,
            f"{HEADER}\r\n"
            "# notes row: skipped,,,,,,,,,\r\n"
            "Day care,Anytown,25/11/2026,most,yes,12,4,no,staff;community,\r\n"
            ",,,,,,,,,\r\n"
            "Libraries,Anytown,2026-11-01,lots,yes,a dozen,4,no,staff,\r\n"
            "Parks,Anytown,,some,dont_know,30,2,yes,users,Needs a survey\r\n"
            "Meals,Anytown,31/02/2026,few,,5,9,no,,\r\n",
        )
        code, records, err = jsonl([str(path)])
        assert code == 3
        assert [(r["row"], r["status"]) for r in records] == [
            (3, "ok"),
            (5, "error"),
            (6, "ok"),
            (7, "error"),
        ]
        day = records[0]["result"]
        assert day["metadata"] == {  # type: ignore[index]
            "service": "Day care",
            "organisation": "Anytown",
            "assessor": None,
            "date": "2026-11-25",
            "notes": None,
        }
        libraries = records[1]["errors"]
        assert [(e["row"], e["field"], e["message"]) for e in libraries] == [  # type: ignore[union-attr]
            (5, "appetite", "'lots' is not an option (choose from most, some, few)"),
            (5, "turnover", "expected a number, got 'a dozen'"),
        ]
        meals = records[3]["errors"]
        assert [(e["field"], e["message"]) for e in meals] == [  # type: ignore[union-attr]
            ("date", "expected a date like 2026-11-25 or 25/11/2026, got '31/02/2026'"),
        ]
        assert f"{path.name}:5:appetite: 'lots' is not an option" in err.replace(
            str(tmp_path) + "/", ""
        )

    def test_range_errors_from_the_answer_checks_are_located_too(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path, f"{HEADER}\nMeals,Anytown,,most,,5,9,no,,\n")
        code, records, err = jsonl([str(path)])
        assert code == 3
        (error,) = records[0]["errors"]  # type: ignore[misc]
        assert (error["row"], error["field"], error["rule"]) == (2, "readiness", "A203")
        assert ":2:readiness: 9 is outside the scale 1..5 [A203]" in err
        assert error["message"] == "9 is outside the scale 1..5"

    def test_unknown_column_fails_the_file(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path, "service,apetite,turnover\nX,most,5\n")
        code, records, _ = jsonl([str(path)])
        assert code == 3
        assert len(records) == 1
        (error,) = records[0]["errors"]  # type: ignore[misc]
        assert (error["row"], error["field"]) == (1, "apetite")
        assert error["message"].endswith("(did you mean 'appetite'?)")

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "excel.csv"
        path.write_bytes(b"service,appetite\nCaf\xe9,most\n")
        code, records, _ = jsonl([str(path)])
        assert code == 3
        (error,) = records[0]["errors"]  # type: ignore[misc]
        assert error["rule"] == "E005"
        assert "CSV UTF-8" in error["message"]

    def test_semicolons(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path, "service;appetite\nX;most\n")
        code, records, _ = jsonl([str(path)])
        assert code == 3
        assert "separated by ';'" in records[0]["errors"][0]["message"]  # type: ignore[index]

    def test_empty_file(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path, "", bom=False)
        code, records, _ = jsonl([str(path)])
        assert code == 3
        assert "empty" in records[0]["errors"][0]["message"]  # type: ignore[index]

    def test_mixed_with_answers_files_in_sorted_order(self, tmp_path: Path) -> None:
        write_csv(tmp_path, f"{HEADER}\nDay care,Anytown,,most,yes,12,4,no,staff,\n", "b.csv")
        (tmp_path / "a.yaml").write_text((ASSETS / "mini-answers.yaml").read_text(), "utf-8")
        (tmp_path / "c.yaml").write_text((ASSETS / "mini-answers.yaml").read_text(), "utf-8")
        code, records, _ = jsonl([str(tmp_path)])
        assert code == 0
        assert [(Path(str(r["source"])).name, r["row"]) for r in records] == [
            ("a.yaml", None),
            ("b.csv", 2),
            ("c.yaml", None),
        ]

    def test_count_tasks_matches(self, tmp_path: Path) -> None:
        write_csv(tmp_path, f"{HEADER}\n# note\nA,,,most,,,,,,\n\nB,,,some,,,,,,\n", "x.csv")
        (tmp_path / "y.yaml").write_text("", "utf-8")
        sources = inputs.discover([str(tmp_path)])
        columns = inputs.known_columns(load_questionnaire(MINI).questionnaire.question_index)
        assert inputs.count_tasks(sources) == len(list(inputs.tasks(sources, columns))) == 3


class TestTemplateRoundTrip:
    def test_a_filled_template_is_batched(self, tmp_path: Path) -> None:
        """The template as written by `template --format csv`, with two rows added, batches."""
        q = load_questionnaire(MINI).questionnaire
        text = csv_template(q)
        header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        rows = [
            {"service": "Day care", "appetite": "most", "unions": "yes", "turnover": "8",
             "readiness": "5", "equity": "no", "members": "staff; users"},
            {"service": "Parks", "appetite": "some", "unions": "dont_know", "turnover": "",
             "readiness": "2", "equity": "yes", "members": "community"},
        ]  # fmt: skip
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\r\n")
        for row in rows:
            writer.writerow(row)
        path = tmp_path / "filled.csv"
        path.write_text(text + buffer.getvalue(), encoding="utf-8")
        code, records, _ = jsonl([str(path)])
        assert code == 0
        assert [(r["row"], r["status"]) for r in records] == [(5, "ok"), (6, "ok")]
        assert records[1]["result"]["explanations"][1]["status"] == "dont_know"  # type: ignore[index]

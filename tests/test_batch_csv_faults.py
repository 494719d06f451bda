"""Issue 16: CSV inputs that used to lose rows, misread numbers, or never end.

* A stray quote swallowed every row after it (three rows gave one record,
  exit 0; 47 rows gave one misleading error): now its row is an error, where
  the quote opened, and the rows after it are read as rows.
* A byte that is not UTF-8 on row 501 was reported on row 471, and rows 471
  to 500 were skipped silently: now row 501 (and its column) fails alone.
* "2,5" was read as 25, "1,2,3" as 123, "1 2" and "1_2" as 12, "4%" and "£4"
  as 4: now only unambiguous numbers are read; the rest are located errors
  that say what to write.
* A tab-separated file is read as one (its header was one unknown column).
* CSV files are bounded as answers files are: a pipe with no writer, a link
  to /dev/urandom or /dev/zero, a 1 GB sparse file are refused at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.batch import csvrows, inputs
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_INPUT, EXIT_OK
from mutual_detector.loading import load_questionnaire

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")
QUESTIONS = load_questionnaire(MINI).questionnaire.question_index
HEADER = "service,appetite,unions,turnover,readiness"
ROW = "{name},most,yes,12,4"
WAIT = 120  # seconds: only a bound on a hung command


def batch(path: Path) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(app, ["batch", str(path), "-q", MINI, "-f", "jsonl", "-j", "1"])
    return result.exit_code, [json.loads(x) for x in result.stdout.splitlines()], result.stderr


def outline(records: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """``(row, status, service or the first error's column)`` per record."""
    out: list[tuple[object, ...]] = []
    for r in records:
        if r["status"] == "ok":
            out.append((r["row"], "ok", r["result"]["metadata"]["service"]))  # type: ignore[index]
        else:
            out.append((r["row"], r["status"], r["errors"][0]["field"]))  # type: ignore[index]
    return out


# --------------------------------------------------------------------------- stray quotes


class TestStrayQuotes:
    def test_three_rows_stay_three(self, tmp_path: Path) -> None:
        """Was: one record (the three rows in one cell) and exit 0."""
        path = tmp_path / "s.csv"
        path.write_text(f'{HEADER}\nA,"most,yes,12,4\nB,most,yes,12,4\nC,most,yes,12,4\n', "utf-8")
        code, records, err = batch(path)
        assert code == EXIT_INPUT
        assert outline(records) == [(2, "error", "appetite"), (3, "ok", "B"), (4, "ok", "C")]
        error = records[0]["errors"][0]  # type: ignore[index]
        assert error["rule"] == "E010"
        assert error["message"].startswith('this cell opens a quote (") that is never closed')
        assert "s.csv:2:appetite: this cell opens a quote" in err

    def test_forty_seven_rows_after_it_are_all_assessed(self, tmp_path: Path) -> None:
        """Was: one misleading error and 47 services missing."""
        rows = [ROW.format(name=f"S{n}") for n in range(3, 50)]
        path = tmp_path / "s.csv"
        path.write_text("\n".join([HEADER, '"Day care,most,yes,12,4', *rows]) + "\n", "utf-8")
        code, records, _ = batch(path)
        assert code == EXIT_INPUT
        assert outline(records) == [
            (2, "error", "service"),
            *((n, "ok", f"S{n}") for n in range(3, 50)),
        ]

    def test_a_quote_closed_rows_later_by_another_cell(self, tmp_path: Path) -> None:
        """The stray quote runs on to the next quote, rows later: the rows in between are
        shaped like rows, so the cell is a stray quote, not a note."""
        path = tmp_path / "s.csv"
        path.write_text(
            f'{HEADER}\nA,"most,yes,12,4\nB,most,yes,12,4\nC,most,yes,12,4\n"D",most,yes,12,4\n',
            "utf-8",
        )
        code, records, _ = batch(path)
        assert code == EXIT_INPUT
        assert outline(records) == [
            (2, "error", "appetite"),
            (3, "ok", "B"),
            (4, "ok", "C"),
            (5, "ok", "D"),
        ]
        assert "lines shaped like whole rows" in records[0]["errors"][0]["message"]  # type: ignore[index]

    def test_a_genuine_note_on_several_lines_is_kept(self, tmp_path: Path) -> None:
        path = tmp_path / "s.csv"
        note = 'Staff survey, 2025:\n""most"" in favour,\nsee appendix B'
        path.write_text(f'{HEADER},notes\nA,most,yes,12,4,"{note}"\nB,some,no,30,2,\n', "utf-8")
        code, records, _ = batch(path)
        assert code == EXIT_OK
        assert outline(records) == [(2, "ok", "A"), (3, "ok", "B")]
        explained = records[0]["result"]["explanations"]  # type: ignore[index]
        (notes,) = [e["answer"] for e in explained if e["id"] == "notes"]
        assert notes == 'Staff survey, 2025:\n"most" in favour,\nsee appendix B'

    def test_a_cell_over_the_line_limit(self) -> None:
        from mutual_detector.batch import csvfile

        lines = "\n".join("line" for _ in range(csvfile.MAX_CELL_LINES + 1))
        got = list(csvfile.records(f'a,b\n1,"{lines}"\n2,3\n'))
        assert isinstance(got[1], csvfile.Broken)
        assert (got[1].row, got[1].column) == (2, 1)
        assert f"more than a cell may hold ({csvfile.MAX_CELL_LINES})" in got[1].message

    def test_a_cell_past_the_csv_field_limit(self) -> None:
        """csv refuses cells over 128 KiB: the row is reported, the rest still read."""
        from mutual_detector.batch import csvfile

        big = "x" * 200_000
        got = list(csvfile.records(f'a,b\n1,"{big}\n2,3\n'))
        assert [type(r).__name__ for r in got] == ["Record", "Broken", "Record"]
        assert got[2] == csvfile.Record(3, ("2", "3"))


# --------------------------------------------------------------------------- encodings


class TestNotUtf8:
    def test_the_right_row_and_no_other_row_lost(self, tmp_path: Path) -> None:
        """Was: reported on row 471, and rows 471-500 skipped silently."""
        lines = [HEADER.encode()]
        for n in range(2, 601):
            name = b"Caf\xe9" if n == 501 else f"S{n}".encode()
            lines.append(name + b",most,yes,12,4")
        path = tmp_path / "excel.csv"
        path.write_bytes(b"\r\n".join(lines) + b"\r\n")
        code, records, err = batch(path)
        assert code == EXIT_INPUT
        assert len(records) == 599
        bad = [r for r in records if r["status"] != "ok"]
        assert outline(bad) == [(501, "error", "service")]
        error = bad[0]["errors"][0]  # type: ignore[index]
        assert error["rule"] == "E005"
        assert error["message"].startswith("this cell holds byte 0xe9, which is not UTF-8")
        assert "CSV UTF-8" in error["message"]
        assert [r["row"] for r in records if r["status"] == "ok"] == [
            n for n in range(2, 601) if n != 501
        ]
        assert "excel.csv:501:service: this cell holds byte 0xe9" in err

    def test_a_header_that_is_not_utf8_fails_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "h.csv"
        path.write_bytes(b"service,caf\xe9\nA,most\n")
        code, records, _ = batch(path)
        assert code == EXIT_INPUT
        assert outline(records) == [(1, "error", None)]
        assert records[0]["errors"][0]["message"].startswith(  # type: ignore[index]
            "the column names hold byte 0xe9"
        )

    def test_utf16_is_named(self, tmp_path: Path) -> None:
        path = tmp_path / "u.csv"
        path.write_bytes(f"{HEADER}\nA,most,yes,12,4\n".encode("utf-16"))
        code, records, _ = batch(path)
        assert code == EXIT_INPUT
        assert records[0]["errors"][0]["message"].startswith("file is UTF-16")  # type: ignore[index]


# --------------------------------------------------------------------------- numbers


class TestNumbers:
    @pytest.mark.parametrize(
        ("qid", "cell", "value"),
        [
            ("turnover", "1,234", 1234),
            ("turnover", "12,345.5", 12345.5),
            ("turnover", "-1,234,567", -1234567),
            ("turnover", " 12 ", 12),
            ("turnover", "12.5%", 12.5),  # the unit is %
            ("turnover", "1e2", 100),
            ("readiness", "4", 4),
        ],
    )
    def test_unambiguous_numbers(self, qid: str, cell: str, value: object) -> None:
        assert csvrows.convert(QUESTIONS[qid], cell) == value

    @pytest.mark.parametrize(
        ("qid", "cell", "says"),
        [
            ("turnover", "2,5", "'2,5' could be read two ways"),
            ("turnover", "1,2,3", "expected a number, got '1,2,3': write digits"),
            ("turnover", "1 2", "expected a number, got '1 2'"),
            ("turnover", "1_2", "expected a number, got '1_2'"),
            ("turnover", "12,34", "'12,34' could be read two ways"),
            ("turnover", "1234,567", "'1234,567' could be read two ways"),
            ("turnover", "£4", "'£4' is written as an amount in pounds, but this question's answer is in %"),
            ("readiness", "4%", "'4%' is written as a percentage, but this question's answer has no unit"),
            ("readiness", "1,2", "'1,2' could be read two ways"),
        ],
    )  # fmt: skip
    def test_ambiguous_numbers_are_refused(self, qid: str, cell: str, says: str) -> None:
        with pytest.raises(csvrows.RowProblem) as caught:
            csvrows.convert(QUESTIONS[qid], cell)
        assert str(caught.value).startswith(says)

    def test_the_error_names_the_cell_and_the_fix(self, tmp_path: Path) -> None:
        """Was: "2,5" read as 25, and the row assessed."""
        path = tmp_path / "n.csv"
        path.write_text(f'{HEADER}\nA,most,yes,"2,5",4\nB,most,yes,12,4%\n', "utf-8")
        code, records, err = batch(path)
        assert code == EXIT_INPUT
        assert outline(records) == [(2, "error", "turnover"), (3, "error", "readiness")]
        assert (
            "n.csv:2:turnover: '2,5' could be read two ways: a comma may only separate "
            "thousands (1,234); write 2.5 for a decimal, or 25 if that is the number [A202]"
        ) in err
        assert "n.csv:3:readiness: '4%' is written as a percentage" in err


# --------------------------------------------------------------------------- delimiters


class TestDelimiters:
    def test_a_tab_separated_file_is_read(self, tmp_path: Path) -> None:
        """Was: its whole header echoed back as one unknown column."""
        path = tmp_path / "t.csv"
        path.write_text(HEADER.replace(",", "\t") + "\nA\tmost\tyes\t12\t4\n", "utf-8")
        code, records, _ = batch(path)
        assert code == EXIT_OK
        assert outline(records) == [(2, "ok", "A")]

    def test_tabs_and_semicolons_in_one_header_ask_for_commas(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text("service\tappetite;unions\nA\tmost;yes\n", "utf-8")
        code, records, _ = batch(path)
        assert code == EXIT_INPUT
        assert records[0]["errors"][0]["message"] == (  # type: ignore[index]
            "the columns are separated by ';'; save the file with commas (CSV UTF-8)"
        )

    def test_only_an_unambiguous_tab_separated_header_is_sniffed(self) -> None:
        from mutual_detector.batch import csvfile

        assert csvfile.sniff("service\tappetite\n") == "\t"
        assert csvfile.sniff("service,appetite\tx\n") == ","
        assert csvfile.sniff("service;appetite\n") == ","


# --------------------------------------------------------------------------- bounds


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutual_detector", "batch", *args, "-q", MINI, "-f", "jsonl",
         "-j", "1", "--quiet"],
        cwd=cwd, capture_output=True, text=True, timeout=WAIT,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipes, devices, sparse files")
class TestBounds:
    """Real pipes and devices, in a real subprocess (the old reader hung or ran out of memory)."""

    def _only_error(self, proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
        assert proc.returncode == EXIT_INPUT, proc.stderr
        (record,) = [json.loads(x) for x in proc.stdout.splitlines()]
        (error,) = record["errors"]
        return error  # type: ignore[no-any-return]

    def test_a_pipe_with_no_writer_is_refused(self, tmp_path: Path) -> None:
        """Was: a hang (the docs said pipes are refused)."""
        os.mkfifo(tmp_path / "p.csv")
        error = self._only_error(_run(["p.csv"], tmp_path))
        assert error["rule"] == "E008"
        assert "not a regular file" in str(error["message"])

    @pytest.mark.parametrize("device", ["/dev/urandom", "/dev/zero"])
    def test_a_link_to_an_endless_device_is_refused(self, tmp_path: Path, device: str) -> None:
        """Was: /dev/urandom ran forever, /dev/zero ended in MemoryError (exit 70)."""
        os.symlink(device, tmp_path / "d.csv")
        error = self._only_error(_run(["d.csv"], tmp_path))
        assert error["rule"] == "E004"

    def test_a_huge_sparse_file_is_refused_unread(self, tmp_path: Path) -> None:
        """Was: 11 s and 2.1 GB of memory for a 1 GB sparse file."""
        with open(tmp_path / "big.csv", "wb") as fh:
            fh.truncate(1 << 30)
        error = self._only_error(_run(["big.csv"], tmp_path))
        assert error["rule"] == "E004"
        assert error["message"] == "file is larger than 5,242,880 bytes"

    def test_the_limit_is_mutual_detector_max_bytes(self, tmp_path: Path) -> None:
        (tmp_path / "s.csv").write_text(f"{HEADER}\n" + "A,most,yes,12,4\n" * 2000, "utf-8")
        env = {**os.environ, "MUTUAL_DETECTOR_MAX_BYTES": "20000"}  # more than mini.yaml
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", "batch", "s.csv", "-q", MINI, "-f",
             "jsonl", "-j", "1", "--quiet"],
            cwd=tmp_path, capture_output=True, text=True, timeout=WAIT, env=env,
        )  # fmt: skip
        assert self._only_error(proc)["rule"] == "E004"

    def test_counting_never_reads_a_pipe(self, tmp_path: Path) -> None:
        """Counting the tasks must neither wait on a pipe nor consume what it holds."""
        pipe = tmp_path / "p.csv"
        os.mkfifo(pipe)
        fd = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)
        data = f"{HEADER}\nA,most,yes,12,4\n".encode()
        try:
            os.write(fd, data)
            assert inputs.count_tasks(inputs.discover([str(pipe)])) == 1
            assert os.read(fd, 1000) == data
        finally:
            os.close(fd)

"""``mutual-detector batch``: inputs, the runner, outputs, and the CLI at three levels."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from mutual_detector.batch import inputs, runner
from mutual_detector.batch.records import BatchItem
from mutual_detector.batch.worker import WorkerConfig
from mutual_detector.cli import app
from mutual_detector.render.batch_formats import BatchFormat

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")

GOOD = """\
format: mutual-detector/answers@1
questionnaire: mini
metadata: {{service: {service}, organisation: Anytown}}
answers:
  appetite: {appetite}
  unions: true
  turnover: {turnover}
  readiness: 4
  equity: false
  members: [staff]
"""

BROKEN = """\
format: mutual-detector/answers@1
questionnaire: mini
answers:
  appetite: most
  turnover: lots
"""


def good(service: str, appetite: str = "most", turnover: int = 5) -> str:
    return GOOD.format(service=service, appetite=appetite, turnover=turnover)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good answers files and one broken one, in a folder."""
    (tmp_path / "b-beta.yaml").write_text(good("Beta", "some", 12), encoding="utf-8")
    (tmp_path / "a-alpha.yaml").write_text(good("Alpha"), encoding="utf-8")
    (tmp_path / "c-broken.yaml").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "d-delta.yaml").write_text(good("Delta", "few", 40), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an input", encoding="utf-8")
    return tmp_path


def invoke(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


class TestDiscover:
    def test_folders_are_searched_and_sorted(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Inputs come in sorted path order, named as the user would type them."""
        (folder / "sub").mkdir()
        (folder / "sub" / "z.json").write_text("{}", encoding="utf-8")
        (folder / ".hidden").mkdir()
        (folder / ".hidden" / "x.yaml").write_text("", encoding="utf-8")
        monkeypatch.chdir(folder)
        names = [s.name for s in inputs.discover(["sub", "."])]
        expected = ["a-alpha.yaml", "b-beta.yaml", "c-broken.yaml", "d-delta.yaml", "sub/z.json"]
        assert expected == names
        assert [s.name for s in inputs.discover([str(folder / "sub")])] == ["sub/z.json"]

    def test_order_and_duplicates_do_not_depend_on_arguments(self, folder: Path) -> None:
        a = [str(folder / "d-delta.yaml"), str(folder), str(folder / "a-alpha.yaml")]
        b = [str(folder / "a-alpha.yaml"), str(folder)]
        names = [s.name for s in inputs.discover(a)]
        assert names == [s.name for s in inputs.discover(b)]
        assert len(names) == 4

    @given(
        st.lists(
            st.builds(
                lambda absolute, parts, slashes: ("/" if absolute else "") + slashes.join(parts),
                st.booleans(),
                st.lists(
                    st.sampled_from(["a", "a-b", "a.b", "ab", "b", ".", "..", "-", " z", "é"]),
                    min_size=1,
                    max_size=4,
                ),
                st.sampled_from(["/", "//"]),
            ),
            max_size=12,
        )
    )
    def test_sort_key_orders_as_path_parts_then_name(self, names: list[str]) -> None:
        """The one-string key sorts exactly as (PurePath(name).parts, name) tuples would."""
        from pathlib import PurePath

        sources = [inputs.Source(n, n, "answers", False) for n in names]
        by_tuple = sorted(names, key=lambda n: (PurePath(n).parts, n))
        assert [s.name for s in sorted(sources, key=inputs._order)] == by_tuple

    def test_patterns_are_expanded(self, folder: Path) -> None:
        sources = inputs.discover([str(folder / "*-b*.yaml")])
        assert [Path(s.path).name for s in sources] == ["b-beta.yaml", "c-broken.yaml"]

    def test_missing_path_and_empty_pattern_become_failed_tasks(self, folder: Path) -> None:
        sources = inputs.discover([str(folder / "nope.yaml"), str(folder / "*.none")])
        tasks = list(inputs.tasks(sources, frozenset()))
        assert all(isinstance(t, inputs.FailedTask) for t in tasks)
        messages = sorted(t.error.message for t in tasks if isinstance(t, inputs.FailedTask))
        assert messages == ["no files match this pattern", "no such file"]


def _run(folder: Path, workers: int, payload: bool = True) -> list[BatchItem]:
    sources = inputs.discover([str(folder)])
    config = WorkerConfig(MINI, payload=payload, timestamp="2026-01-01T00:00:00Z")
    tasks = inputs.tasks(sources, frozenset())
    return list(runner.run(tasks, config, workers=workers, total=len(sources)))


class TestRunner:
    def test_a_broken_file_does_not_sink_the_batch(self, folder: Path) -> None:
        items = _run(folder, 1)
        assert [i.status for i in items] == ["ok", "ok", "error", "ok"]
        (error,) = items[2].errors
        assert (error.line, error.column, error.field) == (5, 13, "answers.turnover.value")
        assert error.rule == "A202"
        assert error.where().endswith("c-broken.yaml:5:13")
        assert [i.summary.service for i in items if i.summary] == ["Alpha", "Beta", "Delta"]

    def test_questionnaire_found_in_a_folder_is_skipped(self, folder: Path) -> None:
        (folder / "q.yaml").write_text((ASSETS / "mini.yaml").read_text(), encoding="utf-8")
        items = _run(folder, 1)
        assert [i.status for i in items][-1] == "skipped"

    @pytest.mark.slow
    def test_workers_give_the_same_items(self, folder: Path) -> None:
        """-j 2 yields the same items, in the same order, as -j 1."""
        for n in range(12):
            (folder / f"e{n:02}.yaml").write_text(good(f"S{n}", "some", n * 7), encoding="utf-8")
        assert _run(folder, 1) == _run(folder, 2)

    @pytest.mark.slow
    def test_workers_import_neither_rich_nor_typer(self) -> None:
        from mutual_detector.batch.pool import Pool

        pool = Pool(WorkerConfig(MINI), 1)
        try:
            (only,) = pool.workers
            pool.ask(only, ("modules",))
            event = next(e for e in pool.events() if e[0] == "modules")
            modules = event[2]
            assert [m for m in modules if m.split(".")[0] in ("rich", "typer", "click")] == []
            assert "questionary" not in modules
            assert "mutual_detector.engine" in modules
        finally:
            pool.close()

    def test_plan_workers(self) -> None:
        assert runner.plan_workers(4, 2) == 2
        assert runner.plan_workers(1, 10_000) == 1
        assert runner.plan_workers(None, 10) == 1  # too few to repay starting processes
        cores = runner.available_cores()
        few = runner.MIN_BRIEFS_PER_WORKER * 2 - 1
        assert runner.plan_workers(None, few, full_results=False) == 1
        assert runner.plan_workers(None, few, full_results=True) == min(cores, 7)


class TestBatchCli:
    def test_table_shows_every_input_and_exits_3(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(folder)
        code, out, err = invoke(["batch", ".", "-q", MINI])
        assert code == 3
        lines = out.splitlines()
        assert lines[0] == "Batch: Mini questionnaire (mini 1.0)"
        rows = [line.split() for line in lines if ".yaml" in line]
        assert [r[0] for r in rows] == [
            "a-alpha.yaml",
            "b-beta.yaml",
            "c-broken.yaml",
            "d-delta.yaml",
        ]
        assert rows[0][1:6] == ["Alpha", "Strong", "95.83", "100%", "CIO"]
        assert rows[1][1:6] == ["Beta", "Promising", "65.28", "100%", "CIO"]
        assert " ".join(rows[2][1:]).startswith(
            "could not assess line 5:13: answers.turnover.value:"
        )
        # A raised blocker withholds the legal forms: none is named.
        assert rows[3][1:] == [
            "Delta", "Weak", "12.5", "100%", "—", "no_appetite", "(blocker),",
        ]  # fmt: skip
        assert lines[-3].strip() == "high_turnover (warning)"
        assert lines[-1] == (
            "4 inputs: 3 assessed (1 strong, 1 promising, 1 weak), 1 could not be assessed."
        )
        assert err == ""

    def test_all_good_exits_0(self, folder: Path) -> None:
        (folder / "c-broken.yaml").unlink()
        code, out, _ = invoke(["batch", str(folder), "-q", MINI])
        assert code == 0
        assert out.splitlines()[-1] == "3 inputs: 3 assessed (1 strong, 1 promising, 1 weak)."

    def test_jsonl_has_one_line_per_input(self, folder: Path) -> None:
        code, out, err = invoke(["batch", str(folder), "-q", MINI, "-f", "jsonl", "-j", "1"])
        assert code == 3
        records = [json.loads(line) for line in out.splitlines()]
        assert [r["status"] for r in records] == ["ok", "ok", "error", "ok"]
        assert [r["index"] for r in records] == [0, 1, 2, 3]
        assert records[0]["result"]["format"] == "mutual-detector/result@2"
        assert records[2]["errors"][0]["field"] == "answers.turnover.value"
        assert "c-broken.yaml:5:13: answers.turnover.value" in err
        assert err.splitlines()[-1].startswith("4 inputs: 3 assessed")

    def test_json_document(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "json"])
        data = json.loads(out)
        assert data["format"] == "mutual-detector/batch@2"
        assert data["questionnaire"]["id"] == "mini"
        assert len(data["items"]) == 4
        assert data["summary"] == {
            "inputs": 4,
            "assessed": 3,
            "failed": 1,
            "skipped": 0,
            "below_gate": 0,
            "verdicts": {"promising": 1, "strong": 1, "weak": 1},
            "exit_code": 3,
        }
        assert code == data["summary"]["exit_code"]

    def test_csv_has_one_row_per_assessment(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "csv"])
        assert code == 3
        assert out.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
        assert [r["status"] for r in rows] == ["ok", "ok", "error", "ok"]
        first = rows[0]
        assert first["service"] == "Alpha"
        assert first["section:staff"] == "100"
        assert first["section:money"] == "87.5"
        assert first["legal_form"] == "CIO"
        assert rows[3]["flags"] == "no_appetite (blocker); high_turnover (warning)"
        assert rows[2]["message"].endswith("[A202]")

    def test_markdown(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "markdown"])
        assert code == 3
        assert out.startswith("# Batch assessment: Mini questionnaire\n")
        assert out.count("\n| ") == 6  # header, rule, four rows

    def test_output_file_is_written_atomically(self, folder: Path, tmp_path: Path) -> None:
        target = tmp_path / "out" / "results.jsonl"
        target.parent.mkdir()
        target.write_text("old", encoding="utf-8")
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-o", str(target)])
        assert code == 3
        assert out == ""
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 4
        assert json.loads(lines[0])["status"] == "ok"  # jsonl, from the extension
        assert os.listdir(target.parent) == ["results.jsonl"]

    def test_output_folder_missing(self, folder: Path, tmp_path: Path) -> None:
        code, _, err = invoke(
            ["batch", str(folder), "-q", MINI, "-o", str(tmp_path / "x" / "y.csv")]
        )
        assert code == 4
        assert "does not exist" in err

    def test_no_inputs(self, tmp_path: Path) -> None:
        code, _, err = invoke(["batch", str(tmp_path), "-q", MINI])
        assert code == 3
        assert "no answers or CSV files found" in err

    def test_rank_orders_the_shortlist(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "--rank", "-f", "csv"])
        assert code == 3
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
        assert [(r["rank"], r["service"], r["verdict"]) for r in rows] == [
            ("1", "Alpha", "strong"),
            ("2", "Beta", "promising"),
            ("3", "Delta", "weak"),
            ("", "", ""),
        ]
        assert rows[3]["status"] == "error"

    def test_rank_says_what_holds_each_back(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "--rank", "-f", "markdown"])
        assert code == 3
        rows = [line for line in out.splitlines() if line.startswith("| ") and ".yaml" in line]
        assert rows[0].startswith("| 1 |")
        assert "| Alpha |" in rows[0]
        assert "no\\_appetite (blocker, caps at Weak); high\\_turnover (warning)" in rows[2]

    def test_rank_keeps_full_results(self, folder: Path) -> None:
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "--rank", "-f", "jsonl"])
        assert code == 3
        records = [json.loads(line) for line in out.splitlines()]
        assert [r["rank"] for r in records] == [1, 2, 3, None]
        assert [r["result"]["metadata"]["service"] for r in records[:3]] == [
            "Alpha",
            "Beta",
            "Delta",
        ]

    def test_warns_once_without_libyaml(
        self, folder: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("mutual_detector.loading.HAS_LIBYAML", False)
        code, _, err = invoke(["batch", str(folder), "-q", MINI, "-f", "csv"])
        assert code == 3
        warning = "mutual-detector: warning: libyaml is not installed"
        assert err.count(warning) == 1
        assert err.startswith(warning)

    def test_every_format_is_mapped(self) -> None:
        from mutual_detector.batch.records import BatchContext

        context = BatchContext("q", "1", "Q", "0" * 64, (("a", "A"),), (), "0")
        for fmt in BatchFormat:
            assert hasattr(fmt.renderer(context), "item")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mutual_detector", *args],
        capture_output=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1767225600", **(env or {})},
        timeout=120,
    )


@pytest.mark.slow
class TestSubprocess:
    def test_jobs_do_not_change_the_bytes(self, folder: Path) -> None:
        """-j 2 writes exactly the bytes -j 1 writes (jsonl and csv)."""
        for n in range(20):
            (folder / f"e{n:02}.yaml").write_text(good(f"S{n}", "some", n * 5), encoding="utf-8")
        rows = "".join(f"R{n},most,yes,{n},3,no,staff\n" for n in range(15))
        (folder / "rows.csv").write_text(
            "service,appetite,unions,turnover,readiness,equity,members\n" + rows, encoding="utf-8"
        )
        for fmt in ("jsonl", "csv"):
            one = _cli("batch", str(folder), "-q", MINI, "-f", fmt, "-j", "1")
            two = _cli("batch", str(folder), "-q", MINI, "-f", fmt, "-j", "2")
            assert one.returncode == two.returncode == 3
            assert one.stdout == two.stdout
            assert b"Traceback" not in one.stderr + two.stderr

    def test_exit_code_and_stderr(self, folder: Path) -> None:
        proc = _cli("batch", str(folder), "-q", MINI, "-f", "json", "--quiet")
        assert proc.returncode == 3
        assert json.loads(proc.stdout)["summary"]["exit_code"] == 3
        assert proc.stderr.decode().strip().endswith("[A202]")


@pytest.mark.slow
class TestSameAsAssess:
    def test_batch_results_are_what_assess_gives(self, tmp_path: Path) -> None:
        """A batch item's result is the result `assess --no-what-if` writes for the file."""
        path = tmp_path / "a.yaml"
        path.write_text(good("Alpha", "some", 12), encoding="utf-8")
        batch = _cli("batch", str(path), "-q", MINI, "-f", "jsonl")
        single = _cli("assess", "-a", str(path), "-q", MINI, "-f", "json", "--no-what-if")
        assert batch.returncode == single.returncode == 0, batch.stderr + single.stderr
        assert json.loads(batch.stdout)["result"] == json.loads(single.stdout)


def test_records_cross_processes_intact() -> None:
    """Records are pickled field by field (records._wire): every kind comes back equal."""
    import pickle

    from mutual_detector.batch.records import (
        BatchItem,
        ErrorRecord,
        FlagBrief,
        GateOutcome,
        Summary,
    )

    summary = Summary(
        service="Home care",
        organisation=None,
        assessor="A",
        date="2026-11-25",
        verdict="between",
        verdict_label="Between Strong and Weak",
        best="strong",
        worst="weak",
        indicative="promising",
        best_rank=0,
        worst_rank=2,
        indicative_rank=1,
        low=40.0,
        point=61.5,
        high=80.25,
        answered_share=0.9,
        readiness="behind",
        legal_form="CIC",
        flags=(
            FlagBrief("f1", "blocker", "Stop", "weak", "possible"),
            FlagBrief("f2", "warning", "Mind"),
        ),
        sections=(("s1", 50.0), ("s2", None)),
    )
    items = [
        BatchItem(
            0,
            "a.yaml",
            None,
            "ok",
            summary=summary,
            warnings=2,
            gate=GateOutcome(False, ("too low",)),
            payload="{}",
        ),
        BatchItem(1, "b.csv", 3, "error", errors=(ErrorRecord("b.csv", "bad", row=3, field="x"),)),
        BatchItem(2, "c.yaml", None, "skipped", note="a questionnaire file"),
    ]
    back = pickle.loads(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == items
    assert [type(i) for i in back] == [BatchItem] * 3
    assert type(back[0].summary.flags[0]) is FlagBrief
    assert back[0].summary.flags[1].caps is None
    assert back[0].summary.flags[1].status == "raised"
    assert (back[0].summary.decided, back[0].summary.score) == (False, 61.5)


# --------------------------------------------------------------------------- result@2


def _summary(verdict: str, indicative: int, worst: int, point: float, **kw: object) -> Any:
    from mutual_detector.batch.records import Summary

    bands = ["strong", "promising", "weak"]
    fields: dict[str, Any] = {
        "service": kw.pop("service", verdict),
        "organisation": None,
        "assessor": None,
        "date": None,
        "verdict": verdict,
        "verdict_label": verdict,
        "best": bands[min(indicative, worst)],
        "worst": bands[worst],
        "indicative": bands[indicative],
        "best_rank": min(indicative, worst),
        "worst_rank": worst,
        "indicative_rank": indicative,
        "low": point - 10 if verdict == "between" else point,
        "point": point,
        "high": point + 10 if verdict == "between" else point,
        "answered_share": 1.0,
        "readiness": "not_assessed",
        "legal_form": None,
    }
    fields.update(kw)
    return Summary(**fields)


BETWEEN = """\
format: mutual-detector/answers@1
questionnaire: mini
metadata: {service: Gamma}
answers:
  appetite: some
  unions: true
  turnover: dont_know
  readiness: dont_know
  equity: false
  members: [staff]
"""


class TestVerdictsThatHold:
    def test_rank_by_indicative_band_then_worst_band_then_point(self) -> None:
        """A decided Promising ranks above one that could still fall, whatever its point."""
        from mutual_detector.batch.rank import rank_key

        items = [
            BatchItem(0, "b.yaml", None, "ok", summary=_summary("between", 1, 2, 68.0)),
            BatchItem(1, "c.yaml", None, "ok", summary=_summary("promising", 1, 1, 55.0)),
            BatchItem(2, "a.yaml", None, "ok", summary=_summary("promising", 1, 1, 60.0)),
            BatchItem(3, "x.yaml", None, "error"),
            BatchItem(4, "s.yaml", None, "ok", summary=_summary("strong", 0, 0, 71.0)),
            BatchItem(5, "w.yaml", None, "ok", summary=_summary("weak", 2, 2, 49.0)),
        ]
        assert [i.source for i in sorted(items, key=rank_key)] == [
            "s.yaml",
            "a.yaml",
            "c.yaml",
            "b.yaml",
            "w.yaml",
            "x.yaml",
        ]

    def test_held_back_says_the_verdict_is_not_decided(self) -> None:
        from mutual_detector.batch.rank import held_back
        from mutual_detector.batch.records import BatchContext, FlagBrief

        context = BatchContext(
            "q",
            "1",
            "Q",
            "0" * 64,
            (("strong", "Strong"), ("promising", "Promising"), ("weak", "Weak")),
            (),
            "0",
        )
        s = _summary(
            "between",
            1,
            2,
            61.0,
            answered_share=0.5,
            flags=(FlagBrief("no_appetite", "blocker", "Few", "weak", "possible"),),
        )
        assert held_back(s, context)[:2] == [
            "not decided: could be Promising to Weak (50% answered)",
            "no_appetite (possible, would cap at Weak)",
        ]

    def test_csv_columns(self, folder: Path) -> None:
        (folder / "e-gamma.yaml").write_text(BETWEEN, encoding="utf-8")
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "csv"])
        assert code == 3
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
        assert list(rows[0])[:23] == [
            "input", "row", "status", "service", "organisation", "assessor", "date",
            "verdict", "verdict_label", "best", "worst", "indicative", "score", "low", "high",
            "answered", "readiness", "legal_form", "flags", "possible_flags", "gate", "message",
            "section:staff",
        ]  # fmt: skip
        delta, gamma = rows[3], rows[4]
        assert (delta["verdict"], delta["best"], delta["worst"], delta["legal_form"]) == (
            "weak", "weak", "weak", "",
        )  # fmt: skip
        assert delta["score"] == delta["low"] == delta["high"] == "12.5"
        assert gamma["verdict"] == "between"
        assert gamma["verdict_label"] == "Between Strong and Weak"
        assert (gamma["best"], gamma["worst"], gamma["indicative"]) == (
            "strong",
            "weak",
            "promising",
        )
        assert (gamma["low"], gamma["score"], gamma["high"]) == ("44.44", "61.11", "77.78")
        assert gamma["answered"] == "0.6667"  # by section weight, as the score is
        assert gamma["readiness"] == "not_assessed"
        assert gamma["flags"] == ""
        assert gamma["possible_flags"] == "high_turnover (warning)"

    def test_summary_counts_between_verdicts(self, folder: Path) -> None:
        (folder / "e-gamma.yaml").write_text(BETWEEN, encoding="utf-8")
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "json"])
        data = json.loads(out)
        assert data["summary"]["verdicts"] == {"between": 1, "promising": 1, "strong": 1, "weak": 1}
        assert code == 3
        code, out, _ = invoke(["batch", str(folder), "-q", MINI, "-f", "markdown"])
        assert out.rstrip().endswith(
            "5 inputs: 4 assessed (1 strong, 1 promising, 1 weak, 1 between two bands), "
            "1 could not be assessed."
        )
        gamma = next(line for line in out.splitlines() if "Gamma" in line)
        assert (
            "| **Between Strong and Weak** | 61.11 | 44.44–77.78 | 66.67% | not assessed |" in gamma
        )

    def test_rank_cli(self, folder: Path) -> None:
        (folder / "e-gamma.yaml").write_text(BETWEEN, encoding="utf-8")
        _code, out, _ = invoke(["batch", str(folder), "-q", MINI, "--rank", "-f", "csv"])
        rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
        # Gamma points to Promising like Beta, but could fall to Weak: it comes after Beta.
        assert [(r["rank"], r["service"]) for r in rows] == [
            ("1", "Alpha"), ("2", "Beta"), ("3", "Gamma"), ("4", "Delta"), ("", ""),
        ]  # fmt: skip

    def test_table_fits_and_wraps_the_verdict(self, folder: Path) -> None:
        from mutual_detector.batch.records import BatchContext
        from mutual_detector.render.batch_table import TableRenderer

        (folder / "e-gamma.yaml").write_text(BETWEEN, encoding="utf-8")
        items = _run(folder, 1, payload=False)
        context = BatchContext(
            "mini", "1.0", "Mini", "0" * 64, (("strong", "Strong"), ("weak", "Weak")), (), "0"
        )
        for width in (80, 120):
            renderer = TableRenderer(context, width=width)
            text = renderer.begin() + "".join(renderer.item(i) for i in items)
            assert max(len(line) for line in text.splitlines()) <= width
            assert "Between" in text
            # The verdict wraps between words in its column, never cut short.
            gamma = text[text.index("Between") - 60 :]
            assert {"Between", "Strong", "and", "Weak"} <= set(gamma.split())
            assert "61.11" in text
            assert "(44.4–77.8)" in text

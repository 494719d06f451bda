"""CI gating: ``--min-band`` / ``--min-score`` on ``batch`` (and ``assess``).

The rule the tests hold the commands to: the exit code always agrees with
the verdict that is printed, and the gate is conservative: ``--min-band``
passes only if the worst band the unknown answers could lead to is good
enough, ``--min-score`` compares the low end of the score's range.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.errors import UsageError
from mutual_detector.gate import Gate

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"
MINI = str(ASSETS / "mini.yaml")
CLI = [sys.executable, "-m", "mutual_detector"]
BANDS = [("strong", "Strong"), ("promising", "Promising"), ("weak", "Weak")]

ANSWERS = """\
format: mutual-detector/answers@1
questionnaire: mini
metadata: {{service: {service}}}
answers:
{answers}
"""
FULL = """\
  appetite: {appetite}
  unions: true
  turnover: 5
  readiness: {readiness}
  equity: false
  members: [staff]
"""
UNKNOWN = """\
  appetite: dont_know
  turnover: dont_know
  readiness: dont_know
  equity: false
  members: [staff]
"""


def write(folder: Path, name: str, appetite: str | None) -> Path:
    readiness = 3 if appetite == "some" else 4
    body = FULL.format(appetite=appetite, readiness=readiness) if appetite else UNKNOWN
    path = folder / f"{name}.yaml"
    path.write_text(ANSWERS.format(service=name, answers=body), encoding="utf-8")
    return path


@pytest.fixture
def services(tmp_path: Path) -> Path:
    """strong (95.83), promising (69.44), weak (few: a blocker), and between Strong and Weak
    (everything "don't know": point 50, could be 0-100)."""
    write(tmp_path, "a-strong", "most")
    write(tmp_path, "b-promising", "some")
    write(tmp_path, "c-weak", "few")
    write(tmp_path, "d-between", None)
    return tmp_path


class TestGate:
    def test_band_order(self) -> None:
        gate = Gate.build(BANDS, "promising", None)
        assert gate is not None
        assert gate.check(worst="strong", low=80).passed
        assert gate.check(worst="promising", low=50).passed
        outcome = gate.check(worst="weak", low=69)
        assert not outcome.passed
        assert outcome.reasons == ("band 'Weak' is below --min-band promising ('Promising')",)

    def test_a_between_verdict_passes_only_if_its_worst_band_does(self) -> None:
        """Conservative: what the unknown answers could lead to must be good enough."""
        gate = Gate.build(BANDS, "promising", None)
        assert gate is not None
        assert gate.check(worst="promising", low=55, decided=False, point=70).passed
        outcome = gate.check(worst="weak", low=40, decided=False, point=75)
        assert not outcome.passed
        assert outcome.line() == (
            "gate: FAILED: the unknown answers could lead to 'Weak', below --min-band promising "
            "('Promising'); answer them to settle it"
        )

    def test_score_compares_the_low_end(self) -> None:
        gate = Gate.build(BANDS, None, 60)
        assert gate is not None
        assert gate.check(worst="weak", low=60).passed
        assert gate.check(worst="weak", low=59.99, point=59.99).reasons == (
            "score 59.99 is below --min-score 60",
        )
        assert gate.check(worst="weak", low=48, decided=False, point=72).reasons == (
            "the score could be as low as 48 (point estimate 72), below --min-score 60",
        )
        assert gate.check(worst="weak", low=None).reasons == ("no score is below --min-score 60",)

    def test_both_must_pass(self) -> None:
        gate = Gate.build(BANDS, "strong", 50)
        assert gate is not None
        outcome = gate.check(worst="promising", low=40)
        assert len(outcome.reasons) == 2
        assert gate.describe() == "--min-band strong --min-score 50"

    def test_no_options_no_gate(self) -> None:
        assert Gate.build(BANDS, None, None) is None

    @pytest.mark.parametrize("given", ["promising", "PROMISING", "Promising", " promising "])
    def test_band_ids_in_any_case(self, given: str) -> None:
        gate = Gate.build(BANDS, given.strip(), None)
        assert gate is not None
        assert gate.min_band == "promising"

    @pytest.mark.parametrize(
        "given", ["Strong candidate", "strong CANDIDATE", "Promising, with gaps to close"]
    )
    def test_labels_in_any_case(self, given: str) -> None:
        bands = [
            ("strong", "Strong candidate"),
            ("promising", "Promising, with gaps to close"),
            ("weak", "Weak candidate"),
        ]
        gate = Gate.build(bands, given, None)
        assert gate is not None
        assert gate.min_band == given.split()[0].lower().rstrip(",")

    @pytest.mark.parametrize(
        ("band", "score", "message"),
        [
            ("great", None, "--min-band 'great' is not a band of this questionnaire; choose a "
             "band id or label, best first: strong ('Strong'), promising ('Promising'), weak "
             "('Weak')"),
            (None, 101.0, "--min-score must be between 0 and 100, got 101"),
            (None, float("nan"), "--min-score must be between 0 and 100, got nan"),
        ],
    )  # fmt: skip
    def test_bad_options(self, band: str | None, score: float | None, message: str) -> None:
        with pytest.raises(UsageError) as caught:
            Gate.build(BANDS, band, score)
        assert caught.value.message == message


def batch(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["batch", *args, "-q", MINI])
    return result.exit_code, result.stdout, result.stderr


class TestBatchGate:
    @pytest.mark.parametrize(
        ("gate", "passing"),
        [
            (["--min-band", "strong"], ["a-strong"]),
            (["--min-band", "promising"], ["a-strong", "b-promising"]),
            # d-between could fall to Weak, and no lower: it passes a Weak gate.
            (["--min-band", "weak"], ["a-strong", "b-promising", "c-weak", "d-between"]),
            (["--min-band", "Weak"], ["a-strong", "b-promising", "c-weak", "d-between"]),
            (["--min-score", "60"], ["a-strong", "b-promising"]),
            (["--min-score", "0"], ["a-strong", "b-promising", "c-weak", "d-between"]),
        ],
    )
    def test_exit_code_agrees_with_printed_verdicts(
        self, services: Path, gate: list[str], passing: list[str]
    ) -> None:
        code, out, _ = batch([str(services), *gate, "-f", "jsonl"])
        records = [json.loads(line) for line in out.splitlines()]
        passed = [Path(r["source"]).stem for r in records if r["gate"]["passed"]]
        assert passed == passing
        assert code == (0 if len(passing) == len(records) else 1)
        for r in records:
            verdict = r["result"]["verdict"]
            if verdict["status"] == "between" and not r["gate"]["passed"]:
                reason = r["gate"]["reasons"][0]
                assert "could lead to" in reason or "could be as low as" in reason

    def test_everything_passes(self, services: Path) -> None:
        code, out, _ = batch([str(services), "--min-band", "weak"])
        assert code == 0
        assert out.count("passed") == 4
        assert out.splitlines()[-1] == (
            "4 inputs: 4 assessed (1 strong, 1 promising, 1 weak, 1 between two bands), "
            "0 below the gate (--min-band weak)."
        )

    def test_table_marks_each_failure(
        self, services: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(services)
        code, out, _ = batch([".", "--min-band", "promising"])
        assert code == 1
        # At 120 columns with a gate column the table is stacked: a block per service.
        blocks = [b for b in out.split("\n\n") if ".yaml" in b]
        rows = {b.strip().split()[0]: b for b in blocks}
        failed = sorted(Path(k).stem for k, v in rows.items() if "Gate: FAILED" in v)
        assert failed == ["c-weak", "d-between"]

    def test_csv_gate_column(self, services: Path) -> None:
        code, out, _ = batch([str(services), "--min-band", "promising", "-f", "csv"])
        assert code == 1
        lines = out.lstrip("\ufeff").splitlines()
        gate = lines[0].split(",").index("gate")
        assert [line.split(",")[gate] for line in lines[1:]] == [
            "passed",
            "passed",
            "failed",
            "failed",
        ]

    def test_an_unreadable_input_wins_over_the_gate(self, services: Path) -> None:
        (services / "e-broken.yaml").write_text("format: [\n", encoding="utf-8")
        code, _, _ = batch([str(services), "--min-band", "promising"])
        assert code == 3

    def test_unknown_band_is_a_usage_error(self, services: Path) -> None:
        code, _, err = batch([str(services), "--min-band", "great"])
        assert code == 2
        assert "choose a band id or label, best first: strong ('Strong')" in err


@pytest.mark.slow
class TestBuiltInExamples:
    def test_examples_gate_in_a_subprocess(self) -> None:
        """The built-in questionnaire's examples: exit code and gate column agree."""
        proc = subprocess.run(
            [*CLI, "batch", "examples", "-f", "jsonl", "--min-band", "promising", "--quiet"],
            capture_output=True,
            cwd=ROOT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        records = [json.loads(line) for line in proc.stdout.splitlines()]
        assessed = [r for r in records if r["status"] == "ok"]
        assert assessed, proc.stderr
        for r in assessed:
            verdict = r["result"]["verdict"]
            assert r["gate"]["passed"] is (verdict["worst"] in ("strong", "promising"))
        failed = any(not r["gate"]["passed"] for r in assessed)
        errors = any(r["status"] == "error" for r in records)
        assert proc.returncode == (3 if errors else 1 if failed else 0)


class TestAssessGate:
    @pytest.mark.parametrize(
        ("name", "gate", "code"),
        [
            ("a-strong", ["--min-band", "strong"], 0),
            ("a-strong", ["--min-band", "STRONG"], 0),
            ("b-promising", ["--min-band", "strong"], 1),
            ("b-promising", ["--min-band", "promising", "--min-score", "69"], 0),
            ("b-promising", ["--min-score", "70"], 1),
            ("c-weak", ["--min-band", "weak"], 0),
            ("d-between", ["--min-band", "weak"], 0),
            ("d-between", ["--min-band", "promising"], 1),
            ("d-between", ["--min-score", "0"], 0),
            ("d-between", ["--min-score", "40"], 1),
        ],
    )
    def test_exit_code_agrees_with_the_printed_verdict(
        self, services: Path, name: str, gate: list[str], code: int
    ) -> None:
        args = ["assess", "-a", str(services / f"{name}.yaml"), "-q", MINI, "-f", "json"]
        result = CliRunner().invoke(app, [*args, "--no-input", *gate])
        assert result.exit_code == code, result.stderr
        verdict = json.loads(result.stdout)["verdict"]
        line = result.stderr.splitlines()[-1]
        assert line.startswith(
            "mutual-detector: gate: passed" if code == 0 else "mutual-detector: gate: FAILED"
        )
        if verdict["status"] == "between" and code:
            assert "could" in line

    def test_no_gate_no_line(self, services: Path) -> None:
        args = ["assess", "-a", str(services / "c-weak.yaml"), "-q", MINI, "-f", "json"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0
        assert "mutual-detector: gate" not in result.stderr

    def test_unknown_band(self, services: Path) -> None:
        args = ["assess", "-a", str(services / "c-weak.yaml"), "-q", MINI, "--min-band", "x"]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
        assert "is not a band of this questionnaire" in result.stderr

    @pytest.mark.slow
    def test_subprocess_text_report(self, services: Path) -> None:
        """A real process: the report names the band; the gate line and exit code agree."""
        proc = subprocess.run(
            [
                *CLI,
                "assess",
                "-a",
                str(services / "c-weak.yaml"),
                "-q",
                MINI,
                "--min-band",
                "promising",
            ],
            capture_output=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        assert proc.returncode == 1
        assert b"Weak" in proc.stdout
        assert proc.stderr.decode().splitlines()[-1] == (
            "mutual-detector: gate: FAILED: band 'Weak' is below --min-band promising "
            "('Promising') (--min-band promising)"
        )

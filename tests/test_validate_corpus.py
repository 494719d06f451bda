"""The bad corpus: every file in tests/bad/ says what it expects, and every output format agrees.

Each bad file starts with ``# expect: RULE at LINE:COL`` lines (``at ...`` may be
left out where the place is not meaningful, e.g. an alias bomb). The places were
computed from the files' text when the corpus was written, not copied from the
tool's output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.model.findings import RULES
from mutual_detector.validation import INPUT_RULES

BAD = Path(__file__).resolve().parent / "bad"
SARIF_SCHEMA = Path(__file__).resolve().parent / "assets" / "sarif-schema-2.1.0.json"
_EXPECT = re.compile(r"^# expect: (?P<rule>[EQA]\d{3})(?: at (?P<line>\d+)(?::(?P<col>\d+))?)?$")


@dataclass(frozen=True)
class Expected:
    rule: str
    line: int | None
    column: int | None


def _expectations(path: Path) -> list[Expected]:
    out = []
    for raw in path.read_bytes().decode("latin-1").splitlines():
        if not raw.startswith("#"):
            break
        m = _EXPECT.match(raw)
        if m:
            line, col = m["line"], m["col"]
            out.append(Expected(m["rule"], int(line) if line else None, int(col) if col else None))
    return out


CORPUS = sorted(p for p in BAD.rglob("*.yaml") if _expectations(p))


def _exit_code(expected: list[Expected], strict: bool = False) -> int:
    if any(e.rule in INPUT_RULES for e in expected):
        return 3
    if any(RULES[e.rule].level == "error" for e in expected):
        return 1
    return 1 if strict else 0


def _rel(path: Path) -> str:
    return path.relative_to(Path.cwd()).as_posix()


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are shown relative to the working folder: run from the repository root."""
    monkeypatch.chdir(BAD.parents[1])


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


class TestCorpus:
    def test_corpus_is_big_enough_and_covers_every_family(self) -> None:
        """At least 25 bad files, with reading, questionnaire and answers rules."""
        rules = {e.rule for p in CORPUS for e in _expectations(p)}
        assert len(CORPUS) >= 25
        assert {r[0] for r in rules} == {"E", "Q", "A"}

    def test_every_lint_rule_has_a_bad_file(self) -> None:
        """Each questionnaire (Q) and answers (A) rule fires on at least one corpus file."""
        rules = {e.rule for p in CORPUS for e in _expectations(p)}
        missing = sorted(r for r in RULES if r[0] in "QA" and r not in rules)
        assert missing == []

    def test_good_questionnaire_of_the_answers_folder_is_clean(self, runner: CliRunner) -> None:
        """The questionnaire the bad answers files use has no findings itself."""
        result = runner.invoke(app, ["validate", "tests/bad/answers/questionnaire.yaml"])
        assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(BAD).as_posix())
class TestEachBadFile:
    def test_text(self, path: Path, runner: CliRunner) -> None:
        """Text output has ``file:line:col: level: ... [RULE name]`` and a fix for each expectation."""
        expected = _expectations(path)
        result = runner.invoke(app, ["validate", str(path)])
        assert result.exit_code == _exit_code(expected), result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = result.stdout.splitlines()
        for e in expected:
            where = _rel(path)
            if e.line is not None:
                where += f":{e.line}" + (f":{e.column}" if e.column is not None else "")
            tag = f"[{e.rule} {RULES[e.rule].name}]"
            hits = [
                i for i, line in enumerate(lines) if line.startswith(where + ":") and tag in line
            ]
            assert hits, f"no line for {where} {tag} in:\n{result.stdout}"
            assert lines[hits[0] + 1] == f"    fix: {RULES[e.rule].hint}"

    def test_json(self, path: Path, runner: CliRunner) -> None:
        """JSON findings carry exactly the expected rules at the expected places."""
        expected = _expectations(path)
        result = runner.invoke(app, ["validate", "--format", "json", str(path)])
        data = json.loads(result.stdout)
        assert data["exit_code"] == result.exit_code == _exit_code(expected)
        found = [(f["rule"], f["line"], f["column"]) for f in data["findings"]]
        assert len(found) == len(expected)
        for e in expected:
            assert any(
                rule == e.rule
                and (e.line is None or line == e.line)
                and (e.column is None or col == e.column)
                for rule, line, col in found
            ), (e, found)

    def test_github(self, path: Path, runner: CliRunner) -> None:
        """One ``::error``/``::warning`` annotation per expectation, at its place."""
        expected = _expectations(path)
        result = runner.invoke(app, ["validate", "--format", "github", str(path)])
        assert result.exit_code == _exit_code(expected)
        annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
        assert len(annotations) == len(expected)
        for e in expected:
            level = RULES[e.rule].level
            props = f"file={_rel(path)}"
            if e.line is not None:
                props += f",line={e.line}" + (f",col={e.column}" if e.column is not None else "")
            prefix = f"::{level} {props}"
            title = f"title={e.rule} {RULES[e.rule].name}::"
            assert any(a.startswith(prefix) and title in a for a in annotations), annotations

    def test_sarif(
        self, path: Path, runner: CliRunner, sarif_validator: jsonschema.protocols.Validator
    ) -> None:
        """A valid SARIF 2.1.0 log with one result per expectation, at its place."""
        expected = _expectations(path)
        result = runner.invoke(app, ["validate", "--format", "sarif", str(path)])
        assert result.exit_code == _exit_code(expected)
        log = json.loads(result.stdout)
        errors = [e.message for e in sarif_validator.iter_errors(log)]
        assert errors == []
        results = log["runs"][0]["results"]
        assert len(results) == len(expected)
        places = [
            (
                r["ruleId"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"],
            )
            for r in results
        ]
        for e in expected:
            assert any(
                rule == e.rule
                and uri == _rel(path)
                and (e.line is None or region["startLine"] == e.line)
                and (e.column is None or region.get("startColumn") == e.column)
                for rule, uri, region in places
            ), (e, places)

    def test_strict_fails_on_warnings(self, path: Path, runner: CliRunner) -> None:
        """--strict turns a file with only warnings into a failure."""
        expected = _expectations(path)
        result = runner.invoke(app, ["validate", "--strict", str(path)])
        assert result.exit_code == _exit_code(expected, strict=True)


@pytest.mark.slow
def test_whole_corpus_in_a_real_process_never_shows_a_traceback() -> None:
    """A real run over the whole corpus, in every format: exit 3 (unreadable files), no traceback."""
    for fmt in ("text", "json", "github", "sarif"):
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", "validate", "--format", fmt, str(BAD)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 3, proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        assert proc.stderr == ""

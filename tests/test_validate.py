"""``mutual-detector validate``: what is checked, against what, and how it is reported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector import __version__
from mutual_detector.cli import app
from mutual_detector.loading import builtin_dir, builtin_paths, display_path
from mutual_detector.model.findings import RULES, Finding, finding
from mutual_detector.render.findings import FindingsFormat, render_github, render_json, render_text
from mutual_detector.validation import FileResult, ValidationReport, validate_paths

ASSETS = Path(__file__).resolve().parent / "assets"
TreeWriter = Callable[[dict[str, str | bytes]], Path]
MINI = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
MINI_ANSWERS = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")


def _json(result: object) -> dict[str, object]:
    return json.loads(result.stdout)  # type: ignore[attr-defined]


class TestBuiltins:
    def test_no_path_checks_the_builtins(self, runner: CliRunner) -> None:
        """``validate`` alone checks every built-in questionnaire and they pass."""
        result = runner.invoke(app, ["validate", "--format", "json"])
        data = _json(result)
        assert result.exit_code == 0, data["findings"]
        checked = {f["file"] for f in data["files"] if f["kind"] == "questionnaire"}
        assert checked == {display_path(p) for p in builtin_paths()}
        assert checked

    def test_bare_command_checks_the_builtins_and_shows_the_next_step(
        self, runner: CliRunner
    ) -> None:
        """``mutual-detector`` with no arguments validates the built-ins, then says what to do next."""
        result = runner.invoke(app, [])
        assert result.exit_code == 0, result.output
        assert "no problems found" in result.stdout
        assert "Next: run `mutual-detector assess` in a terminal" in result.stdout

    def test_builtins_from_another_folder(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The built-ins are found wherever the command is run from."""
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(app, ["validate"])
        assert result.exit_code == 0, result.output

    def test_missing_builtins_are_an_input_error(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A broken installation without built-ins says so (exit 3) instead of passing."""
        monkeypatch.setattr("mutual_detector.validation.builtin_paths", list)
        monkeypatch.setattr("mutual_detector.validation.builtin_dir", lambda: tmp_path)
        result = runner.invoke(app, ["validate"])
        assert result.exit_code == 3
        assert "no built-in questionnaires found" in result.stdout


class TestFilesAndFolders:
    def test_folders_are_searched_recursively(self, write_tree: TreeWriter) -> None:
        """Questionnaires and answers in sub-folders are found; other YAML is skipped."""
        root = write_tree(
            {
                "a/b/mini.yaml": MINI,
                "a/b/mini-answers.yaml": MINI_ANSWERS,
                "a/workflow.yml": "name: build\non: push\n",
                "a/list.yaml": "- 1\n- 2\n",
                "a/.hidden/broken.yaml": "format: [",
                "a/notes.txt": "not yaml",
            }
        )
        report = validate_paths([root / "a"])
        kinds = {Path(f.file).name: (f.kind, f.status) for f in report.files}
        assert kinds == {
            "mini.yaml": ("questionnaire", "ok"),
            "mini-answers.yaml": ("answers", "ok"),
            "workflow.yml": (None, "skipped"),
        }
        assert report.exit_code == 0

    def test_a_named_file_must_be_ours(self, runner: CliRunner, write_tree: TreeWriter) -> None:
        """A file named on the command line without a format line is an error (E007, exit 3)."""
        root = write_tree({"other.yaml": "name: build\n"})
        result = runner.invoke(app, ["validate", str(root / "other.yaml")])
        assert result.exit_code == 3
        assert "[E007 unknown-format]" in result.stdout

    def test_ignore_unknown_skips_named_files_that_are_not_ours(
        self, runner: CliRunner, write_tree: TreeWriter
    ) -> None:
        """--ignore-unknown (the pre-commit hook's setting) skips them instead."""
        root = write_tree({"other.yaml": "name: build\n", "mini.yaml": MINI})
        result = runner.invoke(
            app, ["validate", "--ignore-unknown", str(root / "other.yaml"), str(root / "mini.yaml")]
        )
        assert result.exit_code == 0, result.output
        assert "1 other file skipped" in result.stdout

    def test_our_format_with_an_unknown_version_is_never_skipped(
        self, runner: CliRunner, write_tree: TreeWriter
    ) -> None:
        """A mutual-detector file of a version this tool cannot read is reported even in folders."""
        root = write_tree({"d/new.yaml": "format: mutual-detector/questionnaire@2\n"})
        result = runner.invoke(app, ["validate", "--ignore-unknown", str(root / "d")])
        assert result.exit_code == 3
        assert "questionnaire@2" in result.stdout

    def test_missing_path(self, runner: CliRunner, tmp_path: Path) -> None:
        """A path that does not exist: one finding, exit 3."""
        result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
        assert result.exit_code == 3
        assert "no such file [E008 unreadable]" in result.stdout

    def test_one_bad_file_does_not_hide_the_others(self, write_tree: TreeWriter) -> None:
        """An unreadable file is reported and the good files are still checked."""
        root = write_tree(
            {"bad.yaml": "format: mutual-detector/answers@1\nx: [\n", "mini.yaml": MINI}
        )
        report = validate_paths([root])
        statuses = {Path(f.file).name: f.status for f in report.files}
        assert statuses == {"bad.yaml": "unreadable", "mini.yaml": "ok"}
        assert report.exit_code == 3

    def test_same_file_twice_is_checked_once(self, write_tree: TreeWriter) -> None:
        root = write_tree({"mini.yaml": MINI})
        report = validate_paths([root / "mini.yaml", root, root / "." / "mini.yaml"])
        assert len(report.files) == 1


class TestAnswersAgainstTheirQuestionnaire:
    def test_questionnaire_in_the_same_folder_is_used(self, write_tree: TreeWriter) -> None:
        """Answers are checked against the questionnaire with their id in their folder."""
        root = write_tree(
            {
                "q/mini.yaml": MINI,
                "q/answers.yaml": MINI_ANSWERS.replace("turnover: 12", "turnover: 140"),
            }
        )
        report = validate_paths([root / "q" / "answers.yaml"])
        (result,) = report.files
        assert result.questionnaire == display_path(root / "q" / "mini.yaml")
        assert [f.rule for f in report.findings] == ["A203"]

    def test_questionnaire_among_the_files_given(self, write_tree: TreeWriter) -> None:
        """Failing that, a questionnaire with the id among the files given."""
        root = write_tree({"q/mini.yaml": MINI, "a/answers.yaml": MINI_ANSWERS})
        report = validate_paths([root / "a", root / "q"])
        answers = next(f for f in report.files if f.kind == "answers")
        assert answers.questionnaire == display_path(root / "q" / "mini.yaml")
        assert report.exit_code == 0

    def test_builtin_by_id(self, write_tree: TreeWriter) -> None:
        """Failing that, the built-in questionnaire with that id."""
        root = write_tree(
            {
                "a.yaml": """
                format: mutual-detector/answers@1
                questionnaire: mutual-detector
                status: draft
                answers:
                  no_such_question_here: yes
                """
            }
        )
        report = validate_paths([root / "a.yaml"])
        assert report.files[0].questionnaire == display_path(builtin_dir() / "mutual-detector.yaml")
        assert [(f.rule, f.line) for f in report.findings] == [("A201", 5)]

    def test_unknown_questionnaire(self, write_tree: TreeWriter) -> None:
        """No questionnaire with that id anywhere: A206 on the `questionnaire:` line."""
        root = write_tree({"a.yaml": MINI_ANSWERS})
        report = validate_paths([root / "a.yaml"])
        assert [(f.rule, f.line, f.column) for f in report.findings] == [("A206", 2, 16)]
        assert "--questionnaire" in report.findings[0].message

    def test_questionnaire_option_wins(self, runner: CliRunner, write_tree: TreeWriter) -> None:
        """--questionnaire PATH is used even when another questionnaire is next to the answers."""
        broken = MINI.replace("id: appetite", "id: unions")
        root = write_tree(
            {"a/mini.yaml": broken, "a/answers.yaml": MINI_ANSWERS, "good.yaml": MINI}
        )
        result = runner.invoke(
            app,
            [
                "validate",
                "-f",
                "json",
                "--questionnaire",
                str(root / "good.yaml"),
                str(root / "a" / "answers.yaml"),
            ],
        )
        data = _json(result)
        assert result.exit_code == 0, data
        assert data["files"][0]["questionnaire"] == display_path(root / "good.yaml")

    def test_questionnaire_option_with_another_id(self, write_tree: TreeWriter) -> None:
        """Answers for another questionnaire than the one given: A206."""
        root = write_tree(
            {"good.yaml": MINI.replace("id: mini", "id: other"), "a.yaml": MINI_ANSWERS}
        )
        report = validate_paths([root / "a.yaml"], questionnaire=str(root / "good.yaml"))
        assert [f.rule for f in report.findings] == ["A206"]

    def test_unknown_questionnaire_option_is_an_input_error(self, runner: CliRunner) -> None:
        """An id that is neither a file nor a built-in: exit 3 (as in every command), one line
        naming the built-ins."""
        result = runner.invoke(app, ["validate", "--questionnaire", "nosuch"])
        assert result.exit_code == 3
        assert result.stderr.strip().splitlines() == [
            "mutual-detector: error: no questionnaire 'nosuch': not a file, "
            "nor a built-in id (built-ins: " + ", ".join(p.stem for p in builtin_paths()) + ")"
        ]

    def test_questionnaire_with_errors(self, write_tree: TreeWriter) -> None:
        """Answers for a questionnaire that has errors are not checked (A209); both are reported."""
        root = write_tree(
            {"mini.yaml": MINI.replace("id: appetite", "id: unions"), "a.yaml": MINI_ANSWERS}
        )
        report = validate_paths([root])
        rules = sorted({f.rule for f in report.findings})
        assert "A209" in rules
        assert "Q101" in rules


class TestParts:
    PARTS_Q = MINI.replace("questions:\n", "include: [parts/more.yaml]\nquestions:\n", 1)
    PART = """
    format: mutual-detector/questionnaire-part@1
    questions:
      - id: extra
        section: money
        kind: yes_no
        prompt: Is there more?
        help: h
        why: w
        cite: [domain-1-2]
        yes_score: 1
        no_score: 0
        when: "nothing_like_this == true"
    """

    def test_error_in_a_part_is_located_in_the_part(self, write_tree: TreeWriter) -> None:
        """A finding in an included file names that file, line and column."""
        root = write_tree({"q.yaml": self.PARTS_Q, "parts/more.yaml": self.PART})
        report = validate_paths([root / "q.yaml"])
        (f,) = report.findings
        assert (f.rule, f.file, f.line, f.column) == (
            "Q102",
            display_path(root / "parts" / "more.yaml"),
            12,
            12,
        )

    def test_a_part_named_alone_is_checked_with_its_questionnaire(
        self, write_tree: TreeWriter
    ) -> None:
        """As pre-commit passes only changed files, a part finds the questionnaire that includes it."""
        root = write_tree({"q.yaml": self.PARTS_Q, "parts/more.yaml": self.PART})
        report = validate_paths([root / "parts" / "more.yaml"])
        part = next(f for f in report.files if f.kind == "part")
        assert part.questionnaire == display_path(root / "q.yaml")
        assert part.status == "errors"
        assert [f.rule for f in report.findings] == ["Q102"]

    def test_parts_are_not_checked_twice(self, write_tree: TreeWriter) -> None:
        root = write_tree({"q.yaml": self.PARTS_Q, "parts/more.yaml": self.PART})
        report = validate_paths([root])
        assert len(report.findings) == 1

    def test_orphan_part_gets_a_shape_check(self, write_tree: TreeWriter) -> None:
        """A part that no questionnaire includes is checked against the part format only."""
        root = write_tree({"lonely.yaml": self.PART.replace("prompt:", "promt:")})
        report = validate_paths([root / "lonely.yaml"])
        assert {f.rule for f in report.findings} == {"E010"}
        assert report.files[0].note is not None


class TestStrictAndExitCodes:
    WARN_ONLY = MINI.replace("    help: Count those who said so.\n", "")

    def test_warnings_pass_without_strict(self, runner: CliRunner, write_tree: TreeWriter) -> None:
        root = write_tree({"q.yaml": self.WARN_ONLY})
        result = runner.invoke(app, ["validate", str(root / "q.yaml")])
        assert result.exit_code == 0
        assert "[Q112 missing-help]" in result.stdout

    def test_strict_fails_on_warnings(self, runner: CliRunner, write_tree: TreeWriter) -> None:
        root = write_tree({"q.yaml": self.WARN_ONLY})
        result = runner.invoke(app, ["validate", "--strict", str(root / "q.yaml")])
        assert result.exit_code == 1
        assert "warnings count as failures with --strict" in result.stdout

    def test_help_documents_the_exit_codes(self, runner: CliRunner) -> None:
        for args, three in (
            (["--help"], "3 an input file could not be read, parsed or validated"),
            (["validate", "--help"], "3 a file could not be read or parsed"),
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 0
            text = " ".join(result.stdout.replace("│", " ").split())
            assert "Exit codes" in text
            assert three in text

    def test_negative_weight_is_a_schema_error(self, write_tree: TreeWriter) -> None:
        """Weights below zero are refused by the format (E010) at the weight."""
        text = MINI.replace("weight: 2\n", "weight: -2\n", 1)
        line = text.splitlines().index(next(x for x in text.splitlines() if "weight: -2" in x)) + 1
        root = write_tree({"q.yaml": text})
        report = validate_paths([root / "q.yaml"])
        assert [(f.rule, f.line) for f in report.findings] == [("E010", line)]


class TestOutputFile:
    def test_output_writes_the_report_and_keeps_the_exit_code(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """--output FILE: the report goes to the file, a summary to stderr, the exit code is kept."""
        bad = Path(__file__).parent / "bad" / "q103-forward-reference.yaml"
        target = tmp_path / "report.sarif"
        result = runner.invoke(app, ["validate", "-f", "sarif", "-o", str(target), str(bad)])
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "Report written to" in result.stderr
        again = runner.invoke(app, ["validate", "-f", "sarif", str(bad)])
        assert target.read_text(encoding="utf-8") == again.stdout
        assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]

    def test_output_into_a_missing_folder(self, runner: CliRunner, tmp_path: Path) -> None:
        """An output that cannot be written: exit 4 and one line, no traceback."""
        result = runner.invoke(app, ["validate", "-o", str(tmp_path / "no" / "r.txt")])
        assert result.exit_code == 4
        assert result.stderr.count("\n") == 1
        assert "does not exist" in result.stderr


# --------------------------------------------------------------------------- renderers

SAMPLE = ValidationReport(
    files=(
        FileResult("q.yaml", "questionnaire", "errors", errors=1, warnings=1),
        FileResult("other.yml", None, "skipped", note="not a mutual-detector file"),
    ),
    findings=(
        finding("Q103", "'b' is asked after 'a'", ("questions", 0, "when")).located(
            "q.yaml", 7, 12
        ),
        finding("Q112", "scored question 'b' has no help", ("questions", 1)).located(
            "q.yaml", 9, 5
        ),
    ),
)


class TestRenderers:
    def test_every_format_has_a_renderer(self) -> None:
        """The format enum maps every member to a renderer that returns text."""
        for fmt in FindingsFormat:
            out = fmt.render(SAMPLE)
            assert isinstance(out, str)
            assert out.endswith("\n")

    def test_text(self) -> None:
        assert render_text(SAMPLE) == (
            "q.yaml:7:12: error: questions[0].when: 'b' is asked after 'a' [Q103 forward-reference]\n"
            "    fix: Move the question after the ones its `when:` reads.\n"
            "q.yaml:9:5: warning: questions[1]: scored question 'b' has no help [Q112 missing-help]\n"
            "    fix: Add `help:`, `why:` and `cite:`.\n"
            "Checked 1 file (1 questionnaire; 1 other file skipped): 1 error, 1 warning.\n"
        )

    def test_text_in_colour(self) -> None:
        out = render_text(SAMPLE, color=True)
        assert "\x1b[" in out
        plain = render_text(SAMPLE)
        import re

        assert re.sub(r"\x1b\[[0-9;]*m", "", out) == plain

    def test_json_structure(self) -> None:
        """The JSON structure is stable: pinned here, documented in docs/errors.md."""
        assert json.loads(render_json(SAMPLE)) == {
            "format": "mutual-detector/validate@1",
            "tool": {"name": "mutual-detector", "version": __version__},
            "ok": False,
            "exit_code": 1,
            "strict": False,
            "summary": {"files": 1, "skipped": 1, "errors": 1, "warnings": 1, "unreadable": 0},
            "files": [
                {
                    "file": "q.yaml",
                    "kind": "questionnaire",
                    "status": "errors",
                    "errors": 1,
                    "warnings": 1,
                    "questionnaire": None,
                    "note": None,
                },
                {
                    "file": "other.yml",
                    "kind": None,
                    "status": "skipped",
                    "errors": 0,
                    "warnings": 0,
                    "questionnaire": None,
                    "note": "not a mutual-detector file",
                },
            ],
            "findings": [
                {
                    "rule": "Q103",
                    "name": "forward-reference",
                    "level": "error",
                    "message": "'b' is asked after 'a'",
                    "hint": RULES["Q103"].hint,
                    "file": "q.yaml",
                    "line": 7,
                    "column": 12,
                    "path": "questions[0].when",
                },
                {
                    "rule": "Q112",
                    "name": "missing-help",
                    "level": "warning",
                    "message": "scored question 'b' has no help",
                    "hint": RULES["Q112"].hint,
                    "file": "q.yaml",
                    "line": 9,
                    "column": 5,
                    "path": "questions[1]",
                },
            ],
        }

    def test_json_is_deterministic(self) -> None:
        assert render_json(SAMPLE) == render_json(SAMPLE)
        assert render_json(SAMPLE).startswith('{\n  "exit_code"')

    def test_github_escapes_data_and_properties(self) -> None:
        """``%``, line breaks, ``:`` and ``,`` are escaped as GitHub's workflow commands require."""
        report = ValidationReport(
            files=(FileResult("a,b:c.yaml", "answers", "errors", errors=1),),
            findings=(
                Finding(
                    "A202", "100% wrong\nreally", ("answers", "q"), "error", "a,b:c.yaml", 3, None
                ),
            ),
        )
        first = render_github(report).splitlines()[0]
        assert first == (
            "::error file=a%2Cb%3Ac.yaml,line=3,title=A202 wrong-kind::"
            "answers.q: 100%25 wrong%0Areally%0AFix: Answer as the question's kind expects."
        )

    def test_sarif_describes_every_rule(self) -> None:
        log = json.loads(FindingsFormat.sarif.render(SAMPLE))
        driver = log["runs"][0]["tool"]["driver"]
        assert [r["id"] for r in driver["rules"]] == list(RULES)
        for rule in driver["rules"]:
            source = RULES[rule["id"]]
            assert rule["name"] == source.name
            assert rule["shortDescription"]["text"] == source.summary
            assert rule["help"]["text"] == source.hint
        for result in log["runs"][0]["results"]:
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]

    def test_sarif_uri_for_a_file_outside_the_working_folder(self, tmp_path: Path) -> None:
        """Files outside the working folder get absolute file: URIs, others stay relative."""
        from mutual_detector.render.findings import artifact_uri

        assert artifact_uri("tests/bad/a b.yaml") == ("tests/bad/a%20b.yaml", True)
        uri, relative = artifact_uri(str(tmp_path / "x.yaml"))
        assert (uri, relative) == ((tmp_path / "x.yaml").as_uri(), False)


class TestColour:
    def test_no_colour_when_not_a_terminal(self, runner: CliRunner) -> None:
        result = runner.invoke(
            app, ["validate", str(Path(__file__).parent / "bad" / "q103-forward-reference.yaml")]
        )
        assert "\x1b[" not in result.stdout

    def test_force_colour(self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.delenv("NO_COLOR", raising=False)
        bad = str(Path(__file__).parent / "bad" / "q103-forward-reference.yaml")
        assert "\x1b[" in runner.invoke(app, ["validate", bad]).stdout
        monkeypatch.setenv("NO_COLOR", "1")
        assert "\x1b[" not in runner.invoke(app, ["validate", bad]).stdout

    def test_machine_formats_are_never_coloured(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.delenv("NO_COLOR", raising=False)
        for fmt in ("json", "github", "sarif"):
            assert "\x1b[" not in runner.invoke(app, ["validate", "-f", fmt]).stdout

    @pytest.mark.slow
    @pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False)])
    def test_real_terminal(self, no_color: str | None, coloured: bool) -> None:
        """Through a real pseudo-terminal: colour on a TTY, none with NO_COLOR."""
        import pexpect

        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
        env["TERM"] = "xterm-256color"
        if no_color is not None:
            env["NO_COLOR"] = no_color
        bad = str(Path(__file__).parent / "bad" / "q103-forward-reference.yaml")
        child = pexpect.spawn(
            sys.executable,
            ["-m", "mutual_detector", "validate", bad],
            env=env,
            encoding="utf-8",
            timeout=60,
        )
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 1
        assert "forward-reference" in child.before
        assert ("\x1b[" in child.before) is coloured


# --------------------------------------------------------------------------- the built-ins


class TestBuiltinsEachRun:
    @pytest.fixture
    def fake_builtins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        folder = tmp_path / "builtins"
        folder.mkdir()
        (folder / "mini.yaml").write_text(MINI, encoding="utf-8")
        monkeypatch.setattr("mutual_detector.validation.builtin_dir", lambda: folder)
        monkeypatch.setattr(
            "mutual_detector.validation.builtin_paths", lambda: sorted(folder.glob("*.yaml"))
        )
        return folder

    def test_each_run_checks_them_as_they_are(self, fake_builtins: Path) -> None:
        assert validate_paths([]).exit_code == 0
        (fake_builtins / "mini.yaml").write_text(
            MINI.replace("id: unions", "id: appetite"), encoding="utf-8"
        )
        assert "Q101" in {f.rule for f in validate_paths([]).findings}

    def test_strict_makes_warnings_fail(self, fake_builtins: Path) -> None:
        (fake_builtins / "mini.yaml").write_text(
            MINI.replace("    help: Count those who said so.\n", ""), encoding="utf-8"
        )
        assert validate_paths([]).exit_code == 0
        assert validate_paths([], strict=True).exit_code == 1


# --------------------------------------------------------------------------- entry points


@pytest.mark.slow
class TestEntryPoints:
    def test_python_m_version(self) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", "--version"], capture_output=True, text=True
        )
        assert proc.returncode == 0
        assert proc.stdout.startswith(f"mutual-detector {__version__}\n")

    def test_console_script(self, tmp_path: Path) -> None:
        script = shutil.which("mutual-detector", path=str(Path(sys.executable).parent))
        assert script is not None
        proc = subprocess.run([script, "--version"], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0
        assert __version__ in proc.stdout
        proc = subprocess.run([script], capture_output=True, text=True, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "no problems found" in proc.stdout


# --------------------------------------------------------------------------- documentation

DOCS = Path(__file__).resolve().parents[1] / "docs"


class TestDocs:
    def test_every_rule_is_in_the_errors_table(self) -> None:
        """docs/errors.md has a row per rule, with its name, level, exit code and fix."""
        from mutual_detector.validation import INPUT_RULES

        rows = {
            line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[1:-1]]
            for line in (DOCS / "errors.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and line.split("|")[1].strip() in RULES
        }
        assert sorted(rows) == sorted(RULES)
        for rule in RULES.values():
            _, name, level, code, summary, hint = rows[rule.id]
            assert name == f"`{rule.name}`"
            assert level == rule.level
            expected = "3" if rule.id in INPUT_RULES else "1" if rule.level == "error" else "0"
            assert code.startswith(expected)
            assert summary == rule.summary.replace("|", "\\|")
            assert hint == rule.hint.replace("|", "\\|")

    def test_every_function_of_the_condition_language_is_documented(self) -> None:
        from mutual_detector.model.expr import FUNCTIONS

        text = (DOCS / "expressions.md").read_text(encoding="utf-8")
        for name in FUNCTIONS:
            assert f"`{name}(" in text, name

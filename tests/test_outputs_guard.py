"""Where reports go: never over an input, ``-o -`` is stdout, unknown extensions refused (#16, #17).

Run as a real subprocess: the exit code and the files left on disk are what a
user gets. ``assess`` writes JSON here (``-f json`` or ``.json``): the text
report is being rewritten elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from clirun import run_cli

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = ASSETS / "mini.yaml"
MINI_ANSWERS = ASSETS / "mini-answers.yaml"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(MINI, tmp_path / "mini.yaml")
    shutil.copy(MINI_ANSWERS, tmp_path / "a.yaml")
    return tmp_path


def _unchanged(work: Path) -> None:
    assert (work / "mini.yaml").read_bytes() == MINI.read_bytes()
    assert (work / "a.yaml").read_bytes() == MINI_ANSWERS.read_bytes()


class TestAnOutputIsNeverAnInput:
    @pytest.mark.parametrize("target", ["a.yaml", "./a.yaml", "mini.yaml"])
    def test_assess(self, work: Path, target: str) -> None:
        proc = run_cli(
            "assess", "-a", "a.yaml", "-q", "mini.yaml", "-f", "json", "-o", target, cwd=work
        )
        assert proc.returncode == 2, proc.stderr
        assert "which this command reads" in proc.stderr
        assert proc.stderr.count("\n") == 1
        assert proc.stdout == ""
        _unchanged(work)

    def test_assess_a_hard_link_to_the_answers(self, work: Path) -> None:
        """The same file under another name (same inode) is refused too."""
        os.link(work / "a.yaml", work / "linked.json")
        proc = run_cli("assess", "-a", "a.yaml", "-q", "mini.yaml", "-o", "linked.json", cwd=work)
        assert proc.returncode == 2, proc.stderr
        assert "linked.json: that is a.yaml (the same file)" in proc.stderr
        _unchanged(work)

    @pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
    def test_assess_a_symbolic_link_to_the_questionnaire(self, work: Path) -> None:
        (work / "report.json").symlink_to(work / "mini.yaml")
        proc = run_cli("assess", "-a", "a.yaml", "-q", "mini.yaml", "-o", "report.json", cwd=work)
        assert proc.returncode == 2, proc.stderr
        _unchanged(work)

    def test_assess_the_questionnaire_named_by_the_answers(self, work: Path) -> None:
        """Found through the answers' `questionnaire:` (here, a part of it): still an input."""
        (work / "q").mkdir()
        shutil.move(work / "mini.yaml", work / "q" / "mini.json")
        proc = run_cli("assess", "-a", "a.yaml", "-q", "q/mini.json", "-o", "q/mini.json", cwd=work)
        assert proc.returncode == 2, proc.stderr
        assert (work / "q" / "mini.json").read_bytes() == MINI.read_bytes()

    def test_save_answers_never_replaces_the_questionnaire(self, work: Path) -> None:
        proc = run_cli(
            "assess",
            "-a",
            "a.yaml",
            "-q",
            "mini.yaml",
            "-f",
            "json",
            "--save-answers",
            "mini.yaml",
            "--force",
            cwd=work,
        )
        assert proc.returncode == 2, proc.stderr
        assert "--save-answers mini.yaml: that is mini.yaml" in proc.stderr
        _unchanged(work)

    def test_template(self, work: Path) -> None:
        proc = run_cli("template", "-q", "mini.yaml", "-o", "mini.yaml", cwd=work)
        assert proc.returncode == 2, proc.stderr
        _unchanged(work)

    @pytest.mark.parametrize(
        ("args", "target"),
        [
            (["a.yaml", "-q", "mini.yaml"], "a.yaml"),
            (["a.yaml", "-q", "mini.yaml"], "mini.yaml"),
            (["a.yaml"], "mini.yaml"),  # found in the answers' folder
            (["mini.yaml"], "mini.yaml"),
            (["."], "a.yaml"),
        ],
    )
    def test_validate(self, work: Path, args: list[str], target: str) -> None:
        proc = run_cli("validate", *args, "-o", target, cwd=work)
        assert proc.returncode == 2, proc.stderr
        assert f"--output {target}: that is {target}" in proc.stderr
        _unchanged(work)

    def test_validate_a_folder_does_not_read_its_own_report(self, work: Path) -> None:
        """`validate . -o ./report.json` twice: the second run does not check the first report."""
        for _ in range(2):
            proc = run_cli("validate", ".", "-f", "json", "-o", "report.json", cwd=work)
            assert proc.returncode == 0, proc.stderr
        files = [f["file"] for f in json.loads((work / "report.json").read_text())["files"]]
        assert "report.json" not in files


class TestStandardOutputAndEmptyNames:
    def test_dash_is_standard_output(self, work: Path) -> None:
        proc = run_cli(
            "assess", "-a", "a.yaml", "-q", "mini.yaml", "-f", "json", "-o", "-", cwd=work
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["format"].startswith("mutual-detector/result@")
        assert not (work / "-").exists()
        schema = run_cli("schema", "answers", "-o", "-", cwd=work)
        assert schema.returncode == 0
        assert json.loads(schema.stdout)["title"] == "mutual-detector answers"
        assert not (work / "-").exists()

    @pytest.mark.parametrize("command", [["assess", "-a", "a.yaml"], ["validate"], ["schema"]])
    def test_an_empty_name_is_a_usage_error(self, work: Path, command: list[str]) -> None:
        proc = run_cli(*command, "-o", "", cwd=work)
        assert proc.returncode == 2, proc.stderr
        assert "the file name is empty; give a file name, or - for standard output" in proc.stderr
        assert "is a directory" not in proc.stderr


class TestExtensions:
    @pytest.mark.parametrize("name", ["report.pdf", "services.csv", "report.docx"])
    def test_an_unknown_extension_is_refused(self, work: Path, name: str) -> None:
        proc = run_cli("assess", "-a", "a.yaml", "-q", "mini.yaml", "-o", name, cwd=work)
        assert proc.returncode == 2, proc.stderr
        ext = name.rsplit(".", 1)[1]
        assert f"assess does not write .{ext} files" in proc.stderr
        for known in (".txt", ".json", ".md", ".html", "--format"):
            assert known in proc.stderr
        assert not (work / name).exists()

    def test_format_wins_over_the_extension(self, work: Path) -> None:
        """--format says what to write; the name is then the user's choice."""
        proc = run_cli(
            "assess", "-a", "a.yaml", "-q", "mini.yaml", "-f", "json", "-o", "out.pdf", cwd=work
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads((work / "out.pdf").read_text())["format"].startswith(
            "mutual-detector/result@"
        )

    def test_known_extensions_still_choose_the_format(self, work: Path) -> None:
        proc = run_cli("assess", "-a", "a.yaml", "-q", "mini.yaml", "-o", "r.JSON", cwd=work)
        assert proc.returncode == 0, proc.stderr
        json.loads((work / "r.JSON").read_text())

"""``validate`` reads each file once, and a folder with nothing of ours in it is an error.

A pipe (``<(cat file)``, a named FIFO with a writer) can be read only once: every
step after the first read (parsing, merging parts, located errors, the cache key
of the built-ins) must use the bytes already read. Named pipes here are fed by a
writer thread; a second read of one would find it empty (E008 "nothing to read").
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clirun import run_cli
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK
from mutual_detector.loading import builtin_dir
from mutual_detector.validation import validate_paths

ASSETS = Path(__file__).resolve().parent / "assets"
MINI = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
MINI_ANSWERS = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
PART = (
    "format: mutual-detector/questionnaire-part@1\nsources:\n  - id: extra\n    title: Extra\n"
    "    publisher: Nobody\n    year: 2026\n    url: https://example.org/extra\n"
)
#: The part above with a source id the main file already has: Q101 at line 3, column 9.
BAD_PART = PART.replace("id: extra", "id: domain-1-2")
WITH_PART = MINI.replace("sources:\n", "include: [parts/more.yaml]\nsources:\n", 1)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
needs_bash = pytest.mark.skipif(
    shutil.which("bash") is None or not Path("/dev/fd").is_dir(),
    reason="needs bash process substitution (/dev/fd)",
)

# --------------------------------------------------------------------------- helpers


@contextmanager
def fed_fifo(path: Path, data: bytes) -> Iterator[None]:
    """A named pipe at ``path`` that a writer thread fills with ``data`` once, then closes.

    The test holds a reading end open first, so the writer's open does not wait
    and has happened (``opened``) before anything else opens the pipe: no race,
    no timing. Data the writer sends before validate opens the pipe waits in it.
    A second open after the writer has finished reads nothing.
    """
    os.mkfifo(path)
    keep = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    opened = threading.Event()

    def write() -> None:
        fd = os.open(path, os.O_WRONLY)
        opened.set()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        except BrokenPipeError:
            pass  # the reader stopped at the size limit, or the test is over
        finally:
            os.close(fd)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert opened.wait(60), "the writer could not open the pipe"
    try:
        yield
    finally:
        os.close(keep)  # a writer still blocked now gets EPIPE and ends
        writer.join(60)
        assert not writer.is_alive()


_opened: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


_hooked = False


@contextmanager
def opens() -> Iterator[list[str]]:
    """Every file opened (``open`` audit events, so ``os.open`` and ``Path.read_bytes``)."""
    global _opened, _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # cannot be removed: it records only inside this block
        _hooked = True
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def _lines(result: object) -> list[str]:
    return result.stdout.splitlines()  # type: ignore[attr-defined, no-any-return]


def _cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, env=env)


def _bash(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` run by bash, with ``$MD`` the tool (so ``$MD validate <(cat f)`` works)."""
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env={**os.environ, "MD": f"{sys.executable} -m mutual_detector"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --------------------------------------------------------------------------- read once


class TestEachFileIsReadOnce:
    def test_a_folder_with_a_questionnaire_and_its_parts(self, work: Path) -> None:
        """Parts found in the folder are not read again when the questionnaire merges them."""
        shutil.copytree(builtin_dir(), work / "q")
        files = sorted(str(p.resolve()) for p in (work / "q").rglob("*.yaml"))
        assert len(files) == 7
        with opens() as opened:
            report = validate_paths([work / "q"])
        assert report.exit_code == EXIT_OK
        assert sorted(p for p in opened if p in files) == files  # each once

    def test_the_builtins_and_their_cache_key(self) -> None:
        """The cache key is made from the bytes that are then checked: each built-in read once."""
        files = sorted(str(p.resolve()) for p in builtin_dir().rglob("*") if p.is_file())
        for _ in ("checked", "remembered"):
            with opens() as opened:
                assert validate_paths([]).exit_code == EXIT_OK
            assert sorted(p for p in opened if p in files) == files

    @needs_fifo
    def test_a_part_that_is_a_named_pipe(self, work: Path, runner: CliRunner) -> None:
        """Read as a file in the folder, then merged into its questionnaire from those bytes."""
        (work / "q" / "parts").mkdir(parents=True)
        (work / "q" / "mini.yaml").write_text(WITH_PART, encoding="utf-8")
        with fed_fifo(work / "q" / "parts" / "more.yaml", PART.encode()):
            result = runner.invoke(app, ["validate", "q"])
        assert (result.exit_code, _lines(result)) == (
            EXIT_OK,
            ["Checked 2 files (1 questionnaire, 1 part): no problems found."],
        )

    @needs_fifo
    def test_errors_in_a_piped_part_are_located(self, work: Path, runner: CliRunner) -> None:
        (work / "q" / "parts").mkdir(parents=True)
        (work / "q" / "mini.yaml").write_text(WITH_PART, encoding="utf-8")
        with fed_fifo(work / "q" / "parts" / "more.yaml", BAD_PART.encode()):
            result = runner.invoke(app, ["validate", "q/mini.yaml", "q/parts/more.yaml"])
        assert result.exit_code == EXIT_FINDINGS
        assert [line for line in _lines(result) if ": error: " in line] == [
            "q/parts/more.yaml:3:9: error: sources[1].id: duplicate source id 'domain-1-2' "
            "(first used at sources[0].id) [Q101 duplicate-id]"
        ]

    @needs_fifo
    def test_answers_in_a_named_pipe_bigger_than_the_pipe_buffer(
        self, work: Path, runner: CliRunner
    ) -> None:
        """The writer blocks until validate reads: 300 KB through a 64 KB pipe, read once."""
        (work / "mini.yaml").write_text(MINI, encoding="utf-8")
        padding = "".join(f"# {'x' * 70}\n" for _ in range(4_000))
        data = (padding + MINI_ANSWERS.replace("turnover: 12", "turnover: -5")).encode()
        assert len(data) > 256 * 1024
        with fed_fifo(work / "answers.yaml", data):
            result = runner.invoke(app, ["validate", "mini.yaml", "answers.yaml"])
        errors = [line for line in _lines(result) if ": error: " in line]
        assert result.exit_code == EXIT_FINDINGS, result.stdout
        assert errors == [
            "answers.yaml:4007:13: error: answers.turnover.value: turnover: -5 is below the "
            "minimum 0 [A203 out-of-range]"
        ]

    @needs_fifo
    def test_a_questionnaire_in_a_named_pipe_is_found_for_answers(
        self, work: Path, runner: CliRunner
    ) -> None:
        """The files given count even when they are not regular files."""
        (work / "a").mkdir()
        (work / "a" / "answers.yaml").write_text(MINI_ANSWERS, encoding="utf-8")
        with fed_fifo(work / "q.yaml", MINI.encode()):
            result = runner.invoke(app, ["validate", "q.yaml", "a/answers.yaml"])
        assert (result.exit_code, _lines(result)) == (
            EXIT_OK,
            ["Checked 2 files (1 questionnaire, 1 answers file): no problems found."],
        )

    @needs_fifo
    def test_a_pipe_next_to_answers_is_not_opened(self, work: Path, runner: CliRunner) -> None:
        """Looking for the answers' questionnaire opens only regular files in their folder."""
        (work / "mini.yaml").write_text(MINI, encoding="utf-8")
        (work / "answers.yaml").write_text(MINI_ANSWERS, encoding="utf-8")
        with fed_fifo(work / "a-pipe.yaml", MINI.encode()):
            result = runner.invoke(app, ["validate", "answers.yaml"])
            left = os.open(work / "a-pipe.yaml", os.O_RDONLY | os.O_NONBLOCK)
            try:
                unread = os.read(left, len(MINI) + 1)
            finally:
                os.close(left)
        assert result.exit_code == EXIT_OK, result.stdout
        assert unread == MINI.encode()

    @pytest.mark.slow
    @needs_fifo
    def test_a_named_pipe_in_a_real_process(self, work: Path) -> None:
        (work / "mini.yaml").write_text(MINI, encoding="utf-8")
        with fed_fifo(work / "answers.yaml", MINI_ANSWERS.encode()):
            proc = _cli(["validate", "mini.yaml", "answers.yaml"], work)
        assert (proc.returncode, proc.stdout, proc.stderr) == (
            EXIT_OK,
            "Checked 2 files (1 questionnaire, 1 answers file): no problems found.\n",
            "",
        )

    @pytest.mark.slow
    @needs_fifo
    def test_a_named_pipe_is_still_read_only_up_to_the_limit(self, work: Path) -> None:
        """The size limit holds for pipes: 1,000 bytes allowed, 20,000 sent, E004 (exit 3)."""
        env = {**os.environ, "MUTUAL_DETECTOR_MAX_BYTES": "1000"}
        with fed_fifo(work / "big.yaml", b"# padding\n" * 2_000):
            proc = _cli(["validate", "big.yaml"], work, env)
        assert proc.returncode == EXIT_INPUT
        assert proc.stdout.splitlines()[0] == (
            "big.yaml: error: file is larger than 1,000 bytes [E004 file-too-large]"
        )


@pytest.mark.slow
@needs_bash
class TestProcessSubstitution:
    """``validate <(cat file)``: bash passes an anonymous pipe as /dev/fd/N."""

    def test_a_questionnaire_and_answers_both_piped(self, work: Path) -> None:
        (work / "q.yaml").write_text(MINI, encoding="utf-8")
        (work / "a.yaml").write_text(MINI_ANSWERS, encoding="utf-8")
        proc = _bash("$MD validate <(cat q.yaml) <(cat a.yaml)", work)
        assert (proc.returncode, proc.stdout, proc.stderr) == (
            EXIT_OK,
            "Checked 2 files (1 questionnaire, 1 answers file): no problems found.\n",
            "",
        )

    def test_piped_answers_with_an_error_are_located(self, work: Path) -> None:
        (work / "q.yaml").write_text(MINI, encoding="utf-8")
        bad = MINI_ANSWERS.replace("turnover: 12", "turnover: -5")
        (work / "a.yaml").write_text(bad, encoding="utf-8")
        proc = _bash("$MD validate --format json -q q.yaml <(cat a.yaml)", work)
        data = json.loads(proc.stdout)
        assert proc.returncode == EXIT_FINDINGS
        [found] = data["findings"]
        assert (found["rule"], found["line"], found["column"]) == ("A203", 7, 13)
        assert found["file"].startswith("/dev/fd/")
        assert data["files"][0]["questionnaire"] == "q.yaml"

    def test_a_piped_questionnaire_with_parts_says_why_they_are_missing(self) -> None:
        """Parts are found next to the questionnaire file; a pipe has no folder: one clear line."""
        root = builtin_dir().parent
        proc = _bash(f"$MD validate <(cat {builtin_dir().name}/mutual-detector.yaml)", root)
        errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
        assert proc.returncode == EXIT_INPUT
        assert len(errors) == 1
        assert "cannot read included file 'mutual-detector/eligibility.yaml'" in errors[0]
        assert "give its path, not a pipe" in errors[0]
        assert errors[0].endswith("[E011 include]")


# --------------------------------------------------------------------------- folders


FIX = "    fix: Check that the path exists, is a file and is readable."


class TestFoldersWithNothingToCheck:
    @pytest.mark.parametrize("arg", ["x.yaml", "x.yaml/"])
    def test_a_folder_named_like_a_file(self, arg: str, work: Path, runner: CliRunner) -> None:
        (work / "x.yaml").mkdir()
        result = runner.invoke(app, ["validate", arg])
        assert (result.exit_code, _lines(result), result.stderr) == (
            EXIT_INPUT,
            [
                "x.yaml: error: no .yaml/.yml/.json files found in x.yaml [E008 unreadable]",
                FIX,
                "No questionnaire or answers files found.",
            ],
            "",
        )

    def test_an_empty_folder_among_other_paths(self, work: Path, runner: CliRunner) -> None:
        """The other paths are still checked; the empty folder makes it exit 3."""
        (work / "empty").mkdir()
        (work / "empty" / ".hidden.yaml").write_text(MINI, encoding="utf-8")  # hidden: ignored
        (work / "mini.yaml").write_text(MINI, encoding="utf-8")
        result = runner.invoke(app, ["validate", "mini.yaml", "empty"])
        assert (result.exit_code, _lines(result)) == (
            EXIT_INPUT,
            [
                "empty: error: no .yaml/.yml/.json files found in empty [E008 unreadable]",
                FIX,
                "Checked 1 file (1 questionnaire): 1 error, 0 warnings.",
            ],
        )

    def test_a_folder_of_other_yaml(self, work: Path, runner: CliRunner) -> None:
        (work / "ci").mkdir()
        (work / "ci" / "build.yml").write_text("name: build\n", encoding="utf-8")
        (work / "ci" / "list.yaml").write_text("- 1\n", encoding="utf-8")
        result = runner.invoke(app, ["validate", "ci"])
        assert result.exit_code == EXIT_INPUT
        assert _lines(result)[0] == (
            "ci: error: no questionnaire or answers files found in ci (none of its 2 "
            ".yaml/.yml/.json files has a `format: mutual-detector/...` line) [E008 unreadable]"
        )

    def test_json_names_the_folder(self, work: Path, runner: CliRunner) -> None:
        (work / "x.yaml").mkdir()
        result = runner.invoke(app, ["validate", "--format", "json", "x.yaml"])
        data = json.loads(result.stdout)
        assert (result.exit_code, data["exit_code"], data["files"]) == (EXIT_INPUT, 3, [])
        assert [(f["file"], f["rule"], f["message"]) for f in data["findings"]] == [
            ("x.yaml", "E008", "no .yaml/.yml/.json files found in x.yaml")
        ]

    def test_a_folder_that_cannot_be_read(
        self, work: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """os.walk says nothing about it; the message does (simulated: tests may run as root)."""
        (work / "locked").mkdir()
        real = os.scandir

        def deny(path: object = ".") -> object:
            if str(path).endswith("locked"):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", deny)
        result = runner.invoke(app, ["validate", "locked"])
        assert result.exit_code == EXIT_INPUT
        assert _lines(result)[0] == (
            "locked: error: no .yaml/.yml/.json files found in locked "
            "(it cannot be read: permission denied) [E008 unreadable]"
        )

    def test_a_folder_with_our_files_still_passes(self, work: Path, runner: CliRunner) -> None:
        (work / "d" / "sub").mkdir(parents=True)
        (work / "d" / "sub" / "mini.yaml").write_text(MINI, encoding="utf-8")
        (work / "d" / "other.yml").write_text("name: build\n", encoding="utf-8")
        result = runner.invoke(app, ["validate", "d", "d/sub"])
        assert (result.exit_code, _lines(result)) == (
            EXIT_OK,
            ["Checked 1 file (1 questionnaire; 1 other file skipped): no problems found."],
        )

    @pytest.mark.slow
    def test_a_folder_named_like_a_file_in_a_real_process(self, work: Path) -> None:
        (work / "x.yaml").mkdir()
        proc = _cli(["validate", "x.yaml/"], work)
        assert (proc.returncode, proc.stdout.splitlines()[0], proc.stderr) == (
            EXIT_INPUT,
            "x.yaml: error: no .yaml/.yml/.json files found in x.yaml [E008 unreadable]",
            "",
        )


def test_answers_find_their_questionnaire_without_rereading_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each candidate's questionnaire id is looked at once per run, not once per answers file.

    (A folder of 200 answers files and 400 questionnaires took 8 s, now under 2 s.)
    """
    from mutual_detector import validation

    for i in range(12):
        (tmp_path / f"q{i:02}.yaml").write_text(MINI.replace("id: mini", f"id: other{i}"))
    (tmp_path / "zz-mini.yaml").write_text(MINI, encoding="utf-8")  # sorted last
    for i in range(15):
        (tmp_path / f"a{i:02}.yaml").write_text(MINI_ANSWERS, encoding="utf-8")
    looked: list[Path] = []
    real = validation._Validator._questionnaire_id

    def counting(self: object, path: Path) -> str | None:
        looked.append(path)
        return real(self, path)  # type: ignore[arg-type]

    monkeypatch.setattr(validation._Validator, "_questionnaire_id", counting)
    report = validate_paths([tmp_path])
    answers = [f for f in report.files if f.kind == "answers"]
    assert len(answers) == 15
    assert all(f.questionnaire and f.questionnaire.endswith("zz-mini.yaml") for f in answers)
    assert not [f for f in report.findings if f.level == "error"]
    # 28 YAML files in the folder: each looked at once as a neighbour, at most once as a target.
    assert len(looked) <= 2 * 28


def test_a_questionnaire_named_on_the_command_line_wins_over_its_neighbours(
    tmp_path: Path,
) -> None:
    """Two versions of one questionnaire in a folder: the one the user names is used."""
    (tmp_path / "a-old.yaml").write_text(MINI, encoding="utf-8")  # sorted first
    newer = MINI.replace("questions:\n", "questions:\n" + _EXTRA_QUESTION, 1)
    (tmp_path / "b-new.yaml").write_text(newer, encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text(MINI_ANSWERS + "  extra: true\n", encoding="utf-8")

    named = validate_paths([tmp_path / "b-new.yaml", answers])
    (checked,) = [f for f in named.files if f.kind == "answers"]
    assert checked.questionnaire is not None
    assert checked.questionnaire.endswith("b-new.yaml")
    assert not [f for f in named.findings if f.level == "error"]

    alone = validate_paths([answers])  # nothing named: the folder's first
    (checked,) = [f for f in alone.files if f.kind == "answers"]
    assert checked.questionnaire is not None
    assert checked.questionnaire.endswith("a-old.yaml")
    assert [f.rule for f in alone.findings if f.level == "error"] == ["A201"]


_EXTRA_QUESTION = """\
  - id: extra
    section: money
    kind: yes_no
    prompt: Is there an extra question?
    help: Only in the newer version.
    why: To tell the versions apart.
    cite: [domain-1-2]
    yes_score: 1
    no_score: 0
"""

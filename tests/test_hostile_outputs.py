"""Outputs are all or nothing: a missing or unwritable folder, a full disk, Ctrl-C mid-write.

``atomic.atomic_write`` and ``atomic.AtomicFile`` are tested directly, then
through the commands that write reports (``validate -o``, ``assess -o``,
``batch -o``): exit code 4, one line naming the output and the reason, no
temporary file left behind, and the old file untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mutual_detector import atomic
from mutual_detector.atomic import AtomicFile, atomic_write
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT, OutputError

ASSETS = Path(__file__).resolve().parent / "assets"
OLD = "the old report\n"


def leftovers(folder: Path) -> list[str]:
    """Temporary files atomic writes may have left (there must never be any)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _fail_with(code: int) -> object:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    return fail


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[tuple[Path, list[bytes], threading.Thread]]:
    """A named pipe with a reader thread that takes the first chunk written to it.

    The reader opens the pipe read-write (Linux), so it is open before anything
    writes and its read waits for data instead of seeing an end of file.
    """
    if not hasattr(os, "mkfifo") or not sys.platform.startswith("linux"):
        pytest.skip("needs Linux named pipes")
    path = tmp_path / "pipe"
    os.mkfifo(path)
    fd = os.open(path, os.O_RDWR)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(os.read(fd, 65536)), daemon=True)
    reader.start()
    yield path, received, reader
    if reader.is_alive():  # nothing was written: wake the reader up
        os.write(fd, b"")
        with contextlib.suppress(OSError):
            os.write(os.open(path, os.O_WRONLY | os.O_NONBLOCK), b"x")
        reader.join(timeout=10)
    os.close(fd)


def _device_clone(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """A private copy of a character device (so a bug can never replace the real one)."""
    path = tmp_path / name
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except (AttributeError, PermissionError, OSError):
        pytest.skip("cannot create device nodes here (needs root on Linux)")
    return path


class TestAtomicWrite:
    def test_writes_the_text(self, tmp_path: Path) -> None:
        target = atomic_write(tmp_path / "out.txt", "héllo\n")
        assert target.read_bytes() == "héllo\n".encode()
        assert leftovers(tmp_path) == []

    def test_replacing_keeps_the_permissions(self, tmp_path: Path) -> None:
        target = tmp_path / "out.txt"
        target.write_text(OLD)
        target.chmod(0o640)
        atomic_write(target, "new\n")
        assert (target.read_text(), stat.S_IMODE(target.stat().st_mode)) == ("new\n", 0o640)

    def test_a_new_file_gets_the_umask_permissions(self, tmp_path: Path) -> None:
        old = os.umask(0o027)
        try:
            target = atomic_write(tmp_path / "new.txt", "x")
        finally:
            os.umask(old)
        assert stat.S_IMODE(target.stat().st_mode) == 0o640  # not mkstemp's 0600

    @pytest.mark.parametrize(
        ("failing", "code", "reason"),
        [
            ("write", errno.ENOSPC, "the disk is full"),
            ("fsync", errno.ENOSPC, "the disk is full"),
            ("fsync", errno.EIO, "input/output error"),
            ("replace", errno.EACCES, "permission denied"),
            ("replace", errno.EROFS, "the disk is read-only"),
        ],
    )
    def test_a_failure_leaves_the_old_file_and_no_temporary_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, code: int, reason: str
    ) -> None:
        """A full disk (ENOSPC) and other OS errors, simulated in-process."""
        target = tmp_path / "report.txt"
        target.write_text(OLD)
        monkeypatch.setattr(atomic.os, failing, _fail_with(code))
        with pytest.raises(OutputError) as caught:
            atomic_write(target, "new report\n" * 1000)
        assert caught.value.message == f"{target}: cannot write: {reason}"
        assert (target.read_text(), leftovers(tmp_path)) == (OLD, [])

    def test_an_unwritable_folder(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """No temporary file can be made (root ignores chmod, so the refusal is simulated)."""
        monkeypatch.setattr(atomic.tempfile, "mkstemp", _fail_with(errno.EACCES))
        with pytest.raises(OutputError) as caught:
            atomic_write(tmp_path / "out.txt", "x")
        assert caught.value.message == f"{tmp_path / 'out.txt'}: cannot write: permission denied"

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere"
    )
    def test_an_unwritable_folder_for_real(self, tmp_path: Path) -> None:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        try:
            with pytest.raises(OutputError, match="cannot write: permission denied"):
                atomic_write(folder / "out.txt", "x")
        finally:
            folder.chmod(0o700)

    def test_a_missing_folder(self, tmp_path: Path) -> None:
        with pytest.raises(OutputError) as caught:
            atomic_write(tmp_path / "nowhere" / "out.txt", "x")
        assert caught.value.message == (
            f"{tmp_path / 'nowhere' / 'out.txt'}: folder {tmp_path / 'nowhere'} does not exist; "
            "create it or choose another --output"
        )

    def test_a_folder_as_the_target(self, tmp_path: Path) -> None:
        with pytest.raises(OutputError, match="is a directory; give a file name for the output"):
            atomic_write(tmp_path, "x")

    def test_a_name_too_long(self, tmp_path: Path) -> None:
        with pytest.raises(OutputError, match="cannot write: file name too long"):
            atomic_write(tmp_path / ("x" * 300), "x")

    @pytest.mark.parametrize("interrupt_in", ["write", "fsync", "replace"])
    def test_ctrl_c_mid_write_leaves_the_old_file_and_no_temporary_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt_in: str
    ) -> None:
        target = tmp_path / "report.txt"
        target.write_text(OLD)

        def interrupt(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(atomic.os, interrupt_in, interrupt)
        with pytest.raises(KeyboardInterrupt):
            atomic_write(target, "new report\n")
        assert (target.read_text(), leftovers(tmp_path)) == (OLD, [])

    @pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
    def test_a_symlink_is_kept_and_its_target_replaced(self, tmp_path: Path) -> None:
        real = tmp_path / "real.txt"
        real.write_text(OLD)
        link = tmp_path / "link.txt"
        link.symlink_to(real)
        atomic_write(link, "new\n")
        assert (link.is_symlink(), real.read_text()) == (True, "new\n")

    def test_a_pipe_is_written_in_place(
        self, fifo: tuple[Path, list[bytes], threading.Thread]
    ) -> None:
        """``--output /dev/stdout`` or a named pipe: written to, never renamed over."""
        path, received, reader = fifo
        atomic_write(path, "through the pipe\n")
        reader.join(timeout=30)
        assert (received, stat.S_ISFIFO(path.stat().st_mode)) == ([b"through the pipe\n"], True)

    def test_a_pipe_nobody_reads_is_refused_at_once(self, tmp_path: Path) -> None:
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs named pipes")
        os.mkfifo(tmp_path / "pipe")
        with pytest.raises(OutputError) as caught:
            atomic_write(tmp_path / "pipe", "x")
        assert caught.value.message == (
            f"{tmp_path / 'pipe'}: cannot write: no program is reading the pipe"
        )
        assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode)

    def test_a_full_device_is_not_replaced(self, tmp_path: Path) -> None:
        """A copy of /dev/full: ENOSPC for real, and the device node is still a device."""
        full = _device_clone(tmp_path, "full", 1, 7)
        with pytest.raises(OutputError) as caught:
            atomic_write(full, "x" * 10_000)
        assert caught.value.message == f"{full}: cannot write: the disk is full"
        assert stat.S_ISCHR(full.stat().st_mode)

    def test_a_null_device_is_not_replaced(self, tmp_path: Path) -> None:
        null = _device_clone(tmp_path, "null", 1, 3)
        atomic_write(null, "discarded\n")
        assert stat.S_ISCHR(null.stat().st_mode)


class TestAtomicFile:
    def test_pieces_appear_only_on_commit(self, tmp_path: Path) -> None:
        target = tmp_path / "out.csv"
        target.write_text(OLD)
        with AtomicFile(target) as out:
            out.write("a,b\n")
            out.write(b"1,2\n")
            assert target.read_text() == OLD
        assert (target.read_text(), leftovers(tmp_path)) == ("a,b\n1,2\n", [])

    def test_an_exception_in_the_block_discards(self, tmp_path: Path) -> None:
        target = tmp_path / "out.csv"
        target.write_text(OLD)

        def interrupted_batch() -> None:
            with AtomicFile(target) as out:
                out.write("a,b\n")
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            interrupted_batch()
        assert (target.read_text(), leftovers(tmp_path)) == (OLD, [])

    def test_a_buffered_file_gathers_writes_and_keeps_every_byte(self, tmp_path: Path) -> None:
        target = tmp_path / "out.csv"
        rows = [f"row {i},{'x' * (i % 7)}\n" for i in range(500)]
        calls: list[int] = []
        real = os.write

        def counted(fd: int, data: Any) -> int:
            calls.append(len(data))
            return real(fd, data)

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("mutual_detector.atomic.os.write", counted)
            with AtomicFile(target, buffer=1024) as out:
                for row in rows:
                    out.write(row)
        assert target.read_text() == "".join(rows)
        assert 1 < len(calls) < len(rows) // 10  # gathered, not one call a row
        assert leftovers(tmp_path) == []

    def test_a_failing_final_write_leaves_the_old_file(self, tmp_path: Path) -> None:
        target = tmp_path / "out.csv"
        target.write_text(OLD)

        def full(fd: int, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        out = AtomicFile(target, buffer=1 << 20)
        out.write("a,b\n")  # held back, nothing written yet
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("mutual_detector.atomic.os.write", full)
            with pytest.raises(OutputError, match="cannot write: the disk is full"):
                out.commit()
        assert (target.read_text(), leftovers(tmp_path)) == (OLD, [])

    def test_a_write_after_discard_is_refused(self, tmp_path: Path) -> None:
        out = AtomicFile(tmp_path / "x")
        out.discard()
        out.discard()
        with pytest.raises(OutputError, match="already closed"):
            out.write("x")
        assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- commands


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "answers.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


COMMANDS = {
    "validate": ["validate", "mini.yaml", "-o"],
    "assess": ["assess", "-a", "answers.yaml", "-q", "mini.yaml", "--no-what-if", "-o"],
    "batch": ["batch", "answers.yaml", "-q", "mini.yaml", "-j", "1", "--quiet", "-o"],
}


def _run(runner: CliRunner, command: str, output: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*COMMANDS[command], output])
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


class TestReportOutputs:
    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_a_missing_folder(self, command: str, workdir: Path, runner: CliRunner) -> None:
        code, _, stderr = _run(runner, command, "reports/out.txt")
        assert (code, stderr) == (
            EXIT_OUTPUT,
            "mutual-detector: error: reports/out.txt: folder reports does not exist; "
            "create it or choose another --output\n",
        )
        assert not (workdir / "reports").exists()

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_a_full_disk(
        self, command: str, workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (workdir / "out.txt").write_text(OLD)
        monkeypatch.setattr(os, "fsync", _fail_with(errno.ENOSPC))
        code, _, stderr = _run(runner, command, "out.txt")
        assert (code, stderr) == (
            EXIT_OUTPUT,
            "mutual-detector: error: out.txt: cannot write: the disk is full\n",
        )
        assert ((workdir / "out.txt").read_text(), leftovers(workdir)) == (OLD, [])

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_an_unwritable_folder(
        self, command: str, workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import tempfile

        monkeypatch.setattr(tempfile, "mkstemp", _fail_with(errno.EACCES))
        code, _, stderr = _run(runner, command, "out.txt")
        assert (code, stderr) == (
            EXIT_OUTPUT,
            "mutual-detector: error: out.txt: cannot write: permission denied\n",
        )
        assert not (workdir / "out.txt").exists()

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_ctrl_c_while_the_report_is_written(
        self, command: str, workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        (workdir / "out.txt").write_text(OLD)

        def interrupt(fd: int) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(os, "fsync", interrupt)
        code, _, stderr = _run(runner, command, "out.txt")
        assert (code, stderr.splitlines()[-1]) == (EXIT_INTERRUPTED, "mutual-detector: interrupted")
        assert ((workdir / "out.txt").read_text(), leftovers(workdir)) == (OLD, [])

    @pytest.mark.parametrize("command", sorted(COMMANDS))
    def test_a_device_is_written_not_replaced(
        self, command: str, workdir: Path, runner: CliRunner
    ) -> None:
        """``-o /dev/null`` as root must never turn the device into a plain file."""
        null = _device_clone(workdir, "null", 1, 3)
        code, _, _ = _run(runner, command, str(null))
        assert code in (EXIT_OK, 1)
        assert stat.S_ISCHR(null.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_report_replaces_an_old_one_with_its_permissions(
    workdir: Path, runner: CliRunner
) -> None:
    (workdir / "out.txt").write_text(OLD)
    (workdir / "out.txt").chmod(0o600)
    code, _, _ = _run(runner, "validate", "out.txt")
    assert code == EXIT_OK
    assert (workdir / "out.txt").read_text() != OLD
    assert stat.S_IMODE((workdir / "out.txt").stat().st_mode) == 0o600
    assert leftovers(workdir) == []


class TestNeverOverAnInput:
    """Issue 16: ``batch -o a.yaml`` and ``compare -o`` over an input replaced it (exit 0).

    Every command that writes ``-o`` refuses an output that is one of its inputs (the
    same file, also through a symbolic or hard link) with exit 2, as ``assess``,
    ``validate`` and ``template`` do (tests/test_outputs_guard.py): one helper,
    ``mutual_detector.outputs.refuse_input_as_output``. Real subprocesses.
    """

    @pytest.fixture
    def work(self, tmp_path: Path) -> Path:
        shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
        shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "a.yaml")
        shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "b.yaml")
        (tmp_path / "cases").mkdir()
        shutil.copyfile(
            ASSETS / "calibration" / "mini-promising.yaml", tmp_path / "cases" / "case.yaml"
        )
        return tmp_path

    @staticmethod
    def _snapshot(work: Path) -> dict[str, bytes]:
        return {str(p.relative_to(work)): p.read_bytes() for p in work.rglob("*") if p.is_file()}

    @staticmethod
    def _refused(work: Path, *args: str) -> str:
        from clirun import run_cli

        before = TestNeverOverAnInput._snapshot(work)
        proc = run_cli(*args, cwd=work)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr)
        assert "which this command reads; writing there would replace it" in proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
        assert TestNeverOverAnInput._snapshot(work) == before
        return proc.stderr

    @pytest.mark.parametrize("target", ["a.yaml", "./b.yaml", "mini.yaml"])
    def test_batch(self, work: Path, target: str) -> None:
        self._refused(work, "batch", "a.yaml", "b.yaml", "-q", "mini.yaml", "-o", target)

    def test_batch_the_questionnaire_the_answers_name(self, work: Path) -> None:
        """Found beside the answers, not named: still read, so never replaced."""
        self._refused(work, "batch", "a.yaml", "-f", "json", "-o", "mini.yaml")

    def test_batch_a_symbolic_link_to_an_input(self, work: Path) -> None:
        (work / "out.csv").symlink_to(work / "a.yaml")
        err = self._refused(work, "batch", "a.yaml", "b.yaml", "-q", "mini.yaml", "-o", "out.csv")
        assert "--output out.csv: that is a.yaml (the same file)" in err

    def test_batch_a_hard_link_to_an_input(self, work: Path) -> None:
        os.link(work / "b.yaml", work / "out.csv")
        self._refused(work, "batch", "a.yaml", "b.yaml", "-q", "mini.yaml", "-o", "out.csv")

    def test_batch_a_file_in_a_folder_given_is_skipped_not_refused(self, work: Path) -> None:
        """`batch dir -o dir/out.csv`: the folder's own output is left out (as before)."""
        from clirun import run_cli

        (work / "dir").mkdir()
        shutil.copyfile(ASSETS / "mini-answers.yaml", work / "dir" / "a.yaml")
        proc = run_cli("batch", "dir", "-q", "mini.yaml", "-o", "dir/out.csv", "--quiet", cwd=work)
        assert proc.returncode == EXIT_OK, proc.stderr

    @pytest.mark.parametrize("target", ["a.yaml", "b.yaml", "mini.yaml"])
    def test_compare(self, work: Path, target: str) -> None:
        self._refused(work, "compare", "a.yaml", "b.yaml", "-q", "mini.yaml", "-o", target)

    def test_compare_links(self, work: Path) -> None:
        (work / "sym.md").symlink_to(work / "b.yaml")
        os.link(work / "mini.yaml", work / "hard.md")
        self._refused(work, "compare", "a.yaml", "b.yaml", "-o", "sym.md")
        self._refused(work, "compare", "a.yaml", "b.yaml", "-o", "hard.md")

    def test_schema_answers_of_a_questionnaire(self, work: Path) -> None:
        self._refused(work, "schema", "answers", "-q", "mini.yaml", "-o", "mini.yaml")

    @pytest.mark.parametrize(
        "args",
        [
            ["cases", "-o", "cases/case.yaml"],
            ["cases/case.yaml", "-o", "mini.yaml"],  # the questionnaire the case names
            ["cases", "-q", "mini.yaml", "-o", "mini.yaml"],
        ],
        ids=["the-case", "its-questionnaire", "the-questionnaire-given"],
    )
    def test_calibrate(self, work: Path, args: list[str]) -> None:
        self._refused(work, "calibrate", *args)

    def test_template_and_validate_still_refuse(self, work: Path) -> None:
        self._refused(work, "template", "-q", "mini.yaml", "-o", "mini.yaml")
        self._refused(work, "validate", "a.yaml", "-q", "mini.yaml", "-o", "a.yaml")

"""Issue 16: a batch's processes, patterns and outputs under attack.

Real processes, real signals, real file systems. Nothing here waits for a
clock: a batch is held at a known point (reading an input that is a named
pipe the test keeps open without writing to it) and the test acts once it is
there. Timeouts only bound a test that would otherwise hang.

* A worker killed mid-chunk loses nothing: the chunk's inputs are tried again,
  one by one, by another worker. An input whose second try stops a worker too
  costs that input only (an error record, exit 3): the batch ends, every other
  input is assessed.
* Workers die with their main process, even one killed by SIGKILL, so a
  ``| tee`` or a CI log capture sees the end of its pipe; no resource tracker.
* Ctrl-C and SIGTERM end a ``-j 2`` batch with 130 and leave no process.
* A pattern through a link to a parent folder counts each file once (two
  such links used to run forever).
* ``batch dir -o dir/out.csv`` run twice does not read its own output.
* A temporary output file left by a run killed by SIGKILL is removed by the
  next run; a full TMPDIR while ranking is exit 4, not 70.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mutual_detector.batch import inputs
from mutual_detector.errors import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT

ASSETS = Path(__file__).resolve().parent / "assets"
LINUX = sys.platform.startswith("linux")
WAIT = 120  # seconds: only a bound on a hung test, never a timing assumption
GONE = 20  # seconds within which processes must be gone (they take milliseconds)

posix_procs = pytest.mark.skipif(not LINUX, reason="POSIX signals, /proc")


# --------------------------------------------------------------------------- helpers


def _session(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid`` (the batch and its workers)."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            out.append(int(pid))
    return out


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _readers(path: Path) -> list[int]:
    """Processes other than this one that have ``path`` open (Linux /proc)."""
    me, out = str(os.getpid()), []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                    out.append(int(pid))
                    break
    return out


def _until(condition: Callable[[], object], what: str, limit: float = WAIT) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what}")
        time.sleep(0.02)


class Batch:
    """``mutual-detector batch`` in its own session; stderr on a pipe, as ``| tee`` has it."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mutual_detector", "batch", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.err = b""
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        self.err = self.proc.stderr.read()  # returns when every holder of the pipe is gone

    def pipe_closed(self, timeout: float) -> bool:
        self._reader.join(timeout)
        return not self._reader.is_alive()

    def finish(self) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            pytest.fail("the batch did not end")
        self.pipe_closed(GONE)
        return code, self.err.decode()

    def kill_all(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        for pid in _session(self.proc.pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=WAIT)


@pytest.fixture
def batches() -> Iterator[Callable[[list[str], Path], Batch]]:
    started: list[Batch] = []

    def start(args: list[str], cwd: Path) -> Batch:
        started.append(Batch(args, cwd))
        return started[-1]

    yield start
    for b in started:
        b.kill_all()


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder of 11 answers files; the first, a.yaml, is a pipe held open with nothing in it."""
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    for name in "bcdefghijk":
        shutil.copyfile(ASSETS / "mini-answers.yaml", folder / f"{name}.yaml")
    pipe = folder / "a.yaml"
    os.mkfifo(pipe)
    fd = os.open(pipe, os.O_RDWR)  # a writer that never writes: reading a.yaml waits
    try:
        yield folder, pipe
    finally:
        os.close(fd)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))


HELD_BATCH = ["answers", "-q", "mini.yaml", "-j", "2", "--quiet", "-f", "csv", "-o", "out.csv"]


def _held_worker(batch: Batch, pipe: Path) -> int:
    """The worker process reading the held pipe (not the main process)."""
    _until(lambda: [p for p in _readers(pipe) if p != batch.proc.pid], "a worker to read the pipe")
    (worker,) = [p for p in _readers(pipe) if p != batch.proc.pid]
    return worker


# --------------------------------------------------------------------------- processes


@pytest.mark.slow
@posix_procs
class TestWorkerProcesses:
    def test_an_input_that_stops_two_workers_costs_that_input_only(
        self, tmp_path: Path, held: tuple[Path, Path], batches: Callable[..., Batch]
    ) -> None:
        """The input in progress is tried again by another worker; killed again, it is an
        error record, and every other input is assessed.

        Was: every input in flight lost (up to 6 here), a hang in 3 runs of 5, or exit 70.
        """
        _, pipe = held
        batch = batches(HELD_BATCH, tmp_path)
        first = _held_worker(batch, pipe)
        os.kill(first, signal.SIGTERM)
        _until(
            lambda: [p for p in _readers(pipe) if p not in (batch.proc.pid, first)],
            "another worker to try the input again",
        )
        (second,) = [p for p in _readers(pipe) if p not in (batch.proc.pid, first)]
        os.kill(second, signal.SIGKILL)
        code, err = batch.finish()
        assert code == EXIT_INPUT
        rows = _csv_rows(tmp_path / "out.csv")
        assert [(Path(r["input"]).name, r["status"]) for r in rows] == [
            ("a.yaml", "error"),
            *((f"{n}.yaml", "ok") for n in "bcdefghijk"),
        ]
        assert (
            f"stopped unexpectedly (killed by SIGTERM, process {first}), and so did the one "
            f"that tried it again (killed by SIGKILL, process {second})"
        ) in rows[0]["message"]
        assert "answers/a.yaml: the worker process assessing this input stopped" in err
        assert "Traceback" not in err
        _until(lambda: not _session(batch.proc.pid), "no process left", GONE)

    def test_a_worker_killed_mid_chunk_loses_nothing(
        self, tmp_path: Path, batches: Callable[..., Batch]
    ) -> None:
        """A chunk of several inputs (6 here; up to 32) whose worker is killed is tried
        again, input by input, by the other worker: every input is assessed, exit 0.

        Was: the whole chunk became error records.
        """
        folder = tmp_path / "answers"
        folder.mkdir()
        shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
        for n in range(1, 100):
            shutil.copyfile(ASSETS / "mini-answers.yaml", folder / f"s{n:03}.yaml")
        pipe = folder / "s000.yaml"  # the first input, read first, in the first chunk
        os.mkfifo(pipe)
        fd = os.open(pipe, os.O_RDWR)  # a writer that does not write yet: reading waits
        try:
            batch = batches(HELD_BATCH, tmp_path)
            first = _held_worker(batch, pipe)
            os.kill(first, signal.SIGKILL)
            _until(
                lambda: [p for p in _readers(pipe) if p not in (batch.proc.pid, first)],
                "another worker to try the input again",
            )
            os.write(fd, (ASSETS / "mini-answers.yaml").read_bytes())
        finally:
            os.close(fd)  # the end of the pipe: the second try reads a whole file
        code, err = batch.finish()
        assert (code, err) == (EXIT_OK, "")
        rows = _csv_rows(tmp_path / "out.csv")
        assert [(Path(r["input"]).name, r["status"]) for r in rows] == [
            (f"s{n:03}.yaml", "ok") for n in range(100)
        ]
        _until(lambda: not _session(batch.proc.pid), "no process left", GONE)

    def test_workers_die_with_their_parent(
        self, tmp_path: Path, held: tuple[Path, Path], batches: Callable[..., Batch]
    ) -> None:
        """SIGKILL of the main process: the workers go too, and stderr's pipe ends (| tee).

        Was: workers (one waiting on the pipe forever) and the resource tracker lived
        on, holding stderr open.
        """
        _, pipe = held
        batch = batches(HELD_BATCH, tmp_path)
        _held_worker(batch, pipe)
        workers = [p for p in _session(batch.proc.pid) if p != batch.proc.pid]
        assert len(workers) == 2
        os.kill(batch.proc.pid, signal.SIGKILL)
        assert batch.pipe_closed(GONE), "a worker still holds stderr open"
        _until(lambda: not _session(batch.proc.pid), "the workers to exit", GONE)
        assert batch.proc.wait(timeout=WAIT) == -signal.SIGKILL

    def test_no_resource_tracker_and_one_process_per_worker(
        self, tmp_path: Path, held: tuple[Path, Path], batches: Callable[..., Batch]
    ) -> None:
        _, pipe = held
        batch = batches(HELD_BATCH, tmp_path)
        _held_worker(batch, pipe)
        others = [p for p in _session(batch.proc.pid) if p != batch.proc.pid]
        commands = [_cmdline(p) for p in others]
        assert not [c for c in commands if "multiprocessing" in c], commands
        assert len(others) == 2
        assert all("mutual_detector.batch.pool" in c for c in commands), commands

    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
    def test_a_signal_ends_the_batch_and_every_process(
        self,
        tmp_path: Path,
        held: tuple[Path, Path],
        batches: Callable[..., Batch],
        sig: int,
    ) -> None:
        _, pipe = held
        (tmp_path / "out.csv").write_text("old\n", "utf-8")
        batch = batches(HELD_BATCH, tmp_path)
        _held_worker(batch, pipe)
        if sig == signal.SIGINT:
            os.killpg(batch.proc.pid, sig)  # as a terminal's Ctrl-C does
        else:
            batch.proc.send_signal(sig)
        code, err = batch.finish()
        assert (code, err.splitlines()[-1:]) == (EXIT_INTERRUPTED, ["mutual-detector: interrupted"])
        _until(lambda: not _session(batch.proc.pid), "no process left", GONE)
        assert (tmp_path / "out.csv").read_text("utf-8") == "old\n"
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []

    def test_a_worker_that_does_not_stop_cannot_hang_the_exit(
        self, tmp_path: Path, held: tuple[Path, Path], batches: Callable[..., Batch]
    ) -> None:
        """SIGTERM while a worker is stopped (SIGSTOP), so it cannot see its pipe close:
        it is killed, and the batch ends with 130.

        (The hang at exit of issue 16 came from a worker killed while it wrote a
        result to the queue all workers shared; it has no deterministic trigger.
        There is no shared queue now; fuzz/signals.py measures the rest.)
        """
        _, pipe = held
        batch = batches(HELD_BATCH, tmp_path)
        held_worker = _held_worker(batch, pipe)
        (other,) = [
            p
            for p in _session(batch.proc.pid)
            if p not in (batch.proc.pid, held_worker) and "resource_tracker" not in _cmdline(p)
        ]
        os.kill(other, signal.SIGSTOP)
        batch.proc.send_signal(signal.SIGTERM)
        code, err = batch.finish()
        assert (code, err.splitlines()[-1:]) == (EXIT_INTERRUPTED, ["mutual-detector: interrupted"])
        _until(lambda: not _session(batch.proc.pid), "no process left", GONE)

    def test_a_worker_killed_before_it_starts_loses_nothing(self, tmp_path: Path) -> None:
        """The pool gives a dead worker's unstarted chunks to another (in-process check)."""
        from mutual_detector.batch import runner
        from mutual_detector.batch.pool import Pool
        from mutual_detector.batch.worker import WorkerConfig

        for n in range(8):
            shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / f"s{n}.yaml")
        real = Pool.__init__

        def first_dies(self: Pool, config: object, workers: int) -> None:
            real(self, config, workers)
            self.workers[0].process.kill()

        sources = inputs.discover([str(tmp_path)])
        tasks = inputs.tasks(sources, frozenset())
        config = WorkerConfig(str(ASSETS / "mini.yaml"))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(Pool, "__init__", first_dies)
            items = list(runner.run(tasks, config, workers=2, total=8))
        assert [i.status for i in items] == ["ok"] * 8


# --------------------------------------------------------------------------- patterns


def _names(args: list[str], cwd: Path) -> list[str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return [s.name for s in inputs.discover(args)]
    finally:
        os.chdir(old)


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
class TestPatternsAndLinks:
    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        root = tmp_path / "tree"
        (root / "sub" / "deeper").mkdir(parents=True)
        for rel in ("x.yaml", "sub/y.yaml", "sub/deeper/z.yaml"):
            shutil.copyfile(ASSETS / "mini-answers.yaml", root / rel)
        shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
        os.symlink("..", root / "sub" / "up")  # back into the tree
        os.symlink("../..", root / "sub" / "deeper" / "up2")  # and out of it
        return root

    EXPECTED = ("tree/sub/deeper/z.yaml", "tree/sub/y.yaml", "tree/x.yaml")

    @pytest.mark.parametrize("pattern", ["tree/**/*.yaml", "tree/**", "tree/*/*.yaml"])
    def test_a_pattern_visits_each_real_file_once(self, tree: Path, pattern: str) -> None:
        """Was: 41 copies of the files with one link, and no end with two."""
        got = _names([pattern], tree.parent)
        want = [n for n in self.EXPECTED if pattern != "tree/*/*.yaml" or n == "tree/sub/y.yaml"]
        assert got == want

    def test_a_folder_walk_does_not_follow_links_to_folders(self, tree: Path) -> None:
        assert _names(["tree"], tree.parent) == list(self.EXPECTED)

    def test_a_file_and_a_link_to_it_are_one_input(self, tree: Path) -> None:
        os.symlink("x.yaml", tree / "x-link.yaml")
        assert _names(["tree/**/*.yaml"], tree.parent) == list(self.EXPECTED)
        assert _names(["tree", "tree/x.yaml"], tree.parent) == list(self.EXPECTED)

    @pytest.mark.slow
    def test_the_command_ends_and_counts_each_file_once(self, tree: Path) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "mutual_detector", "batch", "tree/**/*.yaml",
             "-q", "mini.yaml", "-f", "jsonl", "-j", "1", "--quiet"],
            cwd=tree.parent, capture_output=True, timeout=WAIT,
        )  # fmt: skip
        assert proc.returncode == EXIT_OK, proc.stderr
        assert [json.loads(x)["source"] for x in proc.stdout.splitlines()] == list(self.EXPECTED)


# --------------------------------------------------------------------------- outputs


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mutual_detector", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=WAIT,
        env={**os.environ, **env},
    )


@pytest.mark.slow
class TestOwnOutputs:
    @pytest.fixture
    def folder(self, tmp_path: Path) -> Path:
        shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
        (tmp_path / "dir").mkdir()
        shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "dir" / "a.yaml")
        (tmp_path / "dir" / "rows.csv").write_text(
            "service,appetite,unions,turnover\nDay care,most,yes,12\n", "utf-8"
        )
        return tmp_path

    @pytest.mark.parametrize("name", ["out.csv", "out.json"])
    def test_a_second_run_does_not_read_its_own_output(self, folder: Path, name: str) -> None:
        """Was: the second run read dir/out.csv as services and failed (exit 3)."""
        args = ["batch", "dir", "-q", "mini.yaml", "-o", f"dir/{name}", "-j", "1", "--quiet"]
        first = _cli(args, folder)
        again = _cli(args, folder)
        assert (first.returncode, again.returncode) == (EXIT_OK, EXIT_OK), again.stderr
        assert again.stderr == ""
        listed = _cli(["batch", "dir", "-q", "mini.yaml", "-f", "jsonl", "-j", "1"], folder)
        items = [json.loads(x) for x in listed.stdout.splitlines()]
        assert [(i["source"], i["status"]) for i in items] == [
            ("dir/a.yaml", "ok"),
            (f"dir/{name}", "skipped"),
            ("dir/rows.csv", "ok"),
        ]
        assert items[1]["note"] == inputs.REPORT_NOTE

    def test_the_output_named_by_o_is_never_an_input(self, folder: Path) -> None:
        """Even a file that is not ours yet: it is about to be replaced."""
        (folder / "dir" / "out.csv").write_text("service,appetite\nOld,most\n", "utf-8")
        args = ["batch", "dir", "-q", "mini.yaml", "-o", "dir/out.csv", "-f", "jsonl", "-j", "1"]
        proc = _cli(args, folder)
        assert proc.returncode == EXIT_OK, proc.stderr
        lines = (folder / "dir" / "out.csv").read_text("utf-8").splitlines()
        assert [json.loads(x)["status"] for x in lines] == ["ok", "skipped", "ok"]

    @posix_procs
    def test_a_temporary_file_left_by_a_killed_run_is_removed_next_time(
        self, tmp_path: Path, held: tuple[Path, Path], batches: Callable[..., Batch]
    ) -> None:
        """Was: a hidden .out.csv.*.tmp (58 MB in the report) stayed for good."""
        _, pipe = held
        batch = batches(HELD_BATCH, tmp_path)
        _held_worker(batch, pipe)
        os.kill(batch.proc.pid, signal.SIGKILL)
        batch.proc.wait(timeout=WAIT)
        left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(left) == 1
        assert left[0].startswith(f".out.csv.{batch.proc.pid}.")
        batch.kill_all()
        pipe.unlink()
        shutil.copyfile(ASSETS / "mini-answers.yaml", pipe)
        again = _cli(["batch", *HELD_BATCH], tmp_path)
        assert again.returncode == EXIT_OK, again.stderr
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
        assert len(_csv_rows(tmp_path / "out.csv")) == 11

    @pytest.mark.skipif(os.name != "posix", reason="process ids")
    def test_only_stale_temporary_files_of_ours_are_removed(self, tmp_path: Path) -> None:
        from mutual_detector.atomic import atomic_write

        gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
        dead = int(gone.stdout)
        old = time.time() - 3600
        names = {
            f".out.txt.{dead}.abcd_123.tmp": True,  # ours, process gone, old: removed
            f".out.txt.{os.getpid()}.abcd_123.tmp": False,  # this process's own
            f".out.txt.{os.getppid()}.abcd_123.tmp": False,  # a live process's
            f".out.txt.{dead}.abcd.tmp": False,  # not our pattern
            f".other.txt.{dead}.abcd_123.tmp": False,  # another target's
            f".out.txt.{dead}.zzzz_999.tmp": False,  # made after this run started
        }
        for name in names:
            (tmp_path / name).write_text("partial", "utf-8")
            if "zzzz" not in name:
                os.utime(tmp_path / name, (old, old))
        with contextlib.suppress(ProcessLookupError):
            os.kill(dead, 0)
            pytest.skip("the process id was reused already")
        atomic_write(tmp_path / "out.txt", "new")
        left = {p.name for p in tmp_path.iterdir()}
        assert left == {"out.txt"} | {n for n, removed in names.items() if not removed}


def _can_mount_tmpfs() -> bool:
    if not LINUX or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /tmp"],
        capture_output=True,
        timeout=WAIT,
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs a tmpfs in a user namespace")
def test_a_full_tmpdir_while_ranking_is_an_output_error(tmp_path: Path) -> None:
    """``--rank -f json`` keeps full results in TMPDIR: a full one is exit 4, was 70."""
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    (tmp_path / "answers").mkdir()
    for n in range(40):
        shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "answers" / f"a{n:02}.yaml")
    (tmp_path / "small").mkdir()
    (tmp_path / "out.json").write_text("old\n", "utf-8")
    batch = (
        f"{sys.executable} -m mutual_detector batch answers -q mini.yaml --rank -f json "
        "-o out.json -j 1 --quiet"
    )
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c",
         f"mount -t tmpfs -o size=64k tmpfs small && TMPDIR={tmp_path}/small exec {batch}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=WAIT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    assert proc.returncode == EXIT_OUTPUT, proc.stderr
    assert proc.stderr.startswith("mutual-detector: error: cannot keep the results to rank them")
    assert "the disk is full" in proc.stderr
    assert "TMPDIR" in proc.stderr
    assert (tmp_path / "out.json").read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

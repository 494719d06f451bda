"""Ctrl-C and SIGTERM in the middle of writing a report, and in the middle of a batch.

Real processes, real signals. Nothing here waits for a clock: each test holds
the program at a known point and waits for it to get there before sending the
signal:

* a report write is held inside ``os.fsync`` (a small driver script replaces
  it with a function that announces itself in a marker file and then waits);
* a batch is held reading its third input, a named pipe the test keeps open
  without writing to it.

The outcome is exact: exit code 130, the one line ``mutual-detector:
interrupted`` on stderr, the old output file untouched and no temporary file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mutual_detector.errors import EXIT_INTERRUPTED

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals, /proc"),
]

ASSETS = Path(__file__).resolve().parent / "assets"
OLD = "the old report\n"
WAIT = 120  # seconds: only a bound on a hung test, never a timing assumption

DRIVER = """
import os, sys, time
from pathlib import Path

marker = Path(sys.argv[1])

def held_fsync(fd):
    marker.write_text("in fsync")
    while True:  # until a signal arrives
        time.sleep(0.05)

os.fsync = held_fsync
from mutual_detector.cli import main

sys.argv = ["mutual-detector", *sys.argv[2:]]
main()
"""


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copyfile(ASSETS / "mini-answers.yaml", tmp_path / "answers.yaml")
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    (tmp_path / "out.txt").write_text(OLD, encoding="utf-8")
    return tmp_path


def _wait_for(condition: Callable[[], bool], prog: Program) -> None:
    """Poll ``condition()`` until true; fail (not hang) if the program ends first."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if prog.poll() is not None:
            pytest.fail(f"the program ended early ({prog.poll()}):\n{prog.err.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail("the program never reached the point to interrupt")
        time.sleep(0.01)


class Program:
    """A ``mutual-detector`` process in its own process group, output to files.

    Files, not pipes: a stray child holding a pipe open must not hang the test.
    Whatever happens, the whole group is killed when the test ends.
    """

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.out = cwd / "stdout.txt"
        self.err = cwd / "stderr.txt"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, *args], cwd=cwd, stdout=out, stderr=err, start_new_session=True
            )

    def poll(self) -> int | None:
        return self.proc.poll()

    def signal(self, sig: int) -> None:
        """SIGINT goes to the whole group, as a terminal's Ctrl-C does; SIGTERM to the program."""
        if sig == signal.SIGINT:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def finish(self) -> tuple[int, str]:
        try:
            code = self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the program did not stop after the signal:\n{self.err.read_text()}")
        return code, self.err.read_text()

    def kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def program() -> Iterator[Callable[[list[str], Path], Program]]:
    started: list[Program] = []

    def start(args: list[str], cwd: Path) -> Program:
        started.append(Program(args, cwd))
        return started[-1]

    yield start
    for p in started:
        p.kill_group()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


REPORT_COMMANDS = {
    "validate": ["validate", "mini.yaml", "-o", "out.txt"],
    "assess": ["assess", "-a", "answers.yaml", "-q", "mini.yaml", "--no-what-if", "-o", "out.txt"],
}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
@pytest.mark.parametrize("command", sorted(REPORT_COMMANDS))
def test_a_signal_during_a_report_write(
    workdir: Path,
    command: str,
    sig: int,
    program: Callable[[list[str], Path], Program],
) -> None:
    marker = workdir / "marker"
    prog = program(["driver.py", str(marker), *REPORT_COMMANDS[command]], workdir)
    _wait_for(marker.exists, prog)
    assert _leftovers(workdir) != []  # mid-write: the temporary file exists
    prog.signal(sig)
    code, err = prog.finish()
    assert (code, err) == (EXIT_INTERRUPTED, "mutual-detector: interrupted\n")
    assert ((workdir / "out.txt").read_text(), _leftovers(workdir)) == (OLD, [])


@pytest.fixture
def held_batch(workdir: Path) -> Iterator[tuple[Path, Path]]:
    """Answers a.yaml and b.yaml, then c.yaml: a pipe held open with nothing written."""
    folder = workdir / "answers"
    folder.mkdir()
    shutil.copyfile(ASSETS / "mini-answers.yaml", folder / "a.yaml")
    shutil.copyfile(ASSETS / "mini-answers.yaml", folder / "b.yaml")
    pipe = folder / "c.yaml"
    os.mkfifo(pipe)
    fd = os.open(pipe, os.O_RDWR)  # a writer that never writes: reading c.yaml waits
    try:
        yield folder, pipe
    finally:
        os.close(fd)


def _someone_reads(pipe: Path) -> bool:
    """Whether any process has ``pipe`` open, other than this test (Linux /proc)."""
    me = str(os.getpid())
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == str(pipe):
                    return True
            except OSError:
                continue
    return False


BATCH = ["-m", "mutual_detector", "batch", "answers", "-q", "mini.yaml"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_during_a_batch(
    workdir: Path,
    held_batch: tuple[Path, Path],
    sig: int,
    jobs: str,
    program: Callable[[list[str], Path], Program],
) -> None:
    _, pipe = held_batch
    prog = program(
        [*BATCH, "-j", jobs, "--quiet", "-f", "csv", "-o", "out.txt"],
        workdir,
    )
    _wait_for(lambda: _someone_reads(pipe), prog)
    prog.signal(sig)
    code, err = prog.finish()
    assert (code, err.splitlines()[-1:]) == (EXIT_INTERRUPTED, ["mutual-detector: interrupted"])
    assert "Traceback" not in err
    assert ((workdir / "out.txt").read_text(), _leftovers(workdir)) == (OLD, [])

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

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
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


def _wait_for(condition: object, proc: subprocess.Popen[str]) -> None:
    """Poll ``condition()`` until true; fail (not hang) if the process ends first."""
    import time

    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the program ended early ({proc.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the program never reached the point to interrupt")
        time.sleep(0.01)


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the program did not stop after the signal:\n{out}\n{err}")
    return proc.returncode, out, err


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


REPORT_COMMANDS = {
    "validate": ["validate", "mini.yaml", "-o", "out.txt"],
    "assess": ["assess", "-a", "answers.yaml", "-q", "mini.yaml", "--no-what-if", "-o", "out.txt"],
}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
@pytest.mark.parametrize("command", sorted(REPORT_COMMANDS))
def test_a_signal_during_a_report_write(workdir: Path, command: str, sig: int) -> None:
    marker = workdir / "marker"
    proc = subprocess.Popen(
        [sys.executable, "driver.py", str(marker), *REPORT_COMMANDS[command]],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(marker.exists, proc)
    assert _leftovers(workdir) != []  # mid-write: the temporary file exists
    proc.send_signal(sig)
    code, _, err = _finish(proc)
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


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_during_a_batch(
    workdir: Path, held_batch: tuple[Path, Path], sig: int, jobs: str
) -> None:
    folder, pipe = held_batch
    proc = subprocess.Popen(
        [sys.executable, "-m", "mutual_detector", "batch", "answers", "-q", "mini.yaml"]
        + ["-j", jobs, "--quiet", "-f", "csv", "-o", "out.txt"],
        cwd=workdir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: _someone_reads(pipe), proc)
    proc.send_signal(sig)
    code, _, err = _finish(proc)
    assert (code, err.splitlines()[-1:]) == (EXIT_INTERRUPTED, ["mutual-detector: interrupted"])
    assert "Traceback" not in err
    assert ((workdir / "out.txt").read_text(), _leftovers(workdir)) == (OLD, [])

"""Randomly timed Ctrl-C and SIGTERM against ``batch -j 2`` and ``assess -o`` (issue 16).

Not a unit test: it measures. Each run starts the command in its own session,
waits a random time within the command's usual duration, sends a signal and
checks that:

1. the command ends within ``--limit`` seconds of starting (10 by default);
2. no process of its session is left (workers included) once it has ended;
3. no temporary file is left beside the output;
4. the output is either the old file, byte for byte, or the complete new one
   (the bytes an uninterrupted run writes; ``SOURCE_DATE_EPOCH`` fixes the
   timestamps);
5. a run that exits as an uninterrupted one does has written the new file.

Other exit codes (a signal during Python's start-up, before the command has
set up its handling of signals, or during its shut-down after the output was
written) and tracebacks on stderr are counted and shown apart: they belong to
another item of issue 16 ("signals in the first 0.15 s of start-up").

Signals: SIGINT to the process group (a terminal's Ctrl-C), SIGTERM to the
process (``kill``) and SIGTERM to the group (``timeout``, a CI job cancelled).

Linux (it reads /proc). Run from the repository, with the project's interpreter::

    .venv/bin/python fuzz/signals.py --runs 200 --seed 1
    PYTHONPATH=/path/to/old/src .venv/bin/python fuzz/signals.py --runs 50   # another version

It prints one line per failed run and a summary; exit status 1 if any check failed.

``--startup`` sends the signals at random moments of the first ``--window``
seconds instead (0.3 by default: the interpreter starting, our modules being
imported, the command line being read) and checks the documented ending
instead: exit code 130 (or the command's own code, if it had finished and
written its output before the signal came), no traceback and no "Exception
ignored" on stderr. A signal before the console script reaches the tool's
entry point (the interpreter starting, and the script's own ``import re``:
about 25 ms) gets the system's default, which no code of ours can change; those
runs are counted apart, and only the others make the exit status 1::

    .venv/bin/python fuzz/signals.py --startup --runs 100 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
OLD = b"the old output\n"
EPOCH = "1767225600"
SIGNALS = {
    "INT-group": (signal.SIGINT, True),
    "TERM": (signal.SIGTERM, False),
    "TERM-group": (signal.SIGTERM, True),
}


@dataclass
class Command:
    name: str
    args: list[str]
    output: Path
    reference: bytes = b""
    code: int = 0
    duration: float = 1.0


@dataclass
class Tally:
    runs: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    outputs: Counter[str] = field(default_factory=Counter)
    after_signal: list[tuple[float, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    anomalies: dict[str, list[str]] = field(
        default_factory=lambda: {"start-up": [], "shut-down": [], "other": [], "traceback": []}
    )


def _answers_files() -> list[Path]:
    out = [ROOT / "tests" / "assets" / "mini-answers.yaml"]
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if "format: mutual-detector/answers@1" in path.read_text("utf-8"):
            out.append(path)
    return out


def _setup(work: Path, copies: int) -> list[Command]:
    shutil.copyfile(ROOT / "tests" / "assets" / "mini.yaml", work / "mini.yaml")
    examples = [p for p in _answers_files() if p.parent.name == "examples"]
    folder = work / "inputs"
    folder.mkdir()
    for n in range(copies):
        for path in examples:
            shutil.copyfile(path, folder / f"{n:03}-{path.name}")
    one = examples[0]
    shutil.copyfile(one, work / "answers.yaml")
    py = _program()
    return [
        Command(
            "batch-j2-json",
            [*py, "batch", "inputs", "-j", "2", "--quiet", "-f", "json", "-o", "batch.json"],
            work / "batch.json",
        ),
        Command(
            "batch-j2-csv",
            [*py, "batch", "inputs", "-j", "2", "--quiet", "-f", "csv", "-o", "batch.csv"],
            work / "batch.csv",
        ),
        Command(
            "assess-o",
            [*py, "assess", "-a", "answers.yaml", "--no-input", "-f", "json", "-o", "report.json"],
            work / "report.json",
        ),
    ]


def _program() -> list[str]:
    """The console script people run (beside this interpreter), else ``python -m``."""
    script = Path(sys.executable).with_name("mutual-detector")
    return [str(script)] if script.exists() else [sys.executable, "-m", "mutual_detector"]


def _env() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "MUTUAL_DETECTOR_NO_CACHE": "1"}


def _start_and_signal(
    command: Command, work: Path, err: IO[bytes], sig: int, group: bool, delay: float
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a session of its own, and send ``sig`` after ``delay`` seconds
    (to its whole process group if ``group``)."""
    proc = subprocess.Popen(
        command.args,
        cwd=work,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=err,
        start_new_session=True,
    )
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
    return proc


def _session(sid: int) -> list[int]:
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


def _reference(command: Command, work: Path) -> None:
    command.output.unlink(missing_ok=True)
    start = time.monotonic()
    proc = subprocess.run(command.args, cwd=work, env=_env(), capture_output=True, timeout=300)
    command.duration = time.monotonic() - start
    command.code = proc.returncode
    command.reference = command.output.read_bytes()


def _temporaries(work: Path) -> list[str]:
    return sorted(p.name for p in work.iterdir() if p.name.endswith(".tmp"))


def _one(command: Command, work: Path, rng: random.Random, limit: float, tally: Tally) -> None:
    command.output.write_bytes(OLD)
    how = rng.choice(sorted(SIGNALS))
    sig, group = SIGNALS[how]
    delay = rng.uniform(0.0, command.duration * 1.1)
    with open(work / "stderr.txt", "wb") as err:
        start = time.monotonic()
        proc = _start_and_signal(command, work, err, sig, group, delay)
        sent = time.monotonic()
        try:
            code: int | str = proc.wait(timeout=max(0.1, limit - (sent - start)))
            ended = time.monotonic()
        except subprocess.TimeoutExpired:
            code, ended = "hung", time.monotonic()
    tally.runs += 1
    label = f"{command.name} {how} at {delay:.2f}s"
    problems = []
    if code == "hung":
        problems.append(f"still running {limit:.0f}s after it started")
    else:
        tally.after_signal.append((ended - sent, f"{command.name} {how} at {delay:.2f}s"))
    # The workers see their pipe close at once; give them a moment to be gone.
    deadline = time.monotonic() + 2.0
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    left = _session(proc.pid)
    if left:
        problems.append(f"processes left: {left}")
    if code == "hung" or left:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    temporaries = _temporaries(work)
    if temporaries:
        problems.append(f"temporary files left: {temporaries}")
        for name in temporaries:
            (work / name).unlink(missing_ok=True)
    data = command.output.read_bytes() if command.output.exists() else b"(missing)"
    kind = "old" if data == OLD else "new" if data == command.reference else "other"
    tally.outputs[kind] += 1
    if kind == "other":
        problems.append(f"output neither old nor complete new ({len(data)} bytes)")
    tally.codes[str(code)] += 1
    if code == command.code and kind == "old":
        problems.append(f"exit {code} (done) but the old output is still there")
    # 130 with the complete new file is fine: the signal came after the rename.
    if problems:
        tally.failures.append(f"{label}: " + "; ".join(problems))
    stderr = (work / "stderr.txt").read_text("utf-8", "replace")
    last = " | ".join(stderr.strip().splitlines()[-2:])
    if code not in (130, command.code, "hung"):
        # Not one of the five checks above, which the issue sets; counted apart.
        if code in (-signal.SIGINT, -signal.SIGTERM) and kind == "old":
            what = "start-up"  # before the command set up its signal handling
        elif kind == "new":
            what = "shut-down"  # the work was done and written; the signal came at exit
        else:
            what = "other"
        tally.anomalies[what].append(f"{label}: exit {code} {last!r}")
    elif "Traceback" in stderr:
        tally.anomalies["traceback"].append(f"{label}: exit {code} {last!r}")


@dataclass
class Startup:
    runs: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[float, str, bool]] = field(default_factory=list)
    """(delay, what happened, whether the tool's entry point had not been reached)"""


def _early(command: Command, work: Path, rng: random.Random, window: float, tally: Startup) -> None:
    """One run with a signal in the first ``window`` seconds: the documented ending, or a failure."""
    command.output.write_bytes(OLD)
    how = rng.choice(sorted(SIGNALS))
    sig, group = SIGNALS[how]
    delay = rng.uniform(0.0, window)
    with open(work / "stderr.txt", "wb") as err:
        proc = _start_and_signal(command, work, err, sig, group, delay)
        try:
            code: int | str = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = "hung"
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for pid in _session(proc.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for name in _temporaries(work):
        (work / name).unlink(missing_ok=True)
    tally.runs += 1
    tally.codes[str(code)] += 1
    data = command.output.read_bytes() if command.output.exists() else b""
    finished = code == command.code and data == command.reference
    stderr = (work / "stderr.txt").read_text("utf-8", "replace")
    problems = []
    if code != 130 and not finished:
        problems.append(f"exit {code}")
    if "Traceback" in stderr or "Exception ignored" in stderr:
        problems.append("a traceback on stderr")
    if problems:
        last = " | ".join(stderr.strip().splitlines()[-2:])
        # Killed by the signal's default, or Python's own traceback (or its start-up
        # failing, exit 1) with no frame of the entry point: it had not been reached.
        before = (
            code in (-signal.SIGINT, -signal.SIGTERM, 1)
            and re.search(r'mutual_detector.cli.__init__\.py", line \d+, in main', stderr) is None
        )
        line = f"{command.name} {how} at {delay * 1000:.0f} ms: {', '.join(problems)} {last!r}"
        tally.failures.append((delay, line, before))


_TO_ENTRY = (
    "import re, sys\n"  # what the console script does before it imports the entry point
    "from mutual_detector.cli import main\n"
    "sys.stdout.write('x'); sys.stdout.flush()\n"
)


def _entry_time(tries: int = 15) -> float:
    """How long after it is started the console script reaches its entry point (the median).

    Until then no code of the tool has run: a signal gets the system's default
    (SIGTERM ends the process, Ctrl-C is Python's own KeyboardInterrupt).
    """
    times = []
    for _ in range(tries):
        start = time.monotonic()
        with subprocess.Popen([sys.executable, "-c", _TO_ENTRY], stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            proc.stdout.read(1)
            times.append(time.monotonic() - start)
    return statistics.median(times)


def startup(
    commands: list[Command], work: Path, rng: random.Random, runs: int, window: float
) -> bool:
    """``--startup``: signals within the first ``window`` seconds.

    True if every run in which the tool's entry point ran ended as documented (a run
    killed by the signal's default action, with no frame of the tool on stderr, had
    not reached it).
    """
    entry = _entry_time()
    tally = Startup()
    for _ in range(runs):
        _early(rng.choice(commands), work, rng, window, tally)
    early = [line for _, line, before in tally.failures if before]
    late = [line for _, line, before in tally.failures if not before]
    print(
        f"\nstart-up ({window * 1000:.0f} ms): {tally.runs} runs; "
        f"exit codes {dict(sorted(tally.codes.items()))}; failed: {len(tally.failures)}: "
        f"{len(early)} before the entry point (the interpreter starting; it reaches "
        f"mutual_detector.cli.main after about {entry * 1000:.0f} ms), {len(late)} after it"
    )
    for _, line, before in sorted(tally.failures)[:25]:
        print("  FAIL", "(before the entry point)" if before else "", line)
    return not late


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=200, help="runs of batch, and of assess (default 200 each)"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--limit", type=float, default=10.0, help="seconds a run may take")
    parser.add_argument("--copies", type=int, default=40, help="copies of each example")
    parser.add_argument(
        "--startup",
        action="store_true",
        help="signal within the first --window seconds; check the code (130) and stderr",
    )
    parser.add_argument("--window", type=float, default=0.3, help="seconds (--startup)")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("signals.py reads /proc: Linux only")
        return 2
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"seed {seed}; {args.runs} runs per command; limit {args.limit:g}s")
    failed = False
    with tempfile.TemporaryDirectory(prefix="md-signals-") as tmp:
        work = Path(tmp)
        commands = _setup(work, 2 if args.startup else args.copies)
        for command in commands:
            _reference(command, work)
            print(
                f"{command.name}: an uninterrupted run takes {command.duration:.2f}s, "
                f"exit {command.code}, {len(command.reference):,} bytes"
            )
        if args.startup:
            return 0 if startup(commands, work, rng, args.runs, args.window) else 1
        groups = {"batch -j 2": commands[:2], "assess -o": commands[2:]}
        for group, members in groups.items():
            tally = Tally()
            for _ in range(args.runs):
                _one(rng.choice(members), work, rng, args.limit, tally)
            slowest = sorted(tally.after_signal, reverse=True)[:3]
            waits = sorted(w for w, _ in tally.after_signal) or [0.0]
            print(
                f"\n{group}: {tally.runs} runs; exit codes {dict(sorted(tally.codes.items()))}; "
                f"output {dict(sorted(tally.outputs.items()))}; "
                f"from signal to exit: median {statistics.median(waits):.2f}s, "
                f"max {waits[-1]:.2f}s; failed checks: {len(tally.failures)}"
            )
            print("  slowest to end: " + "; ".join(f"{w:.2f}s ({what})" for w, what in slowest))
            for line in tally.failures[:25]:
                print("  FAIL", line)
            odd = {k: len(v) for k, v in tally.anomalies.items()}
            print(f"  other exit codes or tracebacks (not the checks above): {odd}")
            for kind, lines in tally.anomalies.items():
                for line in lines[: 10 if kind == "other" else 3]:
                    print(f"    {kind}: {line}")
            failed = failed or bool(tally.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

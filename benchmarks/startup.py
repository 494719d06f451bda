"""Start-up time of the CLI, as a ratio to a bare interpreter start.

Run with the project's interpreter::

    .venv/bin/python benchmarks/startup.py [--runs 21] [--json]

Each command is timed as a real subprocess, interleaved with ``python -c pass``
of the *same* interpreter in the same run, so the ratios do not depend on how
fast this machine is. The median of the runs is reported, for wall-clock time (what the goals are
about) and for CPU time (user + system), which a busy machine disturbs less.
Goals (issues 3 and 15): ``--help`` within 10x; (issue 3) ``validate`` of the
built-ins within 13x; (issue 6) the terminal report of ``assess --answers``
within 16x. Issue 15 removed the caches that those two relied on (results
remembered between runs): every run now reads and checks the questionnaire, so
they are shown against their old goals for information (docs/architecture.md).

``--floor`` adds two rows that run nothing but imports, with the collector
paused as the tool does: the libraries the terminal report needs (typer,
rich, pydantic, PyYAML), then those with the tool's own modules. They show
how much of the report's start-up is importing alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"--help": 10.0, "validate": 13.0, "assess report": 16.0}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "strong-community-health.yaml"


#: ``--floor``: what importing alone costs, with the collector paused as the tool runs.
#: The libraries the terminal report needs; then also the tool's modules it loads.
_LIBRARIES = (
    "from pydantic import BaseModel\n"
    "import typer, yaml, rich.console, rich.table, rich.panel, rich.padding\n"
)
_TOOL = (
    "import mutual_detector.cli.root, mutual_detector.cli.assess, mutual_detector.engine\n"
    "import mutual_detector.loading, mutual_detector.render.terminal, mutual_detector.model.checks\n"
)


def _floor(py: str) -> dict[str, list[str]]:
    pause, freeze = "import gc\ngc.disable()\n", "gc.freeze()\n"
    return {
        "imports: libraries": [py, "-c", pause + _LIBRARIES + freeze],
        "imports: + the tool": [py, "-c", pause + _LIBRARIES + _TOOL + freeze],
    }


def _commands(floor: bool = False) -> dict[str, list[str]]:
    py = sys.executable
    cli = [py, "-m", "mutual_detector"]
    return {
        **(_floor(py) if floor else {}),
        "python -c pass": [py, "-c", "pass"],
        "--help": [*cli, "--help"],
        "validate": [*cli, "validate"],
        # Issue 6: the rich terminal report from an answers file.
        "assess report": [*cli, "assess", "--answers", str(EXAMPLE)],
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(cmd: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run."""
    cpu = _cpu()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed, _cpu() - cpu


def measure(runs: int, floor: bool = False) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall-clock and CPU seconds per command, the commands interleaved run by run."""
    commands = _commands(floor)
    # Let Python write .pyc files as an installed package has them (any value of
    # PYTHONDONTWRITEBYTECODE, even "0", would stop that).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as cwd:  # outside the checkout, like a user
        for cmd in commands.values():  # warm the file cache and write .pyc files
            _time(cmd, cwd, env)
        for _ in range(runs):
            for name, cmd in commands.items():
                w, c = _time(cmd, cwd, env)
                wall[name].append(w)
                cpu[name].append(c)
    return (
        {name: statistics.median(values) for name, values in wall.items()},
        {name: statistics.median(values) for name, values in cpu.items()},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also time importing alone: the report's libraries, then with the tool's modules",
    )
    args = parser.parse_args()
    medians, cpu = measure(args.runs, args.floor)
    base, cpu_base = medians["python -c pass"], cpu["python -c pass"]
    report = {
        "python": sys.executable,
        "runs": args.runs,
        "seconds": {k: round(v, 4) for k, v in medians.items()},
        "cpu_seconds": {k: round(v, 4) for k, v in cpu.items()},
        "ratio": {k: round(v / base, 2) for k, v in medians.items()},
        "cpu_ratio": {k: round(v / cpu_base, 2) for k, v in cpu.items()},
        "goal": GOALS,
    }
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(f"interpreter: {Path(sys.executable)}  runs: {args.runs} (median)")
        print(f"{'command':<19} {'wall ms':>8} {'ratio':>7} {'cpu ms':>8} {'ratio':>7} {'goal':>6}")
        print(
            f"{'python -c pass':<19} {base * 1000:>8.1f} {1:>7.2f} {cpu_base * 1000:>8.1f} {1:>7.2f}"
        )
        for name in medians:
            if name == "python -c pass":
                continue
            ratio = medians[name] / base
            goal = GOALS.get(name)
            mark = "" if goal is None else f"{goal:>5.0f}x " + ("ok" if ratio <= goal else "MISSED")
            print(
                f"{name:<19} {medians[name] * 1000:>8.1f} {ratio:>7.2f} "
                f"{cpu[name] * 1000:>8.1f} {cpu[name] / cpu_base:>7.2f} {mark}"
            )
    missed = [k for k, g in GOALS.items() if medians[k] / base > g]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

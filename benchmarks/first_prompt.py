"""Time from ``mutual-detector assess`` to its first question, as a ratio to ``python -c pass``.

Run with the project's interpreter (needs pexpect, from the ``test`` extra)::

    .venv/bin/python benchmarks/first_prompt.py [--runs 15] [--questionnaire ID_OR_PATH] [--json]

The command runs in a real pseudo-terminal, as at a desk, from a temporary
folder. The clock stops when the first question ("Which service are you
assessing?") has been drawn; the baseline is ``python -c pass`` of the *same*
interpreter started the same way, run by run interleaved, so the ratio does
not depend on how fast this machine is. The median of the runs is reported.
Goal (issue 6): at most 20x. questionary and prompt_toolkit are imported only
when there is something to ask, so this is the cost of the CLI, loading the
questionnaire, and the prompt library.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

GOAL = 20.0
FIRST_PROMPT = "Which service are you assessing?"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"TERM": "xterm", "NO_COLOR": "1", "PROMPT_TOOLKIT_NO_CPR": "1"})
    return env


def _spawn(args: list[str], cwd: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        args,
        cwd=cwd,
        env=_env(),
        dimensions=(40, 120),
        encoding="utf-8",
        timeout=60,
    )


def _time_baseline(cwd: str) -> float:
    start = time.perf_counter()
    child = _spawn(["-c", "pass"], cwd)
    child.expect(pexpect.EOF)
    elapsed = time.perf_counter() - start
    child.close()
    return elapsed


def _time_first_prompt(cwd: str, questionnaire: str | None) -> float:
    args = ["-m", "mutual_detector", "assess"]
    if questionnaire:
        args += ["--questionnaire", questionnaire]
    start = time.perf_counter()
    child = _spawn(args, cwd)
    try:
        child.expect_exact(FIRST_PROMPT)
    except (pexpect.EOF, pexpect.TIMEOUT):
        sys.exit(f"no first prompt; the command printed:\n{child.before}")
    elapsed = time.perf_counter() - start
    child.kill(signal.SIGTERM)  # nothing answered, so nothing is saved
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def measure(runs: int, questionnaire: str | None) -> dict[str, float]:
    """Median seconds of the baseline and of the first prompt, interleaved run by run."""
    base: list[float] = []
    prompt: list[float] = []
    with tempfile.TemporaryDirectory() as cwd:  # outside the checkout, like a user
        _time_baseline(cwd)  # warm the file cache and write .pyc files
        _time_first_prompt(cwd, questionnaire)
        for _ in range(runs):
            base.append(_time_baseline(cwd))
            prompt.append(_time_first_prompt(cwd, questionnaire))
    return {"python -c pass": statistics.median(base), "first prompt": statistics.median(prompt)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs (default 15)")
    parser.add_argument("--questionnaire", help="id or path (default: the built-in questionnaire)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    questionnaire = (
        str(Path(args.questionnaire).resolve())
        if args.questionnaire and Path(args.questionnaire).exists()
        else args.questionnaire
    )
    medians = measure(args.runs, questionnaire)
    base = medians["python -c pass"]
    ratio = medians["first prompt"] / base
    if args.json:
        report = {
            "python": sys.executable,
            "runs": args.runs,
            "questionnaire": args.questionnaire or "built-in",
            "seconds": {k: round(v, 4) for k, v in medians.items()},
            "ratio": round(ratio, 2),
            "goal": GOAL,
        }
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(f"interpreter: {Path(sys.executable)}  runs: {args.runs} (median), in a pty")
        print(f"{'':<16} {'ms':>8} {'ratio':>7} {'goal':>6}")
        print(f"{'python -c pass':<16} {base * 1000:>8.1f} {1:>7.2f}")
        mark = "ok" if ratio <= GOAL else "MISSED"
        print(
            f"{'first prompt':<16} {medians['first prompt'] * 1000:>8.1f} {ratio:>7.2f} "
            f"{GOAL:>5.0f}x {mark}"
        )
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())

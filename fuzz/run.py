"""Run the fuzz targets and report how every input ended.

    python fuzz/run.py --target all --count 100000            # hypothesis, all three targets
    python fuzz/run.py --target expr --count 5000 --seed 1      # one target, reproducible
    python fuzz/run.py --target all --count 100000 --jobs 2     # targets in parallel processes
    python fuzz/run.py --target yaml --engine atheris --count 100000   # coverage-guided (optional)

Targets: ``yaml`` (loading.parse_yaml, then model validation and lint, or the
answers checks), ``expr`` (model.expr.parse, check and evaluate, and the
linter's reachability search), ``answers`` (AnswersFile validation and
model.checks.resolve, then the same data through YAML). The only accepted ways
to end are acceptance or a refusal with findings (InputError, ExpressionError,
pydantic ValidationError turned into findings). Every other exception is an
*uncaught exception*: it is counted, the first few are shown with the input,
and the run exits 1.

The atheris engine needs ``pip install -e '.[fuzz]'`` (Linux or macOS, CPython).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

NAMES = ("yaml", "expr", "answers")
#: Not in "all": the fast readers against the located one; the engine against model.checks.
EXTRA = ("readers", "engine")
SHOW = 3


def run_hypothesis(name: str, count: int, seed: int | None) -> dict[str, Any]:
    """Run ``count`` hypothesis-generated inputs through target ``name``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from strategies import STRATEGIES
    from targets import TARGETS

    target = TARGETS[name]
    outcomes: Counter[str] = Counter()
    failures: list[dict[str, str]] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(STRATEGIES[name])
    def one(data: Any) -> None:
        outcomes["inputs"] += 1
        try:
            outcome = target(*data) if isinstance(data, tuple) else target(data)
        except Exception as exc:
            outcomes["uncaught"] += 1
            if len(failures) < SHOW:
                failures.append(
                    {
                        "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                        "input": repr(data)[:600],
                        "traceback": "".join(traceback.format_exc(limit=-4)),
                    }
                )
        else:
            outcomes[outcome] += 1

    if seed is not None:
        one = hypothesis_seed(seed)(one)
    start = time.perf_counter()
    one()
    return _summary(name, "hypothesis", outcomes, failures, time.perf_counter() - start)


def run_atheris(name: str, count: int, seed: int | None) -> dict[str, Any]:
    """Run the atheris harness for ``name`` in a child process (libFuzzer exits when done)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="md-fuzz-") as tmp:
        stats = Path(tmp) / "stats.json"
        cmd = [
            sys.executable,
            str(HERE / "atheris_harness.py"),
            name,
            str(stats),
            f"-runs={count}",
            f"-seed={seed or 0}",
            "-max_len=4096",
            "-rss_limit_mb=2048",
            str(Path(tmp) / "corpus"),
        ]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if not stats.exists():
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
            raise SystemExit(f"atheris run for {name} produced no statistics")
        data = json.loads(stats.read_text())
    outcomes = Counter(data["outcomes"])
    return _summary(name, "atheris", outcomes, data["failures"], elapsed)


def _summary(
    name: str, engine: str, outcomes: Counter[str], failures: list[dict[str, str]], seconds: float
) -> dict[str, Any]:
    inputs = outcomes.pop("inputs", 0)
    uncaught = outcomes.pop("uncaught", 0)
    return {
        "target": name,
        "engine": engine,
        "inputs": inputs,
        "uncaught": uncaught,
        "seconds": round(seconds, 1),
        "outcomes": dict(sorted(outcomes.items())),
        "failures": failures,
    }


def _print(result: dict[str, Any]) -> None:
    rate = result["inputs"] / result["seconds"] if result["seconds"] else 0.0
    print(
        f"{result['target']:8} {result['engine']:10} inputs={result['inputs']:,} "
        f"uncaught={result['uncaught']} time={result['seconds']:.1f}s ({rate:,.0f}/s)"
    )
    for outcome, n in result["outcomes"].items():
        print(f"    {outcome:28} {n:>9,}")
    for failure in result["failures"]:
        print(f"  UNCAUGHT {failure['error']}\n    input: {failure['input']}")
        print("    " + failure["traceback"].replace("\n", "\n    "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=[*NAMES, *EXTRA, "all"], default="all")
    parser.add_argument("--count", type=int, default=100_000, help="inputs per target")
    parser.add_argument("--engine", choices=["hypothesis", "atheris"], default="hypothesis")
    parser.add_argument("--seed", type=int, default=None, help="for a reproducible run")
    parser.add_argument("--jobs", type=int, default=1, help="targets run in parallel processes")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    names = list(NAMES) if args.target == "all" else [args.target]
    runner = run_hypothesis if args.engine == "hypothesis" else run_atheris

    start = time.perf_counter()
    if args.jobs > 1 and len(names) > 1:
        results = _parallel(names, args)
    else:
        results = [runner(name, args.count, args.seed) for name in names]
    total = time.perf_counter() - start
    for result in results:
        _print(result)
    inputs = sum(r["inputs"] for r in results)
    uncaught = sum(r["uncaught"] for r in results)
    print(f"total    inputs={inputs:,} uncaught={uncaught} wall time={total:.1f}s")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 1 if uncaught else 0


def _parallel(names: list[str], args: argparse.Namespace) -> list[dict[str, Any]]:
    """One child process per target, at most ``--jobs`` at a time; results via JSON files."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="md-fuzz-") as tmp:
        pending = list(names)
        running: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        done: dict[str, dict[str, Any]] = {}
        while pending or running:
            while pending and len(running) < args.jobs:
                name = pending.pop(0)
                out = Path(tmp) / f"{name}.json"
                cmd = [sys.executable, __file__, "--target", name, "--count", str(args.count)]
                cmd += ["--engine", args.engine, "--json", str(out)]
                if args.seed is not None:
                    cmd += ["--seed", str(args.seed)]
                running.append((name, subprocess.Popen(cmd, stdout=subprocess.DEVNULL), out))
            finished = next((r for r in running if r[1].poll() is not None), None)
            if finished is None:
                time.sleep(0.2)  # only a polling interval; nothing depends on it
                continue
            running.remove(finished)
            name, proc, out = finished
            if not out.exists():
                raise SystemExit(f"fuzz run for {name} failed (exit {proc.returncode})")
            done[name] = json.loads(out.read_text(encoding="utf-8"))[0]
        return [done[n] for n in names]


if __name__ == "__main__":
    raise SystemExit(main())

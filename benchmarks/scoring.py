"""How long scoring one assessment takes, against parsing its YAML answers file.

For each answers file this measures, in the same run:

* parse (C loader): ``yaml.load(text, Loader=yaml.CSafeLoader)``, the baseline;
* parse (ours): :func:`mutual_detector.loading.parse_yaml`, which keeps line and
  column marks (libyaml's C parser underneath), for reference;
* score: validating the answers (:class:`AnswersFile`), scoring, explaining and
  rendering the result as JSON, without the what-if search;
* score + what-if: the same with the what-if search.

Each figure is CPU time (``time.process_time``), the best of several repeats of
the mean over many loops, the measurements interleaved: the figures least
disturbed by other work on the machine. The goals are scoring <= 0.3x
the C parse without what-if and <= 1x with it. The questionnaire is loaded once
beforehand (the engine caches its compiled form), as in ``batch``.

``--breakdown`` also measures the parts of "score" on their own, against the
same C parse: validating the answers, the engine (``assess``, which returns the
frozen result), the what-if search on top, and writing the JSON. It shows
where the time goes and what bounds any further gain.

Usage::

    .venv/bin/python benchmarks/scoring.py [ANSWERS_FILE ...] [--repeat 7] [--check]
        [--breakdown]

Default files: examples/*.yaml. ``--check`` exits 1 if a goal is missed on the
totals.
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mutual_detector.engine import assess  # noqa: E402
from mutual_detector.loading import get_questionnaire, parse_yaml  # noqa: E402
from mutual_detector.model.answers import AnswersFile  # noqa: E402
from mutual_detector.render.json import render_json  # noqa: E402

GOAL_PLAIN = 0.3
GOAL_WHATIF = 1.0


def _loops(fn: Callable[[], Any], budget_s: float = 0.04) -> int:
    fn()
    once = min(timeit.repeat(fn, number=1, repeat=3, timer=time.process_time))
    return max(1, int(budget_s / max(once, 1e-5)))


TS = "2026-01-01T00:00:00Z"
#: --breakdown: the parts of "score", in the order they run.
PARTS = {
    "validate": "validate the answers (AnswersFile)",
    "assess": "engine, no what-if (assess -> Result)",
    "assess_whatif": "engine with what-if",
    "json": "write the JSON (render_json)",
}


def measure(path: Path, repeat: int, breakdown: bool = False) -> dict[str, float]:
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    loaded = get_questionnaire(data["questionnaire"])
    q = loaded.questionnaire

    def score(whatif: bool) -> str:
        answers = AnswersFile.model_validate(data)
        return render_json(assess(q, answers, whatif=whatif, timestamp=TS))

    fns: dict[str, Callable[[], Any]] = {
        "parse_c": lambda: yaml.load(text, Loader=yaml.CSafeLoader),
        "parse_ours": lambda: parse_yaml(text, path.name),
        "score": lambda: score(False),
        "score_whatif": lambda: score(True),
    }
    if breakdown:
        answers = AnswersFile.model_validate(data)
        result = assess(q, answers, timestamp=TS)
        fns["validate"] = lambda: AnswersFile.model_validate(data)
        fns["assess"] = lambda: assess(q, answers, whatif=False, timestamp=TS)
        fns["assess_whatif"] = lambda: assess(q, answers, timestamp=TS)
        fns["json"] = lambda: render_json(result)
    loops = {name: _loops(fn) for name, fn in fns.items()}
    best = dict.fromkeys(fns, float("inf"))
    # Interleaved, so that all four meet the same conditions on a busy machine.
    for _ in range(repeat):
        for name, fn in fns.items():
            spent = timeit.timeit(fn, number=loops[name], timer=time.process_time)
            best[name] = min(best[name], spent / loops[name])
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument(
        "--breakdown", action="store_true", help="also measure the parts of scoring on their own"
    )
    args = parser.parse_args(argv)
    if not yaml.__with_libyaml__:
        print("libyaml is not available: the C loader cannot be measured", file=sys.stderr)
        return 2
    files = args.files or sorted(
        p for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml"
    )
    if not files:
        print("no answers files given, and none in examples/", file=sys.stderr)
        return 2
    print(f"{'answers file':<38} {'parse C':>8} {'ours':>8} {'score':>8} {'+whatif':>8}"
          f" {'score/C':>8} {'wi/C':>6}")  # fmt: skip
    totals = dict.fromkeys(("parse_c", "parse_ours", "score", "score_whatif"), 0.0)
    if args.breakdown:
        totals.update(dict.fromkeys(PARTS, 0.0))
    for path in files:
        m = measure(path, args.repeat, args.breakdown)
        for key in totals:
            totals[key] += m[key]
        print(
            f"{path.stem[:38]:<38} {m['parse_c'] * 1e6:7.0f}µ {m['parse_ours'] * 1e6:7.0f}µ"
            f" {m['score'] * 1e6:7.0f}µ {m['score_whatif'] * 1e6:7.0f}µ"
            f" {m['score'] / m['parse_c']:7.2f}x {m['score_whatif'] / m['parse_c']:5.2f}x"
        )
    plain = totals["score"] / totals["parse_c"]
    whatif = totals["score_whatif"] / totals["parse_c"]
    print(
        f"\nAll {len(files)} files: parse (C loader) {totals['parse_c'] * 1e3:.2f} ms, "
        f"parse (ours, with marks) {totals['parse_ours'] * 1e3:.2f} ms, "
        f"score {totals['score'] * 1e3:.2f} ms, score + what-if {totals['score_whatif'] * 1e3:.2f} ms"
    )
    print(f"score / parse (C):           {plain:.2f}x   (goal <= {GOAL_PLAIN}x)")
    print(f"score + what-if / parse (C): {whatif:.2f}x   (goal <= {GOAL_WHATIF}x)")
    print(
        f"against our located parse:   {totals['score'] / totals['parse_ours']:.2f}x and "
        f"{totals['score_whatif'] / totals['parse_ours']:.2f}x"
    )
    if args.breakdown:
        print("\nParts of scoring, each on its own, per file and against the C parse:")
        n = len(files)
        for key, label in PARTS.items():
            print(
                f"  {label:<40} {totals[key] / n * 1e6:7.0f}µ"
                f" {totals[key] / totals['parse_c']:6.2f}x"
            )
    if args.check and (plain > GOAL_PLAIN or whatif > GOAL_WHATIF):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

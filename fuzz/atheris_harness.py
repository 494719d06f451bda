"""Coverage-guided fuzzing with atheris (libFuzzer): one target per process.

Run through ``fuzz/run.py --engine atheris``; by hand:

    python fuzz/atheris_harness.py yaml /tmp/stats.json -runs=100000 /tmp/corpus

Exceptions are caught, counted and recorded (so a run always completes its
``-runs``); the statistics are written as JSON every 1,000 inputs and at exit.
The seed corpus is the repository's YAML files (questionnaires, examples, the
test assets and ``tests/hostile``).
"""

from __future__ import annotations

import atexit
import json
import sys
import traceback
from collections import Counter
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["mutual_detector"]):
    from targets import expr_target, readers_target, yaml_bytes_target, yaml_target

ANSWERS_HEADER = "format: mutual-detector/answers@1\nquestionnaire: mini\n"


def _yaml(data: bytes) -> str:
    return yaml_bytes_target(data)


def _expr(data: bytes) -> str:
    fdp = atheris.FuzzedDataProvider(data)
    return expr_target(fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()))


def _answers(data: bytes) -> str:
    # The fuzzed bytes are the rest of an answers file after its header lines.
    return yaml_target(ANSWERS_HEADER + data.decode("utf-8", "replace"))


HARNESSES = {"yaml": _yaml, "expr": _expr, "answers": _answers, "readers": readers_target}


def _seed_corpus(corpus: Path, target: str) -> None:
    from targets import ASSETS, HOSTILE, ROOT

    corpus.mkdir(parents=True, exist_ok=True)
    if target == "expr":
        seeds = [
            b"appetite == 'most'",
            b"turnover >= 25 and not unions",
            b"'staff' in members or count(members) > 1",
            b"answered(turnover) and score(appetite) > 0.5",
            b"section_score('staff') >= 50",
            b"appetite in ['most', 'some']",
        ]
        for i, seed in enumerate(seeds):
            (corpus / f"seed-{i}").write_bytes(seed)
        return
    files = [ASSETS / "mini.yaml", ASSETS / "mini-answers.yaml"]
    files += sorted((ROOT / "questionnaires").rglob("*.yaml"))
    files += sorted(HOSTILE.glob("*.yaml")) if HOSTILE.is_dir() else []
    for i, f in enumerate(files):
        blob = f.read_bytes()
        if target == "answers":
            blob = b"answers:" + (blob.split(b"answers:", 1)[1] if b"answers:" in blob else b"")
        (corpus / f"seed-{i}").write_bytes(blob)


def main() -> None:
    target, stats_path = sys.argv[1], Path(sys.argv[2])
    harness = HARNESSES[target]
    outcomes: Counter[str] = Counter()
    failures: list[dict[str, str]] = []

    def save() -> None:
        stats_path.write_text(json.dumps({"outcomes": outcomes, "failures": failures}))

    def one(data: bytes) -> None:
        outcomes["inputs"] += 1
        try:
            outcomes[harness(data)] += 1
        except Exception as exc:
            outcomes["uncaught"] += 1
            if len(failures) < 3:
                failures.append(
                    {
                        "error": f"{type(exc).__name__}: {str(exc)[:300]}",
                        "input": repr(data[:600]),
                        "traceback": traceback.format_exc(limit=-4),
                    }
                )
        if outcomes["inputs"] % 1000 == 0 or outcomes["inputs"] == runs:
            save()  # libFuzzer ends the process without running atexit handlers
        if outcomes["inputs"] == runs:
            import shutil

            import targets

            shutil.rmtree(targets._EMPTY_DIR, ignore_errors=True)

    atexit.register(save)
    args = [a for a in sys.argv[3:] if a.startswith("-")]
    runs = next((int(a.split("=", 1)[1]) for a in args if a.startswith("-runs=")), -1)
    corpus = [a for a in sys.argv[3:] if not a.startswith("-")]
    for folder in corpus:
        _seed_corpus(Path(folder), target)
    atheris.Setup([sys.argv[0], *args, *corpus], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

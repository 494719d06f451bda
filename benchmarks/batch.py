"""Speed and memory of ``mutual-detector batch`` (issue 7), measured in one run.

Run with the project's interpreter::

    .venv/bin/python benchmarks/batch.py [--files 2000] [--small 200] [--memory 100,10000] [--json]

It writes N realistic answers files for the built-in questionnaire (random
valid answers that follow the ``when:`` conditions, with some "don't know"
and some unanswered; tests/assets/mini.yaml if the built-in cannot be
loaded), then measures, in the same run:

1. **parse only**: reading each file and parsing it with libyaml's C loader
   (``yaml.load(..., CSafeLoader)``), in this process; and, for reference,
   the project's located reader (``loading.parse_yaml``); the best of
   three passes spread over the run, so a busy moment does not flatter the
   ratio;
2. **batch, serial** (``-j 1``) and **batch, -j 2**, as real subprocesses
   writing CSV to a file. Start-up is excluded by timing a small and a large
   batch and dividing the extra files by the extra time;
3. **peak memory** at ``--memory`` sizes: the largest resident set of any
   process of the run (``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper
   process per measurement, so one run cannot inherit another's peak) and,
   sampled from /proc every 10 ms, the sum over the whole process tree;
4. **one ``assess`` per file**: the cost per assessment of a shell loop.

The machine's speed drifts between measurements, so the throughput ratio is
also given by CPU time per file, parse-only and a serial batch measured back to
back in each of three rounds (the median is shown).

Goals: batch throughput >= 0.8x parse-only; -j 2 >= 1.7x serial (on two
free cores); peak memory at 10,000 files <= 1.2x that at 100 and < 60 MiB.
Timings depend on the machine and on what else it runs: the load average
and the CPU time used are reported alongside.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "mutual_detector"]
GOALS = {"throughput_vs_parse": 0.8, "speedup_j2": 1.7, "memory_growth": 1.2, "memory_mib": 60.0}


# --------------------------------------------------------------------------- inputs


def _questionnaire() -> tuple[Any, str]:
    from mutual_detector.errors import InputError
    from mutual_detector.loading import get_questionnaire, questionnaire_path

    try:
        return get_questionnaire(None).questionnaire, str(questionnaire_path(None))
    except InputError:
        mini = ROOT / "tests" / "assets" / "mini.yaml"
        return get_questionnaire(mini).questionnaire, str(mini)


def _answer(question: Any, rng: random.Random) -> Any:
    kind = question.kind
    if kind == "single":
        return rng.choice(question.options).value
    if kind == "multi":
        values = [o.value for o in question.options if not o.exclusive]
        alone = [o.value for o in question.options if o.exclusive]
        if alone and rng.random() < 0.2:
            return [rng.choice(alone)]  # "none of these", on its own
        return sorted(rng.sample(values, rng.randint(1, len(values))), key=values.index)
    if kind == "yes_no":
        return rng.random() < 0.6
    if kind == "scale":
        return rng.randint(question.scale.min, question.scale.max)
    if kind == "number":
        spec = question.number_spec
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else max([lo + 100] + [b.max for b in spec.bands])
        value = rng.uniform(lo, hi)
        return int(value) if spec.integer else round(value, 1)
    return rng.choice(["Agreed at the staff forum.", "See the business case, annex B.", "None."])


def answers_for(q: Any, rng: random.Random, n: int, *, gaps: bool = True) -> dict[str, Any]:
    """A realistic answers document: conditions followed, some don't know, some gaps."""
    from mutual_detector.model.checks import applicability

    values: dict[str, Any] = {}
    dont_know: set[str] = set()
    answers: dict[str, Any] = {}
    for question in q.ordered_questions:
        applies = applicability(q.ordered_questions, values, dont_know).applies
        if applies.get(question.id) is not True:
            continue
        roll = rng.random() if gaps else 1.0
        if roll < 0.03:
            continue
        if roll < 0.08 and question.dont_know:
            answers[question.id] = "dont_know"
            dont_know.add(question.id)
            continue
        value = _answer(question, rng)
        values[question.id] = value
        if rng.random() < 0.15:
            answers[question.id] = {"value": value, "note": "From the staff survey, May."}
        else:
            answers[question.id] = value
    return {
        "format": "mutual-detector/answers@1",
        "questionnaire": q.id,
        "questionnaire_version": q.version,
        "status": "complete",
        "metadata": {
            "service": f"Service {n:05d}",
            "organisation": "Anytown Council",
            "assessor": "Benchmark",
            "date": "2026-11-25",
        },
        "answers": answers,
    }


def write_inputs(folder: Path, count: int, seed: int = 7, *, gaps: bool = True) -> list[Path]:
    import yaml

    q, _ = _questionnaire()
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"service-{n:05d}.yaml"
        path.write_text(
            yaml.safe_dump(answers_for(q, rng, n, gaps=gaps), sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


# --------------------------------------------------------------------------- measurements


def parse_only(paths: list[Path], best: dict[str, float] | None = None) -> dict[str, float]:
    """Files per second: C loader only, and the project's located reader (best so far)."""
    import yaml

    from mutual_detector.loading import decode, parse_yaml, read_raw

    def read_document(path: Path) -> Any:  # the located reader alone, positions and all
        return parse_yaml(decode(read_raw(path, path.name), path.name), path.name)

    best = dict(best or {})
    for path in paths[:50]:  # warm the file cache
        path.read_bytes()
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    c_loader = len(paths) / (time.perf_counter() - start)
    start = time.perf_counter()
    for path in paths:
        read_document(path)
    located = len(paths) / (time.perf_counter() - start)
    best["c_loader"] = max(best.get("c_loader", 0.0), c_loader)
    best["located_reader"] = max(best.get("located_reader", 0.0), located)
    return best


def stages(paths: list[Path], q: str) -> dict[str, float]:
    """CPU microseconds per file of each stage of the batch pipeline, in this process."""
    import yaml

    from mutual_detector.batch import worker
    from mutual_detector.batch.records import BatchContext
    from mutual_detector.engine import assess
    from mutual_detector.loading import get_questionnaire, parse_answers, read_raw, readers
    from mutual_detector.loading.readers import read_document

    questionnaire = get_questionnaire(Path(q)).questionnaire
    names = [str(p) for p in paths]

    def per_file(fn: Any) -> float:
        start = time.process_time()
        for name in names:
            fn(name)
        return (time.process_time() - start) / len(names) * 1e6

    worker.init(worker.WorkerConfig(q))
    from mutual_detector.batch.inputs import FileTask
    from mutual_detector.render.batch_csv import CsvRenderer

    context = BatchContext("q", "1", "Q", "0" * 64, (), (), "0")
    renderer = CsvRenderer(context)
    out = {
        "c_loader_parse": per_file(lambda n: yaml.load(read_raw(n, n), Loader=yaml.CSafeLoader)),
        "chosen_reader": per_file(lambda n: read_document(n, name=n)),
        "chosen_reader_and_validation": per_file(lambda n: parse_answers(read_document(n, name=n))),
    }
    files = [parse_answers(read_document(n, name=n)).answers for n in names]
    start = time.process_time()
    for f in files:
        assess(questionnaire, f, whatif=False)
    out["engine"] = (time.process_time() - start) / len(files) * 1e6
    out["whole_item_csv"] = per_file(
        lambda n: renderer.item(worker.process(0, FileTask(n, n, True)))
    )
    # What the fast readers save: the same, with none of them (the located reader alone).
    chosen = readers.FAST_READERS
    readers.FAST_READERS = ()
    try:
        out["located_reader"] = per_file(lambda n: read_document(n, name=n))
        out["whole_item_csv_located_only"] = per_file(
            lambda n: renderer.item(worker.process(0, FileTask(n, n, True)))
        )
    finally:
        readers.FAST_READERS = chosen
    return out


def _run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this child and its descendants) of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([*CLI, *args], capture_output=True, cwd=ROOT, env=_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "NO_COLOR": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def batch_throughput(
    small: Path, big: Path, n_small: int, n_big: int, jobs: int, q: str, out: Path, fmt: str
) -> dict[str, float]:
    """Files per second with start-up excluded: extra files over extra time (best of 3)."""
    args = ["-q", q, "-f", fmt, "-o", str(out), "-j", str(jobs), "--quiet"]
    _run(["batch", str(small), *args])  # warm caches and .pyc files
    walls_small, walls_big, cpus_big = [], [], []
    for _ in range(3):
        walls_small.append(_run(["batch", str(small), *args])[0])
        wall, cpu = _run(["batch", str(big), *args])
        walls_big.append(wall)
        cpus_big.append(cpu)
    extra = min(walls_big) - min(walls_small)
    return {
        "files_per_s": (n_big - n_small) / extra,
        "startup_s": min(walls_small) - n_small * extra / (n_big - n_small),
        "wall_big_s": min(walls_big),
        "cpu_big_s": min(cpus_big),
    }


_PEAK = """
import resource, subprocess, sys, threading, time, os
cmd = sys.argv[1:]
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
peak = 0
def tree(pid):
    out = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    out += tree(int(child))
    except OSError:
        pass
    return out
def rss(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
def sample():
    global peak
    while proc.poll() is None:
        peak = max(peak, sum(rss(p) for p in tree(proc.pid)))
        time.sleep(0.01)
watcher = threading.Thread(target=sample, daemon=True)
watcher.start()
err = proc.communicate()[1]
watcher.join()
if proc.returncode not in (0, 1):
    sys.exit(err.decode()[-800:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, peak)
"""


_SPLIT = """
import resource, sys, time
from mutual_detector.cli import main
sys.argv = ["mutual-detector", *sys.argv[1:]]
start = time.perf_counter()
try:
    main()
except SystemExit:
    pass
wall = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime)
"""


def cpu_split(folder: Path, jobs: int, q: str, out: Path) -> dict[str, float]:
    """Seconds of CPU in the main process and in the workers, for one run (start-up included)."""
    args = ["batch", str(folder), "-q", q, "-f", "csv", "-o", str(out), "-j", str(jobs), "--quiet"]
    proc = subprocess.run(
        [sys.executable, "-c", _SPLIT, *args], capture_output=True, cwd=ROOT, env=_env()
    )
    wall, main_cpu, workers_cpu = (float(x) for x in proc.stdout.split())
    return {"wall_s": wall, "main_cpu_s": main_cpu, "workers_cpu_s": workers_cpu}


def per_item_cpu(small: Path, big: Path, extra: int, q: str, out: Path) -> dict[str, float]:
    """CPU microseconds per file (start-up excluded): -j 1, and -j 2's main process and workers."""
    one = [cpu_split(folder, 1, q, out) for folder in (small, big)]
    two = [cpu_split(folder, 2, q, out) for folder in (small, big)]

    def per(runs: list[dict[str, float]], key: str) -> float:
        return (runs[1][key] - runs[0][key]) / extra * 1e6

    return {
        "j1": per(one, "main_cpu_s"),
        "j2_main": per(two, "main_cpu_s"),
        "j2_workers": per(two, "workers_cpu_s"),
    }


def parse_cpu_per_file(paths: list[Path]) -> float:
    """CPU microseconds per file of reading and parsing with the C loader, in this process."""
    import yaml

    start = time.process_time()
    for path in paths:
        with open(path, "rb") as fh:
            yaml.load(fh.read(), Loader=yaml.CSafeLoader)
    return (time.process_time() - start) / len(paths) * 1e6


def interleaved_cpu_ratio(
    paths: list[Path], small: Path, big: Path, extra: int, q: str, out: Path, rounds: int = 3
) -> dict[str, Any]:
    """Parse-only CPU over serial batch CPU per file, measured back to back, several times.

    This machine's speed drifts by tens of per cent from one second to the next;
    each round measures the two costs next to each other, so the drift mostly
    cancels, and the median of the rounds is reported.
    """
    ratios = []
    for _ in range(rounds):
        before = parse_cpu_per_file(paths)
        runs = [cpu_split(folder, 1, q, out) for folder in (small, big)]
        after = parse_cpu_per_file(paths)
        batch_cpu = (runs[1]["main_cpu_s"] - runs[0]["main_cpu_s"]) / extra * 1e6
        ratios.append(((before + after) / 2) / batch_cpu)
    return {"ratios": ratios, "median": statistics.median(ratios)}


def peak_memory(folder: Path, jobs: int, q: str, out: Path) -> dict[str, float]:
    """MiB: the largest single process, and the sampled sum over the process tree."""
    args = ["batch", str(folder), "-q", q, "-f", "csv", "-o", str(out), "-j", str(jobs), "--quiet"]
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK, *CLI, *args], capture_output=True, cwd=ROOT, env=_env()
    )
    if proc.returncode != 0:
        sys.exit(proc.stderr.decode()[-800:])
    largest_kib, tree_kib = (int(x) for x in proc.stdout.split())
    return {"largest_process_mib": largest_kib / 1024, "tree_mib": tree_kib / 1024}


def assess_per_file(paths: list[Path], q: str, runs: int = 7) -> float:
    """Median seconds of one `assess` process on one complete file (a shell loop's cost)."""
    times = []
    for path in paths[:runs]:
        args = ["assess", "-a", str(path), "-q", q, "-f", "json", "-o", os.devnull]
        times.append(_run(args)[0])
    return statistics.median(times)


# --------------------------------------------------------------------------- report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="files in the large batch")
    parser.add_argument("--small", type=int, default=200, help="files in the small batch")
    parser.add_argument("--memory", default="100,10000", help="sizes for peak memory")
    parser.add_argument("--format", default="csv", help="batch output format (default csv)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    sizes = [int(x) for x in args.memory.split(",") if x]
    _, q = _questionnaire()
    with tempfile.TemporaryDirectory(prefix="md-bench-") as tmp:
        base = Path(tmp)
        out = base / f"out.{args.format}"
        big_paths = write_inputs(base / "big", args.files)
        small = base / "small"
        small.mkdir()
        for path in big_paths[: args.small]:
            (small / path.name).symlink_to(path)
        parse = parse_only(big_paths)
        stage = stages(big_paths[:300], q)
        serial = batch_throughput(
            small, base / "big", args.small, args.files, 1, q, out, args.format
        )
        parse = parse_only(big_paths, parse)  # best of runs spread over the benchmark
        parallel = batch_throughput(
            small, base / "big", args.small, args.files, 2, q, out, args.format
        )
        parse = parse_only(big_paths, parse)
        split = per_item_cpu(small, base / "big", args.files - args.small, q, out)
        by_cpu = interleaved_cpu_ratio(
            big_paths, small, base / "big", args.files - args.small, q, out
        )
        memory: dict[str, dict[str, dict[str, float]]] = {}
        for size in sizes:
            folder = base / f"mem-{size}"
            write_inputs(folder, size, seed=size)
            memory[str(size)] = {f"j{jobs}": peak_memory(folder, jobs, q, out) for jobs in (1, 2)}
        per_assess = assess_per_file(write_inputs(base / "complete", 7, gaps=False), q)
    questions = len(_questionnaire()[0].questions)
    report: dict[str, Any] = {
        "questionnaire": q,
        "questions": questions,
        "files": args.files,
        "format": args.format,
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "parse_only_files_per_s": parse,
        "stages_cpu_us_per_file": stage,
        "batch_j1": serial,
        "batch_j2": parallel,
        "throughput_vs_parse": serial["files_per_s"] / parse["c_loader"],
        "throughput_vs_parse_cpu_interleaved": by_cpu,
        "throughput_vs_located_reader": serial["files_per_s"] / parse["located_reader"],
        "speedup_j2": parallel["files_per_s"] / serial["files_per_s"],
        "cpu_us_per_file": split,
        # On two free cores, three busy processes share them: a file then costs the larger of
        # the main process's share and half of all the CPU it needs (start-up excluded).
        "speedup_j2_two_free_cores": split["j1"]
        / max(split["j2_main"], (split["j2_main"] + split["j2_workers"]) / 2),
        "memory_mib": memory,
        "assess_process_s": per_assess,
        "assess_vs_batch_per_file": per_assess * serial["files_per_s"],
        "goals": GOALS,
    }
    if len(sizes) >= 2:
        lo, hi = str(sizes[0]), str(sizes[-1])
        report["memory_growth"] = {
            j: memory[hi][j]["largest_process_mib"] / memory[lo][j]["largest_process_mib"]
            for j in ("j1", "j2")
        }
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print(report)
    return 0


def _print(r: dict[str, Any]) -> None:
    p = r["parse_only_files_per_s"]
    print(f"questionnaire: {r['questionnaire']} ({r['questions']} questions)")
    print(f"files: {r['files']}  format: {r['format']}  cores: {r['cores']}  "
          f"load average: {', '.join(f'{x:.2f}' for x in r['load_average'])}")  # fmt: skip
    print(f"parse only (C loader):         {p['c_loader']:8.0f} files/s")
    print(f"parse only (located reader):   {p['located_reader']:8.0f} files/s")
    st = r["stages_cpu_us_per_file"]
    print("CPU per file, in process (us): " + ", ".join(f"{k} {v:.0f}" for k, v in st.items()))
    for key, name in (("batch_j1", "batch -j 1"), ("batch_j2", "batch -j 2")):
        b = r[key]
        print(f"{name + ':':<30} {b['files_per_s']:8.0f} files/s  (start-up {b['startup_s']:.2f} s, "
              f"{r['files']} files: {b['wall_big_s']:.2f} s wall, {b['cpu_big_s']:.2f} s CPU)")  # fmt: skip
    print(f"batch / parse only:            {r['throughput_vs_parse']:8.2f}x  (goal >= 0.8x)")
    ic = r["throughput_vs_parse_cpu_interleaved"]
    print(f"same, by CPU per file, interleaved: {ic['median']:5.2f}x  (rounds: "
          f"{', '.join(f'{x:.2f}' for x in ic['ratios'])}; goal >= 0.8x)")  # fmt: skip
    print(f"batch / located reader:        {r['throughput_vs_located_reader']:8.2f}x")
    print(f"-j 2 / -j 1:                   {r['speedup_j2']:8.2f}x  (goal >= 1.7x on 2 free cores)")
    sp = r["cpu_us_per_file"]
    print(f"CPU per file (us): -j 1 {sp['j1']:.0f}; -j 2 main {sp['j2_main']:.0f} + workers "
          f"{sp['j2_workers']:.0f} -> on two free cores {r['speedup_j2_two_free_cores']:.2f}x")  # fmt: skip
    for size, runs in r["memory_mib"].items():
        for j, m in runs.items():
            print(f"peak memory, {size:>6} files, {j}: largest process {m['largest_process_mib']:6.1f} MiB,"
                  f" process tree {m['tree_mib']:6.1f} MiB")  # fmt: skip
    if "memory_growth" in r:
        g = r["memory_growth"]
        print(
            f"memory growth (largest process): j1 {g['j1']:.2f}x, j2 {g['j2']:.2f}x (goal <= 1.2x)"
        )
    print(f"one `assess` process per file: {r['assess_process_s'] * 1000:8.0f} ms "
          f"= {r['assess_vs_batch_per_file']:.0f}x the batch cost per file")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

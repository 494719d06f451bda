"""Issue 16: the cost of a questionnaire grows with its size, never faster.

* What-if over a multi question of N options: 500, 1,000, 2,000 and 5,000
  options took 0.6, 2.9, 18 and 310 s (an option looked up by a scan of the
  options, for every answer tried, and every alternative built whole).
* A chain of N dependent conditions (``q2`` when ``q1``, ``q3`` when ``q2``
  ...) was reported to take memory quadratic in N (8,000: 1.5 GB).

No clock here: the tests count work units, the Python lines of this package
run (``sys.settrace``), and measure memory (``tracemalloc``), for a size and
four times that size: linear work grows about four times, quadratic sixteen.
``benchmarks/whatif_scale.py`` gives the figures in seconds and megabytes.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import mutual_detector
from mutual_detector.engine import assess
from mutual_detector.engine.whatif import MAX_ALTERNATIVES, PAIR_POOL
from mutual_detector.loading import check_answers, load_answers, load_questionnaire

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from whatif_scale import chain_questionnaire, options_questionnaire  # noqa: E402

PACKAGE = str(Path(mutual_detector.__file__).parent)
#: Linear work grows 4x for 4x the size; allow for the part that does not grow
#: with it, and for none of the 16x of quadratic work.
MOST_GROWTH = 6.0


def _lines_run(fn: Callable[[], Any]) -> int:
    """Lines of this package executed by ``fn()`` (loop iterations included)."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Any:
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _files(tmp_path: Path, make: Callable[[int], tuple[str, str]], n: int) -> tuple[Path, Path]:
    q_text, a_text = make(n)
    q, a = tmp_path / f"q{n}.yaml", tmp_path / f"a{n}.yaml"
    q.write_text(q_text, encoding="utf-8")
    a.write_text(a_text, encoding="utf-8")
    return q, a


class TestWhatIfOverManyOptions:
    def test_the_evaluations_are_bounded_whatever_the_options(self, tmp_path: Path) -> None:
        for n in (50, 2000):
            qpath, apath = _files(tmp_path, options_questionnaire, n)
            q = load_questionnaire(qpath).questionnaire
            r = assess(q, load_answers(apath).answers)
            assert r.what_if is not None
            assert r.what_if.complete
            # One question: at most MAX_ALTERNATIVES single changes; pairs need two questions
            # (the other, answered yes already, has nothing better to try).
            assert 0 < r.what_if.evaluations <= MAX_ALTERNATIVES + PAIR_POOL * (PAIR_POOL - 1) // 2

    def test_the_work_per_evaluation_grows_linearly_with_the_options(self, tmp_path: Path) -> None:
        """Was quadratic: each answer tried looked its options up by scanning them all."""
        work = {}
        for n in (400, 1600):
            qpath, apath = _files(tmp_path, options_questionnaire, n)
            q = load_questionnaire(qpath).questionnaire
            answers = load_answers(apath).answers
            assess(q, answers)  # warm: the plan is made once per questionnaire
            work[n] = _lines_run(lambda: assess(q, answers))  # noqa: B023
        assert work[1600] < MOST_GROWTH * work[400], work


@pytest.mark.parametrize("dont_know", [False, True], ids=["answered", "first-unknown"])
def test_a_chain_of_conditions_takes_linear_memory(tmp_path: Path, dont_know: bool) -> None:
    """Loading (with lint), checking the answers and assessing a chain of N conditions.

    With ``q1`` "don't know", every later question may apply.
    """
    peak = {}
    for n in (300, 1200):
        qpath, apath = _files(tmp_path, chain_questionnaire, n)
        if dont_know:
            text = apath.read_text(encoding="utf-8").replace("  q1: true\n", "  q1: dont_know\n")
            apath.write_text(text, encoding="utf-8")
        tracemalloc.start()
        try:
            loaded = load_questionnaire(qpath)
            answers = load_answers(apath)
            errors = [f for f in check_answers(answers, loaded) if f.level == "error"]
            r = assess(loaded.questionnaire, answers.answers)
            peak[n] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert errors == []
        may_apply = sum(1 for e in r.explanations if e.status == "may_apply")
        assert may_apply == (n - 1 if dont_know else 0)
    assert peak[1200] < MOST_GROWTH * peak[300], peak


def test_a_chain_of_conditions_runs_linear_work(tmp_path: Path) -> None:
    work = {}
    for n in (300, 1200):
        qpath, apath = _files(tmp_path, chain_questionnaire, n)
        loaded = load_questionnaire(qpath)
        answers = load_answers(apath)
        work[n] = _lines_run(
            lambda: (check_answers(answers, loaded), assess(loaded.questionnaire, answers.answers))  # noqa: B023
        )
    assert work[1200] < MOST_GROWTH * work[300], work

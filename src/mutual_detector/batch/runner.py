"""Assess a stream of tasks, serially or in worker processes, and yield results in input order.

Memory stays flat: tasks are taken from a lazy iterator, at most a few
chunks per worker are in flight, and each result is handed on as soon as it
and every result before it are ready. The output of ``jobs=N`` is the same,
item for item, as that of ``jobs=1``.

Progress is reported to an optional :class:`Observer`; the rich progress bar
that implements it lives in the CLI (style item 8).

Workers are started with ``spawn``: they start from a clean interpreter and
import only the worker module (pydantic, the models and the engine), never
rich or typer, and load the questionnaire once each, in the pool's
initializer.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Final, Protocol

from mutual_detector.batch import worker
from mutual_detector.batch.inputs import Task
from mutual_detector.batch.records import BatchItem, ErrorRecord
from mutual_detector.batch.worker import WorkerConfig

#: Below this many tasks per extra worker, starting processes costs more than it saves.
#: A worker takes about 0.2 s of CPU to start; a full result about 1.5 ms, a brief (the
#: csv, table and markdown outputs) about 0.4 ms. Measured with ``benchmarks/batch.py``.
MIN_TASKS_PER_WORKER: Final = 150
MIN_BRIEFS_PER_WORKER: Final = 600
#: Chunks in flight per worker.
WINDOW_PER_WORKER: Final = 3
MAX_CHUNK: Final = 32
MAX_CHUNK_WITH_RESULTS: Final = 6


class Observer(Protocol):
    """Told how a batch goes; all methods are called from the main process."""

    def start(self, total: int | None) -> None:
        """The batch begins; ``total`` tasks are expected (None if unknown)."""

    def advance(self, item: BatchItem) -> None:
        """One more input is done."""

    def finish(self) -> None:
        """The batch is over (also after an error or Ctrl-C)."""


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def plan_workers(jobs: int | None, total: int | None, *, full_results: bool = True) -> int:
    """How many worker processes to use (1 = assess in this process).

    An explicit ``jobs`` is honoured (but never more workers than tasks); by
    default every core is used once there is enough work to repay start-up:
    more of it when only briefs are worked out (``full_results=False``).
    """
    if jobs is not None:
        return max(1, min(jobs, total)) if total is not None else max(1, jobs)
    cores = available_cores()
    if total is None:
        return cores
    least = MIN_TASKS_PER_WORKER if full_results else MIN_BRIEFS_PER_WORKER
    return max(1, min(cores, total // least))


def run(
    tasks: Iterable[Task],
    config: WorkerConfig,
    *,
    workers: int = 1,
    total: int | None = None,
    observer: Observer | None = None,
) -> Generator[BatchItem, None, None]:
    """Assess ``tasks`` and yield one item per task, in task order (close it when done)."""
    if observer is not None:
        observer.start(total)
    try:
        items = _serial(tasks, config) if workers <= 1 else _parallel(tasks, config, workers, total)
        for item in items:
            if observer is not None:
                observer.advance(item)
            yield item
    finally:
        if observer is not None:
            observer.finish()


def _serial(tasks: Iterable[Task], config: WorkerConfig) -> Iterator[BatchItem]:
    worker.init(config)
    for index, task in enumerate(tasks):
        yield worker.process(index, task)


def _chunk_size(workers: int, total: int | None, payload: bool) -> int:
    # Full results are ~60 KB of JSON each (built-in questionnaire): keep fewer in flight.
    most = MAX_CHUNK_WITH_RESULTS if payload else MAX_CHUNK
    if total is None:
        return most
    return max(1, min(most, total // (workers * 8) or 1))


def _parallel(
    tasks: Iterable[Task], config: WorkerConfig, workers: int, total: int | None
) -> Iterator[BatchItem]:
    with _clean_main():
        yield from _pooled(tasks, config, workers, total)


def _pooled(
    tasks: Iterable[Task], config: WorkerConfig, workers: int, total: int | None
) -> Iterator[BatchItem]:
    size = _chunk_size(workers, total, config.payload)
    chunks = _chunks(enumerate(tasks), size)
    window: deque[tuple[Future[list[BatchItem]], list[tuple[int, Task]]]] = deque()
    pool = _pool(config, workers)
    broken = False
    finished = False
    try:
        for chunk in itertools.islice(chunks, workers * WINDOW_PER_WORKER):
            window.append((pool.submit(worker.process_chunk, chunk), chunk))
        while window:
            future, chunk = window.popleft()
            try:
                items = future.result()
            except BrokenProcessPool:
                broken = True
                items = [_lost(index, task) for index, task in chunk]
            yield from items
            if broken:
                break
            nxt = next(chunks, None)
            if nxt is not None:
                window.append((pool.submit(worker.process_chunk, nxt), nxt))
        finished = True
    finally:
        for future, _ in window:
            future.cancel()
        if finished or broken:
            pool.shutdown(wait=not broken, cancel_futures=True)
        else:
            # Ctrl-C, SIGTERM or the consumer stopped early: a worker may be blocked
            # (reading a pipe, say), so stop the workers rather than wait for them.
            _terminate(pool)
    if broken:
        # A worker died (out of memory?). Report what was in flight, finish here.
        for _, chunk in window:
            yield from (_lost(index, task) for index, task in chunk)
        worker.init(config)
        for chunk in chunks:
            yield from (worker.process(index, task) for index, task in chunk)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop the pool at once: cancel what is queued and end its worker processes."""
    # The executor has no public way to end its workers; ``_processes`` is the
    # documented-in-source pid -> Process map (present since Python 3.2).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)


def _lost(index: int, task: Task) -> BatchItem:
    row = getattr(task, "row", None)
    message = "the worker process assessing this input stopped unexpectedly"
    return BatchItem(index, task.name, row, "error", errors=(ErrorRecord(task.name, message),))


def _chunks(pairs: Iterator[tuple[int, Task]], size: int) -> Iterator[list[tuple[int, Task]]]:
    while True:
        chunk = list(itertools.islice(pairs, size))
        if not chunk:
            return
        yield chunk


def _context() -> multiprocessing.context.BaseContext:
    # spawn: a clean interpreter on every platform, started faster than a fork server
    # (measured: 0.3 s against 0.5 s for two workers), and never a fork of a process
    # that may be running a progress-bar thread.
    return multiprocessing.get_context("spawn")


def _pool(config: WorkerConfig, workers: int) -> ProcessPoolExecutor:
    config = replace(config, ignore_sigint=True)
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=worker.init, initargs=(config,)
    )
    # Start every worker now (so that start-up is not mixed with the work).
    warm = [pool.submit(_ready) for _ in range(workers)]
    for future in warm:
        future.result()
    return pool


def _ready() -> bool:
    return True


@contextlib.contextmanager
def _clean_main() -> Iterator[None]:
    """Keep worker processes from re-running the program that started them.

    HACK: ``multiprocessing`` makes each new process import the parent's
    ``__main__`` by path, which for the ``mutual-detector`` script means
    importing the CLI (typer, rich). Presenting ``__main__`` as the module
    ``mutual_detector.__main__`` (what ``python -m mutual_detector`` runs) makes
    the workers skip it, as multiprocessing does for every ``-m`` program.
    """
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    import importlib.util

    spec = importlib.util.find_spec("mutual_detector.__main__")
    main.__spec__ = spec
    try:
        yield
    finally:
        main.__spec__ = None


__all__ = [
    "MIN_BRIEFS_PER_WORKER",
    "MIN_TASKS_PER_WORKER",
    "Observer",
    "available_cores",
    "plan_workers",
    "run",
]

"""Assess a stream of tasks, serially or in worker processes, and yield results in input order.

Memory stays flat: tasks are taken from a lazy iterator, at most a few
chunks per worker are in flight, and each result is handed on as soon as it
and every result before it are ready. The output of ``jobs=N`` is the same,
item for item, as that of ``jobs=1``.

Progress is reported to an optional :class:`Observer`; the rich progress bar
that implements it lives in the CLI (style item 8).

Workers (:mod:`mutual_detector.batch.pool`) are fresh interpreters that
import only the worker module (pydantic, the models and the engine), never
rich or typer, and load the questionnaire once each. Each has its own pipes:
one that dies is seen at once and blocks no other, and each exits as soon as
the main process closes its pipe, or dies.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from typing import Final, Protocol

from mutual_detector.batch import worker
from mutual_detector.batch.inputs import Task
from mutual_detector.batch.pool import Answer, Death, Pool
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
    """Chunks go to the workers as they free up; items come back out in task order.

    A worker that dies (killed, out of memory) is seen at once, as the end of its
    pipe. The inputs of the chunk it was assessing are tried again, each on its
    own, by another worker (by this process if none is left), so that nothing is
    lost; an input whose second try also stops its worker may be what kills them,
    and becomes an error record. The chunks the dead worker had not started go to
    the other workers, and the batch goes on.
    """
    size = _chunk_size(workers, total, config.payload)
    chunks = _chunks(enumerate(tasks), size)
    limit = workers * WINDOW_PER_WORKER
    sent: dict[int, list[tuple[int, Task]]] = {}  # seq -> chunk, until its items are in
    done: dict[int, list[BatchItem]] = {}
    # A lost chunk's inputs, each tried again as a chunk of its own (seq < 0):
    retried: dict[int, tuple[int, int, str]] = {}  # retry seq -> (chunk seq, place, first cause)
    partial: dict[int, list[BatchItem | None]] = {}  # chunk seq -> its items so far
    next_retry = -1
    next_seq = 0  # of the next chunk taken from ``chunks``
    next_out = 0  # of the next chunk to yield
    local = False  # worker.init() was called in this process
    finished = False
    pool = Pool(replace(config, ignore_sigint=True), workers)

    def settle(seq: int, items: list[BatchItem]) -> None:
        """A chunk's items (or a retried input's item) are in."""
        if seq >= 0:
            done[seq] = items
            return
        chunk_seq, place, _ = retried.pop(seq)
        slots = partial[chunk_seq]
        slots[place] = items[0]
        if all(item is not None for item in slots):
            done[chunk_seq] = [item for item in partial.pop(chunk_seq) if item is not None]

    def here(seq: int) -> None:
        """No worker is left: assess this chunk in this process."""
        nonlocal local
        local = local or _init_here(config)
        settle(seq, worker.process_chunk(sent.pop(seq)))

    try:
        events = pool.events()
        while True:
            while next_seq - next_out < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                sent[next_seq] = chunk
                if not pool.submit(next_seq, chunk):
                    here(next_seq)
                next_seq += 1
            if next_out in done:
                yield from done.pop(next_out)
                next_out += 1
                continue
            if next_out == next_seq:
                finished = True
                return  # every chunk taken and yielded
            event = next(events)
            if isinstance(event, Answer):
                if sent.pop(event.seq, None) is not None:
                    settle(event.seq, event.items)
            elif isinstance(event, Death):
                why = f"{event.worker.cause()}, process {event.worker.pid}"
                lost = event.lost
                if lost is not None and lost in sent and lost < 0:
                    # Its second try stopped a worker too: the input may be the cause.
                    ((index, task),) = sent.pop(lost)
                    settle(lost, [_lost(index, task, retried[lost][2], why)])
                elif lost is not None and lost in sent:
                    chunk = sent.pop(lost)
                    partial[lost] = [None] * len(chunk)
                    for place, pair in enumerate(chunk):
                        retried[next_retry] = (lost, place, why)
                        sent[next_retry] = [pair]
                        if not pool.submit(next_retry, [pair]):
                            here(next_retry)
                        next_retry -= 1
                for seq in event.orphans:
                    if seq in sent and not pool.submit(seq, sent[seq]):
                        here(seq)
    finally:
        # At the end, each worker exits as its pipe closes. After Ctrl-C, SIGTERM or a
        # consumer that stopped early, they are killed at once, even one blocked
        # reading an input or still starting.
        pool.close(now=not finished)


def _init_here(config: WorkerConfig) -> bool:
    worker.init(config)
    return True


def _lost(index: int, task: Task, first: str, then: str) -> BatchItem:
    """The error record of an input that stopped the worker assessing it, twice."""
    row = getattr(task, "row", None)
    message = (
        f"the worker process assessing this input stopped unexpectedly ({first}), and so did "
        f"the one that tried it again ({then}); the other inputs were assessed: run the batch "
        "again for this one"
    )
    return BatchItem(index, task.name, row, "error", errors=(ErrorRecord(task.name, message),))


def _chunks(pairs: Iterator[tuple[int, Task]], size: int) -> Iterator[list[tuple[int, Task]]]:
    while True:
        chunk = list(itertools.islice(pairs, size))
        if not chunk:
            return
        yield chunk


__all__ = [
    "MIN_BRIEFS_PER_WORKER",
    "MIN_TASKS_PER_WORKER",
    "Observer",
    "available_cores",
    "plan_workers",
    "run",
]

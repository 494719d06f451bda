"""Worker processes for ``batch -j N``: one pipe pair each, nothing shared, nothing left behind.

Why not :class:`concurrent.futures.ProcessPoolExecutor` (issue 16): its workers
share one call queue and one result queue, each guarded by a lock. A worker
killed while it held one of them (SIGTERM, the out-of-memory killer) left the
others waiting on that lock forever, and the pool never noticed; its exit
handler joined threads that could wait on those queues, so Ctrl-C hung at exit
in about one run in five; the locks are semaphores, which start
multiprocessing's resource tracker, and neither the tracker nor the workers
died with a main process killed by SIGKILL.

Here each worker is a plain ``python -c`` child (:mod:`subprocess`) with its
own two pipes:

* the main process writes length-prefixed pickles to the worker's standard
  input (its settings, then chunks of tasks) and a thread per worker reads
  the answers from the worker's standard output, so a worker that dies is
  seen at once, as the end of its pipe, and blocks no other worker;
* in the worker, a thread reads its standard input all the time; the end of
  that pipe means the main process has finished with it, or has died (even
  by SIGKILL: the system closes a dead process's pipes), and the worker
  exits at once, whatever it is doing. That works on every platform, with no
  ``prctl`` and no polling;
* no semaphore, so no resource tracker;
* when the batch is interrupted, the workers are killed at once (their work
  is of no use then); at the normal end, they exit as their pipe closes.

The worker's own standard output is moved to its standard error, so a stray
``print`` cannot corrupt the pipe; standard error is the main process's.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

#: Frame header: the length of the pickle that follows.
_HEADER: Final = struct.Struct(">Q")
#: How long stopped workers are given to exit before they are killed.
STOP_GRACE: Final = 5.0
#: How often the main process wakes while it waits (so that Ctrl-C is seen on Windows too).
_POLL: Final = 0.5


# --------------------------------------------------------------------------- framing


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        try:
            data = os.read(fd, min(size, 1 << 20))
        except OSError:
            return None
        if not data:
            return None
        parts.append(data)
        size -= len(data)
    return b"".join(parts)


def receive_bytes(fd: int) -> bytes:
    """The next message on ``fd``, still pickled; raises EOFError when the pipe has ended."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    body = _read_exactly(fd, size)
    if body is None:
        raise EOFError
    return body


def receive(fd: int) -> Any:
    """The next message on ``fd``; raises EOFError when the pipe has ended."""
    return pickle.loads(receive_bytes(fd))


def send(fd: int, message: Any) -> None:
    """Write one message to ``fd`` (OSError, e.g. BrokenPipeError, when the reader is gone)."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(body)) + body)
    while view:
        view = view[os.write(fd, view) :]


# --------------------------------------------------------------------------- the worker side

_BOOT: Final = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "import sys; sys.path[:] = {path!r}; from mutual_detector.batch.pool import serve; serve()"
)


def serve() -> None:
    """The worker's main loop (run by ``python -c``); never returns.

    The pipe is watched from the start, before the heavy imports, so a worker
    that is still starting when the main process stops (or dies) goes at once.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    inbox, outbox = os.dup(0), os.dup(1)  # dup'ed descriptors are not inherited
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # print() goes to standard error, never into the pipe
    os.close(devnull)
    work: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    threading.Thread(target=_listen, args=(inbox, work), daemon=True).start()
    try:
        from mutual_detector.batch import worker

        worker.init(pickle.loads(work.get()))  # the first message: the settings
        send(outbox, ("ready", os.getpid()))
        while True:
            message = pickle.loads(work.get())
            if message[0] == "chunk":
                _, seq, chunk = message
                send(outbox, ("items", seq, worker.process_chunk(chunk)))
            elif message[0] == "modules":
                send(outbox, ("modules", sorted(sys.modules)))
    except OSError:  # the main process is gone (a broken pipe)
        os._exit(1)
    except BaseException:
        import traceback

        with contextlib.suppress(BaseException):
            sys.stderr.write(traceback.format_exc())
            sys.stderr.flush()
        os._exit(1)


def _listen(inbox: int, work: queue.SimpleQueue[bytes]) -> None:
    """Read the main process's messages as they come; exit when its pipe ends."""
    while True:
        try:
            message = receive_bytes(inbox)
        except EOFError:
            # Finished with us, or the main process died (even by SIGKILL): go now,
            # even if the main thread is importing, or waiting on a slow input.
            os._exit(0)
        work.put(message)


# --------------------------------------------------------------------------- the main side


@dataclass(eq=False)
class Worker:
    """One worker process, as the main process sees it."""

    number: int
    process: subprocess.Popen[bytes]
    inflight: deque[int] = field(default_factory=deque)
    """Chunks sent and not answered, oldest first (a worker answers in order)."""
    alive: bool = True
    ready: bool = False
    """It has loaded the questionnaire and taken work (it said so)."""

    @property
    def pid(self) -> int:
        return self.process.pid

    def cause(self) -> str:
        """How the process ended, in words ("killed by SIGTERM", "exit code 1")."""
        code = self.process.poll()
        if code is None:
            return "its pipe closed"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"


@dataclass(frozen=True, slots=True)
class Answer:
    """A chunk's items from a worker."""

    worker: Worker
    seq: int
    items: Any


@dataclass(frozen=True, slots=True)
class Death:
    """A worker ended while it still had work (or before it started)."""

    worker: Worker
    lost: int | None
    """The chunk it was working on (its items are lost), if any."""
    orphans: tuple[int, ...]
    """Chunks it had been sent but had not started: give them to another worker."""


class Pool:
    """Worker processes, each fed chunks over its own pipe; see the module's docstring."""

    def __init__(self, config: Any, workers: int) -> None:
        self._events: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.workers: list[Worker] = []
        try:
            for number in range(workers):
                self.workers.append(self._start(number, config))
        except BaseException:
            self.close()
            raise

    def _start(self, number: int, config: Any) -> Worker:
        command = [
            sys.executable,
            *_interpreter_flags(),
            "-c",
            _BOOT.format(path=list(sys.path)),
        ]
        with _sigint_blocked():  # the child starts with Ctrl-C blocked: it is ours to handle
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
            )
        worker = Worker(number, process)
        assert process.stdin is not None
        assert process.stdout is not None
        with contextlib.suppress(OSError):  # it died at once: its reader reports it
            send(process.stdin.fileno(), config)
        threading.Thread(
            target=self._read, args=(worker, process.stdout.fileno()), daemon=True
        ).start()
        return worker

    def _read(self, worker: Worker, fd: int) -> None:
        # This thread alone reads (and then closes) the worker's output pipe.
        try:
            while True:
                message = receive(fd)
                self._events.put((message[0], worker, *message[1:]))
        except Exception:  # the end of the pipe, or a garbled message: the worker is gone
            self._events.put(("eof", worker))
        finally:
            if worker.process.stdout is not None:
                with contextlib.suppress(OSError):
                    worker.process.stdout.close()

    @property
    def alive(self) -> list[Worker]:
        return [w for w in self.workers if w.alive]

    def submit(self, seq: int, chunk: Any) -> bool:
        """Send a chunk to the least busy live worker; False if none is left."""
        while True:
            live = self.alive
            if not live:
                return False
            target = min(live, key=lambda w: (len(w.inflight), w.number))
            target.inflight.append(seq)
            try:
                assert target.process.stdin is not None
                send(target.process.stdin.fileno(), ("chunk", seq, chunk))
                return True
            except (OSError, ValueError):
                # It died: its reader will report the end of its pipe. This chunk never
                # reached it, so it goes to another worker.
                target.inflight.pop()
                self._retire(target)

    def ask(self, worker: Worker, message: tuple[Any, ...]) -> None:
        """Send a message other than a chunk (``("modules",)``: for tests)."""
        assert worker.process.stdin is not None
        send(worker.process.stdin.fileno(), message)

    def events(self) -> Iterator[Answer | Death | tuple[Any, ...]]:
        """Wait for what the workers say, one event at a time (forever; the caller stops)."""
        while True:
            try:
                event = self._events.get(timeout=_POLL)
            except queue.Empty:
                continue
            kind, worker = event[0], event[1]
            if kind == "items":
                seq, items = event[2], event[3]
                if worker.inflight and worker.inflight[0] == seq:
                    worker.inflight.popleft()
                yield Answer(worker, seq, items)
            elif kind == "eof":
                yield self._bury(worker)
            else:
                if kind == "ready":
                    worker.ready = True
                yield event

    def _retire(self, worker: Worker) -> None:
        worker.alive = False
        if worker.process.stdin is not None:
            with contextlib.suppress(OSError):
                worker.process.stdin.close()

    def _bury(self, worker: Worker) -> Death:
        self._retire(worker)
        # Its pipe has ended: the process has exited, or is about to.
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=STOP_GRACE)
        if worker.process.poll() is None:
            _kill(worker.process)
        pending = list(worker.inflight)
        worker.inflight.clear()
        if not worker.ready or not pending:  # it never started on any of them
            return Death(worker, None, tuple(pending))
        return Death(worker, pending[0], tuple(pending[1:]))

    def close(self, *, now: bool = False) -> None:
        """Stop every worker: close its pipe (it exits at once), then kill any that lingers.

        ``now``: the batch was interrupted, so whatever the workers are doing is of no
        use: kill them at once. (A worker still starting up, on a busy machine, can
        take a second or two to see its pipe close; it writes nothing but its pipe,
        so killing it is safe.)
        """
        for worker in self.workers:
            self._retire(worker)
            if now:
                with contextlib.suppress(OSError):
                    worker.process.kill()
        deadline = time.monotonic() + STOP_GRACE
        for worker in self.workers:
            remaining = max(0.0, deadline - time.monotonic())
            try:
                worker.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                _kill(worker.process)
            except BaseException:  # a second Ctrl-C while waiting: do not leave it behind
                _kill(worker.process)
                raise


@contextlib.contextmanager
def _sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread while a worker is started (POSIX).

    A new process inherits the signal mask, so a worker never sees a Ctrl-C
    meant for the main process, not even in the moment before its first line
    ignores it (it would print a KeyboardInterrupt traceback). This process
    loses nothing: a SIGINT that comes meanwhile is handled by another thread,
    or waits until the mask is restored.
    """
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:  # Windows
        yield
        return
    old = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, old)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE)


def _interpreter_flags() -> list[str]:
    """The flags this interpreter was started with (``-X``, ``-W`` ...), as multiprocessing passes."""
    flags = getattr(subprocess, "_args_from_interpreter_flags", None)
    return list(flags()) if callable(flags) else []


__all__ = [
    "STOP_GRACE",
    "Answer",
    "Death",
    "Pool",
    "Worker",
    "receive",
    "receive_bytes",
    "send",
    "serve",
]

"""The process around the prompts: signals, the background load, the first plain prompt.

* :func:`stop_signals` turns SIGTERM and SIGHUP into :class:`Stopped` (a
  KeyboardInterrupt), so they save a draft just like Ctrl-C.
* :class:`Loader` loads the questionnaire, in a background thread when a
  fresh assessment can ask its first question meanwhile.
* :func:`plain_prompt` asks that first question with a plain line prompt, so
  that it appears before questionary and the models are even imported.

Nothing here imports pydantic, yaml or questionary (time to first prompt).
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from mutual_detector.interactive.steps import InvalidReply, MetaPrompt, MetaValue, Nav, parse_meta
from mutual_detector.terminal import Terminal

if TYPE_CHECKING:
    from mutual_detector.loading import LoadedQuestionnaire

QuestionnaireSource: TypeAlias = "LoadedQuestionnaire | Callable[[], LoadedQuestionnaire]"

FRONTEND_MODULE = "mutual_detector.interactive.frontend"
_STOP_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def console_stream() -> TextIO:
    """Where prompts go: stdout if it is a terminal, else stderr (``assess > report.md``)."""
    return sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr


def plain_prompt(prompt: MetaPrompt) -> MetaValue | Nav:
    """Ask one metadata question with a plain line prompt (no questionary needed).

    Used only for the very first question, so it never offers "back".
    """
    stream = console_stream()
    color = Terminal.of(stream).color
    hint = f"({prompt.field.help})"
    if color:
        line = f"\x1b[1;36m?\x1b[0m \x1b[1m{prompt.message}\x1b[0m \x1b[90m{hint}\x1b[0m "
        stream.write("\n\x1b[1mAbout this assessment\x1b[0m\n")
    else:
        line = f"? {prompt.message} {hint} "
        stream.write("\nAbout this assessment\n")
    while True:
        stream.write(line)
        stream.flush()
        typed = sys.stdin.readline()
        if not typed:
            raise EOFError
        try:
            reply = parse_meta(prompt.field, typed)
        except InvalidReply as exc:
            stream.write(f"! {exc.message}\n")
            continue
        if reply is Nav.BACK:
            stream.write("! This is the first question; there is nothing to go back to.\n")
            continue
        return reply


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` while asking, like Ctrl-C."""
    stopping = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    for sig in _STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def shielded() -> Iterator[None]:
    """Ignore further interrupts while the draft is written."""
    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, *_STOP_SIGNALS):
        with contextlib.suppress(ValueError, OSError):
            previous[sig] = signal.signal(sig, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# --------------------------------------------------------------------------- loading


class Loader:
    """The questionnaire, loaded now or in a background thread (with questionary imported)."""

    def __init__(self, source: QuestionnaireSource, warm_frontend: bool) -> None:
        self._source = source
        self._warm = warm_frontend
        self._value: LoadedQuestionnaire | None = None if callable(source) else source
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._value is None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="md-load", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            assert callable(self._source)
            self._value = self._source()
            if self._warm:
                importlib.import_module(FRONTEND_MODULE)
        except BaseException as exc:  # re-raised in the main thread by result()
            self._error = exc

    def result(self) -> LoadedQuestionnaire:
        if self._value is None and self._thread is None:
            assert callable(self._source)
            self._value = self._source()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def settle(self, timeout: float = 10.0) -> None:
        """Let the thread finish (it must not be importing at interpreter exit)."""
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = [
    "FRONTEND_MODULE",
    "Loader",
    "QuestionnaireSource",
    "Stopped",
    "console_stream",
    "plain_prompt",
    "shielded",
    "stop_signals",
]

"""The typer command-line interface: thin; parses, calls, renders, maps errors to exit codes.

``main`` is the console script. The typer app itself (``app``) lives in
:mod:`mutual_detector.cli.root` and is imported on first use, after ``main`` has
set up the signals and the standard streams and paused the garbage collector
for start-up (see :mod:`mutual_detector.gcpause`).

Signals (Ctrl-C, and SIGTERM as Ctrl-C) end the run with one line and the
documented code (130; README, "Exit codes") whenever they come:

- ``main`` takes them over first, before any other import (nothing is
  imported here at module level but :mod:`signal`, mostly loaded already by the
  console script's own ``import re``);
- during start-up (our modules and typer being imported) a signal is noted, not
  raised: a KeyboardInterrupt in the middle of an import leaves modules half
  made, and some libraries wrap it in other errors. It is acted on as soon as
  the command's module is loaded, before the command line is read;
- from then on it raises KeyboardInterrupt, which the guard
  (``cli.root.run_guarded``) turns into the code, also when a library wrapped it
  (:func:`mutual_detector.errors.interrupted`), and one that Python could only
  report as "Exception ignored" (raised in a ``__del__``, say) is raised again;
- once the command has ended, signals are ignored (``SIG_IGN``, which Python
  keeps while it shuts down, where a handler of ours would be reset to the
  default and SIGTERM would kill the process: 143): the output is complete and
  the command's own code stands.

Only the first few milliseconds, while the interpreter itself starts and before
the console script reaches ``main``, keep the system's defaults
(``fuzz/signals.py --startup`` measures it).
"""

from __future__ import annotations

import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

    from mutual_detector.cli.root import app

__all__ = ["app", "main"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: A signal that came during start-up, acted on once the command's module is loaded.
_pending: list[int] = []


#: Where :func:`_interrupt` notes a signal: ``errors.note_signal`` once loaded.
_noted = _pending.append


def _note(signum: int, frame: FrameType | None) -> None:
    """Start-up: remember the signal (raising in the middle of an import is not safe)."""
    _pending.append(signum)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C, and SIGTERM as Ctrl-C: answers so far are saved, outputs are not left half-written.

    The signal is noted (:func:`mutual_detector.errors.note_signal`), so that an
    error a library makes of the KeyboardInterrupt still ends as an interruption.
    """
    _noted(signum)
    raise KeyboardInterrupt


def _handle(handler: Any) -> None:
    for sig in _SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:  # `nohup`, `cmd &`: keep ignoring
            signal.signal(sig, handler)


def _ready() -> None:
    """Start-up is over: signals raise KeyboardInterrupt from now on, and one noted is raised now."""
    from mutual_detector.errors import note_signal

    global _noted
    _noted = note_signal
    for signum in _pending:
        note_signal(signum)
    _handle(_interrupt)
    if _pending:
        raise KeyboardInterrupt


def main() -> None:
    """Run the ``mutual-detector`` command line (the console script's entry point).

    First the signals (before any other import), then the standard streams
    (:func:`mutual_detector.terminal.standard_streams`), then the command; see
    the module's docstring for what a signal does at each moment. Ends with
    SystemExit and the command's exit code (typer's, or ours for a signal that
    came before the command ran).
    """
    _handle(_note)
    try:
        import sys

        from mutual_detector import gcpause
        from mutual_detector.errors import exit_code
        from mutual_detector.terminal import standard_streams

        standard_streams()
        sys.unraisablehook = _unraisable
        gcpause.pause()
        try:
            from mutual_detector.cli.root import main as run

            run(_ready)
        finally:
            gcpause.at_exit()
    except KeyboardInterrupt as exc:
        _handle(signal.SIG_IGN)
        _say("mutual-detector: interrupted\n")
        raise SystemExit(exit_code(exc)) from None
    except BaseException:  # typer's SystemExit with the command's code, or a crash
        _handle(signal.SIG_IGN)
        raise
    _handle(signal.SIG_IGN)


def _unraisable(info: Any) -> None:
    """A KeyboardInterrupt raised where Python cannot pass it on (a ``__del__``, a callback):
    raise it again in the program, instead of printing "Exception ignored" and going on."""
    import sys

    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)  # the handler raises it at the next line of Python
        return
    sys.__unraisablehook__(info)


def _say(line: str) -> None:
    import sys

    if sys.stderr is not None:
        try:
            sys.stderr.write(line)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def __getattr__(name: str) -> Any:
    if name == "app":
        from mutual_detector.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""One exception hierarchy, one table of exit codes, and the one function that picks a code.

Raising never prints: only the CLI's guard shows messages (``cli.root.guarded``),
and it asks :func:`exit_code` for the code of whatever a command returned or raised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from mutual_detector.model.findings import Finding

# Exit codes, one table for the whole CLI (documented in README and --help).
EXIT_OK = 0
EXIT_FINDINGS = 1  #: validation findings, or an assessment below --min-band/--min-score
EXIT_USAGE = 2  #: bad command line (typer/click's own code)
EXIT_INPUT = 3  #: a file could not be read, parsed or validated
EXIT_OUTPUT = 4  #: an output could not be written
EXIT_INCOMPLETE = 5  #: required answers are missing and no prompting is possible
EXIT_INTERNAL = 70  #: a bug in mutual-detector itself (one line; please report it)
EXIT_INTERRUPTED = 130  #: Ctrl-C or SIGTERM; work so far was saved
#: Standard output was closed by the program reading it (``| head``): the run ends
#: quietly. 141 is 128 + SIGPIPE, the status the shell reports for ``cat``, ``grep``
#: or ``git`` in the same place, so ``set -o pipefail`` treats every tool alike; it
#: is not 0 because the output is incomplete, and not 4 because nothing failed that
#: the user must fix (a full disk or an unwritable file is 4).
EXIT_CLOSED_PIPE = 141


class MutualDetectorError(Exception):
    """Base of every error the CLI shows to a user as one line."""

    exit_code: ClassVar[int] = EXIT_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(MutualDetectorError):
    """A file could not be read, parsed or validated."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


class OutputError(MutualDetectorError):
    """An output file could not be written."""

    exit_code = EXIT_OUTPUT


class UsageError(MutualDetectorError):
    exit_code = EXIT_USAGE


class IncompleteError(MutualDetectorError):
    """Answers are missing and the tool may not ask for them."""

    exit_code = EXIT_INCOMPLETE


class Interrupted(MutualDetectorError):
    exit_code = EXIT_INTERRUPTED


@dataclass(frozen=True)
class Outcome:
    """What a command that ran to the end found, as far as its exit code goes.

    ``validate`` and ``batch`` (and ``assess`` with a gate) return one; the guard
    turns it into the exit code with :func:`exit_code`.
    """

    unreadable: bool = False
    """An input could not be read, parsed or validated (3; this wins over 1)."""
    failing: bool = False
    """Findings (``validate``), or an assessment below ``--min-band``/``--min-score`` (1)."""


#: Ctrl-C or SIGTERM received by the console script (its handler notes each one).
_signals: list[int] = []


def note_signal(signum: int) -> None:
    """The console script's signal handler: a signal came (see :func:`interrupted`)."""
    _signals.append(signum)


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C or SIGTERM, or an error raised because of one.

    A signal can come at any moment, also while a library is defining a class or
    building a schema, and some of them turn the KeyboardInterrupt into errors
    of their own: Python 3.11 wraps an error in ``__set_name__`` in a
    RuntimeError (the cause or context counts), pydantic-core raises a
    SchemaError that keeps only the words. So an error after a signal came
    (:func:`note_signal`) counts as the interruption it most likely is.
    """
    if _signals:
        return True
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt | Interrupted):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def exit_code(outcome: Outcome | BaseException | None) -> int:
    """The exit code for what a command returned (an Outcome, or None: success) or raised.

    The one place codes are decided; the README's table lists them.
    """
    if outcome is None:
        return EXIT_OK
    if isinstance(outcome, MutualDetectorError):
        return outcome.exit_code
    if isinstance(outcome, BrokenPipeError):
        return EXIT_CLOSED_PIPE
    if isinstance(outcome, BaseException):
        return EXIT_INTERRUPTED if interrupted(outcome) else EXIT_INTERNAL
    if outcome.unreadable:
        return EXIT_INPUT
    if outcome.failing:
        return EXIT_FINDINGS
    return EXIT_OK

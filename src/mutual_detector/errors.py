"""One exception hierarchy; each user-facing error carries its exit code.

Raising never prints: only the CLI's guard shows messages (see ``cli``).
"""

from __future__ import annotations

from collections.abc import Sequence
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

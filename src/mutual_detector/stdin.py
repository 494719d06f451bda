"""``-`` as an input file: standard input, read once (``assess -a -``).

A command may read its answers file more than once (to find the
questionnaire, then to score it); standard input can be read only once, so
its bytes are kept for the life of the process. At most ``max_bytes + 1``
bytes are read, as for any file, so an endless pipe is refused, not read
forever.

Standard library only.
"""

from __future__ import annotations

import os
import sys
from typing import Final

from mutual_detector.errors import InputError, UsageError

#: The name that means standard input, and how it is shown in messages.
STDIN: Final = "-"
STDIN_NAME: Final = "<stdin>"

_kept: bytes | None = None


def is_stdin(path: os.PathLike[str] | str | None) -> bool:
    """Whether ``path`` is ``-`` (standard input)."""
    return path is not None and os.fspath(path) == STDIN


def check_not_a_terminal(option: str = "--answers") -> None:
    """``-a -`` with nothing piped in would wait for typing: a usage error instead (exit 2)."""
    stream = sys.stdin
    isatty = getattr(stream, "isatty", None)
    if stream is None or (isatty is not None and isatty()):
        raise UsageError(
            f"{option} -: standard input is a terminal, not a file; pipe the answers in "
            f"(cat answers.yaml | mutual-detector assess {option} -) or give the file's name"
        )


def read_stdin(max_bytes: int) -> bytes:
    """Standard input's bytes (read the first time only); InputError if too big or empty."""
    from mutual_detector.model.findings import finding

    global _kept
    if _kept is None:
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            message = "standard input is closed"
            raise InputError(message, [finding("E008", message).located(STDIN_NAME, None, None)])
        try:
            _kept = stream.read(max_bytes + 1)
        except OSError as exc:
            message = f"cannot read standard input: {(exc.strerror or str(exc)).lower()}"
            raise InputError(
                message, [finding("E008", message).located(STDIN_NAME, None, None)]
            ) from None
    if len(_kept) > max_bytes:
        message = f"file is larger than {max_bytes:,} bytes"
        raise InputError(message, [finding("E004", message).located(STDIN_NAME, None, None)])
    if not _kept:
        message = "standard input is empty; pipe an answers file in"
        raise InputError(message, [finding("E008", message).located(STDIN_NAME, None, None)])
    return _kept


__all__ = ["STDIN", "STDIN_NAME", "check_not_a_terminal", "is_stdin", "read_stdin"]

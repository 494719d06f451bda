"""Where the commands write: standard output (:func:`write_stdout`), or a file.

:func:`write_stdout` is the one way to standard output for every command. A
machine format (JSON, JSON Lines, CSV, SARIF, Markdown, HTML, YAML) is a file
whatever it is written to, so it goes out as UTF-8 bytes, exactly the bytes
``--output`` would write, whatever the encoding of standard output; the text
report (and the other text meant to be read on screen) is written in the
encoding of standard output, in characters it can show
(:func:`mutual_detector.text.for_encoding`). A standard output that cannot be
written is an :class:`~mutual_detector.errors.OutputError` (exit 4) in one
line, such as "standard output: cannot write: the disk is full"; one that
was closed by its reader (``| head``) raises BrokenPipeError, which the guard
(``cli.root.run_guarded``) ends quietly (exit 141; README, "Exit codes").

`batch` writes as it goes: a file output is written as it comes to a temporary file in the same folder
and renamed over the target at the end (devices and pipes are written in
place), exactly as ``assess`` writes its report; :func:`open_output` picks
the sink. Both sinks have the same interface: ``write``, ``commit``,
``discard`` and use as a context manager.
"""

from __future__ import annotations

import os
import sys
from typing import Final, TextIO

from mutual_detector.atomic import AtomicFile
from mutual_detector.errors import OutputError
from mutual_detector.terminal import is_utf8
from mutual_detector.text import for_encoding, reason

#: Said when standard output was closed before the tool started (``>&-``).
CLOSED: Final = "standard output is closed (>&-); redirect it (> FILE) or give --output FILE"


def write_stdout(text: str, *, machine: bool, stream: TextIO | None = None) -> None:
    """Write ``text`` to standard output (``stream``: another, for tests) and flush it.

    ``machine``: a file format, written as UTF-8 bytes; else text for people,
    written in the stream's encoding as well as it can show it.
    """
    out = stream if stream is not None else sys.stdout
    if out is None:
        raise OutputError(CLOSED)
    try:
        binary = getattr(out, "buffer", None) if machine else None
        encoding = getattr(out, "encoding", None)
        if binary is not None:
            out.flush()  # what was written as text first goes first
            binary.write(text.encode("utf-8"))
            binary.flush()
        else:
            out.write(text if machine or is_utf8(encoding) else for_encoding(text, encoding))
            out.flush()
    except BrokenPipeError:
        raise  # the reader has gone: the guard ends the run quietly
    except OSError as exc:
        raise OutputError(f"standard output: cannot write: {reason(exc)}") from None
    except ValueError as exc:  # closed by the process itself (an I/O operation on a closed file)
        raise OutputError(f"standard output: cannot write: {exc}") from None


def silence_stdout() -> None:
    """After standard output was closed by its reader: send what is left to /dev/null.

    Python would otherwise try again to flush it at exit and print "Exception
    ignored ... BrokenPipeError" (the Python documentation's advice, "Note on
    SIGPIPE" in the signal module's page).
    """
    out = sys.stdout
    if out is None:
        return
    try:
        fd = out.fileno()
    except (OSError, ValueError):  # not a real stream (tests): nothing will be flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class StdoutStream:
    """Standard output with the same interface (``machine``: see :func:`write_stdout`)."""

    def __init__(self, *, machine: bool = True, stream: TextIO | None = None) -> None:
        self.machine = machine
        self.stream = stream

    def write(self, text: str) -> None:
        write_stdout(text, machine=self.machine, stream=self.stream)

    def commit(self) -> None:
        pass

    def discard(self) -> None:
        pass

    def __enter__(self) -> StdoutStream:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


#: Bytes gathered between writes to an output file: one system call per row costs the
#: main process of a parallel batch about a tenth of its time.
BUFFER: Final = 64 * 1024


def open_output(
    path: os.PathLike[str] | str | None, *, machine: bool = True
) -> AtomicFile | StdoutStream:
    """An atomic file for ``path``, or standard output when there is none."""
    return AtomicFile(path, buffer=BUFFER) if path is not None else StdoutStream(machine=machine)


__all__ = ["CLOSED", "StdoutStream", "open_output", "silence_stdout", "write_stdout"]

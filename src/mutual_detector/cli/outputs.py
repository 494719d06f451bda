"""Where `batch` writes: standard output, or a file through :class:`~mutual_detector.atomic.AtomicFile`.

A file output is written as it comes to a temporary file in the same folder
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


class StdoutStream:
    """Standard output with the same interface; a closed pipe ends the run quietly."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            raise OutputError("standard output was closed (e.g. `| head`)") from None

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


def open_output(path: os.PathLike[str] | str | None) -> AtomicFile | StdoutStream:
    """An atomic file for ``path``, or standard output when there is none."""
    return AtomicFile(path, buffer=BUFFER) if path is not None else StdoutStream()


__all__ = ["StdoutStream", "open_output"]

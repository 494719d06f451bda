"""Write a stream of text to stdout or, atomically, to a file.

A file output is written to a temporary file in the same folder as it comes,
then renamed over the target at the end, so readers see the old file or the
whole new one, never half. If the run fails or is interrupted, the temporary
file is removed and the old file is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TextIO

from mutual_detector.errors import OutputError


class AtomicStream:
    """A text file written as it comes and put in place by :meth:`commit`.

    Use as a context manager: leaving the block normally commits; leaving it
    by an exception discards the temporary file.
    """

    def __init__(self, path: os.PathLike[str] | str, *, encoding: str = "utf-8") -> None:
        self.target = Path(path)
        folder = self.target.parent if str(self.target.parent) else Path(".")
        if self.target.is_dir():
            raise OutputError(f"{self.target}: is a directory; give a file name for the output")
        if not folder.is_dir():
            raise OutputError(
                f"{self.target}: folder {folder} does not exist; create it or choose another --output"
            )
        try:
            fd, self._tmp = tempfile.mkstemp(
                prefix=f".{self.target.name}.", suffix=".tmp", dir=folder
            )
        except OSError as exc:
            raise OutputError(f"{self.target}: cannot write: {exc.strerror or exc}") from None
        self._fh: TextIO = os.fdopen(fd, "w", encoding=encoding, newline="")
        self._done = False

    def write(self, text: str) -> None:
        try:
            self._fh.write(text)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.target}: cannot write: {exc.strerror or exc}") from None

    def commit(self) -> Path:
        if self._done:
            return self.target
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            if self.target.exists():
                with contextlib.suppress(OSError):
                    os.chmod(self._tmp, self.target.stat().st_mode & 0o777)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self._tmp, 0o666 & ~umask)
            os.replace(self._tmp, self.target)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.target}: cannot write: {exc.strerror or exc}") from None
        self._done = True
        return self.target

    def discard(self) -> None:
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def __enter__(self) -> AtomicStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


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


__all__ = ["AtomicStream", "StdoutStream"]

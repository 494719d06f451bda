"""Atomic file output: a temporary file in the same folder, fsync, then rename.

Readers (and a crash, a full disk, Ctrl-C or SIGTERM) see either the old file
or the new one, never half of either. The temporary file is removed on every
failure, and a file that is replaced keeps its permissions.

The temporary file is named ``.NAME.PID.XXXXXXXX.tmp`` (PID: the process
writing it). One that a run killed by SIGKILL could not remove is removed by
the next write to the same target (:func:`clean_stale`), once its process no
longer exists.

Two kinds of target cannot be replaced by renaming and are written in place
instead: devices and pipes (``--output /dev/stdout``, ``/dev/null``), which a
rename would turn into plain files (as root, it would replace ``/dev/null``
itself). A symbolic link is followed, so the link stays and the file it points
to is replaced.

:func:`atomic_write` writes a whole text at once; :class:`AtomicFile` is the
same for output written as it comes (a batch).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from types import TracebackType

from mutual_detector.errors import OutputError
from mutual_detector.text import reason as _reason

_SUFFIX = ".tmp"
#: The random part of a name from :func:`tempfile.mkstemp`.
_RANDOM = re.compile(r"[a-z0-9_]{8}")
#: Temporary files older than this (the time this module was loaded) are not this run's.
_STARTED = time.time()

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class AtomicFile:
    """An output file written in pieces and put in place by :meth:`commit`.

    Use as a context manager: leaving the block normally commits; leaving it by
    an exception (including KeyboardInterrupt) discards the temporary file and
    leaves the old file as it was. Every failure is an :class:`OutputError`
    naming the path and the reason in one line.
    """

    def __init__(
        self, path: os.PathLike[str] | str, *, encoding: str = "utf-8", buffer: int = 0
    ) -> None:
        """``buffer``: gather up to this many bytes between writes to a file (not a device
        or pipe, which see every write as it comes); ``commit`` writes what is left."""
        self.shown = str(path)
        self.encoding = encoding
        self._buffer = buffer
        self._pending: list[bytes] = []
        self._pending_size = 0
        target = Path(path)
        try:
            if target.is_symlink():
                target = Path(os.path.realpath(target))
        except OSError as exc:  # a name too long, say
            raise OutputError(f"{self.shown}: cannot write: {_reason(exc)}") from None
        self.target = target
        self.folder = target.parent if str(target.parent) else Path(".")
        self._fd = -1
        self._tmp = ""
        self._done = False
        self._direct = False
        try:
            mode: int | None = target.stat().st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise OutputError(f"{self.shown}: cannot write: {_reason(exc)}") from None
        self._mode = mode
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputError(f"{self.shown}: is a directory; give a file name for the output")
        if mode is not None and not stat.S_ISREG(mode):
            self._fd = self._open_in_place()
            self._direct = True
            return
        if not self.folder.is_dir():
            raise OutputError(
                f"{self.shown}: folder {self.folder} does not exist; "
                "create it or choose another --output"
            )
        clean_stale(self.folder, target.name)
        try:
            self._fd, self._tmp = tempfile.mkstemp(
                prefix=f".{target.name}.{os.getpid()}.", suffix=_SUFFIX, dir=self.folder
            )
        except OSError as exc:
            raise self._error(exc) from None

    @property
    def in_place(self) -> bool:
        """True for a device or pipe, written directly (there is nothing to rename)."""
        return self._direct

    def _open_in_place(self) -> int:
        try:
            fd = os.open(self.target, os.O_WRONLY | _O_BINARY | _O_NONBLOCK | _O_CLOEXEC)
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise OutputError(
                    f"{self.shown}: cannot write: no program is reading the pipe"
                ) from None
            raise self._error(exc) from None
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        return fd

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"{self.shown}: cannot write: {_reason(exc)}")

    def write(self, data: str | bytes) -> None:
        """Write ``data`` (text is encoded); on failure discard everything and raise."""
        if self._done:
            raise OutputError(f"{self.shown}: cannot write: the file is already closed")
        blob = data.encode(self.encoding) if isinstance(data, str) else data
        if self._buffer and not self._direct:
            self._pending.append(blob)
            self._pending_size += len(blob)
            if self._pending_size < self._buffer:
                return
            blob = self._take_pending()
        self._write_all(blob)

    def _take_pending(self) -> bytes:
        blob = b"".join(self._pending)
        self._pending.clear()
        self._pending_size = 0
        return blob

    def _write_all(self, blob: bytes) -> None:
        view = memoryview(blob)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def commit(self) -> Path:
        """fsync, set permissions, rename over the target; return the path written."""
        if self._done:
            return self.target
        if self._pending:
            self._write_all(self._take_pending())  # discards and raises on failure
        try:
            if not self.in_place:
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1
            if not self.in_place:
                if self._mode is not None:
                    with contextlib.suppress(OSError):
                        os.chmod(self._tmp, stat.S_IMODE(self._mode))
                else:
                    umask = os.umask(0)
                    os.umask(umask)
                    os.chmod(self._tmp, 0o666 & ~umask)
                os.replace(self._tmp, self.target)
                self._tmp = ""
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None
        except BaseException:  # Ctrl-C or SIGTERM mid-commit: the old file stays, no temp file
            self.discard()
            raise
        self._done = True
        _fsync_folder(self.folder)
        return self.target

    def discard(self) -> None:
        """Remove the temporary file; the target is left as it was. Safe to call twice."""
        self._done = True
        self._pending.clear()
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        if self._tmp:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = ""

    def __enter__(self) -> AtomicFile:
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


def atomic_write(
    path: os.PathLike[str] | str, data: str | bytes, *, encoding: str = "utf-8"
) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Raises :class:`OutputError` (one line, with the path and the reason) on failure;
    no temporary file is left behind, whatever happens (Ctrl-C included).
    """
    with AtomicFile(path, encoding=encoding) as out:
        out.write(data)
    return out.target


def clean_stale(folder: Path, name: str) -> list[str]:
    """Remove the temporary files of ours for ``name`` in ``folder`` that a killed run left.

    Ours are named ``.NAME.PID.XXXXXXXX.tmp``; one is removed only if it is a
    plain file, older than this process, and process PID no longer exists (a run
    killed by SIGKILL, or a machine that lost power, could not remove its own).
    Never fails; returns the names removed. POSIX only: elsewhere there is no
    harmless way to ask whether a process exists.
    """
    removed: list[str] = []
    if os.name != "posix":
        return removed
    prefix = f".{name}."
    try:
        with os.scandir(folder) as entries:
            candidates = [
                e for e in entries if e.name.startswith(prefix) and e.name.endswith(_SUFFIX)
            ]
    except OSError:
        return removed
    for entry in candidates:
        pid, dot, rest = entry.name[len(prefix) : -len(_SUFFIX)].partition(".")
        if not (dot and pid.isdigit() and _RANDOM.fullmatch(rest)) or int(pid) == os.getpid():
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_mtime >= _STARTED or _alive(int(pid)):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(entry.name)
    return removed


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (when in doubt, yes)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # another user's process (EPERM), or a number no process can have
    return True


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); quietly skipped where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)


__all__ = ["AtomicFile", "atomic_write", "clean_stale"]

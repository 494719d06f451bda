"""Atomic file output: a temporary file in the same folder, fsync, then rename.

Readers (and a crash, a full disk, Ctrl-C or SIGTERM) see either the old file
or the new one, never half of either. The temporary file is removed on every
failure, and a file that is replaced keeps its permissions.

Two cases cannot be replaced by renaming and are written in place instead:
devices and pipes (``--output /dev/stdout``, ``/dev/null``), which a rename
would turn into plain files. A symbolic link is followed, so the link stays
and the file it points to is replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from mutual_detector.errors import OutputError

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def atomic_write(
    path: os.PathLike[str] | str, data: str | bytes, *, encoding: str = "utf-8"
) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    Raises :class:`OutputError` (one line, with the path and the reason) on failure;
    no temporary file is left behind.
    """
    target = Path(path)
    blob = data.encode(encoding) if isinstance(data, str) else data
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    try:
        mode: int | None = target.stat().st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a directory; give a file name for the output")
    if mode is not None and not stat.S_ISREG(mode):
        _write_in_place(target, blob, str(path))
        return target
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(
            f"{path}: folder {folder} does not exist; create it or choose another --output"
        )
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fd = -1
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            with contextlib.suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = ""
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None
    finally:
        # Also runs on KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one by the CLI).
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_folder(folder)
    return target


def _write_in_place(target: Path, blob: bytes, shown: str) -> None:
    """Write to a device or pipe that already exists (never created, never replaced)."""
    try:
        fd = os.open(target, os.O_WRONLY | _O_BINARY | _O_NONBLOCK | _O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{shown}: cannot write: no program is reading the pipe") from None
        raise OutputError(f"{shown}: cannot write: {_reason(exc)}") from None
    try:
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
        view = memoryview(blob)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write: {_reason(exc)}") from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); quietly skipped where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror.lower() if exc.strerror else str(exc)

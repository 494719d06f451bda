"""Reading a file's bytes and text, with bounds: the first step of every reading.

At most ``MAX_BYTES`` are read (``MUTUAL_DETECTOR_MAX_BYTES``), a named pipe with
no writer is refused instead of hanging, and anything that is not UTF-8 text is
one clear, located error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO, Final

from mutual_detector.errors import InputError
from mutual_detector.model.findings import finding

DEFAULT_MAX_BYTES: Final = 5 * 1024 * 1024


def _env_max_bytes() -> int:
    """``MUTUAL_DETECTOR_MAX_BYTES`` if it is a positive whole number, else 5 MiB."""
    raw = os.environ.get("MUTUAL_DETECTOR_MAX_BYTES", "").strip().replace("_", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 13 and int(raw) > 0:
        return int(raw)
    return DEFAULT_MAX_BYTES


MAX_BYTES: Final = _env_max_bytes()

_O_FLAGS: Final = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a named pipe with no writer must not hang the open
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)


def real_path(path: os.PathLike[str] | str) -> Path:
    """The absolute path with symbolic links resolved; never raises, even for a link loop.

    (``Path.resolve()`` raises RuntimeError on a loop before Python 3.13.) A path
    no file can have (one holding a NUL, from an ``include:`` line, say) is made
    absolute only: reading it is refused by :func:`read_raw`, in words.
    """
    try:
        return Path(os.path.realpath(path))
    except ValueError:
        return Path(os.path.abspath(path))


def unusable(exc: ValueError) -> str:
    """Why the operating system refused a path outright (a NUL character in it), in words."""
    if "null" in str(exc):
        return "a file name cannot hold a NUL character (\\x00); remove it from the path"
    return f"not a usable path ({exc})"


def display_path(path: os.PathLike[str] | str) -> str:
    """A path as the user would type it: relative to the working directory if inside it."""
    p = Path(path)
    try:
        return str(real_path(p).relative_to(real_path(Path.cwd())))
    except (ValueError, OSError):
        return str(p)


def read_raw(path: os.PathLike[str] | str, name: str) -> bytes:
    """The file's bytes; InputError (E008 or E004) if it cannot be read or is too big.

    At most ``MAX_BYTES + 1`` bytes are read, so a huge file (or an endless
    device) is refused without reading it all. The file is opened without
    blocking, so a named pipe with no writer is refused instead of hanging.
    """
    path = os.fspath(path)  # not a FieldPath: batch reads thousands of files through here
    try:
        fd = os.open(path, _O_FLAGS)
    except IsADirectoryError:
        raise fail("E008", name, "is a directory, not a file") from None
    except FileNotFoundError:
        raise fail("E008", name, "no such file") from None
    except PermissionError:
        # Windows refuses to open a folder with "permission denied".
        what = "is a directory, not a file" if os.path.isdir(path) else "permission denied"
        raise fail("E008", name, what) from None
    except OSError as exc:
        raise fail("E008", name, exc.strerror or str(exc)) from None
    except ValueError as exc:  # a NUL in the path: the one place paths from files are opened
        raise fail("E008", name, unusable(exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise fail("E008", name, "is a directory, not a file")
        regular = stat.S_ISREG(info.st_mode)
        if hasattr(os, "set_blocking") and hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = _read_bounded(fh, info)
    except IsADirectoryError:
        raise fail("E008", name, "is a directory, not a file") from None
    except PermissionError:
        raise fail("E008", name, "permission denied") from None
    except OSError as exc:
        raise fail("E008", name, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        raise fail("E004", name, f"file is larger than {MAX_BYTES:,} bytes")
    if not raw and not regular:
        raise fail("E008", name, "is not a regular file (a pipe or device with nothing to read)")
    return raw


def _read_bounded(fh: BinaryIO, info: os.stat_result) -> bytes:
    """At most ``MAX_BYTES + 1`` bytes, read by the file's size where it has one.

    ``read(MAX_BYTES + 1)`` allocates 5 MiB for every small file (measured: 70 us
    against 11 us per file), so a regular file is read at its size; one that grows
    while we read it, a pipe or a device is still never read past the bound.
    """
    if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_BYTES:
        data = fh.read(info.st_size + 1)
        if len(data) <= info.st_size:
            return data
        return data + fh.read(MAX_BYTES + 1 - len(data))  # it grew while we read it
    return fh.read(MAX_BYTES + 1)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is allowed); one clear error for anything else."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise fail("E005", name, "file is UTF-32; save it as UTF-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("E005", name, "file is UTF-16; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            "",
            [
                finding(
                    "E005", f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"
                ).located(name, line, None)
            ],
        ) from None
    if "\x00" in text:
        raise fail("E005", name, "file contains NUL bytes (binary data?)")
    return text


def fail(
    rule: str, name: str, message: str, line: int | None = None, col: int | None = None
) -> InputError:
    """The error for a file that cannot be read: one finding, at ``name:line:col``."""
    return InputError(message, [finding(rule, message).located(name, line, col)])


__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES",
    "decode",
    "display_path",
    "fail",
    "read_raw",
    "real_path",
    "unusable",
]

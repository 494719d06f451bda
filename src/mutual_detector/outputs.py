"""Checks on where a command writes, made before anything is written (or asked).

* :func:`refuse_input_as_output`: an output that is one of the command's
  inputs (the same file, however it is named: a link, a hard link, ``./a.yaml``
  for ``a.yaml``) is a usage error (exit code 2), so that
  ``assess -a a.yaml -o a.yaml`` never replaces the answers with the report.
* :func:`refuse_unknown_extension`: ``-o report.pdf`` names a format the
  command does not write; a usage error listing the formats it does write,
  instead of the text report under a misleading name.

``-o -`` (standard output) and ``-o ''`` are handled where the option is
parsed (:mod:`mutual_detector.cli.options`).

Standard library only: every command (``batch`` too) can use it cheaply.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable

from mutual_detector.errors import UsageError

PathLike = os.PathLike[str] | str


def _regular_stat(path: PathLike) -> os.stat_result | None:
    """``os.stat`` of ``path`` (links followed) if it is an existing regular file, else None."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def same_file(a: PathLike, b: PathLike) -> bool:
    """Whether ``a`` and ``b`` are the same existing regular file (same device and inode).

    Links are followed, so a symbolic or hard link to a file is that file. Devices
    and pipes are never "the same file" here: ``-o /dev/stdout`` with ``-a -`` is fine.
    """
    first, second = _regular_stat(a), _regular_stat(b)
    if first is None or second is None:
        return False
    return (first.st_dev, first.st_ino) == (second.st_dev, second.st_ino)


def same_target(a: PathLike, b: PathLike) -> bool:
    """Whether two outputs are one file: the same existing file, or the same path to be made."""
    if same_file(a, b):
        return True
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False


def refuse_input_as_output(
    output: PathLike | None,
    inputs: Iterable[PathLike | None],
    *,
    option: str = "--output",
) -> None:
    """Raise :class:`UsageError` (exit 2) if ``output`` is the same file as one of ``inputs``.

    ``option`` names the option that gave ``output`` in the message. ``None``
    entries (an input not given) are skipped. Only files that exist can clash:
    an output that does not exist yet is never one of the inputs.
    """
    if output is None or _regular_stat(output) is None:
        return
    for source in inputs:
        if source is None or not same_file(output, source):
            continue
        from mutual_detector.loading import display_path
        from mutual_detector.text import printable

        shown, read = printable(str(output)), printable(display_path(source))
        what = read if read == shown else f"{read} (the same file)"
        raise UsageError(
            f"{option} {shown}: that is {what}, which this command reads; writing there "
            "would replace it. Choose another file name"
        )


def extension(name: str) -> str:
    """A file name's extension, lower case, without the dot ("" if it has none)."""
    base = os.path.basename(name)
    return base.lower().rsplit(".", 1)[-1] if "." in base.lstrip(".") else ""


def refuse_unknown_extension(
    output: PathLike, known: str, *, option: str = "--output", command: str = "assess"
) -> None:
    """Raise :class:`UsageError` (exit 2) if ``output``'s extension is not a format written.

    Call it only when the format was not chosen with ``--format`` and the
    extension did not name one. A name without an extension, and a device or
    pipe (``/dev/stdout``), are fine: they get the default format. ``known``
    lists the formats, as the message should show them.
    """
    ext = extension(os.fspath(output))
    if not ext:
        return
    try:
        info = os.stat(output)
    except (OSError, ValueError):
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        return
    from mutual_detector.text import printable

    raise UsageError(
        f"{option} {printable(os.fspath(output))}: {command} does not write .{printable(ext)} "
        f"files; name the file {known}, or choose the format with --format"
    )


__all__ = [
    "extension",
    "refuse_input_as_output",
    "refuse_unknown_extension",
    "same_file",
    "same_target",
]

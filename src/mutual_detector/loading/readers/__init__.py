"""Reading a file's text: the one place where a reader is chosen.

Every command reads every file through :func:`parse_document` (or
:func:`read_document`, which reads the bytes first). The fast readers of
:data:`FAST_READERS` are tried in order; the first that vouches for the text
gives its data, and otherwise the located reader
(:func:`~mutual_detector.loading.located.parse_yaml`), the reference, reads it.
A fast reader gives up by raising
:class:`~mutual_detector.loading.readers.interface.NotPlain`, the one fallback
signal. Either way the document is the same, and its positions are found when
first asked for, so a problem is always reported at its ``file:line:column``.

Which fast readers remain, what each saves and the test that keeps it equal to
the located reader: docs/architecture.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from mutual_detector.loading.files import MAX_BYTES, decode, display_path, read_raw, real_path
from mutual_detector.loading.located import Document, parse_yaml
from mutual_detector.loading.readers.interface import FastReader, NotPlain
from mutual_detector.loading.readers.json import JsonReader
from mutual_detector.loading.readers.plainyaml import PlainYamlReader

#: The fast readers, tried in this order before the located reader (each gives a file up at
#: once when its first line is not its kind).
FAST_READERS: Final[tuple[FastReader, ...]] = (PlainYamlReader(), JsonReader())


def parse_document(text: str, name: str) -> Document:
    """The document ``text`` holds (``name``: the file, as shown in messages).

    Raises :class:`~mutual_detector.errors.InputError`, located, if the text is
    not a mapping of plain YAML data within the limits.
    """
    for reader in FAST_READERS:
        try:
            data = reader.read(text)
        except NotPlain:
            continue
        return Document(name, data, find_marks=lambda: parse_yaml(text, name).marks)
    return parse_yaml(text, name)


def read_document(
    path: os.PathLike[str] | str,
    reads: dict[Path, bytes] | None = None,
    *,
    name: str | None = None,
) -> Document:
    """Read and parse one file (any kind); ``reads`` gets its bytes, by real path.

    A file whose bytes are already in ``reads`` is not read again: those bytes are
    parsed, so a pipe is read once and every step sees the same bytes. ``name``:
    the file as shown in messages (default: :func:`~mutual_detector.loading.files.display_path`).
    ``-`` is standard input (read once: :mod:`mutual_detector.stdin`).
    """
    if os.fspath(path) == "-":
        from mutual_detector.stdin import STDIN_NAME, read_stdin

        return parse_document(decode(read_stdin(MAX_BYTES), STDIN_NAME), STDIN_NAME)
    if name is None:
        name = display_path(path)
    if reads is None:
        raw = read_raw(path, name)
    else:
        key = real_path(path)
        known = reads.get(key)
        raw = reads[key] = read_raw(path, name) if known is None else known
    return parse_document(decode(raw, name), name)


__all__ = ["FAST_READERS", "FastReader", "NotPlain", "parse_document", "read_document"]

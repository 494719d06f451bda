"""Text that is safe to print on a terminal, one line per message.

:func:`printable` escapes what a terminal would act on instead of showing:
control characters (ESC starts the sequences that move the cursor, clear the
screen, set the window title, write the clipboard or draw hidden links), line
breaks (which would break the one-line-per-error rule), the Unicode controls
that reorder text (bidirectional overrides) and lone surrogates (which cannot
be encoded at all). Each is replaced by a visible escape such as ``\\x1b``,
``\\n`` or ``\\u202e``; everything else, tabs and non-ASCII letters
included, is left as it is.

Standard library only (no rich, no pydantic): any renderer may import it.
"""

from __future__ import annotations

import errno
import re
from typing import Final

#: C0 controls but tab, DEL, C1 controls, bidirectional overrides and isolates,
#: the line and paragraph separators, and lone surrogates.
_UNSAFE: Final = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED: Final = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with terminal controls and line breaks shown as escapes (``\\x1b``, ``\\n``).

    >>> printable("a\\x1b[2Jb\\nc\\td")
    'a\\\\x1b[2Jb\\\\nc\\td'
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


#: What the text outputs draw with, as one ASCII character each (so columns stay aligned),
#: for a standard output that cannot show them (``PYTHONIOENCODING=cp1252``).
_ASCII: Final = str.maketrans(
    {
        "█": "#",
        "▓": "#",
        "▒": ":",
        "░": ".",
        "─": "-",
        "━": "-",
        "═": "=",
        "│": "|",
        "┃": "|",
        "║": "|",
        **dict.fromkeys("┌┐└┘├┤┬┴┼╭╮╯╰╔╗╚╝╠╣╦╩╬", "+"),
        "→": ">",
        "←": "<",
        "↑": "^",
        "↓": "v",
        "✎": "*",
        "•": "*",
        "·": ".",
        "—": "-",
        "–": "-",
        "…": ".",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "✓": "v",
        "✗": "x",
        "×": "x",
        "\u00a0": " ",
    }
)


def for_encoding(text: str, encoding: str | None) -> str:
    """``text`` as ``encoding`` can show it: drawing characters as ASCII, accents dropped, else ``?``.

    Text that fits is returned as it is (always, for UTF-8).

    >>> for_encoding("Score █████ 3 → 4 · café", "ascii")
    'Score ##### 3 > 4 . cafe'
    """
    encoding = encoding or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        pass
    except LookupError:  # an encoding Python does not know: keep to ASCII
        encoding = "ascii"
    else:
        return text
    import unicodedata

    out = []
    for char in text:
        try:
            char.encode(encoding)
        except UnicodeEncodeError:
            plain = char.translate(_ASCII)
            if plain == char:
                decomposed = unicodedata.normalize("NFKD", char)
                plain = "".join(c for c in decomposed if not unicodedata.combining(c))
            char = plain.encode(encoding, "replace").decode(encoding) if plain else "?"
        out.append(char)
    return "".join(out)


def reason(exc: OSError) -> str:
    """An OS error in a few plain words ("the disk is full", "permission denied")."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    return exc.strerror.lower() if exc.strerror else str(exc)


__all__ = ["for_encoding", "printable", "reason"]

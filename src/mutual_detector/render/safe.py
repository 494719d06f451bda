"""Text from answers files and questionnaires, made safe to draw.

Anything a renderer shows that it did not write itself (a service name, a note,
a question's prompt, a source's title or URL, a file name) can hold terminal
control sequences: ``ESC[2J`` clears the screen, OSC 8 hides a link behind
text, OSC 52 writes to the clipboard. Every renderer in this package passes
such text through this module before laying it out, whatever the format:

* :func:`clean` removes whole escape sequences (CSI, OSC, DCS and the other
  string controls, in their 7-bit and 8-bit forms), then any other control
  character, bidirectional override and non-character; a lone surrogate
  becomes U+FFFD. Tabs become spaces; line breaks are kept.
* :func:`text_lines` and :func:`one_line` give the cleaned text as trimmed
  lines, or on one line (for table cells, headings and titles).
* For text whose exact spelling matters (file names), :func:`mutual_detector.text.printable`
  shows control characters as escapes instead of dropping them.

Markdown and HTML escaping come on top of this, in their renderers.
"""

from __future__ import annotations

import re
from typing import Final

#: Whole escape sequences: CSI, OSC (to BEL or ST), DCS/SOS/PM/APC (to ST), two-character
#: escapes, and the 8-bit forms of CSI and the string controls.
_SEQUENCE: Final = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c\n]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
)
#: Control characters (but tab and line breaks), bidirectional controls, non-characters.
_CONTROL: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def clean(value: str) -> str:
    """``value`` without escape sequences or control characters; line breaks kept as ``\\n``."""
    value = _SURROGATE.sub("\ufffd", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    value = _SEQUENCE.sub("", value)
    return _CONTROL.sub("", value)


def text_lines(value: str) -> list[str]:
    """The non-blank lines of user text, cleaned and trimmed.

    Renderers join them with their own line break; a blank line (a paragraph
    break in a note) is dropped so a note stays one block.
    """
    return [line.strip() for line in clean(value).split("\n") if line.strip()]


def one_line(value: str | None) -> str:
    """User text on one line (for table cells, headings and titles); "" for None."""
    if not value:
        return ""
    return " ".join(text_lines(value))


__all__ = ["clean", "one_line", "text_lines"]

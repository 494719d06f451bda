"""The one terminal policy: whether output gets colour, and how wide it is drawn.

Every command and every prompt asks :meth:`Terminal.of` about the stream it
writes to, and a renderer is told the answer (renderers never look at the
environment themselves). The rules, in order:

Colour
    1. ``NO_COLOR`` set (any value but empty), or ``--no-color``: none;
    2. ``FORCE_COLOR`` set: colour, even into a pipe;
    3. ``TERM=dumb``: none;
    4. otherwise colour only on a terminal.

    Files written with ``--output`` never get colour (:data:`FILE`).

Width
    ``COLUMNS``, when set to a whole number, wherever the output goes (a
    terminal or a pipe: ``COLUMNS=80 mutual-detector batch ... | less`` is drawn
    at 80); else the terminal's width on a terminal; either kept between
    :data:`MIN_WIDTH` and what the layout uses at most. Into a pipe without
    ``COLUMNS``: the layout's fixed width, so that the output is the same
    wherever it runs. Files written with ``--output`` always get the fixed
    width (:data:`FILE`). The layouts are listed in :data:`LAYOUTS`.

Standard streams
    :func:`standard_streams` is the console script's first step: a standard
    stream closed when the tool started gets ``/dev/null`` (no file opened
    later takes its number), and a standard output in an encoding that is not
    UTF-8 replaces what it cannot show instead of failing. Writing to standard
    output is ``cli/outputs.py``'s job (:func:`~mutual_detector.cli.outputs.write_stdout`).

Standard library only: the CLI imports this before anything heavy.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

LayoutName = Literal["report", "compare", "table", "cases", "prompt"]


@dataclass(frozen=True)
class Layout:
    """How wide one kind of output is drawn."""

    piped: int
    """The width into a pipe or a file."""
    most: int
    """The most it uses on a terminal, however wide."""
    margin: int = 0
    """Columns left free at the right on a terminal."""


#: Every layout, in one table: the terminal report (``assess``), ``compare``, the
#: ``batch`` table, the ``calibrate`` table and the prompts of an interactive ``assess``.
LAYOUTS: Final[dict[LayoutName, Layout]] = {
    "report": Layout(piped=80, most=100),
    "compare": Layout(piped=100, most=160),
    "table": Layout(piped=120, most=200),
    "cases": Layout(piped=80, most=200),
    "prompt": Layout(piped=78, most=98, margin=2),
}
MIN_WIDTH: Final = 40


@dataclass(frozen=True)
class Terminal:
    """What the policy decided for one output stream."""

    is_terminal: bool
    color: bool
    columns: int | None = None
    """The width in columns: ``COLUMNS`` if set, else the terminal's; None for a pipe
    without ``COLUMNS`` (each layout's fixed width)."""

    @classmethod
    def of(cls, stream: object, env: Mapping[str, str] | None = None) -> Terminal:
        """The policy for output written to ``stream`` (``env``: default ``os.environ``)."""
        env = os.environ if env is None else env
        isatty = getattr(stream, "isatty", None)
        try:
            tty = bool(isatty and isatty())
        except (OSError, ValueError):  # a closed stream
            tty = False
        if env.get("NO_COLOR"):
            color = False
        elif env.get("FORCE_COLOR"):
            color = True
        elif env.get("TERM") == "dumb":
            color = False
        else:
            color = tty
        return cls(tty, color, _columns(stream, env, tty))

    def width(self, layout: LayoutName) -> int:
        """The width to draw ``layout`` at on this stream."""
        spec = LAYOUTS[layout]
        if self.columns is None:
            return spec.piped
        return max(MIN_WIDTH, min(spec.most, self.columns - spec.margin))


def turn_off_color() -> None:
    """``--no-color`` (before or after the command): the same as ``NO_COLOR=1``.

    Set in the environment, so that every stream's :meth:`Terminal.of`, the
    prompts (prompt_toolkit reads ``NO_COLOR`` too) and the processes this one
    starts all see it.
    """
    os.environ["NO_COLOR"] = "1"


#: A file written with ``--output``: no colour, the fixed widths.
FILE: Final = Terminal(is_terminal=False, color=False)


def _columns(stream: object, env: Mapping[str, str], tty: bool) -> int | None:
    raw = env.get("COLUMNS", "").strip()
    if raw.isdigit() and 0 < int(raw) < 10_000:
        return int(raw)
    if not tty:
        return None
    try:
        columns = os.get_terminal_size(stream.fileno()).columns  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        columns = 0
    return columns or 80  # a terminal that does not say: the usual 80


def standard_streams() -> None:
    """Make the standard streams safe to use; the console script calls this first.

    A stream closed when the tool started (``<&-``, ``>&-``, ``2>&-``; Python sets
    ``sys.stdin`` and the like to None) gets ``/dev/null`` as its descriptor, so a
    file opened later (an output, say) cannot take its number and receive what
    is meant for the terminal. Standard input then reads as empty and messages to
    a closed standard error are lost, as asked; ``sys.stdout`` stays None, and the
    commands that write to it refuse (exit 4), since the output is what was asked
    for. A standard output in an encoding other than UTF-8 (``PYTHONIOENCODING=cp1252``,
    a Windows redirect) replaces what it cannot show rather than failing: the
    machine formats are written to it as UTF-8 bytes anyway, and the text
    report is drawn in characters it can show first.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            spare = os.open(os.devnull, os.O_RDWR)
            if spare != fd:
                os.dup2(spare, fd)
                os.close(spare)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 (for the whole run)
    if sys.stderr is None:
        sys.stderr = open(  # noqa: SIM115 (for the whole run)
            2, "w", encoding="utf-8", errors="backslashreplace", closefd=False
        )
    out = sys.stdout
    if out is not None and not is_utf8(getattr(out, "encoding", None)):
        reconfigure = getattr(out, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def is_utf8(encoding: str | None) -> bool:
    """Whether ``encoding`` is UTF-8 (by any of its names)."""
    try:
        return codecs.lookup(encoding or "").name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


__all__ = [
    "FILE",
    "LAYOUTS",
    "MIN_WIDTH",
    "Layout",
    "LayoutName",
    "Terminal",
    "is_utf8",
    "standard_streams",
    "turn_off_color",
]

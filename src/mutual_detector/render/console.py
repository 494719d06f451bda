"""The rich Console every text renderer draws with, set up from the terminal policy's answer.

The CLI decides width and colour (:mod:`mutual_detector.terminal`); a renderer
passes them here and never looks at the environment or the real terminal.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rich.console import Console


def text_console(
    width: int,
    color: bool,
    *,
    file: IO[str] | None = None,
    color_system: Literal["standard", "truecolor"] = "standard",
    markup: bool = True,
) -> Console:
    """A Console ``width`` columns wide, with ANSI styles only if ``color``.

    ``markup``: read ``[bold]`` and the like in strings (off where user data is printed).
    Without ``file`` it draws into a string of its own, never to standard output
    (a renderer returns its text; rich would otherwise look at standard output's
    encoding and write to it, failing when it is full or closed).
    """
    import io

    from rich.console import Console

    return Console(
        file=file if file is not None else io.StringIO(),
        width=width,
        color_system=color_system if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=markup,
        emoji=False,
        legacy_windows=False,
    )


__all__ = ["text_console"]

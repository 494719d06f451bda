"""Options that several commands share, defined once (style item 10).

Each is an ``Annotated`` alias: a command declares ``output: OutputOpt = None``
and gets the same flag, metavar and help as every other command. Only options
that mean the same thing everywhere are here; ``--format`` (a different set
of formats per command) and ``validate --questionnaire`` (which checks
answers against it) stay with their commands.

Light on purpose: typer and the standard library only (no pydantic, no rich).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def output_file(value: str | Path) -> Path | None:
    """``-o FILE``: ``-`` is standard output (None, as if ``-o`` were not given); an empty
    name or a folder is a usage error (exit 2) before anything is read or asked."""
    if isinstance(value, Path):
        return value
    text = str(value)
    if text == "-":
        return None
    if not text.strip():
        raise typer.BadParameter(
            "the file name is empty; give a file name, or - for standard output"
        )
    if Path(text).is_dir():
        raise typer.BadParameter(
            f"{text!r} is a folder; give a file name, or - for standard output"
        )
    return Path(text)


QuestionnaireOpt = Annotated[
    str | None,
    typer.Option(
        "--questionnaire",
        "-q",
        metavar="ID|PATH",
        help="Questionnaire file or built-in id. [default: the one the answers name]",
        show_default=False,
    ),
]
"""The questionnaire to assess answers against (assess, batch, compare)."""

OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of standard output (all or nothing: if anything fails, "
        "an existing FILE is left as it was). - is standard output; FILE may not be one of "
        "the inputs.",
        parser=output_file,
        show_default=False,
    ),
]
"""Where to write (every command that writes a report)."""

MinBandOpt = Annotated[
    str | None,
    typer.Option(
        "--min-band",
        metavar="BAND",
        help="Exit 1 if the worst band the unknown answers could lead to is below this band "
        "(a band id or label, any case).",
        show_default=False,
    ),
]
"""The band gate (assess, batch)."""

MinScoreOpt = Annotated[
    float | None,
    typer.Option(
        "--min-score",
        metavar="N",
        help="Exit 1 if the low end of the score's range is below this, 0-100.",
        show_default=False,
    ),
]
"""The score gate (assess, batch)."""


def no_color(value: bool) -> None:
    """``--no-color``, wherever it is given: the terminal policy is told (see
    :func:`mutual_detector.terminal.turn_off_color`) before the command runs."""
    if value:
        from mutual_detector.terminal import turn_off_color

        turn_off_color()


NoColorOpt = Annotated[
    bool,
    typer.Option(
        "--no-color",
        help="No colour in any output (as NO_COLOR=1 does).",
        callback=no_color,
        expose_value=False,
        is_eager=True,
        show_default=False,
    ),
]
"""``--no-color``: accepted before the command (the root's option) and after it (every
command's); the command never sees it, since the terminal policy is what decides colour."""

__all__ = [
    "MinBandOpt",
    "MinScoreOpt",
    "NoColorOpt",
    "OutputOpt",
    "QuestionnaireOpt",
    "no_color",
    "output_file",
]

"""``mutual-detector help [TOPIC]``: the documentation, printed from the installed package."""

from __future__ import annotations

from typing import Annotated

import typer

from mutual_detector.cli.options import NoColorOpt
from mutual_detector.cli.outputs import write_stdout
from mutual_detector.errors import InputError, UsageError


def help(
    topic: Annotated[
        str | None,
        typer.Argument(
            help="A topic (expressions, format, scoring, errors, ...) or a command. "
            "Default: list the topics.",
            show_default=False,
            metavar="TOPIC",
        ),
    ] = None,
    no_color: NoColorOpt = False,
) -> None:
    """Show the documentation: the condition language, the file formats, scoring, errors...

    The pages are the project's docs/*.md, installed with the tool. A command
    name shows that command's options (as COMMAND --help does).
    """
    from mutual_detector import help_topics

    if topic is None:
        _list(help_topics.topics())
        return
    from mutual_detector.cli.root import COMMANDS

    if topic in COMMANDS:
        _command_help(topic)
        return
    found = help_topics.resolve(topic)
    if found is None:
        close = help_topics.suggest(topic)
        hint = f" (did you mean {close!r}?)" if close else ""
        raise UsageError(
            f"no help topic {topic!r}{hint}; topics: {', '.join(help_topics.topics())}"
        )
    try:
        page = help_topics.text(found)
    except OSError as exc:  # a broken installation
        raise InputError(f"cannot read the help on {found}: {exc.strerror or exc}") from None
    write_stdout(page if page.endswith("\n") else page + "\n", machine=False)


def _list(topics: dict[str, str]) -> None:
    from mutual_detector.cli.root import COMMANDS

    width = max((len(name) for name in topics), default=0) + 2
    lines = ["Help topics (mutual-detector help TOPIC):"]
    lines += [f"  {name:<{width}}{title}" for name, title in topics.items()]
    lines += [
        "",
        "Commands (mutual-detector help COMMAND, or COMMAND --help):",
        "  " + ", ".join(c for c in COMMANDS if c != "help"),
    ]
    write_stdout("\n".join(lines) + "\n", machine=False)


def _command_help(name: str) -> None:
    """``COMMAND --help``, as text."""
    import typer.main

    from mutual_detector.cli.root import app

    group = typer.main.get_command(app)
    root = typer.Context(group, info_name="mutual-detector")
    command = group.get_command(root, name)  # type: ignore[attr-defined]
    assert command is not None
    with typer.Context(command, info_name=name, parent=root) as ctx:
        write_stdout(command.get_help(ctx) + "\n", machine=False)

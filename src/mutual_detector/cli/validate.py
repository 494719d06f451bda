"""``mutual-detector validate``: check questionnaires and answers files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mutual_detector.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (searched recursively). Default: the built-ins."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as failures.")] = False,
) -> None:
    """Check questionnaires and answers files: schema, references, conditions, scores."""
    from mutual_detector.validation import validate_paths

    report = validate_paths(paths or [])
    for f in report.findings:
        typer.echo(f.one_line(), err=False)
    errors = sum(1 for f in report.findings if f.level == "error")
    warnings = len(report.findings) - errors
    typer.echo(f"{report.files} file(s) checked: {errors} error(s), {warnings} warning(s)")
    if report.unreadable:
        raise typer.Exit(EXIT_INPUT)
    if errors or (strict and warnings):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)

"""``mutual-detector calibrate``: run calibration cases and compare expected with got."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from mutual_detector.cli.options import NoColorOpt, OutputOpt
from mutual_detector.errors import Outcome
from mutual_detector.terminal import FILE, Terminal


class CalibrateFormat(enum.StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def calibrate(
    cases: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[CASES]...",
            help="Case files or folders of them. [default: the built-in cases]",
            show_default=False,
        ),
    ] = None,
    questionnaire: Annotated[
        str | None,
        typer.Option(
            "--questionnaire",
            "-q",
            metavar="ID|PATH",
            help="Run every case against this questionnaire (e.g. your adapted copy). "
            "[default: the one each case names]",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        CalibrateFormat,
        typer.Option("--format", "-f", help="table, json or markdown."),
    ] = CalibrateFormat.table,
    output: OutputOpt = None,
    no_color: NoColorOpt = False,
) -> Outcome:
    """Run calibration cases (service profiles with the verdict an adviser gave them) and show
    expected against got. Exit 1 if any case disagrees, 3 if one cannot be run."""
    from mutual_detector.calibrate import case_paths, run_cases
    from mutual_detector.render import calibration as render

    paths = case_paths(cases or [])
    outcomes = run_cases(paths, questionnaire)
    if output is not None:
        from mutual_detector.outputs import refuse_input_as_output

        # Never over a case or a questionnaire it read (exit 2), even one that failed.
        refuse_input_as_output(output, [*paths, *(f for o in outcomes for f in o.reads)])
    if format is CalibrateFormat.json:
        text = render.render_json(outcomes)
    elif format is CalibrateFormat.markdown:
        text = render.render_markdown(outcomes)
    else:
        term = FILE if output is not None else Terminal.of(sys.stdout)
        text = render.render_text(outcomes, term.width("cases"))
    if output is None:
        from mutual_detector.cli.outputs import write_stdout

        write_stdout(text, machine=format is not CalibrateFormat.table)
    else:
        from mutual_detector.atomic import atomic_write

        atomic_write(output, text)
        typer.echo(render.summary(outcomes), err=True)
    # A case that could not be run (3) wins over one that disagrees (1).
    return Outcome(
        unreadable=any(o.error for o in outcomes), failing=not all(o.agrees for o in outcomes)
    )

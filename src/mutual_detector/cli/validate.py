"""``mutual-detector validate``: check questionnaires and answers files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mutual_detector.cli.options import NoColorOpt, OutputOpt
from mutual_detector.errors import Outcome
from mutual_detector.render.findings import FindingsFormat
from mutual_detector.terminal import Terminal

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Files or folders (searched recursively) to check. Default: the built-in questionnaires.",
        show_default=False,
        metavar="PATH",
    ),
]
QuestionnaireOpt = Annotated[
    str | None,
    typer.Option(
        "--questionnaire",
        "-q",
        metavar="ID|PATH",
        help=(
            "Check answers files against this questionnaire. Default: the one with the answers' "
            "id named on the command line, else in the answers' folder, else among the files "
            "given, else built in."
        ),
    ),
]
FormatOpt = Annotated[
    FindingsFormat,
    typer.Option(
        "--format",
        "-f",
        help="text for people, json for scripts, github for Actions annotations, sarif for code scanning.",
        case_sensitive=False,
    ),
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat warnings as failures (exit 1).")]
IgnoreUnknownOpt = Annotated[
    bool,
    typer.Option(
        "--ignore-unknown",
        help=(
            "Skip files named on the command line that are not questionnaires, parts or answers "
            "files, instead of reporting them (the pre-commit hook does this). Such files found "
            "in folders are always skipped."
        ),
    ),
]

OnlyOursOpt = Annotated[
    bool,
    typer.Option(
        "--only-ours",
        help=(
            "Check only files with a top-level `format: mutual-detector/...` line and skip "
            "every other file silently, even one that is not valid YAML (a Helm template); "
            "the pre-commit hook does this. Implies --ignore-unknown."
        ),
    ),
]


def run(
    paths: list[Path] | None = None,
    questionnaire: str | None = None,
    output_format: FindingsFormat = FindingsFormat.text,
    strict: bool = False,
    output: Path | None = None,
    ignore_unknown: bool = False,
    only_ours: bool = False,
) -> Outcome:
    """Validate, write the report, and return what was found (the guard picks the exit code)."""
    from mutual_detector.validation import validate_paths

    report = validate_paths(
        paths or [],
        questionnaire=questionnaire,
        strict=strict,
        ignore_unknown=ignore_unknown,
        only_ours=only_ours,
        output=output,
    )
    if output is not None:
        from mutual_detector.atomic import atomic_write
        from mutual_detector.outputs import refuse_input_as_output
        from mutual_detector.render.findings import summary
        from mutual_detector.text import printable

        # The report never replaces a file it checked (exit 2).
        read: list[Path | str] = [*(paths or []), *(f.file for f in report.files)]
        read += [f.questionnaire for f in report.files if f.questionnaire is not None]
        if questionnaire is not None and Path(questionnaire).exists():
            read.append(Path(questionnaire))
        refuse_input_as_output(output, read)
        atomic_write(output, output_format.render(report))
        typer.echo(f"{summary(report)} Report written to {printable(str(output))}.", err=True)
    else:
        from mutual_detector.cli.outputs import write_stdout

        human = output_format is FindingsFormat.text
        color = human and Terminal.of(sys.stdout).color
        write_stdout(output_format.render(report, color=color), machine=not human)
    return report.outcome


def validate(
    paths: PathsArg = None,
    questionnaire: QuestionnaireOpt = None,
    output_format: FormatOpt = FindingsFormat.text,
    strict: StrictOpt = False,
    output: OutputOpt = None,
    ignore_unknown: IgnoreUnknownOpt = False,
    only_ours: OnlyOursOpt = False,
    no_color: NoColorOpt = False,
) -> Outcome:
    """Check questionnaires and answers files: format, references, conditions, scores, answers.

    Exit codes: 0 no problems; 1 errors found (or warnings, with --strict);
    2 bad command line (or --output naming a file it checks); 3 a file could not be read
    or parsed; 4 the report could not be written.
    """
    return run(paths, questionnaire, output_format, strict, output, ignore_unknown, only_ours)

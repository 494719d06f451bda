"""``mutual-detector compare A B``: two assessments of the same service, side by side."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mutual_detector.cli.options import NoColorOpt, OutputOpt, QuestionnaireOpt
from mutual_detector.render.compare_format import CompareFormat
from mutual_detector.terminal import FILE, Terminal

if TYPE_CHECKING:
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.result import Result


def compare(
    before: Annotated[
        Path, typer.Argument(help="The earlier answers file.", show_default=False, metavar="A")
    ],
    after: Annotated[
        Path, typer.Argument(help="The later answers file.", show_default=False, metavar="B")
    ],
    questionnaire: QuestionnaireOpt = None,
    fmt: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CompareFormat.text,
    output: OutputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Compare two assessments of one service (say, before and after a business case):
    how the verdict and its score range moved, which answers changed and what each change did
    on its own, how each section moved, and which flags were raised or cleared.
    """
    from mutual_detector.atomic import atomic_write
    from mutual_detector.compare import compare as compare_results
    from mutual_detector.loading import display_path, get_questionnaire, load_answers

    a = load_answers(before)
    b = load_answers(after)
    q = get_questionnaire(questionnaire, answers=a)
    if output is not None:
        from mutual_detector.outputs import refuse_input_as_output

        refuse_input_as_output(output, [before, after, *q.files])  # never over an input (exit 2)
    comparison = compare_results(
        _assess(a, q),
        _assess(b, q),
        q.questionnaire,
        before_answers=a.answers,
        after_answers=b.answers,
        before_name=display_path(before),
        after_name=display_path(after),
    )
    term = FILE if output is not None else Terminal.of(sys.stdout)
    text = fmt.render(comparison, width=term.width("compare"), color=term.color)
    if output is not None:
        atomic_write(output, text)
    else:
        from mutual_detector.cli.outputs import write_stdout

        # not typer.echo: it strips colour by rules of its own
        write_stdout(text, machine=fmt is not CompareFormat.text)


def _assess(loaded: LoadedAnswers, q: LoadedQuestionnaire) -> Result:
    """The result of one answers file; its errors are located in the file first (the
    engine's would not say where)."""
    from mutual_detector.engine import assess
    from mutual_detector.errors import InputError
    from mutual_detector.loading import check_answers

    errors = [f for f in check_answers(loaded, q) if f.level == "error"]
    if errors:
        raise InputError(errors[0].one_line(), errors)
    return assess(q.questionnaire, loaded.answers)

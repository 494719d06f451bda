"""``mutual-detector template``: a blank answers file (YAML) or spreadsheet (CSV)."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from mutual_detector.cli.options import NoColorOpt, OutputOpt


class TemplateFormat(enum.StrEnum):
    yaml = "yaml"
    csv = "csv"


def template(
    fmt: Annotated[
        TemplateFormat,
        typer.Option("--format", "-f", help="yaml: one answers file; csv: one row per service."),
    ] = TemplateFormat.yaml,
    questionnaire: Annotated[
        str | None,
        typer.Option(
            "--questionnaire",
            "-q",
            metavar="ID|PATH",
            help="Questionnaire file or built-in id. [default: mutual-detector]",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Write a blank answers template for a questionnaire, with the allowed values explained.

    YAML: every question with comments giving its prompt, kind and allowed values; fill it in
    and run `mutual-detector assess --answers FILE` or `batch`.

    CSV: open it in Excel, fill one row per service, save as "CSV UTF-8" and run
    `mutual-detector batch FILE.csv`. Row 1 names the columns; the rows starting with # explain
    each column (question, what to write, when it is asked) and are skipped by batch.
    """
    from mutual_detector.atomic import atomic_write
    from mutual_detector.loading import get_questionnaire
    from mutual_detector.template import csv_template, yaml_template

    loaded = get_questionnaire(questionnaire)
    q = loaded.questionnaire
    body = csv_template(q) if fmt is TemplateFormat.csv else yaml_template(q)
    if output is not None:
        from mutual_detector.outputs import refuse_input_as_output

        refuse_input_as_output(output, loaded.files)  # never over the questionnaire (exit 2)
        atomic_write(output, body)
        return
    from mutual_detector.cli.outputs import write_stdout

    write_stdout(body, machine=True)

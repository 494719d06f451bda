"""``mutual-detector schema``: print the JSON Schema of a file format."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from mutual_detector.cli.options import NoColorOpt, OutputOpt


class SchemaKind(enum.StrEnum):
    questionnaire = "questionnaire"
    part = "part"
    answers = "answers"
    result = "result"


class SchemaDraft(enum.StrEnum):
    draft2020 = "2020-12"
    draft7 = "7"


def schema(
    kind: Annotated[
        SchemaKind,
        typer.Argument(
            help="Which format: questionnaire, part (an included file), answers or result."
        ),
    ] = SchemaKind.questionnaire,
    draft: Annotated[
        SchemaDraft,
        typer.Option(
            "--draft",
            help="JSON Schema version. Use 7 for editors that stop at draft-07 "
            "(VS Code's YAML extension; see docs/editor.md).",
        ),
    ] = SchemaDraft.draft2020,
    questionnaire: Annotated[
        str | None,
        typer.Option(
            "--questionnaire",
            "-q",
            metavar="ID|PATH",
            help="answers only: the schema of answers to this questionnaire (a built-in id or "
            "a file), with its question ids, kinds and options, so that an editor can "
            "complete them (see docs/editor.md).",
            show_default=False,
        ),
    ] = None,
    output: OutputOpt = None,
    no_color: NoColorOpt = False,
) -> None:
    """Print the JSON Schema of a questionnaire, part, answers or result file, for editors and tools."""
    if questionnaire is not None:
        if kind is not SchemaKind.answers:
            from mutual_detector.errors import UsageError

            raise UsageError(
                f"--questionnaire is for the answers schema (schema answers --questionnaire "
                f"{questionnaire}), not the {kind.value} schema"
            )
        from mutual_detector.loading import get_questionnaire
        from mutual_detector.schemas import answers_schema_json

        loaded = get_questionnaire(questionnaire)
        if output is not None:
            from mutual_detector.outputs import refuse_input_as_output

            refuse_input_as_output(output, loaded.files)  # never over the questionnaire (exit 2)
        text = answers_schema_json(loaded.questionnaire, draft.value)
    else:
        from mutual_detector.schemas import schema_json

        text = schema_json(kind.value, draft.value)
    if output is None:
        from mutual_detector.cli.outputs import write_stdout

        write_stdout(text, machine=True)
        return
    from mutual_detector.atomic import atomic_write

    atomic_write(output, text)
    typer.echo(f"Wrote the {kind.value} schema to {output}.", err=True)

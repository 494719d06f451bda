"""``mutual-detector schema``: print the JSON Schema of a file format."""

from __future__ import annotations

import enum
from typing import Annotated

import typer


class SchemaKind(str, enum.Enum):
    questionnaire = "questionnaire"
    part = "part"
    answers = "answers"
    result = "result"


def schema(
    kind: Annotated[SchemaKind, typer.Argument(help="Which format.")] = SchemaKind.questionnaire,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a questionnaire, part, answers or result file."""
    from mutual_detector.schemas import schema_json

    typer.echo(schema_json(kind.value))

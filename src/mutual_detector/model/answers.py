"""Pydantic models of an answers file (format ``mutual-detector/answers@1``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The explicit "don't know" answer.
DONT_KNOW: Final = "dont_know"

Scalar = bool | int | float | str
AnswerValue = Annotated[
    Scalar | list[str] | None,
    Field(
        description=(
            "An option value, a list of option values (multi), true/false (yes/no), a number, "
            "text, or the literal 'dont_know'."
        )
    ),
]


def wrap_bare(answers: Any) -> Any:
    """Answers given as bare values (``q: 3``) in the full form (``q: {value: 3}``)."""
    if not isinstance(answers, dict):
        return answers
    return {
        key: item
        if isinstance(item, Answer) or (isinstance(item, dict) and "value" in item)
        else {"value": item}
        for key, item in answers.items()
    }


class _Model(BaseModel):
    # Validators are built when first used: plainly valid answers are built without them
    # (mutual_detector.quick_models).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Answer(_Model):
    """An answer with the assessor's note and evidence ("how do you know?")."""

    value: AnswerValue
    note: str | None = Field(default=None, max_length=10_000)
    evidence: str | None = Field(default=None, max_length=10_000)

    @field_validator("value")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise ValueError("must be a finite number (got NaN or infinity)")
        return value

    @property
    def is_dont_know(self) -> bool:
        return self.value == DONT_KNOW


class Metadata(_Model):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    service: str | None = Field(default=None, max_length=500, description="The service assessed.")
    organisation: str | None = Field(default=None, max_length=500)
    assessor: str | None = Field(default=None, max_length=500)
    date: dt.date | None = Field(default=None, description="Date of the assessment (YYYY-MM-DD).")
    notes: str | None = Field(default=None, max_length=20_000)


class AnswersFile(_Model):
    """A set of answers to one questionnaire."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mutual-detector answers",
        json_schema_extra={"$id": "https://mutual-detector.invalid/schema/answers@1"},
    )

    format: Literal["mutual-detector/answers@1"] = Field(description="Format of this file.")
    questionnaire: str = Field(description="Id of the questionnaire these answers are for.")
    questionnaire_version: str | None = None
    questionnaire_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    status: Literal["complete", "draft"] = Field(
        default="complete", description="'draft' marks an interrupted assessment."
    )
    metadata: Metadata = Field(default_factory=Metadata)
    answers: dict[str, Answer] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _wrap_bare(cls, value: Any) -> Any:
        return wrap_bare(value)

    def sha256(self) -> str:
        """SHA-256 of the answers and metadata in canonical form (key order ignored).

        The canonical form is the JSON of ``questionnaire``, ``metadata`` and
        ``answers`` (each answer's value, note and evidence) with sorted keys, no
        spaces, UTF-8; dates as ISO text.
        """
        m = self.metadata
        data = {
            "questionnaire": self.questionnaire,
            "metadata": {
                "service": m.service,
                "organisation": m.organisation,
                "assessor": m.assessor,
                "date": m.date.isoformat() if m.date is not None else None,
                "notes": m.notes,
            },
            "answers": {
                qid: {"value": a.value, "note": a.note, "evidence": a.evidence}
                for qid, a in self.answers.items()
            },
        }
        blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


__all__ = ["DONT_KNOW", "Answer", "AnswerValue", "AnswersFile", "Metadata", "wrap_bare"]

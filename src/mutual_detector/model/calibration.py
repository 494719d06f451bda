"""Calibration cases (format ``mutual-detector/calibration-case@1``) and how they are judged.

A calibration case is a service profile with the verdict an experienced
adviser would give it, and the answers an officer would give for it. Running
a questionnaire over its cases (``mutual-detector calibrate``) shows at once
whether a change to weights, caps or questions still gives the verdicts that
were already judged right.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mutual_detector.model.answers import Answer, AnswersFile, Metadata, wrap_bare
from mutual_detector.model.questionnaire import Slug
from mutual_detector.model.result import ReadinessStatus, Result

CASE_FORMAT = "mutual-detector/calibration-case@1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expected(_Model):
    """The verdict an adviser would give, and what must (not) be raised."""

    verdict: Slug | None = Field(default=None, description="Decided, in this band.")
    between: list[Slug] | None = Field(
        default=None,
        min_length=2,
        max_length=2,
        description="Exactly 'between' these two bands (best first).",
    )
    within: list[Slug] | None = Field(
        default=None,
        min_length=1,
        description="Decided in one of these bands, or between two of them.",
    )
    flags: list[Slug] = Field(default_factory=list, description="Flags that must be raised.")
    not_flags: list[Slug] = Field(
        default_factory=list, description="Flags that must not be raised (nor possible)."
    )
    readiness: ReadinessStatus | None = None
    recommendations: Literal["ranked", "withheld"] | None = None
    top_legal_form: Slug | None = Field(
        default=None, description="The legal form that must be ranked first."
    )

    @model_validator(mode="after")
    def _one_verdict(self) -> Expected:
        given = [n for n in ("verdict", "between", "within") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of verdict, between or within")
        return self

    def describe(self) -> str:
        """The expected verdict in words (band ids)."""
        if self.verdict is not None:
            return self.verdict
        if self.between is not None:
            return f"between {self.between[0]} and {self.between[1]}"
        return "within " + "/".join(self.within or [])


class CalibrationCase(_Model):
    """One service profile with the verdict an adviser would give it."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mutual-detector calibration case",
        json_schema_extra={"$id": "https://mutual-detector.invalid/schema/calibration-case@1"},
    )

    format: Literal["mutual-detector/calibration-case@1"]
    id: Slug
    title: str = Field(min_length=1, max_length=300)
    profile: str = Field(min_length=1, max_length=5000, description="The service, in words.")
    reason: str = Field(
        min_length=1, max_length=5000, description="Why an adviser would give that verdict."
    )
    questionnaire: str = Field(
        default="mutual-detector", description="Id of a built-in questionnaire, or a path."
    )
    expect: Expected
    metadata: Metadata = Field(default_factory=Metadata)
    answers: dict[str, Answer] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _wrap_bare(cls, value: Any) -> Any:
        return wrap_bare(value)

    def answers_file(self, questionnaire_id: str) -> AnswersFile:
        return AnswersFile(
            format="mutual-detector/answers@1",
            questionnaire=questionnaire_id,
            metadata=self.metadata,
            answers=self.answers,
        )


def disagreements(expected: Expected, result: Result) -> list[str]:
    """How ``result`` differs from what the case expects (empty: it agrees)."""
    out: list[str] = []
    v = result.verdict
    if expected.verdict is not None:
        if v.status != "decided" or v.band != expected.verdict:
            out.append(f"verdict: expected {expected.verdict}, got {got(result)}")
    elif expected.between is not None:
        if v.status != "between" or {v.best, v.worst} != set(expected.between):
            out.append(f"verdict: expected {expected.describe()}, got {got(result)}")
    elif expected.within is not None and not {v.best, v.worst} <= set(expected.within):
        out.append(f"verdict: expected {expected.describe()}, got {got(result)}")
    raised = {f.id for f in result.flags if f.status == "raised"}
    shown = {f.id for f in result.flags}
    missing = [f for f in expected.flags if f not in raised]
    if missing:
        out.append("flags not raised: " + ", ".join(missing))
    unwanted = [f for f in expected.not_flags if f in shown]
    if unwanted:
        out.append("flags raised that should not be: " + ", ".join(unwanted))
    if expected.readiness is not None and result.readiness.status != expected.readiness:
        out.append(f"readiness: expected {expected.readiness}, got {result.readiness.status}")
    recs = result.recommendations
    if expected.recommendations is not None and recs.status != expected.recommendations:
        out.append(f"recommendations: expected {expected.recommendations}, got {recs.status}")
    if expected.top_legal_form is not None:
        top = recs.legal_forms[0].id if recs.legal_forms else "none"
        if top != expected.top_legal_form:
            out.append(f"top legal form: expected {expected.top_legal_form}, got {top}")
    return out


def got(result: Result) -> str:
    """The verdict of ``result`` in the words a case uses (band ids, and the score range)."""
    v = result.verdict
    shown = f"{v.band}" if v.status == "decided" else f"between {v.best} and {v.worst}"
    s = v.score
    if s.low is not None and s.high is not None:
        if s.low == s.high:
            shown += f" ({s.point:g})"
        else:
            shown += f" ({s.low:g}-{s.high:g}, point {s.point if s.point is not None else '-'})"
    return str(shown)


__all__ = ["CASE_FORMAT", "CalibrationCase", "Expected", "disagreements", "got"]

"""The result of an assessment (format ``mutual-detector/result@1``).

A result is frozen and self-contained: every number in it can be traced back
to the answers and the questionnaire's rules, and every recommendation carries
its reasons and citations. Text fields hold plain English (or the language the
engine was asked for), never a map of languages.

The same questionnaire and answers give byte-identical JSON; ``timestamp`` is
the only field allowed to vary between runs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mutual_detector import RESULT_FORMAT
from mutual_detector.model.answers import AnswerValue, Metadata
from mutual_detector.model.questionnaire import QuestionKind, RecommendationKind, Severity, Stage


class _Frozen(BaseModel):
    # The engine builds results without validating them (engine/construct.py), so validators
    # and serializers are built only when first used (JSON output, the schema).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- identity


class QuestionnaireRef(_Frozen):
    """Which questionnaire produced the result."""

    id: str = Field(description="Id of the questionnaire.")
    version: str = Field(description="Its version.")
    title: str = Field(description="Its title.")
    sha256: str = Field(description="SHA-256 of its canonical JSON form (includes merged in).")


class SourceRef(_Frozen):
    """A source cited somewhere in the result."""

    id: str = Field(description="Source id, as used in `cite` lists.")
    title: str
    url: str | None = None


# --------------------------------------------------------------------------- verdict


VerdictStatus = Literal["band", "inconclusive"]


class Verdict(_Frozen):
    """The headline answer: a band, or "inconclusive" with what would settle it."""

    status: VerdictStatus = Field(
        description="'band': the score places the service in a band; 'inconclusive': too few "
        "answers to say (confidence below the threshold) or nothing scored was answered."
    )
    band: str | None = Field(default=None, description="Id of the band (status 'band' only).")
    label: str | None = Field(default=None, description="Label of the band (status 'band' only).")
    meaning: str | None = Field(default=None, description="What the band means for the officer.")
    score: float | None = Field(
        default=None, description="Overall score 0-100 (2 decimals); None if nothing was scored."
    )
    score_band: str | None = Field(
        default=None, description="The band the score alone falls in, before any blocker cap."
    )
    indicative_band: str | None = Field(
        default=None,
        description="The band the answers so far point to, caps applied (shown even when "
        "inconclusive, as an indication only).",
    )
    cap: str | None = Field(
        default=None, description="Best band reachable because of blockers (None: no blocker)."
    )
    capped_by: list[str] = Field(
        default_factory=list,
        description="Ids of the raised blockers: they cap the verdict at `cap` at best (they "
        "lowered it if `score_band` is better than `cap`).",
    )
    confidence: float = Field(description="Overall confidence 0-1 (see `confidence`).")
    confidence_threshold: float = Field(description="The questionnaire's threshold.")
    settle: list[str] = Field(
        default_factory=list,
        description='Inconclusive only: ids of the unanswered or "don\'t know" questions whose '
        "answers would settle the verdict, heaviest first.",
    )
    summary: str = Field(description="One plain-English sentence stating the verdict.")


# --------------------------------------------------------------------------- sections


class SectionResult(_Frozen):
    """The score of one section."""

    id: str
    title: str
    topic: str
    weight: float = Field(description="The section's weight in the overall score.")
    scored: bool = Field(description="False: the section informs recommendations only.")
    score: float | None = Field(
        default=None,
        description="0-100 (2 decimals) from its answered applicable scored questions; None if "
        "none were answered or the section is not scored.",
    )
    confidence: float | None = Field(
        default=None,
        description="Answered applicable weight / applicable weight (4 decimals); None if no "
        "scored question applies.",
    )
    answered_weight: float = Field(description="Weight of applicable scored questions answered.")
    applicable_weight: float = Field(description="Weight of applicable scored questions.")
    answered: int = Field(description="Applicable questions answered (scored or not).")
    inconclusive: int = Field(description='Applicable questions unanswered or "don\'t know".')
    not_applicable: int = Field(description="Questions whose condition is false.")


# --------------------------------------------------------------------------- flags


class FlagResult(_Frozen):
    """A red flag raised by the answers."""

    id: str
    severity: Severity = Field(
        description="'blocker' caps the verdict; 'warning' is a condition to meet; 'info' a note."
    )
    message: str = Field(description="What the officer should do about it.")
    cite: list[str] = Field(default_factory=list, description="Source ids.")
    cap: str | None = Field(default=None, description="Blocker: best band the verdict can reach.")
    condition: str = Field(description="The rule's condition, as written in the questionnaire.")


# --------------------------------------------------------------------------- recommendations


class Reason(_Frozen):
    """One rule that held: a reason for (points > 0), against (< 0), or for exclusion."""

    text: str
    points: float = 0
    cite: list[str] = Field(default_factory=list)


class Candidate(_Frozen):
    """A legal form, governance feature or next step, with its reasons."""

    id: str
    kind: RecommendationKind
    title: str
    summary: str | None = None
    stage: Stage | None = None
    score: float = Field(description="base + the points of every rule that held.")
    rank: int | None = Field(default=None, description="Legal forms: 1 = best fit.")
    reasons_for: list[Reason] = Field(default_factory=list)
    reasons_against: list[Reason] = Field(default_factory=list)
    excluded_because: list[Reason] = Field(default_factory=list)
    cite: list[str] = Field(default_factory=list)


class StageSteps(_Frozen):
    stage: Stage
    title: str
    steps: list[Candidate] = Field(default_factory=list)


class Recommendations(_Frozen):
    legal_forms: list[Candidate] = Field(
        default_factory=list, description="Forms not ruled out, best first (score, then id)."
    )
    excluded_forms: list[Candidate] = Field(
        default_factory=list, description="Forms ruled out, with why."
    )
    governance: list[Candidate] = Field(
        default_factory=list, description="Governance features recommended (score >= 0)."
    )
    governance_not_recommended: list[Candidate] = Field(
        default_factory=list,
        description="Applicable governance features scoring below 0 or ruled out.",
    )
    next_steps: list[StageSteps] = Field(
        default_factory=list, description="Triggered next steps, by stage in order."
    )


# --------------------------------------------------------------------------- explanation


QuestionStatus = Literal["answered", "dont_know", "unanswered", "not_applicable"]


class Explanation(_Frozen):
    """What one question contributed."""

    id: str
    section: str
    kind: QuestionKind
    prompt: str
    status: QuestionStatus
    scored: bool
    weight: float = Field(description="The question's weight within its section.")
    answer: AnswerValue = Field(default=None, description="The answer as given (None if none).")
    answer_text: str | None = Field(default=None, description="The answer in words.")
    note: str | None = Field(default=None, description="The assessor's note.")
    evidence: str | None = Field(default=None, description="The assessor's evidence.")
    points: float | None = Field(default=None, description="Points earned (scored, answered).")
    max_points: float | None = Field(default=None, description="Most points the question gives.")
    score: float | None = Field(default=None, description="points / max_points, 0-1 (4 dp).")
    share: float | None = Field(
        default=None,
        description="Share of the overall score this answer carries, 0-1 (section share x "
        "question share within the section).",
    )
    gained: float | None = Field(
        default=None, description="Overall-score points this answer earned (share x score x 100)."
    )
    lost: float | None = Field(
        default=None,
        description="Overall-score points this answer missed (share x (1-score) x 100).",
    )
    remark: str | None = Field(default=None, description="Anything unusual about the scoring.")
    cite: list[str] = Field(default_factory=list, description="Sources the question draws on.")


class Drivers(_Frozen):
    """The answers that moved the overall score most."""

    up: list[str] = Field(
        default_factory=list, description="Question ids, most points gained first."
    )
    down: list[str] = Field(
        default_factory=list, description="Question ids, most points lost first."
    )


class Inconclusive(_Frozen):
    """An applicable question without a usable answer."""

    id: str
    section: str
    prompt: str
    reason: Literal["dont_know", "unanswered"]
    scored: bool
    share: float = Field(description="Share of the overall applicable weight it carries, 0-1.")


# --------------------------------------------------------------------------- what-if


class Change(_Frozen):
    """One answer changed."""

    question: str
    prompt: str
    before: AnswerValue = Field(default=None, description='None: unanswered or "don\'t know".')
    before_text: str
    after: AnswerValue
    after_text: str


Effect = Literal["better_band", "clears_blocker"]


class Scenario(_Frozen):
    """A smallest set of answer changes that improves the verdict."""

    changes: list[Change]
    effects: list[Effect]
    status: VerdictStatus
    band: str | None = None
    label: str | None = None
    score: float | None = None
    cleared: list[str] = Field(default_factory=list, description="Blocker ids no longer raised.")


class WhatIf(_Frozen):
    """Search for the smallest answer changes (one, then two) that improve the verdict."""

    goal: str = Field(description="What the search looked for, in words.")
    scenarios: list[Scenario] = Field(default_factory=list)
    evaluations: int = Field(description="Scenarios evaluated.")
    budget: int = Field(description="Most scenarios the search may evaluate.")
    complete: bool = Field(description="False: the budget ran out before the search finished.")


# --------------------------------------------------------------------------- robustness


class Sensitivity(_Frozen):
    section: str
    factor: float = Field(description="Multiplier applied to the section's weight (0.8 or 1.2).")
    status: VerdictStatus
    band: str | None = None
    score: float | None = None


class Robustness(_Frozen):
    """Would the verdict change if one section's weight were 20 % higher or lower?"""

    status: Literal["robust", "sensitive", "not_applicable"]
    margin: float | None = Field(
        default=None, description="Points between the score and the nearest band boundary."
    )
    sensitive_to: list[Sensitivity] = Field(default_factory=list)
    summary: str


# --------------------------------------------------------------------------- result


assert RESULT_FORMAT == "mutual-detector/result@1"


class Result(_Frozen):
    """The result of one assessment."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mutual-detector result",
        json_schema_extra={"$id": "https://mutual-detector.invalid/schema/result@1"},
    )

    format: Literal["mutual-detector/result@1"] = Field(
        default="mutual-detector/result@1", description="Format and version of this result."
    )
    tool_version: str = Field(description="Version of mutual-detector that produced it.")
    timestamp: str | None = Field(
        default=None, description="When it was produced (ISO 8601); the only field that varies."
    )
    language: str = Field(default="en", description="Language of the text fields.")
    questionnaire: QuestionnaireRef
    answers_sha256: str = Field(description="SHA-256 of the answers in canonical form.")
    answers_status: Literal["complete", "draft"] = "complete"
    metadata: Metadata = Field(default_factory=Metadata)
    verdict: Verdict
    confidence: float = Field(
        description="Share of the applicable scored weight that was answered, 0-1: the mean of "
        "section confidences weighted by section weight."
    )
    sections: list[SectionResult]
    flags: list[FlagResult] = Field(
        default_factory=list, description="Raised flags, blockers first."
    )
    recommendations: Recommendations
    explanations: list[Explanation] = Field(description="Every question, in asking order.")
    drivers: Drivers
    inconclusive: list[Inconclusive] = Field(
        default_factory=list, description="Applicable questions without a usable answer."
    )
    what_if: WhatIf | None = Field(default=None, description="None when the search was skipped.")
    robustness: Robustness
    sources: list[SourceRef] = Field(default_factory=list, description="Every source cited.")
    warnings: list[str] = Field(
        default_factory=list, description="Problems with the answers that did not stop scoring."
    )


__all__ = [
    "Candidate",
    "Change",
    "Drivers",
    "Effect",
    "Explanation",
    "FlagResult",
    "Inconclusive",
    "QuestionStatus",
    "QuestionnaireRef",
    "Reason",
    "Recommendations",
    "Result",
    "Robustness",
    "Scenario",
    "SectionResult",
    "Sensitivity",
    "SourceRef",
    "StageSteps",
    "Verdict",
    "VerdictStatus",
    "WhatIf",
]

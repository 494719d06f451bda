"""The result of an assessment (format ``mutual-detector/result@2``).

A result is frozen and self-contained: every number in it can be traced back
to the answers and the questionnaire's rules, and every recommendation carries
its reasons and citations. Text fields hold plain English (or the language the
engine was asked for), never a map of languages.

The headline is the **verdict** on suitability: does this service suit a
public service mutual? Unknown answers give the score a range, so the verdict
is either *decided* (the whole range, after caps, lies in one band) or
*between* two bands, with the unknown answers that decide it. **Readiness**
(progress against what the stage expects) is reported beside the verdict and
never lowers it.

The same questionnaire and answers give byte-identical JSON; ``timestamp`` is
the only field allowed to vary between runs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mutual_detector import RESULT_FORMAT
from mutual_detector.model.answers import AnswerValue, Metadata
from mutual_detector.model.questionnaire import Measure, QuestionKind, RecommendationKind, Severity


class _Frozen(BaseModel):
    # The engine builds results with ``model_construct`` from values it computed itself from a
    # validated questionnaire and answers; validators and serializers are built when first used
    # (JSON output, the schema, reading a result back).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --------------------------------------------------------------------------- identity


class QuestionnaireRef(_Frozen):
    """Which questionnaire produced the result."""

    id: str = Field(description="Id of the questionnaire.")
    version: str = Field(description="Its version.")
    title: str = Field(description="Its title.")
    sha256: str = Field(description="SHA-256 of its canonical JSON form (includes merged in).")
    scope: str | None = Field(
        default=None, description="Where its content applies (for example, England only)."
    )


class SourceRef(_Frozen):
    """A public document cited somewhere in the result."""

    id: str = Field(description="Source id, as used in `cite` lists.")
    title: str
    publisher: str | None = None
    year: str | None = None
    url: str | None = None


# --------------------------------------------------------------------------- scores


class ScoreRange(_Frozen):
    """A score from 0 to 100 with the range the unknown answers leave open."""

    low: float | None = Field(
        description="The score if every unknown answer turned out worst (2 dp); None if "
        "nothing scored applies."
    )
    point: float | None = Field(
        description="The point estimate: unknown answers counted at their neutral value (2 dp)."
    )
    high: float | None = Field(description="The score if every unknown answer turned out best.")


# --------------------------------------------------------------------------- verdict


VerdictStatus = Literal["decided", "between"]
CapStatus = Literal["raised", "possible"]


class Cap(_Frozen):
    """Something no strength elsewhere can make up for: a flag or section floor that caps."""

    id: str = Field(description="The flag id, or the section id for a floor.")
    kind: Literal["flag", "floor"]
    band: str = Field(description="Best band the verdict can reach while it holds.")
    status: CapStatus = Field(
        description="'raised': it holds on the answers given; 'possible': it would hold if "
        "some unknown answers turned out badly."
    )
    reason: str = Field(description="Why, in words.")
    depends_on: list[str] = Field(
        default_factory=list,
        description="Possible caps: the unknown answers (question ids) that would decide it.",
    )


class Verdict(_Frozen):
    """The headline answer to "does this service suit a public service mutual?"."""

    status: VerdictStatus = Field(
        description="'decided': the whole score range, after caps, lies in one band; "
        "'between': it spans two or more bands (`best` and `worst`)."
    )
    band: str | None = Field(default=None, description="Decided only: the band's id.")
    label: str | None = Field(
        default=None,
        description="Decided: the band's label; between: 'Between <best> and <worst>'.",
    )
    meaning: str | None = Field(
        default=None, description="Decided only: what the band means at the assessment's stage."
    )
    best: str = Field(description="The best band the answers still allow (caps applied).")
    worst: str = Field(description="The worst band the unknown answers could lead to.")
    indicative: str = Field(
        description="The band of the point estimate, raised caps applied: where the answers so "
        "far point (for a decided verdict, the band itself)."
    )
    score: ScoreRange = Field(description="The suitability score and its range.")
    score_band: str | None = Field(
        default=None, description="The band of the point estimate alone, before any cap."
    )
    cap: str | None = Field(
        default=None, description="Best band the raised caps allow (None: no cap raised)."
    )
    capped_by: list[str] = Field(
        default_factory=list, description="Ids of the raised caps (flags and floors)."
    )
    deciding: list[str] = Field(
        default_factory=list,
        description="Between only: the unknown answers (question ids) that decide the verdict, "
        "those that could trigger a cap first, then by how much of the range each accounts for.",
    )
    answered_share: float = Field(
        description="Share of the applicable scored weight that is answered, 0-1 (4 dp): a "
        "figure only, it decides nothing."
    )
    summary: str = Field(description="One plain-English sentence stating the verdict.")


# --------------------------------------------------------------------------- readiness


ReadinessStatus = Literal["on_track", "behind", "unclear", "not_assessed"]
ExpectationStatus = Literal["met", "behind", "unknown", "not_yet"]


class Expectation(_Frozen):
    """What the stage expects of one readiness answer, and whether it is met."""

    question: str
    prompt: str
    status: ExpectationStatus = Field(
        description="'met', 'behind' (the answer falls short of what the stage expects), "
        "'unknown' (not answered or \"don't know\"), 'not_yet' (nothing expected at this stage)."
    )
    expected: str | None = Field(
        default=None, description="The least answer on track at this stage, in words."
    )
    expected_by: str | None = Field(default=None, description="The stage that expects it.")
    answer_text: str | None = Field(default=None, description="The answer given, in words.")


class Readiness(_Frozen):
    """Progress against what the stated stage expects. It never lowers the verdict."""

    status: ReadinessStatus
    stage: str | None = Field(description="The assessment's stage id (None: not known).")
    stage_title: str | None = None
    score: ScoreRange = Field(description="The readiness sections' score (a figure).")
    expectations: list[Expectation] = Field(
        default_factory=list, description="Every applicable question with `expect:`."
    )
    flags: list[str] = Field(
        default_factory=list, description="Ids of raised or possible readiness flags."
    )
    summary: str


# --------------------------------------------------------------------------- sections


class SectionResult(_Frozen):
    """The score of one section."""

    id: str
    title: str
    topic: str
    measure: Measure
    weight: float = Field(description="The section's weight in its measure's score.")
    scored: bool = Field(description="False: the section informs recommendations only.")
    score: ScoreRange | None = Field(
        default=None,
        description="0-100 over its applicable scored questions, unknowns as a range; None if "
        "no scored question applies or may apply, or the section is not scored.",
    )
    floor: float | None = Field(default=None, description="The section's floor, if it has one.")
    answered_share: float | None = Field(
        default=None,
        description="Answered applicable scored weight / applicable scored weight (4 dp).",
    )
    answered: int = Field(description="Applicable questions answered (scored or not).")
    unknown: int = Field(description='Applicable questions unanswered or "don\'t know".')
    may_apply: int = Field(description="Questions whose condition reads an unknown answer.")
    not_applicable: int = Field(description="Questions whose condition is false.")


# --------------------------------------------------------------------------- flags


class FlagResult(_Frozen):
    """A red flag raised by the answers, or one the unknown answers could raise."""

    id: str
    severity: Severity = Field(
        description="'blocker': the spin-out cannot go ahead as proposed; 'warning': a "
        "condition to meet; 'info': a note."
    )
    about: Measure = Field(description="Whether the flag is about suitability or readiness.")
    status: CapStatus = Field(
        description="'raised': its condition holds; 'possible': it would hold if some unknown "
        "answers turned out a certain way."
    )
    message: str = Field(description="What the officer should do about it.")
    cite: list[str] = Field(default_factory=list, description="Source ids.")
    cap: str | None = Field(default=None, description="Best band the verdict can reach.")
    condition: str = Field(description="The rule's condition, as written in the questionnaire.")
    depends_on: list[str] = Field(
        default_factory=list, description="Possible flags: the unknown answers that decide it."
    )


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
    stage: str | None = None
    group: str | None = None
    score: float = Field(description="base + the points of every rule that held.")
    rank: int | None = Field(default=None, description="Legal forms: 1 = best fit.")
    reasons_for: list[Reason] = Field(default_factory=list)
    reasons_against: list[Reason] = Field(default_factory=list)
    excluded_because: list[Reason] = Field(default_factory=list)
    cite: list[str] = Field(default_factory=list)


class StageSteps(_Frozen):
    stage: str
    title: str
    steps: list[Candidate] = Field(default_factory=list)


class Recommendations(_Frozen):
    status: Literal["ranked", "withheld"] = Field(
        description="'withheld': a raised blocker rules the spin-out out as it stands, so no "
        "legal form or governance is ranked until it is dealt with."
    )
    withheld_because: list[str] = Field(
        default_factory=list, description="Withheld: the raised blockers (flag ids)."
    )
    first_change: list[str] = Field(
        default_factory=list,
        description="Withheld: what would have to change first, in words (each blocker's "
        "message, and any what-if route that clears it).",
    )
    legal_forms: list[Candidate] = Field(
        default_factory=list, description="Forms not ruled out, best first (score, then id)."
    )
    excluded_forms: list[Candidate] = Field(
        default_factory=list, description="Forms ruled out, with why."
    )
    governance: list[Candidate] = Field(
        default_factory=list,
        description="Governance features recommended (score >= 0; at most one per group).",
    )
    governance_not_recommended: list[Candidate] = Field(
        default_factory=list,
        description="Applicable governance features scoring below 0, ruled out, or bettered "
        "by another of their group.",
    )
    next_steps: list[StageSteps] = Field(
        default_factory=list, description="Triggered next steps, by stage in order."
    )
    first_steps: list[str] = Field(
        default_factory=list,
        description="The next three steps (ids): the current stage's first, then later ones.",
    )


# --------------------------------------------------------------------------- explanation


QuestionStatus = Literal["answered", "dont_know", "unanswered", "may_apply", "not_applicable"]


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
    low: float | None = Field(
        default=None, description="Scored: the worst normalised score it can have (0-1)."
    )
    high: float | None = Field(default=None, description="Scored: the best (0-1).")
    neutral: float | None = Field(
        default=None, description="Scored: the value an unknown answer counts at (0-1)."
    )
    share: float | None = Field(
        default=None,
        description="Share of the point estimate this question carries, 0-1 (section share x "
        "question share within the section).",
    )
    contribution: float | None = Field(
        default=None,
        description="Answered: points this answer moved the score from the neutral baseline "
        "(share x (score - neutral) x 100); > 0 helped, < 0 held back.",
    )
    swing: float | None = Field(
        default=None,
        description="Unknown: points of the score range this question accounts for "
        "(share x (high - low) x 100).",
    )
    remark: str | None = Field(default=None, description="Anything unusual about the scoring.")
    cite: list[str] = Field(default_factory=list, description="Sources the question draws on.")


class Drivers(_Frozen):
    """The answers that moved the suitability score most, measured from the neutral baseline."""

    baseline: float | None = Field(
        default=None,
        description="The score with every applicable scored answer at its neutral value.",
    )
    helped: list[str] = Field(
        default_factory=list, description="Question ids, largest positive contribution first."
    )
    held_back: list[str] = Field(
        default_factory=list, description="Question ids, largest negative contribution first."
    )


class Unknown(_Frozen):
    """An applicable (or possibly applicable) question without a usable answer."""

    id: str
    section: str
    prompt: str
    reason: Literal["dont_know", "unanswered"]
    applies: Literal["yes", "maybe"] = Field(
        description="'maybe': its own condition reads an unknown answer."
    )
    scored: bool
    measure: Measure
    swing: float = Field(
        description="Points of its measure's score range it accounts for (share x (high - low) "
        "x 100)."
    )
    could_cap: list[str] = Field(
        default_factory=list, description="Possible caps (flag or section ids) it could trigger."
    )


# --------------------------------------------------------------------------- what-if


class Change(_Frozen):
    """One answer changed."""

    question: str
    prompt: str
    before: AnswerValue = Field(default=None)
    before_text: str
    after: AnswerValue
    after_text: str
    action: str = Field(description="The change, worded as something to do.")


Effect = Literal["better_band", "clears_cap"]


class Scenario(_Frozen):
    """A smallest set of answer changes that improves the verdict."""

    changes: list[Change]
    effects: list[Effect]
    status: VerdictStatus
    best: str
    worst: str
    indicative: str
    score: float | None = None
    cleared: list[str] = Field(default_factory=list, description="Cap ids no longer raised.")


class WhatIf(_Frozen):
    """Search for the smallest changes (one, then two) to answers the organisation can act on."""

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
    best: str
    worst: str
    score: float | None = None


class Robustness(_Frozen):
    """Would the verdict change if one section's weight were 20 % higher or lower?"""

    status: Literal["robust", "sensitive", "not_applicable"]
    margin: float | None = Field(
        default=None,
        description="Points between the point estimate and the nearest limit of its band.",
    )
    sensitive_to: list[Sensitivity] = Field(default_factory=list)
    summary: str


# --------------------------------------------------------------------------- result


assert RESULT_FORMAT == "mutual-detector/result@2"


class Result(_Frozen):
    """The result of one assessment."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        defer_build=True,
        title="mutual-detector result",
        json_schema_extra={"$id": "https://mutual-detector.invalid/schema/result@2"},
    )

    format: Literal["mutual-detector/result@2"] = Field(
        default="mutual-detector/result@2", description="Format and version of this result."
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
    readiness: Readiness
    caps: list[Cap] = Field(
        default_factory=list, description="Raised and possible caps, worst band first."
    )
    flags: list[FlagResult] = Field(
        default_factory=list,
        description="Raised and possible flags: blockers, warnings, then notes; raised first.",
    )
    sections: list[SectionResult]
    recommendations: Recommendations
    explanations: list[Explanation] = Field(description="Every question, in asking order.")
    drivers: Drivers
    unknowns: list[Unknown] = Field(
        default_factory=list,
        description="Questions without a usable answer, those that decide the verdict first.",
    )
    what_if: WhatIf | None = Field(default=None, description="None when the search was skipped.")
    robustness: Robustness
    sources: list[SourceRef] = Field(default_factory=list, description="Every source cited.")
    warnings: list[str] = Field(
        default_factory=list, description="Problems with the answers that did not stop scoring."
    )


__all__ = [
    "Candidate",
    "Cap",
    "CapStatus",
    "Change",
    "Drivers",
    "Effect",
    "Expectation",
    "ExpectationStatus",
    "Explanation",
    "FlagResult",
    "QuestionStatus",
    "QuestionnaireRef",
    "Readiness",
    "ReadinessStatus",
    "Reason",
    "Recommendations",
    "Result",
    "Robustness",
    "Scenario",
    "ScoreRange",
    "SectionResult",
    "Sensitivity",
    "SourceRef",
    "StageSteps",
    "Unknown",
    "Verdict",
    "VerdictStatus",
    "WhatIf",
]

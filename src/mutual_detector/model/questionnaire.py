"""Pydantic models of a questionnaire (format ``mutual-detector/questionnaire@1``).

The models check the shape of each field. Checks that need the whole
questionnaire (references between ids, expression types, band coverage) live
in :mod:`mutual_detector.model.checks`, so that each problem is reported as a
located finding with a stable rule id rather than as one exception.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)

from mutual_detector.model.expr import Expression, ExpressionError, parse

Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_-]{0,63}$",
        description="An identifier: lower-case letters, digits, '_' or '-', starting with a letter.",
    ),
]

QuestionId = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]{0,63}$",
        description="A question id: lower-case letters, digits and '_' (conditions refer to it).",
    ),
]

Text = Annotated[
    str | dict[Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")], str],
    Field(description="Plain text, or a map of language code to text, e.g. {en: ..., cy: ...}."),
]


def text(value: str | dict[str, str] | None, lang: str = "en", fallback: str = "en") -> str:
    """The text of ``value`` in ``lang``, falling back to ``fallback`` then any language."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (lang, fallback):
        if key in value:
            return value[key]
    return next(iter(value.values()), "")


def _parse_condition(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an expression in a string, e.g. \"q1 == 'yes'\"")
    try:
        return parse(value)
    except ExpressionError as exc:
        raise ValueError(
            f"{exc.message} (at character {exc.offset + 1} of the expression)"
        ) from None


Condition = Annotated[
    Expression,
    PlainValidator(_parse_condition),
    PlainSerializer(lambda e: e.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 2000,
            "description": "A condition over earlier answers, e.g. \"staff_appetite in ['most', 'all']\".",
        }
    ),
]

Score = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]


class _Model(BaseModel):
    # Validators are built when first used: a questionnaire remembered from an earlier run is
    # rebuilt without them (mutual_detector.questionnaire_cache), so scoring needs none.
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=False, defer_build=True
    )


class Source(_Model):
    """A public document that questions, flags and recommendations cite."""

    id: Slug
    title: Text
    publisher: str | None = Field(
        default=None, max_length=300, description="Who published it, e.g. 'legislation.gov.uk'."
    )
    year: int | str | None = Field(
        default=None,
        description="Year of publication (or of the version cited), or text such as 'n.d.'.",
    )
    url: str | None = Field(default=None, description="Public address of the source, if any.")
    note: Text | None = None


class Topic(_Model):
    """A group of sections asked together (eligibility, suitability, legal form, ...)."""

    id: Slug
    title: Text
    intro: Text | None = None


Measure = Literal["suitability", "readiness"]
MEASURES: tuple[Measure, ...] = ("suitability", "readiness")


class Floor(_Model):
    """A section score below which the verdict is capped, whatever the other sections say."""

    min: float = Field(ge=0, le=100, allow_inf_nan=False, description="The floor, 0-100.")
    cap: Slug = Field(description="Best band the verdict can reach when the section is below.")
    message: Text | None = Field(
        default=None, description="What an officer should do about it (default: generated)."
    )


class Section(_Model):
    id: Slug
    topic: Slug
    title: Text
    intro: Text | None = None
    weight: Weight = Field(default=1.0, description="Relative weight in the overall score.")
    scored: bool = Field(
        default=True,
        description="False: the section informs recommendations only and is not scored.",
    )
    measure: Measure = Field(
        default="suitability",
        description="suitability: counts in the headline verdict (does the service suit a "
        "mutual?); readiness: reported beside it as progress, never lowering the verdict.",
    )
    floor: Floor | None = Field(
        default=None,
        description="Suitability sections: a score below `floor.min` caps the verdict at "
        "`floor.cap`, whatever the other sections score.",
    )
    when: Condition | None = Field(
        default=None,
        description="Ask the section's questions only if this holds (over earlier questions); "
        "it is joined with each question's own `when:` by 'and'.",
    )


class Option(_Model):
    value: Slug = Field(description="What the answers file stores.")
    label: Text
    score: Score | None = Field(default=None, description="Points earned by choosing this option.")
    help: Text | None = None
    action: Text | None = Field(
        default=None,
        description="What-if: how to word a suggestion to move to this answer, as an action "
        "(e.g. 'Name a leader and give them protected time').",
    )
    exclusive: bool = Field(
        default=False,
        description="Multi questions: chosen only on its own (for example 'none of these').",
    )


class ScaleSpec(_Model):
    min: int = Field(default=1, ge=-1000, le=1000)
    max: int = Field(default=5, ge=-1000, le=1000)
    labels: dict[int, Text] = Field(default_factory=dict)
    scores: dict[int, Score] | None = Field(
        default=None, description="Points per point on the scale; default: value - min."
    )

    @model_validator(mode="after")
    def _range(self) -> ScaleSpec:
        if self.max <= self.min:
            raise ValueError("scale max must be greater than min")
        if self.max - self.min > 100:
            raise ValueError("a scale may have at most 101 points")
        return self


class NumberBand(_Model):
    min: float = Field(allow_inf_nan=False)
    max: float = Field(allow_inf_nan=False)
    score: Score
    label: Text | None = None


class NumberSpec(_Model):
    min: float | None = Field(default=None, allow_inf_nan=False)
    max: float | None = Field(default=None, allow_inf_nan=False)
    unit: str | None = None
    integer: bool = False
    bands: list[NumberBand] = Field(
        default_factory=list,
        description="Score bands [min, max); the last band includes its max.",
    )

    def describe(self) -> str:
        """The allowed answers in words, e.g. "a whole number from 0 to 100 (%)"."""
        what = "a whole number" if self.integer else "a number"
        if self.min is not None and self.max is not None:
            what += f" from {self.min:g} to {self.max:g}"
        elif self.min is not None:
            what += f" of at least {self.min:g}"
        elif self.max is not None:
            what += f" of at most {self.max:g}"
        return what + (f" ({self.unit})" if self.unit else "")

    @model_validator(mode="after")
    def _range(self) -> NumberSpec:
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError("number max must not be less than min")
        return self


QuestionKind = Literal["single", "multi", "scale", "yes_no", "number", "text"]
KINDS: tuple[QuestionKind, ...] = ("single", "multi", "scale", "yes_no", "number", "text")


class Question(_Model):
    id: QuestionId
    section: Slug
    kind: QuestionKind
    prompt: Text
    help: Text | None = None
    why: Text | None = Field(default=None, description="Why this question matters.")
    cite: list[Slug] = Field(default_factory=list, description="Ids of sources this draws on.")
    required: bool = True
    dont_know: bool = Field(default=True, description='Whether "don\'t know" is allowed.')
    weight: Weight = 1.0
    scored: bool | None = Field(default=None, description="Default: the section's `scored`.")
    when: Condition | None = None
    options: list[Option] = Field(default_factory=list)
    max_score: Score | None = Field(default=None, description="multi: cap on points.")
    scale: ScaleSpec | None = None
    number: NumberSpec | None = None
    yes_score: Score | None = None
    no_score: Score | None = None
    max_length: int = Field(default=2000, ge=1, le=20000, description="text: longest answer.")
    actionable: bool = Field(
        default=True,
        description="False: the organisation cannot change this answer by acting (history, "
        "law, size); the what-if search never suggests changing it.",
    )
    action: Text | None = Field(
        default=None,
        description="What-if: how to word a suggestion to change this answer (used when the "
        "chosen option has no `action:` of its own).",
    )
    neutral: float | None = Field(
        default=None,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Where an unknown answer counts in the point estimate, as a fraction of "
        "the question's range (0 = its worst answer, 1 = its best); default scoring.neutral.",
    )
    expect: dict[Slug, bool | int | float | str] | None = Field(
        default=None,
        description="Readiness: the least answer that is on track from each stage on (stage "
        "id -> option value, true/false or scale point).",
    )

    @model_validator(mode="after")
    def _kind_fields(self) -> Question:
        kind = self.kind
        if kind in ("single", "multi"):
            if len(self.options) < 2:
                raise ValueError(f"a {kind} question needs at least two options")
        elif self.options:
            raise ValueError(f"options are only for single and multi questions, not {kind}")
        if kind == "scale" and self.scale is None:
            raise ValueError("a scale question needs `scale: {min: 1, max: 5}`")
        if kind != "scale" and self.scale is not None:
            raise ValueError(f"`scale` is only for scale questions, not {kind}")
        if kind != "number" and self.number is not None:
            raise ValueError(f"`number` is only for number questions, not {kind}")
        if kind != "yes_no" and (self.yes_score is not None or self.no_score is not None):
            raise ValueError(f"yes_score/no_score are only for yes_no questions, not {kind}")
        if kind != "multi" and self.max_score is not None:
            raise ValueError("max_score is only for multi questions")
        return self

    @property
    def number_spec(self) -> NumberSpec:
        return self.number or NumberSpec()

    @cached_property
    def option_index(self) -> dict[str, Option]:
        """The options by value (the first, if a value repeats)."""
        index: dict[str, Option] = {}
        for o in self.options:
            index.setdefault(o.value, o)
        return index

    def option(self, value: str) -> Option | None:
        return self.option_index.get(value) if isinstance(value, str) else None


Severity = Literal["blocker", "warning", "info"]


class Band(_Model):
    id: Slug
    label: Text
    min: float = Field(ge=0, le=100, allow_inf_nan=False)
    max: float = Field(ge=0, le=100, allow_inf_nan=False)
    meaning: Text | None = None
    meaning_by_stage: dict[Slug, Text] = Field(
        default_factory=dict,
        description="What the band means at a given stage (stage id -> text); `meaning` otherwise.",
    )


#: Where an unknown answer counts in the point estimate by default: the middle of its range.
DEFAULT_NEUTRAL: Final = 0.5


class Scoring(_Model):
    confidence_threshold: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Deprecated and ignored: unknown answers now give the score a range, and "
        "the verdict is 'between' two bands until the range lies in one.",
    )
    neutral: float = Field(
        default=DEFAULT_NEUTRAL,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Where an unknown answer counts in the point estimate, as a fraction of "
        "its question's range (0 = worst answer, 1 = best). 0.5: no presumption either way.",
    )
    stage_question: str | None = Field(
        default=None,
        description="A single question whose option values are stage ids: the stage the "
        "assessment is at (readiness is judged against it).",
    )
    bands: list[Band] = Field(min_length=1, description="Best first; together they cover 0-100.")


class StageDef(_Model):
    """A stage of a spin-out (explore, business case, ...), in order."""

    id: Slug
    title: Text


DEFAULT_STAGES: Final = (
    ("explore", "Explore"),
    ("business_case", "Business case"),
    ("spin_out", "Spin out"),
    ("after_spin_out", "After spin-out"),
)


class FlagRule(_Model):
    """A red flag: a blocker rules the spin-out out as it stands; any flag may cap the verdict."""

    id: Slug
    when: Condition
    severity: Severity
    message: Text
    cite: list[Slug] = Field(default_factory=list)
    cap: Slug | None = Field(
        default=None,
        description="Best band the verdict can reach while the flag is raised (blocker: "
        "default the lowest band; warning: no cap unless given).",
    )
    about: Measure = Field(
        default="suitability",
        description="suitability: the flag is about whether the service suits a mutual (it "
        "may cap the verdict); readiness: about progress at the stage (it never caps).",
    )


class RecommendationRule(_Model):
    when: Condition
    points: float = Field(default=0, ge=-1000, le=1000, allow_inf_nan=False)
    exclude: bool = Field(default=False, description="True: the candidate is ruled out.")
    reason: Text
    cite: list[Slug] = Field(default_factory=list)


RecommendationKind = Literal["legal_form", "governance", "next_step"]


class Recommendation(_Model):
    id: Slug
    kind: RecommendationKind
    title: Text
    summary: Text | None = None
    stage: Slug | None = Field(default=None, description="next_step: the stage it belongs to.")
    group: Slug | None = Field(
        default=None,
        description="governance: features of one group are alternatives; at most one of a "
        "group is recommended (the best fit).",
    )
    cite: list[Slug] = Field(default_factory=list)
    base: float = Field(default=0, ge=-1000, le=1000, allow_inf_nan=False)
    when: Condition | None = Field(default=None, description="Applies only if this holds.")
    rules: list[RecommendationRule] = Field(default_factory=list)


class RetiredQuestion(_Model):
    """A question an earlier version asked: answers to it are set aside with a warning."""

    id: QuestionId
    since: str | None = Field(default=None, description="The version that retired it.")
    replaced_by: list[QuestionId] = Field(
        default_factory=list, description="The questions that ask it now, if any."
    )
    note: Text | None = Field(default=None, description="What to do with an old answer.")


class _Lists(_Model):
    sources: list[Source] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    flags: list[FlagRule] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)


class QuestionnairePart(_Lists):
    """A file included by a questionnaire: more of its lists."""

    format: Literal["mutual-detector/questionnaire-part@1"] = "mutual-detector/questionnaire-part@1"


class Questionnaire(_Lists):
    """A whole questionnaire, after its included parts are merged in."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="mutual-detector questionnaire",
        json_schema_extra={"$id": "https://mutual-detector.invalid/schema/questionnaire@1"},
    )

    format: Literal["mutual-detector/questionnaire@1"] = Field(
        description="Format and version of this file."
    )
    id: Slug
    title: Text
    version: str = Field(min_length=1, max_length=64)
    description: Text | None = None
    scope: Text | None = Field(
        default=None,
        description="Where the content applies, said in every report (e.g. 'England: the law "
        "of Wales, Scotland and Northern Ireland differs').",
    )
    language: str = Field(default="en", description="Default language of the text fields.")
    include: list[str] = Field(
        default_factory=list,
        description="Part files (relative paths) whose lists are appended to this one's.",
    )
    retired: list[RetiredQuestion] = Field(
        default_factory=list,
        description="Questions earlier versions asked. An answers file written for an "
        "earlier version still loads: answers to these are set aside with a warning (A211), "
        "and the questions that replace them count as unknown until answered.",
    )
    stages: list[StageDef] = Field(
        default_factory=lambda: [StageDef(id=i, title=t) for i, t in DEFAULT_STAGES],
        description="The stages of a spin-out, in order (default: explore, business_case, "
        "spin_out, after_spin_out).",
    )
    scoring: Scoring

    @model_validator(mode="after")
    def _section_conditions(self) -> Questionnaire:
        """Join each section's ``when:`` into its questions' (so every reader sees one condition)."""
        gated = {s.id: s.when for s in self.sections if s.when is not None}
        if not gated:
            return self
        questions: list[Question] = []
        for question in self.questions:
            section_when = gated.get(question.section)
            if section_when is None:
                questions.append(question)
                continue
            source = section_when.source
            if question.when is not None:
                if question.when.source == source or question.when.source.startswith(
                    f"({source}) and ("
                ):
                    questions.append(question)  # joined already (a model built from a dump)
                    continue
                source = f"({source}) and ({question.when.source})"
            questions.append(question.model_copy(update={"when": _parse_condition(source)}))
        # The model is frozen; this runs once, while it is being built.
        object.__setattr__(self, "questions", questions)
        return self

    # ------------------------------------------------------------------ lookups
    @cached_property
    def question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def section_index(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def ordered_questions(self) -> list[Question]:
        """Questions in asking order: topics, then sections, then file order."""
        topic_rank = {t.id: i for i, t in enumerate(self.topics)}
        section_rank = {
            s.id: (topic_rank.get(s.topic, len(topic_rank)), i) for i, s in enumerate(self.sections)
        }
        last = (len(topic_rank) + 1, len(section_rank))
        indexed = list(enumerate(self.questions))
        indexed.sort(key=lambda iq: (section_rank.get(iq[1].section, last), iq[0]))
        return [q for _, q in indexed]

    def is_scored(self, question: Question) -> bool:
        if question.kind == "text":
            return False
        if question.scored is not None:
            return question.scored
        section = self.section_index.get(question.section)
        return section.scored if section is not None else False

    def band(self, band_id: str) -> Band | None:
        return next((b for b in self.scoring.bands if b.id == band_id), None)

    @cached_property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.stages)

    @cached_property
    def canonical_json(self) -> str:
        """A canonical JSON form: sorted keys, no whitespace, ``include`` dropped."""
        data = self.model_dump(mode="json", exclude={"include"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json.encode("utf-8")).hexdigest()

    def __hash__(self) -> int:
        return hash(self.sha256)


__all__ = [
    "DEFAULT_NEUTRAL",
    "DEFAULT_STAGES",
    "KINDS",
    "MEASURES",
    "Band",
    "Condition",
    "FlagRule",
    "Floor",
    "Measure",
    "NumberBand",
    "NumberSpec",
    "Option",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "QuestionnairePart",
    "Recommendation",
    "RecommendationKind",
    "RecommendationRule",
    "RetiredQuestion",
    "ScaleSpec",
    "Scoring",
    "Section",
    "Severity",
    "Slug",
    "Source",
    "StageDef",
    "Text",
    "Topic",
    "text",
]

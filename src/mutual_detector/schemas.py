"""JSON Schemas of the file formats, generated from the pydantic models.

The models are the authority; the schemas are for editors and other tools.
They describe files *as written*, so they allow what the loader allows before
validation: an answer may be a bare value (``q1: yes``) or a mapping with a
note and evidence, and scale labels are keyed by whole numbers.

Draft 2020-12 is the default. ``draft="7"`` gives the same schema in draft-07
form (``definitions`` instead of ``$defs``) for editors whose YAML support
stops at draft-07, such as yaml-language-server (VS Code's YAML extension).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Final, Literal

Kind = Literal["questionnaire", "part", "answers", "result"]
Draft = Literal["2020-12", "7"]

KINDS: Final[tuple[Kind, ...]] = ("questionnaire", "part", "answers", "result")
DRAFTS: Final[dict[Draft, str]] = {
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
    "7": "http://json-schema.org/draft-07/schema#",
}
#: Kept for callers of the first version of this module.
DRAFT: Final = DRAFTS["2020-12"]
SCHEMA_ID: Final = "https://mutual-detector.invalid/schema/{kind}@1"

_TITLES: Final[dict[Kind, str]] = {
    "questionnaire": "mutual-detector questionnaire",
    "part": "mutual-detector questionnaire part",
    "answers": "mutual-detector answers",
    "result": "mutual-detector result",
}

#: Descriptions for definitions whose model has no docstring.
_DESCRIPTIONS: Final[dict[str, str]] = {
    "Band": "A verdict band: a range of the overall score (0-100) with its label and meaning.",
    "NumberBand": "Points for a number answer in [min, max); the last band includes its max.",
    "NumberSpec": "The allowed range, unit and score bands of a number question.",
    "Option": "One choice of a single or multi question, with the points it earns if scored.",
    "Question": "One question: its kind, wording, help, sources, condition and scoring.",
    "Recommendation": "A legal form, governance feature or next step, with the rules that rank it.",
    "RecommendationRule": "A reason for (points > 0) or against (points < 0) a recommendation, "
    "or one that rules it out (exclude: true), when its condition holds.",
    "ScaleSpec": "The range of a scale question, its labels and, optionally, points per value.",
    "Scoring": "How the overall score becomes a verdict: the bands, where an unknown answer "
    "counts in the point estimate, and the question that states the stage.",
    "Section": "A group of questions with its weight in the overall score.",
    "Metadata": "Who assessed which service, for which organisation, and when.",
    "Recommendations": "Ranked legal forms, governance features and next steps by stage; legal "
    "forms and governance are withheld while a blocker stands.",
    "Sensitivity": "The verdict if one section's weight were 20% higher or lower.",
    "StageSteps": "The next steps for one stage of a spin-out.",
}

_INTEGER_KEYS: Final = {"pattern": "^-?[0-9]+$"}


def _model(kind: Kind) -> Any:
    if kind == "questionnaire":
        from mutual_detector.model.questionnaire import Questionnaire

        return Questionnaire
    if kind == "part":
        from mutual_detector.model.questionnaire import QuestionnairePart

        return QuestionnairePart
    if kind == "answers":
        from mutual_detector.model.answers import AnswersFile

        return AnswersFile
    if kind == "result":
        from mutual_detector.model.result import Result

        return Result
    raise ValueError(f"unknown schema kind {kind!r}; choose from {', '.join(KINDS)}")


def schema_dict(kind: Kind | str, draft: Draft | str = "2020-12") -> dict[str, Any]:
    """The JSON Schema of ``kind`` in ``draft`` (``"2020-12"`` or ``"7"``)."""
    if draft not in DRAFTS:
        raise ValueError(f"unknown draft {draft!r}; choose from {', '.join(DRAFTS)}")
    known: Kind = _kind(kind)
    data = copy.deepcopy(_model(known).model_json_schema(mode="validation"))
    data["title"] = _TITLES[known]
    data.setdefault("$id", SCHEMA_ID.format(kind=known))
    for name, definition in data.get("$defs", {}).items():
        if name in _DESCRIPTIONS:
            definition.setdefault("description", _DESCRIPTIONS[name])
    _strict_language_maps(data)
    if known in ("questionnaire", "part"):
        _integer_keys(data)
    if known == "answers":
        _bare_answers(data)
    out = {"$schema": DRAFTS["2020-12"], **data}
    return _to_draft7(out) if draft == "7" else out


def _kind(kind: str) -> Kind:
    for known in KINDS:
        if kind == known:
            return known
    raise ValueError(f"unknown schema kind {kind!r}; choose from {', '.join(KINDS)}")


def schema_json(kind: Kind | str, draft: Draft | str = "2020-12") -> str:
    return json.dumps(schema_dict(kind, draft), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- adjustments


def _walk(node: Any) -> Any:
    """Every mapping in ``node``, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            yield current
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _strict_language_maps(data: dict[str, Any]) -> None:
    """``{en: ..., cy: ...}`` text maps accept language codes only, as the models do."""
    for node in _walk(data):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False


def _integer_keys(data: dict[str, Any]) -> None:
    """Scale labels and scores are keyed by whole numbers (``{1: Not at all, 5: Fully}``)."""
    scale = data.get("$defs", {}).get("ScaleSpec", {}).get("properties", {})
    for name in ("labels", "scores"):
        prop = scale.get(name)
        if prop is None:
            continue
        for node in [prop, *prop.get("anyOf", [])]:
            if node.get("type") == "object":
                node["propertyNames"] = dict(_INTEGER_KEYS)


def _bare_answers(data: dict[str, Any]) -> None:
    """An answer may be written bare (``q1: yes``) or as ``{value: ..., note: ..., evidence: ...}``."""
    answers = data.get("properties", {}).get("answers")
    answer = data.get("$defs", {}).get("Answer", {}).get("properties", {}).get("value")
    if answers is None or answer is None:
        return
    bare = {k: v for k, v in answer.items() if k not in ("title", "default")}
    answers["additionalProperties"] = {
        "anyOf": [bare, {"$ref": "#/$defs/Answer"}],
        "description": "The answer, bare or with a note and evidence.",
    }
    answers["propertyNames"] = {
        "description": "A question id.",
        "pattern": "^[a-z][a-z0-9_-]{0,63}$",
    }


# --------------------------------------------------------------------------- one questionnaire

#: YAML 1.1 writes booleans as yes/no/on/off too (mutual-detector reads YAML 1.1; editors
#: that read YAML 1.2 see these as text, so the schema accepts them).
_YAML11_BOOLEANS: Final = tuple(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off")
    for spelling in (word, word.capitalize(), word.upper())
)


def answers_schema_dict(questionnaire: Any, draft: Draft | str = "2020-12") -> dict[str, Any]:
    """The answers schema for one questionnaire: its question ids, kinds and options.

    Each question id is a property of ``answers`` (so an editor completes the ids
    and flags a misspelt one), whose value is what that question accepts: an
    option value (single), a list of them (multi), true/false (yes_no), a whole
    number in the scale's range, a number within its limits, or text; plus
    ``dont_know`` where the question allows it, and blank (unanswered). The
    description is the question's prompt (and help), shown on hover.
    """
    from mutual_detector.model.questionnaire import text

    if draft not in DRAFTS:
        raise ValueError(f"unknown draft {draft!r}; choose from {', '.join(DRAFTS)}")
    schema = schema_dict("answers", "2020-12")
    q = questionnaire
    schema["$id"] = f"{SCHEMA_ID.format(kind='answers')}/{q.id}/{q.version}"
    schema["title"] = f"mutual-detector answers for {text(q.title)} ({q.id} {q.version})"
    props = schema["properties"]
    props["questionnaire"] = {**props["questionnaire"], "const": q.id}
    answers = props["answers"]
    answer_def = schema["$defs"]["Answer"]
    questions: dict[str, Any] = {}
    for question in q.ordered_questions:
        value = _question_value(question)
        with_note = {
            **answer_def,
            "properties": {**answer_def["properties"], "value": value},
        }
        with_note.pop("title", None)
        description = text(question.prompt)
        if question.help is not None:
            description += "\n\n" + text(question.help)
        questions[question.id] = {
            "description": description,
            "anyOf": [value, with_note],
        }
    for retired in q.retired:
        now = f" Answer {', '.join(retired.replaced_by)} instead." if retired.replaced_by else ""
        questions.setdefault(
            retired.id,
            {"description": f"Retired: no longer asked.{now}", "deprecated": True},
        )
    answers["properties"] = questions
    answers["additionalProperties"] = False
    answers.pop("propertyNames", None)
    answers["description"] = (
        f"Answers to the questions of {q.id} {q.version}, by question id; "
        "each bare or with a note and evidence."
    )
    out = {"$schema": DRAFTS["2020-12"], **{k: v for k, v in schema.items() if k != "$schema"}}
    return _to_draft7(out) if draft == "7" else out


def answers_schema_json(questionnaire: Any, draft: Draft | str = "2020-12") -> str:
    text = json.dumps(answers_schema_dict(questionnaire, draft), indent=2, ensure_ascii=False)
    return text + "\n"


def _question_value(question: Any) -> dict[str, Any]:
    """What a bare answer to ``question`` may be (blank included)."""
    from mutual_detector.model.questionnaire import text

    kind = question.kind
    choices: list[dict[str, Any]] = []
    if kind == "single":
        choices.append({"enum": [o.value for o in question.options]})
        what = "one of: " + ", ".join(f"{o.value} ({text(o.label)})" for o in question.options)
    elif kind == "multi":
        choices.append(
            {
                "type": "array",
                "items": {"enum": [o.value for o in question.options]},
                "uniqueItems": True,
            }
        )
        what = "a list of: " + ", ".join(f"{o.value} ({text(o.label)})" for o in question.options)
    elif kind == "yes_no":
        choices += [{"type": "boolean"}, {"enum": list(_YAML11_BOOLEANS)}]
        what = "yes or no (true or false)"
    elif kind == "scale" and question.scale is not None:
        lo, hi = question.scale.min, question.scale.max
        choices.append({"type": "integer", "minimum": lo, "maximum": hi})
        what = f"a whole number from {lo} to {hi}"
    elif kind == "number":
        spec = question.number_spec
        number: dict[str, Any] = {"type": "integer" if spec.integer else "number"}
        if spec.min is not None:
            number["minimum"] = spec.min
        if spec.max is not None:
            number["maximum"] = spec.max
        choices.append(number)
        what = spec.describe()
    else:
        choices.append({"type": "string", "maxLength": question.max_length})
        what = f"text (up to {question.max_length} characters)"
    if question.dont_know and kind != "text":
        choices.append({"const": "dont_know"})
        what += "; or dont_know"
    choices.append({"type": "null"})
    return {"anyOf": choices, "description": f"{what}; blank: not answered"}


def _to_draft7(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema in draft-07 form: ``definitions``, and ``$ref`` without siblings."""

    def convert(node: Any) -> Any:
        if isinstance(node, list):
            return [convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {("definitions" if k == "$defs" else k): convert(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str):
            out["$ref"] = ref.replace("#/$defs/", "#/definitions/")
            if len(out) > 1:  # draft-07 ignores keywords next to $ref
                target = {"$ref": out.pop("$ref")}
                out["allOf"] = [target, *out.get("allOf", [])]
        if "prefixItems" in out:
            out["items"] = out.pop("prefixItems")
        return out

    converted: dict[str, Any] = convert(schema)
    converted["$schema"] = DRAFTS["7"]
    return converted


__all__ = [
    "DRAFTS",
    "KINDS",
    "Draft",
    "Kind",
    "answers_schema_dict",
    "answers_schema_json",
    "schema_dict",
    "schema_json",
]

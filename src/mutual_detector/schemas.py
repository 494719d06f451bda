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


__all__ = ["DRAFTS", "KINDS", "Draft", "Kind", "schema_dict", "schema_json"]

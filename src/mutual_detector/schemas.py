"""JSON Schemas generated from the models (draft 2020-12)."""

from __future__ import annotations

import json
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_dict(kind: str) -> dict[str, Any]:
    from pydantic import BaseModel

    model: type[BaseModel]
    if kind == "questionnaire":
        from mutual_detector.model.questionnaire import Questionnaire as model
    elif kind == "part":
        from mutual_detector.model.questionnaire import QuestionnairePart as model
    elif kind == "answers":
        from mutual_detector.model.answers import AnswersFile as model
    elif kind == "result":
        from mutual_detector.model.result import Result as model
    else:
        raise ValueError(kind)
    data = model.model_json_schema(mode="validation")
    return {"$schema": DRAFT, **data}


def schema_json(kind: str) -> str:
    return json.dumps(schema_dict(kind), indent=2, sort_keys=False, ensure_ascii=False)

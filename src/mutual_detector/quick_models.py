"""Models built without pydantic's validator, for data that plainly needs no checking.

Building a pydantic validator takes longer than anything else ``assess``
does with a good answers file, so :func:`plain_answers` builds the
:class:`~mutual_detector.model.answers.AnswersFile` itself when every value
already has exactly the type the model declares and meets every limit. For
anything else (a value of another type that validation might convert, a
string too long, an unknown key, a float that is not finite, ...) it
returns None and the file is validated as usual, which also reports the
``file:line:column`` of any problem.

``tests/test_quick_models.py`` checks, on every example and on generated
data, that whatever this builds equals what validation builds (types and
fields set included), and that it never accepts data validation refuses.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from mutual_detector import ANSWERS_FORMAT

if TYPE_CHECKING:
    from pydantic import BaseModel

    from mutual_detector.model.answers import AnswersFile

M = TypeVar("M", bound="BaseModel")


def construct(cls: type[M], values: dict[str, Any], fields_set: set[str]) -> M:
    """An instance of ``cls`` holding ``values`` (every field, in declared order), unvalidated.

    As pydantic's own ``model_construct`` builds one: ``fields_set`` are the
    fields that were given (the others hold their defaults).
    """
    return cls.model_construct(fields_set, **values)


# --------------------------------------------------------------------------- answers

_SHA256_PATTERN: Final = "^[0-9a-f]{64}$"
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: Whole numbers beyond this are left to validation.
_BIG: Final = 2**63
#: Settings of the models that do not change what validation accepts.
_HARMLESS_CONFIG: Final = frozenset(
    {"extra", "frozen", "defer_build", "title", "json_schema_extra"}
)


class _No(Exception):
    """Not plainly valid: validate as usual."""


def plain_answers(data: Any) -> AnswersFile | None:
    """``data`` (an answers file's plain data) as an AnswersFile, if it plainly needs no checks."""
    limits = _limits()
    if limits is None:
        return None  # the models are not as this module knows them
    try:
        return _file(data, limits)
    except _No:
        return None


def _file(data: Any, limits: dict[str, int]) -> AnswersFile:
    from mutual_detector.model.answers import AnswersFile, Metadata

    if type(data) is not dict or not data.keys() <= AnswersFile.model_fields.keys():
        raise _No
    if data.get("format") != ANSWERS_FORMAT or type(data.get("questionnaire")) is not str:
        raise _No
    version = data.get("questionnaire_version")
    if version is not None and type(version) is not str:
        raise _No
    digest = data.get("questionnaire_sha256")
    if digest is not None and (type(digest) is not str or not _SHA256.fullmatch(digest)):
        raise _No
    status = data.get("status", "complete")
    if type(status) is not str or status not in ("complete", "draft"):
        raise _No
    if "metadata" in data:
        metadata = _metadata(data["metadata"], limits)
    else:
        metadata = construct(Metadata, dict.fromkeys(Metadata.model_fields), set())
    values = {
        "format": ANSWERS_FORMAT,
        "questionnaire": data["questionnaire"],
        "questionnaire_version": version,
        "questionnaire_sha256": digest,
        "status": status,
        "metadata": metadata,
        "answers": _answers(data["answers"], limits) if "answers" in data else {},
    }
    return construct(AnswersFile, values, set(data))


def _metadata(data: Any, limits: dict[str, int]) -> Any:
    from mutual_detector.model.answers import Metadata

    if type(data) is not dict or not data.keys() <= Metadata.model_fields.keys():
        raise _No
    values: dict[str, Any] = {}
    for name in Metadata.model_fields:
        value = data.get(name)
        if name == "date":
            if type(value) is str and _ISO_DATE.fullmatch(value):
                try:  # "2026-11-25", as validation reads it (quoted in YAML, or from JSON)
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    raise _No from None  # 2026-02-30: validation words the error
            if value is not None and type(value) is not dt.date:
                raise _No  # other text and times are for validation to convert or refuse
        elif value is not None and (type(value) is not str or len(value) > limits[name]):
            raise _No
        values[name] = value
    return construct(Metadata, values, set(data))


def _answers(data: Any, limits: dict[str, int]) -> dict[str, Any]:
    from mutual_detector.model.answers import Answer

    if type(data) is not dict:
        raise _No
    keys = _answer_keys()
    note_limit, evidence_limit = limits["note"], limits["evidence"]
    out: dict[str, Any] = {}
    for qid, item in data.items():
        if type(qid) is not str:
            raise _No
        if type(item) is dict:
            if "value" not in item or not item.keys() <= keys:
                raise _No
            values = {
                "value": _value(item["value"]),
                "note": _text(item.get("note"), note_limit),
                "evidence": _text(item.get("evidence"), evidence_limit),
            }
            out[qid] = construct(Answer, values, set(item))
        else:  # a bare value, as AnswersFile's own `_wrap_bare` takes it
            value = item if type(item) is str else _value(item)
            out[qid] = construct(
                Answer, {"value": value, "note": None, "evidence": None}, set(_VALUE_ONLY)
            )
    return out


#: The fields set of every answer given as a bare value, shared: nothing adds to it (the
#: models are frozen, and model_copy() copies the set first).
_VALUE_ONLY: Final = {"value"}
_keys: list[Any] = []


def _answer_keys() -> Any:
    if not _keys:
        from mutual_detector.model.answers import Answer

        _keys.append(Answer.model_fields.keys())
    return _keys[0]


def _value(value: Any) -> Any:
    """A value of exactly one of the types of ``AnswerValue`` (which validation keeps as it is)."""
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        if -_BIG < value < _BIG:
            return value
        raise _No
    if kind is float:
        if math.isfinite(value):  # Answer's own `_finite` refuses the others
            return value
        raise _No
    if kind is list and all(type(v) is str for v in value):
        return list(value)
    raise _No


def _text(value: Any, limit: int) -> str | None:
    if value is None or (type(value) is str and len(value) <= limit):
        return value
    raise _No


_known: list[dict[str, int] | None] = []


def _limits() -> dict[str, int] | None:
    """The models' text limits by field, if the models are as this module knows them."""
    if not _known:
        _known.append(_check_models())
    return _known[0]


def _check_models() -> dict[str, int] | None:
    """Every field, type, limit and validator of the answers models, as this module expects."""
    from mutual_detector.model.answers import Answer, AnswersFile, Metadata

    text = str | None
    expected: dict[type[BaseModel], tuple[dict[str, Any], set[str]]] = {
        AnswersFile: (
            {
                "format": Literal["mutual-detector/answers@1"],
                "questionnaire": str,
                "questionnaire_version": text,
                "questionnaire_sha256": text,
                "status": Literal["complete", "draft"],
                "metadata": Metadata,
                "answers": dict[str, Answer],
            },
            {"_wrap_bare"},
        ),
        Answer: (
            {"value": bool | int | float | str | list[str] | None, "note": text, "evidence": text},
            {"_finite"},
        ),
        Metadata: (
            {
                "service": text,
                "organisation": text,
                "assessor": text,
                "date": dt.date | None,
                "notes": text,
            },
            set(),
        ),
    }
    limits: dict[str, int] = {}
    for model, (fields, validators) in expected.items():
        decorators = model.__pydantic_decorators__
        if (
            list(model.model_fields) != list(fields)
            or set(model.model_config) - _HARMLESS_CONFIG
            or model.model_config.get("extra") != "forbid"
            or set(decorators.field_validators) != validators
            or decorators.model_validators
            or decorators.validators
            or decorators.root_validators
        ):
            return None
        for name, info in model.model_fields.items():
            if info.annotation != fields[name] or info.alias or info.validation_alias:
                return None
            for meta in info.metadata:
                if type(meta).__name__ == "MaxLen" and fields[name] == text:
                    limits[name] = meta.max_length
                elif getattr(meta, "pattern", None) != _SHA256_PATTERN or name != (
                    "questionnaire_sha256"
                ):
                    return None
    if set(limits) != {"note", "evidence", "service", "organisation", "assessor", "notes"}:
        return None
    return limits


__all__ = ["construct", "plain_answers"]

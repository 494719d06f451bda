"""pydantic's validation errors, worded for a council officer and placed at ``file:line:column``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

from mutual_detector.errors import InputError
from mutual_detector.loading.located import CONTROL, Document
from mutual_detector.model.findings import FieldPath, Finding, clip, finding

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

    from mutual_detector.model.expr import ExpressionError


_MESSAGES: Final = [
    ("Field required", "is required"),
    ("Extra inputs are not permitted", "is not a known field (check the spelling)"),
    ("Input should be a valid", "must be a valid"),
    ("Input should be", "must be"),
    ("Value error, ", ""),
    ("String should have at most", "must have at most"),
    ("String should match pattern", "must match"),
    ("List should have at least", "must have at least"),
]


def _humanise(msg: str) -> str:
    for old, new in _MESSAGES:
        if msg.startswith(old):
            return new + msg[len(old) :]
    return msg


def _trim_loc(data: Any, loc: tuple[Any, ...]) -> FieldPath:
    """The part of a pydantic ``loc`` that indexes into ``data`` (drops union tags)."""
    out: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            out.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and not _is_union_tag(part):
            out.append(part)  # a missing field: name it
            break
        else:
            continue
    return tuple(out)


def _is_union_tag(part: str) -> bool:
    return any(ch in part for ch in "[]()") or part in {
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "none",
    }


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    if isinstance(value, dt.date):
        return f" (got the date {value.isoformat()}; put it in quotes to keep it as text)"
    if isinstance(value, str):
        cut = value[:60] + ("…" if len(value) > 60 else "")
        return f' (got "{CONTROL.sub(lambda m: repr(m.group())[1:-1], cut)}")'
    return f" (got {clip(value)})"


#: pydantic's type errors, as a council officer would say what was expected.
_TYPE_NAMES: Final = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "float_type": "a number",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}


def _union_message(errors: list[Any]) -> str | None:
    """One message for a value that matched none of several types (a union), or None."""
    if len(errors) < 2 or not all(e["type"] in _TYPE_NAMES for e in errors):
        return None
    names = list(dict.fromkeys(_TYPE_NAMES[e["type"]] for e in errors))
    if "a number" in names and "a whole number" in names:
        names.remove("a whole number")
    return "must be " + (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0])


def validation_findings(doc: Document, exc: ValidationError) -> list[Finding]:
    seen: dict[FieldPath, Finding] = {}
    errors = [(_trim_loc(doc.data, tuple(e["loc"])), e) for e in exc.errors(include_url=False)]
    # Where one branch of a union got further (a list whose items are wrong), name the items.
    prefixes = {p[:i] for p, _ in errors for i in range(len(p))}
    for path, err in errors:
        if path in seen:
            continue
        if err["type"] in _TYPE_NAMES and path in prefixes:
            continue
        union = _union_message([e for p, e in errors if p == path])
        if union is not None:
            seen[path] = doc.locate(finding("E010", union + _got(err.get("input")), path))
            continue
        expr_error = _expression_error(path, err.get("input"), err["type"])
        if expr_error is not None:
            message = f"{expr_error.message} (at character {expr_error.offset + 1})"
            seen[path] = doc.locate(finding("Q105", message, path, offset=expr_error.offset))
            continue
        quiet = err["type"] in ("missing", "extra_forbidden") or "(got " in err["msg"]
        got = "" if quiet else _got(err.get("input"))
        seen[path] = doc.locate(finding("E010", _humanise(err["msg"]) + got, path))
    return list(seen.values())


def _expression_error(path: FieldPath, value: Any, kind: str) -> ExpressionError | None:
    """The syntax error of a ``when:`` condition, to report it as Q105 at its column."""
    if kind != "value_error" or not path or path[-1] != "when" or not isinstance(value, str):
        return None
    from mutual_detector.model.expr import ExpressionError, parse

    try:
        parse(value)
    except ExpressionError as exc:
        return exc
    return None


def validate_model(doc: Document, model: type[BaseModel], data: Any | None = None) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        findings = validation_findings(doc, exc)
        raise InputError(findings[0].one_line() if findings else str(exc), findings) from None


__all__ = ["validate_model", "validation_findings"]

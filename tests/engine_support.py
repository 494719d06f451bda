"""Shared support for the engine tests: the mini questionnaire, answers to it, and a runner."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from mutual_detector.engine import assess
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import lint
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result

ASSETS = Path(__file__).resolve().parent / "assets"
MINI: dict[str, Any] = yaml.safe_load((ASSETS / "mini.yaml").read_text(encoding="utf-8"))
MINI_ANSWERS: dict[str, Any] = yaml.safe_load(
    (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
)
TIMESTAMP = "2026-11-25T00:00:00Z"


def questionnaire(data: dict[str, Any] | None = None, **changes: Any) -> Questionnaire:
    """The mini questionnaire (or ``data``), with top-level keys replaced by ``changes``.

    It must lint without errors, so every test starts from a questionnaire a user could load.
    """
    base = copy.deepcopy(data if data is not None else MINI)
    base.update(changes)
    q = Questionnaire.model_validate(base)
    errors = [f for f in lint(q) if f.level == "error"]
    assert not errors, errors
    return q


def mini_with(**edits: Any) -> Questionnaire:
    """The mini questionnaire with list items edited: ``sections={'staff': {...}}`` merges
    keys into the item with that id; ``flags=[...]`` (a list) appends items."""
    data = copy.deepcopy(MINI)
    for key, change in edits.items():
        if isinstance(change, list):
            data.setdefault(key, []).extend(change)
        elif isinstance(change, dict) and isinstance(data.get(key), list):
            for item in data[key]:
                if item.get("id") in change:
                    item.update(change[item["id"]])
        else:
            data[key] = change
    return questionnaire(data)


def answers(q: Questionnaire | None = None, **values: Any) -> AnswersFile:
    """Answers to ``q`` (default: the mini answers): ``values`` as in a file; None removes one."""
    data = copy.deepcopy(MINI_ANSWERS) if q is None or q.id == "mini" else {}
    data["format"] = MINI_ANSWERS["format"]
    data["questionnaire"] = q.id if q is not None else "mini"
    given = dict(data.get("answers", {}))
    for key, value in values.items():
        if value is None:
            given.pop(key, None)
        else:
            given[key] = value
    data["answers"] = given
    return AnswersFile.model_validate(data)


def run(q: Questionnaire | None = None, a: AnswersFile | None = None, **kw: Any) -> Result:
    q = q or questionnaire()
    return assess(q, a or answers(), timestamp=TIMESTAMP, **kw)


def explained(result: Result, qid: str) -> Any:
    return next(e for e in result.explanations if e.id == qid)

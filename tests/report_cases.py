"""Results for the report tests: real assessments of tests/assets/report.yaml, and examples.

tests/assets/report.yaml is small and stable (the built-in questionnaire is
being rewritten): a floor on a section, a warning that caps, a blocker, a
readiness section with expectations, governance in a group and sources with
publishers and years. Each case below is one way a verdict can come out.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from mutual_detector.engine import assess
from mutual_detector.loading import get_questionnaire, load_answers
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Expectation, Readiness, Result

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REPORT_Q = HERE / "assets" / "report.yaml"
TS = "2026-11-25T10:00:00Z"

#: Everything answered, all of it good: decided, Strong, two legal forms, one ruled out.
STRONG: dict[str, Any] = {
    "stage": "dont_know",
    "appetite": "most",
    "influence": "control",
    "unions": True,
    "turnover": 5,
    "finances": 5,
    "pensions": "agreed",
    "members": ["staff", "users"],
}

CASES: dict[str, dict[str, Any]] = {
    "decided": STRONG,
    # Unknown answers that could trigger the blocker: between Strong and the lowest band.
    "between": {
        **STRONG,
        "appetite": "dont_know",
        "influence": "dont_know",
        "turnover": "dont_know",
    },
    # A warning that caps at Promising; the score alone is Strong.
    "capped": {**STRONG, "influence": "consulted"},
    # A raised blocker: legal forms and governance are withheld.
    "withheld": {**STRONG, "influence": "none"},
    # The Staff section below its floor of 30.
    "floor": {**STRONG, "appetite": "few", "influence": "consulted", "unions": False},
}

METADATA = {"service": "Day services", "organisation": "Anytown Council", "assessor": "A. Officer"}


@cache
def report_questionnaire() -> Questionnaire:
    return get_questionnaire(str(REPORT_Q)).questionnaire


def answers_file(
    values: dict[str, Any],
    metadata: dict[str, Any] | None = None,
    questionnaire: str = "report-mini",
) -> AnswersFile:
    return AnswersFile.model_validate(
        {
            "format": "mutual-detector/answers@1",
            "questionnaire": questionnaire,
            "metadata": METADATA if metadata is None else metadata,
            "answers": values,
        }
    )


def result_for(
    case: str | dict[str, Any],
    *,
    metadata: dict[str, Any] | None = None,
    questionnaire: Questionnaire | None = None,
    timestamp: str = TS,
) -> Result:
    values = CASES[case] if isinstance(case, str) else case
    q = questionnaire or report_questionnaire()
    return assess(q, answers_file(values, metadata, q.id), timestamp=timestamp)


def with_readiness_behind(result: Result) -> Result:
    """``result`` at the spin-out stage with pensions not started (behind what it expects).

    Built by hand: it is what the engine reports for such answers.
    """
    readiness = Readiness(
        status="behind",
        stage="spin_out",
        stage_title="Spin out",
        score=result.readiness.score,
        expectations=[
            Expectation(
                question="pensions",
                prompt="How far have pensions been settled?",
                status="behind",
                expected="Agreed",
                expected_by="spin_out",
                answer_text="Not started",
            )
        ],
        flags=["pensions_late"],
        summary="Behind for Spin out: the one thing this stage expects is not in place.",
    )
    return result.model_copy(update={"readiness": readiness})


EXAMPLES = [
    p
    for p in sorted((ROOT / "examples").glob("*.yaml"))
    if "mutual-detector/answers@1" in p.read_text(encoding="utf-8")
]


@cache
def example(name: str) -> tuple[Result, Questionnaire]:
    """The result of ``examples/<name>.yaml`` with the questionnaire it names."""
    answers = load_answers(ROOT / "examples" / f"{name}.yaml").answers
    q = get_questionnaire(answers.questionnaire).questionnaire
    return assess(q, answers, timestamp=TS), q

"""Printable committee reports: the report view, Markdown and HTML.

The result here is built by hand for tests/assets/mini.yaml, so these tests do
not depend on the engine; a final class renders every examples/*.yaml file
through the engine and the built-in questionnaire when both are available.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from mutual_detector.loading import get_questionnaire
from mutual_detector.model.answers import Metadata
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import (
    Candidate,
    Change,
    Drivers,
    Explanation,
    FlagResult,
    Inconclusive,
    QuestionnaireRef,
    Reason,
    Recommendations,
    Result,
    Robustness,
    Scenario,
    SectionResult,
    Sensitivity,
    SourceRef,
    StageSteps,
    Verdict,
    WhatIf,
)

# from mutual_detector.render import html as html_render
from mutual_detector.render import markdown as md_render
from mutual_detector.render.report_model import (
    HEADINGS,
    build_report,
    number,
    percent,
    safe_url,
    signed,
    text_bar,
    text_lines,
)

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"
MINI = ASSETS / "mini.yaml"
assert MINI.is_file(), MINI

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "| *x* [a](javascript:alert(1))",
    "`code` _em_ ~~del~~ $x$ &amp; &#60; \\ # heading",
    "- list\n1. ordered\n> quote\n===\n<div>raw</div>\n    indented",
    "<!-- comment --> <![CDATA[x]]> <?php ?>",
    "www.example.com and https://evil.example/x?a=<b>",
]


# --------------------------------------------------------------------------- factories


@pytest.fixture(scope="module")
def mini() -> Questionnaire:
    return get_questionnaire(str(MINI)).questionnaire


def _explanations(**overrides: dict[str, Any]) -> list[Explanation]:
    rows: list[dict[str, Any]] = [
        dict(id="appetite", section="staff", kind="single", prompt="How many staff want this?",
             status="answered", scored=True, weight=2, answer="most", answer_text="Most",
             points=2, max_points=2, score=1, share=0.4444, gained=44.44, lost=0),
        dict(id="unions", section="staff", kind="yes_no", prompt="Are the unions engaged?",
             status="answered", scored=True, weight=1, answer=False, answer_text="No",
             note="Not yet", evidence="minutes", points=0, max_points=1, score=0,
             share=0.2222, gained=0, lost=22.22),
        dict(id="turnover", section="money", kind="number", prompt="Annual staff turnover?",
             status="answered", scored=True, weight=1, answer=12, answer_text="12 %",
             points=1, max_points=2, score=0.5, share=0.1667, gained=8.33, lost=8.33),
        dict(id="readiness", section="money", kind="scale", prompt="How ready are the finances?",
             status="dont_know", scored=True, weight=1),
        dict(id="equity", section="legal", kind="yes_no", prompt="Do you need outside equity?",
             status="answered", scored=False, weight=1, answer=False, answer_text="No"),
        dict(id="members", section="legal", kind="multi", prompt="Who should be members?",
             status="answered", scored=False, weight=1, answer=["staff", "community"],
             answer_text="Staff, Community"),
        dict(id="notes", section="legal", kind="text", prompt="Anything else?",
             status="not_applicable", scored=False, weight=1),
    ]  # fmt: skip
    for row in rows:
        row.update(overrides.get(row["id"], {}))
    return [Explanation(**row) for row in rows]


def make_result(
    mini: Questionnaire,
    *,
    service: str = "Day services",
    note: str | None = None,
    inconclusive: bool = False,
    timestamp: str | None = "2026-11-25T10:00:00Z",
) -> Result:
    """A result for mini.yaml, as the engine would write it (by hand)."""
    if inconclusive:
        verdict = Verdict(
            status="inconclusive",
            score=52.5,
            score_band="promising",
            indicative_band="promising",
            confidence=0.55,
            confidence_threshold=0.6,
            settle=["readiness"],
            summary="Too few answers to say; the answers so far point to Promising.",
        )
    else:
        verdict = Verdict(
            status="band",
            band="promising",
            label="Promising",
            score=61.11,
            score_band="strong",
            cap="promising",
            capped_by=["no_appetite"],
            confidence=0.8333,
            confidence_threshold=0.6,
            summary="A promising candidate, held back by one blocker.",
        )
    explanations = _explanations(unions={"note": note} if note is not None else {})
    return Result(
        tool_version="0.1.0",
        timestamp=timestamp,
        questionnaire=QuestionnaireRef(
            id="mini", version="1.0", title="Mini questionnaire", sha256=mini.sha256
        ),
        answers_sha256="a" * 64,
        metadata=Metadata(
            service=service, organisation="Anytown", assessor="J. Smith", notes="Met twice."
        ),
        verdict=verdict,
        confidence=verdict.confidence,
        sections=[
            SectionResult(
                id="staff",
                title="Staff",
                topic="suitability",
                weight=2,
                scored=True,
                score=66.67,
                confidence=1,
                answered_weight=3,
                applicable_weight=3,
                answered=2,
                inconclusive=0,
                not_applicable=0,
            ),
            SectionResult(
                id="money",
                title="Money",
                topic="suitability",
                weight=1,
                scored=True,
                score=50,
                confidence=0.5,
                answered_weight=1,
                applicable_weight=2,
                answered=1,
                inconclusive=1,
                not_applicable=0,
            ),
            SectionResult(
                id="legal",
                title="Legal form",
                topic="form",
                weight=1,
                scored=False,
                answered_weight=0,
                applicable_weight=0,
                answered=2,
                inconclusive=0,
                not_applicable=1,
            ),
        ],  # fmt: skip
        flags=[
            FlagResult(
                id="no_appetite",
                severity="blocker",
                message="Few staff want this.",
                cite=["domain-1-2"],
                cap="promising",
                condition="appetite == 'few'",
            ),
            FlagResult(
                id="high_turnover",
                severity="warning",
                message="High turnover.",
                condition="turnover >= 25",
            ),
        ],  # fmt: skip
        recommendations=Recommendations(
            legal_forms=[
                Candidate(id="cio", kind="legal_form", title="CIO", score=1, rank=1),
                Candidate(
                    id="cic",
                    kind="legal_form",
                    title="CIC",
                    score=1,
                    rank=2,
                    reasons_for=[Reason(text="Community.", points=1)],
                    reasons_against=[
                        Reason(text="Harder to fund.", points=-0.5, cite=["domain-1-2"])
                    ],
                ),
            ],  # fmt: skip
            excluded_forms=[
                Candidate(
                    id="cls",
                    kind="legal_form",
                    title="Company limited by shares",
                    score=0,
                    excluded_because=[Reason(text="No shares wanted.")],
                ),
            ],  # fmt: skip
            governance=[
                Candidate(id="staff_council", kind="governance", title="Staff council", score=0)
            ],  # fmt: skip
            next_steps=[
                StageSteps(
                    stage="explore",
                    title="Explore",
                    steps=[
                        Candidate(
                            id="talk_to_unions",
                            kind="next_step",
                            title="Talk to the unions",
                            stage="explore",
                            score=0,
                            summary="Before anything else.",
                        ),
                    ],
                ),
            ],  # fmt: skip
        ),
        explanations=explanations,
        drivers=Drivers(up=["appetite"], down=["unions", "turnover"]),
        inconclusive=[
            Inconclusive(
                id="readiness",
                section="money",
                prompt="How ready are the finances?",
                reason="dont_know",
                scored=True,
                share=0.1667,
            ),
        ],  # fmt: skip
        what_if=WhatIf(
            goal="Changes of one or two answers that would reach a better band.",
            scenarios=[
                Scenario(
                    changes=[
                        Change(
                            question="unions",
                            prompt="Are the unions engaged?",
                            before=False,
                            before_text="No",
                            after=True,
                            after_text="Yes",
                        )
                    ],
                    effects=["better_band"],
                    status="band",
                    band="strong",
                    label="Strong",
                    score=72.22,
                    cleared=["no_appetite"],
                ),
            ],  # fmt: skip
            evaluations=12,
            budget=500,
            complete=True,
        ),
        robustness=Robustness(
            status="sensitive",
            margin=1.11,
            sensitive_to=[
                Sensitivity(section="money", factor=1.2, status="band", band="weak", score=49.5)
            ],  # fmt: skip
            summary="The verdict would change if Money weighed 20% more.",
        ),
        sources=[SourceRef(id="domain-1-2", title="Domain research §1.2")],
        warnings=[],
    )


# --------------------------------------------------------------------------- helpers


def _prose(markdown: str) -> str:
    """The text a reader sees: Markdown rendered (GFM tables), tags dropped."""
    mdit = pytest.importorskip("markdown_it")
    rendered = mdit.MarkdownIt("gfm-like").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


VOID = {"br", "meta", "link", "img", "hr", "input", "col", "wbr", "area", "base", "source"}


class _Checker(HTMLParser):
    """Collects tags, attributes and text; checks nesting is balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
        self.in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False
        if tag in VOID:
            self.problems.append(f"end tag for void element {tag}")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.data.append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")


def check_html(page: str) -> _Checker:
    c = _Checker()
    c.feed(page)
    c.close()
    assert c.problems == []
    assert c.stack == []
    return c

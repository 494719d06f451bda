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
from hypothesis import given, settings
from hypothesis import strategies as st

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
from mutual_detector.render import html as html_render
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


def _x(qid: str, section: str, kind: str, prompt: str, status: str, **kw: Any) -> Explanation:
    scored = kw.pop("scored", status != "not_applicable" and section != "legal")
    return Explanation(
        id=qid,
        section=section,
        kind=kind,
        prompt=prompt,
        status=status,
        scored=scored,
        weight=kw.pop("weight", 1),
        **kw,
    )


def _explanations(unions_note: str | None) -> list[Explanation]:
    pts = {"scored": True}
    return [
        _x("appetite", "staff", "single", "How many staff want this?", "answered", weight=2,
           answer="most", answer_text="Most", points=2, max_points=2, score=1, share=0.4444,
           gained=44.44, lost=0, **pts),
        _x("unions", "staff", "yes_no", "Are the unions engaged?", "answered", answer=False,
           answer_text="No", note=unions_note or "Not yet", evidence="minutes", points=0,
           max_points=1, score=0, share=0.2222, gained=0, lost=22.22, **pts),
        _x("turnover", "money", "number", "Annual staff turnover?", "answered", answer=12,
           answer_text="12 %", points=1, max_points=2, score=0.5, share=0.1667, gained=8.33,
           lost=8.33, **pts),
        _x("readiness", "money", "scale", "How ready are the finances?", "dont_know", **pts),
        _x("equity", "legal", "yes_no", "Do you need outside equity?", "answered", answer=False,
           answer_text="No"),
        _x("members", "legal", "multi", "Who should be members?", "answered",
           answer=["staff", "community"], answer_text="Staff, Community"),
        _x("notes", "legal", "text", "Anything else?", "not_applicable"),
    ]  # fmt: skip


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
    explanations = _explanations(note)
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
        ],
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
        ],
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
            ],
            excluded_forms=[
                Candidate(
                    id="cls",
                    kind="legal_form",
                    title="Company limited by shares",
                    score=0,
                    excluded_because=[Reason(text="No shares wanted.")],
                ),
            ],
            governance=[
                Candidate(id="staff_council", kind="governance", title="Staff council", score=0)
            ],
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
            ],
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
        ],
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
            ],
            evaluations=12,
            budget=500,
            complete=True,
        ),
        robustness=Robustness(
            status="sensitive",
            margin=1.11,
            sensitive_to=[
                Sensitivity(section="money", factor=1.2, status="band", band="weak", score=49.5)
            ],
            summary="The verdict would change if Money weighed 20% more.",
        ),
        sources=[SourceRef(id="domain-1-2", title="Domain research §1.2")],
        warnings=[],
    )


# --------------------------------------------------------------------------- helpers


def _prose(markdown: str) -> str:
    """The text a reader sees: Markdown rendered (GFM tables), tags dropped."""
    mdit = pytest.importorskip("markdown_it")
    rendered = mdit.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
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


def _md_tokens(markdown: str) -> list[Any]:
    mdit = pytest.importorskip("markdown_it")
    parser = mdit.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens: list[Any] = []
    for t in parser.parse(markdown):
        tokens.append(t)
        tokens.extend(t.children or [])
    return tokens


def check_markdown(markdown: str, allowed_links: set[str]) -> list[Any]:
    """Markdown is safe: no raw HTML, no images, only the sources' links, sound tables."""
    tokens = _md_tokens(markdown)
    kinds = {t.type for t in tokens}
    assert not kinds & {"html_inline", "html_block", "image"}
    hrefs = {t.attrs["href"] for t in tokens if t.type == "link_open"}
    assert hrefs <= allowed_links
    # Every row of every table has as many unescaped pipes as its header.
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("| ") and (i == 0 or not lines[i - 1].startswith("|")):
            width = len(re.findall(r"(?<!\\)\|", line))
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                assert len(re.findall(r"(?<!\\)\|", lines[j])) == width, lines[j]
                j += 1
    return tokens


def check_self_contained(page: str, allowed_links: set[str]) -> _Checker:
    c = check_html(page)
    tags = {tag for tag, _ in c.starts}
    assert not tags & {
        "script",
        "img",
        "iframe",
        "object",
        "embed",
        "link",
        "form",
        "base",
        "video",
    }
    for tag, attrs in c.starts:
        assert "src" not in attrs, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        href = attrs.get("href")
        if href is not None and not href.startswith("#"):
            assert href in allowed_links, href
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style
    assert "@import" not in style
    return c


def _source_urls(result: Result, q: Questionnaire | None) -> set[str]:
    urls = {s.url for s in result.sources if s.url}
    if q is not None:
        urls |= {s.url for s in q.sources if s.url}
    return {u for u in urls if safe_url(u)}


# --------------------------------------------------------------------------- tests


class TestFormatting:
    def test_number_drops_trailing_zeros(self) -> None:
        """Numbers show at most 2 decimals, as the engine rounds them."""
        assert [number(x) for x in (62.5, 70.0, 69.95, 0.0, -0.0, 1e-9, 33.333)] == [
            "62.5", "70", "69.95", "0", "0", "0", "33.33",
        ]  # fmt: skip

    def test_percent_and_signed(self) -> None:
        assert (percent(0.8512), percent(1), percent(0.59999)) == ("85.12%", "100%", "60%")
        assert (signed(2), signed(-1.5), signed(0)) == ("+2", "-1.5", "0")

    def test_text_bar(self) -> None:
        assert text_bar(None) == ""
        assert text_bar(0) == "░" * 10
        assert text_bar(66.67) == "███████░░░"
        assert text_bar(100, width=4) == "████"

    @pytest.mark.parametrize(
        ("url", "safe"),
        [
            ("https://www.gov.uk/guidance/x", True),
            ("http://plunkettfoundation.blogspot.com/2010/04/x.html", True),
            ("javascript:alert(1)", False),
            ("JaVaScRiPt:alert(1)", False),
            ("data:text/html,<script>", False),
            ('https://x.example/"onmouseover="alert(1)', False),
            ("https://x.example/a b", False),
            ("https://x.example/<script>", False),
            ("//x.example/", False),
            (None, False),
        ],
    )
    def test_safe_url(self, url: str | None, safe: bool) -> None:
        """Only plain http(s) addresses become links."""
        assert (safe_url(url) == url and url is not None) is safe

    def test_text_lines_cleans_user_text(self) -> None:
        assert text_lines(" a\r\n\r\n\tb \x00c\x1b\rd\u2028e ") == ["a", "b c", "d", "e"]


class TestReportModel:
    def test_citations_numbered_in_reading_order(self, mini: Questionnaire) -> None:
        """The first source cited is [1]; the appendix lists each source once."""
        r = make_result(mini).model_copy(
            update={
                "sources": [
                    SourceRef(id="domain-1-2", title="Domain research §1.2"),
                    SourceRef(id="extra", title="Cited by nothing shown", url="https://x.example/"),
                ]
            }
        )
        report = build_report(r, mini)
        assert [(s.number, s.id) for s in report.sources] == [(1, "domain-1-2"), (2, "extra")]
        assert report.blockers[0].cites == (1,)
        assert report.sources[1].url == "https://x.example/"

    def test_verdict_band(self, mini: Questionnaire) -> None:
        v = build_report(make_result(mini), mini).verdict
        assert v.headline == "Verdict: Promising (score 61.11 out of 100, confidence 83.33%)"
        assert v.tone == "middle"
        assert v.notes == (
            "Because of a blocker (see Red flags and conditions), the verdict can be no better "
            "than Promising; the score alone would place it in Strong.",
        )

    @pytest.mark.parametrize(
        ("band", "tone"), [("strong", "good"), ("promising", "middle"), ("weak", "bad")]
    )
    def test_verdict_tone(self, mini: Questionnaire, band: str, tone: str) -> None:
        """The best band is good news; the lower half of the bands is bad news."""
        r = make_result(mini)
        r = r.model_copy(update={"verdict": r.verdict.model_copy(update={"band": band})})
        assert build_report(r, mini).verdict.tone == tone

    def test_verdict_inconclusive(self, mini: Questionnaire) -> None:
        v = build_report(make_result(mini, inconclusive=True), mini).verdict
        assert v.headline == "Verdict: Inconclusive (confidence 55% is below the 60% needed)"
        assert v.label == "Inconclusive"
        assert v.notes == ("The answers so far point to Promising, as an indication only.",)
        assert [(q.label, q.prompt) for q in v.settle] == [("Q4", "How ready are the finances?")]

    def test_answers_grouped_with_why_and_sources(self, mini: Questionnaire) -> None:
        report = build_report(make_result(mini), mini)
        assert [(t.title, [g.section for g in t.sections]) for t in report.answers] == [
            ("Suitability", ["Staff", "Money"]),
            ("Legal form", ["Legal form"]),
        ]
        unions = report.answers[0].sections[0].answers[1]
        assert unions.details() == (
            ("Answer", "No"),
            (
                "Points",
                "0 of 1, adding 0 to the overall score (the best answer would add 22.22 more)",
            ),
            ("Why it matters", "Smoother transitions."),
            ("Assessor's note", "Not yet"),
            ("Evidence", "minutes"),
        )
        assert unions.cites == (1,)
        legal = report.answers[1].sections[0]
        assert [q.label for q in legal.not_applicable] == ["Q7"]

    def test_without_questionnaire(self, mini: Questionnaire) -> None:
        """A saved result alone still gives a report, without the questions' "why"."""
        report = build_report(make_result(mini))
        assert report.answers[0].title == "suitability"
        assert all(a.why is None for t in report.answers for g in t.sections for a in g.answers)
        assert report.verdict.tone == "unknown"

    def test_other_questionnaire_is_flagged(self, mini: Questionnaire) -> None:
        other = mini.model_copy(update={"version": "2.0"})
        other.__dict__.pop("sha256", None)
        other.__dict__.pop("canonical_json", None)
        report = build_report(make_result(mini), other)
        assert len(report.warnings) == 1
        assert "not the one that produced the result" in report.warnings[0]

    def test_next_step_reasons_say_because(self, mini: Questionnaire) -> None:
        r = make_result(mini)
        step = Candidate(
            id="s", kind="next_step", title="Step", score=1, stage="explore",
            reasons_for=[Reason(text="Unions not engaged.", points=1)],
        )  # fmt: skip
        recs = r.recommendations.model_copy(
            update={"next_steps": [StageSteps(stage="explore", title="Explore", steps=[step])]}
        )
        view = build_report(r.model_copy(update={"recommendations": recs}), mini)
        (reason,) = view.next_steps[0].steps[0].reasons
        assert (reason.label, reason.points) == ("Because", "")

    def test_what_if_not_run(self, mini: Questionnaire) -> None:
        report = build_report(make_result(mini).model_copy(update={"what_if": None}), mini)
        assert report.what_if.notes == ("The search for answer changes was not run.",)


class TestMarkdown:
    def test_headings_in_order(self, mini: Questionnaire) -> None:
        text = md_render.render_markdown(make_result(mini), mini)
        assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == list(
            HEADINGS.values()
        )
        assert text.startswith("# Public service mutual assessment\n\n**Day services, Anytown**\n")

    def test_verdict_and_section_rows(self, mini: Questionnaire) -> None:
        text = md_render.render_markdown(make_result(mini), mini)
        assert "\n**Verdict: Promising (score 61.11 out of 100, confidence 83.33%)**\n" in text
        assert "\n| Staff | 2 | ███████░░░ 66.67 | 100% | 2 | 0 | 0 |\n" in text
        assert "\n| **Suitability** |  |  |  |  |  |  |\n" in text
        assert (
            "\n- Few staff want this. The verdict can be no better than Promising. \\[1\\]\n"
            in text
        )
        check_markdown(text, set())

    def test_deterministic_but_for_timestamp(self, mini: Questionnaire) -> None:
        a = md_render.render_markdown(make_result(mini), mini)
        assert a == md_render.render_markdown(make_result(mini), mini)
        b = md_render.render_markdown(make_result(mini, timestamp="2030-01-01T00:00:00Z"), mini)
        diff = [(x, y) for x, y in zip(a.splitlines(), b.splitlines(), strict=True) if x != y]
        assert diff == [
            ("| Produced at | 2026-11-25T10:00:00Z |", "| Produced at | 2030-01-01T00:00:00Z |")
        ]

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_service_name_stays_text(self, mini: Questionnaire, name: str) -> None:
        """A service name cannot add HTML, links, images, table cells or blocks."""
        text = md_render.render_markdown(make_result(mini, service=name), mini)
        tokens = check_markdown(text, set())
        flat = " ".join(text_lines(name))
        cells = [t.content for t in tokens if t.type == "text"]
        assert flat in cells  # the Service cell of the facts table, whole
        assert _prose(text).count(flat) >= 2  # and the subtitle

    def test_hostile_note_stays_in_its_list_item(self, mini: Questionnaire) -> None:
        note = "first\n\n- list\n1. ordered\n> quote\n===\n# heading\n<div>raw</div>\n```"
        plain = md_render.render_markdown(make_result(mini), mini)
        text = md_render.render_markdown(make_result(mini, note=note), mini)
        count = lambda md, kind: sum(t.type == kind for t in _md_tokens(md))  # noqa: E731
        for kind in ("bullet_list_open", "ordered_list_open", "blockquote_open", "heading_open",
                     "fence", "hr", "html_block", "list_item_open"):  # fmt: skip
            assert count(text, kind) == count(plain, kind), kind
        prose = _prose(text)
        for line in text_lines(note):
            assert line in prose

    def test_escape_round_trips(self) -> None:
        """md() shows exactly the text it was given (on one line)."""
        for s in [*HOSTILE, "a\\b", "**", "_x_", "1. a", "- b", "&copy;", "x  \ny"]:
            prose = _prose("x " + md_render.md(s)).strip()
            assert prose == "x " + " ".join(text_lines(s)), s


_PIECES = st.sampled_from(
    [
        *"ab 1.-+=>#*_`[]()<>!|~$&;\\\n:/\"'{}^@%\t\u00a0é",
        "&amp;",
        "&#60;",
        "&#x41;",
        "www.",
        "http://",
    ]
)
_USER_TEXT = st.lists(_PIECES, max_size=30).map("".join)


class TestEscapingProperties:
    @settings(max_examples=300, deadline=None)
    @given(_USER_TEXT)
    def test_markdown_inline_shows_the_text(self, s: str) -> None:
        """Any user text, escaped with md(), reads back as itself."""
        assert _prose("x " + md_render.md(s)).strip() == ("x " + " ".join(text_lines(s))).strip()

    @settings(max_examples=300, deadline=None)
    @given(_USER_TEXT)
    def test_markdown_block_stays_in_its_list_item(self, s: str) -> None:
        """Multi-line user text adds no list, quote, heading, code or HTML block."""
        item = "- a: " + md_render.md_block(s, 2)
        kinds = [t.type for t in _md_tokens(item)]
        assert kinds.count("list_item_open") == 1
        assert not set(kinds) & {"blockquote_open", "heading_open", "html_block", "fence", "hr",
                                 "code_block", "html_inline", "link_open"}  # fmt: skip
        assert _prose(item).replace("\n", " ").strip() == ("a: " + " ".join(text_lines(s))).strip()

    @settings(max_examples=300, deadline=None)
    @given(_USER_TEXT)
    def test_html_shows_the_text(self, s: str) -> None:
        c = check_html(f"<p>{html_render.e_block(s)}</p><p>{html_render.e(s)}</p>")
        assert [tag for tag, _ in c.starts] == ["p", *["br"] * max(0, len(text_lines(s)) - 1), "p"]
        assert "".join(c.data) == "".join(text_lines(s)) + " ".join(text_lines(s))


class TestHtml:
    def test_well_formed_and_self_contained(self, mini: Questionnaire) -> None:
        page = html_render.render_html(make_result(mini), mini)
        check_self_contained(page, set())
        assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
        assert "Content-Security-Policy" in page

    def test_headings_and_verdict(self, mini: Questionnaire) -> None:
        page = html_render.render_html(make_result(mini), mini)
        assert re.findall(r"<h2>(.*?)</h2>", page) == [html.escape(h) for h in HEADINGS.values()]
        assert (
            '<p class="headline">Verdict: Promising (score 61.11 out of 100, confidence 83.33%)</p>'
            in page
        )
        assert '<div class="verdict-box tone-middle">' in page

    def test_prints_on_a4(self, mini: Questionnaire) -> None:
        page = html_render.render_html(make_result(mini), mini)
        assert "size: A4;" in page
        assert "@media print" in page
        assert "break-inside: avoid" in page

    def test_deterministic_but_for_timestamp(self, mini: Questionnaire) -> None:
        a = html_render.render_html(make_result(mini), mini)
        assert a == html_render.render_html(make_result(mini), mini)
        b = html_render.render_html(make_result(mini, timestamp="2030-01-01"), mini)
        assert a.replace("2026-11-25T10:00:00Z", "2030-01-01") == b

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_strings_are_escaped(self, mini: Questionnaire, name: str) -> None:
        result = make_result(mini, service=name, note=name)
        page = html_render.render_html(result, mini)
        c = check_self_contained(page, set())
        text = "".join(c.data)
        assert " ".join(text_lines(name)) in text
        for line in text_lines(name):
            assert line in text
        assert "<script" not in page.lower().replace("&lt;script", "")

    def test_only_safe_source_urls_are_links(self, mini: Questionnaire) -> None:
        r = make_result(mini).model_copy(
            update={
                "sources": [
                    SourceRef(id="domain-1-2", title="ok", url="https://www.gov.uk/x"),
                    SourceRef(id="bad", title="bad", url="javascript:alert(1)"),
                ]
            }
        )
        page = html_render.render_html(r, None)
        c = check_self_contained(page, {"https://www.gov.uk/x"})
        hrefs = [a["href"] for tag, a in c.starts if tag == "a" and not a["href"].startswith("#")]
        assert hrefs == ["https://www.gov.uk/x"]
        assert "javascript:alert(1)" in "".join(c.data)
        text = md_render.render_markdown(r, None)
        check_markdown(text, {"https://www.gov.uk/x"})
        assert "<https://www.gov.uk/x>" in text

    def test_internal_links_resolve(self, mini: Questionnaire) -> None:
        page = html_render.render_html(make_result(mini), mini)
        c = check_html(page)
        ids = {a["id"] for _, a in c.starts if a.get("id")}
        targets = {a["href"][1:] for _, a in c.starts if (a.get("href") or "").startswith("#")}
        assert targets
        assert targets <= ids


# --------------------------------------------------------------------------- examples


EXAMPLES = [
    p
    for p in sorted((ROOT / "examples").glob("*.yaml"))
    if "mutual-detector/answers@1" in p.read_text(encoding="utf-8")
]


@pytest.fixture(scope="module")
def builtin() -> Questionnaire:
    try:
        return get_questionnaire("mutual-detector").questionnaire
    except Exception as exc:  # the built-in content is still being written
        pytest.skip(f"built-in questionnaire not loadable: {exc}")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_reports(builtin: Questionnaire, path: Path) -> None:
    """Every example renders to safe, well-formed, deterministic Markdown and HTML."""
    engine = pytest.importorskip("mutual_detector.engine")
    from mutual_detector.errors import InputError
    from mutual_detector.loading import load_answers

    try:
        answers = load_answers(path).answers
        result = engine.assess(builtin, answers, timestamp="2026-11-25T10:00:00Z")
    except InputError as exc:
        pytest.skip(f"{path.name} does not load or assess yet: {exc.message}")
    urls = _source_urls(result, builtin)
    page = html_render.render_html(result, builtin)
    text = md_render.render_markdown(result, builtin)
    check_self_contained(page, urls)
    check_markdown(text, urls)
    assert page == html_render.render_html(result, builtin)
    assert text == md_render.render_markdown(result, builtin)
    explained = [e for e in result.explanations if e.status != "not_applicable"]
    for e in explained:
        assert f'id="q-{e.id}"' in page
    assert len(re.findall(r"^\*\*Q\d+ ", text, flags=re.M)) == len(explained)

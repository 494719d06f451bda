"""Printable committee reports: the report view, Markdown and HTML.

The results here come from the engine on tests/assets/mini.yaml; a final test
renders every examples/*.yaml file through the engine and the built-in
questionnaire.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mutual_detector.engine import assess
from mutual_detector.loading import get_questionnaire
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Candidate, Reason, Result, SourceRef, StageSteps
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
MINI_ANSWERS = yaml.safe_load((ASSETS / "mini-answers.yaml").read_text(encoding="utf-8"))

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


def make_result(
    mini: Questionnaire,
    *,
    service: str = "Day services",
    note: str | None = None,
    undecided: bool = False,
    capped: bool = False,
    timestamp: str | None = "2026-11-25T10:00:00Z",
) -> Result:
    """A result for mini.yaml from the engine: readiness "don't know" (decided Promising),
    appetite "don't know" too (between Strong and Weak), or few staff keen (capped)."""
    data = yaml.safe_load(yaml.safe_dump(MINI_ANSWERS))
    data["metadata"] = {**data["metadata"], "service": service, "notes": "Met twice."}
    answers = data["answers"]
    answers["readiness"] = "dont_know"
    answers["unions"] = {"value": False, "note": note or "Not yet", "evidence": "minutes"}
    if undecided:
        answers["appetite"] = "dont_know"
    if capped:
        answers["appetite"] = "few"
        answers.pop("unions")
    return assess(mini, AnswersFile.model_validate(data), timestamp=timestamp)


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
        r = make_result(mini, capped=True).model_copy(
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

    def test_verdict_decided(self, mini: Questionnaire) -> None:
        v = build_report(make_result(mini), mini).verdict
        assert v.headline == "Verdict: Promising, score 61.11 (could be 52.78 to 69.44)"
        assert (v.status, v.tone, v.notes, v.deciding) == ("decided", "middle", (), ())

    def test_verdict_capped(self, mini: Questionnaire) -> None:
        report = build_report(make_result(mini, capped=True), mini)
        assert report.verdict.notes == ("Capped at Weak: Few staff want this.",)
        assert report.decision.withheld == ("Few staff want this.",)
        assert report.decision.legal_form is None
        assert report.blockers[0].cap_text == "The verdict can be no better than Weak."

    @pytest.mark.parametrize(
        ("band", "tone"), [("strong", "good"), ("promising", "middle"), ("weak", "bad")]
    )
    def test_verdict_tone(self, mini: Questionnaire, band: str, tone: str) -> None:
        """The best band is good news; the lower half of the bands is bad news."""
        r = make_result(mini)
        r = r.model_copy(update={"verdict": r.verdict.model_copy(update={"band": band})})
        assert build_report(r, mini).verdict.tone == tone

    def test_verdict_between(self, mini: Questionnaire) -> None:
        report = build_report(make_result(mini, undecided=True), mini)
        v = report.verdict
        assert v.headline == "Verdict: Between Strong and Weak, score 50 (could be 8.33 to 91.67)"
        assert (v.status, v.tone) == ("between", "unknown")
        assert v.notes == (
            "Could be capped at Weak depending on How many staff want this?: Few staff want this.",
        )
        assert [(q.label, q.prompt) for q in v.deciding] == [
            ("Q1", "How many staff want this?"),
            ("Q4", "How ready are the finances?"),
        ]
        assert [f.id for f in report.possible] == ["no_appetite"]

    def test_the_decision_comes_first(self, mini: Questionnaire) -> None:
        d = build_report(make_result(mini), mini).decision
        assert d.headline == "Promising"
        assert d.legal_form == "CIC"
        assert d.first_steps == ("Talk to the unions",)
        assert d.readiness == "Readiness not assessed: the stage is not known."

    def test_answers_grouped_with_why_and_sources(self, mini: Questionnaire) -> None:
        report = build_report(make_result(mini), mini)
        assert [(t.title, [g.section for g in t.sections]) for t in report.answers] == [
            ("Suitability", ["Staff", "Money"]),
            ("Legal form", ["Legal form"]),
        ]
        unions = report.answers[0].sections[0].answers[1]
        assert unions.details() == (
            ("Answer", "No"),
            ("Points", "0 of 1, -11.11 points against a neutral answer"),
            ("Why it matters", "Smoother transitions."),
            ("Assessor's note", "Not yet"),
            ("Evidence", "minutes"),
        )
        assert unions.cites == (1,)
        legal = report.answers[1].sections[0]
        assert [a.question.label for a in legal.answers] == ["Q5", "Q6", "Q7"]
        assert legal.answers[2].answer == "Not answered"

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
        assert "\n## The decision\n\n**Promising**\\\nScore 61.11 (could be 52.78 to 69.44)" in text
        assert "\n| Staff | 2 | ███████░░░ 66.67 | 100% | 2 | 0 | 0 |\n" in text
        assert "\n| Money | 1 | █████░░░░░ 50 (could be 25 to 75) | 50% | 1 | 1 | 0 |\n" in text
        assert "\n| **Suitability** |  |  |  |  |  |  |\n" in text
        check_markdown(text, set())
        capped = md_render.render_markdown(make_result(mini, capped=True), mini)
        assert (
            "\n- Few staff want this. The verdict can be no better than Weak. \\[1\\]\n" in capped
        )
        assert "No legal form or governance is ranked while this stands" in capped

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
            '<p class="headline">Score 61.11 (could be 52.78 to 69.44) out of 100, '
            "83.33% of it answered.</p>" in page
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
        r = make_result(mini, capped=True).model_copy(
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
    return get_questionnaire("mutual-detector").questionnaire


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_reports(builtin: Questionnaire, path: Path) -> None:
    """Every example renders to safe, well-formed, deterministic Markdown and HTML."""
    from mutual_detector.loading import load_answers

    answers = load_answers(path).answers
    result = assess(builtin, answers, timestamp="2026-11-25T10:00:00Z")
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

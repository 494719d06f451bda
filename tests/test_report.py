"""Reports on result@2: the shared view model, Markdown and HTML.

Results come from the engine on tests/assets/report.yaml (tests/report_cases.py),
one case for each way a verdict comes out (decided, between, capped, withheld,
below a floor), and from the examples with the built-in questionnaire. The
terminal report has its own file, tests/test_report_terminal.py.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result, SourceRef
from mutual_detector.render import html as html_render
from mutual_detector.render import markdown as md_render
from mutual_detector.render.report_model import (
    DECISION_LABELS,
    HEADINGS,
    after_first_sentence,
    build_report,
    first_sentence,
    number,
    percent,
    points,
    range_bar,
    safe_url,
    signed,
    text_bar,
)
from mutual_detector.render.safe import clean, one_line, text_lines
from mutual_detector.text import printable
from report_cases import (
    CASES,
    EXAMPLES,
    example,
    report_questionnaire,
    result_for,
    with_readiness_behind,
)

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "| *x* [a](javascript:alert(1))",
    "`code` _em_ ~~del~~ $x$ &amp; &#60; \\ # heading",
    "- list\n1. ordered\n> quote\n===\n<div>raw</div>\n    indented",
    "<!-- comment --> <![CDATA[x]]> <?php ?>",
    "www.example.com and https://evil.example/x?a=<b>",
]


@pytest.fixture(scope="module")
def rq() -> Questionnaire:
    return report_questionnaire()


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


def _with_metadata(result: Result, **meta: Any) -> Result:
    return result.model_copy(update={"metadata": result.metadata.model_copy(update=meta)})


# --------------------------------------------------------------------------- formatting


class TestFormatting:
    def test_number_drops_trailing_zeros(self) -> None:
        """Numbers show at most 2 decimals, as the engine rounds them."""
        assert [number(x) for x in (62.5, 70.0, 69.95, 0.0, -0.0, 1e-9, 33.333)] == [
            "62.5", "70", "69.95", "0", "0", "0", "33.33",
        ]  # fmt: skip

    def test_percent_signed_and_points(self) -> None:
        assert (percent(0.8512), percent(1), percent(0.59999)) == ("85.12%", "100%", "60%")
        assert (signed(2), signed(-1.5), signed(0)) == ("+2", "-1.5", "0")
        # A driver never reads 0 when it moved the score a little.
        assert (points(-0.0012), points(0.003), points(-0.83), points(0)) == (
            "-<0.01", "+<0.01", "-0.83", "0",
        )  # fmt: skip

    def test_bars(self) -> None:
        assert text_bar(None) == ""
        assert text_bar(66.67) == "███████░░░"
        assert range_bar(None, None, None, 10) == "·" * 10
        assert range_bar(80, 80, 80, 10) == "████████··"
        # Sure up to the low end, could-be up to the high end, the point marked.
        assert range_bar(40, 55, 80, 10) == "████▒│▒▒··"
        assert range_bar(0, 50, 100, 10) == "▒▒▒▒▒│▒▒▒▒"

    def test_sentences(self) -> None:
        text = "Staff would have no say. Give staff votes (shares) first. Then ask."
        assert first_sentence(text) == "Staff would have no say."
        assert after_first_sentence(text) == "Give staff votes (shares) first. Then ask."
        assert first_sentence("One sentence only") == "One sentence only"
        assert after_first_sentence("One sentence only") == ""
        assert first_sentence('It is "capped". 3 more.') == 'It is "capped".'

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
            ("https://x.example/\x1b]8;;", False),
            ("//x.example/", False),
            (None, False),
        ],
    )
    def test_safe_url(self, url: str | None, safe: bool) -> None:
        """Only plain http(s) addresses become links."""
        assert (safe_url(url) == url and url is not None) is safe


class TestSafeText:
    """One helper cleans everything a renderer draws from answers or questionnaires."""

    ATTACKS = (
        "\x1b[2J\x1b[H",  # clear the screen
        "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hidden link
        "\x1b]52;c;ZXZpbA==\x07",  # OSC 52 clipboard write
        "\x1bP+q\x1b\\",  # DCS
        "\x9b31m",  # 8-bit CSI
        "\x9d8;;x\x9c",  # 8-bit OSC
        "\x1b",  # a lone ESC
        "\u202eevil\u202c",  # bidirectional override
        "\x07\x08\x7f",
    )

    @pytest.mark.parametrize("attack", ATTACKS)
    def test_clean_leaves_no_control_character(self, attack: str) -> None:
        out = clean(f"Day {attack} care")
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
        assert out.startswith("Day ")

    def test_clean_removes_whole_sequences(self) -> None:
        assert clean("a\x1b[2Jb\x1b[31;1mc\x9b0md") == "abcd"

    def test_osc8_keeps_only_the_visible_text(self) -> None:
        assert clean("a \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ b") == "a link b"

    def test_lines_tabs_and_surrogates(self) -> None:
        assert text_lines(" a\r\n\r\n\tb \x00c\x1b\rd\u2028e ") == ["a", "b c", "d", "e"]
        assert one_line("a\n\n b\tc") == "a b c"
        assert clean("x\ud800y") == "x\ufffdy"

    def test_visible_shows_what_it_escapes(self) -> None:
        assert printable("a\x1b[2Jb\nc\u202e") == "a\\x1b[2Jb\\nc\\u202e"


# --------------------------------------------------------------------------- the view model


class TestDecision:
    """What the first screen says, for each way a verdict comes out."""

    def test_decided(self, rq: Questionnaire) -> None:
        report = build_report(result_for("decided"), rq)
        d = report.decision
        v = d.verdict
        assert (v.status, v.label, v.tone, v.meaning) == ("decided", "Strong", "good", "Go ahead.")
        assert v.score.text == "score 100 out of 100"
        assert (d.caps, v.deciding, v.indicative, v.score_alone) == ((), (), None, None)
        assert d.flags == ()
        assert d.flags_text == "None raised."
        assert (d.legal_form.status, d.legal_form.text) == ("ranked", "CIC")
        assert [s.title for s in d.steps] == [
            "Test staff appetite",
            "Ask the pension fund for a view",
            "Plan the staff transfer",
        ]

    def test_between_names_the_unknown_answers_that_decide_it(self, rq: Questionnaire) -> None:
        result = result_for("between")
        v = build_report(result, rq).decision.verdict
        assert v.status == "between"
        assert v.label == "Between Strong and Unsuitable"
        assert v.tone == "unknown"
        assert v.meaning is None
        # Top 3 in the verdict's own order, with their prompts.
        assert [x.question.id for x in v.deciding] == result.verdict.deciding[:3]
        assert v.deciding[0].question.prompt == "How much say will staff have?"
        assert v.deciding[0].could_cap == "could cap the verdict at Unsuitable"
        assert v.deciding_total == len(result.verdict.deciding)
        n = v.score.unknowns
        assert n >= 3
        s = result.verdict.score
        assert v.score.text == (
            f"score {number(s.point or 0)} (could be {number(s.low or 0)}–{number(s.high or 0)} "
            f"depending on {n} unknown answers)"
        )
        assert v.indicative is not None
        assert v.indicative.startswith("The answers so far point to ")

    def test_possible_caps_would_cap(self, rq: Questionnaire) -> None:
        d = build_report(result_for("between"), rq).decision
        assert [c.status for c in d.caps] == ["possible"]
        assert d.caps[0].text == "Would cap at Unsuitable if this holds: Staff would have no say."
        assert d.caps_more == "And 2 more possible caps: see Red flags and conditions."
        assert d.flags_text == "None raised (2 possible, depending on unknown answers)."

    def test_capped_says_why_and_where_the_score_alone_would_be(self, rq: Questionnaire) -> None:
        d = build_report(result_for("capped"), rq).decision
        assert d.verdict.label == "Promising"
        assert [c.text for c in d.caps] == ["Capped at this band: Consulting staff is not control."]
        assert d.caps[0].cites == (1,)
        assert d.verdict.score_alone == "The score alone would place it in Strong."
        assert d.flags == ()  # the capping warning is shown once, as the cap

    def test_withheld_says_what_has_to_change_first(self, rq: Questionnaire) -> None:
        report = build_report(result_for("withheld"), rq)
        form = report.decision.legal_form
        assert form.status == "withheld"
        # The first change is an action (here worded plainly: the asset has no `action:`),
        # not the rest of the blocker's own message.
        assert form.text == (
            "No legal form is ranked while the blocker above stands; first: Work to change "
            "“How much say will staff have?” from “No say” to “Staff control it”."
        )
        recs = report.recommendations
        assert recs.status == "withheld"
        assert (
            recs.withheld == "No legal form or governance is ranked while the blocker above stands."
        )
        assert (
            recs.first_change[0]
            == "Staff would have no say. Give staff votes or board seats first."
        )
        assert recs.legal_forms == recs.governance == ()

    def test_floor(self, rq: Questionnaire) -> None:
        d = build_report(result_for("floor"), rq).decision
        # The cap that binds hardest is named; the others are counted.
        assert [(c.kind, c.status, c.band) for c in d.caps] == [("floor", "raised", "weak")]
        assert d.caps[0].text.startswith("Capped at this band: Staff scores below its floor of 30")
        assert d.caps[0].text.endswith(".")
        assert d.caps_more == "And 1 more cap: see Red flags and conditions."

    def test_readiness_behind(self, rq: Questionnaire) -> None:
        rd = build_report(with_readiness_behind(result_for("decided")), rq).decision.readiness
        assert rd.status == "behind"
        assert rd.summary.startswith("Behind for Spin out")
        [x] = rd.behind
        assert (x.question.prompt, x.answer, x.expected) == (
            "How far have pensions been settled?",
            "Not started",
            "expected by Spin out: Agreed",
        )

    def test_readiness_not_assessed(self, rq: Questionnaire) -> None:
        rd = build_report(result_for("decided"), rq).decision.readiness
        assert (rd.status, rd.behind) == ("not_assessed", ())
        assert rd.summary == "Readiness not assessed: the stage is not known."


class TestDetails:
    def test_drivers_are_contributions_from_the_neutral_baseline(self, rq: Questionnaire) -> None:
        result = result_for("capped")
        d = build_report(result, rq).drivers
        assert d.baseline is not None
        assert number(result.drivers.baseline or 0) in d.baseline
        expl = {e.id: e for e in result.explanations}
        assert [x.question.id for x in d.helped] == result.drivers.helped
        assert [x.question.id for x in d.held_back] == result.drivers.held_back
        for x in (*d.helped, *d.held_back):
            assert x.amount == points(expl[x.question.id].contribution or 0)
        assert all(x.amount.startswith("+") for x in d.helped)
        assert all(x.amount.startswith("-") for x in d.held_back)

    def test_unknowns_in_the_results_order(self, rq: Questionnaire) -> None:
        result = result_for("between")
        views = build_report(result, rq).unknowns
        assert [u.question.id for u in views] == [u.id for u in result.unknowns]
        first = views[0]
        assert first.deciding
        assert "could cap the verdict at Unsuitable" in first.detail

    def test_sections_show_their_ranges(self, rq: Questionnaire) -> None:
        report = build_report(result_for("between"), rq)
        staff = next(s for s in report.sections if s.id == "staff")
        assert staff.score is not None
        assert not staff.score.exact
        assert staff.score_text == staff.score.short
        assert re.fullmatch(r"[\d.]+ \([\d.]+–[\d.]+\)", staff.score_text)
        assert staff.floor_text == "floor 30"
        # Readiness sections are reported beside the verdict, not among the suitability ones.
        assert [s.id for s in report.sections] == ["staff", "money", "design"]
        assert [s.id for s in report.readiness.sections] == ["transfer"]

    def test_governance_one_per_group(self, rq: Questionnaire) -> None:
        recs = build_report(result_for("decided"), rq).recommendations
        assert [c.title for c in recs.governance] == ["Staff-elected board"]
        assert [c.title for c in recs.governance_not_recommended] == ["Mixed board"]

    def test_what_if_is_worded_as_actions(self, rq: Questionnaire) -> None:
        w = build_report(result_for("capped"), rq).what_if
        assert w.ran
        assert w.scenarios
        actions = [c.action for s in w.scenarios for c in s.changes]
        assert "Bring the unions in" not in actions  # unions are already engaged
        assert all(a for a in actions)
        s = w.scenarios[0]
        assert s.effects == ("Clears the cap: Consulting staff is not control.",)
        assert s.outcome.startswith("The verdict would become Strong")

    def test_the_verdict_band_is_this_band_everywhere_else(self, rq: Questionnaire) -> None:
        """The verdict's label is stated once; the rest says "this band"."""
        report = build_report(result_for("capped"), rq)
        flag = next(f for f in report.conditions if f.id == "consulted_only")
        assert flag.cap_text == "Caps the verdict at this band."

    def test_without_the_questionnaire_bands_are_ids(self) -> None:
        report = build_report(result_for("capped"), None)
        assert report.decision.verdict.label == "Promising"
        assert report.decision.verdict.score_alone == "The score alone would place it in strong."


class TestCitations:
    def test_numbered_in_reading_order(self, rq: Questionnaire) -> None:
        report = build_report(result_for("withheld"), rq)
        # The blocker on the first screen cites the guide and the act: [1, 2].
        assert report.decision.caps[0].cites == (1, 2)
        assert [s.id for s in report.sources[:2]] == ["guide", "act"]
        assert [s.number for s in report.sources] == list(range(1, len(report.sources) + 1))

    def test_full_appendix_lists_every_source_of_the_result(self, rq: Questionnaire) -> None:
        result = result_for("decided")
        report = build_report(result, rq)
        assert {s.id for s in report.sources} >= {s.id for s in result.sources}
        guide = next(s for s in report.sources if s.id == "guide")
        assert (guide.title, guide.publisher, guide.year, guide.url) == (
            "Introduction to public service mutuals",
            "GOV.UK (Cabinet Office)",
            "2023",
            "https://www.gov.uk/guidance/introduction-to-public-service-mutuals",
        )
        assert guide.byline == "GOV.UK (Cabinet Office), 2023"

    def test_terminal_scope_numbers_only_what_it_shows(self, rq: Questionnaire) -> None:
        """Raised flags, the legal forms it details and governance: a short list."""
        result = result_for("decided")
        full = build_report(result, rq)
        short = build_report(result, rq, scope="terminal")
        assert len(short.sources) < len(full.sources)
        assert [s.id for s in short.sources] == ["act"]  # CIC's own; reasons are not cited
        assert all(a.cites == () for t in short.answers for g in t.sections for a in g.answers)
        assert all(c.cites == () for st in short.next_steps for c in st.steps)


# --------------------------------------------------------------------------- Markdown


class TestMarkdown:
    def test_decision_first_then_details(self, rq: Questionnaire) -> None:
        text = md_render.render_markdown(result_for("capped"), rq)
        assert [line[3:] for line in text.splitlines() if line.startswith("## ")] == list(
            HEADINGS.values()
        )
        decision = text.split("## Decision\n", 1)[1].split("\n## ", 1)[0]
        found = [decision.index(f"**{label}:**") for label in DECISION_LABELS.values()]
        assert found == sorted(found)
        assert text.startswith(
            "# Public service mutual assessment\n\n**Day services, Anytown Council**\n\n## Decision\n"
        )
        check_markdown(text, _source_urls(result_for("capped"), rq))

    def test_ranges_are_plain(self, rq: Questionnaire) -> None:
        result = result_for("between")
        text = md_render.render_markdown(result, rq)
        s = result.verdict.score
        n = build_report(result, rq).verdict.score.unknowns
        assert (
            f"**Verdict:** **Between Strong and Unsuitable**, score {number(s.point or 0)} "
            f"(could be {number(s.low or 0)}–{number(s.high or 0)} depending on {n} unknown "
            "answers).\n"
        ) in text
        assert "The answers so far point to " in text
        assert (
            "\n- Would cap at Unsuitable if this holds: Staff would have no say. \\[1, 2\\]\n"
            in text
        )

    def test_withheld_and_what_if_as_actions(self, rq: Questionnaire) -> None:
        text = md_render.render_markdown(result_for("withheld"), rq)
        assert (
            "**Legal form:** No legal form is ranked while the blocker above stands; first: Work "
            "to change “How much say will staff have?” from “No say” to “Staff control it”.\n"
        ) in text
        assert "### What would have to change first\n" in text
        what_if = text.split("## What could change the verdict\n", 1)[1].split("\n## ", 1)[0]
        assert re.search(r"^1\. \S", what_if, flags=re.M)
        assert "from “" not in what_if or "Work to change" in what_if  # the engine's own words

    def test_readiness_section(self, rq: Questionnaire) -> None:
        text = md_render.render_markdown(with_readiness_behind(result_for("decided")), rq)
        assert "**Readiness:** Behind for Spin out" in text
        assert (
            "- Q7 How far have pensions been settled?: Not started, behind (expected by Spin "
            "out: Agreed)"
        ) in text
        section = text.split("## Readiness for the stage\n", 1)[1].split("\n## ", 1)[0]
        assert "| Staff transfer |" in section

    def test_appendix_has_publisher_year_and_url(self, rq: Questionnaire) -> None:
        text = md_render.render_markdown(result_for("decided"), rq)
        appendix = text.split("## Appendix: sources\n", 1)[1].split("\n## ", 1)[0]
        assert (
            "Introduction to public service mutuals. GOV.UK (Cabinet Office), 2023. "
            "<https://www.gov.uk/guidance/introduction-to-public-service-mutuals>"
        ) in appendix
        assert "Pensions and staff transfer. Local Government Association, 2021." in appendix

    def test_deterministic_but_for_timestamp(self, rq: Questionnaire) -> None:
        a = md_render.render_markdown(result_for("decided"), rq)
        assert a == md_render.render_markdown(result_for("decided"), rq)
        b = md_render.render_markdown(result_for("decided", timestamp="2030-01-01T00:00:00Z"), rq)
        diff = [(x, y) for x, y in zip(a.splitlines(), b.splitlines(), strict=True) if x != y]
        assert diff == [
            ("| Produced at | 2026-11-25T10:00:00Z |", "| Produced at | 2030-01-01T00:00:00Z |")
        ]

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_service_name_stays_text(self, rq: Questionnaire, name: str) -> None:
        """A service name cannot add HTML, links, images, table cells or blocks."""
        result = _with_metadata(result_for("decided"), service=name)
        text = md_render.render_markdown(result, rq)
        tokens = check_markdown(text, _source_urls(result, rq))
        flat = " ".join(text_lines(name))
        cells = [t.content for t in tokens if t.type == "text"]
        assert flat in cells  # the Service cell of the facts table, whole
        assert _prose(text).count(flat) >= 2  # and the subtitle

    def test_hostile_note_stays_in_its_paragraph(self, rq: Questionnaire) -> None:
        note = "first\n\n- list\n1. ordered\n> quote\n===\n# heading\n<div>raw</div>\n```"
        plain = md_render.render_markdown(result_for("decided"), rq)
        text = md_render.render_markdown(_with_metadata(result_for("decided"), notes=note), rq)
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
        *"ab 1.-+=>#*_`[]()<>!|~$&;\\\n:/\"'{}^@%\t\u00a0é\x1b\x9b",
        "&amp;",
        "&#60;",
        "&#x41;",
        "www.",
        "http://",
        "\x1b]8;;",
        "\x1b[2J",
    ]
)
_USER_TEXT = st.lists(_PIECES, max_size=30).map("".join)


class TestEscapingProperties:
    @settings(max_examples=300, deadline=None)
    @given(_USER_TEXT)
    def test_markdown_inline_shows_the_text(self, s: str) -> None:
        """Any user text, escaped with md(), reads back as itself (cleaned)."""
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
        assert "\x1b" not in item

    @settings(max_examples=300, deadline=None)
    @given(_USER_TEXT)
    def test_html_shows_the_text(self, s: str) -> None:
        c = check_html(f"<p>{html_render.e_block(s)}</p><p>{html_render.e(s)}</p>")
        assert [tag for tag, _ in c.starts] == ["p", *["br"] * max(0, len(text_lines(s)) - 1), "p"]
        assert "".join(c.data) == "".join(text_lines(s)) + " ".join(text_lines(s))


# --------------------------------------------------------------------------- HTML


class TestHtml:
    def test_well_formed_and_self_contained(self, rq: Questionnaire) -> None:
        result = result_for("between")
        page = html_render.render_html(result, rq)
        check_self_contained(page, _source_urls(result, rq))
        assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
        assert "Content-Security-Policy" in page

    def test_decision_first_then_details(self, rq: Questionnaire) -> None:
        page = html_render.render_html(result_for("capped"), rq)
        assert re.findall(r"<h2>(.*?)</h2>", page) == [html.escape(h) for h in HEADINGS.values()]
        assert '<div class="verdict-box tone-middle"><p class="band">Promising</p>' in page
        decision = page.split('<section id="decision">', 1)[1].split("</section>", 1)[0]
        found = [
            decision.index(f"<dt>{label}</dt>") for label in list(DECISION_LABELS.values())[1:]
        ]
        assert found == sorted(found)
        assert "Capped at this band: Consulting staff is not control." in decision

    def test_ranges_and_range_bars(self, rq: Questionnaire) -> None:
        page = html_render.render_html(result_for("between"), rq)
        assert re.search(
            r"Score [\d.]+ \(could be [\d.]+–[\d.]+ depending on \d+ unknown answers\)\.", page
        )
        assert '<rect class="range"' in page
        assert '<rect class="point"' in page

    def test_prints_on_a4(self, rq: Questionnaire) -> None:
        page = html_render.render_html(result_for("decided"), rq)
        assert "size: A4;" in page
        assert "@media print" in page
        assert "break-inside: avoid" in page

    def test_deterministic_but_for_timestamp(self, rq: Questionnaire) -> None:
        a = html_render.render_html(result_for("decided"), rq)
        assert a == html_render.render_html(result_for("decided"), rq)
        b = html_render.render_html(result_for("decided", timestamp="2030-01-01"), rq)
        assert a.replace("2026-11-25T10:00:00Z", "2030-01-01") == b

    @pytest.mark.parametrize("name", HOSTILE)
    def test_hostile_strings_are_escaped(self, rq: Questionnaire, name: str) -> None:
        result = _with_metadata(result_for("decided"), service=name, notes=name)
        page = html_render.render_html(result, rq)
        c = check_self_contained(page, _source_urls(result, rq))
        text = "".join(c.data)
        assert " ".join(text_lines(name)) in text
        for line in text_lines(name):
            assert line in text
        assert "<script" not in page.lower().replace("&lt;script", "")

    def test_only_safe_source_urls_are_links(self) -> None:
        r = result_for("decided").model_copy(
            update={
                "sources": [
                    SourceRef(id="guide", title="ok", url="https://www.gov.uk/x"),
                    SourceRef(id="bad", title="bad", url="javascript:alert(1)"),
                ]
            }
        )
        page = html_render.render_html(r, None)
        c = check_self_contained(page, {"https://www.gov.uk/x"})
        hrefs = [
            a["href"] for tag, a in c.starts if tag == "a" and not (a["href"] or "").startswith("#")
        ]
        assert hrefs == ["https://www.gov.uk/x"]
        assert "javascript:alert(1)" in "".join(c.data)
        text = md_render.render_markdown(r, None)
        check_markdown(text, {"https://www.gov.uk/x"})
        assert "<https://www.gov.uk/x>" in text

    def test_internal_links_resolve(self, rq: Questionnaire) -> None:
        page = html_render.render_html(result_for("between"), rq)
        c = check_html(page)
        ids = {a["id"] for _, a in c.starts if a.get("id")}
        targets = {
            (a["href"] or "")[1:] for _, a in c.starts if (a.get("href") or "").startswith("#")
        }
        assert targets
        assert targets <= ids


# --------------------------------------------------------------------------- examples


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_reports(path: Any) -> None:
    """Every example renders to safe, well-formed, deterministic Markdown and HTML."""
    result, q = example(path.stem)
    urls = _source_urls(result, q)
    page = html_render.render_html(result, q)
    text = md_render.render_markdown(result, q)
    check_self_contained(page, urls)
    check_markdown(text, urls)
    assert page == html_render.render_html(result, q)
    assert text == md_render.render_markdown(result, q)
    explained = [e for e in result.explanations if e.status != "not_applicable"]
    for e in explained:
        assert f'id="q-{e.id}"' in page
    assert len(re.findall(r"^\*\*Q\d+ ", text, flags=re.M)) == len(explained)
    # The decision comes first and the full appendix lists every source of the result.
    assert text.index("## Decision") < text.index("## About this assessment")
    appendix = text.split("## Appendix: sources\n", 1)[1]
    for s in result.sources:
        assert md_render.md(s.title) in appendix


def test_every_case_renders(rq: Questionnaire) -> None:
    for case in CASES:
        result = result_for(case)
        check_markdown(md_render.render_markdown(result, rq), _source_urls(result, rq))
        check_self_contained(html_render.render_html(result, rq), _source_urls(result, rq))

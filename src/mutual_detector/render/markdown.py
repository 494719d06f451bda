"""The committee report as Markdown (CommonMark with GitHub tables).

:func:`render_markdown` returns text; only the CLI writes it. The content and
its order come from :mod:`mutual_detector.render.report_model`; this module
lays it out and escapes every string that is not ours, so a service called
``| *x* [a](javascript:..)`` stays plain text and cannot break a table, start
a list, make a link or inject HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result
from mutual_detector.render.report_model import (
    HEADINGS,
    PHRASES,
    SECTION_COLUMNS,
    AnswerView,
    CandidateView,
    FlagView,
    QuestionLink,
    ReasonView,
    Report,
    build_report,
    text_bar,
    text_lines,
)

# Characters that start inline constructs anywhere in a line: escapes, code,
# emphasis, links and images, raw HTML and autolinks, GFM tables,
# strikethrough, maths, heading closers.
_INLINE = re.compile(r"([\\`*_\[\]<|~$#])")
# An entity or numeric reference such as &amp; or &#60; would be decoded.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Block constructs that only count at the start of a line.
_LINE_START = re.compile(r"^([>+=-]|\d{1,9}(?=[.)]))")


def _escape_line(line: str, line_start: bool) -> str:
    line = _INLINE.sub(r"\\\1", line)
    line = _ENTITY.sub(r"\\&", line)
    if line_start:
        m = _LINE_START.match(line)
        if m:
            mark = m.group(1)
            line = (mark + "\\" if mark[0].isdigit() else "\\" + mark) + line[m.end() :]
    return line


def md(value: str) -> str:
    """User text on one line, escaped for use inside a line (table cell, list item, heading)."""
    return " ".join(_escape_line(line, False) for line in text_lines(value))


def md_block(value: str, indent: int = 0, *, line_start: bool = False) -> str:
    """User text that may span lines: escaped lines joined with hard line breaks.

    ``indent`` is the column of the enclosing list item's content, so that the
    following lines stay inside it; ``line_start`` says the text begins a line
    (a paragraph of its own), where ``-``, ``>``, ``1.`` and the like start blocks.
    """
    lines = text_lines(value)
    return ("\\\n" + " " * indent).join(
        _escape_line(line, line_start or i > 0) for i, line in enumerate(lines)
    )


def _bold(escaped: str) -> str:
    """Strong emphasis around escaped text (nothing if it is empty: ``****`` is a rule)."""
    return f"**{escaped}**" if escaped else ""


def _cites(numbers: Iterable[int]) -> str:
    nums = list(numbers)
    return f" \\[{', '.join(str(n) for n in nums)}\\]" if nums else ""


def _q(link: QuestionLink) -> str:
    return f"{link.label} {md(link.prompt)}"


def _reason(r: ReasonView) -> str:
    points = f" ({r.points})" if r.points else ""
    return f"{md(r.text)}{points}{_cites(r.cites)}"


def _table(header: list[str], align: list[str], rows: Iterable[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def block(self, *lines: str) -> None:
        """A block (paragraph, list, table, heading) with a blank line before it."""
        if self.lines:
            self.lines.append("")
        self.lines.extend(lines)

    def heading(self, level: int, title: str) -> None:
        self.block("#" * level + " " + title)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _reasons(c: CandidateView, indent: str) -> list[str]:
    return [f"{indent}- {r.label}: {_reason(r)}" for r in c.reasons]


def _candidate(w: _Writer, c: CandidateView, level: int) -> None:
    rank = f"{c.rank}. " if c.rank is not None else ""
    w.heading(level, f"{rank}{md(c.title)} (score {c.score_text})")
    if c.summary:
        w.block(md_block(c.summary, line_start=True) + _cites(c.cites))
    elif c.cites:
        w.block(PHRASES["sources"] + ":" + _cites(c.cites))
    if c.reasons:
        w.block(*_reasons(c, ""))


def _candidate_item(c: CandidateView, with_score: bool) -> list[str]:
    score = f" (score {c.score_text})" if with_score else ""
    head = f"- {_bold(md(c.title))}{score}"
    if c.summary:
        head += f": {md(c.summary)}"
    return [head + _cites(c.cites), *_reasons(c, "  ")]


def _items(candidates: Iterable[CandidateView], with_score: bool) -> list[str]:
    return [line for c in candidates for line in _candidate_item(c, with_score)]


def _flag(f: FlagView) -> str:
    cap = f" {md(f.cap_text)}" if f.cap_text else ""
    return f"- {md(f.message)}{cap}{_cites(f.cites)}"


def _answer(w: _Writer, a: AnswerView) -> None:
    w.block(_bold(_q(a.question)))
    items = [f"- {label}: {md_block(value, 2)}" for label, value in a.details()]
    if a.cites:
        items.append(f"- {PHRASES['sources']}:" + _cites(a.cites))
    w.block(*items)


def _sections(report: Report) -> list[str]:
    rows: list[list[str]] = []
    blank = [""] * (len(SECTION_COLUMNS) - 1)
    for topic, sections in report.section_groups():
        if topic:
            rows.append([_bold(md(topic)), *blank])
        rows.extend(
            [
                md(s.title),
                s.weight,
                (text_bar(s.score) + " " + md(s.score_text)).strip(),
                s.answered_text,
                str(s.answered),
                str(s.open),
                str(s.not_applicable),
            ]
            for s in sections
        )
    header = [title for title, _ in SECTION_COLUMNS]
    align = ["---:" if num else "---" for _, num in SECTION_COLUMNS]
    return _table(header, align, rows)


def _decision(w: _Writer, report: Report) -> None:
    d, v = report.decision, report.verdict
    w.heading(2, HEADINGS["decision"])
    score = f"Score {md(v.score_text)} out of 100, {md(v.answered_text)} of it answered"
    if report.score_alone and report.score_alone != d.headline:
        score += f"; the score alone would be {md(report.score_alone)}"
    w.block(_bold(md(d.headline)) + "\\", score + ".")
    if d.meaning:
        w.block(md_block(d.meaning, line_start=True))
    if d.deciding:
        w.block(PHRASES["settle"])
        w.block(*(f"- {_q(q)}" for q in d.deciding))
    if d.caps:
        w.block(*(f"- {md(c)}" for c in d.caps))
    if d.top_flags:
        w.block(PHRASES["top_flags"])
        w.block(*(_flag(f) for f in d.top_flags))
    w.block(_bold(HEADINGS["readiness"] + ":") + " " + md(d.readiness))
    if d.withheld:
        w.block(PHRASES["withheld"] + " " + md(d.withheld[0]))
        if d.first_change:
            w.block(PHRASES["first_change"])
            w.block(*(f"- {md(c)}" for c in d.first_change))
    elif d.legal_form:
        w.block(PHRASES["best_form"] + " " + _bold(md(d.legal_form)))
    if d.first_steps:
        w.block(PHRASES["first_steps"])
        w.block(*(f"{n}. {md(step)}" for n, step in enumerate(d.first_steps, start=1)))
    if d.scope:
        w.block("_" + md(PHRASES["scope_prefix"] + d.scope) + "_")


def _readiness(w: _Writer, report: Report) -> None:
    r = report.readiness
    w.heading(2, HEADINGS["readiness"])
    w.block(md_block(r.summary, line_start=True))
    if r.items:
        w.block(PHRASES["readiness_items"])
        rows = (
            [
                _q(i.question),
                md(i.status),
                md(i.expected or "-"),
                md(i.answer or "-"),
            ]
            for i in r.items
        )
        w.block(*_table(["Question", "Status", "Expected", "Answer"], ["---"] * 4, rows))


def render_report(report: Report) -> str:
    """The Markdown text of a built report: the decision first, then the details."""
    w = _Writer()
    w.heading(1, report.title)
    if report.subtitle:
        w.block(_bold(md(report.subtitle)))

    _decision(w, report)

    w.heading(2, HEADINGS["about"])
    w.block(*_table(["Item", "Detail"], ["---", "---"], ([md(k), md(v)] for k, v in report.facts)))
    if report.assessor_notes:
        w.block(_bold(PHRASES["assessor_notes"]) + " " + md_block(report.assessor_notes))

    v = report.verdict
    w.heading(2, HEADINGS["verdict"])
    if v.summary:
        w.block(md_block(v.summary, line_start=True))
    if v.notes:
        w.block(*(f"- {md(n)}" for n in v.notes))
    if v.deciding:
        w.block(PHRASES["settle"])
        w.block(*(f"- {_q(q)}" for q in v.deciding))
    if report.warnings:
        w.block(PHRASES["warnings"])
        w.block(*(f"- {md(x)}" for x in report.warnings))

    w.heading(2, HEADINGS["sections"])
    w.block(*_sections(report))
    w.block(PHRASES["confidence_note"])

    _readiness(w, report)

    w.heading(2, HEADINGS["flags"])
    if not report.flag_count:
        w.block(PHRASES["no_flags"])
    for title, flags in report.flag_groups():
        w.heading(3, title)
        w.block(*(_flag(f) for f in flags))

    w.heading(2, HEADINGS["legal_forms"])
    if report.decision.withheld:
        w.block(PHRASES["withheld"] + " " + md(report.decision.withheld[0]))
    elif report.legal_forms:
        w.block(PHRASES["forms_intro"])
        for c in report.legal_forms:
            _candidate(w, c, 3)
    else:
        w.block(PHRASES["no_forms"])
    if report.excluded_forms:
        w.heading(3, PHRASES["ruled_out"])
        w.block(*_items(report.excluded_forms, False))

    w.heading(2, HEADINGS["governance"])
    if report.decision.withheld:
        w.block(PHRASES["withheld"] + " " + md(report.decision.withheld[0]))
    else:
        if report.governance:
            w.heading(3, PHRASES["recommended"])
            w.block(*_items(report.governance, True))
        else:
            w.block(PHRASES["no_governance"])
        if report.governance_not_recommended:
            w.heading(3, PHRASES["not_recommended"])
            w.block(*_items(report.governance_not_recommended, True))

    w.heading(2, HEADINGS["what_if"])
    wi = report.what_if
    w.heading(3, PHRASES["scenarios"])
    if wi.goal:
        w.block(md_block(wi.goal, line_start=True))
    for n, s in enumerate(wi.scenarios, start=1):
        lines = [f"{n}. {md(s.outcome)}"]
        lines += [
            f"   - {md(c.action)} ({_q(c.question)}: from “{md(c.before)}” to “{md(c.after)}”)"
            for c in s.changes
        ]
        lines += [f"   - {md(e)}" for e in s.effects]
        w.block(*lines)
    for note in wi.notes:
        w.block(md_block(note, line_start=True))
    w.heading(3, PHRASES["robustness"])
    w.block(md_block(report.robustness, line_start=True))
    if report.sensitivities:
        w.block(*(f"- {md(x)}" for x in report.sensitivities))
    if report.drivers_up or report.drivers_down:
        w.heading(3, PHRASES["drivers"])
        for phrase, drivers in (("helped", report.drivers_up), ("held_back", report.drivers_down)):
            if drivers:
                w.block(PHRASES[phrase])
                w.block(*(f"- {_q(d.question)} ({md(d.amount)})" for d in drivers))
    if report.open_questions:
        w.heading(3, PHRASES["open"])
        w.block(
            *(f"- {_q(o.question)} — {md(o.reason)} ({md(o.share)})" for o in report.open_questions)
        )

    w.heading(2, HEADINGS["next_steps"])
    if not report.next_steps:
        w.block(PHRASES["no_steps"])
    for stage in report.next_steps:
        w.heading(3, md(stage.title))
        w.block(*_items(stage.steps, False))

    w.heading(2, HEADINGS["answers"])
    w.block(PHRASES["answers_intro"])
    for topic in report.answers:
        if topic.title:
            w.heading(3, md(topic.title))
        for g in topic.sections:
            w.heading(4, md(g.section))
            if g.intro:
                w.block(md_block(g.intro, line_start=True))
            for a in g.answers:
                _answer(w, a)
            if g.not_applicable:
                w.block(PHRASES["did_not_apply"])
                w.block(*(f"- {_q(q)}" for q in g.not_applicable))

    w.heading(2, HEADINGS["sources"])
    if not report.sources:
        w.block(PHRASES["no_sources"])
    items = []
    for src in report.sources:
        line = f"{src.number}. {md(src.citation)}"
        if src.url:
            line += f" <{src.url}>"
        elif src.raw_url:
            line += f" ({md(src.raw_url)})"
        if src.note:
            line += f"\\\n   {md(src.note)}"
        items.append(line)
    if items:
        w.block(*items)

    w.heading(2, HEADINGS["colophon"])
    w.block(
        *_table(["Item", "Detail"], ["---", "---"], ([md(k), md(v)] for k, v in report.colophon))
    )
    return w.text()


def render_markdown(result: Result, questionnaire: Questionnaire | None = None) -> str:
    """The committee report for ``result`` as Markdown text."""
    return render_report(build_report(result, questionnaire))


__all__ = ["md", "md_block", "render_markdown", "render_report"]

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
    DECISION_LABELS,
    HEADINGS,
    PHRASES,
    SECTION_COLUMNS,
    AnswerView,
    CandidateView,
    ExpectationView,
    FlagView,
    QuestionLink,
    ReasonView,
    Report,
    SectionRow,
    build_report,
    number,
    text_bar,
)
from mutual_detector.render.safe import text_lines

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


def _answer(w: _Writer, a: AnswerView) -> None:
    w.block(_bold(_q(a.question)))
    items = [f"- {label}: {md_block(value, 2)}" for label, value in a.details()]
    if a.cites:
        items.append(f"- {PHRASES['sources']}:" + _cites(a.cites))
    w.block(*items)


def _sections(rows: tuple[SectionRow, ...], grouped: bool = True) -> list[str]:
    out: list[list[str]] = []
    blank = [""] * (len(SECTION_COLUMNS) - 1)
    topic = None
    for s in rows:
        if grouped and s.topic and s.topic != topic:
            out.append([_bold(md(s.topic)), *blank])
        topic = s.topic
        point = s.score.point if s.score is not None else None
        score = (
            text_bar(point) + " " + (number(point) if point is not None else s.score_text)
        ).strip()
        if s.floor_text:
            score += f" ({s.floor_text})"
        out.append(
            [
                md(s.title),
                s.weight,
                score,
                s.score.range_text if s.score is not None else "",
                s.answered_text,
                str(s.open),
                str(s.not_applicable),
            ]
        )
    header = [title for title, _ in SECTION_COLUMNS]
    align = ["---:" if num else "---" for _, num in SECTION_COLUMNS]
    return _table(header, align, out)


def _label(key: str) -> str:
    return _bold(DECISION_LABELS[key] + ":")


def _decision(w: _Writer, report: Report) -> None:
    d = report.decision
    v = d.verdict
    w.heading(2, HEADINGS["decision"])
    w.block(f"{_label('verdict')} {_bold(md(v.label))}, {md(v.score.text)}.")
    if v.meaning:
        w.block(PHRASES["meaning"] + " " + md_block(v.meaning))
    if v.indicative:
        w.block(md(v.indicative) + (" " + PHRASES["deciding"] if v.deciding else ""))
    if v.deciding:
        items = [
            f"- {_q(x.question)} ({md(x.reason)}"
            + (f"; {md(x.could_cap)})" if x.could_cap else ")")
            for x in v.deciding
        ]
        more = v.deciding_total - len(v.deciding)
        if more > 0:
            items.append(f"- and {more} more (see {HEADINGS['unknowns']})")
        w.block(*items)
    if d.caps or v.score_alone:
        items = [f"- {md(c.text)}{_cites(c.cites)}" for c in d.caps]
        if d.caps_more:
            items.append(f"- {md(d.caps_more)}")
        if v.score_alone:
            items.append(f"- {md(v.score_alone)}")
        w.block(_label("cap"))
        w.block(*items)
    if d.flags:
        w.block(_label("flags"))
        items = [f"- {f.tag}: {md(f.short)}{_cites(f.cites)}" for f in d.flags]
        if d.flags_text:
            items.append(f"- {md(d.flags_text)}")
        w.block(*items)
    else:
        w.block(f"{_label('flags')} {md(d.flags_text or PHRASES['no_flags'])}")
    rd = d.readiness
    w.block(f"{_label('readiness')} {md(rd.summary)}")
    if rd.behind:
        w.block(*(_expectation(x) for x in rd.behind))
    form = d.legal_form
    line = f"{_label('legal_form')} {md(form.text)}{_cites(form.cites)}"
    if form.also:
        line += " (next best: " + "; ".join(md(x) for x in form.also) + ")"
    w.block(line)
    if d.steps:
        w.block(_label("next_steps"))
        w.block(
            *(
                f"{n}. {md(s.title)} ({md(s.stage)}){_cites(s.cites)}"
                for n, s in enumerate(d.steps, start=1)
            )
        )
    else:
        w.block(f"{_label('next_steps')} {PHRASES['no_steps']}")


def _expectation(x: ExpectationView) -> str:
    expected = f" ({md(x.expected)})" if x.expected else ""
    return f"- {_q(x.question)}: {md(x.answer)}, {md(x.status_text)}{expected}"


def _flag_item(f: FlagView, full: bool = True) -> str:
    text = md(f.message) if full else md(f.short)
    cap = f" {md(f.cap_text)}" if f.cap_text else ""
    depends = f" (depends on {', '.join(q.label for q in f.depends)})" if f.depends else ""
    tag = f"{f.tag[:1].upper()}{f.tag[1:]}: " if f.status == "possible" else ""
    return f"- {tag}{text}{_cites(f.cites)}{cap}{depends}"


def render_report(report: Report) -> str:
    """The Markdown text of a built report."""
    w = _Writer()
    w.heading(1, report.title)
    if report.subtitle:
        w.block(_bold(md(report.subtitle)))
    if report.draft:
        w.block("These answers are a draft: the assessment was not finished.")

    _decision(w, report)

    w.heading(2, HEADINGS["about"])
    w.block(*_table(["Item", "Detail"], ["---", "---"], ([md(k), md(v)] for k, v in report.facts)))
    if report.assessor_notes:
        w.block(_bold(PHRASES["assessor_notes"]) + " " + md_block(report.assessor_notes))
    if report.warnings:
        w.block(PHRASES["warnings"])
        w.block(*(f"- {md(x)}" for x in report.warnings))

    w.heading(2, HEADINGS["sections"])
    w.block(*_sections(report.sections))
    w.block(PHRASES["sections_note"])

    d = report.drivers
    w.heading(2, HEADINGS["drivers"])
    if d.baseline:
        w.block(md_block(d.baseline, line_start=True))
    if not d.helped and not d.held_back:
        w.block(PHRASES["no_drivers"])
    for phrase, drivers in (("helped", d.helped), ("held_back", d.held_back)):
        if drivers:
            w.block(PHRASES[phrase])
            w.block(
                *(
                    f"- {x.amount} {_q(x.question)}" + (f" ({md(x.answer)})" if x.answer else "")
                    for x in drivers
                )
            )

    w.heading(2, HEADINGS["unknowns"])
    if not report.unknowns:
        w.block(PHRASES["no_unknowns"])
    else:
        w.block(
            *(
                f"- {_q(u.question)}: {md(u.reason)}" + (f" ({md(u.detail)})" if u.detail else "")
                for u in report.unknowns
            )
        )

    w.heading(2, HEADINGS["flags"])
    if not report.flag_count:
        w.block(PHRASES["no_flags"])
    for title, flags in report.flag_groups():
        w.heading(3, title)
        w.block(*(_flag_item(f) for f in flags))

    rd = report.readiness
    w.heading(2, HEADINGS["readiness"])
    w.block(md_block(rd.summary, line_start=True))
    if rd.expectations:
        w.heading(3, PHRASES["expectations"])
        w.block(*(_expectation(x) for x in rd.expectations))
    if rd.sections:
        w.block(*_sections(rd.sections, grouped=False))

    recs = report.recommendations
    w.heading(2, HEADINGS["legal_forms"])
    if recs.status == "withheld":
        w.block(md_block(recs.withheld or "", line_start=True))
        if recs.first_change:
            w.heading(3, PHRASES["first_change"])
            w.block(*(f"- {md(x)}" for x in recs.first_change))
    elif recs.legal_forms:
        w.block(PHRASES["forms_intro"])
        for c in recs.legal_forms:
            _candidate(w, c, 3)
    else:
        w.block(PHRASES["no_forms"])
    if recs.excluded_forms:
        w.heading(3, PHRASES["ruled_out"])
        w.block(*_items(recs.excluded_forms, False))

    w.heading(2, HEADINGS["governance"])
    if recs.status == "withheld":
        w.block(md_block(recs.withheld or "", line_start=True))
    elif recs.governance:
        w.heading(3, PHRASES["recommended"])
        w.block(*_items(recs.governance, True))
    else:
        w.block(PHRASES["no_governance"])
    if recs.governance_not_recommended:
        w.heading(3, PHRASES["not_recommended"])
        w.block(*_items(recs.governance_not_recommended, True))

    w.heading(2, HEADINGS["next_steps"])
    if not report.next_steps:
        w.block(PHRASES["no_steps"])
    for stage in report.next_steps:
        w.heading(3, md(stage.title))
        w.block(*_items(stage.steps, False))

    w.heading(2, HEADINGS["what_if"])
    wi = report.what_if
    if wi.goal:
        w.block(md_block(wi.goal, line_start=True))
    for n, s in enumerate(wi.scenarios, start=1):
        lines = [f"{n}. {md(s.changes[0].action) if s.changes else ''}"]
        lines += [f"   - and {md(c.action)}" for c in s.changes[1:]]
        lines += [f"   - {md(s.outcome)}"]
        lines += [f"   - {md(e)}" for e in s.effects]
        w.block(*lines)
    for note in wi.notes:
        w.block(md_block(note, line_start=True))

    rb = report.robustness
    w.heading(2, HEADINGS["robustness"])
    w.block(md_block(rb.summary, line_start=True))
    if rb.margin:
        w.block(md_block(rb.margin, line_start=True))
    if rb.sensitivities:
        w.block(*(f"- {md(x)}" for x in rb.sensitivities))

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
        line = f"{src.number}. {md(src.title)}"
        if src.byline:
            line += ("" if src.title.endswith(".") else ".") + f" {md(src.byline)}."
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

"""A result as a terminal report, laid out with rich.

The first screen is the decision (:class:`~mutual_detector.render.report_model.Decision`):
the verdict, stated once, any cap and why, the top red flags, readiness
against the stage, the best-fitting legal form (or why none is ranked) and
the next three steps. The details follow: section scores with their ranges,
what moved the score, unknown answers, every flag, readiness, legal forms,
governance, next steps, what-if, robustness, the answers, and a short
numbered list of the sources cited on the page.

:func:`renderable` builds the report as a rich renderable; :func:`render_text`
prints it to an in-memory console of a fixed width and returns the text (with
ANSI styles only if ``color``). Only the CLI writes it. Lines wrap between
words at any width from 40 columns up; every string that comes from the
answers or the questionnaire is cleaned of control characters first
(:mod:`mutual_detector.render.safe`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from mutual_detector.render.console import text_console
from mutual_detector.render.report_model import (
    DECISION_LABELS,
    HEADINGS,
    PHRASES,
    CandidateView,
    Decision,
    FlagView,
    QuestionLink,
    Report,
    ScoreView,
    SectionRow,
    build_report,
    range_cells,
)
from mutual_detector.render.safe import one_line

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Result

BAR: Final = 20
#: Legal forms shown with their reasons; the rest are listed by name.
TOP_FORMS: Final = 3
#: Unknown answers listed; the rest are counted.
UNKNOWNS_SHOWN: Final = 10
#: Characters of the assessor's notes on the whole assessment shown under the title.
NOTES_SHOWN: Final = 160
#: Below this width the decision stacks its labels above their text, and the section
#: table drops its bars and weights.
NARROW: Final = 64
#: Below this width section scores are a list, not a table.
STACKED: Final = 56
_LABEL: Final = 11
_TONE_STYLE: Final = {
    "good": "bold green",
    "middle": "bold yellow",
    "bad": "bold red",
    "unknown": "bold magenta",
}
_SEVERITY_STYLE: Final = {"blocker": "bold red", "warning": "bold yellow", "info": "bold blue"}


def _clip(value: str, most: int = 80) -> str:
    """``value`` cut between words to at most ``most`` characters, with "…" when cut."""
    value = one_line(value)
    if len(value) <= most:
        return value
    return value[: most - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _t(value: str | None, style: str = "") -> Text:
    """Text from the answers or the questionnaire: cleaned, on one line, styled."""
    return Text(one_line(value), style=style)


def _cites(numbers: Iterable[int]) -> str:
    nums = list(numbers)
    return f" [{', '.join(str(n) for n in nums)}]" if nums else ""


def _qs(links: Sequence[QuestionLink]) -> str:
    return ", ".join(q.label for q in links)


def _indent(renderable: RenderableType, n: int = 2) -> Padding:
    return Padding(renderable, (0, 0, 0, n))


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _item(marker: str | Text, body: Text | RenderableType, indent: int = 2) -> RenderableType:
    """A list item whose wrapped lines hang under its text, not under its marker."""
    mark = marker if isinstance(marker, Text) else Text(marker)
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=max(1, mark.cell_len), no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(mark, body)
    return _indent(grid, indent) if indent else grid


def bar(score: ScoreView | None, width: int = BAR) -> Text:
    """A bar for a score and its range: ``█`` sure, ``▒`` could be, ``│`` the point."""
    if score is None or score.low is None or score.point is None or score.high is None:
        return Text("·" * width, style="dim")
    lo, hi, at = range_cells(score.low, score.point, score.high, width)
    out = Text()
    for i in range(width):
        if i == at and score.low != score.high:
            out.append("│", style="bold")
        elif i < lo:
            out.append("█", style="cyan")
        elif i < hi:
            out.append("▒", style="cyan")
        else:
            out.append("·", style="dim")
    return out


# --------------------------------------------------------------------------- header


def _header(report: Report, result: Result) -> RenderableType:
    m = result.metadata
    title = Text("Mutual detector", style="bold")
    if m.service:
        title.append(": ")
        title.append_text(_t(m.service, "bold"))
    lines: list[RenderableType] = [title]
    about = one_line(m.organisation)
    if m.assessor:
        about += (", " if about else "") + f"assessed by {one_line(m.assessor)}"
    if m.date:
        about += (" " if about else "") + f"on {m.date.isoformat()}"
    if about:
        lines.append(Text(about[:1].upper() + about[1:], style="dim"))
    if m.notes:
        notes = one_line(m.notes)
        if len(notes) > NOTES_SHOWN:
            cut = notes[: NOTES_SHOWN - 1].rsplit(" ", 1)[0].rstrip()
            notes = cut + "… (in full in the Markdown and HTML reports)"
        lines.append(Text(f"Notes: {notes}", style="italic"))
    if report.draft:
        lines.append(
            Text("These answers are a draft: the assessment was not finished.", style="yellow")
        )
    return Group(*lines)


# --------------------------------------------------------------------------- the decision


def _field_rows(decision: Decision) -> list[tuple[str, list[RenderableType]]]:
    """(label, lines) of the decision, in order."""
    v = decision.verdict
    rows: list[tuple[str, list[RenderableType]]] = []

    verdict: list[RenderableType] = [Text(v.label, style=_TONE_STYLE[v.tone])]
    line = Text(v.score.text[:1].upper() + v.score.text[1:] + ".")
    verdict.append(line)
    if v.meaning:
        verdict.append(_t(v.meaning))
    if v.indicative:
        line = Text(v.indicative)
        if v.deciding:
            line.append(" " + PHRASES["deciding"])
        verdict.append(line)
    if v.deciding:
        for d in v.deciding:
            body = _t(d.question.prompt)
            body.append(f" ({d.reason})", style="dim")
            verdict.append(_item("•", body, 0))
        more = v.deciding_total - len(v.deciding)
        if more > 0:
            verdict.append(Text(f"and {more} more (see {HEADINGS['unknowns']})", style="dim"))
    rows.append((DECISION_LABELS["verdict"], verdict))

    caps: list[Text] = []
    for c in decision.caps:
        line = _t(c.text, "red" if c.status == "raised" else "")
        line.append(_cites(c.cites), style="dim")
        caps.append(line)
    if decision.caps_more and caps:
        caps[-1].append(" " + decision.caps_more, style="dim")
    if v.score_alone:
        caps.append(Text(v.score_alone))
    if caps:
        rows.append((DECISION_LABELS["cap"], list(caps)))

    flags: list[RenderableType] = []
    for f in decision.flags:
        body = _t(f.short)
        body.append(_cites(f.cites), style="dim")
        flags.append(_item(Text(f.tag, style=_SEVERITY_STYLE[f.severity]), body, 0))
    if decision.flags_text:
        flags.append(Text(decision.flags_text, style="dim" if decision.flags else ""))
    rows.append((DECISION_LABELS["flags"], flags))

    # The gaps themselves head the readiness section: the decision gives the count.
    readiness: list[RenderableType] = [_t(decision.readiness.summary)]
    rows.append((DECISION_LABELS["readiness"], readiness))

    form = decision.legal_form
    rows.append(
        (DECISION_LABELS["legal_form"], [_t(form.text, "bold" if form.status == "ranked" else "")])
    )

    steps: list[RenderableType] = []
    stages = {s.stage for s in decision.steps}
    for n, step in enumerate(decision.steps, start=1):
        body = _t(step.title)
        if len(stages) > 1:
            body.append(f" ({step.stage})", style="dim")
        steps.append(_item(f"{n}.", body, 0))
    if not steps:
        steps.append(Text(PHRASES["no_steps"]))
    rows.append((DECISION_LABELS["next_steps"], steps))
    return rows


def _decision(decision: Decision, width: int) -> RenderableType:
    rows = _field_rows(decision)
    if width < NARROW:
        parts: list[RenderableType] = []
        for label, lines in rows:
            parts.append(Text(label.upper(), style="bold"))
            parts += [_indent(line) for line in lines]
        return Group(*parts)
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=_LABEL - 1, no_wrap=True)
    grid.add_column(overflow="fold")
    for label, lines in rows:
        grid.add_row(Text(label.upper(), style="bold"), Group(*lines))
    return grid


# --------------------------------------------------------------------------- details


def _sections(rows: Sequence[SectionRow], title: str, width: int) -> RenderableType | None:
    rows = [s for s in rows if s.scored]
    if not rows:
        return None
    table: RenderableType
    if width < STACKED:
        items: list[RenderableType] = []
        for s in rows:
            figures = Text(f"{s.score_text}, {s.answered_text} answered", style="dim")
            items += [_indent(_t(s.title)), _indent(figures, 4)]
        table = Group(*items)
    else:
        table = _section_table(rows, width)
    parts: list[RenderableType] = [_heading(title), table]
    floors = [s for s in rows if s.floor_text]
    if floors:
        parts.append(
            _indent(
                Text(
                    "Floors: "
                    + "; ".join(f"{one_line(s.title)} {s.floor_text}" for s in floors)
                    + " (below its floor, a section caps the verdict).",
                    style="dim",
                )
            )
        )
    if any(s.score is not None and not s.score.exact for s in rows):
        parts.append(
            _indent(
                Text(
                    "Score: point estimate (low–high). █ sure  ▒ could be, depending on "
                    "unknown answers  │ point estimate",
                    style="dim",
                )
            )
        )
    return Group(*parts)


def _section_table(rows: Sequence[SectionRow], width: int) -> RenderableType:
    """Section, score (low–high), a bar, the share answered and the weight, as many as fit."""
    texts = [s.score.compact if s.score is not None else s.score_text for s in rows]
    longest = max((len(w) for s in rows for w in one_line(s.title).split()), default=8)
    title_w = min(26, max(14, longest))
    score_w = max(5, *(len(t) for t in texts))
    room = width - 2 - title_w
    show_bar = show_weight = True
    if score_w + BAR + 8 + 6 + 8 > room:
        show_weight = False
    if score_w + BAR + 8 + 6 > room:
        show_bar = False
    table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, expand=False)
    table.add_column("Section", overflow="fold", min_width=title_w, max_width=26)
    table.add_column("Score", no_wrap=True)
    if show_bar:
        table.add_column("0 " + " " * (BAR - 5) + "100", no_wrap=True)
    table.add_column("Answered", justify="right", no_wrap=True)
    if show_weight:
        table.add_column("Weight", justify="right", no_wrap=True)
    for s, score_text in zip(rows, texts, strict=True):
        cells: list[RenderableType] = [_t(s.title), Text(score_text)]
        if show_bar:
            cells.append(bar(s.score))
        cells.append(Text(s.answered_text))
        if show_weight:
            cells.append(Text(s.weight))
        table.add_row(*cells)
    return _indent(table)


def _drivers(report: Report) -> RenderableType | None:
    d = report.drivers
    if not d.helped and not d.held_back:
        return None
    rows: list[RenderableType] = [_heading(HEADINGS["drivers"])]
    if d.baseline:
        rows.append(_indent(Text(d.baseline, style="dim")))
    for label, drivers, style in (
        (PHRASES["helped"], d.helped, "green"),
        (PHRASES["held_back"], d.held_back, "red"),
    ):
        if not drivers:
            continue
        rows.append(_indent(Text(label, style="dim")))
        for dv in drivers:
            body = _t(dv.question.prompt)
            if dv.answer:
                body.append(" (")
                body.append_text(_t(_clip(dv.answer), "dim"))
                body.append(")")
            rows.append(_item(Text(f"{dv.amount:>6}", style=style), body, 4))
    return Group(*rows)


def _unknowns(report: Report) -> RenderableType | None:
    items = report.unknowns
    if not items:
        return None
    rows: list[RenderableType] = [_heading(f"{HEADINGS['unknowns']} ({len(items)})")]
    for u in items[:UNKNOWNS_SHOWN]:
        body = _t(u.question.prompt)
        detail = u.reason + (f"; {u.detail}" if u.detail else "")
        body.append(f" ({u.question.label}: {detail})", style="dim")
        rows.append(_item(Text("?", style="magenta"), body))
    if len(items) > UNKNOWNS_SHOWN:
        rows.append(_indent(Text(f"... and {len(items) - UNKNOWNS_SHOWN} more", style="dim")))
    return Group(*rows)


def _flag_line(f: FlagView, full: bool) -> RenderableType:
    body = _t(f.message if full else f.short)
    body.append(_cites(f.cites), style="dim")
    extra = []
    if f.cap_text:
        extra.append(f.cap_text.rstrip("."))
    if f.depends:
        extra.append(f"depends on {_qs(f.depends)}")
    if extra:
        body.append(f" ({'; '.join(extra)})", style="dim")
    return _item(Text(f.tag, style=_SEVERITY_STYLE[f.severity]), body, 4)


def _flags(report: Report) -> RenderableType:
    rows: list[RenderableType] = [_heading(HEADINGS["flags"])]
    if not report.flag_count:
        rows.append(_indent(Text(PHRASES["no_flags"])))
    for title, flags in report.flag_groups():
        rows.append(_indent(Text(title + ":", style="dim")))
        possible = title == PHRASES["possible"]
        rows += [_flag_line(f, not possible) for f in flags]
    return Group(*rows)


def _readiness(report: Report, width: int) -> RenderableType:
    rd = report.readiness
    rows: list[RenderableType] = [_heading(HEADINGS["readiness"]), _indent(_t(rd.summary))]
    width_tag = max((len(x.status_text) for x in rd.expectations), default=0)
    for x in rd.expectations:
        style = {"met": "green", "behind": "red", "unknown": "magenta"}.get(x.status, "dim")
        body = _t(x.question.prompt)
        body.append(" — ")
        body.append_text(_t(x.answer))
        if x.expected:
            body.append(f" ({one_line(x.expected)})", style="dim")
        rows.append(_item(Text(x.status_text.ljust(width_tag), style=style), body, 4))
    if rd.score is not None:
        rows.append(_indent(Text(f"Readiness sections: {rd.score.text}.", style="dim")))
    return Group(*rows)


def _reasons(c: CandidateView, indent: int) -> list[RenderableType]:
    out: list[RenderableType] = []
    marks = {"for": ("+", "green"), "against": ("-", "red"), "because": ("x", "red")}
    for r in c.reasons:
        sign, style = marks[r.kind]
        body = _t(r.text)
        if r.points:
            body.append(f" ({r.points})", style="dim")
        out.append(_item(Text(sign, style=style), body, indent))
    return out


def _candidate(c: CandidateView, prefix: str) -> list[RenderableType]:
    head = _t(c.title, "bold")
    head.append(f"  score {c.score_text}{_cites(c.cites)}", style="dim")
    out: list[RenderableType] = [_item(Text(prefix, style="bold"), head)]
    if c.summary:
        out.append(_indent(_t(c.summary, "italic"), 3 + len(prefix)))
    out += _reasons(c, 3 + len(prefix))
    return out


def _legal_forms(report: Report) -> RenderableType:
    recs = report.recommendations
    rows: list[RenderableType] = [_heading(HEADINGS["legal_forms"])]
    if recs.status == "withheld":
        rows.append(_indent(Text(recs.withheld or "")))
        if recs.first_change:
            rows.append(_indent(Text(PHRASES["first_change"] + ":", style="dim")))
            rows += [_item("•", _t(x), 4) for x in recs.first_change]
        return Group(*rows)
    if not recs.legal_forms:
        rows.append(_indent(Text(PHRASES["no_forms"])))
    for c in recs.legal_forms[:TOP_FORMS]:
        rows += _candidate(c, f"{c.rank}.")
    rest = recs.legal_forms[TOP_FORMS:]
    if rest:
        rows.append(_indent(Text("Also possible, less well suited:", style="dim")))
        for c in rest:
            body = _t(c.title)
            body.append(f"  score {c.score_text}", style="dim")
            rows.append(_item(f"{c.rank}.", body, 4))
    if recs.excluded_forms:
        rows.append(_indent(Text(PHRASES["ruled_out"] + ":", style="dim")))
        for c in recs.excluded_forms:
            body = _t(c.title, "bold")
            body.append(
                ": " + "; ".join(one_line(r.text) for r in c.reasons if r.kind == "because")
            )
            rows.append(_item(Text("x", style="red"), body, 4))
    return Group(*rows)


def _governance(report: Report) -> RenderableType | None:
    recs = report.recommendations
    if recs.status == "withheld":
        return None  # said once, under Legal form
    if not recs.governance and not recs.governance_not_recommended:
        return None
    rows: list[RenderableType] = [_heading(HEADINGS["governance"])]
    if not recs.governance:
        rows.append(_indent(Text(PHRASES["no_governance"])))
    for c in recs.governance:
        rows += _candidate(c, "•")
    if recs.governance_not_recommended:
        rows.append(_indent(Text(PHRASES["not_recommended"] + ":", style="dim")))
        for c in recs.governance_not_recommended:
            body = _t(c.title)
            why = [one_line(r.text) for r in c.reasons if r.kind in ("because", "against")]
            if why:
                body.append(" (" + "; ".join(why) + ")", style="dim")
            rows.append(_item("-", body, 4))
    return Group(*rows)


def _next_steps(report: Report) -> RenderableType | None:
    if not report.next_steps:
        return None
    rows: list[RenderableType] = [_heading(HEADINGS["next_steps"])]
    for stage in report.next_steps:
        rows.append(_indent(_t(stage.title, "bold")))
        for step in stage.steps:
            body = _t(step.title)
            body.append(_cites(step.cites), style="dim")
            rows.append(_item("•", body, 4))
    return Group(*rows)


def _what_if(report: Report) -> RenderableType | None:
    w = report.what_if
    if not w.ran:
        return None
    rows: list[RenderableType] = [_heading(HEADINGS["what_if"]), _indent(Text(w.goal, style="dim"))]
    for n, s in enumerate(w.scenarios, start=1):
        lines: list[RenderableType] = []
        for i, ch in enumerate(s.changes):
            lines.append(_t(ch.action) if i == 0 else Text("and ", style="bold") + _t(ch.action))
        lines.append(Text("→ ", style="bold") + Text(s.outcome))
        lines += [_t(e, "green") for e in s.effects]
        rows.append(_item(Text(f"{n}.", style="bold"), Group(*lines)))
    rows += [_indent(Text(note)) for note in w.notes]
    return Group(*rows)


def _robustness(report: Report) -> RenderableType:
    rb = report.robustness
    rows: list[RenderableType] = [_heading(HEADINGS["robustness"]), _indent(Text(rb.summary))]
    if rb.margin:
        rows.append(_indent(Text(rb.margin, style="dim")))
    rows += [_item("•", _t(x), 4) for x in rb.sensitivities]
    return Group(*rows)


def _warnings(report: Report) -> RenderableType | None:
    if not report.warnings:
        return None
    rows: list[RenderableType] = [_heading(PHRASES["warnings"].rstrip(":"))]
    rows += [_item(Text("!", style="yellow"), _t(w, "yellow")) for w in report.warnings]
    return Group(*rows)


def _answers(report: Report) -> RenderableType:
    rows: list[RenderableType] = [_heading("Answers")]
    for topic in report.answers:
        for g in topic.sections:
            if not g.answers:
                continue
            rows.append(_indent(_t(g.section, "bold")))
            width = max(len(a.question.label) for a in g.answers)
            for a in g.answers:
                body = _t(a.question.prompt)
                body.append(" — ")
                style = "" if a.status == "answered" else "magenta"
                body.append_text(_t(a.answer, style))
                lines: list[RenderableType] = [body]
                if a.note:
                    lines.append(_t("Note: " + one_line(a.note), "italic"))
                label = Text(a.question.label.rjust(width), style="dim")
                rows.append(_item(label, Group(*lines), 4))
    return Group(*rows)


def _sources(report: Report) -> RenderableType | None:
    if not report.sources:
        return None
    rows: list[RenderableType] = [_heading(PHRASES["sources"])]
    width = max(len(str(src.number)) for src in report.sources) + 2
    for src in report.sources:
        body = _t(src.title)
        if src.byline:
            body.append(" " if src.title.endswith(".") else ". ")
            body.append_text(_t(src.byline))
        lines: list[RenderableType] = [body]
        url = src.url or src.raw_url
        if url:
            lines.append(_t(url, "dim"))
        rows.append(_item(Text(f"[{src.number}]".rjust(width), style="bold"), Group(*lines)))
    return Group(*rows)


def renderable(
    result: Result, questionnaire: Questionnaire | None = None, width: int = 80
) -> RenderableType:
    """The whole report as one rich renderable (``questionnaire``: band labels and wording)."""
    report = build_report(result, questionnaire, scope="terminal")
    details: list[RenderableType | None] = [
        _warnings(report),
        _sections(report.sections, HEADINGS["sections"], width),
        _drivers(report),
        _unknowns(report),
        _flags(report),
        _readiness(report, width),
        _legal_forms(report),
        _governance(report),
        _next_steps(report),
        _what_if(report),
        _robustness(report),
        _answers(report),
        _sources(report),
    ]
    parts: list[RenderableType] = [
        _header(report, result),
        Text(""),
        _decision(report.decision, width),
        Text(""),
        Text("─" * width, style="dim"),
    ]
    for part in details:
        if part is None:
            continue
        parts += [Text(""), part]
    q = result.questionnaire
    footer = Text(
        f"Questionnaire: {one_line(q.title)} ({one_line(q.id)}, version {one_line(q.version)}). "
        f"mutual-detector {result.tool_version}.",
        style="dim",
    )
    parts += [Text(""), footer]
    return Group(*parts)


def render_text(
    result: Result,
    questionnaire: Questionnaire | None = None,
    *,
    width: int = 80,
    color: bool = False,
) -> str:
    """The report as text ``width`` columns wide; ANSI styles only if ``color``."""
    out = io.StringIO()
    console = text_console(width, color, file=out, color_system="truecolor", markup=False)
    console.print(renderable(result, questionnaire, width))
    text = out.getvalue()  # as a terminal would get it: ANSI styles only with colour
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


__all__ = ["bar", "render_text", "renderable"]

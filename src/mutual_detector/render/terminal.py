"""A result as a terminal report, laid out with rich.

The first screen is the decision: the suitability verdict (stated once), the
caps and why, the top red flags, readiness against the stage, the best-fitting
legal form (or why none is ranked) and the next three steps. The details
follow. Sources are a short numbered list of those cited on the page.

:func:`renderable` builds the report as a rich renderable; :func:`render_text`
prints it to an in-memory console of a fixed width and returns the text (with
ANSI colour codes only if ``color``). Only the CLI writes it. Every string
that comes from an answers file or a questionnaire is stripped of control
characters first, so nothing in a file can send escape sequences to a terminal.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mutual_detector.render.console import text_console
from mutual_detector.render.report_model import (
    CandidateView,
    FlagView,
    Report,
    SourceView,
    build_report,
    one_line,
    text_lines,
)

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Result

BAR: Final = 20
#: Legal forms shown with their reasons; the rest are listed by name.
TOP_FORMS: Final = 3
#: Unknown answers listed (the rest are counted).
UNKNOWNS_SHOWN: Final = 10
#: Characters of the assessor's notes on the whole assessment shown under the title.
NOTES_SHOWN: Final = 300
#: Below this width the section table drops its bars and weights (narrow terminals).
NARROW: Final = 70
_TONE: Final = {"good": "bold green", "middle": "bold yellow", "bad": "bold red"}
_SEVERITY: Final = {
    "blocker": ("BLOCKER", "bold red"),
    "warning": ("WARNING", "bold yellow"),
    "info": ("NOTE", "bold blue"),
}


def clean(value: str | None) -> str:
    """User or questionnaire text on one line, with no control characters."""
    return one_line(value) if value else ""


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _indent(renderable: RenderableType, n: int = 2) -> Padding:
    return Padding(renderable, (0, 0, 0, n))


class _Cites:
    """Numbers the sources in the order the terminal report cites them."""

    def __init__(self, report: Report) -> None:
        self.by_number = {s.number: s for s in report.sources}
        self.order: dict[int, int] = {}

    def mark(self, numbers: Iterable[int]) -> str:
        shown = sorted({self.order.setdefault(n, len(self.order) + 1) for n in numbers})
        return f" [{', '.join(str(n) for n in shown)}]" if shown else ""

    def listed(self) -> list[tuple[int, SourceView]]:
        return [(mine, self.by_number[n]) for n, mine in self.order.items() if n in self.by_number]


def bar(low: float | None, high: float | None, width: int = BAR) -> Text:
    """A bar for a 0-100 score range: solid to the low end, shaded over the range."""
    if low is None or high is None:
        return Text("·" * width, style="dim")
    lo = round(max(0.0, min(100.0, low)) / 100 * width)
    hi = max(lo, round(max(0.0, min(100.0, high)) / 100 * width))
    out = Text("█" * lo, style="cyan")
    out.append("▒" * (hi - lo), style="cyan")
    out.append("░" * (width - hi), style="dim")
    return out


def _header(report: Report, result: Result) -> RenderableType:
    m = result.metadata
    title = Text("Mutual detector", style="bold")
    if m.service:
        title.append(f": {clean(m.service)}", style="bold")
    lines: list[RenderableType] = [title]
    about = []
    if m.organisation:
        about.append(clean(m.organisation))
    if m.assessor:
        about.append(f"assessed by {clean(m.assessor)}")
    if m.date:
        about.append(f"on {m.date.isoformat()}")
    if about:
        lines.append(Text(", ".join(about), style="dim"))
    q = result.questionnaire
    lines.append(Text(f"{clean(q.title)} {clean(q.version)}", style="dim"))
    if q.scope:
        lines.append(Text(f"Content for {clean(q.scope)}", style="dim"))
    if m.notes:
        notes = clean(m.notes)
        if len(notes) > NOTES_SHOWN:
            notes = (
                notes[: NOTES_SHOWN - 1].rstrip() + "… (in full in the Markdown and HTML reports)"
            )
        lines.append(Text(f"Notes: {notes}", style="italic"))
    if result.answers_status == "draft":
        lines.append(Text("These answers are a draft.", style="yellow"))
    return Group(*lines)


def _number(x: float) -> str:
    from mutual_detector.render.report_model import number

    return number(x)


def _decision(report: Report, result: Result, cites: _Cites) -> RenderableType:
    d, v = report.decision, report.verdict
    lines: list[RenderableType] = []
    title = Text(clean(d.headline), style=_TONE.get(v.tone, "bold magenta"))
    lines.append(title)
    rng = result.verdict.score
    score = Text("Score ", style="dim")
    score.append(_number(rng.point) if rng.point is not None else "-", style="bold")
    score.append(" of 100", style="dim")
    if rng.low is not None and rng.high is not None and rng.low != rng.high:
        score.append(f" (could be {_number(rng.low)} to {_number(rng.high)})", style="dim")
    score.append(f", {v.answered_text} answered", style="dim")
    if report.score_alone and report.score_alone != d.headline:
        score.append(f"; the score alone: {clean(report.score_alone)}", style="dim")
    lines.append(score)
    if d.meaning:
        lines.append(Text(clean(d.meaning)))
    if d.deciding:
        lines.append(Text("Decided by these unknown answers:", style="dim"))
        lines += [_indent(Text(f"? {clean(q.prompt)}", style="magenta")) for q in d.deciding]
    for cap in d.caps:
        lines.append(Text(clean(cap), style="red" if cap.startswith("Capped") else "dim"))
    if d.top_flags:
        lines.append(Text("Other red flags:" if d.caps else "Red flags:", style="dim"))
        for f in d.top_flags:
            label, style = _SEVERITY[f.severity]
            line = Text(f"{label} ", style=style)
            line.append(clean(_first(f.message)))
            line.append(cites.mark(f.cites), style="dim")
            lines.append(_indent(line))
    lines.append(Text(f"Readiness: {clean(d.readiness)}"))
    if d.withheld:
        lines.append(
            Text("No legal form is ranked while this stands: " + clean(d.withheld[0]), style="red")
        )
        if d.first_change:
            lines.append(Text("First: " + "; ".join(clean(c) for c in d.first_change)))
    elif d.legal_form:
        form = Text("Best-fitting legal form: ", style="dim")
        form.append(clean(d.legal_form), style="bold")
        lines.append(form)
    if d.first_steps:
        lines.append(Text("Next steps:", style="dim"))
        lines += [
            _indent(Text(f"{n}. {clean(step)}")) for n, step in enumerate(d.first_steps, start=1)
        ]
    return Panel(Group(*lines), title="The decision", title_align="left", box=box.ROUNDED)


def _first(message: str) -> str:
    from mutual_detector.render.report_model import first_sentence

    return first_sentence(message)


def _sections(report: Report, result: Result, width: int) -> RenderableType:
    ranges = {s.id: s.score for s in result.sections}
    parts: list[RenderableType] = []
    for measure, title in (
        ("suitability", "Section scores (the verdict)"),
        ("readiness", "Readiness scores (beside the verdict, never lowering it)"),
    ):
        rows = [s for s in report.sections if s.scored and s.measure == measure]
        if not rows:
            continue
        if parts:
            parts.append(Text(""))
        parts += [_heading(title), _indent(_score_table(rows, ranges, width))]
    note = Text(
        "Scores are out of 100; a shaded bar and a range show what unknown answers leave open.",
        style="dim",
    )
    return Group(*parts, _indent(note))


def _score_table(rows: Sequence[object], ranges: Mapping[str, object], width: int) -> Table:
    narrow = width < NARROW
    table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, expand=False)
    table.add_column(
        "Section", overflow="fold", max_width=26 if not narrow else max(12, width - 24)
    )
    table.add_column("Score", justify="right", overflow="fold", max_width=16 if not narrow else 12)
    if not narrow:
        table.add_column("", no_wrap=True)
        table.add_column("Weight", justify="right", no_wrap=True)
    for s in rows:
        rng = ranges.get(s.id)  # type: ignore[attr-defined]
        low = getattr(rng, "low", None)
        high = getattr(rng, "high", None)
        score = _short_range(low, getattr(rng, "point", None), high)
        title = clean(s.title)  # type: ignore[attr-defined]
        if narrow:
            table.add_row(title, score)
        else:
            table.add_row(title, score, bar(low, high), s.weight)  # type: ignore[attr-defined]
    return table


def _short_range(low: float | None, point: float | None, high: float | None) -> str:
    if low is None or high is None:
        return "-"
    shown = f"{point:.1f}" if point is not None else "-"
    if low != high:
        shown += f" ({low:.0f}-{high:.0f})"
    return shown


def _flag_line(f: FlagView, cites: _Cites) -> RenderableType:
    label, style = _SEVERITY[f.severity]
    line = Text(f"{label:<8}", style=style if f.status == "raised" else "dim")
    line.append(clean(f.message))
    if f.cap_text:
        line.append(f" {clean(f.cap_text)}", style="dim")
    line.append(cites.mark(f.cites), style="dim")
    return _indent(line)


def _flags(report: Report, cites: _Cites) -> RenderableType:
    rows: list[RenderableType] = [_heading("Red flags")]
    raised = [*report.blockers, *report.conditions, *report.info]
    if not raised and not report.possible:
        rows.append(_indent(Text("None raised.")))
    rows += [_flag_line(f, cites) for f in raised]
    if report.possible:
        rows.append(_indent(Text("Could be raised, depending on unknown answers:", style="dim")))
        rows += [_flag_line(f, cites) for f in report.possible]
    return Group(*rows)


def _readiness(report: Report) -> RenderableType:
    r = report.readiness
    rows: list[RenderableType] = [_heading("Readiness for the stage")]
    rows.append(_indent(Text(clean(r.summary))))
    for item in r.items:
        if item.status in ("met", "not yet expected"):
            continue
        line = Text(f"{item.status}: ", style="red" if item.status == "behind" else "magenta")
        line.append(clean(item.question.prompt))
        detail = []
        if item.answer:
            detail.append(f"answered {clean(item.answer)}")
        if item.expected:
            detail.append(f"expected at least {clean(item.expected)}")
        if detail:
            line.append(f" ({'; '.join(detail)})", style="dim")
        rows.append(_indent(line, 4))
    met = sum(1 for i in r.items if i.status == "met")
    if met:
        rows.append(
            _indent(Text(f"{met} other expectation{'s' if met != 1 else ''} met.", style="dim"), 4)
        )
    return Group(*rows)


def _drivers(report: Report) -> RenderableType | None:
    rows: list[RenderableType] = []
    for label, drivers, style in (
        ("Helped most", report.drivers_up, "green"),
        ("Held back most", report.drivers_down, "red"),
    ):
        if not drivers:
            continue
        rows.append(_indent(Text(label + ":", style="dim")))
        for d in drivers:
            line = Text(f"{clean(d.amount):>14} ", style=style)
            line.append(clean(d.question.prompt))
            rows.append(_indent(line, 4))
    if not rows:
        return None
    return Group(_heading("What moved the score, against a neutral answer"), *rows)


def _unknowns(report: Report) -> RenderableType | None:
    items = report.open_questions
    if not items:
        return None
    rows: list[RenderableType] = [_heading(f"Unknown answers ({len(items)})")]
    for o in items[:UNKNOWNS_SHOWN]:
        line = Text("? ", style="magenta")
        line.append(clean(o.question.prompt))
        line.append(f" ({clean(o.reason).lower()}; {clean(o.share)})", style="dim")
        rows.append(_indent(line))
    if len(items) > UNKNOWNS_SHOWN:
        rows.append(_indent(Text(f"... and {len(items) - UNKNOWNS_SHOWN} more", style="dim")))
    return Group(*rows)


def _reasons(c: CandidateView, cites: _Cites) -> list[RenderableType]:
    out: list[RenderableType] = []
    for r in c.reasons:
        sign, style = {"for": ("+", "green"), "against": ("-", "red"), "because": ("x", "red")}[
            r.kind
        ]
        line = Text(f"{sign} ", style=style)
        line.append(clean(r.text))
        if r.points:
            line.append(f" ({r.points})", style="dim")
        line.append(cites.mark(r.cites), style="dim")
        out.append(_indent(line, 6))
    return out


def _candidate(c: CandidateView, prefix: str, cites: _Cites) -> list[RenderableType]:
    head = Text(prefix + clean(c.title), style="bold")
    head.append(f"  score {c.score_text}", style="dim")
    out: list[RenderableType] = [_indent(head)]
    if c.summary:
        out.append(_indent(Text(clean(c.summary), style="italic"), 6))
    return out + _reasons(c, cites)


def _legal_forms(report: Report, cites: _Cites) -> RenderableType:
    rows: list[RenderableType] = [_heading("Legal forms, best fit first")]
    if report.decision.withheld:
        rows.append(
            _indent(Text("Not ranked while a blocker stands (see The decision).", style="red"))
        )
        return Group(*rows)
    if not report.legal_forms:
        rows.append(_indent(Text("No legal form fits these answers.")))
    for c in report.legal_forms[:TOP_FORMS]:
        rows += _candidate(c, f"{c.rank}. ", cites)
    rest = report.legal_forms[TOP_FORMS:]
    if rest:
        rows.append(_indent(Text("Also possible, less well suited:", style="dim")))
        for c in rest:
            line = Text(f"{c.rank}. {clean(c.title)}")
            line.append(f"  score {c.score_text}", style="dim")
            rows.append(_indent(line, 4))
    if report.excluded_forms:
        rows.append(_indent(Text("Ruled out:", style="dim")))
        for c in report.excluded_forms:
            line = Text("x ", style="red")
            line.append(clean(c.title), style="bold")
            because = [clean(r.text) for r in c.reasons if r.kind == "because"]
            if because:
                line.append(": " + "; ".join(because))
            rows.append(_indent(line, 4))
    return Group(*rows)


def _governance(report: Report, cites: _Cites) -> RenderableType | None:
    if report.decision.withheld:
        return None
    if not report.governance and not report.governance_not_recommended:
        return None
    rows: list[RenderableType] = [_heading("Governance")]
    for c in report.governance:
        rows += _candidate(c, "• ", cites)
    for c in report.governance_not_recommended:
        line = Text("Not recommended: ", style="dim")
        line.append(clean(c.title))
        against = [clean(r.text) for r in c.reasons if r.kind in ("because", "against")]
        if against:
            line.append(" (" + "; ".join(against) + ")", style="dim")
        rows.append(_indent(line))
    return Group(*rows)


def _what_if(report: Report) -> RenderableType | None:
    wi = report.what_if
    if not wi.ran:
        return None
    rows: list[RenderableType] = [_heading("What could change the verdict")]
    if wi.goal:
        rows.append(_indent(Text(clean(wi.goal), style="dim")))
    for n, s in enumerate(wi.scenarios, start=1):
        head = Text(f"{n}. ", style="bold")
        head.append(clean(s.outcome), style="bold")
        rows.append(_indent(head))
        for ch in s.changes:
            line = Text("→ ", style="green")
            line.append(clean(ch.action or f"{ch.question.prompt}: {ch.after}"))
            line.append(f" (now: {clean(ch.before)})", style="dim")
            rows.append(_indent(line, 5))
        rows += [_indent(Text(clean(e), style="dim"), 5) for e in s.effects]
    for note in wi.notes:
        rows.append(_indent(Text(clean(note))))
    return Group(*rows)


def _next_steps(report: Report, cites: _Cites) -> RenderableType | None:
    if not report.next_steps:
        return None
    rows: list[RenderableType] = [_heading("Next steps")]
    for stage in report.next_steps:
        rows.append(_indent(Text(clean(stage.title), style="bold")))
        for step in stage.steps:
            line = Text("• " + clean(step.title))
            line.append(cites.mark(step.cites), style="dim")
            rows.append(_indent(line, 4))
    return Group(*rows)


def _robustness(report: Report, result: Result) -> RenderableType:
    r = result.robustness
    line = Text(clean(r.summary))
    if r.margin is not None:
        line.append(f" ({r.margin:.1f} points from the nearest band limit.)", style="dim")
    return Group(_heading("How robust the verdict is"), _indent(line))


def _sources(cites: _Cites) -> RenderableType | None:
    listed = cites.listed()
    if not listed:
        return None
    rows: list[RenderableType] = [_heading("Sources cited above")]
    for n, src in sorted(listed):
        line = Text(f"[{n}] ", style="bold")
        line.append(clean(src.citation))
        url = src.url or src.raw_url
        if url:
            line.append(f" {clean(url)}", style="dim")
        rows.append(_indent(line))
    return Group(*rows)


def _warnings(report: Report) -> RenderableType | None:
    if not report.warnings:
        return None
    rows: list[RenderableType] = [_heading("Points to note about the answers")]
    rows += [_indent(Text(f"! {clean(w)}", style="yellow")) for w in report.warnings]
    return Group(*rows)


def renderable(
    result: Result, questionnaire: Questionnaire | None = None, width: int = 80
) -> RenderableType:
    """The whole report as one rich renderable, the decision first."""
    report = build_report(result, questionnaire)
    cites = _Cites(report)
    parts: Sequence[RenderableType | None] = [
        _header(report, result),
        _decision(report, result, cites),
        _sections(report, result, width),
        _flags(report, cites),
        _readiness(report),
        _drivers(report),
        _unknowns(report),
        _legal_forms(report, cites),
        _governance(report, cites),
        _what_if(report),
        _next_steps(report, cites),
        _robustness(report, result),
        _warnings(report),
    ]
    spaced: list[RenderableType] = []
    for part in parts:
        if part is None:
            continue
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
    sources = _sources(cites)  # last: it lists what the parts above cited
    if sources is not None:
        spaced += [Text(""), sources]
    return Group(*spaced)


def render_text(
    result: Result,
    questionnaire: Questionnaire | None = None,
    *,
    width: int = 80,
    color: bool = False,
) -> str:
    """The report as text ``width`` columns wide; ANSI styles only if ``color``."""
    out = io.StringIO()
    console = text_console(width, color, file=out, color_system="truecolor")
    console.print(renderable(result, questionnaire, width))
    text = out.getvalue()  # as a terminal would get it: ANSI styles only with colour
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


__all__ = ["bar", "clean", "render_text", "renderable", "text_lines"]

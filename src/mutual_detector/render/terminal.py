"""A result as a terminal report, laid out with rich.

:func:`renderable` builds the report as a rich renderable; :func:`render_text`
prints it to an in-memory console of a fixed width and returns the text
(with ANSI colour codes only if ``color``). Only the CLI writes it.
The report fits 80 columns.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mutual_detector.render.console import text_console

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import Candidate, Reason, Result, Scenario

BAR: Final = 20
#: Legal forms shown with their reasons; the rest are listed by name.
TOP_FORMS: Final = 3
#: Characters of the assessor's notes on the whole assessment shown under the title.
NOTES_SHOWN: Final = 300
_BAND_STYLE: Final = ("bold green", "bold yellow", "bold dark_orange", "bold red")
_SEVERITY: Final = {
    "blocker": ("BLOCKER", "bold red"),
    "warning": ("WARNING", "bold yellow"),
    "info": ("NOTE", "bold blue"),
}


def _label(band: str | None, questionnaire: Questionnaire | None) -> str:
    """A band's label if the questionnaire is known, else its id."""
    if band is None:
        return "-"
    if questionnaire is not None:
        from mutual_detector.model.questionnaire import text

        found = questionnaire.band(band)
        if found is not None:
            return text(found.label)
    return band


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:.0f}%"


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def bar(score: float | None, width: int = BAR) -> Text:
    """A horizontal bar for a 0-100 score (blank for no score)."""
    if score is None:
        return Text("·" * width, style="dim")
    filled = round(max(0.0, min(100.0, score)) / 100 * width)
    out = Text("█" * filled, style="cyan")
    out.append("░" * (width - filled), style="dim")
    return out


def _heading(title: str) -> Text:
    return Text(title, style="bold underline")


def _band_style(result: Result, questionnaire: Questionnaire | None) -> str:
    """Green for the best band, red for the worst, yellow between (needs the questionnaire)."""
    v = result.verdict
    if questionnaire is None or v.band is None:
        return "bold cyan"
    ids = [b.id for b in questionnaire.scoring.bands]
    if v.band not in ids:
        return "bold cyan"
    rank = ids.index(v.band)
    if rank == 0:
        return _BAND_STYLE[0]
    if rank == len(ids) - 1:
        return _BAND_STYLE[-1]
    return _BAND_STYLE[1] if rank == 1 else _BAND_STYLE[2]


def _verdict(result: Result, questionnaire: Questionnaire | None) -> RenderableType:
    v = result.verdict
    title = Text()
    if v.status == "band":
        title.append(v.label or v.band or "", style=_band_style(result, questionnaire))
    else:
        title.append("Inconclusive", style="bold magenta")
        if v.indicative_band is not None:
            hint = _label(v.indicative_band, questionnaire)
            title.append(f"  (the answers so far point to: {hint})", style="dim")
    lines: list[RenderableType] = [title]
    figures = Text()
    figures.append("Score ", style="dim")
    figures.append(f"{_num(v.score)} / 100", style="bold")
    figures.append("   Confidence ", style="dim")
    figures.append(_pct(v.confidence), style="bold")
    figures.append(f" (needs {_pct(v.confidence_threshold)})", style="dim")
    lines.append(figures)
    if v.capped_by:
        cap = _label(v.cap, questionnaire)
        blockers = "a blocker" if len(v.capped_by) == 1 else f"{len(v.capped_by)} blockers"
        lines.append(Text(f"At best {cap} because of {blockers} (see Red flags)", style="red"))
    if v.meaning:
        lines.append(Text(v.meaning))
    lines.append(Text(v.summary, style="italic"))
    r = result.robustness
    rob = Text(r.summary)
    if r.margin is not None:
        rob.append(f" ({r.margin:.1f} points from the nearest band limit.)", style="dim")
    lines.append(rob)
    return Panel(Group(*lines), title="Verdict", title_align="left", box=box.ROUNDED)


#: Below this width the section table drops its bars and weights (narrow terminals).
NARROW: Final = 70


def _sections(result: Result, width: int = 80) -> RenderableType:
    narrow = width < NARROW
    table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, expand=False)
    table.add_column(
        "Section", overflow="fold", max_width=28 if not narrow else max(12, width - 20)
    )
    table.add_column("Score", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("", no_wrap=True)
    table.add_column("Answered", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("Weight", justify="right", no_wrap=True)
    for s in result.sections:
        if not s.scored:
            continue
        if narrow:
            table.add_row(s.title, _num(s.score), _pct(s.confidence))
        else:
            table.add_row(s.title, _num(s.score), bar(s.score), _pct(s.confidence), f"{s.weight:g}")
    return Group(_heading("Section scores"), Padding(table, (0, 0, 0, 2)))


def _sources(result: Result) -> RenderableType | None:
    if not result.sources:
        return None
    rows: list[RenderableType] = []
    for src in result.sources:
        line = Text(f"{src.id}: ", style="bold")
        line.append(src.title)
        if src.url:
            line.append(f" {src.url}", style="dim")
        rows.append(Padding(line, (0, 0, 0, 2)))
    return Group(_heading("Sources cited"), *rows)


def _flags(result: Result, questionnaire: Questionnaire | None) -> RenderableType | None:
    if not result.flags:
        return Group(_heading("Red flags"), Padding(Text("None raised."), (0, 0, 0, 2)))
    rows: list[RenderableType] = []
    for f in result.flags:
        label, style = _SEVERITY[f.severity]
        line = Text()
        line.append(f"{label:<8}", style=style)
        line.append(f.message)
        extra = []
        if f.cap:
            extra.append(f"caps the verdict at {_label(f.cap, questionnaire)}")
        if f.cite:
            extra.append("sources: " + ", ".join(f.cite))
        if extra:
            line.append(f" ({'; '.join(extra)})", style="dim")
        rows.append(Padding(line, (0, 0, 0, 2)))
    return Group(_heading("Red flags"), *rows)


def _reason_lines(sign: str, reasons: Iterable[Reason], style: str) -> list[RenderableType]:
    out: list[RenderableType] = []
    for r in reasons:
        line = Text(f"{sign} ", style=style)
        line.append(r.text)
        if r.points:
            line.append(f" ({r.points:+g})", style="dim")
        if r.cite:
            line.append(f" [{', '.join(r.cite)}]", style="dim")
        out.append(Padding(line, (0, 0, 0, 6)))
    return out


def _candidate(c: Candidate, prefix: str) -> list[RenderableType]:
    head = Text(f"{prefix}", style="bold")
    head.append(c.title, style="bold")
    head.append(f"  score {c.score:g}", style="dim")
    out: list[RenderableType] = [Padding(head, (0, 0, 0, 2))]
    if c.summary:
        out.append(Padding(Text(c.summary, style="italic"), (0, 0, 0, 6)))
    out += _reason_lines("+", c.reasons_for, "green")
    out += _reason_lines("-", c.reasons_against, "red")
    out += _reason_lines("x", c.excluded_because, "red")
    return out


def _legal_forms(result: Result) -> RenderableType:
    recs = result.recommendations
    rows: list[RenderableType] = [_heading("Legal forms, best fit first")]
    if not recs.legal_forms:
        rows.append(Padding(Text("No legal form fits these answers."), (0, 0, 0, 2)))
    for c in recs.legal_forms[:TOP_FORMS]:
        rows += _candidate(c, f"{c.rank}. ")
    rest = recs.legal_forms[TOP_FORMS:]
    if rest:
        rows.append(Padding(Text("Also possible, less well suited:", style="dim"), (0, 0, 0, 2)))
        for c in rest:
            line = Text(f"{c.rank}. {c.title}")
            line.append(f"  score {c.score:g}", style="dim")
            rows.append(Padding(line, (0, 0, 0, 4)))
    if recs.excluded_forms:
        rows.append(Padding(Text("Ruled out:", style="dim"), (0, 0, 0, 2)))
        for c in recs.excluded_forms:
            line = Text("x ", style="red")
            line.append(c.title, style="bold")
            line.append(": " + "; ".join(r.text for r in c.excluded_because))
            rows.append(Padding(line, (0, 0, 0, 4)))
    return Group(*rows)


def _governance(result: Result) -> RenderableType | None:
    recs = result.recommendations
    if not recs.governance and not recs.governance_not_recommended:
        return None
    rows: list[RenderableType] = [_heading("Governance")]
    for c in recs.governance:
        rows += _candidate(c, "• ")
    for c in recs.governance_not_recommended:
        line = Text("Not recommended: ", style="dim")
        line.append(c.title)
        reasons = [r.text for r in (*c.excluded_because, *c.reasons_against)]
        if reasons:
            line.append(" (" + "; ".join(reasons) + ")", style="dim")
        rows.append(Padding(line, (0, 0, 0, 2)))
    return Group(*rows)


def _drivers(result: Result) -> RenderableType | None:
    expl = {e.id: e for e in result.explanations}
    rows: list[RenderableType] = []
    for label, ids, attr, style in (
        ("Helped most", result.drivers.up, "gained", "green"),
        ("Held back most", result.drivers.down, "lost", "red"),
    ):
        if not ids:
            continue
        rows.append(Padding(Text(label + ":", style="dim"), (0, 0, 0, 2)))
        for qid in ids:
            e = expl[qid]
            points = getattr(e, attr) or 0.0
            line = Text(f"{'+' if attr == 'gained' else '-'}{points:.1f} ", style=style)
            line.append(e.prompt)
            if e.answer_text:
                line.append(f" ({e.answer_text})", style="dim")
            rows.append(Padding(line, (0, 0, 0, 4)))
    if not rows:
        return None
    return Group(_heading("What moved the score most (points of 100)"), *rows)


def _inconclusive(result: Result) -> RenderableType | None:
    items = result.inconclusive
    if not items:
        return None
    rows: list[RenderableType] = [_heading(f"Open questions ({len(items)})")]
    for i in items[:12]:
        line = Text("? ", style="magenta")
        line.append(i.prompt)
        line.append(" (don't know)" if i.reason == "dont_know" else " (not answered)", style="dim")
        rows.append(Padding(line, (0, 0, 0, 2)))
    if len(items) > 12:
        rows.append(Padding(Text(f"... and {len(items) - 12} more", style="dim"), (0, 0, 0, 2)))
    return Group(*rows)


def _scenario(n: int, s: Scenario) -> list[RenderableType]:
    head = Text(f"{n}. ", style="bold")
    outcome = s.label if s.label else "inconclusive"
    head.append(f"→ {outcome}", style="bold")
    if s.score is not None:
        head.append(f" (score {s.score:.1f})", style="dim")
    if s.cleared:
        head.append(f", clears {', '.join(s.cleared)}", style="dim")
    rows: list[RenderableType] = [Padding(head, (0, 0, 0, 2))]
    for ch in s.changes:
        line = Text(ch.prompt)
        line.append("\n")
        line.append(ch.before_text, style="red")
        line.append(" → ")
        line.append(ch.after_text, style="green")
        rows.append(Padding(line, (0, 0, 0, 5)))
    return rows


def _what_if(result: Result) -> RenderableType | None:
    w = result.what_if
    if w is None:
        return None
    rows: list[RenderableType] = [
        _heading("What if"),
        Padding(Text(w.goal, style="dim"), (0, 0, 0, 2)),
    ]
    if not w.scenarios:
        none = "No change to one or two answers would do that."
        if not w.complete:
            none = "None found within the search limit."
        rows.append(Padding(Text(none), (0, 0, 0, 2)))
    for n, s in enumerate(w.scenarios, start=1):
        rows += _scenario(n, s)
    return Group(*rows)


def _next_steps(result: Result) -> RenderableType | None:
    stages = result.recommendations.next_steps
    if not stages:
        return None
    rows: list[RenderableType] = [_heading("Next steps")]
    for stage in stages:
        rows.append(Padding(Text(stage.title, style="bold"), (0, 0, 0, 2)))
        for step in stage.steps:
            line = Text("• ")
            line.append(step.title)
            if step.cite:
                line.append(f" [{', '.join(step.cite)}]", style="dim")
            rows.append(Padding(line, (0, 0, 0, 4)))
    return Group(*rows)


def _warnings(result: Result) -> RenderableType | None:
    if not result.warnings:
        return None
    rows: list[RenderableType] = [_heading("Points to note about the answers")]
    rows += [Padding(Text(f"! {w}", style="yellow"), (0, 0, 0, 2)) for w in result.warnings]
    return Group(*rows)


def _header(result: Result) -> RenderableType:
    m = result.metadata
    title = Text("Mutual detector", style="bold")
    if m.service:
        title.append(f": {m.service}", style="bold")
    lines: list[RenderableType] = [title]
    about = []
    if m.organisation:
        about.append(m.organisation)
    if m.assessor:
        about.append(f"assessed by {m.assessor}")
    if m.date:
        about.append(f"on {m.date.isoformat()}")
    if about:
        lines.append(Text(", ".join(about), style="dim"))
    q = result.questionnaire
    lines.append(Text(f"{q.title} {q.version}", style="dim"))
    if m.notes:
        notes = " ".join(m.notes.split())
        if len(notes) > NOTES_SHOWN:
            notes = (
                notes[: NOTES_SHOWN - 1].rstrip() + "… (in full in the Markdown and HTML reports)"
            )
        lines.append(Text(f"Notes: {notes}", style="italic"))
    if result.answers_status == "draft":
        lines.append(Text("These answers are a draft.", style="yellow"))
    return Group(*lines)


def renderable(
    result: Result, questionnaire: Questionnaire | None = None, width: int = 80
) -> RenderableType:
    """The whole report as one rich renderable (``questionnaire``: band labels and colours).

    Sources are cited by id and listed at the end; the Markdown and HTML reports also
    give every answer with its "why".
    """
    parts: list[RenderableType | None] = [
        _header(result),
        _verdict(result, questionnaire),
        _sections(result, width),
        _flags(result, questionnaire),
        _drivers(result),
        _inconclusive(result),
        _legal_forms(result),
        _governance(result),
        _what_if(result),
        _next_steps(result),
        _sources(result),
        _warnings(result),
    ]
    spaced: list[RenderableType] = []
    for part in parts:
        if part is None:
            continue
        if spaced:
            spaced.append(Text(""))
        spaced.append(part)
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


__all__ = ["bar", "render_text", "renderable"]

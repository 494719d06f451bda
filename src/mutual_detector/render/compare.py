"""``compare`` output: text for a terminal, Markdown, or JSON. Each returns a str."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Final

from mutual_detector.compare import Comparison, VerdictSide
from mutual_detector.render.compare_format import CompareFormat
from mutual_detector.render.markdown import md
from mutual_detector.render.report_model import number, one_line, percent, signed

COMPARE_FORMAT: Final = "mutual-detector/compare@1"


def _side(s: VerdictSide) -> str:
    score = number(s.score) if s.score is not None else "no score"
    if s.low is not None and s.high is not None and s.low != s.high:
        score += f", could be {number(s.low)}-{number(s.high)}"
    return f"{s.label} ({score}, {percent(s.answered)} answered)"


_MOVE = {"better": "better", "worse": "worse", "same": "no change in verdict"}
CHANGES_TITLE = "What changed: each answer's own effect, biggest first"
REMAINDER = "Remainder: changes acting together, and questions that started or stopped applying"


def headline(c: Comparison) -> str:
    """The verdict's move in one line."""
    out = f"{_side(c.before)} → {_side(c.after)}: {_MOVE[c.move]}"
    if c.score_delta is not None:
        out += f"; score {signed(c.score_delta)} points"
    return out


def _lines(c: Comparison) -> list[str]:
    """Plain-English sentences shared by the text and Markdown forms."""
    out = []
    if c.before.legal_form != c.after.legal_form:
        out.append(f"Best legal form: {c.before.legal_form or '—'} → {c.after.legal_form or '—'}.")
    if not c.changes:
        out.append("No answer changed.")
    out += [f"Note: {n}." for n in c.notes]
    return out


# --------------------------------------------------------------------------- text


def render_text(c: Comparison, *, width: int = 100, color: bool = False) -> str:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from mutual_detector.render.console import text_console

    console = text_console(width, color, markup=False)
    style = {"better": "green", "worse": "red", "same": ""}[c.move]
    parts: list[Any] = [
        Text(f"Compare {c.before_name} → {c.after_name}", style="bold"),
    ]
    if c.service:
        parts.append(Text(f"Service: {one_line(c.service)}"))
    parts.append(Text("Verdict: ") + Text(headline(c), style=style))
    parts += [Text(line) for line in _lines(c)]
    sections = Table(title=None, box=None, header_style="bold", pad_edge=False)
    sections.add_column("Section")
    for title in ("Before", "After", "Change"):
        sections.add_column(title, justify="right")
    for s in c.sections:
        delta = s.delta
        sections.add_row(
            one_line(s.title),
            number(s.before) if s.before is not None else "—",
            number(s.after) if s.after is not None else "—",
            Text(signed(delta), style="green" if delta > 0 else "red" if delta < 0 else "")
            if delta is not None
            else "",
        )
    parts += [Text(""), sections]
    if c.changes:
        changes = Table(box=None, header_style="bold", pad_edge=False, expand=True)
        changes.add_column("Changed answer", overflow="fold", ratio=3)
        changes.add_column("Before", overflow="fold", ratio=2)
        changes.add_column("After", overflow="fold", ratio=2)
        changes.add_column("Points", justify="right", no_wrap=True)
        for ch in c.changes:
            changes.add_row(
                f"{ch.question}: {one_line(ch.prompt)}",
                one_line(ch.before),
                one_line(ch.after),
                signed(ch.points),
            )
        if c.score_delta is not None:
            changes.add_row(REMAINDER, "", "", signed(c.remainder), style="dim")
            changes.add_row(
                "Total: the change in score", "", "", signed(c.score_delta), style="bold"
            )
        parts += [Text(""), Text(CHANGES_TITLE, style="bold"), changes]
    if c.flags:
        parts += [Text(""), Text("Flags", style="bold")]
        for f in c.flags:
            because = f" (because of {', '.join(f.because)})" if f.because else ""
            mark = "red" if f.change == "raised" and f.severity == "blocker" else ""
            parts.append(
                Text(
                    f"  {f.change} {f.severity} {f.id}{because}: {one_line(f.message)}", style=mark
                )
            )
    with console.capture() as capture:
        console.print(Group(*parts))
    return capture.get()


# --------------------------------------------------------------------------- markdown


def render_markdown(c: Comparison) -> str:
    lines = [f"# Compare {md(c.before_name)} → {md(c.after_name)}", ""]
    if c.service:
        lines += [f"Service: {md(c.service)}", ""]
    lines += [f"**Verdict**: {md(headline(c))}", ""]
    extra = [md(line) for line in _lines(c)]
    lines += [*extra, ""] if extra else []
    lines += ["| Section | Before | After | Change |", "| --- | ---: | ---: | ---: |"]
    for s in c.sections:
        before = number(s.before) if s.before is not None else "—"
        after = number(s.after) if s.after is not None else "—"
        delta = signed(s.delta) if s.delta is not None else ""
        lines.append(f"| {md(s.title)} | {before} | {after} | {delta} |")
    if c.changes:
        lines += ["", f"## {CHANGES_TITLE}", ""]
        lines += ["| Question | Before | After | Points |", "| --- | --- | --- | ---: |"]
        for ch in c.changes:
            lines.append(
                f"| `{ch.question}` {md(ch.prompt)} | {md(ch.before)} | {md(ch.after)} "
                f"| {signed(ch.points)} |"
            )
        if c.score_delta is not None:
            lines.append(f"| {md(REMAINDER)} |  |  | {signed(c.remainder)} |")
            lines.append(f"| **Total: the change in score** |  |  | **{signed(c.score_delta)}** |")
    if c.flags:
        lines += ["", "## Flags", ""]
        for f in c.flags:
            because = f" (because of {', '.join(f'`{b}`' for b in f.because)})" if f.because else ""
            lines.append(f"- {f.change} {f.severity} `{f.id}`{because}: {md(f.message)}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- json


def render_json(c: Comparison) -> str:
    data = dataclasses.asdict(c)
    data["drivers"] = [ch.question for ch in c.drivers]
    for s, raw in zip(c.sections, data["sections"], strict=True):
        raw["delta"] = s.delta
    return json.dumps({"format": COMPARE_FORMAT, **data}, indent=2, sort_keys=True) + "\n"


__all__ = ["COMPARE_FORMAT", "CompareFormat", "headline", "render_json", "render_markdown"]

"""``compare`` output: text for a terminal, Markdown, or JSON. Each returns a str."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Final

from mutual_detector.compare import REMAINDER, Comparison, VerdictSide
from mutual_detector.render.compare_format import CompareFormat
from mutual_detector.render.markdown import md
from mutual_detector.render.report_model import number, percent, signed
from mutual_detector.render.safe import one_line
from mutual_detector.text import printable

COMPARE_FORMAT: Final = "mutual-detector/compare@2"

#: Below this width the text form lists each change on its own lines, not in a table.
NARROW: Final = 72


def _score(s: VerdictSide) -> str:
    if s.point is None:
        return "no score"
    out = number(s.point)
    if s.low is not None and s.high is not None and s.low != s.high:
        out += f" (could be {number(s.low)}–{number(s.high)})"
    return out


_MOVE = {"better": "better", "worse": "worse", "same": "no change in verdict"}


def headline(c: Comparison) -> str:
    """The verdict's move in one line."""
    return f"{one_line(c.before.label)} → {one_line(c.after.label)}: {_MOVE[c.move]}"


def _lines(c: Comparison) -> list[str]:
    """Plain-English sentences shared by the text and Markdown forms."""
    out = []
    score = f"Score: {_score(c.before)} → {_score(c.after)}"
    if c.score_delta is not None:
        score += f" ({signed(c.score_delta)} points)"
    out.append(score + ".")
    if c.before.status == "between" or c.after.status == "between":
        out.append(
            f"Where the answers point: {one_line(c.before.indicative_label)} → "
            f"{one_line(c.after.indicative_label)}."
        )
    out.append(
        f"Answered: {percent(c.before.answered_share)} → {percent(c.after.answered_share)} "
        "of the scored weight."
    )
    if c.before.readiness != c.after.readiness:
        out.append(
            f"Readiness: {_READINESS[c.before.readiness]} → {_READINESS[c.after.readiness]}."
        )
    if c.before.legal_form != c.after.legal_form:
        out.append(
            f"Best legal form: {one_line(c.before.legal_form) or '—'} → "
            f"{one_line(c.after.legal_form) or '—'}."
        )
    if not c.changes:
        out.append("No answer changed.")
    out += [f"Note: {one_line(n)}." for n in c.notes]
    return out


_READINESS = {
    "on_track": "on track",
    "behind": "behind",
    "unclear": "unclear",
    "not_assessed": "not assessed",
}


def _effect(x: float | None) -> str:
    return "n/a" if x is None else signed(x)


def _rows(c: Comparison) -> list[tuple[str, str, str, str]]:
    """(question, before, after, effect) for each change, then the remainder and the total."""
    rows = [
        (
            f"{ch.question}: {one_line(ch.prompt)}",
            one_line(ch.before),
            one_line(ch.after),
            _effect(ch.effect),
        )
        for ch in c.changes
    ]
    if c.changes and c.remainder is not None:
        rows.append((REMAINDER, "", "", signed(c.remainder)))
    if c.changes and c.score_delta is not None:
        rows.append(("Total: the change in the score", "", "", signed(c.score_delta)))
    return rows


_CHANGES_TITLE = "What changed, and what each change did on its own (points of the score)"


# --------------------------------------------------------------------------- text


def render_text(c: Comparison, *, width: int = 100, color: bool = False) -> str:
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from mutual_detector.render.console import text_console

    console = text_console(width, color, markup=False)
    style = {"better": "green", "worse": "red", "same": ""}[c.move]
    parts: list[Any] = [
        Text(f"Compare {printable(c.before_name)} → {printable(c.after_name)}", style="bold"),
    ]
    if c.service:
        parts.append(Text(f"Service: {one_line(c.service)}"))
    parts.append(Text("Verdict: ") + Text(headline(c), style=style))
    parts += [Text(line) for line in _lines(c)]

    def signed_text(value: float | None) -> Text:
        if value is None:
            return Text("")
        return Text(signed(value), style="green" if value > 0 else "red" if value < 0 else "")

    sections = Table(box=None, header_style="bold", pad_edge=False)
    sections.add_column("Section", overflow="fold", ratio=1)
    for title in ("Before", "After", "Change"):
        sections.add_column(title, justify="right", no_wrap=True)
    for s in c.sections:
        sections.add_row(
            one_line(s.title),
            number(s.before) if s.before is not None else "—",
            number(s.after) if s.after is not None else "—",
            signed_text(s.delta),
        )
    parts += [Text(""), Text("Sections (point estimates)", style="bold"), sections]
    if c.changes:
        parts += [Text(""), Text(_CHANGES_TITLE, style="bold")]
        rows = _rows(c)
        if width < NARROW:
            for question, before, after, effect in rows:
                line = Text(question)
                if before or after:
                    line.append(f"\n{before} → {after}", style="dim")
                line.append("  ")
                line.append(effect, style="bold")
                parts.append(Padding(line, (0, 0, 0, 2)))
        else:
            effect_w = max(6, *(len(r[3]) for r in rows))
            table = Table(box=None, header_style="bold", pad_edge=False, expand=True)
            table.add_column("Changed answer", overflow="fold", ratio=3)
            table.add_column("Before", overflow="fold", ratio=2)
            table.add_column("After", overflow="fold", ratio=2)
            table.add_column("Effect", justify="right", no_wrap=True, width=effect_w)
            for question, before, after, effect in rows[: len(c.changes)]:
                table.add_row(question, before, after, effect)
            parts.append(table)
            # The remainder and the total span the answer columns, aligned on the effects.
            sums = Table(box=None, show_header=False, pad_edge=False, expand=True)
            sums.add_column(overflow="fold", ratio=1)
            sums.add_column(justify="right", no_wrap=True, width=effect_w, vertical="bottom")
            for question, _, _, effect in rows[len(c.changes) :]:
                sums.add_row(question, Text(effect, style="bold"))
            parts.append(sums)
        parts.append(
            Text(
                "Each effect is that change made alone to the earlier answers; the remainder "
                "makes the rows add up to the change in the score.",
                style="dim",
            )
        )
    if c.flags:
        parts += [Text(""), Text("Flags", style="bold")]
        for f in c.flags:
            because = f" (because of {', '.join(f.because)})" if f.because else ""
            mark = "red" if f.after == "raised" and f.severity == "blocker" else ""
            parts.append(
                Padding(
                    Text(
                        f"{f.change} {f.severity} {f.id}{because}: {one_line(f.message)}",
                        style=mark,
                    ),
                    (0, 0, 0, 2),
                )
            )
    with console.capture() as capture:
        console.print(Group(*parts))
    return "\n".join(line.rstrip() for line in capture.get().splitlines()) + "\n"


# --------------------------------------------------------------------------- markdown


def render_markdown(c: Comparison) -> str:
    lines = [f"# Compare {md(c.before_name)} → {md(c.after_name)}", ""]
    if c.service:
        lines += [f"Service: {md(c.service)}", ""]
    lines += [f"**Verdict**: {md(headline(c))}", ""]
    lines += [*(md(line) for line in _lines(c)), ""]
    lines += ["| Section | Before | After | Change |", "| --- | ---: | ---: | ---: |"]
    for s in c.sections:
        before = number(s.before) if s.before is not None else "—"
        after = number(s.after) if s.after is not None else "—"
        delta = signed(s.delta) if s.delta is not None else ""
        lines.append(f"| {md(s.title)} | {before} | {after} | {delta} |")
    if c.changes:
        lines += ["", f"## {_CHANGES_TITLE}", ""]
        lines += ["| Question | Before | After | Effect |", "| --- | --- | --- | ---: |"]
        for ch in c.changes:
            lines.append(
                f"| `{ch.question}` {md(ch.prompt)} | {md(ch.before)} | {md(ch.after)} "
                f"| {_effect(ch.effect)} |"
            )
        if c.remainder is not None:
            lines.append(f"| *{REMAINDER}* |  |  | {signed(c.remainder)} |")
        if c.score_delta is not None:
            lines.append(
                f"| **Total: the change in the score** |  |  | **{signed(c.score_delta)}** |"
            )
        lines += [
            "",
            "Each effect is that change made alone to the earlier answers; the remainder makes "
            "the rows add up to the change in the score.",
        ]
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
    data["remainder_label"] = REMAINDER
    for s, raw in zip(c.sections, data["sections"], strict=True):
        raw["delta"] = s.delta
    for f, raw in zip(c.flags, data["flags"], strict=True):
        raw["change"] = f.change
    return json.dumps({"format": COMPARE_FORMAT, **data}, indent=2, sort_keys=True) + "\n"


__all__ = ["COMPARE_FORMAT", "CompareFormat", "headline", "render_json", "render_markdown"]

"""Batch results as a Markdown table (CommonMark with GitHub tables), streamed row by row.

Every string that comes from an input (service names, messages) is escaped,
so it cannot break the table or inject links or HTML.
"""

from __future__ import annotations

from mutual_detector.batch.rank import held_back
from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals
from mutual_detector.render.markdown import md
from mutual_detector.render.report_model import number, percent

_READINESS = {
    "on_track": "on track",
    "behind": "behind",
    "unclear": "unclear",
    "not_assessed": "not assessed",
}


def _cell(value: str | None) -> str:
    return md(value) if value else ""


class MarkdownRenderer:
    def __init__(self, context: BatchContext) -> None:
        self.context = context
        self.gated = context.gate is not None

    def begin(self) -> str:
        c = self.context
        title = "Shortlist" if c.ranked else "Batch assessment"
        lines = [
            f"# {title}: {md(c.questionnaire_title)}",
            "",
            f"Questionnaire `{c.questionnaire_id}` version {md(c.questionnaire_version)}"
            + (f"; gate: `{c.gate}`" if c.gate else "")
            + ".",
            "",
        ]
        head = ["#"] if c.ranked else []
        head += ["Input", "Service", "Verdict", "Score", "Could be", "Answered", "Readiness"]
        head += ["Legal form", "Held back by" if c.ranked else "Flags"]
        head += ["Gate"] if self.gated else []
        align = ["---:"] if c.ranked else []
        align += ["---", "---", "---", "---:", "---:", "---:", "---", "---", "---"]
        align += ["---"] if self.gated else []
        lines.append("| " + " | ".join(head) + " |")
        lines.append("| " + " | ".join(align) + " |")
        return "\n".join(lines) + "\n"

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        c = self.context
        cells = [str(rank) if rank is not None else ""] if c.ranked else []
        cells.append(_cell(item.label))
        s = item.summary
        gate = ""
        if item.gate is not None:
            gate = (
                "passed" if item.gate.passed else "**failed**: " + md("; ".join(item.gate.reasons))
            )
        if item.status == "error":
            message = "; ".join(e.one_line() for e in item.errors[:3])
            cells += ["", "**could not assess**", "", "", "", "", "", md(message)]
        elif item.status == "skipped" or s is None:
            cells += ["", "skipped", "", "", "", "", "", md(item.note or "")]
        else:
            verdict = md(s.verdict_label)
            verdict = f"**{verdict}**" if verdict else verdict
            score = number(s.point) if s.point is not None else ""
            could = ""
            if s.low is not None and s.high is not None and s.low != s.high:
                could = f"{number(s.low)}–{number(s.high)}"
            if c.ranked:
                notes = "; ".join(held_back(s, c))
            else:
                notes = "; ".join(f"{f.id} ({f.severity})" for f in s.raised)
                if s.possible:
                    notes += ("; " if notes else "") + f"{len(s.possible)} possible"
            cells += [_cell(s.service), verdict, score, could, percent(s.answered_share)]
            cells += [_READINESS.get(s.readiness, s.readiness)]
            cells += [_cell(s.legal_form), md(notes) if notes else ""]
        if self.gated:
            cells.append(gate)
        return "| " + " | ".join(cells) + " |\n"

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        return "\n" + md(summary_sentence(totals, self.context)) + "\n"


def summary_sentence(totals: BatchTotals, context: BatchContext) -> str:
    """One sentence: how many were assessed, their verdicts, failures and gate results."""
    parts = [f"{totals.total} input{'s' if totals.total != 1 else ''}"]
    verdicts = [f"{totals.bands[b]} {b}" for b, _ in context.bands if b in totals.bands]
    if "between" in totals.bands:
        verdicts.append(f"{totals.bands['between']} between two bands")
    assessed = f"{totals.assessed} assessed"
    if verdicts:
        assessed += " (" + ", ".join(verdicts) + ")"
    parts.append(assessed)
    if totals.failed:
        parts.append(f"{totals.failed} could not be assessed")
    if totals.skipped:
        parts.append(f"{totals.skipped} skipped")
    if context.gate:
        parts.append(f"{totals.below_gate} below the gate ({context.gate})")
    return parts[0] + ": " + ", ".join(parts[1:]) + "."


__all__ = ["MarkdownRenderer", "summary_sentence"]

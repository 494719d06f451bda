"""Batch results as a table for a terminal (rich), streamed row by row.

The header is printed once; then each input gets its row as soon as it is
assessed, with the same column widths, so a long batch shows its results as
it goes. Colour is used only when asked for (a terminal, and no NO_COLOR).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from mutual_detector.batch.rank import held_back
from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals
from mutual_detector.render.batch_markdown import summary_sentence
from mutual_detector.render.console import text_console
from mutual_detector.render.report_model import number
from mutual_detector.render.safe import one_line
from mutual_detector.text import printable

#: Column: (title, ideal width, minimum width, right-aligned).
_FIXED = {
    "#": ("#", 3, 3, True),
    "input": ("Input", 20, 12, False),
    "service": ("Service", 16, 10, False),
    "verdict": ("Verdict", 16, 12, False),
    "score": ("Score", 11, 11, True),
    "answered": ("Ans.", 4, 4, True),
    "legal_form": ("Legal form", 18, 10, False),
    "gate": ("Gate", 6, 6, False),
}
_FLEX_MIN = 16


class TableRenderer:
    def __init__(self, context: BatchContext, *, width: int = 120, color: bool = False) -> None:
        self.context = context
        self.console = text_console(width, color, markup=False)
        keys = ["#"] if context.ranked else []
        keys += ["input", "service", "verdict", "score", "answered", "legal_form"]
        keys += ["gate"] if context.gate else []
        self.keys = keys
        self.flex_title = "Held back by" if context.ranked else "Flags"
        self.widths = self._widths(width)

    def _widths(self, width: int) -> dict[str, int]:
        widths = {k: _FIXED[k][1] for k in self.keys}
        spare = width - sum(widths.values()) - (len(self.keys) + 1) - _FLEX_MIN
        for key in ("input", "service", "legal_form", "verdict"):
            if spare >= 0:
                break
            cut = min(-spare, widths[key] - _FIXED[key][2])
            widths[key] -= cut
            spare += cut
        widths["flex"] = max(_FLEX_MIN, width - sum(widths.values()) - (len(self.keys) + 1))
        return widths

    def _table(self, *, header: bool) -> Table:
        table = Table(
            box=None,
            show_header=header,
            header_style="bold",
            padding=(0, 1, 0, 0),
            pad_edge=False,
            show_edge=False,
            expand=False,
        )
        for key in self.keys:
            title, _, _, right = _FIXED[key]
            table.add_column(
                title,
                width=self.widths[key],
                no_wrap=key in ("#", "gate", "answered"),
                overflow="fold",
                justify="right" if right else "left",
            )
        table.add_column(self.flex_title, width=self.widths["flex"], overflow="fold")
        return table

    def _render(self, renderable: Any) -> str:
        with self.console.capture() as capture:
            self.console.print(renderable)
        return "\n".join(line.rstrip(" ") for line in capture.get().split("\n"))

    def begin(self) -> str:
        c = self.context
        what = "Shortlist" if c.ranked else "Batch"
        gate = f"; gate {c.gate}" if c.gate else ""
        title = Text(
            f"{what}: {one_line(c.questionnaire_title)} ({c.questionnaire_id} "
            f"{c.questionnaire_version}){gate}",
            style="bold",
        )
        table = self._table(header=True)
        width = sum(self.widths.values()) + len(self.keys)
        return self._render(title) + self._render(table) + self._render(Text("─" * width))

    def _style(self, summary_rank: int, undecided: bool) -> str:
        if undecided:
            return "magenta"
        last = len(self.context.bands) - 1
        if summary_rank == 0:
            return "green"
        return "red" if summary_rank >= last else "yellow"

    def _wide(self, item: BatchItem, rank: int | None, message: Text) -> str:
        """A row with the input's name and one message across the other columns."""
        first = ["#", "input"] if self.context.ranked else ["input"]
        table = Table(box=None, show_header=False, padding=(0, 1, 0, 0), pad_edge=False)
        for key in first:
            table.add_column(
                width=self.widths[key],
                no_wrap=True,
                overflow="fold",
                justify="right" if key == "#" else "left",
            )
        rest = sum(self.widths.values()) + len(self.keys) - sum(self.widths[k] + 1 for k in first)
        table.add_column(width=rest, overflow="fold")
        cells = [str(rank) if rank is not None else ""] if self.context.ranked else []
        table.add_row(*cells, printable(item.label), message)
        return self._render(table)

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        if item.status == "error":
            message = printable("; ".join(e.short() for e in item.errors[:2]))
            if len(item.errors) > 2:
                message += f" (and {len(item.errors) - 2} more)"
            return self._wide(
                item, rank, Text("could not assess ", style="bold red") + Text(message, style="red")
            )
        s = item.summary
        if item.status == "skipped" or s is None:
            return self._wide(item, rank, Text(f"skipped: {item.note or ''}", style="dim"))
        table = self._table(header=False)
        cells: list[Any] = [str(rank) if rank is not None else ""] if self.context.ranked else []
        cells.append(printable(item.label))
        style = self._style(s.indicative_rank, not s.decided)
        cells += [one_line(s.service or ""), Text(one_line(s.verdict_label), style=style)]
        score = number(s.point) if s.point is not None else "—"
        if s.low is not None and s.high is not None and s.low != s.high:
            score += f" ({s.low:.1f}–{s.high:.1f})".replace(".0–", "–").replace(".0)", ")")
        cells += [score, f"{s.answered_share:.0%}"]
        cells.append(one_line(s.legal_form or "—"))
        if self.context.gate:
            if item.gate is not None and not item.gate.passed:
                cells.append(Text("FAILED", style="bold red"))
            else:
                cells.append(Text("passed", style="green"))
        if self.context.ranked:
            notes = "; ".join(held_back(s, self.context))
        else:
            notes = ", ".join(f"{f.id} ({f.severity})" for f in s.raised)
            if s.possible:
                notes += ("; " if notes else "") + f"{len(s.possible)} possible"
        cells.append(notes or "—")
        table.add_row(*cells)
        return self._render(table)

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        return self._render(Text("\n" + summary_sentence(totals, self.context), style="bold"))


__all__ = ["TableRenderer"]

"""Batch results for a terminal (rich), streamed service by service.

The header is printed once; then each input gets its lines as soon as it is
assessed, so a long batch shows its results as it goes. Colour is used only
when asked for (a terminal, and no NO_COLOR).

Two layouts, chosen once from the width (the terminal policy's answer):

* **a table**, one row per service, when every column fits at its least width
  (the input column as wide as the longest input name);
* **stacked**, below that: each service as a short block (the input, then its
  verdict, score, service, legal form and flags, one label a line).

Either way nothing is broken inside a word: cells and lines wrap between words
(an id, a verdict or a file name is cut only if it is wider than the whole
line), and the verdict and the score are always shown. Inputs are named
relative to the folder they all share, which the header names once (so a batch
of one folder shows file names only).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Final

from rich.table import Table
from rich.text import Text

from mutual_detector.batch.rank import held_back
from mutual_detector.batch.records import BatchContext, BatchItem, BatchTotals
from mutual_detector.render.batch_markdown import summary_sentence
from mutual_detector.render.console import text_console
from mutual_detector.render.report_model import number
from mutual_detector.render.safe import one_line
from mutual_detector.text import printable

#: Column: (title, least width, right-aligned). The input column's width is the
#: longest input name's; the flags column gets what is left, at least FLAGS_MIN.
_COLUMNS: Final = {
    "#": ("#", 3, True),
    "input": ("Input", 5, False),
    "service": ("Service", 16, False),
    "verdict": ("Verdict", 16, False),
    "score": ("Score", 11, True),
    "answered": ("Ans.", 4, True),
    "legal_form": ("Legal form", 18, False),
    "gate": ("Gate", 6, False),
}
#: The flags column holds a flag id and its severity on a line: ids are up to 30 characters.
FLAGS_MIN: Final = 32
#: An input name longer than this sends the table to the stacked layout.
INPUT_MAX: Final = 40
#: What a CSV input's ``:row`` adds to its name, at most.
_ROW_SUFFIX: Final = 7
#: The stacked layout: a service's lines are indented this much under its name (and
#: twice this for a line's continuation).
_INDENT: Final = 2


def common_folder(names: Sequence[str]) -> str:
    """The folder every input name is in (``examples/``), or "" if they share none."""
    folders = {os.path.dirname(n) for n in names}
    if not folders or "" in folders:
        return ""
    try:
        shared = os.path.commonpath(sorted(folders))
    except ValueError:  # absolute and relative names mixed, or two drives
        return ""
    return shared.rstrip("/\\") + os.sep if shared else ""


class TableRenderer:
    def __init__(
        self,
        context: BatchContext,
        *,
        width: int = 120,
        color: bool = False,
        names: Sequence[str] = (),
        csv_rows: bool = False,
    ) -> None:
        """``names``: every input's name (to find the folder they share and the longest);
        ``csv_rows``: some inputs are CSV files, whose rows are named ``file:row``."""
        self.context = context
        self.width = width
        self.console = text_console(width, color, markup=False)
        self.folder = common_folder(names)
        longest = max((len(self._name(n)) for n in names), default=20)
        longest += _ROW_SUFFIX if csv_rows else 0
        keys = ["#"] if context.ranked else []
        keys += ["input", "service", "verdict", "score", "answered", "legal_form"]
        keys += ["gate"] if context.gate else []
        self.keys = keys
        self.flex_title = "Held back by" if context.ranked else "Flags"
        self.widths = {k: _COLUMNS[k][1] for k in keys}
        self.widths["input"] = max(_COLUMNS["input"][1], longest)
        spare = width - sum(self.widths.values()) - len(keys) - FLAGS_MIN
        self.stacked = longest > INPUT_MAX or spare < 0
        if not self.stacked:
            # What is left goes first to the flags (the longest cell), then the service.
            extra = min(spare, 24)
            self.widths["flex"] = FLAGS_MIN + spare - extra // 2
            self.widths["service"] += extra // 2

    # ------------------------------------------------------------- shared

    def _name(self, name: str) -> str:
        return name[len(self.folder) :] if self.folder and name.startswith(self.folder) else name

    def _label(self, item: BatchItem) -> str:
        return printable(self._name(item.label))

    def _render(self, renderable: Any) -> str:
        with self.console.capture() as capture:
            self.console.print(renderable)
        return "\n".join(line.rstrip(" ") for line in capture.get().split("\n"))

    def _style(self, summary_rank: int, undecided: bool) -> str:
        if undecided:
            return "magenta"
        last = len(self.context.bands) - 1
        if summary_rank == 0:
            return "green"
        return "red" if summary_rank >= last else "yellow"

    def begin(self) -> str:
        c = self.context
        what = "Shortlist" if c.ranked else "Batch"
        gate = f"; gate {c.gate}" if c.gate else ""
        title = Text(
            f"{what}: {one_line(c.questionnaire_title)} ({c.questionnaire_id} "
            f"{c.questionnaire_version}){gate}",
            style="bold",
        )
        out = self._render(title)
        if self.folder:
            out += self._render(Text(f"Inputs in {printable(self.folder)}"))
        if self.stacked:
            return out + self._render(Text("─" * self.width))
        table = self._table(header=True)
        width = sum(self.widths.values()) + len(self.keys)
        return out + self._render(table) + self._render(Text("─" * width))

    def _cells(self, item: BatchItem) -> dict[str, Any] | None:
        """The cells of an assessed input, by column (None: an error or a skipped file)."""
        s = item.summary
        if item.status != "ok" or s is None:
            return None
        score = number(s.point) if s.point is not None else "—"
        if s.low is not None and s.high is not None and s.low != s.high:
            score += f" ({s.low:.1f}–{s.high:.1f})".replace(".0–", "–").replace(".0)", ")")
        cells: dict[str, Any] = {
            "service": one_line(s.service or ""),
            "verdict": Text(
                one_line(s.verdict_label), style=self._style(s.indicative_rank, not s.decided)
            ),
            "score": score,
            "answered": f"{s.answered_share:.0%}",
            "legal_form": one_line(s.legal_form or "—"),
        }
        if self.context.gate:
            if item.gate is not None and not item.gate.passed:
                cells["gate"] = Text("FAILED", style="bold red")
            else:
                cells["gate"] = Text("passed", style="green")
        if self.context.ranked:
            notes = "; ".join(held_back(s, self.context))
        else:
            notes = ", ".join(f"{f.id} ({f.severity})" for f in s.raised)
            if s.possible:
                notes += ("; " if notes else "") + f"{len(s.possible)} possible"
        cells["flex"] = notes or "—"
        return cells

    def _message(self, item: BatchItem) -> Text:
        """Why an input has no result: it could not be assessed, or it was skipped."""
        if item.status == "error":
            message = printable("; ".join(e.short() for e in item.errors[:2]))
            if len(item.errors) > 2:
                message += f" (and {len(item.errors) - 2} more)"
            return Text("could not assess ", style="bold red") + Text(message, style="red")
        return Text(f"skipped: {item.note or ''}", style="dim")

    def item(self, item: BatchItem, rank: int | None = None) -> str:
        if self.stacked:
            return self._block(item, rank)
        cells = self._cells(item)
        if cells is None:
            return self._wide(item, rank, self._message(item))
        table = self._table(header=False)
        row: list[Any] = [str(rank) if rank is not None else ""] if self.context.ranked else []
        row.append(self._label(item))
        row += [cells[k] for k in self.keys if k not in ("#", "input")]
        row.append(cells["flex"])
        table.add_row(*row)
        return self._render(table)

    def end(self, totals: BatchTotals, exit_code: int) -> str:
        gap = "" if self.stacked else "\n"  # a block ends with a blank line already
        return self._render(Text(gap + summary_sentence(totals, self.context), style="bold"))

    # ------------------------------------------------------------- the table

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
            title, _, right = _COLUMNS[key]
            table.add_column(
                title,
                width=self.widths[key],
                no_wrap=key in ("#", "gate", "answered"),
                overflow="fold",
                justify="right" if right else "left",
            )
        table.add_column(self.flex_title, width=self.widths["flex"], overflow="fold")
        return table

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
        table.add_row(*cells, self._label(item), message)
        return self._render(table)

    # ------------------------------------------------------------- stacked

    def _block(self, item: BatchItem, rank: int | None) -> str:
        """One service as a block: its name, then a labelled line for each column."""
        head = Text(f"{rank}. " if rank is not None else "", style="bold")
        head.append(self._label(item), style="bold")
        lines: list[Text] = []
        cells = self._cells(item)
        if cells is None:
            lines.append(self._message(item))
        else:
            lines.append(Text("Verdict: ") + cells["verdict"])
            lines.append(Text(f"Score: {cells['score']}, {cells['answered']} answered"))
            if cells["service"]:
                lines.append(Text(f"Service: {cells['service']}"))
            lines.append(Text(f"Legal form: {cells['legal_form']}"))
            if "gate" in cells:
                lines.append(Text("Gate: ") + cells["gate"])
            lines.append(Text(f"{self.flex_title}: {cells['flex']}"))
        # Each line wraps between words, its continuation lines indented under its label.
        out = [self._render(head)]
        for line in lines:
            wrapped = line.wrap(self.console, max(1, self.width - 2 * _INDENT))
            for n, part in enumerate(wrapped):
                out.append(self._render(Text(" " * _INDENT * (1 if n == 0 else 2)) + part))
        return "".join(out) + "\n"


__all__ = ["FLAGS_MIN", "INPUT_MAX", "TableRenderer", "common_folder"]

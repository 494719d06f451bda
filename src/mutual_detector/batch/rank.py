"""``batch --rank``: the shortlist a council would take forward.

Services are ordered by their indicative band (where the answers so far
point, caps applied; best first), then by the worst band their unknown
answers could lead to (best first: a decided verdict ranks above one that
could still fall), then by the point estimate (highest first), then input
order. Inputs that could not be assessed come last, in input order.

For each service we say what holds it back: the blockers that cap it, the
caps its unknown answers could trigger, the warnings raised, how far the
verdict is from decided, and its weakest section.

Ranking needs every result before the first line can be written, so it keeps
one short summary per input in memory; the full results (for the json and
jsonl formats) wait in a temporary file, not in memory.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from mutual_detector.batch.records import BatchContext, BatchItem, Summary
from mutual_detector.errors import OutputError
from mutual_detector.text import reason

#: Warnings listed by name in "held back by"; the rest are counted.
MAX_WARNINGS = 4


def rank_key(item: BatchItem) -> tuple[int, int, float, int]:
    s = item.summary
    if item.status != "ok" or s is None:
        return (1 << 30, 1 << 30, 0.0, item.index)
    return (s.indicative_rank, s.worst_rank, -(s.point or 0.0), item.index)


def held_back(summary: Summary, context: BatchContext) -> list[str]:
    """What keeps a service from a better verdict, most important first."""
    out: list[str] = []
    if not summary.decided:
        out.append(
            f"not decided: could be {context.band_label(summary.best)} to "
            f"{context.band_label(summary.worst)} ({summary.answered_share:.0%} answered)"
        )
    for flag in summary.raised:
        if flag.severity == "blocker" or flag.caps:
            cap = f", caps at {context.band_label(flag.caps)}" if flag.caps else ""
            out.append(f"{flag.id} ({flag.severity}{cap})")
    for flag in summary.possible:
        if flag.caps:
            out.append(f"{flag.id} (possible, would cap at {context.band_label(flag.caps)})")
    warnings = [
        f"{f.id} (warning)" for f in summary.raised if f.severity == "warning" and not f.caps
    ]
    if len(warnings) > MAX_WARNINGS:
        more = len(warnings) - MAX_WARNINGS + 1
        warnings = [*warnings[: MAX_WARNINGS - 1], f"{more} more warnings"]
    out += warnings
    scored = [(score, sid) for sid, score in summary.sections if score is not None]
    if scored and summary.indicative_rank > 0:
        score, sid = min(scored)
        out.append(f"weakest: {context.section_title(sid)} {score:g}")
    return out


class Ranker:
    """Collects items, then gives them back in rank order with their rank (None if unranked)."""

    def __init__(self) -> None:
        self._items: list[BatchItem] = []
        self._spill: IO[bytes] | None = None
        self._where: dict[int, tuple[int, int]] = {}

    def add(self, item: BatchItem) -> None:
        if item.payload is not None:
            blob = item.payload.encode("utf-8")
            try:
                if self._spill is None:
                    self._spill = tempfile.TemporaryFile()  # noqa: SIM115 - closed in ranked()
                self._where[item.index] = (self._spill.tell(), len(blob))
                self._spill.write(blob)
            except OSError as exc:
                raise _spill_error(exc) from None
            item = dataclasses.replace(item, payload=None)
        self._items.append(item)

    def extend(self, items: Iterable[BatchItem]) -> None:
        for item in items:
            self.add(item)

    def ranked(self) -> Iterator[tuple[int | None, BatchItem]]:
        try:
            position = 0
            for item in sorted(self._items, key=rank_key):
                rank = None
                if item.status == "ok" and item.summary is not None:
                    position += 1
                    rank = position
                yield rank, self._restore(item)
        finally:
            if self._spill is not None:
                self._spill.close()
                self._spill = None

    def _restore(self, item: BatchItem) -> BatchItem:
        where = self._where.get(item.index)
        if where is None or self._spill is None:
            return item
        offset, length = where
        try:
            self._spill.seek(offset)  # flushes what is buffered: a full disk shows here
            payload = self._spill.read(length).decode("utf-8")
            self._spill.seek(0, 2)
        except OSError as exc:
            raise _spill_error(exc) from None
        return dataclasses.replace(item, payload=payload)


def _spill_error(exc: OSError) -> OutputError:
    """A full (or unwritable) temporary folder: the output cannot be written (exit 4)."""
    return OutputError(
        f"cannot keep the results to rank them in the temporary folder "
        f"{tempfile.gettempdir()}: {reason(exc)}; free some space there or set TMPDIR "
        "to another folder"
    )


__all__ = ["Ranker", "held_back", "rank_key"]

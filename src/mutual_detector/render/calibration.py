"""Calibration outcomes as a table, JSON or Markdown: expected against got, case by case."""

from __future__ import annotations

import json
from collections.abc import Sequence

from mutual_detector.calibrate import CaseOutcome


def summary(outcomes: Sequence[CaseOutcome]) -> str:
    agree = sum(1 for o in outcomes if o.agrees)
    errors = sum(1 for o in outcomes if o.error is not None)
    text = f"{agree} of {len(outcomes)} cases agree"
    if errors:
        text += f"; {errors} could not be run"
    return text + "."


def render_text(outcomes: Sequence[CaseOutcome], width: int = 80) -> str:
    """Each case on its own lines (its id whole, never broken), expected against got,
    wrapped to ``width`` columns; then each disagreement in full."""
    from textwrap import wrap

    from mutual_detector.text import printable

    width = max(width, 40)
    lines: list[str] = []
    for o in outcomes:
        mark = "ok" if o.agrees else ("could not run" if o.error else "DIFFERS")
        lines.append(f"[{mark}] {printable(o.case_id)}")
        got = o.got if o.got is not None else "-"
        detail = f"expected {o.expected}; got {got}"
        lines += ["    " + chunk for chunk in wrap(printable(detail), width - 4)]
    lines.append("")
    for o in outcomes:
        if o.agrees:
            continue
        lines.append(f"{printable(o.case_id)} ({printable(o.path)}):")
        for problem in [o.error] if o.error else list(o.problems):
            for i, chunk in enumerate(wrap(printable(problem or ""), width - 4)):
                lines.append(("  - " if i == 0 else "    ") + chunk)
    lines.append(summary(outcomes))
    return "\n".join(lines) + "\n"


def render_json(outcomes: Sequence[CaseOutcome]) -> str:
    data = {
        "agree": sum(1 for o in outcomes if o.agrees),
        "total": len(outcomes),
        "cases": [
            {
                "id": o.case_id,
                "path": o.path,
                "title": o.title,
                "expected": o.expected,
                "got": o.got,
                "agrees": o.agrees,
                "problems": list(o.problems),
                "error": o.error,
                "readiness": o.readiness,
                "flags": list(o.flags),
            }
            for o in outcomes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_markdown(outcomes: Sequence[CaseOutcome]) -> str:
    from mutual_detector.render.markdown import md as md_cell

    lines = [
        "| case | expected | got | agrees |",
        "| --- | --- | --- | --- |",
    ]
    for o in outcomes:
        got = o.got if o.got is not None else (o.error or "-")
        lines.append(
            f"| {md_cell(o.case_id)}: {md_cell(o.title)} | {md_cell(o.expected)} | {md_cell(got)} "
            f"| {'yes' if o.agrees else '**no**'} |"
        )
    lines.append("")
    lines.append(summary(outcomes))
    return "\n".join(lines) + "\n"


__all__ = ["render_json", "render_markdown", "render_text", "summary"]

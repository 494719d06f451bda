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
    """A plain table that fits ``width`` columns (cells wrap, never cut), then each
    disagreement in full."""
    from textwrap import wrap

    width = max(width, 40)
    name_w = min(max([4, *(len(o.case_id) for o in outcomes)]), width // 3)
    exp_w = min(max([8, *(len(o.expected) for o in outcomes)]), width // 4)
    got_w = max(12, width - name_w - exp_w - 4)
    rows = [("case", "expected", "got")]
    for o in outcomes:
        mark = "ok" if o.agrees else ("could not run" if o.error else "DIFFERS")
        rows.append((o.case_id, o.expected, f"{o.got if o.got is not None else '-'}  [{mark}]"))
    lines: list[str] = []
    for n, (name, expected, shown) in enumerate(rows):
        cells = [
            wrap(name, name_w, break_on_hyphens=False) or [""],
            wrap(expected, exp_w, break_on_hyphens=False) or [""],
            wrap(shown, got_w, break_on_hyphens=False) or [""],
        ]
        for i in range(max(len(c) for c in cells)):
            parts = [c[i] if i < len(c) else "" for c in cells]
            line = f"{parts[0].ljust(name_w)}  {parts[1].ljust(exp_w)}  {parts[2]}"
            lines.append(line.rstrip())
        if n == 0:
            lines.append("")
    lines.append("")
    for o in outcomes:
        if o.agrees:
            continue
        lines.append(f"{o.case_id} ({o.path}):")
        for problem in [o.error] if o.error else list(o.problems):
            for i, chunk in enumerate(wrap(problem or "", width - 4)):
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

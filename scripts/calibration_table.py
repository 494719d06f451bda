"""Regenerate the tables in docs/calibration.md: the examples and the built-in cases.

    .venv/bin/python scripts/calibration_table.py          # rewrite the table in the doc
    .venv/bin/python scripts/calibration_table.py --check  # exit 1 if the doc is out of date

The cases table is the Markdown output of ``mutual-detector calibrate`` over
the built-in cases (calibration/*.yaml) and the built-in questionnaire; the
examples table shows what the engine gives each file in examples/. Each goes
between its two marker comments in docs/calibration.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "calibration.md"
START = "<!-- calibration-table:start (scripts/calibration_table.py writes this) -->"
END = "<!-- calibration-table:end -->"
EX_START = "<!-- examples-table:start (scripts/calibration_table.py writes this) -->"
EX_END = "<!-- examples-table:end -->"


def table() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from mutual_detector.calibrate import case_paths, run_cases
    from mutual_detector.render.calibration import render_markdown

    return render_markdown(run_cases(case_paths([ROOT / "calibration"])))


def examples_table() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from mutual_detector.engine import assess
    from mutual_detector.loading import get_questionnaire, load_answers
    from mutual_detector.model.calibration import got

    q = get_questionnaire("mutual-detector").questionnaire
    rows = [
        "| File | Service | Verdict (score) | Score alone | Capped by | Readiness | Top legal form |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        if path.name == "expected.yaml":
            continue
        answers = load_answers(path).answers
        r = assess(q, answers, whatif=False)
        forms = r.recommendations.legal_forms
        top = f"`{forms[0].id}`" if forms else "(none ranked)"
        rows.append(
            f"| `{path.name}` | {answers.metadata.service or ''} | {got(r)} "
            f"| {r.verdict.score_band or '-'} | {', '.join(r.verdict.capped_by) or '-'} "
            f"| {r.readiness.status} | {top} |"
        )
    return "\n".join(rows) + "\n"


def _replace(text: str, start: str, end: str, body: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{body}{end}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the doc is current")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    if any(m not in text for m in (START, END, EX_START, EX_END)):
        print(f"{DOC}: the marker comments are missing", file=sys.stderr)
        return 1
    new = _replace(text, START, END, table())
    new = _replace(new, EX_START, EX_END, examples_table())
    if args.check:
        if new != text:
            print(f"{DOC} is out of date: run scripts/calibration_table.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote the tables in {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

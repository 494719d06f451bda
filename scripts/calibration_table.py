"""Regenerate the calibration table in docs/calibration.md from the built-in cases.

    .venv/bin/python scripts/calibration_table.py          # rewrite the table in the doc
    .venv/bin/python scripts/calibration_table.py --check  # exit 1 if the doc is out of date

The table is the Markdown output of ``mutual-detector calibrate`` over the
built-in cases (calibration/*.yaml) and the built-in questionnaire, placed
between the two marker comments in docs/calibration.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "calibration.md"
START = "<!-- calibration-table:start (scripts/calibration_table.py writes this) -->"
END = "<!-- calibration-table:end -->"


def table() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from mutual_detector.calibrate import case_paths, run_cases
    from mutual_detector.render.calibration import render_markdown

    return render_markdown(run_cases(case_paths([ROOT / "calibration"])))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the doc is current")
    args = parser.parse_args()
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{DOC}: the marker comments are missing", file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{table()}{END}{tail}"
    if args.check:
        if new != text:
            print(f"{DOC} is out of date: run scripts/calibration_table.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote the table in {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

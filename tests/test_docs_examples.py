"""Every example file in the documentation that declares one of our formats validates (#17).

A fenced ``yaml`` or ``json`` block in ``docs/*.md`` or the README whose top
level has ``format: mutual-detector/questionnaire@1``, ``...-part@1`` or
``answers@1`` is written to a file and checked as ``mutual-detector validate``
would: no errors (warnings, such as questions left unanswered in a short
example, are fine). A block may be marked on the line before its fence:

* ``<!-- example: invalid (why) -->``: a deliberate bad example; it must fail;
* ``<!-- example: sketch (why) -->``: a sketch with placeholders (``...``); not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from mutual_detector.validation import validate_paths

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(
    r"^(?:<!-- example: (?P<mark>\w+)(?P<why>[^>]*)-->\n)?"
    r"```(?P<lang>ya?ml|json)\n(?P<body>.*?)^```",
    re.S | re.M,
)
OURS = re.compile(
    r'^"?format"?\s*:\s*"?mutual-detector/(?:questionnaire|questionnaire-part|answers)@', re.M
)
MARKS = ("invalid", "sketch")


@dataclass(frozen=True)
class Example:
    doc: str
    line: int
    lang: str
    body: str
    mark: str | None
    why: str

    def __str__(self) -> str:
        return f"{self.doc}:{self.line}"


def examples() -> list[Example]:
    found = []
    for doc in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if not OURS.search(m["body"]):
                continue
            line = text.count("\n", 0, m.start("lang")) + 1
            found.append(
                Example(
                    doc.relative_to(ROOT).as_posix(),
                    line,
                    m["lang"],
                    m["body"],
                    m["mark"],
                    (m["why"] or "").strip(),
                )
            )
    return found


EXAMPLES = examples()


def test_the_examples_are_found() -> None:
    """The editor's and the format's answers examples are among them."""
    docs = {e.doc for e in EXAMPLES if e.mark is None}
    assert {"docs/editor.md", "docs/format.md"} <= docs


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_each_example_validates(example: Example, tmp_path: Path) -> None:
    if example.mark is not None:
        assert example.mark in MARKS, f"{example}: unknown mark {example.mark!r}"
        assert example.why, f"{example}: say why the example is marked {example.mark}"
    if example.mark == "sketch":
        pytest.skip(f"a sketch: {example.why}")
    suffix = ".json" if example.lang == "json" else ".yaml"
    path = tmp_path / f"example{suffix}"
    path.write_text(example.body, encoding="utf-8")
    report = validate_paths([path])
    errors = [f.one_line() for f in report.errors]
    if example.mark == "invalid":
        assert errors, f"{example} is marked invalid but validates"
    else:
        assert errors == [], f"{example}:\n" + "\n".join(errors)
        assert report.exit_code == 0, str(example)

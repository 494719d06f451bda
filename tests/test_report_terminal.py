"""The terminal report: the decision on the first screen, then the details.

The first screens of four examples (decided, between, capped, withheld) are
pinned in tests/snapshots/report/, at 80 columns without colour. They hold
the built-in questionnaire's wording, which is being rewritten: regenerate
them with ``MUTUAL_DETECTOR_UPDATE_SNAPSHOTS=1 pytest tests/test_report_terminal.py``
and review the diff. Everything else is checked by structure and order.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.model.questionnaire import Questionnaire
from mutual_detector.model.result import Result
from mutual_detector.render.report_model import build_report
from mutual_detector.render.terminal import render_text
from report_cases import (
    CASES,
    EXAMPLES,
    REPORT_Q,
    answers_file,
    example,
    report_questionnaire,
    result_for,
    with_readiness_behind,
)

HERE = Path(__file__).resolve().parent
SNAPSHOTS = HERE / "snapshots" / "report"
UPDATE = os.environ.get("MUTUAL_DETECTOR_UPDATE_SNAPSHOTS") == "1"
#: A terminal window of 80 x 30: the whole decision fits, whatever the example (the
#: built-in bands' meanings run to four lines, and three red flags to six).
FIRST_SCREEN = 30
LABELS = ("VERDICT", "CAP", "RED FLAGS", "READINESS", "LEGAL FORM", "NEXT STEPS")

#: One example of each way a verdict comes out, with the built-in questionnaire.
PINNED = {
    "decided": "strong-community-health",
    "between": "inconclusive-early-idea",
    "capped": "tiny-back-office-no-market",
    "withheld": "council-company-not-a-mutual",
}

ESCAPES = [
    "\x1b[2J\x1b[H",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x9b31m",
    "\x9d0;title\x9c",
    "\x1bP+q\x1b\\",
    "\u202e",
]


def first_screen(text: str) -> str:
    """The decision: the header and the first screen, up to the rule under it."""
    return text.split("\n─", 1)[0]


def _all_results() -> list[tuple[str, Result, Questionnaire]]:
    out = [(p.stem, *example(p.stem)) for p in EXAMPLES]
    q = report_questionnaire()
    out += [(case, result_for(case), q) for case in CASES]
    out.append(("readiness-behind", with_readiness_behind(result_for("decided")), q))
    return out


ALL = _all_results()
IDS = [name for name, _, _ in ALL]


@pytest.mark.parametrize("name", list(PINNED))
def test_first_screen_snapshot(name: str) -> None:
    result, q = example(PINNED[name])
    got = first_screen(render_text(result, q, width=80)) + "\n"
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"no snapshot {path}; run with MUTUAL_DETECTOR_UPDATE_SNAPSHOTS=1"
    assert got == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "result", "q"), ALL, ids=IDS)
class TestFirstScreen:
    def test_the_decision_is_on_the_first_screen(
        self, name: str, result: Result, q: Questionnaire
    ) -> None:
        """Verdict, readiness, the legal form (or why none) and the next steps, in 24 lines."""
        text = render_text(result, q, width=80)
        head = "\n".join(text.splitlines()[:FIRST_SCREEN])
        flat = " ".join(head.split())
        assert result.verdict.label in flat
        assert "READINESS " + " ".join(result.readiness.summary.split()[:5]) in flat
        if result.recommendations.status == "withheld":
            assert "LEGAL FORM No legal form is ranked while" in flat
        elif result.recommendations.legal_forms:
            title = result.recommendations.legal_forms[0].title
            assert "LEGAL FORM " + " ".join(title.split()[:3]) in flat
        assert "NEXT STEPS" in head
        for n in range(1, len(result.recommendations.first_steps) + 1):
            assert re.search(rf"(?m)^(?:NEXT STEPS|\s{{10}}) {n}\. \S", head), n

    def test_labels_in_order(self, name: str, result: Result, q: Questionnaire) -> None:
        screen = first_screen(render_text(result, q, width=80))
        found = re.findall(r"(?m)^(VERDICT|CAP|RED FLAGS|READINESS|LEGAL FORM|NEXT STEPS) ", screen)
        assert found == [x for x in LABELS if x in found]
        assert {"VERDICT", "RED FLAGS", "READINESS", "LEGAL FORM", "NEXT STEPS"} <= set(found)
        raised = any(c.status == "raised" for c in result.caps)
        possible = result.verdict.status == "between" and any(result.caps)
        assert ("CAP" in found) == (raised or possible)

    def test_the_verdict_is_stated_once(self, name: str, result: Result, q: Questionnaire) -> None:
        text = render_text(result, q, width=80)
        assert text.count(result.verdict.label) == 1

    @pytest.mark.parametrize("width", [40, 60, 80, 100])
    def test_fits_without_cutting_words(
        self, name: str, result: Result, q: Questionnaire, width: int
    ) -> None:
        text = render_text(result, q, width=width)
        lines = text.splitlines()
        assert max(len(line) for line in lines) <= width
        tokens = set(text.split())
        # Every word of what the first screen says is whole somewhere in the report.
        report = build_report(result, q, scope="terminal")
        d = report.decision
        said = [d.verdict.label, d.verdict.meaning or "", d.readiness.summary, d.legal_form.text]
        said += [s.title for s in d.steps] + [f.short for f in d.flags] + [c.text for c in d.caps]
        for sentence in said:
            for word in sentence.split():
                if len(word) < width - 12:
                    assert word in tokens, (word, sentence)


class TestContent:
    def test_between_lists_what_decides_it(self) -> None:
        result, q = example(PINNED["between"])
        screen = first_screen(render_text(result, q, width=80))
        prompts = {e.id: e.prompt for e in result.explanations}
        flat = " ".join(screen.split())
        assert "What decides it most:" in flat
        positions = [flat.index(prompts[qid]) for qid in result.verdict.deciding[:3]]
        assert positions == sorted(positions)
        assert prompts[result.verdict.deciding[3]] not in flat
        assert f"and {len(result.verdict.deciding) - 3} more" in flat
        assert "could be" in flat
        assert "unknown answers" in flat

    def test_readiness_behind_is_on_the_first_screen(self) -> None:
        """The decision says how far behind; the gaps head the readiness section."""
        result = with_readiness_behind(result_for("decided"))
        text = render_text(result, report_questionnaire())
        flat = " ".join(first_screen(text).split())
        assert "READINESS Behind for Spin out" in flat
        gap = "How far have pensions been settled? — Not started (expected by Spin out: Agreed)"
        assert gap not in flat
        assert gap in " ".join(text.split())

    def test_section_bars_show_the_range_and_the_point(self) -> None:
        text = render_text(result_for("between"), report_questionnaire(), width=80)
        staff = next(line for line in text.splitlines() if line.startswith("  Staff "))
        assert "▒" in staff
        assert "│" in staff
        assert "│ point estimate" in text

    def test_sources_are_those_cited_on_the_page(self) -> None:
        for name, result, q in ALL:
            text = render_text(result, q, width=80)
            if "\nSources\n" not in text:
                continue
            body, sources = text.split("\nSources\n", 1)
            listed = {int(n) for n in re.findall(r"^ *\[(\d+)\]", sources, flags=re.M)}
            groups = re.findall(r"\[([\d,\s]+)\]", body)
            cited = {int(n) for group in groups for n in group.split(",")}
            assert listed == cited, name
            assert listed == set(range(1, len(listed) + 1)), name

    def test_sources_give_publisher_year_and_url(self) -> None:
        text = render_text(result_for("withheld"), report_questionnaire(), width=100)
        sources = text.split("\nSources\n", 1)[1]
        assert (
            "[1] Introduction to public service mutuals. GOV.UK (Cabinet Office), 2023" in sources
        )
        assert "https://www.gov.uk/guidance/introduction-to-public-service-mutuals" in sources

    def test_what_if_is_worded_as_actions(self) -> None:
        text = render_text(result_for("capped"), report_questionnaire(), width=80)
        section = text.split("What could change the verdict\n", 1)[1].split("\n\n", 1)[0]
        assert "→ The verdict would become Strong" in section
        assert "Clears the cap: Consulting staff is not control." in section


class TestColourAndControlCharacters:
    def test_no_colour_unless_asked(self) -> None:
        result = result_for("capped")
        q = report_questionnaire()
        assert "\x1b" not in render_text(result, q)
        assert "\x1b[" in render_text(result, q, color=True)

    def test_no_colour_with_no_color_or_when_piped(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        data = answers_file(CASES["capped"]).model_dump(mode="json", exclude_none=True)
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        args = ["assess", "-a", str(path), "-q", str(REPORT_Q)]
        for env in ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, {}):
            out = CliRunner().invoke(app, args, env=env)
            assert out.exit_code == 0, out.output
            assert "\x1b" not in out.stdout

    @pytest.mark.parametrize("attack", ESCAPES)
    def test_escapes_in_metadata_never_reach_the_terminal(self, attack: str) -> None:
        q = report_questionnaire()
        meta = {
            "service": f"Day {attack}services",
            "organisation": f"Any{attack}town",
            "assessor": f"A. {attack}Officer",
            "notes": f"First {attack}talk",
        }
        result = result_for("between", metadata=meta)
        for color in (False, True):
            text = render_text(result, q, width=80, color=color)
            _no_injection(text, color)
        plain = render_text(result, q, width=80)
        assert plain.startswith("Mutual detector: Day ")

    def test_escapes_in_the_questionnaire_never_reach_the_terminal(self) -> None:
        q = _hostile_questionnaire()
        values = dict(CASES["between"])
        result = result_for(values, questionnaire=q)
        for color in (False, True):
            text = render_text(result, q, width=80, color=color)
            _no_injection(text, color)
        # And the answers' notes (shown with the answers).
        noted = answers_file(
            {**values, "unions": {"value": True, "note": "see \x1b]8;;https://x\x1b\\here"}},
            questionnaire=q.id,
        )
        from mutual_detector.engine import assess

        text = render_text(assess(q, noted), q)
        _no_injection(text, False)
        assert "Note: see here" in text


def _no_injection(text: str, color: bool) -> None:
    assert not re.search("[\x9b\x9d\x90\x9c\u202e\x07]", text)
    if not color:
        assert "\x1b" not in text
    else:  # only rich's own SGR styles
        assert not re.search(r"\x1b(?!\[[0-9;]*m)", text)


def _hostile_questionnaire() -> Questionnaire:
    data: dict[str, Any] = yaml.safe_load(REPORT_Q.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    esc = "\x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\\x1b[2J\x9b1m"
    data["id"] = "report-hostile"
    data["title"] = "Report " + esc
    for s in data["sections"]:
        s["title"] += esc
    for q in data["questions"]:
        q["prompt"] += esc
        for o in q.get("options", []):
            o["label"] += esc
    for b in data["scoring"]["bands"]:
        b["label"] += esc
        b["meaning"] = b.get("meaning", "") + esc
    for f in data["flags"]:
        f["message"] += esc
    for r in data["recommendations"]:
        r["title"] += esc
    for src in data["sources"]:
        src["title"] += esc
        src["publisher"] += esc
    data["sources"][0]["url"] = "https://www.gov.uk/\x1b]52;c;ZXZpbA==\x07"
    return Questionnaire.model_validate(data)


def test_escapes_in_an_answers_file_never_reach_stdout(tmp_path: Path) -> None:
    """YAML's own escapes ("\\e", "\\a", "\\x9b") write control characters into an answers
    file; no command draws them raw (issue 16)."""
    body = "\n".join(f"  {k}: {json.dumps(v)}" for k, v in CASES["capped"].items())
    hostile = (
        '"Day \\e[2J\\e]8;;https://evil.example\\e\\\\x\\e]8;;\\e\\\\ '
        '\\e]52;c;ZXZpbA==\\a\\x9b31m care"'
    )
    path = tmp_path / "a.yaml"
    path.write_text(
        "format: mutual-detector/answers@1\nquestionnaire: report-mini\n"
        f"metadata: {{service: {hostile}, organisation: {hostile}, notes: {hostile}}}\n"
        f"answers:\n{body}\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    for fmt in ("text", "markdown", "html"):
        out = runner.invoke(
            app, ["assess", "-a", str(path), "-q", str(REPORT_Q), "-f", fmt], env={"NO_COLOR": "1"}
        )
        assert out.exit_code == 0, out.output
        assert not re.search("[\x1b\x07\x9b\x9c\x9d]", out.stdout), fmt
        assert "Day" in out.stdout
        assert "care" in out.stdout
    for fmt in ("table", "csv", "markdown"):
        out = runner.invoke(
            app, ["batch", str(path), "-q", str(REPORT_Q), "-f", fmt], env={"NO_COLOR": "1"}
        )
        assert out.exit_code == 0, out.output
        assert not re.search("[\x1b\x07\x9b\x9c\x9d]", out.stdout), fmt

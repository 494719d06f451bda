""" "Not answered" warnings (A207) stand at each question's own line (#17).

The blank template lists every question as a key with no value; validating it
used to place all of its warnings at one line (the first answer's).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from clirun import run_cli

ASSETS = Path(__file__).resolve().parent / "assets"


def _a207(tmp_path: Path, *args: str) -> list[dict[str, object]]:
    proc = run_cli("validate", *args, "-f", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "A207"]


def test_each_warning_of_the_blank_template_is_at_its_question(tmp_path: Path) -> None:
    made = run_cli("template", "-o", "blank.yaml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    lines = (tmp_path / "blank.yaml").read_text(encoding="utf-8").splitlines()
    where = {
        m[1]: n for n, line in enumerate(lines, 1) if (m := re.match(r"  ([a-z][a-z0-9_]*):", line))
    }
    found = _a207(tmp_path, "blank.yaml")
    assert len(found) >= 40
    for f in found:
        qid = str(f["path"]).removeprefix("answers.")
        assert f["line"] == where[qid], f
    assert len({f["line"] for f in found}) == len(found)


def test_a_question_missing_from_the_file_is_placed_at_the_answers(tmp_path: Path) -> None:
    text = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text.replace("  readiness: 4\n", ""), encoding="utf-8")
    (found,) = _a207(tmp_path, "a.yaml", "-q", str(ASSETS / "mini.yaml"))
    assert found["path"] == "answers.readiness"
    answers_line = text.splitlines().index("answers:") + 1
    assert found["line"] == answers_line + 1  # the answers' mapping starts on the next line

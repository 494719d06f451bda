"""One reading of an answers file, whatever the command (issue 15, from issue 16's findings).

``batch`` reads files through a fast path; ``assess`` and ``validate`` through the
located reader. Each case below is a file on which the two once disagreed: the
file must be accepted or refused alike, with the same score or the same
located error (rule, line, column and reason).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from clirun import run_cli

ASSETS = Path(__file__).resolve().parent / "assets"

_HEAD = '"format": "mutual-detector/answers@1", "questionnaire": "mini"'
#: The answers every valid case gives (the mini questionnaire's required ones), in YAML and JSON.
_REST = "  turnover: 12\n  readiness: 4\n  equity: false\n  members: [staff]\n"
_REST_JSON = '"turnover": 12, "readiness": 4, "equity": false'

#: name -> (file name, content, whether a valid file)
CASES: dict[str, tuple[str, str, bool]] = {
    # Valid files that batch once refused ("cannot assess", no rule, no place):
    "brackets in quoted text": (
        "brackets.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
        "  appetite: most\n"
        f"  unions: {{value: true, note: '{'[' * 40}{'{' * 40}'}}\n" + _REST,
        True,
    ),
    "brackets in a block": (
        "block.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
        "  appetite: some\n"
        "  unions:\n    value: false\n    note: |\n"
        + "".join(f"      [{n}] see {{appendix {n}}}\n" for n in range(40))
        + _REST,
        True,
    ),
    "brackets in a comment and a block": (
        "comment.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\n# " + "[" * 70 + "\nanswers:\n"
        "  appetite: most\n  unions:\n    value: true\n    note: |\n"
        + "".join(f"      [ item {n}\n" for n in range(70))
        + _REST,
        True,
    ),
    "trailing comma in json": (
        "trailing.json",
        "{"
        + _HEAD
        + ', "answers": {"appetite": "few", "members": ["staff", "users",], '
        + _REST_JSON
        + "}}\n",
        True,
    ),
    "trailing comma in json mapping": (
        "trailing-map.json",
        "{"
        + _HEAD
        + ', "answers": {"appetite": "few", "members": ["staff"], '
        + _REST_JSON
        + ",},}\n",
        True,
    ),
    # Files assess refuses that batch once scored:
    "1e1 in json": (
        "exponent.json",
        "{" + _HEAD + ', "answers": {"appetite": "most", "turnover": 1e1}}\n',
        False,
    ),
    "1.5e1 in json": (
        "exponent2.json",
        "{" + _HEAD + ', "answers": {"appetite": "most", "turnover": 1.5e1}}\n',
        False,
    ),
    "surrogate pair escape in json": (
        "surrogate.json",
        "{" + _HEAD + ', "answers": {"unions": {"value": true, "note": "\\ud83d\\ude00"}}}\n',
        False,
    ),
    "surrogate pair escape in yaml": (
        "surrogate.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
        '  unions: {value: true, note: "\\ud83d\\ude00"}\n',
        False,
    ),
    "control character in a key": (
        "control-key.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
        '  appetite: most\n  "uni\\x01ons": true\n',
        False,
    ),
    "huge integer key": (
        "huge-key.yaml",
        "format: mutual-detector/answers@1\nquestionnaire: mini\nanswers:\n"
        "  appetite: most\n  123456789012345678901234567890: true\n",
        False,
    ),
}


def _write(folder: Path, name: str, content: str) -> Path:
    shutil.copy(ASSETS / "mini.yaml", folder / "mini.yaml")
    target = folder / name
    target.write_text(content, encoding="utf-8")
    return target


def _batch(folder: Path, name: str) -> tuple[int, dict[str, Any]]:
    done = run_cli("batch", name, "-q", "mini.yaml", "--format", "jsonl", "--quiet", cwd=folder)
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    items = [r for r in records if "status" in r]
    assert len(items) == 1, done.stdout + done.stderr
    return done.returncode, items[0]


def _assess(folder: Path, name: str) -> tuple[int, str, str]:
    done = run_cli("assess", "-a", name, "-q", "mini.yaml", "--format", "json", cwd=folder)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("case", sorted(CASES))
def test_batch_and_assess_read_the_file_alike(case: str, tmp_path: Path) -> None:
    """Accepted by both with the same score, or refused by both at the same place."""
    name, content, valid = CASES[case]
    _write(tmp_path, name, content)
    batch_code, item = _batch(tmp_path, name)
    assess_code, out, err = _assess(tmp_path, name)
    if valid:
        assert (assess_code, batch_code) == (0, 0), (err, item)
        assert item["status"] == "ok"
        result = json.loads(out)
        assert item["result"]["verdict"] == result["verdict"]
    else:
        assert (assess_code, batch_code) == (3, 3), (out, err, item)
        assert item["status"] == "error"
        first = item["errors"][0]
        assert first["rule"], first
        assert first["line"] is not None, first
        where = f"{name}:{first['line']}:" + (
            f"{first['column']}:" if first["column"] is not None else ""
        )
        line = next(x for x in err.splitlines() if x.startswith(f"{name}:"))
        assert line.startswith(where), (line, first)
        assert f"[{first['rule']} " in line, (line, first)
        assert first["message"] in line


def test_every_refusal_is_located(tmp_path: Path) -> None:
    """Every record of an input that cannot be assessed has a rule, a place and a reason."""
    for name, content, _ in CASES.values():
        _write(tmp_path, name, content)
    for hostile in (Path(__file__).resolve().parent / "hostile").glob("*.yaml"):
        shutil.copy(hostile, tmp_path / hostile.name)
    done = run_cli("batch", ".", "-q", "mini.yaml", "--format", "jsonl", "--quiet", cwd=tmp_path)
    items = [json.loads(x) for x in done.stdout.splitlines() if x.strip()]
    errors = [e for i in items if i.get("status") == "error" for e in i["errors"]]
    assert errors, done.stdout
    for error in errors:
        assert error["rule"], error
        assert error["message"], error
        assert error["message"] != "cannot assess", error
        assert error["line"] is not None or error["rule"] in ("E004", "E008"), error

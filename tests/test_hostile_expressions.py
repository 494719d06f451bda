"""Expression bombs in ``when:``: refused with one located line, never evaluated, never a crash.

Each case puts a hostile condition on the second question of the mini
questionnaire (line 49, where ``when: "appetite != 'few'"`` stands) and runs
``mutual-detector validate`` on it. Columns point inside the condition.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.errors import EXIT_FINDINGS
from mutual_detector.model import expr
from mutual_detector.model.expr import ExpressionError, Scope, parse

ASSETS = Path(__file__).resolve().parent / "assets"
ORIGINAL = """when: "appetite != 'few'\""""


def _with_condition(condition: str) -> str:
    text = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
    assert text.count(ORIGINAL) == 1
    return text.replace(ORIGINAL, "when: " + condition)


Q105 = "[Q105 expression-syntax]"
CASES = [
    (
        "parentheses-40-deep",
        '"' + "(" * 40 + "appetite != 'few'" + ")" * 40 + '"',
        f"49:44: error: questions[1].when: expression nested deeper than 32 levels (at character 33) {Q105}",
    ),
    (
        "not-40-times",
        '"' + "not " * 40 + "equity" + '"',
        f"49:140: error: questions[1].when: expression nested deeper than 32 levels (at character 129) {Q105}",
    ),
    (
        "lists-40-deep",
        '"appetite in ' + "[" * 40 + "'most'" + "]" * 40 + '"',
        f"49:56: error: questions[1].when: expression nested deeper than 32 levels (at character 45) {Q105}",
    ),
    (
        "calls-40-deep",
        '"' + "answered(" * 40 + "appetite" + ")" * 40 + '"',
        f"49:300: error: questions[1].when: expression nested deeper than 32 levels (at character 289) {Q105}",
    ),
    (
        "2000-plus-characters",
        '"' + " or ".join(["appetite == 'most'"] * 120) + '"',
        f"49:12: error: questions[1].when: expression longer than 2000 characters (at character 1) {Q105}",
    ),
    (
        "31-digit-number",
        '"turnover > ' + "9" * 31 + '"',
        f"49:23: error: questions[1].when: number literal longer than 30 characters (at character 12) {Q105}",
    ),
    (
        "number-beyond-float",
        '"turnover > 1e999"',
        f"49:23: error: questions[1].when: number is too large (at character 12) {Q105}",
    ),
    (
        "201-item-list",
        '"appetite in [' + ", ".join(["'most'"] * 201) + ']"',
        f"49:1631: error: questions[1].when: more than 200 items (at character 1620) {Q105}",
    ),
    (
        "python-code",
        "\"__import__('os').system('echo pwned')\"",
        f"49:28: error: questions[1].when: unexpected character '.' (at character 17) {Q105}",
    ),
    (
        "lambda",
        '"lambda: 1"',
        f"49:18: error: questions[1].when: unexpected character ':' (at character 7) {Q105}",
    ),
    (
        "chained-comparison",
        '"1 < turnover < 5"',
        "49:25: error: questions[1].when: chained comparisons are not allowed; join them with "
        f"'and' (at character 14) {Q105}",
    ),
    (
        "not-a-string",
        "{appetite: few}",
        "49:11: error: questions[1].when: must be an expression in a string, e.g. "
        "\"q1 == 'yes'\" [E010 schema]",
    ),
    (
        "unknown-question",
        "\"apetite != 'few'\"",
        "49:12: error: questions[1].when: unknown question id 'apetite' (did you mean 'appetite'?) (at character 1) "
        "[Q102 unknown-reference]",
    ),
]


class TestExpressionBombsInFiles:
    @pytest.mark.parametrize(("name", "condition", "error"), CASES, ids=[c[0] for c in CASES])
    def test_refused_with_one_located_line(
        self,
        name: str,
        condition: str,
        error: str,
        tmp_path: Path,
        runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.chdir(tmp_path)
        (tmp_path / f"{name}.yaml").write_text(_with_condition(condition), encoding="utf-8")
        result = runner.invoke(app, ["validate", f"{name}.yaml"])
        assert "Traceback" not in result.stdout + result.stderr
        errors = [line for line in result.stdout.splitlines() if ": error: " in line]
        assert (result.exit_code, errors) == (EXIT_FINDINGS, [f"{name}.yaml:{error}"])


class TestExpressionBounds:
    """The bounds hold exactly at their edges (so a legitimate condition is never refused)."""

    def test_depth_32_is_allowed_and_33_is_not(self) -> None:
        assert parse("(" * 32 + "equity" + ")" * 32).holds(Scope({"equity": True}))
        with pytest.raises(ExpressionError, match="nested deeper than 32 levels") as caught:
            parse("(" * 33 + "equity" + ")" * 33)
        assert caught.value.offset == 32

    def test_length_2000_is_allowed_and_2001_is_not(self) -> None:
        body = "equity or " * 199 + "equity"
        source = body + " " * (expr.MAX_EXPRESSION_LENGTH - len(body))
        assert len(source) == 2000
        assert parse(source).holds(Scope({"equity": True}))
        with pytest.raises(ExpressionError, match="longer than 2000 characters"):
            parse(source + " ")

    def test_200_items_are_allowed_and_201_are_not(self) -> None:
        items = ", ".join(["'most'"] * 200)
        assert parse(f"appetite in [{items}]").holds(Scope({"appetite": "most"}))
        with pytest.raises(ExpressionError, match="more than 200 items"):
            parse(f"appetite in [{items}, 'most']")

    def test_30_digits_are_allowed_and_31_are_not(self) -> None:
        assert parse("turnover < " + "9" * 30).holds(Scope({"turnover": 12}))
        with pytest.raises(ExpressionError, match="longer than 30 characters"):
            parse("turnover < " + "9" * 31)

    @pytest.mark.parametrize(
        "source",
        ["turnover > 1e308", "turnover > -1e308", "turnover > " + "9" * 30, "turnover == 0.5"],
    )
    def test_extreme_literals_against_extreme_answers_do_not_crash(self, source: str) -> None:
        """Answers reach conditions only after validation, but evaluation is total anyway."""
        e = parse(source)
        for value in (10**14, -(10**14), 1e308, -1e308, 0, 5e-324):
            assert isinstance(e.holds(Scope({"turnover": value})), bool)

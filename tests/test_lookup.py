"""Finding a questionnaire: one lookup, one order, the same for every command (issue 15).

:mod:`mutual_detector.loading.lookup` documents the order; these tests run every
command that finds a questionnaire over the same situations, so no command can
keep a rule of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mutual_detector.cli import app
from mutual_detector.errors import InputError
from mutual_detector.loading import builtin_paths, questionnaire_path
from mutual_detector.loading.lookup import DEFAULT_QUESTIONNAIRE, Finder, builtin

ASSETS = Path(__file__).resolve().parent / "assets"
BUILTIN = builtin(DEFAULT_QUESTIONNAIRE)
assert BUILTIN is not None, "the built-in questionnaire is missing"

#: Each command that reads answers, given one answers file ``A`` (``compare`` gets it twice).
WITH_ANSWERS: dict[str, list[str]] = {
    "assess": ["assess", "-a", "A", "--no-input", "-f", "json"],
    "batch": ["batch", "A", "-f", "csv", "--quiet"],
    "compare": ["compare", "A", "A"],
    "validate": ["validate", "A"],
}


def _args(command: str, answers: str, *extra: str) -> list[str]:
    return [answers if a == "A" else a for a in WITH_ANSWERS[command]] + list(extra)


def _invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.fixture
def beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Answers naming ``mini``, with mini.yaml in their folder; run from elsewhere."""
    folder = tmp_path / "answers"
    folder.mkdir()
    shutil.copy(ASSETS / "mini.yaml", folder / "mini.yaml")
    shutil.copy(ASSETS / "mini-answers.yaml", folder / "a.yaml")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return folder


@pytest.mark.parametrize("command", sorted(WITH_ANSWERS))
def test_a_questionnaire_beside_the_answers_is_found(command: str, beside: Path) -> None:
    """Step 2b: every command finds the questionnaire in the answers' own folder."""
    code, err = _invoke(_args(command, str(beside / "a.yaml")))
    assert code == 0, err


@pytest.mark.parametrize("command", sorted(WITH_ANSWERS))
def test_no_questionnaire_found_names_where_it_looked(command: str, beside: Path) -> None:
    (beside / "mini.yaml").unlink()
    code, err = _invoke(_args(command, str(beside / "a.yaml")))
    assert code == (1 if command == "validate" else 3), err
    if command != "validate":  # validate reports it as a finding, on stdout
        assert f"no questionnaire 'mini' in {beside}" in err, err


@pytest.mark.parametrize("command", [*sorted(WITH_ANSWERS), "template"])
@pytest.mark.parametrize("shadow", ["folder", "file"])
def test_a_builtin_id_is_not_hidden_by_the_working_folder(
    command: str, shadow: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 1a: ``-q mutual-detector`` is the built-in, whatever the working folder holds."""
    example = sorted((Path(__file__).resolve().parents[1] / "examples").glob("strong-*.yaml"))[0]
    shutil.copy(example, tmp_path / "a.yaml")
    if shadow == "folder":
        (tmp_path / DEFAULT_QUESTIONNAIRE).mkdir()
    else:
        (tmp_path / DEFAULT_QUESTIONNAIRE).write_text("not a questionnaire\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if command == "template":
        args = ["template", "-q", DEFAULT_QUESTIONNAIRE]
    else:
        args = _args(command, "a.yaml", "-q", DEFAULT_QUESTIONNAIRE)
    code, err = _invoke(args)
    assert code == 0, err
    code, err = _invoke(["template"] if command == "template" else _args(command, "a.yaml"))
    assert code == 0, err


def test_the_builtins_folder_does_not_hide_the_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    """``cd questionnaires && mutual-detector template``: the folder of parts is not the id."""
    monkeypatch.chdir(BUILTIN.parent)
    code, err = _invoke(["template"])
    assert (code, err) == (0, "")


@pytest.mark.parametrize("command", [*sorted(WITH_ANSWERS), "template"])
def test_a_missing_questionnaire_file_is_named(
    command: str, beside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = (
        ["template", "-q", "nope.yaml"]
        if command == "template"
        else _args(command, str(beside / "a.yaml"), "-q", "nope.yaml")
    )
    code, err = _invoke(args)
    assert code == 3, err  # an input that cannot be read, in every command (issue 16)
    assert "nope.yaml" in err, err


@pytest.mark.parametrize("command", [*sorted(WITH_ANSWERS), "template"])
def test_a_folder_given_as_questionnaire_is_named(command: str, beside: Path) -> None:
    args = (
        ["template", "-q", str(beside)]
        if command == "template"
        else _args(command, str(beside / "a.yaml"), "-q", str(beside))
    )
    code, err = _invoke(args)
    assert code == 3, err  # an input that cannot be read, in every command (issue 16)
    assert str(beside) in err, err


class TestOrder:
    def test_a_given_reference_comes_first(self, beside: Path) -> None:
        assert questionnaire_path("x.yaml", answers=beside / "a.yaml", qid="mini") == Path("x.yaml")

    def test_beside_the_answers_before_the_builtins(self, beside: Path) -> None:
        (beside / "copy.yaml").write_text(
            BUILTIN.read_text(encoding="utf-8"), encoding="utf-8"
        )  # a copy with the built-in's id
        found = questionnaire_path(None, answers=beside / "a.yaml", qid=DEFAULT_QUESTIONNAIRE)
        assert found == beside / "copy.yaml"

    def test_named_then_folder_then_found_then_builtin(self, tmp_path: Path) -> None:
        for name in ("named", "folder", "found"):
            (tmp_path / name).mkdir()
            shutil.copy(ASSETS / "mini.yaml", tmp_path / name / "mini.yaml")
        answers = tmp_path / "folder" / "a.yaml"
        named, near, found = (tmp_path / n / "mini.yaml" for n in ("named", "folder", "found"))
        assert Finder(named=[named], found=[found]).for_answers("mini", answers) == named
        assert Finder(found=[found]).for_answers("mini", answers) == near
        assert Finder(found=[found]).for_answers("mini", tmp_path / "a.yaml") == found
        assert Finder().for_answers("mini", tmp_path / "a.yaml") is None
        assert Finder().for_answers(DEFAULT_QUESTIONNAIRE, tmp_path / "a.yaml") == BUILTIN

    def test_nothing_given_is_the_default_builtin(self) -> None:
        assert questionnaire_path(None) == BUILTIN

    def test_an_unknown_id(self) -> None:
        with pytest.raises(InputError) as caught:
            questionnaire_path("nosuch")
        known = ", ".join(p.stem for p in builtin_paths())
        assert caught.value.message == (
            f"no questionnaire 'nosuch': not a file, nor a built-in id (built-ins: {known})"
        )

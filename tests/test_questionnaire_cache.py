"""The remembered questionnaire (``mutual_detector.questionnaire_cache``).

A questionnaire that loaded cleanly is kept as JSON and rebuilt without
validation on the next start. These tests check that the rebuilt model is the
validated one (field by field, types and fields set included, same SHA-256),
and that any change to a file, the tool or the cache itself means a normal
load, with errors reported from the files as ever.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given

from engine_strategies import SETTINGS, questionnaires
from mutual_detector import questionnaire_cache
from mutual_detector.errors import InputError
from mutual_detector.loading import (
    LoadedQuestionnaire,
    _load_cached,
    builtin_dir,
    load_questionnaire,
)
from mutual_detector.model.questionnaire import Questionnaire
from trees import same_tree

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tests" / "assets"
QUESTIONNAIRES = [
    builtin_dir() / "mutual-detector.yaml",
    ASSETS / "mini.yaml",
    ROOT / "tests" / "snapshots" / "engine" / "questionnaire.yaml",
]


def _fresh(path: Path) -> LoadedQuestionnaire:
    """What ``get_questionnaire`` gives for ``path`` in a new process (no in-memory cache)."""
    return _load_cached.__wrapped__(str(path), 0.0)  # type: ignore[attr-defined]


def _cache_files() -> list[Path]:
    return sorted(Path(os.environ["MUTUAL_DETECTOR_CACHE_DIR"]).glob("questionnaire-*.json"))


@pytest.fixture
def builtin_copy(tmp_path: Path) -> Path:
    """A copy of the built-in questionnaire (main file and parts) that a test may edit."""
    shutil.copytree(builtin_dir(), tmp_path / "q")
    return tmp_path / "q" / "mutual-detector.yaml"


def _no_load(*args: object, **kwargs: object) -> LoadedQuestionnaire:
    raise AssertionError("the questionnaire was loaded from its files")


class TestRemembered:
    @pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.name)
    def test_equals_the_validated_questionnaire(self, path: Path) -> None:
        assert questionnaire_cache.load(path) is None
        loaded = _fresh(path)  # loads and remembers
        assert len(_cache_files()) == 1
        cached = questionnaire_cache.load(path)
        assert cached is not None
        checked = load_questionnaire(path)
        assert cached.questionnaire == checked.questionnaire
        same_tree(cached.questionnaire, checked.questionnaire, "q", extra_keys=True)
        assert (
            cached.questionnaire.sha256
            == checked.questionnaire.sha256
            == loaded.questionnaire.sha256
        )
        assert cached.files == checked.files
        assert cached.findings == checked.findings
        # The digest was remembered; worked out again from the rebuilt model it is the same.
        del cached.questionnaire.__dict__["sha256"]
        assert cached.questionnaire.canonical_json == checked.questionnaire.canonical_json
        assert cached.questionnaire.sha256 == checked.questionnaire.sha256
        # The syntax trees remembered are those of the validated conditions.
        conditions = questionnaire_cache.expression_trees(checked.questionnaire)
        assert conditions
        assert conditions == questionnaire_cache.expression_trees(cached.questionnaire)
        # The merged document is read again only when asked for.
        assert cached.document.data == checked.document.data
        assert cached.document.marks == checked.document.marks

    def test_a_hit_reads_no_yaml(self, builtin_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        first = _fresh(builtin_copy)
        monkeypatch.setattr("mutual_detector.loading.load_questionnaire", _no_load)
        monkeypatch.setattr("mutual_detector.loading.parse_yaml", _no_load)
        monkeypatch.setattr("mutual_detector.model.expr.parse", _no_load)
        second = _fresh(builtin_copy)
        assert second.questionnaire == first.questionnaire
        assert second.questionnaire.sha256 == first.questionnaire.sha256

    def test_lint_warnings_are_kept_and_placed_from_the_working_folder(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        text = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
        (tmp_path / "sub").mkdir()
        path = tmp_path / "sub" / "mini.yaml"
        path.write_text(text.replace("    help: Count those who said so.\n", ""), "utf-8")
        monkeypatch.chdir(tmp_path)
        fresh = _fresh(path)
        assert fresh.findings
        assert {f.file for f in fresh.findings} == {"sub/mini.yaml"}
        monkeypatch.chdir(tmp_path / "sub")
        cached = questionnaire_cache.load(path)
        assert cached is not None
        assert cached.findings == load_questionnaire(path).findings
        assert {f.file for f in cached.findings} == {"mini.yaml"}
        assert cached.files == ("mini.yaml",)

    @SETTINGS
    @given(questionnaires())
    def test_generated_questionnaires_rebuild_exactly(self, q: Questionnaire) -> None:
        data = json.loads(json.dumps(q.model_dump(mode="json", exclude_unset=True)))
        trees = json.loads(json.dumps(questionnaire_cache.expression_trees(q)))
        for known in (trees, None):  # conditions rebuilt from their trees, or parsed
            rebuilt = questionnaire_cache.build(Questionnaire, data, known)
            assert rebuilt == q
            same_tree(rebuilt, q, "q", extra_keys=True)
            assert rebuilt.sha256 == q.sha256


class TestStale:
    def test_an_edited_part_is_read_again(self, builtin_copy: Path) -> None:
        first = _fresh(builtin_copy)
        part = builtin_copy.parent / "mutual-detector" / "governance.yaml"
        text = part.read_text(encoding="utf-8")
        assert "title: " in text
        part.write_text(text.replace("title: ", "title: Edited ", 1), encoding="utf-8")
        assert questionnaire_cache.load(builtin_copy) is None
        second = _fresh(builtin_copy)
        assert second.questionnaire.sha256 != first.questionnaire.sha256
        assert "Edited " in second.questionnaire.canonical_json
        cached = questionnaire_cache.load(builtin_copy)
        assert cached is not None
        assert cached.questionnaire.sha256 == second.questionnaire.sha256

    def test_an_edited_main_file_is_read_again(self, builtin_copy: Path) -> None:
        _fresh(builtin_copy)
        with builtin_copy.open("a", encoding="utf-8") as fh:
            fh.write("\n# a comment changes the bytes\n")
        assert questionnaire_cache.load(builtin_copy) is None

    def test_an_error_is_reported_from_the_file(self, builtin_copy: Path) -> None:
        _fresh(builtin_copy)
        part = builtin_copy.parent / "mutual-detector" / "readiness.yaml"
        lines = part.read_text(encoding="utf-8").splitlines(keepends=True)
        number = next(i for i, line in enumerate(lines) if "kind: " in line)
        indent = lines[number][: len(lines[number]) - len(lines[number].lstrip())]
        lines[number] = f"{indent}kind: sliding\n"
        part.write_text("".join(lines), encoding="utf-8")
        with pytest.raises(InputError) as caught:
            _fresh(builtin_copy)
        f = caught.value.findings[0]
        assert f.rule == "E010"
        assert f.file is not None
        assert f.file.endswith("readiness.yaml")
        assert (f.line, f.column) == (number + 1, len(indent) + 7)

    def test_another_version_is_not_used(
        self, builtin_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _fresh(builtin_copy)
        monkeypatch.setattr(questionnaire_cache, "__version__", "99.0.0")
        assert questionnaire_cache.load(builtin_copy) is None

    def test_a_damaged_cache_file_is_ignored(self, builtin_copy: Path) -> None:
        first = _fresh(builtin_copy)
        (entry,) = _cache_files()
        for damage in ("{not json", "[]", '{"format": 1}', entry.read_text()[:-40]):
            entry.write_text(damage, encoding="utf-8")
            assert questionnaire_cache.load(builtin_copy) is None
            assert _fresh(builtin_copy).questionnaire == first.questionnaire
        assert questionnaire_cache.load(builtin_copy) is not None  # written again

    def test_a_tampered_entry_with_the_right_key_is_refused(self, builtin_copy: Path) -> None:
        _fresh(builtin_copy)
        (entry,) = _cache_files()
        good = entry.read_text(encoding="utf-8")
        data = json.loads(good)
        data["data"]["questions"][0]["no_such_field"] = 1
        entry.write_text(json.dumps(data), encoding="utf-8")
        assert questionnaire_cache.load(builtin_copy) is None
        data = json.loads(good)
        source, (_, refs, functions) = next(iter(data["trees"].items()))
        data["trees"][source] = [["NoSuchNode", 1], refs, functions]
        entry.write_text(json.dumps(data), encoding="utf-8")
        assert questionnaire_cache.load(builtin_copy) is None

    def test_no_cache(self, builtin_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("MUTUAL_DETECTOR_NO_CACHE", "1")
        _fresh(builtin_copy)
        assert _cache_files() == []
        assert questionnaire_cache.load(builtin_copy) is None

    def test_an_unwritable_cache_folder_is_only_slower(
        self, builtin_copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("MUTUAL_DETECTOR_CACHE_DIR", "/dev/null/cache")
        assert _fresh(builtin_copy).questionnaire.id == "mutual-detector"
        assert questionnaire_cache.load(builtin_copy) is None

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
    def test_a_pipe_is_never_read_for_the_cache(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A pipe cannot be read twice: it is neither remembered nor read to check an entry."""
        path = tmp_path / "q.yaml"
        shutil.copyfile(ASSETS / "mini.yaml", path)
        loaded = _fresh(path)
        assert len(_cache_files()) == 1
        path.unlink()
        os.mkfifo(path)  # the same path, now a pipe that something may be writing to
        monkeypatch.setattr(questionnaire_cache, "read_raw", _no_load)
        assert questionnaire_cache.load(path) is None
        for entry in _cache_files():
            entry.unlink()
        questionnaire_cache.save(path, loaded, {path: (ASSETS / "mini.yaml").read_bytes()})
        assert _cache_files() == []


class TestRebuild:
    def test_an_unknown_field_type_is_refused(self) -> None:
        with pytest.raises(TypeError):
            questionnaire_cache._converter(set[int])
        with pytest.raises(TypeError):
            questionnaire_cache._converter(int | Questionnaire | list[Questionnaire])

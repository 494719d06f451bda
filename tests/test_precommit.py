"""The pre-commit hook, run for real with ``pre-commit try-repo`` (slow: builds a hook environment).

The hook repository is a fresh git copy of this checkout (so uncommitted work is
tested too); pre-commit installs it from that local path, fetching only its
dependencies from the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"
HOOK_ID = "mutual-detector-validate"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}

pytestmark = pytest.mark.slow


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV, "HOME": str(cwd)},
    )


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    assert exe is not None, "pre-commit is not installed (pip install -e '.[test]')"
    return [exe]


class TestHookDefinition:
    def test_hook_file(self) -> None:
        """One hook, for YAML files, given the file names, skipping files that are not ours,
        in one process (require_serial: each problem is reported once, #17)."""
        hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
        (hook,) = hooks
        assert hook["id"] == HOOK_ID
        assert hook["language"] == "python"
        assert hook["types"] == ["yaml"]
        assert hook["pass_filenames"] is True
        assert hook["require_serial"] is True
        assert hook["entry"].split()[:2] == ["mutual-detector", "validate"]
        assert "--only-ours" in hook["entry"].split()


HELM_TEMPLATE = """\
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  ports:
    - port: {{ .Values.service.port }}
"""


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this checkout: what a user's pre-commit would clone."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")
    for name in ("src", "questionnaires", "calibration", "docs"):  # what the wheel holds
        shutil.copytree(ROOT / name, repo / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    for optional in ("LICENSE", "CHANGELOG.md"):
        if (ROOT / optional).exists():
            shutil.copy2(ROOT / optional, repo / optional)
    _git("init", "-q", "-b", "main", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "hook repo", cwd=repo)
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(
    hook_repo: Path, work: Path, home: Path, *files: str
) -> subprocess.CompletedProcess[str]:
    args = [*_pre_commit(), "try-repo", str(hook_repo), HOOK_ID, "--color", "never"]
    args += ["--files", *files] if files else ["--all-files"]
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        args, cwd=work, env=env, capture_output=True, text=True, timeout=900, check=False
    )


def _work_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir()
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    _git("init", "-q", "-b", "main", cwd=root)
    _git("add", "-A", cwd=root)
    return root


def test_hook_passes_good_files_and_fails_bad_ones(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """Good questionnaire, answers and unrelated YAML pass; a broken answers file fails with its place."""
    mini = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
    answers = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
    work = _work_repo(
        tmp_path / "work",
        {
            "assess/mini.yaml": mini,
            "assess/service-a.yaml": answers,
            "config/settings.yaml": "name: not ours\nitems: [1, 2]\n",
            "notes.md": "not yaml",
        },
    )
    good = _try_repo(hook_repo, work, pre_commit_home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "mutual-detector validate" in good.stdout
    assert "Passed" in good.stdout

    (work / "assess" / "service-b.yaml").write_text(
        answers.replace("turnover: 12", "turnover: 140"), encoding="utf-8"
    )
    _git("add", "-A", cwd=work)
    bad = _try_repo(hook_repo, work, pre_commit_home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "assess/service-b.yaml:7:13: error:" in bad.stdout
    assert "[A203 out-of-range]" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_hook_checks_a_changed_part_with_its_questionnaire(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """Only the changed part is passed; the hook still checks it against its questionnaire."""
    mini = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
    with_part = mini.replace("questions:\n", "include: [parts/extra.yaml]\nquestions:\n", 1)
    part = (
        "format: mutual-detector/questionnaire-part@1\n"
        "questions:\n"
        "  - {id: extra, section: nowhere, kind: text, prompt: Anything?}\n"
    )
    work = _work_repo(tmp_path / "work", {"q/mini.yaml": with_part, "q/parts/extra.yaml": part})
    result = _try_repo(hook_repo, work, pre_commit_home, "q/parts/extra.yaml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "q/parts/extra.yaml:3:" in result.stdout
    assert "unknown section 'nowhere' [Q102 unknown-reference]" in result.stdout


def test_hook_skips_yaml_that_is_not_ours(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """A Helm template, a CloudFormation file with tags, a multi-document file and a list
    pass the hook untouched, next to a questionnaire and answers that are checked (#17)."""
    mini = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
    answers = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
    work = _work_repo(
        tmp_path / "work",
        {
            "chart/templates/service.yaml": HELM_TEMPLATE,
            "infra/stack.yaml": "Resources:\n  Bucket: !Ref Name\n",
            "k8s/all.yaml": "a: 1\n---\nb: 2\n",
            "lists.yaml": "- a\n- b\n",
            "assess/mini.yaml": mini,
            "assess/service-a.yaml": answers.replace("turnover: 12", "turnover: 140"),
        },
    )
    result = _try_repo(hook_repo, work, pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "assess/service-a.yaml:7:13: error:" in out
    assert out.count("[A203 out-of-range]") == 1  # once: one process sees every file
    for other in ("service.yaml", "stack.yaml", "all.yaml", "lists.yaml"):
        assert other not in out
    (work / "assess" / "service-a.yaml").write_text(answers, encoding="utf-8")
    _git("add", "-A", cwd=work)
    fixed = _try_repo(hook_repo, work, pre_commit_home)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout

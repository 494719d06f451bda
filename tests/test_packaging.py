"""The built wheel works on its own: installed into a fresh virtual environment, run from elsewhere.

Slow: it builds the wheel and installs the dependencies from the package index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from mutual_detector import __version__
from mutual_detector.loading import builtin_dir

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(
        args,
        cwd=cwd,
        env={**clean, "NO_COLOR": "1", **env},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this checkout (the checkout itself is left untouched)."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("src", "questionnaires", "calibration", "docs"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    proc = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        cwd=source,
    )
    assert proc.returncode == 0, proc.stderr
    (built,) = out.glob("mutual_detector-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no system packages) with the wheel and its dependencies."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    proc = _run([str(python), "-m", "pip", "install", "-q", str(wheel)], cwd=env_dir)
    assert proc.returncode == 0, proc.stderr
    return env_dir


def test_wheel_contains_the_builtins(wheel: Path) -> None:
    """Every built-in questionnaire file is inside the package in the wheel."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    shipped = {
        "mutual_detector/questionnaires/" + p.relative_to(builtin_dir()).as_posix()
        for p in builtin_dir().rglob("*.yaml")
    }
    assert shipped
    assert shipped <= names


def test_validate_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """Run from a folder outside the checkout: the built-ins come from the installed package."""
    script = installed / "bin" / "mutual-detector"
    proc = _run([str(script), "validate", "--format", "json"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    checked = [Path(f["file"]) for f in report["files"] if f["kind"] == "questionnaire"]
    assert checked
    python = installed / "bin" / "python"
    where = _run(
        [
            str(python),
            "-c",
            "from mutual_detector.loading import builtin_dir; print(builtin_dir())",
        ],
        cwd=tmp_path,
    )
    found = Path(where.stdout.strip())
    assert found.is_relative_to(installed)
    assert "site-packages" in found.parts
    assert all(p.is_relative_to(found) for p in checked)
    assert {p.name for p in checked} == {p.name for p in builtin_dir().glob("*.yaml")}


def test_entry_points_of_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """``mutual-detector --version``, ``python -m mutual_detector`` and the bare command."""
    for args in (
        [str(installed / "bin" / "mutual-detector"), "--version"],
        [str(installed / "bin" / "python"), "-m", "mutual_detector", "--version"],
    ):
        proc = _run(args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(f"mutual-detector {__version__}")
    bare = _run([str(installed / "bin" / "mutual-detector")], cwd=tmp_path)
    assert bare.returncode == 0, bare.stdout + bare.stderr
    assert "no problems found" in bare.stdout


def test_wheel_contains_the_docs(wheel: Path) -> None:
    """docs/*.md are inside the package, for `mutual-detector help TOPIC` (#17)."""
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    docs = {f"mutual_detector/docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert "mutual_detector/docs/expressions.md" in docs
    assert docs <= names


def test_help_from_the_installed_wheel(installed: Path, tmp_path: Path) -> None:
    """The expression hint's `mutual-detector help expressions` works outside the checkout."""
    script = str(installed / "bin" / "mutual-detector")
    proc = _run([script, "help", "expressions"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (ROOT / "docs" / "expressions.md").read_text(encoding="utf-8")
    listing = _run([script, "help"], cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    for topic in ("expressions", "format", "scoring", "errors"):
        assert f"  {topic} " in listing.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        (ROOT / "tests" / "bad" / "q105-expression-syntax.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    found = _run([script, "validate", str(bad)], cwd=tmp_path)
    assert "fix: See `mutual-detector help expressions`" in found.stdout

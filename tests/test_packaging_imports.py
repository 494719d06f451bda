"""Start-up stays quick: ``--help`` and the CLI modules import no heavy library.

Timings are measured by ``benchmarks/startup.py`` (never in tests); this test
guards the cause: pydantic, rich and questionary take longer to import than the
rest of the tool, so each command imports them inside its body, only when it runs.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pydantic", "rich", "questionary", "prompt_toolkit")

_PROBE = """
import sys
from mutual_detector.cli import app
try:
    app({args!r}, prog_name="mutual-detector")
except SystemExit:
    pass
print(",".join(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _heavy_after(args: list[str]) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = proc.stderr.splitlines()
    return [m for m in (lines[-1] if lines else "").split(",") if m]


def test_help_imports_no_heavy_library() -> None:
    """``mutual-detector --help`` loads none of pydantic, rich, questionary, prompt_toolkit."""
    assert _heavy_after(["--help"]) == []


def test_command_help_imports_no_heavy_library() -> None:
    assert _heavy_after(["validate", "--help"]) == []


def test_validate_loads_no_engine() -> None:
    """``validate`` checks files; scoring (the engine, its compiled tables) stays unloaded."""
    probe = (
        "import sys\n"
        "from mutual_detector.cli import app\n"
        "try:\n"
        "    app(['validate'], prog_name='mutual-detector')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('mutual_detector.engine'))),"
        " file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stderr.splitlines()[-1] == ""

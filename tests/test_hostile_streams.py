"""Standard streams that are closed, full, or not UTF-8; signals at start-up and at exit (issue 16, 17).

Real processes throughout: a pipe whose reader has gone, ``/dev/full``, a
descriptor closed by the shell (``>&-``, ``2>&-``), ``PYTHONIOENCODING=cp1252``,
and real signals sent by the process to itself at a known moment (while a
module is imported, or once the command has returned), so nothing depends on a
clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import CLI, run_cli
from mutual_detector.errors import EXIT_CLOSED_PIPE, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OUTPUT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX streams")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = str(ROOT / "examples" / "strong-community-health.yaml")
OTHER = str(ROOT / "examples" / "failing-home-care.yaml")
MINI = ROOT / "tests" / "assets" / "mini.yaml"

#: Every command that writes to standard output, and click's own output.
WRITERS: dict[str, list[str]] = {
    "assess-text": ["assess", "-a", EXAMPLE],
    "assess-json": ["assess", "-a", EXAMPLE, "-f", "json"],
    "batch-table": ["batch", EXAMPLE],
    "batch-csv": ["batch", EXAMPLE, "-f", "csv"],
    "compare": ["compare", EXAMPLE, OTHER],
    "validate": ["validate"],
    "validate-sarif": ["validate", EXAMPLE, "-f", "sarif"],
    "template": ["template"],
    "template-csv": ["template", "--format", "csv"],
    "schema": ["schema", "answers"],
    "help": ["help"],
    "--help": ["--help"],
    "assess --help": ["assess", "--help"],
    "--version": ["--version"],
}


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*CLI, *args], stdin=subprocess.DEVNULL, timeout=120, check=False, **kwargs
    )


# --------------------------------------------------------------------------- closed pipes


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_pipe_closed_by_its_reader_ends_quietly_with_141(name: str) -> None:
    """`... | head`: the reader has gone before the first write. One code (141), nothing on
    stderr, not even Python's "Exception ignored ... BrokenPipeError" at exit."""
    read, write = os.pipe()
    os.close(read)
    try:
        proc = _run(WRITERS[name], stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr.decode()) == (EXIT_CLOSED_PIPE, "")


def test_a_pipe_closed_half_way_through_a_batch() -> None:
    """`batch -f csv | head -1` over many inputs: the reader goes after the first line."""
    inputs = sorted(str(p) for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml")
    shell = 'exec "$@" 2>err.txt | head -1 >/dev/null; exit "${PIPESTATUS[0]}"'
    proc = subprocess.run(
        ["bash", "-c", shell, "bash", *CLI, "batch", *inputs, "-f", "csv", "-j", "1"],
        cwd=ROOT / "tests",
        timeout=120,
        check=False,
        capture_output=True,
    )
    err = (ROOT / "tests" / "err.txt").read_text("utf-8")
    (ROOT / "tests" / "err.txt").unlink()
    # 0 if the whole output fitted in the pipe before head exited; else the closed pipe.
    assert proc.returncode in (0, EXIT_CLOSED_PIPE), err
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert "error" not in err


# --------------------------------------------------------------------------- full and closed


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_full_standard_output_is_an_output_error(name: str) -> None:
    with open("/dev/full", "wb") as full:
        proc = _run(WRITERS[name], stdout=full, stderr=subprocess.PIPE)
    assert proc.returncode == EXIT_OUTPUT, proc.stderr.decode()
    assert proc.stderr.decode().splitlines() == [
        "mutual-detector: error: standard output: cannot write: the disk is full"
    ]


@pytest.mark.parametrize(
    "name", ["assess-text", "assess-json", "batch-csv", "template", "validate", "compare"]
)
def test_a_closed_standard_output_is_an_output_error(name: str) -> None:
    proc = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *CLI, *WRITERS[name]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == EXIT_OUTPUT
    assert proc.stderr.decode().splitlines() == [
        "mutual-detector: error: standard output is closed (>&-); "
        "redirect it (> FILE) or give --output FILE"
    ]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["batch", EXAMPLE, "-f", "csv"], "o.csv"),
        (["assess", "-a", EXAMPLE, "-f", "json"], "o.json"),
        (["template"], "o.yaml"),
    ],
)
def test_a_closed_standard_error_changes_nothing(
    command: list[str], name: str, tmp_path: Path
) -> None:
    """`2>&-`: the messages are lost, as asked; the output is written and the code is as usual."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    expected = run_cli(*command, "-o", f"ref-{name}", env=env, cwd=tmp_path)
    assert expected.returncode == 0, expected.stderr
    proc = subprocess.run(
        ["sh", "-c", 'exec "$@" 2>&-', "sh", *CLI, *command, "-o", name],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0
    assert (tmp_path / name).read_bytes() == (tmp_path / f"ref-{name}").read_bytes()


# --------------------------------------------------------------------------- not UTF-8

CP1252 = {**os.environ, "PYTHONIOENCODING": "cp1252", "SOURCE_DATE_EPOCH": "1767225600"}


@pytest.mark.parametrize(
    ("command", "suffix"),
    [
        (["assess", "-a", EXAMPLE, "-f", "json"], "json"),
        (["assess", "-a", EXAMPLE, "-f", "markdown"], "md"),
        (["assess", "-a", EXAMPLE, "-f", "html"], "html"),
        (["batch", EXAMPLE, OTHER, "-f", "csv", "-j", "1"], "csv"),
        (["template", "--format", "csv"], "csv"),
        (["template"], "yaml"),
        (["compare", EXAMPLE, OTHER, "-f", "json"], "json"),
        (["validate", EXAMPLE, "-f", "sarif"], "sarif"),
    ],
)
def test_a_machine_format_is_utf8_whatever_the_encoding(
    command: list[str], suffix: str, tmp_path: Path
) -> None:
    """A file format on a cp1252 standard output: the very bytes `-o` writes (UTF-8)."""
    out = tmp_path / f"out.{suffix}"
    written = _run([*command, "-o", str(out)], env=CP1252, capture_output=True)
    assert written.returncode == 0, written.stderr
    proc = _run(command, env=CP1252, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode("cp1252", "replace")
    assert proc.stdout == out.read_bytes()


@pytest.mark.parametrize(
    "command",
    [
        ["assess", "-a", EXAMPLE],
        ["batch", EXAMPLE, OTHER, "-j", "1"],
        ["compare", EXAMPLE, OTHER],
        ["validate", EXAMPLE],
        ["help", "expressions"],
    ],
)
def test_the_text_report_degrades_to_what_the_encoding_can_show(command: list[str]) -> None:
    proc = _run(command, env=CP1252, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode("cp1252", "replace")
    text = proc.stdout.decode("cp1252")  # valid cp1252 throughout
    assert not {"█", "─", "→"} & set(text)


def test_the_text_report_draws_its_bars_in_ascii() -> None:
    proc = _run(["assess", "-a", EXAMPLE], env=CP1252, capture_output=True)
    assert "####################" in proc.stdout.decode("cp1252")
    assert "-" * 80 in proc.stdout.decode("cp1252")


# --------------------------------------------------------------------------- NUL in include


@pytest.fixture
def nul_include(tmp_path: Path) -> Path:
    path = tmp_path / "nul.yaml"
    path.write_text(
        'format: mutual-detector/questionnaire@1\ninclude: ["a\\0b.yaml"]\n', encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "Q"],
        ["validate", "-q", "Q", EXAMPLE],
        ["assess", "-q", "Q", "-a", EXAMPLE],
        ["batch", "-q", "Q", EXAMPLE],
        ["compare", "-q", "Q", EXAMPLE, EXAMPLE],
        ["template", "-q", "Q"],
        ["schema", "answers", "-q", "Q"],
    ],
)
def test_a_nul_in_an_include_path_is_a_located_input_error(
    command: list[str], nul_include: Path
) -> None:
    proc = run_cli(*[str(nul_include) if a == "Q" else a for a in command], cwd=nul_include.parent)
    assert proc.returncode == EXIT_INPUT, proc.stderr
    out = proc.stdout + proc.stderr
    assert "internal error" not in out
    assert (
        "nul.yaml:2:11: error: include[0]: cannot read included file 'a\\x00b.yaml': "
        "a file name cannot hold a NUL character (\\x00); remove it from the path [E011 include]"
    ) in out


def test_validate_says_how_to_fix_a_nul_in_an_include(nul_include: Path) -> None:
    proc = run_cli("validate", str(nul_include), cwd=nul_include.parent)
    assert "    fix: Fix the path in `include:`." in proc.stdout


# --------------------------------------------------------------------------- -q that cannot be used


def _questionnaire(kind: str, tmp_path: Path) -> str:
    if kind == "missing file":
        return str(tmp_path / "nope.yaml")
    if kind == "unknown id":
        return "nope"
    if kind == "folder":
        return str(tmp_path)
    path = tmp_path / "bad.yaml"
    if kind == "syntax error":
        path.write_text("format: mutual-detector/questionnaire@1\nid: [\n", encoding="utf-8")
    else:  # a questionnaire whose part is missing
        text = MINI.read_text("utf-8").replace("\nid:", '\ninclude: ["gone.yaml"]\nid:', 1)
        path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "kind", ["missing file", "unknown id", "folder", "syntax error", "missing part"]
)
@pytest.mark.parametrize(
    "command",
    [
        ["assess", "-a", EXAMPLE, "--no-input"],
        ["batch", EXAMPLE],
        ["compare", EXAMPLE, EXAMPLE],
        ["validate", EXAMPLE],
        ["validate"],
        ["template"],
    ],
    ids=["assess", "batch", "compare", "validate-answers", "validate", "template"],
)
def test_a_questionnaire_that_cannot_be_used_is_an_input_error_in_every_command(
    command: list[str], kind: str, tmp_path: Path
) -> None:
    proc = run_cli(*command, "-q", _questionnaire(kind, tmp_path), cwd=tmp_path)
    assert proc.returncode == EXIT_INPUT, proc.stdout + proc.stderr
    assert proc.stderr.strip(), "the reason is on stderr"
    assert "internal error" not in proc.stderr


# --------------------------------------------------------------------------- signals

#: The console script's entry point, with a real signal sent to itself when a module is
#: first imported (``TARGET``), or once the command has returned (``TARGET`` "exit").
PROBE = """
import os, signal, sys
SIG, TARGET = signal.Signals[sys.argv[1]], sys.argv[2]

class Trip:
    def find_spec(self, name, path=None, target=None):
        if name == TARGET:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), SIG)
        return None

sys.meta_path.insert(0, Trip())
sys.argv = ["mutual-detector", *sys.argv[3:]]
from mutual_detector.cli import main
try:
    main()
finally:
    if TARGET == "exit":
        os.kill(os.getpid(), SIG)
        for _ in range(1000):
            pass
"""


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize(
    "module",
    [
        "mutual_detector.terminal",  # the streams being set up
        "typer",  # start-up: before anything of the command line is known
        "mutual_detector.cli.assess",  # the command's module being registered
        "pydantic",  # inside the command, under its guard
    ],
)
def test_a_signal_at_start_up_is_130_without_a_traceback(
    sig: str, module: str, tmp_path: Path
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, sig, module, "assess", "-a", EXAMPLE, "-o", "out.json"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (proc.returncode, proc.stderr) == (EXIT_INTERRUPTED, "mutual-detector: interrupted\n")
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_a_signal_after_the_command_has_ended_leaves_its_code(sig: str, tmp_path: Path) -> None:
    """A late SIGTERM (or Ctrl-C), once the output is complete: the command's own code stands."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, sig, "exit", "assess", "-a", EXAMPLE, "-o", "out.json"],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "mutual-detector: wrote out.json\n"
    assert (tmp_path / "out.json").stat().st_size > 0


def test_an_interrupt_wrapped_by_a_library_is_still_an_interrupt() -> None:
    """Python 3.11 wraps an error in ``__set_name__`` (a dataclass field being defined when
    Ctrl-C comes) in a RuntimeError: still 130."""
    from mutual_detector.errors import exit_code

    wrapped = RuntimeError("Error calling __set_name__ on 'Field' instance")
    wrapped.__cause__ = KeyboardInterrupt()
    assert exit_code(wrapped) == EXIT_INTERRUPTED
    assert exit_code(RuntimeError("a bug")) != EXIT_INTERRUPTED

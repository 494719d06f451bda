"""Hostile input files: every one ends in one located line and the documented exit code.

Each case writes one file next to a copy of the mini questionnaire and runs
``mutual-detector validate`` on it in-process. The outcome asserted is exact:
the exit code (3: the file could not be read or parsed; 1: it was read and has
findings), the complete list of error lines (``file:line:col: error: field:
message [rule]``), no traceback, and nothing on stderr.

Big inputs are built in memory or as sparse files in ``tmp_path``, never committed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clirun import run_cli
from mutual_detector import loading
from mutual_detector.cli import app
from mutual_detector.errors import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, InputError

ASSETS = Path(__file__).resolve().parent / "assets"
HOSTILE = Path(__file__).resolve().parent / "hostile"
ANS = "format: mutual-detector/answers@1\nquestionnaire: mini\n"
DEFAULT_MAX = f"{loading.files.DEFAULT_MAX_BYTES:,}"
libyaml_only = pytest.mark.skipif(not loading.HAS_LIBYAML, reason="location given by libyaml")


def _cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, cwd=cwd, env=env)


@dataclass(frozen=True)
class Case:
    id: str
    content: str | bytes
    exit_code: int
    errors: tuple[str, ...]
    """Every ``: error: `` line, exactly; ``{f}`` stands for the file name."""
    marks: tuple[pytest.MarkDecorator, ...] = ()


def _laughs() -> str:
    lines = [ANS, 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n")
    return "".join(lines) + "answers: {}\n"


def _wide_aliases() -> str:
    # 1,000 aliases of a 1,000-item list: a million values from 8 KB of text.
    return ANS + "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n"


def _indented(depth: int) -> str:
    keys = "".join(" " * (i + 1) + f"k{i}:\n" for i in range(depth))
    return ANS + "answers:\n" + keys + " " * (depth + 1) + "x\n"


BATCH_ARGS = ["batch", "inbox", "-q", "mini.yaml", "-j", "1", "--quiet", "-f", "csv"]
E003_DEEP = "error: nesting deeper than 64 levels [E003 alias-bomb]"
E003_ALIASES = (
    "error: YAML aliases expand to more than 200,000 values (an alias bomb?) [E003 alias-bomb]"
)
NOT_UTF8 = "is not UTF-8; save the file as UTF-8 [E005 not-utf8]"

CASES = [
    # --- alias bombs and nesting --------------------------------------------------
    Case(
        "billion-laughs",
        _laughs(),
        EXIT_INPUT,
        ("{f}:8:4: " + E003_ALIASES,),
    ),
    Case(
        "quadratic-aliases",
        _wide_aliases(),
        EXIT_INPUT,
        ("{f}:4:4: " + E003_ALIASES,),
    ),
    Case(
        "alias-to-itself",
        ANS + "answers: &a {appetite: *a}\n",
        EXIT_INPUT,
        ("{f}:3:10: error: a YAML alias refers to itself [E003 alias-bomb]",),
    ),
    Case(
        "flow-lists-10000-deep",
        ANS + "answers: " + "[" * 10_000 + "]" * 10_000 + "\n",
        EXIT_INPUT,
        ("{f}:3:74: " + E003_DEEP,),
    ),
    Case(
        "flow-mappings-10000-deep",
        ANS + "answers: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        EXIT_INPUT,
        ("{f}:3:266: " + E003_DEEP,),
    ),
    Case(
        "block-lists-10000-deep",
        ANS + "answers:\n" + "- " * 10_000 + "x\n",
        EXIT_INPUT,
        ("{f}:4:1999: " + E003_DEEP,),
        (libyaml_only,),
    ),
    Case(
        "block-mappings-1100-deep",
        _indented(1100),
        EXIT_INPUT,
        ("{f}:1002:1004: " + E003_DEEP,),
        (libyaml_only,),
    ),
    Case(
        "block-mappings-70-deep",
        _indented(70),
        EXIT_INPUT,
        ("{f}:67:65: " + E003_DEEP,),
    ),
    # --- bytes that are not UTF-8 text -------------------------------------------
    Case(
        "binary-png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        EXIT_INPUT,
        ("{f}:1: error: byte 0x89 " + NOT_UTF8,),
    ),
    Case(
        "nul-bytes",
        (ANS + "answers:\n  notes: a\x00b\n").encode(),
        EXIT_INPUT,
        ("{f}: error: file contains NUL bytes (binary data?) [E005 not-utf8]",),
    ),
    Case(
        "latin-1-on-line-4",
        (ANS + "answers:\n  notes: caf\xe9\n").encode("latin-1"),
        EXIT_INPUT,
        ("{f}:4: error: byte 0xe9 " + NOT_UTF8,),
    ),
    Case(
        "utf-16-le",
        (ANS + "answers: {}\n").encode("utf-16"),  # with its byte-order mark
        EXIT_INPUT,
        ("{f}: error: file is UTF-16; save it as UTF-8 [E005 not-utf8]",),
    ),
    Case(
        "utf-16-be",
        b"\xfe\xff" + (ANS + "answers: {}\n").encode("utf-16-be"),
        EXIT_INPUT,
        ("{f}: error: file is UTF-16; save it as UTF-8 [E005 not-utf8]",),
    ),
    Case(
        "utf-32",
        (ANS + "answers: {}\n").encode("utf-32"),
        EXIT_INPUT,
        ("{f}: error: file is UTF-32; save it as UTF-8 [E005 not-utf8]",),
    ),
    Case(
        "control-character",
        ANS + "answers:\n  notes: ok\n  appetite: most\x07\n",
        EXIT_INPUT,
        (
            "{f}:5:17: error: character U+0007 is not allowed in YAML "
            "(control characters cannot appear in text) [E001 yaml-syntax]",
        ),
    ),
    # --- YAML that would build objects, or is ambiguous ---------------------------
    Case(
        "python-object-tag",
        ANS + "answers: !!python/object:os.system {}\n",
        EXIT_INPUT,
        (
            "{f}:3:10: error: tag 'tag:yaml.org,2002:python/object:os.system' is not allowed; "
            "use a plain mapping [E009 bad-tag]",
        ),
    ),
    Case(
        "python-apply-tag",
        ANS + 'answers:\n  appetite: !!python/object/apply:os.system ["echo pwned"]\n',
        EXIT_INPUT,
        (
            "{f}:4:13: error: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not "
            "allowed; use a plain list [E009 bad-tag]",
        ),
    ),
    Case(
        "python-name-tag",
        ANS + "answers:\n  appetite: !!python/name:os.system\n",
        EXIT_INPUT,
        (
            "{f}:4:13: error: tag 'tag:yaml.org,2002:python/name:os.system' is not allowed; "
            "use plain values [E009 bad-tag]",
        ),
    ),
    Case(
        "local-tag",
        ANS + "answers:\n  appetite: !shell most\n",
        EXIT_INPUT,
        ("{f}:4:13: error: tag '!shell' is not allowed; use plain values [E009 bad-tag]",),
    ),
    Case(
        "explicit-int-tag-on-text",
        ANS + "answers:\n  turnover: !!int _\n",
        EXIT_INPUT,
        ("{f}:4:13: error: '_' is not a valid int [E001 yaml-syntax]",),
    ),
    Case(
        "duplicate-key",
        ANS + "answers:\n  appetite: most\n  appetite: few\n",
        EXIT_INPUT,
        ("{f}:5:3: error: duplicate key 'appetite' [E002 duplicate-key]",),
    ),
    Case(
        "duplicate-top-level-key",
        ANS + "questionnaire: other\nanswers: {}\n",
        EXIT_INPUT,
        ("{f}:3:1: error: duplicate key 'questionnaire' [E002 duplicate-key]",),
    ),
    Case(
        "tab-indentation",
        ANS + "answers:\n\tappetite: most\n",
        EXIT_INPUT,
        (
            "{f}:4:1: error: found character that cannot start any token "
            "(tabs cannot indent YAML; use spaces) [E001 yaml-syntax]",
        ),
    ),
    Case(
        "line-break-in-key",
        ANS + 'answers:\n  "appe\\ntite": most\n',
        EXIT_INPUT,
        (
            "{f}:4:3: error: key 'appe\\ntite' holds a line break or control character "
            "[E001 yaml-syntax]",
        ),
    ),
    Case(
        "two-documents",
        ANS + "answers: {}\n---\n" + ANS,
        EXIT_INPUT,
        ("{f}:4:1: error: but found another document [E001 yaml-syntax]",),
        (libyaml_only,),
    ),
    # --- empty and wrong-shaped files ---------------------------------------------
    Case(
        "empty",
        "",
        EXIT_INPUT,
        (
            "{f}: error: file is empty; a questionnaire or answers file is a mapping "
            "[E006 not-a-mapping]",
        ),
    ),
    Case(
        "comments-only",
        "# nothing here\n\n   \n# at all\n",
        EXIT_INPUT,
        (
            "{f}: error: file is empty; a questionnaire or answers file is a mapping "
            "[E006 not-a-mapping]",
        ),
    ),
    Case(
        "top-level-list",
        "- format: mutual-detector/answers@1\n",
        EXIT_INPUT,
        ("{f}:1:1: error: top level is not a mapping (key: value lines) [E006 not-a-mapping]",),
    ),
    # --- long lines, long strings, huge numbers -----------------------------------
    Case(
        "4-mb-line",
        ANS + "answers:\n  appetite: {value: most, note: " + "n" * 4_000_000 + "}\n",
        EXIT_FINDINGS,
        (
            "{f}:4:33: error: answers.appetite.note: must have at most 10000 characters "
            '(got "' + "n" * 60 + '…") [E010 schema]',
        ),
    ),
    Case(
        "30000-character-text-answer",
        ANS + "answers:\n  notes: " + "t" * 30_000 + "\n",
        EXIT_FINDINGS,
        (
            "{f}:4:10: error: answers.notes.value: notes: text longer than 2000 characters "
            "[A203 out-of-range]",
        ),
    ),
    Case(
        "100000-character-option",
        ANS + "answers:\n  appetite: " + "o" * 100_000 + "\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.appetite.value: appetite: '"
            + "o" * 58
            + "… is not an option (choose from most, some, few) [A204 unknown-option]",
        ),
    ),
    Case(
        "5000-digit-number",
        ANS + "answers:\n  turnover: " + "9" * 5000 + "\n",
        EXIT_INPUT,
        ("{f}:4:13: error: number has too many digits [E001 yaml-syntax]",),
    ),
    Case(
        "1000-hex-digit-number",
        ANS + "answers:\n  turnover: 0x" + "f" * 1000 + "\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.turnover.value: turnover: a number of about 1,205 digits "
            "is too large (at most 15 digits) [A203 out-of-range]",
        ),
    ),
    Case(
        "16-digit-scale-answer",
        ANS + "answers:\n  readiness: 1234567890123456\n",
        EXIT_FINDINGS,
        (
            "{f}:4:14: error: answers.readiness.value: readiness: 1234567890123456 is too "
            "large (at most 15 digits) [A203 out-of-range]",
        ),
    ),
    # --- answers that are wrong in content ----------------------------------------
    Case(
        "nan",
        ANS + "answers:\n  turnover: .nan\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.turnover: must be a finite number (got NaN or infinity) "
            "[E010 schema]",
        ),
    ),
    Case(
        "minus-infinity",
        ANS + "answers:\n  turnover: -.inf\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.turnover: must be a finite number (got NaN or infinity) "
            "[E010 schema]",
        ),
    ),
    Case(
        "number-as-string",
        ANS + "answers:\n  turnover: '12'\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.turnover.value: turnover: expected a number, "
            "got text '12' [A202 wrong-kind]",
        ),
    ),
    Case(
        "scale-as-string",
        ANS + 'answers:\n  readiness: "4"\n',
        EXIT_FINDINGS,
        (
            "{f}:4:14: error: answers.readiness.value: readiness: expected a number, "
            "got text '4' [A202 wrong-kind]",
        ),
    ),
    Case(
        "unknown-question-id",
        ANS + "answers:\n  appetite: most\n  staff_apetite: most\n",
        EXIT_FINDINGS,
        (
            "{f}:5:18: error: answers.staff_apetite: unknown question id 'staff_apetite' "
            "[A201 unknown-question]",
        ),
    ),
    Case(
        "date-for-a-text-answer",
        ANS + "answers:\n  notes: 2026-11-25\n",
        EXIT_FINDINGS,
        (
            "{f}:4:10: error: answers.notes: must be true or false, a number, text or a list "
            "(got the date 2026-11-25; put it in quotes to keep it as text) [E010 schema]",
        ),
    ),
    Case(
        "mapping-for-an-answer",
        ANS + "answers:\n  appetite: {most: true}\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.appetite.value: must be true or false, a number, text "
            "or a list [E010 schema]",
        ),
    ),
    Case(
        "numbers-in-a-multi-answer",
        ANS + "answers:\n  members: [1, 2]\n",
        EXIT_FINDINGS,
        (
            "{f}:4:13: error: answers.members[0]: must be a valid string (got 1) [E010 schema]",
            "{f}:4:16: error: answers.members[1]: must be a valid string (got 2) [E010 schema]",
        ),
    ),
]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the mini questionnaire (so answers files are checked against it)."""
    shutil.copyfile(ASSETS / "mini.yaml", tmp_path / "mini.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def validate(runner: CliRunner, *args: str) -> tuple[int, list[str], str]:
    """Exit code, the error lines, and stderr of ``validate`` (which must not crash)."""
    result = runner.invoke(app, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    return result.exit_code, errors, result.stderr


class TestHostileFiles:
    @pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
    def test_one_located_line_and_the_documented_exit_code(
        self, case: Case, workdir: Path, runner: CliRunner
    ) -> None:
        """The file ends in exactly the expected error lines and exit code, and nothing else."""
        name = f"{case.id}.yaml"
        target = workdir / name
        if isinstance(case.content, bytes):
            target.write_bytes(case.content)
        else:
            target.write_text(case.content, encoding="utf-8", newline="")
        code, errors, stderr = validate(runner, name)
        assert (code, errors) == (case.exit_code, [e.format(f=name) for e in case.errors])
        assert stderr == ""
        assert all(len(line) < 400 for line in errors)

    def test_the_case_list_is_big_enough(self) -> None:
        """Issue 8 asks for at least 40 hostile cases; this table is most of them."""
        assert len(CASES) >= 40


class TestByteOrderMark:
    def test_a_utf8_bom_is_read_as_if_it_were_not_there(
        self, workdir: Path, runner: CliRunner
    ) -> None:
        """Windows editors add a BOM to UTF-8 files; it is accepted, with the same lines."""
        text = (ASSETS / "mini-answers.yaml").read_text(encoding="utf-8")
        (workdir / "plain.yaml").write_text(text, encoding="utf-8")
        (workdir / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
        assert validate(runner, "bom.yaml") == validate(runner, "plain.yaml") == (EXIT_OK, [], "")

    def test_a_bom_does_not_shift_columns(self, workdir: Path, runner: CliRunner) -> None:
        (workdir / "bom.yaml").write_bytes(
            b"\xef\xbb\xbf" + (ANS + "answers: {a: 1, a: 2}\n").encode()
        )
        code, errors, _ = validate(runner, "bom.yaml")
        assert (code, errors) == (
            EXIT_INPUT,
            ["bom.yaml:3:17: error: duplicate key 'a' [E002 duplicate-key]"],
        )


class TestHugeFiles:
    def test_a_100_mb_file_is_refused_by_its_size(self, workdir: Path, runner: CliRunner) -> None:
        """A sparse 100 MB file: refused with E004 (only the first 5 MiB + 1 byte are read)."""
        with (workdir / "huge.yaml").open("wb") as fh:
            fh.write(ANS.encode())
            fh.truncate(100 * 1024 * 1024)
        code, errors, _ = validate(runner, "huge.yaml")
        assert (code, errors) == (
            EXIT_INPUT,
            [f"huge.yaml: error: file is larger than {DEFAULT_MAX} bytes [E004 file-too-large]"],
        )

    def test_reading_stops_after_the_limit(
        self, workdir: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The reader asks for MAX_BYTES + 1 bytes once, never for the whole file."""
        (workdir / "big.yaml").write_bytes(b"#" * 5000)
        monkeypatch.setattr(loading.files, "MAX_BYTES", 1000)
        asked: list[int] = []
        real_fdopen = os.fdopen

        def spying_fdopen(fd: int, *args: object, **kwargs: object) -> object:
            fh = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]
            real_read = fh.read

            class Spy:
                def __enter__(self) -> Spy:
                    return self

                def __exit__(self, *exc: object) -> None:
                    fh.close()

                def read(self, n: int = -1) -> bytes:
                    asked.append(n)
                    return real_read(n)  # type: ignore[no-any-return]

            return Spy()

        monkeypatch.setattr(loading.files.os, "fdopen", spying_fdopen)
        with pytest.raises(InputError) as caught:
            loading.read_document(workdir / "big.yaml")
        assert asked == [1001]
        assert caught.value.findings[0].one_line() == (
            "big.yaml: error: file is larger than 1,000 bytes [E004 file-too-large]"
        )

    @pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
    def test_an_endless_device_is_refused(self, runner: CliRunner) -> None:
        """/dev/zero never ends: the bounded read is what makes this return."""
        code, errors, _ = validate(runner, "/dev/zero")
        assert (code, errors) == (
            EXIT_INPUT,
            [f"/dev/zero: error: file is larger than {DEFAULT_MAX} bytes [E004 file-too-large]"],
        )

    @pytest.mark.slow
    @pytest.mark.parametrize(
        ("value", "limit"), [("100", "100"), ("lots", DEFAULT_MAX), ("-5", DEFAULT_MAX)]
    )
    def test_the_size_limit_can_be_set_in_the_environment(
        self, tmp_path: Path, value: str, limit: str
    ) -> None:
        """MUTUAL_DETECTOR_MAX_BYTES sets the limit; a value that is not a size is ignored."""
        big = tmp_path / "big.yaml"
        with big.open("wb") as fh:
            fh.write(b"# x\n")
            fh.truncate(6 * 1024 * 1024)
        env = {**os.environ, "MUTUAL_DETECTOR_MAX_BYTES": value}
        proc = _cli(["validate", "big.yaml"], tmp_path, env=env)
        assert proc.returncode == EXIT_INPUT
        assert f"big.yaml: error: file is larger than {limit} bytes [E004 file-too-large]" in (
            proc.stdout.splitlines()
        )
        assert "Traceback" not in proc.stderr

    def test_too_many_values_without_aliases(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The bound on values written is its own limit, worded as such (not an alias bomb)."""
        monkeypatch.setattr(loading.located, "MAX_NODES", 100)
        text = ANS + "answers:\n" + "".join(f"  q{i}: {i}\n" for i in range(60))
        with pytest.raises(InputError) as caught:
            loading.parse_yaml(text, "many.yaml")
        assert [f.one_line() for f in caught.value.findings] == [
            "many.yaml:50:8: error: more than 100 values (keys, items and mappings) in one file; "
            "split it into parts (a questionnaire's `include:`) [E004 file-too-large]"
        ]

    def test_aliases_are_counted_apart_from_the_values_written(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """90 values written and 90 added by aliases: neither bound of 100 is passed."""
        monkeypatch.setattr(loading.located, "MAX_NODES", 100)
        monkeypatch.setattr(loading.located, "MAX_ALIAS_VALUES", 100)
        items = ", ".join(str(i) for i in range(40))
        text = ANS + f"a: &a [{items}]\nb: [*a, *a]\n"
        assert loading.parse_yaml(text, "ok.yaml").data["b"][1][39] == 39
        text = ANS + f"a: &a [{items}]\nb: [*a, *a, *a]\n"
        with pytest.raises(InputError) as caught:
            loading.parse_yaml(text, "bomb.yaml")
        assert [f.one_line() for f in caught.value.findings] == [
            "bomb.yaml:4:4: error: YAML aliases expand to more than 100 values (an alias bomb?) "
            "[E003 alias-bomb]"
        ]

    def test_a_questionnaire_of_ten_thousand_questions_is_no_alias_bomb(
        self, tmp_path: Path
    ) -> None:
        """Issue 16: about 9,500 questions (no aliases at all) were refused as an alias bomb
        (more than 200,000 values, counted as if they were alias expansion)."""
        head = (ASSETS / "mini.yaml").read_text(encoding="utf-8")
        questions = "".join(
            f"  - id: g{i}\n    section: money\n    kind: yes_no\n    prompt: Question {i}?\n"
            f"    help: Help.\n    why: Why.\n    cite: [domain-1-2]\n"
            f"    yes_score: 1\n    no_score: 0\n"
            for i in range(10_000)
        )
        text = head.replace("questions:\n", "questions:\n" + questions, 1)
        assert text.count("\n  - id: g") == 10_000
        path = tmp_path / "big.yaml"
        path.write_text(text, encoding="utf-8")
        loaded = loading.load_questionnaire(path)
        assert len(loaded.questionnaire.questions) == 10_007

    @pytest.mark.parametrize("loader", ["libyaml", "pure"])
    @pytest.mark.parametrize(
        ("line", "column"),
        [
            ("answers:\n  {key}: 1\n", (4, 3)),
            ("answers: {{{key}: 1}}\n", (3, 11)),
            ('answers: {{"{key}": 1}}\n', (3, 11)),
            ("answers:\n  - {key}: 1\n", (4, 5)),
        ],
        ids=["block", "flow", "json", "in-a-list"],
    )
    def test_a_key_over_1024_characters_is_named(
        self, monkeypatch: pytest.MonkeyPatch, loader: str, line: str, column: tuple[int, int]
    ) -> None:
        """Was: "mapping values are not allowed here", at the colon 1,000 columns on."""
        if loader == "libyaml" and not loading.HAS_LIBYAML:
            pytest.skip("libyaml is not installed")
        if loader == "pure":
            monkeypatch.setattr(loading.located, "_Loader", yaml.SafeLoader)
        text = ANS + line.format(key="k" * 1025)
        with pytest.raises(InputError) as caught:
            loading.parse_yaml(text, "long.yaml")
        (f,) = caught.value.findings
        assert (f.line, f.column, f.rule) == (*column, "E001")
        assert f.message == (
            "a key longer than 1,024 characters: YAML reads `key: value` only for keys of up to "
            "1,024 characters; shorten the key, or write it as `? key` on one line and "
            "`: value` on the next"
        )

    def test_a_key_of_1024_characters_and_a_long_key_written_with_a_question_mark(self) -> None:
        at_limit = ANS + "answers:\n  " + "k" * 1024 + ": 1\n"
        assert loading.parse_yaml(at_limit, "ok.yaml").data["answers"] == {"k" * 1024: 1}
        explicit = ANS + "answers:\n  ? " + "k" * 2000 + "\n  : 1\n"
        assert loading.parse_yaml(explicit, "ok.yaml").data["answers"] == {"k" * 2000: 1}


class TestFilesThatCannotBeRead:
    def test_missing_file(self, workdir: Path, runner: CliRunner) -> None:
        code, errors, _ = validate(runner, "nowhere.yaml")
        assert (code, errors) == (
            EXIT_INPUT,
            ["nowhere.yaml: error: no such file [E008 unreadable]"],
        )

    def test_a_directory_named_like_a_file(self, workdir: Path) -> None:
        """``answers.yaml/`` given where a file is expected (assess, batch and the loaders)."""
        (workdir / "answers.yaml").mkdir()
        with pytest.raises(InputError) as caught:
            loading.load_answers(workdir / "answers.yaml")
        assert [f.one_line() for f in caught.value.findings] == [
            "answers.yaml: error: is a directory, not a file [E008 unreadable]"
        ]

    def test_assess_given_a_directory_named_like_a_file(
        self, workdir: Path, runner: CliRunner
    ) -> None:
        """As --answers: a usage error (2); as --questionnaire: unreadable (3). One line each."""
        (workdir / "answers.yaml").mkdir()
        shutil.copyfile(ASSETS / "mini-answers.yaml", workdir / "good.yaml")
        result = runner.invoke(app, ["assess", "-a", "answers.yaml", "-q", "mini.yaml"])
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for '--answers' / '-a': File 'answers.yaml' is a directory."
        )
        result = runner.invoke(app, ["assess", "-a", "good.yaml", "-q", "answers.yaml"])
        assert (result.exit_code, result.stderr) == (
            EXIT_INPUT,
            "answers.yaml: error: is a directory, not a file [E008 unreadable]\n",
        )

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
    def test_a_named_pipe_with_no_writer_does_not_hang(self, workdir: Path) -> None:
        """Opening a FIFO normally blocks until someone writes; we refuse it at once."""
        os.mkfifo(workdir / "pipe.yaml")
        proc = _cli(["validate", "pipe.yaml"], workdir)
        assert proc.returncode == EXIT_INPUT
        errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
        assert errors == [
            "pipe.yaml: error: is not a regular file (a pipe or device with nothing to read) "
            "[E008 unreadable]"
        ]
        assert "Traceback" not in proc.stderr

    @pytest.mark.slow
    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
    def test_a_named_pipe_in_a_batch_folder_does_not_hang(self, workdir: Path) -> None:
        """A FIFO among the answers (nobody writes to it) is an error record, not a hang."""
        folder = workdir / "inbox"
        folder.mkdir()
        shutil.copyfile(ASSETS / "mini-answers.yaml", folder / "a.yaml")
        os.mkfifo(folder / "b.yaml")
        proc = _cli(BATCH_ARGS, workdir)
        assert proc.returncode == EXIT_INPUT
        assert "inbox/b.yaml,,error" in proc.stdout

    def test_permission_denied(
        self, workdir: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The PermissionError path, simulated (tests run as root in CI, where chmod is moot)."""
        (workdir / "secret.yaml").write_text(ANS + "answers: {}\n", encoding="utf-8")
        real_open = os.open

        def deny(path: object, flags: int, *args: object, **kwargs: object) -> int:
            if str(path).endswith("secret.yaml"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(loading.files.os, "open", deny)
        code, errors, _ = validate(runner, "secret.yaml")
        assert (code, errors) == (
            EXIT_INPUT,
            ["secret.yaml: error: permission denied [E008 unreadable]"],
        )

    @pytest.mark.skipif(
        not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever chmod"
    )
    def test_permission_denied_for_real(self, workdir: Path, runner: CliRunner) -> None:
        secret = workdir / "secret.yaml"
        secret.write_text(ANS + "answers: {}\n", encoding="utf-8")
        secret.chmod(0)
        try:
            code, errors, _ = validate(runner, "secret.yaml")
        finally:
            secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
        assert (code, errors) == (
            EXIT_INPUT,
            ["secret.yaml: error: permission denied [E008 unreadable]"],
        )

    @pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
    def test_a_symlink_loop(self, workdir: Path, runner: CliRunner) -> None:
        os.symlink("loop.yaml", workdir / "loop.yaml")
        code, errors, _ = validate(runner, "loop.yaml")
        assert (code, errors) == (
            EXIT_INPUT,
            ["loop.yaml: error: Too many levels of symbolic links [E008 unreadable]"],
        )

    @pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
    def test_symlink_loops_in_a_folder_do_not_stop_the_others(
        self, workdir: Path, runner: CliRunner
    ) -> None:
        """A folder with a file loop, a folder loop and one good file: the good one is checked."""
        folder = workdir / "answers"
        folder.mkdir()
        shutil.copyfile(ASSETS / "mini.yaml", folder / "mini.yaml")
        shutil.copyfile(ASSETS / "mini-answers.yaml", folder / "good.yaml")
        os.symlink("a.yaml", folder / "b.yaml")
        os.symlink("b.yaml", folder / "a.yaml")
        os.symlink("..", folder / "up")  # a folder loop: answers/up/answers/up/...
        result = runner.invoke(app, ["validate", "answers"])
        assert "Traceback" not in result.stdout + result.stderr
        errors = [line for line in result.stdout.splitlines() if ": error: " in line]
        loop = "error: Too many levels of symbolic links [E008 unreadable]"
        assert (result.exit_code, errors) == (
            EXIT_INPUT,
            [f"answers/a.yaml: {loop}", f"answers/b.yaml: {loop}"],
        )


def _write_case(case: Case, folder: Path) -> str:
    name = f"{case.id}.yaml"
    if isinstance(case.content, bytes):
        (folder / name).write_bytes(case.content)
    else:
        (folder / name).write_text(case.content, encoding="utf-8", newline="")
    return name


class TestHostileFilesInOtherCommands:
    """The same files given to ``assess`` and ``batch``: the same located lines."""

    @pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
    def test_assess_refuses_it_with_the_same_lines(
        self, case: Case, workdir: Path, runner: CliRunner
    ) -> None:
        name = _write_case(case, workdir)
        result = runner.invoke(
            app, ["assess", "-a", name, "-q", "mini.yaml", "--no-input", "--no-what-if"]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.stdout + result.stderr
        expected = [e.format(f=name) for e in case.errors]
        assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (
            EXIT_INPUT,
            expected,
            "",
        )

    @pytest.mark.parametrize(
        "case",
        [pytest.param(c, id=c.id, marks=c.marks) for c in CASES],
    )
    def test_batch_records_it_and_goes_on(
        self, case: Case, workdir: Path, runner: CliRunner
    ) -> None:
        """A folder with the hostile file and a good one: an error record, and one result."""
        folder = workdir / "inbox"
        folder.mkdir()
        name = _write_case(case, folder)
        shutil.copyfile(ASSETS / "mini-answers.yaml", folder / "zz-good.yaml")
        result = runner.invoke(
            app, ["batch", "inbox", "-q", "mini.yaml", "-j", "1", "--quiet", "-f", "jsonl"]
        )
        assert "Traceback" not in result.stdout + result.stderr
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert [(Path(r["source"]).name, r["status"]) for r in records] == [
            (name, "error"),
            ("zz-good.yaml", "ok"),
        ]
        assert result.exit_code == EXIT_INPUT
        got = [
            f"{e['file']}"
            + "".join(f":{e[k]}" for k in ("line", "column") if e[k] is not None)
            + f": error: {e['field'] + ': ' if e['field'] else ''}{e['message']} [{e['rule']} "
            for e in records[0]["errors"]
        ]
        expected = [e.format(f=f"inbox/{name}") for e in case.errors]
        assert [g for g, e in zip(got, expected, strict=True) if not e.startswith(g)] == []


class TestHostileFixtures:
    """Small hostile files kept in tests/hostile (also seeds for fuzz/); each says what to expect."""

    FILES = sorted(HOSTILE.glob("*.yaml"))

    def test_there_are_fixtures(self) -> None:
        assert len(self.FILES) >= 8

    @pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
    def test_the_expected_line(
        self, path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# expect: ")
        expected = first.removeprefix("# expect: ").format(f=path.name)
        monkeypatch.chdir(HOSTILE)
        assert validate(runner, path.name)[:2] == (EXIT_INPUT, [expected])


class TestHostileEnvironment:
    """Environment variables set to nonsense never produce a traceback."""

    @pytest.mark.parametrize(
        "command",
        [
            ["assess", "-a", "answers.yaml", "--no-what-if", "-f", "json"],
            ["batch", "answers.yaml", "-j", "1", "--quiet", "-f", "csv"],
        ],
        ids=["assess", "batch"],
    )
    def test_a_huge_source_date_epoch(
        self,
        command: list[str],
        workdir: Path,
        runner: CliRunner,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        shutil.copyfile(ASSETS / "mini-answers.yaml", workdir / "answers.yaml")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
        result = runner.invoke(app, [*command, "-q", "mini.yaml"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert result.exit_code == EXIT_OK

"""Every fast reader gives exactly what the located reader gives, or gives the file up.

A fast reader (:data:`mutual_detector.loading.readers.FAST_READERS`) must never
read a file differently from the located reader
(:func:`mutual_detector.loading.located.parse_yaml`): a wrong reading would
score the wrong answers without any error, and a file the located reader
refuses must be refused with its ``file:line:column``. These tests compare
them, types included (``True`` is not ``1``), on every example and test file
and on generated documents full of YAML's traps. Giving a file up
(:class:`~mutual_detector.loading.readers.interface.NotPlain`) is always
allowed; a different value never is.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutual_detector.errors import InputError
from mutual_detector.loading.located import parse_yaml
from mutual_detector.loading.readers import FAST_READERS, parse_document
from mutual_detector.loading.readers.interface import FastReader, NotPlain
from mutual_detector.loading.readers.json import JsonReader
from mutual_detector.loading.readers.plainyaml import PlainYamlReader, read_plain

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if p.name != "expected.yaml")


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, ValueError):
        return None  # not text: refused before any reader sees it


#: Every YAML or JSON file of the repository's tests, examples and questionnaires that is text.
CORPUS = sorted(
    p
    for folder in ("examples", "questionnaires", "tests")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml", ".json") and p.is_file() and _text(p) is not None
)
assert len(CORPUS) > 50, "the corpus is missing"
READERS = {reader.name: reader for reader in FAST_READERS}


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def read(text: str) -> Any:
    return PlainYamlReader().read(text)


def check(text: str, reader: FastReader | None = None) -> bool:
    """True if the reader read ``text`` (and read it as the located reader does); False if it
    gave the text up."""
    try:
        got = (reader or PlainYamlReader()).read(text)
    except NotPlain:
        return False
    expected = parse_yaml(text, "f.yaml").data  # must not fail: the located reader agrees
    assert same(got, expected), (text, got, expected)
    assert same(got, yaml.safe_load(text)), text
    return True


@pytest.mark.parametrize("name", sorted(READERS))
@pytest.mark.parametrize("path", CORPUS, ids=[str(p.relative_to(ROOT)) for p in CORPUS])
def test_every_file_of_ours_is_read_as_the_located_reader_reads_it(name: str, path: Path) -> None:
    """Good files and hostile ones alike: the same data, or the file given up."""
    check(path.read_text(encoding="utf-8"), READERS[name])


@pytest.mark.parametrize("path", CORPUS, ids=[str(p.relative_to(ROOT)) for p in CORPUS])
def test_the_chosen_reading_is_the_located_one(path: Path) -> None:
    """``parse_document`` (every command's reading) gives the located reader's data, marks and
    errors."""
    text = path.read_text(encoding="utf-8")
    try:
        expected = parse_yaml(text, "f.yaml")
    except InputError as exc:
        refused = [f.one_line() for f in exc.findings]
    else:
        doc = parse_document(text, "f.yaml")
        assert same(doc.data, expected.data)
        assert doc.marks == expected.marks
        return
    with pytest.raises(InputError) as got:
        parse_document(text, "f.yaml")
    assert [f.one_line() for f in got.value.findings] == refused


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_is_read_the_quick_way(path: Path) -> None:
    assert check(path.read_text(encoding="utf-8"))


def test_a_template_is_read_the_quick_way(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mutual_detector.cli import app

    out = tmp_path / "t.yaml"
    result = CliRunner().invoke(app, ["template", "--format", "yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8"))


TYPICAL = """\
---
# A comment
format: mutual-detector/answers@1
questionnaire: mutual-detector
metadata:
  service: Home care   # trailing comment
  date: 2026-11-25
  notes: 'It''s agreed: see the minutes #3'
answers:
  a: yes
  b: No
  c: ~
  d: 1_000
  e: 2.5
  f: -3
  g: [staff, community]
  h: []
  i:
  - one
  - "two: quoted"
  j:
    value: dont_know
    note: "C# and http://example.org"
  k:
      - x
      - 0x1F
  l: 2026-11-25 10:00:00
  m: .inf
  n: a:b
  o:
  p: {value: most, evidence: "Staff ballot, 81% in favour", note: 'it''s'}
  q: >-
    folded onto
    one line
  r: |
    kept
      as written

  s: {}
"""


def test_typical_shapes_and_traps() -> None:
    assert check(TYPICAL)
    data = read(TYPICAL)
    answers = data["answers"]
    assert answers["a"] is True
    assert answers["b"] is False
    assert answers["c"] is None
    assert answers["d"] == 1000
    assert answers["k"] == ["x", 31]
    assert data["metadata"]["date"] == dt.date(2026, 11, 25)
    assert data["metadata"]["notes"] == "It's agreed: see the minutes #3"
    assert answers["o"] is None
    assert answers["n"] == "a:b"
    assert answers["p"]["evidence"] == "Staff ballot, 81% in favour"
    assert answers["q"] == "folded onto one line"
    assert answers["r"] == "kept\n  as written\n"


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "a: |+\n  text\n",  # block scalars beyond the simple ones
        "a: |2\n   text\n",
        "a: >\n  one\n\n  two\n",
        "a: >\n  one\n    more\n",
        "a: |\nb: 1\n",
        "a: plain\n  continued\n",  # a plain scalar on two lines
        "a: 'open\n  quote'\n",
        'a: "esc\\tape"\n',
        "a: {b: [1]}\n",
        "a: {b: c: d}\n",
        "a: {b: http://x}\n",
        "a: [b, ]\n",
        "a: [b}\n",
        "a: {b: 1, b: 2}\n",
        "a: [b, [c]]\n",
        "a: 1\na: 2\n",  # duplicate keys: the located reader names them
        "yes: 1\n",  # a key that is not text
        "'a': 1\n",
        "a:\n\t- 1\n",
        "a: b: c\n",
        "  a: 1\n",
        "a: 1\n...\n",
        "a: 1\n---\nb: 2\n",
        "- a\n- b\n",
        "",
        "# only a comment\n",
        "a: 1\r\x85b: 2\n",
        "a: x\x07\n",
        "\ufeffa: 1\n",
        "a:\n  - b: 1\n",
        "a:\n  - - b\n",
        "a: - b\n",
        "a: =\n",
        "a: <<\n",
        "a: 1\n b: 2\n",
        "a:\n    b: 1\n  c: 2\n",
    ],
)
def test_what_it_leaves_to_the_located_reader(text: str) -> None:
    with pytest.raises(NotPlain):
        read(text)


def test_windows_line_ends() -> None:
    assert check("a: 1\r\nb:\r\n  - x\r\n")


def test_bounds() -> None:
    deep = "".join(f"{' ' * (2 * i)}k{i}:\n" for i in range(70)) + " " * 140 + "v: 1\n"
    with pytest.raises(NotPlain):
        read(deep)
    with pytest.raises(NotPlain):
        read_plain("a:\n" + "  - x\n" * 50, 10, 64)


@pytest.mark.parametrize(
    "text",
    [
        # Values counted as the located reader counts them (each key, each flow item):
        "a:\n" + "".join(f"  - [{', '.join(['x'] * 99)}]\n" for _ in range(1100)),
        "a:\n"
        + "".join(f"  k{n}: {{{', '.join(f'v{i}: 1' for i in range(50))}}}\n" for n in range(1100)),
        "a:\n" + "".join(f"  k{n}: 1\n" for n in range(110_000)),
        # Nesting given up before the located reader's limit, flow lists included:
        "".join(f"{' ' * i}k{i}:\n" for i in range(63)) + " " * 63 + "v: [1]\n",
    ],
    ids=["flow-lists", "flow-mappings", "keys", "nesting"],
)
def test_files_near_the_limits_are_given_up(text: str) -> None:
    """The located reader refuses some of these (E003); a fast reader never judges them."""
    with pytest.raises(NotPlain):
        read(text)


def test_a_document_read_fast_finds_its_marks_when_asked() -> None:
    doc = parse_document(TYPICAL, "t.yaml")
    assert doc.marks == parse_yaml(TYPICAL, "t.yaml").marks
    assert doc.marks[("answers", "g")].line == 16


# --------------------------------------------------------------------------- generated


TRAPS = [
    "yes", "No", "ON", "off", "y", "n", "true", "False", "~", "null", "Null", "", "0", "-0",
    "012", "0o12", "0x1F", "0b101", "1_000", "1:30", "190:20:30", "1e3", "1.5e3", "1.5e+3",
    ".5", "-.5", ".inf", "-.Inf", ".nan", "+1", "+", "-", "--", "-a", "a-", "2026-11-25",
    "2026-11-25 10:00:00", "2026-1-5", "2026-11-25T10:00:00Z", "a: b", "a:b", "a :b", "a:",
    "a #b", "a#b", "#a", "a  b", "C#", "é", "'q'", "x'y", "\"q\"", "x\"y", "@x", "`x", "%x",
    "!x", "&a", "*a", "|", ">", "?", "? a", "[a]", "[a, b]", "[]", "{}", "{a: b}", "=", "<<",
    "a,b", "a, b", "dont_know", "http://x.org/a?b=c#d", "1.0.0", "v1", "ü: x", "\\n", "'",
    "''", "a'", "\"", " x", "x ",
]  # fmt: skip
COMMON = ["explore", "dont_know", "Home care", "3", "4.5", "true", "no", "2026-11-25", "a:b", "x y"]
KEYS = ["a", "b", "c", "d", "el_stage", "k-1", "_x", "value", "note"]
BAD_KEYS = ["yes", "no", "on", "null", "True", "1", "a b", "'q'", "é"]


def _scalar_text(draw: st.DrawFn) -> str:
    value = draw(
        st.one_of(*[st.sampled_from(COMMON)] * 6, st.sampled_from(TRAPS), st.text(max_size=8))
    )
    style = draw(st.sampled_from(["plain"] * 5 + ["single", "double", "comment"]))
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style == "double":
        return '"' + value + '"'
    if style == "comment":
        return value + draw(st.sampled_from([" # note", "  #", "# x"]))
    return value


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["---", "# head", ""])))

    def block(indent: int, depth: int) -> None:
        keys = st.sampled_from(KEYS) if draw(st.integers(0, 9)) else st.sampled_from(BAD_KEYS)
        for key in draw(st.lists(keys, min_size=1, max_size=4, unique=True)):
            pad = " " * indent
            shape = draw(st.sampled_from(["scalar", "scalar", "list", "map", "empty"]))
            if shape == "scalar":
                lines.append(f"{pad}{key}: {_scalar_text(draw)}")
            elif shape == "empty":
                lines.append(f"{pad}{key}:" + draw(st.sampled_from(["", " ", " # c"])))
            elif shape == "list":
                lines.append(f"{pad}{key}:")
                at = indent + draw(st.sampled_from([0, 2, 4]))
                for _ in range(draw(st.integers(1, 3))):
                    lines.append(f"{' ' * at}- {_scalar_text(draw)}")
            elif depth < 3:
                lines.append(f"{pad}{key}:")
                block(indent + draw(st.sampled_from([1, 2, 4])), depth + 1)
            if draw(st.integers(0, 6)) == 0:
                lines.append(draw(st.sampled_from(["", "# c", "   # c", "  ", "\t", "..."])))
            if shape == "scalar" and draw(st.integers(0, 5)) == 0:
                lines[-1] = f"{pad}{key}: " + draw(
                    st.sampled_from(["|", "|-", ">", ">-", "[a, 'b c']", "{value: x, note: 'y'}"])
                )
                if lines[-1][-1] in "|->":
                    more = " " * (indent + draw(st.sampled_from([1, 2, 4])))
                    for _ in range(draw(st.integers(1, 3))):
                        lines.append(more + draw(st.sampled_from([*COMMON, "  deeper", "# h"])))

    block(0, 0)
    if draw(st.integers(0, 4)) == 0:  # break it somewhere
        at = draw(st.integers(0, len(lines)))
        lines.insert(at, draw(st.sampled_from(["  cont", "x", "- y", "  - z", " k: v", "---"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_read_as_yaml_reads_them(text: str) -> None:
    check(text)


def test_many_generated_documents_are_read() -> None:
    """Otherwise the comparison above would prove little: many must not miss."""
    hits = []

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(documents())
    def collect(text: str) -> None:
        hits.append(check(text))

    collect()
    assert sum(hits) >= len(hits) // 6, (sum(hits), len(hits))  # about a third, in fact


# --------------------------------------------------------------------------- JSON

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 1e1, 1.5e3, 1e-7, -0.0, 1e300, 123456789.125]),
    st.text(max_size=12),
    st.sampled_from(["2026-11-25", "yes", "no", "~", "1e1", "a: b", "#x", "😀", "\x85", "é"]),
)
JSON_KEYS = st.one_of(
    st.sampled_from(["a", "b", "value", "note", "yes", "1", ""]), st.text(max_size=6)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(JSON_KEYS, inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    data = draw(st.dictionaries(JSON_KEYS, JSON_VALUES, min_size=1, max_size=5))
    text = json.dumps(
        data,
        indent=draw(st.sampled_from([None, 2, 0])),
        ensure_ascii=draw(st.booleans()),
        separators=draw(st.sampled_from([None, (",", ":"), (", ", ": ")])),
    )
    if draw(st.integers(0, 4)) == 0:  # a trap YAML and JSON read differently, or one refuses
        trap = draw(st.sampled_from(["\n:", "\t", ",}", "\\ud83d\\ude00", "\r\n", " # c"]))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + trap + text[at:]
    return text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_documents())
def test_generated_json_reads_as_the_located_reader_reads_it(text: str) -> None:
    check(text, JsonReader())


def test_many_generated_json_documents_are_read() -> None:
    hits = []

    @settings(max_examples=200, deadline=None, database=None, derandomize=True)
    @given(json_documents())
    def collect(text: str) -> None:
        hits.append(check(text, JsonReader()))

    collect()
    # Many have a trap, an exponent or a surrogate pair, on purpose: about a fifth are read.
    assert sum(hits) >= len(hits) // 8, (sum(hits), len(hits))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@pytest.mark.parametrize("indent", [None, 2])
def test_every_example_as_json_is_read_the_quick_way(path: Path, indent: int | None) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert check(json.dumps(data, default=str, indent=indent, ensure_ascii=False), JsonReader())


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1e1}',  # text in YAML 1.1
        '{"a": 1.5e3}',
        '{"a": NaN}',
        '{"a": "\\ud83d\\ude00"}',  # a pair joined by JSON, two surrogates in YAML
        '{"a": [1, 2,]}',  # YAML reads it; JSON does not
        '{"a"\n: 1}',
        '{"a":\t1}',
        '{"a": 1, "a": 2}',
        '{"a\\u0001": 1}',
        '{"a": "\u2028"}',
        '["a"]',
        '{"' + "k" * 1100 + '": 1}',
    ],
)
def test_json_it_leaves_to_the_located_reader(text: str) -> None:
    with pytest.raises(NotPlain):
        JsonReader().read(text)

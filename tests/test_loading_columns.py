"""Columns inside expressions: a finding in a ``when:`` points at the character, in any YAML style."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mutual_detector.loading import parse_yaml
from mutual_detector.model.findings import finding

STYLES = [None, "'", '"', "|", ">"]


def _locate(text: str, key: str, offset: int) -> tuple[int | None, int | None]:
    doc = parse_yaml(text, "t.yaml")
    f = doc.locate(finding("Q105", "m", (key,), offset=offset))
    return f.line, f.column


def _char_at(text: str, line: int, column: int) -> str:
    return text.splitlines()[line - 1][column - 1]


class TestKnownPlaces:
    def test_plain(self) -> None:
        assert _locate("when: a and zz\n", "when", 6) == (1, 13)

    def test_double_quoted_skips_the_opening_quote(self) -> None:
        assert _locate('when: "a and zz"\n', "when", 6) == (1, 14)

    def test_single_quoted_with_a_doubled_quote(self) -> None:
        text = "when: 'x == ''it''s'' and zz'\n"
        value = parse_yaml(text, "t").data["when"]
        line, col = _locate(text, "when", value.index("zz"))
        assert (line, col) == (1, text.index("zz") + 1)

    def test_double_quoted_with_escapes(self) -> None:
        text = "when: \"q == '\\u00e9\\t' and zz\"\n"
        value = parse_yaml(text, "t").data["when"]
        line, col = _locate(text, "when", value.index("zz"))
        assert (line, col) == (1, text.index("zz") + 1)

    def test_folded_block(self) -> None:
        text = "when: >-\n  a == 1 and\n  zz\n"
        assert _locate(text, "when", 11) == (3, 3)

    def test_literal_block(self) -> None:
        text = "a:\n  when: |\n    a == 1\n    or zz\n"
        doc = parse_yaml(text, "t")
        f = doc.locate(finding("Q105", "m", ("a", "when"), offset=10))
        assert (f.line, f.column) == (4, 8)

    def test_multi_line_plain(self) -> None:
        text = "when: a == 1\n  and zz\n"
        assert _locate(text, "when", 11) == (2, 7)

    def test_offset_past_the_end_points_after_the_last_character(self) -> None:
        assert _locate("when: a ==\n", "when", 4) == (1, 11)

    def test_finding_without_offset_points_at_the_value(self) -> None:
        doc = parse_yaml('when: "a and zz"\n', "t")
        f = doc.locate(finding("Q111", "m", ("when",)))
        assert (f.line, f.column) == (1, 7)

    def test_offset_on_a_parent_path_is_ignored(self) -> None:
        """An offset only applies to the string at exactly the finding's path."""
        doc = parse_yaml("q:\n  x: 1\n", "t")
        f = doc.locate(finding("Q105", "m", ("q", "when"), offset=3))
        assert (f.line, f.column) == (2, 3)


EXPRESSION_CHARS = st.sampled_from([*"ab_ 019=<>!()[],.'\"\\é€", "and", "or", "not", "in"])


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(EXPRESSION_CHARS, min_size=1, max_size=30),
    style=st.sampled_from(STYLES),
    width=st.sampled_from([20, 80, 1000]),
    indent=st.sampled_from([0, 1, 2]),
    data=st.data(),
)
def test_reported_place_holds_the_character(
    parts: list[str], style: str | None, width: int, indent: int, data: st.DataObject
) -> None:
    """Whatever style PyYAML writes the value in, the place found holds ``value[offset]``.

    For a double-quoted escape (``\\t``, ``\\u00e9``) the place is the backslash that starts it.
    """
    value = "".join(parts).strip() or "a"
    payload: object = {"when": value}
    for _ in range(indent):
        payload = {"outer": payload}
    text = yaml.dump(
        payload, default_style=style, width=width, allow_unicode=data.draw(st.booleans())
    )
    doc = parse_yaml(text, "t.yaml")
    path: tuple[str, ...] = ("outer",) * indent + ("when",)
    loaded = doc.data
    for key in path:
        loaded = loaded[key]
    assert loaded == value
    offset = data.draw(st.integers(min_value=0, max_value=len(value) - 1))
    f = doc.locate(finding("Q105", "m", path, offset=offset))
    assert f.line is not None
    assert f.column is not None
    mark = doc.marks[path]
    if (f.line, f.column) == (mark.line, mark.column) and offset > 0:
        return  # fell back to the start of the value: allowed, never wrong
    got = _char_at(text, f.line, f.column)
    want = value[offset]
    if want.isspace():
        return  # a space may have been folded into a line break
    assert got == want or (got == "\\" and mark.style == '"'), (text, offset, got, want)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from([*"ab_ 019=<>!()[],.'é", "and", "or"]), min_size=1, max_size=20),
    quote=st.sampled_from(["", "'", '"']),
)
def test_single_line_scalars_are_always_placed(parts: list[str], quote: str) -> None:
    """Plain and quoted single-line values never fall back to the start: the column is exact."""
    value = "".join(parts).strip() or "a"
    if quote == "'":
        written = "'" + value.replace("'", "''") + "'"
    elif quote == '"':
        written = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        written = yaml.dump({"when": value}, width=10_000).split(": ", 1)[1].rstrip("\n")
        if written[:1] in ("'", '"'):
            return  # PyYAML had to quote it; covered by the other quotes
    text = f"when: {written}\n"
    assert parse_yaml(text, "t").data["when"] == value
    for offset, ch in enumerate(value):
        line, col = _locate(text, "when", offset)
        assert line == 1
        assert col is not None
        assert text[col - 1] in (ch, "\\"), (text, offset)

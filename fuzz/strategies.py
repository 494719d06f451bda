"""Hypothesis strategies for the fuzz targets: random, token soup, generated and mutated inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from targets import ASSETS, HOSTILE, QUESTION_IDS, ROOT

# --------------------------------------------------------------------------- seeds


def _seed_files() -> list[Path]:
    files = [ASSETS / "mini.yaml", ASSETS / "mini-answers.yaml"]
    files += sorted((ROOT / "questionnaires").rglob("*.yaml"))
    files += sorted((ROOT / "examples").rglob("*.yaml")) if (ROOT / "examples").is_dir() else []
    files += sorted(HOSTILE.glob("*.yaml")) if HOSTILE.is_dir() else []
    return files


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) <= 64_000 else None


SEEDS: list[str] = [t for t in map(_read, _seed_files()) if t is not None]

YAML_TOKENS = [
    *("\n", "\n", "  ", " ", "- ", ": ", ":", ",", "[", "]", "{", "}", "'", '"', "#", "?"),
    *("|", ">", "|-", ">+", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "\t"),
    *("&a ", "&b ", "*a", "*b", "<<: *a", "!!str ", "!!int ", "!!float ", "!!binary ", "!!set "),
    *("!!python/object:os.system ", "!!python/object/apply:os.system ", "!!python/name:os.getcwd"),
    *("!local ", "!<tag:yaml.org,2002:str> ", "~", "null", "true", "yes", "no", "on", ".nan"),
    *(".inf", "-.inf", "0x1F", "0o17", "1_000", "1e309", "9" * 40, "2001-12-14", "12:30:45"),
    *("\\u00e9", "\\ud800", "\\x00", "\\", "é", "€", "\u2028", "\ufeff", "\x00", "\x07", "\r\n"),
    *("format: mutual-detector/answers@1\n", "format: mutual-detector/questionnaire@1\n"),
    *("format: mutual-detector/questionnaire-part@1\n", "questionnaire: mini\n", "answers:\n"),
    *("id: x\n", "title: T\n", "version: '1'\n", "scoring:\n", "bands:\n", "questions:\n"),
    *("sections:\n", "topics:\n", "kind: single\n", "options:\n", "when: ", "value: ", "include:"),
    *("dont_know", "status: draft\n", "metadata:\n", "date: 2026-13-40\n", *QUESTION_IDS),
]


# --------------------------------------------------------------------------- text edits

_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "dup-line", "swap-lines", "indent", "dedent"]),
    st.floats(0, 1),
    st.floats(0, 1),
    st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=8)),
)


def apply_edits(text: str, edits: list[tuple[str, float, float, str]]) -> str:
    """Apply structure-aware random edits to ``text`` (positions are fractions of its length)."""
    for op, a, b, payload in edits:
        n = len(text)
        i = int(a * n)
        j = min(n, i + int(b * 40))
        if op == "insert":
            text = text[:i] + payload + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "replace":
            text = text[:i] + payload + text[j:]
        else:
            lines = text.split("\n")
            k = int(a * (len(lines) - 1)) if lines else 0
            m = int(b * (len(lines) - 1)) if lines else 0
            if op == "dup-line":
                lines.insert(k, lines[k])
            elif op == "swap-lines":
                lines[k], lines[m] = lines[m], lines[k]
            elif op == "indent":
                lines[k] = "  " + lines[k]
            else:
                lines[k] = lines[k][2:] if lines[k].startswith("  ") else lines[k].lstrip()
            text = "\n".join(lines)
    return text


# --------------------------------------------------------------------------- plain data

KEYS = st.one_of(
    st.sampled_from(
        [
            *QUESTION_IDS,
            "format",
            "id",
            "value",
            "note",
            "evidence",
            "answers",
            "questions",
            "when",
            "options",
            "score",
            "kind",
            "bands",
            "min",
            "max",
        ]
    ),
    st.text(max_size=12),
)

HUGE_INTS = st.sampled_from([10**15, -(10**15), 2**63, 10**300, 10**400, 16**1000, -(10**4000)])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTS,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["most", "some", "few", "staff", "users", "community", "dont_know", "12"]),
    st.dates(min_value=dt.date(1, 1, 1)),
)
#: Just past the limits: text answers (2,000), notes (10,000), metadata (500).
LONG_TEXT = st.sampled_from(["x" * 2_001, "y" * 10_001, "z" * 501, "é" * 2_000])

PLAIN = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=5), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)

FORMATS = st.sampled_from(
    [
        "mutual-detector/answers@1",
        "mutual-detector/questionnaire@1",
        "mutual-detector/questionnaire-part@1",
        "mutual-detector/answers@2",
        "",
    ]
)


@st.composite
def generated_document(draw: st.DrawFn) -> str:
    data: dict[Any, Any] = {"format": draw(FORMATS)}
    data.update(draw(st.dictionaries(KEYS, PLAIN, max_size=6)))
    try:
        text = yaml.safe_dump(
            data,
            default_flow_style=draw(st.sampled_from([None, True, False])),
            allow_unicode=draw(st.booleans()),
            sort_keys=False,
        )
    except yaml.YAMLError:
        text = str(data)
    if draw(st.booleans()):
        text = apply_edits(text, draw(st.lists(_EDIT, max_size=4)))
    return text


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    return apply_edits(text, draw(st.lists(_EDIT, min_size=1, max_size=8)))


@st.composite
def structural_bomb(draw: st.DrawFn) -> str:
    """Deep nesting, wide aliases and other shapes that cost the loader the most."""
    n = draw(st.integers(0, 1100))
    kind = draw(st.sampled_from(["flow", "block-seq", "block-map", "alias", "keys", "long"]))
    if kind == "flow":
        opener = draw(st.sampled_from(["[", "{a: ", "[{a: "]))
        return "a: " + opener * n + "x" + "]" * (n // 2)
    if kind == "block-seq":
        return "a:\n" + "- " * n + "x\n"
    if kind == "block-map":
        return "".join(" " * i + "k:\n" for i in range(n)) + " " * n + "x\n"
    if kind == "alias":
        # Mostly under the 200,000-value bound; sometimes over it (each of those costs ~0.5 s).
        width = draw(st.integers(2, 12))
        depth = draw(st.integers(1, 4 if draw(st.integers(0, 19)) else 8))
        lines = ["l0: &l0 [" + ",".join(["x"] * width) + "]"]
        for d in range(1, depth + 1):
            lines.append(f"l{d}: &l{d} [" + ",".join([f"*l{d - 1}"] * width) + "]")
        return "\n".join(lines) + "\n"
    if kind == "keys":
        return "".join(f"k{i}: {i}\n" for i in range(n))
    return "a: " + "x" * (n * 50) + "\n"


MINI_DATA: dict[str, Any] = yaml.safe_load((ASSETS / "mini.yaml").read_text(encoding="utf-8"))

_FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.sampled_from([*QUESTION_IDS, "x", "Bad Id", "", "a" * 70]),
    "section": st.sampled_from(["staff", "money", "legal", "nope"]),
    "kind": st.sampled_from(["single", "multi", "scale", "yes_no", "number", "text", "other"]),
    "weight": st.one_of(st.floats(), st.integers(-5, 2000)),
    "scored": st.one_of(st.booleans(), st.none()),
    "required": st.booleans(),
    "dont_know": st.booleans(),
    "cite": st.lists(st.sampled_from(["domain-1-2", "nope"]), max_size=3),
    "options": st.lists(
        st.fixed_dictionaries(
            {
                "value": st.sampled_from(["most", "some", "few", "dont_know", "staff", "Bad"]),
                "label": st.just("L"),
            },
            optional={"score": st.one_of(st.floats(-1, 2000), st.none())},
        ),
        max_size=4,
    ),
    "scale": st.fixed_dictionaries(
        {"min": st.integers(-1200, 1200), "max": st.integers(-1200, 1200)},
        optional={
            "labels": st.dictionaries(st.integers(-200, 200), st.just("L"), max_size=3),
            "scores": st.dictionaries(st.integers(-5, 10), st.floats(-1, 10), max_size=3),
        },
    ),
    "number": st.fixed_dictionaries(
        {},
        optional={
            "min": st.floats(),
            "max": st.floats(),
            "integer": st.booleans(),
            "bands": st.lists(
                st.fixed_dictionaries(
                    {"min": st.floats(-10, 200), "max": st.floats(-10, 200), "score": st.floats()}
                ),
                max_size=4,
            ),
        },
    ),
    "yes_score": st.one_of(st.floats(), st.none()),
    "max_length": st.integers(-1, 30000),
}


@st.composite
def questionnaire_variant(draw: st.DrawFn) -> str:
    """The mini questionnaire with a few fields changed: reaches model validation and lint."""
    import copy

    data = copy.deepcopy(MINI_DATA)
    questions: list[dict[str, Any]] = data["questions"]
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["field", "when", "drop", "copy", "flag", "band", "rec"]))
        q = questions[draw(st.integers(0, len(questions) - 1))]
        if action == "field":
            name = draw(st.sampled_from(sorted(_FIELD_VALUES)))
            q[name] = draw(_FIELD_VALUES[name])
        elif action == "when":
            q["when"] = draw(EXPRESSIONS)
        elif action == "drop" and len(q) > 1:
            q.pop(draw(st.sampled_from(sorted(q))))
        elif action == "copy":
            questions.insert(draw(st.integers(0, len(questions))), copy.deepcopy(q))
        elif action == "flag":
            data["flags"][0]["when"] = draw(EXPRESSIONS)
            data["flags"][0]["cap"] = draw(st.sampled_from(["weak", "strong", "nope", None]))
        elif action == "band":
            band = data["scoring"]["bands"][draw(st.integers(0, 2))]
            band[draw(st.sampled_from(["min", "max"]))] = draw(st.floats(-10, 110))
        else:
            rec = data["recommendations"][draw(st.integers(0, 3))]
            rec["when"] = draw(EXPRESSIONS)
            rec["kind"] = draw(st.sampled_from(["legal_form", "governance", "next_step", "x"]))
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


YAML_TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join),
    generated_document(),
    mutated_seed(),
    structural_bomb(),
    questionnaire_variant(),
    questionnaire_variant(),
)

YAML_BYTES = st.one_of(
    st.binary(max_size=300),
    YAML_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(
        st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b""]),
        YAML_TEXT,
        st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "latin-1", "utf-32"]),
    ).map(lambda t: t[0] + t[1].encode(t[2], "replace")),
)


# --------------------------------------------------------------------------- expressions

EXPR_TOKENS = [
    *QUESTION_IDS,
    *("nope", "x", "_", "answered", "dont_know", "count", "score", "section_score", "eval"),
    *("and", "or", "not", "in", "not in", "true", "false", "null", "True", "None"),
    *("==", "!=", "<", "<=", ">", ">=", "=", "(", ")", "[", "]", ",", " ", " ", "."),
    *("'most'", "'staff'", "'nope'", '"few"', "'", '"', "'\\'", "\\", "0", "1", "-1", "2.5"),
    *("1e308", "1e999", "-0", ".5", "9" * 31, "'staff'", "'money'", "\n", "\t", "é", "#", "$"),
]

_ATOMS = st.one_of(
    st.sampled_from([*QUESTION_IDS, "nope"]),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["'most'", "'some'", "'few'", "'staff'", "'users'", "'x'", "true", "null"]),
    st.sampled_from(QUESTION_IDS).map(lambda q: f"answered({q})"),
    st.sampled_from(QUESTION_IDS).map(lambda q: f"count({q})"),
    st.sampled_from(QUESTION_IDS).map(lambda q: f"score({q})"),
    st.sampled_from(["'staff'", "'money'", "'legal'", "'nope'"]).map(
        lambda s: f"section_score({s})"
    ),
)


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or"])
    return st.one_of(
        st.tuples(inner, ops, inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(lambda e: f"not {e}"),
        inner.map(lambda e: f"({e})"),
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    )


GRAMMAR_EXPR = st.recursive(_ATOMS, _combine, max_leaves=12)


@st.composite
def expression_bomb(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 400))
    kind = draw(st.sampled_from(["parens", "not", "list", "number", "long", "chain", "call"]))
    if kind == "parens":
        return "(" * n + "appetite == 'most'" + ")" * draw(st.integers(0, n))
    if kind == "not":
        return "not " * n + "equity"
    if kind == "list":
        return "appetite in [" + ", ".join(["'most'"] * n) + "]"
    if kind == "number":
        return "turnover > " + "9" * n
    if kind == "long":
        return " or ".join(["equity"] * n * 2)
    if kind == "chain":
        return " == ".join(["turnover"] * min(n, 50))
    return "answered(" * n + "equity" + ")" * n


EXPRESSIONS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="abcdeqnot_()[],'\"=!<>.-+0123456789 \\", max_size=80),
    st.lists(st.sampled_from(EXPR_TOKENS), max_size=30).map(" ".join),
    st.lists(st.sampled_from(EXPR_TOKENS), max_size=30).map("".join),
    GRAMMAR_EXPR,
    expression_bomb(),
)

EXPR_VALUES = st.dictionaries(
    st.sampled_from([*QUESTION_IDS, "nope"]),
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**14), 10**14),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=10),
        st.lists(st.sampled_from(["staff", "users", "community", "x"]), max_size=4),
    ),
    max_size=7,
)


# --------------------------------------------------------------------------- answers

ANSWER_VALUE = st.one_of(
    SCALARS,
    LONG_TEXT,
    st.lists(st.sampled_from(["staff", "users", "community", "nope", "staff"]), max_size=5),
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["value", "note", "evidence", "extra"]), SCALARS, max_size=4),
    st.fixed_dictionaries(
        {"value": SCALARS},
        optional={
            "note": st.one_of(st.none(), st.text(max_size=20), LONG_TEXT),
            "evidence": SCALARS,
        },
    ),
)

WELL_TYPED_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    HUGE_INTS,
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["most", "some", "few", "staff", "users", "dont_know", "12", "x"]),
    st.lists(st.sampled_from(["staff", "users", "community", "nope", "staff"]), max_size=4),
    LONG_TEXT,
)

ANSWERS_DATA = st.fixed_dictionaries(
    {
        "format": st.sampled_from(["mutual-detector/answers@1"] * 9 + ["x"]),
        "questionnaire": st.sampled_from(["mini"] * 9 + ["other"]),
        "answers": st.one_of(
            st.dictionaries(st.sampled_from(QUESTION_IDS), WELL_TYPED_VALUE, max_size=7),
            st.dictionaries(st.sampled_from(QUESTION_IDS), WELL_TYPED_VALUE, max_size=7),
            st.dictionaries(st.one_of(st.sampled_from(QUESTION_IDS), KEYS), ANSWER_VALUE),
            PLAIN,
        ),
    },
    optional={
        "status": st.sampled_from(["complete", "draft", "done", None]),
        "questionnaire_version": st.one_of(st.just("1.0"), SCALARS),
        "questionnaire_sha256": st.one_of(st.just("a" * 64), st.text(max_size=70)),
        "metadata": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "service": st.one_of(st.text(max_size=20), LONG_TEXT),
                    "date": st.one_of(st.dates(), st.text(max_size=12)),
                    "assessor": SCALARS,
                },
            ),
            PLAIN,
        ),
    },
).flatmap(
    lambda d: st.sampled_from([d] * 19 + [{**d, "extra": 1}])  # an unknown field, now and then
)

STRATEGIES = {
    "yaml": st.one_of(YAML_TEXT, YAML_BYTES),
    "expr": st.tuples(EXPRESSIONS, EXPR_VALUES),
    "answers": st.tuples(ANSWERS_DATA, st.booleans()),
    "readers": st.one_of(YAML_TEXT, YAML_BYTES),
    "engine": st.tuples(ANSWERS_DATA, st.just(False)),
}

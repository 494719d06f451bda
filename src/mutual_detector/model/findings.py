"""Findings: problems found in a questionnaire or answers file, with stable rule ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final, Literal

Level = Literal["error", "warning"]
FieldPath = tuple[str | int, ...]
"""Where a value stands in a file's data: the keys and list indexes from the top down."""


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: Level
    summary: str
    hint: str


_RULES: Final = [
    # Reading and parsing: the file could not be turned into data.
    Rule(
        "E001",
        "yaml-syntax",
        "error",
        "The file is not valid YAML or JSON.",
        "Fix the syntax at the position shown.",
    ),
    Rule(
        "E002",
        "duplicate-key",
        "error",
        "A mapping has the same key twice.",
        "Remove or rename one of the keys.",
    ),
    Rule(
        "E003",
        "alias-bomb",
        "error",
        "YAML aliases expand to too many values, or nesting is too deep.",
        "Write the data out without anchors and aliases.",
    ),
    Rule(
        "E004",
        "file-too-large",
        "error",
        "The file is larger than a size limit: its bytes, or the values it holds.",
        "Split it (a questionnaire into parts with `include:`), or raise MUTUAL_DETECTOR_MAX_BYTES.",
    ),
    Rule("E005", "not-utf8", "error", "The file is not UTF-8 text.", "Save the file as UTF-8."),
    Rule(
        "E006",
        "not-a-mapping",
        "error",
        "The document's top level is not a mapping.",
        "Start the file with `format: ...` and key: value lines.",
    ),
    Rule(
        "E007",
        "unknown-format",
        "error",
        "The `format:` line is missing or not one this version reads.",
        "Use `format: mutual-detector/questionnaire@1` or `mutual-detector/answers@1`.",
    ),
    Rule(
        "E008",
        "unreadable",
        "error",
        "The file could not be read.",
        "Check that the path exists, is a file and is readable.",
    ),
    Rule(
        "E009",
        "bad-tag",
        "error",
        "The YAML uses a tag that could build an object.",
        "Remove the `!!tag`; only plain data is allowed.",
    ),
    Rule(
        "E010",
        "schema",
        "error",
        "A field does not match the format.",
        "Correct the field as the message says (see `mutual-detector schema`).",
    ),
    Rule(
        "E011",
        "include",
        "error",
        "An included part file is missing, repeated or outside the questionnaire's folder.",
        "Fix the path in `include:`.",
    ),
    # Questionnaire lint rules.
    Rule(
        "Q101",
        "duplicate-id",
        "error",
        "Two items of the same kind share an id.",
        "Give each item a unique id.",
    ),
    Rule(
        "Q102",
        "unknown-reference",
        "error",
        "A reference names an id that does not exist.",
        "Correct the id, or add the missing item.",
    ),
    Rule(
        "Q103",
        "forward-reference",
        "error",
        "A `when:` reads a question asked later (or itself).",
        "Move the question after the ones its `when:` reads.",
    ),
    Rule(
        "Q104",
        "cycle",
        "error",
        "Conditions depend on each other in a cycle.",
        "Break the cycle so each `when:` reads only earlier questions.",
    ),
    Rule(
        "Q105",
        "expression-syntax",
        "error",
        "A condition cannot be parsed.",
        "See `mutual-detector help expressions` (docs/expressions.md) for the condition language.",
    ),
    Rule(
        "Q106",
        "type-mismatch",
        "error",
        "A condition compares an answer with a value of the wrong type or a missing option.",
        "Compare with a value the question can have.",
    ),
    Rule(
        "Q107",
        "unknown-source",
        "error",
        "A citation names a source id that is not in `sources:`.",
        "Add the source, or correct the id.",
    ),
    Rule(
        "Q108",
        "unscored-option",
        "error",
        "A scored question has an option, band or answer without a score.",
        "Give every option a `score:`, or mark the question `scored: false`.",
    ),
    Rule(
        "Q109",
        "bad-weight",
        "error",
        "A weight is zero, or the weights of scored items sum to nothing.",
        "Use a positive weight, or mark the item `scored: false`.",
    ),
    Rule(
        "Q110",
        "band-coverage",
        "error",
        "Verdict bands leave a gap, overlap, or do not cover 0-100.",
        "Make the bands meet end to end from 0 to 100, best first.",
    ),
    Rule(
        "Q111",
        "unreachable",
        "warning",
        "A `when:` can never hold, so the question is never asked.",
        "Correct the condition or remove the question.",
    ),
    Rule(
        "Q112",
        "missing-help",
        "warning",
        "A scored question lacks help text, a why note or a citation.",
        "Add `help:`, `why:` and `cite:`.",
    ),
    Rule(
        "Q113",
        "number-bands",
        "error",
        "A number question's score bands overlap, are empty, or fall outside its range.",
        "Make the bands [min, max) meet without overlapping.",
    ),
    Rule(
        "Q114",
        "bad-option",
        "error",
        "An option value is reserved or a scale label is outside the scale.",
        "Rename the option (not `dont_know`) or fix the label.",
    ),
    Rule(
        "Q115",
        "empty-section",
        "warning",
        "A section or topic has no questions.",
        "Add questions or remove it.",
    ),
    Rule(
        "Q116",
        "missing-stage",
        "error",
        "A next step has no `stage:`.",
        "Set `stage:` to one of the questionnaire's stages (by default explore, business_case, spin_out or after_spin_out).",
    ),
    Rule(
        "Q117",
        "exclusive-outside-multi",
        "error",
        "An option is marked `exclusive:` in a question that is not a multi.",
        "Remove `exclusive:`; only the options of a multi question are combined.",
    ),
    Rule(
        "Q118",
        "deprecated-field",
        "warning",
        "A field is still read but no longer does anything (`scoring.confidence_threshold`).",
        "Remove it: unknown answers now give the score a range instead of a confidence cliff.",
    ),
    Rule(
        "Q119",
        "bad-cap",
        "error",
        "A cap or floor where it cannot apply: on an info flag, on a readiness flag or section, or a readiness blocker.",
        "Cap only with blocker or warning flags about suitability, and floors on scored suitability sections.",
    ),
    Rule(
        "Q120",
        "bad-expectation",
        "error",
        "An `expect:` by stage, or the stage question, is not usable: outside a readiness section, no stage question, or an answer the question cannot have.",
        "Put `expect:` on single, yes/no or scale questions of readiness sections, with option values, true/false or scale points; set `scoring.stage_question` to a single question whose options are stage ids.",
    ),
    Rule(
        "Q121",
        "source-incomplete",
        "warning",
        "A source lacks a publisher or a URL (or, with no URL, a year): a reader could not find it.",
        "Give every source `title`, `publisher`, `year` and `url` of the public document.",
    ),
    Rule(
        "Q122",
        "missing-action",
        "warning",
        "The what-if search may suggest changing this answer, but no `action:` says how to word it.",
        "Add `action:` to the question, or to each of its options but the worst (e.g. 'Name a leader and give them protected time'); or mark it `actionable: false` if it cannot be changed by acting.",
    ),
    Rule(
        "Q124",
        "bad-group",
        "error",
        "A `group:` on a recommendation that is not a governance feature.",
        "Remove `group:`; legal forms are ranked against each other already.",
    ),
    # Answers rules.
    Rule(
        "A201",
        "unknown-question",
        "error",
        "An answer names a question the questionnaire does not have.",
        "Correct the id; `mutual-detector template` lists them.",
    ),
    Rule(
        "A202",
        "wrong-kind",
        "error",
        "An answer has the wrong type for its question.",
        "Answer as the question's kind expects.",
    ),
    Rule(
        "A203",
        "out-of-range",
        "error",
        "A number or scale answer is outside the allowed range.",
        "Use a value within the range shown.",
    ),
    Rule(
        "A204",
        "unknown-option",
        "error",
        "An answer is not one of the question's options.",
        "Use one of the option values listed.",
    ),
    Rule(
        "A205",
        "not-applicable",
        "warning",
        "An answer is given to a question whose `when:` is false.",
        "Remove the answer, or change the earlier answer it depends on.",
    ),
    Rule(
        "A206",
        "questionnaire-mismatch",
        "error",
        "The answers are for another questionnaire or version.",
        "Pass the right --questionnaire, or correct `questionnaire:`.",
    ),
    Rule(
        "A207",
        "missing-required",
        "warning",
        "A required question has no answer.",
        "Answer it, or answer `dont_know`.",
    ),
    Rule(
        "A208",
        "dont-know-not-allowed",
        "error",
        "`dont_know` is given where the question does not allow it.",
        "Give a real answer.",
    ),
    Rule(
        "A209",
        "questionnaire-invalid",
        "error",
        "The questionnaire these answers are for has errors, so the answers were not checked.",
        "Fix the questionnaire first (validate it on its own to see why).",
    ),
    Rule(
        "A210",
        "exclusive-combined",
        "error",
        "An option that must be chosen on its own (`exclusive:`) is chosen with others.",
        'Choose it alone (for example "none of these"), or drop it and keep the others.',
    ),
    Rule(
        "A211",
        "retired-question",
        "warning",
        "An answer names a question an earlier version of the questionnaire asked.",
        "Answer the questions that replace it (the message names them), then remove the old answer.",
    ),
]

RULES: Final[dict[str, Rule]] = {r.id: r for r in _RULES}


@dataclass(frozen=True)
class Finding:
    """One problem, located by a path into the file's data (and later a line)."""

    rule: str
    message: str
    path: FieldPath = ()
    level: Level = "error"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    offset: int | None = None
    """0-based character offset inside the string value at ``path`` (an expression), if known."""

    @property
    def hint(self) -> str:
        return RULES[self.rule].hint

    @property
    def name(self) -> str:
        return RULES[self.rule].name

    @property
    def dotted_path(self) -> str:
        return dotted(self.path)

    def located(self, file: str | None, line: int | None, column: int | None) -> Finding:
        return replace(self, file=file, line=line, column=column)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.rule, self.message)

    def one_line(self) -> str:
        """``file:line:col: path: message [rule name]``"""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.dotted_path}: " if self.path else ""
        return f"{where}: {self.level}: {field}{self.message} [{self.rule} {self.name}]"


def finding(
    rule: str,
    message: str,
    path: FieldPath = (),
    level: Level | None = None,
    *,
    offset: int | None = None,
) -> Finding:
    return Finding(rule, message, path, level or RULES[rule].level, offset=offset)


_MAX_PART: Final = 60


def clip(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for quoting user data in one-line messages."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _part(name: str) -> str:
    """A key as it can stand in one line: control characters escaped, long keys clipped."""
    shown = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)
    return shown if len(shown) <= _MAX_PART else shown[: _MAX_PART - 1] + "…"


def dotted(path: FieldPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{_part(part)}" if out else _part(part)
    return out


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known id closest to a mistyped ``name``, or "".

    One suggestion, and only a close one (difflib's ratio of at least 0.75), so
    that a guess is never far off.
    """
    import difflib

    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


__all__ = [
    "RULES",
    "FieldPath",
    "Finding",
    "Level",
    "Rule",
    "clip",
    "did_you_mean",
    "dotted",
    "finding",
]

"""Fuzz targets: each takes one input and returns how it ended, or raises.

A target may end in one of the documented ways (accepted, or refused with
findings: ``InputError``, ``ExpressionError``, or a pydantic ``ValidationError``
turned into findings by :func:`mutual_detector.loading.validation_findings`).
Anything else propagates and is counted as an *uncaught exception* by the runner.

Every finding a target sees is also checked: one line (no line breaks), of
bounded length, encodable as UTF-8, with a known rule id.
"""

from __future__ import annotations

import atexit
import math
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mutual_detector.errors import InputError
from mutual_detector.loading import (
    Document,
    LoadedQuestionnaire,
    check_answers,
    load_questionnaire,
    merge_parts,
    parse_answers,
    parse_yaml,
    validate_model,
    validation_findings,
)
from mutual_detector.model.answers import AnswersFile
from mutual_detector.model.checks import _can_hold, lint, ref_infos, resolve
from mutual_detector.model.expr import (
    MISSING,
    UNKNOWN,
    ExpressionError,
    Interval,
    Scope,
    Value,
    check,
    parse,
)
from mutual_detector.model.findings import RULES, Finding
from mutual_detector.model.questionnaire import Questionnaire, QuestionnairePart

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "tests" / "assets"
HOSTILE = ROOT / "tests" / "hostile"

#: Longest one-line finding we accept (file name excluded): long user data must be clipped.
MAX_FINDING_LENGTH = 600


class InvariantError(AssertionError):
    """A target ended in a documented way, but broke a promise (e.g. a two-line message)."""


def _mini() -> LoadedQuestionnaire:
    return load_questionnaire(ASSETS / "mini.yaml")


MINI = _mini()
INFOS = ref_infos(MINI.questionnaire)
SECTIONS = frozenset(MINI.questionnaire.section_index)
QUESTION_IDS = tuple(MINI.questionnaire.question_index)
#: An empty folder: ``include:`` paths written by the fuzzer resolve inside it (and fail).
_EMPTY_DIR = Path(tempfile.mkdtemp(prefix="mutual-detector-fuzz-"))
atexit.register(shutil.rmtree, _EMPTY_DIR, ignore_errors=True)  # (libFuzzer's exit skips this)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def loadable_path(path: tuple[str | int, ...]) -> bool:
    """Whether a file could produce ``path``: the loader refuses keys with control characters."""
    return not any(isinstance(p, str) and _CONTROL.search(p) for p in path)


def check_findings(findings: Iterable[Finding], file: str = "fuzz.yaml") -> int:
    """Raise InvariantError unless every finding is a good one-line message.

    The message may be long only by the length of the field path it names.
    """
    n = 0
    for f in findings:
        n += 1
        if f.rule not in RULES:
            raise InvariantError(f"unknown rule {f.rule!r}")
        if not loadable_path(f.path):
            continue  # data built in code, not read from a file (see answers_target)
        line = f.one_line()
        if "\n" in line or "\r" in line:
            raise InvariantError(f"finding is not one line: {line[:300]!r}")
        if len(line) > MAX_FINDING_LENGTH + len(file) + len(f.dotted_path):
            raise InvariantError(f"finding is {len(line)} characters long: {line[:300]!r}")
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:
            raise InvariantError(f"finding cannot be written as UTF-8: {line[:300]!r}") from None
        if f.file is not None and f.file != file:
            raise InvariantError(f"finding names the wrong file: {line[:300]!r}")
        if f.line is not None and f.line < 1:
            raise InvariantError(f"finding has line {f.line}: {line[:300]!r}")
    return n


def _input_error(exc: InputError) -> str:
    if not exc.findings and not exc.message:
        raise InvariantError("InputError with neither findings nor a message")
    check_findings(exc.findings)
    return "refused"


# --------------------------------------------------------------------------- YAML loader


def yaml_target(text: str) -> str:
    """Parse ``text`` as a file, then validate (and lint) it as the format it claims to be."""
    try:
        doc = parse_yaml(text, "fuzz.yaml")
    except InputError as exc:
        return "yaml:" + _input_error(exc)
    if not isinstance(doc.data, dict):
        raise InvariantError("parse_yaml returned something other than a mapping")
    try:
        kind = doc.kind
        if kind == "questionnaire":
            merged, _files = merge_parts(doc, _EMPTY_DIR)
            model: Questionnaire = validate_model(merged, Questionnaire)
            findings = [merged.locate(f) for f in lint(model)]
            check_findings(findings)
            return "questionnaire:linted"
        if kind == "part":
            validate_model(doc, QuestionnairePart)
            return "part:valid"
        if kind == "answers":
            loaded = parse_answers(doc)
            check_findings(check_answers(loaded, MINI))
            return "answers:checked"
        # No known format: still push it through a model, for coverage of the messages.
        validate_model(doc, AnswersFile)
    except InputError as exc:
        return f"{kind or 'unknown'}:" + _input_error(exc)
    raise InvariantError("a document without a known format was accepted")


def yaml_bytes_target(raw: bytes) -> str:
    """As :func:`yaml_target`, from bytes (exercises decoding: BOMs, UTF-16, invalid UTF-8)."""
    from mutual_detector.loading import decode

    try:
        text = decode(raw, "fuzz.yaml")
    except InputError as exc:
        return "decode:" + _input_error(exc)
    return yaml_target(text)


# --------------------------------------------------------------------------- expressions


def _envs(extra: Mapping[str, Value] | None) -> list[Scope]:
    mini_values: dict[str, Value] = {
        "appetite": "most",
        "unions": False,
        "turnover": 12,
        "readiness": 4,
        "equity": False,
        "members": ["staff", "community"],
        "notes": "text",
    }
    envs = [
        Scope({}),
        Scope(mini_values, {}, {"appetite": 0.5}, {"staff": Interval(40.0, 60.0)}),
        Scope(dict.fromkeys(QUESTION_IDS, UNKNOWN), dict.fromkeys(QUESTION_IDS, True)),
    ]
    if extra:
        envs.append(Scope(dict(extra), {}, dict.fromkeys(extra, 0.25), {}))
    return envs


def expr_target(source: str, values: Mapping[str, Value] | None = None) -> str:
    """Parse, type-check against the mini questionnaire, and evaluate ``source``."""
    try:
        expression = parse(source)
    except ExpressionError as exc:
        if not 0 <= exc.offset <= len(source):
            raise InvariantError(f"offset {exc.offset} outside the text ({len(source)})") from None
        return "syntax-error"
    problems = check(expression, INFOS, SECTIONS) + check(
        expression, INFOS, SECTIONS, allow_scores=False
    )
    for p in problems:
        if not isinstance(p, ExpressionError) or not 0 <= p.offset <= len(source):
            raise InvariantError(f"bad problem from check(): {p!r}")
    for env in _envs(values):
        result = expression.truth(env)
        if result is not True and result is not False and result is not UNKNOWN:
            raise InvariantError(f"truth() returned {result!r}, not true, false or unknown")
    if not problems:
        # What the linter does with a condition that type-checks.
        _can_hold(expression, MINI.questionnaire)
    return "type-error" if problems else "ok"


# --------------------------------------------------------------------------- answers


def answers_target(data: Any) -> str:
    """Validate ``data`` as an answers file, then resolve it against the mini questionnaire."""
    doc = Document("fuzz.yaml", data)
    try:
        answers = AnswersFile.model_validate(data)
    except ValidationError as exc:
        check_findings(validation_findings(doc, exc))
        return "invalid"
    state = resolve(MINI.questionnaire, answers.answers, warn_missing=True)
    check_findings(doc.locate(f) for f in state.findings)
    applicable = set(state.applicable) | set(state.may_apply)  # a "may apply" answer is kept
    if not set(state.values) <= applicable or not state.dont_know <= applicable:
        raise InvariantError("an answer to a question that does not apply was kept")
    for qid, value in state.values.items():
        if value is MISSING or value is None:
            raise InvariantError(f"{qid}: kept a missing value")
        if isinstance(value, float) and not math.isfinite(value):
            raise InvariantError(f"{qid}: kept a value that is not finite")
    return "errors" if state.errors else "valid"


def answers_text_target(data: Any, via_yaml: bool = True) -> str:
    """:func:`answers_target`, then the same data written as YAML and read back by the loader."""
    outcome = answers_target(data)
    if not via_yaml:
        return outcome
    try:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except yaml.YAMLError:
        return outcome
    yaml_target(text)
    return outcome


def yaml_any_target(data: str | bytes) -> str:
    return yaml_bytes_target(data) if isinstance(data, bytes) else yaml_target(data)


TARGETS = {
    "yaml": yaml_any_target,
    "expr": expr_target,
    "answers": answers_text_target,
}


# --------------------------------------------------------------------------- fast readers


def readers_target(data: str | bytes) -> str:
    """Differential: every fast reader must agree with the located reader.

    A fast reader (``loading.readers.FAST_READERS``) may give a file up
    (``NotPlain``) whenever it likes, but when it returns data, the located
    reader must return the same data; and it must never raise anything else.
    (Not part of ``all``: the fast readers are the code under test here.)
    """
    from mutual_detector.loading import decode
    from mutual_detector.loading.readers import FAST_READERS
    from mutual_detector.loading.readers.interface import NotPlain

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    try:
        text = decode(raw, "fuzz.yaml")
    except InputError as exc:
        return "decode:" + _input_error(exc)
    outcomes = []
    for reader in FAST_READERS:
        try:
            fast = reader.read(text)
        except NotPlain:
            outcomes.append(f"{reader.name}:gave-up")
            continue
        try:
            located = parse_yaml(text, "fuzz.yaml").data
        except InputError as exc:
            raise InvariantError(
                f"{reader.name} accepted what the located reader refuses: "
                f"{exc.findings[0].one_line() if exc.findings else exc.message}"
            ) from None
        if fast != located or [type(v) for v in fast.values()] != [
            type(v) for v in located.values()
        ]:
            raise InvariantError(f"{reader.name} and the located reader read different data")
        outcomes.append(f"{reader.name}:same")
    return ",".join(outcomes)


TARGETS["readers"] = readers_target


# --------------------------------------------------------------------------- the engine


def engine_target(data: Any, via_yaml: bool = False) -> str:
    """Differential: the engine's fast resolve must equal ``checks.resolve``; assess never crashes.

    Every answers file that validates is scored (what-if search included) by
    ``engine.assess``, which may only refuse it with InputError. (Not part of
    ``all``: the engine is the code under test here.)
    """
    from mutual_detector.engine.resolve import resolve_fast

    from mutual_detector.engine import assess, compile_questionnaire

    try:
        answers = AnswersFile.model_validate(data)
    except ValidationError:
        return "invalid"
    q = MINI.questionnaire
    fast = resolve_fast(compile_questionnaire(q, "en"), answers.answers)
    slow = resolve(q, answers.answers)
    if fast != slow:
        raise InvariantError(f"resolve_fast differs from resolve: {fast!r} != {slow!r}")
    try:
        assess(q, answers, whatif=True, whatif_budget=2_000)
    except InputError as exc:
        _input_error(exc)
        return "refused"
    return "scored"


TARGETS["engine"] = engine_target

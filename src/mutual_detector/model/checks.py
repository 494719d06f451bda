"""Whole-questionnaire lint rules and answer validation.

Every check returns :class:`~mutual_detector.model.findings.Finding` objects
located by a path into the data (``questions[3].when``); the loader turns the
path into ``file:line:column``.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from mutual_detector.model.answers import DONT_KNOW, Answer, AnswersFile
from mutual_detector.model.expr import (
    MISSING,
    UNKNOWN,
    Expression,
    ExpressionError,
    Literal_,
    Maybe,
    Ref,
    RefInfo,
    Scope,
    Truth,
    Value,
    _walk,
    check,
)
from mutual_detector.model.findings import (
    FieldPath,
    Finding,
    clip,
    did_you_mean,
    dotted,
    finding,
)
from mutual_detector.model.questionnaire import Question, Questionnaire, text

_MAX_UNREACHABLE_CASES: Final = 4096
#: Answers at or beyond this size are refused: no real count, sum or score is this big,
#: and it keeps every later calculation clear of float overflow.
MAX_ANSWER_MAGNITUDE: Final = 10**15


# --------------------------------------------------------------------------- questionnaire


def lint(q: Questionnaire) -> list[Finding]:
    """Every lint finding for ``q`` (errors and warnings)."""
    out: list[Finding] = []
    out += _duplicates(q)
    out += _references(q)
    out += _conditions(q)
    out += _scoring(q)
    out += _bands(q)
    out += _content(q)
    return out


def _dupes(items: Iterable[tuple[str, FieldPath]], what: str) -> Iterator[Finding]:
    seen: dict[str, FieldPath] = {}
    for ident, path in items:
        if ident in seen:
            yield finding(
                "Q101", f"duplicate {what} id {ident!r} (first used at {_p(seen[ident])})", path
            )
        else:
            seen[ident] = path


def _p(path: FieldPath) -> str:
    return dotted(path)


def _duplicates(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    for name in ("sources", "topics", "sections", "questions", "flags", "recommendations"):
        items = getattr(q, name)
        out += _dupes(((it.id, (name, i, "id")) for i, it in enumerate(items)), name[:-1])
    out += _dupes(
        ((b.id, ("scoring", "bands", i, "id")) for i, b in enumerate(q.scoring.bands)), "band"
    )
    for qi, question in enumerate(q.questions):
        out += _dupes(
            (
                (o.value, ("questions", qi, "options", oi, "value"))
                for oi, o in enumerate(question.options)
            ),
            "option",
        )
    return out


def _citations(cites: Sequence[str], sources: set[str], path: FieldPath) -> Iterator[Finding]:
    for i, cite in enumerate(cites):
        if cite not in sources:
            yield finding(
                "Q107",
                f"unknown source {cite!r}{did_you_mean(cite, sources)}; add it under sources:",
                (*path, "cite", i),
            )


def _references(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    topics = {t.id for t in q.topics}
    sections = set(q.section_index)
    sources = {s.id for s in q.sources}
    bands = {b.id for b in q.scoring.bands}
    for i, s in enumerate(q.sections):
        if s.topic not in topics:
            message = f"unknown topic {s.topic!r}{did_you_mean(s.topic, topics)}"
            out.append(finding("Q102", message, ("sections", i, "topic")))
    for i, question in enumerate(q.questions):
        if question.section not in sections:
            out.append(
                finding(
                    "Q102",
                    f"unknown section {question.section!r}{did_you_mean(question.section, sections)}",
                    ("questions", i, "section"),
                )
            )
        out += _citations(question.cite, sources, ("questions", i))
        if question.kind != "multi":
            for j, option in enumerate(question.options):
                if option.exclusive:
                    msg = f"option {option.value!r} is exclusive, but only a multi combines options"
                    out.append(finding("Q117", msg, ("questions", i, "options", j, "exclusive")))
    for i, flag in enumerate(q.flags):
        out += _citations(flag.cite, sources, ("flags", i))
        if flag.cap is not None and flag.cap not in bands:
            message = f"unknown band {flag.cap!r}{did_you_mean(flag.cap, bands)}"
            out.append(finding("Q102", message, ("flags", i, "cap")))
        if flag.cap is not None and flag.severity == "info":
            out.append(finding("Q119", "an info flag cannot cap the verdict", ("flags", i, "cap")))
        if flag.about == "readiness" and (flag.cap is not None or flag.severity == "blocker"):
            message = (
                f"readiness flag {flag.id!r} cannot cap the verdict or be a blocker: readiness "
                "never lowers suitability"
            )
            out.append(finding("Q119", message, ("flags", i)))
    for i, old in enumerate(q.retired):
        if old.id in q.question_index:
            message = f"retired question {old.id!r} is also a current question"
            out.append(finding("Q101", message, ("retired", i, "id")))
        for j, new in enumerate(old.replaced_by):
            if new not in q.question_index:
                message = f"unknown question {new!r}{did_you_mean(new, q.question_index)}"
                out.append(finding("Q102", message, ("retired", i, "replaced_by", j)))
    stages = set(q.stage_ids)
    for i, rec in enumerate(q.recommendations):
        out += _citations(rec.cite, sources, ("recommendations", i))
        if rec.kind == "next_step" and rec.stage is None:
            out.append(
                finding("Q116", f"next step {rec.id!r} has no stage", ("recommendations", i))
            )
        if rec.stage is not None and rec.stage not in stages:
            out.append(
                finding(
                    "Q102",
                    f"unknown stage {rec.stage!r}{did_you_mean(rec.stage, stages)} "
                    f"(stages: {', '.join(q.stage_ids)})",
                    ("recommendations", i, "stage"),
                )
            )
        if rec.group is not None and rec.kind != "governance":
            message = f"only governance features have a group; {rec.id!r} is a {rec.kind}"
            out.append(finding("Q124", message, ("recommendations", i, "group")))
        for j, rule in enumerate(rec.rules):
            out += _citations(rule.cite, sources, ("recommendations", i, "rules", j))
    out += _stage_references(q, bands)
    return out


def _stage_references(q: Questionnaire, bands: set[str]) -> list[Finding]:
    """Stages, the stage question, expectations by stage, floors and band meanings."""
    out: list[Finding] = []
    stages = set(q.stage_ids)
    known = ", ".join(q.stage_ids)
    sq = q.scoring.stage_question
    if sq is not None:
        question = q.question_index.get(sq)
        path: FieldPath = ("scoring", "stage_question")
        if question is None:
            message = f"unknown question {sq!r}{did_you_mean(sq, q.question_index)}"
            out.append(finding("Q102", message, path))
        elif question.kind != "single" or any(o.value not in stages for o in question.options):
            message = f"the stage question {sq!r} must be a single question whose options are stage ids ({known})"
            out.append(finding("Q120", message, path))
    for i, band in enumerate(q.scoring.bands):
        for stage in band.meaning_by_stage:
            if stage not in stages:
                message = f"unknown stage {stage!r} (stages: {known})"
                out.append(finding("Q102", message, ("scoring", "bands", i, "meaning_by_stage")))
    for i, section in enumerate(q.sections):
        if section.floor is None:
            continue
        fpath: FieldPath = ("sections", i, "floor")
        if section.floor.cap not in bands:
            cap = section.floor.cap
            message = f"unknown band {cap!r}{did_you_mean(cap, bands)}"
            out.append(finding("Q102", message, (*fpath, "cap")))
        if section.measure != "suitability" or not section.scored:
            message = "only a scored suitability section can have a floor (readiness never lowers suitability)"
            out.append(finding("Q119", message, fpath))
    measures = {s.id: s.measure for s in q.sections}
    for i, question in enumerate(q.questions):
        if question.expect is None:
            continue
        path = ("questions", i, "expect")
        if measures.get(question.section) != "readiness":
            message = f"{question.id!r} states what is expected by stage, but its section is not a readiness section"
            out.append(finding("Q120", message, path))
        if sq is None:
            message = (
                "expectations by stage need scoring.stage_question (which question gives the stage)"
            )
            out.append(finding("Q120", message, path))
        for stage, value in question.expect.items():
            if stage not in stages:
                out.append(
                    finding("Q102", f"unknown stage {stage!r} (stages: {known})", (*path, stage))
                )
            problem = _expectation_problem(question, value)
            if problem is not None:
                out.append(finding("Q120", f"{question.id}: {problem}", (*path, stage)))
    return out


def _expectation_problem(question: Question, value: object) -> str | None:
    if question.kind == "single":
        if not isinstance(value, str) or question.option(value) is None:
            return (
                f"expected answer {clip(value)} is not an option (choose from {_options(question)})"
            )
        return None
    if question.kind == "yes_no":
        return None if isinstance(value, bool) else "a yes/no expectation is true or false"
    if question.kind == "scale" and question.scale is not None:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or not question.scale.min <= value <= question.scale.max:  # type: ignore[operator]
            return f"expected answer {clip(value)} is not a point of the scale"
        return None
    return f"expectations by stage are for single, yes/no and scale questions, not {question.kind}"


def ref_infos(q: Questionnaire) -> dict[str, RefInfo]:
    return {
        question.id: RefInfo(question.kind, frozenset(o.value for o in question.options))
        for question in q.questions
    }


def _expr_findings(errors: list[ExpressionError], path: FieldPath) -> Iterator[Finding]:
    for err in errors:
        rule = "Q102" if err.message.startswith("unknown") else "Q106"
        message = f"{err.message} (at character {err.offset + 1})"
        yield finding(rule, message, path, offset=err.offset)


def _ref_offset(expr: Expression, name: str) -> int | None:
    """Where ``name`` is first read in ``expr`` (to point at it)."""
    offsets = [n.offset for n in _walk(expr.tree) if isinstance(n, Ref) and n.name == name]
    return min(offsets) if offsets else None


def _conditions(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    infos = ref_infos(q)
    sections = frozenset(q.section_index)
    order = {question.id: n for n, question in enumerate(q.ordered_questions)}
    index = {question.id: i for i, question in enumerate(q.questions)}
    for i, question in enumerate(q.questions):
        if question.when is None:
            continue
        path: FieldPath = ("questions", i, "when")
        out += _expr_findings(check(question.when, infos, sections, allow_scores=False), path)
        for ref in sorted(question.when.refs):
            at = _ref_offset(question.when, ref)
            if ref == question.id:
                message = f"{ref!r} is shown only if its own answer holds (a cycle)"
                out.append(finding("Q104", message, path, offset=at))
            elif ref in order and order[ref] > order[question.id]:
                cyc = q.questions[index[ref]].when
                if cyc is not None and question.id in cyc.refs:
                    message = f"{question.id!r} and {ref!r} depend on each other"
                    out.append(finding("Q104", message, path, offset=at))
                else:
                    message = f"{ref!r} is asked after {question.id!r}"
                    out.append(finding("Q103", message, path, offset=at))
        if not any(f.path == path for f in out) and not _can_hold(question.when, q):
            out.append(finding("Q111", f"the condition of {question.id!r} can never hold", path))
    out = _section_paths(q, out)
    earlier: set[str] = set()
    for i, flag in enumerate(q.flags):
        path = ("flags", i, "when")
        out += _expr_findings(check(flag.when, infos, sections, flags=frozenset(earlier)), path)
        earlier.add(flag.id)
        if not any(f.path == path for f in out) and not _can_hold(flag.when, q):
            out.append(finding("Q111", f"flag {flag.id!r} can never be raised", path))
    every_flag = frozenset(earlier)
    for i, rec in enumerate(q.recommendations):
        if rec.when is not None:
            out += _expr_findings(
                check(rec.when, infos, sections, flags=every_flag), ("recommendations", i, "when")
            )
        for j, rule in enumerate(rec.rules):
            path = ("recommendations", i, "rules", j, "when")
            out += _expr_findings(check(rule.when, infos, sections, flags=every_flag), path)
    return out


def _section_paths(q: Questionnaire, found: list[Finding]) -> list[Finding]:
    """Point findings in a section's ``when:`` (joined into its questions') at the section.

    A question of a section with ``when: S`` holds ``S`` (alone) or ``(S) and (Q)``;
    a problem inside ``S`` is reported once, at ``sections[k].when``, and offsets
    inside ``Q`` are moved back to the question's own text.
    """
    gated = {s.id: (k, s.when.source) for k, s in enumerate(q.sections) if s.when is not None}
    if not gated:
        return found
    out: list[Finding] = []
    seen: set[tuple[str, str, FieldPath]] = set()
    for f in found:
        if len(f.path) == 3 and f.path[0] == "questions" and f.path[2] == "when":
            question = q.questions[int(f.path[1])]
            if question.section in gated:
                k, source = gated[question.section]
                own = question.when is not None and question.when.source != source
                prefix = len(source) + 2  # "(" + section condition + ")"
                in_section = not own or f.offset is None or f.offset < prefix
                if in_section:
                    offset = None if f.offset is None else (f.offset - 1 if own else f.offset)
                    moved = _moved(f, ("sections", k, "when"), offset)
                    key = (moved.rule, moved.message.split(" (at character")[0], moved.path)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(moved)
                    continue
                assert f.offset is not None  # not in_section: the offset is past the prefix
                f = _moved(f, f.path, f.offset - prefix - len(" and ("))
        out.append(f)
    return out


def _moved(f: Finding, path: FieldPath, offset: int | None) -> Finding:
    message = f.message
    if offset is not None:
        message = re.sub(r"\(at character \d+\)", f"(at character {offset + 1})", message)
    return dataclasses.replace(f, path=path, offset=offset, message=message)


def _domain(question: Question, literals: list[Value]) -> list[Value]:
    values: list[Value] = [MISSING]
    if question.kind == "single":
        values += [o.value for o in question.options]
    elif question.kind == "multi":
        chosen: list[Value] = [[], [o.value for o in question.options if not o.exclusive]]
        chosen += [[o.value] for o in question.options]
        values += chosen
    elif question.kind == "yes_no":
        values += [True, False]
    elif question.kind == "scale" and question.scale is not None:
        values += list(range(question.scale.min, question.scale.max + 1))
    elif question.kind == "number":
        nums = [
            float(v) for v in literals if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        values += sorted({x + d for x in nums for d in (-1.0, 0.0, 1.0)} | {0.0})
    else:
        values += ["text", *[v for v in literals if isinstance(v, str)]]
    return values


def _can_hold(expr: Expression, q: Questionnaire) -> bool:
    """Whether some combination of answers makes ``expr`` true (True if too many to try)."""
    if expr.functions & {"score", "section_score", "raised", "raised_count"}:
        return True
    literals: list[Value] = [n.value for n in _walk(expr.tree) if isinstance(n, Literal_)]
    refs = sorted(r for r in expr.refs if r in q.question_index)
    domains = [_domain(q.question_index[r], literals) for r in refs]
    total = 1
    for d in domains:
        total *= len(d)
        if total > _MAX_UNREACHABLE_CASES:
            return True
    for combo in itertools.product(*domains):
        values = {r: v for r, v in zip(refs, combo, strict=True) if v is not MISSING}
        if expr.holds(Scope(values)):
            return True
        unknown: dict[str, Value] = {r: UNKNOWN for r in refs if r not in values}
        known: dict[str, Truth] = dict.fromkeys(unknown, True)
        if unknown and expr.holds(Scope({**values, **unknown}, known)):
            return True
    return False


def _scoring(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    scored_sections = [s for s in q.sections if s.scored]
    if not scored_sections:
        out.append(
            finding("Q109", "no section is scored, so no verdict can be given", ("sections",))
        )
    for i, s in enumerate(q.sections):
        if s.scored and s.weight == 0:
            out.append(
                finding("Q109", f"scored section {s.id!r} has weight 0", ("sections", i, "weight"))
            )
    for i, question in enumerate(q.questions):
        path: FieldPath = ("questions", i)
        if question.kind == "scale" and question.scale is not None:
            scale = question.scale
            for key in (*scale.labels, *(scale.scores or {})):
                if not scale.min <= key <= scale.max:
                    out.append(
                        finding(
                            "Q114",
                            f"scale point {clip(key)} is outside {scale.min}..{scale.max}",
                            (*path, "scale"),
                        )
                    )
        for j, option in enumerate(question.options):
            if option.value == DONT_KNOW:
                out.append(
                    finding(
                        "Q114",
                        f'option value {DONT_KNOW!r} is reserved for "don\'t know"',
                        (*path, "options", j, "value"),
                    )
                )
        if question.kind == "number":
            out += _number_bands(question, path, q.is_scored(question))
        if not q.is_scored(question):
            continue
        if question.weight == 0:
            out.append(
                finding("Q109", f"scored question {question.id!r} has weight 0", (*path, "weight"))
            )
        for j, option in enumerate(question.options):
            if option.score is None:
                out.append(
                    finding("Q108", f"option {option.value!r} has no score", (*path, "options", j))
                )
        if question.kind == "yes_no" and (question.yes_score is None or question.no_score is None):
            out.append(
                finding("Q108", "a scored yes/no question needs yes_score and no_score", path)
            )
        if question.kind in ("single", "multi") and all(o.score == 0 for o in question.options):
            out.append(
                finding(
                    "Q109",
                    "every option scores 0, so the question cannot earn points",
                    (*path, "options"),
                )
            )
    return out


def _number_bands(question: Question, path: FieldPath, scored: bool) -> list[Finding]:
    spec = question.number_spec
    out: list[Finding] = []
    if scored and not spec.bands:
        out.append(finding("Q108", "a scored number question needs score bands", (*path, "number")))
    bands = sorted(enumerate(spec.bands), key=lambda ib: ib[1].min)
    for pos, (i, band) in enumerate(bands):
        nxt = bands[pos + 1] if pos + 1 < len(bands) else None
        bpath: FieldPath = (*path, "number", "bands", i)
        if band.max <= band.min:
            out.append(finding("Q113", f"band [{band.min}, {band.max}) is empty", bpath))
        if nxt is not None and nxt[1].min < band.max:
            out.append(
                finding(
                    "Q113",
                    f"band [{band.min}, {band.max}) overlaps [{nxt[1].min}, {nxt[1].max})",
                    bpath,
                )
            )
        if (spec.min is not None and band.min < spec.min) or (
            spec.max is not None and band.max > spec.max
        ):
            out.append(finding("Q113", "band falls outside the number's min..max", bpath))
    return out


def _bands(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    bands = q.scoring.bands
    for i, band in enumerate(bands):
        path: FieldPath = ("scoring", "bands", i)
        if band.max <= band.min:
            out.append(finding("Q110", f"band {band.id!r} is empty ({band.min}-{band.max})", path))
        if i == 0 and band.max != 100:
            out.append(
                finding(
                    "Q110",
                    f"the best band {band.id!r} must reach 100 (max: {band.max})",
                    (*path, "max"),
                )
            )
        if i == len(bands) - 1 and band.min != 0:
            out.append(
                finding(
                    "Q110",
                    f"the lowest band {band.id!r} must start at 0 (min: {band.min})",
                    (*path, "min"),
                )
            )
        if i > 0:
            above = bands[i - 1]
            if band.max < above.min:
                out.append(
                    finding(
                        "Q110",
                        f"gap between {band.id!r} (to {band.max}) and {above.id!r} (from {above.min})",
                        (*path, "max"),
                    )
                )
            elif band.max > above.min:
                out.append(
                    finding(
                        "Q110",
                        f"{band.id!r} (to {band.max}) overlaps {above.id!r} (from {above.min}); list bands best first",
                        (*path, "max"),
                    )
                )
    return out


def _content(q: Questionnaire) -> list[Finding]:
    out: list[Finding] = []
    if q.scoring.confidence_threshold is not None:
        message = (
            "confidence_threshold no longer decides anything: unknown answers now give the "
            "score a range, and the verdict says 'between' two bands until it lies in one"
        )
        out.append(finding("Q118", message, ("scoring", "confidence_threshold"), "warning"))
    for i, source in enumerate(q.sources):
        lacking = [n for n in ("publisher", "url") if getattr(source, n) is None]
        if source.url is None and source.year is None:
            lacking.append("year")
        if lacking:
            message = f"source {source.id!r} has no {', '.join(lacking)}: a reader must be able to find it"
            out.append(finding("Q121", message, ("sources", i), "warning"))
    # Once a questionnaire words some what-if suggestions as actions, it must word them all;
    # one that words none gets the plain wording ("change ... from ... to ...") throughout.
    worded = any(
        question.action is not None or any(o.action is not None for o in question.options)
        for question in q.questions
    )
    cap_reads = _questions_read_by_caps(q) if worded else set()
    for i, question in enumerate(q.questions if worded else ()):
        if not question.actionable or question.kind == "text":
            continue
        if not (q.is_scored(question) or question.id in cap_reads):
            continue
        options_worded = bool(question.options) and all(
            o.action is not None for o in question.options if o is not _worst(question)
        )
        if question.action is None and not options_worded:
            message = (
                f"what-if may suggest changing {question.id!r}, but it has no `action:` wording "
                "(on the question, or on each option but the worst)"
            )
            out.append(finding("Q122", message, ("questions", i), "warning"))
    for i, question in enumerate(q.questions):
        if not q.is_scored(question):
            continue
        missing = [n for n in ("help", "why") if getattr(question, n) is None]
        if not question.cite:
            missing.append("cite")
        if missing:
            out.append(
                finding(
                    "Q112",
                    f"scored question {question.id!r} has no {', '.join(missing)}",
                    ("questions", i),
                )
            )
    used_sections = Counter(question.section for question in q.questions)
    for i, s in enumerate(q.sections):
        if not used_sections[s.id]:
            out.append(finding("Q115", f"section {s.id!r} has no questions", ("sections", i)))
    used_topics = {s.topic for s in q.sections}
    for i, t in enumerate(q.topics):
        if t.id not in used_topics:
            out.append(finding("Q115", f"topic {t.id!r} has no sections", ("topics", i)))
    return out


def _worst(question: Question) -> object:
    """The option what-if never suggests moving to (the lowest scored), or None."""
    scored = [o for o in question.options if o.score is not None]
    return min(scored, key=lambda o: o.score or 0.0) if scored else None


def _questions_read_by_caps(q: Questionnaire) -> set[str]:
    out: set[str] = set()
    for flag in q.flags:
        if flag.cap is not None or flag.severity == "blocker":
            out |= flag.when.refs
    return out


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class Applicability:
    """Which questions apply (their ``when:`` is true) or may apply (it is unknown).

    ``applies`` maps each question that applies to True and each that may
    apply to UNKNOWN (the others are absent); ``scope`` is what later
    conditions see of the answers.
    """

    applies: dict[str, Truth]
    scope: Scope


@dataclass(frozen=True)
class AnswerState:
    """Answers after validation against a questionnaire.

    ``values`` holds the valid real answers of the questions that apply or may
    apply ("don't know" excluded); ``dont_know`` the ids answered "don't know";
    ``applicable`` the ids whose ``when:`` is true and ``may_apply`` those whose
    ``when:`` is unknown (it reads a "don't know" answer), each in asking order.
    """

    values: dict[str, Value]
    dont_know: frozenset[str]
    applicable: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())
    may_apply: tuple[str, ...] = ()
    applicability: Applicability | None = None
    """How applicability was worked out (what conditions see of the answers)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]


def check_answer(question: Question, value: object) -> tuple[str, str] | None:
    """Validate one answer; return ``(rule, message)`` or None if it is fine."""
    if value == DONT_KNOW:
        return (
            None
            if question.dont_know
            else ("A208", f'{question.id!r} does not allow "don\'t know"')
        )
    kind = question.kind
    if kind == "single":
        if not isinstance(value, str):
            return ("A202", f"expected one option value, got {_show(value)}")
        if question.option(value) is None:
            return (
                "A204",
                f"{clip(value)} is not an option (choose from {_options(question)})",
            )
    elif kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return ("A202", f"expected a list of option values, got {_show(value)}")
        for v in value:
            if question.option(v) is None:
                return ("A204", f"{clip(v)} is not an option (choose from {_options(question)})")
        if len(set(value)) != len(value):
            return ("A202", "an option is listed twice")
        if len(value) > 1:
            alone = [o.value for o in question.options if o.exclusive and o.value in value]
            if alone:
                return ("A210", f"{alone[0]!r} must be chosen on its own, not with other options")
    elif kind == "yes_no":
        if not isinstance(value, bool):
            return ("A202", f"expected true or false, got {_show(value)}")
    elif kind in ("scale", "number"):
        return _check_number(question, value)
    elif not isinstance(value, str):
        return ("A202", f"expected text, got {_show(value)}")
    elif len(value) > question.max_length:
        return ("A203", f"text longer than {question.max_length} characters")
    return None


def _check_number(question: Question, value: object) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ("A202", f"expected a number, got {_show(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        return ("A202", "expected a finite number")
    if abs(value) >= MAX_ANSWER_MAGNITUDE:
        return ("A203", f"{clip(value)} is too large (at most 15 digits)")
    if question.kind == "scale" and question.scale is not None:
        lo, hi = question.scale.min, question.scale.max
        if not float(value).is_integer():
            return ("A202", f"expected a whole number from {lo} to {hi}, got {value}")
        if not lo <= value <= hi:
            return ("A203", f"{value} is outside the scale {lo}..{hi}")
        return None
    spec = question.number_spec
    if spec.integer and not float(value).is_integer():
        return ("A202", f"expected a whole number, got {value}")
    if spec.min is not None and value < spec.min:
        return ("A203", f"{value} is below the minimum {spec.min:g}")
    if spec.max is not None and value > spec.max:
        return ("A203", f"{value} is above the maximum {spec.max:g}")
    return None


def _show(value: object) -> str:
    if isinstance(value, str):
        return f"text {clip(value, 40)}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return clip(value, 40)


def _options(question: Question) -> str:
    return ", ".join(o.value for o in question.options)


def applicability(
    questions: Iterable[Question], values: Mapping[str, Value], dont_know: Iterable[str]
) -> Applicability:
    """Work out, in asking order, which questions apply to valid answers ``values``.

    ``values`` holds valid, normalised real answers (no "don't know"), ``dont_know``
    the ids answered "don't know". Answers to questions that do not apply are
    ignored. This is the one place where applicability is decided: validation,
    the interactive session and the engine all call it.
    """
    dk = dont_know if isinstance(dont_know, set | frozenset) else set(dont_know)
    seen: dict[str, Value] = {}
    seen_dk: dict[str, Truth] = {}
    scope = Scope(seen, seen_dk)
    applies: dict[str, Truth] = {}
    for question in questions:
        qid = question.id
        when = question.when
        shown: Truth = True if when is None else when.truth(scope)
        if shown is False:
            continue
        applies[qid] = shown
        if qid in dk:
            seen[qid] = UNKNOWN
            seen_dk[qid] = shown
        elif qid in values:
            value = values[qid]
            seen[qid] = value if shown is True else Maybe(value)
        else:
            seen[qid] = UNKNOWN
    return Applicability(applies, scope)


def resolve(
    q: Questionnaire, answers: Mapping[str, Answer], *, warn_missing: bool = False
) -> AnswerState:
    """Validate ``answers`` against ``q`` and work out which questions apply.

    A question applies when its ``when:`` is true, and may apply when it is
    unknown (it reads a "don't know" or missing answer); answers to questions
    that may apply are kept and checked, and an answer to a question that
    certainly does not apply is only warned about (A205), not checked.
    """
    findings: list[Finding] = []
    retired = {r.id: r for r in q.retired}
    for qid in sorted(answers):
        if qid in q.question_index:
            continue
        old = retired.get(qid)
        if old is None:
            hint = did_you_mean(qid, q.question_index)
            findings.append(
                finding("A201", f"unknown question id {clip(qid)}{hint}", ("answers", qid))
            )
            continue
        message = f"{qid!r} was retired"
        message += f" in version {old.since}" if old.since else ""
        if old.replaced_by:
            message += f"; it is now asked by {', '.join(old.replaced_by)}"
        if old.note is not None:
            message += f": {text(old.note)}"
        findings.append(
            finding("A211", message + " (this answer is set aside)", ("answers", qid), "warning")
        )
    valid: dict[str, Value] = {}
    dont_know: set[str] = set()
    problems: dict[str, Finding] = {}
    for question in q.ordered_questions:
        qid = question.id
        answer = answers.get(qid)
        if answer is None or answer.value is None:
            continue
        problem = check_answer(question, answer.value)
        if problem is not None:
            rule, message = problem
            problems[qid] = finding(rule, f"{qid}: {message}", ("answers", qid, "value"))
        elif answer.value == DONT_KNOW:
            dont_know.add(qid)
        else:
            valid[qid] = normalise(question, answer.value)
    worked_out = applicability(q.ordered_questions, valid, dont_know)
    applies = worked_out.applies
    values: dict[str, Value] = {}
    applicable: list[str] = []
    may_apply: list[str] = []
    for question in q.ordered_questions:
        qid = question.id
        shown = applies.get(qid, False)
        answer = answers.get(qid)
        if shown is False:
            depends_on_invalid = question.when is not None and not question.when.refs.isdisjoint(
                problems
            )
            if answer is not None and answer.value is not None and not depends_on_invalid:
                findings.append(
                    finding(
                        "A205", f"{qid!r} is not asked: its condition is false", ("answers", qid)
                    )
                )
            continue
        (applicable if shown is True else may_apply).append(qid)
        if qid in problems:
            findings.append(problems[qid])
        elif qid in valid:
            values[qid] = valid[qid]
        elif qid not in dont_know and warn_missing and question.required and shown is True:
            # Placed at the question's own key when the file has one (a blank template
            # lists every question), else where the answers are.
            findings.append(
                finding("A207", f"required question {qid!r} is not answered", ("answers", qid))
            )
    return AnswerState(
        values,
        frozenset(d for d in dont_know if d in applies),
        tuple(applicable),
        tuple(findings),
        tuple(may_apply),
        worked_out,
    )


def normalise(question: Question, value: object) -> Value:
    if question.kind == "multi" and isinstance(value, list):
        order = {o.value: i for i, o in enumerate(question.options)}
        ordered = sorted((str(v) for v in value), key=lambda v: order.get(v, 0))
        return list[Value](ordered)
    if (
        question.kind in ("scale", "number")
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return int(value) if float(value).is_integer() and question.kind == "scale" else value
    assert isinstance(value, bool | int | float | str)
    return value


def check_answers_file(q: Questionnaire, answers: AnswersFile) -> list[Finding]:
    """Findings for an answers file against its questionnaire."""
    out: list[Finding] = []
    if answers.questionnaire != q.id:
        out.append(
            finding(
                "A206",
                f"answers are for {clip(answers.questionnaire)}, not {q.id!r}",
                ("questionnaire",),
            )
        )
        return out
    if answers.questionnaire_version not in (None, q.version):
        out.append(
            finding(
                "A206",
                f"answers are for version {clip(answers.questionnaire_version, 40)}, the questionnaire is {q.version}",
                ("questionnaire_version",),
                "warning",
            )
        )
    state = resolve(q, answers.answers, warn_missing=answers.status == "complete")
    out += state.findings
    return out


def scope_of(state: AnswerState, q: Questionnaire) -> Scope:
    """What a condition sees of validated answers (without scores or flags)."""
    return applicability(q.ordered_questions, state.values, state.dont_know).scope


def condition_holds(expr: Expression | None, state: AnswerState, q: Questionnaire) -> bool:
    """Whether ``expr`` is certainly true of the answers (no condition: true)."""
    return expr is None or expr.holds(scope_of(state, q))


def missing_required(q: Questionnaire, answers: Mapping[str, Answer]) -> list[str]:
    """Ids of the required questions that apply and have no answer, in asking order."""
    state = resolve(q, answers)
    answered = set(state.values) | state.dont_know
    return [
        qid for qid in state.applicable if q.question_index[qid].required and qid not in answered
    ]


__all__ = [
    "AnswerState",
    "Applicability",
    "applicability",
    "check_answer",
    "check_answers_file",
    "condition_holds",
    "lint",
    "missing_required",
    "ref_infos",
    "resolve",
    "scope_of",
]

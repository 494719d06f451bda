"""A renderer-neutral view of an assessment, for printable reports.

:func:`build_report` turns a frozen :class:`~mutual_detector.model.result.Result`
(and, if given, the questionnaire that produced it) into a :class:`Report`: the
headings, sentences, numbers-as-text and numbered citations every report shows.
The Markdown and HTML renderers only lay this out and escape it, so the wording
and the order of the content live in one place.

Every string in a :class:`Report` is plain, unescaped text; some of it comes
from the answers file (service name, notes, evidence) or from a questionnaire
that anyone can write, so renderers must escape all of it. Source URLs are
checked here: :attr:`SourceView.url` is set only for a plain ``http(s)`` address
that is safe to put in a link.

The builder is pure and deterministic: the same result gives the same report,
and ``result.timestamp`` is the only field that can differ between two runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mutual_detector.model.questionnaire import Questionnaire, text
from mutual_detector.model.result import (
    Candidate,
    Explanation,
    Reason,
    Result,
    Scenario,
)

Tone = Literal["good", "middle", "bad", "unknown"]

#: Headings of the report, in order. Renderers use these; tests pin them.
HEADINGS = {
    "decision": "The decision",
    "about": "About this assessment",
    "verdict": "Verdict",
    "sections": "Section scores",
    "readiness": "Readiness for the stage",
    "flags": "Red flags and conditions",
    "legal_forms": "Legal form",
    "governance": "Governance",
    "what_if": "What could change the verdict",
    "next_steps": "Next steps",
    "answers": "Answers in full",
    "sources": "Appendix: sources",
    "colophon": "About this report",
}

#: Fixed sentences and sub-headings, shared by the renderers.
PHRASES = {
    "blockers": "Blockers",
    "conditions": "Conditions to meet",
    "notes": "Notes",
    "possible": "Could be raised, depending on unknown answers",
    "no_flags": "No red flags were raised.",
    "forms_intro": "Forms that fit, best first, with the reasons for and against each.",
    "no_forms": "No legal form fits the answers given.",
    "ruled_out": "Ruled out",
    "recommended": "Recommended",
    "not_recommended": "Not recommended",
    "no_governance": "No governance features are recommended on these answers.",
    "scenarios": "Smallest changes that would improve the verdict",
    "robustness": "How robust the verdict is",
    "drivers": "What moved the score most",
    "helped": "Helped most:",
    "held_back": "Held it back most:",
    "open": "Open questions",
    "no_steps": "No next steps were triggered by these answers.",
    "answers_intro": "Every question in the order asked, with the answer, the points it earned, "
    "why it matters, the assessor's note and evidence, and its sources (the numbers refer to "
    "the appendix).",
    "did_not_apply": "Did not apply to this service:",
    "no_sources": "No sources were cited.",
    "settle": "These unknown answers decide it:",
    "warnings": "Points to note about the answers:",
    "meaning": "What this means:",
    "assessor_notes": "Assessor's notes:",
    "confidence_note": "Each score is a point estimate, with the range its unknown answers "
    '("don\'t know" or not answered) leave open; "answered" is the share of the section\'s '
    "applicable questions (by weight) that have a usable answer.",
    "scope_prefix": "This questionnaire's content is for ",
    "withheld": "No legal form or governance is ranked while this stands:",
    "first_change": "What would have to change first:",
    "first_steps": "The next three steps:",
    "best_form": "Best-fitting legal form:",
    "top_flags": "Red flags:",
    "readiness_items": "What this stage expects:",
    "sources": "Sources",
}

#: Columns of the section scores table: (title, numeric?).
SECTION_COLUMNS = (
    ("Section", False),
    ("Weight", True),
    ("Score (out of 100)", False),
    ("Answered", True),
    ("Answered questions", True),
    ("Unknown", True),
    ("Did not apply", True),
)

#: Red flags and changes the decision summary shows (all are listed further on).
DECISION_FLAGS = 3
DECISION_CHANGES = 3

_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s<>\"'`\\{}|^]*)?$")


# --------------------------------------------------------------------------- formatting


def number(value: float) -> str:
    """A number with at most 2 decimals and no trailing zeros: 62.5, 70, 0.25."""
    out = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if out in ("-0", "") else out


def percent(value: float) -> str:
    """A 0-1 share as a percentage with at most 2 decimals: 0.8512 -> 85.12%."""
    return number(value * 100) + "%"


def signed(value: float) -> str:
    """Points with their sign: +2, -1.5, 0."""
    out = number(value)
    return "+" + out if value > 0 and out != "0" else out


def text_bar(score: float | None, width: int = 10) -> str:
    """A bar of ``width`` cells for a 0-100 score, e.g. ``██████░░░░``; blank if no score."""
    if score is None:
        return ""
    filled = max(0, min(width, int(score * width / 100 + 0.5)))
    return "█" * filled + "░" * (width - filled)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]")


def text_lines(value: str) -> list[str]:
    """The non-blank lines of user text, trimmed, without control characters.

    Renderers join them with their own line break; a blank line (a paragraph
    break in a note) is dropped so a note stays one block.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    value = _CONTROL.sub("", value).replace("\u2028", "\n").replace("\u2029", "\n")
    return [line.strip() for line in value.split("\n") if line.strip()]


def one_line(value: str) -> str:
    """User text on one line (for table cells, headings and titles)."""
    return " ".join(text_lines(value))


def first_sentence(value: str) -> str:
    """The first sentence of ``value`` (a message's headline), on one line."""
    flat = one_line(value)
    m = re.match(r"(.+?[.!?])(\s|$)", flat)
    return m.group(1) if m else flat


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) address that is safe in a link, else None."""
    if url is None or len(url) > 2000 or not _SAFE_URL.match(url):
        return None
    return url


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True, slots=True)
class SourceView:
    """One entry of the sources appendix; cited in the text as ``[number]``."""

    number: int
    id: str
    title: str
    url: str | None
    """A safe http(s) address to link to, or None."""
    raw_url: str | None
    """The address as written, when it is not safe to link (shown as text)."""
    note: str | None
    publisher: str | None = None
    year: str | None = None

    @property
    def citation(self) -> str:
        """Title, publisher and year, as a reference list gives them."""
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.year:
            parts.append(self.year)
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class QuestionLink:
    """A reference to a question of the answers section."""

    number: int
    id: str
    prompt: str

    @property
    def label(self) -> str:
        return f"Q{self.number}"


@dataclass(frozen=True, slots=True)
class VerdictView:
    status: Literal["decided", "between"]
    label: str
    headline: str
    summary: str
    meaning: str | None
    tone: Tone
    score_text: str
    """The point estimate, and the range where unknown answers leave one."""
    answered_text: str
    notes: tuple[str, ...]
    """One line per cap: raised ("capped at ...") or possible ("could be capped at ...")."""
    deciding: tuple[QuestionLink, ...]
    """A 'between' verdict: the unknown answers that decide it, most decisive first."""


@dataclass(frozen=True, slots=True)
class ExpectationView:
    question: QuestionLink
    status: str
    """In words: met, behind, not known, not yet expected."""
    expected: str | None
    answer: str | None


@dataclass(frozen=True, slots=True)
class ReadinessView:
    status: str
    summary: str
    stage: str | None
    score_text: str
    items: tuple[ExpectationView, ...]
    """The expectations that are behind or unknown (what needs work), then the rest."""


@dataclass(frozen=True, slots=True)
class SectionRow:
    id: str
    title: str
    topic: str
    weight: str
    scored: bool
    score: float | None
    """The point estimate (for a bar)."""
    score_text: str
    answered_text: str
    answered: int
    open: int
    not_applicable: int
    measure: str = "suitability"


@dataclass(frozen=True, slots=True)
class FlagView:
    id: str
    severity: Literal["blocker", "warning", "info"]
    message: str
    cap_text: str | None
    cites: tuple[int, ...]
    status: Literal["raised", "possible"] = "raised"
    about: str = "suitability"


@dataclass(frozen=True, slots=True)
class ReasonView:
    kind: Literal["for", "against", "because"]
    label: str
    """"For", "Against" or "Because" (a rule that rules a candidate out or triggers a step)."""
    text: str
    points: str
    """Signed points, or "" where points mean nothing to the reader."""
    cites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CandidateView:
    id: str
    title: str
    rank: int | None
    summary: str | None
    score_text: str
    reasons: tuple[ReasonView, ...]
    """Why it was ruled out, then reasons for, then reasons against."""
    cites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StageView:
    title: str
    steps: tuple[CandidateView, ...]


@dataclass(frozen=True, slots=True)
class ChangeView:
    question: QuestionLink
    before: str
    after: str
    action: str = ""


@dataclass(frozen=True, slots=True)
class ScenarioView:
    changes: tuple[ChangeView, ...]
    outcome: str
    effects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WhatIfView:
    ran: bool
    goal: str
    scenarios: tuple[ScenarioView, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DriverView:
    question: QuestionLink
    amount: str


@dataclass(frozen=True, slots=True)
class OpenQuestionView:
    question: QuestionLink
    reason: str
    share: str


@dataclass(frozen=True, slots=True)
class AnswerView:
    """One question of the answers section, in asking order."""

    question: QuestionLink
    applicable: bool
    status: Literal["answered", "dont_know", "unanswered", "may_apply", "not_applicable"]
    answer: str
    """The answer in words ("Don't know", "Not answered", ...)."""
    points: str | None
    why: str | None
    note: str | None
    evidence: str | None
    remark: str | None
    cites: tuple[int, ...]

    def details(self) -> tuple[tuple[str, str], ...]:
        """Label and text of each part shown under the question, in order."""
        parts = (
            ("Answer", self.answer),
            ("Points", self.points),
            ("Why it matters", self.why),
            ("Assessor's note", self.note),
            ("Evidence", self.evidence),
            ("Scoring remark", self.remark),
        )
        return tuple((label, value) for label, value in parts if value)


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    """The questions of one section."""

    section: str
    intro: str | None
    answers: tuple[AnswerView, ...]
    not_applicable: tuple[QuestionLink, ...]


@dataclass(frozen=True, slots=True)
class AnswerTopic:
    """The sections of one topic, in asking order."""

    title: str
    sections: tuple[AnswerGroup, ...]


@dataclass(frozen=True, slots=True)
class DecisionView:
    """What the first screen of every report says: the decision, in a few lines."""

    headline: str
    """The verdict, stated once."""
    score_text: str
    meaning: str | None
    caps: tuple[str, ...]
    deciding: tuple[QuestionLink, ...]
    top_flags: tuple[FlagView, ...]
    readiness: str
    legal_form: str | None
    """The best-fitting legal form (title), if forms are ranked."""
    withheld: tuple[str, ...]
    """When recommendations are withheld: the blockers' messages."""
    first_change: tuple[str, ...]
    first_steps: tuple[str, ...]
    scope: str | None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a printable report shows, in order, as plain text."""

    title: str
    subtitle: str | None
    facts: tuple[tuple[str, str], ...]
    """Label and value pairs describing the assessment (service, assessor, ...)."""
    assessor_notes: str | None
    decision: DecisionView
    verdict: VerdictView
    readiness: ReadinessView
    score_alone: str | None
    """The band of the point estimate before caps, when a cap lowered it."""
    warnings: tuple[str, ...]
    sections: tuple[SectionRow, ...]
    blockers: tuple[FlagView, ...]
    conditions: tuple[FlagView, ...]
    info: tuple[FlagView, ...]
    possible: tuple[FlagView, ...]
    """Flags that unknown answers could raise."""
    legal_forms: tuple[CandidateView, ...]
    excluded_forms: tuple[CandidateView, ...]
    governance: tuple[CandidateView, ...]
    governance_not_recommended: tuple[CandidateView, ...]
    what_if: WhatIfView
    robustness: str
    sensitivities: tuple[str, ...]
    drivers_up: tuple[DriverView, ...]
    drivers_down: tuple[DriverView, ...]
    open_questions: tuple[OpenQuestionView, ...]
    next_steps: tuple[StageView, ...]
    answers: tuple[AnswerTopic, ...]
    sources: tuple[SourceView, ...]
    colophon: tuple[tuple[str, str], ...]
    timestamp: str | None
    language: str = "en"

    @property
    def flag_count(self) -> int:
        return len(self.blockers) + len(self.conditions) + len(self.info) + len(self.possible)

    def flag_groups(self) -> tuple[tuple[str, tuple[FlagView, ...]], ...]:
        """The non-empty groups of red flags, with their sub-headings."""
        groups = (
            (PHRASES["blockers"], self.blockers),
            (PHRASES["conditions"], self.conditions),
            (PHRASES["notes"], self.info),
            (PHRASES["possible"], self.possible),
        )
        return tuple(g for g in groups if g[1])

    def section_groups(self) -> tuple[tuple[str, tuple[SectionRow, ...]], ...]:
        """Section rows grouped by topic (consecutive rows of one topic)."""
        out: list[tuple[str, list[SectionRow]]] = []
        for row in self.sections:
            if not out or out[-1][0] != row.topic:
                out.append((row.topic, []))
            out[-1][1].append(row)
        return tuple((topic, tuple(rows)) for topic, rows in out)


# --------------------------------------------------------------------------- building


_REASON_LABELS = {"for": "For", "against": "Against", "because": "Because"}

_STATUS_WORDS = {
    "dont_know": "Don't know",
    "unanswered": "Not answered",
    "not_applicable": "Did not apply",
    "may_apply": "Not answered (it may not apply)",
}


class _Builder:
    def __init__(self, result: Result, questionnaire: Questionnaire | None) -> None:
        self.r = result
        self.q = questionnaire
        self.lang = result.language
        self._cite_numbers: dict[str, int] = {}
        self.questions = {
            e.id: QuestionLink(n, e.id, e.prompt)
            for n, e in enumerate(result.explanations, start=1)
        }
        self.section_titles = {s.id: s.title for s in result.sections}
        self.flag_messages = {f.id: f.message for f in result.flags}
        self.cap_reasons = {c.id: c.reason for c in result.caps}
        self.band_labels: dict[str, str] = {}
        self.band_rank: dict[str, int] = {}
        if questionnaire is not None:
            for i, b in enumerate(questionnaire.scoring.bands):
                self.band_labels[b.id] = text(b.label, self.lang)
                self.band_rank[b.id] = i
        if result.verdict.band and result.verdict.label and result.verdict.status == "decided":
            self.band_labels[result.verdict.band] = result.verdict.label

    # ------------------------------------------------------------- helpers
    def cites(self, ids: list[str]) -> tuple[int, ...]:
        """Appendix numbers for source ids (numbered as first cited), in number order."""
        out = {self._cite_numbers.setdefault(sid, len(self._cite_numbers) + 1) for sid in ids}
        return tuple(sorted(out))

    def band(self, band_id: str | None) -> str:
        if band_id is None:
            return "no band"
        return self.band_labels.get(band_id, band_id)

    def question(self, qid: str, prompt: str = "") -> QuestionLink:
        link = self.questions.get(qid)
        if link is None:
            link = QuestionLink(len(self.questions) + 1, qid, prompt or qid)
            self.questions[qid] = link
        return link

    # ------------------------------------------------------------- parts
    def facts(self) -> tuple[tuple[str, str], ...]:
        r = self.r
        m = r.metadata
        facts: list[tuple[str, str]] = []
        for label, value in (
            ("Service", m.service),
            ("Organisation", m.organisation),
            ("Assessor", m.assessor),
            ("Date of assessment", m.date.isoformat() if m.date else None),
        ):
            if value:
                facts.append((label, value))
        qref = r.questionnaire
        facts.append(("Questionnaire", f"{qref.title} ({qref.id}, version {qref.version})"))
        facts.append(
            (
                "Answers",
                "complete"
                if r.answers_status == "complete"
                else "draft: the assessment was not finished",
            )
        )
        return tuple(facts)

    def tone(self, band_id: str | None) -> Tone:
        if band_id is None or band_id not in self.band_rank:
            return "unknown"
        # The best band is good news, the lower half of the bands bad news.
        rank = self.band_rank[band_id]
        if rank == 0:
            return "good"
        return "middle" if rank < len(self.band_rank) / 2 else "bad"

    def score_text(self, low: float | None, point: float | None, high: float | None) -> str:
        """A score and its range in words: "82.5" or "70 (could be 61 to 79)"."""
        if low is None or high is None:
            return "no score yet"
        shown = number(point) if point is not None else f"{number(low)} to {number(high)}"
        if low != high and point is not None:
            shown += f" (could be {number(low)} to {number(high)})"
        return shown

    def cap_notes(self) -> tuple[str, ...]:
        out = []
        for c in self.r.caps:
            if c.status == "raised":
                out.append(f"Capped at {self.band(c.band)}: {c.reason}")
            else:
                words = (
                    ", ".join(self.question(q).prompt for q in c.depends_on[:3])
                    or "unknown answers"
                )
                out.append(
                    f"Could be capped at {self.band(c.band)} depending on {words}: {c.reason}"
                )
        return tuple(out)

    def verdict(self) -> VerdictView:
        v = self.r.verdict
        s = v.score
        score_text = self.score_text(s.low, s.point, s.high)
        if v.status == "decided":
            label = v.label or self.band(v.band)
            tone = self.tone(v.band)
        else:
            label = f"Between {self.band(v.best)} and {self.band(v.worst)}"
            tone = "unknown"
        headline = f"Verdict: {label}, score {score_text}"
        return VerdictView(
            status=v.status,
            label=label,
            headline=headline,
            summary=v.summary,
            meaning=v.meaning,
            tone=tone,
            score_text=score_text,
            answered_text=percent(v.answered_share),
            notes=self.cap_notes(),
            deciding=tuple(self.question(qid) for qid in v.deciding),
        )

    def readiness(self) -> ReadinessView:
        rd = self.r.readiness
        words = {
            "met": "met",
            "behind": "behind",
            "unknown": "not known",
            "not_yet": "not yet expected",
        }
        order = {"behind": 0, "unknown": 1, "met": 2, "not_yet": 3}
        items = sorted(rd.expectations, key=lambda e: order[e.status])
        return ReadinessView(
            status=rd.status,
            summary=rd.summary,
            stage=rd.stage_title,
            score_text=self.score_text(rd.score.low, rd.score.point, rd.score.high),
            items=tuple(
                ExpectationView(
                    self.question(e.question, e.prompt),
                    words[e.status],
                    e.expected,
                    e.answer_text,
                )
                for e in items
            ),
        )

    def decision(self, verdict: VerdictView, flags: tuple[FlagView, ...]) -> DecisionView:
        recs = self.r.recommendations
        steps = {c.id: c.title for st in recs.next_steps for c in st.steps}
        raised = [c for c in self.r.caps if c.status == "raised"]
        possible = [c for c in self.r.caps if c.status == "possible"]
        caps: list[str] = []
        # The caps that hold the verdict where it is (the lowest), then a count of the rest.
        if raised:
            binding = max(self.band_rank.get(c.band, 0) for c in raised)
            held = [c for c in raised if self.band_rank.get(c.band, 0) == binding]
            caps += [f"Capped at {self.band(c.band)}: {first_sentence(c.reason)}" for c in held[:2]]
            more = len(raised) - len(held[:2])
            if more:
                caps.append(f"{more} more cap{'s' if more != 1 else ''} below.")
        if possible:
            worst = max(self.band_rank.get(c.band, 0) for c in possible)
            shown = [c for c in possible if self.band_rank.get(c.band, 0) == worst][:1]
            for c in shown:
                words = "; ".join(self.question(q).prompt for q in c.depends_on[:2])
                caps.append(
                    f"Could be capped at {self.band(c.band)} if answers still unknown turn out "
                    f"badly ({words}): {first_sentence(c.reason)}"
                )
            more = len(possible) - len(shown)
            if more:
                caps.append(f"{more} more possible cap{'s' if more != 1 else ''} below.")
        capped = {c.id for c in self.r.caps}
        top = [
            f for f in flags if f.status == "raised" and f.severity != "info" and f.id not in capped
        ][:DECISION_FLAGS]
        return DecisionView(
            headline=verdict.label,
            score_text=verdict.score_text,
            meaning=verdict.meaning,
            caps=tuple(caps),
            deciding=verdict.deciding[:3],
            top_flags=tuple(top),
            readiness=self.r.readiness.summary,
            legal_form=recs.legal_forms[0].title if recs.legal_forms else None,
            withheld=tuple(
                first_sentence(self.flag_messages.get(b, b)) for b in recs.withheld_because
            ),
            first_change=tuple(recs.first_change[1 : 1 + DECISION_CHANGES])
            if len(recs.first_change) > 1
            else tuple(recs.first_change[:DECISION_CHANGES]),
            first_steps=tuple(steps.get(i, i) for i in recs.first_steps),
            scope=self.r.questionnaire.scope,
        )

    def warnings(self) -> tuple[str, ...]:
        out = list(self.r.warnings)
        if self.q is not None and self.q.sha256 != self.r.questionnaire.sha256:
            out.append(
                "The questionnaire used to write this report is not the one that produced the "
                f"result ({self.q.id} {self.q.version}); the wording of questions may differ."
            )
        return tuple(out)

    def sections(self) -> tuple[SectionRow, ...]:
        topics: dict[str, str] = {}
        if self.q is not None:
            topics = {t.id: text(t.title, self.lang) for t in self.q.topics}
        rows = []
        for s in self.r.sections:
            if not s.scored:
                score_text = "not scored"
            elif s.score is None:
                score_text = "no scored question applied"
            else:
                score_text = self.score_text(s.score.low, s.score.point, s.score.high)
            rows.append(
                SectionRow(
                    id=s.id,
                    title=s.title,
                    topic=topics.get(s.topic, s.topic),
                    weight=number(s.weight) if s.scored else "-",
                    scored=s.scored,
                    score=s.score.point if s.scored and s.score is not None else None,
                    score_text=score_text,
                    answered_text=percent(s.answered_share)
                    if s.answered_share is not None
                    else "-",
                    answered=s.answered,
                    open=s.unknown + s.may_apply,
                    not_applicable=s.not_applicable,
                    measure=s.measure,
                )
            )
        return tuple(rows)

    def flags(self, severity: Literal["blocker", "warning", "info"] | None) -> tuple[FlagView, ...]:
        """The raised flags of ``severity``; with None, the possible flags of every severity."""
        out = []
        for f in self.r.flags:
            if severity is None:
                if f.status != "possible":
                    continue
            elif f.severity != severity or f.status != "raised":
                continue
            cap = None
            if f.cap:
                cap = f"The verdict can be no better than {self.band(f.cap)}."
                if f.status == "possible":
                    cap = f"It would cap the verdict at {self.band(f.cap)}."
            out.append(
                FlagView(f.id, f.severity, f.message, cap, self.cites(f.cite), f.status, f.about)
            )
        return tuple(out)

    def reason(self, kind: Literal["for", "against", "because"], r: Reason) -> ReasonView:
        points = signed(r.points) if kind != "because" and r.points != 0 else ""
        return ReasonView(kind, _REASON_LABELS[kind], r.text, points, self.cites(r.cite))

    def candidate(self, c: Candidate) -> CandidateView:
        cites = self.cites(c.cite)
        # A next step's rules say why it is listed; their points only order nothing.
        pro: Literal["for", "because"] = "because" if c.kind == "next_step" else "for"
        reasons = [self.reason("because", x) for x in c.excluded_because]
        reasons += [self.reason(pro, x) for x in c.reasons_for]
        reasons += [self.reason("against", x) for x in c.reasons_against]
        return CandidateView(
            id=c.id,
            title=c.title,
            rank=c.rank,
            summary=c.summary,
            score_text=number(c.score),
            reasons=tuple(reasons),
            cites=cites,
        )

    def scenario(self, s: Scenario) -> ScenarioView:
        changes = tuple(
            ChangeView(self.question(c.question, c.prompt), c.before_text, c.after_text, c.action)
            for c in s.changes
        )
        if s.status == "between":
            outcome = f"The verdict would be between {self.band(s.best)} and {self.band(s.worst)}"
        else:
            outcome = f"The verdict would become {self.band(s.best)}"
        if s.score is not None:
            outcome += f" (score {number(s.score)})"
        effects = []
        for cid in s.cleared:
            effects.append(f"Clears the cap: {self.cap_reasons.get(cid, cid)}")
        return ScenarioView(changes, outcome + ".", tuple(effects))

    def what_if(self) -> WhatIfView:
        w = self.r.what_if
        if w is None:
            return WhatIfView(False, "", (), ("The search for answer changes was not run.",))
        notes = []
        if not w.scenarios and w.evaluations > 0:
            notes.append("No change to one or two answers would improve the verdict.")
        if not w.complete:
            notes.append(
                f"The search stopped after {w.evaluations} of up to {w.budget} scenarios, so "
                "there may be other changes that help."
            )
        return WhatIfView(True, w.goal, tuple(self.scenario(s) for s in w.scenarios), tuple(notes))

    def sensitivities(self) -> tuple[str, ...]:
        out = []
        for s in self.r.robustness.sensitive_to:
            change = "lower" if s.factor < 1 else "higher"
            pct = number(abs(s.factor - 1) * 100)
            then = self.band(s.best)
            if s.status == "between":
                then = f"between {self.band(s.best)} and {self.band(s.worst)}"
            if s.score is not None:
                then += f" (score {number(s.score)})"
            title = self.section_titles.get(s.section, s.section)
            out.append(
                f"If the section {title} weighed {pct}% {change}, the verdict would be {then}."
            )
        return tuple(out)

    def drivers(self) -> tuple[tuple[DriverView, ...], tuple[DriverView, ...]]:
        expl = {e.id: e for e in self.r.explanations}
        out: list[list[DriverView]] = [[], []]
        for n, ids in enumerate((self.r.drivers.helped, self.r.drivers.held_back)):
            for qid in ids:
                e = expl.get(qid)
                amount = (
                    f"{signed(e.contribution)} points"
                    if e is not None and e.contribution is not None
                    else ""
                )
                out[n].append(DriverView(self.question(qid), amount))
        return tuple(out[0]), tuple(out[1])

    def open_questions(self) -> tuple[OpenQuestionView, ...]:
        out = []
        for u in self.r.unknowns:
            reason = _STATUS_WORDS[u.reason]
            if u.applies == "maybe":
                reason += ", and it may not apply"
            if u.could_cap:
                share = "could trigger a cap"
            elif u.scored:
                share = f"could move the score {number(u.swing)} points"
            else:
                share = "not scored"
            out.append(OpenQuestionView(self.question(u.id, u.prompt), reason, share))
        return tuple(out)

    def next_steps(self) -> tuple[StageView, ...]:
        return tuple(
            StageView(s.title, tuple(self.candidate(c) for c in s.steps))
            for s in self.r.recommendations.next_steps
        )

    def answer(self, e: Explanation) -> AnswerView:
        qn = self.q.question_index.get(e.id) if self.q is not None else None
        why = text(qn.why, self.lang) or None if qn is not None else None
        cite_ids = list(qn.cite) if qn is not None else []
        if e.status in ("answered", "may_apply") and e.answer_text is not None:
            answer = e.answer_text
        elif e.status == "may_apply":
            answer = "Not answered (it may not apply)"
        else:
            answer = _STATUS_WORDS[e.status]
        points = None
        if e.scored and e.points is not None:
            points = f"{number(e.points)} of {number(e.max_points or 0)}"
            if e.contribution is not None:
                points += f", {signed(e.contribution)} points against a neutral answer"
        elif e.scored and e.swing is not None:
            points = f"unknown: could move the score {number(e.swing)} points"
        elif not e.scored and e.status != "not_applicable":
            points = "Not scored (informs recommendations)"
        return AnswerView(
            question=self.question(e.id, e.prompt),
            applicable=e.status != "not_applicable",
            status=e.status,
            answer=answer,
            points=points,
            why=why,
            note=e.note,
            evidence=e.evidence,
            remark=e.remark,
            cites=self.cites(cite_ids) if e.status != "not_applicable" else (),
        )

    def answer_topics(self) -> tuple[AnswerTopic, ...]:
        topics: dict[str, str] = {}
        intros: dict[str, str] = {}
        if self.q is not None:
            topics = {t.id: text(t.title, self.lang) for t in self.q.topics}
            intros = {s.id: text(s.intro, self.lang) for s in self.q.sections if s.intro}
        section_topic = {s.id: s.topic for s in self.r.sections}
        # Consecutive explanations of one section form a group; consecutive
        # groups of one topic form a topic.
        tree: list[tuple[str, list[tuple[str, list[Explanation]]]]] = []
        for e in self.r.explanations:
            topic_id = section_topic.get(e.section, "")
            if not tree or tree[-1][0] != topic_id:
                tree.append((topic_id, []))
            groups = tree[-1][1]
            if not groups or groups[-1][0] != e.section:
                groups.append((e.section, []))
            groups[-1][1].append(e)
        out = []
        for topic_id, groups in tree:
            sections = []
            for sid, items in groups:
                views = [self.answer(e) for e in items]
                sections.append(
                    AnswerGroup(
                        section=self.section_titles.get(sid, sid),
                        intro=intros.get(sid),
                        answers=tuple(v for v in views if v.applicable),
                        not_applicable=tuple(v.question for v in views if not v.applicable),
                    )
                )
            out.append(AnswerTopic(topics.get(topic_id, topic_id), tuple(sections)))
        return tuple(out)

    def sources(self) -> tuple[SourceView, ...]:
        known: dict[str, tuple[str, str | None, str | None, str | None, str | None]] = {}
        for s in self.r.sources:
            known[s.id] = (s.title, s.url, None, s.publisher, s.year)
        if self.q is not None:
            for src in self.q.sources:
                note = text(src.note, self.lang) if src.note is not None else None
                year = str(src.year) if src.year is not None else None
                known[src.id] = (text(src.title, self.lang), src.url, note, src.publisher, year)
        # Sources the result lists but nothing in the report cited come last.
        self.cites([s.id for s in self.r.sources])
        out = []
        for sid, n in self._cite_numbers.items():
            title, url, note, publisher, year = known.get(sid, (sid, None, None, None, None))
            link = safe_url(url)
            out.append(
                SourceView(
                    n, sid, title, link, url if link is None else None, note, publisher, year
                )
            )
        return tuple(out)

    def colophon(self) -> tuple[tuple[str, str], ...]:
        r = self.r
        return (
            ("Produced by", f"mutual-detector {r.tool_version}"),
            ("Produced at", r.timestamp or "not recorded"),
            ("Result format", r.format),
            ("Questionnaire SHA-256", r.questionnaire.sha256),
            ("Answers SHA-256", r.answers_sha256),
        )


def build_report(result: Result, questionnaire: Questionnaire | None = None) -> Report:
    """The report view of ``result``.

    ``questionnaire`` (the one that produced the result) adds each question's
    "why" and citations, topic titles, band labels and source notes; without it
    the report shows what the result alone holds.
    """
    b = _Builder(result, questionnaire)
    m = result.metadata
    subtitle = m.service
    if m.service and m.organisation:
        subtitle = f"{m.service}, {m.organisation}"
    # Build in reading order, so that citations are numbered as they appear.
    verdict = b.verdict()
    blockers, conditions, info = b.flags("blocker"), b.flags("warning"), b.flags("info")
    possible = b.flags(None)
    decision = b.decision(verdict, blockers + conditions)
    readiness = b.readiness()
    recs = result.recommendations
    legal_forms = tuple(b.candidate(c) for c in recs.legal_forms)
    excluded_forms = tuple(b.candidate(c) for c in recs.excluded_forms)
    governance = tuple(b.candidate(c) for c in recs.governance)
    not_recommended = tuple(b.candidate(c) for c in recs.governance_not_recommended)
    what_if = b.what_if()
    drivers_up, drivers_down = b.drivers()
    open_questions = b.open_questions()
    next_steps = b.next_steps()
    answers = b.answer_topics()
    return Report(
        title="Public service mutual assessment",
        subtitle=subtitle,
        facts=b.facts(),
        assessor_notes=m.notes,
        decision=decision,
        verdict=verdict,
        readiness=readiness,
        score_alone=b.band(result.verdict.score_band)
        if result.verdict.capped_by and result.verdict.score_band
        else None,
        warnings=b.warnings(),
        sections=b.sections(),
        blockers=blockers,
        conditions=conditions,
        info=info,
        possible=possible,
        legal_forms=legal_forms,
        excluded_forms=excluded_forms,
        governance=governance,
        governance_not_recommended=not_recommended,
        what_if=what_if,
        robustness=result.robustness.summary,
        sensitivities=b.sensitivities(),
        drivers_up=drivers_up,
        drivers_down=drivers_down,
        open_questions=open_questions,
        next_steps=next_steps,
        answers=answers,
        sources=b.sources(),
        colophon=b.colophon(),
        timestamp=result.timestamp,
        language=result.language,
    )


__all__ = [
    "HEADINGS",
    "PHRASES",
    "SECTION_COLUMNS",
    "AnswerGroup",
    "AnswerTopic",
    "AnswerView",
    "CandidateView",
    "ChangeView",
    "DecisionView",
    "DriverView",
    "ExpectationView",
    "FlagView",
    "OpenQuestionView",
    "QuestionLink",
    "ReadinessView",
    "ReasonView",
    "Report",
    "ScenarioView",
    "SectionRow",
    "SourceView",
    "StageView",
    "VerdictView",
    "WhatIfView",
    "build_report",
    "number",
    "one_line",
    "percent",
    "safe_url",
    "signed",
    "text_bar",
    "text_lines",
]

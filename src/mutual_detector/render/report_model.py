"""A renderer-neutral view of an assessment, shared by the terminal, Markdown and HTML reports.

:func:`build_report` turns a frozen :class:`~mutual_detector.model.result.Result`
(and, if given, the questionnaire that produced it) into a :class:`Report`: the
headings, sentences, numbers-as-text and numbered citations every report shows.
The renderers only lay this out and escape it, so the wording and the order of
the content live in one place.

A report leads with the decision (:class:`Decision`): the suitability verdict,
stated once (decided, or "between" two bands with the unknown answers that
decide it), any cap and why, the top red flags, readiness against the stage,
the best-fitting legal form (or why none is ranked) and the next three steps.
The details follow.

Every string in a :class:`Report` is plain, unescaped text; some of it comes
from the answers file (service name, notes, evidence) or from a questionnaire
that anyone can write, so renderers must clean it (:mod:`mutual_detector.render.safe`)
and escape it. Source URLs are checked here: :attr:`SourceView.url` is set only
for a plain ``http(s)`` address that is safe to put in a link.

Citations are numbered in reading order. The terminal report (``scope="terminal"``)
numbers only what it shows (flags, legal forms, governance and next steps), so
its list of sources stays short; the Markdown and HTML reports (``scope="full"``)
also cite every reason and answer, and list every source of the result.

The builder is pure and deterministic: the same result gives the same report,
and ``result.timestamp`` is the only field that can differ between two runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from mutual_detector.render.safe import one_line, text_lines

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Questionnaire
    from mutual_detector.model.result import (
        Candidate,
        Explanation,
        FlagResult,
        Reason,
        Result,
        Scenario,
        ScoreRange,
        SectionResult,
    )

Tone = Literal["good", "middle", "bad", "unknown"]
Scope = Literal["full", "terminal"]

#: Headings of the Markdown and HTML reports, in order. Renderers use these; tests pin them.
HEADINGS: Final = {
    "decision": "Decision",
    "about": "About this assessment",
    "sections": "Suitability by section",
    "drivers": "What moved the score",
    "unknowns": "Unknown answers",
    "flags": "Red flags and conditions",
    "readiness": "Readiness for the stage",
    "legal_forms": "Legal form",
    "governance": "Governance",
    "next_steps": "Next steps",
    "what_if": "What could change the verdict",
    "robustness": "How robust the verdict is",
    "answers": "Answers in full",
    "sources": "Appendix: sources",
    "colophon": "About this report",
}

#: Raised caps the decision names (the ones that bind hardest); the rest are counted.
FIRST_SCREEN_CAPS: Final = 1

#: Labels of the decision's parts, in order (the terminal's first screen, the reports' summary).
DECISION_LABELS: Final = {
    "verdict": "Verdict",
    "cap": "Cap",
    "flags": "Red flags",
    "readiness": "Readiness",
    "legal_form": "Legal form",
    "next_steps": "Next steps",
}

#: Fixed sentences and sub-headings, shared by the renderers.
PHRASES: Final = {
    "blockers": "Blockers",
    "conditions": "Conditions to meet",
    "notes": "Notes",
    "possible": "Possible, depending on unknown answers",
    "no_flags": "No red flags were raised.",
    "forms_intro": "Forms that fit, best first, with the reasons for and against each.",
    "no_forms": "No legal form fits the answers given.",
    "ruled_out": "Ruled out",
    "recommended": "Recommended",
    "not_recommended": "Considered but not recommended",
    "no_governance": "No governance features are recommended on these answers.",
    "first_change": "What would have to change first",
    "scenarios": "Smallest changes that would improve the verdict",
    "helped": "Helped:",
    "held_back": "Held it back:",
    "no_drivers": "No answer moved the score from the neutral baseline.",
    "no_unknowns": "Every question that counts has an answer.",
    "no_steps": "No next steps were triggered by these answers.",
    "answers_intro": "Every question in the order asked, with the answer, the points it earned, "
    "why it matters, the assessor's note and evidence, and its sources (the numbers refer to "
    "the appendix).",
    "did_not_apply": "Did not apply to this service:",
    "no_sources": "No sources were cited.",
    "deciding": "What decides it most:",
    "warnings": "Points to note about the answers:",
    "meaning": "What this means:",
    "assessor_notes": "Assessor's notes:",
    "sections_note": "Each section scores 0-100 over the questions that apply. An unknown answer "
    "counts at its neutral value in the score and widens the range: the low end if it turned out "
    "worst, the high end if it turned out best.",
    "sources": "Sources",
    "expectations": "What the stage expects",
}

#: Columns of the section scores table: (title, numeric?).
SECTION_COLUMNS: Final = (
    ("Section", False),
    ("Weight", True),
    ("Score", False),
    ("Could be", True),
    ("Answered", True),
    ("Open", True),
    ("Did not apply", True),
)

#: How many of each kind the decision shows.
DECIDING_SHOWN: Final = 3
TOP_FLAGS: Final = 3
#: Legal forms the terminal report details (with reasons and citations).
TERMINAL_FORMS: Final = 3

_SAFE_URL = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s<>\"'`\\{}|^\x00-\x1f\x7f-\x9f]*)?\Z"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"‘(])")


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


def points(value: float) -> str:
    """Signed points that never read 0 when they are not: +2.5, -0.83, -<0.01."""
    if value != 0 and abs(value) < 0.005:
        return "+<0.01" if value > 0 else "-<0.01"
    return signed(value)


def text_bar(score: float | None, width: int = 10) -> str:
    """A bar of ``width`` cells for a 0-100 score, e.g. ``██████░░░░``; blank if no score."""
    if score is None:
        return ""
    filled = max(0, min(width, int(score * width / 100 + 0.5)))
    return "█" * filled + "░" * (width - filled)


def range_cells(low: float, point: float, high: float, width: int) -> tuple[int, int, int]:
    """Cells of a ``width``-cell bar: up to the low end, up to the high end, and the point's cell."""

    def cell(x: float) -> int:
        return max(0, min(width, int(x * width / 100 + 0.5)))

    lo, hi = cell(low), cell(high)
    at = min(width - 1, max(0, int(point * width / 100)))
    return lo, max(hi, lo), at


def range_bar(low: float | None, point: float | None, high: float | None, width: int = 20) -> str:
    """A bar for a score and its range: ``█`` sure, ``▒`` could be, ``│`` the point, ``·`` beyond.

    Blank (dots) when there is no score.
    """
    if low is None or point is None or high is None:
        return "·" * width
    lo, hi, at = range_cells(low, point, high, width)
    cells = ["█"] * lo + ["▒"] * (hi - lo) + ["·"] * (width - hi)
    if low != high:
        cells[at] = "│"
    return "".join(cells)


def first_sentence(value: str) -> str:
    """The first sentence of ``value`` (on one line); all of it if it has one sentence."""
    line = one_line(value)
    parts = _SENTENCE_END.split(line, maxsplit=1)
    return parts[0]


def after_first_sentence(value: str) -> str:
    """``value`` without its first sentence ("" if it has one)."""
    line = one_line(value)
    parts = _SENTENCE_END.split(line, maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) address that is safe in a link, else None."""
    if url is None or len(url) > 2000 or not _SAFE_URL.match(url):
        return None
    return url


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else many or word + 's'}"


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True, slots=True)
class SourceView:
    """One entry of the sources list; cited in the text as ``[number]``."""

    number: int
    id: str
    title: str
    publisher: str | None
    year: str | None
    url: str | None
    """A safe http(s) address to link to, or None."""
    raw_url: str | None
    """The address as written, when it is not safe to link (shown as text)."""
    note: str | None

    @property
    def byline(self) -> str:
        """Publisher and year: "GOV.UK, 2023" ("" when neither is known)."""
        return ", ".join(x for x in (self.publisher, self.year) if x)


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
class ScoreView:
    """A 0-100 score with its range, as figures and words."""

    low: float | None
    point: float | None
    high: float | None
    unknowns: int
    """Unknown answers that make the range (0 when it is exact)."""

    @property
    def scored(self) -> bool:
        return self.point is not None

    @property
    def exact(self) -> bool:
        return self.low == self.high

    @property
    def range_text(self) -> str:
        """ "48–79", or "" when the score is exact or missing."""
        if self.point is None or self.exact or self.low is None or self.high is None:
            return ""
        return f"{number(self.low)}–{number(self.high)}"

    @property
    def short(self) -> str:
        """ "61 (48–79)", "89.67", or "—" without a score."""
        if self.point is None:
            return "—"
        rng = self.range_text
        return f"{number(self.point)} ({rng})" if rng else number(self.point)

    @property
    def compact(self) -> str:
        """:attr:`short` with one decimal, for narrow tables: "61.3 (48–79.5)"."""
        if self.point is None or self.low is None or self.high is None:
            return "—"

        def one(x: float) -> str:
            return f"{x:.1f}".rstrip("0").rstrip(".")

        if self.exact:
            return one(self.point)
        return f"{one(self.point)} ({one(self.low)}–{one(self.high)})"

    @property
    def text(self) -> str:
        """ "score 61 (could be 48–79 depending on 4 unknown answers)"."""
        if self.point is None:
            if self.low is not None and self.high is not None:
                return f"no score yet (could be {number(self.low)}–{number(self.high)})"
            return "no score: nothing that is scored applies yet"
        out = f"score {number(self.point)} out of 100"
        if not self.exact and self.low is not None and self.high is not None:
            out = f"score {number(self.point)} (could be {number(self.low)}–{number(self.high)}"
            if self.unknowns:
                out += f" depending on {plural(self.unknowns, 'unknown answer')}"
            out += ")"
        return out


@dataclass(frozen=True, slots=True)
class DecidingView:
    """An unknown answer that decides a 'between' verdict."""

    question: QuestionLink
    reason: str
    """"don't know" or "not answered"."""
    could_cap: str | None
    """"could cap the verdict at X", if it could trigger a cap."""


@dataclass(frozen=True, slots=True)
class VerdictView:
    status: Literal["decided", "between"]
    label: str
    """The verdict, stated once: the band's label, or "Between A and B"."""
    band: str | None
    tone: Tone
    meaning: str | None
    score: ScoreView
    indicative: str | None
    """Between only: "the answers so far point to X"."""
    score_alone: str | None
    """When a cap lowers the verdict: "the score alone would place it in X"."""
    answered_text: str
    deciding: tuple[DecidingView, ...]
    """Between only: the first few unknown answers that decide it, in the verdict's order."""
    deciding_total: int

    @property
    def headline(self) -> str:
        """The verdict and its score on one line."""
        return f"{self.label}: {self.score.text}"


@dataclass(frozen=True, slots=True)
class FlagView:
    id: str
    severity: Literal["blocker", "warning", "info"]
    status: Literal["raised", "possible"]
    about: Literal["suitability", "readiness"]
    message: str
    short: str
    """The message's first sentence."""
    cap_text: str | None
    depends: tuple[QuestionLink, ...]
    """Possible flags: the unknown answers that decide it."""
    cites: tuple[int, ...]

    @property
    def tag(self) -> str:
        """BLOCKER, WARNING, NOTE; "possible" before it when not raised."""
        word = {"blocker": "BLOCKER", "warning": "WARNING", "info": "NOTE"}[self.severity]
        return word if self.status == "raised" else f"possible {word.lower()}"


@dataclass(frozen=True, slots=True)
class CapView:
    id: str
    kind: Literal["flag", "floor"]
    status: Literal["raised", "possible"]
    band: str
    text: str
    """One sentence: "Capped at X: why." or "Would cap at X if this holds: why."."""
    depends: tuple[QuestionLink, ...]
    cites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ExpectationView:
    question: QuestionLink
    status: Literal["met", "behind", "unknown", "not_yet"]
    status_text: str
    answer: str
    expected: str | None
    """ "Expected by Business case: Started"."""


@dataclass(frozen=True, slots=True)
class ReadinessView:
    status: Literal["on_track", "behind", "unclear", "not_assessed"]
    status_text: str
    stage: str | None
    summary: str
    behind: tuple[ExpectationView, ...]
    expectations: tuple[ExpectationView, ...]
    score: ScoreView | None
    sections: tuple[SectionRow, ...]
    flags: tuple[FlagView, ...]


@dataclass(frozen=True, slots=True)
class StepLink:
    id: str
    title: str
    stage: str
    cites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FormDecision:
    """The legal form on the first screen: the best fit, or why none is ranked."""

    status: Literal["ranked", "withheld", "none"]
    text: str
    """The best fit's title, the withheld notice, or that no form fits."""
    cites: tuple[int, ...]
    also: tuple[str, ...]
    """Ranked: the next forms' titles."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the first screen of a report says, in order."""

    verdict: VerdictView
    caps: tuple[CapView, ...]
    caps_more: str | None
    """The caps not shown on the first screen, in words ("And 2 more caps."), or None."""
    flags: tuple[FlagView, ...]
    """The top red flags not already shown as a cap: raised blockers and warnings first."""
    flags_text: str | None
    """What else there is ("4 more below", "None raised"), or None."""
    readiness: ReadinessView
    legal_form: FormDecision
    steps: tuple[StepLink, ...]


@dataclass(frozen=True, slots=True)
class SectionRow:
    id: str
    title: str
    topic: str
    measure: Literal["suitability", "readiness"]
    weight: str
    scored: bool
    score: ScoreView | None
    score_text: str
    answered_text: str
    answered: int
    open: int
    not_applicable: int
    floor_text: str | None


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
    group: str | None
    reasons: tuple[ReasonView, ...]
    """Why it was ruled out, then reasons for, then reasons against."""
    cites: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class StageView:
    title: str
    steps: tuple[CandidateView, ...]


@dataclass(frozen=True, slots=True)
class RecommendationsView:
    status: Literal["ranked", "withheld"]
    withheld: str | None
    """Withheld: why no legal form or governance is ranked."""
    first_change: tuple[str, ...]
    legal_forms: tuple[CandidateView, ...]
    excluded_forms: tuple[CandidateView, ...]
    governance: tuple[CandidateView, ...]
    governance_not_recommended: tuple[CandidateView, ...]


@dataclass(frozen=True, slots=True)
class ChangeView:
    question: QuestionLink
    before: str
    after: str
    action: str


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
    answer: str
    amount: str
    """Signed points from the neutral baseline: "+3.41"."""


@dataclass(frozen=True, slots=True)
class DriversView:
    baseline: str | None
    """The sentence that says what the drivers are measured from."""
    helped: tuple[DriverView, ...]
    held_back: tuple[DriverView, ...]


@dataclass(frozen=True, slots=True)
class UnknownView:
    question: QuestionLink
    reason: str
    measure: Literal["suitability", "readiness"]
    deciding: bool
    """Whether it decides a 'between' verdict."""
    detail: str
    """What hangs on it: "6.49 points of the range; could cap the verdict at X"."""


@dataclass(frozen=True, slots=True)
class RobustnessView:
    summary: str
    margin: str | None
    sensitivities: tuple[str, ...]


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
class Report:
    """Everything a report shows, in order, as plain text."""

    title: str
    subtitle: str | None
    facts: tuple[tuple[str, str], ...]
    """Label and value pairs describing the assessment (service, assessor, ...)."""
    assessor_notes: str | None
    draft: bool
    decision: Decision
    warnings: tuple[str, ...]
    sections: tuple[SectionRow, ...]
    """Suitability sections (readiness sections are in ``decision.readiness``)."""
    drivers: DriversView
    unknowns: tuple[UnknownView, ...]
    blockers: tuple[FlagView, ...]
    conditions: tuple[FlagView, ...]
    info: tuple[FlagView, ...]
    recommendations: RecommendationsView
    next_steps: tuple[StageView, ...]
    what_if: WhatIfView
    robustness: RobustnessView
    answers: tuple[AnswerTopic, ...]
    sources: tuple[SourceView, ...]
    colophon: tuple[tuple[str, str], ...]
    timestamp: str | None
    language: str = "en"

    @property
    def verdict(self) -> VerdictView:
        return self.decision.verdict

    @property
    def readiness(self) -> ReadinessView:
        return self.decision.readiness

    @property
    def flag_count(self) -> int:
        return len(self.blockers) + len(self.conditions) + len(self.info)

    def flag_groups(self) -> tuple[tuple[str, tuple[FlagView, ...]], ...]:
        """The non-empty groups of red flags, with their sub-headings: raised, then possible."""
        groups = (
            (PHRASES["blockers"], tuple(f for f in self.blockers if f.status == "raised")),
            (PHRASES["conditions"], tuple(f for f in self.conditions if f.status == "raised")),
            (PHRASES["notes"], tuple(f for f in self.info if f.status == "raised")),
            (
                PHRASES["possible"],
                tuple(
                    f
                    for f in (*self.blockers, *self.conditions, *self.info)
                    if f.status != "raised"
                ),
            ),
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
    "may_apply": "Not known (may apply, depending on other answers)",
    "not_applicable": "Did not apply",
}

_READINESS_WORDS = {
    "on_track": "On track",
    "behind": "Behind",
    "unclear": "Unclear",
    "not_assessed": "Not assessed",
}

_EXPECTATION_WORDS = {
    "met": "in place",
    "behind": "behind",
    "unknown": "not known",
    "not_yet": "not expected yet",
}


class _Builder:
    def __init__(self, result: Result, questionnaire: Questionnaire | None, scope: Scope) -> None:
        self.r = result
        self.q = questionnaire
        self.scope = scope
        self.full = scope == "full"
        self.lang = result.language
        self._cite_numbers: dict[str, int] = {}
        self.questions = {
            e.id: QuestionLink(n, e.id, one_line(e.prompt))
            for n, e in enumerate(result.explanations, start=1)
        }
        self.expl = {e.id: e for e in result.explanations}
        self.section_titles = {s.id: one_line(s.title) for s in result.sections}
        self.flag_results = {f.id: f for f in result.flags}
        self.band_labels: dict[str, str] = {}
        self.band_rank: dict[str, int] = {}
        self.stage_titles: dict[str, str] = {}
        self.topics: dict[str, str] = {}
        if questionnaire is not None:
            from mutual_detector.model.questionnaire import text

            for i, b in enumerate(questionnaire.scoring.bands):
                self.band_labels[b.id] = one_line(text(b.label, self.lang))
                self.band_rank[b.id] = i
            self.stage_titles = {
                s.id: one_line(text(s.title, self.lang)) for s in questionnaire.stages
            }
            self.topics = {t.id: one_line(text(t.title, self.lang)) for t in questionnaire.topics}
        v = result.verdict
        if v.status == "decided" and v.band and v.label:
            self.band_labels.setdefault(v.band, one_line(v.label))
        self.verdict_band = v.band if v.status == "decided" else None
        for stage in result.recommendations.next_steps:
            self.stage_titles.setdefault(stage.stage, one_line(stage.title))
        if result.readiness.stage and result.readiness.stage_title:
            self.stage_titles.setdefault(
                result.readiness.stage, one_line(result.readiness.stage_title)
            )
        self._flags: dict[str, FlagView] = {}

    # ------------------------------------------------------------- helpers
    def cites(self, ids: list[str], *, shown: bool = True) -> tuple[int, ...]:
        """Source numbers for source ids (numbered as first cited), in number order.

        ``shown``: whether the report shows these citations (the terminal report cites
        only raised flags, the legal forms it details and recommended governance).
        """
        if not shown:
            return ()
        out = {self._cite_numbers.setdefault(sid, len(self._cite_numbers) + 1) for sid in ids}
        return tuple(sorted(out))

    def band(self, band_id: str | None) -> str:
        """A band's label (its id without the questionnaire)."""
        if band_id is None:
            return "no band"
        return self.band_labels.get(band_id, band_id)

    def band_ref(self, band_id: str | None) -> str:
        """A band as the text names it: "this band" for the decided verdict's own band.

        The verdict's label is stated once, in the decision; everything else that
        names that band says "this band".
        """
        if band_id is not None and band_id == self.verdict_band:
            return "this band"
        return self.band(band_id)

    def question(self, qid: str, prompt: str = "") -> QuestionLink:
        link = self.questions.get(qid)
        if link is None:
            link = QuestionLink(len(self.questions) + 1, qid, one_line(prompt) or qid)
            self.questions[qid] = link
        return link

    def tone(self, band_id: str | None) -> Tone:
        if band_id is None or band_id not in self.band_rank:
            return "unknown"
        # The best band is good news, the lower half of the bands bad news.
        rank = self.band_rank[band_id]
        if rank == 0:
            return "good"
        return "middle" if rank < len(self.band_rank) / 2 else "bad"

    def outcome(self, status: str, best: str, worst: str) -> str:
        """A verdict in words, for what-if and robustness: "X" or "between X and Y"."""
        if status == "decided":
            return self.band_ref(best)
        return f"between {self.band(best)} and {self.band(worst)}"

    def unknown_count(self, measure: str = "suitability") -> int:
        return sum(
            1 for u in self.r.unknowns if u.measure == measure and (u.swing > 0 or u.could_cap)
        )

    def score(self, s: ScoreRange | None, measure: str = "suitability") -> ScoreView:
        if s is None:
            return ScoreView(None, None, None, 0)
        unknowns = self.unknown_count(measure) if s.low != s.high else 0
        return ScoreView(s.low, s.point, s.high, unknowns)

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
        if r.readiness.stage_title:
            facts.append(("Stage", r.readiness.stage_title))
        facts.append(("Answered", percent(r.verdict.answered_share) + " of the scored weight"))
        return tuple(facts)

    def verdict(self) -> VerdictView:
        v = self.r.verdict
        score = self.score(v.score)
        indicative = None
        deciding: list[DecidingView] = []
        if v.status == "decided":
            label = one_line(v.label) or self.band(v.band)
            tone = self.tone(v.band)
        else:
            label = one_line(v.label) or f"Between {self.band(v.best)} and {self.band(v.worst)}"
            tone = "unknown"
            indicative = f"The answers so far point to {self.band(v.indicative)}."
            unknowns = {u.id: u for u in self.r.unknowns}
            for qid in v.deciding[:DECIDING_SHOWN]:
                u = unknowns.get(qid)
                reason = "not answered"
                could = None
                if u is not None:
                    reason = "don't know" if u.reason == "dont_know" else "not answered"
                    if u.applies == "maybe":
                        reason += ", may apply"
                    if u.could_cap:
                        could = "could cap the verdict at " + self._cap_band(u.could_cap)
                deciding.append(
                    DecidingView(self.question(qid, u.prompt if u else ""), reason, could)
                )
        score_alone = None
        if v.cap is not None and v.score_band is not None and v.score_band != v.cap:
            if v.score_band in self.band_rank and v.cap in self.band_rank:
                lowered = self.band_rank[v.score_band] < self.band_rank[v.cap]
            else:  # without the bands' order: the cap is binding when it is the verdict
                lowered = v.indicative == v.cap
        else:
            lowered = False
        if lowered and v.score_band is not None:
            score_alone = f"The score alone would place it in {self.band(v.score_band)}."
        return VerdictView(
            status=v.status,
            label=label,
            band=v.band,
            tone=tone,
            meaning=v.meaning,
            score=score,
            indicative=indicative,
            score_alone=score_alone,
            answered_text=percent(v.answered_share),
            deciding=tuple(deciding),
            deciding_total=len(v.deciding),
        )

    def _cap_band(self, cap_ids: list[str]) -> str:
        caps = {c.id: c for c in self.r.caps}
        bands = [caps[c].band for c in cap_ids if c in caps]
        if not bands:
            return "a lower band"
        worst = max(bands, key=lambda b: self.band_rank.get(b, 0))
        return self.band_ref(worst)

    def flag(self, f: FlagResult) -> FlagView:
        known = self._flags.get(f.id)
        if known is not None:
            return known
        cap_text = None
        if f.cap and f.about == "suitability":
            if f.status == "raised":
                cap_text = f"Caps the verdict at {self.band_ref(f.cap)}."
            else:
                cap_text = f"Would cap the verdict at {self.band_ref(f.cap)}."
        view = FlagView(
            id=f.id,
            severity=f.severity,
            status=f.status,
            about=f.about,
            message=f.message,
            short=first_sentence(f.message),
            cap_text=cap_text,
            depends=tuple(self.question(q) for q in f.depends_on),
            cites=self.cites(f.cite, shown=self.full or f.status == "raised"),
        )
        self._flags[f.id] = view
        return view

    def caps(self) -> tuple[tuple[CapView, ...], str | None]:
        """Raised caps, then the worst possible one; and how many possible caps are left out."""
        order = {band: i for i, band in enumerate(self.band_labels)}
        # The caps that bind hardest first: the lowest band they cap at.
        raised = sorted(
            (c for c in self.r.caps if c.status == "raised"),
            key=lambda c: -order.get(c.band, len(order)),
        )
        possible = [c for c in self.r.caps if c.status == "possible"]
        if self.r.verdict.status == "decided":
            possible = []  # they cannot move a decided verdict
        shown = raised[:FIRST_SCREEN_CAPS] + possible[:1]
        out = []
        for c in shown:
            flag = self.flag_results.get(c.id) if c.kind == "flag" else None
            why = first_sentence(c.reason) if c.reason else ""
            if why and why[-1] not in ".!?":
                why += "."
            cites = self.flag(flag).cites if flag is not None else ()
            if c.status == "raised":
                text = f"Capped at {self.band_ref(c.band)}: {why}"
            else:
                text = f"Would cap at {self.band_ref(c.band)} if this holds: {why}"
            out.append(
                CapView(
                    id=c.id,
                    kind=c.kind,
                    status=c.status,
                    band=c.band,
                    text=text,
                    depends=tuple(self.question(q) for q in c.depends_on),
                    cites=cites,
                )
            )
        more = []
        if len(raised) > FIRST_SCREEN_CAPS:
            more.append(plural(len(raised) - FIRST_SCREEN_CAPS, "more cap"))
        if len(possible) > 1:
            more.append(plural(len(possible) - 1, "more possible cap"))
        summary = f"And {' and '.join(more)}: see {HEADINGS['flags']}." if more else None
        return tuple(out), summary

    def top_flags(self, caps: tuple[CapView, ...]) -> tuple[tuple[FlagView, ...], str | None]:
        shown_caps = {c.id for c in caps if c.kind == "flag"}
        raised_caps = {c.id for c in caps if c.kind == "flag" and c.status == "raised"}
        raised = [
            f
            for f in self.r.flags
            if f.status == "raised" and f.severity != "info" and f.id not in shown_caps
        ]
        top = tuple(self.flag(f) for f in raised[:TOP_FLAGS])
        more = len(raised) - len(top)
        notes = sum(1 for f in self.r.flags if f.status == "raised" and f.severity == "info")
        possible = sum(1 for f in self.r.flags if f.status == "possible" and f.id not in shown_caps)
        extra = []
        if more:
            extra.append(f"{more} more")
        if notes:
            extra.append(plural(notes, "note"))
        if possible:
            extra.append(f"{possible} possible, depending on unknown answers")
        if not top:
            lead = "None raised"
            if raised_caps:
                lead += " besides the cap" + ("s" if len(raised_caps) > 1 else "")
            return top, lead + (f" ({', '.join(extra)})." if extra else ".")
        if extra:
            return top, f"And {', '.join(extra)}: see {HEADINGS['flags']}."
        return top, None

    def readiness(self) -> ReadinessView:
        rd = self.r.readiness
        items = []
        for x in rd.expectations:
            expected = None
            if x.expected is not None:
                by = self.stage_titles.get(x.expected_by or "", x.expected_by or "")
                expected = f"expected by {by}: {x.expected}" if by else f"expected: {x.expected}"
            answer = x.answer_text or "Not answered"
            items.append(
                ExpectationView(
                    question=self.question(x.question, x.prompt),
                    status=x.status,
                    status_text=_EXPECTATION_WORDS[x.status],
                    answer=answer,
                    expected=expected,
                )
            )
        flags = tuple(self.flag(f) for f in self.r.flags if f.about == "readiness")
        rows = tuple(self.section_row(s) for s in self.r.sections if s.measure == "readiness")
        score = self.score(rd.score, "readiness") if rd.score.point is not None else None
        return ReadinessView(
            status=rd.status,
            status_text=_READINESS_WORDS[rd.status],
            stage=rd.stage_title,
            summary=rd.summary,
            behind=tuple(i for i in items if i.status == "behind"),
            expectations=tuple(items),
            score=score,
            sections=rows,
            flags=flags,
        )

    def withheld(self) -> tuple[str | None, tuple[str, ...], str | None]:
        """Why recommendations are withheld, what would change first, and the first of it."""
        recs = self.r.recommendations
        if recs.status != "withheld":
            return None, (), None
        blockers = [self.flag_results[b] for b in recs.withheld_because if b in self.flag_results]
        capped = {c.id for c in self.r.caps if c.status == "raised"}
        if blockers and all(b.id in capped for b in blockers):
            what = "the blocker above" if len(blockers) == 1 else "the blockers above"
        elif blockers:
            what = "the blocker “" + first_sentence(blockers[0].message).rstrip(".") + "”"
        else:
            what = "a blocker"
        verb = "stand" if what == "the blockers above" else "stands"
        messages = {one_line(b.message) for b in blockers}
        # The first change is an action; a blocker's own message explains rather than acts.
        actions = [
            line for line in map(one_line, recs.first_change) if line and line not in messages
        ]
        first = first_sentence(actions[0]) if actions else None
        if first and first[-1] not in ".!?":
            first += "."
        notice = f"No legal form is ranked while {what} {verb}"
        return notice, tuple(one_line(x) for x in recs.first_change), first

    def form_decision(self) -> FormDecision:
        recs = self.r.recommendations
        notice, _, first = self.withheld()
        if notice is not None:
            text = notice + (f"; first: {first}" if first else ".")
            return FormDecision("withheld", text, (), ())
        if not recs.legal_forms:
            return FormDecision("none", "No legal form fits the answers given.", (), ())
        top = recs.legal_forms[0]
        return FormDecision(
            "ranked",
            one_line(top.title),
            self.cites(top.cite, shown=self.full),
            tuple(one_line(c.title) for c in recs.legal_forms[1:3]),
        )

    def steps(self) -> tuple[StepLink, ...]:
        found = {
            c.id: (c, stage.stage)
            for stage in self.r.recommendations.next_steps
            for c in stage.steps
        }
        out = []
        for sid in self.r.recommendations.first_steps:
            if sid not in found:
                continue
            c, stage = found[sid]
            out.append(
                StepLink(
                    c.id,
                    one_line(c.title),
                    self.stage_titles.get(stage, stage),
                    self.cites(c.cite, shown=self.full),
                )
            )
        return tuple(out)

    def decision(self) -> Decision:
        verdict = self.verdict()
        caps, caps_more = self.caps()
        flags, flags_text = self.top_flags(caps)
        readiness = self.readiness()
        form = self.form_decision()
        steps = self.steps()
        return Decision(verdict, caps, caps_more, flags, flags_text, readiness, form, steps)

    def warnings(self) -> tuple[str, ...]:
        out = list(self.r.warnings)
        if self.q is not None and self.q.sha256 != self.r.questionnaire.sha256:
            out.append(
                "The questionnaire used to write this report is not the one that produced the "
                f"result ({self.q.id} {self.q.version}); the wording of questions may differ."
            )
        return tuple(out)

    def section_row(self, s: SectionResult) -> SectionRow:
        score = None
        if not s.scored:
            score_text = "not scored"
        elif s.score is None:
            score_text = "—"
        else:
            score = self.section_score(s.score, s.id)
            score_text = score.short
        floor_text = None
        if s.floor is not None:
            floor_text = f"floor {number(s.floor)}"
        return SectionRow(
            id=s.id,
            title=one_line(s.title),
            topic=self.topics.get(s.topic, s.topic),
            measure=s.measure,
            weight=number(s.weight) if s.scored else "-",
            scored=s.scored,
            score=score,
            score_text=score_text,
            answered_text=percent(s.answered_share) if s.answered_share is not None else "-",
            answered=s.answered,
            open=s.unknown + s.may_apply,
            not_applicable=s.not_applicable,
            floor_text=floor_text,
        )

    def section_score(self, s: ScoreRange, section: str) -> ScoreView:
        n = sum(1 for u in self.r.unknowns if u.section == section and u.swing > 0)
        return ScoreView(s.low, s.point, s.high, n if s.low != s.high else 0)

    def flags(self, severity: Literal["blocker", "warning", "info"]) -> tuple[FlagView, ...]:
        return tuple(self.flag(f) for f in self.r.flags if f.severity == severity)

    def reason(self, kind: Literal["for", "against", "because"], r: Reason) -> ReasonView:
        points = signed(r.points) if kind != "because" and r.points != 0 else ""
        cites = self.cites(r.cite, shown=self.full)
        return ReasonView(kind, _REASON_LABELS[kind], one_line(r.text), points, cites)

    def candidate(self, c: Candidate, *, cited: bool = True) -> CandidateView:
        cites = self.cites(c.cite, shown=cited)
        # A next step's rules say why it is listed; their points only order nothing.
        pro: Literal["for", "because"] = "because" if c.kind == "next_step" else "for"
        reasons = [self.reason("because", x) for x in c.excluded_because]
        reasons += [self.reason(pro, x) for x in c.reasons_for]
        reasons += [self.reason("against", x) for x in c.reasons_against]
        return CandidateView(
            id=c.id,
            title=one_line(c.title),
            rank=c.rank,
            summary=c.summary,
            score_text=number(c.score),
            group=c.group,
            reasons=tuple(reasons),
            cites=cites,
        )

    def recommendations(self) -> RecommendationsView:
        recs = self.r.recommendations
        notice, first_change, _ = self.withheld()
        withheld = None
        if notice is not None:
            withheld = (
                notice.replace("No legal form is ranked", "No legal form or governance is ranked")
                + "."
            )
        return RecommendationsView(
            status=recs.status,
            withheld=withheld,
            first_change=first_change,
            legal_forms=tuple(
                self.candidate(c, cited=self.full or n < TERMINAL_FORMS)
                for n, c in enumerate(recs.legal_forms)
            ),
            excluded_forms=tuple(self.candidate(c, cited=self.full) for c in recs.excluded_forms),
            governance=tuple(self.candidate(c) for c in recs.governance),
            governance_not_recommended=tuple(
                self.candidate(c, cited=self.full) for c in recs.governance_not_recommended
            ),
        )

    def scenario(self, s: Scenario) -> ScenarioView:
        changes = tuple(
            ChangeView(
                self.question(c.question, c.prompt),
                one_line(c.before_text),
                one_line(c.after_text),
                one_line(c.action),
            )
            for c in s.changes
        )
        if s.status == "decided":
            if s.best == self.verdict_band:
                outcome = "The verdict would stay in this band"
            else:
                outcome = f"The verdict would become {self.band_ref(s.best)}"
        else:
            outcome = (
                f"The verdict would be between {self.band(s.best)} and {self.band(s.worst)}, "
                f"pointing to {self.band_ref(s.indicative)}"
            )
        if s.score is not None:
            outcome += f" (score {number(s.score)})"
        effects = []
        for fid in s.cleared:
            f = self.flag_results.get(fid)
            if f is not None:
                effects.append(f"Clears the cap: {first_sentence(f.message)}")
            else:
                effects.append(f"Clears the cap set by {self.section_titles.get(fid, fid)}.")
        return ScenarioView(changes, outcome + ".", tuple(effects))

    def what_if(self) -> WhatIfView:
        w = self.r.what_if
        if w is None:
            return WhatIfView(False, "", (), ("The search for changes was not run.",))
        goal = (
            "The fewest changes the organisation could make, one answer and then two, that "
            "would lift the verdict or clear a cap. Only answers it can change by acting are "
            "considered."
        )
        notes = []
        if not w.scenarios:
            notes.append("No change to one or two answers would improve the verdict.")
        if not w.complete:
            notes.append(
                f"The search stopped after {w.evaluations} of up to {w.budget} scenarios, so "
                "there may be other changes that help."
            )
        return WhatIfView(True, goal, tuple(self.scenario(s) for s in w.scenarios), tuple(notes))

    def robustness(self) -> RobustnessView:
        rb = self.r.robustness
        sens = []
        for s in rb.sensitive_to:
            change = "less" if s.factor < 1 else "more"
            pct = number(abs(s.factor - 1) * 100)
            then = self.outcome(s.status, s.best, s.worst)
            if s.score is not None:
                then += f" (score {number(s.score)})"
            title = self.section_titles.get(s.section, s.section)
            sens.append(f"If {title} weighed {pct}% {change}, the verdict would be {then}.")
        if rb.status == "sensitive":
            summary = (
                "Sensitive: the verdict changes if one section's weight is 20% higher or lower."
            )
        elif rb.status == "robust":
            summary = "Robust: the verdict stays the same if any one section's weight is 20% higher or lower."
        else:
            summary = one_line(rb.summary)
        margin = None
        if rb.margin is not None:
            margin = f"The point estimate is {number(rb.margin)} points from the nearest limit of its band."
        return RobustnessView(summary, margin, tuple(sens))

    def drivers(self) -> DriversView:
        d = self.r.drivers
        baseline = None
        if d.baseline is not None:
            baseline = (
                f"Points each answer moved the score from {number(d.baseline)}, the score with "
                "every answer at its neutral value; unknown answers count as neutral."
            )

        def view(qid: str) -> DriverView:
            e = self.expl.get(qid)
            amount = points(e.contribution) if e and e.contribution is not None else ""
            answer = one_line(e.answer_text) if e and e.answer_text else ""
            return DriverView(self.question(qid), answer, amount)

        return DriversView(
            baseline,
            tuple(view(q) for q in d.helped),
            tuple(view(q) for q in d.held_back),
        )

    def unknowns(self) -> tuple[UnknownView, ...]:
        deciding = set(self.r.verdict.deciding)
        out = []
        for u in self.r.unknowns:
            parts = []
            if u.swing > 0:
                what = "score" if u.measure == "suitability" else "readiness score"
                parts.append(f"{number(u.swing)} points of the {what}'s range")
            elif not u.scored:
                parts.append("not scored")
            if u.could_cap:
                parts.append("could cap the verdict at " + self._cap_band(u.could_cap))
            reason = "Don't know" if u.reason == "dont_know" else "Not answered"
            if u.applies == "maybe":
                reason += ", if it applies"
            out.append(
                UnknownView(
                    self.question(u.id, u.prompt),
                    reason,
                    u.measure,
                    u.id in deciding,
                    "; ".join(parts),
                )
            )
        return tuple(out)

    def next_steps(self) -> tuple[StageView, ...]:
        return tuple(
            StageView(one_line(s.title), tuple(self.candidate(c, cited=self.full) for c in s.steps))
            for s in self.r.recommendations.next_steps
        )

    def answer(self, e: Explanation) -> AnswerView:
        from mutual_detector.model.questionnaire import text

        qn = self.q.question_index.get(e.id) if self.q is not None else None
        why = text(qn.why, self.lang) or None if qn is not None else None
        cite_ids = list(qn.cite) if qn is not None else list(e.cite)
        if e.status == "answered":
            answer = e.answer_text if e.answer_text is not None else str(e.answer)
        else:
            answer = _STATUS_WORDS[e.status]
        shown = None
        if e.scored and e.status == "answered" and e.points is not None:
            shown = f"{number(e.points)} of {number(e.max_points or 0)}"
            if e.contribution is not None:
                shown += f"; moved the score {points(e.contribution)} from neutral"
        elif e.scored and e.swing is not None and e.status in ("dont_know", "unanswered"):
            shown = f"Counts as neutral in the score; accounts for {number(e.swing)} points of its range"
        elif not e.scored and e.status != "not_applicable":
            shown = "Not scored (informs recommendations)"
        cites = self.cites(cite_ids, shown=self.full and e.status != "not_applicable")
        return AnswerView(
            question=self.question(e.id, e.prompt),
            applicable=e.status != "not_applicable",
            status=e.status,
            answer=answer,
            points=shown,
            why=why,
            note=e.note,
            evidence=e.evidence,
            remark=e.remark,
            cites=cites,
        )

    def answer_topics(self) -> tuple[AnswerTopic, ...]:
        topics: dict[str, str] = {}
        intros: dict[str, str] = {}
        if self.q is not None:
            from mutual_detector.model.questionnaire import text

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
            out.append(AnswerTopic(one_line(topics.get(topic_id, topic_id)), tuple(sections)))
        return tuple(out)

    def sources(self) -> tuple[SourceView, ...]:
        known: dict[str, tuple[str, str | None, str | None, str | None, str | None]] = {}
        for s in self.r.sources:
            known[s.id] = (s.title, s.publisher, s.year, s.url, None)
        if self.q is not None:
            from mutual_detector.model.questionnaire import text

            for src in self.q.sources:
                note = text(src.note, self.lang) if src.note is not None else None
                year = str(src.year) if src.year is not None else None
                known[src.id] = (text(src.title, self.lang), src.publisher, year, src.url, note)
        if self.full:
            # Sources the result lists but nothing in the report cited come last.
            self.cites([s.id for s in self.r.sources])
        out = []
        for sid, n in self._cite_numbers.items():
            title, publisher, year, url, note = known.get(sid, (sid, None, None, None, None))
            link = safe_url(url)
            out.append(
                SourceView(
                    number=n,
                    id=sid,
                    title=one_line(title),
                    publisher=one_line(publisher) or None,
                    year=one_line(year) or None,
                    url=link,
                    raw_url=url if link is None else None,
                    note=note,
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


def build_report(
    result: Result, questionnaire: Questionnaire | None = None, *, scope: Scope = "full"
) -> Report:
    """The report view of ``result``.

    ``questionnaire`` (the one that produced the result) adds each question's
    "why" and citations, topic titles, band labels and source notes; without it
    the report shows what the result alone holds. ``scope``: ``"terminal"``
    numbers only the citations the terminal report shows.
    """
    b = _Builder(result, questionnaire, scope)
    m = result.metadata
    subtitle = m.service
    if m.service and m.organisation:
        subtitle = f"{m.service}, {m.organisation}"
    # Build in reading order, so that citations are numbered as they appear.
    decision = b.decision()
    warnings = b.warnings()
    sections = tuple(b.section_row(s) for s in result.sections if s.measure == "suitability")
    drivers = b.drivers()
    unknowns = b.unknowns()
    blockers, conditions, info = b.flags("blocker"), b.flags("warning"), b.flags("info")
    recommendations = b.recommendations()
    next_steps = b.next_steps()
    what_if = b.what_if()
    robustness = b.robustness()
    answers = b.answer_topics()
    return Report(
        title="Public service mutual assessment",
        subtitle=subtitle,
        facts=b.facts(),
        assessor_notes=m.notes,
        draft=result.answers_status == "draft",
        decision=decision,
        warnings=warnings,
        sections=sections,
        drivers=drivers,
        unknowns=unknowns,
        blockers=blockers,
        conditions=conditions,
        info=info,
        recommendations=recommendations,
        next_steps=next_steps,
        what_if=what_if,
        robustness=robustness,
        answers=answers,
        sources=b.sources(),
        colophon=b.colophon(),
        timestamp=result.timestamp,
        language=result.language,
    )


__all__ = [
    "DECISION_LABELS",
    "HEADINGS",
    "PHRASES",
    "SECTION_COLUMNS",
    "AnswerGroup",
    "AnswerTopic",
    "AnswerView",
    "CandidateView",
    "CapView",
    "ChangeView",
    "DecidingView",
    "Decision",
    "DriverView",
    "DriversView",
    "ExpectationView",
    "FlagView",
    "FormDecision",
    "QuestionLink",
    "ReadinessView",
    "ReasonView",
    "RecommendationsView",
    "Report",
    "RobustnessView",
    "ScenarioView",
    "ScoreView",
    "SectionRow",
    "SourceView",
    "StageView",
    "StepLink",
    "UnknownView",
    "VerdictView",
    "WhatIfView",
    "after_first_sentence",
    "build_report",
    "first_sentence",
    "number",
    "one_line",
    "percent",
    "plural",
    "points",
    "range_bar",
    "safe_url",
    "signed",
    "text_bar",
    "text_lines",
]

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
    "about": "About this assessment",
    "verdict": "Verdict",
    "sections": "Section scores",
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
    "settle": "Answers to these questions would settle the verdict:",
    "warnings": "Points to note about the answers:",
    "meaning": "What this means:",
    "assessor_notes": "Assessor's notes:",
    "confidence_note": "Confidence is the share of the section's applicable questions (by weight) "
    'that have a usable answer; open questions were answered "don\'t know" or not at all.',
    "sources": "Sources",
}

#: Columns of the section scores table: (title, numeric?).
SECTION_COLUMNS = (
    ("Section", False),
    ("Weight", True),
    ("Score (out of 100)", False),
    ("Confidence", True),
    ("Answered", True),
    ("Open", True),
    ("Did not apply", True),
)

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
    status: Literal["band", "inconclusive"]
    label: str
    headline: str
    summary: str
    meaning: str | None
    tone: Tone
    score: float | None
    score_text: str
    confidence_text: str
    threshold_text: str
    notes: tuple[str, ...]
    settle: tuple[QuestionLink, ...]


@dataclass(frozen=True, slots=True)
class SectionRow:
    id: str
    title: str
    topic: str
    weight: str
    scored: bool
    score: float | None
    score_text: str
    confidence_text: str
    answered: int
    open: int
    not_applicable: int


@dataclass(frozen=True, slots=True)
class FlagView:
    id: str
    severity: Literal["blocker", "warning", "info"]
    message: str
    cap_text: str | None
    cites: tuple[int, ...]


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
    status: Literal["answered", "dont_know", "unanswered", "not_applicable"]
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
    """Everything a printable report shows, in order, as plain text."""

    title: str
    subtitle: str | None
    facts: tuple[tuple[str, str], ...]
    """Label and value pairs describing the assessment (service, assessor, ...)."""
    assessor_notes: str | None
    verdict: VerdictView
    warnings: tuple[str, ...]
    sections: tuple[SectionRow, ...]
    blockers: tuple[FlagView, ...]
    conditions: tuple[FlagView, ...]
    info: tuple[FlagView, ...]
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
        return len(self.blockers) + len(self.conditions) + len(self.info)

    def flag_groups(self) -> tuple[tuple[str, tuple[FlagView, ...]], ...]:
        """The non-empty groups of red flags, with their sub-headings."""
        groups = (
            (PHRASES["blockers"], self.blockers),
            (PHRASES["conditions"], self.conditions),
            (PHRASES["notes"], self.info),
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
        self.band_labels: dict[str, str] = {}
        self.band_rank: dict[str, int] = {}
        if questionnaire is not None:
            for i, b in enumerate(questionnaire.scoring.bands):
                self.band_labels[b.id] = text(b.label, self.lang)
                self.band_rank[b.id] = i
        if result.verdict.band and result.verdict.label:
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

    def verdict(self) -> VerdictView:
        v = self.r.verdict
        conf = percent(v.confidence)
        threshold = percent(v.confidence_threshold)
        score_text = f"{number(v.score)} out of 100" if v.score is not None else "not scored"
        notes: list[str] = []
        if v.status == "band":
            label = v.label or self.band(v.band)
            headline = f"Verdict: {label} (score {score_text}, confidence {conf})"
            tone = self.tone(v.band)
        else:
            label = "Inconclusive"
            tone = "unknown"
            if v.score is None:
                why = "nothing that is scored was answered"
            else:
                why = f"confidence {conf} is below the {threshold} needed"
            headline = f"Verdict: Inconclusive ({why})"
            if v.indicative_band is not None:
                notes.append(
                    f"The answers so far point to {self.band(v.indicative_band)}, "
                    "as an indication only."
                )
        if v.cap is not None and v.capped_by:
            n = len(v.capped_by)
            blockers = "a blocker" if n == 1 else f"{n} blockers"
            note = f"Because of {blockers} (see {HEADINGS['flags']}), the verdict can be no better than {self.band(v.cap)}"
            if v.score_band is not None and v.score_band != v.cap:
                note += f"; the score alone would place it in {self.band(v.score_band)}"
            notes.append(note + ".")
        return VerdictView(
            status=v.status,
            label=label,
            headline=headline,
            summary=v.summary,
            meaning=v.meaning,
            tone=tone,
            score=v.score,
            score_text=score_text,
            confidence_text=conf,
            threshold_text=threshold,
            notes=tuple(notes),
            settle=tuple(self.question(qid) for qid in v.settle),
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
            elif s.confidence is None:
                score_text = "no scored question applied"
            elif s.score is None:
                score_text = "not answered"
            else:
                score_text = number(s.score)
            rows.append(
                SectionRow(
                    id=s.id,
                    title=s.title,
                    topic=topics.get(s.topic, s.topic),
                    weight=number(s.weight) if s.scored else "-",
                    scored=s.scored,
                    score=s.score if s.scored else None,
                    score_text=score_text,
                    confidence_text=percent(s.confidence) if s.confidence is not None else "-",
                    answered=s.answered,
                    open=s.inconclusive,
                    not_applicable=s.not_applicable,
                )
            )
        return tuple(rows)

    def flags(self, severity: Literal["blocker", "warning", "info"]) -> tuple[FlagView, ...]:
        out = []
        for f in self.r.flags:
            if f.severity != severity:
                continue
            cap = f"The verdict can be no better than {self.band(f.cap)}." if f.cap else None
            out.append(FlagView(f.id, f.severity, f.message, cap, self.cites(f.cite)))
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
            ChangeView(self.question(c.question, c.prompt), c.before_text, c.after_text)
            for c in s.changes
        )
        if s.status == "inconclusive":
            outcome = "The verdict would still be inconclusive"
        else:
            label = s.label or self.band(s.band)
            outcome = f"The verdict would become {label}"
        if s.score is not None:
            outcome += f" (score {number(s.score)})"
        effects = []
        for fid in s.cleared:
            effects.append(f"Clears the blocker: {self.flag_messages.get(fid, fid)}")
        return ScenarioView(changes, outcome + ".", tuple(effects))

    def what_if(self) -> WhatIfView:
        w = self.r.what_if
        if w is None:
            return WhatIfView(False, "", (), ("The search for answer changes was not run.",))
        notes = []
        if not w.scenarios:
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
            then = "inconclusive" if s.status == "inconclusive" else self.band(s.band)
            if s.score is not None:
                then += f" (score {number(s.score)})"
            title = self.section_titles.get(s.section, s.section)
            out.append(
                f"If the section {title} weighed {pct}% {change}, the verdict would be {then}."
            )
        return tuple(out)

    def drivers(self) -> tuple[tuple[DriverView, ...], tuple[DriverView, ...]]:
        expl = {e.id: e for e in self.r.explanations}
        up = []
        for qid in self.r.drivers.up:
            e = expl.get(qid)
            amount = f"+{number(e.gained)} points" if e and e.gained is not None else ""
            up.append(DriverView(self.question(qid), amount))
        down = []
        for qid in self.r.drivers.down:
            e = expl.get(qid)
            amount = f"{number(e.lost)} points missed" if e and e.lost is not None else ""
            down.append(DriverView(self.question(qid), amount))
        return tuple(up), tuple(down)

    def open_questions(self) -> tuple[OpenQuestionView, ...]:
        return tuple(
            OpenQuestionView(
                self.question(i.id, i.prompt),
                _STATUS_WORDS[i.reason],
                percent(i.share) + " of the weight" if i.scored else "not scored",
            )
            for i in self.r.inconclusive
        )

    def next_steps(self) -> tuple[StageView, ...]:
        return tuple(
            StageView(s.title, tuple(self.candidate(c) for c in s.steps))
            for s in self.r.recommendations.next_steps
        )

    def answer(self, e: Explanation) -> AnswerView:
        qn = self.q.question_index.get(e.id) if self.q is not None else None
        why = text(qn.why, self.lang) or None if qn is not None else None
        cite_ids = list(qn.cite) if qn is not None else []
        if e.status == "answered":
            answer = e.answer_text if e.answer_text is not None else str(e.answer)
        else:
            answer = _STATUS_WORDS[e.status]
        points = None
        if e.scored and e.status == "answered" and e.points is not None:
            points = f"{number(e.points)} of {number(e.max_points or 0)}"
            if e.gained is not None:
                points += f", adding {number(e.gained)} to the overall score"
            if e.lost:
                points += f" (the best answer would add {number(e.lost)} more)"
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
        known: dict[str, tuple[str, str | None, str | None]] = {}
        for s in self.r.sources:
            known[s.id] = (s.title, s.url, None)
        if self.q is not None:
            for src in self.q.sources:
                note = text(src.note, self.lang) if src.note is not None else None
                known[src.id] = (text(src.title, self.lang), src.url, note)
        # Sources the result lists but nothing in the report cited come last.
        self.cites([s.id for s in self.r.sources])
        out = []
        for sid, n in self._cite_numbers.items():
            title, url, note = known.get(sid, (sid, None, None))
            link = safe_url(url)
            out.append(SourceView(n, sid, title, link, url if link is None else None, note))
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
        verdict=verdict,
        warnings=b.warnings(),
        sections=b.sections(),
        blockers=blockers,
        conditions=conditions,
        info=info,
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
    "DriverView",
    "FlagView",
    "OpenQuestionView",
    "QuestionLink",
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

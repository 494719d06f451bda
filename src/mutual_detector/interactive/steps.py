"""The steps of an interactive assessment and the replies to them: pure, no terminal.

A step is what the user is asked now: a :class:`MetaPrompt` (about the
assessment), a :class:`QuestionPrompt`, the :class:`ReviewPrompt`, a
:class:`NotePrompt` (from the review: the note or evidence of an answer, or the
notes on the whole assessment) or
:data:`DONE`. A reply is a value, ``dont_know``, :data:`BACK` or :data:`SKIP`.
:func:`parse_typed`, :func:`parse_meta`, :func:`parse_note` and
:func:`check_selection` turn what was typed or ticked into a reply, or raise
:class:`InvalidReply` with a message for the user (the frontend's validate
callbacks use them).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, Protocol, TypeAlias

if TYPE_CHECKING:
    from mutual_detector.model.questionnaire import Question

# NOTE: this module is imported before the first prompt, so it must not import
# pydantic or the models at run time (time to first prompt, issue 6). Functions
# that need them import them when called, by which time they are loaded.

#: The explicit "don't know" answer (the same as ``model.answers.DONT_KNOW``).
DONT_KNOW: Final = "dont_know"


class Nav(enum.Enum):
    """Replies that move rather than answer."""

    BACK = "back"
    SKIP = "skip"


BACK: Final = Nav.BACK
SKIP: Final = Nav.SKIP

Value: TypeAlias = bool | int | float | str | list[str]
Reply: TypeAlias = Value | Nav
Origin = Literal["command line", "typed", "file", "default"]

#: Words typed into a text or number prompt that mean "go back" / "don't know".
BACK_WORDS: Final = frozenset({"<", "back"})
DONT_KNOW_WORDS: Final = frozenset({"?", "dont know", "don't know", "don’t know", DONT_KNOW})


class InvalidReply(ValueError):
    """A reply that cannot be accepted; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class MetaField:
    name: str
    prompt: str
    help: str
    required: bool


META_FIELDS: Final = (
    MetaField(
        "service",
        "Which service are you assessing?",
        "e.g. Adult day services",
        True,
    ),
    MetaField(
        "organisation",
        "Which organisation runs it now?",
        "e.g. Anytown Council; Enter to skip",
        False,
    ),
    MetaField(
        "assessor",
        "Your name, as the person making this assessment:",
        "Enter to skip",
        False,
    ),
    MetaField(
        "date",
        "Date of the assessment (YYYY-MM-DD):",
        "Enter to keep it",
        True,
    ),
)
META_BY_NAME: Final = {f.name: f for f in META_FIELDS}
META_PREFIX: Final = "meta:"  # question ids are slugs, so never contain ':'
MetaValue: TypeAlias = str | dt.date


def meta_key(name: str) -> str:
    return META_PREFIX + name


def is_meta_key(key: str) -> bool:
    return key.startswith(META_PREFIX)


def parse_meta(field: MetaField, raw: str) -> MetaValue | Nav:
    """The value typed for a metadata field, :data:`SKIP` for blank, or InvalidReply."""
    value = raw.strip()
    if value.lower() in BACK_WORDS:
        return BACK
    if not value:
        if field.required:
            raise InvalidReply("Please type an answer; this one is needed.")
        return SKIP
    if len(value) > 500:
        raise InvalidReply("Please keep this under 500 characters.")
    if field.name == "date":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidReply("Please give a date as YYYY-MM-DD, e.g. 2026-11-25.") from None
    return value


# --------------------------------------------------------------------------- notes

#: The longest note or evidence of an answer (``max_length`` in ``model.answers.Answer``).
NOTE_MAX_CHARS: Final = 10_000
#: The longest notes on the whole assessment (``max_length`` of ``Metadata.notes``).
NOTES_MAX_CHARS: Final = 20_000
#: Shown in the review next to an answer that has a note or evidence.
NOTE_MARK: Final = "✎"
#: "note" and "evidence" belong to an answer; "notes" to the whole assessment
#: (``metadata.notes`` in the answers file).
NoteField = Literal["note", "evidence", "notes"]
#: The review row, and the note prompt, of the notes on the whole assessment.
NOTES_KEY: Final = META_PREFIX + "notes"
NOTES_LABEL: Final = "Notes on the whole assessment"


def parse_note(field: NoteField, raw: str) -> str | None:
    """A note, evidence or notes as typed: stripped; None if empty; InvalidReply if too long."""
    value = raw.strip()
    limit = NOTES_MAX_CHARS if field == "notes" else NOTE_MAX_CHARS
    if len(value) > limit:
        raise InvalidReply(
            f"Please keep the {field} to {limit:,} characters or fewer "
            f"(this one has {len(value):,})."
        )
    return value or None


def preview(text: str, width: int = 60) -> str:
    """Long text on one line for the review table: spaces collapsed, cut to ``width`` with …
    (after a whole word if one ends near the cut)."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    if space >= width - 20:
        cut = cut[:space]
    return cut.rstrip() + "…"


# --------------------------------------------------------------------------- prompts


@dataclass(frozen=True)
class Citation:
    title: str
    url: str | None


@dataclass(frozen=True)
class ChoiceItem:
    """One choice of a single, multi, scale or yes/no question."""

    value: bool | int | str
    label: str
    help: str = ""


@dataclass(frozen=True)
class MetaPrompt:
    key: str
    field: MetaField
    default: str
    can_go_back: bool

    @property
    def message(self) -> str:
        return self.field.prompt


@dataclass(frozen=True)
class QuestionPrompt:
    key: str
    question: Question
    message: str
    help: str
    why: str
    citations: tuple[Citation, ...]
    topic: str
    topic_intro: str
    section: str
    section_intro: str
    position: int
    total: int
    """The questions that apply given the answers so far (the count as it stands)."""
    settled: bool
    """Whether ``total`` can no longer change (no answer to come opens or closes a question)."""
    count_was: int | None
    """The count shown at the question before; None at the first question of the session."""
    current: Value | None
    choices: tuple[ChoiceItem, ...]
    can_go_back: bool

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def progress(self) -> str:
        """``Suitability · 7 of about 31``: the topic, and where this question stands.

        "about" while answers still to come can open or close questions (then
        :attr:`count_note` says why the count moved); ``7 of 31`` once it is settled.
        """
        about = "" if self.settled else "about "
        return f"{self.topic} · {self.position} of {about}{self.total}"

    @property
    def count_note(self) -> str | None:
        """Why the count is not fixed: said at the first question, and whenever it moves."""
        was = self.count_was
        if was is not None and was != self.total:
            change = self.total - was
            more = f"{change} more" if change > 0 else f"{-change} fewer"
            return (
                f"Now {self.total} questions, {more} than before: "
                "your answers open or close questions as you go."
            )
        if was is None and not self.settled:
            return (
                f"{self.total} questions so far: the count changes as your answers "
                "open or close questions."
            )
        return None

    @property
    def allows_dont_know(self) -> bool:
        return self.question.dont_know

    @property
    def optional(self) -> bool:
        return not self.question.required

    @property
    def default_text(self) -> str:
        """The current answer as it would be typed (text and number prompts)."""
        if self.current is None:
            return ""
        if self.current == DONT_KNOW:
            return "?"
        if isinstance(self.current, float) and self.current.is_integer():
            return str(int(self.current))
        return str(self.current)


@dataclass(frozen=True)
class ReviewRow:
    key: str
    number: int
    topic: str
    label: str
    shown: str
    origin: Origin | None
    #: Whether the answer can be changed (not if it was given on the command line).
    editable: bool
    #: Whether the answer has a note or evidence (shown with :data:`NOTE_MARK`).
    noted: bool = False
    #: Whether a note can be added (any answered question, even from the command line).
    can_note: bool = False


@dataclass(frozen=True)
class ReviewPrompt:
    rows: tuple[ReviewRow, ...]

    def row(self, key: str) -> ReviewRow:
        return next(r for r in self.rows if r.key == key)


@dataclass(frozen=True)
class EditNote:
    """The review's reply "add or edit the note and evidence of the answer to ``key``"."""

    key: str


@dataclass(frozen=True)
class NotePrompt:
    """The note, then the evidence, of one answer: asked from the review, pre-filled.

    With ``key`` :data:`NOTES_KEY` (field ``"notes"``): the notes on the whole assessment.
    """

    key: str
    field: NoteField
    #: The question, and its answer as the review shows it (the notes: their label, "").
    label: str
    shown: str
    #: The note or evidence now ("" for none): pre-filled, so Enter keeps it.
    default: str

    @property
    def message(self) -> str:
        if self.field == "notes":
            return "Your notes on the whole assessment:"
        return "Your note on this answer:" if self.field == "note" else "Evidence for this answer:"


class _Done(enum.Enum):
    DONE = "done"


DONE: Final = _Done.DONE
Step: TypeAlias = MetaPrompt | QuestionPrompt | ReviewPrompt | NotePrompt | _Done


# --------------------------------------------------------------------------- typed replies


_NUMBER_JUNK: Final = re.compile(r"[\s,_£]")


def parse_typed(prompt: QuestionPrompt, raw: str) -> Reply:
    """The reply typed into a text or number prompt; raises InvalidReply with a message."""
    question = prompt.question
    value = raw.strip()
    lowered = value.lower()
    if lowered in BACK_WORDS:
        if not prompt.can_go_back:
            raise InvalidReply("This is the first question; there is nothing to go back to.")
        return BACK
    if lowered in DONT_KNOW_WORDS:
        if not question.dont_know:
            raise InvalidReply('This question needs a real answer; "don\'t know" is not allowed.')
        return DONT_KNOW
    if not value:
        if question.required:
            hint = " (or ? if you don't know)" if question.dont_know else ""
            raise InvalidReply(f"Please answer this question{hint}.")
        return SKIP
    answer: Value = value
    if question.kind == "number":
        answer = _parse_number(value, question.number_spec.unit)
    from mutual_detector.model.checks import check_answer

    problem = check_answer(question, answer)
    if problem is not None:
        raise InvalidReply(as_sentence(problem[1]))
    return answer


def _parse_number(value: str, unit: str | None) -> int | float:
    cleaned = _NUMBER_JUNK.sub("", value)
    if unit and cleaned.lower().endswith(unit.lower().replace(" ", "")):
        cleaned = cleaned[: len(cleaned) - len(unit.replace(" ", ""))]
    cleaned = cleaned.rstrip("%")
    try:
        number = float(cleaned)
    except ValueError:
        raise InvalidReply("Please type a number, e.g. 12 or 3.5.") from None
    if not math.isfinite(number):
        raise InvalidReply("Please type an ordinary number.")
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def as_sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!", ")")) else message + "."


def check_selection(prompt: QuestionPrompt, selected: Sequence[object]) -> Reply:
    """The reply for the ticked boxes of a multi question; raises InvalidReply."""
    special = [s for s in selected if s is BACK or s == DONT_KNOW]
    if special and len(selected) > 1:
        raise InvalidReply('Choose "Don\'t know" or "← Back" on its own, not with other options.')
    if special:
        reply = special[0]
        if reply is BACK:
            if not prompt.can_go_back:
                raise InvalidReply("This is the first question; there is nothing to go back to.")
            return BACK
        if not prompt.question.dont_know:
            raise InvalidReply('This question needs a real answer; "don\'t know" is not allowed.')
        return DONT_KNOW
    values = [str(s) for s in selected]
    from mutual_detector.model.checks import check_answer

    problem = check_answer(prompt.question, values)
    if problem is not None:
        raise InvalidReply(as_sentence(problem[1]))
    return values


# --------------------------------------------------------------------------- frontends


class Frontend(Protocol):
    """What :func:`drive` needs from a user interface."""

    def notice(self, message: str) -> None:
        """Tell the user something (not a question)."""

    def ask(self, prompt: MetaPrompt | QuestionPrompt | NotePrompt) -> Reply | MetaValue:
        """Ask one question; return the value, DONT_KNOW, :data:`BACK` or :data:`SKIP`.

        For a :class:`NotePrompt`, return the text as typed ("" for none).
        """

    def review(self, review: ReviewPrompt) -> str | EditNote | None:
        """Show every answer; return the key of one to change, :class:`EditNote` for a
        note, or None to confirm."""


class PromptFrontend(Frontend, Protocol):
    """A frontend at a terminal: it can also ask whether to replace a file, and must be closed."""

    def confirm_replace(self, path: str, alternative: str) -> bool:
        """Ask whether to replace ``path``; False means save as ``alternative``."""

    def close(self) -> None:
        """Put the terminal back as it was (safe to call more than once)."""


__all__ = [
    "BACK",
    "BACK_WORDS",
    "DONE",
    "DONT_KNOW",
    "DONT_KNOW_WORDS",
    "META_BY_NAME",
    "META_FIELDS",
    "META_PREFIX",
    "NOTES_KEY",
    "NOTES_LABEL",
    "NOTES_MAX_CHARS",
    "NOTE_MARK",
    "NOTE_MAX_CHARS",
    "SKIP",
    "ChoiceItem",
    "Citation",
    "EditNote",
    "Frontend",
    "InvalidReply",
    "MetaField",
    "MetaPrompt",
    "MetaValue",
    "Nav",
    "NoteField",
    "NotePrompt",
    "Origin",
    "PromptFrontend",
    "QuestionPrompt",
    "Reply",
    "ReviewPrompt",
    "ReviewRow",
    "Step",
    "Value",
    "as_sentence",
    "check_selection",
    "is_meta_key",
    "meta_key",
    "parse_meta",
    "parse_note",
    "parse_typed",
    "preview",
]

"""questionary prompts for the steps of a :class:`~.session.Session`.

The only module that imports questionary and prompt_toolkit; it is imported
when there is something to ask, never at start-up. Each question becomes one
prompt: ``select`` for single choice, scale and yes/no (with "Don't know" and
"← Back" as choices), ``checkbox`` for multiple choice, and ``text`` with a
validate callback for numbers and text (``?`` = don't know, ``<`` = back).
Help, "why this matters" and sources are printed, dimmed, above each prompt,
under a progress line such as ``Suitability · 7 of about 31`` (and, when the count
moves, a line saying why). The review prints
every answer (✎ marks those with a note or evidence), then offers to confirm,
to change an answer, or to add or edit the note and evidence of one: two
``text`` prompts, pre-filled, where an empty line clears. The first choice
for a note is the notes on the whole assessment: one such prompt.
"""

from __future__ import annotations

import contextlib
import sys
import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TextIO

import questionary
from prompt_toolkit import print_formatted_text
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.input import Input
from prompt_toolkit.output import create_output
from prompt_toolkit.styles import Style
from questionary import Choice, Separator

from mutual_detector.interactive.steps import (
    BACK,
    NOTE_MARK,
    NOTES_LABEL,
    EditNote,
    InvalidReply,
    MetaPrompt,
    MetaValue,
    NotePrompt,
    QuestionPrompt,
    Reply,
    ReviewPrompt,
    ReviewRow,
    check_selection,
    parse_meta,
    parse_note,
    parse_typed,
)
from mutual_detector.model.answers import DONT_KNOW
from mutual_detector.terminal import Terminal

STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("answer", "fg:ansicyan"),
        ("instruction", "fg:ansibrightblack"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansicyan"),
        ("separator", "fg:ansibrightblack"),
        ("progress", "fg:ansicyan"),
        ("heading", "bold"),
        ("dim", "fg:ansibrightblack"),
        ("notice", "fg:ansiyellow"),
    ]
)

BACK_LABEL = "← Back"
DONT_KNOW_LABEL = "Don't know"
_CONFIRM = "confirm"
_CHANGE = "change"
_NOTE = "note"
NOTE_HINTS = {
    "note": "why you chose this answer; empty for none",
    "evidence": "where it can be checked, e.g. Staff survey 2025, appendix B; empty for none",
    "notes": "e.g. who was consulted, what is still to check; empty for none",
}


def _validator(check: Any) -> Any:
    """A questionary validate callback: True, or the message of the InvalidReply raised."""

    def validate(value: Any) -> bool | str:
        try:
            check(value)
        except InvalidReply as exc:
            return exc.message
        return True

    return validate


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width``, broken between words (a word longer than
    the whole column is the only thing ever cut)."""
    return textwrap.wrap(text, max(1, width), break_on_hyphens=False) or [""]


def review_lines(row: ReviewRow, width: int) -> list[list[tuple[str, str]]]:
    """One row of the review as lines of styled parts, at most ``width`` columns each.

    The number, then the question and the answer in two columns, each wrapped
    between words (never cut inside one, as a terminal wrapping a long line
    does); where the answer came from follows it, dimmed.
    """
    label_width = max(16, min(40, (width - 9) * 2 // 5))
    answer_width = max(8, width - 9 - label_width)
    labels = _wrap(row.label, label_width)
    answers = _wrap(row.shown + (f" {NOTE_MARK}" if row.noted else ""), answer_width)
    origins: list[str] = []
    if row.origin not in (None, "typed"):
        origin = f"({row.origin})"
        if len(answers[-1]) + 2 + len(origin) <= answer_width:
            answers[-1] += "\0" + origin  # on the answer's last line
        else:
            origins = [origin]
    lines: list[list[tuple[str, str]]] = []
    for n in range(max(len(labels), len(answers) + len(origins))):
        number = f"  {row.number:>3}  " if n == 0 else " " * 7
        label = labels[n] if n < len(labels) else ""
        rest: list[tuple[str, str]] = []
        if n < len(answers):
            answer, _, origin = answers[n].partition("\0")
            rest.append(("class:answer", answer))
            if origin:
                rest.append(("class:dim", f"  {origin}"))
        elif n - len(answers) < len(origins):
            rest.append(("class:dim", origins[n - len(answers)]))
        label = f"{label:<{label_width}}  " if rest else label  # no spaces at a line's end
        lines.append([("class:dim", number), ("", label), *rest])
    return lines


class QuestionaryFrontend:
    """Asks at a terminal with questionary; implements :class:`~.steps.PromptFrontend`."""

    def __init__(self, stream: TextIO | None = None, keys: Input | None = None) -> None:
        """``keys``: where keystrokes come from (default: the terminal; a pipe in tests)."""
        self.stream = stream or sys.stdout
        self.output = create_output(stdout=self.stream)
        self.keys = keys
        self._last_section: str | None = None
        self._last_topic: str | None = None
        self._termios: Any = None
        with contextlib.suppress(Exception):  # not a POSIX terminal: nothing to restore
            import termios

            self._termios = (sys.stdin.fileno(), termios.tcgetattr(sys.stdin.fileno()))

    # ------------------------------------------------------------- output

    def _print(self, *parts: tuple[str, str]) -> None:
        print_formatted_text(FormattedText(list(parts)), style=STYLE, output=self.output)

    def _width(self) -> int:
        return Terminal.of(self.stream).width("prompt")

    def _wrapped(self, text: str, prefix: str = "  ") -> str:
        return "\n".join(
            textwrap.fill(para, self._width(), initial_indent=prefix, subsequent_indent=prefix)
            for para in text.splitlines()
            if para.strip()
        )

    def notice(self, message: str) -> None:
        self._print(("class:notice", self._wrapped(message, "! ").replace("\n! ", "\n  ")))

    def _header(self, prompt: QuestionPrompt) -> None:
        if prompt.topic != self._last_topic:
            self._last_topic = prompt.topic
            self._print(("", "\n"), ("class:heading", prompt.topic))
            if prompt.topic_intro:
                self._print(("class:dim", self._wrapped(prompt.topic_intro)))
        if prompt.section != self._last_section:
            self._last_section = prompt.section
            if prompt.section and prompt.section != prompt.topic:
                self._print(("class:heading", f"  {prompt.section}"))
                if prompt.section_intro:
                    self._print(("class:dim", self._wrapped(prompt.section_intro)))
        self._print(("", "\n"), ("class:progress", prompt.progress))
        lines: list[str] = []
        if prompt.count_note:
            lines.append(self._wrapped(prompt.count_note))
        if prompt.help:
            lines.append(self._wrapped(prompt.help))
        if prompt.why:
            lines.append(self._wrapped(f"Why this matters: {prompt.why}"))
        if prompt.citations:
            cited = "; ".join(
                f"{c.title} ({c.url})" if c.url else c.title for c in prompt.citations
            )
            lines.append(self._wrapped(f"Sources: {cited}"))
        if lines:
            self._print(("class:dim", "\n".join(lines)))

    # ------------------------------------------------------------- running

    def _run(self, question: questionary.Question) -> Any:
        # Ctrl-C arrives as a key (the terminal is raw) and questionary turns it
        # into KeyboardInterrupt. A SIGINT from elsewhere must do the same, so let
        # Python's default handler raise it (asyncio.run then unwinds the prompt
        # and restores the terminal) instead of prompt_toolkit's, which sends a
        # key that select and checkbox prompts ignore.
        return question.application.run(handle_sigint=False)

    def _text(
        self, message: str, default: str, check: Callable[[str], object], hints: Sequence[str]
    ) -> str:
        """A one-line text prompt; ``check`` judges each Enter (its complaint is shown)."""
        raw = self._run(
            questionary.text(
                message,
                default=default,
                validate=_validator(check),
                instruction=f"({'; '.join(hints)})" if hints else None,
                **self._common(),
            )
        )
        return str(raw)

    def _common(self) -> dict[str, Any]:
        common: dict[str, Any] = {"style": STYLE, "output": self.output, "qmark": "?"}
        if self.keys is not None:
            common["input"] = self.keys
        return common

    def ask(self, prompt: MetaPrompt | QuestionPrompt | NotePrompt) -> Reply | MetaValue:
        if isinstance(prompt, MetaPrompt):
            return self._ask_meta(prompt)
        if isinstance(prompt, NotePrompt):
            return self._ask_note(prompt)
        self._header(prompt)
        kind = prompt.kind
        if kind in ("single", "scale", "yes_no"):
            return self._select(prompt)
        if kind == "multi":
            return self._checkbox(prompt)
        return self._typed(prompt)

    def _ask_meta(self, prompt: MetaPrompt) -> Reply | MetaValue:
        if prompt.key == "meta:service":
            self._print(("", "\n"), ("class:heading", "About this assessment"))
        f = prompt.field
        hints = [f.help]
        if prompt.can_go_back:
            hints.append("< = back")
        return parse_meta(
            f, self._text(prompt.message, prompt.default, partial(parse_meta, f), hints)
        )

    def _extras(self, prompt: QuestionPrompt) -> list[Any]:
        extras: list[Any] = []
        if prompt.allows_dont_know or prompt.can_go_back:
            extras.append(Separator(" "))
        if prompt.allows_dont_know:
            extras.append(Choice(DONT_KNOW_LABEL, value=DONT_KNOW))
        if prompt.can_go_back:
            extras.append(Choice(BACK_LABEL, value=BACK))
        return extras

    def _select(self, prompt: QuestionPrompt) -> Reply:
        choices: list[Any] = [
            Choice(c.label, value=c.value, description=c.help or None) for c in prompt.choices
        ]
        choices += self._extras(prompt)
        values = [c.value for c in choices if isinstance(c, Choice)]
        default: Any = prompt.current if prompt.current in values else None
        answer = self._run(
            questionary.select(
                prompt.message,
                choices=choices,
                default=default,
                instruction="(↑/↓ to move, Enter to choose)",
                **self._common(),
            )
        )
        return answer  # type: ignore[no-any-return]

    def _checkbox(self, prompt: QuestionPrompt) -> Reply:
        current = prompt.current
        ticked = set(current) if isinstance(current, list) else {current}
        choices: list[Any] = [
            Choice(c.label, value=c.value, description=c.help or None, checked=c.value in ticked)
            for c in prompt.choices
        ]
        for extra in self._extras(prompt):
            if isinstance(extra, Choice) and extra.value == DONT_KNOW:
                extra.checked = current == DONT_KNOW
            choices.append(extra)
        selected = self._run(
            questionary.checkbox(
                prompt.message,
                choices=choices,
                validate=_validator(lambda sel: check_selection(prompt, sel)),
                instruction="(↑/↓ to move, Space to tick, Enter when done; tick nothing for none)",
                **self._common(),
            )
        )
        return check_selection(prompt, list(selected))

    def _typed(self, prompt: QuestionPrompt) -> Reply:
        question = prompt.question
        hints: list[str] = []
        if prompt.kind == "number":
            hints.append(question.number_spec.describe())
        if prompt.optional:
            hints.append("Enter to skip")
        if prompt.allows_dont_know:
            hints.append("? = don't know")
        if prompt.can_go_back:
            hints.append("< = back")
        raw = self._text(prompt.message, prompt.default_text, partial(parse_typed, prompt), hints)
        return parse_typed(prompt, raw)

    def _ask_note(self, prompt: NotePrompt) -> str:
        if prompt.field == "notes":
            self._print(("", "\n"), ("class:heading", NOTES_LABEL))
            self._print(
                (
                    "class:dim",
                    self._wrapped(
                        'The Markdown and HTML reports show them under "About this assessment". '
                        "Enter keeps what is shown; Ctrl-U clears the line."
                    ),
                )
            )
        elif prompt.field == "note":
            self._print(("", "\n"), ("class:heading", f"Note and evidence: {prompt.label}"))
            self._print(
                ("class:dim", self._wrapped(f"Answer: {prompt.shown}")),
                ("class:dim", "\n"),
                ("class:dim", self._wrapped("Enter keeps what is shown; Ctrl-U clears the line.")),
            )
        check = partial(parse_note, prompt.field)
        return self._text(prompt.message, prompt.default, check, [NOTE_HINTS[prompt.field]])

    # ------------------------------------------------------------- review

    def review(self, review: ReviewPrompt) -> str | EditNote | None:
        width = self._width()
        self._print(("", "\n"), ("class:heading", "Your answers"))
        topic = None
        for row in review.rows:
            if row.topic != topic:
                topic = row.topic
                self._print(("class:heading", f"  {topic}"))
            for line in review_lines(row, width):
                self._print(*line)
        if any(row.noted for row in review.rows):
            self._print(("class:dim", f"  {NOTE_MARK} = has a note or evidence"))
        actions = [
            Choice("Yes: save them and show the result", value=_CONFIRM),
            Choice("Change an answer", value=_CHANGE),
        ]
        notable = [r for r in review.rows if r.can_note]
        if notable:
            actions.append(Choice("Add or edit a note or evidence", value=_NOTE))
        action = self._run(
            questionary.select(
                "Are these answers right?",
                choices=actions,
                instruction="(↑/↓ to move, Enter to choose)",
                **self._common(),
            )
        )
        if action == _CONFIRM:
            return None
        if action == _NOTE:
            key = self._pick("Which answer is the note for?", notable)
            return self.review(review) if key is None else EditNote(key)
        key = self._pick(
            "Which answer do you want to change?", [r for r in review.rows if r.editable]
        )
        return self.review(review) if key is None else key

    def _pick(self, message: str, rows: list[ReviewRow]) -> str | None:
        """One of ``rows`` (type to filter), or None for "← Back to the list"."""
        choices: list[Any] = [
            Choice(
                f"{r.number:>3}. {r.label} — {r.shown}" + (f" {NOTE_MARK}" if r.noted else ""),
                value=r.key,
            )
            for r in rows
        ]
        choices += [Separator(" "), Choice(BACK_LABEL + " to the list", value=BACK)]
        key = self._run(
            questionary.select(
                message,
                choices=choices,
                use_search_filter=True,
                use_jk_keys=False,
                instruction="(↑/↓ to move or type to filter, Enter to choose)",
                **self._common(),
            )
        )
        return None if key is BACK else str(key)

    def confirm_replace(self, path: str, alternative: str) -> bool:
        answer = self._run(
            questionary.select(
                f"{path} already exists. Replace it?",
                choices=[
                    Choice(f"No: save as {alternative}", value=False),
                    Choice(f"Yes: replace {path}", value=True),
                ],
                instruction="(↑/↓ to move, Enter to choose)",
                **self._common(),
            )
        )
        return bool(answer)

    def resume_draft(self, path: str, answers: int, alternative: str) -> bool:
        """An earlier draft for this service holds ``answers`` answers: carry on from it?

        False starts again; the draft is kept, and this session's draft (if it is
        interrupted) goes to ``alternative`` (the caller says so).
        """
        count = "1 answer" if answers == 1 else f"{answers} answers"
        answer = self._run(
            questionary.select(
                f"An earlier draft for this service is saved in {path} ({count}). "
                "Carry on from it?",
                choices=[
                    Choice(f"Yes: carry on from {path}", value=True),
                    Choice(f"No: start again ({path} is kept)", value=False),
                ],
                instruction="(↑/↓ to move, Enter to choose)",
                **self._common(),
            )
        )
        return bool(answer)

    def close(self) -> None:
        """Put the terminal back as it was (after an interrupt, it may be left raw)."""
        if self._termios is None:
            return
        with contextlib.suppress(Exception):
            import termios

            fd, attrs = self._termios
            termios.tcsetattr(fd, termios.TCSADRAIN, attrs)
        with contextlib.suppress(Exception):
            self.output.show_cursor()
            self.output.flush()


__all__ = ["QuestionaryFrontend"]

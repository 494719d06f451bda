"""Shared support for the tests of interactive ``assess`` on the mini questionnaire.

The replies that answer it in full (:data:`FULL`), a scripted frontend
(:class:`Script`), the real questionary frontend fed keystrokes through a pipe
(:class:`Keyboard`), and short ways to start a :class:`Session` or call
:func:`collect_answers` as the command line does. The fixtures that go with
them (``in_tmp``, ``pipe``, ``keyboard``) are in ``conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from prompt_toolkit.data_structures import Size
from prompt_toolkit.output.plain_text import PlainTextOutput

from mutual_detector.interactive.collect import collect_answers
from mutual_detector.interactive.session import Session
from mutual_detector.interactive.steps import (
    SKIP,
    EditNote,
    MetaPrompt,
    NotePrompt,
    QuestionPrompt,
    ReviewPrompt,
)
from mutual_detector.loading import LoadedQuestionnaire, load_answers
from mutual_detector.model.questionnaire import Questionnaire

ASSETS = Path(__file__).parent / "assets"
MINI = ASSETS / "mini.yaml"
TODAY = dt.date(2026, 11, 25)
ARGV = ["assess", "--questionnaire", "mini.yaml"]
MINI_ANSWERS = load_answers(ASSETS / "mini-answers.yaml").answers
#: Replies to every step of a fresh assessment of the mini questionnaire, by key.
FULL: dict[str, Any] = {
    "meta:service": "Day services",
    "meta:organisation": "Anytown",
    "meta:assessor": "J. Smith",
    "appetite": "most",
    "unions": False,
    "turnover": 12,
    "readiness": 4,
    "equity": False,
    "members": ["staff", "community"],
    "notes": SKIP,
}


def new_session(q: Questionnaire, **kwargs: Any) -> Session:
    kwargs.setdefault("today", TODAY)
    return Session(q, **kwargs)


class Script:
    """A frontend that replies from a list and records every step it was shown."""

    def __init__(self, replies: list[Any]) -> None:
        self.replies = list(replies)
        self.asked: list[str] = []
        self.notices: list[str] = []
        self.reviews: list[ReviewPrompt] = []
        self.defaults: list[str] = []
        self.closed = 0

    def __call__(self) -> Script:
        return self

    def _next(self) -> Any:
        reply = self.replies.pop(0)
        return reply() if callable(reply) else reply

    def notice(self, message: str) -> None:
        self.notices.append(message)

    def ask(self, prompt: MetaPrompt | QuestionPrompt | NotePrompt) -> Any:
        if isinstance(prompt, NotePrompt):
            self.asked.append(f"{prompt.field}:{prompt.key}")
            self.defaults.append(prompt.default)
        else:
            self.asked.append(prompt.key)
        return self._next()

    def review(self, review: ReviewPrompt) -> str | EditNote | None:
        self.asked.append("review")
        self.reviews.append(review)
        result: str | EditNote | None = self._next()
        return result

    def confirm_replace(self, path: str, alternative: str) -> bool:
        return False

    def close(self) -> None:
        self.closed += 1


def interrupt() -> None:
    raise KeyboardInterrupt


def collect(loaded: LoadedQuestionnaire, **kwargs: Any) -> Any:
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("argv", ARGV)
    kwargs.setdefault("say", lambda line: None)
    kwargs.setdefault("interactive", True)
    return collect_answers(loaded, **kwargs)


class _Wide(PlainTextOutput):
    def get_size(self) -> Size:
        return Size(rows=40, columns=400)


class Keyboard:
    """The questionary frontend with keystrokes fed through a pipe, one batch per prompt.

    A batch may be a list: the keys after the first part are sent once the prompt
    shows a validation message (so that it is drawn before it goes away).
    """

    def __init__(self, pipe: Any, batches: list[str | list[str]]) -> None:
        from mutual_detector.interactive.frontend import QuestionaryFrontend

        self.screen = io.StringIO()
        self.batches = list(batches)
        keyboard = self

        class Fed(QuestionaryFrontend):
            def _run(self, question: Any) -> Any:
                batch = keyboard.batches.pop(0)
                parts = [batch] if isinstance(batch, str) else list(batch)
                app = question.application

                def after_render(_: object) -> None:
                    if parts and app.current_buffer.validation_error is not None:
                        pipe.send_text(parts.pop(0))

                app.after_render += after_render
                pipe.send_text(parts.pop(0))
                return super()._run(question)

        self.frontend = Fed(stream=self.screen, keys=pipe)
        # Wide enough that prompts and messages are not wrapped in the captured text.
        self.frontend.output = _Wide(self.screen)

    @property
    def text(self) -> str:
        return self.screen.getvalue()


UP, DOWN, ENTER, CTRL_U = "\x1b[A", "\x1b[B", "\r", "\x15"

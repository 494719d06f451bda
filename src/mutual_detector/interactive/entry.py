"""Getting a complete set of answers for ``assess``: from the command line, a file, or the user.

:func:`collect_answers` is the one call the CLI makes. It

1. merges answers by precedence: command line > typed > file > defaults;
2. validates answers from a file exactly as typed ones (a bad one is shown
   with its ``file:line:col`` and asked again; with ``--no-input`` or without
   a terminal it is an input error, exit 3);
3. asks nothing when every required question is answered;
4. with ``--no-input`` fails with the list of missing questions (exit 5);
5. with no terminal on stdin fails at once with one line that names
   ``--answers`` and ``--no-input`` (exit 5), so it never hangs;
6. otherwise asks, through the questionary frontend (imported only now);
7. on Ctrl-C, SIGTERM, SIGHUP or a crash saves the answers so far as a draft
   (atomically) and gives the exact command that resumes (exit 130);
8. at the end saves the answers file, never replacing an existing file
   without asking (see :mod:`mutual_detector.answers_io`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from mutual_detector import answers_io
from mutual_detector.atomic import atomic_write
from mutual_detector.errors import IncompleteError, InputError, Interrupted, OutputError
from mutual_detector.interactive.session import Frontend, Session, drive
from mutual_detector.interactive.steps import MetaValue
from mutual_detector.loading import display_path
from mutual_detector.model.findings import Finding, finding

if TYPE_CHECKING:
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.answers import Answer, AnswersFile

PROGRAM = "mutual-detector"
#: Options whose value is replaced by ``--resume DRAFT`` in the resume command.
ANSWER_OPTIONS = ("--answers", "--resume")
#: Options that take no value are kept as they are; these take one.
_STOP_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class PromptFrontend(Frontend, Protocol):
    """A :class:`~.session.Frontend` that can also ask whether to replace a file."""

    def confirm_replace(self, path: str, alternative: str) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Collected:
    """The answers ``assess`` will score, and what happened on the way."""

    answers: AnswersFile
    #: True if anything was asked at the terminal.
    asked: bool = False
    #: Where the answers were saved (None: not saved).
    saved_to: Path | None = None
    messages: tuple[str, ...] = field(default=())


def _console_stream() -> TextIO:
    return sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr


def default_frontend() -> PromptFrontend:
    """The questionary frontend (imports questionary and prompt_toolkit)."""
    from mutual_detector.interactive.frontend import QuestionaryFrontend

    return QuestionaryFrontend(stream=_console_stream())


def resume_command(argv: Sequence[str], draft: str) -> str:
    """The command line that continues: ``argv`` without its answers options, plus ``--resume``."""
    args = list(argv)
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        if name in ANSWER_OPTIONS:
            i += 1 if "=" in arg else 2
            continue
        out.append(arg)
        i += 1
    if "assess" not in out:
        out.insert(0, "assess")
    return shlex.join([PROGRAM, *out, "--resume", draft])


def _locate(loaded: LoadedAnswers | None, qid: str, rule: str, message: str) -> Finding:
    f = finding(rule, f"{qid}: {message}", ("answers", qid, "value"))
    return loaded.document.locate(f) if loaded is not None else f


def _where(f: Finding) -> str:
    """``file:line:col: message`` (a friendlier line than ``one_line`` at a prompt)."""
    place = ":".join(str(p) for p in (f.file, f.line, f.column) if p is not None)
    return f"{place}: {f.message}" if place else f.message


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Stopped` while asking, like Ctrl-C."""
    stopping = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise Stopped(signum)

    previous: dict[int, Any] = {}
    for sig in _STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _shielded() -> Iterator[None]:
    """Ignore further interrupts while the draft is written."""
    sigs = [signal.SIGINT, *_STOP_SIGNALS]
    previous: dict[int, Any] = {}
    for sig in sigs:
        with contextlib.suppress(ValueError, OSError):
            previous[sig] = signal.signal(sig, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@dataclass
class _Plan:
    questionnaire: LoadedQuestionnaire
    loaded: LoadedAnswers | None
    resume: Path | None
    save_answers: Path | None
    argv: Sequence[str]

    @property
    def q_id(self) -> str:
        return self.questionnaire.questionnaire.id

    def answers_path(self, session: Session) -> Path:
        if self.save_answers is not None:
            return self.save_answers
        return answers_io.default_answers_path(session.metadata.service, self.q_id)

    def draft_path(self, session: Session) -> Path:
        if self.resume is not None:
            return answers_io.draft_target(self.resume)
        return answers_io.draft_target(answers_io.draft_path_for(self.answers_path(session)))


def _save_draft(plan: _Plan, session: Session, what: str) -> str:
    """Save the answers so far as a draft; return the message for the user."""
    with _shielded():
        if not session.typed_anything:
            if plan.resume is not None:
                shown = display_path(plan.resume)
                command = resume_command(plan.argv, shown)
                return f"{what}; your draft {shown} is unchanged. To carry on: {command}"
            return f"{what} before anything was answered; nothing was saved"
        try:
            path = plan.draft_path(session)
            shown = display_path(path)
            command = resume_command(plan.argv, shown)
            text = answers_io.dump_answers(
                session.answers_file("draft"),
                order=session.asking_order,
                comment=f"Draft: the assessment was interrupted.\nTo carry on: {command}",
            )
            atomic_write(path, text)
        except OutputError as exc:
            return f"{what}; could not save the answers so far: {exc.message}"
    return f"{what}; answers so far saved in {shown}. To carry on: {command}"


def collect_answers(
    questionnaire: LoadedQuestionnaire,
    *,
    answers: LoadedAnswers | None = None,
    resume: Path | None = None,
    fixed_metadata: Mapping[str, MetaValue] | None = None,
    fixed_answers: Mapping[str, Answer] | None = None,
    no_input: bool = False,
    save_answers: Path | None = None,
    argv: Sequence[str] | None = None,
    interactive: bool | None = None,
    today: dt.date | None = None,
    frontend: Callable[[], PromptFrontend] = default_frontend,
    say: Callable[[str], None] | None = None,
) -> Collected:
    """Complete answers for ``questionnaire`` (see the module docstring for the rules).

    ``answers`` is the loaded ``--answers`` or ``--resume`` file; ``resume``
    its path when it came from ``--resume``. ``interactive`` defaults to
    whether stdin is a terminal. ``say`` prints a line for the user
    (default: to stderr).
    """
    q = questionnaire.questionnaire
    emit = say or (lambda line: print(line, file=sys.stderr))
    if answers is not None and answers.answers.questionnaire != q.id:
        f = answers.document.locate(
            finding(
                "A206",
                f"answers are for questionnaire {answers.answers.questionnaire!r}, not {q.id!r}; "
                "pass the matching --questionnaire",
                ("questionnaire",),
            )
        )
        raise InputError(f.one_line(), [f])
    file_answers = answers.answers if answers is not None else None
    session = Session(
        q,
        answers=file_answers.answers if file_answers else None,
        metadata=file_answers.metadata if file_answers else None,
        fixed_answers=fixed_answers,
        fixed_metadata=fixed_metadata,
        today=today or answers_io.today(),
    )
    problems = [_locate(answers, qid, rule, why) for qid, rule, why in session.rejected]
    missing = session.missing_required()
    must_ask = bool(missing) or (resume is not None and session.needs_input)
    if interactive is None:
        interactive = sys.stdin.isatty()
    errors = [p for p in problems if p.level == "error"]
    if errors and (no_input or not interactive):
        raise InputError(errors[0].one_line(), errors)
    if not must_ask:
        for p in problems:
            emit(p.one_line())
        result = (
            file_answers if (file_answers and not fixed_answers and not fixed_metadata) else None
        )
        complete = result or session.answers_file("complete")
        saved = None
        if save_answers is not None:
            saved = _write_final(save_answers, complete, session, None, emit)
        return Collected(complete, asked=False, saved_to=saved)
    if no_input:
        raise IncompleteError(
            f"{len(missing)} required question(s) not answered: {', '.join(missing)}. "
            "Add them to the answers file, or run without --no-input to be asked."
        )
    if not interactive:
        raise IncompleteError(
            f"{len(missing)} required question(s) not answered and no terminal to ask them: "
            "pass a complete --answers FILE, or add --no-input to list what is missing."
        )
    plan = _Plan(questionnaire, answers, resume, save_answers, argv or sys.argv[1:])
    return _ask(plan, session, problems, frontend, emit)


def _ask(
    plan: _Plan,
    session: Session,
    problems: list[Finding],
    make_frontend: Callable[[], PromptFrontend],
    emit: Callable[[str], None],
) -> Collected:
    ui: PromptFrontend | None = None
    with _stop_signals():
        try:
            ui = make_frontend()
            for p in problems:
                ui.notice(_where(p))
            complete = drive(session, ui)
            target = _choose_target(plan, session, ui)
            ui.close()
            saved = _write_final(target, complete, session, plan, emit)
        except KeyboardInterrupt:
            if ui is not None:
                ui.close()
            raise Interrupted(_save_draft(plan, session, "interrupted")) from None
        except EOFError:
            if ui is not None:
                ui.close()
            raise IncompleteError(_save_draft(plan, session, "input ended")) from None
        except Exception:
            if ui is not None:
                ui.close()
            emit(f"{PROGRAM}: internal error; " + _save_draft(plan, session, "stopped"))
            raise
    return Collected(complete, asked=True, saved_to=saved)


def _choose_target(plan: _Plan, session: Session, ui: PromptFrontend) -> Path:
    target = plan.answers_path(session)
    if not target.exists():
        return target
    alternative = answers_io.next_free_path(target)
    if ui.confirm_replace(display_path(target), display_path(alternative)):
        return target
    return alternative


def _write_final(
    target: Path,
    complete: AnswersFile,
    session: Session,
    plan: _Plan | None,
    emit: Callable[[str], None],
) -> Path:
    text = answers_io.dump_answers(complete, order=session.asking_order)
    atomic_write(target, text)
    emit(f"Answers saved to {display_path(target)}")
    resumed = plan.resume if plan is not None else None
    if (
        resumed is not None
        and resumed.exists()
        and not _same_file(resumed, target)
        and answers_io.is_draft_file(resumed)
    ):
        with contextlib.suppress(OSError):
            os.unlink(resumed)
            emit(f"Removed the draft {display_path(resumed)}")
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:  # pragma: no cover - unresolvable paths
        return False


__all__ = ["Collected", "PromptFrontend", "Stopped", "collect_answers", "resume_command"]

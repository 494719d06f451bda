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

Time to the first question: a fresh assessment (no answers file) starts with
"Which service are you assessing?". That question needs neither the
questionnaire nor questionary, so it is asked at once with a plain line
prompt while a background thread loads the questionnaire and imports
questionary; every later question is a questionary prompt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from mutual_detector.errors import (
    IncompleteError,
    InputError,
    Interrupted,
    MutualDetectorError,
    OutputError,
)
from mutual_detector.interactive.steps import (
    META_FIELDS,
    InvalidReply,
    MetaField,
    MetaPrompt,
    MetaValue,
    Nav,
    PromptFrontend,
    Reply,
    meta_key,
    parse_meta,
)

if TYPE_CHECKING:
    from mutual_detector.interactive.session import Session
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.answers import Answer, AnswersFile
    from mutual_detector.model.findings import Finding

QuestionnaireSource: TypeAlias = "LoadedQuestionnaire | Callable[[], LoadedQuestionnaire]"
FirstPrompt: TypeAlias = Callable[[MetaPrompt], "Reply | MetaValue"]

PROGRAM = "mutual-detector"
#: Options whose value is replaced by ``--resume DRAFT`` in the resume command.
ANSWER_OPTIONS = ("--answers", "-a", "--resume")
_FRONTEND_MODULE = "mutual_detector.interactive.frontend"
_STOP_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None
)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass(frozen=True)
class Collected:
    """The answers ``assess`` will score, and what happened on the way."""

    answers: AnswersFile
    #: The questionnaire they answer (loaded here if a loader was passed).
    questionnaire: LoadedQuestionnaire
    #: True if anything was asked at the terminal.
    asked: bool = False
    #: Where the answers were saved (None: not saved).
    saved_to: Path | None = None
    #: The answers file as given, when the answers are exactly its answers.
    source: LoadedAnswers | None = None

    @property
    def loaded(self) -> LoadedAnswers:
        """The answers as a loaded file (with positions), for code that reports on files."""
        if self.source is not None and self.source.answers == self.answers:
            return self.source
        from mutual_detector.answers_io import dump_answers
        from mutual_detector.loading import display_path, parse_answers, parse_yaml

        name = display_path(self.saved_to) if self.saved_to is not None else "<answers typed>"
        text = dump_answers(self.answers, order=self.questionnaire.questionnaire.question_index)
        return parse_answers(parse_yaml(text, name))


def missing_required(
    questionnaire: LoadedQuestionnaire, answers: LoadedAnswers | None
) -> list[str]:
    """Ids of the required questions that apply and have no answer (all of them if no file)."""
    from mutual_detector.model.checks import resolve

    q = questionnaire.questionnaire
    given = answers.answers.answers if answers is not None else {}
    state = resolve(q, given)
    answered = set(state.values) | state.dont_know
    return [
        qid for qid in state.applicable if q.question_index[qid].required and qid not in answered
    ]


def console_stream() -> TextIO:
    """Where prompts go: stdout if it is a terminal, else stderr (``assess > report.md``)."""
    return sys.stdout if sys.stdout.isatty() or not sys.stderr.isatty() else sys.stderr


def default_frontend() -> PromptFrontend:
    """The questionary frontend (imports questionary and prompt_toolkit)."""
    from mutual_detector.interactive.frontend import QuestionaryFrontend

    return QuestionaryFrontend(stream=console_stream())


def plain_prompt(prompt: MetaPrompt) -> MetaValue | Nav:
    """Ask one metadata question with a plain line prompt (no questionary needed).

    Used only for the very first question, so it never offers "back".
    """
    stream = console_stream()
    color = stream.isatty() and not os.environ.get("NO_COLOR")
    hint = f"({prompt.field.help})"
    if color:
        line = f"\x1b[1;36m?\x1b[0m \x1b[1m{prompt.message}\x1b[0m \x1b[90m{hint}\x1b[0m "
        stream.write("\n\x1b[1mAbout this assessment\x1b[0m\n")
    else:
        line = f"? {prompt.message} {hint} "
        stream.write("\nAbout this assessment\n")
    while True:
        stream.write(line)
        stream.flush()
        typed = sys.stdin.readline()
        if not typed:
            raise EOFError
        try:
            reply = parse_meta(prompt.field, typed)
        except InvalidReply as exc:
            stream.write(f"! {exc.message}\n")
            continue
        if reply is Nav.BACK:
            stream.write("! This is the first question; there is nothing to go back to.\n")
            continue
        return reply


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
        if arg.startswith("-a") and not arg.startswith("--"):  # -aFILE
            i += 1
            continue
        out.append(arg)
        i += 1
    if "assess" not in out:
        out.insert(0, "assess")
    return shlex.join([PROGRAM, *out, "--resume", draft])


# --------------------------------------------------------------------------- signals


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
    previous: dict[int, Any] = {}
    for sig in (signal.SIGINT, *_STOP_SIGNALS):
        with contextlib.suppress(ValueError, OSError):
            previous[sig] = signal.signal(sig, signal.SIG_IGN)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# --------------------------------------------------------------------------- loading


class _Loader:
    """The questionnaire, loaded now or in a background thread (with questionary imported)."""

    def __init__(self, source: QuestionnaireSource, warm_frontend: bool) -> None:
        self._source = source
        self._warm = warm_frontend
        self._value: LoadedQuestionnaire | None = None if callable(source) else source
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._value is None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="md-load", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            assert callable(self._source)
            self._value = self._source()
            if self._warm:
                importlib.import_module(_FRONTEND_MODULE)
        except BaseException as exc:  # re-raised in the main thread by result()
            self._error = exc

    def result(self) -> LoadedQuestionnaire:
        if self._value is None and self._thread is None:
            assert callable(self._source)
            self._value = self._source()
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def settle(self, timeout: float = 10.0) -> None:
        """Let the thread finish (it must not be importing at interpreter exit)."""
        if self._thread is not None:
            self._thread.join(timeout)


# --------------------------------------------------------------------------- plan


@dataclass
class _Plan:
    """Where things go, and how to make the session (perhaps once loading is done)."""

    loader: _Loader
    make_session: Callable[[LoadedQuestionnaire], Session]
    resume: Path | None
    save_answers: Path | None
    argv: Sequence[str]
    session: Session | None = None

    def get_session(self) -> Session:
        if self.session is None:
            self.session = self.make_session(self.loader.result())
        return self.session

    def answers_path(self, session: Session) -> Path:
        from mutual_detector import answers_io

        if self.save_answers is not None:
            return self.save_answers
        return answers_io.default_answers_path(session.metadata.service, session.q.id)

    def draft_path(self, session: Session) -> Path:
        from mutual_detector import answers_io

        if self.resume is not None:
            return answers_io.draft_target(self.resume)
        return answers_io.draft_target(answers_io.draft_path_for(self.answers_path(session)))


def _save_draft(plan: _Plan, what: str) -> str:
    """Save the answers so far as a draft; return the message for the user."""
    from mutual_detector import answers_io
    from mutual_detector.atomic import atomic_write
    from mutual_detector.loading import display_path

    with _shielded():
        session = plan.get_session()
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


# --------------------------------------------------------------------------- entry


def collect_answers(
    questionnaire: QuestionnaireSource,
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
    first_prompt: FirstPrompt = plain_prompt,
    say: Callable[[str], None] | None = None,
) -> Collected:
    """Complete answers for ``questionnaire`` (see the module docstring for the rules).

    ``questionnaire`` is a loaded questionnaire, or a function that loads it
    (then a fresh assessment asks its first question while it loads).
    ``answers`` is the loaded ``--answers`` or ``--resume`` file; ``resume``
    its path when it came from ``--resume``. ``interactive`` defaults to
    whether stdin is a terminal. ``say`` prints a line for the user
    (default: to stderr).
    """
    emit = say or (lambda line: print(line, file=sys.stderr))
    if interactive is None:
        interactive = sys.stdin.isatty()
    when = today or dt.date.today()
    argv = list(argv if argv is not None else sys.argv[1:])
    fresh = answers is None and interactive and not no_input
    loader = _Loader(questionnaire, warm_frontend=fresh and frontend is default_frontend)
    if fresh and callable(questionnaire):
        return _ask_fresh(
            loader,
            fixed_metadata,
            fixed_answers,
            save_answers,
            argv,
            when,
            frontend,
            first_prompt,
            emit,
        )
    loaded_q = loader.result()
    q = loaded_q.questionnaire
    if answers is not None and answers.answers.questionnaire != q.id:
        from mutual_detector.model.findings import finding

        f = answers.document.locate(
            finding(
                "A206",
                f"answers are for questionnaire {answers.answers.questionnaire!r}, not {q.id!r}; "
                "pass the matching --questionnaire",
                ("questionnaire",),
            )
        )
        raise InputError(f.one_line(), [f])
    from mutual_detector.interactive.session import Session

    file_answers = answers.answers if answers is not None else None
    session = Session(
        q,
        answers=file_answers.answers if file_answers else None,
        metadata=file_answers.metadata if file_answers else None,
        fixed_answers=fixed_answers,
        fixed_metadata=fixed_metadata,
        today=when,
    )
    problems = [_locate(answers, qid, rule, why) for qid, rule, why in session.rejected]
    missing = session.missing_required()
    must_ask = bool(missing) or (resume is not None and session.needs_input)
    errors = [p for p in problems if p.level == "error"]
    if errors and (no_input or not interactive):
        raise InputError(errors[0].one_line(), errors)
    if not must_ask:
        for p in problems:
            emit(p.one_line())
        unchanged = file_answers is not None and not fixed_answers and not fixed_metadata
        complete = file_answers if unchanged and file_answers else session.answers_file()
        saved = None
        if save_answers is not None:
            saved = _write_final(save_answers, complete, session, None, emit)
        return Collected(complete, loaded_q, asked=False, saved_to=saved, source=answers)
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
    plan = _Plan(loader, lambda _: session, resume, save_answers, argv, session)
    notices = [_where(p) for p in problems]
    return _ask(plan, frontend, emit, notices=notices)


def _ask_fresh(
    loader: _Loader,
    fixed_metadata: Mapping[str, MetaValue] | None,
    fixed_answers: Mapping[str, Answer] | None,
    save_answers: Path | None,
    argv: Sequence[str],
    today: dt.date,
    frontend: Callable[[], PromptFrontend],
    first_prompt: FirstPrompt,
    emit: Callable[[str], None],
) -> Collected:
    """A fresh assessment: the first question at once, the questionnaire loading meanwhile."""
    typed: dict[str, MetaValue | None] = {}

    def make_session(loaded: LoadedQuestionnaire) -> Session:
        from mutual_detector.interactive.session import Session

        return Session(
            loaded.questionnaire,
            fixed_answers=fixed_answers,
            fixed_metadata=fixed_metadata,
            typed_metadata=typed,
            today=today,
        )

    first: MetaField | None = next(
        (f for f in META_FIELDS if f.name not in (fixed_metadata or {}) and f.name != "date"), None
    )

    def before() -> None:
        loader.start()
        if first is not None:
            reply = first_prompt(MetaPrompt(meta_key(first.name), first, "", can_go_back=False))
            typed[first.name] = reply if isinstance(reply, str | dt.date) else None

    plan = _Plan(loader, make_session, None, save_answers, argv)
    return _ask(plan, frontend, emit, before=before)


def _ask(
    plan: _Plan,
    make_frontend: Callable[[], PromptFrontend],
    emit: Callable[[str], None],
    *,
    notices: Sequence[str] = (),
    before: Callable[[], None] | None = None,
) -> Collected:
    ui: PromptFrontend | None = None
    with _stop_signals():
        try:
            if before is not None:
                before()  # first, so that nothing heavy is imported before the first prompt
            from mutual_detector.interactive.session import drive

            session = plan.get_session()
            ui = make_frontend()
            for message in notices:
                ui.notice(message)
            complete = drive(session, ui)
            target = _choose_target(plan, session, ui)
            ui.close()
            saved = _write_final(target, complete, session, plan, emit)
        except KeyboardInterrupt:
            _close(ui)
            raise Interrupted(_save_draft(plan, "interrupted")) from None
        except EOFError:
            _close(ui)
            raise IncompleteError(_save_draft(plan, "input ended")) from None
        except MutualDetectorError:
            _close(ui)
            plan.loader.settle()
            raise
        except Exception:
            _close(ui)
            with contextlib.suppress(Exception):
                emit(f"{PROGRAM}: internal error; " + _save_draft(plan, "stopped"))
            raise
        finally:
            plan.loader.settle()
    return Collected(complete, plan.loader.result(), asked=True, saved_to=saved)


def _close(ui: PromptFrontend | None) -> None:
    if ui is not None:
        ui.close()


def _locate(loaded: LoadedAnswers | None, qid: str, rule: str, message: str) -> Finding:
    from mutual_detector.model.findings import finding

    f = finding(rule, f"{qid}: {message}", ("answers", qid, "value"))
    return loaded.document.locate(f) if loaded is not None else f


def _where(f: Finding) -> str:
    """``file:line:col: message`` (a friendlier line than ``one_line`` at a prompt)."""
    place = ":".join(str(p) for p in (f.file, f.line, f.column) if p is not None)
    return f"{place}: {f.message}" if place else f.message


def _choose_target(plan: _Plan, session: Session, ui: PromptFrontend) -> Path:
    from mutual_detector import answers_io
    from mutual_detector.loading import display_path

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
    from mutual_detector import answers_io
    from mutual_detector.atomic import atomic_write
    from mutual_detector.loading import display_path

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


__all__ = [
    "Collected",
    "Stopped",
    "collect_answers",
    "console_stream",
    "default_frontend",
    "missing_required",
    "plain_prompt",
    "resume_command",
]

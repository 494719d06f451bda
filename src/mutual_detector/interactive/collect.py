"""Getting a complete set of answers for ``assess``: from the command line, a file, or the user.

:func:`collect_answers` is the one call the CLI makes. It

1. merges answers by precedence: command line > typed > file > defaults;
2. validates answers from a file exactly as typed ones (a bad one is shown
   with its ``file:line:col`` and asked again; with ``--no-input`` or without
   a terminal it is an input error, exit 3);
3. asks nothing when every required question is answered, unless the user
   asked for the review (``--review``: the required answers still missing,
   then straight to the review, where any answer can be changed or given and
   notes added) or resumes a draft;
4. with ``--no-input`` fails with the list of missing questions (exit 5);
   ``--review`` with ``--no-input``, or without a terminal, is a usage error
   (exit 2), since a review is shown at a terminal;
5. with no terminal on stdin fails at once with one line that names
   ``--answers`` and ``--no-input`` (exit 5), so it never hangs;
6. otherwise asks, through the questionary frontend (imported only now);
7. on Ctrl-C, SIGTERM, SIGHUP or a crash saves the answers so far as a draft
   (atomically) and gives the exact command that resumes (exit 130);
8. at the end saves the answers file, never replacing an existing file
   without asking (see :mod:`mutual_detector.answers_io`). Answers from an
   ``--answers`` file that were confirmed without any change are not saved
   again: the file is left as it was, and the user is told so.

Time to the first question: a fresh assessment (no answers file) starts with
"Which service are you assessing?". That question needs neither the
questionnaire nor questionary, so it is asked at once with a plain line
prompt while a background thread loads the questionnaire and imports
questionary; every later question is a questionary prompt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from mutual_detector.errors import (
    IncompleteError,
    InputError,
    Interrupted,
    MutualDetectorError,
    UsageError,
)
from mutual_detector.interactive.runtime import (
    Loader,
    QuestionnaireSource,
    Stopped,
    console_stream,
    plain_prompt,
    stop_signals,
)
from mutual_detector.interactive.saving import (
    PROGRAM,
    FromFile,
    Plan,
    choose_target,
    resume_command,
    same_file,
    save_draft,
    target_without_prompts,
    write_final,
)
from mutual_detector.interactive.steps import (
    META_FIELDS,
    MetaField,
    MetaPrompt,
    MetaValue,
    PromptFrontend,
    Reply,
    meta_key,
)

if TYPE_CHECKING:
    from mutual_detector.interactive.session import Session
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.answers import Answer, AnswersFile
    from mutual_detector.model.findings import Finding

FirstPrompt: TypeAlias = Callable[[MetaPrompt], "Reply | MetaValue"]


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
        order = [q.id for q in self.questionnaire.questionnaire.ordered_questions]
        text = dump_answers(self.answers, order=order)
        return parse_answers(parse_yaml(text, name))


def default_frontend() -> PromptFrontend:
    """The questionary frontend (imports questionary and prompt_toolkit)."""
    from mutual_detector.interactive.frontend import QuestionaryFrontend

    return QuestionaryFrontend(stream=console_stream())


# --------------------------------------------------------------------------- collecting


def check_review(*, no_input: bool, interactive: bool) -> None:
    """``--review`` is shown at a terminal: a usage error (exit 2) with ``--no-input`` or none."""
    if no_input:
        raise UsageError(
            "--review shows the answers at the terminal to change them, "
            "so it cannot be used with --no-input"
        )
    if not interactive:
        raise UsageError(
            "--review needs a terminal to show the answers on; run it at a terminal, "
            "or leave out --review to score the file as it is"
        )


def collect_answers(
    questionnaire: QuestionnaireSource,
    *,
    answers: LoadedAnswers | None = None,
    resume: Path | None = None,
    fixed_metadata: Mapping[str, MetaValue] | None = None,
    fixed_answers: Mapping[str, Answer] | None = None,
    no_input: bool = False,
    review: bool = False,
    save_answers: Path | None = None,
    force: bool = False,
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
    (default: to stderr). ``review`` shows the review even when nothing is
    missing (a fresh assessment and a resumed draft end with it anyway).
    ``force`` (``--force``) replaces an existing ``save_answers`` file without
    asking; without it, and without a terminal, an existing file is refused (exit 4).
    """
    from mutual_detector import gcpause

    gcpause.resume()  # a person may answer for an hour: collect garbage as usual
    emit = say or (lambda line: print(line, file=sys.stderr))
    if interactive is None:
        interactive = sys.stdin.isatty()
    if review:
        check_review(no_input=no_input, interactive=interactive)
    when = today or dt.date.today()
    argv = list(argv if argv is not None else sys.argv[1:])
    fresh = answers is None and interactive and not no_input
    loader = Loader(questionnaire, warm_frontend=fresh and frontend is default_frontend)
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
            force=force,
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

    if fixed_answers:
        from mutual_detector.command_line import check_set_answers

        check_set_answers(q, fixed_answers)  # a usage error (exit 2) that names --set
    file_answers = answers.answers if answers is not None else None
    session = Session(
        q,
        answers=file_answers.answers if file_answers else None,
        metadata=file_answers.metadata if file_answers else None,
        fixed_answers=fixed_answers,
        fixed_metadata=fixed_metadata,
        today=when,
    )
    problems = [
        _locate(answers, qid, rule, why, fixed_answers)
        for qid, rule, why in session.rejected
        # A bad value in the file that --set replaced is no problem (--set was checked).
        if not (fixed_answers and qid in fixed_answers and rule != "A205")
    ]
    missing = session.missing_required()
    # At a terminal a resumed draft carries on where it stopped: the optional
    # questions left, then the review (even if nothing is missing); so does --review.
    can_ask = interactive and not no_input
    must_ask = bool(missing) or ((resume is not None or review) and can_ask)
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
            if (
                unchanged
                and answers is not None
                and same_file(save_answers, Path(answers.document.file))
            ):
                emit(
                    "--save-answers names the answers file itself, so "
                    f"{answers.document.file} was left as it was."
                )
            else:
                target = target_without_prompts(
                    save_answers, force=force, interactive=interactive and not no_input
                )
                saved = write_final(target, complete, session, None, emit)
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
    if review and answers is not None:  # a fresh assessment asks everything, then reviews
        session.skip_to_review()
    plan = Plan(loader, lambda _: session, resume, save_answers, argv, session, force=force)
    if answers is not None and file_answers is not None and resume is None and not errors:
        # Confirmed without a change, the file is not written again (saving.Plan.unchanged).
        scored = None if fixed_answers or fixed_metadata else file_answers
        plan.from_file = FromFile(answers, session.answers_file(), scored)
    notices = [_where(p) for p in problems]
    return _ask(plan, frontend, emit, notices=notices)


def _ask_fresh(
    loader: Loader,
    fixed_metadata: Mapping[str, MetaValue] | None,
    fixed_answers: Mapping[str, Answer] | None,
    save_answers: Path | None,
    argv: Sequence[str],
    today: dt.date,
    frontend: Callable[[], PromptFrontend],
    first_prompt: FirstPrompt,
    emit: Callable[[str], None],
    *,
    force: bool = False,
) -> Collected:
    """A fresh assessment: the first question at once, the questionnaire loading meanwhile.

    Once the service is known, an earlier draft for it is offered for resuming
    (:mod:`mutual_detector.interactive.drafts`); it is never replaced.
    """
    typed: dict[str, MetaValue | None] = {}

    def make_session(loaded: LoadedQuestionnaire) -> Session:
        from mutual_detector.interactive.session import Session

        if fixed_answers:
            from mutual_detector.command_line import check_set_answers

            check_set_answers(loaded.questionnaire, fixed_answers)
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

    plan = Plan(loader, make_session, None, save_answers, argv, force=force)

    def start(session: Session, ui: PromptFrontend) -> Session:
        from mutual_detector.interactive.drafts import offer_earlier_draft

        return offer_earlier_draft(
            plan,
            session,
            ui,
            fixed_answers=fixed_answers,
            fixed_metadata=fixed_metadata,
            today=today,
        )

    return _ask(plan, frontend, emit, before=before, start=start)


def _ask(
    plan: Plan,
    make_frontend: Callable[[], PromptFrontend],
    emit: Callable[[str], None],
    *,
    notices: Sequence[str] = (),
    before: Callable[[], None] | None = None,
    start: Callable[[Session, PromptFrontend], Session] | None = None,
) -> Collected:
    ui: PromptFrontend | None = None
    with stop_signals():
        try:
            if before is not None:
                before()  # first, so that nothing heavy is imported before the first prompt
            from mutual_detector.interactive.session import drive

            session = plan.get_session()
            ui = make_frontend()
            for message in notices:
                ui.notice(message)
            if start is not None:
                session = start(session, ui)
            complete = drive(session, ui)
            kept = plan.unchanged(complete)
            if kept is not None:
                ui.close()
                emit(f"No changes, so {kept.source.document.file} was left as it was.")
                return Collected(
                    kept.scored if kept.scored is not None else complete,
                    plan.loader.result(),
                    asked=True,
                    source=kept.source,
                )
            target = choose_target(plan, session, ui)
            ui.close()
            saved = write_final(target, complete, session, plan, emit)
        except KeyboardInterrupt:
            _close(ui)
            raise Interrupted(save_draft(plan, "interrupted")) from None
        except EOFError:
            _close(ui)
            raise IncompleteError(save_draft(plan, "input ended")) from None
        except MutualDetectorError:
            _close(ui)
            plan.loader.settle()
            raise
        except Exception:
            _close(ui)
            with contextlib.suppress(Exception):
                emit(f"{PROGRAM}: internal error; " + save_draft(plan, "stopped"))
            raise
        finally:
            plan.loader.settle()
    return Collected(complete, plan.loader.result(), asked=True, saved_to=saved)


def _close(ui: PromptFrontend | None) -> None:
    if ui is not None:
        ui.close()


def _locate(
    loaded: LoadedAnswers | None,
    qid: str,
    rule: str,
    message: str,
    fixed: Mapping[str, Answer] | None = None,
) -> Finding:
    from mutual_detector.model.findings import finding

    if fixed is not None and qid in fixed:
        # Given with --set: the command line is to blame, not a line of the file.
        from mutual_detector.command_line import shown_set

        shown = f"{shown_set(qid, fixed[qid])}: {message}"
        return finding(rule, shown).located("command line", None, None)
    f = finding(rule, f"{qid}: {message}", ("answers", qid, "value"))
    return loaded.document.locate(f) if loaded is not None else f


def _where(f: Finding) -> str:
    """``file:line:col: message`` (a friendlier line than ``one_line`` at a prompt)."""
    place = ":".join(str(p) for p in (f.file, f.line, f.column) if p is not None)
    return f"{place}: {f.message}" if place else f.message


__all__ = [
    "Collected",
    "Stopped",
    "collect_answers",
    "console_stream",
    "default_frontend",
    "plain_prompt",
    "resume_command",
]

"""Saving answers: the draft on an interrupt, the answers file at the end, the resume command.

The rules (also in :mod:`mutual_detector.answers_io` and ``assess --help``):
the answers go to ``--save-answers`` or ``./<service-slug>-answers.yaml``; an
existing file is replaced only if the user says so, else the next free name
(``-2``, ``-3``, ...) is used. A draft goes to ``--resume``'s file or next to
the answers file as ``<name>.draft.yaml``, and replaces only an earlier
draft. The draft a session resumed from is removed once the complete answers
are saved.

Answers that came from an ``--answers`` file (``assess --review``, or a file
with answers missing) are written only if something was changed at the
prompts: confirmed as they were, the file is left untouched, byte for byte,
and the user is told so (:meth:`Plan.unchanged`). ``--save-answers`` naming
another file still gets a copy.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mutual_detector.errors import OutputError
from mutual_detector.interactive.runtime import Loader, shielded
from mutual_detector.interactive.steps import PromptFrontend

if TYPE_CHECKING:
    from mutual_detector.interactive.session import Session
    from mutual_detector.loading import LoadedAnswers, LoadedQuestionnaire
    from mutual_detector.model.answers import AnswersFile

PROGRAM = "mutual-detector"
#: Options whose value is replaced by ``--resume DRAFT`` in the resume command.
ANSWER_OPTIONS = ("--answers", "-a", "--resume")


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


@dataclass(frozen=True)
class FromFile:
    """An ``--answers`` file being completed or reviewed, as it was before anything was asked."""

    source: LoadedAnswers
    #: The session's answers before anything was asked (what "unchanged" compares with).
    before: AnswersFile
    #: What to score if nothing changes: the file's own answers (None: the session's,
    #: which differ from the file's by answers given on the command line).
    scored: AnswersFile | None


@dataclass
class Plan:
    """Where things go, and how to make the session (perhaps once loading is done)."""

    loader: Loader
    make_session: Callable[[LoadedQuestionnaire], Session]
    resume: Path | None
    save_answers: Path | None
    argv: Sequence[str]
    session: Session | None = None
    from_file: FromFile | None = None

    def unchanged(self, complete: AnswersFile) -> FromFile | None:
        """The file the answers came from, if ``complete`` is what it was and needs no copy.

        None means "save as usual": something changed, the answers did not come from
        an ``--answers`` file, or ``--save-answers`` names a file other than it.
        """
        kept = self.from_file
        if kept is None or complete != kept.before:
            return None
        if self.save_answers is not None and not same_file(
            self.save_answers, Path(kept.source.document.file)
        ):
            return None
        return kept

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


def save_draft(plan: Plan, what: str) -> str:
    """Save the answers so far as a draft; return the message for the user."""
    from mutual_detector import answers_io
    from mutual_detector.atomic import atomic_write
    from mutual_detector.loading import display_path

    with shielded():
        session = plan.get_session()
        if not session.typed_anything:
            if plan.resume is not None:
                shown = display_path(plan.resume)
                command = resume_command(plan.argv, shown)
                return f"{what}; your draft {shown} is unchanged. To carry on: {command}"
            if plan.from_file is not None:
                shown = plan.from_file.source.document.file
                return (
                    f"{what} before anything was changed; nothing was saved, {shown} is as it was"
                )
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


def choose_target(plan: Plan, session: Session, ui: PromptFrontend) -> Path:
    from mutual_detector import answers_io
    from mutual_detector.loading import display_path

    target = plan.answers_path(session)
    if not target.exists():
        return target
    alternative = answers_io.next_free_path(target)
    if ui.confirm_replace(display_path(target), display_path(alternative)):
        return target
    return alternative


def write_final(
    target: Path,
    complete: AnswersFile,
    session: Session,
    plan: Plan | None,
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
        and not same_file(resumed, target)
        and answers_io.is_draft_file(resumed)
    ):
        with contextlib.suppress(OSError):
            os.unlink(resumed)
            emit(f"Removed the draft {display_path(resumed)}")
    return target


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:  # pragma: no cover - unresolvable paths
        return False


__all__ = [
    "ANSWER_OPTIONS",
    "PROGRAM",
    "FromFile",
    "Plan",
    "choose_target",
    "resume_command",
    "same_file",
    "save_draft",
    "write_final",
]

"""Saving answers: the draft on an interrupt, the answers file at the end, the resume command.

The rules (also in :mod:`mutual_detector.answers_io` and ``assess --help``):
the answers go to ``--save-answers`` or ``./<service-slug>-answers.yaml``; an
existing file is replaced only if the user says so, else the next free name
(``-2``, ``-3``, ...) is used; ``--force`` says so in advance, and without a
terminal nobody can, so an existing ``--save-answers`` file is refused (exit 4)
unless ``--force`` is given. A draft goes to ``--resume``'s file or next to
the answers file as ``<name>.draft.yaml``. It replaces only the draft it
resumed, or an earlier draft with no answers: a draft with answers is kept
(a fresh session offers to resume it, :mod:`~mutual_detector.interactive.drafts`)
and the new draft takes the next free name, which the message says. The draft
a session resumed from is removed once the complete answers are saved.

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
    #: ``--force``: replace an existing ``--save-answers`` file without asking.
    force: bool = False

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
        """Where the draft goes: the resumed draft, else next to the answers file.

        An earlier draft there that holds answers (another session's, or one the
        user chose not to resume) is never replaced: the next free name is used.
        """
        from mutual_detector import answers_io

        if self.resume is not None:
            return answers_io.draft_target(self.resume)
        preferred = answers_io.draft_target(answers_io.draft_path_for(self.answers_path(session)))
        return answers_io.next_free_path(preferred) if kept_draft(preferred) else preferred


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
            preferred = answers_io.draft_path_for(plan.answers_path(session))
            path = plan.draft_path(session)
            shown = display_path(path)
            kept = kept_draft(preferred) if plan.resume is None else None
            command = resume_command(plan.argv, shown)
            text = answers_io.dump_answers(
                session.answers_file("draft"),
                order=session.asking_order,
                comment=f"Draft: the assessment was interrupted.\nTo carry on: {command}",
            )
            atomic_write(path, text)
        except OutputError as exc:
            return f"{what}; could not save the answers so far: {exc.message}"
    if kept is not None and not same_file(preferred, path):
        earlier = f"the earlier draft {display_path(preferred)} ({_answers_count(kept)}) was kept"
        return f"{what}; answers so far saved in {shown} ({earlier}). To carry on: {command}"
    return f"{what}; answers so far saved in {shown}. To carry on: {command}"


def kept_draft(path: Path) -> int | None:
    """The number of answers in the draft at ``path``, if it is a draft with answers.

    Such a draft is never replaced by another session's draft (None: there is no
    draft there, or it holds no answers, and it may be replaced).
    """
    from mutual_detector import answers_io
    from mutual_detector.errors import InputError
    from mutual_detector.loading import read_document

    if not path.exists() or not answers_io.is_draft_file(path):
        return None
    try:
        answers = read_document(path).data.get("answers")
    except InputError:
        return None
    count = len(answers) if isinstance(answers, dict) else 0
    return count or None


def _answers_count(n: int) -> str:
    return "1 answer" if n == 1 else f"{n} answers"


def choose_target(plan: Plan, session: Session, ui: PromptFrontend) -> Path:
    from mutual_detector import answers_io
    from mutual_detector.loading import display_path

    target = plan.answers_path(session)
    if not target.exists() or plan.force:
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


def target_without_prompts(
    path: Path, *, force: bool, interactive: bool, ask: Callable[[str, str], bool] | None = None
) -> Path:
    """Where ``--save-answers PATH`` goes when no question was asked.

    An existing file is replaced only if the user says so: with ``--force``, or
    by answering yes at the terminal (no: the next free name). Without a
    terminal (or with ``--no-input``) nobody can say so, so it is refused with an
    :class:`OutputError` (exit code 4) that names ``--force``.
    """
    from mutual_detector import answers_io
    from mutual_detector.loading import display_path

    if force or not path.exists():
        return path
    alternative = answers_io.next_free_path(path)
    if interactive:
        confirm = ask or ask_replace
        return path if confirm(display_path(path), display_path(alternative)) else alternative
    raise OutputError(
        f"--save-answers {display_path(path)}: the file exists and there is no terminal to "
        "ask whether to replace it; add --force to replace it, or name a new file"
    )


def ask_replace(path: str, alternative: str) -> bool:
    """Ask at the terminal, with a plain line prompt, whether to replace ``path``."""
    import sys

    from mutual_detector.interactive.runtime import console_stream

    stream = console_stream()
    while True:
        stream.write(f"? {path} already exists. Replace it? (y/N; no saves as {alternative}) ")
        stream.flush()
        typed = sys.stdin.readline()
        if not typed:
            raise EOFError
        reply = typed.strip().lower()
        if reply in ("", "n", "no"):
            return False
        if reply in ("y", "yes"):
            return True
        stream.write("! Type y to replace it, or n (or Enter) to save as the new name.\n")


def save_copy(
    source: LoadedAnswers,
    target: Path,
    order: Sequence[str],
    *,
    force: bool,
    interactive: bool,
    emit: Callable[[str], None],
) -> Path | None:
    """``--save-answers`` for an answers file scored as it is (nothing was asked).

    The answers are written to ``target`` as any saved answers are (unless
    ``target`` is the answers file itself, which is left as it was, and the user
    told so). Returns where they were written (None: nowhere).
    """
    from mutual_detector import answers_io
    from mutual_detector.atomic import atomic_write
    from mutual_detector.loading import display_path

    file = source.document.file
    if same_file(target, Path(file)):
        emit(f"--save-answers names the answers file itself, so {file} was left as it was.")
        return None
    chosen = target_without_prompts(target, force=force, interactive=interactive)
    atomic_write(chosen, answers_io.dump_answers(source.answers, order=order))
    emit(f"Answers saved to {display_path(chosen)}")
    return chosen


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
    "ask_replace",
    "choose_target",
    "kept_draft",
    "resume_command",
    "same_file",
    "save_copy",
    "save_draft",
    "target_without_prompts",
    "write_final",
]

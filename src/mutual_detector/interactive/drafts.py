"""An earlier draft for the same service: offered for resuming, never replaced.

A fresh ``assess`` saves its draft (on Ctrl-C) as ``<service>-answers.draft.yaml``.
If a draft with answers is already there (an assessment of the same service,
interrupted earlier), then once the service is known:

* the user is asked whether to carry on from it (as ``--resume DRAFT`` would);
* if not, the assessment starts again and the earlier draft is kept: should this
  one be interrupted too, it is saved under the next free name
  (``<service>-answers-2.draft.yaml``), and the message says which file holds
  what (:func:`mutual_detector.interactive.saving.save_draft`).

Only a draft for the same questionnaire is offered; any other draft is just
kept. Nothing here replaces a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mutual_detector.errors import InputError

if TYPE_CHECKING:
    from mutual_detector.interactive.saving import Plan
    from mutual_detector.interactive.session import Session
    from mutual_detector.interactive.steps import MetaValue, PromptFrontend
    from mutual_detector.loading import LoadedAnswers
    from mutual_detector.model.answers import Answer


def earlier_draft(plan: Plan, session: Session) -> tuple[Path, LoadedAnswers, int] | None:
    """The draft with answers where this session's draft would go, if it is for this questionnaire."""
    from mutual_detector import answers_io
    from mutual_detector.interactive.saving import kept_draft
    from mutual_detector.loading import load_answers

    path = answers_io.draft_path_for(plan.answers_path(session))
    count = kept_draft(path)
    if count is None:
        return None
    try:
        loaded = load_answers(path)
    except InputError:
        return None
    if loaded.answers.questionnaire != session.q.id:
        return None
    return path, loaded, count


def offer_earlier_draft(
    plan: Plan,
    session: Session,
    ui: PromptFrontend,
    *,
    fixed_answers: Mapping[str, Answer] | None,
    fixed_metadata: Mapping[str, MetaValue] | None,
    today: dt.date,
) -> Session:
    """Offer to carry on from an earlier draft for this service; the session to go on with.

    Carrying on makes ``plan`` resume that draft (it is saved there if interrupted
    again, and removed once the answers are saved). Starting again keeps it.
    """
    from mutual_detector import answers_io
    from mutual_detector.loading import display_path

    found = earlier_draft(plan, session)
    # A frontend without ``resume_draft`` (a script) starts again; the draft is still kept.
    chooser: Callable[[str, int, str], bool] | None = getattr(ui, "resume_draft", None)
    if found is None or chooser is None:
        return session
    path, loaded, count = found
    shown = display_path(path)
    alternative = display_path(answers_io.next_free_path(path))
    if not chooser(shown, count, alternative):
        ui.notice(
            f"Starting again. {shown} is kept; if you stop, this assessment is saved as "
            f"{alternative}."
        )
        return session
    from mutual_detector.interactive.session import Session

    draft = loaded.answers
    resumed = Session(
        session.q,
        answers=draft.answers,
        metadata=draft.metadata,
        fixed_answers=fixed_answers,
        fixed_metadata=fixed_metadata,
        today=today,
    )
    for qid, _rule, why in resumed.rejected:
        ui.notice(f"{shown}: {qid}: {why}")
    plan.resume = path
    plan.session = resumed
    ui.notice(f"Carrying on from {shown}.")
    return resumed


__all__ = ["earlier_draft", "offer_earlier_draft"]

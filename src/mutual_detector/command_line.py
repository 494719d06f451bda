"""Answers given on the command line (``assess --set ID=VALUE``), checked as the command line.

A wrong ``--set`` is a usage error (exit code 2) whose message names the
option as it was typed (``--set su_staff_count=notanumber: expected a number,
...``), never a line of the answers file, which may hold a valid value for
that question. An unknown question id is an error too (with "did you mean"),
not a warning that is "ignored" while the command still fails.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mutual_detector.errors import UsageError

if TYPE_CHECKING:
    from mutual_detector.model.answers import Answer
    from mutual_detector.model.questionnaire import Questionnaire


def shown_set(qid: str, answer: Answer, given: Mapping[str, str] | None = None) -> str:
    """``--set ID=VALUE`` as typed (from ``given``), else rebuilt from the value."""
    typed = (given or {}).get(qid)
    if typed is None:
        value = answer.value
        typed = f"{qid}={value if isinstance(value, str) else json.dumps(value)}"
    return f"--set {typed}"


def check_set_answers(
    q: Questionnaire, answers: Mapping[str, Answer], given: Mapping[str, str] | None = None
) -> None:
    """Raise :class:`UsageError` for the first ``--set`` that does not fit ``q``.

    ``given`` maps each question id to the ``ID=VALUE`` text typed, for the message.
    """
    from mutual_detector.model.checks import check_answer

    for qid, answer in answers.items():
        option = shown_set(qid, answer, given)
        question = q.question_index.get(qid)
        if question is None:
            retired = next((r for r in q.retired if r.id == qid), None)
            if retired is not None:
                since = f" in version {retired.since}" if retired.since else ""
                now = (
                    f"; answer {', '.join(retired.replaced_by)} instead"
                    if retired.replaced_by
                    else ""
                )
                raise UsageError(f"{option}: question {qid!r} was retired{since}{now}")
            close = difflib.get_close_matches(qid, list(q.question_index), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(
                f"{option}: questionnaire {q.id!r} has no question {qid!r}{hint}; "
                "`mutual-detector template` lists the question ids"
            )
        if answer.value is None:
            continue
        problem = check_answer(question, answer.value)
        if problem is not None:
            raise UsageError(f"{option}: {problem[1]}")


__all__ = ["check_set_answers", "shown_set"]

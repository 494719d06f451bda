"""Answers files as YAML text, and where they are saved.

:func:`dump_answers` turns an :class:`~mutual_detector.model.answers.AnswersFile`
into YAML text that :func:`mutual_detector.loading.load_answers` reads back to
the same model. The text is deterministic: the same answers give the same
bytes, whatever order they were given in (answers follow the questionnaire's
asking order when it is passed, else their ids in alphabetical order).

Nothing here writes a file; callers write the text with
:func:`mutual_detector.atomic.atomic_write`.

Where answers go (documented in the README and ``assess --help``):

* ``--save-answers PATH``, else ``./<service-slug>-answers.yaml``
  (:func:`default_answers_path`).
* An existing file is never replaced without asking; if you say no, the
  answers go to the next free name: ``…-answers-2.yaml``, ``-3`` and so on
  (:func:`next_free_path`).
* An interrupted assessment is saved as a draft next to it:
  ``<name>.draft.yaml`` (:func:`draft_path_for`), or back into the file given
  to ``--resume``. A draft replaces only an earlier draft, never a complete
  answers file or anything else; and a fresh session never replaces a draft
  that holds answers (:mod:`mutual_detector.interactive.saving`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import yaml

if TYPE_CHECKING:
    from mutual_detector.model.answers import Answer, AnswersFile

#: Order of the top-level keys and of the metadata keys in a saved file.
_TOP_KEYS: Final = (
    "format",
    "questionnaire",
    "questionnaire_version",
    "questionnaire_sha256",
    "status",
    "metadata",
    "answers",
)
_META_KEYS: Final = ("service", "organisation", "assessor", "date", "notes")
_ANSWER_KEYS: Final = ("value", "note", "evidence")


class _Dumper(yaml.SafeDumper):
    """Block style, but short lists of plain values on one line: ``[staff, users]``."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(v, str | int | float | bool) for v in data) and len(data) <= 20
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)


def _answer_data(answer: Answer) -> Any:
    if answer.note is None and answer.evidence is None:
        return answer.value
    data = answer.model_dump(mode="json")
    return {k: data[k] for k in _ANSWER_KEYS if data.get(k) is not None or k == "value"}


def _ordered_ids(answers: Mapping[str, Answer], order: Iterable[str] | None) -> list[str]:
    if order is None:
        return sorted(answers)
    ranked = [qid for qid in dict.fromkeys(order) if qid in answers]
    return ranked + sorted(set(answers) - set(ranked))


def answers_data(answers: AnswersFile, order: Iterable[str] | None = None) -> dict[str, Any]:
    """Plain data of ``answers`` in the saved key order (``None`` fields left out)."""
    data = answers.model_dump(mode="json", exclude={"answers", "metadata"})
    meta = answers.metadata.model_dump(mode="json")
    out: dict[str, Any] = {}
    for key in _TOP_KEYS:
        if key == "metadata":
            kept = {k: meta[k] for k in _META_KEYS if meta.get(k) not in (None, "")}
            if kept.get("date") is not None:
                kept["date"] = answers.metadata.date  # a YAML date, not a quoted string
            if kept:
                out["metadata"] = kept
        elif key == "answers":
            out["answers"] = {
                qid: _answer_data(answers.answers[qid])
                for qid in _ordered_ids(answers.answers, order)
            }
        elif data.get(key) is not None:
            out[key] = data[key]
    return out


def dump_answers(
    answers: AnswersFile, *, order: Iterable[str] | None = None, comment: str | None = None
) -> str:
    """YAML text of ``answers``: deterministic, with notes and evidence kept.

    ``order`` is the questionnaire's asking order of question ids; ``comment``
    (one or more lines) goes at the top as ``# ...`` lines.
    """
    header = "".join(f"# {line}".rstrip() + "\n" for line in (comment or "").splitlines())
    body = yaml.dump(
        answers_data(answers, order),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body


# --------------------------------------------------------------------------- paths


def slugify(text: str, *, max_length: int = 60) -> str:
    """A file-name-safe slug: ``"Adult Day Services (North)"`` -> ``adult-day-services-north``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def default_answers_path(
    service: str | None, questionnaire_id: str, folder: os.PathLike[str] | str = "."
) -> Path:
    """``<folder>/<service-slug>-answers.yaml``; the questionnaire id if there is no service."""
    stem = slugify(service or "") or questionnaire_id
    return Path(folder) / f"{stem}-answers.yaml"


def draft_path_for(answers_path: os.PathLike[str] | str) -> Path:
    """Where a draft of ``answers_path`` is saved: ``x-answers.yaml`` -> ``x-answers.draft.yaml``."""
    path = Path(answers_path)
    stem, suffix = path.stem, path.suffix or ".yaml"
    if stem.endswith(".draft"):
        return path.with_name(stem + suffix)
    return path.with_name(f"{stem}.draft{suffix}")


def answers_path_for_draft(draft_path: os.PathLike[str] | str) -> Path:
    """The inverse of :func:`draft_path_for`: ``x-answers.draft.yaml`` -> ``x-answers.yaml``."""
    path = Path(draft_path)
    stem = path.stem.removesuffix(".draft")
    return path.with_name(stem + (path.suffix or ".yaml"))


def next_free_path(path: os.PathLike[str] | str) -> Path:
    """``path`` if nothing is there, else the first free ``<stem>-2<suffix>``, ``-3``, ..."""
    target = Path(path)
    if not target.exists():
        return target
    stem = target.stem
    suffix = target.suffix
    inner = ""
    if stem.endswith(".draft"):  # keep drafts recognisable: x.draft.yaml -> x-2.draft.yaml
        stem, inner = stem.removesuffix(".draft"), ".draft"
    n = 2
    while True:
        candidate = target.with_name(f"{stem}-{n}{inner}{suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def is_draft_file(path: os.PathLike[str] | str) -> bool:
    """Whether ``path`` holds a readable answers file with ``status: draft``."""
    from mutual_detector.errors import InputError
    from mutual_detector.loading import read_document

    try:
        doc = read_document(path)
    except InputError:
        return False
    return doc.kind == "answers" and doc.data.get("status") == "draft"


def draft_target(preferred: os.PathLike[str] | str) -> Path:
    """Where to write a draft: ``preferred`` unless it holds something other than a draft."""
    path = Path(preferred)
    if not path.exists() or is_draft_file(path):
        return path
    return next_free_path(path)


def today() -> dt.date:
    """Today's date (a function so tests can pass a fixed date instead)."""
    return dt.date.today()


__all__ = [
    "answers_data",
    "answers_path_for_draft",
    "default_answers_path",
    "draft_path_for",
    "draft_target",
    "dump_answers",
    "is_draft_file",
    "next_free_path",
    "slugify",
    "today",
]

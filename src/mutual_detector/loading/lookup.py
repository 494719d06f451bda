"""Finding a questionnaire: the one lookup every command uses, in one documented order.

1. ``--questionnaire REF``, when given:

   a. a built-in id (``mutual-detector``) is the built-in questionnaire: a file
      or folder of that name in the working folder does not hide it (write
      ``./mutual-detector`` to mean such a file);
   b. anything else is the path of a questionnaire file.

2. Otherwise, answers are checked and scored against the questionnaire whose id
   their ``questionnaire:`` line gives, the first found of:

   a. the questionnaire files named on the command line (``validate`` only);
   b. the questionnaire files in the answers file's own folder (by name order);
   c. the questionnaire files found in the folders given (``validate`` only);
   d. the built-in questionnaire with that id.

3. Otherwise (``template``, a fresh ``assess``): the built-in ``mutual-detector``.

Every failure names the path or id it looked for. ``assess``, ``batch``,
``compare``, ``template`` and ``validate`` all call :func:`questionnaire_path`
(``validate`` through one :class:`Finder` for the whole run).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Final

from mutual_detector.errors import InputError
from mutual_detector.loading.files import display_path, fail

DEFAULT_QUESTIONNAIRE: Final = "mutual-detector"
YAML_SUFFIXES: Final = (".yaml", ".yml", ".json")
_MARKER: Final = b"mutual-detector/questionnaire@1"


def builtin_dir() -> Path:
    """Where the built-in questionnaires are: inside the installed package, or the checkout."""
    packaged = Path(__file__).parent.parent / "questionnaires"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "questionnaires"


def builtin_paths() -> list[Path]:
    """Top-level built-in questionnaire files (parts live in sub-folders)."""
    return sorted(builtin_dir().glob("*.yaml"))


def builtin(ident: str) -> Path | None:
    """The built-in questionnaire with id ``ident`` (its file's name), if there is one."""
    return next((p for p in builtin_paths() if p.stem == ident), None)


def _builtin_ids() -> str:
    return ", ".join(p.stem for p in builtin_paths()) or "none"


def resolve_ref(ref: str | os.PathLike[str]) -> Path:
    """Step 1: the questionnaire ``--questionnaire REF`` means (a ``Path`` is always a path)."""
    text = os.fspath(ref)
    if isinstance(ref, str) and is_id(text):
        found = builtin(text)
        if found is not None:
            return found
    path = Path(text)
    if path.is_dir():
        raise fail("E008", display_path(path), "is a directory, not a file")
    if path.exists() or not is_id(text):
        return path  # a missing file is reported, with its path, when it is read
    raise InputError(
        f"no questionnaire {text!r}: not a file, nor a built-in id (built-ins: {_builtin_ids()})"
    )


def is_id(text: str) -> bool:
    """Written as an id (no folder separator, no file extension), not as a file's path."""
    return not any(sep in text for sep in ("/", os.sep)) and not text.endswith(YAML_SUFFIXES)


def questionnaire_id(path: Path) -> str | None:
    """The id of the questionnaire at ``path``; None if it is not a readable questionnaire file."""
    from mutual_detector.loading.files import decode, read_raw
    from mutual_detector.loading.readers import parse_document

    try:
        raw = read_raw(path, str(path))
        if _MARKER not in raw:
            return None  # not a questionnaire: not worth parsing
        doc = parse_document(decode(raw, str(path)), str(path))
    except InputError:
        return None
    ident = doc.data.get("id") if doc.kind == "questionnaire" else None
    return ident if isinstance(ident, str) else None


class Finder:
    """Step 2 for one run: each folder and each candidate file is read once, when first needed.

    ``id_of`` gives a candidate's questionnaire id (``validate`` passes its own
    reader, which reads each file once for every purpose); ``named`` and
    ``found`` are steps 2a and 2c.
    """

    def __init__(
        self,
        id_of: Callable[[Path], str | None] = questionnaire_id,
        *,
        named: Iterable[Path] = (),
        found: Iterable[Path] = (),
    ) -> None:
        self._id_of = id_of
        self._named = _IdIndex(iter(named), id_of)
        self._found = _IdIndex(iter(found), id_of)
        self._folders: dict[Path, _IdIndex] = {}

    def for_answers(self, qid: str, answers: Path | None) -> Path | None:
        """The questionnaire with id ``qid`` for the answers file ``answers``, if any is found.

        ``answers`` None: answers that are not in a file (typed), so no folder to look in.
        """
        beside: Path | None = None
        if answers is not None:
            folder = answers.parent
            if folder not in self._folders:
                self._folders[folder] = _IdIndex(_in_folder(folder), self._id_of)
            beside = self._named.find(qid) or self._folders[folder].find(qid)
        return beside or self._found.find(qid) or builtin(qid)


def not_found(qid: str, answers: Path | None, *, given: bool = False) -> str:
    """Why step 2 found nothing, naming where it looked."""
    where = f" in {display_path(answers.parent) or '.'}" if answers is not None else ""
    among = ", among the files given," if given else ""
    return (
        f"no questionnaire {qid!r}{where}{among} or built in (built-ins: {_builtin_ids()}); "
        "pass --questionnaire ID or PATH"
    )


def questionnaire_path(
    ref: str | os.PathLike[str] | None,
    *,
    answers: Path | None = None,
    qid: str | None = None,
    finder: Finder | None = None,
) -> Path:
    """The questionnaire to use (see the module docstring for the order).

    ``ref``: ``--questionnaire``; ``answers`` and ``qid``: an answers file and
    the id its ``questionnaire:`` line gives. Raises InputError naming what was
    looked for.
    """
    if ref is not None:
        return resolve_ref(ref)
    if qid is not None:
        found = (finder or Finder()).for_answers(qid, answers)
        if found is None:
            raise InputError(not_found(qid, answers))
        return found
    found = builtin(DEFAULT_QUESTIONNAIRE)
    if found is None:
        raise InputError(f"no built-in questionnaires found in {display_path(builtin_dir())}")
    return found


def _in_folder(folder: Path) -> Iterator[Path]:
    """Step 2b's candidates: the regular files of ``folder`` with a YAML or JSON name, sorted.

    Only regular files are opened (a named pipe there is left alone).
    """
    try:
        names = sorted(c for c in folder.iterdir() if c.suffix in YAML_SUFFIXES)
    except OSError:
        names = []
    return (c for c in names if c.is_file())


class _IdIndex:
    """The first file with each questionnaire id, among candidates read only as far as needed.

    Many answers files looking up their questionnaire among many files read each
    candidate once in all, not once per answers file.
    """

    def __init__(self, candidates: Iterator[Path], id_of: Callable[[Path], str | None]) -> None:
        self._candidates = candidates
        self._id_of = id_of
        self._first: dict[str, Path] = {}

    def find(self, qid: str) -> Path | None:
        if qid in self._first:
            return self._first[qid]
        for candidate in self._candidates:
            ident = self._id_of(candidate)
            if ident is not None:
                self._first.setdefault(ident, candidate)
                if ident == qid:
                    return candidate
        return None


__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "YAML_SUFFIXES",
    "Finder",
    "builtin",
    "builtin_dir",
    "builtin_paths",
    "is_id",
    "not_found",
    "questionnaire_id",
    "questionnaire_path",
    "resolve_ref",
]

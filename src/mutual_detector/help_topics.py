"""The documentation, from inside the installed package (``mutual-detector help TOPIC``).

The files of ``docs/`` are shipped in the wheel as ``mutual_detector/docs/``
(``pyproject.toml``: ``force-include``), so hints such as "see
``mutual-detector help expressions``" work wherever the tool is installed, not
only in a clone of the repository. Each topic is one file, named by its stem
(``expressions`` is ``docs/expressions.md``).

Standard library only.
"""

from __future__ import annotations

import difflib
from pathlib import Path

#: Other names people may try, for the topic that answers them.
ALIASES: dict[str, str] = {
    "conditions": "expressions",
    "when": "expressions",
    "questionnaire": "format",
    "answers": "format",
    "exit-codes": "errors",
    "rules": "errors",
    "validate": "errors",
    "score": "scoring",
    "schema": "editor",
    "pre-commit": "ci",
}


def docs_dir() -> Path:
    """Where the documentation is: inside the installed package, or the checkout."""
    packaged = Path(__file__).with_name("docs")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "docs"


def topics() -> dict[str, str]:
    """Each topic and its title (the file's first heading), in alphabetical order."""
    out: dict[str, str] = {}
    for path in sorted(docs_dir().glob("*.md")):
        title = path.stem
        try:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("# "):
                        title = line[2:].strip().replace("`", "")
                        break
        except OSError:
            continue
        out[path.stem] = title
    return out


def resolve(name: str) -> str | None:
    """The topic ``name`` means (a topic, or one of :data:`ALIASES`), if any."""
    key = name.strip().lower().removesuffix(".md")
    known = topics()
    if key in known:
        return key
    alias = ALIASES.get(key)
    return alias if alias in known else None


def suggest(name: str) -> str | None:
    """The closest topic to a mistyped ``name``."""
    close = difflib.get_close_matches(name.lower(), [*topics(), *ALIASES], n=1, cutoff=0.6)
    return resolve(close[0]) if close else None


def text(topic: str) -> str:
    """The documentation of ``topic`` (Markdown)."""
    return (docs_dir() / f"{topic}.md").read_text(encoding="utf-8")


__all__ = ["ALIASES", "docs_dir", "resolve", "suggest", "text", "topics"]

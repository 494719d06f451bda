"""What a fast reader is: the one base class, and the one signal that it gives a file up.

A fast reader turns a file's text into plain data faster than the located
reader (:func:`mutual_detector.loading.located.parse_yaml`) does on the files
it knows, and *exactly* as that reader would: the same data, of the same
types, with the same keys in the same order. It records no positions; a
document it read finds them, if ever asked, by reading its text again with the
located reader.

On anything it does not know, or that the located reader might refuse or read
otherwise, it raises :class:`NotPlain` and the located reader reads the file:
a fast reader never raises anything else and never reports a problem itself.
So every file is read one way whatever the command, and every problem is
reported by the located reader, with its ``file:line:column``.

Readers are tried in the order of :data:`mutual_detector.loading.readers.FAST_READERS`,
the one place where they are chosen.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Final

#: A fast reader gives up a file of more values than this: far below the located
#: reader's own bound on values written (``located.MAX_NODES``), and far above any
#: answers file (a few hundred), so a file anywhere near a limit is the located
#: reader's to judge.
GIVE_UP_VALUES: Final = 100_000


class NotPlain(Exception):
    """The one fallback signal: this reader cannot vouch for the file, so the located reader reads it."""


class FastReader(ABC):
    """Base class of the fast readers (one small module each)."""

    name: ClassVar[str]
    """A short name, for benchmarks and test ids."""

    @abstractmethod
    def read(self, text: str) -> dict[str, Any]:
        """The mapping ``text`` holds, exactly as the located reader gives it; or :class:`NotPlain`.

        ``text`` is decoded already (UTF-8, byte-order mark removed). The limits
        are those of the located reader: a file near them is given up.
        """


__all__ = ["GIVE_UP_VALUES", "FastReader", "NotPlain"]

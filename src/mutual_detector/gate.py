"""CI gating: does an assessment meet ``--min-band`` and ``--min-score``?

Used by ``assess`` and ``batch`` alike, so the two commands fail for the same
reasons and say so in the same words.

Rules (documented in docs/ci.md). Unknown answers give the score a range and
the verdict a best and a worst band; the gate is conservative:

- ``--min-band B`` passes when the **worst** band the unknown answers could
  lead to (caps applied) is B or a better one (bands are listed best first in
  the questionnaire). A decided verdict's worst band is its band; a verdict
  "between A and C" passes only if C is good enough. B may be a band's id or
  its label, in any case.
- ``--min-score N`` passes when the **low** end of the score's range (every
  unknown answer at its worst) is at least N (0-100); without unknown answers
  that is the score itself.
- With both options, both must pass. The printed reason names what fell short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mutual_detector.errors import UsageError


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """Whether an assessment meets ``--min-band`` / ``--min-score``."""

    passed: bool
    reasons: tuple[str, ...] = ()
    """Why it fell short (empty when it passed)."""

    def line(self) -> str:
        if self.passed:
            return "gate: passed"
        return "gate: FAILED: " + "; ".join(self.reasons)

    def __reduce__(self) -> tuple[type[GateOutcome], tuple[bool, tuple[str, ...]]]:
        # Crosses from batch workers in every record: pickled as a call, as records are.
        return GateOutcome, (self.passed, self.reasons)


@dataclass(frozen=True, slots=True)
class Gate:
    """A gate, checked against the bands of one questionnaire."""

    min_band: str | None
    min_score: float | None
    bands: tuple[str, ...]
    """Band ids, best first."""
    labels: tuple[str, ...]
    """Their labels, same order."""

    @classmethod
    def build(
        cls,
        bands: Sequence[tuple[str, str]],
        min_band: str | None,
        min_score: float | None,
    ) -> Gate | None:
        """A gate for ``(id, label)`` bands (best first); None when no option is given.

        ``min_band`` may be a band's id or label, in any case. Raises
        :class:`UsageError` for a band that does not exist or a score outside 0-100.
        """
        if min_band is None and min_score is None:
            return None
        ids = tuple(b for b, _ in bands)
        if min_band is not None:
            wanted = " ".join(min_band.split()).casefold()
            found = [
                b
                for b, label in bands
                if wanted in (b.casefold(), " ".join(label.split()).casefold())
            ]
            if not found:
                choices = ", ".join(f"{b} ({label!r})" for b, label in bands)
                raise UsageError(
                    f"--min-band {min_band!r} is not a band of this questionnaire; "
                    f"choose a band id or label, best first: {choices}"
                )
            min_band = found[0]
        if min_score is not None and (not math.isfinite(min_score) or not 0 <= min_score <= 100):
            raise UsageError(f"--min-score must be between 0 and 100, got {min_score:g}")
        return cls(min_band, min_score, ids, tuple(label for _, label in bands))

    @classmethod
    def for_questionnaire(
        cls, questionnaire: Any, min_band: str | None, min_score: float | None, lang: str = "en"
    ) -> Gate | None:
        from mutual_detector.model.questionnaire import text

        bands = [(b.id, text(b.label, lang)) for b in questionnaire.scoring.bands]
        return cls.build(bands, min_band, min_score)

    def describe(self) -> str:
        """The gate in words, e.g. ``--min-band promising --min-score 60``."""
        parts = []
        if self.min_band is not None:
            parts.append(f"--min-band {self.min_band}")
        if self.min_score is not None:
            parts.append(f"--min-score {self.min_score:g}")
        return " ".join(parts)

    def check(
        self,
        *,
        worst: str,
        low: float | None,
        decided: bool = True,
        point: float | None = None,
    ) -> GateOutcome:
        """Whether a verdict passes.

        ``worst``: the worst band the unknown answers could lead to (the band itself
        when decided); ``low``: the low end of the score's range; ``point``: the point
        estimate (for the message only).
        """
        reasons: list[str] = []
        if self.min_band is not None:
            want = self.bands.index(self.min_band)
            got = self.bands.index(worst) if worst in self.bands else len(self.bands)
            if got > want:
                label = self.labels[got] if got < len(self.labels) else "no band"
                need = f"--min-band {self.min_band} ({self.labels[want]!r})"
                if decided:
                    reasons.append(f"band {label!r} is below {need}")
                else:
                    reasons.append(
                        f"the unknown answers could lead to {label!r}, below {need}; "
                        "answer them to settle it"
                    )
        if self.min_score is not None and (low is None or low < self.min_score):
            need = f"--min-score {self.min_score:g}"
            if low is None:
                reasons.append(f"no score is below {need}")
            elif point is not None and point != low:
                reasons.append(
                    f"the score could be as low as {low:g} (point estimate {point:g}), below {need}"
                )
            else:
                reasons.append(f"score {low:g} is below {need}")
        return GateOutcome(not reasons, tuple(reasons))

    def check_result(self, result: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.model.result.Result`."""
        from mutual_detector.engine.brief import Brief

        return self.check_brief(Brief.of_result(result))

    def check_brief(self, brief: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.engine.brief.Brief` (or a batch Summary)."""
        return self.check(
            worst=brief.worst, low=brief.low, decided=brief.decided, point=brief.point
        )


def verdict_line(gate: Gate | None, result: Any) -> tuple[str | None, bool]:
    """For ``assess``: the line to print on stderr, and whether the gate passed.

    ``(None, True)`` without a gate. The line names the gate and, when it fails, why.
    """
    if gate is None:
        return None, True
    outcome = gate.check_result(result)
    return f"mutual-detector: {outcome.line()} ({gate.describe()})", outcome.passed


__all__ = ["Gate", "GateOutcome", "verdict_line"]

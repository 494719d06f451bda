"""CI gating: does an assessment meet ``--min-band`` and ``--min-score``?

Used by ``assess`` and ``batch`` alike, so the two commands fail for the same
reasons and say so in the same words.

Rules (documented in docs/ci.md):

- ``--min-band B`` passes when the *worst* band the verdict could be is B or
  a better one (bands are listed best first in the questionnaire; caps
  applied). A decided verdict is its band; a verdict "between A and C" passes
  only if C, the worse end, passes: unknown answers are not given the benefit
  of the doubt.
- ``--min-score N`` passes when the *low* end of the score's range is at
  least N (0-100); for a fully answered assessment that is the score.
- The band may be given by id or by label, in any case (``promising``,
  ``Promising, with gaps to close``).
- With both options, both must pass.
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

        Raises :class:`UsageError` for a band that does not exist or a score outside 0-100.
        """
        if min_band is None and min_score is None:
            return None
        ids = tuple(b for b, _ in bands)
        if min_band is not None and min_band not in ids:
            by_name = {label.lower(): b for b, label in bands} | {b.lower(): b for b in ids}
            by_name |= {label.split(",")[0].split()[0].lower(): b for b, label in bands}
            if min_band.strip().lower() in by_name:
                min_band = by_name[min_band.strip().lower()]
            else:
                raise UsageError(
                    f"--min-band {min_band!r} is not a band of this questionnaire; "
                    f"choose one of {', '.join(ids)} (best first)"
                )
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
        best: str,
        worst: str,
        low: float | None,
        decided: bool = True,
    ) -> GateOutcome:
        """Whether a verdict passes: its worst band and the low end of its score."""
        reasons: list[str] = []
        if self.min_band is not None:
            want = self.bands.index(self.min_band)
            got = self.bands.index(worst) if worst in self.bands else len(self.bands)
            if got > want:
                label = self.labels[got] if got < len(self.labels) else "no band"
                what = f"band {label!r}" if decided else f"the worst band it could be, {label!r},"
                reasons.append(
                    f"{what} is below --min-band {self.min_band} ({self.labels[want]!r})"
                )
        if self.min_score is not None and (low is None or low < self.min_score):
            shown = "no score" if low is None else f"score {low:g}"
            if not decided and low is not None:
                shown = f"the lowest score the unknown answers allow, {low:g},"
            reasons.append(f"{shown} is below --min-score {self.min_score:g}")
        return GateOutcome(not reasons, tuple(reasons))

    def check_result(self, result: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.model.result.Result`."""
        from mutual_detector.engine.brief import Brief

        return self.check_brief(Brief.of_result(result))

    def check_brief(self, brief: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.engine.brief.Brief`."""
        return self.check(best=brief.best, worst=brief.worst, low=brief.low, decided=brief.decided)


def verdict_line(gate: Gate | None, result: Any) -> tuple[str | None, bool]:
    """For ``assess``: the line to print on stderr, and whether the gate passed.

    ``(None, True)`` without a gate. The line names the gate and, when it fails, why.
    """
    if gate is None:
        return None, True
    outcome = gate.check_result(result)
    return f"mutual-detector: {outcome.line()} ({gate.describe()})", outcome.passed


__all__ = ["Gate", "GateOutcome", "verdict_line"]

"""CI gating: does an assessment meet ``--min-band`` and ``--min-score``?

Used by ``assess`` and ``batch`` alike, so the two commands fail for the same
reasons and say so in the same words.

Rules (documented in docs/ci.md):

- ``--min-band B`` passes when the verdict is band B or a better one (bands
  are listed best first in the questionnaire). The verdict is the band after
  any blocker cap, exactly as printed.
- ``--min-score N`` passes when the overall score is at least N (0-100).
- An **inconclusive** verdict fails every gate: too few answers to say is not
  a pass. The printed reason says so, and names the confidence reached.
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
            by_label = {label.lower(): b for b, label in bands}
            if min_band.lower() in by_label:
                min_band = by_label[min_band.lower()]
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
        inconclusive: bool,
        band: str | None,
        score: float | None,
        confidence: float | None = None,
        threshold: float | None = None,
    ) -> GateOutcome:
        """Whether a verdict passes; ``band`` is the verdict's band (after caps)."""
        reasons: list[str] = []
        if inconclusive:
            reached = ""
            if confidence is not None and threshold is not None:
                reached = f" (confidence {confidence:.0%}, {threshold:.0%} needed)"
            reasons.append(f"the verdict is inconclusive{reached}; an inconclusive verdict fails")
            return GateOutcome(False, tuple(reasons))
        if self.min_band is not None:
            want = self.bands.index(self.min_band)
            got = self.bands.index(band) if band in self.bands else len(self.bands)
            if got > want:
                label = self.labels[got] if got < len(self.labels) else "no band"
                reasons.append(
                    f"band {label!r} is below --min-band {self.min_band} ({self.labels[want]!r})"
                )
        if self.min_score is not None and (score is None or score < self.min_score):
            shown = "no score" if score is None else f"score {score:g}"
            reasons.append(f"{shown} is below --min-score {self.min_score:g}")
        return GateOutcome(not reasons, tuple(reasons))

    def check_result(self, result: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.model.result.Result`."""
        from mutual_detector.engine.brief import Brief

        return self.check_brief(Brief.of_result(result))

    def check_brief(self, brief: Any) -> GateOutcome:
        """:meth:`check` for a :class:`~mutual_detector.engine.brief.Brief`."""
        return self.check(
            inconclusive=not brief.conclusive,
            band=brief.band,
            score=brief.score,
            confidence=brief.confidence,
            threshold=brief.confidence_threshold,
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

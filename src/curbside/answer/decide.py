"""The one abstention decision: may this ask be answered from the evidence found?

Every signal about an ask is gathered into ``Signals`` and judged here, once. Three findings
rule an answer out whatever the evidence scores (a named drug or condition the library never
mentions; a special population the chosen evidence never speaks of; a dose asked for a
treatment none of the chosen statements names). Otherwise a logistic model over the evidence
signals gives the probability that the library answers the ask, and the ask is answered when
that probability clears the calibrated threshold (see calibration.py for what it was fitted
on).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .calibration import ABSTENTION


@dataclass
class Signals:
    """What is known about one ask when the decision is taken."""

    coverage: float = 0.0  # share of the ask's weighted terms the best on-topic document covers
    question_coverage: float = 0.0  # the same for the whole question
    semantic: float = 0.0  # cosine between the question and the closest document's title
    best_statement: float = 0.0  # score of the best candidate statement
    unfamiliar: float = 0.0  # technical-looking words of the question the library lacks (max 3)
    unknown: list[str] = field(default_factory=list)
    lacking: list[str] = field(default_factory=list)  # the ask's terms its best document lacks
    out_of_scope: str | None = None
    population_gap: str | None = None
    dose_gap: str | None = None
    usable: bool = True  # any candidate statement at all

    def features(self) -> dict[str, float]:
        """Every numeric signal, whether the current model uses it or not (for fitting)."""
        return {name: round(float(getattr(self, name)), 4) for name in FEATURES}


FEATURES = ("coverage", "question_coverage", "semantic", "best_statement", "unfamiliar")


@dataclass(frozen=True)
class Decision:
    answer: bool
    probability: float
    reason: str | None = None


def decide(signals: Signals) -> Decision:
    """Answer, or abstain with the reason a reader is shown."""
    probability = answerability(signals)
    if signals.out_of_scope:
        return Decision(False, probability, signals.out_of_scope)
    if signals.unknown:
        return Decision(False, probability, _unknown_reason(signals.unknown))
    if not signals.usable:
        return Decision(False, probability, "No usable evidence.")
    gap = signals.population_gap or signals.dose_gap
    if gap:  # said before the weak-evidence reason: it tells the reader what is missing
        return Decision(False, probability, gap)
    if probability < ABSTENTION.threshold:
        return Decision(False, probability, _weak_reason(signals.lacking))
    return Decision(True, probability)


def answerability(signals: Signals) -> float:
    """The fitted model's probability that the library answers the ask."""
    z = ABSTENTION.intercept
    for name, mean, scale, coef in zip(
        ABSTENTION.features, ABSTENTION.mean, ABSTENTION.scale, ABSTENTION.coef, strict=True
    ):
        z += coef * (float(getattr(signals, name)) - mean) / scale
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _weak_reason(lacking: list[str]) -> str:
    reason = "No document in the library covers enough of this question"
    return f"{reason}: none speaks of {', '.join(lacking)}." if lacking else f"{reason}."


def _unknown_reason(unknown: list[str]) -> str:
    return f"The library does not mention {', '.join(unknown[:3])}."

"""Calibrated constants of the answer engine, one group per concern.

Each group says what it was fitted on. Nothing here is tuned on a held-out file
(``*_holdout.jsonl``, the held-out halves of the remove-the-gold-documents sets).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AbstentionModel:
    """Logistic regression over standardised ``Signals`` (decide.py)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float


# Fitted 2026-12-01 (logistic regression, L2 = 1, Newton steps; /tmp script, reproduced by
# `curbside eval abstention --fit`) on development data only: ngc_vignettes_dev.jsonl and
# ngc.jsonl over the NGC library, bundled.jsonl over the bundled library, off_domain_dev.jsonl
# and absent_medical_dev.jsonl over both; 842 questions (382 answerable), each represented by
# its best-covered ask, leaving out those a veto already rules out (decide.py). Development
# AUROC 0.990. At the threshold 82% of the development vignettes are answered and 3% of the
# off-domain questions that no veto catches.
ABSTENTION = AbstentionModel(
    features=("coverage", "question_coverage", "semantic", "unfamiliar"),
    mean=(0.5128, 0.4836, 0.3714, 0.1639),
    scale=(0.3238, 0.3069, 0.2346, 0.424),
    coef=(1.776, 0.118, 3.193, -1.031),
    intercept=-0.362,
    threshold=0.4,
)

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


# Fitted 2026-12-01 (logistic regression, L2 = 1, by Newton steps) on the development halves
# only: ngc_vignettes_dev.jsonl and ngc.jsonl over the NGC library, bundled.jsonl over the
# bundled library, off_domain_dev.jsonl and absent_medical_dev.jsonl over both; 973 questions
# (382 answerable), each represented by its best-covered ask, leaving out those the
# unknown-topic rule already rules out. Development AUROC 0.986. The threshold keeps 75% of
# the development vignettes answered while answering 2% of the off-domain questions; the
# unknown-topic rule (abstain.py) has to catch the rest.
ABSTENTION = AbstentionModel(
    features=("coverage", "question_coverage", "semantic"),
    mean=(0.5011, 0.4719, 0.3542),
    scale=(0.3113, 0.2944, 0.2295),
    coef=(2.304, -0.434, 2.753),
    intercept=-1.141,
    threshold=0.4,
)

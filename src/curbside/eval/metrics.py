"""Ranking metrics, AUROC and abstention rates. Pure functions over ranked ids, scores and
labels."""

from __future__ import annotations

import math
from collections.abc import Sequence


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((g for g in relevant.values() if g > 0), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(ranked: Sequence[str], relevant: dict[str, int], k: int) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted.intersection(ranked[:k])) / len(wanted) if wanted else 0.0


def mrr_at(ranked: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if relevant.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


def auroc(scores: Sequence[float], positive: Sequence[bool]) -> float | None:
    """Area under the ROC curve: the chance that a random positive scores above a random
    negative, ties counting half (the Mann–Whitney statistic from average ranks).

    ``None`` when one class is empty: there is nothing to separate.
    """
    n_pos = sum(1 for p in positive if p)
    n_neg = len(positive) - n_pos
    if len(scores) != len(positive):
        raise ValueError("scores and labels differ in length")
    if not n_pos or not n_neg:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        average = (start + end) / 2 + 1  # tied scores share the mean of their ranks
        rank_sum += average * sum(1 for i in order[start : end + 1] if positive[i])
        start = end + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def abstention_rates(
    abstained: Sequence[bool], answerable: Sequence[bool]
) -> dict[str, float | None]:
    """The decision as made: abstention recall on unanswerable questions, false abstention on
    answerable ones, and precision (the share of abstentions that were right)."""
    if len(abstained) != len(answerable):
        raise ValueError("decisions and labels differ in length")
    pairs = list(zip(abstained, answerable, strict=True))
    unanswerable = [a for a, ok in pairs if not ok]
    answerable_ = [a for a, ok in pairs if ok]
    made = [ok for a, ok in pairs if a]
    return {
        "abstention_recall": sum(unanswerable) / len(unanswerable) if unanswerable else None,
        "false_abstention": sum(answerable_) / len(answerable_) if answerable_ else None,
        "precision": sum(1 for ok in made if not ok) / len(made) if made else None,
    }

"""Ranking, AUROC and abstention metrics and percentiles against values worked out by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curbside.eval.metrics import (
    abstention_rates,
    auroc,
    mrr_at,
    ndcg_at,
    percentile,
    recall_at,
)


def test_ndcg_with_graded_relevance():
    # DCG = (2^1-1)/log2(3) + (2^2-1)/log2(4) = 0.63093 + 1.5
    # IDCG = (2^2-1)/log2(2) + (2^1-1)/log2(3) = 3 + 0.63093
    expected = (1 / math.log2(3) + 1.5) / (3 + 1 / math.log2(3))
    assert ndcg_at(["a", "b", "c"], {"b": 1, "c": 2}) == pytest.approx(expected)
    assert expected == pytest.approx(0.58688, abs=1e-5)


def test_ndcg_perfect_empty_and_cut_off():
    assert ndcg_at(["c", "b", "a"], {"b": 1, "c": 2}) == pytest.approx(1.0)
    assert ndcg_at(["a", "b"], {}) == 0.0
    assert ndcg_at(["a", "b"], {"a": 0}) == 0.0
    assert ndcg_at([], {"a": 1}) == 0.0
    assert ndcg_at(["x", "a"], {"a": 1}, k=1) == 0.0
    # One relevant document at rank 2: 1/log2(3) over an ideal of 1.
    assert ndcg_at(["x", "a"], {"a": 1}, k=2) == pytest.approx(1 / math.log2(3))


def test_ndcg_ideal_is_cut_at_k():
    # Three relevant documents, k=2: the ideal counts only the best two.
    relevant = {"a": 1, "b": 1, "c": 1}
    assert ndcg_at(["a", "b"], relevant, k=2) == pytest.approx(1.0)


def test_recall():
    relevant = {"a": 1, "d": 2, "e": 0}
    assert recall_at(["a", "b", "c"], relevant, 2) == 0.5
    assert recall_at(["a", "b", "d"], relevant, 3) == 1.0
    assert recall_at(["e", "b"], relevant, 10) == 0.0
    assert recall_at(["a"], {}, 10) == 0.0
    assert recall_at(["a"], {"a": 0}, 10) == 0.0


def test_mrr():
    assert mrr_at(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert mrr_at(["a", "y"], {"a": 1, "y": 1}) == 1.0
    assert mrr_at(["x", "y", "a"], {"a": 1}, k=2) == 0.0
    assert mrr_at(["x", "a"], {"x": 0, "a": 2}) == 0.5
    assert mrr_at([], {"a": 1}) == 0.0


def test_percentile_is_nearest_rank():
    values = [7.0, 3.0, 10.0, 1.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0]
    assert percentile(values, 50) == 5.0
    assert percentile(values, 95) == 10.0
    assert percentile(values, 90) == 9.0
    assert percentile(values, 10) == 1.0
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 10.0
    assert percentile([42.0], 95) == 42.0
    assert percentile([], 50) == 0.0
    assert values[0] == 7.0  # the input is not sorted in place


def test_auroc_perfect_inverse_and_chance():
    labels = [False, False, True, True]
    assert auroc([0.1, 0.2, 0.8, 0.9], labels) == 1.0
    assert auroc([0.9, 0.8, 0.2, 0.1], labels) == 0.0
    assert auroc([0.5, 0.5, 0.5, 0.5], labels) == 0.5  # all tied: every pair counts half


def test_auroc_ties_count_half():
    # Pairs (pos, neg): (0.5, 0.1) win, (0.5, 0.5) tie, (0.9, 0.1) win, (0.9, 0.5) win.
    assert auroc([0.1, 0.5, 0.5, 0.9], [False, False, True, True]) == pytest.approx(3.5 / 4)
    # One positive among three negatives, tied with one of them and above the others.
    assert auroc([0.3, 0.3, 0.1, 0.2], [True, False, False, False]) == pytest.approx(2.5 / 3)


def test_auroc_needs_both_classes():
    assert auroc([0.1, 0.2], [True, True]) is None
    assert auroc([], []) is None
    with pytest.raises(ValueError):
        auroc([0.1], [True, False])


@given(st.lists(st.tuples(st.integers(0, 5), st.booleans()), min_size=2, max_size=40))
def test_auroc_equals_the_pairwise_count(pairs):
    scores = [float(s) for s, _ in pairs]
    labels = [label for _, label in pairs]
    pos = [s for s, label in pairs if label]
    neg = [s for s, label in pairs if not label]
    if not pos or not neg:
        assert auroc(scores, labels) is None
        return
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    assert auroc(scores, labels) == pytest.approx(wins / (len(pos) * len(neg)))


def test_abstention_rates_at_the_decision_made():
    abstained = [True, True, False, False, True, False]
    answerable = [False, False, False, True, True, True]
    rates = abstention_rates(abstained, answerable)
    assert rates["abstention_recall"] == pytest.approx(2 / 3)
    assert rates["false_abstention"] == pytest.approx(1 / 3)
    assert rates["precision"] == pytest.approx(2 / 3)
    assert abstention_rates([False], [True]) == {
        "abstention_recall": None,
        "false_abstention": 0.0,
        "precision": None,
    }

"""Ranking metrics and percentiles against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from curbside.eval.metrics import mrr_at, ndcg_at, percentile, recall_at


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

"""The abstention model: IRLS logistic regression with L2 and standardisation, and the
operating points chosen from it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from curbside.eval.abstention import DEVELOPMENT, HELD_OUT, Example
from curbside.eval.fit import (
    Model,
    fit,
    irls,
    report,
    standardise,
    threshold_for_false_abstention,
    threshold_for_full_recall,
)
from curbside.eval.metrics import auroc


def _examples(rng, n: int, gap: float, split: str = DEVELOPMENT, source: str = "beir"):
    """Answerable examples have strength around 0.5 + gap/2 and unanswerable around
    0.5 − gap/2 (scaled into odd units on purpose); "noise" carries no signal."""
    out = []
    for i in range(n):
        answerable = i % 2 == 0
        centre = 0.5 + (gap / 2 if answerable else -gap / 2)
        out.append(
            Example(
                set="synthetic",
                source=source,
                split=split,
                qid=f"{split}{i}",
                question="?",
                answerable=answerable,
                score=0.0,
                abstained=False,
                features={
                    "strength": 100 * (centre + 0.1 * rng.standard_normal()),
                    "noise": 1000 + rng.standard_normal(),
                },
            )
        )
    return out


def test_irls_matches_the_known_optimum_of_a_one_feature_problem():
    # With l2 → 0 on non-separable data, the fit is the maximum-likelihood estimate; at it,
    # the gradient of the log-likelihood is zero: Σ(y − p) = 0 and Σ(y − p)·x = 0.
    rng = np.random.default_rng(1)
    x = rng.standard_normal(400)
    y = (rng.random(400) < 1 / (1 + np.exp(-(0.5 + 2.0 * x)))).astype(float)
    coef, intercept = irls(x[:, None], y, l2=1e-9)
    p = 1 / (1 + np.exp(-(intercept + coef[0] * x)))
    assert abs(np.sum(y - p)) < 1e-6 and abs(np.sum((y - p) * x)) < 1e-6
    assert coef[0] == pytest.approx(2.0, abs=0.5) and intercept == pytest.approx(0.5, abs=0.3)


def test_fit_recovers_separable_data_and_stays_finite():
    rng = np.random.default_rng(2)
    train = _examples(rng, 200, gap=1.0)  # centres 10 standard deviations apart
    model = fit(train)
    assert all(math.isfinite(c) for c in model.coef)
    assert model.coef[model.features.index("strength")] > 0
    held_out = _examples(rng, 200, gap=1.0, split=HELD_OUT)
    p = model.probability([ex.features for ex in held_out])
    assert auroc(p.tolist(), [ex.answerable for ex in held_out]) == 1.0
    assert all((pi > 0.5) == ex.answerable for pi, ex in zip(p, held_out, strict=True))


def test_fit_on_nearly_separable_data_weights_the_signal_not_the_noise():
    rng = np.random.default_rng(3)
    model = fit(_examples(rng, 400, gap=0.3))
    weights = dict(zip(model.features, model.coef, strict=True))
    assert weights["strength"] > 1.0
    assert abs(weights["noise"]) < 0.3 * weights["strength"]
    held_out = _examples(rng, 400, gap=0.3, split=HELD_OUT)
    p = model.probability([ex.features for ex in held_out])
    assert auroc(p.tolist(), [ex.answerable for ex in held_out]) > 0.9


def test_standardisation_is_stored_and_applied():
    rng = np.random.default_rng(4)
    train = _examples(rng, 100, gap=0.5)
    model = fit(train)
    x = np.array([[ex.features[f] for f in model.features] for ex in train])
    assert model.mean == pytest.approx(x.mean(axis=0).tolist())
    assert model.scale == pytest.approx(x.std(axis=0).tolist())
    assert model.mean[model.features.index("noise")] == pytest.approx(1000, abs=1)
    # The same probabilities come from the stored numbers by hand.
    row = train[0].features
    z = [(row[f] - m) / s for f, m, s in zip(model.features, model.mean, model.scale, strict=True)]
    by_hand = 1 / (1 + math.exp(-(model.intercept + np.dot(model.coef, z))))
    assert model.probability([row])[0] == pytest.approx(by_hand)


def test_fit_uses_development_only_and_saves_round_trip(tmp_path: Path):
    rng = np.random.default_rng(5)
    dev = _examples(rng, 60, gap=0.5)
    # Held-out examples labelled the other way round must not move the fit at all.
    flipped = _examples(rng, 60, gap=0.5, split=HELD_OUT)
    for ex in flipped:
        ex.answerable = not ex.answerable
    model = fit(dev + flipped)
    assert model.fitted_on == {"synthetic": 60}
    assert model.coef == pytest.approx(fit(dev).coef)
    path = tmp_path / "model.json"
    model.save(path)
    data = json.loads(path.read_text())
    assert {"features", "mean", "scale", "coef", "intercept", "fitted_on"} <= set(data)
    assert Model.load(path) == model


def test_a_constant_feature_gets_scale_one_and_weight_zero():
    mean, scale = standardise(np.array([[1.0, 5.0], [3.0, 5.0]]))
    assert mean.tolist() == [2.0, 5.0] and scale.tolist() == [1.0, 1.0]
    with pytest.raises(ValueError):
        irls(np.zeros((3, 1)), np.ones(3))


def test_threshold_for_false_abstention():
    p = [i / 20 for i in range(20)]  # 0.00 … 0.95
    t = threshold_for_false_abstention(p, 0.10)
    assert t == pytest.approx(0.10)  # abstains on 0.00 and 0.05: 2 of 20
    assert sum(v < t for v in p) / len(p) <= 0.10
    assert sum(v < np.nextafter(t, 1) for v in p) / len(p) > 0.10
    assert threshold_for_false_abstention([], 0.1) is None


def test_threshold_for_full_recall():
    p = [0.2, 0.7, 0.4]
    t = threshold_for_full_recall(p)
    assert all(v < t for v in p) and t == pytest.approx(0.7)
    assert threshold_for_full_recall([]) is None


def test_report_gives_held_out_auroc_and_both_operating_points():
    rng = np.random.default_rng(6)
    examples = _examples(rng, 80, gap=0.6) + _examples(rng, 80, gap=0.6, split=HELD_OUT)
    examples += [
        Example("off-domain", "cases", split, f"c{split}{i}", "?", False, 0.0, True, {})
        for split in (DEVELOPMENT, HELD_OUT)
        for i in range(5)
    ]
    model = fit(examples)
    result = report(model, examples)
    assert result["held_out_auroc"]["synthetic"] > 0.9
    assert result["held_out_auroc"]["off-domain"] is None  # one class only
    first, second = result["operating_points"]
    assert first["sets"]["synthetic"][DEVELOPMENT]["false_abstention"] <= 0.10
    assert second["sets"]["off-domain"][DEVELOPMENT]["abstention_recall"] == 1.0
    assert set(first["sets"]) == {"synthetic", "off-domain", "all"}

"""``curbside eval abstention --fit OUT.json``: a logistic regression of answerability on the
decision's features, fitted on development examples only, judged on held-out ones.

The model is P(answerable | features) = sigmoid(intercept + coef · (x − mean) / scale).
Features are standardised so that one L2 penalty treats them alike whatever their units; the
intercept is not penalised (it only sets the base rate). Fitting is Newton's method (IRLS) on
the penalised log-likelihood, which is strictly convex, so it needs no learning rate and stops
in a handful of steps; the penalty keeps it finite on separable data.

An operating point abstains when P(answerable) < threshold, on the model alone: the engine's
vetoes (a topic the library never mentions, an out-of-scope question, a population or dose
gap) are not among the decision's features, so a threshold chosen here has to catch on its own
what a veto would have caught.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from ..errors import CurbsideError
from .abstention import ALL, DEVELOPMENT, HELD_OUT, SPLITS, Example, fill, metric_table, show
from .metrics import abstention_rates, auroc

L2 = 1.0
MAX_FALSE_ABSTENTION = 0.10


@dataclass
class Model:
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    fitted_on: dict[str, int] = field(default_factory=dict)
    l2: float = L2

    def matrix(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        # A feature an example lacks counts as 0, as it would in the pipeline's own sum.
        return np.array(
            [[float(r.get(f, 0.0)) for f in self.features] for r in rows], dtype=float
        ).reshape(len(rows), len(self.features))

    def probability(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        z = (self.matrix(rows) - np.array(self.mean)) / np.array(self.scale)
        return _sigmoid(z @ np.array(self.coef) + self.intercept)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> Model:
        return cls(**json.loads(path.read_text()))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow


def standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    # A constant feature carries nothing; scale 1 leaves it at 0 instead of dividing by 0.
    scale[scale < 1e-12] = 1.0
    return mean, scale


def irls(
    z: np.ndarray, y: np.ndarray, l2: float = L2, max_iter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, float]:
    """(coef, intercept) maximising the log-likelihood minus l2/2·|coef|² on standardised z."""
    if not (0 < y.sum() < len(y)):
        raise ValueError("fitting needs both answerable and unanswerable examples")
    a = np.hstack([np.ones((len(z), 1)), z])
    penalty = np.full(a.shape[1], float(l2))
    penalty[0] = 0.0
    w = np.zeros(a.shape[1])
    w[0] = math.log(y.mean() / (1 - y.mean()))  # start at the base rate

    def objective(v: np.ndarray) -> float:
        eta = a @ v
        # log σ(η) = −log(1+e^−η), written stably for large |η|.
        loglik = np.sum(y * eta - np.logaddexp(0.0, eta))
        return float(loglik - 0.5 * np.sum(penalty * v * v))

    current = objective(w)
    for _ in range(max_iter):
        p = _sigmoid(a @ w)
        gradient = a.T @ (y - p) - penalty * w
        hessian = (a * (p * (1 - p))[:, None]).T @ a + np.diag(penalty)
        hessian[0, 0] += 1e-12  # every p at 0 or 1 leaves the intercept's curvature at 0
        step = np.linalg.solve(hessian, gradient)
        # Newton's step can overshoot far from the optimum; halve until the objective rises.
        t = 1.0
        while t > 1e-8 and objective(w + t * step) < current - 1e-12:
            t /= 2
        w = w + t * step
        current = objective(w)
        if np.max(np.abs(t * step)) < tol:
            break
    return w[1:], float(w[0])


def fit(examples: Sequence[Example], l2: float = L2) -> Model:
    """A model over the union of the examples' features; only development examples count."""
    chosen = [ex for ex in examples if ex.split == DEVELOPMENT]
    names = sorted({name for ex in chosen for name in ex.features})
    if not names:
        raise CurbsideError("no development examples with features to fit on")
    if len({ex.answerable for ex in chosen}) < 2:
        raise CurbsideError("fitting needs answerable and unanswerable development examples")
    shell = Model(names, [0.0] * len(names), [1.0] * len(names), [0.0] * len(names), 0.0)
    x = shell.matrix([ex.features for ex in chosen])
    y = np.array([1.0 if ex.answerable else 0.0 for ex in chosen])
    mean, scale = standardise(x)
    coef, intercept = irls((x - mean) / scale, y, l2=l2)
    return Model(
        features=names,
        mean=mean.tolist(),
        scale=scale.tolist(),
        coef=coef.tolist(),
        intercept=intercept,
        fitted_on=dict(Counter(ex.set for ex in chosen)),
        l2=l2,
    )


# ---- operating points ---------------------------------------------------------------------
def threshold_for_false_abstention(
    p_answerable: Sequence[float], max_rate: float = MAX_FALSE_ABSTENTION
) -> float | None:
    """The highest threshold at which at most ``max_rate`` of answerable examples abstain.

    Abstaining below the (⌊max_rate·n⌋+1)-th smallest probability abstains on at most
    ⌊max_rate·n⌋ of them; any higher threshold takes in one more.
    """
    if not len(p_answerable):
        return None
    ordered = np.sort(np.asarray(p_answerable, dtype=float))
    allowed = math.floor(max_rate * len(ordered) + 1e-9)
    return float(ordered[allowed]) if allowed < len(ordered) else math.inf


def threshold_for_full_recall(p_unanswerable: Sequence[float]) -> float | None:
    """The lowest threshold at which every unanswerable example abstains: just above the
    most answerable-looking of them."""
    if not len(p_unanswerable):
        return None
    return float(np.nextafter(np.max(np.asarray(p_unanswerable, dtype=float)), math.inf))


def report(model: Model, examples: Sequence[Example]) -> dict[str, Any]:
    """Held-out AUROC of the fitted model and the two operating points, as data."""
    examples = list(examples)
    p = model.probability([ex.features for ex in examples])
    names = list(dict.fromkeys(ex.set for ex in examples))
    names += [ALL] if len(names) > 1 else []

    def part(name: str, split: str, **where: Any) -> tuple[list[Example], np.ndarray]:
        keep = [
            i
            for i, ex in enumerate(examples)
            if ex.split == split
            and name in (ALL, ex.set)
            and all(getattr(ex, k) == v for k, v in where.items())
        ]
        return [examples[i] for i in keep], p[keep]

    def rates(name: str, split: str, threshold: float) -> dict[str, Any]:
        chosen, probs = part(name, split)
        labels = [ex.answerable for ex in chosen]
        return {
            "answerable": sum(labels),
            "unanswerable": len(labels) - sum(labels),
            "auroc": auroc(probs.tolist(), labels),
            **abstention_rates([bool(v < threshold) for v in probs], labels),
        }

    points = {
        f"false abstention ≤ {MAX_FALSE_ABSTENTION:.0%} on dev": threshold_for_false_abstention(
            part(ALL, DEVELOPMENT, answerable=True)[1]
        ),
        "abstention recall 1.0 on dev case files": threshold_for_full_recall(
            part(ALL, DEVELOPMENT, source="cases", answerable=False)[1]
        ),
    }
    held_out = {}
    for name in names:
        chosen, probs = part(name, HELD_OUT)
        held_out[name] = auroc(probs.tolist(), [ex.answerable for ex in chosen])
    operating = [
        {
            "name": label,
            "threshold": threshold,
            "sets": {}
            if threshold is None
            else {name: {s: rates(name, s, threshold) for s in SPLITS} for name in names},
        }
        for label, threshold in points.items()
    ]
    return {"model": asdict(model), "held_out_auroc": held_out, "operating_points": operating}


def _shown(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def render(result: dict[str, Any], console: Console) -> None:
    model = result["model"]
    weights = ", ".join(
        f"{name} {coef:+.3f}" for name, coef in zip(model["features"], model["coef"], strict=True)
    )
    fitted = ", ".join(f"{name} {n}" for name, n in model["fitted_on"].items())
    console.print(
        f"Fitted on development only ({fitted}): intercept {model['intercept']:+.3f}; "
        f"standardised coefficients {weights}",
        highlight=False,
    )
    table = Table(title="Fitted model, held-out AUROC")
    table.add_column("set")
    table.add_column("held-out AUROC", justify="right")
    for name, value in result["held_out_auroc"].items():
        table.add_row(name, _shown(value))
    console.print(table)
    for point in result["operating_points"]:
        if point["threshold"] is None:
            console.print(f"Operating point {point['name']}: n/a (no such examples)")
            continue
        title = (
            f"Operating point: {point['name']}; abstain when P(answerable) < "
            f"{point['threshold']:.4f}"
        )
        show(fill(metric_table(title), point["sets"]), console)

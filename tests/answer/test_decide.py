"""The one abstention decision, on both sides: what rules an answer out, and what lets it in."""

from __future__ import annotations

import pytest

from curbside.answer.calibration import ABSTENTION
from curbside.answer.decide import FEATURES, Signals, answerability, decide

STRONG = Signals(coverage=1.0, question_coverage=0.9, semantic=0.7)
WEAK = Signals(coverage=0.15, question_coverage=0.1, semantic=0.1)


def test_strong_evidence_is_answered_and_weak_evidence_is_not():
    assert decide(STRONG).answer
    weak = decide(WEAK)
    assert not weak.answer and "cover" in weak.reason
    assert answerability(WEAK) < ABSTENTION.threshold <= answerability(STRONG)


def test_more_evidence_never_lowers_the_probability_of_answering():
    for name in ("coverage", "semantic"):
        low = answerability(Signals(**{**vars(WEAK), name: 0.2}))
        high = answerability(Signals(**{**vars(WEAK), name: 0.9}))
        assert high > low, name


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"unknown": ["zuranolone"]}, "does not mention zuranolone"),
        ({"out_of_scope": "Veterinary questions are outside this library."}, "Veterinary"),
        (
            {"population_gap": "The library holds no evidence on this topic for children."},
            "children",
        ),
        ({"dose_gap": "The library holds no dosing evidence for immunoglobulin."}, "dosing"),
        ({"usable": False}, "No usable evidence"),
    ],
)
def test_each_finding_rules_out_an_answer_however_strong_the_evidence(change, words):
    decision = decide(Signals(**{**vars(STRONG), **change}))
    assert not decision.answer
    assert words in decision.reason


def test_the_unknown_reason_names_at_most_three_topics():
    reason = decide(Signals(unknown=["glaucoma", "timolol", "latanoprost", "fourth"])).reason
    assert "glaucoma" in reason and "latanoprost" in reason and "fourth" not in reason


def test_features_report_every_signal_and_the_model_uses_known_ones():
    assert set(STRONG.features()) == set(FEATURES)
    assert set(ABSTENTION.features) <= set(FEATURES)
    assert len(ABSTENTION.features) == len(ABSTENTION.coef) == len(ABSTENTION.mean)

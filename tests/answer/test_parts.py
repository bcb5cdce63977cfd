"""Question parts: the case description is context, each ask is answered on its own."""

from __future__ import annotations

import pytest

from curbside.answer.parts import MAX_ASKS, split_question


def test_a_vignette_splits_into_its_case_and_its_asks():
    parts = split_question(
        "A 78-year-old woman with CKD (eGFR 22) takes metformin 1 g twice daily. "
        "Should metformin be stopped? What apixaban dose should she take? "
        "How do I treat her gout flare?"
    )
    assert parts.case.startswith("A 78-year-old woman with CKD")
    assert [a.text for a in parts.asks] == [
        "Should metformin be stopped?",
        "What apixaban dose should she take?",
        "How do I treat her gout flare?",
    ]
    assert parts.is_vignette


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (
            "What should I prescribe for an acute gout flare, and if I use colchicine, what dose?",
            ["What should I prescribe for an acute gout flare?", "if I use colchicine, what dose?"],
        ),
        (
            "How often should lithium levels be checked; how long should treatment last?",
            ["How often should lithium levels be checked?", "how long should treatment last?"],
        ),
        ("What is the emergency treatment of severe hyperkalaemia?", None),
        ("Which antibiotics with and without penicillin allergy?", None),
    ],
)
def test_asks_inside_one_sentence_are_split_at_their_joints(question, asks):
    found = [a.text for a in split_question(question).asks]
    assert found == (asks or [question])


def test_a_bare_topic_is_one_ask_and_no_case():
    parts = split_question("colchicine dose gout")
    assert [a.text for a in parts.asks] == ["colchicine dose gout"]
    assert not parts.is_vignette


def test_decimals_and_abbreviations_do_not_end_a_sentence():
    parts = split_question("He takes 2.5 mg e.g. at night vs. mornings. What dose now?")
    assert parts.case == "He takes 2.5 mg e.g. at night vs. mornings."
    assert [a.text for a in parts.asks] == ["What dose now?"]


def test_at_most_four_asks_and_nothing_is_lost():
    question = " ".join(f"What about drug number {n}?" for n in range(7))
    asks = split_question(question).asks
    assert len(asks) == MAX_ASKS
    assert all(f"number {n}" in " ".join(a.text for a in asks) for n in range(7))

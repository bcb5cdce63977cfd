"""Evidence scoring pieces: pure functions over text, no library."""

from __future__ import annotations

import pytest

from curbside.answer.evidence import GroupWeights
from curbside.answer.signals import BOILERPLATE, intent_features
from curbside.search.query import Group, QueryPlan, Term, negated_tokens, plan_query
from curbside.search.vocabulary import load_vocabulary


@pytest.mark.parametrize(
    "text",
    [
        "Give hydroxocobalamin 1000 micrograms intramuscularly.",
        "Reassess before increasing dosage to 50 MME/day or more.",
        "Avoid doses over 90 mg morphine equivalent daily dose.",
        "Keep the total under 100 morphine milligram equivalents.",
    ],
)
def test_doses_in_any_unit_are_seen_as_doses(text: str):
    assert "dose" in intent_features(text, ["dose"])


def test_a_sentence_without_an_amount_is_not_a_dose():
    assert "dose" not in intent_features("Review the dose at each visit.", ["dose"])


def _weights(*sources: str, topics: frozenset[str] = frozenset()) -> GroupWeights:
    plan = QueryPlan(text=" ".join(sources), groups=[Group(s, (Term(s, 1.0),)) for s in sources])
    rarity = {"type": 1.0, "2": 1.0, "diabetes": 5.0, "eye": 4.0, "from": 0.5, "way": 1.0}
    return GroupWeights.build(plan, str.split, lambda t: rarity.get(t, 3.0), topics)


def test_function_words_do_not_count_towards_coverage():
    weights = _weights("from", "way", "eye")
    assert weights.coverage(frozenset({"eye"})) == 1.0


def test_weighing_an_option_aloud_is_not_what_the_evidence_must_say():
    """ "Is it worth adding valacyclovir?": a guideline that says "antivirals might be
    offered" covers the ask, though it never says "worth" or "adding"."""
    weights = _weights("worth", "adding", "valacyclovir")
    assert weights.coverage(frozenset({"valacyclovir"})) == 1.0


def test_a_source_on_the_general_condition_is_on_topic_for_the_specific_one():
    weights = _weights("type 2 diabetes", "eye", topics=frozenset({"type 2 diabetes"}))
    assert weights.on_topic({"people", "with", "diabetes"})
    assert not weights.on_topic({"eye", "examination"})


def test_what_the_ask_sets_aside_is_not_what_the_evidence_must_say():
    """ "What should he be on besides the diuretic?" asks for everything but the diuretic."""
    question = "What should he be on besides the diuretic, and should we add anything?"
    assert "diuretic" in negated_tokens(question)
    assert "diuretic" in negated_tokens("Apart from the diuretic, what else?")
    assert "anything" not in negated_tokens(question)  # the next clause is the ask's own
    plan = plan_query(question, load_vocabulary())
    weights = GroupWeights.build(plan, str.split, lambda t: 3.0)
    assert "diuretic" not in weights.sources
    assert "besides" not in weights.sources


@pytest.mark.parametrize(
    "text",
    [
        "Note from the Association of periOperative Nurses (AORN): These recommended practices "
        "are intended to provide guidance to perioperative registered nurses.",
        "These recommended practices provide information about testing pneumatic tourniquets.",
        "This guideline covers people of all ages at risk of, or who have, a pressure ulcer.",
        "People on renal replacement therapy are outside the scope of this guideline.",
        "The purpose of this document is to update the 2010 recommendations.",
    ],
)
def test_editors_notes_and_scope_statements_are_not_evidence(text: str):
    assert BOILERPLATE.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "In patients with major limb trauma use a tourniquet if direct pressure has failed.",
        "This recommendation applies to adults aged 18 years or older, including pregnant women.",
        "Guidelines recommend that these patients have an echocardiogram.",
    ],
)
def test_advice_and_its_population_are_still_evidence(text: str):
    assert not BOILERPLATE.search(text)

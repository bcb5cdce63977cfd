"""analyse: the question's intent, entities and population, pure over text and vocabulary."""

from __future__ import annotations

import pytest

from curbside.answer.analyse import INTENTS, Analysis, analyse
from curbside.runtime import Runtime
from curbside.search.query import QueryPlan
from curbside.search.vocabulary import load_vocabulary

VOCAB = load_vocabulary()


def _analyse(question: str) -> Analysis:
    return analyse(question, QueryPlan(text=question), VOCAB)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What dose of hydroxocobalamin for pernicious anaemia?", "dose"),
        ("What amoxicillin regimen for otitis media?", "dose"),
        ("What treatment regimens are recommended for latent TB infection?", "dose"),
        ("Which dosing schedules are used for hepatitis B vaccine?", "dose"),
        ("How often should the injections be given?", "dose"),
        ("What is the target blood pressure in diabetes?", "threshold"),
        ("At what level should treatment start?", "threshold"),
        ("How should lithium be monitored?", "monitoring"),
        ("Is ramipril safe in pregnancy?", "contraindication"),
        ("Which drugs interact with warfarin?", "contraindication"),
        ("What are the side effects of lithium?", "adverse"),
        ("How is DKA diagnosed?", "diagnosis"),
        ("Which tests confirm B12 deficiency?", "diagnosis"),
        ("How can migraine be prevented?", "prevention"),
        ("Who should get the hepatitis B vaccine?", "prevention"),
        ("What is the prognosis of sepsis?", "prognosis"),
        ("What is pernicious anaemia?", "definition"),
        ("Which antibiotic is first-line for cellulitis?", "treatment"),
        ("Cellulitis in an adult", "treatment"),
    ],
)
def test_main_intent(question: str, intent: str):
    analysis = _analyse(question)
    assert analysis.intent == intent
    assert analysis.intents[0] == intent
    assert set(analysis.intents) <= set(INTENTS)


def test_all_matching_intents_are_kept_in_order():
    analysis = _analyse("What dose of lithium, and how should levels be monitored for toxicity?")
    assert analysis.intents[:3] == ["dose", "monitoring", "adverse"]


@pytest.mark.parametrize(
    ("question", "populations"),
    [
        ("What paracetamol dose for a child?", ["children"]),
        ("Amoxicillin for an 18-month-old with otitis media", ["children"]),
        ("Vitamin D when breastfeeding an infant", ["children", "pregnancy"]),
        ("Is ramipril safe in pregnancy?", ["pregnancy"]),
        ("Metformin when eGFR is 25", ["renal impairment"]),
        ("Gentamicin dose on dialysis", ["renal impairment"]),
        ("Metformin in chronic kidney disease", ["renal impairment"]),
        ("How can I prevent recurrent kidney stones?", []),
        ("Statins in frail elderly patients", ["older adults"]),
        ("Anticoagulation for people aged over 80", ["older adults"]),
        ("Statins for adults with raised cholesterol", []),
        # Planning a pregnancy is not a question about a child.
        ("31-year-old with type 1 diabetes who wants to try for a baby: folic acid dose?", []),
        ("She is hoping to have another baby next year; can she stay on lamotrigine?", []),
        ("Can a breastfeeding mother take ibuprofen?", ["pregnancy"]),
        ("Breastfeeding mother of a 3-month-old: can she take codeine?", ["children", "pregnancy"]),
        # A question that opens on the infant asks about the infant, not a nursing mother.
        (
            "4-month-old with cow's milk allergy; mum has stopped breastfeeding. Which formula?",
            ["children"],
        ),
        (
            "A baby who is breastfeeding poorly and jaundiced: when to check bilirubin?",
            ["children"],
        ),
    ],
)
def test_populations(question: str, populations: list[str]):
    assert _analyse(question).populations == populations


@pytest.mark.parametrize(
    ("question", "age", "weight"),
    [
        ("Amoxicillin for an 18-month-old", "18-month-old", None),
        ("Ibuprofen for a 3 year old weighing 14 kg", "3 year old", 14.0),
        ("Fever in a baby 6 months old", "6 months old", None),
        ("Paracetamol for a child aged 5", "aged 5", None),
        ("Racecadotril for a 12.5kg toddler", None, 12.5),
        ("Hydroxocobalamin for pernicious anaemia", None, None),
    ],
)
def test_age_and_weight(question: str, age: str | None, weight: float | None):
    analysis = _analyse(question)
    assert analysis.age == age
    assert analysis.weight_kg == weight


@pytest.mark.parametrize(
    "question",
    [
        "What levothyroxine dose for a 78-year-old man with heart disease?",
        "What enoxaparin treatment dose for a 90 kg man with a DVT?",
    ],
)
def test_adult_ages_and_weights_are_not_children(question: str):
    assert "children" not in _analyse(question).populations


def test_a_two_decimal_weight_is_read_whole():
    assert _analyse("Dose for a preterm infant weighing 1.25 kg?").weight_kg == 1.25


def test_entities_come_from_the_vocabulary(library: Runtime):
    question = "What dose of hydroxocobalamin for pernicious anaemia?"
    analysis = analyse(question, library.retriever.plan(question), library.retriever.lexical.vocab)
    entities = {(e.text, e.type) for e in analysis.entities}
    assert ("hydroxocobalamin", "drug") in entities
    assert ("pernicious anaemia", "condition") in entities
    assert set(analysis.topic_terms) >= {"hydroxocobalamin", "pernicious anaemia"}


def test_a_question_without_known_entities_has_no_topic_terms(library: Runtime):
    question = "How do I fix a puncture in a bicycle tyre?"
    analysis = analyse(question, library.retriever.plan(question), library.retriever.lexical.vocab)
    assert analysis.entities == []
    assert analysis.topic_terms == []
    assert analysis.intent == "treatment"


@pytest.mark.parametrize(
    ("question", "dosed"),
    [
        (
            "What dose of intravenous immunoglobulin is given for Kawasaki disease?",
            "intravenous immunoglobulin",
        ),
        ("What is the dose of hydroxocobalamin for B12 deficiency?", "hydroxocobalamin"),
        ("What dose of vitamin K should I give?", "vitamin K"),
        ("After 2 doses of IM adrenaline, what next?", None),
        ("What is the usual dose of the drug?", None),
        ("What cyanocobalamin dose should be used?", None),
    ],
)
def test_what_a_dose_question_asks_the_dose_of(question: str, dosed: str | None):
    assert _analyse(question).dosed == dosed


@pytest.mark.parametrize(
    ("question", "pregnant"),
    [
        ("Cystitis in a non-pregnant 30-year-old woman?", False),
        ("Sepsis with a lactate of 2.8 mmol/L?", False),
        ("Antibiotic for cystitis in pregnancy?", True),
        ("Is it safe during lactation?", True),
    ],
)
def test_pregnancy_is_recognised_only_when_the_question_is_about_it(question, pregnant):
    assert ("pregnancy" in _analyse(question).populations) is pregnant

"""Which population a question is about, and whether a guideline's title fits it."""

from __future__ import annotations

import pytest

from curbside.answer.analyse import analyse
from curbside.answer.signals import TITLE_MISMATCH, question_populations, title_population_fit
from curbside.search.query import plan_query
from curbside.search.vocabulary import load_vocabulary

INTRAPARTUM = "Intrapartum care: care of healthy women and their babies during childbirth."
CHILDREN = "Feverish illness in children: assessment and initial management."
ADULTS = "Type 1 diabetes in adults: diagnosis and management."
PLAIN = "Evidence-based guideline update: steroids and antivirals for Bell palsy."


def asked(question: str) -> frozenset[str]:
    vocab = load_vocabulary()
    return question_populations(analyse(question, plan_query(question, vocab), vocab))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Woke up with her face drooping. Steroids?", set()),
        ("Woke up with her face drooping; 42, otherwise healthy. Steroids?", {"adults"}),
        ("Brought in vomiting blood, HR 120, BP 90/55. What drug?", set()),
        ("A 42-year-old woman with a drooping face: steroids?", {"adults"}),
        ("3-week-old baby with a temperature of 38.3°C: admit?", {"children"}),
        ("In labour at term, her waters broke 20 hours ago: antibiotics?", {"pregnancy"}),
        ("G2P1 at 28 weeks pregnant with a low ferritin", {"pregnancy"}),
        ("Type 1 diabetic, 38, with early satiety and vomiting", {"adults"}),
        ("9-year-old with type 1 diabetes: insulin regimen?", {"children"}),
    ],
)
def test_the_question_s_population_is_read_from_its_words(question, expected):
    assert asked(question) == expected


def test_the_words_of_a_case_are_not_read_as_pregnancy():
    """ "multiple", "primary", "mucous membranes" and ectopic heartbeats are not obstetric."""
    question = "Primary care: a patient with multiple ectopic beats, dry mucous membranes"
    assert "pregnancy" not in asked(question)
    assert "pregnancy" in asked("Suspected ectopic pregnancy: methotrexate?")


def test_an_obstetric_guideline_fits_only_a_pregnancy_question():
    assert title_population_fit(INTRAPARTUM, asked("Face drooping, 42. Steroids?")) == (
        TITLE_MISMATCH
    )
    assert title_population_fit(INTRAPARTUM, asked("A 3-week-old with a fever")) == (TITLE_MISMATCH)
    assert title_population_fit(INTRAPARTUM, asked("In labour at 39 weeks: pain relief?")) == 1.0


def test_a_children_s_guideline_does_not_fit_an_adult_s_question():
    assert title_population_fit(CHILDREN, asked("A 70-year-old man with a fever")) == (
        TITLE_MISMATCH
    )
    assert title_population_fit(CHILDREN, asked("A 3-week-old with a fever")) == 1.0
    assert title_population_fit(CHILDREN, asked("Fever without a source: admit?")) == 1.0


def test_an_adults_guideline_does_not_fit_a_child_s_question():
    assert title_population_fit(ADULTS, asked("9-year-old with type 1 diabetes")) == (
        TITLE_MISMATCH
    )
    assert title_population_fit(ADULTS, asked("Type 1 diabetic, 38, vomiting")) == 1.0


def test_a_title_without_a_population_fits_every_question():
    for question in ("A 3-week-old with a fever", "In labour at 39 weeks", "Face drooping"):
        assert title_population_fit(PLAIN, asked(question)) == 1.0

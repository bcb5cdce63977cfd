"""Concepts, not words: a subtype named by a qualifier is a condition of its own."""

from __future__ import annotations

import pytest

from curbside.answer.concepts import qualified_conditions
from curbside.answer.pipeline import answer
from curbside.runtime import Runtime


@pytest.mark.parametrize(
    ("question", "phrases"),
    [
        ("What is the treatment for acute otitis externa?", ["otitis externa"]),
        ("hepatitis C treatment", ["hepatitis c"]),
        ("Is metformin first line in type 2 diabetes?", ["type 2 diabetes"]),
        ("How is otitis media diagnosed?", ["otitis media"]),
        ("What is the diagnosis of hepatitis?", []),
        ("Which tests for sepsis treatment?", []),
    ],
)
def test_qualified_conditions(question, phrases):
    assert [c.phrase for c in qualified_conditions(question)] == phrases


def test_otitis_externa_is_not_answered_from_otitis_media(library: Runtime):
    """The bundled library has an otitis media guideline that mentions otitis externa once."""
    article = answer(
        "What is the treatment for acute otitis externa (swimmer's ear) in adults?",
        library,
        fresh=True,
        persist=False,
    )
    assert article.abstained
    assert "otitis externa" in article.metadata["abstain_reason"]


def test_hepatitis_c_is_not_answered_from_hepatitis_b(library: Runtime):
    article = answer("What is the treatment for hepatitis C?", library, fresh=True, persist=False)
    assert article.abstained
    assert all("Hepatitis B" not in r.title for r in article.references)


def test_the_concept_the_library_has_is_answered(library: Runtime):
    article = answer(
        "When should antibiotics be given for acute otitis media in children?",
        library,
        fresh=True,
        persist=False,
    )
    assert not article.abstained
    assert all("otitis media" in r.title.lower() for r in article.references)


def test_a_condition_of_several_words_must_stand_whole_in_the_library(library: Runtime):
    """The bundled library has "sickle" and "cell" apart, never a sickle cell guideline."""
    article = answer(
        "What analgesia and fluids should be given for an acute painful sickle cell crisis?",
        library,
        fresh=True,
        persist=False,
    )
    assert article.abstained

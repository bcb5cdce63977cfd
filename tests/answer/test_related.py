"""Related questions come from stored articles, by similarity."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curbside.answer.pipeline import answer
from curbside.articles import question_key, related_questions, slugify
from curbside.cli import load_bundled
from curbside.runtime import Runtime, open_runtime
from curbside.settings import Settings


@pytest.fixture(scope="module")
def own_library(tmp_path_factory) -> Iterator[Runtime]:
    """Its own library: these tests depend on which articles are stored."""
    rt = open_runtime(Settings(home=tmp_path_factory.mktemp("related") / "home"))
    load_bundled(rt, quiet=True)
    yield rt
    rt.close()


def test_related_questions_list_earlier_similar_questions(own_library: Runtime):
    first = answer("What hydroxocobalamin dose treats vitamin B12 deficiency?", own_library)
    assert first.related_questions == []
    answer("How often is hydroxocobalamin given for vitamin B12 deficiency?", own_library)
    answer("What thiamine dose treats Wernicke's encephalopathy?", own_library)  # unrelated
    answer("How do I fix a puncture in a bicycle tyre?", own_library)  # abstains
    third = answer(
        "What hydroxocobalamin maintenance dose follows treatment of vitamin B12 deficiency?",
        own_library,
    )
    assert "What hydroxocobalamin dose treats vitamin B12 deficiency?" in third.related_questions
    assert (
        "How often is hydroxocobalamin given for vitamin B12 deficiency?" in third.related_questions
    )
    assert "How do I fix a puncture in a bicycle tyre?" not in third.related_questions
    assert third.question not in third.related_questions
    assert len(third.related_questions) <= 5
    # They are stored with the article.
    row = own_library.store.articles.get_article(third.id)
    assert row["body"]["related_questions"] == third.related_questions


def test_related_questions_rank_by_overlap_and_skip_duplicates(own_library: Runtime):
    related = related_questions(
        own_library.store.articles, "hydroxocobalamin dose vitamin B12 deficiency"
    )
    assert related[0] == "What hydroxocobalamin dose treats vitamin B12 deficiency?"
    assert len(related) == len({question_key(q) for q in related})


def test_related_questions_of_a_question_without_words_is_empty(own_library: Runtime):
    assert related_questions(own_library.store.articles, "what is the") == []


def test_question_key_and_slug():
    assert question_key("What dose of B12?") == question_key("  what DOSE, of b12 ")
    assert question_key("What dose of B12?") != question_key("What dose of B6?")
    slug = slugify("What is the dose of hydroxocobalamin for B12 deficiency?", "abcdef123456")
    assert slug == "dose-hydroxocobalamin-b12-deficiency-abcdef"
    assert slugify("???", "abcdef123456") == "question-abcdef"

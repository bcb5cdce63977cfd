"""Related questions share the answer's concept: stored ones by the library topic they name,
library-built ones from the topic's own headings; never by a shared word alone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curbside.answer.pipeline import answer
from curbside.answer.related import for_page, heading_questions, stored_questions
from curbside.answer.topics import Topic, subject_of, topic_index
from curbside.articles.identity import question_key, slugify
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


def test_related_questions_are_earlier_questions_on_the_same_concept(own_library: Runtime):
    first = answer("What hydroxocobalamin dose treats vitamin B12 deficiency?", own_library)
    assert first.related_questions == []
    answer("How often is cyanocobalamin given for pernicious anaemia?", own_library)
    answer("What colchicine dose treats an acute gout flare?", own_library)  # shares "dose"
    answer("How do I fix a puncture in a bicycle tyre?", own_library)  # abstains
    third = answer(
        "What hydroxocobalamin maintenance dose follows treatment of vitamin B12 deficiency?",
        own_library,
    )
    related = third.related_questions
    assert "What hydroxocobalamin dose treats vitamin B12 deficiency?" in related
    # Another name of the same vitamin is the same concept.
    assert "How often is cyanocobalamin given for pernicious anaemia?" in related
    assert "What colchicine dose treats an acute gout flare?" not in related
    assert "How do I fix a puncture in a bicycle tyre?" not in related
    assert third.question not in related and len(related) <= 5
    row = own_library.articles.get_article(third.id)
    assert row["body"]["related_questions"] == related


def test_a_question_sharing_only_words_is_not_related(own_library: Runtime):
    index = topic_index(own_library.retriever, own_library.store)
    b12 = index.concepts("What dose of vitamin B12 for a vegan?")
    assert b12
    related = stored_questions(own_library.articles, index, b12, "What dose of B12 for a vegan?")
    assert related and all(index.concepts(q) & b12 for q in related)
    assert not any("colchicine" in q for q in related)
    assert len(related) == len({question_key(q) for q in related})


def test_qualified_conditions_are_concepts_of_their_own(library: Runtime):
    index = topic_index(library.retriever, library.store)
    media = index.concepts("amoxicillin dose for acute otitis media")
    assert media
    assert not index.concepts("How is otitis externa treated?") & media
    assert not index.concepts("hepatitis C treatment") & index.concepts("hepatitis B vaccine")


def test_library_questions_come_from_the_topics_headings(library: Runtime):
    article = answer(
        "What cyanocobalamin dose and schedule should be used for a patient with severe "
        "vitamin B12 deficiency when only cyanocobalamin is available?",
        library,
        fresh=True,
        persist=False,
    )
    assert "How is vitamin B12 deficiency diagnosed?" in article.library_questions
    assert 1 <= len(article.library_questions) <= 5
    assert all("vitamin B12 deficiency" in q for q in article.library_questions)
    # A dose question already asks how it is treated.
    assert "How is vitamin B12 deficiency treated?" not in article.library_questions


def test_library_questions_of_another_topic_do_not_cross_over(library: Runtime):
    article = answer("What colchicine dose treats an acute gout flare?", library, persist=False)
    assert article.library_questions
    assert all(" gout" in q for q in article.library_questions)


def test_heading_questions_one_per_kind_in_the_documents_order():
    topic = Topic("d", "Gout: flares", "Gout", frozenset({"gout"}))
    headings = ["Diagnosis", "Treating a flare", "Colchicine regimens", "Monitoring", "Overview"]
    assert heading_questions(topic, headings, set()) == [
        "How is gout diagnosed?",
        "How is gout treated?",
        "How should gout be monitored?",
    ]
    assert heading_questions(topic, headings, {"diagnosis"})[0] == "How is gout treated?"
    long = Topic("d", "t", " ".join(["word"] * 9), frozenset({"word"}))
    assert heading_questions(long, headings, set()) == []


def test_subjects_drop_what_is_not_the_topic():
    assert subject_of("Vitamin B12 deficiency: diagnosis and treatment") == "Vitamin B12 deficiency"
    assert subject_of("Diagnosis and management of asthma in adults") == "asthma in adults"


def test_library_questions_fill_the_page_after_the_stored_ones():
    library = ["How is gout diagnosed?", "How should gout be monitored?", "How is gout treated?"]
    assert for_page([], library) == library
    stored = ["How is gout diagnosed?", "a", "b", "c"]
    assert for_page(stored, library) == ["How should gout be monitored?"]
    assert for_page(["a", "b", "c", "d", "e"], library) == []


def test_question_key_and_slug():
    assert question_key("What dose of B12?") == question_key("  what DOSE, of b12 ")
    assert question_key("What dose of B12?") != question_key("What dose of B6?")
    slug = slugify("What is the dose of hydroxocobalamin for B12 deficiency?", "abcdef123456")
    assert slug == "dose-hydroxocobalamin-b12-deficiency-abcdef"
    assert slugify("???", "abcdef123456") == "question-abcdef"

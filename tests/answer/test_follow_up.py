"""Follow-up questions keep the context of the article they follow, and form a thread."""

from __future__ import annotations

import pytest

from curbside.answer.pipeline import answer
from curbside.errors import NotFound
from curbside.runtime import Runtime

from .invariants import assert_contract

PARENT = "What hydroxocobalamin regimen should I use for vitamin B12 deficiency?"
FOLLOW_UPS = ["What about in pregnancy?", "How long for?"]


@pytest.fixture(scope="module")
def parent(library: Runtime):
    article = answer(PARENT, library, fresh=True)
    assert not article.abstained
    return article


@pytest.mark.parametrize("question", FOLLOW_UPS)
def test_follow_up_keeps_the_topic_and_the_thread(
    library: Runtime, parent, b12_document_id: str, question: str
):
    follow = answer(question, library, follow_up_of=parent.id)
    assert_contract(follow, library.store)
    assert not follow.abstained, follow.metadata.get("abstain_reason")
    assert follow.follow_up_of == parent.id
    assert follow.thread_id == parent.thread_id == parent.id
    assert follow.id != parent.id
    assert b12_document_id in [r.document_id for r in follow.references]
    text = " ".join([follow.bottom_line.text] + [b.text for b in follow.all_bullets()]).lower()
    assert "b12" in text
    # The topic of the earlier question is carried into this one.
    assert parent.metadata["topic_terms"]
    assert set(parent.metadata["topic_terms"]) <= set(follow.metadata["topic_terms"])


def test_a_follow_up_about_a_population_the_topic_lacks_abstains_and_says_so(
    library: Runtime, parent
):
    # The bundled B12 summary gives no children's doses: an adult regimen is no answer.
    follow = answer("And for children?", library, follow_up_of=parent.id)
    assert_contract(follow, library.store)
    assert follow.abstained
    assert "children" in follow.metadata["abstain_reason"]
    assert follow.thread_id == parent.thread_id


def test_without_the_parent_the_same_words_lose_the_topic(library: Runtime, b12_document_id):
    alone = answer("What about in pregnancy?", library, fresh=True, persist=False)
    assert b12_document_id not in [r.document_id for r in alone.references]


def test_follow_up_population_is_recognised(library: Runtime, parent):
    follow = answer("What about in pregnancy?", library, follow_up_of=parent.id)
    assert "pregnancy" in follow.metadata["populations"]


def test_follow_up_is_stored_in_the_thread(library: Runtime, parent):
    follow = answer("And for children?", library, follow_up_of=parent.id)
    row = library.store.articles.get_article(follow.id)
    assert row["thread_id"] == parent.id
    assert row["parent_id"] == parent.id


def test_follow_up_of_a_follow_up_stays_in_the_first_thread(library: Runtime, parent):
    first = answer("What about in pregnancy?", library, follow_up_of=parent.id)
    second = answer("And how often is it given?", library, follow_up_of=first.id)
    assert second.follow_up_of == first.id
    assert second.thread_id == parent.id


def test_follow_up_is_never_served_from_the_cache(library: Runtime, parent):
    one = answer("And for children?", library, follow_up_of=parent.id)
    two = answer("And for children?", library, follow_up_of=parent.id)
    assert one.id != two.id
    # Nor does a stored follow-up answer the same words asked on their own.
    alone = answer("And for children?", library)
    assert alone.id not in (one.id, two.id)
    assert alone.follow_up_of is None and alone.thread_id == alone.id


def test_follow_up_of_a_missing_article_is_not_found(library: Runtime):
    with pytest.raises(NotFound):
        answer("What about in pregnancy?", library, follow_up_of="0000000000000000")


def test_a_new_question_starts_its_own_thread(parent):
    assert parent.follow_up_of is None
    assert parent.thread_id == parent.id


def test_a_follow_up_answers_its_own_ask_and_does_not_repeat_the_parent(library: Runtime):
    first = answer(
        "What cyanocobalamin dose and schedule should be used for severe vitamin B12 deficiency "
        "when only cyanocobalamin is available?",
        library,
        fresh=True,
    )
    follow = answer("How often should the potassium be checked?", library, follow_up_of=first.id)
    assert_contract(follow, library.store)
    assert "potassium" in follow.bottom_line.text
    said = {(e.passage_id, e.quote) for b in first.all_bullets() for e in b.evidence}
    said |= {(e.passage_id, e.quote) for e in first.bottom_line.evidence}
    repeated = [
        b.text
        for b in follow.all_bullets()
        if {(e.passage_id, e.quote) for e in b.evidence} <= said
    ]
    assert not repeated, repeated

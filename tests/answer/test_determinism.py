"""Same input, same answer; the same question asked again returns the stored article."""

from __future__ import annotations

import pytest

from curbside.answer.pipeline import answer
from curbside.runtime import Runtime

QUESTIONS = [
    "What cyanocobalamin dose and schedule should be used for severe vitamin B12 deficiency?",
    "When can a child with acute otitis media be observed without antibiotics, and how long "
    "before starting them?",
    "What are the diagnostic criteria for diabetic ketoacidosis?",
    "How do I fix a puncture in a bicycle tyre?",
]


def _content(article) -> dict:
    data = article.model_dump(mode="json")
    return {
        k: data[k]
        for k in (
            "question",
            "abstained",
            "bottom_line",
            "sections",
            "references",
            "closest_topics",
        )
    }


@pytest.mark.parametrize("audience", ["clinician", "patient"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_same_question_fresh_twice_gives_the_same_answer(
    library: Runtime, question: str, audience: str
):
    one = answer(question, library, audience=audience, fresh=True, persist=False)
    two = answer(question, library, audience=audience, fresh=True, persist=False)
    assert _content(one) == _content(two)
    assert one.metadata["intent"] == two.metadata["intent"]


def test_fresh_answers_are_identical_even_when_stored(library: Runtime):
    question = "What maintenance hydroxocobalamin dose is given after the loading course?"
    one = answer(question, library, fresh=True)
    two = answer(question, library, fresh=True)
    assert one.id != two.id
    assert _content(one) == _content(two)


def test_asking_again_returns_the_stored_article(library: Runtime):
    question = "What oral cyanocobalamin dose is used for dietary B12 deficiency?"
    first = answer(question, library)
    for variant in (
        "what oral cyanocobalamin dose is used for dietary B12 deficiency",
        "  WHAT ORAL CYANOCOBALAMIN DOSE -- is used, for dietary B12 deficiency??? ",
    ):
        again = answer(variant, library)
        assert again.id == first.id
        assert _content(again) | {"question": None} == _content(first) | {"question": None}
    assert answer(question, library, fresh=True).id != first.id


def test_asking_again_after_fresh_returns_the_newest_article(library: Runtime):
    question = "What folic acid dose is used before conception to prevent neural tube defects?"
    for _ in range(5):  # two answers within one second: the case the timestamps cannot order
        older = answer(question, library, fresh=True)
        newest = answer(question, library, fresh=True)
        if older.created_at == newest.created_at:
            break
    assert answer(question, library).id == newest.id


def test_unstored_answers_are_not_found_again(library: Runtime):
    question = "What thiamine dose is used for suspected Wernicke's encephalopathy?"
    one = answer(question, library, persist=False)
    two = answer(question, library, persist=False)
    assert one.id != two.id
    assert _content(one) == _content(two)

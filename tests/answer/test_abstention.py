"""Abstention both ways: answer what the library covers, abstain on what it does not."""

from __future__ import annotations

import pytest

from curbside.answer.abstain import (
    out_of_scope,
    related_forms,
    unfamiliar_words,
    unknown_topics,
)
from curbside.answer.calibration import ABSTENTION
from curbside.answer.pipeline import answer
from curbside.answer.topics import topic_index
from curbside.articles.model import ABSTAIN_TEXT
from curbside.runtime import Runtime
from curbside.search.vocabulary import load_vocabulary

from .invariants import assert_contract

B12 = (
    "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
    "B12 deficiency when only cyanocobalamin is available?"
)
AOM = (
    "When can a child with acute otitis media be observed without antibiotics, and how long "
    "before starting them?"
)

IN_LIBRARY = [
    (B12, "Vitamin B12 deficiency", ["1000 micrograms"]),
    (AOM, "Acute otitis media in children", ["48 to 72 hours", "observation"]),
    (
        "What hydroxocobalamin regimen should an adult with B12 deficiency and neurological "
        "involvement receive?",
        "Vitamin B12 deficiency",
        ["alternate days"],
    ),
    (
        "What fixed-dose chlordiazepoxide regimen is used for alcohol withdrawal?",
        "Alcohol withdrawal",
        ["chlordiazepoxide"],
    ),
]
OUT_OF_LIBRARY = [
    "How do I fix a puncture in a bicycle tyre?",
    "How much income tax do I pay on capital gains from selling shares?",
    "Can I claim home office expenses on my tax return as a sole trader?",
    "What permethrin regimen should be used to treat scabies in a household?",
    "Which eye drops are first line for primary open-angle glaucoma?",
    "How should levodopa be adjusted for wearing-off in Parkinson's disease?",
]


@pytest.mark.parametrize(("question", "title", "facts"), IN_LIBRARY)
def test_questions_the_library_covers_are_answered(
    library: Runtime, question: str, title: str, facts: list[str]
):
    article = answer(question, library, fresh=True, persist=False)
    assert not article.abstained, article.metadata.get("abstain_reason")
    assert article.sections
    assert article.closest_topics == []
    first = article.references[0]  # the document the answer comes from, whatever source it cites
    assert (first.summary_title or first.title).startswith(title)
    text = " ".join([article.bottom_line.text] + [b.text for b in article.all_bullets()])
    for fact in facts:
        assert fact in text
    assert article.metadata["answerability"] >= ABSTENTION.threshold
    assert_contract(article, library.store)


def test_aom_question_answers_from_the_aom_guideline(library: Runtime, aom_document_id: str):
    article = answer(AOM, library, fresh=True, persist=False)
    assert article.references[0].document_id == aom_document_id
    statements = [article.bottom_line.text] + [b.text for b in article.all_bullets()]
    assert any("observation" in s and "6 to 23 months" in s for s in statements)
    assert any("48 to 72 hours" in s for s in statements)


def test_aom_bottom_line_answers_the_observation_question(library: Runtime):
    article = answer(AOM, library, fresh=True, persist=False)
    assert "observ" in article.bottom_line.text.lower()


@pytest.mark.parametrize("question", OUT_OF_LIBRARY)
def test_questions_outside_the_library_abstain(library: Runtime, question: str):
    article = answer(question, library, fresh=True, persist=False)
    assert article.abstained
    assert article.bottom_line.text == ABSTAIN_TEXT
    assert article.sections == [] and article.references == []
    assert article.metadata["abstain_reason"]
    # None of the library's topics is about these: none is offered in their place.
    assert article.closest_topics == []
    assert article.metadata["lacking"]
    assert_contract(article, library.store)


@pytest.mark.parametrize(
    ("question", "topic", "lacking"),
    [
        ("What colchicine dose treats a gout flare in children?", "Gout", "evidence for children"),
        ("What dose of zorbatinib treats gout?", "Gout", "zorbatinib"),
        ("How is otitis externa treated?", None, "otitis externa"),  # not otitis media
    ],
)
def test_abstention_offers_only_topics_of_the_questions_concept_and_names_what_lacks(
    library: Runtime, question: str, topic: str | None, lacking: str
):
    article = answer(question, library, fresh=True, persist=False)
    assert article.abstained
    assert lacking in article.metadata["lacking"]
    index = topic_index(library.retriever, library.store)
    concepts = index.concepts(question)
    titles = {t.title: t for t in index.topics}
    for title in article.closest_topics:
        assert titles[title].terms & concepts, title
    if topic is None:
        assert article.closest_topics == []
    else:
        assert article.closest_topics[0].startswith(topic)


def test_abstention_names_the_missing_topic(library: Runtime):
    article = answer(
        "Which eye drops are first line for primary open-angle glaucoma?",
        library,
        fresh=True,
        persist=False,
    )
    assert "glaucoma" in article.metadata["abstain_reason"]


def test_abstentions_are_stored_and_found_again(library: Runtime):
    first = answer("How do I descale a coffee machine with citric acid?", library)
    assert first.abstained
    again = answer("how do I descale a coffee machine with citric acid", library)
    assert again.id == first.id and again.abstained


def test_a_patient_name_does_not_make_an_in_library_question_abstain(library: Runtime):
    article = answer(
        "My patient Margaret has pernicious anaemia; what hydroxocobalamin regimen should "
        "she have?",
        library,
        fresh=True,
        persist=False,
    )
    assert not article.abstained, article.metadata.get("abstain_reason")


# ---- pure: unknown_topics and abstain_reason ---------------------------------------------------

VOCAB = load_vocabulary()


def _mentions(words: set[str]):
    return lambda phrase: phrase.lower() in words


def test_unknown_topics_names_conditions_the_library_never_mentions():
    found = unknown_topics("How is glaucoma treated?", VOCAB, _mentions(set()))
    assert "glaucoma" in found


def test_unknown_topics_is_empty_when_the_library_mentions_everything():
    assert unknown_topics("How is glaucoma treated?", VOCAB, lambda _: True) == []


def test_unknown_topics_flags_drug_like_words_by_their_ending():
    found = unknown_topics("Is zorbamycin safe with warfarin?", VOCAB, _mentions({"warfarin"}))
    assert "zorbamycin" in found
    assert "warfarin" not in found


def test_unknown_topics_does_not_take_a_capitalised_name_for_a_topic():
    # A patient's name is not a topic the library lacks; only lexicon and drug/disease-like
    # words are.
    found = unknown_topics("My patient Margaret has anaemia; what next?", VOCAB, _mentions(set()))
    assert "Margaret" not in found


def test_unknown_topics_ignores_ordinary_words_and_is_deduplicated():
    found = unknown_topics(
        "What dose of glaucoma glaucoma drops for glaucoma?", VOCAB, _mentions({"dose", "drops"})
    )
    assert found.count("glaucoma") == 1
    assert "dose" not in found and "drops" not in found


def test_a_single_topic_regimen_question_cites_only_on_topic_guidelines(library: Runtime):
    article = answer(
        "What hydroxocobalamin regimen should I use for pernicious anaemia?",
        library,
        fresh=True,
        persist=False,
    )
    titles = [r.title for r in article.references]
    assert not any(t.startswith(("Vitamin D", "Helicobacter")) for t in titles), titles


def test_each_drug_of_a_hyphenated_combination_is_checked():
    found = unknown_topics(
        "When should I switch from an ACE inhibitor to sacubitril-valsartan?",
        VOCAB,
        _mentions({"valsartan"}),
    )
    assert "sacubitril" in found


def test_a_dose_question_about_an_absent_treatment_abstains(library: Runtime):
    # The library speaks of Kawasaki disease (fever in children) and gives many doses, but
    # never of immunoglobulin: paracetamol doses are no answer to this.
    question = "What dose of intravenous immunoglobulin is given for Kawasaki disease?"
    article = answer(question, library, fresh=True, persist=False)
    assert article.abstained
    assert "immunoglobulin" in article.metadata["abstain_reason"].lower()
    assert_contract(article, library.store)


def test_counting_doses_given_is_not_asking_for_a_dose_of_something_else(library: Runtime):
    question = "Anaphylaxis is not improving after 2 doses of IM adrenaline in a child; what next?"
    article = answer(question, library, fresh=True, persist=False)
    assert not article.abstained, article.metadata.get("abstain_reason")


def test_a_word_the_search_corrected_is_not_an_unknown_topic():
    question = "How is a phaeochromocytoma confirmed?"
    assert "phaeochromocytoma" in unknown_topics(question, VOCAB, _mentions(set()))
    corrected = {"phaeochromocytoma": "pheochromocytoma"}
    assert unknown_topics(question, VOCAB, _mentions(set()), corrected=corrected) == []


# ---- issue 10's examples: unknown names are reported, never corrected away ----------------


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Is Saxenda a daily injection?", "saxenda"),
        ("Benadryl makes me sleepy, can I take Claritin during the day?", "claritin"),
        ("What dose of zuranolone for postpartum depression?", "zuranolone"),
    ],
)
def test_an_unknown_brand_or_drug_is_reported(library: Runtime, question: str, word: str):
    article = answer(question, library, fresh=True, persist=False)
    assert article.abstained
    assert word in article.metadata["abstain_reason"].lower()
    assert word not in article.corrections


def test_a_patients_name_is_not_an_unknown_brand():
    assert (
        unknown_topics("Mrs Patel has gout. Can Ana take colchicine?", VOCAB, _mentions({"gout"}))
        == []
    )


@pytest.mark.parametrize(
    "question",
    [
        "How do I reverse a linked list in Python?",
        "What dose of levothyroxine do dogs with hypothyroidism usually start on?",
        "How do I fix a puncture in a bicycle tyre?",
    ],
)
def test_off_domain_questions_abstain(library: Runtime, question: str):
    assert answer(question, library, fresh=True, persist=False).abstained


def test_a_person_bitten_by_a_dog_is_not_a_veterinary_question():
    assert out_of_scope("A dog bit my son's hand, does he need antibiotics?") is None
    assert out_of_scope("My dog has an ear infection, what drops?") is not None


def test_technical_words_the_library_lacks_are_counted_and_typos_are_not():
    mentions = _mentions({"olanzapine", "hydroxocobalamin"})
    technical = lambda w: len(w) >= 7  # noqa: E731 — stands in for the word-piece test
    found = unfamiliar_words(
        "Could xanomeline-trospium replace olanzapine, with hydroxocobalamn?",
        mentions,
        technical,
        corrected={"hydroxocobalamn": "hydroxocobalamin"},
    )
    assert "xanomeline" in found and "olanzapine" not in found
    assert "hydroxocobalamn" not in found


def test_a_related_form_of_a_library_word_is_familiar_and_a_new_drug_is_not():
    mentions = _mentions(
        {"tachycardia", "headache", "thrombolysis", "hemosiderin", "colic", "staining"}
    )
    technical = lambda w: len(w) >= 7  # noqa: E731 — stands in for the word-piece test
    found = unfamiliar_words(
        "Tachycardic, headachy, haemosiderin staining, pericolic fluid: thrombolyse, or "
        "give zuranolone?",
        mentions,
        technical,
    )
    assert found == ["zuranolone"]


def test_related_forms_keep_the_word_and_never_shorten_it_to_a_stub():
    forms = related_forms("pleuritic")
    assert forms[0] == "pleuritic" and "pleurisy" in forms and "pleuritis" in forms
    assert related_forms("reic") == ["reic"]  # too short to rewrite: no stub left to match

"""Audience: the patient version is the same evidence in plain words, with every number kept."""

from __future__ import annotations

from collections import Counter

import pytest

from curbside.answer.audience import (
    PATIENT_FRAME,
    emergency_notice,
    needs_statistics,
    patient_text,
    plain_words,
    reading_grade,
)
from curbside.answer.pipeline import answer
from curbside.answer.plain import clinician_only
from curbside.answer.verify import quantities, unsupported_numbers
from curbside.articles.model import DISCLAIMER, PATIENT_DISCLAIMER, Article
from curbside.runtime import Runtime

from .invariants import assert_contract

QUESTIONS = [
    "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
    "B12 deficiency when only cyanocobalamin is available?",
    "What hydroxocobalamin regimen should I use for an adult with pernicious anaemia?",
    "When can a child with acute otitis media be observed without antibiotics, and how long "
    "before starting them?",
    "Does aspirin prevent preterm pre-eclampsia in women at high risk?",
    "Should radiotherapy after prostatectomy be adjuvant or early salvage?",
    "What colecalciferol loading regimen treats vitamin D deficiency in adults?",
]


def _key(bullet) -> tuple:
    return tuple((e.passage_id, e.quote) for e in bullet.evidence)


def _sources(article: Article, bullet) -> list:
    refs = {r.n: r for r in article.references}
    return [(refs[n].document_id, refs[n].title) for n in bullet.citations]


def _numbers(text: str) -> Counter:
    return Counter(str(q) for q in quantities(text))


def _pair(library: Runtime, question: str) -> tuple[Article, Article]:
    clinician = answer(question, library, fresh=True, persist=False)
    patient = answer(question, library, audience="patient", fresh=True, persist=False)
    return clinician, patient


@pytest.mark.parametrize("question", QUESTIONS)
def test_patient_version_keeps_every_number_of_every_bullet_it_keeps(
    library: Runtime, question: str
):
    clinician, patient = _pair(library, question)
    assert not clinician.abstained and not patient.abstained
    assert patient.audience == "patient"
    assert_contract(patient, library.store)

    by_evidence = {_key(b): b for b in clinician.all_bullets()}
    assert len(by_evidence) == len(clinician.all_bullets())
    for bullet in patient.all_bullets():
        original = by_evidence[_key(bullet)]
        assert _numbers(bullet.text) == _numbers(original.text), bullet.text
        assert _sources(patient, bullet) == _sources(clinician, original)
        assert unsupported_numbers(bullet.text, [e.quote for e in bullet.evidence]) == []
    assert _numbers(patient.bottom_line.text) == _numbers(clinician.bottom_line.text)
    assert _key(patient.bottom_line) == _key(clinician.bottom_line)

    # Only bullets a clinician-only rule names are left out; every other bullet is kept.
    kept = {_key(b) for b in patient.all_bullets()}
    left_out = [b for b in clinician.all_bullets() if _key(b) not in kept]
    assert all(clinician_only(b.text) for b in left_out)
    assert not any(clinician_only(b.text) for b in clinician.all_bullets() if _key(b) in kept)
    assert sum(patient.metadata["left_out_for_patients"].values()) == len(left_out)
    cited = {r.document_id for r in clinician.references}
    assert {r.document_id for r in patient.references} <= cited


@pytest.mark.parametrize("question", QUESTIONS[3:5])
def test_statistical_bullets_are_left_out_for_patients(library: Runtime, question: str):
    clinician, patient = _pair(library, question)
    statistical = [b for b in clinician.all_bullets() if needs_statistics(b.text)]
    assert statistical, "the clinician answer should carry a trial or meta-analysis result"
    assert patient.metadata["statistical_bullets_left_out"] == len(statistical)
    assert patient.metadata["left_out_for_patients"]["statistics"] == len(statistical)
    assert not any(needs_statistics(b.text) for b in patient.all_bullets())


def test_patient_version_uses_the_glossary(library: Runtime):
    clinician, patient = _pair(library, QUESTIONS[0])
    assert any("intramuscularly" in b.text for b in clinician.all_bullets())
    text = " ".join([patient.bottom_line.text] + [b.text for b in patient.all_bullets()])
    assert "intramuscularly" not in text
    assert "into a muscle" in text


def test_patient_version_has_the_frame_disclaimer_and_reads_plainer(library: Runtime):
    clinician, patient = _pair(library, QUESTIONS[0])
    assert patient.frame == PATIENT_FRAME
    assert patient.disclaimer == PATIENT_DISCLAIMER
    assert clinician.frame is None
    assert clinician.disclaimer == DISCLAIMER
    assert reading_grade(patient_text(patient)) < reading_grade(patient_text(clinician)) - 3


def test_patient_abstention_has_no_frame(library: Runtime):
    article = answer(
        "How do I fix a puncture in a bicycle tyre?",
        library,
        audience="patient",
        fresh=True,
        persist=False,
    )
    assert article.abstained and article.sections == []
    assert article.frame is None
    assert article.audience == "patient"


def test_patient_and_clinician_wordings_are_one_article(library: Runtime):
    question = "What maintenance hydroxocobalamin dose follows the loading course?"
    patient = answer(question, library, audience="patient")  # asked for patients first
    clinician = answer(question, library)
    assert patient.id == clinician.id and patient.slug == clinician.slug
    assert (patient.audience, clinician.audience) == ("patient", "clinician")
    assert library.articles.get_article(patient.id)["audience"] == "clinician"
    again = answer(question, library, audience="patient")
    assert again.id == patient.id and again.audience == "patient"
    assert again.bottom_line.text == patient.bottom_line.text != clinician.bottom_line.text


# ---- red flags --------------------------------------------------------------------------------

RED_FLAGS = [
    ("I have crushing chest pain, should I take aspirin?", "chest pain"),
    ("My son has suicidal thoughts since starting sertraline, what should we do?", "suicidal"),
    ("My friend took an overdose of opioids, how is naloxone given?", "overdose"),
    ("What is the adrenaline dose for anaphylaxis after a bee sting?", "anaphylaxis"),
    ("My father has face drooping and slurred speech, is it a stroke?", "stroke"),
    ("What should I do about severe bleeding while on apixaban?", "severe bleeding"),
]
ORDINARY = [
    "What hydroxocobalamin regimen should I use for an adult with pernicious anaemia?",
    "What vitamin D dose should a breastfed baby have?",
    "How long should amoxicillin be given for acute otitis media?",
    "What is the target blood pressure for an adult with hypertension?",
]


@pytest.mark.parametrize(("question", "flag"), RED_FLAGS)
def test_red_flag_questions_get_an_emergency_notice(library: Runtime, question: str, flag: str):
    assert flag in emergency_notice(question)
    article = answer(question, library, audience="patient", fresh=True, persist=False)
    assert article.emergency_notice
    assert flag in article.emergency_notice
    assert "emergency" in article.emergency_notice
    assert_contract(article, library.store)


@pytest.mark.parametrize("question", ORDINARY)
def test_ordinary_questions_get_no_emergency_notice(library: Runtime, question: str):
    assert emergency_notice(question) is None
    for audience in ("clinician", "patient"):
        article = answer(question, library, audience=audience, fresh=True, persist=False)
        assert article.emergency_notice is None


# ---- pure: plain words and reading grade -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Give 1 mg intramuscularly.", "Give 1 mg into a muscle."),
        ("Give 1 mg IM weekly.", "Give 1 mg into a muscle weekly."),
        ("Take 500 mg PO.", "Take 500 mg by mouth."),
        ("Take 500 mg orally.", "Take 500 mg by mouth."),
        ("Give 4 mg intravenously.", "Give 4 mg into a vein."),
        ("Paracetamol 1 g prn.", "Paracetamol 1 g when needed."),
        ("Amitriptyline 10 mg nocte.", "Amitriptyline 10 mg at night."),
        ("Risk of hypokalaemia.", "Risk of low blood potassium."),
        ("Watch for dyspnoea and oedema.", "Watch for shortness of breath and swelling."),
        ("renal impairment", "Kidney impairment"),
        ("Levothyroxine 50 micrograms once daily.", "Levothyroxine 50 micrograms once a day."),
    ],
)
def test_plain_words_applies_the_glossary(text: str, plain: str):
    assert plain_words(text) == plain


@pytest.mark.parametrize(
    "text",
    [
        "Hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks.",
        "Amoxicillin 80 to 90 mg/kg per day orally in 2 divided doses for 10 days.",
        "Colecalciferol 50,000 IU PO once weekly for 6 weeks.",
        "Check serum potassium within 48 hours; hypokalaemia below 3.5 mmol/L needs treatment.",
    ],
)
def test_plain_words_never_changes_numbers(text: str):
    assert _numbers(plain_words(text)) == _numbers(text)
    assert unsupported_numbers(plain_words(text), [text]) == []


@pytest.mark.parametrize(
    "text", ["Amoxicillin 500 mg tds for 5 days.", "Metformin 500 mg bd with food."]
)
def test_plain_words_of_dose_abbreviations_adds_no_number(text: str):
    assert unsupported_numbers(plain_words(text), [text]) == []


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Pulmonary hypertension needs specialist care.", "high blood pressure"),
        ("100 micrograms intramuscularly or deep subcutaneously.", "deep as an injection"),
    ],
)
def test_plain_words_substitutes_only_where_exact(text: str, wrong: str):
    assert wrong not in plain_words(text)


def test_needs_statistics():
    assert needs_statistics("The odds ratio was 0.38 (95% CI 0.20 to 0.74).")
    assert needs_statistics("A meta-analysis found no difference.")
    assert needs_statistics("The difference was not statistically significant.")
    assert not needs_statistics("Give hydroxocobalamin 1 mg intramuscularly every 3 months.")


def test_reading_grade_is_flesch_kincaid():
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45
    assert reading_grade("The cat sat on the mat.") == pytest.approx(-1.45, abs=0.051)
    # 7 words, 2 sentences, 1 syllable each: 0.39 * 3.5 + 11.8 - 15.59 = -2.425 (textstat
    # counts only sentences of three words or more)
    assert reading_grade("Take one pill. Then stop the pill.") == pytest.approx(-2.4, abs=0.051)
    assert reading_grade("") == 0.0
    assert reading_grade("1 2 3") == 0.0
    plain = "Take one tablet a day. Drink some water."
    dense = (
        "Hydroxocobalamin administration intramuscularly necessitates considerable "
        "pharmacological deliberation regarding haematological monitoring."
    )
    assert reading_grade(dense) > reading_grade(plain) + 10

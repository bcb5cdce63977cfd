"""arrange: population fit, age bands, constraints, section titles and their clinical order."""

from __future__ import annotations

import pytest

from curbside.answer.analyse import Analysis
from curbside.answer.arrange import (
    Constraint,
    age_bands,
    age_in_months,
    arrange,
    asks_about_adults,
    display_title,
    fits_population,
    heading_bands,
    only_available,
    said_once,
)
from tests.answer.test_compose import _cand


def _analysis(question: str, intent: str = "dose", **kw) -> Analysis:
    return Analysis(question=question, intent=intent, intents=[intent], **kw)


def test_an_adult_question_drops_childrens_statements_but_keeps_shared_ones():
    adult = _analysis("What dose of adrenaline for anaphylaxis in an adult?")
    assert asks_about_adults(adult)
    child = _cand("For children aged 6 to 12 years, give 300 micrograms.")
    both = _cand("For adults and children over 12 years, give 500 micrograms.")
    plain = _cand("Repeat the dose after 5 minutes if there is no improvement.")
    under_heading = _cand("Give 10 mg/kg.", ("Children",))
    assert not fits_population(child, adult)
    assert not fits_population(under_heading, adult)
    assert fits_population(both, adult) and fits_population(plain, adult)


def test_a_childs_age_picks_its_own_age_band():
    child = _analysis(
        "Adrenaline dose for a 3-year-old?", populations=["children"], age="3-year-old"
    )
    assert not asks_about_adults(child)
    assert fits_population(
        _cand("For children aged 6 months to 6 years, give 150 micrograms."), child
    )
    assert not fits_population(
        _cand("For children aged 6 to 12 years, give 300 micrograms."), child
    )
    assert not fits_population(
        _cand("For adults and children over 12 years, give 500 micrograms."), child
    )


def test_an_older_adults_age_picks_the_target_for_their_age_band():
    old = _analysis("BP targets for an 84-year-old with hypertension?", age="84-year-old")
    under_80 = _cand("For adults with hypertension aged under 80, aim below 140/90 mmHg.")
    over_80 = _cand("For adults with hypertension aged 80 and over, aim below 150/90 mmHg.")
    assert asks_about_adults(old)
    assert fits_population(over_80, old) and not fits_population(under_80, old)
    infants = _cand(
        "Give a daily vitamin D supplement.", ("UK advice by age", "Birth to 12 months")
    )
    assert not fits_population(infants, old)  # the heading's band, for adults too
    unaged = _analysis("BP targets for an adult with hypertension?")
    assert fits_population(under_80, unaged) and fits_population(over_80, unaged)


def test_a_baby_in_an_obstetric_question_is_not_a_child_patient():
    q = _analysis(
        "Her first baby was breech; can we induce?", populations=["children", "pregnancy"]
    )
    assert fits_population(_cand("For adults, misoprostol should not be used."), q)


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("For infants under 6 months, give 100 micrograms.", [(0.0, 6.0)]),
        ("For children aged 6 to 12 years, give 300 micrograms.", [(72.0, 156.0)]),
        ("In adults and young people aged 16 or over, take a sample.", [(192.0, 2400.0)]),
        ("Treat for 3 to 5 years.", []),  # a course length is not an age band
        ("For adults with hypertension aged under 80, aim below 140/90 mmHg.", [(0.0, 960.0)]),
        ("For adults aged 80 and over, aim below 150/90 mmHg.", [(960.0, 2400.0)]),
        ("Offer it to people aged over 65.", [(780.0, 2400.0)]),
        # after "aged", a number with a unit is not an age
        ("For adults aged under 800 mg a day of calcium intake, add a supplement.", []),
        ("For adults aged under 8.5 mg/kg, halve it.", []),
    ],
)
def test_age_bands(text, bands):
    assert age_bands(text) == bands


@pytest.mark.parametrize(
    ("heading", "bands"),
    [
        ("Vitamins › UK advice by age › Birth to 12 months", [(0.0, 13.0)]),
        ("Vitamins › UK advice by age › 1 to 4 years", [(12.0, 60.0)]),
        ("Vitamins › UK advice by age › Over 5 years", [(60.0, 2400.0)]),
        ("Fever › Infants under 3 months", [(0.0, 3.0)]),
        ("Vitamins › Dosing", []),
    ],
)
def test_heading_bands(heading, bands):
    assert heading_bands(heading) == bands


def test_a_childs_age_leaves_out_a_section_headed_for_another_age_band():
    toddler = _analysis("Vitamins for a 2-year-old?", populations=["children"], age="2-year-old")
    infants = _cand(
        "Give a daily vitamin D supplement.", ("UK advice by age", "Birth to 12 months")
    )
    young = _cand("Give a daily vitamin D supplement.", ("UK advice by age", "1 to 4 years"))
    assert not fits_population(infants, toddler) and fits_population(young, toddler)


def test_age_in_months():
    assert age_in_months("3-year-old") == 36
    assert age_in_months("aged 4") == 48
    assert age_in_months(None) is None


def test_only_available_names_the_product_not_the_verb():
    q = "What dose when only cyanocobalamin is available?"
    assert only_available(q) == "cyanocobalamin"
    assert only_available("We only have it in stock on Mondays") is None
    assert Constraint.of("penicillin-allergic adult with sore throat").allergy == "penicillin"
    assert not Constraint.of("What is the dose of amoxicillin?")


def test_titles_drop_the_category_prefix_and_keep_a_qualifier_readable():
    uk = _cand("Give 500 micrograms.", ("Initial treatment", "Intramuscular adrenaline: UK doses"))
    assert display_title(uk) == "Intramuscular adrenaline: UK doses"
    neuro = _cand("Give 1 mg.", ("Initial treatment", "Without neurological involvement"))
    assert display_title(neuro) == "Initial treatment without neurological involvement"
    assert display_title(_cand("Check levels.", ("Monitoring",))) == "Monitoring"


def test_regimen_sections_follow_clinical_order_then_source_order():
    dose = _analysis("What dose?")
    cands = [
        _cand("Check the count after 10 days.", ("Monitoring",), score=0.9, pid="p5"),
        _cand("Diagnose by serum level below 180 ng/L.", ("Diagnosis",), score=0.95, pid="p1"),
        _cand("Moderate: give 2 mg daily.", ("Initial treatment", "Moderate"), score=0.9, pid="p3"),
        _cand("Mild: give 1 mg daily.", ("Initial treatment", "Mild"), score=0.5, pid="p2"),
    ]
    for n, c in enumerate(cands):
        c.passage.ord = int(c.passage.id[1:])
        c.rank = n
    sections = arrange(cands, dose, Constraint(), lambda c: False, emergency=False)
    assert [s.title for s in sections] == ["Mild", "Moderate", "Monitoring", "Diagnosis and tests"]


def test_a_caveat_section_comes_last_and_names_the_constraint():
    q = _analysis("What dose when only cyanocobalamin is available?")
    constraint = Constraint.of(q.question)
    hydroxo = _cand("Give hydroxocobalamin 1 mg.", ("Initial treatment",), pid="p1")
    cyano = _cand("Give cyanocobalamin 1000 micrograms.", ("Initial treatment",), pid="p2")
    sections = arrange([hydroxo, cyano], q, constraint, lambda c: c is hydroxo, emergency=False)
    assert [s.title for s in sections] == [
        "Initial treatment",
        "Caveat: alternatives to cyanocobalamin",
    ]
    assert sections[-1].candidates == [hydroxo]


def test_a_repeated_lead_in_is_said_once():
    texts = [
        "For adults with neurological involvement, BSH advises 1 mg on alternate days.",
        "For adults with neurological involvement, BSH advises 1 mg every 2 months.",
        "For pernicious anaemia, the label gives 100 micrograms.",
    ]
    out = said_once(texts)
    assert out[0] == texts[0] and out[2] == texts[2]
    assert out[1] == "BSH advises 1 mg every 2 months."


def test_a_lead_in_with_a_number_is_never_left_out():
    texts = ["For children under 6, give 1 mg.", "For children under 6, give 2 mg."]
    assert said_once(texts) == texts


def test_a_pregnancy_question_gets_nothing_said_for_non_pregnant_women():
    q = _analysis("Which antibiotic for cystitis in pregnancy?", populations=["pregnancy"])
    assert not fits_population(_cand("For non-pregnant women, give trimethoprim 200 mg."), q)
    assert fits_population(_cand("For pregnant women, give nitrofurantoin 100 mg."), q)

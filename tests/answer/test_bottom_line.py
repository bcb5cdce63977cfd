"""The bottom line states what was asked: the examples of issue 11 on the bundled library,
and the rules that pick a dose, not a strength."""

from __future__ import annotations

import pytest

from curbside.answer.bottom_line import gives_dose
from curbside.answer.pipeline import answer
from curbside.runtime import Runtime


def _ask(library: Runtime, question: str):
    return answer(question, library, fresh=True, persist=False)


def test_a_strength_or_a_concentration_is_not_a_dose():
    assert gives_dose("Give adrenaline 500 micrograms IM.")
    assert gives_dose("Give 10 mg/kg once daily.")
    assert not gives_dose("Use the 1 mg/mL (1 in 1000) solution.")
    assert not gives_dose("Severe at a serum potassium of 6.5 mmol/L or higher.")


def test_anaphylaxis_in_an_adult_states_the_adult_im_dose(library: Runtime):
    article = _ask(library, "What dose of adrenaline for anaphylaxis in an adult?")
    assert "500 micrograms" in article.bottom_line.text
    bullets = " ".join(b.text for b in article.all_bullets())
    assert "300 micrograms" not in bullets  # children aged 6 to 12 are not asked about


def test_a_childs_dose_follows_the_childs_age(library: Runtime):
    article = _ask(
        library, "What is the intramuscular adrenaline dose for a 3-year-old in anaphylaxis?"
    )
    assert "150 micrograms" in article.bottom_line.text


def test_community_acquired_pneumonia_names_the_antibiotic(library: Runtime):
    article = _ask(library, "Which antibiotics for community-acquired pneumonia in adults?")
    assert "amoxicillin" in article.bottom_line.text.lower()


def test_severe_hyperkalaemia_starts_with_calcium_gluconate(library: Runtime):
    article = _ask(library, "How should severe hyperkalaemia be treated?")
    assert article.bottom_line.text.startswith("When hyperkalaemia causes ECG changes")
    assert "calcium gluconate" in article.bottom_line.text
    titles = [s.title for s in article.sections]
    steps = ["Protect the heart", "Shift potassium into cells", "Remove potassium from the body"]
    present = [t for t in titles if t in steps]
    assert present == [t for t in steps if t in present] and len(present) >= 2


def test_only_cyanocobalamin_available_puts_its_regimens_first(library: Runtime):
    article = _ask(
        library,
        "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
        "B12 deficiency when only cyanocobalamin is available?",
    )
    assert "cyanocobalamin" in article.bottom_line.text
    assert "hydroxocobalamin" not in article.bottom_line.text
    first = article.sections[0]
    assert "cyanocobalamin" in first.title.lower()
    caveat = article.sections[-1]
    assert caveat.title.startswith("Caveat")
    assert all("hydroxocobalamin" not in b.text for s in article.sections[:-1] for b in s.bullets)


@pytest.mark.parametrize(
    "question",
    [
        "What dose of adrenaline for anaphylaxis in an adult?",
        "How should severe hyperkalaemia be treated?",
    ],
)
def test_no_section_title_repeats_a_category_prefix(library: Runtime, question: str):
    article = _ask(library, question)
    assert not any(s.title.startswith("Initial treatment:") for s in article.sections)


def test_cystitis_in_pregnancy_is_answered_for_pregnant_women_only(library: Runtime):
    article = _ask(library, "Which antibiotic for cystitis in pregnancy?")
    assert "pregnant women" in article.bottom_line.text
    said = [article.bottom_line.text, *(b.text for b in article.all_bullets())]
    assert not any("non-pregnant" in t for t in said)

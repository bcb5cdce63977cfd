"""The verifier, pure: numbers with units must stand in the evidence, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from curbside.answer.verify import (
    SUPPORT_MIN,
    Quantity,
    check,
    quantities,
    support,
    unsupported_numbers,
)


def _q(text: str) -> list[str]:
    return [str(q) for q in quantities(text)]


# ---- quantities ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hydroxocobalamin 1 mg", ["1 mg"]),
        ("1.5 mg/kg", ["1.5 mg/kg"]),
        ("80 to 90 mg/kg per day", ["80", "90 mg/kg"]),
        ("2–3 days", ["2", "3 day"]),
        ("48 to 72 hours", ["48", "72 hour"]),
        ("5%", ["5 %"]),
        ("5 percent", ["5 %"]),
        ("a ratio of 1:1000", ["1", "1000"]),
        ("1,000 micrograms", ["1000 mcg"]),
        ("50,000 IU", ["50000 iu"]),
        ("100 µg", ["100 mcg"]),
        ("10mg", ["10 mg"]),
        ("140/90 mmHg", ["140", "90 mmhg"]),
        ("potassium 3.5 mmol/L", ["3.5 mmol/l"]),
        ("three times a week", ["3 times"]),
        ("twice daily", ["2"]),
        ("for two weeks", ["2 week"]),
        ("vitamin B12 and CD4 counts", []),
        ("no numbers here", []),
    ],
)
def test_quantities(text: str, expected: list[str]):
    assert sorted(_q(text)) == sorted(expected)


def test_quantity_values_are_normalised_decimals():
    (q,) = quantities("1.50 mg")
    assert q == Quantity(Decimal("1.5"), "mg")
    assert str(q) == "1.5 mg"


# ---- unsupported_numbers ---------------------------------------------------------------------

SUPPORTED = [
    ("Give 1 mg.", ["Give hydroxocobalamin 1 mg intramuscularly."]),
    ("Give 1 mg.", ["Give 1000 micrograms intramuscularly."]),
    ("Give 1000 micrograms.", ["Give 1 mg."]),
    ("Give 1000 mcg.", ["Give 1000 µg."]),
    ("Give 1 mg.", ["Give 1,000 micrograms."]),
    ("Give 1 g.", ["Give 1000 mg."]),
    ("Give 0.5 mg/kg.", ["Give 500 micrograms/kg."]),
    ("Infuse 1 l.", ["Infuse 1000 ml."]),
    ("Start within 48 to 72 hours.", ["Start within 48–72 hours."]),
    ("For 2–3 days.", ["For 2 to 3 days."]),
    ("HbA1c below 7%.", ["HbA1c below 7 percent."]),
    ("Adrenaline 1:1000.", ["Adrenaline 1:1000 solution."]),
    ("Three times a week.", ["3 times a week."]),
    ("Twice a week.", ["2 times a week."]),
    ("For 2 weeks.", ["for two weeks"]),
    ("80 to 90 mg/kg per day.", ["high-dose amoxicillin 80 to 90 mg/kg per day"]),
    ("Give 50,000 IU weekly.", ["colecalciferol 50,000 IU once weekly"]),
    ("Give 1.0 mg.", ["Give 1 mg."]),
    ("A target below 140/90 mmHg.", ["Aim for below 140/90 mmHg."]),
    ("No numbers at all.", []),
    ("One source has it.", ["unrelated", "one of two"]),
]
UNSUPPORTED = [
    ("Give 2 mg.", ["Give 1 mg."], ["2 mg"]),
    ("Give 1 mg.", ["Give 1 mcg."], ["1 mg"]),
    ("Give 10 mg.", ["Give 10 mg/kg."], ["10 mg"]),
    ("Give 10 mg/kg daily.", ["Give 10 mg daily."], ["10 mg/kg"]),
    ("Give 1 mmol.", ["Give 1000 micromol."], ["1 mmol"]),
    ("Give 100 mg.", ["Give 1000 micrograms."], ["100 mg"]),
    ("For 5 days.", ["For 5 weeks."], ["5 day"]),
    ("For 48 hours.", ["For 48 to 72 hours."], ["48 hour"]),
    ("For 7 days.", ["For 5 to 7 days.", "for 10 days"], []),
    ("For 14 days.", ["For 5 to 7 days."], ["14 day"]),
    ("Below 8%.", ["Below 7%."], ["8 %"]),
    ("Give 3 doses.", ["Give 2 doses."], ["3 dose"]),
    ("Four times a day.", ["three times a day"], ["4 times"]),
    ("Dilution 1:10000.", ["Dilution 1:1000."], ["10000"]),
    ("Give 1,500 units.", ["Give 1,000 units."], ["1500 unit"]),
    ("Give 2 mg.", [], ["2 mg"]),
]


@pytest.mark.parametrize(("text", "quotes"), SUPPORTED)
def test_numbers_standing_in_the_evidence_are_supported(text: str, quotes: list[str]):
    assert unsupported_numbers(text, quotes) == []


@pytest.mark.parametrize(("text", "quotes", "missing"), UNSUPPORTED)
def test_numbers_not_in_the_evidence_are_reported(text: str, quotes: list[str], missing):
    assert unsupported_numbers(text, quotes) == missing


def test_a_number_only_needs_to_stand_in_one_quote():
    quotes = ["Hydroxocobalamin 1 mg.", "Every 3 months."]
    assert unsupported_numbers("1 mg every 3 months.", quotes) == []
    assert unsupported_numbers("2 mg every 3 months.", quotes) == ["2 mg"]


def test_a_bare_decimal_point_dose_is_checked():
    assert unsupported_numbers("Give .5 mg daily.", ["Give 5 mg daily."]) != []
    assert not check("Give .5 mg daily.", ["Give 5 mg daily."]).ok


def test_number_words_outside_the_table_are_checked():
    quote = (
        "For adults with vitamin B12 deficiency without neurological involvement, BSH and the "
        "BNF advise hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks."
    )
    planted = quote.replace("for 2 weeks", "for fourteen weeks")
    assert not check(planted, [quote]).ok


@pytest.mark.parametrize(
    "quote",
    [
        "Keep serum potassium above 3.5 mmol/L (see Table 2).",
        "Give amoxicillin 90 mg/kg [4].",
    ],
)
def test_a_unit_at_the_end_of_a_sentence_is_the_same_unit(quote: str):
    from curbside.answer.rewrite import tidy

    assert unsupported_numbers(tidy(quote), [quote]) == []
    assert check(tidy(quote), [quote]).ok


# ---- support and check -----------------------------------------------------------------------


def test_support_of_a_pure_extract_is_one():
    quote = "Hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks."
    assert support(quote, [quote]) == 1.0
    assert support("", [quote]) == 1.0


def test_support_is_the_share_of_content_words_found():
    score = support("hydroxocobalamin weekly forever", ["hydroxocobalamin weekly"])
    assert score == pytest.approx(2 / 3)


def test_support_ignores_given_stems():
    assert support("injection muscle", ["muscle"]) == 0.5
    assert support("injection muscle", ["muscle"], ignore={"inject"}) == 1.0


def test_check_passes_an_extract_and_fails_a_changed_number():
    quote = "BSH advises hydroxocobalamin 1 mg intramuscularly every 3 months for maintenance."
    good = check(quote, [quote])
    assert good.ok and good.missing_numbers == [] and good.support == 1.0
    bad = check(quote.replace("every 3 months", "every 6 months"), [quote])
    assert not bad.ok and bad.missing_numbers == ["6 month"]


def test_check_fails_text_the_evidence_does_not_carry():
    quote = "BSH advises hydroxocobalamin 1 mg intramuscularly every 3 months."
    verdict = check("Warfarin interacts dangerously with grapefruit juice products.", [quote])
    assert not verdict.ok and verdict.support < SUPPORT_MIN


def test_check_fails_without_evidence():
    assert not check("A bullet with no quote.", []).ok

"""The second pass of short sentences (answer/plain_clauses.py): each split keeps every number
in its order and every negation, and each refusal is a sentence that a split would misread."""

from __future__ import annotations

import re

import pytest

from curbside.answer.plain import Rewriter
from curbside.answer.plain_clauses import (
    split_clauses,
    split_concession,
    split_says_that,
    split_second_instruction,
    split_whom_with_list,
)
from curbside.answer.verify import quantities


def _numbers(text: str) -> list[str]:
    return [str(q.value) for q in quantities(text)]


def _negations(text: str) -> int:
    return len(re.findall(r"\b(?:not|never|no)\b", text, re.I))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        # whom it is for, a list of conditions
        (
            "NICE advises statins for primary prevention for adults with type 1 diabetes who are "
            "over 40, have had diabetes for more than 10 years, or have nephropathy.",
            [
                "NICE advises statins for primary prevention.",
                "This is for adults with type 1 diabetes who are over 40, have had diabetes for "
                "more than 10 years, or have nephropathy.",
            ],
        ),
        # "offer X to adults": the one offered to
        (
            "NICE advises offering atorvastatin 20 mg once a day to adults with chronic kidney "
            "disease.",
            [
                "NICE advises offering atorvastatin 20 mg once a day.",
                "This is for adults with chronic kidney disease.",
            ],
        ),
    ],
)
def test_whom_a_regimen_is_for_is_said_apart(text: str, parts: list[str]):
    assert split_whom_with_list(text) == parts
    assert _numbers(" ".join(parts)) == _numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        # a second dose for other children after the comma: split, the first dose would read
        # as everyone's and the second as part of whom
        "NICE advises adding 100 mL/kg to maintenance fluid in children who were shocked, or "
        "50 mL/kg in children who were not shocked at presentation.",
        # a negation after "for": alone, the reader could take it for the advice's
        "ACIP advises giving rabies vaccine into the deltoid in adults and older children, or the "
        "anterolateral thigh in young children, and never into the gluteal area.",
        # a restriction before "for"
        "Event-based PrEP is not advised for people with chronic hepatitis B, HIV or both.",
        # timing that belongs to the advice
        "NICE advises a blood sample for adults with anaphylaxis, within 2 hours of onset.",
        # "to" after a verb that does not give
        "NICE advises talking to adults with diabetes about their feet and their eyes.",
        # commas that are not a list's
        "NICE advises oral steroids for people with COPD, taking them for 5 days.",
    ],
)
def test_whom_stays_where_a_split_would_change_the_meaning(text: str):
    assert split_whom_with_list(text) == [text]


def test_whom_stays_with_an_advice_the_next_sentence_makes_conditional():
    sentences = [
        "The paediatric guideline advises stopping fluid boluses in children with sepsis.",
        "This applies if signs of fluid overload develop.",
    ]
    assert split_clauses(sentences) == sentences
    # alone, the same sentence is split
    assert len(split_clauses(sentences[:1])) == 2


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "NICE does not advise routine retesting after clearing, although retesting may help "
            "some people.",
            [
                "NICE does not advise routine retesting after clearing.",
                "But retesting may help some people.",
            ],
        ),
        (
            "Onset is fast with the injection, whereas tablets can take 2 weeks to work.",
            ["Onset is fast with the injection.", "But tablets can take 2 weeks to work."],
        ),
        # no clause after "although": nothing to say on its own
        (
            "Give it with food, although rarely on an empty stomach.",
            ["Give it with food, although rarely on an empty stomach."],
        ),
    ],
)
def test_a_concession_becomes_a_sentence_of_its_own(text: str, parts: list[str]):
    assert split_concession(text) == parts
    assert _negations(" ".join(parts)) == _negations(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Your care team should check adherence and timing of doses and considering a higher "
            "atorvastatin dose.",
            [
                "Your care team should check adherence and timing of doses.",
                "Your care team should consider a higher atorvastatin dose.",
            ],
        ),
        (
            "Your care team should offer oral steroids in hospital, and considering them in the "
            "community.",
            [
                "Your care team should offer oral steroids in hospital.",
                "Your care team should consider them in the community.",
            ],
        ),
        # "not" after "and": whether it covers the first verb too is left as written
        (
            "Your care team should consider paracetamol for a distressed child, and not using "
            "fever medicines only to lower the temperature.",
            [
                "Your care team should consider paracetamol for a distressed child, and not "
                "using fever medicines only to lower the temperature."
            ],
        ),
        # a noun in -ing, not a second instruction
        (
            "Your care team should offer counselling and testing for HIV.",
            ["Your care team should offer counselling and testing for HIV."],
        ),
        # after a comma, a base verb the wording uses is a second instruction too
        (
            "Your care team should avoid doxycycline in pregnancy, and check for interactions "
            "with statins.",
            [
                "Your care team should avoid doxycycline in pregnancy.",
                "Your care team should check for interactions with statins.",
            ],
        ),
        # but not a verb that is also a noun
        (
            "Your care team should offer steroids, inhaler technique, and review of symptoms.",
            ["Your care team should offer steroids, inhaler technique, and review of symptoms."],
        ),
        # a negated instruction is left whole
        (
            "Your care team should not start it and considering the other one.",
            ["Your care team should not start it and considering the other one."],
        ),
    ],
)
def test_a_second_instruction_is_said_as_the_first(text: str, parts: list[str]):
    assert split_second_instruction(text) == parts
    assert _numbers(" ".join(parts)) == _numbers(text)


def test_the_rewriter_says_both_instructions_to_the_reader():
    # the explanation of a term follows the instruction that uses it
    text = "NICE advises checking adherence and considering a higher atorvastatin dose."
    assert Rewriter().statement(text) == (
        "Your care team should check adherence. "
        "(Adherence means taking the medicine as prescribed.) "
        "Your care team should consider a higher atorvastatin dose."
    )


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "NICE advises against tepid sponging, and advises that children should not be "
            "over-wrapped.",
            ["NICE advises against tepid sponging.", "Children should not be over-wrapped."],
        ),
        # too little on one side to stand alone
        ("It works, and says that it does.", ["It works, and says that it does."]),
    ],
)
def test_what_a_speaker_says_after_and_is_said_on_its_own(text: str, parts: list[str]):
    assert split_says_that(text) == parts
    assert _negations(" ".join(parts)) == _negations(text)

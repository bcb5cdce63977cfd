"""rewrite.tidy: only rewrites that cannot change meaning, and never a number."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curbside.answer.rewrite import tidy
from curbside.answer.verify import quantities


@pytest.mark.parametrize(
    ("sentence", "tidied"),
    [
        ("However, give 1 mg daily.", "Give 1 mg daily."),
        ("In addition, check the potassium.", "Check the potassium."),
        ("therefore,  treat for 5 days", "Treat for 5 days."),
        ("Also, avoid NSAIDs.", "Avoid NSAIDs."),
        ("However give 1 mg daily.", "However give 1 mg daily."),  # no comma: not a connective
        ("Give 1 mg daily (see Algorithm 1).", "Give 1 mg daily."),
        ("Give 1 mg daily (see Algorithm 1)", "Give 1 mg daily."),
        ("Give 1 mg (refer to Table 2) daily.", "Give 1 mg daily."),
        ("Give 1 mg daily (as shown in Figure 3).", "Give 1 mg daily."),
        ("Give 1 mg daily [1].", "Give 1 mg daily."),
        ("Give 1 mg daily [1–3].", "Give 1 mg daily."),
        ("Give 1 mg daily [2, 5].", "Give 1 mg daily."),
        (
            "Give 1 mg daily (10 micrograms in children).",
            "Give 1 mg daily (10 micrograms in children).",
        ),
        ("- Give 1 mg daily.", "Give 1 mg daily."),
        ("• Give 1 mg daily.", "Give 1 mg daily."),
        ("1. Give 1 mg daily.", "Give 1 mg daily."),
        ("12) Give 1 mg daily.", "Give 1 mg daily."),
        ("b) Give 1 mg daily.", "Give 1 mg daily."),
        ("1.5 mg/kg is the dose.", "1.5 mg/kg is the dose."),
        ("  Give\n 1 mg \t daily  ", "Give 1 mg daily."),
        ("Is it safe?", "Is it safe?"),
        ('He said "stop".', 'He said "stop".'),
        ("", ""),
    ],
)
def test_tidy(sentence: str, tidied: str):
    assert tidy(sentence) == tidied


def test_tidy_is_idempotent_on_its_own_output():
    once = tidy("- However, give 1 mg daily (see Algorithm 1) [2].")
    assert once == "Give 1 mg daily."
    assert tidy(once) == once


_WORDS = ["give", "hydroxocobalamin", "daily", "for", "then", "every", "or", "B12", "weeks", "and"]
_QUANTITIES = [
    "1 mg",
    "1.5 mg/kg",
    "250 to 1000 micrograms",
    "48–72 hours",
    "3 months",
    "5%",
    "1:1000",
    "1,000 units",
    "three times a week",
    "twice",
    "0.5 mL",
    "140/90 mmHg",
]
_PREFIX = ["", "- ", "• ", "2. ", "10) ", "However, ", "In addition, ", "- Also, "]
_SUFFIX = ["", ".", " (see Algorithm 1).", " [3].", " [1–4]", " (refer to Table 2)."]


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(_PREFIX),
    body=st.lists(st.sampled_from(_WORDS + _QUANTITIES), min_size=1, max_size=12),
    suffix=st.sampled_from(_SUFFIX),
)
def test_tidy_never_changes_a_number(prefix: str, body: list[str], suffix: str):
    sentence = prefix + " ".join(body) + suffix
    core = " ".join(body)
    assert Counter(map(str, quantities(tidy(sentence)))) == Counter(
        map(str, quantities(core + "."))
    )
    assert core[1:] in tidy(sentence)


def test_a_lead_in_and_its_list_items_read_as_one_line():
    statement = (
        "Offer topiramate to patients who\n- have a goal of abstinence;\n- prefer it; and\n"
        "- have not responded to naltrexone."
    )
    assert tidy(statement) == (
        "Offer topiramate to patients who: have a goal of abstinence; prefer it; and have not "
        "responded to naltrexone."
    )

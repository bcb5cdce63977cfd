"""Statements for evidence: a list's lead-in stays with its items; offsets slice back exactly."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings

from curbside.library.sentences import sentence_spans, statement_spans

from ..strategies import user_text

LEAD_IN = (
    "Offer topiramate or gabapentin to patients with moderate to severe alcohol use disorder who\n"
    "- have a goal of reducing alcohol consumption;\n"
    "- prefer topiramate or gabapentin; and\n"
    "- have not responded to naltrexone.\n\n"
    "Review the response after 4 weeks."
)


def _texts(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_a_lead_in_and_its_items_are_one_statement():
    statements = _texts(LEAD_IN, statement_spans(LEAD_IN))
    assert statements[0].startswith("Offer topiramate")
    assert statements[0].endswith("have not responded to naltrexone.")
    assert statements[1] == "Review the response after 4 weeks."
    assert len(sentence_spans(LEAD_IN)) == 5  # the plain splitter keeps the items apart


def test_a_complete_sentence_before_a_list_is_not_joined_to_it():
    text = "Give oral iron.\n- ferrous sulfate 200 mg\n- ferrous fumarate 210 mg"
    assert _texts(text, statement_spans(text))[0] == "Give oral iron."


def test_a_list_too_long_for_one_statement_stays_split():
    items = "\n".join(f"- item number {i} with several more words in it" for i in range(20))
    text = f"Patients should be assessed for the following features\n{items}"
    assert len(statement_spans(text, max_words=90)) == 21


@settings(max_examples=200, deadline=None)
@given(user_text(["who", "- item", "1. give", "Offer X.", "\n- ", "and"], 60))
def test_statements_are_ordered_non_overlapping_slices(text: str):
    spans = statement_spans(text)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_an_item_that_stops_mid_clause_leads_in_to_the_items_after_it():
    # Nested lists often arrive flattened: the sub-items sit at the same level.
    text = (
        "- Offer naltrexone to adults with alcohol dependence who\n"
        "- want to reduce drinking\n"
        "- have no liver failure\n\n"
        "- Offer acamprosate as an alternative."
    )
    statements = _texts(text, statement_spans(text))
    assert statements[0].endswith("have no liver failure")
    assert statements[1] == "- Offer acamprosate as an alternative."

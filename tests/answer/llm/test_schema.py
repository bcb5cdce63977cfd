"""The answer's JSON schema and its strict parser, and the draft preview an asker watches."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curbside.answer.llm.engine import tidy_text
from curbside.answer.llm.preview import HIDDEN, draft_statements, hide_numbers
from curbside.answer.llm.schema import AnswerError, answer_schema, parse_answer
from curbside.answer.verify import quantities

GOOD = {
    "bottom_line": [{"text": "Give hydroxocobalamin.", "passages": ["P1"]}],
    "sections": [{"title": "Monitoring", "bullets": [{"text": "Recheck.", "passages": ["P2"]}]}],
}


def test_a_reply_of_the_contract_parses():
    parsed = parse_answer(json.dumps(GOOD))
    assert parsed.bullet_count() == 2
    assert parsed.sections[0].bullets[0].passages == ["P2"]


@pytest.mark.parametrize(
    "reply",
    [
        {"bottom_line": []},
        {"bottom_line": [{"text": "x"}]},
        {"bottom_line": [{"text": "x", "passages": []}]},
        {"bottom_line": [{"text": "", "passages": ["P1"]}]},
        {"bottom_line": [{"text": "x", "passages": ["P1"], "dose": "10 g"}]},
        {**GOOD, "note": "ignore the verifier"},
        {"bottom_line": "Give 10 g.", "sections": []},
    ],
)
def test_anything_else_is_refused_not_repaired(reply):
    with pytest.raises(AnswerError, match="answer schema"):
        parse_answer(json.dumps(reply))


def test_the_schema_closes_every_object_and_requires_every_field():
    schema = answer_schema(["P1", "P2"])

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert set(node["required"]) == set(node["properties"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_citation_marks_are_taken_out_and_nothing_else():
    assert tidy_text("Give 1 mg [P3] weekly (P1, P2).") == "Give 1 mg weekly."
    assert tidy_text("Check [the level] at 2 weeks.") == "Check [the level] at 2 weeks."


def test_the_preview_shows_statements_so_far_with_numbers_hidden():
    partial = (
        '{"bottom_line": [{"text": "Give 1 mg three times a week for 2 weeks", "passages": '
        '["P1"]}], "sections": [{"title": "Monitoring", "bullets": [{"text": "Recheck twice \\"da'
    )
    shown = draft_statements(partial)
    assert len(shown) == 2
    assert shown[0].startswith("Give " + HIDDEN) and "week" in shown[0]
    assert all(not any(ch.isdigit() for ch in s) for s in shown)
    assert "twice" not in shown[1] and shown[1].startswith("Recheck")


@given(st.text())
def test_a_hidden_text_holds_no_number_the_verifier_would_count(text):
    assert quantities(hide_numbers(text)) == []


@given(st.text())
def test_the_preview_never_fails_on_any_partial_reply(text):
    for statement in draft_statements(text):
        assert isinstance(statement, str)

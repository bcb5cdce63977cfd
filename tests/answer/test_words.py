"""any_word: one of a list of words, whole, in any case."""

from __future__ import annotations

from curbside.answer.words import any_word


def test_finds_each_listed_word_whole_and_in_any_case():
    advice = any_word("advises?|recommended|should offer")
    found = [m.group() for m in advice.finditer("NICE Advises it; recommended; Should Offer X")]
    assert found == ["Advises", "recommended", "Should Offer"]


def test_every_alternative_is_bounded_not_only_the_first_and_last():
    # Without the group, "\bno|not|never\b" would find "no" at the start of "notion" and
    # "not" inside "knot".
    negation = any_word("no|not|never")
    assert negation.search("a notion tied in a knot, nevertheless") is None
    assert negation.search("do not") and negation.search("never") and negation.search("No.")

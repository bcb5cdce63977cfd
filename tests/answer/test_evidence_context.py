"""Evidence adds to its bullet: the source's neighbour statements, the numbers the bullet took
from the quote, and whether the bullet shortened it."""

from __future__ import annotations

from curbside.answer.evidence_context import (
    CONTEXT_CHARS,
    attach,
    mark,
    matched_numbers,
    shortened,
    surrounding,
)
from curbside.answer.pipeline import answer
from curbside.answer.verify import quantities
from curbside.articles.model import Evidence
from curbside.models import Passage
from curbside.runtime import Runtime

B12_QUESTION = (
    "What cyanocobalamin dose and schedule should be used for a patient with severe vitamin "
    "B12 deficiency when only cyanocobalamin is available?"
)
TEXT = (
    "Check the level first. Give 1 mg intramuscularly three times a week for 2 weeks. "
    "Then give 1 mg every 3 months."
)


def _passage(text: str, ord_: int = 1, section: str = "Doc › Treatment") -> Passage:
    return Passage(f"p{ord_}", "d", ord_, section, text, 0, len(text))


def test_neighbours_come_from_the_same_passage():
    quote = "Give 1 mg intramuscularly three times a week for 2 weeks."
    start = TEXT.index(quote)
    before, after = surrounding(TEXT, start, start + len(quote))
    assert before == "Check the level first."
    assert after == "Then give 1 mg every 3 months."


def test_at_a_passage_edge_the_neighbouring_passage_gives_the_context():
    quote = "Check the level first."
    previous = _passage("Confirm the diagnosis. Ask about diet.", 0)
    before, after = surrounding(TEXT, 0, len(quote), before=previous)
    assert before == "Ask about diet."  # the last statement of the passage before
    assert after.startswith("Give 1 mg")
    last = "Then give 1 mg every 3 months."
    start = TEXT.index(last)
    nxt = _passage("Monitor the blood count. Refer if no response.", 2)
    assert surrounding(TEXT, start, len(TEXT), after=nxt)[1] == "Monitor the blood count."
    assert surrounding(TEXT, start, len(TEXT))[1] == ""  # no neighbour: nothing invented


def test_a_long_neighbour_is_cut_at_a_word():
    long = " ".join(["word"] * 200) + "."
    text = f"{long} Give 1 mg daily."
    start = text.index("Give")
    before, _ = surrounding(text, start, len(text))
    assert before.startswith("… ") and len(before) <= CONTEXT_CHARS + 2
    assert "wor " not in before + " "


def test_matched_numbers_are_the_quotes_numbers_the_bullet_states():
    quote = "Give 1 mg three times a week for 2 weeks, then 250 micrograms every 3 months."
    assert matched_numbers("Give 1 mg for 2 weeks.", quote) == ["1", "2"]
    assert matched_numbers("No numbers here.", quote) == []
    assert matched_numbers("1,000 micrograms", "1000 micrograms monthly") == ["1000"]


def test_a_bullet_that_leaves_words_out_shortened_its_sentence():
    quote = (
        "For adults without neurological involvement, BSH and the BNF advise hydroxocobalamin "
        "1 mg intramuscularly three times a week for 2 weeks."
    )
    assert shortened("Hydroxocobalamin 1 mg intramuscularly three times a week for 2 weeks.", quote)
    assert not shortened(quote, quote)


def test_mark_follows_the_text_it_is_given():
    e = Evidence(ref=1, passage_id="p", quote="Give 1 mg every 3 months.")
    mark("Give 1 mg every 3 months.", [e])
    assert e.numbers == ["1", "3"] and not e.shortened
    mark("Give 1 mg.", [e])  # a reviewer took the interval out
    assert e.numbers == ["1"]


def test_every_evidence_of_a_bundled_answer_has_context_from_its_passage(library: Runtime):
    article = answer(B12_QUESTION, library, fresh=True, persist=False)
    evidence = [(b.text, e) for b in article.all_bullets() for e in b.evidence]
    assert evidence
    with_context = [e for _, e in evidence if e.context_before or e.context_after]
    assert len(with_context) >= len(evidence) * 0.8
    passages = library.store.get_passages([e.passage_id for _, e in evidence])
    for text, e in evidence:
        passage = passages[e.passage_id][0]
        document = {p.text for p in library.store.document_passages(passage.document_id)}
        for context in (e.context_before, e.context_after):
            if context:  # from the quote's passage, or a neighbour in the same document
                assert any(context.strip(" …")[:60] in t for t in document), context
        assert e.context_before != e.quote and e.context_after != e.quote
        bullet_values = {q.value for q in quantities(text)}
        assert all(any(q.value in bullet_values for q in quantities(n)) for n in e.numbers)
    assert any(e.numbers for _, e in evidence)


def test_attach_leaves_evidence_of_a_vanished_passage_as_it_was(library: Runtime):
    article = answer(B12_QUESTION, library, fresh=True, persist=False)
    bullet = article.all_bullets()[0]
    bullet.evidence[0] = bullet.evidence[0].model_copy(
        update={"passage_id": "gone", "context_before": "", "context_after": ""}
    )
    attach(article, library.store)
    assert bullet.evidence[0].context_before == bullet.evidence[0].context_after == ""
    assert bullet.evidence[0].numbers  # the marks need only the quote

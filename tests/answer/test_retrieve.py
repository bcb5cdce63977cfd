"""Document coverage: the guideline whose whole text covers the question ranks its passages
first, while the abstention decision still reads the search's own ranking."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from curbside.answer.analyse import analyse
from curbside.answer.documents import document_factors, rescaled, with_best_source
from curbside.answer.evidence import candidates
from curbside.answer.retrieve import RETRIEVE_K, search_ask
from curbside.answer.signals import TITLE_MISMATCH
from curbside.cli import run_ingest
from curbside.library.records import FieldMap
from curbside.models import SECTION_SEP, Hit
from curbside.runtime import Runtime, open_runtime
from curbside.settings import Settings

# One passage that repeats the question's words, in a guideline about something else...
NARROW = """---
title: Travel vaccination clinic
publisher: Test Society
year: 2020
kind: guideline
---
# Travel vaccination clinic

## Gout flare and colchicine
Gout flare treatment: colchicine for a gout flare; gout flare colchicine treatment.

## Yellow fever
Give yellow fever vaccine at least 10 days before travel to an endemic area.
"""
# ...and a guideline whose passages between them cover all of it.
BROAD = """---
title: Gout management
publisher: Test Society
year: 2021
kind: guideline
---
# Gout management

## Acute flare
When a person with gout has an acute flare, the usual first choice is an NSAID, taken as
early as possible, with colchicine as the alternative where an NSAID is unsuitable.

## Kidney disease
In people whose kidneys work less well, as in chronic kidney disease of any stage, the
dose of the alternative is reduced and the usual first choice is avoided altogether.

## Prevention
Offer allopurinol to people with recurrent flares, titrated to a urate target.
"""
# A guideline that shares one word with the question and nothing of its topic.
STRAY = """---
title: Embryo transfer
publisher: Test Society
year: 2019
kind: guideline
---
# Embryo transfer

## Catheters
There is good evidence for a soft catheter at embryo transfer; no allopurinol is needed.
"""
QUESTION = "gout flare treatment with colchicine in chronic kidney disease, and allopurinol?"


def _library(tmp_path: Path, files: dict[str, str]):
    """A real SQLite + tantivy library of these Markdown files, closed after the test."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    rt = open_runtime(Settings(home=tmp_path / "home", database_url=None))
    report = run_ingest(rt, [tmp_path / name for name in files], FieldMap(), True)
    assert not report.failed
    yield rt
    rt.close()


@pytest.fixture
def two_guidelines(tmp_path: Path) -> Runtime:
    yield from _library(tmp_path, {"narrow.md": NARROW, "broad.md": BROAD, "stray.md": STRAY})


def _titles(hits) -> list[str]:
    return list(dict.fromkeys(h.document.title for h in hits))


def test_the_document_covering_the_question_gets_the_full_factor(two_guidelines: Runtime):
    rt = two_guidelines
    result = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    factors = document_factors(result, rt.store, rt.retriever)
    by_title = {rt.store.get_document(d).title: f for d, f in factors.items()}
    assert by_title["Gout management"] == 1.0
    assert by_title["Travel vaccination clinic"] < 0.75
    assert _titles(rescaled(result.hits, factors))[0] == "Gout management"


def test_a_single_document_or_no_match_leaves_the_ranking_alone(two_guidelines: Runtime):
    rt = two_guidelines
    for query in ("yellow fever vaccine", "how do I reverse a linked list"):
        result = rt.retriever.search(query, k=RETRIEVE_K)
        factors = document_factors(result, rt.store, rt.retriever)
        assert rescaled(result.hits, factors) == sorted(result.hits, key=lambda h: -h.score)


def test_the_decision_reads_the_search_order_and_the_evidence_the_reranked_one(
    two_guidelines: Runtime,
):
    rt = two_guidelines
    whole = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    context = analyse(QUESTION, whole.plan, rt.retriever.lexical.vocab)
    factors = document_factors(whole, rt.store, rt.retriever)
    plain = search_ask(QUESTION, whole, context, rt.retriever, True)
    ranked = search_ask(QUESTION, whole, context, rt.retriever, True, factors=factors)
    assert (ranked.coverage, ranked.best_document) == (plain.coverage, plain.best_document)
    assert ranked.searched == plain.hits
    assert _titles(ranked.hits)[0] == "Gout management"


def test_the_narrow_guideline_is_the_search_s_own_first(two_guidelines: Runtime):
    """What the tests above re-rank: by its words alone the narrow guideline comes first."""
    result = two_guidelines.retriever.search(QUESTION, k=RETRIEVE_K)
    assert _titles(result.hits)[0] == "Travel vaccination clinic"


def test_an_ask_of_the_case_reads_no_document_that_shares_only_its_words(
    two_guidelines: Runtime,
):
    rt = two_guidelines
    whole = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    assert "Embryo transfer" in _titles(whole.hits)
    context = analyse(QUESTION, whole.plan, rt.retriever.lexical.vocab)
    factors = document_factors(whole, rt.store, rt.retriever)
    found = search_ask(QUESTION, whole, context, rt.retriever, True, factors=factors)
    assert "Embryo transfer" in _titles(found.searched)
    assert "Embryo transfer" not in _titles(found.hits)


def test_evidence_from_hits_that_all_score_zero_is_still_read(two_guidelines: Runtime):
    """A concept filter can leave only documents whose factor is 0 (found by hypothesis)."""
    rt = two_guidelines
    whole = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    context = analyse(QUESTION, whole.plan, rt.retriever.lexical.vocab)
    found = search_ask(QUESTION, whole, context, rt.retriever, True)
    zero = [Hit(h.passage, h.document, 0.0) for h in found.hits]
    pool = candidates(zero, context, found.weights, rt.retriever.lexical.tokenize)
    assert pool and all(c.score >= 0 for c in pool)


# A short guideline about the case's condition, and a long one that happens to hold many of
# the case description's everyday words among hundreds of others.
PALSY = """---
title: Facial nerve palsy
publisher: Test Society
year: 2020
kind: guideline
---
# Facial nerve palsy

## Treatment
For new-onset facial nerve palsy, oral steroids should be offered.
"""
CHILD_PALSY = PALSY.replace("Facial nerve palsy", "Facial nerve palsy in children")
WARD = (
    "---\ntitle: Ward routine\npublisher: Test Society\nyear: 2018\nkind: guideline\n---\n"
    "# Ward routine\n\n## Mornings\nPatients who woke this morning with a drooping face or a "
    "rash are seen first; healthy visitors wait.\n\n## Stock\n"
    + " ".join(f"supply{n}x" for n in range(3000))
    + "\n"
)
CASE = "Woke up this morning, face drooping, otherwise healthy, no rash. Steroids for palsy?"


@pytest.fixture
def palsy_and_ward(tmp_path: Path) -> Runtime:
    yield from _library(tmp_path, {"palsy.md": PALSY, "child.md": CHILD_PALSY, "ward.md": WARD})


def _factor_titles(rt: Runtime, factors: dict[str, float]) -> dict[str, float]:
    return {rt.store.get_document(d).title: f for d, f in factors.items()}


def test_a_case_s_everyday_words_do_not_make_a_long_document_its_source(
    palsy_and_ward: Runtime,
):
    rt = palsy_and_ward
    result = rt.retriever.search(CASE, k=RETRIEVE_K)
    bare = _factor_titles(rt, document_factors(result, rt.store, rt.retriever))
    assert bare["Ward routine"] == 1.0 > bare["Facial nerve palsy"]
    described = _factor_titles(rt, document_factors(result, rt.store, rt.retriever, described=True))
    assert described["Facial nerve palsy"] == 1.0
    assert described["Ward routine"] < 0.5


def test_a_guideline_for_another_population_counts_less(palsy_and_ward: Runtime):
    rt = palsy_and_ward
    result = rt.retriever.search(CASE, k=RETRIEVE_K)
    plain = _factor_titles(rt, document_factors(result, rt.store, rt.retriever))
    adult = _factor_titles(
        rt, document_factors(result, rt.store, rt.retriever, frozenset({"adults"}))
    )
    child = "Facial nerve palsy in children"
    assert adult[child] == pytest.approx(plain[child] * TITLE_MISMATCH)
    assert {t: f for t, f in adult.items() if t != child} == {
        t: f for t, f in plain.items() if t != child
    }


def test_an_ask_reads_the_best_guideline_s_passages_its_search_missed(two_guidelines: Runtime):
    rt = two_guidelines
    whole = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    context = analyse(QUESTION, whole.plan, rt.retriever.lexical.vocab)
    factors = document_factors(whole, rt.store, rt.retriever)
    found = search_ask(QUESTION, whole, context, rt.retriever, True, factors=factors)
    missed = replace(
        found, hits=[h for h in found.hits if "Kidney disease" not in h.passage.section_path]
    )
    read = with_best_source(missed, factors, rt.store, rt.retriever.lexical.tokenize)
    added = [h for h in read.hits if h not in missed.hits]
    assert [h.passage.section_path.split(SECTION_SEP)[-1] for h in added] == ["Kidney disease"]
    assert added[0].document.title == "Gout management"
    # What the decision reads is the search's own: reading more never makes a question
    # look better covered.
    assert (read.searched, read.coverage) == (missed.searched, missed.coverage)


def test_an_ask_that_does_not_read_the_best_guideline_is_not_given_it(two_guidelines: Runtime):
    rt = two_guidelines
    whole = rt.retriever.search(QUESTION, k=RETRIEVE_K)
    context = analyse(QUESTION, whole.plan, rt.retriever.lexical.vocab)
    factors = document_factors(whole, rt.store, rt.retriever)
    found = search_ask(QUESTION, whole, context, rt.retriever, True, factors=factors)
    elsewhere = replace(
        found, hits=[h for h in found.hits if h.document.title != "Gout management"]
    )
    assert with_best_source(elsewhere, factors, rt.store, rt.retriever.lexical.tokenize) == (
        elsewhere
    )

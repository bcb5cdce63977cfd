"""One suite, every engine: what the Engine protocol promises, checked on the extractive
engine and on the LLM engine (a faithful fake model through httpx.MockTransport)."""

from __future__ import annotations

import pytest

from curbside.answer.analyse import analyse
from curbside.answer.compose import Draft
from curbside.answer.engines import Engine, ExtractiveEngine, Written, run
from curbside.answer.evidence import GroupWeights, candidates, select
from curbside.answer.pipeline import answer
from curbside.answer.verify import unsupported_numbers
from curbside.answer.verify_draft import audit_draft
from curbside.runtime import Runtime

from .invariants import assert_contract
from .llm.fake_model import llm_engine, parrot_answer, transport

QUESTIONS = [
    "What hydroxocobalamin regimen should an adult with vitamin B12 deficiency without "
    "neurological involvement receive?",
    "What amoxicillin dose does the AAP recommend for acute otitis media?",
    "What is the emergency treatment of hyperkalaemia?",
]


def _extractive(rt: Runtime) -> Engine:
    return ExtractiveEngine(rt.retriever.lexical.vocab)


def _llm(rt: Runtime) -> Engine:
    return llm_engine(rt, transport(parrot_answer))


ENGINES = {"extractive": _extractive, "llm": _llm}


@pytest.fixture(params=sorted(ENGINES))
def engine(request, library) -> Engine:
    return ENGINES[request.param](library)


def _chosen(rt: Runtime, question: str):
    plan = rt.retriever.plan(question)
    analysis = analyse(question, plan, rt.retriever.lexical.vocab)
    hits = rt.retriever.search(question, k=30).hits
    weights = GroupWeights.build(
        plan, rt.retriever.lexical.tokenize, rt.retriever.lexical.idf_table()
    )
    return analysis, select(candidates(hits, analysis, weights, rt.retriever.lexical.tokenize))


def test_an_engine_has_a_name_the_contract_knows(engine: Engine):
    assert engine.name in ("extractive", "llm")


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_draft_rests_only_on_the_evidence_it_was_given(library, engine, question):
    analysis, chosen = _chosen(library, question)
    written = run(engine, analysis, chosen, [question])
    assert isinstance(written, Written) and isinstance(written.draft, Draft)
    given = {id(c) for c in chosen}
    bullets = written.draft.bottom_line + [b for _, bs in written.draft.sections for b in bs]
    assert bullets, "a draft from good evidence is not empty"
    for bullet in bullets:
        assert bullet.sources and all(id(c) in given for c in bullet.sources)
    assert written.draft.bottom_line


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_faithful_engine_loses_nothing_to_the_verifier(library, engine, question):
    analysis, chosen = _chosen(library, question)
    written = run(engine, analysis, chosen, [question])
    _, dropped = audit_draft(written.draft)
    assert dropped == [] and written.dropped == []
    assert written.engine == engine.name


def test_no_evidence_gives_an_empty_draft_or_a_fallback(library, engine):
    analysis, _ = _chosen(library, QUESTIONS[0])
    written = run(engine, analysis, [], [QUESTIONS[0]])
    assert written.draft.bottom_line == [] and written.draft.sections == []


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_article_keeps_the_contract(library, engine, question):
    article = answer(question, library, fresh=True, persist=False, engine=engine)
    assert not article.abstained
    assert_contract(article, library.store, engine=engine.name)
    assert article.metadata["engine_requested"] == engine.name
    for bullet in article.all_bullets():
        assert unsupported_numbers(bullet.text, [e.quote for e in bullet.evidence]) == []


def test_the_engines_agree_on_what_a_faithful_answer_cites(library):
    """A model that copies its passages cites what the extractive engine quotes."""
    extractive = answer(QUESTIONS[0], library, fresh=True, persist=False)
    llm = answer(QUESTIONS[0], library, fresh=True, persist=False, engine=_llm(library))
    quoted = {e.passage_id for b in extractive.all_bullets() for e in b.evidence}
    quoted |= {e.passage_id for e in extractive.bottom_line.evidence}
    cited = {e.passage_id for b in llm.all_bullets() for e in b.evidence}
    cited |= {e.passage_id for e in llm.bottom_line.evidence}
    assert cited == quoted

"""The answer pipeline, top to bottom: split the question into its asks → retrieve → select
evidence → decide, once per ask → compose → verify → article.

>>> article = answer("What dose of hydroxocobalamin for B12 deficiency?", runtime)  # doctest: +SKIP
>>> article.sections[0].bullets[0].citations                                  # doctest: +SKIP
[1]
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from .. import articles
from ..articles.model import ABSTAIN_TEXT, AUDIENCES, Article, BottomLine
from ..articles.patient import patient_wording
from ..clock import now
from ..errors import BadRequest, QuestionTooLong
from ..library.records import has_title
from ..runtime import Runtime
from ..search.base import SearchResult
from ..search.query import clean_query
from . import evidence_context, related
from .abstain import dose_gap, out_of_scope, population_gap, unfamiliar_words, unknown_topics
from .analyse import Analysis, analyse
from .arrange import for_population, with_first_steps
from .audience import emergency_notice, for_patients
from .calibration import ABSTENTION
from .compose import REGIMEN_PARTS, complete_regimen, number
from .concepts import check_concepts
from .decide import Decision, Signals, decide
from .documents import document_factors, with_best_source, with_semantic
from .engines import Engine, ExtractiveEngine, run
from .evidence import MAX_BULLETS, Candidate, candidates, merge_chosen, select
from .injection import speaks_to_a_model
from .parts import split_question
from .retrieve import (
    RETRIEVE_K,
    ask_weights,
    best_coverage,
    lacking,
    names_subject,
    search_ask,
)
from .signals import question_populations
from .verify_draft import DROPPED_KEY, audit_draft, score_support

# One limit for the ask form, the API and the engine: a longer question is refused, never cut.
MAX_QUESTION_CHARS = 4000
# Each ask after the first may add this many bullets to an answer's usual length.
EXTRA_PER_ASK = 5
# The titles of this many of an ask's best documents are compared with the question.
TITLE_DOCUMENTS = 10
MAX_UNFAMILIAR = 3
NEUTRAL_SEMANTIC = ABSTENTION.mean[ABSTENTION.features.index("semantic")]


@dataclass
class AskResult:
    """One ask, answered or not."""

    text: str
    analysis: Analysis
    chosen: list[Candidate]
    signals: Signals
    decision: Decision

    def summary(self) -> dict:
        return {
            "text": self.text,
            "intent": self.analysis.intent,
            "answered": self.decision.answer,
            "reason": self.decision.reason,
            "answerability": round(self.decision.probability, 4),
            "features": self.signals.features(),
        }


def answer(
    question: str,
    rt: Runtime,
    audience: str = "clinician",
    follow_up_of: str | None = None,
    fresh: bool = False,
    engine: Engine | None = None,
    persist: bool = True,
) -> Article:
    """Answer a question from the library, store it as an article, and return it.

    ``persist=False`` answers without storing (evaluation runs).
    """
    question = _validate(question, audience)
    engine = engine or ExtractiveEngine(rt.retriever.lexical.vocab)
    if not fresh and follow_up_of is None:
        # One article holds both wordings: it is stored, and found, as the clinician one.
        stored = rt.articles.find_article(articles.question_key(question), "clinician")
        if stored is not None:
            found = articles.load(rt.articles, stored["id"])
            if _asked_with(found) == engine.name:
                return _in_wording(found, audience, rt)
    started = time.perf_counter()
    parent = articles.load(rt.articles, follow_up_of) if follow_up_of else None

    parts = split_question(question)
    query = _with_context(question, parent)
    vector = rt.semantic.encode(query) if rt.semantic else None
    whole = rt.retriever.search(query, k=RETRIEVE_K)
    whole = with_semantic(whole, vector, rt.semantic, rt.store, rt.retriever)
    plan = whole.plan
    if parent is not None and names_subject(question, rt.retriever):
        # "How often should the potassium be checked?" names its own subject: its words lead
        # and the earlier answer's topic is the case around it, weighed as background.
        parts = replace(parts, case=" ".join([parts.case, *_parent_topic(parent)]).strip())
        plan = rt.retriever.search(question, k=RETRIEVE_K).plan
    context = _inherit(analyse(question, plan, rt.retriever.lexical.vocab), parent)
    factors = document_factors(
        whole, rt.store, rt.retriever, question_populations(context), bool(parts.case)
    )
    shared, documents = _question_signals(question, whole, context, rt)
    single = len(parts.asks) == 1 and not parts.case
    lead = parts.asks[0].text
    given = _given(parent)
    asks = [
        _answer_ask(
            a.text,
            whole,
            context,
            shared,
            rt,
            (single, lead, parts.case, documents, factors),
            vector,
            given,
        )
        for a in parts.asks
    ]

    answered = [a for a in asks if a.decision.answer]
    if answered:
        article = _compose(question, answered, engine, whole)
    else:
        article = _abstention(question, whole.hits, asks[0].decision.reason or "")
    evidence_context.attach(article, rt.store)
    article.metadata.update(_metadata(answered[0].analysis if answered else context, asks, started))
    article.metadata["engine_requested"] = engine.name
    article.corrections = whole.plan.corrections
    article.emergency_notice = emergency_notice(question)
    article.follow_up_of = parent.id if parent else None
    article.thread_id = parent.thread_id if parent else article.id
    related.attach(article, rt, query, asks, [h.document.title for h in whole.hits], persist)
    if persist:
        stored = articles.save(
            rt.articles, article, question, rt.store.library_version(), findable=not fresh
        )
        if stored != article.id:  # another worker answered the same question first
            return _in_wording(articles.load(rt.articles, stored), audience, rt)
    return _in_wording(article, audience, rt)


def _in_wording(article: Article, audience: str, rt: Runtime) -> Article:
    """The article in the wording asked for: the patient wording is made from the clinician
    article and has its own review status (articles/patient.py)."""
    if audience != "patient":
        return article
    return patient_wording(rt.articles, article, for_patients)


def _question_signals(
    question: str, whole: SearchResult, context: Analysis, rt: Runtime
) -> tuple[Signals, set[str] | None]:
    """What holds for every ask: the topics the library lacks, the whole question's coverage."""
    concepts = check_concepts(question, rt.retriever)
    corrections = whole.plan.corrections
    unknown = list(
        dict.fromkeys(
            concepts.missing
            + unknown_topics(
                question,
                rt.retriever.lexical.vocab,
                rt.retriever.lexical.mentions,
                corrected=corrections,
            )
        )
    )
    weights = ask_weights(question, whole, context, rt.retriever)
    coverage, _ = best_coverage(whole.hits, weights, rt.retriever.lexical.tokenize)
    unfamiliar = (
        unfamiliar_words(
            question, rt.retriever.lexical.mentions, rt.semantic.looks_technical, corrections
        )
        if rt.semantic
        else []
    )
    shared = Signals(
        question_coverage=coverage,
        unknown=unknown,
        out_of_scope=out_of_scope(question),
        unfamiliar=min(len(unfamiliar), MAX_UNFAMILIAR),
    )
    return shared, concepts.documents


def _answer_ask(
    text: str,
    whole: SearchResult,
    context: Analysis,
    shared: Signals,
    rt: Runtime,
    where: tuple,
    vector,
    given: frozenset[tuple[str, str]] = frozenset(),
) -> AskResult:
    """``where``: (single, lead, case, documents, factors) as search_ask takes them; ``given``: the
    statements a follow-up's earlier answer already gave, not repeated."""
    found = search_ask(text, whole, context, rt.retriever, *where)
    found = with_best_source(found, where[4], rt.store, rt.retriever.lexical.tokenize)
    pool = candidates(found.hits, found.analysis, found.weights, rt.retriever.lexical.tokenize)
    pool = [c for c in pool if not speaks_to_a_model(c.quote)]  # library text is data
    pool = for_population(pool, found.analysis)
    pool = _not_given(pool, given)
    chosen = complete_regimen(select(pool), pool, found.analysis)
    chosen = with_first_steps(chosen, pool, found.analysis)
    signals = Signals(
        coverage=found.coverage,
        question_coverage=shared.question_coverage,
        semantic=_semantic(rt, vector, found.searched),
        lacking=lacking(
            found.searched, found.weights, rt.retriever.lexical.tokenize, found.best_document
        ),
        best_statement=max((c.score for c in pool), default=0.0),
        unknown=shared.unknown,
        out_of_scope=shared.out_of_scope,
        unfamiliar=shared.unfamiliar,
        usable=bool(pool),
        population_gap=population_gap(found.analysis, chosen),
        dose_gap=dose_gap(found.analysis, chosen, rt.retriever.lexical.tokenize),
    )
    return AskResult(text, found.analysis, chosen, signals, decide(signals))


def _semantic(rt: Runtime, vector, hits) -> float:
    """How close the question comes, in meaning, to the titles of the documents found.

    Without the model, or where documents have no titles of their own (a BEIR corpus of
    abstracts), the signal is unknown and counts as neutral: the development mean."""
    titles = [t for t in dict.fromkeys(h.document.title for h in hits) if has_title(t)]
    if rt.semantic is None or vector is None or not titles:
        return NEUTRAL_SEMANTIC
    return rt.semantic.closest_title(vector, titles[:TITLE_DOCUMENTS])


def _compose(question: str, answered: list[AskResult], engine: Engine, whole) -> Article:
    chosen = merge_chosen(
        [a.chosen for a in answered],
        MAX_BULLETS + len(REGIMEN_PARTS) + EXTRA_PER_ASK * (len(answered) - 1),
    )
    lead = answered[0].analysis
    lead.asks = [a.analysis for a in answered] if len(answered) > 1 else []
    written = run(engine, lead, chosen, [a.text for a in answered])
    draft, dropped = audit_draft(written.draft)
    bottom, sections, references = number(draft)
    if not sections and not bottom.text:
        return _abstention(question, whole.hits, "Every candidate statement failed verification.")
    article = _article(question, bottom, sections, references, written.engine)
    article.metadata.update(written.metadata)
    # Whatever engine wrote the draft served: every bullet the verifier removed from it,
    # counted, and listed with its reason for reviewers.
    gone = [*written.dropped, *dropped]
    article.metadata["unsupported_bullets_dropped"] = len(gone)
    if gone:
        article.metadata[DROPPED_KEY] = [d.as_dict() for d in gone]
    if written.engine != "extractive":
        score_support(article)
    return article


def _asked_with(article: Article) -> str:
    """The engine an answer was asked of (an LLM answer that fell back was still asked of
    the LLM); answers stored before engines could be chosen were all extractive."""
    return article.metadata.get("engine_requested") or article.engine


def _validate(question: str, audience: str) -> str:
    if audience not in AUDIENCES:
        raise BadRequest(f"audience must be one of {', '.join(map(repr, AUDIENCES))}")
    # Counted as typed: a browser sends each line break as CRLF but its text box (and its
    # maxlength) counts one character, so the number in the message is the one the reader sees.
    typed = (question or "").replace("\r\n", "\n").strip()
    if len(typed) > MAX_QUESTION_CHARS:
        raise QuestionTooLong(MAX_QUESTION_CHARS, len(typed))
    question = " ".join(clean_query(typed).split())
    if not question:
        raise BadRequest("The question is empty: type a question, then ask.")
    return question


def _parent_topic(parent: Article) -> list[str]:
    return list(parent.metadata.get("topic_terms") or [])


def _with_context(question: str, parent: Article | None) -> str:
    """A follow-up carries the earlier question's topic into retrieval."""
    if parent is None:
        return question
    return " ".join([question, *_parent_topic(parent)])


def _not_given(pool: list[Candidate], given: frozenset[tuple[str, str]]) -> list[Candidate]:
    """A follow-up does not repeat its earlier answer, except a statement that answers the
    follow-up as well as anything else does (the potassium check the B12 answer mentioned)."""
    if not given or not pool:
        return pool
    best = max(c.coverage for c in pool)
    return [c for c in pool if (c.passage.id, c.quote) not in given or c.coverage >= best]


def _given(parent: Article | None) -> frozenset[tuple[str, str]]:
    """What the earlier answer of a follow-up already said: (passage id, quote) pairs."""
    if parent is None:
        return frozenset()
    evidence = [
        *parent.bottom_line.evidence,
        *(e for b in parent.all_bullets() for e in b.evidence),
    ]
    return frozenset((e.passage_id, e.quote) for e in evidence)


def _inherit(analysis: Analysis, parent: Article | None) -> Analysis:
    if parent is None:
        return analysis
    meta = parent.metadata
    if analysis.intents == ["treatment"] and meta.get("intent"):
        analysis.intent = meta["intent"]
        analysis.intents = list(meta.get("intents") or [meta["intent"]])
    return analysis


def _article(question, bottom, sections, references, engine_name) -> Article:
    article_id = articles.new_id()
    stamp = now()
    demonstration = any(r.demonstration for r in references)
    return Article(
        id=article_id,
        slug=articles.slugify(question, article_id),
        question=question,
        bottom_line=bottom,
        sections=sections,
        references=references,
        engine=engine_name,
        created_at=stamp,
        updated_at=stamp,
        metadata={"demonstration": demonstration},
    )


def _abstention(question: str, hits, reason: str) -> Article:
    closest = list(dict.fromkeys(h.document.title for h in hits))[:5]
    article_id = articles.new_id()
    stamp = now()
    return Article(
        id=article_id,
        slug=articles.slugify(question, article_id),
        question=question,
        abstained=True,
        bottom_line=BottomLine(text=ABSTAIN_TEXT),
        closest_topics=closest,
        created_at=stamp,
        updated_at=stamp,
        metadata={"demonstration": False, "abstain_reason": reason},
    )


def _metadata(analysis: Analysis, asks: list[AskResult], started: float) -> dict:
    best = max(asks, key=lambda a: a.decision.probability)
    return {
        "intent": analysis.intent,
        "intents": analysis.intents,
        "entities": [{"text": e.text, "type": e.type} for e in analysis.entities],
        "topic_terms": analysis.topic_terms,
        "populations": analysis.populations,
        "evidence_strength": round(max(a.signals.coverage for a in asks), 3),
        "asks": [a.summary() for a in asks],
        # Only a question of several asks can have some answered and others not.
        "unanswered_asks": [a.text for a in asks if not a.decision.answer] if len(asks) > 1 else [],
        "answerability": round(best.decision.probability, 4),
        "decision_features": best.signals.features(),
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }

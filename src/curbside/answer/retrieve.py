"""Retrieval for one ask: its passages, its weighted terms, and how well the library covers it.

An ask is searched with its own words plus the drugs and conditions the whole question names
(a follow-up ask such as "and for how long?" leans on them), then the hits of the whole
question fill in. Coverage is measured against the ask's own terms, so the words of a case
description ("woke up", "swimmer") are context, not something the evidence must contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Hit
from ..search.base import Retriever, SearchResult
from ..search.vocabulary import surface_tokens
from .analyse import Analysis, analyse
from .documents import rescaled
from .evidence import GroupWeights, Tokenize

RETRIEVE_K = 30
STRENGTH_HITS = 10
# Hits of the whole question rank below the ask's own: their scores are scaled to this share
# of the ask's best score (they answer the case, not necessarily this ask).
WHOLE_QUESTION_SHARE = 0.8
# An ask names its own subject when it has this many words at least this rare in the library.
SUBJECT_WORDS, SUBJECT_IDF = 2, 3.0
# An ask without a topic of its own is answered from the whole question's best documents.
AGREED_DOCUMENTS = 5
# An ask reads at most this many passages, its own and the whole question's together.
MERGED_HITS = 40
# An ask's passage from the whole question's n-th document counts RANK_DECAY ** n.
RANK_DECAY = 0.9
TOPIC_TYPES = ("drug", "condition")
# An ask without a topic of its own reads no document whose factor falls below this: one
# that shares only an ask's words ("transfer" in an embryo-transfer guideline under a STEMI
# case). Fitted on the same files plus bundled.jsonl: 0.2 lifted the on-topic rate by 0.02-0.05
# with no fact lost; 0.35 and 0.5 cost fact recall.
FACTOR_FLOOR = 0.2
# Named when lacking: at most this many of the ask's terms, each at least this rare.
LACKING_TERMS, LACKING_IDF = 3, 4.0
# A capitalised word inside a sentence that the library never uses: most likely a name.
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,})\b")


@dataclass
class AskSearch:
    """What retrieval found for one ask."""

    text: str
    hits: list[Hit]
    analysis: Analysis
    weights: GroupWeights
    coverage: float  # how much of the ask the best on-topic document covers
    best_document: str | None  # that document's id
    searched: list[Hit]  # the hits in the search's own order, which the decision reads


def search_ask(
    text: str,
    whole: SearchResult,
    whole_analysis: Analysis,
    retriever: Retriever,
    single: bool,
    lead: str = "",
    case: str = "",
    documents: set[str] | None = None,
    factors: dict[str, float] | None = None,
) -> AskSearch:
    """``single``: the question is one ask without a case, so the whole search is the ask's.
    ``lead``: the first ask, for an ask too short to name its own subject; ``case``: the case
    description, searched with the ask but not required of the evidence; ``documents``: when
    the question names a concept, the documents that name it (no other may answer);
    ``factors``: document_factors of the whole question, which order the evidence (the
    decision's coverage is measured on the search's own ranking, so that re-ranking never
    makes an off-domain question look covered)."""
    background: frozenset[str] = frozenset()
    if single:
        result = whole
    else:
        subject = text if names_subject(text, retriever) else f"{lead} {text}"
        missing = [t for t in whole_analysis.topic_terms if t.lower() not in subject.lower()]
        subject = " ".join([subject, *missing])
        result = retriever.search(f"{case} {subject}", k=RETRIEVE_K)
        background = _background(result, subject)
    analysis = _ask_analysis(text, result, whole_analysis, retriever)
    own_topic = _own_topic(result, whole_analysis, retriever, background)
    searched = _within(
        result.hits if single else _merge(result.hits, whole.hits, own_topic), documents
    )
    weights = ask_weights(text, result, analysis, retriever, background)
    coverage, best = best_coverage(searched, weights, retriever.lexical.tokenize)
    ranked = searched
    if factors:
        own = result.hits if own_topic and not single else rescaled(result.hits, factors)
        merged = own if single else _merge(own, rescaled(whole.hits, factors), own_topic)
        ranked = _within(merged, documents)
        if not own_topic:  # an ask of the case is answered from the case's documents
            weakest = min(factors.values())
            ranked = [h for h in ranked if factors.get(h.document.id, weakest) >= FACTOR_FLOOR]
    return AskSearch(text, ranked, analysis, weights, coverage, best, searched)


def _within(hits: list[Hit], documents: set[str] | None) -> list[Hit]:
    return hits if documents is None else [h for h in hits if h.document.id in documents]


def _background(result: SearchResult, subject: str) -> frozenset[str]:
    """The query groups that only the case description names."""
    said = " ".join(surface_tokens(subject))
    return frozenset(g.source for g in result.plan.groups if f" {g.source} " not in f" {said} ")


def ask_weights(
    text: str,
    result: SearchResult,
    analysis: Analysis,
    retriever: Retriever,
    background: frozenset[str] = frozenset(),
) -> GroupWeights:
    topics = frozenset(e.text for e in analysis.entities if e.type in ("drug", "condition"))
    names = frozenset(
        w.lower() for w in _NAME.findall(text) if not retriever.lexical.mentions(w.lower())
    )
    return GroupWeights.build(
        result.plan,
        retriever.lexical.tokenize,
        retriever.lexical.idf_table(),
        topics,
        names,
        background,
    )


def _ask_analysis(
    text: str, result: SearchResult, whole: Analysis, retriever: Retriever
) -> Analysis:
    """The ask's own intent and terms; the case's population, age and weight."""
    own = analyse(text, result.plan, retriever.lexical.vocab)
    if own.question == whole.question:
        return own
    own.populations = list(dict.fromkeys([*own.populations, *whole.populations]))
    own.age = own.age or whole.age
    own.weight_kg = own.weight_kg or whole.weight_kg
    known = {e.text for e in own.entities}
    own.entities += [e for e in whole.entities if e.text not in known]
    return own


def names_subject(text: str, retriever: Retriever) -> bool:
    """Whether an ask says what it is about: "what are their time limits?" does not."""
    idf = retriever.lexical.idf_table()
    rare = [t for t in retriever.lexical.tokenize(text) if idf(t) >= SUBJECT_IDF]
    return len(rare) >= SUBJECT_WORDS


def _own_topic(
    result: SearchResult, whole: Analysis, retriever: Retriever, background: frozenset[str]
) -> bool:
    """Whether the ask names a drug or condition of its own, one the rest of the question
    does not: then it may be answered from another document than the case's."""
    vocab = retriever.lexical.vocab
    named = {
        g.source
        for g in result.plan.groups
        if vocab.type_of(g.source) in TOPIC_TYPES and g.source not in background
    }
    return bool(named - {e.text for e in whole.entities})


def _merge(own: list[Hit], whole: list[Hit], own_topic: bool) -> list[Hit]:
    """The ask's hits from the documents the whole question found, then the whole question's
    hits. An ask about a topic of its own keeps hits from any document."""
    ranked = list(dict.fromkeys(h.document.id for h in whole))
    agreed = ranked[:AGREED_DOCUMENTS]
    if not own_topic:
        # The whole question, case included, is the better judge of which document is the
        # source: the ask's words alone ("what antibiotic?") fit many.
        rank = {doc: n for n, doc in enumerate(agreed)}
        own = [
            Hit(h.passage, h.document, h.score * RANK_DECAY ** rank[h.document.id])
            for h in own
            if h.document.id in rank
        ]
    seen = {h.passage.id for h in own}
    top_own = max((h.score for h in own), default=1.0)
    top_whole = max((h.score for h in whole), default=1.0) or 1.0
    scale = WHOLE_QUESTION_SHARE * top_own / top_whole
    extra = [Hit(h.passage, h.document, h.score * scale) for h in whole if h.passage.id not in seen]
    return sorted([*own, *extra], key=lambda h: -h.score)[:MERGED_HITS]


def best_coverage(
    hits: list[Hit], weights: GroupWeights, tokenize: Tokenize
) -> tuple[float, str | None]:
    """How much of the question the best-matching document's retrieved passages cover."""
    per_document: dict[str, set[str]] = {}
    for hit in hits[:STRENGTH_HITS]:
        tokens = per_document.setdefault(hit.document.id, set(tokenize(hit.document.title)))
        tokens.update(tokenize(f"{hit.passage.section_path} {hit.passage.text}"))
    # A document that never names the question's drug or condition does not answer it, however
    # much of the rest of the question it covers ("RSV vaccine" is not "zoster vaccine").
    scored = [
        (weights.coverage(frozenset(t)), doc)
        for doc, t in per_document.items()
        if weights.on_topic(frozenset(t))
    ]
    if not scored:
        return 0.0, None
    return max(scored)


def lacking(
    hits: list[Hit], weights: GroupWeights, tokenize: Tokenize, best: str | None
) -> list[str]:
    """The ask's weightiest terms that its best document does not hold: what a reader is
    told the library lacks."""
    tokens: set[str] = set()
    for hit in hits[:STRENGTH_HITS]:
        if hit.document.id == best:
            tokens.update(
                tokenize(f"{hit.document.title} {hit.passage.section_path} {hit.passage.text}")
            )
    covered = weights.covered(frozenset(tokens))
    missing = [
        (w, src) for i, (w, src) in enumerate(weights.weighted_sources()) if i not in covered
    ]
    return [src for _, src in sorted(missing, key=lambda pair: -pair[0])[:LACKING_TERMS]]

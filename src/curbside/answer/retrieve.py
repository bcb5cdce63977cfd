"""Retrieval for one ask: its passages, its weighted terms, and how well the library covers it.

An ask is searched with its own words plus the drugs and conditions the whole question names
(a follow-up ask such as "and for how long?" leans on them), then the hits of the whole
question fill in. Coverage is measured against the ask's own terms, so the words of a case
description ("woke up", "swimmer") are context, not something the evidence must contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..library.records import has_title
from ..models import Hit
from ..search.base import Retriever, SearchResult
from ..search.semantic import Semantic
from ..search.vocabulary import surface_tokens
from .analyse import Analysis, analyse
from .evidence import GroupWeights, Tokenize
from .signals import title_population_fit

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
# Documents whose title embedding comes within this cosine of the question's are candidates
# however few words they share with it (fitted on ngc_vignettes_dev.jsonl: answerable vignettes
# reach 0.43 at their 10th percentile, off-domain questions 0.38 at their 90th).
SEMANTIC_MIN = 0.45
SEMANTIC_DOCUMENTS = 3
SEMANTIC_PASSAGES = 4
# A semantic document's passages rank at this share of the best lexical hit, times the cosine.
SEMANTIC_SHARE = 1.0
# A lexical hit's score is multiplied by 1 + SEMANTIC_LIFT x (its title's cosine - SEMANTIC_MIN),
# within MIN_LIFT and MAX_LIFT: a document far from the question in meaning sinks.
SEMANTIC_LIFT = 2.0
MIN_LIFT, MAX_LIFT = 0.5, 1.6
# A document whose whole text covers more of the question is likelier its source than one with
# a single well-matching passage: the hits of the best-ranked documents are scaled by
# (document coverage / best document coverage) ** COVERAGE_POWER (fitted on
# ngc_vignettes_dev.jsonl and ngc.jsonl: the named guideline ranked first in 0.46 -> 0.55 and
# 0.76 -> 0.86 of their cases; powers 1 and 2 were tried).
COVERAGE_DOCUMENTS = 10
COVERAGE_POWER = 2.0
# Under a question with a case description, a long document covers many of the case's
# incidental words by chance ("Intrapartum care" covers "face", "eye", "rash" and "healthy" of
# a Bell's palsy vignette): its coverage is divided by its number of distinct terms to this
# power (fitted on ngc_vignettes_dev.jsonl: source guideline first 0.566 -> 0.614, fact recall
# 0.467 -> 0.478 with TITLE_MISMATCH; ngc.jsonl stays at 0.859 first only because questions
# without a case are left alone, 0.808 otherwise; 0.2 and 0.5 were tried).
LENGTH_POWER = 0.35
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


def _lift(cosine: float) -> float:
    """How much a document's title, close to or far from the question in meaning, moves its
    passages up or down."""
    return min(MAX_LIFT, max(MIN_LIFT, 1 + SEMANTIC_LIFT * (cosine - SEMANTIC_MIN)))


def with_semantic(
    result: SearchResult, vector, semantic: Semantic | None, store, retriever: Retriever
) -> SearchResult:
    """Add the passages of the documents whose titles mean what the question means, when
    their words differ ("woke up with her face drooping" and "Bell's palsy"), and lift the
    hits of documents the two signals agree on."""
    if semantic is None or vector is None:
        return result
    near = semantic.nearest_documents(
        vector, store.library_version(), store.document_titles, SEMANTIC_DOCUMENTS
    )
    near = {doc: cos for doc, cos in near if cos >= SEMANTIC_MIN}
    top = max((h.score for h in result.hits), default=1.0)
    titles = list(dict.fromkeys(h.document.title for h in result.hits))
    cosine = dict(zip(titles, semantic.titles.similarity(vector, titles), strict=True))
    hits = [  # a stand-in title ("corpus #17") says nothing of meaning: no lift either way
        Hit(h.passage, h.document, h.score * _lift(cosine[h.document.title]))
        if has_title(h.document.title)
        else h
        for h in result.hits
    ]
    have = {h.document.id for h in hits}
    weights = GroupWeights.build(
        result.plan, retriever.lexical.tokenize, retriever.lexical.idf_table()
    )
    for doc, cos in near.items():
        if doc in have:
            continue
        document = store.get_document(doc)
        scored = sorted(
            (
                (
                    weights.coverage(
                        frozenset(retriever.lexical.tokenize(f"{p.section_path} {p.text}"))
                    ),
                    p,
                )
                for p in store.document_passages(doc)
            ),
            key=lambda pair: -pair[0],
        )[:SEMANTIC_PASSAGES]
        hits += [
            Hit(p, document, top * SEMANTIC_SHARE * cos * (0.5 + 0.5 * coverage))
            for coverage, p in scored
        ]
    hits.sort(key=lambda h: -h.score)
    return SearchResult(hits, result.plan, result.took_ms)


def document_factors(
    result: SearchResult,
    store,
    retriever: Retriever,
    asked: frozenset[str] = frozenset(),
    described: bool = False,
) -> dict[str, float]:
    """How much each of the best documents' whole text covers of the question, relative to
    the best of them, raised to COVERAGE_POWER: 1.0 for the best, less for the rest. When the
    question is ``described`` (it has a case description), coverage is weighed against each
    document's size; a document whose title names another population than ``asked``
    (question_populations) counts less again."""
    docs = list(dict.fromkeys(h.document.id for h in result.hits))[:COVERAGE_DOCUMENTS]
    if len(docs) < 2:
        return {}
    lexical = retriever.lexical
    weights = GroupWeights.build(result.plan, lexical.tokenize, lexical.idf_table())
    version = store.library_version()
    power = LENGTH_POWER if described else 0.0
    covered = {}
    for doc in docs:
        tokens = _document_tokens(store, doc, version, lexical.tokenize)
        covered[doc] = weights.coverage(tokens) / max(len(tokens), 1) ** power
    best = max(covered.values())
    if best <= 0:
        return {}
    titles = {h.document.id: h.document.title for h in result.hits}
    return {
        doc: (value / best) ** COVERAGE_POWER * title_population_fit(titles[doc], asked)
        for doc, value in covered.items()
    }


def rescaled(hits: list[Hit], factors: dict[str, float]) -> list[Hit]:
    """The hits re-ranked by their documents' factors; a document below the best ten keeps
    the weakest factor of those ten, never lifted above them."""
    if not factors:
        return hits
    weakest = min(factors.values())
    out = [Hit(h.passage, h.document, h.score * factors.get(h.document.id, weakest)) for h in hits]
    return sorted(out, key=lambda h: -h.score)


@lru_cache(maxsize=4096)
def _document_tokens(store, document_id: str, version, tokenize: Tokenize) -> frozenset[str]:
    """Every index term of a document, title and passages (cached per library version)."""
    tokens = set(tokenize(store.get_document(document_id).title))
    for passage in store.document_passages(document_id):
        tokens.update(tokenize(f"{passage.section_path} {passage.text}"))
    return frozenset(tokens)

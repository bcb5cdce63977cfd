"""The question's documents: which guidelines it is most likely about, and what of them an
ask reads.

Titles close to the question in meaning add their documents and lift their hits; the whole
text of the best-ranked documents is weighed against the question (against its size, under a
case description) and against the population its title names; an ask then also reads the
best document's passages that its own terms cover best, where its search missed them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..library.records import has_title
from ..models import Hit
from ..search.base import Retriever, SearchResult
from ..search.semantic import Semantic
from .evidence import GroupWeights, Tokenize
from .signals import title_population_fit

if TYPE_CHECKING:
    from .retrieve import AskSearch

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
# An ask reads up to this many more passages of the question's best document, the ones its
# own terms cover best, when its search missed them; each scores this share of the ask's best
# hit times its coverage. Fitted on ngc_vignettes_dev.jsonl, where 29 lost facts sat in a
# passage of a source guideline the ask already read: fact recall 0.496 -> 0.526, and
# ngc.jsonl 0.866 -> 0.879; 4 or 8 passages and shares 0.6-1.0 give the same recall, 8 and
# 0.8 the best bottom lines; bundled and the off-domain/absent dev sets unchanged.
SOURCE_PASSAGES = 8
SOURCE_SHARE = 0.8


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


def with_best_source(found: AskSearch, factors: dict[str, float], store, tokenize) -> AskSearch:
    """The ask's hits plus the passages of the question's best document (the one with the
    full factor) that the ask's own terms cover best and its search did not reach: the
    answer is most often in that guideline, in a passage the case's words outranked."""
    if not factors or not SOURCE_PASSAGES:
        return found
    best = max(factors, key=factors.get)
    document = next((h.document for h in found.hits if h.document.id == best), None)
    if document is None:  # the ask does not read that guideline at all
        return found
    have = {h.passage.id for h in found.hits}
    version = store.library_version()
    scored = sorted(
        (
            (found.weights.coverage(tokens), n, passage)
            for n, (passage, tokens) in enumerate(_passage_tokens(store, best, version, tokenize))
            if passage.id not in have
        ),
        key=lambda item: (-item[0], item[1]),
    )[:SOURCE_PASSAGES]
    top = max(h.score for h in found.hits)
    extra = [Hit(p, document, top * SOURCE_SHARE * cov) for cov, _, p in scored if cov > 0]
    if not extra:
        return found
    return replace(found, hits=sorted([*found.hits, *extra], key=lambda h: -h.score))


@lru_cache(maxsize=256)
def _passage_tokens(store, document_id: str, version, tokenize: Tokenize) -> tuple:
    """Each passage of a document with its index terms (cached per library version)."""
    return tuple(
        (p, frozenset(tokenize(f"{p.section_path} {p.text}")))
        for p in store.document_passages(document_id)
    )

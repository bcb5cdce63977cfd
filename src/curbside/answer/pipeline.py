"""The answer pipeline, top to bottom: analyse → retrieve → select evidence → compose → verify
→ article.

>>> article = answer("What dose of hydroxocobalamin for B12 deficiency?", runtime)  # doctest: +SKIP
>>> article.sections[0].bullets[0].citations                                  # doctest: +SKIP
[1]
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from ..errors import BadRequest, QuestionTooLong
from ..runtime import Runtime
from ..search.query import clean_query
from . import articles
from .abstain import abstain_reason, dose_gap, population_gap, unknown_topics
from .analyse import Analysis, analyse
from .article import ABSTAIN_TEXT, Article, BottomLine
from .audience import emergency_notice, for_patients, reading_grade
from .compose import complete_regimen, number
from .engines import Engine, ExtractiveEngine
from .evidence import GroupWeights, candidates, select
from .verify_draft import verify_draft

RETRIEVE_K = 30
STRENGTH_HITS = 10
# A capitalised word inside a sentence that the library never uses: most likely a name.
_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]{2,})\b")
# One limit for the ask form, the API and the engine: a longer question is refused, never cut.
MAX_QUESTION_CHARS = 4000


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
    if not fresh and follow_up_of is None:
        stored = rt.store.find_article(articles.question_key(question), audience)
        if stored is not None:
            return articles.load(rt.store, stored["id"])
    started = time.perf_counter()
    parent = articles.load(rt.store, follow_up_of) if follow_up_of else None

    query = _with_context(question, parent)
    result = rt.retriever.search(query, k=RETRIEVE_K)  # plans the query once, for both uses
    hits, plan = result.hits, result.plan
    analysis = _inherit(analyse(question, plan, rt.retriever.vocab), parent)
    topics = frozenset(e.text for e in analysis.entities if e.type in ("drug", "condition"))
    names = frozenset(
        w.lower() for w in _NAME.findall(question) if not rt.retriever.mentions(w.lower())
    )
    weights = GroupWeights.build(
        plan, rt.retriever.tokenize, rt.retriever.idf_table(), topics, ignore=names
    )
    strength = _best_coverage(hits, weights, rt.retriever.tokenize)
    found = candidates(hits, analysis, weights, rt.retriever.tokenize)

    unknown = unknown_topics(
        question, rt.retriever.vocab, rt.retriever.mentions, corrected=plan.corrections
    )
    reason = abstain_reason(strength, unknown) or (None if found else "No usable evidence.")

    engine = engine or ExtractiveEngine()
    chosen = [] if reason else complete_regimen(select(found), found, analysis)
    reason = (
        reason
        or population_gap(analysis, chosen)
        or dose_gap(analysis, chosen, rt.retriever.tokenize)
    )
    if reason:
        article = _abstention(question, hits, reason)
    else:
        draft, dropped = verify_draft(engine.write(analysis, chosen))
        bottom, sections, references = number(draft)
        article = _article(question, bottom, sections, references, engine.name)
        article.metadata["unsupported_bullets_dropped"] = dropped
        if not sections and not bottom.text:
            article = _abstention(question, hits, "Every candidate statement failed verification.")
    article.metadata.update(_metadata(analysis, strength, started, plan.corrections))
    article.corrections = plan.corrections
    article.emergency_notice = emergency_notice(question)
    article.follow_up_of = parent.id if parent else None
    article.thread_id = parent.thread_id if parent else article.id
    if audience == "patient":
        article = for_patients(article)
    article.metadata["reading_grade"] = reading_grade(_all_text(article))
    if persist:
        article.related_questions = articles.related_questions(rt.store, question, article.id)
        articles.save(rt.store, article, question, rt.store.library_version())
    return article


def _validate(question: str, audience: str) -> str:
    if audience not in ("clinician", "patient"):
        raise BadRequest("audience must be 'clinician' or 'patient'")
    # Counted as typed: a browser sends each line break as CRLF but its text box (and its
    # maxlength) counts one character, so the number in the message is the one the reader sees.
    typed = (question or "").replace("\r\n", "\n").strip()
    if len(typed) > MAX_QUESTION_CHARS:
        raise QuestionTooLong(MAX_QUESTION_CHARS, len(typed))
    question = " ".join(clean_query(typed).split())
    if not question:
        raise BadRequest("The question is empty: type a question, then ask.")
    return question


def _with_context(question: str, parent: Article | None) -> str:
    """A follow-up carries the earlier question's topic into retrieval."""
    if parent is None:
        return question
    topic = parent.metadata.get("topic_terms") or []
    return f"{question} {' '.join(topic)}"


def _inherit(analysis: Analysis, parent: Article | None) -> Analysis:
    if parent is None:
        return analysis
    meta = parent.metadata
    if analysis.intents == ["treatment"] and meta.get("intent"):
        analysis.intent = meta["intent"]
        analysis.intents = list(meta.get("intents") or [meta["intent"]])
    return analysis


def _best_coverage(hits, weights: GroupWeights, tokenize) -> float:
    """How much of the question the best-matching document's retrieved passages cover."""
    per_document: dict[str, set[str]] = {}
    for hit in hits[:STRENGTH_HITS]:
        tokens = per_document.setdefault(hit.document.id, set(tokenize(hit.document.title)))
        tokens.update(tokenize(f"{hit.passage.section_path} {hit.passage.text}"))
    # A document that never names the question's drug or condition does not answer it, however
    # much of the rest of the question it covers ("RSV vaccine" is not "zoster vaccine").
    usable = [frozenset(t) for t in per_document.values() if weights.on_topic(t)]
    return max((weights.coverage(t) for t in usable), default=0.0)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _article(question, bottom, sections, references, engine_name) -> Article:
    article_id = articles.new_id()
    stamp = _now()
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
    stamp = _now()
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


def _metadata(analysis: Analysis, strength: float, started: float, corrections) -> dict:
    return {
        "intent": analysis.intent,
        "intents": analysis.intents,
        "entities": [{"text": e.text, "type": e.type} for e in analysis.entities],
        "topic_terms": analysis.topic_terms,
        "populations": analysis.populations,
        "evidence_strength": round(strength, 3),
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _all_text(article: Article) -> str:
    return " ".join([article.bottom_line.text] + [b.text for b in article.all_bullets()])

"""Related questions, questions built from the library, and an abstention's closest topics:
each only where it shares the answer's concept (topics.py), never by shared words alone.

Stored questions are matched here against every answered question; whoever reads the page
sees only those a reviewer approved (or their own), which the web layer decides
(review/visibility.py). A library-built question comes from a document's own title and
headings ("How is vitamin B12 deficiency diagnosed?" from "Vitamin B12 deficiency" and its
"Diagnosis" section): it holds no visitor's words, so every reader may see it, and it links to
the question box, not to a stored article.
"""

from __future__ import annotations

import re

from ..articles.identity import question_key
from ..articles.model import Article
from ..models import SECTION_SEP
from .abstain import GAP_POPULATIONS
from .topics import Topic, TopicIndex, topic_index

RELATED_LIMIT = 5
# What a document's section heading asks, as a question about the document's subject; the
# first pattern that matches a heading names its question. The intent (analyse.py) each
# answers is left out when the reader just asked it.
HEADING_QUESTIONS: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"diagnos|assessment|investigat|testing|tests\b|screening|recogni", re.I),
        "How is {s} diagnosed?",
        "diagnosis",
    ),
    (
        re.compile(r"maintenance|long[- ]term", re.I),
        "What maintenance treatment is used in {s}?",
        "",
    ),
    (re.compile(r"monitor|follow[- ]?up", re.I), "How should {s} be monitored?", "monitoring"),
    (
        re.compile(r"caution|contraindicat|safety|interaction", re.I),
        "What cautions apply in {s}?",
        "contraindication",
    ),
    (re.compile(r"adverse|side effect", re.I), "What are the adverse effects in {s}?", "adverse"),
    (re.compile(r"pitfall|avoid", re.I), "What pitfalls should be avoided in {s}?", ""),
    (
        re.compile(r"alternative|second[- ]line", re.I),
        "What alternative treatments are there in {s}?",
        "",
    ),
    (re.compile(r"refer|specialist|admission", re.I), "When is referral advised in {s}?", ""),
    (re.compile(r"prevent|prophyla", re.I), "How can {s} be prevented?", "prevention"),
    (
        re.compile(r"treat|management|therapy|first[- ]line|regimen|dosing|doses", re.I),
        "How is {s} treated?",
        "treatment",
    ),
]
# The intents a question about doses or treatment already covers.
_SAME_ASK = {"dose": {"treatment"}, "treatment": {"treatment"}}


def attach(article: Article, rt, query: str, asks, titles: list[str], persist: bool) -> None:
    """Give the article its related questions, or, for an abstention, its closest topics and
    what the library lacks. ``query``: the question with a follow-up's inherited topic;
    ``titles``: the titles of the documents retrieval found, closest first."""
    index = topic_index(rt.retriever, rt.store)
    concepts = answer_concepts(index, query, article)
    if article.abstained:
        article.closest_topics = closest_topics(index, query, titles)
        article.metadata["lacking"] = lacking_parts(asks)
    else:
        article.library_questions = library_questions(rt.store, index, concepts, article)
    if persist:
        article.related_questions = stored_questions(
            rt.articles, index, concepts, article.question, article.id
        )


def for_page(visible: list[str], library: list[str], limit: int = RELATED_LIMIT) -> list[str]:
    """The library-built questions a page lists after the stored ones the reader may see:
    enough to make ``limit`` together, none that repeats a stored one."""
    shown = {question_key(q) for q in visible}
    fresh = [q for q in library if question_key(q) not in shown]
    return fresh[: max(0, limit - len(visible))]


def answer_concepts(index: TopicIndex, text: str, article: Article) -> frozenset[str]:
    """The answer's concept: the library topics its question names, or failing that the
    topic of the document it mainly cites."""
    named = index.concepts(text)
    if named or not article.references:
        return named
    main = index.topic(article.references[0].document_id)
    return main.terms if main else frozenset()


def stored_questions(
    store,
    index: TopicIndex,
    concepts: frozenset[str],
    question: str,
    exclude: str | None = None,
    limit: int = RELATED_LIMIT,
) -> list[str]:
    """Answered questions that share the answer's concept, most shared concepts first, then
    the most recent. Who may see each is decided when the page is shown."""
    if not concepts:
        return []
    seen = {question_key(question)}
    scored = []
    # Questions only, never article bodies: this runs on every ask.
    for order, (article_id, other, key) in enumerate(store.answered_questions()):
        if article_id == exclude or key in seen:
            continue
        shared = len(index.concepts(other) & concepts)
        if shared:
            seen.add(key)
            scored.append((-shared, order, other))
    return [q for _, _, q in sorted(scored)[:limit]]


def heading_questions(topic: Topic, headings: list[str], skip: set[str]) -> list[str]:
    """Questions a document's headings answer, in the document's order, one per kind."""
    if len(topic.subject.split()) > 8:
        return []  # a subject this long reads badly inside a question
    subject = _lower_first(topic.subject)
    out: list[str] = []
    kinds: set[str] = set()
    for heading in headings:
        for pattern, template, intent in HEADING_QUESTIONS:
            if pattern.search(heading):
                if template not in kinds and intent not in skip:
                    kinds.add(template)
                    out.append(template.format(s=subject))
                break
    return out


def library_questions(
    store,
    index: TopicIndex,
    concepts: frozenset[str],
    article: Article,
    limit: int = RELATED_LIMIT,
) -> list[str]:
    """Questions built from the titles and headings of the documents about the answer's
    concept: the documents it cites first, in citation order."""
    if not concepts:
        return []
    cited = [r.document_id for r in article.references]
    topics = sorted(
        index.about(concepts),
        key=lambda t: cited.index(t.document_id) if t.document_id in cited else len(cited),
    )
    intent = article.metadata.get("intent") or ""
    skip = _SAME_ASK.get(intent, {intent})
    asked = question_key(article.question)
    out: list[str] = []
    for topic in topics:
        for question in heading_questions(topic, _headings(store, index, topic.document_id), skip):
            if question_key(question) != asked and question not in out:
                out.append(question)
        if len(out) >= limit:
            break
    return out[:limit]


def _headings(store, index: TopicIndex, document_id: str) -> list[str]:
    """The document's section headings below its own title, in order (kept with the index:
    a document's headings change only with the library version)."""
    if document_id not in index.headings:
        headings: list[str] = []
        for passage in store.document_passages(document_id):
            for part in passage.section_path.split(SECTION_SEP)[1:]:
                if part not in headings:
                    headings.append(part)
        index.headings[document_id] = headings
    return index.headings[document_id]


def _lower_first(subject: str) -> str:
    """ "Vitamin B12 deficiency" reads "vitamin B12 deficiency" in a question; "HIV" stays."""
    if len(subject) > 1 and subject[1].isupper():
        return subject
    return subject[:1].lower() + subject[1:]


def closest_topics(
    index: TopicIndex, question: str, titles: list[str], limit: int = 5
) -> list[str]:
    """The library's topics that share a concept with the question, those retrieval found
    closest first; none rather than unrelated ones."""
    concepts = index.concepts(question)
    if not concepts:
        return []
    about = [t.title for t in index.about(concepts)]
    found = [t for t in dict.fromkeys(titles) if t in about]
    return list(dict.fromkeys(found + about))[:limit]


def lacking_parts(asks) -> list[str]:
    """What the library lacks, in the question's own words, over the unanswered asks (each
    with ``decision``, ``signals`` and ``analysis`` as the pipeline's AskResult has them)."""
    parts: list[str] = []
    for ask in asks:
        signals = ask.signals
        if ask.decision.answer or signals.out_of_scope:
            continue
        if signals.unknown:
            parts += signals.unknown
        elif signals.population_gap:
            gaps = [p for p in ask.analysis.populations if p in GAP_POPULATIONS]
            parts += [f"evidence for {p}" for p in gaps]
        elif signals.dose_gap and ask.analysis.dosed:
            parts.append(f"dosing of {ask.analysis.dosed}")
        else:
            parts += signals.lacking
    return list(dict.fromkeys(parts))

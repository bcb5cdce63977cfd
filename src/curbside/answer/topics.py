"""The library's topics, and which of them a question is about.

A topic is what a document is about: the subject of its title ("Vitamin B12 deficiency" of
"Vitamin B12 deficiency: diagnosis and treatment"), reduced to the terms that name it and
nothing else. A vocabulary concept counts whole and by its preferred name (cyanocobalamin,
hydroxocobalamin and B12 are all "vitamin b12"); a qualified condition counts whole
(concepts.py: "otitis externa" is not "otitis media"); another word counts when the library
uses it rarely and it is not one that any topic's heading might use ("treatment", "adults",
"primary").

Two questions share a concept when they name a term of the same topic. Related questions,
the questions built from the library's headings and an abstention's closest topics all go
by that, never by shared words alone: "What colchicine dose…" shares "dose" with a B12
question and nothing else.
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

from ..search.base import Retriever
from ..search.query import FUNCTION_WORDS
from ..search.vocabulary import surface_tokens
from .compose import CANONICAL
from .concepts import qualified_conditions

# A word names a topic only if at most this IDF says the library rarely uses it (fitted by
# eye on the bundled library's titles: keeps gout 4.4, b12 3.3, fever 3.2, pneumonia 3.6;
# drops infection 2.4, disease 2.1, women 2.2, prevention 2.95, deficiency 2.6).
TOPIC_IDF = 3.0
VOCABULARY_TYPES = ("drug", "condition", "test")
# Words that qualify any topic, so name none ("primary" hypothyroidism and "primary"
# prevention with statins are not one topic).
QUALIFYING_WORDS = frozenset(
    [
        "primary",
        "secondary",
        "acute",
        "chronic",
        "severe",
        "mild",
        "moderate",
        "uncomplicated",
        "complicated",
        "adult",
        "adults",
        "child",
        "children",
        "infant",
        "infants",
        "women",
        "men",
        "older",
        "elderly",
        "patients",
        "people",
        "lower",
        "upper",
        "low",
        "high",
        "early",
        "late",
        "new",
        "first",
        "second",
        "post",
        "pre",
        "guideline",
        "guidelines",
        "recommendations",
        "clinical",
        "practice",
        "disease",
        "disorder",
        "syndrome",
    ]
)
# Leading words of a title that are not its subject: "Diagnosis and management of asthma".
_TITLE_LEAD = re.compile(
    r"^(?:(?:the|clinical|practice|guidelines?|recommendations?|diagnosis|management|"
    r"treatment|prevention|assessment|screening|care|evaluation|and|,|&)\s*)+\s*(?:of|for|in)\s+",
    re.I,
)
MAX_SUBJECT_WORDS = 8


@dataclass(frozen=True)
class Topic:
    document_id: str
    title: str
    subject: str  # "Vitamin B12 deficiency"
    terms: frozenset[str]


def subject_of(title: str) -> str:
    """The part of a title that names what the document is about."""
    subject = title.split(":", 1)[0].strip()
    return _TITLE_LEAD.sub("", subject).strip() or subject


@dataclass
class TopicIndex:
    """Every current document's topic, and the terms a text names."""

    retriever: Retriever
    topics: list[Topic] = field(default_factory=list)
    _known: frozenset[str] = frozenset()
    _cache: dict[str, frozenset[str]] = field(default_factory=dict)
    headings: dict[str, list[str]] = field(default_factory=dict)  # filled by related.py
    _words: dict[str, list[str]] = field(default_factory=dict)
    _idf: Any = None  # one IDF table for the index's library version

    @classmethod
    def build(cls, retriever: Retriever, titles: list[tuple[str, str]]) -> TopicIndex:
        index = cls(retriever)
        for document_id, title in titles:
            subject = subject_of(title)
            terms = index.terms(subject)
            if terms:
                index.topics.append(Topic(document_id, title, subject, terms))
        index._known = frozenset(t for topic in index.topics for t in topic.terms)
        return index

    def terms(self, text: str) -> frozenset[str]:
        """The terms of a text that could name a topic (whether or not the library has one)."""
        tokens = surface_tokens(text)
        used: set[int] = set()
        out: list[str] = []

        def take(start: int, size: int, term: str) -> None:
            used.update(range(start, start + size))
            out.append(term)

        for concept in qualified_conditions(text):
            words = concept.phrase.split()
            for i in range(len(tokens) - len(words) + 1):
                if tokens[i : i + len(words)] == words:
                    take(i, len(words), concept.phrase)
        vocab = self.retriever.lexical.vocab
        for size in range(vocab.max_phrase, 0, -1):
            for i in range(len(tokens) - size + 1):
                phrase = " ".join(tokens[i : i + size])  # already in the vocabulary's form
                kind = vocab.types.get(phrase) or vocab.lexicon.get(phrase)
                if kind in VOCABULARY_TYPES and not used.intersection(range(i, i + size)):
                    take(i, size, vocab.preferred.get(phrase, phrase))
        for i, word in enumerate(tokens):
            if i not in used:
                out += self._word_terms(word)
        return frozenset(out)

    def _word_terms(self, word: str) -> list[str]:
        """A word's index stems that could name a topic (cached: questions repeat words)."""
        if word not in self._words:
            self._words[word] = []
            if not (
                word in FUNCTION_WORDS or word in QUALIFYING_WORDS or len(word) < 3
            ) and not any(
                pattern.search(word) for _, pattern in CANONICAL
            ):  # not a word any section heading uses: "diagnosis", "monitoring"
                idf = self._idf or self.retriever.lexical.idf_table()
                self._idf = idf
                stems = self.retriever.lexical.tokenize(word)
                self._words[word] = [s for s in stems if idf(s) >= TOPIC_IDF]
        return self._words[word]

    def concepts(self, text: str) -> frozenset[str]:
        """The terms of a text that name one of the library's topics."""
        if text not in self._cache:
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache[text] = self.terms(text) & self._known
        return self._cache[text]

    def about(self, concepts: frozenset[str]) -> list[Topic]:
        """The topics that share a concept with these, most shared first, in library order."""
        scored = [(len(t.terms & concepts), n, t) for n, t in enumerate(self.topics)]
        return [t for shared, _, t in sorted(scored, key=lambda s: (-s[0], s[1])) if shared]

    def topic(self, document_id: str) -> Topic | None:
        return next((t for t in self.topics if t.document_id == document_id), None)


# One index per store, for the library version it was built from.
_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def topic_index(retriever: Retriever, store) -> TopicIndex:
    """The topic index of the library as it stands (built once per library version)."""
    version = store.library_version()
    with _LOCK:
        built = _INDEXES.get(store)
    if built is None or built[0] != version:
        built = (version, TopicIndex.build(retriever, store.document_titles()))
        with _LOCK:
            _INDEXES[store] = built
    return built[1]

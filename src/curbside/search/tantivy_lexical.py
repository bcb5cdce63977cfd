"""The library's words as a tantivy index holds them: the lexical helpers the answer
pipeline needs beside ranked search (its terms, their rarity, which words it holds, the
closest word it holds to a misspelt one)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

import tantivy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..store.base import Store
from .vocabulary import Vocabulary

_SENTENCE_START = re.compile(r"(^|[.?!:]\s*|\n\s*[-*]?\s*)$")


class IdfTable:
    """Inverse document frequencies of body terms, from one searcher's view of the index."""

    def __init__(self, searcher: tantivy.Searcher):
        self.searcher = searcher
        self.n = max(1, searcher.num_docs)
        self.cache: dict[str, float] = {}

    def __call__(self, token: str) -> float:
        if token not in self.cache:
            df = self.searcher.doc_freq("body", token)
            self.cache[token] = math.log(1 + (self.n - df + 0.5) / (df + 0.5))
        return self.cache[token]


class TantivyLexical:
    """The Lexical helpers of a tantivy index (see ``search.base.Lexical``)."""

    def __init__(
        self,
        vocab: Vocabulary,
        analyzer: tantivy.TextAnalyzer,
        schema: tantivy.Schema,
        searcher: Callable[[], tantivy.Searcher],
        store: Store,
    ):
        self.vocab = vocab
        self.analyzer = analyzer
        self.schema = schema
        self._searcher = searcher
        self.store = store
        # The same passages are tokenised by every ask of a question and by later questions.
        self._analyze = lru_cache(maxsize=50_000)(lambda text: tuple(self.analyzer.analyze(text)))

    def tokenize(self, text: str) -> list[str]:
        """Index terms of a text, exactly as the body field indexes them (a copy: callers
        may change it)."""
        return list(self._analyze(text))

    def mentions(self, text: str) -> bool:
        """Whether the library holds every word of ``text`` (by its stem)."""
        searcher = self._searcher()
        stems = self.tokenize(text)
        return bool(stems) and all(searcher.doc_freq("body", s) > 0 for s in stems)

    def idf_table(self) -> IdfTable:
        return IdfTable(self._searcher())

    def spell(self, token: str) -> str | None:
        """The library's own word closest to a word it does not hold, if one is close enough.

        Candidates are the index's stems (no second, unstemmed copy of the text is indexed);
        the correction shown is the word as it is written in a passage holding that stem.
        """
        stems = self.tokenize(token)
        if len(stems) != 1:
            return None
        searcher = self._searcher()
        stem = stems[0]
        if searcher.doc_freq("body", stem) > 0:
            return None
        counts = dict(searcher.terms_with_prefix("body", stem[:2]))
        # Two edits turn short words into other words ("lavender" -> "land"): only long
        # words may be two edits away from the library's spelling ("phaeochromocytoma").
        limit = 1 if len(stem) < 8 else 2
        close = process.extract(stem, list(counts), scorer=fuzz.ratio, limit=10, score_cutoff=70)
        scored = sorted(
            (Levenshtein.distance(stem, cand), -counts[cand], cand)
            for cand, _, _ in close
            if cand.isalpha()
        )
        if not scored or scored[0][0] > limit:
            return None
        return self._surface(scored[0][2])

    def _surface(self, stem: str) -> str | None:
        searcher = self._searcher()
        query = tantivy.Query.term_query(self.schema, "body", stem, index_option="freq")
        hits = searcher.search(query, limit=1, count=False).hits
        if not hits:
            return None
        pid = searcher.doc(hits[0][1])["passage_id"][0]
        found = self.store.get_passages([pid]).get(pid)
        text = found[0].text if found else ""
        words = [m for m in re.finditer(r"[A-Za-z]+", text) if self.tokenize(m.group()) == [stem]]
        # Capitalised every time, and not only where a sentence starts, it is a name (an
        # author, a place), not a word to correct a question into ("robaxin" is not "Robbins").
        starts = [bool(_SENTENCE_START.search(text[: m.start()])) for m in words]
        if not words or (all(m.group()[0].isupper() for m in words) and not all(starts)):
            return None
        return words[0].group().lower()

    def doc_freq(self, stem: str) -> int:
        """How many passages hold this index term."""
        return self._searcher().doc_freq("body", stem)

"""A library seen as if some of its documents were not in it.

It makes unanswerable questions from answerable ones without writing anything: leave out the
documents that answer a question, and the question has nothing left to be answered from
(``curbside eval abstention``). Both ways the answer pipeline finds documents are covered: the
lexical retriever (``WithoutDocuments``) and the semantic title search (``SemanticWithout``);
``library_without`` swaps both into a Runtime and back.

>>> with library_without(rt, {"3f2a9c0d1e4b5a67"}):  # doctest: +SKIP
...     article = answer(question, rt, fresh=True, persist=False)
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from .base import SearchResult

# tantivy_index.search_ids never returns more than this, so asking for more is pointless.
MAX_DEPTH = 1000


class WithoutDocuments:
    """The wrapped retriever's view of the library minus ``exclude_document_ids``.

    What it removes exactly:

    * ``search`` drops the excluded documents' passages and asks the wrapped retriever for
      more hits until ``k`` remain (or the library has no more).
    * ``lexical.mentions`` counts a word only if some passage outside the excluded documents
      holds it, so "the library does not mention X" fires as it would were the documents never
      ingested.

    Known differences from a library that never held them (the wrapped index is shared, not
    rebuilt, so one library serves every question):

    * ``lexical.idf_table`` still counts the excluded passages. A word held mostly by them keeps the
      lower weight it has in the full library, so what is left covers the question a little
      better than it would in a library without them: the unanswerable example looks
      slightly more answerable (pessimistic for the abstention measure).
    * ``lexical.spell`` still knows their words: a word only they hold is not corrected to another
      library word, where a rebuilt library might correct it (rare; either way).
    * The ranking scores of the remaining hits use BM25 statistics that include them.
    """

    def __init__(
        self, retriever: Any, exclude_document_ids: Iterable[str], store: Any = None
    ) -> None:
        self.inner = retriever
        self.exclude = frozenset(exclude_document_ids)
        # The store the excluded passages are read from; a TantivyRetriever carries its own.
        store = store if store is not None else getattr(retriever, "store", None)
        self.lexical = LexicalWithout(retriever.lexical, self.exclude, store)

    # ---- what is filtered ----------------------------------------------------------------
    def search(self, text: str, k: int = 10) -> SearchResult:
        started = time.perf_counter()
        # Each excluded document usually has a few passages among the hits at most; start
        # with a margin for that and double only when the margin was eaten.
        want = min(MAX_DEPTH, k + max(10, 2 * len(self.exclude)))
        while True:
            result = self.inner.search(text, k=want)
            kept = [h for h in result.hits if h.document.id not in self.exclude]
            if len(kept) >= k or len(result.hits) < want or want >= MAX_DEPTH:
                break
            want = min(MAX_DEPTH, want * 2)
        return SearchResult(
            hits=kept[:k], plan=result.plan, took_ms=(time.perf_counter() - started) * 1000
        )

    # ---- delegated unchanged (see the class docstring for what that costs) ---------------
    def plan(self, text: str):
        return self.inner.plan(text)

    def search_ids(self, plan, k: int = 10) -> list[tuple[str, float]]:
        # Only eval/retrieval reads ranked ids straight from the index, never over a filter.
        raise NotImplementedError("search_ids is not filtered; use search")

    def sync(self, commit: bool = True, known=None) -> int:
        return self.inner.sync(commit, known)

    def release(self) -> None:
        self.inner.release()

    def close(self) -> None:
        self.inner.close()


class LexicalWithout:
    """The wrapped lexical helpers, where a word counts as mentioned only if some passage outside
    the excluded documents holds it (see ``WithoutDocuments``)."""

    def __init__(self, inner: Any, exclude: frozenset[str], store: Any) -> None:
        self.inner = inner
        self.exclude = exclude
        self.store = store
        self._excluded_df: Counter[str] | None = None

    @property
    def vocab(self):
        return self.inner.vocab

    def mentions(self, text: str) -> bool:
        excluded = self._excluded_frequencies()
        if not excluded:
            return self.inner.mentions(text)
        stems = self.tokenize(text)
        # The index's document frequency counts passages (body field): the word is still in
        # the library if more passages hold it than the excluded documents account for.
        return bool(stems) and all(self.inner.doc_freq(s) > excluded[s] for s in stems)

    def doc_freq(self, term: str) -> int:
        return self.inner.doc_freq(term) - self._excluded_frequencies()[term]

    def _excluded_frequencies(self) -> Counter[str]:
        if self._excluded_df is None:
            counts: Counter[str] = Counter()
            if self.store is not None:
                for document_id in self.exclude:
                    for passage in self.store.document_passages(document_id):
                        if not passage.retired:
                            counts.update(set(self.tokenize(passage.text)))
            self._excluded_df = counts
        return self._excluded_df

    def tokenize(self, text: str) -> list[str]:
        return self.inner.tokenize(text)

    def idf_table(self):
        return self.inner.idf_table()

    def spell(self, token: str) -> str | None:
        return self.inner.spell(token)


class SemanticWithout:
    """The runtime's semantic search minus ``exclude_document_ids``: the nearest titles never
    name an excluded document. Title similarity of documents that were found (``closest_title``)
    is delegated unchanged, since only documents that survived the retriever reach it.

    Delegation is explicit, here as in ``WithoutDocuments``: a method added to ``Semantic`` that
    finds documents must be filtered here, and an AttributeError says so rather than letting
    the removed documents back in unnoticed.
    """

    def __init__(self, semantic: Any, exclude_document_ids: Iterable[str]) -> None:
        self.inner = semantic
        self.exclude = frozenset(exclude_document_ids)

    def nearest_documents(
        self, vector: Any, version: int, documents: Callable[[], list[tuple[str, str]]], k: int
    ) -> list[tuple[str, float]]:
        # Ask for enough that k remain even if every excluded document was among the nearest.
        found = self.inner.nearest_documents(vector, version, documents, k + len(self.exclude))
        return [(doc, cos) for doc, cos in found if doc not in self.exclude][:k]

    def encode(self, text: str) -> Any:
        return self.inner.encode(text)

    def closest_title(self, vector: Any, titles: Any) -> float:
        return self.inner.closest_title(vector, titles)

    def looks_technical(self, word: str) -> bool:
        return self.inner.looks_technical(word)

    @property
    def embedder(self) -> Any:
        return self.inner.embedder

    @property
    def titles(self) -> Any:
        return self.inner.titles


@contextmanager
def library_without(rt: Any, exclude_document_ids: Iterable[str]) -> Iterator[Any]:
    """``rt`` answers as if the documents were not in the library, until the block ends."""
    exclude = frozenset(exclude_document_ids)
    retriever, semantic = rt.retriever, rt.semantic
    rt.retriever = WithoutDocuments(retriever, exclude, store=rt.store)
    if semantic is not None:
        rt.semantic = SemanticWithout(semantic, exclude)
    try:
        yield rt
    finally:
        rt.retriever, rt.semantic = retriever, semantic

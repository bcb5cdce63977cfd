"""The protocols every search backend implements: a Retriever, and the Lexicon beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..models import Hit
from .query import QueryPlan
from .vocabulary import Vocabulary


@dataclass
class SearchResult:
    hits: list[Hit]
    plan: QueryPlan
    took_ms: float = 0.0

    @property
    def corrections(self) -> dict[str, str]:
        return self.plan.corrections

    def as_json(self, query: str, missing_concepts: list[str] | None = None) -> dict:
        """The one JSON shape of a search (``curbside search --json`` and ``/api/search``).
        ``missing_concepts``: what the query names that the library never does."""
        return {
            "query": query,
            "corrections": self.corrections,
            "missing_concepts": list(missing_concepts or []),
            "took_ms": round(self.took_ms, 2),
            "hits": [
                {
                    "rank": rank,
                    "score": round(hit.score, 4),
                    "passage_id": hit.passage.id,
                    "document_id": hit.document.id,
                    "title": hit.document.title,
                    "publisher": hit.document.publisher,
                    "year": hit.document.year,
                    "kind": hit.document.kind,
                    "section": hit.passage.section_path,
                    "text": hit.passage.text,
                    "link": f"/library/{hit.document.id}#{hit.passage.id}",
                }
                for rank, hit in enumerate(self.hits, 1)
            ],
        }


class Lexical(Protocol):
    """The library's words as the index holds them: what the answer pipeline measures a
    question against, beside ranked search."""

    vocab: Vocabulary

    def tokenize(self, text: str) -> list[str]:
        """Index terms of a text, exactly as passages are indexed (a fresh list)."""
        ...

    def mentions(self, text: str) -> bool:
        """Whether the library holds every word of ``text`` (by its index term)."""
        ...

    def idf_table(self) -> Callable[[str], float]:
        """Inverse document frequency of an index term, over one consistent view."""
        ...

    def doc_freq(self, term: str) -> int:
        """How many passages hold this index term."""
        ...

    def spell(self, token: str) -> str | None:
        """The library's own word closest to one it does not hold, if close enough."""
        ...


class Retriever(Protocol):
    """Ranked passages for a question, kept in step with the Store's index log.

    >>> retriever.search("cyanocobalamin dose pernicious anaemia", k=3)  # doctest: +SKIP
    """

    lexical: Lexical

    def search(self, text: str, k: int = 10) -> SearchResult:
        """The best ``k`` passages for a question, with the plan it was read as."""
        ...

    def plan(self, text: str) -> QueryPlan:
        """How a question is read: term groups, synonyms, corrections."""
        ...

    def search_ids(self, plan: QueryPlan, k: int = 10) -> list[tuple[str, float]]:
        """(passage id, score) for a plan, best first, without reading the passages."""
        ...

    def sync(
        self, commit: bool = True, known: dict[str, tuple[str, str, str]] | None = None
    ) -> int:
        """Apply the Store's index log; ``known`` holds passages the caller just stored."""
        ...

    def release(self) -> None:
        """Let go of anything that stops another process from writing the index."""
        ...

    def close(self) -> None:
        """Commit what is pending and let go of the index."""
        ...

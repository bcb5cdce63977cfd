"""The Retriever protocol that every search backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..models import Hit
from .query import QueryPlan


@dataclass
class SearchResult:
    hits: list[Hit]
    plan: QueryPlan
    took_ms: float = 0.0

    @property
    def corrections(self) -> dict[str, str]:
        return self.plan.corrections


class Retriever(Protocol):
    """Ranked passages for a question.

    >>> retriever.search("cyanocobalamin dose pernicious anaemia", k=3)  # doctest: +SKIP
    """

    def search(self, text: str, k: int = 10) -> SearchResult: ...
    def sync(self) -> int: ...
    def close(self) -> None: ...

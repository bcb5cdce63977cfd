"""Search: the Retriever protocol, the vocabulary layer, and the tantivy backend."""

from .base import Retriever, SearchResult

__all__ = ["Retriever", "SearchResult"]

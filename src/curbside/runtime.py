"""Wiring: settings in, an open store and retriever out. The CLI and the web app share it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .articles.store import ArticleStore
from .errors import SearchError
from .search.base import Retriever
from .search.semantic import Semantic, open_semantic
from .settings import Settings
from .store.base import Store


@dataclass
class Runtime:
    settings: Settings
    store: Store
    retriever: Retriever
    semantic: Semantic | None = None  # None when the embedding model is not installed

    @property
    def articles(self) -> ArticleStore:
        return self.store.articles

    def needs_bundled_library(self) -> bool:
        """A new install: nothing was ever ingested, so the bundled library is loaded first.
        (A library emptied on purpose has a version above 0 and stays empty.)"""
        return self.store.stats()["documents"] == 0 and not self.store.library_version()

    def close(self) -> None:
        self.retriever.close()
        self.store.close()


def open_runtime(settings: Settings | None = None, sync: bool = True) -> Runtime:
    from .search.tantivy_index import TantivyRetriever
    from .store.sql import open_store

    settings = settings or Settings()
    store = open_store(settings)
    retriever = TantivyRetriever(store, settings.index_dir)
    if sync:
        # Another process may hold the writer; it brings the index up to date itself.
        with contextlib.suppress(SearchError):
            retriever.sync()
            retriever.release()  # taken again, lazily, only by whoever writes next
    return Runtime(settings, store, retriever, open_semantic(settings.index_dir))

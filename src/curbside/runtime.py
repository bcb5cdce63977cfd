"""Wiring: settings in, an open store and retriever out. The CLI and the web app share it."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from .errors import SearchError
from .search.semantic import Semantic, open_semantic
from .search.tantivy_index import TantivyRetriever
from .settings import Settings
from .store.sql import SQLStore, open_store


@dataclass
class Runtime:
    settings: Settings
    store: SQLStore
    retriever: TantivyRetriever
    semantic: Semantic | None = None  # None when the embedding model is not installed

    def close(self) -> None:
        self.retriever.close()
        self.store.engine.dispose()


def open_runtime(settings: Settings | None = None, sync: bool = True) -> Runtime:
    settings = settings or Settings()
    store = open_store(settings)
    retriever = TantivyRetriever(store, settings.index_dir)
    if sync:
        # Another process may hold the writer; it brings the index up to date itself.
        with contextlib.suppress(SearchError):
            retriever.sync()
            retriever.release()  # taken again, lazily, only by whoever writes next
    return Runtime(settings, store, retriever, open_semantic(settings.index_dir))

"""The Store and ArticleStore conformance suites on the SQL store, on every backend."""

from __future__ import annotations

import pytest

from curbside.store.sql import open_store

from ..conformance.articles import ArticleStoreConformance
from ..conformance.store import StoreConformance


@pytest.fixture
def store(settings):
    """A store with nothing else attached: no search index follows its log."""
    opened = open_store(settings)
    yield opened
    opened.close()


class TestSQLStore(StoreConformance, ArticleStoreConformance):
    pass

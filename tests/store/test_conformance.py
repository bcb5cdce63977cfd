"""The Store and ArticleStore conformance suites on the SQL store."""

from __future__ import annotations

import pytest

from ..conformance.articles import ArticleStoreConformance
from ..conformance.store import StoreConformance


@pytest.fixture
def store(runtime):
    return runtime.store


class TestSQLStore(StoreConformance, ArticleStoreConformance):
    pass

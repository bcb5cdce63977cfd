"""The Retriever conformance suite on the tantivy retriever."""

from __future__ import annotations

import pytest

from ..conformance.retriever import RetrieverConformance


@pytest.fixture
def rt(runtime):
    return runtime


class TestTantivyRetriever(RetrieverConformance):
    pass

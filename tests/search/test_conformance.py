"""The Retriever conformance suite on the tantivy retriever."""

from __future__ import annotations

import pytest

from ..backends import BACKENDS
from ..conformance.retriever import RetrieverConformance


@pytest.fixture
def rt(runtime):
    return runtime


class TestTantivyRetriever(RetrieverConformance):
    pass


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param

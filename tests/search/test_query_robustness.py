"""Any text a user types is a safe query: nothing raises, nothing is parsed as syntax."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings

from curbside.library.ingest import ingest
from curbside.runtime import Runtime, open_runtime
from curbside.search.query import MAX_QUERY_CHARS, clean_query
from curbside.settings import Settings

from ..strategies import user_text

GUIDE = """# Atrial fibrillation

## Anticoagulation
Offer apixaban 5 mg twice daily (2.5 mg if two of: age >= 80, weight <= 60 kg, creatinine
>= 133 micromol/L). Title: "stroke prevention" AND bleeding risk OR renal function.
"""


@pytest.fixture(scope="module")
def rt(tmp_path_factory) -> Iterator[Runtime]:
    root: Path = tmp_path_factory.mktemp("robust")
    (root / "af.md").write_text(GUIDE)
    runtime = open_runtime(Settings(home=root / "home", database_url=None))
    ingest([root / "af.md"], runtime.store, runtime.retriever)
    yield runtime
    runtime.close()


QUERY_TEXT = user_text(["apixaban", "AF", "B12"])


@settings(max_examples=200, deadline=None, database=None)
@given(QUERY_TEXT)
@example('title:"apixaban" AND (renal OR')
@example("*")
@example("")
@example("\x00" * 50)
@example("apixaban \udcff")  # argv bytes that are not UTF-8 arrive as lone surrogates
@example("apixaban^100 ~2 [a TO z] {x} \\")
def test_no_query_string_raises(rt, text):
    result = rt.retriever.search(text, k=5)
    assert result.took_ms >= 0
    for hit in result.hits:
        assert hit.passage.text


def test_operators_are_words_not_syntax(rt):
    hits = rt.retriever.search('title:"apixaban" AND (renal OR', k=5).hits
    assert hits and "apixaban" in hits[0].passage.text


def test_a_100_kb_query_returns_without_error(rt):
    text = ("apixaban dose in renal impairment with atrial fibrillation " * 2000)[:100_000]
    assert len(text) == 100_000
    result = rt.retriever.search(text, k=10)
    assert result.hits and len(result.plan.text) == MAX_QUERY_CHARS


def test_100_kb_of_random_text_returns_without_error(rt):
    import random

    rng = random.Random(3)
    text = "".join(
        chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x2FFF)]))
        for _ in range(100_000)
    )
    rt.retriever.search(text, k=10)


def test_cleaned_queries_hold_no_control_characters():
    cleaned = clean_query("apixaban\x00\x1b[31m\ndose\u200b")
    assert all(ch.isprintable() for ch in cleaned)
    assert "apixaban" in cleaned and "dose" in cleaned


@pytest.mark.parametrize("k", [1, 3, 1000])
def test_k_bounds_the_number_of_hits(rt, k):
    assert len(rt.retriever.search("apixaban", k=k).hits) <= k

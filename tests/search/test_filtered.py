"""WithoutDocuments: a real library, searched as if some of its documents were not there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curbside.runtime import Runtime
from curbside.search.filtered import WithoutDocuments


def _records(tmp_path: Path) -> Path:
    # Twelve documents share "metformin"; only d0 and d1 mention "lactic acidosis".
    rows = [
        {"_id": f"d{i}", "title": f"Metformin note {i}", "text": f"Metformin dosing point {i}."}
        for i in range(12)
    ]
    rows[0]["text"] = "Metformin rarely causes lactic acidosis in kidney failure."
    rows[1]["text"] = "Stop metformin if lactic acidosis is suspected."
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def library(runtime: Runtime, load, tmp_path: Path) -> dict[str, str]:
    report = load(_records(tmp_path), map_spec="id=_id,title=title,text=text", kind="review")
    assert not report.failed
    ids = {}
    for batch in runtime.store.iter_current_passages():
        for _passage, document in runtime.store.get_passages([p.id for p in batch]).values():
            ids[document.key.rsplit("#", 1)[1]] = document.id
    return ids


def test_search_leaves_out_the_excluded_documents_and_keeps_k(runtime: Runtime, library):
    full = runtime.retriever.search("metformin", k=5)
    assert len(full.hits) == 5
    top = {h.document.id for h in full.hits[:3]}
    filtered = WithoutDocuments(runtime.retriever, top)
    result = filtered.search("metformin", k=5)
    assert len(result.hits) == 5  # asked for more, so k still come back
    assert not top & {h.document.id for h in result.hits}
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_search_returns_what_is_left_when_the_library_runs_out(runtime: Runtime, library):
    gone = {library["d0"], library["d1"]}
    result = WithoutDocuments(runtime.retriever, gone).search("lactic acidosis", k=10)
    assert all(h.document.id not in gone for h in result.hits)
    assert not any("acidosis" in h.passage.text for h in result.hits)


def test_excluding_many_documents_still_fills_k(runtime: Runtime, library):
    gone = {library[f"d{i}"] for i in range(9)}
    result = WithoutDocuments(runtime.retriever, gone).search("metformin", k=3)
    assert sorted(h.document.id for h in result.hits) == sorted(
        library[f"d{i}"] for i in range(9, 12)
    )


def test_mentions_forgets_words_only_the_excluded_documents_hold(runtime: Runtime, library):
    assert runtime.retriever.mentions("acidosis")
    one_left = WithoutDocuments(runtime.retriever, {library["d0"]})
    assert one_left.mentions("acidosis")  # d1 still holds it
    none_left = WithoutDocuments(runtime.retriever, {library["d0"], library["d1"]})
    assert not none_left.mentions("acidosis")
    assert not none_left.mentions("lactic acidosis")
    assert none_left.mentions("metformin")


def test_everything_else_is_delegated(runtime: Runtime, library):
    filtered = WithoutDocuments(runtime.retriever, {library["d0"]})
    assert filtered.vocab is runtime.retriever.vocab
    assert filtered.tokenize("Dosing points") == runtime.retriever.tokenize("Dosing points")
    assert filtered.idf_table()("metformin") == runtime.retriever.idf_table()("metformin")
    assert filtered.spell("metformn") == runtime.retriever.spell("metformn")
    assert filtered.store is runtime.store


def test_an_answer_over_the_filtered_library_cites_none_of_the_excluded(runtime: Runtime, library):
    from curbside.answer.pipeline import answer

    gone = {library["d0"], library["d1"]}
    runtime.retriever = WithoutDocuments(runtime.retriever, gone)
    article = answer("Does metformin cause lactic acidosis?", runtime, fresh=True, persist=False)
    assert not gone & {r.document_id for r in article.references}

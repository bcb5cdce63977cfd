"""WithoutDocuments: a real library, searched as if some of its documents were not there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curbside.runtime import Runtime
from curbside.search.filtered import SemanticWithout, WithoutDocuments, library_without


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
    assert runtime.retriever.lexical.mentions("acidosis")
    one_left = WithoutDocuments(runtime.retriever, {library["d0"]})
    assert one_left.lexical.mentions("acidosis")  # d1 still holds it
    none_left = WithoutDocuments(runtime.retriever, {library["d0"], library["d1"]})
    assert not none_left.lexical.mentions("acidosis")
    assert not none_left.lexical.mentions("lactic acidosis")
    assert none_left.lexical.mentions("metformin")


def test_everything_else_is_delegated(runtime: Runtime, library):
    filtered = WithoutDocuments(runtime.retriever, {library["d0"]})
    assert filtered.lexical.vocab is runtime.retriever.lexical.vocab
    assert filtered.lexical.tokenize("Dosing points") == runtime.retriever.lexical.tokenize(
        "Dosing points"
    )
    assert filtered.lexical.idf_table()("metformin") == runtime.retriever.lexical.idf_table()(
        "metformin"
    )
    assert filtered.lexical.spell("metformn") == runtime.retriever.lexical.spell("metformn")
    assert filtered.lexical.store is runtime.store


def test_an_answer_over_the_filtered_library_cites_none_of_the_excluded(runtime: Runtime, library):
    from curbside.answer.pipeline import answer

    gone = {library["d0"], library["d1"]}
    runtime.retriever = WithoutDocuments(runtime.retriever, gone)
    article = answer("Does metformin cause lactic acidosis?", runtime, fresh=True, persist=False)
    assert not gone & {r.document_id for r in article.references}


class _Nearest:
    """A stand-in for the semantic search: always the same nearest documents."""

    def __init__(self, found):
        self.found = found
        self.asked: list[int] = []

    def nearest_documents(self, vector, version, documents, k):
        self.asked.append(k)
        return self.found[:k]


def test_semantic_search_leaves_out_the_excluded_documents_and_keeps_k():
    inner = _Nearest([("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6)])
    semantic = SemanticWithout(inner, {"a", "c"})
    assert semantic.nearest_documents(None, 1, list, 2) == [("b", 0.8), ("d", 0.6)]
    assert inner.asked == [4]  # k plus one per excluded document


def test_library_without_swaps_both_searches_and_restores_them(runtime: Runtime, library):
    retriever, semantic = runtime.retriever, runtime.semantic
    with library_without(runtime, {library["d0"]}) as rt:
        assert isinstance(rt.retriever, WithoutDocuments)
        assert rt.retriever.exclude == {library["d0"]}
        if semantic is not None:
            assert isinstance(rt.semantic, SemanticWithout)
    assert runtime.retriever is retriever and runtime.semantic is semantic


def test_a_document_found_only_by_meaning_stays_out(runtime: Runtime, load, tmp_path: Path):
    if runtime.semantic is None:
        pytest.skip("the embedding model is not installed")
    from curbside.answer.documents import with_semantic
    from curbside.answer.pipeline import answer

    rows = [
        ("reflux", "Heartburn and acid reflux", "Antacids or omeprazole relieve the symptoms."),
        ("gout", "Gout", "Colchicine treats an acute gout flare."),
        ("asthma", "Asthma", "Inhaled corticosteroids control persistent asthma."),
    ]
    path = tmp_path / "meaning.jsonl"
    path.write_text(
        "".join(json.dumps({"_id": i, "title": t, "text": x}) + "\n" for i, t, x in rows)
    )
    load(path, map_spec="id=_id,title=title,text=text", kind="review")
    documents = runtime.store.document_titles()
    runtime.semantic.titles.refresh([title for _, title in documents])
    reflux = next(doc for doc, title in documents if title == "Heartburn and acid reflux")
    question = "A burning feeling in my chest after meals: what can I take?"
    vector = runtime.semantic.encode(question)
    version = runtime.store.library_version()
    nearest = runtime.semantic.nearest_documents(vector, version, runtime.store.document_titles, 1)
    assert nearest[0][0] == reflux  # found by meaning: the question shares no word with it
    # The pipeline's semantic step adds the passages of documents near in meaning ...
    whole = with_semantic(
        runtime.retriever.search(question, k=30),
        vector,
        runtime.semantic,
        runtime.store,
        runtime.retriever,
    )
    assert reflux in {h.document.id for h in whole.hits}
    with library_without(runtime, {reflux}) as rt:
        found = rt.semantic.nearest_documents(vector, version, rt.store.document_titles, 1)
        assert reflux not in {doc for doc, _ in found}
        # ... but not of a document left out.
        whole = with_semantic(
            rt.retriever.search(question, k=30), vector, rt.semantic, rt.store, rt.retriever
        )
        assert reflux not in {h.document.id for h in whole.hits}
        article = answer(question, rt, fresh=True, persist=False)
    assert reflux not in {r.document_id for r in article.references}

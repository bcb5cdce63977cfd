"""library_version counts committed changes: one per new, updated or removed document."""

from __future__ import annotations

from curbside.library.chunking import chunk_sections
from curbside.library.textutil import sha256
from curbside.models import ParsedDocument, Section


def _parsed(key: str, text: str) -> ParsedDocument:
    return ParsedDocument(
        key=key,
        title=key.title(),
        sections=[Section((key.title(),), text)],
        content_hash=sha256(text),
        source_path=f"/library/{key}.md",
    )


def _put(store, key: str, text: str) -> str:
    parsed = _parsed(key, text)
    return store.replace_document(parsed, chunk_sections(parsed.sections))[1]


def test_a_new_store_is_at_version_zero(runtime):
    assert runtime.store.library_version() == 0
    assert runtime.store.stats()["library_version"] == 0


def test_library_version_increments_once_per_change(runtime):
    store = runtime.store
    assert _put(store, "gout", "Offer colchicine.") == "new"
    assert store.library_version() == 1
    assert _put(store, "migraine", "Offer a triptan.") == "new"
    assert store.library_version() == 2
    assert _put(store, "gout", "Offer colchicine.") == "unchanged"
    assert store.library_version() == 2
    assert _put(store, "gout", "Offer colchicine or an NSAID.") == "updated"
    assert store.library_version() == 3
    assert store.remove_document("gout") is not None
    assert store.library_version() == 4
    assert store.remove_document("gout") is None
    assert store.library_version() == 4


def test_each_change_writes_its_passages_to_the_index_log(runtime):
    store = runtime.store
    start = store.last_log_seq()
    _put(store, "gout", "Offer colchicine. Rest the joint.")
    [doc] = store.list_documents()
    adds = store.index_log_after(start)
    assert [(pid, op) for _, pid, op, _ in adds] == [(f"{doc.id}-0", "add")]
    _put(store, "gout", "Offer an NSAID.")
    [new] = store.list_documents()
    tail = [(pid, op) for _, pid, op, _ in store.index_log_after(adds[-1][0])]
    assert tail == [(f"{doc.id}-0", "del"), (f"{new.id}-0", "add")]


def test_stats_count_only_current_documents_and_passages(runtime):
    store = runtime.store
    _put(store, "gout", "Offer colchicine.")
    _put(store, "gout", "Offer an NSAID.")
    _put(store, "migraine", "Offer a triptan.")
    stats = store.stats()
    assert (stats["documents"], stats["passages"], stats["library_version"]) == (2, 2, 3)

"""Re-ingesting: unchanged files are skipped, changed files become new versions."""

from __future__ import annotations

import json
from pathlib import Path

OLD = """---
title: Iron deficiency anaemia
publisher: Blood Society
year: 2019
---
# Iron deficiency anaemia

## Treatment
Offer ferrous sulfate 200 mg three times daily.
"""
NEW = OLD.replace("2019", "2024").replace(
    "Offer ferrous sulfate 200 mg three times daily.",
    "Offer ferrous fumarate 210 mg once daily; alternate-day dosing is an option.",
)


def _current_ids(runtime) -> set[str]:
    return {p.id for batch in runtime.store.iter_current_passages() for p in batch}


def _search_ids(runtime, text: str) -> set[str]:
    return {h.passage.id for h in runtime.retriever.search(text, k=50).hits}


def test_reingesting_an_unchanged_file_changes_nothing(tmp_path: Path, load, runtime):
    path = tmp_path / "ida.md"
    path.write_text(OLD)
    load(path)
    version = runtime.store.library_version()
    before = _current_ids(runtime)
    report = load(path)
    assert (report.new, report.updated, report.unchanged, report.passages) == (0, 0, 1, 0)
    assert runtime.store.library_version() == version
    assert _current_ids(runtime) == before
    [doc] = runtime.store.list_documents()
    assert doc.version == 1


def test_changed_file_becomes_new_version_and_retires_old_passages(tmp_path: Path, load, runtime):
    path = tmp_path / "ida.md"
    path.write_text(OLD)
    load(path)
    [old] = runtime.store.list_documents()
    old_ids = {p.id for p in runtime.store.document_passages(old.id)}
    assert _search_ids(runtime, "ferrous sulfate") & old_ids
    version = runtime.store.library_version()

    path.write_text(NEW)
    report = load(path)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    [new] = runtime.store.list_documents()
    assert (new.key, new.version, new.year, new.status) == (old.key, 2, 2024, "current")
    assert new.id != old.id
    superseded = runtime.store.get_document(old.id)
    assert (superseded.status, superseded.superseded_by) == ("superseded", new.id)
    assert all(p.retired for p in runtime.store.document_passages(old.id))
    assert runtime.store.library_version() == version + 1

    assert not _search_ids(runtime, "ferrous sulfate 200 mg three times") & old_ids
    hits = runtime.retriever.search("ferrous fumarate alternate-day", k=3).hits
    assert hits and hits[0].document.id == new.id and not hits[0].passage.retired
    assert _current_ids(runtime) == {p.id for p in runtime.store.document_passages(new.id)}
    assert runtime.retriever.index.searcher().num_docs == len(_current_ids(runtime))


def test_changing_back_makes_a_third_version_not_a_revival(tmp_path: Path, load, runtime):
    path = tmp_path / "ida.md"
    for text in (OLD, NEW, OLD):
        path.write_text(text)
        load(path)
    [doc] = runtime.store.list_documents()
    assert doc.version == 3
    assert runtime.store.stats()["documents"] == 1


def test_a_changed_jsonl_record_updates_only_that_record(tmp_path: Path, load, runtime):
    path = tmp_path / "records.jsonl"
    rows = [
        {"id": "a", "title": "Gout", "text": "Offer colchicine."},
        {"id": "b", "title": "Migraine", "text": "Offer a triptan."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    load(path)
    rows[1]["text"] = "Offer a triptan with an NSAID."
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = load(path)
    assert (report.new, report.updated, report.unchanged) == (0, 1, 1)


def test_removed_document_leaves_the_library_and_the_search_index(tmp_path: Path, load, runtime):
    path = tmp_path / "ida.md"
    path.write_text(OLD)
    (tmp_path / "other.md").write_text("# Folate\n\nOffer folic acid 5 mg daily.\n")
    load(tmp_path)
    [doc] = [d for d in runtime.store.list_documents() if d.title.startswith("Iron")]
    version = runtime.store.library_version()

    removed = runtime.store.remove_document(doc.key)
    assert removed is not None and (removed.id, removed.status) == (doc.id, "removed")
    assert runtime.store.current_document(doc.key) is None
    assert all(p.retired for p in runtime.store.document_passages(doc.id))
    assert runtime.store.library_version() == version + 1
    assert runtime.store.remove_document(doc.key) is None  # nothing left to remove
    assert runtime.store.library_version() == version + 1

    runtime.retriever.sync()
    assert not runtime.retriever.search("ferrous sulfate", k=10).hits
    assert runtime.retriever.index.searcher().num_docs == len(_current_ids(runtime)) == 1

    report = load(path)  # the same file again comes back as a new version
    assert report.updated == 0 and report.new == 1
    assert runtime.store.current_document(doc.key).version == 2

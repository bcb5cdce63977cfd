"""The database is the truth; the search index catches up with it on opening."""

from __future__ import annotations

import shutil
from pathlib import Path

from curbside.library.chunking import chunk_sections
from curbside.library.ingest import ingest
from curbside.library.readers import read_markdown
from curbside.runtime import open_runtime
from curbside.search.tantivy_index import MARKER
from curbside.settings import Settings
from curbside.store.schema import index_log


def _settings(root: Path, name: str = "home") -> Settings:
    return Settings(home=root / name, database_url=None)


def _write(root: Path, name: str, title: str, text: str) -> Path:
    path = root / name
    path.write_text(f"# {title}\n\n{text}\n")
    return path


def _in_step(rt) -> None:
    current = {p.id for batch in rt.store.iter_current_passages() for p in batch}
    rt.retriever.index.reload()
    assert rt.retriever.index.searcher().num_docs == len(current)
    ids = {pid for pid, _ in rt.retriever.search_ids(rt.retriever.plan("apixaban"), k=1000)}
    assert ids <= current


def test_a_deleted_index_is_rebuilt_from_the_database(tmp_path: Path):
    settings = _settings(tmp_path)
    rt = open_runtime(settings)
    ingest(
        [_write(tmp_path, "a.md", "AF", "Offer apixaban 5 mg twice daily.")], rt.store, rt.retriever
    )
    rt.close()
    shutil.rmtree(settings.index_dir)
    rt = open_runtime(settings)
    try:
        assert rt.retriever.search("apixaban").hits
        _in_step(rt)
    finally:
        rt.close()


def test_a_document_committed_but_never_indexed_is_indexed_on_opening(tmp_path: Path):
    settings = _settings(tmp_path)
    rt = open_runtime(settings)
    path = _write(tmp_path, "a.md", "AF", "Offer apixaban 5 mg twice daily.")
    parsed = read_markdown(path, path.read_bytes())
    # As ingest does, minus the index commit: a kill -9 between the two commits.
    rt.store.replace_document(parsed, chunk_sections(parsed.sections))
    rt.close()
    rt = open_runtime(settings)
    try:
        assert [h.document.title for h in rt.retriever.search("apixaban").hits] == ["AF"]
        _in_step(rt)
    finally:
        rt.close()


def test_an_index_that_belongs_to_another_library_is_rebuilt(tmp_path: Path):
    first, second = _settings(tmp_path, "first"), _settings(tmp_path, "second")
    rt = open_runtime(first)
    ingest(
        [_write(tmp_path, "a.md", "First", "Offer apixaban to the first library.")],
        rt.store,
        rt.retriever,
    )
    rt.close()
    rt = open_runtime(second)
    ingest(
        [_write(tmp_path, "b.md", "Second", "Offer apixaban to the second library.")],
        rt.store,
        rt.retriever,
    )
    rt.close()
    shutil.rmtree(second.index_dir)
    shutil.copytree(first.index_dir, second.index_dir)
    rt = open_runtime(second)
    try:
        assert [h.document.title for h in rt.retriever.search("apixaban").hits] == ["Second"]
        _in_step(rt)
    finally:
        rt.close()


def test_a_kill_between_index_commit_and_marker_does_not_duplicate_passages(tmp_path: Path):
    settings = _settings(tmp_path)
    rt = open_runtime(settings)
    ingest(
        [_write(tmp_path, "a.md", "A", "Offer apixaban 5 mg twice daily.")], rt.store, rt.retriever
    )
    marker = (settings.index_dir / MARKER).read_text()
    ingest(
        [_write(tmp_path, "b.md", "B", "Offer apixaban 2.5 mg twice daily.")],
        rt.store,
        rt.retriever,
    )
    seq = rt.retriever._applied
    [b] = [d for d in rt.store.list_documents() if d.title == "B"]
    rt.close()
    # The state just after the index committed B: marker and log not yet moved on.
    (settings.index_dir / MARKER).write_text(marker)
    with rt.store.engine.begin() as conn:
        conn.execute(index_log.insert().values(seq=seq, passage_id=f"{b.id}-0", op="add"))
    rt = open_runtime(settings)
    try:
        hits = rt.retriever.search("apixaban", k=10).hits
        assert sorted(h.document.title for h in hits) == ["A", "B"]
        _in_step(rt)
    finally:
        rt.close()

"""A changed, superseded or removed cited document sends approved answers back to review."""

from __future__ import annotations

import pytest

from curbside import articles
from curbside.library.ingest import ingest
from curbside.review import service, views

from .conftest import GUIDELINE


def _approve(store, reviewer, article):
    service.claim(store, reviewer, article.id, article.version)
    service.approve(store, reviewer, article.id, article.version)


def _reingest(runtime, path, hook=True):
    return ingest(
        [path],
        runtime.store,
        runtime.retriever,
        on_change=service.stale_source_hook(runtime.store) if hook else None,
    )


def test_reingesting_a_changed_cited_document_sends_approved_articles_to_review(
    runtime, reviewer, article, guideline
):
    store = runtime.store
    _approve(store, reviewer, article)
    guideline.write_text(GUIDELINE.replace("4 weeks", "2 to 4 weeks"))
    assert _reingest(runtime, guideline).updated == 1

    assert articles.load(store.articles, article.id).status == "needs_review"
    [entry] = [e for e in views.audit_trail(store, article.id) if e.action == "mark_stale"]
    assert entry.actor == "system"
    assert entry.detail == {
        "document_ids": [article.references[0].document_id],
        "reason": "superseded",
    }
    view = views.reader_view(store, article.id)
    assert view.sources_updated and view.article.status == "approved"
    assert view.status == "needs_review"

    service.claim(store, reviewer, article.id, article.version)
    service.approve(store, reviewer, article.id, article.version)
    assert not views.reader_view(store, article.id).sources_updated


def test_reingesting_an_unchanged_document_changes_nothing(runtime, reviewer, article, guideline):
    _approve(runtime.store, reviewer, article)
    assert _reingest(runtime, guideline).unchanged == 1
    assert articles.load(runtime.store.articles, article.id).status == "approved"


def test_removing_a_cited_document_sends_approved_articles_to_review(runtime, reviewer, article):
    store = runtime.store
    _approve(store, reviewer, article)
    doc = store.get_document(article.references[0].document_id)
    store.remove_document(doc.key, on_replaced=service.stale_source_hook(store))
    assert articles.load(store.articles, article.id).status == "needs_review"
    [entry] = [e for e in views.audit_trail(store, article.id) if e.action == "mark_stale"]
    assert entry.detail["reason"] == "removed"


def test_articles_not_yet_approved_keep_their_status_and_get_a_note_in_the_audit(
    runtime, reviewer, article, guideline
):
    service.claim(runtime.store, reviewer, article.id, article.version)
    guideline.write_text(GUIDELINE.replace("4 weeks", "6 weeks"))
    _reingest(runtime, guideline)
    assert articles.load(runtime.store.articles, article.id).status == "under_review"
    actions = [e.action for e in views.audit_trail(runtime.store, article.id)]
    assert actions == ["claim", "source_changed"]


def test_ingest_without_a_hook_behaves_as_before(runtime, reviewer, article, guideline):
    _approve(runtime.store, reviewer, article)
    guideline.write_text(GUIDELINE.replace("4 weeks", "6 weeks"))
    assert _reingest(runtime, guideline, hook=False).updated == 1
    assert articles.load(runtime.store.articles, article.id).status == "approved"


def test_a_crash_in_the_document_change_loses_neither_the_change_nor_its_review(
    runtime, reviewer, article, guideline
):
    """The answers citing a document go back to review in the transaction that replaces it:
    if that transaction fails after marking them, neither the new version nor the mark is
    kept, and the next ingest does both."""
    store = runtime.store
    _approve(store, reviewer, article)
    guideline.write_text(guideline.read_text().replace("4 weeks", "2 weeks"))
    hook = service.stale_source_hook(store)

    def crash(conn, old_id, status):
        hook(conn, old_id, status)
        raise RuntimeError("the process dies here")

    old = store.get_document(article.references[0].document_id)
    with pytest.raises(RuntimeError):
        ingest([guideline], store, runtime.retriever, on_change=crash)
    assert store.current_document(old.key).id == old.id  # the change rolled back
    assert articles.load(store.articles, article.id).status == "approved"  # and so did the mark
    assert not [e for e in views.audit_trail(store, article.id) if e.action == "mark_stale"]
    assert _reingest(runtime, guideline).updated == 1
    assert articles.load(store.articles, article.id).status == "needs_review"

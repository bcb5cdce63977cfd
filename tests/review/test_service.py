"""The review service on a real article: actions, versions, approvals, readers' view, audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from curbside import articles
from curbside.errors import Conflict, Forbidden, InvalidTransition, UnsupportedNumbers
from curbside.review import service, views
from curbside.review.edits import AddNote, EditBullet, RemoveBullet


def _claimed(store, reviewer, article):
    return service.claim(store, reviewer, article.id, article.version)


def test_claim_edit_approve_and_the_reader_sees_the_approved_version(store, reviewer, article):
    claimed = _claimed(store, reviewer, article)
    assert (claimed.status, claimed.version) == ("under_review", 1)
    first = claimed.sections[0].bullets[0].text
    edited = service.edit(
        store,
        reviewer,
        article.id,
        1,
        [EditBullet(section=0, bullet=0, text=first + " Review at follow-up.")],
        note="clarified",
    )
    assert (edited.status, edited.version) == ("under_review", 2)
    approved = service.approve(store, reviewer, article.id, 2, comment="checked")
    assert approved.status == "approved"

    stored = articles.load(store.articles, article.id)
    assert (stored.status, stored.version) == ("approved", 2)
    assert stored.sections[0].bullets[0].text.endswith("Review at follow-up.")

    view = views.reader_view(store, article.slug)
    assert view.article.version == 2 and view.article.status == "approved"
    [approval] = view.approvals
    assert (approval.reviewer_name, approval.reviewer_credentials, approval.version) == (
        "Dr Ada Reviewer",
        "MD, haematology",
        2,
    )
    assert approval.approved_at
    assert not view.newer_version_pending and not view.sources_updated


def test_every_edit_is_a_version_and_versions_can_be_diffed(store, reviewer, article):
    _claimed(store, reviewer, article)
    service.edit(store, reviewer, article.id, 1, [AddNote(text="first note")])
    service.edit(store, reviewer, article.id, 2, [RemoveBullet(section=0, bullet=0)])
    infos = views.list_versions(store, article.id)
    assert [(v.version, v.created_by) for v in infos] == [
        (1, "curbside (extractive)"),
        (2, "rev@example.org"),
        (3, "rev@example.org"),
    ]
    assert views.get_version(store, article.id, 1).sections == article.sections
    assert views.get_version(store, article.id, 2).reviewer_notes[0].text == "first note"
    diff = {d.title: d for d in views.diff_versions(store, article.id, 2, 3)}
    removed = article.sections[0].bullets[0].text
    assert any(
        op == "-" and line.startswith(removed) for op, line in diff["Initial treatment"].lines
    )


def test_readers_keep_the_approved_version_while_a_newer_one_awaits_review(
    store, reviewer, article
):
    _claimed(store, reviewer, article)
    service.approve(store, reviewer, article.id, 1)
    service.mark_sources_changed(store, [article.references[0].document_id], reason="superseded")
    service.claim(store, reviewer, article.id, 1)
    service.edit(store, reviewer, article.id, 1, [AddNote(text="rechecking")])
    view = views.reader_view(store, article.id)
    assert (view.status, view.latest_version, view.article.version) == ("under_review", 2, 1)
    assert view.article.status == "approved" and not view.article.reviewer_notes
    assert view.newer_version_pending and view.sources_updated
    assert [a.reviewer_name for a in view.approvals] == ["Dr Ada Reviewer"]

    service.approve(store, reviewer, article.id, 2)
    view = views.reader_view(store, article.id)
    assert view.article.version == 2 and not view.newer_version_pending
    assert not view.sources_updated


def test_a_never_approved_or_rejected_article_is_shown_as_it_stands(store, reviewer, article):
    view = views.reader_view(store, article.id)
    assert (view.status, view.article.status, view.approvals) == ("submitted", "submitted", [])
    _claimed(store, reviewer, article)
    service.reject(store, reviewer, article.id, 1, comment="<b>wrong population</b>")
    view = views.reader_view(store, article.id)
    assert (view.status, view.article.status) == ("rejected", "rejected")


def test_changes_requested_returns_to_review_after_an_edit(store, reviewer, article):
    _claimed(store, reviewer, article)
    service.request_changes(store, reviewer, article.id, 1, comment="shorten")
    back = service.edit(store, reviewer, article.id, 1, [AddNote(text="shortened")])
    assert (back.status, back.version) == ("under_review", 2)


def test_changes_requested_returns_to_review_after_a_fresh_answer(runtime, reviewer, article):
    store = runtime.store
    _claimed(store, reviewer, article)
    service.request_changes(store, reviewer, article.id, 1, comment="answer again")
    fresh = service.refresh(runtime, reviewer, article.id, 1)
    assert (fresh.id, fresh.slug, fresh.status, fresh.version) == (
        article.id,
        article.slug,
        "under_review",
        2,
    )
    assert fresh.sections and fresh.references
    assert views.list_versions(store, article.id)[-1].note.startswith("fresh answer")


def test_only_reviewers_move_articles(store, admin, editor, reader, article):
    for actor in (admin, editor, reader):
        with pytest.raises(Forbidden):
            service.claim(store, actor, article.id, 1)
    assert articles.load(store.articles, article.id).status == "submitted"


def test_an_edit_introducing_a_number_needs_a_reason_and_is_flagged(store, reviewer, article):
    _claimed(store, reviewer, article)
    new_text = "Treat with oral ferrous sulfate 65 mg of elemental iron once daily."
    with pytest.raises(UnsupportedNumbers):
        service.edit(
            store, reviewer, article.id, 1, [EditBullet(section=0, bullet=0, text=new_text)]
        )
    assert articles.load(store.articles, article.id).version == 1  # nothing was written

    reason = "Elemental iron content stated on the product label."
    edit = EditBullet(section=0, bullet=0, text=new_text, reason=reason)
    service.edit(store, reviewer, article.id, 1, [edit])
    bullet = articles.load(store.articles, article.id).sections[0].bullets[0]
    assert bullet.reviewer_addition is not None
    assert (bullet.reviewer_addition.reason, bullet.reviewer_addition.reviewer) == (
        reason,
        "Dr Ada Reviewer",
    )


def test_a_move_the_workflow_lacks_is_refused_and_kept(store, reviewer, article):
    with pytest.raises(InvalidTransition):
        service.approve(store, reviewer, article.id, 1, comment="too early")
    [entry] = [e for e in views.audit_trail(store, article.id) if e.action == "conflict"]
    assert entry.detail["attempted"]["action"] == "approve"
    assert entry.detail["attempted"]["comment"] == "too early"


def test_a_stale_version_is_a_conflict_that_returns_the_rejected_edit(store, reviewer, article):
    _claimed(store, reviewer, article)
    service.edit(store, reviewer, article.id, 1, [AddNote(text="first")])
    with pytest.raises(Conflict, match="you saw version 1, it is now version 2") as info:
        service.edit(store, reviewer, article.id, 1, [AddNote(text="second")])
    assert info.value.current_version == 2
    assert info.value.attempted["edits"] == [{"kind": "add_note", "text": "second"}]


def test_the_audit_log_holds_every_action_with_versions(store, reviewer, article):
    _claimed(store, reviewer, article)
    service.edit(store, reviewer, article.id, 1, [AddNote(text="n")])
    service.request_changes(store, reviewer, article.id, 2, comment="c")
    service.edit(store, reviewer, article.id, 2, [AddNote(text="m")])
    service.approve(store, reviewer, article.id, 3)
    trail = views.audit_trail(store, article.id)
    assert [(e.actor, e.action, e.version_before, e.version_after) for e in trail] == [
        ("rev@example.org", "claim", 1, 1),
        ("rev@example.org", "edit", 1, 2),
        ("rev@example.org", "request_changes", 2, 2),
        ("rev@example.org", "edit", 2, 3),
        ("rev@example.org", "approve", 3, 3),
    ]
    assert trail[2].detail == {
        "comment": "c",
        "status_before": "under_review",
        "status_after": "changes_requested",
    }
    assert all(e.at for e in trail)


def test_the_audit_log_cannot_be_altered(store, reviewer, article):
    _claimed(store, reviewer, article)
    for statement in (
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ):
        with pytest.raises(DatabaseError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))
    assert [e.actor for e in views.audit_trail(store)][-1] == "rev@example.org"


def test_audit_exports_as_json_lines(store, reviewer, article, tmp_path):
    _claimed(store, reviewer, article)
    path = tmp_path / "audit.jsonl"
    with path.open("w") as out:
        count = views.export_audit(store, out, article.slug)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert count == len(lines) == 1
    assert lines[0]["action"] == "claim" and lines[0]["article_id"] == article.id


def test_review_queue_filters_by_status_and_topic(runtime, store, reviewer, article):
    from curbside.answer.pipeline import answer

    other = answer("How often should haemoglobin be checked during oral iron treatment?", runtime)
    _claimed(store, reviewer, article)
    queue = views.review_queue(store)
    assert {i.id for i in queue} == {article.id, other.id}
    [mine] = views.review_queue(store, status="under_review")
    assert (mine.id, mine.claimed_by) == (article.id, "rev@example.org")
    assert [i.id for i in views.review_queue(store, topic="HAEMOGLOBIN")] == [other.id]
    assert views.review_queue(store, status="approved") == []

"""Two reviewers acting on the same article at once: one applies, one is told, nothing lost."""

from __future__ import annotations

import threading

from curbside import articles
from curbside.errors import Conflict
from curbside.review import service, views
from curbside.review.edits import EDITS, AddNote, EditBullet
from curbside.store.sql import open_store


def test_two_reviewers_editing_at_once_one_applies_and_the_other_gets_a_conflict(
    settings, store, reviewer, second_reviewer, article
):
    service.claim(store, reviewer, article.id, 1)
    original = article.sections[0].bullets[0].text
    edits = {
        reviewer.email: [EditBullet(section=0, bullet=0, text=original + " Take with water.")],
        second_reviewer.email: [AddNote(text="Consider intravenous iron if not tolerated.")],
    }
    stores = [open_store(settings), open_store(settings)]  # two connections, one SQLite file
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def act(actor, own_store):
        barrier.wait()
        try:
            outcomes[actor.email] = service.edit(
                own_store, actor, article.id, 1, edits[actor.email]
            )
        except Conflict as exc:
            outcomes[actor.email] = exc

    threads = [
        threading.Thread(target=act, args=(actor, own))
        for actor, own in zip((reviewer, second_reviewer), stores, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for own in stores:
        own.engine.dispose()

    conflicts = {k: v for k, v in outcomes.items() if isinstance(v, Conflict)}
    applied = {k: v for k, v in outcomes.items() if not isinstance(v, Conflict)}
    assert len(conflicts) == 1 and len(applied) == 1, outcomes
    [(loser, conflict)] = conflicts.items()
    assert conflict.current_version == 2 and "Reload" in str(conflict)

    # The loser's work is in the exception and in the audit trail, and applies again cleanly.
    kept = [e for e in views.audit_trail(store, article.id) if e.action == "conflict"]
    assert [e.actor for e in kept] == [loser]
    retry = EDITS.validate_python(kept[0].detail["attempted"]["edits"])
    assert retry == EDITS.validate_python(conflict.attempted["edits"]) == edits[loser]
    loser_user = reviewer if loser == reviewer.email else second_reviewer
    service.edit(store, loser_user, article.id, conflict.current_version, retry)

    final = articles.load(store.articles, article.id)
    assert final.version == 3
    assert final.sections[0].bullets[0].text == original + " Take with water."
    assert [n.text for n in final.reviewer_notes] == ["Consider intravenous iron if not tolerated."]


def test_two_reviewers_approving_at_once_approve_only_once(
    settings, store, reviewer, second_reviewer, article
):
    service.claim(store, reviewer, article.id, 1)
    stores = [open_store(settings), open_store(settings)]
    barrier = threading.Barrier(2)
    results: list[object] = []

    def act(actor, own_store):
        barrier.wait()
        try:
            results.append(service.approve(own_store, actor, article.id, 1))
        except Conflict as exc:
            results.append(exc)

    threads = [
        threading.Thread(target=act, args=(actor, own))
        for actor, own in zip((reviewer, second_reviewer), stores, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for own in stores:
        own.engine.dispose()
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert len(views.reader_view(store, article.id).approvals) == 1


def test_an_edit_that_read_before_another_committed_fails_at_the_version_check(
    store, reviewer, second_reviewer, article, monkeypatch
):
    """Both read version 1; the other commits between this one's read and its write."""
    service.claim(store, reviewer, article.id, 1)
    real_load = service._load_row

    def load_then_lose_the_race(own_store, article_id):
        row = real_load(own_store, article_id)
        monkeypatch.setattr(service, "_load_row", real_load)
        service.edit(store, second_reviewer, article.id, 1, [AddNote(text="won the race")])
        return row  # still says version 1

    monkeypatch.setattr(service, "_load_row", load_then_lose_the_race)
    try:
        service.edit(store, reviewer, article.id, 1, [AddNote(text="lost the race")])
    except Conflict as exc:
        assert exc.current_version == 2
        assert exc.attempted["edits"] == [{"kind": "add_note", "text": "lost the race"}]
    else:
        raise AssertionError("the stale edit was applied")
    final = articles.load(store.articles, article.id)
    assert [n.text for n in final.reviewer_notes] == ["won the race"]
    assert len(views.list_versions(store, article.id)) == 2

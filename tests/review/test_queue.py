"""The review queue and setting aside, on real articles in a real store."""

from __future__ import annotations

import pytest

from curbside.answer.pipeline import answer
from curbside.errors import BadRequest, Forbidden
from curbside.review import queue, service
from curbside.review.queue import QueueItem, _grouped

FOLLOW_UP = "How long should oral iron treatment continue after the haemoglobin is normal?"


def _item(id_: str, parent: str | None = None, created: str = "") -> QueueItem:
    return QueueItem(
        id=id_,
        slug=id_,
        question=f"question {id_}",
        audience="clinician",
        status="submitted",
        version=1,
        abstained=False,
        updated_at="",
        claimed_by=None,
        follow_up_of=parent,
        created_at=created or id_,
    )


def test_follow_ups_of_follow_ups_go_under_the_first_listed_question():
    items = [_item("c", "b"), _item("a"), _item("b", "a"), _item("d", "elsewhere")]
    groups = _grouped(items, {"elsewhere": "the parent question"})
    assert [(g.item.id, [f.id for f in g.follow_ups]) for g in groups] == [
        ("a", ["b", "c"]),
        ("d", []),
    ]
    assert groups[1].parent_question == "the parent question"
    assert groups[0].parent_question is None


def test_a_cycle_of_parents_does_not_hang():
    groups = _grouped([_item("a", "b"), _item("b", "a")], {})
    assert sorted(i.id for g in groups for i in (g.item, *g.follow_ups)) == ["a", "b"]


def test_set_aside_and_restore_move_articles_between_views(runtime, store, article, reviewer):
    follow = answer(FOLLOW_UP, runtime, follow_up_of=article.id)
    before = queue.review_queue(store, "answers")
    assert before.counts == {"answers": 2, "abstentions": 0, "set_aside": 0, "patient": 0}
    [group] = before.groups
    assert (group.item.id, [f.id for f in group.follow_ups]) == (article.id, [follow.id])

    assert queue.set_aside(store, reviewer, [article.id, article.id], "duplicate") == [article.id]
    assert queue.set_aside(store, reviewer, [article.id], "again") == []  # already aside
    after = queue.review_queue(store, "answers")
    assert after.counts == {"answers": 1, "abstentions": 0, "set_aside": 1, "patient": 0}
    assert after.groups[0].parent_question == article.question
    [aside] = queue.review_queue(store, "set_aside").items
    assert (aside.set_aside_reason, aside.set_aside_by) == ("duplicate", "Dr Ada Reviewer")
    assert store.articles.get_article(article.id)["status"] == "submitted"

    assert queue.restore(store, reviewer, [article.id, follow.id]) == [article.id]
    assert queue.review_queue(store, "answers").counts["set_aside"] == 0


def test_only_open_articles_can_be_set_aside(store, article, reviewer):
    claimed = service.claim(store, reviewer, article.id, article.version)
    service.approve(store, reviewer, article.id, claimed.version)
    assert queue.set_aside(store, reviewer, [article.id], "junk") == []
    assert queue.review_queue(store, "set_aside", status="approved").items == []


def test_setting_aside_needs_a_reviewer_a_reason_and_a_choice(
    store, article, editor, admin, reviewer
):
    for someone in (editor, admin):
        with pytest.raises(Forbidden):
            queue.set_aside(store, someone, [article.id], "junk")
        with pytest.raises(Forbidden):
            queue.restore(store, someone, [article.id])
    with pytest.raises(BadRequest, match="Say why"):
        queue.set_aside(store, reviewer, [article.id], " \n ")
    with pytest.raises(BadRequest, match="Choose at least one"):
        queue.set_aside(store, reviewer, [], "junk")
    with pytest.raises(BadRequest, match="view must be one of"):
        queue.review_queue(store, "everything")

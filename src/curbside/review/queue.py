"""The review queue as reviewers read it: real answers, abstentions and what was set aside,
follow-ups under the question they follow, people by name; and setting aside in bulk.

>>> q = review_queue(store, view="abstentions")                         # doctest: +SKIP
>>> set_aside(store, reviewer, [g.item.id for g in q.groups], "test questions")  # doctest: +SKIP
>>> restore(store, reviewer, ids)                                        # doctest: +SKIP

Setting aside is triage, not a review decision: the article keeps its status (so nothing a
reader sees changes), leaves the queue's main tabs, and comes back with ``restore``. Both
are in the audit trail, one entry per article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, exists, func, select

from ..errors import BadRequest
from ..store import schema
from ..store.base import Store
from . import store as q
from .accounts import OPERATOR, User
from .service import SYSTEM, one_line_reason
from .workflow import OPEN_STATUSES, STATUSES, require

A, SA, U = schema.articles, schema.set_aside, schema.users
VIEWS = {
    "answers": "Answers",
    "abstentions": "Abstentions",
    "set_aside": "Set aside",
    # Approved answers whose patient wording awaits its own review (review/wording.py).
    "patient": "Patient wordings",
}
# What the patient wordings tab says of each wording's review.
PATIENT_STATUS = {
    None: "Pending review",
    "submitted": "Edited, pending review",
    "rejected": "Rejected",
}
MAX_REASON_CHARS = 500
MAX_BULK = 500  # one form's worth; the queue shows at most 100 per page anyway
SYSTEM_NAME = "Curbside (automatic)"


@dataclass(frozen=True)
class QueueItem:
    id: str
    slug: str
    question: str
    audience: str
    status: str
    version: int
    abstained: bool
    updated_at: str
    claimed_by: str | None  # the claimer's email, as the audit trail records them
    claimed_by_name: str | None = None
    follow_up_of: str | None = None
    created_at: str = ""
    set_aside_reason: str | None = None
    set_aside_by: str | None = None  # a name
    set_aside_at: str | None = None
    patient_status: str | None = None  # the patient wordings tab: where that review stands
    patient_reason: str | None = None  # why the patient wording was rejected


@dataclass
class QueueGroup:
    """A question and the follow-ups to it that are in the queue too."""

    item: QueueItem
    follow_ups: list[QueueItem] = field(default_factory=list)
    parent_question: str | None = None  # when it follows a question not listed here


@dataclass
class Queue:
    view: str
    groups: list[QueueGroup]
    counts: dict[str, int]  # per view, under the same status and topic filter

    @property
    def items(self) -> list[QueueItem]:
        return [i for g in self.groups for i in (g.item, *g.follow_ups)]


# ---- names ---------------------------------------------------------------------------------
def actor_names(conn: Connection) -> dict[str, str]:
    """How to name each person the audit trail records, by email (actors) or id (targets)."""
    names: dict[str, str] = {}
    for user_id, email, name in conn.execute(select(U.c.id, U.c.email, U.c.name)):
        names.update({email: name, user_id: name})
    names.update({SYSTEM: SYSTEM_NAME, OPERATOR.email: OPERATOR.name})
    return names


def person(names: dict[str, str], actor: str | None) -> str | None:
    """A name for an actor; an account that no longer exists keeps its recorded email."""
    if actor is None:
        return None
    if actor.startswith("curbside ("):  # a version the engine wrote
        return "Curbside"
    return names.get(actor, actor)


# ---- the queue -----------------------------------------------------------------------------
def _filters(statuses: Sequence[str], topic: str | None) -> list[Any]:
    where: list[Any] = [A.c.status.in_(list(statuses))]
    if topic:
        where.append(A.c.question.ilike(f"%{topic.strip()[:200]}%"))
    return where


def _aside() -> Any:
    # An alias, so that the test stays a subquery where the query also joins set_aside.
    marks = SA.alias("marks")
    return exists().where(marks.c.article_id == A.c.id)


def _view_filter(view: str) -> list[Any]:
    aside = _aside()
    if view == "set_aside":
        return [aside]
    if view == "abstentions":
        return [~aside, A.c.abstained.is_(True)]
    if view == "answers":
        return [~aside, A.c.abstained.is_(False)]
    return [~aside]  # "all": everything still awaiting a reviewer


def _counts(conn: Connection, where: list[Any], topic: str | None = None) -> dict[str, int]:
    aside = _aside()
    query = select(A.c.abstained, aside.label("aside"), func.count()).where(*where)
    counts = dict.fromkeys(VIEWS, 0)
    counts["patient"] = q.count_awaiting_patient_review(conn, topic)
    for abstained, is_aside, n in conn.execute(query.group_by(A.c.abstained, "aside")):
        name = "set_aside" if is_aside else "abstentions" if abstained else "answers"
        counts[name] += n
    return counts


def counts(store: Store) -> dict[str, int]:
    """How many open articles each tab of the default queue holds."""
    with store.review.reading() as conn:
        return _counts(conn, _filters(OPEN_STATUSES, None))


def review_queue(
    store: Store,
    view: str = "all",
    status: str | None = None,
    topic: str | None = None,
    limit: int = 100,
) -> Queue:
    """The queue, oldest first: one view (``answers``, ``abstentions``, ``set_aside``, or
    ``all`` that is not set aside), one status or every open one, questions with ``topic``."""
    if view not in (*VIEWS, "all"):
        raise BadRequest(f"view must be one of {', '.join((*VIEWS, 'all'))}")
    if status and status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}")
    where = _filters([status] if status else list(OPEN_STATUSES), topic)
    limit = min(max(limit, 1), 1000)
    if view == "patient":
        return _patient_queue(store, where, topic, limit)
    with store.review.reading() as conn:
        query = select(A, SA.c.reason, SA.c.set_by, SA.c.set_at).outerjoin(
            SA, SA.c.article_id == A.c.id
        )
        query = query.where(*where, *_view_filter(view)).order_by(A.c.updated_at, A.c.id)
        rows = [dict(r._mapping) for r in conn.execute(query.limit(limit))]
        counts = _counts(conn, where, topic)
        claimed = q.last_actors(conn, [r["id"] for r in rows], "claim")
        names = actor_names(conn)
        listed = {r["id"] for r in rows}
        parents = _questions(conn, {r["parent_id"] for r in rows} - listed - {None})
    items = [_item(r, claimed.get(r["id"]), names) for r in rows]
    return Queue(view, _grouped(items, parents), counts)


def _patient_queue(store: Store, where: list[Any], topic: str | None, limit: int) -> Queue:
    """Approved answers whose patient wording awaits review, oldest first, each on its own
    (its follow-ups have patient wordings of their own)."""
    with store.review.reading() as conn:
        rows = q.awaiting_patient_review(conn, topic, limit)
        counts = _counts(conn, where, topic)
        names = actor_names(conn)
    items = []
    for row in rows:
        item = _item({**row, "reason": None, "set_by": None, "set_at": None}, None, names)
        status = PATIENT_STATUS[row["patient_status"]]
        items.append(replace(item, patient_status=status, patient_reason=row["state_reason"]))
    return Queue("patient", [QueueGroup(i) for i in items], counts)


def _item(row: dict[str, Any], claimer: str | None, names: dict[str, str]) -> QueueItem:
    return QueueItem(
        id=row["id"],
        slug=row["slug"],
        question=row["question"],
        audience=row["audience"],
        status=row["status"],
        version=row["version"],
        abstained=bool(row["abstained"]),
        updated_at=row["updated_at"],
        claimed_by=claimer,
        claimed_by_name=person(names, claimer),
        follow_up_of=row["parent_id"],
        created_at=row["created_at"],
        set_aside_reason=row["reason"],
        set_aside_by=person(names, row["set_by"]),
        set_aside_at=row["set_at"],
    )


def _questions(conn: Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(A.c.id, A.c.question).where(A.c.id.in_(sorted(ids)))
    return {i: question for i, question in conn.execute(query)}


def _grouped(items: list[QueueItem], parent_questions: dict[str, str]) -> list[QueueGroup]:
    """Each follow-up under the listed question it (or its listed parent) follows."""
    by_id = {i.id: i for i in items}

    def root(item: QueueItem) -> QueueItem:
        path = [item.id]
        while item.follow_up_of in by_id:
            if item.follow_up_of in path:  # parents in a circle: one of them, always the same
                return by_id[min(path[path.index(item.follow_up_of) :])]
            item = by_id[item.follow_up_of]
            path.append(item.id)
        return item

    groups: dict[str, QueueGroup] = {}
    for item in items:
        top = root(item)
        if top.id not in groups:
            parent = parent_questions.get(top.follow_up_of or "")
            groups[top.id] = QueueGroup(top, parent_question=parent)
        if top.id != item.id:
            groups[top.id].follow_ups.append(item)
    for group in groups.values():
        group.follow_ups.sort(key=lambda i: (i.created_at, i.id))
    return list(groups.values())


# ---- setting aside -------------------------------------------------------------------------
def _ids(article_ids: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(i for i in article_ids if i))
    if not ids:
        raise BadRequest("Choose at least one question first.")
    if len(ids) > MAX_BULK:
        raise BadRequest(f"At most {MAX_BULK:,} questions at once; you chose {len(ids):,}.")
    return ids


def set_aside(store: Store, actor: User, article_ids: Sequence[str], reason: str) -> list[str]:
    """Take open articles out of the queue, with why; returns the ids set aside now (those
    already set aside, or no longer open, are left as they are)."""
    require(actor.role, "review")
    ids = _ids(article_ids)
    missing = "Say why these questions are set aside (for example “test questions”)."
    reason = one_line_reason(reason, MAX_REASON_CHARS, missing)
    done = []
    with store.review.transaction() as conn:
        query = select(A.c.id, A.c.version, A.c.status).where(
            A.c.id.in_(ids), A.c.status.in_(list(OPEN_STATUSES)), *_view_filter("all")
        )
        at = q.now()
        for article_id, version, status in conn.execute(query).all():
            values = {"article_id": article_id, "reason": reason, "set_by": actor.id}
            conn.execute(SA.insert().values(set_at=at, **values))
            detail = {"reason": reason, "status": status, "together_with": len(ids) - 1}
            q.append_audit(conn, actor.email, "set_aside", article_id, version, version, detail)
            done.append(article_id)
    return done


def restore(store: Store, actor: User, article_ids: Sequence[str]) -> list[str]:
    """Put set-aside articles back in the queue; returns the ids restored now."""
    require(actor.role, "review")
    ids = _ids(article_ids)
    done = []
    with store.review.transaction() as conn:
        query = select(SA.c.article_id, SA.c.reason, A.c.version).join(A, A.c.id == SA.c.article_id)
        for article_id, reason, version in conn.execute(query.where(SA.c.article_id.in_(ids))):
            conn.execute(SA.delete().where(SA.c.article_id == article_id))
            detail = {"reason_was": reason}
            q.append_audit(conn, actor.email, "restore", article_id, version, version, detail)
            done.append(article_id)
    return done

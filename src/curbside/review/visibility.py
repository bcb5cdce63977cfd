"""Who may see an answer: everyone, once a reviewer approved it; until then only the people
who asked it, reviewers and administrators, and (where the institution turns on
``unreviewed_visible_to_staff``) every signed-in user.

A question can carry a patient's details, so an answer no reviewer approved is shown to no one
else: not on the home page, not among another answer's related questions, not at its address
and not through the API. Its address answers anyone else exactly as an address that never
existed, because the slug holds the question's first words and only 24 random bits.

"Approved" means what the reader's page shows (``views.reader_view``): a version was approved
and the article was not rejected since (a later edit or a changed source keeps the approved
version public while the new one waits).

>>> reader = Reader(askers=(user_asker("3f2a…"),))         # doctest: +SKIP
>>> may_see(store, reader, "gout-colchicine-dose-3c8d05")  # doctest: +SKIP
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError

from ..store import schema
from ..store.base import Store
from . import store as q
from .queue import counts as queue_counts

A, AP, ASK = schema.articles, schema.approvals, schema.article_askers
MAX_KEYS = 50  # related questions are at most a handful; this bounds the IN list


@dataclass(frozen=True)
class Reader:
    """Whoever is looking, as far as visibility goes."""

    askers: tuple[str, ...] = ()  # this viewer as an asker: their account, their browser
    sees_unreviewed: bool = False  # reviewers, administrators; staff where the setting says


ANONYMOUS = Reader()


def user_asker(user_id: str) -> str:
    return f"user:{user_id}"


def visitor_asker(cookie: str) -> str:
    """An anonymous visitor, by the digest of their visitor cookie (never the cookie itself)."""
    return "visitor:" + hashlib.sha256(cookie.encode()).hexdigest()


def _public() -> ColumnElement[bool]:
    approved = or_(A.c.status == "approved", exists().where(AP.c.article_id == A.c.id))
    return and_(A.c.status != "rejected", approved)


def _visible(reader: Reader) -> ColumnElement[bool]:
    if reader.sees_unreviewed:
        return true()
    asked = (
        exists().where(ASK.c.article_id == A.c.id, ASK.c.asker.in_(reader.askers))
        if reader.askers
        else false()
    )
    return or_(_public(), asked)


def record_asker(store: Store, article_id: str, asker: str) -> None:
    """Remember that ``asker`` asked this article's question (again: the time moves on)."""
    stamp = q.now()
    with store.review.transaction() as conn:
        moved = conn.execute(
            update(ASK)
            .where(ASK.c.article_id == article_id, ASK.c.asker == asker)
            .values(asked_at=stamp)
        ).rowcount
        if moved:
            return
    try:
        with store.review.transaction() as conn:
            conn.execute(ASK.insert().values(article_id=article_id, asker=asker, asked_at=stamp))
    except IntegrityError:
        pass  # the same asker, at the same moment, from another request: recorded either way


def may_see(store: Store, reader: Reader, id_or_slug: str) -> bool:
    """Whether the reader may see this article (False also when there is no such article)."""
    query = select(A.c.id).where(
        or_(A.c.id == id_or_slug, A.c.slug == id_or_slug), _visible(reader)
    )
    with store.review.reading() as conn:
        return conn.execute(query).first() is not None


def visible_questions(store: Store, reader: Reader, keys: Iterable[str]) -> dict[str, str]:
    """Of these question keys, those the reader may see, each with the wording to show: the
    question as a visible article asked it (so nothing of an unseen article's text leaks)."""
    wanted = list(dict.fromkeys(keys))[:MAX_KEYS]
    if not wanted:
        return {}
    query = (
        select(A.c.question_key, A.c.question)
        .where(A.c.question_key.in_(wanted), _visible(reader))
        .order_by(A.c.created_at)
    )
    found: dict[str, str] = {}
    with store.review.reading() as conn:
        for key, question in conn.execute(query):
            found.setdefault(key, question)
    return found


def find_visible(store: Store, reader: Reader, key: str, audience: str) -> str | None:
    """The slug of the newest article for this question that the reader may see."""
    query = (
        select(A.c.slug)
        .where(
            A.c.question_key == key,
            A.c.audience == audience,
            A.c.parent_id.is_(None),
            _visible(reader),
        )
        .order_by(A.c.created_at.desc())
        .limit(1)
    )
    with store.review.reading() as conn:
        return conn.execute(query).scalar()


_LISTED = (A.c.id, A.c.slug, A.c.question, A.c.audience, A.c.status, A.c.abstained)


def recent_public(store: Store, limit: int) -> list[dict[str, Any]]:
    """Approved answers, newest change first: what the home page lists for everyone."""
    query = (
        select(*_LISTED, A.c.updated_at)
        .where(_public(), A.c.abstained.is_(False))
        .order_by(A.c.updated_at.desc())
        .limit(limit)
    )
    with store.review.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def recent_asked_by(store: Store, askers: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    """The questions these askers asked, newest first, abstentions too (they asked them)."""
    if not askers:
        return []
    asked_at = func.max(ASK.c.asked_at).label("asked_at")
    query = (
        select(*_LISTED, asked_at)
        .join(ASK, ASK.c.article_id == A.c.id)
        .where(ASK.c.asker.in_(askers))
        .group_by(*_LISTED)
        .order_by(asked_at.desc())
        .limit(limit)
    )
    with store.review.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def recent_unreviewed(store: Store, limit: int) -> list[dict[str, Any]]:
    """Answers awaiting a reviewer, newest first: for staff, where the setting shares them."""
    query = (
        select(*_LISTED, A.c.updated_at)
        .where(~_public(), A.c.status != "rejected", A.c.abstained.is_(False))
        .order_by(A.c.updated_at.desc())
        .limit(limit)
    )
    with store.review.reading() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def awaiting_review(store: Store) -> int:
    """How many answers wait for a reviewer (the queue's Answers tab: neither abstentions nor
    questions set aside), for the reviewer's home page."""
    return queue_counts(store)["answers"]

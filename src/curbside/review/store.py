"""Queries of the review domain, as functions on an open connection.

Functions rather than Store methods so that the service can put several of them (the
optimistic update of the article, its new version, the approval, the audit entry) in one
transaction of its own. Nothing here updates or deletes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    or_,
    select,
    update,
)

from .. import clock
from ..store import schema

A, AS, V = schema.articles, schema.article_sources, schema.article_versions
U, T, S = schema.users, schema.api_tokens, schema.sessions
AP, LOG = schema.approvals, schema.audit_log
PA, PW = schema.patient_approvals, schema.patient_wordings
LT, ST = schema.login_throttle, schema.library_state


# Accounts, reviews and audit rows are stamped to the second.
now = partial(clock.now, "seconds")


class ReviewStore:
    """The review domain's tables (users, tokens, sessions, versions, approvals, audit),
    behind the same engine as the library. The functions below run on the connection it
    hands out, so one transaction can hold several of them."""

    def __init__(self, engine: Engine):
        self._engine = engine

    def transaction(self) -> AbstractContextManager[Connection]:
        """A connection whose statements commit together when the block ends."""
        return self._engine.begin()

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads only."""
        return self._engine.connect()

    def generation(self) -> int:
        """The review generation (see ``review_generation``): one indexed read."""
        with self._engine.connect() as conn:
            return review_generation(conn)


def _row(row: Any) -> dict[str, Any] | None:
    return dict(row._mapping) if row is not None else None


# ---- users, tokens, sessions ---------------------------------------------------------------
def insert_user(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(U.insert().values(**values))


def user_by_id(conn: Connection, user_id: str) -> dict[str, Any] | None:
    return _row(conn.execute(select(U).where(U.c.id == user_id)).first())


def user_by_email(conn: Connection, email: str) -> dict[str, Any] | None:
    return _row(conn.execute(select(U).where(U.c.email == email)).first())


def list_users(conn: Connection, role: str | None = None) -> list[dict[str, Any]]:
    query = select(U).order_by(U.c.role, U.c.name)
    if role is not None:
        query = query.where(U.c.role == role)
    return [dict(r._mapping) for r in conn.execute(query)]


def update_user(conn: Connection, user_id: str, **values: Any) -> None:
    conn.execute(update(U).where(U.c.id == user_id).values(updated_at=now(), **values))


def login_throttle(conn: Connection, email: str, client: str) -> dict[str, Any] | None:
    query = select(LT).where(LT.c.email == email, LT.c.client == client)
    return _row(conn.execute(query).first())


def count_failed_login(conn: Connection, email: str, client: str, at: str, since: str) -> int:
    """Add one failure for (email, client) and return the streak; a streak whose last
    failure is older than ``since`` starts again. One statement, so parallel guesses all
    count (a first failure inserts; the caller retries if another insert won the race)."""
    where = (LT.c.email == email, LT.c.client == client)
    streak = case((LT.c.updated_at < since, 1), else_=LT.c.failures + 1)
    if conn.execute(update(LT).where(*where).values(failures=streak, updated_at=at)).rowcount:
        return conn.execute(select(LT.c.failures).where(*where)).scalar_one()
    conn.execute(
        LT.insert().values(email=email, client=client, failures=1, locked_until=None, updated_at=at)
    )
    return 1


def lock_login(conn: Connection, email: str, client: str, until: str) -> None:
    where = (LT.c.email == email, LT.c.client == client)
    conn.execute(update(LT).where(*where).values(failures=0, locked_until=until))


def clear_login_throttle(conn: Connection, email: str, client: str | None = None) -> None:
    """Forget the failures of one client (a success), or of every client (a new password)."""
    query = LT.delete().where(LT.c.email == email)
    if client is not None:
        query = query.where(LT.c.client == client)
    conn.execute(query)


def prune_login_throttle(conn: Connection, at: str, since: str) -> None:
    """Drop rows that no longer matter: no lock running and no failure since ``since``."""
    idle = or_(LT.c.locked_until.is_(None), LT.c.locked_until <= at)
    conn.execute(LT.delete().where(and_(idle, LT.c.updated_at < since)))


def insert_token(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(T.insert().values(**values))


def token_by_hash(conn: Connection, token_hash: str) -> dict[str, Any] | None:
    return _row(conn.execute(select(T).where(T.c.token_hash == token_hash)).first())


def token_by_id(conn: Connection, token_id: str) -> dict[str, Any] | None:
    return _row(conn.execute(select(T).where(T.c.id == token_id)).first())


def update_token(conn: Connection, token_id: str, **values: Any) -> None:
    conn.execute(update(T).where(T.c.id == token_id).values(**values))


def tokens_of(conn: Connection, user_id: str) -> list[dict[str, Any]]:
    query = select(T).where(T.c.user_id == user_id).order_by(T.c.created_at)
    return [dict(r._mapping) for r in conn.execute(query)]


def insert_session(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(S.insert().values(**values))


def session_by_hash(conn: Connection, id_hash: str) -> dict[str, Any] | None:
    return _row(conn.execute(select(S).where(S.c.id_hash == id_hash)).first())


def delete_session(conn: Connection, id_hash: str) -> None:
    conn.execute(S.delete().where(S.c.id_hash == id_hash))


def delete_sessions_of(conn: Connection, user_id: str) -> None:
    conn.execute(S.delete().where(S.c.user_id == user_id))


def delete_expired_sessions(conn: Connection, at: str) -> int:
    return conn.execute(S.delete().where(S.c.expires_at <= at)).rowcount


# ---- articles ------------------------------------------------------------------------------
def article_row(conn: Connection, id_or_slug: str) -> dict[str, Any] | None:
    query = select(A).where((A.c.id == id_or_slug) | (A.c.slug == id_or_slug))
    return _row(conn.execute(query).first())


def articles_citing(conn: Connection, document_ids: Sequence[str]) -> list[str]:
    query = select(AS.c.article_id).where(AS.c.document_id.in_(list(document_ids)))
    return list(conn.execute(query).scalars())


def review_generation(conn: Connection) -> int:
    """How many review actions have changed what readers see: page caches compare it."""
    value = conn.execute(select(ST.c.value).where(ST.c.name == "review_generation")).scalar()
    return int(value or 0)


def bump_review_generation(conn: Connection) -> None:
    bumped = conn.execute(
        update(ST)
        .where(ST.c.name == "review_generation")
        .values(value=cast(cast(ST.c.value, Integer) + 1, String))
    )
    if not bumped.rowcount:  # migration 0011 makes the row; this is for safety only
        conn.execute(ST.insert().values(name="review_generation", value="1"))


def compare_and_set_article(
    conn: Connection, article_id: str, seen_version: int, seen_status: str, **values: Any
) -> bool:
    """The optimistic lock: change the article only if it is still as the actor saw it.

    Status is part of the check because status changes keep the content version: without
    it, two reviewers approving the same version at once would both succeed.
    """
    result = conn.execute(
        update(A)
        .where(A.c.id == article_id, A.c.version == seen_version, A.c.status == seen_status)
        .values(**values)
    )
    return result.rowcount == 1


def add_article_sources(conn: Connection, article_id: str, document_ids: Sequence[str]) -> None:
    """Cite more documents; earlier ones stay, so an older approved version is still watched."""
    have = set(
        conn.execute(select(AS.c.document_id).where(AS.c.article_id == article_id)).scalars()
    )
    new = sorted(set(document_ids) - have)
    if new:
        conn.execute(AS.insert(), [{"article_id": article_id, "document_id": d} for d in new])


def articles_by_status(
    conn: Connection, statuses: Sequence[str], topic: str | None, limit: int
) -> list[dict[str, Any]]:
    query = select(A).where(A.c.status.in_(list(statuses)))
    if topic:
        query = query.where(A.c.question.ilike(f"%{topic.strip()[:200]}%"))
    query = query.order_by(A.c.updated_at, A.c.id).limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


# ---- versions and approvals ----------------------------------------------------------------
def insert_version(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(V.insert().values(**values))


def version_row(conn: Connection, article_id: str, version: int) -> dict[str, Any] | None:
    query = select(V).where(V.c.article_id == article_id, V.c.version == version)
    return _row(conn.execute(query).first())


def version_rows(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    query = (
        select(V.c.article_id, V.c.version, V.c.created_by, V.c.created_at, V.c.note)
        .where(V.c.article_id == article_id)
        .order_by(V.c.version)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def insert_approval(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(AP.insert().values(**values))


def approvals_of(conn: Connection, article_id: str) -> list[dict[str, Any]]:
    query = select(AP).where(AP.c.article_id == article_id).order_by(AP.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


# ---- patient wordings (review/wording.py) --------------------------------------------------
def patient_wording_row(conn: Connection, article_id: str, version: int) -> dict[str, Any] | None:
    query = select(PW).where(PW.c.article_id == article_id, PW.c.version == version)
    return _row(conn.execute(query).first())


def compare_and_set_patient_wording(
    conn: Connection, article_id: str, version: int, seen_revision: int, **values: Any
) -> bool:
    """The patient wording's optimistic lock: act only on the revision the reviewer saw (0:
    never acted on, so the row is made; a row made meanwhile by another reviewer wins)."""
    where = (PW.c.article_id == article_id, PW.c.version == version)
    if seen_revision == 0:
        if conn.execute(select(PW.c.revision).where(*where)).first() is not None:
            return False
        conn.execute(
            PW.insert().values(article_id=article_id, version=version, revision=1, **values)
        )
        return True
    result = conn.execute(
        update(PW)
        .where(*where, PW.c.revision == seen_revision)
        .values(revision=seen_revision + 1, **values)
    )
    return result.rowcount == 1


def insert_patient_approval(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(PA.insert().values(**values))


def patient_approval_rows(
    conn: Connection, article_id: str, version: int | None = None
) -> list[dict[str, Any]]:
    query = select(PA).where(PA.c.article_id == article_id)
    if version is not None:
        query = query.where(PA.c.version == version)
    return [dict(r._mapping) for r in conn.execute(query.order_by(PA.c.id))]


def _awaiting_patient_review(topic: str | None, *columns: Any) -> Any:
    state = PW.alias("state")
    labelled = (
        state.c.status.label("patient_status"),
        state.c.revision.label("patient_revision"),
        state.c.reason.label("state_reason"),
    )
    query = (
        select(*(columns or (A, *labelled)))
        .select_from(A)
        .outerjoin(state, and_(state.c.article_id == A.c.id, state.c.version == A.c.version))
        .where(
            A.c.status == "approved",
            A.c.audience == "clinician",
            A.c.abstained.is_(False),
            or_(state.c.status.is_(None), state.c.status != "approved"),
        )
    )
    if topic:
        query = query.where(A.c.question.ilike(f"%{topic.strip()[:200]}%"))
    return query


def awaiting_patient_review(conn: Connection, topic: str | None, limit: int) -> list[dict]:
    """Approved clinician answers whose patient wording (of the version readers see) is not
    approved: never acted on, edited since, or rejected. Oldest first."""
    query = _awaiting_patient_review(topic).order_by(A.c.updated_at, A.c.id).limit(limit)
    return [dict(r._mapping) for r in conn.execute(query)]


def count_awaiting_patient_review(conn: Connection, topic: str | None) -> int:
    return conn.execute(_awaiting_patient_review(topic, func.count())).scalar_one()


# ---- audit ---------------------------------------------------------------------------------
def append_audit(
    conn: Connection,
    actor: str,
    action: str,
    article_id: str | None = None,
    version_before: int | None = None,
    version_after: int | None = None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Add an entry to the trail; returns its id."""
    result = conn.execute(
        LOG.insert().values(
            at=now(),
            actor=actor[:320],
            action=action,
            article_id=article_id,
            version_before=version_before,
            version_after=version_after,
            detail=detail or {},
        )
    )
    return result.inserted_primary_key[0]


def audit_rows(conn: Connection, article_id: str | None = None) -> Iterator[dict[str, Any]]:
    query = select(LOG).order_by(LOG.c.id)
    if article_id is not None:
        query = query.where(LOG.c.article_id == article_id)
    for row in conn.execute(query):
        yield dict(row._mapping)


def last_audit_ids(conn: Connection, article_id: str, actions: Sequence[str]) -> dict[str, int]:
    """The id of the latest audit entry of each action for the article."""
    query = (
        select(LOG.c.action, func.max(LOG.c.id))
        .where(LOG.c.article_id == article_id, LOG.c.action.in_(list(actions)))
        .group_by(LOG.c.action)
    )
    return {action: last for action, last in conn.execute(query)}


def last_actors(conn: Connection, article_ids: Sequence[str], action: str) -> dict[str, str]:
    """Who last took ``action`` on each article (e.g. who claimed it), by article id."""
    if not article_ids:
        return {}
    latest = (
        select(func.max(LOG.c.id))
        .where(LOG.c.article_id.in_(list(article_ids)), LOG.c.action == action)
        .group_by(LOG.c.article_id)
    )
    query = select(LOG.c.article_id, LOG.c.actor).where(LOG.c.id.in_(latest))
    return {article_id: actor for article_id, actor in conn.execute(query)}

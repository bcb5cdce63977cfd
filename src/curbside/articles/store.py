"""Where articles are kept: the ArticleStore protocol and its SQLAlchemy implementation.

The library store (``store/``) owns documents and passages; this one owns articles and the
documents each cites. Both sit on the same engine, so one transaction can span them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..clock import now
from ..errors import NotFound
from ..store import schema
from .identity import question_key
from .model import Article

A, AS, PW = schema.articles, schema.article_sources, schema.patient_wordings


class ArticleStore(Protocol):
    """Articles as rows: the contract body plus the columns they are found by."""

    def save_article(self, record: dict[str, Any], document_ids: Sequence[str]) -> str:
        """Insert one article row and the documents it cites, and return its id; if a row
        with the same ``dedupe_key`` exists, insert nothing and return that row's id."""
        ...

    def get_article(self, id_or_slug: str) -> dict[str, Any]:
        """The row of an article by id or slug; NotFound if there is none."""
        ...

    def find_article(self, question_key: str, audience: str) -> dict[str, Any] | None:
        """The newest first-in-thread article for a question key and audience."""
        ...

    def list_articles(self, limit: int = 200) -> list[dict[str, Any]]:
        """Rows, most recently updated first."""
        ...

    def answered_questions(self, limit: int = 2000) -> list[tuple[str, str, str]]:
        """(id, question, question_key) of recent answered articles, without their bodies."""
        ...

    def articles_citing(self, document_ids: Sequence[str]) -> list[str]:
        """Ids of the articles that cite any of these documents."""
        ...

    def set_article_status(self, article_id: str, status: str) -> None:
        """Set the status and touch ``updated_at``."""
        ...

    def article_stamp(self, id_or_slug: str) -> tuple[str, str, int, str] | None:
        """(id, status, version, updated_at): whatever changes what an article page shows."""
        ...

    def recent_articles(
        self, limit: int = 10, status: str | None = None, exclude_status: str | None = None
    ) -> list[dict[str, Any]]:
        """Answered (not abstained) articles, newest first, without their bodies."""
        ...

    def find_article_variant(
        self, question_key: str, audience: str, parent_id: str | None
    ) -> str | None:
        """The slug of the same question, in the same thread position, for another audience."""
        ...

    def patient_wording(self, article_id: str, version: int) -> dict[str, Any] | None:
        """Where the patient wording of this clinician version stands (``status``, ``body``
        when approved or edited, ``revision``); None if no reviewer has acted on it."""
        ...


def save(
    store: ArticleStore,
    article: Article,
    question: str,
    library_version: int,
    findable: bool = True,
) -> str:
    """Store a new article (its contract as the body, the columns it is found by beside it)
    and return the id of the stored answer to its question: its own, or, when another worker
    stored one for the same question first, that one's (then this one is not stored).

    ``findable=False`` (a fresh re-answer) stores it beside any other answer of the question.
    """
    first_in_thread = article.follow_up_of is None
    record = {
        "id": article.id,
        "slug": article.slug,
        "question": question,
        "question_key": question_key(question),
        "audience": article.audience,
        "status": article.status,
        "version": article.version,
        "abstained": article.abstained,
        "engine": article.engine,
        "library_version": library_version,
        "thread_id": article.thread_id,
        "parent_id": article.follow_up_of,
        "body": article.contract(),
        "created_at": article.created_at,
        "updated_at": article.updated_at,
        "dedupe_key": dedupe_key(question, article.audience, _asked_of(article))
        if first_in_thread and findable
        else None,
    }
    return store.save_article(record, [r.document_id for r in article.references])


def dedupe_key(question: str, audience: str, engine: str = "extractive") -> str:
    """What makes two plain asks the same question: the audience and the question key, and
    the engine asked when it is not the default (an LLM answer is kept beside the
    extractive one, each found again by its own engine)."""
    key = f"{audience}:{question_key(question)}"
    return key if engine == "extractive" else f"{engine}:{key}"


def _asked_of(article: Article) -> str:
    return article.metadata.get("engine_requested") or article.engine


def load(store: ArticleStore, id_or_slug: str) -> Article:
    """The article as readers see it now (status and version from its row)."""
    row = store.get_article(id_or_slug)
    body = dict(row["body"])
    body.update(status=row["status"], version=row["version"], updated_at=row["updated_at"])
    return Article.model_validate(body)


class SQLArticles:
    """ArticleStore on SQLAlchemy Core (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def save_article(self, record: dict[str, Any], document_ids: Sequence[str]) -> str:
        try:
            with self.engine.begin() as conn:
                conn.execute(A.insert().values(**record))
                if document_ids:
                    sources = [{"article_id": record["id"], "document_id": d} for d in document_ids]
                    conn.execute(AS.insert(), list({s["document_id"]: s for s in sources}.values()))
        except IntegrityError:
            # Two workers answered the same new question at once: the first insert won.
            key = record.get("dedupe_key")
            with self.engine.connect() as conn:
                first = conn.execute(select(A.c.id).where(A.c.dedupe_key == key)).scalar()
            if key is None or first is None:
                raise
            return first
        return record["id"]

    def get_article(self, id_or_slug: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(A).where(or_(A.c.id == id_or_slug, A.c.slug == id_or_slug))
            ).first()
        if row is None:
            raise NotFound(f"no article {id_or_slug!r}")
        return dict(row._mapping)

    def find_article(self, question_key: str, audience: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(A)
                .where(
                    A.c.question_key == question_key,
                    A.c.audience == audience,
                    A.c.parent_id.is_(None),
                )
                .order_by(A.c.created_at.desc())
                .limit(1)
            ).first()
        return dict(row._mapping) if row else None

    def list_articles(self, limit: int = 200) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(A).order_by(A.c.updated_at.desc()).limit(limit))
            return [dict(r._mapping) for r in rows]

    def answered_questions(self, limit: int = 2000) -> list[tuple[str, str, str]]:
        query = (
            select(A.c.id, A.c.question, A.c.question_key)
            .where(A.c.abstained.is_(False))
            .order_by(A.c.updated_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(r.id, r.question, r.question_key) for r in conn.execute(query)]

    def articles_citing(self, document_ids: Sequence[str]) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(AS.c.article_id).where(AS.c.document_id.in_(list(document_ids)))
                ).scalars()
            )

    def set_article_status(self, article_id: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(A).where(A.c.id == article_id).values(status=status, updated_at=now())
            )

    # Read-only queries the web app needs on its hot paths: narrow columns, one round trip.
    def article_stamp(self, id_or_slug: str) -> tuple[str, str, int, str] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(A.c.id, A.c.status, A.c.version, A.c.updated_at).where(
                    or_(A.c.id == id_or_slug, A.c.slug == id_or_slug)
                )
            ).first()
        return (row.id, row.status, row.version, row.updated_at) if row else None

    def recent_articles(
        self, limit: int = 10, status: str | None = None, exclude_status: str | None = None
    ) -> list[dict[str, Any]]:
        query = select(
            A.c.id, A.c.slug, A.c.question, A.c.audience, A.c.status, A.c.updated_at
        ).where(A.c.abstained.is_(False))
        if status is not None:
            query = query.where(A.c.status == status)
        if exclude_status is not None:
            query = query.where(A.c.status != exclude_status)
        query = query.order_by(A.c.updated_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def find_article_variant(
        self, question_key: str, audience: str, parent_id: str | None
    ) -> str | None:
        parent = A.c.parent_id.is_(None) if parent_id is None else A.c.parent_id == parent_id
        with self.engine.connect() as conn:
            return conn.execute(
                select(A.c.slug)
                .where(A.c.question_key == question_key, A.c.audience == audience, parent)
                .order_by(A.c.created_at.desc())
                .limit(1)
            ).scalar()

    def patient_wording(self, article_id: str, version: int) -> dict[str, Any] | None:
        query = select(PW).where(PW.c.article_id == article_id, PW.c.version == version)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return dict(row._mapping) if row is not None else None

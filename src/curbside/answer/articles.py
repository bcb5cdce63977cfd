"""Articles on disk: how an Article is stored and found again (related questions: related.py)."""

from __future__ import annotations

import re
import uuid

from ..store.sql import SQLStore
from .article import Article

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "should",
        "the",
        "to",
        "what",
        "when",
        "which",
        "who",
        "with",
        "you",
        "your",
        "my",
        "we",
    ]
)


def question_key(question: str) -> str:
    """Questions that differ only in case, punctuation or spacing are the same question."""
    return " ".join(_WORD.findall(question.lower()))[:500]


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def slugify(question: str, article_id: str) -> str:
    words = [w for w in _WORD.findall(question.lower()) if w not in _STOP][:10]
    return f"{'-'.join(words)[:70].strip('-') or 'question'}-{article_id[:6]}"


def save(store: SQLStore, article: Article, question: str, library_version: int) -> None:
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
    }
    store.save_article(record, [r.document_id for r in article.references])


def load(store: SQLStore, id_or_slug: str) -> Article:
    row = store.get_article(id_or_slug)
    body = dict(row["body"])
    body.update(status=row["status"], version=row["version"], updated_at=row["updated_at"])
    return Article.model_validate(body)

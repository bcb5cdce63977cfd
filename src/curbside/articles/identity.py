"""An article's identity: its question key, id and slug (related questions: answer/related.py;
storing and loading: articles/store.py)."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

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

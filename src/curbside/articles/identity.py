"""An article's identity: its question key, id, slug, and the questions related to it."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import ArticleStore

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


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def related_questions(
    store: ArticleStore, question: str, exclude: str | None = None, limit: int = 5
) -> list[str]:
    """Answered questions that share the most words with this one."""
    mine = _words(question)
    if not mine:
        return []
    scored = []
    seen = {question_key(question)}
    # Questions only, never article bodies: this runs on every ask.
    for article_id, other, key in store.answered_questions():
        if article_id == exclude or key in seen:
            continue
        theirs = _words(other)
        overlap = len(mine & theirs) / len(mine | theirs) if theirs else 0.0
        if overlap >= 0.15:
            seen.add(key)
            scored.append((-overlap, other))
    return [q for _, q in sorted(scored)[:limit]]

"""The Article, Curbside's product: its model, its identity, and where it is kept.

Below ``answer/`` (which builds articles) and ``review/`` (which edits and approves them).
"""

from .identity import new_id, question_key, slugify
from .model import AUDIENCES, Article, Audience
from .store import ArticleStore, SQLArticles, load, save

__all__ = [
    "AUDIENCES",
    "Article",
    "ArticleStore",
    "Audience",
    "SQLArticles",
    "load",
    "new_id",
    "question_key",
    "save",
    "slugify",
]

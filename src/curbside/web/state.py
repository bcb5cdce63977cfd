"""What every request can reach: hung on ``app.state.web`` by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass

from ..runtime import Runtime
from ..settings import Settings
from .pages import Pages
from .service import ArticlePages, Asker


@dataclass
class WebState:
    settings: Settings
    rt: Runtime
    pages: Pages
    asker: Asker
    article_pages: ArticlePages
